/** The 1:N engine's tuning constants, with their units. */
export const GALLERY_PARAMS = Object.freeze({
  /** Template slots per shard (count): 65,536 × ~2.9 KB (compact finger templates) ≈ 190 MB of templates per shard memory. */
  shardCapacity: 65536,
  /** Compact a shard when this share of its slots are tombstones (fraction). */
  compactAtTombstoneShare: 0.25,
  /**
   * Prefilter: share of the gallery's subjects kept for the full matcher (fraction). The flat
   * prefilter ranks subjects jointly over the probe's fingers (flat-prefilter.ts); with 2-finger
   * probes at 1M fingers it kept 95.5 % of 112 planted real mates at 0.01, 98.2 % at 0.02 and
   * 0.03, 99.1 % at 0.05 (.scratch sweep, `npm run bench -- identify --mode prefilter`). The
   * hnsw alternative keeps this share per probe finger.
   */
  prefilterPenetration: 0.05,
  /** Prefilter: fewest subjects kept per probe finger, whatever the gallery size (count). */
  prefilterMinKeep: 500,
  /**
   * Prefilter: each scan task keeps its share of the subjects times this (factor) plus the margin
   * below (count), so the global best are among what the tasks return although a task's share
   * of them varies with the draw of subjects into ranges.
   */
  prefilterTaskKeepFactor: 1.25,
  prefilterTaskKeepMargin: 64,
  /**
   * Prefilter re-scoring in two steps: a kept subject is first scored on the probe finger whose
   * vector ranked it highest; only if that reaches this calibrated score (10: 1 impostor in 10)
   * are its other fingers compared (the first score is kept, not recomputed). A mate scores far
   * above it (genuine scores are mostly > 30); one below it would need its other finger alone to
   * reach nearly the whole 1:N threshold (30 + 10·log10 N). Most impostors stop after one
   * comparison instead of two.
   */
  prefilterGateScore: 10,
  /**
   * Prefilter joint score = Σ over probe fingers of the standardised vector similarity + this
   * weight (factor) × the largest of them. 0: the plain sum.
   */
  prefilterMaxWeight: 0,
  /**
   * Coarse finger residency (finger-tier.ts): share of the gallery's subjects (fraction) the coarse
   * stage passes to the full matcher, their templates read from the store. 0.001: at 1M fingers
   * with the prefilter at 2 % it keeps 1 in 20 of the prefilter's candidates; on the real pool's
   * choose half the coarse score put 174 of 175 mates in the top 1 % of real non-mates
   * (bench/tier-coarse-recall.ts; docs/finger-tier.md), and each finalist costs a store read
   * (≈ 50 µs: read, AES-GCM, decode) besides its full comparisons.
   */
  coarseKeepShare: 0.001,
  /** Coarse residency: fewest finalists, whatever the gallery size (count). */
  coarseMinKeep: 200,
  /**
   * Coarse residency, the coarse stage's gate (fraction; 1 = no gate): each prefilter candidate is
   * compared first on the probe finger whose vector ranked it highest (as the full residency's
   * prefilterGateScore gate), and only this best share of them, by that coarse score within each
   * scan chunk (≤ 256 candidates), on the other fingers. Why 0.25: the finalists are ≤ 1/20 of the
   * candidates at 1M (coarseKeepShare at 2–3 % penetration), so a quarter passing leaves 5× room
   * for a mate whose first finger ranks weakly, while a 2-finger identify compares 1.25 instead of
   * 2 coarse forms per candidate. Cross-check: docs/finger-tier.md "Session 10" (mates found
   * at 1M with the gate at 0.25 and 1, the same run; test/tier.test.ts gate 1 = ungated).
   */
  coarseGatePassShare: 0.25,
  /**
   * Coarse residency: the finalists are read from the store in this many pieces per pool worker
   * (count), each scored by the pool while the main thread reads the next (finger-tier.ts
   * scoreFinalists). Why 4: at 1M, 500 finalists cost ≈ 47 ms of reads and ≈ 34 ms of scoring one
   * after the other; 8 pieces of ≈ 63 on 2 workers leave only the last piece's scoring (≈ 1/8)
   * past the reads, while a piece stays large enough that its arena and task cost little.
   * Cross-check: the stage means of the 1M coarse run, docs/finger-tier.md.
   */
  coarseReadPieces: 4,
});
