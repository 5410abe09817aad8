// The coarse finger kernel: "MCQ1" forms (engine/finger-coarse.ts) compared by popcount local
// similarities and a local-similarity-sort score (MCC's LSS, Cappelli, Ferrara, Maltoni 2010):
// the mean of the best nP cylinder-pair similarities, no consolidation. A ranking, not a score the
// engine decides on.
//
//   0  u32 magic "MCQ1"     4  u32 n (cylinders)
//   8  u8 direction[n] (1/256 turn), zero-padded to a multiple of 4
//  ..  n cylinders of 6 u32: validity mask, then COARSE_LAYERS layer words (bit c = coarse cell c)
import {
  COARSE_CELLS, COARSE_LAYERS, COARSE_MAX_DIRECTION_STEPS, COARSE_MIN_COMMON_CELLS, COARSE_MIN_SCORED_PAIRS,
  COARSE_MAX_SCORED_PAIRS, COARSE_SCORED_PAIRS_MU, COARSE_SCORED_PAIRS_TAU,
} from './params';

if (COARSE_CELLS != 32 || COARSE_LAYERS != 5) ERROR('the coarse kernel is written for 32 cells × 5 layers');

export const COARSE_MAGIC: u32 = 0x3151434d; // "MCQ1"
const HEADER: usize = 8;
const CYLINDER: usize = 24;

const roots = new StaticArray<f32>(COARSE_CELLS * COARSE_LAYERS + 1);
for (let k = 0; k < roots.length; k++) unchecked(roots[k] = Mathf.sqrt(<f32>k));
const best = new StaticArray<f32>(COARSE_MAX_SCORED_PAIRS + 1);

export function coarseMagic(): u32 { return COARSE_MAGIC; }
export function allocate(bytes: i32): usize { return heap.alloc(<usize>bytes); }

// @ts-ignore: decorator
@inline function cylindersAt(n: i32): usize { return HEADER + ((<usize>n + 3) & ~(<usize>3)); }

/** First index of the ascending directions at `dirs` (n of them) that is ≥ v. */
// @ts-ignore: decorator
@inline function firstAtLeast(dirs: usize, n: i32, v: i32): i32 {
  let lo = 0, hi = n;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (<i32>load<u8>(dirs + <usize>mid) >= v) hi = mid; else lo = mid + 1; }
  return lo;
}

/** The coarse score of two forms (0–1; 0 when no pair of cylinders is comparable). */
export function compare(a: usize, b: usize): f32 {
  const na = <i32>load<u32>(a, 4), nb = <i32>load<u32>(b, 4);
  if (na == 0 || nb == 0) return 0;
  const m = min<i32>(na, nb);
  const z: f32 = 1.0 / (1.0 + Mathf.exp(-COARSE_SCORED_PAIRS_TAU * (<f32>m - COARSE_SCORED_PAIRS_MU)));
  np = min<i32>(m, COARSE_MIN_SCORED_PAIRS + <i32>Mathf.round(z * <f32>(COARSE_MAX_SCORED_PAIRS - COARSE_MIN_SCORED_PAIRS)));
  for (let k = 0; k < np; k++) unchecked(best[k] = 0);
  floor = 0;
  fillCounts(a, na, countsA);
  fillCounts(b, nb, countsB);
  const cylA = a + cylindersAt(na), dirsB = b + HEADER;
  for (let i = 0; i < na; i++) {
    // directions are ascending (MCC1 order): the comparable ones form one range, or two when the window wraps
    const da = <i32>load<u8>(a + HEADER + <usize>i);
    const lo = da - COARSE_MAX_DIRECTION_STEPS, hi = da + COARSE_MAX_DIRECTION_STEPS;
    const ca = cylA + <usize>i * CYLINDER;
    if (lo < 0) {
      row(ca, i, b, nb, 0, firstAtLeast(dirsB, nb, hi + 1));
      row(ca, i, b, nb, firstAtLeast(dirsB, nb, lo + 256), nb);
    } else if (hi > 255) {
      row(ca, i, b, nb, 0, firstAtLeast(dirsB, nb, hi - 255));
      row(ca, i, b, nb, firstAtLeast(dirsB, nb, lo), nb);
    } else {
      row(ca, i, b, nb, firstAtLeast(dirsB, nb, lo), firstAtLeast(dirsB, nb, hi + 1));
    }
  }
  let sum: f32 = 0;
  for (let k = 0; k < np; k++) sum += unchecked(best[k]);
  return sum / <f32>np;
}

/** Per cylinder of the two forms compared, its set bits (all cells): the norms when every cell is valid in both. */
const countsA = new StaticArray<i32>(256), countsB = new StaticArray<i32>(256);

function fillCounts(form: usize, n: i32, out: StaticArray<i32>): void {
  const cyl = form + cylindersAt(n);
  for (let i = 0; i < n; i++) {
    const c = cyl + <usize>i * CYLINDER;
    unchecked(out[i] = <i32>(popcnt<u64>(load<u64>(c, 4)) + popcnt<u64>(load<u64>(c, 12))) + <i32>popcnt<u32>(load<u32>(c, 20)));
  }
}

let np: i32 = 0;
/** best[np - 1]: the smallest similarity kept so far. */
let floor: f32 = 0;

/** Cylinder i of a (at ca) against b's cylinders [from, to): the best similarities into `best`. */
// @ts-ignore: decorator
@inline function row(ca: usize, i: i32, b: usize, nb: i32, from: i32, to: i32): void {
  const maskA = load<u32>(ca);
  const a01 = load<u64>(ca, 4), a23 = load<u64>(ca, 12), a4 = load<u32>(ca, 20);
  const cylB = b + cylindersAt(nb);
  for (let j = from; j < to; j++) {
    const cb = cylB + <usize>j * CYLINDER;
    const common = maskA & load<u32>(cb);
    let s: f32;
    if (common == 0xffffffff) {
      // every cell valid in both (the usual case): whole-cylinder counts, no masking
      const norms = unchecked(roots[unchecked(countsA[i])]) + unchecked(roots[unchecked(countsB[j])]);
      if (norms == 0) continue;
      const d = <i32>(popcnt<u64>(a01 ^ load<u64>(cb, 4)) + popcnt<u64>(a23 ^ load<u64>(cb, 12))) + <i32>popcnt<u32>(a4 ^ load<u32>(cb, 20));
      s = 1.0 - unchecked(roots[d]) / norms;
    } else {
      if (<i32>popcnt<u32>(common) < COARSE_MIN_COMMON_CELLS) continue;
      const wide = (<u64>common << 32) | <u64>common;
      const xa01 = a01 & wide, xa23 = a23 & wide, xa4 = a4 & common;
      const xb01 = load<u64>(cb, 4) & wide, xb23 = load<u64>(cb, 12) & wide, xb4 = load<u32>(cb, 20) & common;
      // norms over the cells valid in both (MCC's c_a|b), as the full kernel's local similarity
      const norms = unchecked(roots[<i32>(popcnt<u64>(xa01) + popcnt<u64>(xa23)) + <i32>popcnt<u32>(xa4)])
        + unchecked(roots[<i32>(popcnt<u64>(xb01) + popcnt<u64>(xb23)) + <i32>popcnt<u32>(xb4)]);
      if (norms == 0) continue;
      const d = <i32>(popcnt<u64>(xa01 ^ xb01) + popcnt<u64>(xa23 ^ xb23)) + <i32>popcnt<u32>(xa4 ^ xb4);
      s = 1.0 - unchecked(roots[d]) / norms;
    }
    if (s <= floor) continue;
    // insert into the descending list of the np best
    let k = np - 1;
    while (k > 0 && unchecked(best[k - 1]) < s) { unchecked(best[k] = best[k - 1]); k--; }
    unchecked(best[k] = s);
    floor = unchecked(best[np - 1]);
  }
}

/** scores[i] = compare(probe, addresses[i]) for `count` forms. */
export function compareMany(probe: usize, addresses: usize, count: i32, scores: usize): void {
  for (let i = 0; i < count; i++) store<f32>(scores + (<usize>i << 2), compare(probe, <usize>load<u32>(addresses + (<usize>i << 2))));
}
