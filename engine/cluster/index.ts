/** The cluster's public API (re-exported by engine/index.ts). */
export { ClusterClient, mergeIdentify, type ClusterClientOptions, type ClusterIdentifyTiming } from './cluster-client.ts';
export { ClusterNode, type ClusterNodeOptions, type ClusterTiming, type StoredAssignment } from './cluster-node.ts';
export { ClusterError, ShardUnavailableError, type ClusterErrorCode } from './cluster-error.ts';
export { CLUSTER_PARAMS, CLUSTER_NAMES } from './params.ts';
export { shardOf } from './shard-hash.ts';
export { placeShards, type PlacementInput } from './placement.ts';
