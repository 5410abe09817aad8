/**
 * Score fusion and the 1:N decision threshold, on the engine's one scale, −10·log10(FMR).
 *
 * Each calibrated comparison score s is an impostor tail probability p = 10^(−s/10). For K
 * independent comparisons (different fingers, irises) of one subject, Fisher's method gives the
 * probability that an impostor reaches at least the observed evidence: with x = Σ ln(1/p_i),
 * P = e^(−x) · Σ_{j<K} x^j / j!  (the χ² survival function with 2K degrees of freedom).
 * The fused score −10·log10(P) is then calibrated like a single comparison, which is what lets
 * one threshold rule (targetFPIR + 10·log10 N) serve every mix of modalities. Summing scores
 * instead would overstate a 2-finger impostor by the combinatorial term Σ x^j/j!.
 */
const LN10_OVER_10 = Math.LN10 / 10;

/** Fuses calibrated scores (NaN entries = not compared) into one calibrated score; 0 if none. */
export function fuseScores(scores: ArrayLike<number>): number {
  let x = 0, k = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    x += Math.max(0, s) * LN10_OVER_10;
    k++;
  }
  if (k === 0) return 0;
  if (k === 1) return x / LN10_OVER_10;
  // log of Σ_{j<k} x^j/j!, summed in the linear domain (k ≤ 13 terms, x moderate)
  let term = 1, sum = 1;
  for (let j = 1; j < k; j++) {
    term *= x / j;
    sum += term;
  }
  const lnP = -x + Math.log(sum);
  return Math.max(0, -lnP / LN10_OVER_10);
}

/**
 * Best-of-m correction: when a probe finger of unknown position is compared with m fingers of a
 * subject and the best is kept, the impostor probability is ≈ m·p (Bonferroni).
 */
export function bestOfScore(best: number, m: number): number {
  return m <= 1 ? best : Math.max(0, best - 10 * Math.log10(m));
}

/**
 * The fused score a candidate needs in a gallery of `gallerySize` subjects for a target FPIR
 * given as −10·log10(FPIR) (MOSIP's targetFPIR: 30 = 1 in 1,000 searches): per-search false
 * positives ≈ N · FMR, so FMR = FPIR / N.
 */
export function decisionThreshold(targetFPIR: number, gallerySize: number): number {
  return targetFPIR + 10 * Math.log10(Math.max(1, gallerySize));
}
