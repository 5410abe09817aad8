/**
 * Every tuning constant of the 1:N prefilter, with its unit. Distances are pixels at 500 dpi
 * in the template's frame (what `templateMinutiae` returns); angles are radians.
 *
 * The vector folds two rotation- and translation-invariant features: a histogram of minutia pairs
 * (distance, direction of each minutia against the line joining them) and codes of the
 * template's cylinders (each minutia's neighbourhood in its own frame). The pair bin counts were
 * chosen with the bench (`bench/prefilter-recall.ts`): finer bins separate fingers better until
 * the pair noise of real extractors spreads a pair over several bins.
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
   * Dimension of the vector (count of ±1 values, a power of two). The features (4,800-cell pair
   * histogram, cylinder codes) are folded into this many floats by fixed signed hashes (count
   * sketch), centred, rotated (random signs + Walsh–Hadamard) and reduced to their signs: 2,048
   * bits = 256 B per finger in the shards, the bytes the former 256 int8 took. Why bits: at 256
   * floats the sketch's own noise (≈ 1/√256 of a cosine) buried the features' difference between
   * mates and non-mates; 2,048 sign bits estimate the same cosine with about half that noise
   * (docs/prefilter-vector.md: choose half, 2-finger hit rate at 2 % 168 → 171–172 of 175).
   */
  dimension: 2048,
  /** Seed of the fixed cell → (dimension, sign) hash. Changing it invalidates every stored vector. */
  sketchSeed: 0x5eed_2002,
  /** A vector whose histogram holds fewer pairs than this is empty (all zeros): nothing to search with. */
  minPairs: 3,
  /**
   * Share of the pair histogram in the folded features (the rest is the cylinder codes), as a
   * share of the squared norm. 0.4 chosen on the choose half (0.25–0.55 measured alike).
   */
  pairWeight: 0.4,
  /**
   * Cylinder codes: each of the template's MCC cylinders (5 direction layers × 112 cells, one bit
   * each) is hashed `cylinderHashes` times by sampling `cylinderHashBits` of its bits (bit-sampling
   * LSH, after Cappelli, Ferrara and Maltoni's MCC indexing); every code with a set bit counts once
   * in the folded features. Two prints share a code where a minutia's neighbourhood looks alike,
   * whatever the rotation and position: local structure the pair histogram does not see.
   */
  cylinderHashBits: 12,
  /** Count of bit-sampling hashes per cylinder: more average out the luck of any one sample (32 varied ±4 of 175 searches with the seed, 128 ±1). */
  cylinderHashes: 128,
  /** Seed of the sampled bits and of the code → (dimension, sign) hash. */
  cylinderSeed: 0xc71d_0016,
  /** Seed of the random signs before the Walsh–Hadamard rotation. */
  rotationSeed: 0x0b17_2048,
  /**
   * Subtract the mean of the folded features of real prints (finger-mean.ts: the fit half of
   * fvc2002-iso DB1–DB3, written by bench/prefilter-mean.ts) and normalise again, before the
   * signs: removes the component every finger shares, whose carriers otherwise come near every
   * probe (hubs), and which would otherwise fix most sign bits alike. The tag names the mean and
   * the vector in use, so sealed vectors and saved indexes of another vector are recomputed.
   */
  centre: true,
  centreMean: 'fvc2002-iso-db1-3-fit-half-bits2048-cyl',
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
