// Every tuning constant of the fingerprint extractor, with its unit. The kernel works at
// 500 dpi (the host resamples other resolutions first), where a ridge period is 8–12 px on
// adult fingers (≈ 0.4–0.6 mm); lengths tied to ridges are given in ridge periods, so they
// follow the local period the frequency stage measures.

// ---- input limits ----
/** Smallest side accepted, px: below about 6 ridge periods there is nothing to extract. */
export const MIN_SIDE: i32 = 64;
/** Largest side accepted, px (a 4 in × 4 in ten-print slap at 500 dpi). */
export const MAX_SIDE: i32 = 2048;
/** Largest image accepted, px (scratch memory is ≈ 17 bytes per pixel: 70 MB at the limit). */
export const MAX_PIXELS: i32 = 2048 * 2048;

// ---- blocks ----
/** Side of the blocks the mask, orientation and frequency are computed on, px (≈ 0.9 period). */
export const BLOCK: i32 = 8;
export const BLOCK_SHIFT: i32 = 3;

// ---- segmentation (mask.ts) ----
/** Smallest block contrast counted as finger, gray levels per px of gradient: a noise floor (8-bit quantisation alone gives ≈ 0.3; faint ridges still give ≥ 2). */
export const MASK_MIN_CONTRAST: f32 = 1.0;
/** Finger blocks have at least this share of the 90th-percentile block contrast. */
export const MASK_RELATIVE_CONTRAST: f32 = 0.2;
/** Smallest orientation coherence (0–1) over 3×3 blocks for a finger block: ridges are parallel, noise is not. */
export const MASK_MIN_COHERENCE: f32 = 0.15;
/** Majority-vote passes (3×3 blocks) that smooth the raw mask. */
export const MASK_SMOOTH_PASSES: i32 = 4;

// ---- orientation (orientation.ts) ----
/** Gaussian σ of the doubled-angle smoothing of the structure tensor, px (≈ 1.5 periods). */
export const ORIENT_SMOOTH_SIGMA_PX: f32 = 14.0;

// ---- ridge frequency (frequency.ts) ----
/** Length of the signature sampled across the ridges, px (≈ 4 periods). */
export const FREQ_SIGNATURE_PX: i32 = 40;
/** Half-width of the signature along the ridges, px: samples averaged per signature point. */
export const FREQ_ALONG_HALF_PX: i32 = 6;
/** The period is measured every this many blocks in x and y (16 px), then smoothed. */
export const FREQ_STEP_BLOCKS: i32 = 2;
/** Shortest and longest ridge period accepted, px (500 dpi physics: ≈ 0.25–0.75 mm). */
export const PERIOD_MIN: i32 = 5;
export const PERIOD_MAX: i32 = 15;
/** Period assumed when no block gives one, px (the adult mean at 500 dpi). */
export const PERIOD_DEFAULT: f32 = 9.0;
/** Smallest normalised autocorrelation at the period for a block's estimate to count (0–1). */
export const FREQ_MIN_CORRELATION: f32 = 0.25;
/** Gaussian σ of the smoothing of the period field, px: the period varies slowly over a finger. */
export const FREQ_SMOOTH_SIGMA_PX: f32 = 24.0;

// ---- contextual enhancement (gabor.ts) ----
/** Orientations of the Gabor bank (180° / 16 = 11.25° steps). */
export const GABOR_ORIENTATIONS: i32 = 16;
/** Filter radius, px: the kernel is (2R+1)² taps. */
export const GABOR_RADIUS: i32 = 8;
/** Envelope σ along the ridges, px: long enough to bridge pores and small breaks. */
export const GABOR_SIGMA_ALONG: f32 = 5.0;
/** Envelope σ across the ridges, px: about one ridge on each side (Hong, Wan & Jain 1998 use 4). */
export const GABOR_SIGMA_ACROSS: f32 = 4.0;

// ---- minutiae (minutiae.ts, filters.ts) ----
/** Most candidate minutiae kept from detection; more means a noise image. */
export const MAX_CANDIDATES: i32 = 1024;
/** Distance from the mask's edge (or the image's) under which minutiae are dropped, ridge periods. */
export const BORDER_PERIODS: f32 = 1.0;
/** Skeleton steps traced to measure a minutia's direction, ridge periods. */
export const DIRECTION_TRACE_PERIODS: f32 = 1.0;
/** A ridge from an ending to a bifurcation shorter than this is a spur, ridge periods. */
export const SPUR_PERIODS: f32 = 1.5;
/** A ridge between two endings shorter than this is a fragment (dot, short island), ridge periods. */
export const SHORT_RIDGE_PERIODS: f32 = 1.2;
/** Two bifurcations joined by less than this are a bridge or a small hole, ridge periods. */
export const BRIDGE_PERIODS: f32 = 1.2;
/** Two opposing endings closer than this are one broken ridge, ridge periods. */
export const BREAK_PERIODS: f32 = 1.8;
/** Angle tolerance for "opposing" endings and their gap lying along the ridge, radians (35°). */
export const BREAK_ANGLE_TOLERANCE: f32 = 0.61;
/** Two minutiae closer than this are noise (real ones are about a period apart), ridge periods. */
export const CLUSTER_PERIODS: f32 = 0.6;

// ---- quality (quality.ts) ----
/** Finger area at which the area term reaches 1 − 1/e, px at 500 dpi (≈ 10 × 10 mm). */
export const QUALITY_AREA_SCALE: f32 = 200.0 * 200.0;
/** Mean coherence scoring 0 and 1 in the clarity term. */
export const QUALITY_COHERENCE_FLOOR: f32 = 0.2;
export const QUALITY_COHERENCE_GOOD: f32 = 0.8;
/** Minutiae count at which the minutiae term reaches 1 − 1/e (12-point rule: 20 gives room for partial overlap). */
export const QUALITY_MINUTIAE_SCALE: f32 = 20.0;
