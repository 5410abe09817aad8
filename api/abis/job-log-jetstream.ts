/**
 * The ABIS job log in JetStream, for cluster mode: the same contract as job-log.ts (a redelivered
 * requestId is answered from the log, never executed twice; inserts and deletes are marked
 * `started` before they touch the engine; the ABIS reference set) with the entries in a JetStream
 * KV bucket, so any door process of the cluster answers a redelivery, and a door's disk holds no
 * state. Reads stay synchronous: they read a local mirror that a watch on the bucket keeps
 * current; this process's own writes enter the mirror once JetStream has acknowledged them.
 * Keys: `j.<hex requestId>` jobs, `d.<hex requestId>` jobs in doubt (started, not answered),
 * `r.<hex referenceId>` the reference set, `m.initialised` its marker (KV keys allow few
 * characters, hence hex). Replicated like the stream (min(3, servers)).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { JobLogStore, LoggedJob } from './job-log.ts';
import type { AbisResponse } from './messages.ts';

export const ABIS_JOBS_BUCKET = 'biodedup_abis_jobs';

type InDoubt = { readonly requestId: string; readonly op: 'insert' | 'delete'; readonly referenceId: string };
const INITIALISED_KEY = 'm.initialised';

export class JetStreamJobLog implements JobLogStore {
  readonly #kv: KV;
  readonly #jobs = new Map<string, LoggedJob>();
  readonly #inDoubt = new Map<string, InDoubt>();
  readonly #references = new Set<string>();
  #initialised = false;
  #stop: (() => void) | undefined;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Opens (creating) the bucket and reads every entry into the mirror before it resolves. */
  static async open(nc: NatsConnection): Promise<JetStreamJobLog> {
    const replicas = Math.min(3, Math.max(1, nc.info?.connect_urls?.length ?? 1));
    const kv = await new Kvm(jetstream(nc)).create(ABIS_JOBS_BUCKET, { history: 1, replicas });
    const log = new JetStreamJobLog(kv);
    const watcher = await kv.watch();
    log.#stop = () => watcher.stop();
    for await (const key of await kv.keys()) {
      const e = await kv.get(key);
      if (e !== null) log.#apply(e);
    }
    void (async () => { for await (const e of watcher) log.#apply(e); })();
    return log;
  }

  get(requestId: string): LoggedJob | undefined {
    return this.#jobs.get(hex(requestId));
  }

  /** Notes that a state-changing job is about to run (the doubt marker first: recovery reads it). */
  async started(requestId: string, op: 'insert' | 'delete', referenceId: string, digest?: string): Promise<void> {
    await this.#put(`d.${hex(requestId)}`, { requestId, op, referenceId });
    await this.#put(`j.${hex(requestId)}`, { state: 'started', op, referenceId, at: Date.now(), digest });
  }

  /** Records the answer once JetStream has it; the doubt marker goes after it. */
  async done(requestId: string, response: AbisResponse, digest?: string): Promise<void> {
    await this.#put(`j.${hex(requestId)}`, { state: 'done', response, at: Date.now(), digest });
    if (this.#inDoubt.has(hex(requestId))) await this.#delete(`d.${hex(requestId)}`);
  }

  *unfinished(): Generator<InDoubt> {
    yield* [...this.#inDoubt.values()];
  }

  get size(): number {
    return this.#jobs.size;
  }

  get referencesInitialised(): boolean {
    return this.#initialised;
  }

  async initialiseReferences(ids: Iterable<string>): Promise<void> {
    for (const id of ids) await this.addReference(id);
    await this.#put(INITIALISED_KEY, 1);
  }

  isReference(referenceId: string): boolean {
    return this.#references.has(referenceId);
  }

  async addReference(referenceId: string): Promise<void> {
    if (!this.#references.has(referenceId)) await this.#put(`r.${hex(referenceId)}`, referenceId);
  }

  async removeReference(referenceId: string): Promise<void> {
    if (this.#references.has(referenceId)) await this.#delete(`r.${hex(referenceId)}`);
  }

  get referenceCount(): number {
    return this.#references.size;
  }

  async close(): Promise<void> {
    this.#stop?.();
  }

  async #put(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    await this.#kv.put(key, json);
    this.#mirrorPut(key, json);
  }

  async #delete(key: string): Promise<void> {
    await this.#kv.delete(key);
    this.#mirrorDelete(key);
  }

  #apply(e: KvEntry): void {
    if (e.operation !== 'PUT') {
      this.#mirrorDelete(e.key);
      return;
    }
    try {
      this.#mirrorPut(e.key, e.string());
    } catch {
      // an entry this version cannot read is treated as absent
    }
  }

  #mirrorPut(key: string, json: string): void {
    const value: unknown = JSON.parse(json);
    const id = key.slice(2);
    if (key === INITIALISED_KEY) this.#initialised = true;
    else if (key.startsWith('j.')) this.#jobs.set(id, value as LoggedJob);
    else if (key.startsWith('d.')) this.#inDoubt.set(id, value as InDoubt);
    else if (key.startsWith('r.')) this.#references.add(value as string);
  }

  #mirrorDelete(key: string): void {
    const id = key.slice(2);
    if (key.startsWith('j.')) this.#jobs.delete(id);
    else if (key.startsWith('d.')) this.#inDoubt.delete(id);
    else if (key.startsWith('r.')) this.#references.delete(Buffer.from(id, 'hex').toString('utf8'));
  }
}

function hex(id: string): string {
  return Buffer.from(id, 'utf8').toString('hex') || '00';
}
