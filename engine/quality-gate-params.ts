/**
 * Every constant of the enrolment quality gate (quality-gate.ts), with its unit and why.
 * Figures quoted were measured on FVC2002 DB1_B (80 images, the set these were chosen on) and
 * checked on DB2–DB4_B: `node --import tsx bench/quality-gate.ts` prints them.
 */
export const QUALITY_GATE = Object.freeze({
  /**
   * Fewest minutiae in a template (count). The matcher scores a comparison from at least 4
   * paired minutiae and two impressions share under half of theirs, so below 8 no comparison can
   * be confident (the extractor's MIN_ENROL_MINUTIAE, now applied to every door and format).
   */
  minMinutiae: 8,
  /**
   * Most minutiae in a template (count). A whole finger at 500 dpi holds about 40–100; the
   * extractor keeps the best 128. ISO allows 255: a record near that is synthetic, not a finger.
   */
  maxMinutiae: 160,
  /**
   * Two minutiae closer than this are the same point (mm; 0.1 mm = 2 px at 500 dpi, a fifth of a
   * ridge period). Real minutiae are at least a ridge period apart after the extractor's filters.
   */
  samePointMm: 0.1,
  /** Fewest distinct points (count): minutiae stacked at one point are one minutia. */
  minDistinctPoints: 8,
  /**
   * Smallest RMS distance of the minutiae from their centroid (mm). Real prints spread over
   * 8–20 mm of finger (FVC2002 B: smallest 2.5 mm); minutiae heaped in a sliver are forged or cut.
   */
  minSpreadMm: 1.5,
  /** Resolution assumed when a record declares none (px/cm; 197 = 500 dpi). */
  defaultPxPerCm: 197,
  /**
   * Image gate, block side at 500 dpi (px): about 1.6 ridge periods, the usual block for an
   * orientation field (enough gradient samples for a stable direction, small against curvature).
   */
  blockPx: 16,
  /** A block is finger, not background, when its gray-level standard deviation reaches this (gray levels 0–255). */
  foregroundStdDev: 10,
  /**
   * A block holds ridges when its gradient coherence reaches this (0–1). Parallel ridges give
   * 0.5–0.9; white noise gives about 1/√(samples) ≈ 0.06 for a 16×16 block.
   */
  coherentBlock: 0.35,
  /**
   * Orientation continuity: the mean of cos(2·Δθ) between neighbouring coherent blocks (−1–1).
   * A finger's orientation field varies smoothly: FVC2002 DB1_B and DB3_B (the sets this was
   * chosen on), smallest 0.87, median 0.94. Bit-flipped JPEG 2000 decodes that no longer match
   * their finger: 0.05–0.95, most under 0.84 (wavelet debris changes direction between blocks).
   */
  minContinuity: 0.84,
  /**
   * Largest orientation concentration |mean e^(2iθ)| (0–1). A finger's ridges turn (loops,
   * whorls, arches): DB1_B/DB3_B largest 0.80, median 0.25–0.38. Garbage that is continuous is
   * mostly stripes of one direction (0.82–0.95).
   */
  maxConcentration: 0.82,
  /** A directionless block this contrasted is debris, not a smudge (gray levels; a smudge or dry patch is faint). */
  disorderedStdDev: 40,
  /** Largest share of the foreground that may be strongly contrasted yet directionless (0–1; DB1_B largest 0.29, DB3_B 0.00; debris 0.5–0.9). */
  maxDisorderedShare: 0.4,
  /** Share of the foreground blocks that must hold ridges (0–1; DB3_B's smallest is 0.16: dry prints). */
  minRidgeShare: 0.1,
  /** Smallest ridge area (blocks of 16×16 px at 500 dpi ≈ 0.8 mm a side; 20 blocks ≈ 13 mm²; DB3_B's smallest 34). */
  minRidgeBlocks: 20,
});
