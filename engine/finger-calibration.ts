/**
 * Maps the kernel's raw similarity (0–1) to the engine's one score scale, −10·log10(FMR):
 * 20 ≈ one false match in 100 impostor comparisons, 30 ≈ 1 in 1,000, 40 ≈ 1 in 10,000.
 *
 * Fitted by `npm run bench -- calibrate --real` on the 78,912 impostor pairs of the real fingers'
 * fit half (bench/fusion-real-pairs.ts: FVC2002 DB1–DB3 SecuGen templates of fingers 101+102,
 * 105+106, 109+110, and the U.are.U fit humans through our extractor; pairs of different
 * humans, same sensor and across sensors). The report half (46,464 pairs) is never fitted on.
 * Knots at FMR 0.99 … 1e-4, linear between them, so that *every* impostor score is
 * −10·log10 of its share (Fisher fusion reads each as a p-value: a median impostor is 3.0, not
 * the 8.7 the former knot-free bulk gave it); past the last knot the impostor tail is taken as
 * exponential, its slope fitted over the top 0.1 % (the real tail flattens with depth).
 * The former fit (cross-set pairs only, tail over the top 1 %) put 1.6 % of same-sensor real
 * impostors at 20 or more and 0.006 % at 50 (6× the nominal): `npm run bench -- fusion`.
 * Refit whenever the kernel's parameters change (the raw scale moves with them), and on a
 * deployment's own sensor before trusting scores past ≈ 40.
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.0, 0.02506, 0.02682, 0.0282, 0.02933, 0.03082, 0.03205, 0.03456, 0.04002, 0.04625, 0.05323, 0.05956, 0.06769, 0.07654];
const CALIBRATED: readonly number[] = [0.0, 0.04, 0.46, 1.55, 3.01, 5.23, 6.99, 10.0, 15.23, 20.0, 25.23, 30.0, 35.23, 40.0];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 614.9;

export const calibrateFingerScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
