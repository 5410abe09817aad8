/**
 * The ABIS job log in JetStream, for cluster mode: the same contract as job-log.ts (a redelivered
 * requestId is answered from the log, never executed twice; inserts and deletes are marked
 * `started` before they touch the engine) with the entries in a JetStream KV bucket, so any door
 * process of the cluster answers a redelivery, and a door's disk holds no state. `get` stays
 * synchronous: it reads a local mirror that a watch on the bucket keeps current; this process's
 * own writes enter the mirror once JetStream has acknowledged them. Keys are the hex of the
 * requestId (KV keys allow few characters). Replicated like the stream (min(3, servers)).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { JobLogStore, LoggedJob } from './job-log.ts';
import type { AbisResponse } from './messages.ts';

export const ABIS_JOBS_BUCKET = 'biodedup_abis_jobs';

export class JetStreamJobLog implements JobLogStore {
  readonly #kv: KV;
  readonly #mirror = new Map<string, LoggedJob>();
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
    return this.#mirror.get(keyOf(requestId));
  }

  async started(requestId: string, op: 'insert' | 'delete', referenceId: string): Promise<void> {
    await this.#put(requestId, { state: 'started', op, referenceId, at: Date.now() });
  }

  async done(requestId: string, response: AbisResponse): Promise<void> {
    await this.#put(requestId, { state: 'done', response, at: Date.now() });
  }

  get size(): number {
    return this.#mirror.size;
  }

  async close(): Promise<void> {
    this.#stop?.();
  }

  async #put(requestId: string, job: LoggedJob): Promise<void> {
    const key = keyOf(requestId);
    await this.#kv.put(key, JSON.stringify(job));
    this.#mirror.set(key, job);
  }

  #apply(e: KvEntry): void {
    if (e.operation !== 'PUT') {
      this.#mirror.delete(e.key);
      return;
    }
    try {
      this.#mirror.set(e.key, e.json<LoggedJob>());
    } catch {
      // an entry this version cannot read is treated as absent
    }
  }
}

function keyOf(requestId: string): string {
  return Buffer.from(requestId, 'utf8').toString('hex') || '00';
}
