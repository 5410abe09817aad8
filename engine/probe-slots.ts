/**
 * The probe-slot bookkeeping both matchers share: a prepared probe owns a fixed-size region of
 * its matcher's kernel memory until released; released slots are reused, and a probe used or
 * released after its release is refused (two live probes must never share a slot).
 */
import { EngineError } from './errors.ts';

export interface SlotProbe {
  readonly address: number;
  readonly matcher: unknown;
}

export class ProbeSlots<P extends SlotProbe> {
  private readonly free: number[] = [];
  private readonly live = new WeakSet<P>();

  /** `allocate` reserves a new slot in kernel memory when none is free. */
  constructor(private readonly owner: unknown, private readonly allocate: () => number) {}

  /** A slot for a probe about to be prepared. */
  take(): number {
    return this.free.pop() ?? this.allocate();
  }

  /** Records a prepared probe as live (frozen: its address can't be changed afterwards). */
  issue(probe: P): P {
    const frozen = Object.freeze(probe);
    this.live.add(frozen);
    return frozen;
  }

  /** Throws unless the probe belongs to this matcher and has not been released. */
  check(probe: P): void {
    if (probe.matcher !== this.owner) throw new EngineError('ERR_MATCHER_MISMATCH', 'probe was prepared by another matcher');
    if (!this.live.has(probe)) throw new EngineError('ERR_PROBE_RELEASED', 'probe was released; prepare it again');
  }

  release(probe: P): void {
    this.check(probe);
    this.live.delete(probe);
    this.free.push(probe.address);
  }
}
