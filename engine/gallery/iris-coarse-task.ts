/**
 * The coarse iris pass as pool work (iris-coarse-index.ts builds the tasks, iris-coarse-scan.ts
 * runs them in a worker). Plain data and shared buffers only: no gallery bytes are copied into
 * a message.
 */

/** One probe eye: its template and the slot side it is compared with (1 right, 2 left, 0 both). */
export interface IrisCoarseProbe {
  readonly side: number;
  readonly template: Uint8Array;
}

/**
 * Rows [from, to) of one block of coarse rows: per subject, its right then its left coarse
 * entry (`entryBytes` each; a missing eye is all zeros: no usable bit, chance similarity).
 */
export interface IrisCoarseTask {
  readonly kind: 'iris-coarse';
  readonly rows: SharedArrayBuffer;
  /** Subject ordinal of each row (Int32; −1 = a removed row). */
  readonly ordinals: SharedArrayBuffer;
  readonly from: number;
  readonly to: number;
  readonly probes: readonly IrisCoarseProbe[];
  /** Share of the range's rows each probe eye keeps (its best coarse similarities). */
  readonly keepShare: number;
  /** A coarse similarity at or above this keeps the row whatever its rank. */
  readonly sureSimilarity: number;
}

export interface IrisCoarseResult {
  /** Ordinals of the rows kept. */
  readonly subjects: Int32Array;
  /** Rows compared (live rows of the range). */
  readonly scanned: number;
}
