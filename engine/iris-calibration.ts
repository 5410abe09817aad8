/**
 * Maps the iris kernel's raw similarity (0.5 + (0.5 − the least normalised Hamming distance
 * over the rotations) × the pair's degrees-of-freedom weight; 0.5 ≈ chance) to the engine's
 * one score scale, −10·log10(FMR).
 *
 * Fitted by `npm run bench -- calibrate --modality iris --set <data>/iris/casia-v1-subset
 * --set <data>/iris/mmu1` on 27,585 impostor comparisons of two sensors, each set's own:
 * CASIA-V1 session-1 images of different eyes (the cross-session report's impostors are
 * session-2 probes against session-1 images) and MMU1's first half of the persons (the check
 * is `--half second`, persons never fitted on). Knots from the median to FMR 3e-4, linear between them;
 * past the last knot the impostor tail is taken as exponential, slope fitted over the top 1 %.
 * A binomial-like iris impostor tail falls faster than exponential, so far-tail scores are, if
 * anything, understated (conservative). Refitted for the log-Gabor kernel, for the pupil refinement, eyelid curves and 0.90 ring ("IRC3"), and for the degrees-of-freedom weights ("IRC4", issue 14): with them the one fit holds per sensor on pairs it never saw (CASIA-V1 cross-session ≥ 20 / ≥ 30: 0.94 / 0.09 %, MMU1 second half 1.16 / 0.14 %; docs/iris-sensors.md). Refit whenever the kernel's parameters change (the
 * raw scale moves with them), and on every new sensor's impostors before relying on it.
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.0, 0.52523, 0.53434, 0.54301, 0.54991, 0.55756, 0.56268, 0.57038, 0.58181, 0.59121, 0.59936, 0.60721, 0.61795];
const CALIBRATED: readonly number[] = [0.0, 0.04, 0.46, 1.55, 3.01, 5.23, 6.99, 10.0, 15.23, 20.0, 25.23, 30.0, 35.23];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 604.25;

export const calibrateIrisScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
