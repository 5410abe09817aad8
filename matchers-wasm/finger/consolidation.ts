// Stage 3, per comparison: global consolidation by Local Similarity Sort with Relaxation
// (LSS-R). The best-looking local pairs are re-weighted by how geometrically compatible they
// are with each other (distances, relative directions, radial angles), so a pair that agrees
// with the others keeps its similarity and an isolated coincidence loses it.
import {
  MAX_RELAXATION_PAIRS, RELAXATION_ITERATIONS, RELAXATION_SELF_WEIGHT,
  COMPAT_DISTANCE_MU, COMPAT_DISTANCE_TAU, COMPAT_DIRECTION_MU, COMPAT_DIRECTION_TAU,
  COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU, MIN_SCORED_PAIRS, MAX_SCORED_PAIRS, SCORED_PAIRS_MU, SCORED_PAIRS_TAU,
} from './params';
import { PI, angleDelta, fastAtan2, sigmoid, SigmoidTable } from './math';
import { xOffset, yOffset, directionOffset } from './layout';
import { pairSimilarity, pairIndex } from './similarity';

const R = MAX_RELAXATION_PAIRS;
// The transparency hook reads these after a comparison (see index.ts).
export const chosenA = new StaticArray<i32>(R);
export const chosenB = new StaticArray<i32>(R);
export const initialSimilarity = new StaticArray<f32>(R);
export const relaxedSimilarity = new StaticArray<f32>(R);
export const scoredFlag = new StaticArray<i32>(R);
export let chosenCount: i32 = 0;

const compatibility = new StaticArray<f32>(R * R);
const next = new StaticArray<f32>(R);
const efficiency = new StaticArray<f32>(R);

let distanceTable: SigmoidTable | null = null;
let directionTable: SigmoidTable | null = null;
let radialTable: SigmoidTable | null = null;
let distanceCutoff: f32 = 0;
let directionCutoff: f32 = 0;

/** Where the (decreasing) sigmoid Z(v; μ, τ) falls below 1e-3. */
function cutoff(mu: f32, tau: f32): f32 { return mu + <f32>Math.log(999.0) / abs<f32>(tau); }

export function initConsolidation(): void {
  distanceTable = new SigmoidTable(512, 32.0, COMPAT_DISTANCE_MU, COMPAT_DISTANCE_TAU);
  directionTable = new SigmoidTable(512, PI, COMPAT_DIRECTION_MU, COMPAT_DIRECTION_TAU);
  radialTable = new SigmoidTable(512, PI, COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU);
  distanceCutoff = cutoff(COMPAT_DISTANCE_MU, COMPAT_DISTANCE_TAU);
  directionCutoff = cutoff(COMPAT_DIRECTION_MU, COMPAT_DIRECTION_TAU);
}

/** Moves the `k` largest of the first `count` pairs to the front, sorted descending. */
function selectTopPairs(count: i32, k: i32): void {
  let lo = 0, hi = count - 1;
  while (hi > lo) { // quickselect (descending) so that [0, k) holds the k largest
    const pivot = unchecked(pairSimilarity[(lo + hi) >> 1]);
    let i = lo, j = hi;
    while (i <= j) {
      while (unchecked(pairSimilarity[i]) > pivot) i++;
      while (unchecked(pairSimilarity[j]) < pivot) j--;
      if (i <= j) { swap(i, j); i++; j--; }
    }
    if (k - 1 <= j) hi = j; else if (k - 1 >= i) lo = i; else break;
  }
  for (let i = 1; i < k; i++) { // insertion sort of the chosen few, ties by pair index for determinism
    const s = unchecked(pairSimilarity[i]), p = unchecked(pairIndex[i]);
    let j = i - 1;
    while (j >= 0 && (unchecked(pairSimilarity[j]) < s || (unchecked(pairSimilarity[j]) == s && unchecked(pairIndex[j]) > p))) {
      unchecked(pairSimilarity[j + 1] = pairSimilarity[j]); unchecked(pairIndex[j + 1] = pairIndex[j]); j--;
    }
    unchecked(pairSimilarity[j + 1] = s); unchecked(pairIndex[j + 1] = p);
  }
}

// @ts-ignore: decorator
@inline function swap(i: i32, j: i32): void {
  const s = unchecked(pairSimilarity[i]); unchecked(pairSimilarity[i] = pairSimilarity[j]); unchecked(pairSimilarity[j] = s);
  const p = unchecked(pairIndex[i]); unchecked(pairIndex[i] = pairIndex[j]); unchecked(pairIndex[j] = p);
}

/** Raw score in [0, 1] from `count` local pairs between templates a and b. */
export function consolidate(a: usize, b: usize, count: i32): f32 {
  const na = <i32>load<u32>(a, 4), nb = <i32>load<u32>(b, 4);
  const n = min<i32>(min<i32>(na, nb), min<i32>(R, count));
  chosenCount = n;
  if (n == 0) return 0;
  selectTopPairs(count, n);
  const ax = a + <usize>xOffset(na), ay = a + <usize>yOffset(na), at = a + <usize>directionOffset(na);
  const bx = b + <usize>xOffset(nb), by = b + <usize>yOffset(nb), bt = b + <usize>directionOffset(nb);
  for (let t = 0; t < n; t++) {
    const p = unchecked(pairIndex[t]);
    unchecked(chosenA[t] = p >> 8); unchecked(chosenB[t] = p & 255);
    unchecked(initialSimilarity[t] = pairSimilarity[t]);
    unchecked(relaxedSimilarity[t] = pairSimilarity[t]);
    unchecked(scoredFlag[t] = 0);
  }
  const dTab = changetype<SigmoidTable>(distanceTable), oTab = changetype<SigmoidTable>(directionTable), rTab = changetype<SigmoidTable>(radialTable);
  for (let t = 0; t < n; t++) {
    const i1 = <usize>unchecked(chosenA[t]) << 2, j1 = <usize>unchecked(chosenB[t]) << 2;
    const xa1 = load<f32>(ax + i1), ya1 = load<f32>(ay + i1), ta1 = load<f32>(at + i1);
    const xb1 = load<f32>(bx + j1), yb1 = load<f32>(by + j1), tb1 = load<f32>(bt + j1);
    unchecked(compatibility[t * R + t] = 0);
    for (let k = t + 1; k < n; k++) {
      const i2 = <usize>unchecked(chosenA[k]) << 2, j2 = <usize>unchecked(chosenB[k]) << 2;
      const dxa = load<f32>(ax + i2) - xa1, dya = load<f32>(ay + i2) - ya1, ta2 = load<f32>(at + i2);
      const dxb = load<f32>(bx + j2) - xb1, dyb = load<f32>(by + j2) - yb1, tb2 = load<f32>(bt + j2);
      // Cheap tests first: most impostor pairs fail on distance or relative direction, and
      // past the cutoffs the sigmoids are below 1e-3 anyway.
      const d1 = abs<f32>(Mathf.sqrt(dxa * dxa + dya * dya) - Mathf.sqrt(dxb * dxb + dyb * dyb));
      const d2 = abs<f32>(angleDelta(angleDelta(ta1, ta2), angleDelta(tb1, tb2)));
      if (d1 > distanceCutoff || d2 > directionCutoff) {
        unchecked(compatibility[t * R + k] = 0);
        unchecked(compatibility[k * R + t] = 0);
        continue;
      }
      // Radial angles: (θ − segment angle) on each side; their difference needs only the angle
      // between the two segments, one atan2 of (cross, dot).
      const segTurn = fastAtan2(dxa * dyb - dya * dxb, dxa * dxb + dya * dyb); // segB − segA
      const d3tk = abs<f32>(angleDelta(angleDelta(ta1, tb1), -segTurn));
      const d3kt = abs<f32>(angleDelta(angleDelta(ta2, tb2), -segTurn));
      const base = dTab.at(d1) * oTab.at(d2);
      unchecked(compatibility[t * R + k] = base * rTab.at(d3tk));
      unchecked(compatibility[k * R + t] = base * rTab.at(d3kt));
    }
  }
  const selfW = RELAXATION_SELF_WEIGHT, otherW: f32 = (1.0 - RELAXATION_SELF_WEIGHT) / <f32>max<i32>(n - 1, 1);
  for (let it = 0; it < RELAXATION_ITERATIONS; it++) {
    for (let t = 0; t < n; t++) {
      let sum: f32 = 0;
      const row = t * R;
      for (let k = 0; k < n; k++) sum += unchecked(compatibility[row + k]) * unchecked(relaxedSimilarity[k]);
      unchecked(next[t] = selfW * relaxedSimilarity[t] + otherW * sum);
    }
    for (let t = 0; t < n; t++) unchecked(relaxedSimilarity[t] = next[t]);
  }
  // Keep the nP pairs whose similarity survived relaxation best (efficiency), average them.
  const np = min<i32>(n, MIN_SCORED_PAIRS + <i32>Mathf.round(
    sigmoid(<f32>min<i32>(na, nb), SCORED_PAIRS_MU, SCORED_PAIRS_TAU) * <f32>(MAX_SCORED_PAIRS - MIN_SCORED_PAIRS)));
  for (let t = 0; t < n; t++) unchecked(efficiency[t] = relaxedSimilarity[t] / initialSimilarity[t]);
  let total: f32 = 0;
  for (let s = 0; s < np; s++) {
    let best = -1;
    let bestE: f32 = -Infinity;
    for (let t = 0; t < n; t++) {
      if (unchecked(scoredFlag[t]) == 0 && unchecked(efficiency[t]) > bestE) { bestE = unchecked(efficiency[t]); best = t; }
    }
    unchecked(scoredFlag[best] = 1);
    total += unchecked(relaxedSimilarity[best]);
  }
  return total / <f32>np;
}
