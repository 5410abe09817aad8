/**
 * The doors' handle on a cluster (a DedupService, like DedupEngine): inserts and deletes are
 * published to the JetStream log and acknowledged after JetStream's publish ack (the request id
 * is the message id); identify is a scatter-gather to one serving replica of every shard with a
 * deadline, partial top-k merged under the threshold of the whole gallery; lookups go to one
 * replica of the referenceId's shard. Every query carries, per shard, the stream sequence of the
 * shard's last record in the log when the query started (read from JetStream, so writes
 * acknowledged through any door count, in parallel with the replicas' work): an answer from a
 * replica that had applied less is asked again, waiting for it (read-your-writes across doors).
 * A shard with no serving replica fails the call with ShardUnavailableError — never a "no
 * duplicate" computed on part of the population.
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DedupService, WriteOptions } from '../dedup-service.ts';
import { EngineError } from '../errors.ts';
import { decisionThreshold } from '../gallery/fusion.ts';
import { identifyDefaults, type Candidate, type IdentifyOptions, type IdentifyResult, type Probe, type VerifyResult } from '../gallery/engine-types.ts';
import type { InsertResult } from '../store/subject-store.ts';
import { validateReferenceId, type StoredSubject, type Subject } from '../store/subject.ts';
import type { TemplateKey } from '../store/template-key.ts';
import { ClusterError, ShardUnavailableError } from './cluster-error.ts';
import { logSubject, openClusterInfra, rpcSubject, type ClusterInfra } from './cluster-infra.ts';
import { ClusterView } from './cluster-view.ts';
import { encodeLogRecord, type LogRecord } from './log-record.ts';
import { decodeMessage, encodeMessage, type NodeReply, type NodeRequest, type ShardAnswer } from './node-rpc.ts';
import { CLUSTER_NAMES, CLUSTER_PARAMS } from './params.ts';
import { shardOf } from './shard-hash.ts';
import { SubjectCheck } from './subject-check.ts';

export interface ClusterClientOptions {
  readonly servers: string | readonly string[];
  readonly key: TemplateKey;
  /** Connection name (monitoring). */
  readonly name?: string;
  readonly shards?: number;
  readonly replicas?: number;
  /** Deadline of one identify / lookup, ms (default CLUSTER_PARAMS.requestTimeoutMs). */
  readonly requestTimeoutMs?: number;
  readonly leaseMs?: number;
  /** Called after every identify with where its time went (monitoring, the cluster bench). */
  readonly onIdentify?: (timing: ClusterIdentifyTiming) => void;
}

/** Where one cluster identify spent its time (ms). */
export interface ClusterIdentifyTiming {
  /** The whole call, as the door sees it. */
  readonly totalMs: number;
  /** Reading each shard's log head from JetStream (read-your-writes across doors), while the replicas already work. */
  readonly logHeadsMs: number;
  /** Shards asked again because their replica had not yet applied the head when it answered. */
  readonly reasked: number;
  /** The slowest shard's engine time on its node (the scan itself). */
  readonly slowestShardMs: number;
}

type Query = { readonly method: 'identify'; readonly probe: Probe; readonly options: IdentifyOptions; readonly referenceIds?: ReadonlyMap<number, string[]> }
  | { readonly method: 'verify'; readonly referenceId: string; readonly probe: Probe; readonly threshold?: number }
  | { readonly method: 'subject'; readonly referenceId: string }
  | { readonly method: 'count' };

export class ClusterClient implements DedupService {
  readonly shards: number;
  readonly #infra: ClusterInfra;
  readonly #key: TemplateKey;
  readonly #view: ClusterView;
  readonly #timeoutMs: number;
  readonly #leaseMs: number;
  readonly #check = new SubjectCheck();
  readonly #onIdentify: ((timing: ClusterIdentifyTiming) => void) | undefined;
  /** Per shard: the stream sequence of the last write this client had acknowledged there. */
  readonly #lastAck: number[];
  #pending = 0;
  #round = 0;
  #closed = false;

  private constructor(o: ClusterClientOptions, infra: ClusterInfra) {
    this.#infra = infra;
    this.#key = o.key;
    this.shards = infra.config.shards;
    this.#lastAck = new Array<number>(this.shards).fill(0);
    this.#timeoutMs = o.requestTimeoutMs ?? CLUSTER_PARAMS.requestTimeoutMs;
    this.#leaseMs = o.leaseMs ?? CLUSTER_PARAMS.leaseMs;
    this.#view = new ClusterView(this.#leaseMs);
    this.#onIdentify = o.onIdentify;
  }

  static async connect(o: ClusterClientOptions): Promise<ClusterClient> {
    const infra = await openClusterInfra({ servers: o.servers, name: o.name ?? 'biodedup-door', shards: o.shards, replicas: o.replicas });
    const client = new ClusterClient(o, infra);
    await client.#view.watch(infra.nodes);
    return client;
  }

  get nats(): NatsConnection {
    return this.#infra.nc;
  }

  get jetstream(): JetStreamClient {
    return this.#infra.js;
  }

  /** The live nodes and the shards each serves (from their heartbeats). */
  liveNodes(): { nodeId: string; serving: readonly number[] }[] {
    return this.#view.live().map((n) => ({ nodeId: n.nodeId, serving: n.serving })).sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  }

  /** Shards with no serving replica now (empty: every identify can be answered). */
  unservedShards(): number[] {
    const served = new Set(this.#view.live().flatMap((n) => n.serving));
    return Array.from({ length: this.shards }, (_, s) => s).filter((s) => !served.has(s));
  }

  /** Resolves once every shard has `replicas` serving replicas (default: one); rejects after `timeoutMs`. */
  async waitUntilServed(timeoutMs: number, replicas = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = new Array<number>(this.shards).fill(0);
      for (const n of this.#view.live()) for (const s of n.serving) counts[s]++;
      if (counts.every((c) => c >= replicas)) return;
      if (Date.now() > deadline) throw new ShardUnavailableError(counts.flatMap((c, s) => (c < replicas ? [s] : [])));
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  pendingJobs(): number {
    return this.#pending;
  }

  /**
   * Publishes the insert; acknowledged once JetStream has stored it (replicated when the stream
   * is). 'already-present' when this requestId was published before (JetStream's duplicate
   * window); a referenceId enrolled under another request reports 'inserted' and changes
   * nothing — callers that must tell (the ABIS door) look the subject up first, as they do now.
   */
  async insert(subject: Subject, options: WriteOptions = {}): Promise<InsertResult> {
    this.#assertOpen();
    this.#check.check(subject);
    return this.#track(async () => {
      // No lookup first (it would wait for a replica to apply this shard's previous writes): a
      // referenceId already enrolled makes the replicas' insert a no-op, as in one process.
      const shard = shardOf(subject.referenceId, this.shards);
      const ack = await this.#publish(shard, { op: 'insert', subject }, options.requestId);
      return { status: ack.duplicate ? 'already-present' : 'inserted', sequence: ack.seq };
    });
  }

  async delete(referenceId: string, options: WriteOptions = {}): Promise<{ deleted: boolean }> {
    this.#assertOpen();
    validateReferenceId(referenceId);
    return this.#track(async () => {
      const shard = shardOf(referenceId, this.shards);
      const existing = await this.#ask(shard, { method: 'subject', referenceId });
      if (existing.subject == null) return { deleted: false };
      const ack = await this.#publish(shard, { op: 'delete', referenceId }, options.requestId);
      return { deleted: !ack.duplicate };
    });
  }

  async identify(probe: Probe, options: IdentifyOptions = {}): Promise<IdentifyResult> {
    this.#assertOpen();
    const o = identifyDefaults(options);
    return this.#track(async () => {
      let shards = Array.from({ length: this.shards }, (_, s) => s);
      let referenceIds: Map<number, string[]> | undefined;
      if (o.referenceIds !== undefined) {
        if (!Array.isArray(o.referenceIds)) throw new EngineError('ERR_IDENTIFY_OPTIONS', 'referenceIds must be an array of strings');
        referenceIds = new Map();
        for (const id of new Set(o.referenceIds)) {
          if (typeof id !== 'string') continue;
          const s = shardOf(id, this.shards);
          referenceIds.set(s, [...(referenceIds.get(s) ?? []), id]);
        }
        shards = [...referenceIds.keys()].sort((a, b) => a - b);
      }
      const { referenceIds: _all, ...perShardOptions } = o;
      void _all;
      const started = performance.now();
      const timing = { logHeadsMs: 0, reasked: 0 };
      const answers = await this.#scatter(shards, { method: 'identify', probe, options: perShardOptions, referenceIds }, timing);
      const merged = mergeIdentify(answers.map((a) => a.identify!), o.targetFPIR, o.maxResults);
      this.#onIdentify?.({ totalMs: performance.now() - started, logHeadsMs: timing.logHeadsMs, slowestShardMs: Math.max(0, ...answers.map((a) => a.engineMs ?? 0)), reasked: timing.reasked });
      return merged;
    });
  }

  async verify(referenceId: string, probe: Probe, threshold?: number): Promise<VerifyResult> {
    this.#assertOpen();
    validateReferenceId(referenceId);
    return this.#track(async () => (await this.#ask(shardOf(referenceId, this.shards), { method: 'verify', referenceId, probe, threshold })).verify!);
  }

  async subject(referenceId: string): Promise<StoredSubject | undefined> {
    this.#assertOpen();
    validateReferenceId(referenceId);
    const answer = await this.#ask(shardOf(referenceId, this.shards), { method: 'subject', referenceId });
    return answer.subject ?? undefined;
  }

  /** Whether a subject is enrolled: asked of a replica of its shard. */
  async has(referenceId: string): Promise<boolean> {
    return (await this.subject(referenceId)) !== undefined;
  }

  /** The nodes warm themselves before they serve a shard: nothing to wait for here. */
  async ready(): Promise<void> {
    this.#assertOpen();
  }

  /** Enrolled subjects: the sum over shards, one replica each. */
  async count(): Promise<number> {
    this.#assertOpen();
    const answers = await this.#scatter(Array.from({ length: this.shards }, (_, s) => s), { method: 'count' });
    return answers.reduce((sum, a) => sum + (a.count ?? 0), 0);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#view.close();
    await this.#infra.nc.drain().catch(() => 0);
  }

  async #publish(shard: number, record: LogRecord, requestId: string | undefined): Promise<{ seq: number; duplicate: boolean }> {
    const subject = logSubject(shard);
    try {
      const ack = await this.#infra.js.publish(subject, encodeLogRecord(record, subject, this.#key), {
        msgID: requestId ?? randomUUID(), expect: { streamName: CLUSTER_NAMES.stream }, timeout: this.#timeoutMs,
      });
      if (!ack.duplicate) this.#lastAck[shard] = Math.max(this.#lastAck[shard], ack.seq);
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (cause) {
      throw new ClusterError('ERR_CLUSTER_UNAVAILABLE', `JetStream did not acknowledge the ${record.op} (nothing is acknowledged to the caller)`, { cause });
    }
  }

  /**
   * Per shard, the stream sequence of its last record in the log now (0: none yet): a query
   * waits for it, so it sees every write acknowledged before it started, through whichever door.
   * One small JetStream request per shard, in parallel; never below what this client acknowledged.
   */
  async #logHeads(shards: readonly number[]): Promise<Map<number, number>> {
    const heads = new Map<number, number>();
    await Promise.all(shards.map(async (s) => {
      let seq = 0;
      try {
        const last = await this.#infra.jsm.streams.getMessage(CLUSTER_NAMES.stream, { last_by_subj: logSubject(s) });
        seq = last?.seq ?? 0;
      } catch (cause) { // an empty shard answers null, not an error
        throw new ClusterError('ERR_CLUSTER_UNAVAILABLE', `cannot read the head of shard ${s}'s log (an answer could miss acknowledged writes)`, { cause });
      }
      heads.set(s, Math.max(seq, this.#lastAck[s]));
    }));
    return heads;
  }

  async #ask(shard: number, query: Query): Promise<ShardAnswer> {
    return (await this.#scatter([shard], query))[0];
  }

  /**
   * Read-your-writes without waiting for the log heads: the query goes out at once (each replica
   * waits only for this client's own acknowledged writes) while the heads are read from JetStream
   * in parallel; a shard whose replica answered from an older state than its head is asked again,
   * waiting for the head. Usually no shard is: a replica applies a record milliseconds after
   * JetStream stores it.
   */
  async #scatter(shards: readonly number[], query: Query, timing?: { logHeadsMs: number; reasked: number }): Promise<ShardAnswer[]> {
    const deadline = Date.now() + this.#timeoutMs;
    const headsFrom = performance.now();
    const headsRead = this.#logHeads(shards).then((heads) => {
      if (timing !== undefined) timing.logHeadsMs = performance.now() - headsFrom;
      return heads;
    });
    headsRead.catch(() => 0); // a failed gather must not leave it unhandled; awaited below otherwise
    const own = new Map(shards.map((s) => [s, this.#lastAck[s]]));
    const answers = await this.#gather(shards, query, own, deadline);
    const heads = await headsRead;
    const stale = shards.filter((s) => (answers.get(s)!.appliedSeq ?? 0) < heads.get(s)!);
    if (stale.length > 0) {
      if (timing !== undefined) timing.reasked = stale.length;
      for (const [s, a] of await this.#gather(stale, query, heads, deadline)) answers.set(s, a);
    }
    return shards.map((s) => answers.get(s)!);
  }

  /**
   * Sends the query to one serving replica per shard (spreading shards over nodes), each to
   * answer once it has applied `minSeq` of its shard, and sends the shards of a node that fails,
   * times out or has stopped serving them to another replica, until the deadline. Engine errors
   * (a bad probe…) are thrown as they are.
   */
  async #gather(shards: readonly number[], query: Query, minSeq: ReadonlyMap<number, number>, deadline: number): Promise<Map<number, ShardAnswer>> {
    const answers = new Map<number, ShardAnswer>();
    const tried = new Map<number, Set<string>>(shards.map((s) => [s, new Set<string>()]));
    let todo = [...shards];
    while (todo.length > 0) {
      const plan = this.#plan(todo, tried);
      if (plan.unserved.length > 0) throw new ShardUnavailableError(plan.unserved);
      const retry: number[] = [];
      await Promise.all([...plan.byNode].map(async ([nodeId, nodeShards]) => {
        for (const s of nodeShards) tried.get(s)!.add(nodeId);
        const budgetMs = deadline - Date.now();
        if (budgetMs <= 0) throw new ClusterError('ERR_CLUSTER_TIMEOUT', `no answer for shard(s) ${nodeShards.join(', ')} before the deadline`);
        let reply: NodeReply;
        try {
          const request = this.#infra.nc.request(rpcSubject(nodeId), encodeMessage(this.#request(query, nodeShards, minSeq, budgetMs)), { timeout: budgetMs });
          const msg = await this.#whileLive(nodeId, request);
          reply = decodeMessage<NodeReply>(msg.data);
        } catch {
          retry.push(...nodeShards); // no responder (node gone), timeout, connection trouble: another replica
          return;
        }
        if (reply.error !== undefined) throw new EngineError(reply.error.code, reply.error.message);
        for (const a of reply.answers ?? []) {
          if (a.error === undefined) answers.set(a.shard, a);
          else if (a.error.code === 'ERR_SHARD_UNAVAILABLE' || a.error.code === 'ERR_ENGINE_CLOSED' || a.error.code === 'ERR_CLUSTER_TIMEOUT') retry.push(a.shard);
          else throw new EngineError(a.error.code, a.error.message);
        }
      }));
      if (Date.now() >= deadline && retry.length > 0) throw new ClusterError('ERR_CLUSTER_TIMEOUT', `no answer for shard(s) ${retry.join(', ')} before the deadline`);
      todo = retry;
    }
    return answers;
  }

  /** The request's answer, or a rejection as soon as the node's lease lapses (a node killed mid-request never answers). */
  async #whileLive<T>(nodeId: string, request: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const lapsed = new Promise<never>((_, reject) => {
      timer = setInterval(() => { if (!this.#view.isLive(nodeId)) reject(new ClusterError('ERR_CLUSTER_TIMEOUT', `node ${nodeId} stopped answering`)); }, Math.max(50, this.#leaseMs / 4));
    });
    try {
      return await Promise.race([request, lapsed]);
    } finally {
      clearInterval(timer);
      request.catch(() => 0); // its late failure is nobody's concern now
    }
  }

  #request(query: Query, shards: number[], seqs: ReadonlyMap<number, number>, budgetMs: number): NodeRequest {
    const minSeq = shards.map((s) => Math.max(seqs.get(s) ?? 0, this.#lastAck[s]));
    switch (query.method) {
      case 'identify':
        return { method: 'identify', shards, minSeq, budgetMs, probe: query.probe, options: query.options, referenceIds: query.referenceIds === undefined ? undefined : shards.map((s) => query.referenceIds!.get(s) ?? []) };
      case 'verify':
        return { method: 'verify', shards: [shards[0]], minSeq: [minSeq[0]], budgetMs, referenceId: query.referenceId, probe: query.probe, threshold: query.threshold };
      case 'subject':
        return { method: 'subject', shards: [shards[0]], minSeq: [minSeq[0]], budgetMs, referenceId: query.referenceId };
      case 'count':
        return { method: 'count', shards, minSeq, budgetMs };
    }
  }

  /** One live serving replica per shard, not tried before, balancing shards per node; rotating ties spread load over calls. */
  #plan(shards: readonly number[], tried: ReadonlyMap<number, ReadonlySet<string>>): { byNode: Map<string, number[]>; unserved: number[] } {
    const live = this.#view.live();
    const byNode = new Map<string, number[]>();
    const unserved: number[] = [];
    const round = this.#round++;
    for (const s of shards) {
      const candidates = live.filter((n) => n.serving.includes(s) && !tried.get(s)!.has(n.nodeId)).map((n) => n.nodeId).sort();
      if (candidates.length === 0) { unserved.push(s); continue; }
      let best = candidates[(s + round) % candidates.length];
      for (const c of candidates) if ((byNode.get(c)?.length ?? 0) < (byNode.get(best)?.length ?? 0)) best = c;
      byNode.set(best, [...(byNode.get(best) ?? []), s]);
    }
    return { byNode, unserved };
  }

  async #track<T>(work: () => Promise<T>): Promise<T> {
    this.#pending++;
    try {
      return await work();
    } finally {
      this.#pending--;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineError('ERR_ENGINE_CLOSED', 'the cluster client is closed');
  }
}

/**
 * Each shard answered with its own top-k above its own (lower: smaller N) threshold, so the
 * union holds the whole gallery's top-k above the whole gallery's threshold; keep those.
 */
export function mergeIdentify(parts: readonly IdentifyResult[], targetFPIR: number, maxResults: number): IdentifyResult {
  const gallerySize = parts.reduce((s, p) => s + p.gallerySize, 0);
  const threshold = decisionThreshold(targetFPIR, gallerySize);
  const all: Candidate[] = parts.flatMap((p) => p.candidates).filter((c) => c.score >= threshold);
  all.sort((a, b) => b.score - a.score || (a.referenceId < b.referenceId ? -1 : 1));
  return {
    candidates: all.slice(0, maxResults),
    threshold,
    gallerySize,
    comparisons: parts.reduce((s, p) => s + p.comparisons, 0),
    mode: parts.some((p) => p.mode === 'prefilter') ? 'prefilter' : 'exhaustive',
  };
}
