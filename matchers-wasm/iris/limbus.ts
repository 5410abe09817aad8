// Stage 2: the iris's outer boundary (limbus), by the integro-differential operator on two
// lateral arcs (the eyelids cover the top and bottom of most irises): first concentric with
// the pupil over the whole anatomical range (search-ranges.ts) for an iris-radius estimate,
// then centres near the pupil's within a share of the estimate: a 2-px grid, then the 1-px
// neighbours of the best. The search runs twice: pooled (the mean over both arcs) and
// two-sided (the weaker arc's jump, circles.ts); a strong edge on one side only (a lid
// corner, lashes, the eye corner of a narrowed eye) can pull the pooled radius off, never the
// two-sided one, which in turn is noisier (half the samples). When the two radii disagree by
// more than IRIS_SIDES_DISAGREE_SHARE, the two-sided answer is taken.
import { bestRadius, edgeStrength, pooledEdgeStrength, useLateralArcs } from './circles';
import { pupilX, pupilY, pupilRadius } from './pupil';
import { irisMinRadius, irisMaxRadius, setIrisRange } from './search-ranges';
import { IRIS_MIN_RING, IRIS_CENTRE_SHARE, IRIS_CENTRE_MIN, IRIS_RADIUS_REFINE_IN, IRIS_RADIUS_REFINE_OUT, IRIS_ARC_UP, IRIS_ARC_DOWN, IRIS_ARC_SAMPLES, IRIS_EDGE_SPAN, IRIS_FIRST_EDGE_SHARE, IRIS_TWO_SIDED, IRIS_SIDES_DISAGREE_SHARE, MIN_IRIS_RADIUS_PX } from './params';

export let irisX: f32 = 0;
export let irisY: f32 = 0;
export let irisRadius: f32 = 0;
/** Edge strength of the limbus found (gray levels, pooled over both arcs): a quality input
 *  (iris–sclera contrast) and the eyelid search's reference. */
export let limbusEdge: f32 = 0;

// the current search's best circle and its score (pooled or two-sided edge strength)
let bestX: f32 = 0, bestY: f32 = 0, bestR: f32 = 0, bestScore: f32 = 0, bestPooled: f32 = 0;

export function findLimbus(): bool {
  irisRadius = 0;
  limbusEdge = 0;
  if (!setIrisRange(pupilRadius)) return false;
  useLateralArcs(IRIS_ARC_UP, IRIS_ARC_DOWN, IRIS_ARC_SAMPLES);
  if (!search(false)) return false;
  irisX = bestX; irisY = bestY; irisRadius = bestR; limbusEdge = bestPooled;
  if (!IRIS_TWO_SIDED || !search(true)) return true;
  if (Mathf.abs(bestR - irisRadius) > IRIS_SIDES_DISAGREE_SHARE * irisRadius && bestR >= MIN_IRIS_RADIUS_PX) {
    irisX = bestX; irisY = bestY; irisRadius = bestR; limbusEdge = bestPooled;
  }
  return true;
}

/** One limbus search (pooled or two-sided) into best*; false when pass 1 finds no edge. */
function search(twoSided: bool): bool {
  bestR = 0; bestScore = 0; bestPooled = 0;
  // pass 1: concentric with the pupil, over the whole range: the iris radius estimate
  tryCentre(pupilX, pupilY, irisMinRadius, irisMaxRadius, twoSided);
  if (bestR == 0) return false;
  // pass 2: centres near the pupil's, within a share of the estimate (offsets scale with the
  // iris; pass 1 tried the pupil centre itself), radii near the estimate
  const low = max(irisMinRadius, <i32>((<f32>1 - IRIS_RADIUS_REFINE_IN) * bestR));
  const high = min(irisMaxRadius, <i32>((<f32>1 + IRIS_RADIUS_REFINE_OUT) * bestR) + 1);
  const reach = max(IRIS_CENTRE_MIN, <i32>(IRIS_CENTRE_SHARE * bestR));
  for (let dy = -reach; dy <= reach; dy += 2) {
    for (let dx = -reach; dx <= reach; dx += 2) {
      if (dx != 0 || dy != 0) tryCentre(pupilX + <f32>dx, pupilY + <f32>dy, low, high, twoSided);
    }
  }
  const cx = bestX, cy = bestY;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx != 0 || dy != 0) tryCentre(cx + <f32>dx, cy + <f32>dy, low, high, twoSided);
  return true;
}

function tryCentre(cx: f32, cy: f32, low: i32, high: i32, twoSided: bool): void {
  // the pupil must lie inside the iris with room for the ring
  const offset = Mathf.sqrt((cx - pupilX) * (cx - pupilX) + (cy - pupilY) * (cy - pupilY));
  const r = bestRadius(cx, cy, max(low, <i32>Mathf.ceil(offset + pupilRadius) + IRIS_MIN_RING), high, IRIS_EDGE_SPAN, IRIS_FIRST_EDGE_SHARE, 256, twoSided);
  if (r > 0 && edgeStrength > bestScore) { bestScore = edgeStrength; bestPooled = pooledEdgeStrength; bestX = cx; bestY = cy; bestR = <f32>r; }
}
