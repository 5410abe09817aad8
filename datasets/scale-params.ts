/**
 * Every constant of the scale-gallery generator, with its unit. Fitted to the FVC2002 ISO
 * templates (fvc2002-iso DB1_B…DB4_B, 320 records, 300×400 at 197 px/cm): see
 * `npm run datasets -- scale --report` for the side-by-side table, and datasets/README.md.
 * Generator version 3 (version 2 was fitted for the former prefilter vector): each finger takes
 * one real sensor's profile (SENSOR_PROFILES: stretch, count, density, aspect, polarity flips,
 * matched to the fit half's per-set statistics), spacing is kept in the captured frame,
 * directions point toward a focus below the print centre (POLARITY_FOCUS: no longer divergent),
 * a share of directions are outliers, a few broken-ridge partners face their minutia; the shape
 * constants were then fitted with a joint objective on the FIT half of the real fingers (DB1–DB3)
 * only — the prefilter's ranking (each real pair centred on a mean without it), the vectors'
 * mean offset, and the full matcher's impostor rates: datasets/scale-fit.ts (seed 12345, 45
 * points, docs/scale-figures.md). The report half, which the fit never sees, is in the report.
 */

/** Frame of every generated record, px, and its resolution, px/cm: what fvc2002-iso declares. */
export const FRAME_WIDTH = 300;
export const FRAME_HEIGHT = 400;
export const FRAME_RESOLUTION = 197;

/** Counts are clamped to this range (real: 13–69). */
export const COUNT_MIN = 10;
export const COUNT_MAX = 90;

/** Radial profile of minutiae in the ellipse: radius = U^(this/2); 1 is uniform, above 1 denser toward the centre. */
export const RADIAL_CONCENTRATION = 2.328;
/** Print centre, px: mean and standard deviation per axis (real centroids: x 151 ± 23, y 219 ± 42). */
export const CENTRE_X: readonly [number, number] = [151, 20];
export const CENTRE_Y: readonly [number, number] = [219, 38];
/** Minutiae stay this far inside the frame, px (real: x ≥ 7, y ≥ 8). */
export const FRAME_MARGIN = 6;

/** Most minutiae keep at least this distance from every other, px (ridge period ≈ 9 px). */
export const MIN_SPACING = 10;
/** Share of minutiae placed as a close pair (an ending beside a bifurcation, a broken ridge)… */
export const CLOSE_PAIR_SHARE = 0.04;
/** …at a distance drawn uniformly in this range, px. */
export const CLOSE_PAIR_DISTANCE: readonly [number, number] = [4, 10];
/**
 * Share of minutiae placed as the other end of a broken ridge (a scar, a crease, a dry patch):
 * ahead of an earlier minutia along its direction, at a gap drawn uniformly in this range, px,
 * pointing back at it. Real templates have more anti-parallel neighbours facing each other
 * (direction difference 150–210°: 22 % of pairs within 150 px on the fit half, generated 18.5 %
 * without them) and their minutiae have the others slightly ahead rather than behind.
 */
export const BROKEN_RIDGE_SHARE = 0.008;
export const BROKEN_RIDGE_GAP: readonly [number, number] = [8, 24];

/** Loop singular points relative to the print ellipse, in semi-axes (y down): core height, delta side offset and height. */
export const LOOP_CORE_Y: readonly [number, number] = [-0.7, -0.2];
export const LOOP_DELTA_X: readonly [number, number] = [0.0, 0.3];
export const LOOP_DELTA_Y: readonly [number, number] = [0.6, 1.1];
/** Whorl deltas relative to the print ellipse, in semi-axes: side offset and height. */
export const WHORL_DELTA_X: readonly [number, number] = [0.4, 0.8];
export const WHORL_DELTA_Y: readonly [number, number] = [0.6, 1.0];
/** Pattern classes: shares of loops and whorls; the rest are arches (singular points far below the print). */
export const LOOP_SHARE = 0.723;
/**
 * Loops open toward the little finger (ulnar) far more often than toward the thumb (radial):
 * share of ulnar loops (population studies: about 9 in 10 loops). So fingers of one hand share
 * a chirality that the pair histogram sees (it is not mirror-invariant), and real non-mates of
 * one finger position are more alike than a mirror-symmetric generator makes them.
 */
export const LOOP_ULNAR_SHARE = 0.9;
/** Side of the delta (−1 left, +1 right of the core, in the template frame) for an ulnar loop of a right-hand finger; mirrored for the left hand. Chosen on the fit half (scale-fit). */
export const ULNAR_DELTA_SIDE_RIGHT_HAND = -1;
export const WHORL_SHARE = 0.218;

/** Standard deviation of the direction's departure from the ridge orientation, rad (extractor noise and local curvature), drawn per finger uniformly in this range. */
export const DIRECTION_NOISE: readonly [number, number] = [0.033, 0.287];
/** Directions point along a reference direction per finger, rad: real templates point mostly toward the finger's base (down, 3π/2 in ISO angles)… */
export const POLARITY_REFERENCE = 1.5 * Math.PI;
/** …varying per finger with this standard deviation, rad… */
export const POLARITY_REFERENCE_SD = 0.74;
/**
 * …toward a focus on that reference line, this many print semi-axes from the print centre,
 * drawn per finger uniformly in this range (the finger's reference alone, a focus infinitely
 * far, gives convex ridges — all those above a delta — directions pointing away from each
 * other: generated minutiae had the others behind them, mean cos of direction vs pair line
 * −0.07 over pairs 10–150 px, where real ones have them slightly ahead, +0.03 on the fit half;
 * a bias the pair histogram sees in every print).
 */
export const POLARITY_FOCUS: readonly [number, number] = [0.105, 1.08];
/** …except a share of minutiae, which point the other way (drawn per finger from its sensor profile, below). */
/**
 * Share of minutiae whose direction is an extractor outlier (a direction read across a
 * scar, a crease or a smudge), drawn per finger uniformly in this range: those take a
 * further error of DIRECTION_OUTLIER_SD rad. Real templates' local direction coherence
 * (0.71–0.75 on the fit half) is lowered by a few such outliers, not by every direction
 * being noisy: a wide Gaussian noise on all minutiae brings the coherence down too but makes
 * every cylinder less alike and the matcher's impostor scores fall under real ones.
 */
export const DIRECTION_OUTLIER_SHARE: readonly [number, number] = [0, 0.197];
export const DIRECTION_OUTLIER_SD = 0.8;
/** Share of endings (real: 0.65); the rest are bifurcations. */
export const ENDING_SHARE = 0.65;

/** Angle unit of ISO 19794-2: directions are generated on this grid, so a record round-trips exactly. */
export const ANGLE_UNIT = (2 * Math.PI) / 256;

/**
 * One real sensor's capture (FVC2002 DB1–DB3: each real set is one sensor and one extractor
 * run; prints of one set are more alike than prints across sets, to the prefilter as to the
 * matcher, so the background is a mixture of sensor profiles, each generated finger taking one,
 * chosen uniformly):
 * - stretch (x, y): the fvc2002-iso templates were extracted from the FVC2002 images resized to
 *   300×400 ignoring their aspect ratio (DB1 388×374, DB2 296×560 at 569 dpi, DB3 300×300), so
 *   each set carries its own anisotropic stretch; divided by the sets' geometric mean per axis
 *   (DB1 (0.773, 1.070), DB2 (1.014, 0.714), DB3 (1.000, 1.333) → relative). Measured from the
 *   image sizes, not fitted.
 * - countLogMean / countLogSd: minutiae per finger, log-normal (parameters of the underlying
 *   normal, before the frame crops the stretched print). Fitted on the fit half's counts per
 *   set (31.8 ± 8.9, 41.8 ± 11.8, 26.3 ± 6.2).
 * - density: minutiae per 10,000 px² of the print ellipse, drawn uniformly, which sets its area
 *   (fit half, per 10⁴ px² of hull: 9.8, 9.5, 8.0).
 * - aspect: height over width of the print ellipse before the stretch, drawn uniformly (DB2's
 *   tall sensor shows longer prints: its fit-half bounding boxes are 0.76 × 0.67 of the frame
 *   after a 0.71 squeeze of y).
 * - flipShare: the share of minutiae pointing against the finger's reference, drawn uniformly
 *   (fit half polarity agreement per set 0.31, 0.23, 0.09: the extractors differ).
 */
export interface SensorProfile {
  readonly name: string;
  readonly stretch: readonly [number, number];
  readonly countLogMean: number;
  readonly countLogSd: number;
  readonly density: readonly [number, number];
  readonly aspect: readonly [number, number];
  readonly flipShare: readonly [number, number];
}
export const SENSOR_PROFILES: readonly SensorProfile[] = [
  { name: 'DB1', stretch: [0.8386, 1.063], countLogMean: 3.46, countLogSd: 0.331, density: [3.6, 5.3], aspect: [1.2, 1.8], flipShare: [0.011, 0.206] },
  { name: 'DB2', stretch: [1.0992, 0.7099], countLogMean: 3.74, countLogSd: 0.331, density: [3.0, 4.5], aspect: [1.5, 2.3], flipShare: [0.023, 0.252] },
  { name: 'DB3', stretch: [1.0846, 1.3251], countLogMean: 3.33, countLogSd: 0.287, density: [4.1, 6.2], aspect: [1.2, 1.8], flipShare: [0.115, 0.287] },
];
