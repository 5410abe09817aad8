// Stage 3, per comparison: global consolidation by Local Similarity Sort with Relaxation
// (LSS-R). The best-looking local pairs are re-weighted by how geometrically compatible they
// are with each other (distances, relative directions, radial angles), so a pair that agrees
// with the others keeps its similarity and an isolated coincidence loses it.
import {
  MAX_MINUTIAE, MAX_RELAXATION_PAIRS, RELAXATION_ITERATIONS, RELAXATION_SELF_WEIGHT,
  COMPAT_DISTANCE_MU, COMPAT_DISTANCE_TAU, COMPAT_DIRECTION_MU, COMPAT_DIRECTION_TAU,
  COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU, MIN_SCORED_PAIRS, MAX_SCORED_PAIRS, SCORED_PAIRS_MU, SCORED_PAIRS_TAU,
} from './params';
import { angleDelta, fastAtan2, sigmoid, ramp, rampX4, rampX4Fast, angleDeltaX4, fastAtan2X4, fastAtan2X4Fast } from './math';
import { xOffset, yOffset, directionOffset } from './layout';
import { compactX, compactY, compactDirection } from './compact-layout';
import { pairKeys, keySimilarity, keyPair, pairsSwapped } from './similarity';

const R = MAX_RELAXATION_PAIRS; // a multiple of 16: rows are scanned 4 lanes, relaxed 16 lanes at a time
// Chosen pairs, structure-of-arrays (probe side a, candidate side b); the transparency hook
// reads chosenA/B and the similarities after a comparison (see index.ts).
export const chosenA = new StaticArray<i32>(R);
export const chosenB = new StaticArray<i32>(R);
export const initialSimilarity = new StaticArray<f32>(R);
export const relaxedSimilarity = new StaticArray<f32>(R);
export const scoredFlag = new StaticArray<i32>(R);
export let chosenCount: i32 = 0;

const xa = new StaticArray<f32>(R), ya = new StaticArray<f32>(R), ta = new StaticArray<f32>(R);
const xb = new StaticArray<f32>(R), yb = new StaticArray<f32>(R), tb = new StaticArray<f32>(R);
const compatibility = new StaticArray<f32>(R * R);
const next = new StaticArray<f32>(R);
const efficiency = new StaticArray<f32>(R);
const ownTurn = new StaticArray<f32>(R);
/** Rows of the compatibility matrix with a non-zero entry (the compact path's relaxation). */
const rowLive = new StaticArray<bool>(R);
/** Pairs averaged into the score, by min(na, nb). */
const scoredPairs = new StaticArray<i32>(MAX_MINUTIAE + 1);

export function initConsolidation(): void {
  for (let n = 0; n <= MAX_MINUTIAE; n++) {
    unchecked(scoredPairs[n] = MIN_SCORED_PAIRS + <i32>Mathf.round(
      sigmoid(<f32>n, SCORED_PAIRS_MU, SCORED_PAIRS_TAU) * <f32>(MAX_SCORED_PAIRS - MIN_SCORED_PAIRS)));
  }
}

/** Moves the `k` largest of the first `count` pair keys to the front, sorted descending. */
function selectTopPairs(count: i32, k: i32): void {
  const keys = changetype<usize>(pairKeys);
  let lo = 0, hi = count - 1;
  while (hi > lo) { // quickselect (descending) so that [0, k) holds the k largest
    const pivot = load<u64>(keys + (<usize>((lo + hi) >> 1) << 3));
    let i = lo, j = hi;
    while (i <= j) {
      while (load<u64>(keys + (<usize>i << 3)) > pivot) i++;
      while (load<u64>(keys + (<usize>j << 3)) < pivot) j--;
      if (i <= j) {
        const t = load<u64>(keys + (<usize>i << 3));
        store<u64>(keys + (<usize>i << 3), load<u64>(keys + (<usize>j << 3)));
        store<u64>(keys + (<usize>j << 3), t);
        i++; j--;
      }
    }
    if (k - 1 <= j) hi = j; else if (k - 1 >= i) lo = i; else break;
  }
  for (let i = 1; i < k; i++) { // insertion sort of the chosen few
    const v = load<u64>(keys + (<usize>i << 3));
    let j = i - 1;
    while (j >= 0 && load<u64>(keys + (<usize>j << 3)) < v) { store<u64>(keys + (<usize>(j + 1) << 3), load<u64>(keys + (<usize>j << 3))); j--; }
    store<u64>(keys + (<usize>(j + 1) << 3), v);
  }
}

/** Raw score in [0, 1] from `count` local pairs between MCC1 templates a and b. */
export function consolidate(a: usize, b: usize, count: i32): f32 {
  const na = <i32>load<u32>(a, 4), nb = <i32>load<u32>(b, 4);
  return consolidateAt(false, na, a + <usize>xOffset(na), a + <usize>yOffset(na), a + <usize>directionOffset(na),
    nb, b + <usize>xOffset(nb), b + <usize>yOffset(nb), b + <usize>directionOffset(nb), count);
}

/** The same on compact templates (compact-layout.ts), whose minutia fields sit elsewhere. */
export function consolidateCompact(a: usize, b: usize, count: i32): f32 {
  const na = <i32>load<u32>(a, 4), nb = <i32>load<u32>(b, 4);
  return consolidateAt(true, na, a + <usize>compactX(na), a + <usize>compactY(na), a + <usize>compactDirection(na),
    nb, b + <usize>compactX(nb), b + <usize>compactY(nb), b + <usize>compactDirection(nb), count);
}

/**
 * Raw score from `count` local pairs, given where each template's x, y and direction arrays are.
 * `early` (the compact path) skips work whose result is known to be zero: the same score, bit
 * for bit; the MCC1 path keeps today's code as the speed baseline.
 */
// @ts-ignore: decorator
@inline function consolidateAt(early: bool, na: i32, axp: usize, ayp: usize, atp: usize, nb: i32, bxp: usize, byp: usize, btp: usize, count: i32): f32 {
  const n = min<i32>(min<i32>(na, nb), min<i32>(R, count));
  chosenCount = n;
  if (n == 0) return 0;
  selectTopPairs(count, n);
  gatherPairs(axp, ayp, atp, bxp, byp, btp, n);
  if (ASC_FEATURE_SIMD) { if (early) compatibilitiesCompact(n); else compatibilitiesSimd(n); } else compatibilitiesScalar(n);
  relax(n, early);
  return early ? scoreBestPairsCompact(n, unchecked(scoredPairs[min<i32>(na, nb)])) : scoreBestPairs(n, unchecked(scoredPairs[min<i32>(na, nb)]));
}

/** Copies the chosen pairs' minutiae into the SoA arrays, zero-padded to a multiple of 4. */
function gatherPairs(axp: usize, ayp: usize, atp: usize, bxp: usize, byp: usize, btp: usize, n: i32): void {
  for (let t = 0; t < n; t++) {
    const key = unchecked(pairKeys[t]);
    const p = keyPair(key), sim = keySimilarity(key);
    const row = p >> 8, column = p & 255;
    const i = pairsSwapped ? column : row, j = pairsSwapped ? row : column;
    unchecked(chosenA[t] = i); unchecked(chosenB[t] = j);
    const io = <usize>i << 2, jo = <usize>j << 2;
    unchecked(xa[t] = load<f32>(axp + io)); unchecked(ya[t] = load<f32>(ayp + io)); unchecked(ta[t] = load<f32>(atp + io));
    unchecked(xb[t] = load<f32>(bxp + jo)); unchecked(yb[t] = load<f32>(byp + jo)); unchecked(tb[t] = load<f32>(btp + jo));
    unchecked(initialSimilarity[t] = sim);
    unchecked(relaxedSimilarity[t] = sim);
    unchecked(scoredFlag[t] = 0);
  }
  for (let t = n; t < ((n + 15) & ~15); t++) {
    unchecked(xa[t] = 0); unchecked(ya[t] = 0); unchecked(ta[t] = 0);
    unchecked(xb[t] = 0); unchecked(yb[t] = 0); unchecked(tb[t] = 0);
    unchecked(relaxedSimilarity[t] = 0); // padding lanes never contribute
  }
}

/**
 * ρ(t, k) = Z(d1)·Z(d2)·Z(d3): d1 = |dist(a_t, a_k) − dist(b_t, b_k)|, d2 = disagreement of
 * the relative directions, d3 = disagreement of the radial angle (segment t→k seen from t's
 * direction). d3 needs only the turn between the two segments: one atan2 of (cross, dot).
 */
function compatibilitiesSimd(n: i32): void {
  for (let t = 0; t < n; t++) unchecked(ownTurn[t] = angleDelta(unchecked(ta[t]), unchecked(tb[t])));
  for (let t = n; t < ((n + 3) & ~3); t++) unchecked(ownTurn[t] = 0);
  const lanes = (n + 3) & ~3;
  // Upper triangle only, four columns at a time: d1, d2 and the segment turn are symmetric in
  // (t, k); only d3 differs, through each end's own turn. The mirror entries are scattered.
  for (let t = 0; t < n; t++) {
    const xat = f32x4.splat(unchecked(xa[t])), yat = f32x4.splat(unchecked(ya[t])), tat = f32x4.splat(unchecked(ta[t]));
    const xbt = f32x4.splat(unchecked(xb[t])), ybt = f32x4.splat(unchecked(yb[t])), tbt = f32x4.splat(unchecked(tb[t]));
    const turnT = f32x4.splat(unchecked(ownTurn[t]));
    const row = changetype<usize>(compatibility) + <usize>(t * R * 4);
    for (let k = (t + 1) & ~3; k < lanes; k += 4) {
      const o = <usize>(k << 2);
      const dxa = f32x4.sub(v128.load(changetype<usize>(xa) + o), xat), dya = f32x4.sub(v128.load(changetype<usize>(ya) + o), yat);
      const dxb = f32x4.sub(v128.load(changetype<usize>(xb) + o), xbt), dyb = f32x4.sub(v128.load(changetype<usize>(yb) + o), ybt);
      const da = f32x4.sqrt(f32x4.add(f32x4.mul(dxa, dxa), f32x4.mul(dya, dya)));
      const db = f32x4.sqrt(f32x4.add(f32x4.mul(dxb, dxb), f32x4.mul(dyb, dyb)));
      const d1 = f32x4.abs(f32x4.sub(da, db));
      const relA = angleDeltaX4(tat, v128.load(changetype<usize>(ta) + o));
      const relB = angleDeltaX4(tbt, v128.load(changetype<usize>(tb) + o));
      const d2 = f32x4.abs(angleDeltaX4(relA, relB));
      const base = f32x4.mul(rampX4(d1, COMPAT_DISTANCE_MU, COMPAT_DISTANCE_TAU), rampX4(d2, COMPAT_DIRECTION_MU, COMPAT_DIRECTION_TAU));
      const col = changetype<usize>(compatibility) + <usize>(k * R + t) * 4;
      if (!v128.any_true(base)) { // the usual case for non-mated pairs: skip the radial angles
        v128.store(row + o, base);
        store<f32>(col, 0); store<f32>(col + <usize>(R * 4), 0); store<f32>(col + <usize>(R * 8), 0); store<f32>(col + <usize>(R * 12), 0);
        continue;
      }
      const turn = fastAtan2X4(f32x4.sub(f32x4.mul(dxa, dyb), f32x4.mul(dya, dxb)), f32x4.add(f32x4.mul(dxa, dxb), f32x4.mul(dya, dyb)));
      const negTurn = f32x4.neg(turn);
      const rowT = f32x4.mul(base, rampX4(f32x4.abs(angleDeltaX4(turnT, negTurn)), COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU));
      const colT = f32x4.mul(base, rampX4(f32x4.abs(angleDeltaX4(v128.load(changetype<usize>(ownTurn) + o), negTurn)), COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU));
      v128.store(row + o, rowT);
      store<f32>(col, f32x4.extract_lane(colT, 0));
      store<f32>(col + <usize>(R * 4), f32x4.extract_lane(colT, 1));
      store<f32>(col + <usize>(R * 8), f32x4.extract_lane(colT, 2));
      store<f32>(col + <usize>(R * 12), f32x4.extract_lane(colT, 3));
    }
    unchecked(compatibility[t * R + t] = 0);
  }
}

/** compatibilitiesSimd for the compact path (see consolidateAt's `early`). */
function compatibilitiesCompact(n: i32): void {
  for (let t = 0; t < n; t++) unchecked(ownTurn[t] = angleDelta(unchecked(ta[t]), unchecked(tb[t])));
  for (let t = n; t < ((n + 3) & ~3); t++) unchecked(ownTurn[t] = 0);
  const lanes = (n + 3) & ~3;
  // As compatibilitiesSimd, with the same results: a block whose distances all disagree is zero
  // whatever its directions (0 × the direction fit), and ramps use pseudo-min/max.
  // Upper triangle only, four columns at a time: d1, d2 and the segment turn are symmetric in
  // (t, k); only d3 differs, through each end's own turn. The mirror entries are scattered.
  for (let t = 0; t < n; t++) {
    const xat = f32x4.splat(unchecked(xa[t])), yat = f32x4.splat(unchecked(ya[t])), tat = f32x4.splat(unchecked(ta[t]));
    const xbt = f32x4.splat(unchecked(xb[t])), ybt = f32x4.splat(unchecked(yb[t])), tbt = f32x4.splat(unchecked(tb[t]));
    const turnT = f32x4.splat(unchecked(ownTurn[t]));
    const row = changetype<usize>(compatibility) + <usize>(t * R * 4);
    for (let k = (t + 1) & ~3; k < lanes; k += 4) {
      const o = <usize>(k << 2);
      const dxa = f32x4.sub(v128.load(changetype<usize>(xa) + o), xat), dya = f32x4.sub(v128.load(changetype<usize>(ya) + o), yat);
      const dxb = f32x4.sub(v128.load(changetype<usize>(xb) + o), xbt), dyb = f32x4.sub(v128.load(changetype<usize>(yb) + o), ybt);
      const da = f32x4.sqrt(f32x4.add(f32x4.mul(dxa, dxa), f32x4.mul(dya, dya)));
      const db = f32x4.sqrt(f32x4.add(f32x4.mul(dxb, dxb), f32x4.mul(dyb, dyb)));
      const d1 = f32x4.abs(f32x4.sub(da, db));
      const distanceFit = rampX4Fast(d1, COMPAT_DISTANCE_MU, COMPAT_DISTANCE_TAU);
      const col = changetype<usize>(compatibility) + <usize>(k * R + t) * 4;
      if (!v128.any_true(distanceFit)) { // base would be 0 × the direction fit: zero, as below
        v128.store(row + o, distanceFit);
        store<f32>(col, 0); store<f32>(col + <usize>(R * 4), 0); store<f32>(col + <usize>(R * 8), 0); store<f32>(col + <usize>(R * 12), 0);
        continue;
      }
      const relA = angleDeltaX4(tat, v128.load(changetype<usize>(ta) + o));
      const relB = angleDeltaX4(tbt, v128.load(changetype<usize>(tb) + o));
      const d2 = f32x4.abs(angleDeltaX4(relA, relB));
      const base = f32x4.mul(distanceFit, rampX4Fast(d2, COMPAT_DIRECTION_MU, COMPAT_DIRECTION_TAU));
      if (!v128.any_true(base)) { // the usual case for non-mated pairs: skip the radial angles
        v128.store(row + o, base);
        store<f32>(col, 0); store<f32>(col + <usize>(R * 4), 0); store<f32>(col + <usize>(R * 8), 0); store<f32>(col + <usize>(R * 12), 0);
        continue;
      }
      const turn = fastAtan2X4Fast(f32x4.sub(f32x4.mul(dxa, dyb), f32x4.mul(dya, dxb)), f32x4.add(f32x4.mul(dxa, dxb), f32x4.mul(dya, dyb)));
      const negTurn = f32x4.neg(turn);
      const rowT = f32x4.mul(base, rampX4Fast(f32x4.abs(angleDeltaX4(turnT, negTurn)), COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU));
      const colT = f32x4.mul(base, rampX4Fast(f32x4.abs(angleDeltaX4(v128.load(changetype<usize>(ownTurn) + o), negTurn)), COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU));
      v128.store(row + o, rowT);
      store<f32>(col, f32x4.extract_lane(colT, 0));
      store<f32>(col + <usize>(R * 4), f32x4.extract_lane(colT, 1));
      store<f32>(col + <usize>(R * 8), f32x4.extract_lane(colT, 2));
      store<f32>(col + <usize>(R * 12), f32x4.extract_lane(colT, 3));
    }
    unchecked(compatibility[t * R + t] = 0);
  }
}

function compatibilitiesScalar(n: i32): void {
  for (let t = 0; t < n; t++) {
    const ownTurn = angleDelta(unchecked(ta[t]), unchecked(tb[t]));
    for (let k = 0; k < n; k++) {
      const dxa = unchecked(xa[k]) - unchecked(xa[t]), dya = unchecked(ya[k]) - unchecked(ya[t]);
      const dxb = unchecked(xb[k]) - unchecked(xb[t]), dyb = unchecked(yb[k]) - unchecked(yb[t]);
      const d1 = abs<f32>(Mathf.sqrt(dxa * dxa + dya * dya) - Mathf.sqrt(dxb * dxb + dyb * dyb));
      const d2 = abs<f32>(angleDelta(angleDelta(unchecked(ta[t]), unchecked(ta[k])), angleDelta(unchecked(tb[t]), unchecked(tb[k]))));
      const turn = fastAtan2(dxa * dyb - dya * dxb, dxa * dxb + dya * dyb);
      const d3 = abs<f32>(angleDelta(ownTurn, -turn));
      unchecked(compatibility[t * R + k] = ramp(d1, COMPAT_DISTANCE_MU, COMPAT_DISTANCE_TAU)
        * ramp(d2, COMPAT_DIRECTION_MU, COMPAT_DIRECTION_TAU) * ramp(d3, COMPAT_RADIAL_MU, COMPAT_RADIAL_TAU));
    }
    unchecked(compatibility[t * R + t] = 0);
  }
}

/**
 * λ_t ← wR·λ_t + (1 − wR)·Σ_k ρ(t, k)·λ_k / (n − 1), nrel times. With `early`, a row of zero
 * compatibilities (usual for non-mated pairs) skips its sum, which would be +0 (ρ = +0, λ ≥ 0).
 */
function relax(n: i32, early: bool): void {
  const lanes = (n + 15) & ~15;
  if (ASC_FEATURE_SIMD && early) {
    for (let t = 0; t < n; t++) {
      const row = changetype<usize>(compatibility) + <usize>(t * R * 4);
      let any = v128.or(v128.load(row), v128.load(row, 16));
      for (let k = 8; k < lanes; k += 8) any = v128.or(any, v128.or(v128.load(row + (<usize>k << 2)), v128.load(row + (<usize>k << 2), 16)));
      unchecked(rowLive[t] = v128.any_true(any));
    }
  }
  const selfW = RELAXATION_SELF_WEIGHT, otherW: f32 = (1.0 - RELAXATION_SELF_WEIGHT) / <f32>max<i32>(n - 1, 1);
  for (let it = 0; it < RELAXATION_ITERATIONS; it++) {
    for (let t = 0; t < n; t++) {
      let sum: f32 = 0;
      if (ASC_FEATURE_SIMD && early && !unchecked(rowLive[t])) {
        // sum stays +0
      } else if (ASC_FEATURE_SIMD) {
        // 16 lanes per step (lanes past n hold λ = 0): no per-vector loop overhead
        const row = changetype<usize>(compatibility) + <usize>(t * R * 4);
        const lambda = changetype<usize>(relaxedSimilarity);
        let acc = f32x4.splat(0);
        for (let k = 0; k < lanes; k += 16) {
          const o = <usize>(k << 2);
          acc = f32x4.add(acc, f32x4.add(
            f32x4.add(f32x4.mul(v128.load(row + o), v128.load(lambda + o)), f32x4.mul(v128.load(row + o, 16), v128.load(lambda + o, 16))),
            f32x4.add(f32x4.mul(v128.load(row + o, 32), v128.load(lambda + o, 32)), f32x4.mul(v128.load(row + o, 48), v128.load(lambda + o, 48)))));
        }
        sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      } else {
        for (let k = 0; k < n; k++) sum += unchecked(compatibility[t * R + k]) * unchecked(relaxedSimilarity[k]);
      }
      unchecked(next[t] = selfW * relaxedSimilarity[t] + otherW * sum);
    }
    for (let t = 0; t < n; t++) unchecked(relaxedSimilarity[t] = next[t]);
  }
}

/** Averages the relaxed similarity of the np pairs that kept most of theirs (efficiency). */
function scoreBestPairs(n: i32, scored: i32): f32 {
  const np = min<i32>(n, scored);
  for (let t = 0; t < n; t++) unchecked(efficiency[t] = relaxedSimilarity[t] / initialSimilarity[t]);
  let total: f32 = 0;
  for (let s = 0; s < np; s++) {
    let best = 0;
    let bestE: f32 = -Infinity;
    for (let t = 0; t < n; t++) {
      if (unchecked(scoredFlag[t]) == 0 && unchecked(efficiency[t]) > bestE) { bestE = unchecked(efficiency[t]); best = t; }
    }
    unchecked(scoredFlag[best] = 1);
    total += unchecked(relaxedSimilarity[best]);
  }
  return total / <f32>np;
}

/** The np chosen pairs of scoreBestPairsCompact, by descending efficiency. */
const ranked = new StaticArray<i32>(MAX_SCORED_PAIRS + 1);

/**
 * scoreBestPairs in one pass: the np most efficient pairs kept in a list sorted by descending
 * efficiency, a pair placed after those of equal efficiency (scoreBestPairs takes the lowest
 * index among equals first), then summed in that order: the same pairs, the same sum.
 */
function scoreBestPairsCompact(n: i32, scored: i32): f32 {
  const np = min<i32>(n, scored);
  let kept = 0;
  for (let t = 0; t < n; t++) {
    const e = unchecked(relaxedSimilarity[t]) / unchecked(initialSimilarity[t]);
    unchecked(efficiency[t] = e);
    if (kept == np && !(e > unchecked(efficiency[ranked[np - 1]]))) continue;
    let p = kept < np ? kept++ : np - 1;
    while (p > 0 && unchecked(efficiency[ranked[p - 1]]) < e) { unchecked(ranked[p] = ranked[p - 1]); p--; }
    unchecked(ranked[p] = t);
  }
  let total: f32 = 0;
  for (let s = 0; s < np; s++) {
    const t = unchecked(ranked[s]);
    unchecked(scoredFlag[t] = 1);
    total += unchecked(relaxedSimilarity[t]);
  }
  return total / <f32>np;
}
