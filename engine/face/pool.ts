/**
 * Face templates off the calling thread: a piscina pool whose workers each hold the face
 * models (≈ 14 MB of weights, ≈ 100–200 ms of inference per image). The answer is the one
 * `FaceExtractor.createTemplate` gives in the calling thread, EngineError codes included.
 */
import { Piscina } from 'piscina';
import { EngineError } from '../errors.ts';
import { workerFile } from '../worker-file.ts';
import type { FaceTemplateResult } from './extractor.ts';
import type { FaceTaskOutcome } from './face-worker.ts';

export class FacePool {
  readonly #piscina: Piscina<Uint8Array, FaceTaskOutcome>;

  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new EngineError('ERR_FACE_POOL', `face threads must be a positive integer, got ${threads}`);
    this.#piscina = new Piscina<Uint8Array, FaceTaskOutcome>({
      filename: workerFile(import.meta.url, 'face-worker'), // compiled .js, or the tsx entry beside the sources
      minThreads: 1,
      maxThreads: threads,
      idleTimeout: 60_000,
    });
  }

  /** The template and the worker's inference backend ("wasm"). */
  async createTemplate(bytes: Uint8Array): Promise<FaceTemplateResult & { backend: string }> {
    const outcome = await this.#piscina.run(bytes);
    if (outcome.ok) return { ...outcome.result, backend: outcome.backend };
    throw new EngineError(outcome.code, outcome.message);
  }

  async close(): Promise<void> {
    await this.#piscina.close();
  }
}
