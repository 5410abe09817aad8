// Stage 2 on compact templates (compact-layout.ts): the same local similarities as
// similarity.ts, bit for bit, with less work per cylinder pair:
// - the five layers' differing-bit counts are summed with two carry-save adders before counting
//   (count(s) + 2·count(c1) + 2·count(c2) = Σ count(d_k)): three 128-bit popcounts, not five;
// - the cells valid in both are counted only when the two cylinders' valid-cell counts do not
//   already guarantee enough overlap (|va ∩ vb| ≥ |va| + |vb| − cells): rarely.
import { DIRECTION_CELLS, MAX_DIRECTION_DIFFERENCE, MIN_LOCAL_SIMILARITY } from './params';
import { TWO_PI } from './math';
import {
  LAYER_BYTES, MASK_BYTES, PACKED_CYLINDER_BYTES, compactDirection, compactBitCount, compactValidCells,
  compactMaskIndex, compactMasks, compactCylinders, COMPACT_HEADER_BYTES,
} from './compact-layout';
import { cylinderCellCount } from './cylinders';
import { pairKeys, setPairsSwapped, minMatchableCells, firstAtLeast, firstAbove } from './similarity';

if (DIRECTION_CELLS != 5) ERROR('the compact scan is written for 5 direction layers');

/** √ of every possible bit count of a cylinder (the MCC1 norm, computed the same way). */
const roots = new StaticArray<f32>(LAYER_BYTES * 8 * DIRECTION_CELLS + 1);
/** The 112 cell bits of a 16-byte load (the last two bytes belong to the next word). */
let cellsLow: u64 = 0, cellsHigh: u64 = 0;

export function initCompactSimilarity(): void {
  for (let k = 0; k < roots.length; k++) unchecked(roots[k] = Mathf.sqrt(<f32>k));
  cellsLow = ~(<u64>0);
  cellsHigh = (<u64>1 << <u64>((LAYER_BYTES - 8) * 8)) - 1;
}

/** Fills pairKeys as localSimilarities() does for the MCC1 templates these were packed from. */
export function compactLocalSimilarities(a: usize, b: usize): i32 {
  const swapped = compactRowsFromSecond(a, b);
  setPairsSwapped(swapped);
  return swapped ? scanRows(b, a) : scanRows(a, b);
}

/**
 * The MCC1 order (similarity.ts rowsFromSecond): cylinder count, then source count, then the x,
 * y, direction words. (MCC1's size word, between the two counts, is equal when the counts are;
 * the compact size is not, so it is skipped.)
 */
function compactRowsFromSecond(a: usize, b: usize): bool {
  const na = load<u32>(a, 4), nb = load<u32>(b, 4);
  if (na != nb) return nb > na;
  const sa = load<u32>(a, 12), sb = load<u32>(b, 12);
  if (sa != sb) return sb < sa;
  const words = <usize>(3 * na);
  for (let w: usize = 0; w < words; w++) {
    const x = load<u32>(a + COMPACT_HEADER_BYTES + (w << 2)), y = load<u32>(b + COMPACT_HEADER_BYTES + (w << 2));
    if (x != y) return y < x;
  }
  return false;
}

function scanRows(a: usize, b: usize): i32 {
  const na = <i32>load<u32>(a, 4), nb = <i32>load<u32>(b, 4);
  const ma = <i32>load<u32>(a, 16), mb = <i32>load<u32>(b, 16);
  const dirA = a + <usize>compactDirection(na), dirB = b + <usize>compactDirection(nb);
  const countA = a + <usize>compactBitCount(na);
  const validA = a + <usize>compactValidCells(na), indexA = a + <usize>compactMaskIndex(na), masksA = a + <usize>compactMasks(na);
  const cylA = a + <usize>compactCylinders(na, ma);
  setSide(b, nb, mb);
  let count = 0;
  for (let i = 0; i < na; i++) {
    const ta = load<f32>(dirA + (<usize>i << 2));
    const ca = cylA + <usize>(i * PACKED_CYLINDER_BYTES);
    const maskA = masksA + <usize>(<i32>load<u8>(indexA + <usize>i) * MASK_BYTES);
    const norm = unchecked(roots[load<u16>(countA + (<usize>i << 1))]);
    // b's valid cells that guarantee enough overlap: |va ∩ vb| ≥ |va| + |vb| − cells ≥ min
    const sureValid = cylinderCellCount() + minMatchableCells - <i32>load<u8>(validA + <usize>i);
    // Candidate directions are sorted: the compatible ones form one range, or two when the
    // window [ta − δθ, ta + δθ] wraps around 0/2π (as in similarity.ts).
    const lo = ta - MAX_DIRECTION_DIFFERENCE, hi = ta + MAX_DIRECTION_DIFFERENCE;
    if (lo < 0) scanRow(i, ca, maskA, norm, sureValid, 0, firstAbove(dirB, nb, hi), firstAtLeast(dirB, nb, lo + TWO_PI), nb);
    else if (hi >= TWO_PI) scanRow(i, ca, maskA, norm, sureValid, 0, firstAbove(dirB, nb, hi - TWO_PI), firstAtLeast(dirB, nb, lo), nb);
    else scanRow(i, ca, maskA, norm, sureValid, firstAtLeast(dirB, nb, lo), firstAbove(dirB, nb, hi), 0, 0);
    // the row's two best kept pairs (a kept key is never 0: its similarity is > 0)
    unchecked(pairKeys[count] = rowBest);
    count += <i32>(rowBest != 0);
    unchecked(pairKeys[count] = rowSecond);
    count += <i32>(rowSecond != 0);
  }
  return count;
}

// Where the column template's per-cylinder fields are (set per comparison, read into locals per row).
let sideCounts: usize = 0, sideValid: usize = 0, sideIndex: usize = 0, sideMasks: usize = 0, sideCylinders: usize = 0;

function setSide(b: usize, nb: i32, mb: i32): void {
  sideCounts = b + <usize>compactBitCount(nb);
  sideValid = b + <usize>compactValidCells(nb);
  sideIndex = b + <usize>compactMaskIndex(nb);
  sideMasks = b + <usize>compactMasks(nb);
  sideCylinders = b + <usize>compactCylinders(nb, mb);
}

/** scanRow's result: the row's best and second-best keys. */
let rowBest: u64 = 0, rowSecond: u64 = 0;

/**
 * The two largest keys of the kept pairs of one row over candidate ranges [f1, t1) and
 * [f2, t2), kept in registers as the scan goes instead of written out and searched afterwards
 * (similarity.ts keepTwoBest): the same two keys. 0 stands for none.
 */
// @ts-ignore: decorator
@inline function scanRow(i: i32, ca: usize, maskA: usize, norm: f32, sureValid: i32, f1: i32, t1: i32, f2: i32, t2: i32): void {
  let best: u64 = 0, second: u64 = 0;
  const counts = sideCounts, valid = sideValid, index = sideIndex, masks = sideMasks, cylinders = sideCylinders;
  if (ASC_FEATURE_SIMD) {
    const cells = i64x2(<i64>cellsLow, <i64>cellsHigh);
    const va = v128.and(v128.load(maskA), cells);
    const a1 = v128.load(ca), a2 = v128.load(ca, LAYER_BYTES), a3 = v128.load(ca, 2 * LAYER_BYTES);
    const a4 = v128.load(ca, 3 * LAYER_BYTES), a5 = v128.load(ca, 4 * LAYER_BYTES);
    for (let r = 0; r < 2; r++) {
      const to = r == 0 ? t1 : t2;
      for (let j = r == 0 ? f1 : f2; j < to; j++) {
        const cb = cylinders + <usize>(j * PACKED_CYLINDER_BYTES);
        const mask = v128.and(va, v128.load(masks + <usize>(<i32>load<u8>(index + <usize>j) * MASK_BYTES)));
        const d1 = v128.and(v128.xor(a1, v128.load(cb)), mask);
        const d2 = v128.and(v128.xor(a2, v128.load(cb, LAYER_BYTES)), mask);
        const d3 = v128.and(v128.xor(a3, v128.load(cb, 2 * LAYER_BYTES)), mask);
        const d4 = v128.and(v128.xor(a4, v128.load(cb, 3 * LAYER_BYTES)), mask);
        const d5 = v128.and(v128.xor(a5, v128.load(cb, 4 * LAYER_BYTES)), mask);
        // two carry-save adders: Σ count(d_k) = count(s2) + 2·(count(c1) + count(c2))
        const x12 = v128.xor(d1, d2);
        const s1 = v128.xor(x12, d3), c1 = v128.or(v128.and(d1, d2), v128.and(d3, x12));
        const x14 = v128.xor(s1, d4);
        const s2 = v128.xor(x14, d5), c2 = v128.or(v128.and(s1, d4), v128.and(d5, x14));
        const differing = bitCount(s2) + ((bitCount(c1) + bitCount(c2)) << 1);
        const matchable = <i32>load<u8>(valid + <usize>j) >= sureValid || bitCount(mask) >= minMatchableCells;
        const key = pairKey(differing, matchable, norm, counts, i, j);
        const low = select<u64>(best, key, key > best);
        best = max<u64>(best, key);
        second = max<u64>(second, low);
      }
    }
  } else {
    const va0 = load<u64>(maskA) & cellsLow, va1 = load<u64>(maskA, 8) & cellsHigh;
    for (let r = 0; r < 2; r++) {
      const to = r == 0 ? t1 : t2;
      for (let j = r == 0 ? f1 : f2; j < to; j++) {
        const cb = cylinders + <usize>(j * PACKED_CYLINDER_BYTES);
        const mb = masks + <usize>(<i32>load<u8>(index + <usize>j) * MASK_BYTES);
        const m0 = va0 & load<u64>(mb), m1 = va1 & load<u64>(mb, 8);
        let differing = 0;
        for (let k = 0; k < DIRECTION_CELLS; k++) {
          const o = <usize>(k * LAYER_BYTES);
          differing += <i32>popcnt<u64>((load<u64>(ca + o) ^ load<u64>(cb + o)) & m0) + <i32>popcnt<u64>((load<u64>(ca + o, 8) ^ load<u64>(cb + o, 8)) & m1);
        }
        const matchable = <i32>load<u8>(valid + <usize>j) >= sureValid || <i32>(popcnt<u64>(m0) + popcnt<u64>(m1)) >= minMatchableCells;
        const key = pairKey(differing, matchable, norm, counts, i, j);
        const low = select<u64>(best, key, key > best);
        best = max<u64>(best, key);
        second = max<u64>(second, low);
      }
    }
  }
  rowBest = best;
  rowSecond = second;
}

/** As similarity.ts recordPair: the f32 bits of the similarity above the pair; 0 when the pair is not kept. */
// @ts-ignore: decorator
@inline function pairKey(differing: i32, matchable: bool, norm: f32, counts: usize, i: i32, j: i32): u64 {
  const sim: f32 = 1.0 - Mathf.sqrt(<f32>differing) / (norm + unchecked(roots[load<u16>(counts + (<usize>j << 1))]));
  const key = (<u64>reinterpret<u32>(sim) << 32) | <u64>((i << 8) | j);
  return select<u64>(key, 0, matchable & (sim > MIN_LOCAL_SIMILARITY));
}

/** Set bits of a 128-bit word. */
// @ts-ignore: decorator
@inline function bitCount(v: v128): i32 {
  return <i32>(popcnt<u64>(i64x2.extract_lane(v, 0)) + popcnt<u64>(i64x2.extract_lane(v, 1)));
}
