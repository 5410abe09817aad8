// Every constant of the coarse finger kernel (the first, in-RAM stage of the "coarse" finger
// residency: engine/finger-coarse.ts builds the form, engine/gallery ranks by it). Its scores only
// rank candidates for the full matcher, which alone gives the scores that are fused and decided on.

/** Coarse cells in a cylinder: the 12 × 12 MCC grid pooled 2 × 2 into 6 × 6, the 4 corners outside
 *  the radius dropped — one u32 per direction layer. */
export const COARSE_CELLS: i32 = 32;
/** Direction layers, as in the full kernel (matchers-wasm/finger/params.ts DIRECTION_CELLS). */
export const COARSE_LAYERS: i32 = 5;
/** Two cylinders are comparable only if their directions differ by at most this many 1/256 turns.
 *  32 = 45°, narrower than the full kernel's MAX_DIRECTION_DIFFERENCE (π/3, 43 steps): three
 *  quarters of the cylinder pairs, and the best nP pairs of a mate lie well inside 45° (a ranking
 *  stage: its best pairs are the point). Cross-check: bench/coarse-kernel.ts, the coarse EER per
 *  FVC2002 set, the real-pool coarse recall and the identify mates at 43 and 32 (docs/finger-tier.md
 *  "The kernel beside the earlier build"). */
export const COARSE_MAX_DIRECTION_STEPS: i32 = 32;
/** ... and at least this many coarse cells are valid in both (0.6 of 32: the full kernel's minME share). */
export const COARSE_MIN_COMMON_CELLS: i32 = 19;
/** Pairs averaged into the score: as the full kernel's rule (minNP + round(Z(min(na, nb); μP, τP)·(maxNP − minNP))). */
export const COARSE_MIN_SCORED_PAIRS: i32 = 4;
export const COARSE_MAX_SCORED_PAIRS: i32 = 12;
export const COARSE_SCORED_PAIRS_MU: f32 = 20.0;
export const COARSE_SCORED_PAIRS_TAU: f32 = 0.4;
