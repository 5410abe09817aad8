/** The engine's public request and result types. */
import { EngineError } from '../errors.ts';
import type { TemplateKey } from '../store/template-key.ts';
import type { ScanPool } from './scan-pool.ts';

export interface EngineOptions {
  /** Directory of the LMDB store. */
  readonly dataDir: string;
  /** Template key; default from BIODEDUP_TEMPLATE_KEY / BIODEDUP_TEMPLATE_KEY_FILE. */
  readonly key?: TemplateKey;
  /** Pool workers; default BIODEDUP_POOL_SIZE or the core count. */
  readonly threads?: number;
  /**
   * Workers shared with other engines of this process (a cluster node's shard replicas, so the
   * node runs one worker per core, not one per shard). The engine uses it and leaves closing it
   * to its owner; `threads` is then the pool's. Default: a pool of the engine's own.
   */
  readonly pool?: ScanPool;
  /** Template slots per shard (default 65,536). */
  readonly shardCapacity?: number;
  /** Largest template accepted into a shard, bytes (default 64 KiB, the store's limit). */
  readonly maxTemplateBytes?: number;
  /** Compact a shard when this share of its slots are tombstones (default 0.25). */
  readonly compactAtTombstoneShare?: number;
  /**
   * What the shards keep of each finger. 'full' (default): its compact template, every comparison
   * in RAM (exact exhaustive search). 'coarse': only a coarse form (≈ ¼ of the bytes; RAM per
   * finger ≈ 1 KB with the prefilter vector): the coarse stage ranks subjects and the best
   * max(coarseMinKeep, coarseKeepShare × N) are read from the store and scored by the full matcher,
   * whose scores alone are returned (gallery/finger-tier.ts, docs/finger-tier.md). Not with the
   * hnsw prefilter.
   */
  readonly fingerResidency?: 'full' | 'coarse';
  /** Coarse residency: the finalists' share of the gallery and their fewest (defaults GALLERY_PARAMS.coarseKeepShare, coarseMinKeep). */
  readonly coarseKeepShare?: number;
  readonly coarseMinKeep?: number;
  /** Coarse residency: share of the prefilter's candidates compared on every finger after the first (default GALLERY_PARAMS.coarseGatePassShare; 1 = no gate). */
  readonly coarseGatePassShare?: number;
  /** Keep the hnswlib prefilter (engine/prefilter) beside the shards; identify then uses it by default. */
  readonly prefilter?: PrefilterOptions;
  /** Where the engine reports what it does not throw (a prefilter file it could not use). Default: nothing is reported. */
  readonly logger?: EngineLogger;
  /** Called while the shards are rebuilt from the store at open: subjects loaded so far and in all (about once a second, and at the end). */
  readonly onLoadProgress?: (loaded: number, total: number) => void;
}

/** The engine's logging needs, a subset of pino's Logger (the engine reads no configuration: the caller injects one). */
export interface EngineLogger {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

export interface PrefilterOptions {
  /**
   * Subjects kept for the full matcher: max(minKeep, ⌈penetration × gallery subjects⌉), ranked
   * jointly over the probe's fingers (the hnsw index: that many per probe finger). Defaults 0.05
   * and 500 (GALLERY_PARAMS, with the recall they measured).
   */
  readonly penetration?: number;
  readonly minKeep?: number;
  /**
   * flat (default): an exact SIMD scan of every finger's vector in the shards. hnsw: hnswlib
   * graphs per finger position, saved beside the store (cheaper queries at small k, but a slow
   * build and approximate: see engine/README.md for the measurements behind the default).
   */
  readonly index?: 'flat' | 'hnsw';
  /**
   * How the flat prefilter's candidates are re-scored. one-pass (default): each vector scan
   * task's kept subjects, in slot order, go to one pool task that compares the first finger and,
   * past the gate, the others. two-step: the former path (a gate round over the pool, then a
   * full-scoring round with the gate's scores carried over), kept as the reference the tests
   * and the bench hold one-pass to: both give the same candidates and scores. hnsw always
   * re-scores in two steps.
   */
  readonly rescore?: 'one-pass' | 'two-step';
}

/** One probe finger: an MCC template (FingerMatcher.createTemplate bytes) and its ISO position, 0 = unknown. */
export interface ProbeFinger {
  readonly position: number;
  readonly template: Uint8Array;
}

export type IrisSideOrUnknown = 'left' | 'right' | 'unknown';

/** One probe iris: an iris template (IrisMatcher.createTemplate bytes) and its side. */
export interface ProbeIris {
  readonly side: IrisSideOrUnknown;
  readonly template: Uint8Array;
}

/** What a search or a verification compares: any fingers, irises and a face (at least one template). */
export interface Probe {
  readonly fingers?: readonly ProbeFinger[];
  readonly irises?: readonly ProbeIris[];
  /** A face template (FaceExtractor's "BDFC" bytes): scanned over every subject holding a face, fused with the rest as independent evidence (fusion.ts fuseModalityScores). */
  readonly face?: Uint8Array;
}

export interface IdentifyOptions {
  /** −10·log10(FPIR), MOSIP's notation: 30 = one false positive in 1,000 searches (default 30). */
  readonly targetFPIR?: number;
  /** Longest candidate list (default 10). */
  readonly maxResults?: number;
  /** Search only these subjects (MOSIP gallery.referenceIds); N is then their count. */
  readonly referenceIds?: readonly string[];
  /** Never return this subject (the probe's own referenceId). */
  readonly excludeReferenceId?: string;
  /**
   * exhaustive: every subject is scored. prefilter: only the prefilter's candidates are (the
   * default when the engine keeps a prefilter; a restricted search, or a probe without usable
   * finger vectors, is always exhaustive).
   */
  readonly mode?: 'exhaustive' | 'prefilter';
  /** The flat prefilter's re-scoring path for this call (default: PrefilterOptions.rescore); both give the same answer. */
  readonly rescore?: 'one-pass' | 'two-step';
}

/** The calibrated score (−10·log10 FMR) of one probe template against the candidate. */
export type ModalityScore =
  | { readonly modality: 'finger'; /** ISO position of the probe finger (0 = unknown) */ readonly position: number; readonly score: number }
  | { readonly modality: 'iris'; readonly side: IrisSideOrUnknown; readonly score: number }
  | { readonly modality: 'face'; readonly score: number };

export interface Candidate {
  readonly referenceId: string;
  /** Fused calibrated score over every compared template (fusion.ts). */
  readonly score: number;
  readonly scores: readonly ModalityScore[];
}

export interface IdentifyResult {
  readonly candidates: readonly Candidate[];
  /** The fused score candidates had to reach: targetFPIR + 10·log10(gallerySize). */
  readonly threshold: number;
  readonly gallerySize: number;
  readonly comparisons: number;
  readonly mode: 'exhaustive' | 'prefilter';
  /** Where the time went (wall ms of each stage, and the pool workers' busy ms in each). */
  readonly stages?: IdentifyStages;
}

/**
 * An identify's time by stage, ms. Wall: `prefilterMs` (vector scan and its merge), `gateMs`
 * (first re-scoring step), `scoreMs` (full scoring), `mergeMs` (candidate list in the main
 * thread), `totalMs`. Busy: the workers' own compute time in the pool tasks of each stage
 * (summed over workers; wall × threads − busy is waiting, dispatch and structured clone).
 */
export interface IdentifyStages {
  readonly prefilterMs: number;
  readonly gateMs: number;
  readonly scoreMs: number;
  readonly mergeMs: number;
  readonly totalMs: number;
  readonly prefilterBusyMs: number;
  readonly gateBusyMs: number;
  readonly scoreBusyMs: number;
  /** Of the busy time, ms inside the comparison kernels; and the comparisons they ran. */
  readonly kernelMs: number;
  readonly comparisons: number;
  /** Pool tasks of the gate and full-scoring stages. */
  readonly tasks: number;
  /**
   * Coarse residency (gallery/finger-tier.ts): `gateMs` / `gateBusyMs` are the coarse stage, which
   * ran `coarseComparisons`; `finalists` subjects were read from the store in pieces, the main
   * thread's reads taking `fetchMs`, and scored in full by the pool meanwhile (`scoreMs`: the
   * step's wall time past the reads; `comparisons` counts these full comparisons only).
   */
  readonly finalists?: number;
  readonly fetchMs?: number;
  readonly coarseComparisons?: number;
}

export interface VerifyResult {
  readonly match: boolean;
  readonly score: number;
  readonly threshold: number;
  readonly scores: readonly ModalityScore[];
}

/** Iris sides as slot positions in a shard (0: unknown, compared with both). */
export const IRIS_SIDE_CODE = { unknown: 0, right: 1, left: 2 } as const;

export function identifyDefaults(o: IdentifyOptions): Required<Omit<IdentifyOptions, 'referenceIds' | 'excludeReferenceId' | 'mode' | 'rescore'>> & IdentifyOptions {
  const targetFPIR = o.targetFPIR ?? 30;
  const maxResults = o.maxResults ?? 10;
  if (!(Number.isFinite(targetFPIR) && targetFPIR >= 0 && targetFPIR <= 100)) throw new EngineError('ERR_IDENTIFY_OPTIONS', `targetFPIR must be 0–100, got ${targetFPIR}`);
  if (o.mode !== undefined && o.mode !== 'exhaustive' && o.mode !== 'prefilter') throw new EngineError('ERR_IDENTIFY_OPTIONS', `mode must be exhaustive or prefilter, got ${String(o.mode)}`);
  if (o.rescore !== undefined && o.rescore !== 'one-pass' && o.rescore !== 'two-step') throw new EngineError('ERR_IDENTIFY_OPTIONS', `rescore must be one-pass or two-step, got ${String(o.rescore)}`);
  if (!(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= 1000)) throw new EngineError('ERR_IDENTIFY_OPTIONS', `maxResults must be an integer 1–1000, got ${maxResults}`);
  return { ...o, targetFPIR, maxResults };
}
