/**
 * What the doors need from "the engine": one process (DedupEngine over its LMDB store) or a
 * cluster (cluster/ClusterClient over NATS JetStream). Both implement it, so the ABIS API and the
 * ID service run unchanged on either.
 */
import type { DedupEngine } from './gallery/dedup-engine.ts';
import type { IdentifyOptions, IdentifyResult, Probe, VerifyResult } from './gallery/engine-types.ts';
import type { InsertResult } from './store/subject-store.ts';
import type { StoredSubject, Subject } from './store/subject.ts';

export interface WriteOptions {
  /**
   * The caller's request id (MOSIP requestId). In a cluster it is the JetStream message id, so a
   * redelivered request is applied once; one process ignores it (inserts are idempotent by
   * referenceId there).
   */
  readonly requestId?: string;
}

export interface DedupService {
  insert(subject: Subject, options?: WriteOptions): Promise<InsertResult>;
  delete(referenceId: string, options?: WriteOptions): Promise<{ deleted: boolean }>;
  identify(probe: Probe, options?: IdentifyOptions): Promise<IdentifyResult>;
  verify(referenceId: string, probe: Probe, threshold?: number): Promise<VerifyResult>;
  /** A cluster answers over the network, hence the promise; one process answers at once. */
  subject(referenceId: string): StoredSubject | undefined | Promise<StoredSubject | undefined>;
  /** Whether a subject is enrolled (one process: no template decryption). */
  has(referenceId: string): boolean | Promise<boolean>;
  /** Resolves when the engine is warm enough for /health/ready (one process: the prefilter vectors). */
  ready(): Promise<void>;
  count(): number | Promise<number>;
  pendingJobs(): number;
  close(): Promise<void>;
}

/** Compile-time proof that the one-process engine is a DedupService (no runtime cost). */
export type EngineIsDedupService = DedupEngine extends DedupService ? true : never;
const engineIsDedupService: EngineIsDedupService = true;
void engineIsDedupService;
