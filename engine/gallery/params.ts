/** The 1:N engine's tuning constants, with their units. */
export const GALLERY_PARAMS = Object.freeze({
  /** Template slots per shard (count): 65,536 × ~3.6 KB ≈ 230 MB of templates per shard memory. */
  shardCapacity: 65536,
  /** Compact a shard when this share of its slots are tombstones (fraction). */
  compactAtTombstoneShare: 0.25,
  /**
   * Prefilter: share of the gallery's subjects kept per probe finger (fraction). 0.05 keeps
   * 99.1 % of planted real mates for 2-finger probes at 1M fingers (`npm run bench -- identify
   * --mode prefilter`); 0.02 measured ≈ 95 % on real-vs-real data (bench/prefilter-recall.ts).
   */
  prefilterPenetration: 0.05,
  /** Prefilter: fewest subjects kept per probe finger, whatever the gallery size (count). */
  prefilterMinKeep: 500,
  /**
   * Prefilter re-scoring in two steps: a subject kept by only some probe fingers is first scored
   * on those; only if that reaches this calibrated score (10: 1 impostor in 10) are its other
   * fingers compared too. A mate scores far above it (genuine scores are mostly > 30), and one
   * below it could not reach a 1:N threshold (30 + 10·log10 N) unless its other finger alone
   * did, in which case that finger's own vector kept it too.
   */
  prefilterGateScore: 10,
});
