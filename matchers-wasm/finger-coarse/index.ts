// The coarse finger kernel: "MCQ1" forms (engine/finger-coarse.ts) compared by popcount local
// similarities and a local-similarity-sort score (MCC's LSS, Cappelli, Ferrara, Maltoni 2010):
// the mean of the best nP cylinder-pair similarities, no consolidation. A ranking, not a score the
// engine decides on. Four cylinder pairs at a time (SIMD): the words of one kind are stored
// together, so one 16-byte load brings the same word of four consecutive cylinders.
//
//   0  u32 magic "MCQ1"     4  u32 n (cylinders)
//   8  u8 direction[n] (1/256 turn, ascending), zero-padded to a multiple of 4
//  ..  u32 validity mask[n], then for each of COARSE_LAYERS layers u32 word[n] (bit c = coarse cell c)
import {
  COARSE_CELLS, COARSE_LAYERS, COARSE_MAX_DIRECTION_STEPS, COARSE_MIN_COMMON_CELLS, COARSE_MIN_SCORED_PAIRS,
  COARSE_MAX_SCORED_PAIRS, COARSE_SCORED_PAIRS_MU, COARSE_SCORED_PAIRS_TAU,
} from './params';

if (COARSE_CELLS != 32 || COARSE_LAYERS != 5) ERROR('the coarse kernel is written for 32 cells × 5 layers');

export const COARSE_MAGIC: u32 = 0x3151434d; // "MCQ1"
const HEADER: usize = 8;

const best = new StaticArray<f32>(COARSE_MAX_SCORED_PAIRS + 1);

export function coarseMagic(): u32 { return COARSE_MAGIC; }
export function allocate(bytes: i32): usize { return heap.alloc(<usize>bytes); }

// @ts-ignore: decorator
@inline function wordsAt(n: i32): usize { return HEADER + ((<usize>n + 3) & ~(<usize>3)); }

/** First index at or after `p` of the ascending directions at `dirs` (n of them) that is ≥ v. */
// @ts-ignore: decorator
@inline function advance(dirs: usize, n: i32, p: i32, v: i32): i32 {
  while (p < n && <i32>load<u8>(dirs + <usize>p) < v) p++;
  return p;
}

let np: i32 = 0;
/** best[np - 1]: the smallest similarity kept so far. */
let floor: f32 = 0;
/** The direction window, 1/256 turns (COARSE_MAX_DIRECTION_STEPS; setDirectionWindow for benches comparing windows). */
let window: i32 = COARSE_MAX_DIRECTION_STEPS;

/** Benches and tests only: compare with another direction window (0–127 steps); the engine never calls it. */
export function setDirectionWindow(steps: i32): void { window = max<i32>(0, min<i32>(127, steps)); }

/** The coarse score of two forms (0–1; 0 when no pair of cylinders is comparable). */
export function compare(a: usize, b: usize): f32 {
  const na = <i32>load<u32>(a, 4), nb = <i32>load<u32>(b, 4);
  if (na == 0 || nb == 0) return 0;
  const m = min<i32>(na, nb);
  const z: f32 = 1.0 / (1.0 + Mathf.exp(-COARSE_SCORED_PAIRS_TAU * (<f32>m - COARSE_SCORED_PAIRS_MU)));
  np = min<i32>(m, COARSE_MIN_SCORED_PAIRS + <i32>Mathf.round(z * <f32>(COARSE_MAX_SCORED_PAIRS - COARSE_MIN_SCORED_PAIRS)));
  for (let k = 0; k < np; k++) unchecked(best[k] = 0);
  floor = 0;
  const dirsB = b + HEADER;
  const w = window;
  // both forms' directions ascend (MCC1 order), so the comparable range of b moves only forward as
  // i grows: four pointers (the range's ends, and the ends of its part wrapped past 0 or 255)
  let from = 0, to = 0, wrappedFrom = 0, wrappedTo = 0;
  for (let i = 0; i < na; i++) {
    const da = <i32>load<u8>(a + HEADER + <usize>i);
    const lo = da - w, hi = da + w;
    from = advance(dirsB, nb, from, lo);
    to = advance(dirsB, nb, to, hi + 1);
    row(a, na, i, b, nb, from, to);
    if (lo < 0) {
      wrappedFrom = advance(dirsB, nb, wrappedFrom, lo + 256);
      row(a, na, i, b, nb, wrappedFrom, nb);
    } else if (hi > 255) {
      wrappedTo = advance(dirsB, nb, wrappedTo, hi - 255);
      row(a, na, i, b, nb, 0, wrappedTo);
    }
  }
  let sum: f32 = 0;
  for (let k = 0; k < np; k++) sum += unchecked(best[k]);
  return sum / <f32>np;
}

/** Per-lane sums of a vector of byte counts, as four u32 lanes. */
// @ts-ignore: decorator
@inline function laneSums(bytes: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(bytes));
}

/**
 * Cylinder i of a against b's cylinders [from, to), four at a time: for each pair sharing at least
 * COARSE_MIN_COMMON_CELLS valid cells, the MCC bit similarity 1 − √|a⊕b| / (√|a| + √|b|) over the
 * cells valid in both (MCC's c_a|b); the best go into `best`. Lanes past `to` read the next words
 * (inside the form or the memory after it) and are masked out.
 */
// @ts-ignore: decorator
@inline function row(a: usize, na: i32, i: i32, b: usize, nb: i32, from: i32, to: i32): void {
  const wa = a + wordsAt(na) + (<usize>i << 2), strideA = <usize>na << 2;
  const wb = b + wordsAt(nb), strideB = <usize>nb << 2;
  const maskA = i32x4.splat(load<u32>(wa));
  const a0 = i32x4.splat(load<u32>(wa + strideA)), a1 = i32x4.splat(load<u32>(wa + 2 * strideA)), a2 = i32x4.splat(load<u32>(wa + 3 * strideA));
  const a3 = i32x4.splat(load<u32>(wa + 4 * strideA)), a4 = i32x4.splat(load<u32>(wa + 5 * strideA));
  const minCommon = i32x4.splat(COARSE_MIN_COMMON_CELLS), end = i32x4.splat(to), lanes = i32x4(0, 1, 2, 3);
  for (let j = from; j < to; j += 4) {
    const at = wb + (<usize>j << 2);
    const common = v128.and(maskA, v128.load(at));
    const inRange = i32x4.lt_s(i32x4.add(i32x4.splat(j), lanes), end);
    const ok = v128.and(inRange, i32x4.ge_u(laneSums(i8x16.popcnt(common)), minCommon));
    if (!v128.any_true(ok)) continue;
    let xa = v128.and(a0, common), xb = v128.and(v128.load(at + strideB), common);
    let countA = i8x16.popcnt(xa), countB = i8x16.popcnt(xb), differ = i8x16.popcnt(v128.xor(xa, xb));
    xa = v128.and(a1, common); xb = v128.and(v128.load(at + 2 * strideB), common);
    countA = i8x16.add(countA, i8x16.popcnt(xa)); countB = i8x16.add(countB, i8x16.popcnt(xb)); differ = i8x16.add(differ, i8x16.popcnt(v128.xor(xa, xb)));
    xa = v128.and(a2, common); xb = v128.and(v128.load(at + 3 * strideB), common);
    countA = i8x16.add(countA, i8x16.popcnt(xa)); countB = i8x16.add(countB, i8x16.popcnt(xb)); differ = i8x16.add(differ, i8x16.popcnt(v128.xor(xa, xb)));
    xa = v128.and(a3, common); xb = v128.and(v128.load(at + 4 * strideB), common);
    countA = i8x16.add(countA, i8x16.popcnt(xa)); countB = i8x16.add(countB, i8x16.popcnt(xb)); differ = i8x16.add(differ, i8x16.popcnt(v128.xor(xa, xb)));
    xa = v128.and(a4, common); xb = v128.and(v128.load(at + 5 * strideB), common);
    countA = i8x16.add(countA, i8x16.popcnt(xa)); countB = i8x16.add(countB, i8x16.popcnt(xb)); differ = i8x16.add(differ, i8x16.popcnt(v128.xor(xa, xb)));
    const norms = f32x4.add(f32x4.sqrt(f32x4.convert_i32x4_u(laneSums(countA))), f32x4.sqrt(f32x4.convert_i32x4_u(laneSums(countB))));
    const similar = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.sqrt(f32x4.convert_i32x4_u(laneSums(differ))), norms));
    // lanes out of range, with too few common cells or no set bit score 0 (never kept: floor ≥ 0)
    const s = v128.and(similar, v128.and(ok, f32x4.gt(norms, f32x4.splat(0))));
    if (!v128.any_true(f32x4.gt(s, f32x4.splat(floor)))) continue;
    keep(f32x4.extract_lane(s, 0)); keep(f32x4.extract_lane(s, 1)); keep(f32x4.extract_lane(s, 2)); keep(f32x4.extract_lane(s, 3));
  }
}

/** Inserts s into the descending list of the np best when it beats the smallest. */
// @ts-ignore: decorator
@inline function keep(s: f32): void {
  if (s <= floor) return;
  let k = np - 1;
  while (k > 0 && unchecked(best[k - 1]) < s) { unchecked(best[k] = best[k - 1]); k--; }
  unchecked(best[k] = s);
  floor = unchecked(best[np - 1]);
}

/** scores[i] = compare(probe, addresses[i]) for `count` forms. */
export function compareMany(probe: usize, addresses: usize, count: i32, scores: usize): void {
  for (let i = 0; i < count; i++) store<f32>(scores + (<usize>i << 2), compare(probe, <usize>load<u32>(addresses + (<usize>i << 2))));
}
