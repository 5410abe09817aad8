/**
 * Maps the iris kernel's raw similarity (1 − least normalised Hamming distance over the
 * rotations; 0.5 ≈ chance) to the engine's one score scale, −10·log10(FMR).
 *
 * Fitted by `npm run bench -- calibrate --modality iris --set <data>/iris/casia-v1-subset` on
 * 1,710 impostor comparisons between session-1 images of different eyes — pairs the CASIA
 * cross-session accuracy report never uses (its impostors are session-2 probes against the
 * session-1 gallery). Knots at FMR 1e-1 … 3e-3 (fewer than 5 impostors lie above 1e-3 in so
 * small a set), linear between them; past the last knot the impostor tail is taken as
 * exponential, slope fitted over the top 1 % of those impostors. A binomial-like iris impostor
 * tail falls faster than exponential, so far-tail scores are, if anything, understated
 * (conservative). 20 eyes is a small fit: refit on a larger set before relying on scores above
 * ≈ 30, and whenever the kernel's parameters change (the raw scale moves with them).
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.0, 0.58328, 0.59878, 0.61034, 0.62033];
const CALIBRATED: readonly number[] = [0.0, 10.0, 15.23, 20.0, 25.23];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 613.9;

export const calibrateIrisScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
