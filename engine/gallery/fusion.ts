/**
 * Score fusion and the 1:N decision threshold, on the engine's one scale, −10·log10(FMR).
 *
 * Each calibrated comparison score s is an impostor tail probability p = 10^(−s/10). For K
 * comparisons (different fingers, irises, a face) of one subject, x = Σ ln(1/p_i); under
 * independence 2x is χ² with 2K degrees of freedom (Fisher), so the probability that an
 * impostor reaches at least the observed evidence is P = e^(−x) · Σ_{j<K} x^j / j!.
 * The comparisons of one non-mated pair of people are *not* independent (bench/fusion-fit.ts:
 * a wolf's or a sensor's prints score high on several fingers at once), and Fisher then counts
 * K weakly related pieces of evidence as K independent ones. Brown's method keeps the χ² form
 * with the mean and variance of 2x under a pairwise correlation ρ of the −ln p_i:
 * Var = 4K(1 + (K−1)ρ), so 2x / c is ≈ χ² with 2K/c degrees of freedom, c = 1 + (K−1)ρ —
 * K/c is the effective number of independent comparisons (ρ = 0.1, measured: 2 fingers count as
 * 1.82, ten as 5.3). P = Q(K/c, x/c) (incomplete-gamma.ts). The fused score −10·log10(P) is then
 * calibrated like a single comparison, which is what lets one threshold rule
 * (targetFPIR + 10·log10 N) serve every mix of modalities. Summing scores instead would
 * overstate a 2-finger impostor by the combinatorial term Σ x^j/j!.
 */
import { FUSION } from './fusion-params.ts';
import { lnUpperGamma } from './incomplete-gamma.ts';

const LN10_OVER_10 = Math.LN10 / 10;

/**
 * Fuses calibrated scores (NaN entries = not compared) into one calibrated score; 0 if none.
 * `correlation`: the pairwise correlation of the comparisons (default: the measured one;
 * 0 = Fisher's method, for comparisons known to be independent).
 */
export function fuseScores(scores: ArrayLike<number>, correlation: number = FUSION.correlation): number {
  let x = 0, k = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (Number.isNaN(s)) continue;
    x += Math.max(0, s) * LN10_OVER_10;
    k++;
  }
  if (k === 0) return 0;
  if (k === 1) return x / LN10_OVER_10;
  const rho = Math.min(1, Math.max(0, correlation));
  if (rho === 0) return fisher(x, k);
  const c = 1 + (k - 1) * rho;
  return Math.max(0, -lnUpperGamma(k / c, x / c) / LN10_OVER_10);
}

/**
 * A subject's scores by modality: the fingers and irises fused as one correlated group (as the
 * shard scan fuses its rows), then with the face as independent evidence (Fisher: a wolf's
 * fingers say nothing of a lookalike face). Adding a face score f therefore never lifts the
 * fused score by more than f — the bound face-identify.ts scans with.
 */
export function fuseModalityScores(scores: readonly { readonly modality: string; readonly score: number }[]): number {
  const rest = scores.filter((s) => s.modality !== 'face').map((s) => s.score);
  const face = scores.filter((s) => s.modality === 'face').map((s) => s.score);
  if (face.length === 0) return fuseScores(rest);
  return fuseScores(rest.length === 0 ? face : [fuseScores(rest), ...face], 0);
}

/** Fisher's method for k independent comparisons: the closed form of Q(k, x). */
function fisher(x: number, k: number): number {
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
 * given as −10·log10(FPIR) (MOSIP's targetFPIR: 30 = 1 in 1,000 searches): the expected number
 * of non-mates at or above a fused score t is N · 10^(−t/10) whatever the dependence between
 * the N subjects (linearity of expectation), and FPIR ≤ that expectation (union bound), so
 * FMR = FPIR / N holds as long as fused scores are calibrated.
 */
export function decisionThreshold(targetFPIR: number, gallerySize: number): number {
  return targetFPIR + 10 * Math.log10(Math.max(1, gallerySize));
}
