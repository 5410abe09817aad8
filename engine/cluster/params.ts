/**
 * Every tuning constant of the cluster, with its unit and why. Tests and the local launcher
 * shorten the time constants through ClusterOptions; production uses these.
 */
export const CLUSTER_PARAMS = Object.freeze({
  /**
   * Logical shards (count, fixed for the cluster's lifetime: the hash of a referenceId picks one).
   * 12 spreads evenly over 2, 3, 4 or 6 nodes with replication 2. Each replica is an engine
   * over its own store; a node's replicas share one scan pool (ClusterNodeOptions.threads).
   */
  shards: 12,
  /** Nodes serving each shard (count): the loss of any one node leaves every shard served. */
  replication: 2,
  /** A node writes its heartbeat this often (ms). */
  heartbeatMs: 1000,
  /** A heartbeat older than this marks the node dead for routing (ms): three missed beats. */
  leaseMs: 3500,
  /**
   * A dead node keeps its shards in the assignment this long (ms) before they are given to
   * others: a restart (deploy, crash loop) catches up from its own store instead of a full
   * replay elsewhere. Routing uses the other replica meanwhile.
   */
  reassignAfterMs: 30_000,
  /** Identify / verify / lookup deadline for one scatter-gather (ms). */
  requestTimeoutMs: 30_000,
  /**
   * JetStream's duplicate window (ms): a publish with a message id seen within it is not stored
   * again. One hour covers client retries; later redeliveries of an insert are still harmless
   * (the engine's insert is idempotent by referenceId).
   */
  duplicateWindowMs: 3_600_000,
  /** A node writes its shards' stream positions to its LMDB at most this often (ms); a restart replays at most this much (harmless: applying the log is idempotent). */
  positionFlushMs: 200,
});

/** Stream, subjects and buckets: one place, so every process agrees. */
export const CLUSTER_NAMES = Object.freeze({
  stream: 'BIODEDUP_LOG',
  /** `<logSubject>.<shard>`: one subject per logical shard, so a node consumes only its shards. */
  logSubject: 'biodedup.log',
  /** KV: cluster config (shard count) and the shard assignment. */
  placementBucket: 'biodedup_placement',
  /** KV: one heartbeat per node (which shards it serves and has caught up). */
  nodesBucket: 'biodedup_nodes',
  /** Request/reply subject prefix of a node: `<rpcPrefix>.<nodeId>.<method>`. */
  rpcPrefix: 'biodedup.node',
});
