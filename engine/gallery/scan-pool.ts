/**
 * The piscina pool that runs shard scans. One worker per core by default (the scan is pure
 * compute); `BIODEDUP_POOL_SIZE` or the `threads` option overrides it.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { EngineError } from '../errors.ts';
import { workerFile } from '../worker-file.ts';
import type { IrisCoarseResult, IrisCoarseTask } from './iris-coarse-task.ts';
import type { PoolTask, ScanResult, ScanTask, VectorScanResult, VectorScanTask, VectorizeTask } from './scan-task.ts';

export const POOL_SIZE_ENV = 'BIODEDUP_POOL_SIZE';

export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[POOL_SIZE_ENV];
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new EngineError('ERR_GALLERY_CONFIG', `${POOL_SIZE_ENV} must be an integer 1–256, got "${raw}"`);
  return n;
}

export class ScanPool {
  readonly threads: number;
  readonly #piscina: Piscina<PoolTask, ScanResult | VectorScanResult | number>;

  constructor(threads = defaultPoolSize()) {
    if (!Number.isInteger(threads) || threads < 1) throw new EngineError('ERR_GALLERY_CONFIG', `pool size must be a positive integer, got ${threads}`);
    this.threads = threads;
    this.#piscina = new Piscina<PoolTask, ScanResult | VectorScanResult | number>({
      filename: workerFile(import.meta.url, 'scan-worker'), // compiled .js, or the tsx entry beside the sources
      minThreads: threads,
      maxThreads: threads,
      // queue without bound here: the engine bounds the work it accepts (pendingJobs)
      maxQueue: Infinity,
      // one task queued at each worker behind the running one: the worker starts it as soon as it
      // finishes, without waiting for the main thread to be scheduled and hand it over (that wait
      // grows with the processes sharing the cores, e.g. cluster nodes on one machine)
      concurrentTasksPerWorker: 2,
      idleTimeout: Infinity,
    });
  }

  run(task: ScanTask): Promise<ScanResult> {
    return this.#piscina.run(task) as Promise<ScanResult>;
  }

  scanVectors(task: VectorScanTask): Promise<VectorScanResult> {
    return this.#piscina.run(task) as Promise<VectorScanResult>;
  }

  /** The coarse iris pass over a range of coarse rows (iris-coarse-index.ts). */
  scanIrisCoarse(task: IrisCoarseTask): Promise<IrisCoarseResult> {
    return this.#piscina.run(task as unknown as PoolTask) as unknown as Promise<IrisCoarseResult>;
  }

  /** Resolves to the number of vectors filled. */
  vectorize(task: VectorizeTask): Promise<number> {
    return this.#piscina.run(task) as Promise<number>;
  }

  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
}
