// Stage 2, per comparison: the local similarity of every pair of cylinders (probe minutia i,
// candidate minutia j). Bit-based MCC: 1 − √|a⊕b| / (√|a| + √|b|), counted only over cells
// valid in both cylinders. This is the hot loop: SIMD popcount over 128-bit words.
import { MAX_MINUTIAE, DIRECTION_CELLS, CELL_WORDS, MAX_DIRECTION_DIFFERENCE, MIN_MATCHABLE_CELL_SHARE } from './params';
import { angleDistance } from './math';
import { WORD_BYTES, CYLINDER_BYTES, directionOffset, cylindersOffset } from './layout';
import { cylinderCellCount } from './cylinders';

/** Nonzero local similarities of the last comparison, with their pair (i << 8 | j). */
export const pairSimilarity = new StaticArray<f32>(MAX_MINUTIAE * MAX_MINUTIAE);
export const pairIndex = new StaticArray<i32>(MAX_MINUTIAE * MAX_MINUTIAE);

let minMatchableCells: i32 = 0;
export function initSimilarity(): void {
  minMatchableCells = <i32>Mathf.ceil(MIN_MATCHABLE_CELL_SHARE * <f32>cylinderCellCount());
}

// @ts-ignore: decorator
@inline function sumBytes(acc: v128): i32 {
  const s = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(acc));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
}

/** Fills pairSimilarity/pairIndex for templates at a and b; returns the number of pairs. */
export function localSimilarities(a: usize, b: usize): i32 {
  const na = <i32>load<u32>(a, 4), nb = <i32>load<u32>(b, 4);
  const dirA = a + <usize>directionOffset(na), dirB = b + <usize>directionOffset(nb);
  const cylA = a + <usize>cylindersOffset(na), cylB = b + <usize>cylindersOffset(nb);
  let count = 0;
  for (let i = 0; i < na; i++) {
    const ta = load<f32>(dirA + (<usize>i << 2));
    const ca = cylA + <usize>(i * CYLINDER_BYTES);
    for (let j = 0; j < nb; j++) {
      if (angleDistance(ta, load<f32>(dirB + (<usize>j << 2))) > MAX_DIRECTION_DIFFERENCE) continue;
      const sim = ASC_FEATURE_SIMD
        ? cylinderSimilaritySimd(ca, cylB + <usize>(j * CYLINDER_BYTES))
        : cylinderSimilarityScalar(ca, cylB + <usize>(j * CYLINDER_BYTES));
      if (sim <= 0) continue;
      unchecked(pairSimilarity[count] = sim);
      unchecked(pairIndex[count] = (i << 8) | j);
      count++;
    }
  }
  return count;
}

function cylinderSimilaritySimd(ca: usize, cb: usize): f32 {
  let matchable = 0;
  let accA = i8x16.splat(0), accB = i8x16.splat(0), accX = i8x16.splat(0);
  for (let w = 0; w < CELL_WORDS; w++) {
    const wo = <usize>(w * WORD_BYTES);
    const mask = v128.and(v128.load(ca + wo), v128.load(cb + wo));
    matchable += sumBytes(i8x16.popcnt(mask));
    for (let k = 1; k <= DIRECTION_CELLS; k++) {
      const o = <usize>(k * CELL_WORDS * WORD_BYTES) + wo;
      const va = v128.and(v128.load(ca + o), mask);
      const vb = v128.and(v128.load(cb + o), mask);
      accA = i8x16.add(accA, i8x16.popcnt(va));
      accB = i8x16.add(accB, i8x16.popcnt(vb));
      accX = i8x16.add(accX, i8x16.popcnt(v128.xor(va, vb)));
    }
  }
  if (matchable < minMatchableCells) return 0;
  return similarityFromCounts(sumBytes(accA), sumBytes(accB), sumBytes(accX));
}

function cylinderSimilarityScalar(ca: usize, cb: usize): f32 {
  let matchable = 0, pa = 0, pb = 0, px = 0;
  for (let w = 0; w < CELL_WORDS * 2; w++) { // 64-bit halves of the 128-bit words
    const wo = <usize>(w << 3);
    const mask = load<u64>(ca + wo) & load<u64>(cb + wo);
    matchable += <i32>popcnt<u64>(mask);
    for (let k = 1; k <= DIRECTION_CELLS; k++) {
      const o = <usize>(k * CELL_WORDS * WORD_BYTES) + wo;
      const va = load<u64>(ca + o) & mask, vb = load<u64>(cb + o) & mask;
      pa += <i32>popcnt<u64>(va); pb += <i32>popcnt<u64>(vb); px += <i32>popcnt<u64>(va ^ vb);
    }
  }
  if (matchable < minMatchableCells) return 0;
  return similarityFromCounts(pa, pb, px);
}

// @ts-ignore: decorator
@inline function similarityFromCounts(pa: i32, pb: i32, px: i32): f32 {
  const norm = Mathf.sqrt(<f32>pa) + Mathf.sqrt(<f32>pb);
  return norm > 0 ? 1.0 - Mathf.sqrt(<f32>px) / norm : 0;
}
