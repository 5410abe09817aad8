/**
 * The durable job log: requestId → what happened, in its own LMDB environment under the data
 * directory. It makes delivery exactly-once from the client's point of view:
 * - a request is answered (HTTP response, WebSocket message, later a broker ack) only after
 *   its result is written here and fsync'd, so an acknowledged job is never lost;
 * - a redelivered requestId is answered from here, never executed twice — but only when it is the
 *   same request (same body digest): another request under a used requestId is refused (4);
 * - inserts and deletes are marked `started` durably before they touch the engine, so a crash
 *   between the engine's write and the result's leaves enough to finish the answer on retry
 *   (see processor.ts, `#resume`).
 *
 * The same environment keeps the **ABIS references**: the referenceIds inserted through this door.
 * The engine's gallery is shared with the ID service (its enrolments are `enr-…` subjects), and
 * MOSIP must only ever see referenceIds it created: candidates, counts, deletes and identify by
 * referenceId are limited to this set.
 * Durability settings are the subject store's (engine/store/subject-store.ts explains them):
 * classic LMDB commit with fdatasync before the promise resolves.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import { DURABLE_LMDB_OPTIONS } from '../../engine/index.ts';
import type { AbisResponse } from './messages.ts';

export type LoggedJob =
  | { readonly state: 'started'; readonly op: 'insert' | 'delete'; readonly referenceId: string; readonly at: number; readonly digest?: string }
  | { readonly state: 'done'; readonly response: AbisResponse; readonly at: number; readonly digest?: string };

/** Key of the marker saying the reference set was initialised (absent in stores older than it). */
const INITIALISED = '\u0000initialised';

/** What the processor needs from a job log: this LMDB one, or job-log-jetstream.ts in cluster mode. */
export type JobLogStore = Pick<JobLog,
  'get' | 'started' | 'done' | 'unfinished' | 'size' | 'referencesInitialised' | 'initialiseReferences' | 'isReference'
  | 'addReference' | 'removeReference' | 'referenceCount' | 'close'>;

export class JobLog {
  readonly #root: RootDatabase;
  readonly #jobs: Database<LoggedJob, string>;
  readonly #references: Database<number, string>;
  /** requestIds marked started and not yet done: what recovery must settle, without reading the whole log. */
  readonly #inDoubt: Database<{ op: 'insert' | 'delete'; referenceId: string }, string>;
  #referenceCount = 0;
  #closed = false;

  private constructor(path: string) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    this.#root = open({ path, ...DURABLE_LMDB_OPTIONS });
    this.#jobs = this.#root.openDB<LoggedJob, string>('abis-jobs', { encoding: 'msgpack' });
    this.#references = this.#root.openDB<number, string>('abis-references', { encoding: 'msgpack' });
    this.#inDoubt = this.#root.openDB<{ op: 'insert' | 'delete'; referenceId: string }, string>('abis-in-doubt', { encoding: 'msgpack' });
    this.#referenceCount = Math.max(0, this.#references.getCount() - (this.#references.doesExist(INITIALISED) ? 1 : 0));
  }

  /** Opens (creating) the log in `path`, a directory of its own. */
  static open(path: string): JobLog {
    return new JobLog(path);
  }

  get(requestId: string): LoggedJob | undefined {
    return this.#jobs.get(requestId);
  }

  /** Durably notes that a state-changing job is about to run. */
  async started(requestId: string, op: 'insert' | 'delete', referenceId: string, digest?: string): Promise<void> {
    await this.#root.transaction(() => {
      this.#jobs.put(requestId, { state: 'started', op, referenceId, at: Date.now(), digest });
      this.#inDoubt.put(requestId, { op, referenceId });
    });
  }

  /** Durably records the answer; resolves only once it is on disk. */
  async done(requestId: string, response: AbisResponse, digest?: string): Promise<void> {
    await this.#root.transaction(() => {
      this.#jobs.put(requestId, { state: 'done', response, at: Date.now(), digest });
      this.#inDoubt.remove(requestId);
    });
  }

  /** Jobs marked started and never answered (a crash between the engine and the log). */
  *unfinished(): Generator<{ requestId: string; op: 'insert' | 'delete'; referenceId: string }> {
    for (const { key, value } of this.#inDoubt.getRange()) yield { requestId: key, op: value.op, referenceId: value.referenceId };
  }

  get size(): number {
    return this.#jobs.getCount();
  }

  // ---- the ABIS reference set ----

  /** Whether the set was initialised (false only for a store made before it existed). */
  get referencesInitialised(): boolean {
    return this.#references.doesExist(INITIALISED);
  }

  /** Fills the set once, for a store made before it existed. */
  async initialiseReferences(ids: Iterable<string>): Promise<void> {
    await this.#references.transaction(() => {
      for (const id of ids) if (!this.#references.doesExist(id)) this.#references.put(id, Date.now());
      this.#references.put(INITIALISED, 1);
    });
    this.#referenceCount = this.#references.getCount() - 1;
  }

  isReference(referenceId: string): boolean {
    return referenceId !== INITIALISED && this.#references.doesExist(referenceId);
  }

  async addReference(referenceId: string): Promise<void> {
    if (this.isReference(referenceId)) return;
    await this.#references.put(referenceId, Date.now());
    this.#referenceCount++;
  }

  async removeReference(referenceId: string): Promise<void> {
    if (!this.isReference(referenceId)) return;
    await this.#references.remove(referenceId);
    this.#referenceCount--;
  }

  /** referenceIds inserted through the ABIS door and not deleted (MOSIP's referenceCount). */
  get referenceCount(): number {
    return this.#referenceCount;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#root.close();
  }
}
