// Stage 2: the iris's outer boundary (limbus), by the integro-differential operator on two
// lateral arcs (the eyelids cover the top and bottom of most irises), centres near the
// pupil's: a 2-px grid first, then the 1-px neighbours of the best.
import { bestRadius, edgeStrength, useLateralArcs } from './circles';
import { pupilX, pupilY, pupilRadius } from './pupil';
import { IRIS_MIN_RADIUS, IRIS_MAX_RADIUS, IRIS_MIN_RING, IRIS_CENTRE_SEARCH, IRIS_ARC_UP, IRIS_ARC_DOWN, IRIS_ARC_SAMPLES, IRIS_EDGE_SPAN, IRIS_FIRST_EDGE_SHARE, MAX_PUPIL_IRIS_RATIO } from './params';

export let irisX: f32 = 0;
export let irisY: f32 = 0;
export let irisRadius: f32 = 0;
let bestEdge: f32 = 0;

export function findLimbus(): bool {
  useLateralArcs(IRIS_ARC_UP, IRIS_ARC_DOWN, IRIS_ARC_SAMPLES);
  const minRadius = max(max(IRIS_MIN_RADIUS, <i32>pupilRadius + IRIS_MIN_RING), <i32>Mathf.ceil(pupilRadius / MAX_PUPIL_IRIS_RATIO));
  bestEdge = 0;
  irisRadius = 0;
  for (let dy = -IRIS_CENTRE_SEARCH; dy <= IRIS_CENTRE_SEARCH; dy += 2) {
    for (let dx = -IRIS_CENTRE_SEARCH; dx <= IRIS_CENTRE_SEARCH; dx += 2) {
      tryCentre(pupilX + <f32>dx, pupilY + <f32>dy, minRadius);
    }
  }
  if (irisRadius == 0) return false;
  const cx = irisX, cy = irisY;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx != 0 || dy != 0) tryCentre(cx + <f32>dx, cy + <f32>dy, minRadius);
  return true;
}

function tryCentre(cx: f32, cy: f32, minRadius: i32): void {
  // the pupil must lie inside the iris with room for the ring
  const offset = Mathf.sqrt((cx - pupilX) * (cx - pupilX) + (cy - pupilY) * (cy - pupilY));
  const r = bestRadius(cx, cy, max(minRadius, <i32>Mathf.ceil(offset + pupilRadius) + IRIS_MIN_RING), IRIS_MAX_RADIUS, IRIS_EDGE_SPAN, IRIS_FIRST_EDGE_SHARE);
  if (r > 0 && edgeStrength > bestEdge) { bestEdge = edgeStrength; irisX = cx; irisY = cy; irisRadius = <f32>r; }
}
