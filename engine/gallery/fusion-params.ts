/**
 * The fusion's one tuning constant (engine/gallery/fusion.ts), with its unit and why.
 */
export const FUSION = {
  /**
   * Correlation (Pearson, of −ln p) between two comparisons of one probe with one non-mate
   * subject — e.g. its right index and right middle finger. Unitless, 0 = independent.
   * Why not 0: a non-mated pair of people is not a pair of random fingers: a person whose prints
   * give many minutiae, or a sensor's artefacts, lift all their comparisons together. Measured
   * on every non-mated pair of persons of the real fingers' fit half (`npm run bench -- fusion`,
   * bench/fusion-fit.ts: 2- and 10-finger persons, pairs of different humans, calibrated scores):
   * pooled ρ = 0.098 over 6,006 pairs of comparisons (2 fingers 0.125 over 4,116 rows, 10
   * fingers 0.011 over 42), rounded to 0.1; never from the report half (there ρ ≈ 0). Used for every pair of comparisons of one
   * subject, irises and faces included (no data to fit them apart: the cautious choice).
   */
  correlation: 0.1,
} as const;
