/**
 * Every tuning constant of the 1:N prefilter, with its unit. Distances are pixels at 500 dpi
 * in the template's frame (what `templateMinutiae` returns); angles are radians.
 *
 * The vector is a histogram of minutia pairs (distance, direction of each minutia against the
 * line joining them), so it is rotation- and translation-invariant by construction. The bin
 * counts below were chosen with the bench (`bench/prefilter-recall.ts`): finer bins separate
 * fingers better until the pair noise of real extractors spreads a pair over several bins.
 */
export const PREFILTER = Object.freeze({
  /** Pairs closer than this are skipped (px): their line direction is dominated by position noise. */
  minPairDistance: 10,
  /** Pairs farther than this are skipped (px): skin distortion grows with distance, and far pairs rarely survive partial overlap. */
  maxPairDistance: 150,
  /** Distance bins over [minPairDistance, maxPairDistance) (11.7 px each). */
  distanceBins: 12,
  /** Bins of each of the two relative directions over a full turn (18° each). */
  angleBins: 20,
  /**
   * Dimension of the vector (float32 each). The 12×20×20 = 4,800-cell pair histogram is folded
   * into it by a fixed signed hash (count sketch), which keeps inner products unbiased.
   * 256 → 1 KiB per finger in the index (1 GiB for 1M fingers, plus the graph).
   */
  dimension: 256,
  /** Seed of the fixed cell → (dimension, sign) hash. Changing it invalidates every stored vector. */
  sketchSeed: 0x5eed_2002,
  /** A vector whose histogram holds fewer pairs than this is empty (all zeros): nothing to search with. */
  minPairs: 3,
  /**
   * Subtract the mean vector of real prints (finger-mean.ts: the fit half of fvc2002-iso
   * DB1–DB3, written by bench/prefilter-mean.ts) and normalise again: removes the component
   * every finger shares (|mean| ≈ 0.46 of a unit vector), whose carriers otherwise come near
   * every probe (hubs). The tag names the mean in use, so sealed vectors and saved indexes of
   * another mean are recomputed. Real-vs-real 2-finger hit rate at 2 % penetration, report half
   * (154 searches): 94.2 % → 97.4 % (engine/README.md).
   */
  centre: true,
  centreMean: 'fvc2002-iso-db1-3-fit-half',
});

/** hnswlib graph parameters (see the hnswlib docs: M, efConstruction, ef). */
export const PREFILTER_INDEX = Object.freeze({
  /** Links per node (count). 32 keeps recall high for the wide result lists the prefilter asks for. */
  m: 32,
  /** Candidate list size while inserting (count): build quality vs insertion speed. */
  efConstruction: 200,
  /** Search candidate list size is max(k × efFactor, efMin) (count): recall of the top-k vs query time. */
  efFactor: 4,
  efMin: 256,
  /** Capacity growth when full (factor), so a growing gallery resizes O(log N) times. */
  growthFactor: 1.5,
  /** Capacity of a new index when the caller gives none (vectors). */
  initialCapacity: 1024,
  /** Seed of hnswlib's level generator, so a rebuild gives the same graph. */
  randomSeed: 100,
});
