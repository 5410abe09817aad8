// The coarse first pass of iris 1:N: a subsampled code (every COARSE_ANGLE_STEP-th angle,
// every COARSE_ROW_STRIDE-th band, both phase bits) compared at every COARSE_SHIFT_STEP-th
// rotation. Only the gallery side is subsampled: the probe is whole, so its rotated copies can
// take any shift and the search keeps the full rotation resolution (a genuine pair one code
// position off its best alignment loses most of its agreement: the Gabor wavelength is 8 code
// positions, so one position is 45° of phase). Only a ranking: the engine keeps the best share
// and the full rotation search (hamming.ts) scores those.
// The same local deformation tolerance as the full matcher (LOCAL_SHIFT_RANGE): the coarse code's
// four words are the ring's four quadrants, so after the rotation search each half takes its own
// shift near the best one, and the similarity is the mean over the two cuts. Without it, a pair
// the tolerance lifts past a decision threshold kept its rigid coarse rank and could be dropped
// (measured: docs/iris-sensors.md, "Ninth pass").
import { MAX_SHIFT, CODE_ANGLES, CODE_ROWS, COARSE_ANGLE_STEP, COARSE_FIRST_ROW, COARSE_ROW_STRIDE, COARSE_SHIFT_STEP, COARSE_NORM_BITS, MIN_COARSE_COMPARED_BITS, LOCAL_SHIFT_RANGE } from './params';
import { BITS_PER_ANGLE, codeOffset, maskOffset } from './layout';

export const COARSE_ANGLES: i32 = CODE_ANGLES / COARSE_ANGLE_STEP;
export const COARSE_ROWS: i32 = (CODE_ROWS - COARSE_FIRST_ROW + COARSE_ROW_STRIDE - 1) / COARSE_ROW_STRIDE;
export const COARSE_BITS: i32 = COARSE_ANGLES * COARSE_ROWS * 2;
/** Bytes of a coarse code (and of its mask). */
export const COARSE_BYTES: i32 = COARSE_BITS >> 3;
export const COARSE_WORDS: i32 = COARSE_BYTES >> 4;
/** One coarse entry: code then mask. */
export const COARSE_ENTRY_BYTES: i32 = 2 * COARSE_BYTES;
export const COARSE_SHIFTS: i32 = 2 * (MAX_SHIFT / COARSE_SHIFT_STEP) + 1;
export const COARSE_PREPARED_BYTES: i32 = COARSE_SHIFTS * COARSE_ENTRY_BYTES;

if (CODE_ANGLES % COARSE_ANGLE_STEP != 0) ERROR('the coarse angle step must divide the code angles');
if (COARSE_BITS % 128 != 0) ERROR('the coarse code must fill whole 128-bit words');
if (COARSE_WORDS != 4) ERROR('coarseCompare is written for four 128-bit words (512 coarse bits), one per quadrant');
if (COARSE_SHIFT_STEP != 1 && LOCAL_SHIFT_RANGE > 0) ERROR('the coarse local shifts step one code position, as the full matcher\'s');

/**
 * Writes the coarse entry of a full template to `out`, its kept angle j taken from the
 * template's angle (j·COARSE_ANGLE_STEP + shift) mod CODE_ANGLES; returns its usable bits.
 */
function gather(template: usize, shift: i32, out: usize): i32 {
  memory.fill(out, 0, <usize>COARSE_ENTRY_BYTES);
  let usableBits = 0, t = 0;
  for (let j = 0; j < COARSE_ANGLES; j++) {
    const a = ((j * COARSE_ANGLE_STEP + shift) % CODE_ANGLES + CODE_ANGLES) % CODE_ANGLES;
    for (let row = COARSE_FIRST_ROW; row < CODE_ROWS; row += COARSE_ROW_STRIDE) {
      for (let phase = 0; phase < 2; phase++) {
        const bit = a * BITS_PER_ANGLE + row * 2 + phase;
        const byte = <usize>(bit >> 3), offset = <u32>(bit & 7);
        const c = (<u32>load<u8>(template + <usize>codeOffset() + byte) >>> offset) & 1;
        const m = (<u32>load<u8>(template + <usize>maskOffset() + byte) >>> offset) & 1;
        const to = out + <usize>(t >> 3), toBit = <u32>(t & 7);
        store<u8>(to, load<u8>(to) | <u8>(c << toBit));
        store<u8>(to + <usize>COARSE_BYTES, load<u8>(to + <usize>COARSE_BYTES) | <u8>(m << toBit));
        usableBits += <i32>m;
        t++;
      }
    }
  }
  return usableBits;
}

/** Writes the coarse entry (code, mask) of a gallery template to `out`; returns its usable bits. */
export function coarseFromTemplate(template: usize, out: usize): i32 {
  return gather(template, 0, out);
}

/** The probe's coarse entry at each coarse shift (COARSE_PREPARED_BYTES); returns its usable bits at shift 0. */
export function prepareCoarse(template: usize, out: usize): i32 {
  let usableBits = 0;
  for (let k = 0; k < COARSE_SHIFTS; k++) {
    const shift = (k - MAX_SHIFT / COARSE_SHIFT_STEP) * COARSE_SHIFT_STEP;
    // as hamming.ts: the probe's position (a + shift) faces the gallery's position a
    const bits = gather(template, shift, out + <usize>(k * COARSE_ENTRY_BYTES));
    if (shift == 0) usableBits = bits;
  }
  return usableBits;
}

/** Coarse similarity (1 − least normalised HD over the coarse shifts) of `count` entries every `stride` bytes. */
export function coarseScan(prepared: usize, entries: usize, count: i32, stride: i32, scores: usize): void {
  for (let i = 0; i < count; i++) {
    store<f32>(scores + (<usize>i << 2), coarseCompare(prepared, entries + <usize>(i * stride)));
  }
}

// The entry's four code and four mask words stay in registers across the shifts; per shift the
// two counts are widened and summed across lanes together (compared in the high half).
// @ts-ignore: decorator
@inline function coarseCompare(prepared: usize, entry: usize): f32 {
  const c0 = v128.load(entry), c1 = v128.load(entry, 16), c2 = v128.load(entry, 32), c3 = v128.load(entry, 48);
  const m0 = v128.load(entry, COARSE_BYTES), m1 = v128.load(entry, COARSE_BYTES + 16), m2 = v128.load(entry, COARSE_BYTES + 32), m3 = v128.load(entry, COARSE_BYTES + 48);
  let bestV = 0, bestN = 1, bestK = 0;
  for (let k = 0; k < COARSE_SHIFTS; k++) {
    const p = prepared + <usize>(k * COARSE_ENTRY_BYTES);
    const k0 = v128.and(v128.load(p, COARSE_BYTES), m0), k1 = v128.and(v128.load(p, COARSE_BYTES + 16), m1);
    const k2 = v128.and(v128.load(p, COARSE_BYTES + 32), m2), k3 = v128.and(v128.load(p, COARSE_BYTES + 48), m3);
    const d0 = v128.and(v128.xor(v128.load(p), c0), k0), d1 = v128.and(v128.xor(v128.load(p, 16), c1), k1);
    const d2 = v128.and(v128.xor(v128.load(p, 32), c2), k2), d3 = v128.and(v128.xor(v128.load(p, 48), c3), k3);
    const differing = i8x16.add(i8x16.add(i8x16.popcnt(d0), i8x16.popcnt(d1)), i8x16.add(i8x16.popcnt(d2), i8x16.popcnt(d3)));
    const compared = i8x16.add(i8x16.add(i8x16.popcnt(k0), i8x16.popcnt(k1)), i8x16.add(i8x16.popcnt(k2), i8x16.popcnt(k3)));
    const both = i32x4.add(widen(differing), i32x4.shl(widen(compared), 16));
    const sum = i32x4.extract_lane(both, 0) + i32x4.extract_lane(both, 1) + i32x4.extract_lane(both, 2) + i32x4.extract_lane(both, 3);
    // least HDnorm = 0.5 − (n − 2d) / (2·√(n·COARSE_NORM_BITS)): the shift with the largest
    // (n − 2d)/√n, compared as (n − 2d)²·n' > (n' − 2d')²·n in integers (≤ 512³ < 2³¹): no √ or ÷ per shift
    const n = sum >>> 16, v = n - 2 * (sum & 0xffff);
    if (n < MIN_COARSE_COMPARED_BITS || v <= 0) continue;
    if (v * v * bestN > bestV * bestV * n) { bestV = v; bestN = n; bestK = k; }
  }
  let best: f32 = bestV == 0 ? 0.5 : 0.5 - <f32>bestV / (2 * Mathf.sqrt(<f32>bestN * COARSE_NORM_BITS));
  if (LOCAL_SHIFT_RANGE > 0 && bestV > 0) best = coarseLocallyShifted(prepared, entry, bestK, best);
  return min<f32>(1, max<f32>(0, 1 - best));
}

/**
 * hamming.ts's locallyShifted on the coarse code: the mean over the cuts (words 0+1 | 2+3, 1+2 |
 * 3+0) of the normalised distance with each half at its best shift within ±LOCAL_SHIFT_RANGE of
 * `bestK` (most agreements minus disagreements, the first from the lowest). A cut with fewer than
 * MIN_COARSE_COMPARED_BITS compared keeps `rigid`. The counts are taken again for those shifts
 * only (2·LOCAL_SHIFT_RANGE + 1 of COARSE_SHIFTS), so the rotation scan above stays as it was;
 * the four halves ([0+1, 1+2, 2+3, 3+0], one i32 lane each) are chosen together in vectors.
 */
function coarseLocallyShifted(prepared: usize, entry: usize, bestK: i32, rigid: f32): f32 {
  const k0 = max(0, bestK - LOCAL_SHIFT_RANGE), k1 = min(COARSE_SHIFTS - 1, bestK + LOCAL_SHIFT_RANGE);
  const c0 = v128.load(entry), c1 = v128.load(entry, 16), c2 = v128.load(entry, 32), c3 = v128.load(entry, 48);
  const m0 = v128.load(entry, COARSE_BYTES), m1 = v128.load(entry, COARSE_BYTES + 16), m2 = v128.load(entry, COARSE_BYTES + 32), m3 = v128.load(entry, COARSE_BYTES + 48);
  const low = i32x4.splat(0xff);
  let bestExcess = i32x4.splat(i32.MIN_VALUE), bestN = i32x4.splat(0), bestD = i32x4.splat(0);
  for (let k = k0; k <= k1; k++) {
    const p = prepared + <usize>(k * COARSE_ENTRY_BYTES);
    // per word, 16-bit lanes of compared + 256 × differing (each ≤ 16 per lane, ≤ 128 per word)
    const w0 = wordPacked(v128.load(p), v128.load(p, COARSE_BYTES), c0, m0), w1 = wordPacked(v128.load(p, 16), v128.load(p, COARSE_BYTES + 16), c1, m1);
    const w2 = wordPacked(v128.load(p, 32), v128.load(p, COARSE_BYTES + 32), c2, m2), w3 = wordPacked(v128.load(p, 48), v128.load(p, COARSE_BYTES + 48), c3, m3);
    // summed across lanes together: [word 0, word 1, word 2, word 3] in i32 lanes
    const a = i16x8.add(i16x8.shuffle(w0, w1, 0, 2, 4, 6, 8, 10, 12, 14), i16x8.shuffle(w0, w1, 1, 3, 5, 7, 9, 11, 13, 15));
    const b = i16x8.add(i16x8.shuffle(w2, w3, 0, 2, 4, 6, 8, 10, 12, 14), i16x8.shuffle(w2, w3, 1, 3, 5, 7, 9, 11, 13, 15));
    const words = widen16(i16x8.add(i16x8.shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14), i16x8.shuffle(a, b, 1, 3, 5, 7, 9, 11, 13, 15)));
    const n = v128.and(words, low), d = i32x4.shr_u(words, 8);
    // halves [0+1, 1+2, 2+3, 3+0]
    const halfN = i32x4.add(n, i32x4.shuffle(n, n, 1, 2, 3, 0)), halfD = i32x4.add(d, i32x4.shuffle(d, d, 1, 2, 3, 0));
    const excess = i32x4.sub(halfN, i32x4.shl(halfD, 1));
    const better = i32x4.gt_s(excess, bestExcess);
    bestExcess = v128.bitselect(excess, bestExcess, better);
    bestN = v128.bitselect(halfN, bestN, better);
    bestD = v128.bitselect(halfD, bestD, better);
  }
  // cut 0: halves 0+1 and 2+3 (lanes 0, 2); cut 1: halves 1+2 and 3+0 (lanes 1, 3)
  const n0 = i32x4.extract_lane(bestN, 0) + i32x4.extract_lane(bestN, 2), d0 = i32x4.extract_lane(bestD, 0) + i32x4.extract_lane(bestD, 2);
  const n1 = i32x4.extract_lane(bestN, 1) + i32x4.extract_lane(bestN, 3), d1 = i32x4.extract_lane(bestD, 1) + i32x4.extract_lane(bestD, 3);
  return (cutDistance(n0, d0, rigid) + cutDistance(n1, d1, rigid)) * 0.5;
}

// @ts-ignore: decorator
@inline function cutDistance(n: i32, d: i32, rigid: f32): f32 {
  return n < MIN_COARSE_COMPARED_BITS ? rigid : 0.5 - <f32>(n - 2 * d) / (2 * Mathf.sqrt(<f32>n * COARSE_NORM_BITS));
}

/** One word's counts as 16-bit lanes: compared + 256 × differing (pairs of bytes summed). */
// @ts-ignore: decorator
@inline function wordPacked(probeCode: v128, probeMask: v128, code: v128, mask: v128): v128 {
  const both = v128.and(probeMask, mask);
  const compared = i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(both));
  const differing = i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(v128.and(v128.xor(probeCode, code), both)));
  return i16x8.add(compared, i16x8.shl(differing, 8));
}

// @ts-ignore: decorator
@inline function widen16(v: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(v);
}

// @ts-ignore: decorator
@inline function widen(v: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v));
}
