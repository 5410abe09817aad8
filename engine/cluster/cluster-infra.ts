/**
 * The JetStream resources every cluster process shares: the insert/delete stream (file storage,
 * replicas = min(3, NATS servers)), the placement bucket (the cluster's shard count and the
 * assignment) and the heartbeat bucket. Created by whichever process comes first; the others
 * open them and adopt the stored shard count.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DiscardPolicy, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { ClusterError } from './cluster-error.ts';
import { CLUSTER_NAMES, CLUSTER_PARAMS } from './params.ts';

export interface ClusterConfig {
  readonly shards: number;
  readonly replication: number;
}

export interface ClusterInfra {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly placement: KV;
  readonly nodes: KV;
  readonly config: ClusterConfig;
  /** JetStream replicas of the stream and buckets. */
  readonly replicas: number;
}

export interface InfraOptions {
  /** NATS URLs (`nats://host:port`), one or several servers of one NATS cluster. */
  readonly servers: string | readonly string[];
  /** Connection name shown by the NATS server (monitoring). */
  readonly name: string;
  /** Shard count if this process creates the cluster (default CLUSTER_PARAMS.shards). */
  readonly shards?: number;
  /** JetStream replicas (default: min(3, servers in the NATS cluster)). */
  readonly replicas?: number;
}

export const CONFIG_KEY = 'config';
export const ASSIGNMENT_KEY = 'assignment';

export async function openClusterInfra(o: InfraOptions): Promise<ClusterInfra> {
  const shards = o.shards ?? CLUSTER_PARAMS.shards;
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) throw new ClusterError('ERR_CLUSTER_CONFIG', `shards must be an integer 1–1024, got ${shards}`);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: typeof o.servers === 'string' ? o.servers : [...o.servers], name: o.name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  } catch (cause) {
    throw new ClusterError('ERR_CLUSTER_UNAVAILABLE', `cannot connect to NATS at ${String(o.servers)}`, { cause });
  }
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    // connect_urls: the client URLs of every server in the NATS cluster (absent on a lone server)
    const servers = Math.max(1, nc.info?.connect_urls?.length ?? 1);
    const replicas = o.replicas ?? Math.min(3, servers);
    await ensureStream(jsm, replicas);
    const kvm = new Kvm(js);
    const placement = await kvm.create(CLUSTER_NAMES.placementBucket, { history: 1, replicas });
    const nodes = await kvm.create(CLUSTER_NAMES.nodesBucket, { history: 1, replicas });
    const wanted: ClusterConfig = { shards, replication: CLUSTER_PARAMS.replication };
    await placement.create(CONFIG_KEY, JSON.stringify(wanted)).catch(() => 0); // exists: adopt it below
    const stored = (await placement.get(CONFIG_KEY))?.json<ClusterConfig>();
    if (stored === undefined || !Number.isInteger(stored.shards) || !Number.isInteger(stored.replication)) {
      throw new ClusterError('ERR_CLUSTER_CONFIG', 'the placement bucket holds no valid cluster config');
    }
    return { nc, js, jsm, placement, nodes, config: stored, replicas };
  } catch (e) {
    await nc.close().catch(() => 0);
    throw e instanceof ClusterError ? e : new ClusterError('ERR_CLUSTER_UNAVAILABLE', `JetStream is not available: ${(e as Error).message}`, { cause: e });
  }
}

async function ensureStream(jsm: JetStreamManager, replicas: number): Promise<void> {
  try {
    await jsm.streams.info(CLUSTER_NAMES.stream);
    return;
  } catch {
    // not found: create it (a concurrent creator with the same config makes add succeed or report "in use")
  }
  try {
    await jsm.streams.add({
      name: CLUSTER_NAMES.stream,
      subjects: [`${CLUSTER_NAMES.logSubject}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits, // the log is the source of truth: nothing expires
      discard: DiscardPolicy.New,
      num_replicas: replicas,
      duplicate_window: CLUSTER_PARAMS.duplicateWindowMs * 1_000_000, // nanoseconds
    });
  } catch (e) {
    await jsm.streams.info(CLUSTER_NAMES.stream).catch(() => { throw e; });
  }
}

export function logSubject(shard: number): string {
  return `${CLUSTER_NAMES.logSubject}.${shard}`;
}

export function rpcSubject(nodeId: string): string {
  return `${CLUSTER_NAMES.rpcPrefix}.${nodeId}`;
}

export function heartbeatKey(nodeId: string): string {
  return `n.${nodeId}`;
}

/** Node ids become NATS subject tokens and KV keys. */
export function checkNodeId(nodeId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(nodeId)) throw new ClusterError('ERR_CLUSTER_CONFIG', 'a node id is 1–64 characters of [A-Za-z0-9_-]');
  return nodeId;
}
