/**
 * The finger calibration and fusion the engine had before issue 16's fix, kept only so that the
 * fusion bench can show old and new side by side in one run: knots at FMR 1e-1 … 3e-4 fitted on
 * cross-set FVC2002 ISO impostors (DB1–DB4), linear from raw 0 to the first knot, tail slope over
 * the top 1 %; fused by Fisher's method (independent comparisons).
 */
import { piecewiseCalibration } from '../engine/score-calibration.ts';
import { fuseScores } from '../engine/gallery/fusion.ts';

export const legacyFingerScore: (raw: number) => number = piecewiseCalibration({
  raw: [0.0, 0.03338, 0.03732, 0.04162, 0.04691, 0.05253, 0.05894],
  calibrated: [0.0, 10.0, 15.23, 20.0, 25.23, 30.0, 35.23],
  tailSlope: 872.3,
});

export const legacyFuse = (scores: ArrayLike<number>): number => fuseScores(scores, 0);
