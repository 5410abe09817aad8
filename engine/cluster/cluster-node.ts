/**
 * An engine node of the cluster: the shards the assignment gives it, each a ShardReplica (a
 * DedupEngine over its own LMDB store under `<dataDir>/shards/<n>`, fed from the JetStream log),
 * their stream positions in `<dataDir>/positions` (LMDB), a heartbeat in the KV bucket, and the
 * request/reply endpoint the doors scatter identifies to. The live node with the smallest id
 * recomputes the placement (placement.ts) and writes it with a compare-and-set.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { PrefilterOptions } from '../gallery/engine-types.ts';
import { DURABLE_LMDB_OPTIONS } from '../store/subject-store.ts';
import type { TemplateKey } from '../store/template-key.ts';
import { ClusterView } from './cluster-view.ts';
import { ASSIGNMENT_KEY, checkNodeId, heartbeatKey, openClusterInfra, rpcSubject, type ClusterInfra } from './cluster-infra.ts';
import { decodeMessage, encodeMessage, wireError, type NodeReply, type NodeRequest, type ShardAnswer } from './node-rpc.ts';
import { CLUSTER_PARAMS } from './params.ts';
import { placeShards, samePlacement } from './placement.ts';
import { ShardReplica } from './shard-replica.ts';
import { ScanPool, defaultPoolSize } from '../gallery/scan-pool.ts';
import { GALLERY_PARAMS } from '../gallery/params.ts';

export interface ClusterTiming {
  readonly heartbeatMs: number;
  readonly leaseMs: number;
  readonly reassignAfterMs: number;
}

export interface ClusterNodeOptions {
  readonly servers: string | readonly string[];
  /** Stable across restarts: the node's stores and positions belong to it. */
  readonly nodeId: string;
  readonly dataDir: string;
  readonly key: TemplateKey;
  /**
   * Workers of the node's one scan pool, shared by all its shard replicas (default
   * BIODEDUP_POOL_SIZE or the core count): a node uses its cores whatever shards it serves.
   */
  readonly threads?: number;
  readonly prefilter?: PrefilterOptions;
  /** Shard count, used only by the process that creates the cluster. */
  readonly shards?: number;
  readonly replicas?: number;
  readonly timing?: Partial<ClusterTiming>;
  /** The first placement of a new cluster waits until this many nodes are live (default 1): nodes started together then don't each replay shards they will hand over at once. */
  readonly initialNodes?: number;
  readonly log?: (line: string) => void;
}

/** The assignment as stored in the placement bucket. */
export interface StoredAssignment {
  readonly shards: string[][];
  /** When each assigned but dead node was first seen missing (ms since epoch). */
  readonly missingSince: Record<string, number>;
}

export class ClusterNode {
  readonly nodeId: string;
  readonly #o: ClusterNodeOptions;
  readonly #infra: ClusterInfra;
  readonly #timing: ClusterTiming;
  readonly #view: ClusterView;
  readonly #positions: RootDatabase<number, string>;
  readonly #replicas = new Map<number, ShardReplica>();
  readonly #held = new Set<number>();
  readonly #log: (line: string) => void;
  readonly #pool: ScanPool;
  #assigned: number[] = [];
  #reconciling: Promise<void> = Promise.resolve();
  #timers: NodeJS.Timeout[] = [];
  #stoppers: (() => void)[] = [];
  #subscription: Subscription | undefined;
  #closed = false;

  private constructor(o: ClusterNodeOptions, infra: ClusterInfra) {
    this.#o = o;
    this.nodeId = o.nodeId;
    this.#infra = infra;
    this.#log = o.log ?? (() => {});
    this.#pool = new ScanPool(o.threads ?? defaultPoolSize());
    this.#timing = { heartbeatMs: CLUSTER_PARAMS.heartbeatMs, leaseMs: CLUSTER_PARAMS.leaseMs, reassignAfterMs: CLUSTER_PARAMS.reassignAfterMs, ...o.timing };
    this.#view = new ClusterView(this.#timing.leaseMs);
    mkdirSync(join(o.dataDir, 'shards'), { recursive: true });
    this.#positions = open<number, string>({ path: join(o.dataDir, 'positions'), ...DURABLE_LMDB_OPTIONS });
    for (const name of readdirSync(join(o.dataDir, 'shards'))) {
      const shard = Number(name);
      if (Number.isInteger(shard) && shard >= 0 && shard < infra.config.shards) this.#held.add(shard);
    }
  }

  static async start(o: ClusterNodeOptions): Promise<ClusterNode> {
    checkNodeId(o.nodeId);
    const infra = await openClusterInfra({ servers: o.servers, name: `biodedup-node-${o.nodeId}`, shards: o.shards, replicas: o.replicas });
    const node = new ClusterNode(o, infra);
    try {
      await node.#start();
    } catch (e) {
      await node.close();
      throw e;
    }
    return node;
  }

  /** Shards this node answers for now. */
  serving(): number[] {
    return [...this.#replicas.values()].filter((r) => r.serving).map((r) => r.shard).sort((a, b) => a - b);
  }

  /** Shards the assignment gives this node. */
  assigned(): readonly number[] {
    return this.#assigned;
  }

  replica(shard: number): ShardReplica | undefined {
    return this.#replicas.get(shard);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    for (const stop of this.#stoppers) stop();
    this.#view.close();
    await this.#subscription?.drain().catch(() => 0);
    await this.#reconciling.catch(() => 0);
    await Promise.all([...this.#replicas.values()].map((r) => r.close()));
    await this.#pool.close();
    this.#flushPositions();
    await this.#positions.close();
    await this.#infra.nc.close().catch(() => 0);
  }

  async #start(): Promise<void> {
    const { nc, placement } = this.#infra;
    this.#subscription = nc.subscribe(rpcSubject(this.nodeId), { callback: (err, msg) => { if (err === null) void this.#respond(msg); } });
    await this.#view.watch(this.#infra.nodes);
    const watcher = await placement.watch({ key: ASSIGNMENT_KEY });
    void (async () => {
      for await (const e of watcher) {
        if (e.operation !== 'PUT') continue;
        const assignment = e.json<StoredAssignment>();
        this.#assigned = assignment.shards.flatMap((list, s) => (list.includes(this.nodeId) ? [s] : []));
        this.#reconcile();
      }
    })();
    this.#stoppers.push(() => watcher.stop());
    await this.#tick();
    this.#timers.push(setInterval(() => void this.#tick().catch((e: unknown) => this.#log(`heartbeat: ${(e as Error).message}`)), this.#timing.heartbeatMs));
    this.#timers.push(setInterval(() => this.#flushPositions(), CLUSTER_PARAMS.positionFlushMs));
  }

  /** Heartbeat, then (on the leader) the placement. */
  async #tick(): Promise<void> {
    if (this.#closed) return;
    const beat = { nodeId: this.nodeId, serving: this.serving(), held: [...this.#held].sort((a, b) => a - b) };
    await this.#infra.nodes.put(heartbeatKey(this.nodeId), JSON.stringify(beat));
    this.#view.note({ ...beat, atMs: Date.now() });
    const now = Date.now();
    const live = this.#view.live(now).map((n) => n.nodeId).sort();
    if (live[0] !== this.nodeId) return;
    const { placement, config } = this.#infra;
    const entry = await placement.get(ASSIGNMENT_KEY);
    const previous = entry?.operation === 'PUT' ? entry.json<StoredAssignment>() : undefined;
    if (previous === undefined && live.length < (this.#o.initialNodes ?? 1)) return;
    const liveSet = new Set(live);
    const missingSince: Record<string, number> = {};
    for (const list of previous?.shards ?? []) {
      for (const n of list) if (!liveSet.has(n)) missingSince[n] = previous?.missingSince[n] ?? now;
    }
    const grace = Object.keys(missingSince).filter((n) => now - missingSince[n] < this.#timing.reassignAfterMs);
    const held = new Map(this.#view.live(now).map((n) => [n.nodeId, new Set(n.held)]));
    const shards = placeShards({ previous: previous?.shards, shards: config.shards, replication: config.replication, live, grace, held });
    const sameMissing = JSON.stringify(Object.keys(missingSince).sort()) === JSON.stringify(Object.keys(previous?.missingSince ?? {}).sort());
    if (samePlacement(previous?.shards, shards) && sameMissing) return;
    const value = JSON.stringify({ shards, missingSince } satisfies StoredAssignment);
    try {
      if (entry === null) await placement.create(ASSIGNMENT_KEY, value);
      else await placement.update(ASSIGNMENT_KEY, value, entry.revision);
      this.#log(`placement: ${shards.map((l, s) => `${s}:${l.join('+')}`).join(' ')}`);
    } catch {
      // another writer won the compare-and-set: the next tick recomputes from its result
    }
  }

  /** Opens the replicas of newly assigned shards and closes the others, one change at a time. */
  #reconcile(): void {
    this.#reconciling = this.#reconciling.then(async () => {
      const wanted = new Set(this.#assigned);
      for (const [shard, replica] of this.#replicas) {
        if (wanted.has(shard)) continue;
        this.#replicas.delete(shard);
        this.#positions.putSync(`shard:${shard}`, replica.appliedSeq);
        await replica.close();
        this.#log(`shard ${shard}: released (store kept at sequence ${replica.appliedSeq})`);
      }
      for (const shard of wanted) {
        if (this.#replicas.has(shard) || this.#closed) continue;
        const position = this.#positions.get(`shard:${shard}`) ?? 0;
        const dir = join(this.#o.dataDir, 'shards', String(shard));
        const fresh = !existsSync(dir);
        const replica = await ShardReplica.open({
          shard, dataDir: dir, key: this.#o.key, pool: this.#pool, prefilter: this.#shardPrefilter(),
          js: this.#infra.js, position: fresh ? 0 : position, log: this.#log,
        });
        this.#held.add(shard);
        this.#replicas.set(shard, replica);
        this.#log(`shard ${shard}: serving from stream sequence ${fresh ? 0 : position}`);
      }
    }).catch((e: unknown) => this.#log(`placement change failed: ${(e as Error).message}`));
  }

  /**
   * The prefilter of one shard's engine: the same penetration, and its share of the whole
   * gallery's floor (minKeep counts subjects of the gallery, and a shard holds 1/shards of it by
   * the hash): each shard keeping the whole floor would score `shards` times the floor in all.
   */
  #shardPrefilter(): PrefilterOptions | undefined {
    const p = this.#o.prefilter;
    if (p === undefined) return undefined;
    return { ...p, minKeep: Math.ceil((p.minKeep ?? GALLERY_PARAMS.prefilterMinKeep) / this.#infra.config.shards) };
  }

  #flushPositions(): void {
    for (const r of this.#replicas.values()) {
      if (this.#positions.get(`shard:${r.shard}`) !== r.appliedSeq) void this.#positions.put(`shard:${r.shard}`, r.appliedSeq);
    }
  }

  async #respond(msg: Msg): Promise<void> {
    let reply: NodeReply;
    try {
      reply = { answers: await this.#answer(decodeMessage<NodeRequest>(msg.data)) };
    } catch (e) {
      reply = { error: wireError(e) };
    }
    msg.respond(encodeMessage(reply));
  }

  async #answer(req: NodeRequest): Promise<ShardAnswer[]> {
    const deadline = Date.now() + req.budgetMs;
    return Promise.all(req.shards.map(async (shard, i): Promise<ShardAnswer> => {
      const replica = this.#replicas.get(shard);
      if (replica === undefined || !replica.serving) return { shard, error: { code: 'ERR_SHARD_UNAVAILABLE', message: `node ${this.nodeId} does not serve shard ${shard}` } };
      try {
        await replica.waitApplied(req.minSeq[i] ?? 0, deadline);
        const engine = replica.engine;
        // read before the engine looks: its answer reflects at least this much of the log
        const appliedSeq = replica.appliedSeq;
        switch (req.method) {
          case 'identify': {
            const referenceIds = req.referenceIds?.[i];
            const started = performance.now();
            const identify = await engine.identify(req.probe, referenceIds === undefined ? req.options : { ...req.options, referenceIds });
            return { shard, identify, engineMs: performance.now() - started, appliedSeq };
          }
          case 'verify':
            return { shard, verify: await engine.verify(req.referenceId, req.probe, req.threshold), appliedSeq };
          case 'subject':
            return { shard, subject: engine.subject(req.referenceId) ?? null, appliedSeq };
          case 'count':
            return { shard, count: engine.count(), appliedSeq };
        }
      } catch (e) {
        return { shard, error: wireError(e) };
      }
    }));
  }
}
