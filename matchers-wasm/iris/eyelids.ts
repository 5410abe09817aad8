// Stage 4b: eyelid curves and the occlusion they cause. Each lid is a parabola in the image,
// y = v ± k·(x − xv)² (upper lid arching up, lower lid down), found as Daugman found his
// arcuate lids: the curve along which the gray changes most between skin (bright, outside the
// eye opening) and iris (dark), over the iris's width. A lid that does not cross the iris has
// no such edge inside the iris circle, and none is kept (its edge must reach a share of the
// limbus's). Samples of the normalised iris beyond a lid curve (plus a margin for the lid's
// lash line) are masked; in a band under the upper lid, lash-dark samples are masked at a
// tighter threshold than elsewhere (lashes hang there). The per-column rule of occlusion.ts
// still runs: the curve masks the columns where the lid's edge is iris-gray.
import { boundarySample } from './image';
import { pupilX, pupilY, pupilRadius } from './pupil';
import { irisX, irisY, irisRadius, limbusEdge } from './limbus';
import { sheetX, sheetY } from './rubber-sheet';
import { usable, ringMedian, ringSpread } from './occlusion';
import {
  NORM_RADIAL, NORM_ANGULAR, MAX_IMAGE_SIDE, IRIS_EDGE_SPAN, LID_FIRST_EDGE_SHARE, LID_CURVE, LID_APEX_SHIFT_SHARE, LID_CURVATURES, LID_SAMPLES,
  LID_WIDTH_SHARE, LID_MIN_EDGE_SHARE, LID_MARGIN_SHARE, LASH_BAND_SHARE, LASH_DARK_SPREADS,
} from './params';

/** Lids found by the last maskEyelids call: apex row v and x, curvature k (px⁻¹); k < 0 = none. */
export let upperV: f32 = 0;
export let upperX: f32 = 0;
export let upperK: f32 = -1;
export let lowerV: f32 = 0;
export let lowerX: f32 = 0;
export let lowerK: f32 = -1;

/** 1 = masked by a lid curve (with its margin) in the last maskEyelids call (bright-islands.ts). */
export const lidFound = new StaticArray<u8>(NORM_RADIAL * NORM_ANGULAR);

let foundV: f32 = 0;
let foundX: f32 = 0;
let foundK: f32 = -1;

export function maskEyelids(): void {
  upperK = -1; lowerK = -1;
  for (let k = 0; k < NORM_RADIAL * NORM_ANGULAR; k++) unchecked(lidFound[k] = 0);
  if (!LID_CURVE) return;
  // upper lid: apex between the top of the iris and just above the pupil's centre
  findLid(-1, irisY - irisRadius, pupilY - 0.5 * pupilRadius);
  upperV = foundV; upperX = foundX; upperK = foundK;
  // lower lid: apex between just below the pupil's centre and the bottom of the iris
  findLid(1, pupilY + 0.5 * pupilRadius, irisY + irisRadius);
  lowerV = foundV; lowerX = foundX; lowerK = foundK;
  const margin = LID_MARGIN_SHARE * irisRadius, band = LASH_BAND_SHARE * irisRadius;
  const lashLow = ringMedian - LASH_DARK_SPREADS * ringSpread;
  for (let k = 0; k < NORM_RADIAL * NORM_ANGULAR; k++) {
    const x = unchecked(sheetX[k]), y = unchecked(sheetY[k]);
    if (upperK >= 0) {
      const edge = upperV + upperK * (x - upperX) * (x - upperX);
      if (y < edge + margin) { unchecked(usable[k] = 0); unchecked(lidFound[k] = 1); }
      else if (LASH_DARK_SPREADS > 0 && y < edge + band) {
        const v = sampleDark(x, y);
        if (v >= 0 && v < lashLow) unchecked(usable[k] = 0);
      }
    }
    if (lowerK >= 0) {
      const edge = lowerV - lowerK * (x - lowerX) * (x - lowerX);
      if (y > edge - margin) { unchecked(usable[k] = 0); unchecked(lidFound[k] = 1); }
    }
  }
}

// @ts-ignore: decorator
@inline function sampleDark(x: f32, y: f32): f32 { return boundarySample(x, y); }

/** Best edge per apex row (over apex x and curvature), and its x and curvature. */
const rowEdge = new StaticArray<f32>(MAX_IMAGE_SIDE + 1);
const rowX = new StaticArray<f32>(MAX_IMAGE_SIDE + 1);
const rowK = new StaticArray<f32>(MAX_IMAGE_SIDE + 1);

/**
 * The lid parabola with apex row in [vFrom, vTo] (rows, px) where the gray steps from skin (on
 * the `side` away from the pupil: −1 above, +1 below) to iris: the innermost row (nearest the
 * pupil) whose step is a local maximum of at least LID_FIRST_EDGE_SHARE of the strongest — the
 * lid margin is a ramp (lashes, then lid rim, then skin) and the iris ends at its first step.
 * Sets found*; foundK −1 when no step reaches LID_MIN_EDGE_SHARE of the limbus's edge.
 */
function findLid(side: i32, vFrom: f32, vTo: f32): void {
  foundK = -1;
  const first = max<i32>(0, <i32>vFrom), last = min<i32>(MAX_IMAGE_SIDE, <i32>vTo);
  if (last <= first) return;
  const shift = max<i32>(1, <i32>(LID_APEX_SHIFT_SHARE * irisRadius));
  const halfWidth = LID_WIDTH_SHARE * irisRadius;
  const r2 = irisRadius * irisRadius;
  const pupilClear = pupilRadius + <f32>2.0 * <f32>IRIS_EDGE_SPAN, pupilClear2 = pupilClear * pupilClear;
  let strongest: f32 = 0;
  for (let v = first; v <= last; v++) {
    unchecked(rowEdge[v] = 0);
    for (let c = 0; c < LID_CURVATURES; c++) {
      // curvature 1/(2ρ) for lid radii ρ of 1.5, 2.5, 3.5 … iris radii (flatter as c grows)
      const k: f32 = <f32>1.0 / (<f32>2.0 * irisRadius * (<f32>1.5 + <f32>c));
      for (let dx = -shift; dx <= shift; dx += max<i32>(1, shift / 3)) {
        const xv = irisX + <f32>dx;
        let sum: f32 = 0, n = 0;
        for (let s = 0; s < LID_SAMPLES; s++) {
          const x = irisX - halfWidth + 2 * halfWidth * (<f32>s + 0.5) / <f32>LID_SAMPLES;
          const y = <f32>v - <f32>side * k * (x - xv) * (x - xv);
          // only where the curve crosses the iris: above the iris the sclera-to-skin step is no lid
          if ((x - irisX) * (x - irisX) + (y - irisY) * (y - irisY) > r2) continue;
          // nor near the pupil: its edge is a dark-to-bright step too
          if ((x - pupilX) * (x - pupilX) + (y - pupilY) * (y - pupilY) < pupilClear2) continue;
          let step: f32 = 0, m = 0;
          for (let d = 1; d <= IRIS_EDGE_SPAN; d++) {
            const skin = boundarySample(x, y + <f32>(side * d)), iris = boundarySample(x, y - <f32>(side * d));
            if (skin < 0 || iris < 0) continue;
            step += skin - iris; m++;
          }
          if (m > 0) { sum += step / <f32>m; n++; }
        }
        if (2 * n < LID_SAMPLES) continue; // the curve must cross half the iris's width
        const edge = sum / <f32>n;
        if (edge > unchecked(rowEdge[v])) { unchecked(rowEdge[v] = edge); unchecked(rowX[v] = xv); unchecked(rowK[v] = k); }
      }
    }
    strongest = max(strongest, unchecked(rowEdge[v]));
  }
  const bar = max(LID_FIRST_EDGE_SHARE * strongest, LID_MIN_EDGE_SHARE * limbusEdge);
  if (strongest <= 0 || strongest < LID_MIN_EDGE_SHARE * limbusEdge) return;
  // innermost first: from the pupil outwards (upper lid: rows upwards; lower lid: downwards)
  for (let k = 0; k <= last - first; k++) {
    const v = side < 0 ? last - k : first + k;
    const e = unchecked(rowEdge[v]);
    const peak = (v == first || e >= unchecked(rowEdge[v - 1])) && (v == last || e >= unchecked(rowEdge[v + 1]));
    if (peak && e >= bar) { foundV = <f32>v; foundX = unchecked(rowX[v]); foundK = unchecked(rowK[v]); return; }
  }
}
