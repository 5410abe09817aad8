/**
 * The figures of the report page beyond metrics.ts: operating points with their thresholds,
 * Wilson intervals on rates, the calibration check, score histograms.
 */
import type { ScoredPair } from './accuracy.ts';

/** 95 % two-sided normal quantile. */
const Z95 = 1.959964;

export interface Interval {
  /** successes / trials (0 when trials is 0). */
  rate: number;
  count: number;
  trials: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval (95 %) for count/trials. It treats trials as independent; comparisons
 * that share samples are not, so the true uncertainty is wider — the page says so.
 */
export function wilson(count: number, trials: number): Interval {
  if (trials === 0) return { rate: 0, count, trials, low: 0, high: 1 };
  const p = count / trials;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { rate: p, count, trials, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface OperatingPoint {
  /** The FMR asked for (0.01 for FMR100). */
  target: number;
  /** Accept when score ≥ threshold; +Infinity: accept nothing. */
  threshold: number;
  /** False matches at that threshold, with its interval. */
  fmr: Interval;
  fnmr: Interval;
  /**
   * False when the impostor count cannot resolve the target (fewer than 1/target pairs): the
   * point then is the zero-FMR point, not an estimate at that FMR.
   */
  resolvable: boolean;
}

export interface ScoreLists {
  /** Ascending. */
  genuine: Float64Array;
  /** Ascending. */
  impostor: Float64Array;
}

export function scoreLists(pairs: readonly ScoredPair[]): ScoreLists {
  return {
    genuine: Float64Array.from(pairs.filter((p) => p.genuine), (p) => p.score).sort(),
    impostor: Float64Array.from(pairs.filter((p) => !p.genuine), (p) => p.score).sort(),
  };
}

/** Number of values < t in an ascending array. */
function countBelow(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lowest threshold whose FMR is at most `target` (so the lowest FNMR there), the same rule
 * as metrics.ts's FMR100/FMR1000: candidate thresholds are the distinct scores and +Infinity.
 */
export function operatingPoint(s: ScoreLists, target: number): OperatingPoint {
  const I = s.impostor.length;
  const G = s.genuine.length;
  const allowed = Math.floor(target * I + 1e-9);
  // Impostors at or above t must be ≤ allowed: t must exceed the (allowed+1)-th highest impostor score.
  const threshold = allowed >= I
    ? Math.min(s.impostor[0] ?? Infinity, s.genuine[0] ?? Infinity)
    // The smallest candidate (a score of either list, or +Infinity) above the (allowed+1)-th highest impostor score.
    : Math.min(firstAbove(s.impostor, s.impostor[I - 1 - allowed]), firstAbove(s.genuine, s.impostor[I - 1 - allowed]));
  const falseMatches = I - countBelow(s.impostor, threshold);
  const falseNonMatches = countBelow(s.genuine, threshold);
  return { target, threshold, fmr: wilson(falseMatches, I), fnmr: wilson(falseNonMatches, G), resolvable: I * target >= 1 };
}

/** The first value > v of an ascending array, or +Infinity. */
function firstAbove(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : Infinity;
}

/** FMR100, FMR1000, FMR10000: the targets marked on the DET plot and tabled. */
export const FMR_TARGETS = [0.01, 0.001, 0.0001] as const;

/**
 * Calibrated scores are −10·log10 FMR: a threshold of 20 should let through about 1 % of
 * impostors, 30 about 0.1 %, 40 about 0.01 %.
 */
export const CALIBRATION_THRESHOLDS = [20, 30, 40] as const;

export interface CalibrationRow {
  threshold: number;
  /** 10^(−threshold/10). */
  expected: number;
  observed: Interval;
}

export function calibrationRows(s: ScoreLists): CalibrationRow[] {
  return CALIBRATION_THRESHOLDS.map((t) => ({
    threshold: t,
    expected: 10 ** (-t / 10),
    observed: wilson(s.impostor.length - countBelow(s.impostor, t), s.impostor.length),
  }));
}

export interface Histogram {
  /** Bin lower edges; bin k is [edges[k], edges[k] + width), the last one open-ended. */
  edges: number[];
  width: number;
  genuine: number[];
  impostor: number[];
  /** Scores of −Infinity (a failure to enrol on either side), not in any bin. */
  genuineFailed: number;
  impostorFailed: number;
}

/** Bins of `width` score units from `low` up; scores beyond `high` share the last, open bin. */
export function histogram(s: ScoreLists, low = 0, high = 100, width = 2): Histogram {
  const bins = Math.ceil((high - low) / width) + 1;
  const edges = Array.from({ length: bins }, (_, k) => low + k * width);
  const fill = (scores: Float64Array): { counts: number[]; failed: number } => {
    const counts = new Array<number>(bins).fill(0);
    let failed = 0;
    for (const v of scores) {
      if (v === -Infinity) { failed++; continue; }
      counts[Math.min(bins - 1, Math.max(0, Math.floor((v - low) / width)))]++;
    }
    return { counts, failed };
  };
  const g = fill(s.genuine);
  const i = fill(s.impostor);
  return { edges, width, genuine: g.counts, impostor: i.counts, genuineFailed: g.failed, impostorFailed: i.failed };
}
