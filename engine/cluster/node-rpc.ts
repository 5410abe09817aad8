/**
 * The request/reply messages between a door (ClusterClient) and a node: msgpack over NATS
 * core request/reply on `biodedup.node.<nodeId>`. Templates travel inside a probe or a looked-up
 * subject only; NATS connections between processes of one deployment are on the internal
 * network (TLS is a nats-server setting).
 */
import { pack, unpack } from 'msgpackr';
import type { IdentifyOptions, IdentifyResult, Probe, VerifyResult } from '../gallery/engine-types.ts';
import type { StoredSubject } from '../store/subject.ts';
import { ClusterError } from './cluster-error.ts';

export type NodeRequest =
  | { readonly method: 'identify'; readonly shards: readonly number[]; readonly minSeq: readonly number[]; readonly budgetMs: number; readonly probe: Probe; readonly options: IdentifyOptions; readonly referenceIds?: readonly (readonly string[])[] }
  | { readonly method: 'verify'; readonly shards: readonly [number]; readonly minSeq: readonly [number]; readonly budgetMs: number; readonly referenceId: string; readonly probe: Probe; readonly threshold?: number }
  | { readonly method: 'subject'; readonly shards: readonly [number]; readonly minSeq: readonly [number]; readonly budgetMs: number; readonly referenceId: string }
  | { readonly method: 'count'; readonly shards: readonly number[]; readonly minSeq: readonly number[]; readonly budgetMs: number };

export interface WireError {
  readonly code: string;
  readonly message: string;
}

/** One answer per requested shard, in request order. */
export interface ShardAnswer {
  readonly shard: number;
  readonly identify?: IdentifyResult;
  readonly verify?: VerifyResult;
  readonly subject?: StoredSubject | null;
  readonly count?: number;
  readonly error?: WireError;
  /** Time the shard's engine spent on the query (ms, after the wait for the log head): tells the scan from the transport. */
  readonly engineMs?: number;
  /**
   * The stream sequence the replica had applied when it started on the query: the answer
   * reflects every record of the shard up to it. The door checks it against the log head it read
   * meanwhile, and asks again (waiting for the head) when it is older.
   */
  readonly appliedSeq?: number;
}

export interface NodeReply {
  readonly answers?: readonly ShardAnswer[];
  readonly error?: WireError;
}

export function encodeMessage(value: NodeRequest | NodeReply): Uint8Array {
  return pack(value);
}

export function decodeMessage<T extends NodeRequest | NodeReply>(bytes: Uint8Array): T {
  try {
    return unpack(bytes) as T;
  } catch (cause) {
    throw new ClusterError('ERR_CLUSTER_RECORD', 'undecodable cluster message', { cause });
  }
}

export function wireError(e: unknown): WireError {
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'ERR_INTERNAL';
  return { code, message: e instanceof Error ? e.message : String(e) };
}
