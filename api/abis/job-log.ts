/**
 * The durable job log: requestId → what happened, in its own LMDB environment under the data
 * directory. It makes delivery exactly-once from the client's point of view:
 * - a request is answered (HTTP response, WebSocket message, later a broker ack) only after
 *   its result is written here and fsync'd, so an acknowledged job is never lost;
 * - a redelivered requestId is answered from here, never executed twice;
 * - inserts and deletes are marked `started` durably before they touch the engine, so a crash
 *   between the engine's write and the result's leaves enough to finish the answer on retry
 *   (see processor.ts, `#resume`).
 * Durability settings are the subject store's (engine/store/subject-store.ts explains them):
 * classic LMDB commit with fdatasync before the promise resolves.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import { DURABLE_LMDB_OPTIONS } from '../../engine/index.ts';
import type { AbisResponse } from './messages.ts';


export type LoggedJob =
  | { readonly state: 'started'; readonly op: 'insert' | 'delete'; readonly referenceId: string; readonly at: number }
  | { readonly state: 'done'; readonly response: AbisResponse; readonly at: number };

/** What the processor needs from a job log: this LMDB one, or job-log-jetstream.ts in cluster mode. */
export type JobLogStore = Pick<JobLog, 'get' | 'started' | 'done' | 'close'>;

export class JobLog {
  readonly #root: RootDatabase;
  readonly #jobs: Database<LoggedJob, string>;
  #closed = false;

  private constructor(path: string) {
    mkdirSync(path, { recursive: true });
    this.#root = open({ path, ...DURABLE_LMDB_OPTIONS });
    this.#jobs = this.#root.openDB<LoggedJob, string>('abis-jobs', { encoding: 'msgpack' });
  }

  /** Opens (creating) the log in `path`, a directory of its own. */
  static open(path: string): JobLog {
    return new JobLog(path);
  }

  get(requestId: string): LoggedJob | undefined {
    return this.#jobs.get(requestId);
  }

  /** Durably notes that a state-changing job is about to run. */
  async started(requestId: string, op: 'insert' | 'delete', referenceId: string): Promise<void> {
    await this.#jobs.put(requestId, { state: 'started', op, referenceId, at: Date.now() });
  }

  /** Durably records the answer; resolves only once it is on disk. */
  async done(requestId: string, response: AbisResponse): Promise<void> {
    await this.#jobs.put(requestId, { state: 'done', response, at: Date.now() });
  }

  get size(): number {
    return this.#jobs.getCount();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#root.close();
  }
}
