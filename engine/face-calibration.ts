/**
 * Maps the face cosine (int8 codes, engine/face/) to the engine's score scale, −10·log10(FMR).
 *
 * Fitted by `npm run bench -- calibrate --modality face --set <data>/face/orl --set
 * <data>/face/yale` on 90551 impostor comparisons: every pair of images of different
 * people within ORL and within Yale, pooled — one calibration for both capture conditions,
 * never one per set (ORL × Yale pairs are left out: across two capture processes impostors are
 * easier than in any real gallery). Knots at FMR 1e-1 … down to where at least 5
 * impostors remain, linear between them; past the last knot the impostor tail is taken as
 * exponential, slope fitted over the top 1 % of those impostors. These are the same impostors
 * the accuracy bench's calibration check counts, so that check shows the fit, not a test of it;
 * two small, easy sets of 55 people: refit on a larger, harder set (web photos, harsh light)
 * before relying on scores above ≈ 30, and whenever the model or the pipeline changes (last
 * refit: detector at 160 px on a 0.25-padded canvas, mirrored pass on — engine/face/params.ts).
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.00000, 0.89616, 0.91200, 0.92477, 0.93425, 0.94223, 0.94855, 0.95801];
const CALIBRATED: readonly number[] = [0.00, 10.00, 15.23, 20.00, 25.23, 30.00, 35.23, 40.00];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 631.33;

export const calibrateFaceScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
