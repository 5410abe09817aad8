/**
 * Maps the iris kernel's raw similarity (0.5 + (0.5 − the normalised Hamming distance at the
 * best rotation, each half of the ring then at its own nearby shift) × the pair's
 * degrees-of-freedom weight; 0.5 ≈ chance; matchers-wasm/iris/hamming.ts) to the engine's
 * one score scale, −10·log10(FMR).
 *
 * Fitted by `npm run bench -- calibrate --modality iris --set <data>/iris/casia-v1-subset
 * --set <data>/iris/mmu1` on 27,585 impostor comparisons of two sensors, each set's own:
 * CASIA-V1 session-1 images of different eyes (the cross-session report's impostors are
 * session-2 probes against session-1 images) and MMU1's first half of the persons (the check
 * is `--half second`, persons never fitted on). Knots from the median to FMR 3e-4, linear between them;
 * past the last knot the impostor tail is taken as exponential, slope fitted over the top 1 %.
 * A binomial-like iris impostor tail falls faster than exponential, so far-tail scores are, if
 * anything, understated (conservative). Refitted for the log-Gabor kernel, for the pupil refinement, eyelid curves and 0.90 ring ("IRC3"), for the degrees-of-freedom weights ("IRC4", issue 14), and for the matcher's local shift tolerance (hamming.ts LOCAL_SHIFT_RANGE, session 12: it raises every impostor's raw score a little) and the bright-islands stage (bright-islands.ts, more samples coded); per-sensor checks on pairs never fitted on in docs/iris-sensors.md. Refit whenever the kernel's parameters change (the
 * raw scale moves with them), and on every new sensor's impostors before relying on it.
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.0, 0.53177, 0.5424, 0.55139, 0.55813, 0.56557, 0.57042, 0.57741, 0.5876, 0.59571, 0.60413, 0.61134, 0.6201];
const CALIBRATED: readonly number[] = [0.0, 0.04, 0.46, 1.55, 3.01, 5.23, 6.99, 10.0, 15.23, 20.0, 25.23, 30.0, 35.23];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 633.7;

export const calibrateIrisScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
