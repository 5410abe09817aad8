// Convex hull of the minutiae, enlarged by a margin: cylinder cells outside it lie where the
// sensor saw no finger, so they are marked invalid rather than "no minutia here".
import { MAX_MINUTIAE } from './params';

const hullX = new StaticArray<f32>(MAX_MINUTIAE + 1);
const hullY = new StaticArray<f32>(MAX_MINUTIAE + 1);
const order = new StaticArray<i32>(MAX_MINUTIAE);
let hullSize: i32 = 0;
// The hull's edges (start, direction, squared length) for the four-at-a-time test, padded to
// a multiple of 4 with copies of edge 0 (a repeated edge changes neither the minimum nor the
// inside test).
const EDGE_ROOM: i32 = MAX_MINUTIAE + 4;
const edgeAx = new StaticArray<f32>(EDGE_ROOM);
const edgeAy = new StaticArray<f32>(EDGE_ROOM);
const edgeDx = new StaticArray<f32>(EDGE_ROOM);
const edgeDy = new StaticArray<f32>(EDGE_ROOM);
const edgeLen2 = new StaticArray<f32>(EDGE_ROOM);
const edgeInvLen = new StaticArray<f32>(EDGE_ROOM);

function cross(ox: f32, oy: f32, ax: f32, ay: f32, bx: f32, by: f32): f32 {
  return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

/** Builds the counter-clockwise hull of n points (Andrew's monotone chain). */
export function buildHull(xs: StaticArray<f32>, ys: StaticArray<f32>, n: i32): void {
  for (let i = 0; i < n; i++) unchecked(order[i] = i);
  // insertion sort by (x, y): n ≤ 128 and this runs once per template
  for (let i = 1; i < n; i++) {
    const v = unchecked(order[i]);
    let j = i - 1;
    while (j >= 0) {
      const u = unchecked(order[j]);
      if (unchecked(xs[u]) < unchecked(xs[v]) || (unchecked(xs[u]) == unchecked(xs[v]) && unchecked(ys[u]) <= unchecked(ys[v]))) break;
      unchecked(order[j + 1] = u);
      j--;
    }
    unchecked(order[j + 1] = v);
  }
  let k = 0;
  for (let i = 0; i < n; i++) { // lower chain
    const p = unchecked(order[i]);
    while (k >= 2 && cross(unchecked(hullX[k - 2]), unchecked(hullY[k - 2]), unchecked(hullX[k - 1]), unchecked(hullY[k - 1]), unchecked(xs[p]), unchecked(ys[p])) <= 0) k--;
    unchecked(hullX[k] = xs[p]); unchecked(hullY[k] = ys[p]); k++;
  }
  const lower = k + 1;
  for (let i = n - 2; i >= 0; i--) { // upper chain
    const p = unchecked(order[i]);
    while (k >= lower && cross(unchecked(hullX[k - 2]), unchecked(hullY[k - 2]), unchecked(hullX[k - 1]), unchecked(hullY[k - 1]), unchecked(xs[p]), unchecked(ys[p])) <= 0) k--;
    unchecked(hullX[k] = xs[p]); unchecked(hullY[k] = ys[p]); k++;
  }
  hullSize = n > 1 ? k - 1 : n; // the last point repeats the first
  prepareEdges();
}

function prepareEdges(): void {
  const m = hullSize;
  for (let i = 0; i < m; i++) {
    const j = i + 1 < m ? i + 1 : 0;
    const ax = unchecked(hullX[i]), ay = unchecked(hullY[i]);
    const dx = unchecked(hullX[j]) - ax, dy = unchecked(hullY[j]) - ay;
    unchecked(edgeAx[i] = ax); unchecked(edgeAy[i] = ay);
    unchecked(edgeDx[i] = dx); unchecked(edgeDy[i] = dy);
    unchecked(edgeLen2[i] = dx * dx + dy * dy);
    unchecked(edgeInvLen[i] = 1 / Mathf.sqrt(dx * dx + dy * dy));
  }
  for (let i = m; i < ((m + 3) & ~3); i++) {
    unchecked(edgeAx[i] = edgeAx[0]); unchecked(edgeAy[i] = edgeAy[0]);
    unchecked(edgeDx[i] = edgeDx[0]); unchecked(edgeDy[i] = edgeDy[0]);
    unchecked(edgeLen2[i] = edgeLen2[0]);
  }
}

/**
 * How deep (px) a point lies inside the hull: its distance to the nearest edge line, which for
 * a convex hull is its distance to the boundary; 0 outside the hull or when it has no area.
 * Approximate to f32 rounding (far below a px): use it with slack.
 */
export function hullDepth(px: f32, py: f32): f32 {
  const m = hullSize;
  if (m < 3) return 0;
  let depth: f32 = Infinity;
  for (let i = 0; i < m; i++) {
    const ax = unchecked(edgeAx[i]), ay = unchecked(edgeAy[i]);
    const lineDistance = (unchecked(edgeDx[i]) * (py - ay) - unchecked(edgeDy[i]) * (px - ax)) * unchecked(edgeInvLen[i]);
    depth = min<f32>(depth, lineDistance);
  }
  return max<f32>(depth, 0);
}

function segmentDistanceSquared(px: f32, py: f32, ax: f32, ay: f32, bx: f32, by: f32): f32 {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t: f32 = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = max<f32>(0, min<f32>(1, t));
  const ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** True when (px, py) is inside the hull or within `margin` of it. */
export function insideEnlargedHull(px: f32, py: f32, margin: f32): bool {
  const m = hullSize;
  if (m == 0) return false;
  if (ASC_FEATURE_SIMD) return insideEnlargedHullX4(px, py, margin);
  let inside = m >= 3;
  let best: f32 = Infinity;
  for (let i = 0; i < m; i++) {
    const j = i + 1 < m ? i + 1 : 0;
    const ax = unchecked(hullX[i]), ay = unchecked(hullY[i]), bx = unchecked(hullX[j]), by = unchecked(hullY[j]);
    if (cross(ax, ay, bx, by, px, py) < 0) inside = false;
    best = min<f32>(best, segmentDistanceSquared(px, py, ax, ay, bx, by));
  }
  return inside || best <= margin * margin;
}

/**
 * The same test four edges at a time. Every lane does the scalar test's f32 operations in the
 * same order (no fused operations in wasm SIMD), so the answer is the scalar test's, bit for bit.
 */
function insideEnlargedHullX4(px: f32, py: f32, margin: f32): bool {
  const m = hullSize;
  const vx = f32x4.splat(px), vy = f32x4.splat(py), zero = f32x4.splat(0), one = f32x4.splat(1);
  let outside = i32x4.splat(0);
  let best = f32x4.splat(Infinity);
  for (let i = 0; i < m; i += 4) {
    const ax = v128.load(changetype<usize>(edgeAx) + (<usize>i << 2));
    const ay = v128.load(changetype<usize>(edgeAy) + (<usize>i << 2));
    const dx = v128.load(changetype<usize>(edgeDx) + (<usize>i << 2));
    const dy = v128.load(changetype<usize>(edgeDy) + (<usize>i << 2));
    const len2 = v128.load(changetype<usize>(edgeLen2) + (<usize>i << 2));
    const rx = f32x4.sub(vx, ax), ry = f32x4.sub(vy, ay);
    // cross(a, b, p) = (bx − ax)(py − ay) − (by − ay)(px − ax)
    const cross = f32x4.sub(f32x4.mul(dx, ry), f32x4.mul(dy, rx));
    outside = v128.or(outside, f32x4.lt(cross, zero));
    let t = v128.bitselect(f32x4.div(f32x4.add(f32x4.mul(rx, dx), f32x4.mul(ry, dy)), len2), zero, f32x4.gt(len2, zero));
    t = f32x4.max(zero, f32x4.min(one, t));
    const ex = f32x4.sub(f32x4.add(ax, f32x4.mul(t, dx)), vx);
    const ey = f32x4.sub(f32x4.add(ay, f32x4.mul(t, dy)), vy);
    best = f32x4.min(best, f32x4.add(f32x4.mul(ex, ex), f32x4.mul(ey, ey)));
  }
  const inside = m >= 3 && !v128.any_true(outside);
  const b = min<f32>(min<f32>(f32x4.extract_lane(best, 0), f32x4.extract_lane(best, 1)), min<f32>(f32x4.extract_lane(best, 2), f32x4.extract_lane(best, 3)));
  return inside || b <= margin * margin;
}
