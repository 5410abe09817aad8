/**
 * One logical shard on one node: a normal DedupEngine over its own LMDB store, fed by an
 * ordered JetStream consumer on the shard's subject from the position the node recorded.
 * Records are applied in stream order with a window of operations in flight (the store batches
 * their commits); two records of one referenceId never overlap. The position advances only over
 * records whose engine write has resolved (durable), so a restart replays from at most a little
 * before where it stopped, and replaying is harmless: inserts and deletes are idempotent and a
 * suffix of the log applied in order converges to the same state.
 */
import type { JetStreamClient, ConsumerMessages } from '@nats-io/jetstream';
import { DeliverPolicy } from '@nats-io/jetstream';
import { DedupEngine } from '../gallery/dedup-engine.ts';
import { FingerMatcher } from '../finger-matcher.ts';
import type { Probe } from '../gallery/engine-types.ts';
import type { PrefilterOptions } from '../gallery/engine-types.ts';
import type { TemplateKey } from '../store/template-key.ts';
import type { ScanPool } from '../gallery/scan-pool.ts';
import { ClusterError } from './cluster-error.ts';
import { CLUSTER_NAMES } from './params.ts';
import { logSubject } from './cluster-infra.ts';
import { decodeLogRecord } from './log-record.ts';

/** Operations applied concurrently (count): enough for the store to batch commits, small enough to bound memory. */
const APPLY_WINDOW = 128;
/**
 * Pull requests expire after this long (ms); the client expects a server heartbeat every half of
 * it and recreates the ordered consumer after two missed, so a restarted NATS server is noticed
 * within ~2 s instead of the client's default ~1 min.
 */
const PULL_EXPIRES_MS = 2000;

export interface ShardReplicaOptions {
  readonly shard: number;
  readonly dataDir: string;
  readonly key: TemplateKey;
  /** The node's scan pool, shared by its replicas. */
  readonly pool: ScanPool;
  readonly prefilter?: PrefilterOptions;
  readonly js: JetStreamClient;
  /** The last stream sequence applied before (0: from the start of the log). */
  readonly position: number;
  readonly log: (line: string) => void;
}

export class ShardReplica {
  readonly shard: number;
  readonly engine: DedupEngine;
  #appliedSeq: number;
  #readyAtSeq = Number.POSITIVE_INFINITY;
  #failed: Error | undefined;
  #messages: ConsumerMessages | undefined;
  #closed = false;
  #waiters: { seq: number; resolve: () => void }[] = [];
  readonly #o: ShardReplicaOptions;
  #caughtUpLogged = false;
  #consumingFrom = performance.now();
  /** Records applied by this replica since it opened (count). */
  applied = 0;

  private constructor(o: ShardReplicaOptions) {
    this.#o = o;
    this.shard = o.shard;
    this.#appliedSeq = o.position;
    this.engine = DedupEngine.open({ dataDir: o.dataDir, key: o.key, pool: o.pool, prefilter: o.prefilter });
  }

  static async open(o: ShardReplicaOptions): Promise<ShardReplica> {
    const r = new ShardReplica(o);
    try {
      await r.#start();
    } catch (e) {
      await r.close();
      throw e;
    }
    return r;
  }

  /** The last stream sequence whose record (and every earlier one of this shard) is applied. */
  get appliedSeq(): number {
    return this.#appliedSeq;
  }

  /** Caught up with the log at least once and not failed: may answer queries. */
  get serving(): boolean {
    return this.#failed === undefined && !this.#closed && this.#appliedSeq >= this.#readyAtSeq;
  }

  get failure(): Error | undefined {
    return this.#failed;
  }

  /** Resolves when every record of this shard up to `seq` is applied; rejects at the deadline. */
  async waitApplied(seq: number, deadlineMs: number): Promise<void> {
    if (this.#appliedSeq >= seq) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { seq, resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new ClusterError('ERR_CLUSTER_TIMEOUT', `shard ${this.shard} had not applied stream sequence ${seq} by the deadline (at ${this.#appliedSeq})`));
      }, Math.max(0, deadlineMs - Date.now()));
      this.#waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#messages?.stop();
    await this.engine.close();
  }

  async #start(): Promise<void> {
    const { js, shard, position } = this.#o;
    // the pool's workers finish starting (module load, kernel compile: seconds on a busy machine)
    // on their first scan; a shard that has subjects pays that before it serves
    await this.engine.ready();
    await this.engine.identify(warmUpProbe(), { mode: 'exhaustive', maxResults: 1 });
    const consumer = await js.consumers.get(CLUSTER_NAMES.stream, {
      filter_subjects: logSubject(shard),
      ...(position > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 } : { deliver_policy: DeliverPolicy.All }),
    });
    const info = await consumer.info();
    if (info.num_pending === 0) this.#readyAtSeq = position;
    this.#consumingFrom = performance.now();
    this.#messages = await consumer.consume({ expires: PULL_EXPIRES_MS });
    void this.#run(this.#messages);
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    const subject = logSubject(this.shard);
    const inFlight = new Map<string, Promise<unknown>>();
    const order: { seq: number; done: boolean }[] = [];
    const advance = (): void => {
      while (order.length > 0 && order[0].done) this.#appliedSeq = order.shift()!.seq;
      if (!this.#caughtUpLogged && this.#appliedSeq >= this.#readyAtSeq) {
        this.#caughtUpLogged = true;
        const ms = performance.now() - this.#consumingFrom;
        this.#o.log(`shard ${this.shard}: caught up at sequence ${this.#appliedSeq}: ${this.applied} records applied in ${ms.toFixed(0)} ms`);
      }
      this.#waiters = this.#waiters.filter((w) => (w.seq <= this.#appliedSeq ? (w.resolve(), false) : true));
    };
    try {
      for await (const m of messages) {
        if (this.#failed !== undefined || this.#closed) break;
        const record = decodeLogRecord(m.data, subject, this.#o.key);
        const id = record.op === 'insert' ? record.subject.referenceId : record.referenceId;
        const earlier = inFlight.get(id);
        if (earlier !== undefined) await earlier; // same subject: strictly in log order
        while (order.length >= APPLY_WINDOW && inFlight.size > 0) await Promise.race([...inFlight.values()]);
        if (this.#failed !== undefined) break;
        const entry = { seq: m.seq, done: false };
        order.push(entry);
        if (m.info.pending === 0) this.#readyAtSeq = Math.min(this.#readyAtSeq, m.seq);
        const work = (record.op === 'insert' ? this.engine.insert(record.subject) : this.engine.delete(record.referenceId)).then(() => {
          entry.done = true;
          this.applied++;
          if (inFlight.get(id) === work) inFlight.delete(id);
          advance();
        }, (e: unknown) => {
          this.#fail(e);
          if (inFlight.get(id) === work) inFlight.delete(id);
        });
        inFlight.set(id, work);
      }
    } catch (e) {
      this.#fail(e);
    }
  }

  #fail(e: unknown): void {
    if (this.#failed !== undefined || this.#closed) return;
    this.#failed = e instanceof Error ? e : new Error(String(e));
    this.#o.log(`shard ${this.shard}: stopped applying the log at sequence ${this.#appliedSeq}: ${this.#failed.message}`);
    this.#messages?.stop();
  }
}

let warmUp: Probe | undefined;

/** A fixed, valid one-finger probe (a ring of 16 minutiae) for the warm-up scan. */
function warmUpProbe(): Probe {
  if (warmUp === undefined) {
    const minutiae = Array.from({ length: 16 }, (_, i) => ({
      x: Math.round(200 + 90 * Math.cos(i * 0.39)), y: Math.round(250 + 110 * Math.sin(i * 0.39)),
      angle: (i * 0.7) % (2 * Math.PI), type: (i % 2 === 0 ? 'ending' : 'bifurcation') as 'ending' | 'bifurcation', quality: 60,
    }));
    warmUp = { fingers: [{ position: 0, template: new FingerMatcher().createTemplate(minutiae).bytes }] };
  }
  return warmUp;
}
