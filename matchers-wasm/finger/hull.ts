// Convex hull of the minutiae, enlarged by a margin: cylinder cells outside it lie where the
// sensor saw no finger, so they are marked invalid rather than "no minutia here".
import { MAX_MINUTIAE } from './params';

const hullX = new StaticArray<f32>(MAX_MINUTIAE + 1);
const hullY = new StaticArray<f32>(MAX_MINUTIAE + 1);
const order = new StaticArray<i32>(MAX_MINUTIAE);
let hullSize: i32 = 0;

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
