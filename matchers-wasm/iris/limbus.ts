// Stage 2: the iris's outer boundary (limbus), by the integro-differential operator on two
// lateral arcs (the eyelids cover the top and bottom of most irises): first concentric with
// the pupil over the whole anatomical range (search-ranges.ts) for an iris-radius estimate,
// then centres near the pupil's within a share of the estimate: a 2-px grid, then the 1-px
// neighbours of the best.
import { bestRadius, edgeStrength, useLateralArcs } from './circles';
import { pupilX, pupilY, pupilRadius } from './pupil';
import { irisMinRadius, irisMaxRadius, setIrisRange } from './search-ranges';
import { IRIS_MIN_RING, IRIS_CENTRE_SHARE, IRIS_CENTRE_MIN, IRIS_RADIUS_REFINE_IN, IRIS_RADIUS_REFINE_OUT, IRIS_ARC_UP, IRIS_ARC_DOWN, IRIS_ARC_SAMPLES, IRIS_EDGE_SPAN, IRIS_FIRST_EDGE_SHARE } from './params';

export let irisX: f32 = 0;
export let irisY: f32 = 0;
export let irisRadius: f32 = 0;
/** Edge strength of the limbus found (gray levels): a quality input (iris–sclera contrast). */
export let limbusEdge: f32 = 0;

export function findLimbus(): bool {
  irisRadius = 0;
  limbusEdge = 0;
  if (!setIrisRange(pupilRadius)) return false;
  useLateralArcs(IRIS_ARC_UP, IRIS_ARC_DOWN, IRIS_ARC_SAMPLES);
  // pass 1: concentric with the pupil, over the whole range: the iris radius estimate
  tryCentre(pupilX, pupilY, irisMinRadius, irisMaxRadius);
  if (irisRadius == 0) return false;
  // pass 2: centres near the pupil's, within a share of the estimate (offsets scale with the
  // iris; pass 1 tried the pupil centre itself), radii near the estimate
  const low = max(irisMinRadius, <i32>((<f32>1 - IRIS_RADIUS_REFINE_IN) * irisRadius));
  const high = min(irisMaxRadius, <i32>((<f32>1 + IRIS_RADIUS_REFINE_OUT) * irisRadius) + 1);
  const search = max(IRIS_CENTRE_MIN, <i32>(IRIS_CENTRE_SHARE * irisRadius));
  for (let dy = -search; dy <= search; dy += 2) {
    for (let dx = -search; dx <= search; dx += 2) {
      if (dx != 0 || dy != 0) tryCentre(pupilX + <f32>dx, pupilY + <f32>dy, low, high);
    }
  }
  const cx = irisX, cy = irisY;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx != 0 || dy != 0) tryCentre(cx + <f32>dx, cy + <f32>dy, low, high);
  return true;
}

function tryCentre(cx: f32, cy: f32, low: i32, high: i32): void {
  // the pupil must lie inside the iris with room for the ring
  const offset = Mathf.sqrt((cx - pupilX) * (cx - pupilX) + (cy - pupilY) * (cy - pupilY));
  const r = bestRadius(cx, cy, max(low, <i32>Mathf.ceil(offset + pupilRadius) + IRIS_MIN_RING), high, IRIS_EDGE_SPAN, IRIS_FIRST_EDGE_SHARE);
  if (r > 0 && edgeStrength > limbusEdge) { limbusEdge = edgeStrength; irisX = cx; irisY = cy; irisRadius = <f32>r; }
}
