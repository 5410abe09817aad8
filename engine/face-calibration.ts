/**
 * Maps the face cosine (int8 codes, engine/face/) to the engine's score scale, −10·log10(FMR).
 * PLACEHOLDER KNOTS until `npm run bench -- calibrate --modality face` has run (see below).
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.0, 0.9, 0.95];
const CALIBRATED: readonly number[] = [0.0, 10.0, 20.0];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 200;

export const calibrateFaceScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
