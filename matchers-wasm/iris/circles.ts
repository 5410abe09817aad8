// Daugman's integro-differential operator, the search both boundaries share: for a centre,
// the mean gray on circles (or arcs) of growing radius, and the radius where that mean jumps
// up the most (dark inside, bright outside), by a smoothed radial derivative.
import { boundarySample } from './image';
import { MAX_IMAGE_SIDE, PUPIL_EDGE_SPAN, IRIS_EDGE_SPAN } from './params';

const LARGEST_RADIUS: i32 = MAX_IMAGE_SIDE / 2 + max(PUPIL_EDGE_SPAN, IRIS_EDGE_SPAN) + 1;
/** Mean gray per radius for the current centre (-1 when no sample fell inside the image). */
const means = new StaticArray<f32>(LARGEST_RADIUS + 1);
/** cos/sin of the sample angles of the current arc set. */
const cosines = new StaticArray<f32>(256);
const sines = new StaticArray<f32>(256);
let angleCount: i32 = 0;

/** Samples on a full circle. */
export function useFullCircle(samples: i32): void {
  angleCount = samples;
  for (let k = 0; k < samples; k++) {
    const t = <f32>(2.0 * Math.PI) * <f32>k / <f32>samples;
    unchecked(cosines[k] = Mathf.cos(t));
    unchecked(sines[k] = Mathf.sin(t));
  }
}

/** Samples on two arcs from `up` above horizontal to `down` below it, right and left (y is down). */
export function useLateralArcs(up: f32, down: f32, samplesPerArc: i32): void {
  angleCount = 2 * samplesPerArc;
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

/**
 * The radius in [minRadius, maxRadius] around (cx, cy) of the innermost strong rise of the arc
 * mean: edge strength at r = (Σ m[r+1..r+span] − Σ m[r−span..r−1]) / span; the answer is the
 * first local maximum, outwards, reaching `firstShare` of the strongest (1 = the strongest:
 * Daugman's operator); radii where the arc mean just inside the edge (r − span − 1) exceeds
 * maxInnerGray do not count. Sets edgeStrength. -1 when none.
 */
export function bestRadius(cx: f32, cy: f32, minRadius: i32, maxRadius: i32, span: i32, firstShare: f32 = 1.0, maxInnerGray: f32 = 256): i32 {
  const lo = max(minRadius - span - 1, 1), hi = min(maxRadius + span, LARGEST_RADIUS);
  for (let r = lo; r <= hi; r++) unchecked(means[r] = arcMean(cx, cy, <f32>r));
  const first = max(minRadius, lo + span), last = hi - span;
  let strongest: f32 = 0;
  for (let r = first; r <= last; r++) {
    let jump: f32 = 0, complete = true;
    for (let d = 1; d <= span; d++) {
      const inner = unchecked(means[r - d]), outer = unchecked(means[r + d]);
      if (inner < 0 || outer < 0) complete = false;
      jump += outer - inner;
    }
    // an edge whose inside is brighter than maxInnerGray is not the boundary sought (a pupil's inside is dark)
    jump = complete && unchecked(means[r - span - 1]) <= maxInnerGray ? jump / <f32>span : 0;
    unchecked(jumps[r] = jump);
    strongest = max(strongest, jump);
  }
  edgeStrength = 0;
  if (strongest <= 0) return -1;
  for (let r = first; r <= last; r++) {
    const jump = unchecked(jumps[r]);
    const peak = (r == first || jump >= unchecked(jumps[r - 1])) && (r == last || jump >= unchecked(jumps[r + 1]));
    if (peak && jump >= firstShare * strongest) { edgeStrength = jump; return r; }
  }
  return -1;
}

/** Mean gray on the current arcs at radius r; -1 when fewer than half the samples are usable. */
function arcMean(cx: f32, cy: f32, r: f32): f32 {
  let sum: f32 = 0;
  let n = 0;
  for (let k = 0; k < angleCount; k++) {
    const v = boundarySample(cx + r * unchecked(cosines[k]), cy + r * unchecked(sines[k]));
    if (v >= 0) { sum += v; n++; }
  }
  return 2 * n >= angleCount ? sum / <f32>n : -1;
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
