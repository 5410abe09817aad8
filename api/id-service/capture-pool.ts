/**
 * Where captured biometrics become templates: a piscina pool of workers (default), so finger
 * image extraction never blocks the event loop that answers other requests; or inline on the
 * calling thread (`threads: 0`). Minutiae records alone (ISO/IEC 19794-2 per finger, the usual
 * 1:1 probe) are turned into templates inline even with a pool: building a template costs
 * ~0.15 ms, less than the pool's round trip costs the event loop (measured at 500 verifies/s).
 */
import { Piscina } from 'piscina';
import { workerFile } from '../../engine/index.ts';
import { HttpError } from '../http/index.ts';
import { BiometricsAdapter, minutiaeOnly, type Captured } from './biometrics.ts';
import type { CaptureReply, CaptureTask } from './capture-worker.ts';

export interface Capturer {
  capture(biometrics: unknown, purpose: 'enrol' | 'verify'): Promise<Captured>;
  /** Instantiates the kernels (finger matcher and extractor) in every worker, so the first request is not the slow one. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

export function openCapturer(threads: number): Capturer {
  if (!(Number.isInteger(threads) && threads >= 0 && threads <= 256)) throw new RangeError(`captureThreads must be an integer 0–256, got ${threads}`);
  return threads === 0 ? new InlineCapturer() : new CapturePool(threads);
}

class InlineCapturer implements Capturer {
  readonly #adapter = new BiometricsAdapter();
  capture(biometrics: unknown, purpose: 'enrol' | 'verify'): Promise<Captured> {
    return this.#adapter.capture(biometrics, purpose);
  }
  async warm(): Promise<void> {
    await this.#adapter.warm();
  }
  async close(): Promise<void> {}
}

class CapturePool implements Capturer {
  readonly #piscina: Piscina<CaptureTask, CaptureReply>;
  readonly #inline = new BiometricsAdapter();
  readonly #threads: number;
  constructor(threads: number) {
    this.#threads = threads;
    this.#piscina = new Piscina<CaptureTask, CaptureReply>({
      filename: workerFile(import.meta.url, 'capture-worker'), // compiled .js, or the tsx entry beside the sources
      minThreads: threads,
      maxThreads: threads,
      // unbounded here: the server's in-flight bounds limit what reaches the pool
      maxQueue: Infinity,
      idleTimeout: Infinity,
    });
  }
  async capture(biometrics: unknown, purpose: 'enrol' | 'verify'): Promise<Captured> {
    if (minutiaeOnly(biometrics)) return this.#inline.capture(biometrics, purpose);
    const reply = await this.#piscina.run({ biometrics, purpose });
    if (!reply.ok) throw new HttpError(reply.status, reply.code, reply.message);
    return reply.captured;
  }
  async warm(): Promise<void> {
    // one task per worker, all at once: each busy worker takes one, so every worker warms
    await Promise.all(Array.from({ length: this.#threads }, () => this.#piscina.run({ biometrics: undefined, purpose: 'verify', warm: true })));
  }
  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}
