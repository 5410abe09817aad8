// Stage 7: minutia detection on the skeleton by the crossing number (transitions around the
// pixel: 1 = ridge ending, 3 = bifurcation), inside the mask. Each candidate's direction is
// the ridge orientation at its block, its sense taken from the traced ridge, as ISO/IEC
// 19794-2 has it: an ending points from its tip back along its ridge; a bifurcation points
// from the fork into the valley between its two branches (away from its stem). So an ending
// that pressure turns into a bifurcation keeps its direction. Angles are radians
// counter-clockwise from the x axis with y pointing down. (Checked against the commercial
// extractor's ISO templates of FVC2002 DB1: the opposite sense scores genuine pairs 8× lower.)
import { BLOCK, BLOCK_SHIFT, MAX_CANDIDATES, DIRECTION_TRACE_PERIODS } from './params';
import { W, H, BW, BH, SW, SH, labelPtr, maskPtr, orientPtr, periodPtr, coherencePtr, borderDistPtr, candidatesPtr, CANDIDATE_FLOATS } from './scratch';
import { neighbourCode } from './thinning';
import { DX, DY, trace, traceEnd, isSet } from './skeleton';

export const TYPE_ENDING: f32 = 1;
export const TYPE_BIFURCATION: f32 = 2;
// Candidate record fields (f32 each).
export const F_X: i32 = 0;
export const F_Y: i32 = 1;
export const F_ANGLE: i32 = 2;
export const F_TYPE: i32 = 3;
export const F_QUALITY: i32 = 4;
/** 0 = kept, else the removal stage (filters.ts STAGE_*). */
export const F_REMOVED: i32 = 5;
/** The local ridge period, px. */
export const F_PERIOD: i32 = 6;
/** The candidate's pixel index in the skeleton plane. */
export const F_PIXEL: i32 = 7;

export let candidateCount: i32 = 0;
/** True when detection stopped at MAX_CANDIDATES (a noise image). */
export let candidatesOverflow: bool = false;

// @ts-ignore: decorator
@inline export function field(c: i32, f: i32): f32 { return load<f32>(candidatesPtr + (<usize>(c * CANDIDATE_FLOATS + f) << 2)); }
// @ts-ignore: decorator
@inline export function setField(c: i32, f: i32, v: f32): void { store<f32>(candidatesPtr + (<usize>(c * CANDIDATE_FLOATS + f) << 2), v); }

/** Transitions 0 → 1 around the neighbour code (the crossing number). */
export function transitions(code: i32): i32 {
  let a = 0;
  for (let k = 0; k < 8; k++) if (((code >> k) & 1) == 0 && ((code >> ((k + 1) & 7)) & 1) == 1) a++;
  return a;
}

const branchX = new StaticArray<f32>(3);
const branchY = new StaticArray<f32>(3);

/** The traced direction (image axes) of a candidate in the ISO sense, into dirX/dirY. */
let dirX: f32 = 0;
let dirY: f32 = 0;
function tracedDirection(i: i32, isEnding: bool, steps: i32): void {
  const x = i % SW, y = i / SW;
  const code = neighbourCode(i);
  let nb = 0;
  for (let k = 0; k < 8 && nb < 3; k++) {
    // One start per run of set neighbours: the first set bit after an unset one.
    if (((code >> k) & 1) == 1 && ((code >> ((k + 7) & 7)) & 1) == 0) {
      const q = i + unchecked(DY[k]) * SW + unchecked(DX[k]);
      trace(i, q, steps);
      const ex = <f32>(traceEnd % SW - x), ey = <f32>(traceEnd / SW - y);
      const len = Mathf.sqrt(ex * ex + ey * ey);
      branchX[nb] = len > 0 ? ex / len : 0;
      branchY[nb] = len > 0 ? ey / len : 0;
      nb++;
    }
  }
  if (isEnding || nb < 3) {
    dirX = branchX[0]; dirY = branchY[0];
    return;
  }
  // The two branches closest in direction form the fork; the third is the stem.
  let stem = 0, best: f32 = -2;
  for (let k = 0; k < 3; k++) {
    const a = (k + 1) % 3, b = (k + 2) % 3;
    const dot = branchX[a] * branchX[b] + branchY[a] * branchY[b];
    if (dot > best) { best = dot; stem = k; }
  }
  dirX = -branchX[stem]; dirY = -branchY[stem];
}

/** Ridge orientation at pixel (x, y): the block field interpolated bilinearly in the doubled-angle domain. */
function orientationAt(x: f32, y: f32): f32 {
  const fx = x / <f32>BLOCK - 0.5, fy = y / <f32>BLOCK - 0.5;
  const x0 = min(BW - 1, max(0, <i32>Mathf.floor(fx))), y0 = min(BH - 1, max(0, <i32>Mathf.floor(fy)));
  const x1 = min(BW - 1, x0 + 1), y1 = min(BH - 1, y0 + 1);
  const ax = min<f32>(1, max<f32>(0, fx - <f32>x0)), ay = min<f32>(1, max<f32>(0, fy - <f32>y0));
  let c: f32 = 0, s: f32 = 0;
  for (let k = 0; k < 4; k++) {
    const bx = (k & 1) != 0 ? x1 : x0, by = (k & 2) != 0 ? y1 : y0;
    const w = ((k & 1) != 0 ? ax : 1 - ax) * ((k & 2) != 0 ? ay : 1 - ay);
    const t: f32 = <f32>2 * load<f32>(orientPtr + (<usize>(by * BW + bx) << 2));
    c += w * Mathf.cos(t); s += w * Mathf.sin(t);
  }
  let theta: f32 = <f32>0.5 * Mathf.atan2(s, c);
  if (theta < 0) theta += Mathf.PI;
  return theta;
}

function addCandidate(i: i32, type: f32): void {
  if (candidateCount >= MAX_CANDIDATES) { candidatesOverflow = true; return; }
  const c = candidateCount++;
  const x = i % SW, y = i / SW;
  const b = (y >> BLOCK_SHIFT) * BW + (x >> BLOCK_SHIFT);
  setField(c, F_X, <f32>x);
  setField(c, F_Y, <f32>y);
  setField(c, F_TYPE, type);
  setField(c, F_REMOVED, 0);
  setField(c, F_PERIOD, load<f32>(periodPtr + (<usize>b << 2)));
  setField(c, F_PIXEL, <f32>i);
  setField(c, F_QUALITY, 0);
  setField(c, F_ANGLE, 0);
  store<u16>(labelPtr + (<usize>i << 1), <u16>(c + 1));
}

/** Direction and quality of every candidate (after all are labelled, so traces stop at them). */
function describe(c: i32): void {
  const i = <i32>field(c, F_PIXEL);
  const x = i % SW, y = i / SW;
  const b = (y >> BLOCK_SHIFT) * BW + (x >> BLOCK_SHIFT);
  const period = field(c, F_PERIOD);
  tracedDirection(i, field(c, F_TYPE) == TYPE_ENDING, max(2, <i32>(DIRECTION_TRACE_PERIODS * period)));
  const theta = orientationAt(<f32>x, <f32>y);
  let ux = Mathf.cos(theta), uy = Mathf.sin(theta);
  if (ux * dirX + uy * dirY < 0) { ux = -ux; uy = -uy; }
  let angle = Mathf.atan2(-uy, ux); // y down → counter-clockwise on screen
  if (angle < 0) angle += 2 * Mathf.PI;
  if (angle >= 2 * Mathf.PI) angle -= 2 * Mathf.PI;
  setField(c, F_ANGLE, angle);
  const coherence = load<f32>(coherencePtr + (<usize>b << 2));
  const border = load<f32>(borderDistPtr + (<usize>b << 2));
  // Clear, parallel ridges and room around the minutia make it likely to be found again.
  const q: f32 = <f32>100 * coherence * min<f32>(1, <f32>0.5 + border / (<f32>8 * period));
  setField(c, F_QUALITY, min<f32>(100, max<f32>(1, q)));
}

export function detect(): i32 {
  candidateCount = 0;
  candidatesOverflow = false;
  memory.fill(labelPtr, 0, <usize>(SW * SH) << 1);
  for (let y = 1; y < H - 1 && !candidatesOverflow; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * SW + x;
      if (!isSet(i)) continue;
      if (load<u8>(maskPtr + <usize>((y >> BLOCK_SHIFT) * BW + (x >> BLOCK_SHIFT))) == 0) continue;
      const a = transitions(neighbourCode(i));
      if (a == 1) addCandidate(i, TYPE_ENDING);
      else if (a == 3) addCandidate(i, TYPE_BIFURCATION);
    }
  }
  for (let c = 0; c < candidateCount; c++) describe(c);
  return candidateCount;
}
