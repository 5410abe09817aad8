/** The cluster's typed errors: stable codes the doors map to MOSIP failure reasons. */
import { EngineError } from '../errors.ts';

export type ClusterErrorCode =
  /** A logical shard has no live, caught-up replica: the answer would miss part of the population. */
  | 'ERR_SHARD_UNAVAILABLE'
  /** The scatter-gather (or a lookup) did not complete before its deadline. */
  | 'ERR_CLUSTER_TIMEOUT'
  /** NATS or JetStream refused or lost the request (connection closed, publish not acknowledged). */
  | 'ERR_CLUSTER_UNAVAILABLE'
  /** Options, or the cluster's stored configuration, are invalid or disagree. */
  | 'ERR_CLUSTER_CONFIG'
  /** A log record or reply that cannot be decoded (wrong key, damaged bytes, other version). */
  | 'ERR_CLUSTER_RECORD';

export class ClusterError extends EngineError {
  declare readonly code: ClusterErrorCode;
  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ClusterError';
  }
}

/** No replica of these shards can answer now: never a partial "no duplicate". */
export class ShardUnavailableError extends ClusterError {
  readonly shards: readonly number[];
  constructor(shards: readonly number[]) {
    super('ERR_SHARD_UNAVAILABLE', `no live replica serves shard(s) ${shards.join(', ')}: the search would miss part of the gallery`);
    this.name = 'ShardUnavailableError';
    this.shards = shards;
  }
}
