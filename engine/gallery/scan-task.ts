/**
 * The messages between the engine and its pool workers. Everything is plain data and typed
 * arrays (structured-clone friendly); the shard memory travels as a shared WebAssembly.Memory
 * handle, so no gallery bytes are copied into a message.
 */

/**
 * A probe as the workers see it: columns of one template each (validated by the engine), with
 * the shard modality code and position (finger ISO position 1–10, iris side code; 0 = unknown:
 * compared with every template of that modality, best kept with a multiplicity correction).
 */
export interface ScanProbe {
  readonly modalities: readonly number[];
  readonly positions: readonly number[];
  readonly templates: readonly Uint8Array[];
}

export interface ScanTask {
  readonly memory: WebAssembly.Memory;
  /** Slots published when the engine dispatched the task: nothing past it is read. */
  readonly slotCount: number;
  /**
   * Exhaustive scans cover slots [slotFrom, slotTo) (default: the whole shard). A bound that
   * falls inside a subject's slots moves to that subject's end, so a subject split between two
   * tasks is scored by exactly one of them, whole.
   */
  readonly slotFrom?: number;
  readonly slotTo?: number;
  readonly probe: ScanProbe;
  /** Only these subjects, as (firstSlot, slotCount) pairs; absent = every subject in the shard. */
  readonly ranges?: Uint32Array;
  /** With ranges: per subject, the probe columns to compare (bit c = column c; default all). */
  readonly columnMasks?: Uint16Array;
  /**
   * With ranges: per subject × probe column (row-major), a calibrated score already known (an
   * earlier step compared it), used as is instead of comparing again; NaN = unknown.
   */
  readonly knownScores?: Float32Array;
  /**
   * With ranges and columnMasks: the re-scoring gate (GALLERY_PARAMS.prefilterGateScore) in the
   * same pass. A subject whose mask holds every column in `gateColumns` is scored on all columns;
   * the others are scored on their mask's columns first and, only if the fused score of those
   * reaches `gateScore`, on every other column too (the first scores kept, not recomputed).
   */
  readonly gate?: { readonly gateScore: number; readonly gateColumns: number };
  /**
   * Coarse-residency shards only, with ranges and columnMasks: the coarse gate
   * (GALLERY_PARAMS.coarseGatePassShare, in (0, 1)). Every subject is compared on its mask's
   * columns first; within each chunk of subjects, only this best share of them by that coarse sum
   * is compared on the other columns (the rest keep the sum of their first columns).
   */
  readonly coarsePassShare?: number;
  /** Fused score a subject needs to be returned. */
  readonly threshold: number;
  /** At most this many subjects, best first. */
  readonly k: number;
}

export interface ScanResult {
  /** Subject ordinals, best fused score first. */
  readonly subjects: Uint32Array;
  readonly fused: Float32Array;
  /** subjects.length × probe columns calibrated scores, row-major; NaN = that column not compared. */
  readonly perFinger: Float32Array;
  /** Full-matcher comparisons this task ran. */
  readonly comparisons: number;
  /** The worker's compute time for this task, ms (set by the pool worker; profiling). */
  readonly busyMs?: number;
  /** Of it, ms inside the comparison kernels (profiling). */
  readonly kernelMs: number;
}

/** One probe finger for the vector prefilter: its position (0 = any) and packed query (vector-quantise.ts). */
export interface VectorQuery {
  readonly position: number;
  readonly query: Uint8Array;
}

/**
 * Exact vector scan of slots [slotFrom, slotTo) (widened to whole subjects): every subject gets a
 * joint score, the sum over the queries of its finger's standardised similarity, and about
 * `keepShare` of the subjects (the best) are returned.
 */
export interface VectorScanTask {
  readonly kind: 'vectors';
  readonly memory: WebAssembly.Memory;
  readonly slotCount: number;
  readonly slotFrom: number;
  readonly slotTo: number;
  readonly queries: readonly VectorQuery[];
  /** Share of the range's subjects to keep (fraction); the worker keeps a margin above it. */
  readonly keepShare: number;
}

export interface VectorScanResult {
  /** Subject ordinals kept, best first not guaranteed. */
  readonly subjects: Uint32Array;
  /** Their joint scores: Σ over queries of (similarity − mean) / std, the statistics of this range. */
  readonly joint: Float32Array;
  /** Per kept subject, the index of the query whose finger scored the highest standardised similarity. */
  readonly bestQuery: Uint8Array;
  /** Per kept subject: its first slot and slot count in the shard (in slot order, like `subjects`). */
  readonly firstSlot: Uint32Array;
  readonly slotCount: Uint16Array;
  /** Subjects with at least one finger vector the queries could use. */
  readonly scanned: number;
  /** The worker's compute time for this task, ms (set by the pool worker; profiling). */
  readonly busyMs?: number;
}

/** Computes the missing prefilter vectors of finger slots [slotFrom, slotTo) in place (after a rebuild). */
export interface VectorizeTask {
  readonly kind: 'vectorize';
  readonly memory: WebAssembly.Memory;
  readonly slotFrom: number;
  readonly slotTo: number;
}

export type PoolTask = ScanTask | VectorScanTask | VectorizeTask;
