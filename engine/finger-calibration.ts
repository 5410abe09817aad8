/**
 * Maps the kernel's raw similarity (0–1) to the engine's one score scale, −10·log10(FMR):
 * 20 ≈ one false match in 100 impostor comparisons, 30 ≈ 1 in 1,000, 40 ≈ 1 in 10,000.
 *
 * Fitted by `npm run bench -- calibrate` on 38,400 impostor comparisons *across* the four
 * FVC2002 ISO sets (fvc2002-iso DB1_B…DB4_B; never the within-set pairs the accuracy
 * protocols report): knots at FMR 1e-1 … 3e-4, linear between them; past the last knot the
 * impostor tail is taken as exponential, with its slope fitted over the top 1 % of impostors.
 * Refit whenever the kernel's parameters change (the raw scale moves with them).
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.0, 0.03338, 0.03732, 0.04162, 0.04691, 0.05253, 0.05894];
const CALIBRATED: readonly number[] = [0.0, 10.0, 15.23, 20.0, 25.23, 30.0, 35.23];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 872.3;

export const calibrateFingerScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
