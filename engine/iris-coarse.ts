/**
 * The iris kernel's coarse first pass (matchers-wasm/iris/coarse.ts) with a TypeScript face:
 * coarse entries of stored templates (256 bytes: every other band of the code and its mask),
 * a probe prepared at the coarse shifts, and the scan of a run of entries. Raw similarities,
 * 1 − least normalised HD, with the full matcher's local shift per half (0.5 ≈ chance): a
 * ranking only, never a decision.
 * One kernel instance per object: its memory is private, callers copy entries in and scores out.
 */
import { EngineError } from './errors.ts';
import { instantiateIrisKernel, type IrisKernelExports } from './iris-kernel.ts';

/** Entries scanned per kernel call: the batch region holds this many (1 MiB at 256 bytes). */
export const COARSE_BATCH = 4096;

export class IrisCoarseKernel {
  readonly #kernel: IrisKernelExports;
  readonly entryBytes: number;
  readonly templateBytes: number;
  readonly #templatePtr: number;
  readonly #entryPtr: number;
  readonly #probePtrs: number[] = [];
  readonly #batchPtr: number;
  readonly #scoresPtr: number;

  constructor(probeSlots = 2) {
    const k = (this.#kernel = instantiateIrisKernel());
    this.entryBytes = k.coarseEntryBytes();
    this.templateBytes = k.templateBytes();
    this.#templatePtr = k.allocate(this.templateBytes);
    this.#entryPtr = align16(k.allocate(this.entryBytes + 16));
    for (let i = 0; i < probeSlots; i++) this.#probePtrs.push(align16(k.allocate(k.coarsePreparedBytes() + 16)));
    this.#batchPtr = align16(k.allocate(COARSE_BATCH * this.entryBytes + 16));
    this.#scoresPtr = k.allocate(COARSE_BATCH * 4);
  }

  /** Writes the coarse entry of a stored template (validated bytes) into `out` at `at`; returns its usable coarse bits. */
  entryOf(template: Uint8Array, out: Uint8Array, at = 0): number {
    this.#checkTemplate(template);
    const memory = new Uint8Array(this.#kernel.memory.buffer);
    memory.set(template, this.#templatePtr);
    const usable = this.#kernel.coarseEntry(this.#templatePtr, this.#entryPtr);
    out.set(memory.subarray(this.#entryPtr, this.#entryPtr + this.entryBytes), at);
    return usable;
  }

  /** Prepares a probe template in slot `slot`; returns its usable coarse bits (the fallback rule reads them). */
  prepareProbe(slot: number, template: Uint8Array): number {
    this.#checkTemplate(template);
    new Uint8Array(this.#kernel.memory.buffer).set(template, this.#templatePtr);
    return this.#kernel.prepareCoarseProbe(this.#templatePtr, this.#probePtrs[slot]);
  }

  /** The engine's coarse-pass rules, from the kernel's params.ts (units and evidence there). */
  rules(): { keepShare: number; sureSimilarity: number; minProbeShare: number; minGallery: number; coarseBits: number } {
    const k = this.#kernel;
    return { keepShare: k.coarseKeepShare(), sureSimilarity: k.coarseSureSimilarity(), minProbeShare: k.coarseMinProbeShare(), minGallery: k.coarseMinGallery(), coarseBits: k.coarseBits() };
  }

  /** Bytes the batch region holds (COARSE_BATCH entries). */
  get batchBytes(): number { return COARSE_BATCH * this.entryBytes; }

  /** Copies `bytes` bytes of `source` from `from` into the batch region (at most batchBytes). */
  load(source: Uint8Array, from: number, bytes: number): void {
    if (bytes > this.batchBytes) throw new EngineError('ERR_SCAN_TASK', `at most ${this.batchBytes} bytes of coarse entries per load`);
    new Uint8Array(this.#kernel.memory.buffer).set(source.subarray(from, from + bytes), this.#batchPtr);
  }

  /**
   * Coarse similarities of the probe in `slot` against `count` loaded entries found every
   * `stride` bytes from `offset` in the batch region, into `out` from `outAt`.
   */
  scanLoaded(slot: number, offset: number, stride: number, count: number, out: Float32Array, outAt = 0): void {
    if (count < 0 || offset + (count - 1) * stride + this.entryBytes > this.batchBytes) throw new EngineError('ERR_SCAN_TASK', 'coarse entries past the batch region');
    this.#kernel.coarseScanMany(this.#probePtrs[slot], this.#batchPtr + offset, count, stride, this.#scoresPtr);
    out.set(new Float32Array(this.#kernel.memory.buffer, this.#scoresPtr, count), outAt);
  }

  /** Coarse similarities of the probe in `slot` against `count` (≤ COARSE_BATCH) contiguous entries of `source` from `from`. */
  scan(slot: number, source: Uint8Array, from: number, count: number, out: Float32Array, outAt = 0): void {
    this.load(source, from, count * this.entryBytes);
    this.scanLoaded(slot, 0, this.entryBytes, count, out, outAt);
  }

  #checkTemplate(template: Uint8Array): void {
    if (!(template instanceof Uint8Array) || template.length !== this.templateBytes) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', `iris template must be ${this.templateBytes} bytes`);
    }
  }
}

function align16(v: number): number {
  return (v + 15) & ~15;
}
