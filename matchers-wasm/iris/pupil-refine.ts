// Stage 1b: the pupil circle re-searched around itself. The blob the pupil stage grows from its
// seed can cover only part of a live pupil (a reflection on its edge, a gradient inside it),
// and its centroid then sits off-centre with a radius bound too small: the circle search finds
// an arc of the true edge from a wrong centre (MMU1: r 7–10 px circles inside 14–19 px pupils).
// Here centres within a share of the found radius and radii from a share below it to a share
// above it are searched again with the same edge rules (innermost strong rise, dark inside),
// and the circle whose edge × rising share² is best is kept — so a circle already right stays.
import { bestRadius, edgeStrength, risingShare, useFullCircle } from './circles';
import { pupilMinRadius, pupilMaxRadius } from './search-ranges';
import { PUPIL_ARC_SAMPLES, PUPIL_EDGE_SPAN, PUPIL_FIRST_EDGE_SHARE, PUPIL_REFINE_ROUNDS, PUPIL_REFINE_CENTRE_SHARE, PUPIL_REFINE_RADIUS_LOW, PUPIL_REFINE_RADIUS_HIGH } from './params';

let bestX: f32 = 0;
let bestY: f32 = 0;
let bestR: f32 = 0;
let bestScore: f32 = 0;
let bestEdge: f32 = 0;
let bestRising: f32 = 0;
let innerLimit: f32 = 256;
let low: i32 = 0;
let high: i32 = 0;

/** Refines (x, y, r) in place through the refinedX/Y/R exports; returns true when it moved. */
export let refinedX: f32 = 0;
export let refinedY: f32 = 0;
export let refinedR: f32 = 0;
export let refinedEdge: f32 = 0;
export let refinedRising: f32 = 0;

export function refinePupil(x: f32, y: f32, r: f32, edge: f32, rising: f32, maxInnerGray: f32): bool {
  refinedX = x; refinedY = y; refinedR = r; refinedEdge = edge; refinedRising = rising;
  if (PUPIL_REFINE_ROUNDS <= 0) return false;
  useFullCircle(PUPIL_ARC_SAMPLES);
  innerLimit = maxInnerGray;
  bestX = x; bestY = y; bestR = r; bestEdge = edge; bestRising = rising; bestScore = edge * rising * rising;
  let moved = false;
  for (let round = 0; round < PUPIL_REFINE_ROUNDS; round++) {
    const cx = bestX, cy = bestY, cr = bestR;
    low = max(pupilMinRadius, <i32>(PUPIL_REFINE_RADIUS_LOW * cr));
    high = min(pupilMaxRadius, <i32>(PUPIL_REFINE_RADIUS_HIGH * cr) + 1);
    if (high <= low) break;
    const search = max(2, <i32>(PUPIL_REFINE_CENTRE_SHARE * cr));
    const before = bestScore;
    for (let dy = -search; dy <= search; dy += 2) {
      for (let dx = -search; dx <= search; dx += 2) if (dx != 0 || dy != 0) tryCircle(cx + <f32>dx, cy + <f32>dy);
    }
    const gx = bestX, gy = bestY;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx != 0 || dy != 0) tryCircle(gx + <f32>dx, gy + <f32>dy);
    if (bestScore <= before) break;
    moved = true;
  }
  refinedX = bestX; refinedY = bestY; refinedR = bestR; refinedEdge = bestEdge; refinedRising = bestRising;
  return moved;
}

function tryCircle(cx: f32, cy: f32): void {
  const r = bestRadius(cx, cy, low, high, PUPIL_EDGE_SPAN, PUPIL_FIRST_EDGE_SHARE, innerLimit);
  if (r <= 0) return;
  const edge = edgeStrength;
  const rising = risingShare(cx, cy, <f32>r, PUPIL_EDGE_SPAN);
  const score = edge * rising * rising;
  if (score > bestScore) { bestScore = score; bestX = cx; bestY = cy; bestR = <f32>r; bestEdge = edge; bestRising = rising; }
}
