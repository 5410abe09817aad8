// Every tuning constant of the iris kernel, with its unit. Distances are image pixels (the
// kernel expects NIR eye images with an iris of roughly 55–140 px radius, as CASIA-V1's
// 320×280 images (≈ 100 px) and ISO 19794-6 K3 crops are), angles radians.
// "Measured" without more below means cross-session on the CASIA-V1 subset (20 eyes), the
// first data at hand; later choices name their protocol: the tuning halves (first half of the
// persons of CASIA-V1 and MMU1), checked on the second halves (docs/iris-sensors.md).
// Design: Daugman's pipeline (integro-differential boundaries, rubber sheet, quadrature
// log-Gabor phase, masked fractional Hamming distance with rotation search and bit-count
// normalisation).

// ---- input ----
/** Largest image side accepted, px (the host checks it too; the kernel's buffers are sized by it). */
export const MAX_IMAGE_SIDE: i32 = 1024;
/** Largest image area accepted, px. */
export const MAX_IMAGE_PIXELS: i32 = 1024 * 768;
/** Gray level at or above which a pixel is a specular reflection: left out of every boundary
 *  arc mean and masked in the code. */
export const SPECULAR_LEVEL: i32 = 245;

// ---- search ranges (search-ranges.ts), derived from each image, not from one database ----
// An eye image is framed around one eye: the iris is a sizeable share of the frame whatever
// the sensor. Shares below are of the image's shorter side ("short side", px).
// Cross-check: CASIA-V1 (320×280, pupils 25–60 px, irises 90–125 px) and MMU1 (320×240,
// pupils 12–30 px, irises 40–60 px) both lie inside every range; an ISO 19794-6 K3 crop
// (640×480, iris ≥ 80 px) too.
/** Pupil radius range, shares of the short side: 240 px → 7–60 px, 480 px → 14–120 px. */
export const PUPIL_MIN_RADIUS_SHARE: f32 = 0.03;
export const PUPIL_MAX_RADIUS_SHARE: f32 = 0.25;
/** Largest iris radius, share of the short side: the iris may fill the frame (a tight crop). */
export const IRIS_MAX_RADIUS_SHARE: f32 = 0.5;
/** Smallest iris radius, share of the short side: a frame made for one eye does not show an
 *  iris smaller than this (measured: MMU1 0.19–0.26, CASIA-V1 0.33–0.43; ISO/IEC 19794-6 K3
 *  crops ≥ 0.2). Without it the limbus search stopped at the collarette of small-pupil MMU1
 *  eyes (≈ 30–35 px at 240 px, 2 % of the images). */
export const IRIS_MIN_RADIUS_SHARE: f32 = 0.15;
/** Smallest radius searched for either boundary, px, whatever the image size. */
export const MIN_BOUNDARY_RADIUS: i32 = 5;

// ---- reflections (reflections.ts) ----
/** Specular pixels (≥ SPECULAR_LEVEL) are grown by this many px: a reflection's halo is
 *  bright too but below saturation, and would bias the boundary arcs (MMU1 keeps its
 *  reflections, often on the pupil boundary; CASIA-V1 has none). */
export const SPECULAR_GROW: i32 = 2;

// ---- pupil (pupil.ts) ----
/** The seed box's half-side is this share of the smallest pupil radius searched (0.7 ≈ the
 *  inscribed square), so a box fits inside any pupil; eyelashes are thinner than it. */
export const PUPIL_SEED_BOX_SHARE: f32 = 0.7;
/** A box's mean counts only when at least this share of it is not specular (0–1). */
export const PUPIL_SEED_MIN_VALID: f32 = 0.5;
/** Dark candidates tried (darkest boxes at least a largest-pupil radius apart): the darkest
 *  box can sit on a lash cluster, a glasses frame or an image corner; the candidate whose
 *  circle edge is strongest wins. */
export const PUPIL_CANDIDATES: i32 = 4;
/** The pupil blob: pixels connected to the seed whose gray is at most the seed box's mean +
 *  max(PUPIL_DARK_MARGIN, PUPIL_DARK_SHARE × (image median − seed mean)), gray levels: a
 *  fixed margin for noise, a share of the image's contrast for dim pupils (glasses, weak
 *  illumination). Its centroid and area give the circle search's centre and radius guess. */
export const PUPIL_DARK_MARGIN: i32 = 18;
export const PUPIL_DARK_SHARE: f32 = 0.25;
/** The gray just inside a pupil edge (the arc 1 px inside its derivative span) is at most the
 *  darkest box's mean + max(PUPIL_DARK_MARGIN, PUPIL_INNER_SHARE × (image median − that mean)):
 *  a circle around pupil and a dark iris has iris inside its edge (MMU1 fional, liujwr), and a
 *  candidate seeded in bright skin must not get a bar of its own. */
export const PUPIL_INNER_SHARE: f32 = 0.15;
/** The refined pupil centre is searched within this share of the blob's radius (at least
 *  PUPIL_CENTRE_MIN px) of the blob centroid: lashes joined to the blob shift it. */
export const PUPIL_CENTRE_SHARE: f32 = 0.35;
export const PUPIL_CENTRE_MIN: i32 = 3;
/** Radii searched: from the smallest pupil radius to this share of the blob's equivalent
 *  radius (+2 px): lashes and a reflection on the boundary make the blob larger or smaller than
 *  the pupil, and a dark iris joins it (MMU1: blob = pupil + iris on 2 % of the images), so the
 *  blob is only an upper bound. */
export const PUPIL_RADIUS_HIGH_SHARE: f32 = 1.6;
/** Samples on each circle of the pupil search (full circle). */
export const PUPIL_ARC_SAMPLES: i32 = 64;
/** The pupil edge is the innermost rising edge at least this share of the strongest around
 *  the centre: the limbus (pupil → iris → sclera) can be the stronger edge on dark irises
 *  (MMU1), and the pupil edge is the first one out of the dark. */
export const PUPIL_FIRST_EDGE_SHARE: f32 = 0.5;
/** Pupil refinement (pupil-refine.ts): rounds of a re-search around the circle found, centres
 *  within PUPIL_REFINE_CENTRE_SHARE of its radius, radii from RADIUS_LOW to RADIUS_HIGH times
 *  it; a round keeps a circle only when its edge × rising share² beats the one before, so
 *  right circles stay. Why: on MMU1 the seed's blob covered part of pupils with a reflection
 *  on their edge, giving 7–10 px circles off-centre in 14–19 px pupils (bench/iris-overlay.ts).
 *  Motivated by check-half eyes (stated exception); tuning halves unchanged (0.00 % + 3.26 %,
 *  FNMR 0/120, 24/460; MMU1 FTE 1 → 0 of 230), check halves MMU1 EER 6.14 → 3.86 %, FNMR at
 *  FMR 0.1 % 39 → 26 of 440, CASIA-V1 unchanged (1.67 %). Shares not tuned. */
export const PUPIL_REFINE_ROUNDS: i32 = 2;
export const PUPIL_REFINE_CENTRE_SHARE: f32 = 0.6;
export const PUPIL_REFINE_RADIUS_LOW: f32 = 0.7;
export const PUPIL_REFINE_RADIUS_HIGH: f32 = 2.0;

// ---- iris (limbus) ----
/** Largest and smallest pupil/iris radius ratio: the iris is searched between
 *  pupil/MAX_PUPIL_IRIS_RATIO and pupil/MIN_PUPIL_IRIS_RATIO. The collarette (the inner iris
 *  ring's edge) sits at a ratio of 0.70–0.75 and is often a stronger first edge than the
 *  limbus: at 0.75 the concentric pass took it on 19 of 140 CASIA-V1 images. Real ratios
 *  measured: CASIA-V1 0.33–0.48, MMU1 0.3–0.5 (NIR enrolment light keeps pupils small). */
export const MAX_PUPIL_IRIS_RATIO: f32 = 0.62;
export const MIN_PUPIL_IRIS_RATIO: f32 = 0.15;
/** Smallest iris ring width (iris radius − pupil radius), px. */
export const IRIS_MIN_RING: i32 = 8;
/** The iris centre is searched within this share of the iris-radius estimate (at least
 *  IRIS_CENTRE_MIN px) of the pupil centre (the two circles are not concentric), at a step of
 *  2 px and then refined at 1 px: ±3 px on MMU1 (iris ≈ 55 px), ±5 px on CASIA-V1 (≈ 105 px;
 *  its former hand-set value was ±6). Chosen on the tuning halves (first half of the persons of
 *  both sets; sum of EERs): 0.05 → 0.32 % + 5.87 %; 0.06 with an even grid → 0.83 % + 5.87 %;
 *  0.08 let the lateral arcs (weak vertically) drift 7–9 px on 20 of 140 CASIA-V1 images. */
export const IRIS_CENTRE_SHARE: f32 = 0.05;
export const IRIS_CENTRE_MIN: i32 = 3;
/** Pass 2 radii from (1 − IN) to (1 + OUT) × the concentric estimate. The estimate errs
 *  inwards (the first-edge rule can stop at an inner iris edge), so the range reaches further
 *  out. Tuning halves (sum of EERs): ±0.15 → 0.32 % + 5.87 %, the whole range → 0.83 % + 6.96 %;
 *  −0.15/+0.25 → see the report; on the check half ±0.15 missed 2 of 70 CASIA-V1 limbi by 10 %. */
export const IRIS_RADIUS_REFINE_IN: f32 = 0.15;
export const IRIS_RADIUS_REFINE_OUT: f32 = 0.25;
/** The limbus is searched on two lateral arcs only, where eyelids rarely reach: from
 *  IRIS_ARC_UP above horizontal to IRIS_ARC_DOWN below it, rad (upper lashes reach lower than
 *  the lower lid reaches up), with this many samples per arc. */
export const IRIS_ARC_UP: f32 = 0.3;
export const IRIS_ARC_DOWN: f32 = 0.5;
export const IRIS_ARC_SAMPLES: i32 = 32;
/** Radial derivative span, px: the edge strength at r is Σ m[r+1..r+span] − Σ m[r−span..r−1].
 *  The pupil edge is sharp; the limbus is a soft ramp, and a wider span favours it over thin
 *  sharp features (lashes, lid creases). */
export const PUPIL_EDGE_SPAN: i32 = 2;
export const IRIS_EDGE_SPAN: i32 = 4;
/** The limbus is the innermost rising edge (a local maximum) at least this share of the
 *  strongest on the arcs: outside the iris, lid corners and skin creases can rise more.
 *  Measured EER: 1.0 (the strongest edge) 3.3 %, 0.8 3.3 %, 0.6 2.1 %, 0.45 0.5 %, 0.35 0.4 %. */
// Tuning halves of both sets: 0.6 → 0.83 % + 6.52 % EER against 0.32 % + 5.71 % at 0.45.
export const IRIS_FIRST_EDGE_SHARE: f32 = 0.45;
/** Two-sided limbus check (limbus.ts): the search is run again scoring each radius by the
 *  weaker lateral arc's jump (both sides must rise); when its radius differs from the pooled
 *  search's by more than IRIS_SIDES_DISAGREE_SHARE of the pooled radius, it replaces it, unless
 *  it is below MIN_IRIS_RADIUS_PX (an answer that would fail to enrol: the pooled one stays).
 *  Why: on MMU1 a strong edge on one side only (lid skin of a narrowed eye, a lash tuft, the eye
 *  corner) pulled the pooled radius off (36_left: 92 px and 43 px for a ≈ 55 px iris); the
 *  two-sided score alone is noisier (half the samples per side), so it only overrules a clear
 *  disagreement. Figures: docs/iris-sensors.md, "Sixth pass". */
export const IRIS_TWO_SIDED: bool = true;
/** Share of the pooled radius (0–1) beyond which the two radii disagree: 3 % ≈ 2 px on MMU1's
 *  ≈ 55 px irises, 3 px on CASIA-V1's ≈ 105 px. Tuning halves (EER CASIA-V1 + MMU1, FNMR at FMR
 *  0.1 % in pairs of 120 / 460): 0 (always two-sided) 0.00 + 3.26 % (0, 20); 0.02 0.00 + 2.61 %
 *  (0, 18); **0.03** 0.00 + 2.61 % (0, 18); 0.04 0.00 + 2.90 % (0, 18); 0.05 0.00 + 3.04 % (0, 19);
 *  0.10 0.00 + 3.04 % (0, 20); pooled only 0.00 + 3.04 % (0, 20). Check halves, 0.03 against
 *  0.05: CASIA-V1 0.09 % both (1/120 both), MMU1 2.95 % both, FNMR 20 against 21 of 440. Always
 *  two-sided is worse: where both searches find the limbus, the pooled one has twice the samples. */
export const IRIS_SIDES_DISAGREE_SHARE: f32 = 0.03;

// ---- rubber sheet ----
/** Normalised iris: radial samples from pupil to limbus × angular samples around. */
export const NORM_RADIAL: i32 = 32;
export const NORM_ANGULAR: i32 = 256;
/** Shares of the ring skipped at the pupil and limbus edges (boundary blur, fit error). */
/** Tuning halves (first half of the persons of CASIA-V1 + MMU1, EER): outer 0.08 → 0.32 % +
 *  5.71 %, 0.15 → 0.05 % + 5.22 % (the limbus is a soft ramp on MMU1 and lids reach it first);
 *  inner 0.10 → 0.83 % + 7.17 %. */
export const NORM_INNER_MARGIN: f32 = 0.04;
// Log-Gabor (window 0.3): outer 0.2 → 0.09 % + 4.56 % against 0.00 % + 4.35 % at 0.15.
// With the eyelid curves (the lid beyond its curve masked, not the limbus's rim), tuning halves:
// 0.10 → 0.05 % + 2.61 % (FNMR at FMR 0.1 % 0/120, 19/460) against 0.00 % + 2.82 % (0, 20) at 0.15.
export const NORM_OUTER_MARGIN: f32 = 0.1;

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
// Log-Gabor, window 0.4, tuning halves (EER CASIA-V1 + MMU1): 2.5 → 0.00 % + 4.13 %, 3 → 0.05 % + 3.91 %.
export const OCCLUSION_DARK_SPREADS: f32 = 3.0;
/** In the upper and lower sectors (within this angle of vertical, rad) an eyelid covers the
 *  ring from the limbus inwards: from the first run of LID_RUN occluded samples (counting
 *  from the pupil) everything outwards is masked. */
export const LID_SECTOR_HALF_ANGLE: f32 = 1.0;
// Log-Gabor, window 0.5, tuning halves (EER CASIA-V1 + MMU1): 3 → 0.32 % + 3.48 %, 4 → 0.05 % + 3.48 %.
// With the eyelid curves (eyelids.ts), tuning halves (EER CASIA-V1 + MMU1): rule off (0) → 0.00 % + 2.82 %
// (FNMR at FMR 0.1 %: 0/120, 20/460); the MMU1 all-pairs genuine pairs under 30: 44 off, 49 on.
export const LID_RUN: i32 = 0; // 0 = off. Before the eyelid curves, measured EER: 2 → 5.0 %, 4 → 3.3 %, off → 2.9 % (before IRIS_FIRST_EDGE_SHARE)

// ---- eyelid curves (eyelids.ts) ----
/** On: each lid is fitted as a parabola in the image and the iris beyond it masked.
 *  Tuning halves (first half of the persons; EER CASIA-V1 + MMU1, FNMR at FMR 0.1 % in pairs),
 *  with the pupil refinement: off (per-column rule LID_RUN 4) 0.00 % + 3.26 % (0/120, 24/460);
 *  on, per-column rule off 0.00 % + 2.82 % (0, 20); on with the rule 0.00 % + 3.26 % (0, 24).
 *  Other settings below each tried alone against the kept set (docs/iris-sensors.md). */
export const LID_CURVE: bool = true;
/** Lid apex searched within this share of the iris radius of the iris centre, sideways
 *  (0.5 → CASIA-V1 EER 1.67 %, 2 of 120 pairs over FMR 0.1 %, against 0.00 %). */
export const LID_APEX_SHIFT_SHARE: f32 = 0.3;
/** Curvatures tried: lid radii of 1.5, 2.5, 3.5 … iris radii (LID_CURVATURES of them). */
export const LID_CURVATURES: i32 = 3;
/** Points along a lid curve, spread over ±LID_WIDTH_SHARE iris radii of the iris centre
 *  (0.6 → 0.00 % + 2.83 % against 0.00 % + 2.82 %). */
export const LID_SAMPLES: i32 = 32;
export const LID_WIDTH_SHARE: f32 = 0.8;
/** A lid is kept when its skin-to-iris step (gray levels, IRIS_EDGE_SPAN px each side) is at
 *  least this share of the limbus's edge: otherwise no lid crosses the iris (0.7: unchanged). */
export const LID_MIN_EDGE_SHARE: f32 = 0.5;
/** The lid is the innermost step (nearest the pupil) of at least this share of the strongest
 *  along the lid's search rows (1 = the strongest). Why one might want less: MMU1's lid margin
 *  is a ramp (lashes, lid rim, skin) and the strongest step can lie 10–15 px beyond the iris's
 *  end. Measured: 0.5 → 2.50 % + 2.61 % (CASIA-V1 FTE 1/70: texture steps taken for lids),
 *  0.3 worse on MMU1 all pairs; 1.0 → 0.00 % + 2.82 %. */
export const LID_FIRST_EDGE_SHARE: f32 = 1.0;
/** Masked beyond the curve, towards the pupil: the lid margin and its lash roots, iris radii
 *  (0 → 0.00 % + 2.83 %, 0.10 → 0.00 % + 3.04 %, against 0.00 % + 2.82 % at 0.05). */
export const LID_MARGIN_SHARE: f32 = 0.05;
/** Band under the upper lid where lashes hang (iris radii), and its lash-dark threshold:
 *  samples darker than median − LASH_DARK_SPREADS × spread there are masked (0 = off). Off:
 *  1.5 made MMU1 worse (all pairs, genuine pairs under 30: 64 against 53, dark crypts masked
 *  with the lashes), 2.0 → 0.00 % + 2.83 % (19/460) against 0.00 % + 2.82 % (20/460). */
export const LASH_BAND_SHARE: f32 = 0.3;
export const LASH_DARK_SPREADS: f32 = 0.0;

// ---- eyelashes as thin dark lines (lashes.ts) ----
/** On: in the band under the upper lid, samples darker by LASH_LINE_SPREADS ring spreads than
 *  both image points ±reach px away in some direction (horizontal, vertical, diagonals) are
 *  lash and masked, grown by LASH_LINE_GROW sheet samples. Why the width test: a lash is
 *  thin (≈ 0.1–0.15 mm against a ≈ 6 mm iris radius, 1–2 px here plus blur); a crypt is a dark
 *  patch several px wide, so its own sides are dark too and it is kept (the plain dark threshold
 *  LASH_DARK_SPREADS above masked both and made MMU1 worse).
 *  Tuning halves (EER CASIA-V1 + MMU1 first halves, FNMR at FMR 0.1 % in pairs of 120 / 460;
 *  `node --import tsx bench/iris-kernels.ts --parts first`, docs/iris-sensors.md "Seventh pass"):
 *  off (main at 410f5c6) 0.00 + 2.61 % (0, 18); band 0.3 0.00 + 2.47 (0, 18); 0.4 0.00 + 2.43
 *  (0, 17); **0.5** 0.00 + 2.39 (0, 17); 0.7 0.00 + 2.61 (0, 18); 1.0 0.00 + 2.61 (0, 18); the whole
 *  ring (2.5) 0.00 + 3.26 (0, 19, FTE 1/230). All within two MMU1 genuine pairs of off: the
 *  stage is kept for its reason (lashes and crypts told apart, test/iris-lashes.test.ts), not
 *  for a gain the halves can show. Check halves: the "Seventh pass" section. */
export const LASH_LINE: bool = true;
/** Depth of the band under the upper lid's curve (or the iris's top), iris radii. */
export const LASH_LINE_BAND_SHARE: f32 = 0.5;
/** Reach across a lash: max(PX, SHARE × iris radius), px — just beyond a blurred lash's
 *  half-width (MMU1 2 px, CASIA-V1 ≈ 2 px). Band 0.3, reach 3 px: 0.00 + 3.26 (0, 19, FTE
 *  1/230); band 0.5, share 0.03: 0.00 + 2.39 (0, 17), the same as 0.02. */
export const LASH_LINE_REACH_PX: f32 = 2.0;
export const LASH_LINE_REACH_SHARE: f32 = 0.02;
/** Darker than both sides by more than this many ring spreads (occlusion.ts ringSpread).
 *  Band 0.5: 1.25 → 0.00 + 3.04 (0, 19, FTE 1/230), 1.75 → 0.00 + 2.61 (0, 17); band 0.3: 1.0 →
 *  0.00 + 2.83 (0, 19, FTE 1/230), 2.0 → 0.00 + 2.64 (0, 19). */
export const LASH_LINE_SPREADS: f32 = 1.5;
/** Sheet samples grown around each lash sample (rows and columns). 0 → 0.00 + 2.61 (0, 18) at band 0.3 and 0.5. */
export const LASH_LINE_GROW: i32 = 1;

// ---- bright islands (bright-islands.ts; issue 14, tenth pass, helper iris10) ----
/** On: a bright sample (beyond OCCLUSION_BRIGHT_SPREADS) stays masked only when connected to
 *  the sheet's outermost row through occluded samples (bright, saturated, beyond a lid curve):
 *  lid skin and sclera enter the ring from outside, a bright patch enclosed by iris is lighter
 *  iris. Why: the mask audit (bench/iris-mask-audit.ts, tuning halves) put MMU1's bright-masked
 *  bits below the pupil back and found them disagreeing between captures of an eye at HD 0.254,
 *  as the bits kept do (0.252; impostors 0.490): good iris thrown away (CASIA-V1: 0.5 % of the
 *  sheet bright-masked, no effect either way).
 *  Tuning halves (`bench/iris-kernels.ts --parts first`; EER CASIA-V1 + MMU1, FNMR at FMR 0.1 %
 *  in pairs of 120 / 460): off (main) 0.00 + 2.39 % (0, 17); **on** 0.00 + 2.39 % (0, 16); on
 *  with the bright bar at 4 / 5 spreads 0.00 + 3.04 (0, 18) / 0.00 + 2.61 (0, 17); off with the
 *  bar at 5 / 6 0.00 + 2.61 (0, 16) / 0.00 + 2.61 (0, 17); flood seeded only by outer-row
 *  samples beyond 5 / 8 spreads or a lid 0.00 + 2.39 (0, 17 / 16 / 16); every bright sample
 *  below the pupil released too 0.00 + 2.61 (0, 15). Check halves: CASIA-V1 0.05 % both
 *  (0/120 both); MMU1 2.95 → 2.04 % (20 → 15 of 440); docs/iris-sensors.md "Tenth pass". */
export const BRIGHT_ISLANDS: bool = true;

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
// Tuning halves of both sets (EER CASIA-V1 + MMU1): wavelength 12 → 0.19 % + 6.16 %, 16 →
// 0.32 % + 5.87 %, 20 → 0.88 % + 6.09 % (impostors ≥ 30: 0.56 % and 0.98 %).
export const GABOR_WAVELENGTH_0: f32 = 16.0;
export const GABOR_WAVELENGTH_1: f32 = 32.0;
export const GABOR_SIGMA_SHARE: f32 = 0.5;
/** Log-Gabor filters (gabor.ts initLogGabors) instead of Gabor ones, peak at the same
 *  wavelength: bandwidth = σ/f of the Gaussian on log frequency (0.55 ≈ two octaves), and the
 *  kernel is cut where its magnitude falls below LOG_GABOR_TAIL of its peak. A Gabor pair
 *  leaks low frequencies (illumination, the lid shadow's slope) into the even bit unless made
 *  zero-mean, and covers the faint high frequencies of MMU1 texture poorly; a log-Gabor has no
 *  DC and a long high-frequency tail.
 *  Tuning halves (first half of the persons; EER CASIA-V1 + MMU1, FNMR at FMR 0.1 % in pairs),
 *  `node --import tsx bench/iris-kernels.ts --parts first`, the other constants as before:
 *  Gabor λ 16 0.05 % + 5.22 % (0/120, 59/460); log-Gabor λ 16: bandwidth 0.45 0.09 + 4.35,
 *  0.5 0.00 + 4.35 (0, 30), 0.55 0.00 + 4.35 (0, 31), 0.65 0.00 + 5.00; bandwidth 0.55 at λ 12
 *  0.09 + 4.13 (2/120 on CASIA-V1), λ 20 0.00 + 4.78. Two log-Gabor scales (GABOR_SCALES 2:
 *  1,040-byte templates) gave no EER gain: λ 16 + 32 0.00 + 4.78, λ 12 + 24 0.00 + 4.56
 *  (25/460). With the window share 0.5 and no detrend below: bandwidth 0.5 0.00 + 3.26 (0,
 *  24/460) against 0.55 0.05 + 3.48 — the set kept.
 *  Check halves, whole change (log-Gabor, window 0.5, no detrend) against the Gabor kernel:
 *  CASIA-V1 EER 0.97 → 1.67 % (one genuine pair of 120 more), FNMR 4/120 → 5/120; MMU1 EER
 *  8.86 → 6.14 %, FNMR 60/440 → 39/440, FTE 1/220 → 0/220 (docs/iris-sensors.md). */
export const LOG_GABOR: bool = true;
export const LOG_GABOR_BANDWIDTH: f32 = 0.5;
export const LOG_GABOR_TAIL: f32 = 0.01;
/** Each band loses its weighted Gaussian smooth of this σ (normalised samples, 0 = off) before
 *  filtering: illumination trends around the ring, common to every eye of a sensor. */
// Gabor filters, tuning halves (EER CASIA-V1 + MMU1): 12 → 0.32 % + 5.87 %, off → 0.83 % + 5.65 %.
// Log-Gabor filters (no DC, little low-frequency response) need it no more: 12 → 0.00 % +
// 4.35 % (FNMR at FMR 0.1 %: 31/460), off → 0.00 % + 4.35 % (29/460); window share 0.4: 12 →
// 0.05 % + 3.91 %, off → 0.00 % + 3.91 %. Off: the simpler pipeline.
export const BAND_DETREND_SIGMA: f32 = 0.0;
/** A code position is masked when more than this share of its filter window (weighted by the
 *  filter's envelope: the Gaussian of a Gabor, the magnitude of a log-Gabor) is occluded.
 *  Gabor, CASIA-V1 only: 0.5 → EER 1.25 %, 0.3 → 0.5 %. Log-Gabor, tuning halves (EER CASIA-V1
 *  + MMU1): 0.3 → 0.00 % + 4.35 %, 0.4 → 0.05 % + 3.91 %; without detrend 0.45 → 0.05 % +
 *  3.91 %, 0.5 → 0.05 % + 3.48 % (MMU1 FTE 1/230 against 3/230 at 0.3), 0.6 → 0.14 % + 3.12 %
 *  (CASIA-V1 FNMR at FMR 0.1 % 2/120 against 0/120). The log-Gabor's window is wider than its
 *  centre lobe, so half of it occluded still leaves the centre's phase. */
export const MAX_MASKED_WINDOW_SHARE: f32 = 0.5;
/** "Fragile bits" (Hollingsworth et al. 2009): a phase bit whose filter response magnitude is
 *  below this share of the row's mean magnitude flips easily between captures and is masked.
 *  Off: 0.25 measured EER 3.3 % against 0.5 % (and two failures to enrol). */
// Tuning halves of both sets: 0.2 → 0.23 % + 6.10 % EER (base 0.32 % + 5.87 %), impostors ≥ 20 twice the target.
// Log-Gabor (window 0.3): 0.15 → 0.05 % + 4.56 % against 0.00 % + 4.35 % off.
export const FRAGILE_SHARE: f32 = 0.0;

// ---- quality (quality.ts: ISO/IEC 29794-6 measures) ----
/** Angles sampled for the circularity and sclera measures. */
export const QUALITY_ANGLES: i32 = 64;
/** The sclera beside the iris: radii between these shares of the iris radius (outside the
 *  limbus ramp, inside the eye corners on both sets). */
export const SCLERA_INNER_SHARE: f32 = 1.1;
export const SCLERA_OUTER_SHARE: f32 = 1.3;
/** The pupil's gray: the disc within this share of its radius (its edge blur left out). */
export const PUPIL_CORE_SHARE: f32 = 0.8;
/** Circularity: the edge radius per angle is searched within this share of the pupil radius. */
export const CIRCULARITY_SEARCH_SHARE: f32 = 0.25;

/** Failure to enrol below this share of usable code bits (0–1). */
export const MIN_USABLE_SHARE: f32 = 0.4;
/** Failure to enrol below this focus measure (sharpness.ts, % of mean gray). Measured on the
 *  140 CASIA-V1 images: originals 6.7–17.8 (median 9.1); after a 3×3 box blur median 3.7,
 *  5×5 2.0, 7×7 1.4. The bar sits far below every real capture (sensors and resolutions we
 *  have not seen may differ) and rejects only texture-free, heavily defocused images. */
export const MIN_SHARPNESS: f32 = 1.5;
/** Failure to enrol below this iris–pupil contrast (quality.ts, %). Measured: CASIA-V1 42–59,
 *  MMU1 p5 39, p1 15 — the images below 20 are wrong pupils (a lash cluster, an eye corner)
 *  whose codes then match strangers: no template beats a false one. */
export const MIN_IRIS_PUPIL_CONTRAST: f32 = 20.0;
/** Failure to enrol below this iris radius, px: too few samples for the code's 128 angles.
 *  ISO/IEC 29794-6 calls 50–80 px radius marginal; measured CASIA-V1 92–120, MMU1 p5 51, the
 *  few below 40 (15–19 px) are wrong segmentations. */
export const MIN_IRIS_RADIUS_PX: f32 = 40.0;

// ---- matching ----
/** Rotation search: codes are compared at −MAX_SHIFT … +MAX_SHIFT angular positions. */
// Tuning halves of both sets: ±20 → 0.32 % + 6.30 % EER against 0.32 % + 5.87 % at ±15.
// Log-Gabor (window 0.4): ±12 → 0.05 % + 4.56 % against 0.05 % + 3.91 % at ±15.
export const MAX_SHIFT: i32 = 15;
/** Local deformation tolerance, code positions (0 = a rigid rotation search only). After the
 *  rotation search, the ring is cut in two halves, each of which takes its own shift within
 *  ±LOCAL_SHIFT_RANGE positions of the best rotation (the one whose agreements minus
 *  disagreements are the most); the distance is the mean of the normalised distances of two such
 *  cuts, upper/lower and left/right (hamming.ts). Why: the rubber sheet is rigid, but off-axis
 *  gaze, a pupil dilated differently or a boundary a few px off stretch the ring unevenly, so
 *  the two halves of a genuine code line up at different rotations; two cuts averaged, so no
 *  single boundary angle decides. Range 3 positions = 8.4°.
 *  Chosen on the tuning halves (scores recomputed from the templates of main's build, a scratch
 *  script reproducing the bench; EER CASIA-V1 + MMU1 first halves, FNMR at FMR 0.1 % in pairs
 *  of 120 / 460): rigid 0.00 + 2.39 % (0, 17); halves ±1 0.00 + 2.17 (0, 15); ±2 0.00 + 1.96
 *  (0, 14); **±3 0.00 + 1.74 (0, 13)**; ±4 / ±5 0.00 + 1.74 (0, 13 / 12); one cut only 1.74–2.83
 *  by where it lies; quarters ±2 (four cuts) 0.00 + 1.80 (0, 13) with 8× the impostors ≥ 20
 *  before refitting; eighths ±1 0.00 + 2.17 (0, 16); every 8 positions its own shift (a sliding
 *  window of 16–64 positions) 1.96–2.61; each quarter also its own radial offset of ±1 code
 *  row 0.00 + 2.39 (0, 20); the whole code offset ±1 row 0.00 + 2.61 (0, 21); the worst of 8 or
 *  16 sectors dropped 0.00 + 2.61–2.83. Check halves, ±3 against rigid (calibration refitted):
 *  CASIA-V1 0.00 % (0/120) against 0.05 % (0/120); MMU1 2.50 % (21/440) against 2.95 % (20/440).
 *  The coarse 1:N pass (coarse.ts) applies the same tolerance to its four words (quadrants).
 *  docs/iris-sensors.md, "Ninth pass". */
export const LOCAL_SHIFT_RANGE: i32 = 3;
/** Daugman's bit-count normalisation: HDnorm = 0.5 − (0.5 − HD)·√(n / NORM_BITS), where n
 *  is the number of bits compared; NORM_BITS is a typical n (the median over session-1 pairs of
 *  the CASIA-V1 subset is 1,262, 10–90 % 986–1,532). The constant only scales 0.5 − HDnorm,
 *  so it moves the raw scale (refit the calibration) but never the order of scores. */
export const NORM_BITS: f32 = 1400.0;
/** Degrees of freedom of a code (code-freedom.ts): bit correlations are measured up to
 *  DOF_ANGLE_LAGS code positions along the ring (the log-Gabor's centre lobe spans ≈ 8) and
 *  DOF_BIT_LAGS bit rows (phase and band neighbours), a lag counting only with at least
 *  DOF_MIN_LAG_BITS usable bit pairs; DOF_REFERENCE is a typical s = 1 + 2 Σ ρ² (median per
 *  template: CASIA-V1 2.62, MMU1 3.28), so a typical code keeps weight ≈ 1. It only scales the
 *  raw scale (the calibration absorbs it), never the order within one pair of templates.
 *  Why: with bit counts alone (Daugman's normalisation) one calibration fitted on both sensors
 *  put MMU1's unseen persons at 2.00 % / 0.27 % of impostors ≥ 20 / ≥ 30 and CASIA-V1's
 *  cross-session impostors at 0.26 % / 0.00 % (targets 1 % / 0.1 %).
 *  Lags chosen on the tuning halves (calibration fitted on CASIA-V1 session 1 + MMU1 first
 *  half; EER CASIA-V1 + MMU1 first halves, FNMR at FMR 0.1 % in pairs of 120 / 460), with the
 *  per-set check on pairs not fitted on (CASIA-V1 cross-session, MMU1 second half), ≥ 20 / ≥ 30:
 *  off 0.05 % + 2.61 % (0, 19), check 0.26/0.00 % and 2.00/0.27 %; lags 4 × 2: 0.05 + 2.83 (0,
 *  19), 0.66/0.07 and 1.36/0.20; 6 × 3: 0.00 + 2.83 (0, 19), 0.77/0.07 and 1.27/0.16; 8 × 4
 *  (kept): 0.00 + 3.04 (0, 20), 0.94/0.09 and 1.16/0.14; 12 × 4: 0.00 + 3.26 (0, 21),
 *  0.99/0.09 and 1.15/0.14. Half the correction (weights^½) for 8 × 4: 0.05 + 2.83 (0, 19),
 *  0.50/0.02 and 1.52/0.19. Dividing by each comparison's own spread over the 31 rotations
 *  instead (no template field) calibrated as well (0.83/0.07, 0.93/0.08) but cost accuracy:
 *  1.85 + 5.00 (8, 199). Check halves with 8 × 4: CASIA-V1 0.83 % (2/120; off 0.83 %, 3/120),
 *  MMU1 3.41 % (23/440; off 3.64 %, 22/440). */
export const DOF_ANGLE_LAGS: i32 = 8;
export const DOF_BIT_LAGS: i32 = 4;
export const DOF_MIN_LAG_BITS: i32 = 64;
export const DOF_REFERENCE: f32 = 3.0;
/** Fewer bits compared than this is no evidence: the comparison scores HD 0.5. */
export const MIN_COMPARED_BITS: i32 = 128;

// ---- coarse first pass of 1:N (coarse.ts; engine/gallery/iris-coarse-*.ts) ----
// A cheaper comparison than the full rotation search, used to rank a large gallery before the
// full search re-scores the best share. Measured with `node --import tsx
// bench/identify-iris-coarse-fit.ts` (rank of each real genuine pair's coarse similarity among
// the probe's impostors, per half of the persons of MMU1 and the CASIA-V1 subset).
/** Code angles kept in the gallery's coarse code: every COARSE_ANGLE_STEP-th of the 128; all
 *  bands (COARSE_FIRST_ROW 0, stride 1): 512 bits + mask = 128 bytes. Compared at the same
 *  512 bits, subsampling bands instead ranked mates far worse (all pairs of both sets, genuine
 *  full score ≥ 30, share outside the impostors' best 1 %): 4 angles × 1 band stride 0.2 %,
 *  2 angles × stride 2 4 %, 4 angles × stride 2 6 %; 8 angles × stride 1 (256 bits) 1.5 %. */
export const COARSE_ANGLE_STEP: i32 = 4;
export const COARSE_FIRST_ROW: i32 = 0;
export const COARSE_ROW_STRIDE: i32 = 1;
/** Rotation step of the coarse search, code positions (2.8° each): −MAX_SHIFT … +MAX_SHIFT
 *  every COARSE_SHIFT_STEP positions. 1: the Gabor wavelength is 8 positions, so a pair one
 *  position off its best alignment loses most of its agreement (with a row-subsampled code at
 *  step 3, CASIA-V1 mates of full score ≥ 50 ranked down to 18 % of the impostors). */
export const COARSE_SHIFT_STEP: i32 = 1;
/** Daugman's normalisation for the coarse code: NORM_BITS scaled by the share of bits kept. */
export const COARSE_NORM_BITS: f32 = NORM_BITS / <f32>COARSE_ANGLE_STEP / <f32>COARSE_ROW_STRIDE;
/** Fewer coarse bits compared than this is no evidence (HD 0.5), as MIN_COMPARED_BITS. */
export const MIN_COARSE_COMPARED_BITS: i32 = MIN_COMPARED_BITS / (COARSE_ANGLE_STEP * COARSE_ROW_STRIDE);
/** Share of the gallery's subjects each probe eye keeps for the full search (0–1): a subject
 *  goes on when any probe eye ranks it in that eye's best share of coarse similarities (so
 *  ≤ 2 × this share of the subjects for two-eye probes). Why the union over eyes is enough: a
 *  two-eye subject's Fisher-fused score reaches a 1:N threshold T only when an eye reaches about
 *  T/2 + 7 (fused(50, 50) = 86.2); at the smallest gallery the coarse pass runs on by default
 *  (COARSE_MIN_GALLERY: T = 73 at targetFPIR 30) that is an eye ≥ 43, at 500k subjects (T = 87)
 *  ≥ 51. Chosen on the first half of the persons (Gabor codes): genuine pairs with an eye score ≥
 *  40 ranked at worst 2.06 % among real impostors (1 of 1,166 outside 2 %) and 0.75 % among
 *  generated ones; ≥ 50: worst 0.00 % / 0.05 % (1,090 pairs). Check half: ≥ 40 worst 1.06 % /
 *  0.50 % (1,140 pairs), ≥ 50 worst 0.00 % / 0.10 % (1,086). 2 % therefore keeps a 20× margin
 *  at 1M. Log-Gabor codes (issue 14), same command: first half ≥ 40 worst 0.34 % / 0.10 %
 *  (1,240 pairs), ≥ 30 worst 1.03 % / 0.70 % (1,286); check half ≥ 40 worst 0.35 % / 0.10 %
 *  (1,184), ≥ 30 worst 4.21 % / 2.30 % (4 and 2 of 1,200 outside 2 %): the share holds with a
 *  wider margin at the eye scores that matter. */
export const COARSE_KEEP_SHARE: f32 = 0.02;
/** A coarse similarity at or above this (1 − normalised HD) keeps the subject whatever its
 *  rank: a near-certain match never depends on the share (real impostors' full-code similarity
 *  reaches 0.64 at its 99.9th percentile with Gabor codes, 0.62 with log-Gabor ones: the
 *  calibration's FMR 1e-3 knot, engine/iris-calibration.ts). */
export const COARSE_SURE_SIMILARITY: f32 = 0.7;
/** A probe eye with fewer usable coarse bits than this share of the coarse code (512) makes
 *  the search exhaustive (the exact fallback): its ranking would rest on too few bits. 0.4: the
 *  enrolment rule's share (MIN_USABLE_SHARE), so a probe that would not enrol is never ranked. */
export const COARSE_MIN_PROBE_SHARE: f32 = 0.4;
/** Galleries with fewer subjects than this are searched exhaustively unless the caller asks
 *  for the coarse pass (mode 'prefilter'): below it the exhaustive search costs little (20k
 *  two-eye subjects ≈ 40k comparisons ≈ 0.1 s on one core at the measured ≈ 400k/s). */
export const COARSE_MIN_GALLERY: i32 = 20000;
