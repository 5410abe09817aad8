// Every tuning constant of the fingerprint matcher, with its unit. Distances are pixels at
// 500 dpi (the engine resamples other resolutions before templates are built), angles radians.
// Design: Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni, IEEE PAMI 2010), bit-packed
// cylinders, local-similarity-sort with relaxation (LSS-R) for global consolidation.

/** Largest number of minutiae a template keeps (the rest are dropped by the wrapper). */
export const MAX_MINUTIAE: i32 = 128;

// ---- cylinder geometry ----
/** Cylinder radius, px. */
export const CYLINDER_RADIUS: f32 = 70.0;
/** Spatial cells per side of the cylinder's bounding square (Ns). 12 keeps the ~112 in-circle
 *  cells inside one 128-bit word per direction: one SIMD word per direction layer. */
export const SPATIAL_CELLS_PER_SIDE: i32 = 12;
/** Directional layers (Nd). MCC uses 6; 5 measured as accurate on FVC2002 and saves a popcount
 *  word per cylinder pair. The similarity kernels are written out for 4–6 layers. */
export const DIRECTION_CELLS: i32 = 5;
/** 128-bit words per direction layer; must hold every in-circle cell (checked at start). The
 *  similarity kernels are written out for exactly one word (see similarity.ts). */
export const CELL_WORDS: i32 = 1;
/** Std. dev. of the spatial contribution of a neighbour, px (σS). */
export const SPATIAL_SIGMA: f32 = 28.0 / 3.0;
/** Std. dev. of the directional contribution, rad (σD). */
export const DIRECTION_SIGMA: f32 = 2.0 * <f32>Math.PI / 9.0;
/** A cell's bit is set when the summed contribution exceeds this (μψ, bit-based MCC). */
export const CELL_BIT_THRESHOLD: f32 = 0.01;
/** Cells farther than this from the minutiae's convex hull are invalid (Ω), px. */
export const HULL_MARGIN: f32 = 50.0;
/** A cylinder is kept when at least this share of its cells is valid (minVC). */
export const MIN_VALID_CELL_SHARE: f32 = 0.75;
/** ... and at least this many other minutiae lie within radius + 3σS (minM). */
export const MIN_CYLINDER_NEIGHBOURS: i32 = 2;

// ---- cylinder building speed-ups (the bits stay exactly those of the direct formulas) ----
// Cell sums are first added up from lookup tables; a sum that could fall on the other side of
// CELL_BIT_THRESHOLD than the direct formulas (f64 exp and erf, summed in neighbour order)
// would put it is recomputed with them. The table-built sums differ from the direct ones by at
// most 4.3e-7 on the FVC2002/U.are.U minutiae, 5.3e-6 with every coordinate moved by 15,000 px
// (the direct formulas' own f32 rounding grows with the coordinates): the margins keep ≥ 9×
// headroom there, and only ~0.6 % of cells (0.26 % of cell-layers) pay for the direct formulas.
/** Intervals of the directional-share table over a direction difference of [−π, π] (linear
 *  interpolation; step 2π/1024 rad keeps its error below 5e-6 of a share). */
export const DIRECTION_TABLE_STEPS: i32 = 1024;
/** Intervals of the spatial-contribution table over a squared distance of [0, (3σS)²]
 *  (linear interpolation; step ~0.77 px² keeps its relative error below 3e-6). */
export const SPATIAL_TABLE_STEPS: i32 = 1024;
/** A table-built cell sum within this of CELL_BIT_THRESHOLD is recomputed directly (same unit
 *  as the sums: share of one neighbour's full weight). */
export const CELL_SUM_MARGIN: f32 = 5.0e-5;
/** A neighbour whose squared distance to a cell is within this of (3σS)², px², may fall on the
 *  other side of the cut-off with the direct formulas' rounding (max seen 0.07 px² at 15,000 px
 *  coordinates, 0.002 px² on real ones): that cell is recomputed directly. */
export const REACH_BAND: f32 = 0.5;

// ---- local similarity ----
/** Two cylinders are comparable only if their directions differ by at most this, rad (δθ).
 *  MCC uses π/2; π/3 still admits 60° of rotation between captures (live-scan enrolment is
 *  guided far tighter) and measured both more accurate and faster on FVC2002. */
export const MAX_DIRECTION_DIFFERENCE: f32 = <f32>Math.PI / 3.0;
/** ... and at least this share of cells is valid in both (minME). */
export const MIN_MATCHABLE_CELL_SHARE: f32 = 0.6;

// ---- global consolidation (LSS-R) ----
/** Pairs taken into relaxation = min(na, nb), capped here to bound the quadratic stage (a
 *  multiple of 16: relaxation steps through 16 lanes at a time). */
export const MAX_RELAXATION_PAIRS: i32 = 32;
/** Relaxation iterations (nrel; MCC uses 5, 4 measured as accurate). */
export const RELAXATION_ITERATIONS: i32 = 4;
/** Weight of a pair's own previous similarity in each relaxation step (wR). */
export const RELAXATION_SELF_WEIGHT: f32 = 0.5;
// Compatibilities use a linear ramp with the logistic's centre and centre slope (τ/4),
// clamped to [0, 1]: branch-free and vectorisable, and it measured no less accurate.
/** Compatibility ramp for distance disagreement: centre px (μ1), slope 1/px (τ1). */
export const COMPAT_DISTANCE_MU: f32 = 5.0;
export const COMPAT_DISTANCE_TAU: f32 = -8.0 / 5.0;
/** Compatibility ramp for relative-direction disagreement: centre rad (μ2), slope 1/rad (τ2). */
export const COMPAT_DIRECTION_MU: f32 = <f32>Math.PI / 12.0;
export const COMPAT_DIRECTION_TAU: f32 = -30.0;
/** Compatibility ramp for radial-angle disagreement: centre rad (μ3), slope 1/rad (τ3). */
export const COMPAT_RADIAL_MU: f32 = <f32>Math.PI / 12.0;
export const COMPAT_RADIAL_TAU: f32 = -30.0;
/** Pairs averaged into the final score: minNP + round(Z(min(na,nb); μP, τP)·(maxNP − minNP)). */
export const MIN_SCORED_PAIRS: i32 = 4;
export const MAX_SCORED_PAIRS: i32 = 12;
export const SCORED_PAIRS_MU: f32 = 20.0;
export const SCORED_PAIRS_TAU: f32 = 0.4;
/** Local pairs below this similarity are never candidates for consolidation (they would not
 *  be among the top pairs of a mated comparison); dropping them keeps the selection cheap. */
export const MIN_LOCAL_SIMILARITY: f32 = 0.25;
