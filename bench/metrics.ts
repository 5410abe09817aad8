/**
 * Verification error rates from genuine and impostor score lists (ISO/IEC 19795-1, FVC).
 *
 * Conventions: higher score = more similar; at threshold t a comparison is a match when
 * score ≥ t, so FMR(t) = share of impostor scores ≥ t and FNMR(t) = share of genuine
 * scores < t. All rates are fractions in 0..1.
 */
import { EngineError } from '../engine/index.ts';

export interface DetPoint {
  /** Decision threshold (may be ±Infinity, which JSON.stringify writes as null). */
  threshold: number;
  fmr: number;
  fnmr: number;
}

export interface ErrorRates {
  /** Number of genuine (mated) comparisons. */
  genuine: number;
  /** Number of impostor (non-mated) comparisons. */
  impostor: number;
  eer: number;
  /** Lowest FNMR with FMR ≤ 1 %. */
  fmr100: number;
  /** Lowest FNMR with FMR ≤ 0.1 %. */
  fmr1000: number;
  /** Lowest FNMR with FMR = 0. */
  zeroFmr: number;
  /** DET curve in ascending threshold order (FMR falling, FNMR rising), at most ~400 points. */
  det: DetPoint[];
}

/** Enough points for a smooth plot; more only bloats reports. */
const DET_MAX_POINTS = 400;

/**
 * Computes EER, FMR100, FMR1000, ZeroFMR and a reduced DET curve.
 *
 * Thresholds are every distinct score value plus +Infinity (the strictest threshold, so the
 * "reject everything" end of the curve exists whenever no score is +Infinity). Between two
 * consecutive distinct values the rates cannot change, so this set covers every operating
 * point; ties are therefore handled exactly (all tied scores fall on the same side of t).
 *
 * Failures to enrol: the bench scores any comparison involving a failed template as
 * -Infinity (worst possible), never skips it. A -Infinity genuine score is a false non-match
 * at every threshold above -Infinity; a -Infinity impostor score is never a false match
 * except at t = -Infinity (accept everything). +Infinity scores are accepted at every
 * threshold: if more than 1 % (0.1 %, any) of impostor scores are +Infinity, no threshold
 * reaches that FMR and FMR100 (FMR1000, ZeroFMR) is reported as 1 (worst), not NaN.
 *
 * EER, FVC rule (Maio et al., FVC2000 report), with FNMR rising and FMR falling in t:
 *   t1 = the largest threshold with FNMR(t1) ≤ FMR(t1),
 *   t2 = the smallest threshold with FNMR(t2) ≥ FMR(t2);
 *   if FNMR(t1) + FMR(t1) ≤ FNMR(t2) + FMR(t2) then [low, high] = [FNMR(t1), FMR(t1)]
 *   else [low, high] = [FMR(t2), FNMR(t2)];  EER = (low + high) / 2.
 * When the curves meet exactly (FNMR(t) = FMR(t)) then t1 = t2 = t and EER is that common
 * value; otherwise it is the midpoint of the tighter bounding pair. (If every threshold has
 * FNMR < FMR — only possible with +Infinity impostor scores — EER uses t1 alone.)
 *
 * O(n log n): each list is sorted once, then one merge pass. Throws ERR_METRICS_EMPTY when a
 * list is empty and ERR_METRICS_NAN when a score is NaN (NaN has no place in an order).
 */
export function computeErrorRates(genuine: Float64Array, impostor: Float64Array): ErrorRates {
  const g = sortedScores(genuine, 'genuine');
  const im = sortedScores(impostor, 'impostor');
  const G = g.length;
  const I = im.length;

  // One merge pass over the distinct values: gBelow / iBelow = counts of scores < t.
  const thresholds: number[] = [];
  const fnmrCount: number[] = [];
  const fmrCount: number[] = [];
  let gi = 0;
  let ii = 0;
  while (gi < G || ii < I) {
    const t = gi < G && (ii >= I || g[gi] <= im[ii]) ? g[gi] : im[ii];
    thresholds.push(t);
    fnmrCount.push(gi);
    fmrCount.push(I - ii);
    while (gi < G && g[gi] === t) gi++;
    while (ii < I && im[ii] === t) ii++;
  }
  if (thresholds[thresholds.length - 1] !== Infinity) {
    thresholds.push(Infinity);
    fnmrCount.push(G);
    fmrCount.push(0);
  }
  const n = thresholds.length;
  const fnmr = fnmrCount.map((c) => c / G);
  const fmr = fmrCount.map((c) => c / I);

  // FMR falls with t and FNMR rises, so the first index meeting an FMR bound has the lowest
  // FNMR. Integer comparisons avoid 0.01 * I rounding trouble.
  const firstWhere = (ok: (impostorsAccepted: number) => boolean): number => {
    for (let k = 0; k < n; k++) if (ok(fmrCount[k])) return fnmr[k];
    return 1;
  };

  return {
    genuine: G,
    impostor: I,
    eer: fvcEer(fnmr, fmr),
    fmr100: firstWhere((c) => c * 100 <= I),
    fmr1000: firstWhere((c) => c * 1000 <= I),
    zeroFmr: firstWhere((c) => c === 0),
    det: reduceDet(thresholds, fmr, fnmr, 0.5 / I, 0.5 / G, DET_MAX_POINTS),
  };
}

/** Share of impostor scores ≥ t: the FMR a threshold t gives (used to calibrate scores). */
export function impostorShareAtOrAbove(impostor: Float64Array, t: number): number {
  if (impostor.length === 0) {
    throw new EngineError('ERR_METRICS_EMPTY', 'no impostor scores: FMR is undefined');
  }
  let count = 0;
  for (let k = 0; k < impostor.length; k++) if (impostor[k] >= t) count++;
  return count / impostor.length;
}

function sortedScores(scores: Float64Array, what: string): Float64Array {
  if (scores.length === 0) {
    throw new EngineError('ERR_METRICS_EMPTY', `no ${what} scores: error rates are undefined`);
  }
  const sorted = Float64Array.from(scores).sort(); // typed-array sort is numeric, ±Infinity included
  if (Number.isNaN(sorted[sorted.length - 1])) {
    // Typed-array sort puts NaN last, so one check finds any.
    throw new EngineError('ERR_METRICS_NAN', `a ${what} score is NaN; use -Infinity for failures`);
  }
  return sorted;
}

/** The FVC EER rule documented on computeErrorRates; arrays are in ascending threshold order. */
function fvcEer(fnmr: number[], fmr: number[]): number {
  let t1 = -1;
  let t2 = -1;
  for (let k = 0; k < fnmr.length; k++) {
    if (fnmr[k] <= fmr[k]) t1 = k; // FNMR - FMR is non-decreasing, so the last such k is the max
    if (t2 < 0 && fnmr[k] >= fmr[k]) t2 = k;
  }
  // t1 always exists: at the lowest threshold nothing is below it, so FNMR = 0.
  if (t2 < 0 || fnmr[t1] + fmr[t1] <= fnmr[t2] + fmr[t2]) return (fnmr[t1] + fmr[t1]) / 2;
  return (fmr[t2] + fnmr[t2]) / 2;
}

/**
 * Picks at most maxPoints points evenly spaced along the curve's length in log-log space
 * (the space it is plotted in), so steep and flat parts both keep their shape. Zero rates
 * are placed at half the smallest non-zero rate; the first and last points are always kept.
 */
function reduceDet(
  thresholds: number[],
  fmr: number[],
  fnmr: number[],
  fmrFloor: number,
  fnmrFloor: number,
  maxPoints: number,
): DetPoint[] {
  const n = thresholds.length;
  const point = (k: number): DetPoint => ({ threshold: thresholds[k], fmr: fmr[k], fnmr: fnmr[k] });
  if (n <= maxPoints) return thresholds.map((_, k) => point(k));

  const lx = fmr.map((v) => Math.log10(Math.max(v, fmrFloor)));
  const ly = fnmr.map((v) => Math.log10(Math.max(v, fnmrFloor)));
  const along = new Float64Array(n);
  for (let k = 1; k < n; k++) {
    along[k] = along[k - 1] + Math.hypot(lx[k] - lx[k - 1], ly[k] - ly[k - 1]);
  }
  const total = along[n - 1];
  const picked: number[] = [0];
  let k = 0;
  for (let step = 1; step < maxPoints - 1; step++) {
    const target = (total * step) / (maxPoints - 1);
    while (k < n - 1 && along[k] < target) k++;
    if (k !== picked[picked.length - 1] && k !== n - 1) picked.push(k);
  }
  picked.push(n - 1);
  return picked.map(point);
}
