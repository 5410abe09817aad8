// Daugman's integro-differential operator, the search both boundaries share: for a centre,
// the mean gray on circles (or arcs) of growing radius, and the radius where that mean jumps
// up the most (dark inside, bright outside), by a smoothed radial derivative. On the two
// lateral arcs a radius can also be scored two-sided: by the weaker arc's jump, so an edge
// that rises on one side only (a lid corner, a lash tuft, the eye corner) does not count.
import { boundarySample } from './image';
import { MAX_IMAGE_SIDE, PUPIL_EDGE_SPAN, IRIS_EDGE_SPAN } from './params';

const LARGEST_RADIUS: i32 = MAX_IMAGE_SIDE / 2 + max(PUPIL_EDGE_SPAN, IRIS_EDGE_SPAN) + 1;
/** Mean gray per radius for the current centre (-1 when no sample fell inside the image). */
const means = new StaticArray<f32>(LARGEST_RADIUS + 1);
/** The same per lateral arc (right, left; -1 when fewer than half its samples are usable). */
const meansRight = new StaticArray<f32>(LARGEST_RADIUS + 1);
const meansLeft = new StaticArray<f32>(LARGEST_RADIUS + 1);
/** cos/sin of the sample angles of the current arc set. */
const cosines = new StaticArray<f32>(256);
const sines = new StaticArray<f32>(256);
let angleCount: i32 = 0;
/** Samples [0, sideSplit) are the right arc, [sideSplit, angleCount) the left; 0 on a full circle. */
let sideSplit: i32 = 0;

/** Samples on a full circle. */
export function useFullCircle(samples: i32): void {
  angleCount = samples;
  sideSplit = 0;
  for (let k = 0; k < samples; k++) {
    const t = <f32>(2.0 * Math.PI) * <f32>k / <f32>samples;
    unchecked(cosines[k] = Mathf.cos(t));
    unchecked(sines[k] = Mathf.sin(t));
  }
}

/** Samples on two arcs from `up` above horizontal to `down` below it, right and left (y is down). */
export function useLateralArcs(up: f32, down: f32, samplesPerArc: i32): void {
  angleCount = 2 * samplesPerArc;
  sideSplit = samplesPerArc;
  for (let k = 0; k < samplesPerArc; k++) {
    const t = -up + (up + down) * (<f32>k + 0.5) / <f32>samplesPerArc;
    unchecked(cosines[k] = Mathf.cos(t));
    unchecked(sines[k] = Mathf.sin(t));
    unchecked(cosines[k + samplesPerArc] = -Mathf.cos(t));
    unchecked(sines[k + samplesPerArc] = Mathf.sin(t));
  }
}

/** Best edge found by the last bestRadius call. */
export let edgeStrength: f32 = 0;

/** Edge strength per radius for the current centre (0 where not measurable). */
const jumps = new StaticArray<f32>(LARGEST_RADIUS + 1);

/** Pooled (both arcs) edge strength at the radius the last bestRadius call returned: equal
 *  to edgeStrength unless that call was two-sided. */
export let pooledEdgeStrength: f32 = 0;

/**
 * The radius in [minRadius, maxRadius] around (cx, cy) of the innermost strong rise of the arc
 * mean: edge strength at r = (Σ m[r+1..r+span] − Σ m[r−span..r−1]) / span; the answer is the
 * first local maximum, outwards, reaching `firstShare` of the strongest (1 = the strongest:
 * Daugman's operator); radii where the arc mean just inside the edge (r − span − 1) exceeds
 * maxInnerGray do not count. `twoSided` (lateral arcs only): the strength at r is the weaker
 * of the right and left arcs' jumps, 0 unless both rise, so an edge seen on one side only
 * scores nothing. Sets edgeStrength and pooledEdgeStrength. -1 when none.
 */
export function bestRadius(cx: f32, cy: f32, minRadius: i32, maxRadius: i32, span: i32, firstShare: f32 = 1.0, maxInnerGray: f32 = 256, twoSided: bool = false): i32 {
  const lo = max(minRadius - span - 1, 1), hi = min(maxRadius + span, LARGEST_RADIUS);
  const sides = twoSided && sideSplit > 0;
  for (let r = lo; r <= hi; r++) sampleRadius(cx, cy, <f32>r, r);
  const first = max(minRadius, lo + span), last = hi - span;
  let strongest: f32 = 0;
  for (let r = first; r <= last; r++) {
    let jump = radialJump(means, r, span);
    // an edge whose inside is brighter than maxInnerGray is not the boundary sought (a pupil's inside is dark)
    if (jump > 0 && unchecked(means[r - span - 1]) > maxInnerGray) jump = 0;
    unchecked(pooledJumps[r] = jump);
    if (sides && jump > 0) jump = min(radialJump(meansRight, r, span), radialJump(meansLeft, r, span));
    unchecked(jumps[r] = jump);
    strongest = max(strongest, jump);
  }
  edgeStrength = 0;
  pooledEdgeStrength = 0;
  if (strongest <= 0) return -1;
  for (let r = first; r <= last; r++) {
    const jump = unchecked(jumps[r]);
    const peak = (r == first || jump >= unchecked(jumps[r - 1])) && (r == last || jump >= unchecked(jumps[r + 1]));
    if (peak && jump >= firstShare * strongest) { edgeStrength = jump; pooledEdgeStrength = unchecked(pooledJumps[r]); return r; }
  }
  return -1;
}

/** Pooled edge strength per radius of the last bestRadius call. */
const pooledJumps = new StaticArray<f32>(LARGEST_RADIUS + 1);

/** (Σ m[r+1..r+span] − Σ m[r−span..r−1]) / span; 0 when any of those means is missing (-1). */
function radialJump(m: StaticArray<f32>, r: i32, span: i32): f32 {
  let jump: f32 = 0;
  for (let d = 1; d <= span; d++) {
    const inner = unchecked(m[r - d]), outer = unchecked(m[r + d]);
    if (inner < 0 || outer < 0) return 0;
    jump += outer - inner;
  }
  return jump / <f32>span;
}

/** Fills means[index] (all arcs; -1 when fewer than half the samples are usable) and, on
 *  lateral arcs, meansRight/meansLeft[index] (-1 when fewer than half of that arc's are). */
function sampleRadius(cx: f32, cy: f32, r: f32, index: i32): void {
  let sum: f32 = 0, sumRight: f32 = 0, sumLeft: f32 = 0; // sum in the pooled order, as before the sides
  let nRight = 0, nLeft = 0;
  const split = sideSplit > 0 ? sideSplit : angleCount;
  for (let k = 0; k < split; k++) {
    const v = boundarySample(cx + r * unchecked(cosines[k]), cy + r * unchecked(sines[k]));
    if (v >= 0) { sum += v; sumRight += v; nRight++; }
  }
  for (let k = split; k < angleCount; k++) {
    const v = boundarySample(cx + r * unchecked(cosines[k]), cy + r * unchecked(sines[k]));
    if (v >= 0) { sum += v; sumLeft += v; nLeft++; }
  }
  const n = nRight + nLeft;
  unchecked(means[index] = 2 * n >= angleCount ? sum / <f32>n : -1);
  if (sideSplit > 0) {
    const perSide = angleCount - split;
    unchecked(meansRight[index] = 2 * nRight >= split ? sumRight / <f32>nRight : -1);
    unchecked(meansLeft[index] = 2 * nLeft >= perSide ? sumLeft / <f32>nLeft : -1);
  }
}

/**
 * Share of the current arc set's angles (0–1) where the gray rises across radius r (mean of
 * r+1..r+span above the mean of r−span..r−1): a round dark-to-bright boundary rises all around,
 * a lash cluster or an eye corner only on some sides. Angles with no usable sample count as
 * not rising.
 */
export function risingShare(cx: f32, cy: f32, r: f32, span: i32): f32 {
  let rising = 0;
  for (let k = 0; k < angleCount; k++) {
    const c = unchecked(cosines[k]), s = unchecked(sines[k]);
    let inner: f32 = 0, outer: f32 = 0, n = 0;
    for (let d = 1; d <= span; d++) {
      const a = boundarySample(cx + (r - <f32>d) * c, cy + (r - <f32>d) * s);
      const b = boundarySample(cx + (r + <f32>d) * c, cy + (r + <f32>d) * s);
      if (a < 0 || b < 0) continue;
      inner += a; outer += b; n++;
    }
    if (n > 0 && outer > inner) rising++;
  }
  return angleCount > 0 ? <f32>rising / <f32>angleCount : 0;
}
