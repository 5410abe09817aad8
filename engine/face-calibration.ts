/**
 * Maps the face cosine (int8 codes, engine/face/) to the engine's score scale, −10·log10(FMR).
 *
 * Fitted by `npx tsx bench/face-calibrate-halves.ts --set <data>/face/orl --set <data>/face/yale`
 * on the 22,311 within-set impostor comparisons of identity half A (ORL s1–s20, Yale subjects
 * 01–08; identities in sorted order), pooled — one calibration for both capture conditions,
 * never one per set (pairs across sets are left out: across two capture processes impostors are
 * easier than in any real gallery). Knots at FMR 1e-1 … down to where at least 5 impostors
 * remain, linear between them; past the last knot the impostor tail is taken as exponential,
 * slope fitted over the top 1 % of those impostors. Checked on half B (21,541 impostors):
 * 0.14 % at ≥ 20 and 0.005 % (1) at ≥ 30 — half B's impostors are easier than half A's, so on
 * these sets the scale is conservative (fewer false matches than it states); on all 90,551
 * within-set impostors 0.69 % / 0.14 %. Two small, easy sets of 55 people: refit on a larger,
 * harder set (web photos, harsh light) before relying on scores above ≈ 30, and whenever the
 * model or the pipeline changes (last refit, session 7: int8 ResNet with MSE-clipped
 * activations, detector at 128 px on a 0.25-padded canvas, both landmark passes on the tiny net,
 * chip gamma 0.6, mirrored pass on — engine/face/params.ts; the knots moved by < 0.002 in
 * cosine from session 6's fit, docs/face-speed.md §10).
 */
import { piecewiseCalibration } from './score-calibration.ts';

const RAW: readonly number[] = [0.00000, 0.79276, 0.82773, 0.85353, 0.86905, 0.88344, 0.89207, 0.90364, 0.91963, 0.92833, 0.93468, 0.93848, 0.94608];
const CALIBRATED: readonly number[] = [0.00, 0.04, 0.46, 1.55, 3.01, 5.23, 6.99, 10.00, 15.23, 20.00, 25.23, 30.00, 35.23];
/** Score units per raw unit past the last knot. */
const TAIL_SLOPE = 969.29;

export const calibrateFaceScore: (raw: number) => number = piecewiseCalibration({ raw: RAW, calibrated: CALIBRATED, tailSlope: TAIL_SLOPE });
