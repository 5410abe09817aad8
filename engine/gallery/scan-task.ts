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
}

/** One probe finger for the vector prefilter: its position (0 = any) and int16 query. */
export interface VectorQuery {
  readonly position: number;
  readonly query: Int16Array;
}

/** Exact vector scan of slots [slotFrom, slotTo): per query, about the k most similar fingers. */
export interface VectorScanTask {
  readonly kind: 'vectors';
  readonly memory: WebAssembly.Memory;
  readonly slotCount: number;
  readonly slotFrom: number;
  readonly slotTo: number;
  readonly queries: readonly VectorQuery[];
  readonly k: number;
}

export interface VectorScanResult {
  /** Per query: subject ordinals of the kept fingers and their similarity (dot × gallery scale; common query factor left out). */
  readonly kept: readonly { readonly subjects: Uint32Array; readonly similarities: Float32Array }[];
}

/** Computes the missing prefilter vectors of finger slots [slotFrom, slotTo) in place (after a rebuild). */
export interface VectorizeTask {
  readonly kind: 'vectorize';
  readonly memory: WebAssembly.Memory;
  readonly slotFrom: number;
  readonly slotTo: number;
}

export type PoolTask = ScanTask | VectorScanTask | VectorizeTask;
