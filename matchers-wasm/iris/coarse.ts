// The coarse first pass of iris 1:N: a subsampled code (every COARSE_ANGLE_STEP-th angle,
// every COARSE_ROW_STRIDE-th band, both phase bits) compared at every COARSE_SHIFT_STEP-th
// rotation. Only the gallery side is subsampled: the probe is whole, so its rotated copies can
// take any shift and the search keeps the full rotation resolution (a genuine pair one code
// position off its best alignment loses most of its agreement: the Gabor wavelength is 8 code
// positions, so one position is 45° of phase). Only a ranking: the engine keeps the best share
// and the full rotation search (hamming.ts) scores those.
import { MAX_SHIFT, CODE_ANGLES, CODE_ROWS, COARSE_ANGLE_STEP, COARSE_FIRST_ROW, COARSE_ROW_STRIDE, COARSE_SHIFT_STEP, COARSE_NORM_BITS, MIN_COARSE_COMPARED_BITS } from './params';
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
if (COARSE_WORDS != 4) ERROR('coarseCompare is written for four 128-bit words (512 coarse bits)');

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
  let bestV = 0, bestN = 1;
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
    if (v * v * bestN > bestV * bestV * n) { bestV = v; bestN = n; }
  }
  const best: f32 = bestV == 0 ? 0.5 : 0.5 - <f32>bestV / (2 * Mathf.sqrt(<f32>bestN * COARSE_NORM_BITS));
  return min<f32>(1, max<f32>(0, 1 - best));
}

// @ts-ignore: decorator
@inline function widen(v: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v));
}
