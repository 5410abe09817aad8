// Stage 8: false-minutia removal, one named stage at a time; each removed candidate keeps the
// stage that removed it (F_REMOVED), so the host can show the minutiae before and after each
// step. Lengths are in local ridge periods.
//   1 spur        an ending joined to a bifurcation by a short ridge (a hair on a ridge)
//   2 fragment    two endings joined by a short ridge (a dot or a short island)
//   3 bridge      two bifurcations joined by a short ridge (a bridge between ridges, a pore or small hole)
//   4 border      near the mask's edge or the image's, where ridges are cut, not ended
//   5 break       two endings facing each other across a small gap along the ridge (one broken ridge)
//   6 cluster     two minutiae closer than real ones ever are (noise)
import { BLOCK, SPUR_PERIODS, SHORT_RIDGE_PERIODS, BRIDGE_PERIODS, BORDER_PERIODS, BREAK_PERIODS, BREAK_ANGLE_TOLERANCE, CLUSTER_PERIODS } from './params';
import { W, H, BW, BH, SW, borderDistPtr } from './scratch';
import { candidateCount, field, setField, F_X, F_Y, F_ANGLE, F_TYPE, F_REMOVED, F_PERIOD, F_PIXEL, TYPE_ENDING } from './minutiae';
import { neighbourCode } from './thinning';
import { DX, DY, trace, traceHit } from './skeleton';

export const STAGE_SPUR: f32 = 1;
export const STAGE_FRAGMENT: f32 = 2;
export const STAGE_BRIDGE: f32 = 3;
export const STAGE_BORDER: f32 = 4;
export const STAGE_BREAK: f32 = 5;
export const STAGE_CLUSTER: f32 = 6;
export const STAGE_COUNT: i32 = 6;

// @ts-ignore: decorator
@inline function kept(c: i32): bool { return field(c, F_REMOVED) == 0; }
function remove(c: i32, stage: f32): void { if (kept(c)) setField(c, F_REMOVED, stage); }

/** Traces every branch of candidate c far enough for the spur, fragment and bridge tests. */
function structural(c: i32): void {
  const i = <i32>field(c, F_PIXEL);
  const period = field(c, F_PERIOD);
  const isEnding = field(c, F_TYPE) == TYPE_ENDING;
  const reach = isEnding ? max(SPUR_PERIODS, SHORT_RIDGE_PERIODS) : BRIDGE_PERIODS;
  const maxSteps = <i32>Mathf.ceil(reach * period);
  const code = neighbourCode(i);
  for (let k = 0; k < 8; k++) {
    if (((code >> k) & 1) == 0 || ((code >> ((k + 7) & 7)) & 1) == 1) continue;
    const steps = <f32>trace(i, i + unchecked(DY[k]) * SW + unchecked(DX[k]), maxSteps);
    if (traceHit == 0) continue;
    const other = traceHit - 1;
    if (other == c) continue;
    const otherEnding = field(other, F_TYPE) == TYPE_ENDING;
    if (isEnding && !otherEnding && steps <= SPUR_PERIODS * period) { remove(c, STAGE_SPUR); remove(other, STAGE_SPUR); }
    else if (isEnding && otherEnding && steps <= SHORT_RIDGE_PERIODS * period) { remove(c, STAGE_FRAGMENT); remove(other, STAGE_FRAGMENT); }
    else if (!isEnding && !otherEnding && steps <= BRIDGE_PERIODS * period) { remove(c, STAGE_BRIDGE); remove(other, STAGE_BRIDGE); }
  }
}

/** Distance to the background at pixel (x, y), px: the block field interpolated bilinearly. */
function borderDistanceAt(x: f32, y: f32): f32 {
  const fx = x / <f32>BLOCK - 0.5, fy = y / <f32>BLOCK - 0.5;
  const x0 = min(BW - 1, max(0, <i32>Mathf.floor(fx))), y0 = min(BH - 1, max(0, <i32>Mathf.floor(fy)));
  const x1 = min(BW - 1, x0 + 1), y1 = min(BH - 1, y0 + 1);
  const ax = min<f32>(1, max<f32>(0, fx - <f32>x0)), ay = min<f32>(1, max<f32>(0, fy - <f32>y0));
  const d00 = load<f32>(borderDistPtr + (<usize>(y0 * BW + x0) << 2)), d10 = load<f32>(borderDistPtr + (<usize>(y0 * BW + x1) << 2));
  const d01 = load<f32>(borderDistPtr + (<usize>(y1 * BW + x0) << 2)), d11 = load<f32>(borderDistPtr + (<usize>(y1 * BW + x1) << 2));
  // The field is measured between block centres: half a block less reaches the mask's edge.
  const toMask = (d00 * (1 - ax) + d10 * ax) * (1 - ay) + (d01 * (1 - ax) + d11 * ax) * ay - 0.5 * <f32>BLOCK;
  // The last blocks may overhang the image: its own edge can be nearer.
  const toEdge = min(min(x + 1, <f32>W - x), min(y + 1, <f32>H - y));
  return min(toMask, toEdge);
}

/** Smallest absolute difference of two angles, radians in [0, π]. */
function angleGap(a: f32, b: f32): f32 {
  let d = Mathf.abs(a - b);
  while (d > 2 * Mathf.PI) d -= 2 * Mathf.PI;
  return d > Mathf.PI ? 2 * Mathf.PI - d : d;
}

function breaks(): void {
  for (let a = 0; a < candidateCount; a++) {
    if (!kept(a) || field(a, F_TYPE) != TYPE_ENDING) continue;
    for (let b = a + 1; b < candidateCount; b++) {
      if (!kept(b) || field(b, F_TYPE) != TYPE_ENDING) continue;
      const dx = field(b, F_X) - field(a, F_X), dy = field(b, F_Y) - field(a, F_Y);
      const period = 0.5 * (field(a, F_PERIOD) + field(b, F_PERIOD));
      const d = Mathf.sqrt(dx * dx + dy * dy);
      if (d >= BREAK_PERIODS * period) continue;
      const angleA = field(a, F_ANGLE), angleB = field(b, F_ANGLE);
      if (angleGap(angleA, angleB) < Mathf.PI - BREAK_ANGLE_TOLERANCE) continue;
      // The gap runs along A's ridge: A's direction points back into its ridge, away from B (ISO angles: y up).
      if (d > 0 && angleGap(Mathf.atan2(dy, -dx), angleA) > BREAK_ANGLE_TOLERANCE) continue;
      remove(a, STAGE_BREAK); remove(b, STAGE_BREAK);
    }
  }
}

function clusters(): void {
  for (let a = 0; a < candidateCount; a++) {
    if (field(a, F_REMOVED) != 0 && field(a, F_REMOVED) != STAGE_CLUSTER) continue;
    for (let b = a + 1; b < candidateCount; b++) {
      if (field(b, F_REMOVED) != 0 && field(b, F_REMOVED) != STAGE_CLUSTER) continue;
      const dx = field(b, F_X) - field(a, F_X), dy = field(b, F_Y) - field(a, F_Y);
      const limit = CLUSTER_PERIODS * 0.5 * (field(a, F_PERIOD) + field(b, F_PERIOD));
      if (dx * dx + dy * dy < limit * limit) { remove(a, STAGE_CLUSTER); remove(b, STAGE_CLUSTER); }
    }
  }
}

/** Runs the stages in order; returns the number of minutiae kept. */
export function removeFalseMinutiae(): i32 {
  for (let c = 0; c < candidateCount; c++) structural(c);
  for (let c = 0; c < candidateCount; c++) {
    if (borderDistanceAt(field(c, F_X), field(c, F_Y)) < BORDER_PERIODS * field(c, F_PERIOD)) remove(c, STAGE_BORDER);
  }
  breaks();
  clusters();
  let n = 0;
  for (let c = 0; c < candidateCount; c++) if (kept(c)) n++;
  return n;
}
