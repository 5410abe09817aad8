/** The engine's public request and result types. */
import { EngineError } from '../errors.ts';
import type { TemplateKey } from '../store/template-key.ts';

export interface EngineOptions {
  /** Directory of the LMDB store. */
  readonly dataDir: string;
  /** Template key; default from BIODEDUP_TEMPLATE_KEY / BIODEDUP_TEMPLATE_KEY_FILE. */
  readonly key?: TemplateKey;
  /** Pool workers; default BIODEDUP_POOL_SIZE or the core count. */
  readonly threads?: number;
  /** Template slots per shard (default 65,536). */
  readonly shardCapacity?: number;
  /** Largest template accepted into a shard, bytes (default 64 KiB, the store's limit). */
  readonly maxTemplateBytes?: number;
  /** Compact a shard when this share of its slots are tombstones (default 0.25). */
  readonly compactAtTombstoneShare?: number;
}

/** One probe finger: an MCC template (FingerMatcher.createTemplate bytes) and its ISO position, 0 = unknown. */
export interface ProbeFinger {
  readonly position: number;
  readonly template: Uint8Array;
}

export interface Probe {
  readonly fingers: readonly ProbeFinger[];
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
}

export interface FingerScore {
  /** ISO finger position of the probe finger (0 = unknown). */
  readonly position: number;
  /** Calibrated score, −10·log10(FMR). */
  readonly score: number;
}

export interface Candidate {
  readonly referenceId: string;
  /** Fused calibrated score over the compared fingers. */
  readonly score: number;
  readonly fingers: readonly FingerScore[];
}

export interface IdentifyResult {
  readonly candidates: readonly Candidate[];
  /** The fused score candidates had to reach: targetFPIR + 10·log10(gallerySize). */
  readonly threshold: number;
  readonly gallerySize: number;
  readonly comparisons: number;
  readonly mode: 'exhaustive' | 'prefilter';
}

export interface VerifyResult {
  readonly match: boolean;
  readonly score: number;
  readonly threshold: number;
  readonly fingers: readonly FingerScore[];
}

/** Iris sides as slot positions in a shard. */
export const IRIS_SIDE_CODE = { right: 1, left: 2 } as const;

export function identifyDefaults(o: IdentifyOptions): Required<Omit<IdentifyOptions, 'referenceIds' | 'excludeReferenceId'>> & IdentifyOptions {
  const targetFPIR = o.targetFPIR ?? 30;
  const maxResults = o.maxResults ?? 10;
  if (!(Number.isFinite(targetFPIR) && targetFPIR >= 0 && targetFPIR <= 100)) throw new EngineError('ERR_IDENTIFY_OPTIONS', `targetFPIR must be 0–100, got ${targetFPIR}`);
  if (!(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= 1000)) throw new EngineError('ERR_IDENTIFY_OPTIONS', `maxResults must be an integer 1–1000, got ${maxResults}`);
  return { ...o, targetFPIR, maxResults };
}
