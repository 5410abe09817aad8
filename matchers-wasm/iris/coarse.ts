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
if (COARSE_WORDS > 31) ERROR('bytewise popcount accumulators hold at most 31 words of counts');

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

// @ts-ignore: decorator
@inline function coarseCompare(prepared: usize, entry: usize): f32 {
  let best: f32 = 0.5;
  for (let k = 0; k < COARSE_SHIFTS; k++) {
    const p = prepared + <usize>(k * COARSE_ENTRY_BYTES);
    let differing = i64x2.splat(0), compared = i64x2.splat(0);
    for (let w = 0; w < COARSE_WORDS; w++) {
      const o = <usize>(w << 4);
      const mask = v128.and(v128.load(p + o, COARSE_BYTES), v128.load(entry + o, COARSE_BYTES));
      differing = i8x16.add(differing, i8x16.popcnt(v128.and(v128.xor(v128.load(p + o), v128.load(entry + o)), mask)));
      compared = i8x16.add(compared, i8x16.popcnt(mask));
    }
    const n = byteSum(compared);
    if (n < MIN_COARSE_COMPARED_BITS) continue;
    const hd = <f32>byteSum(differing) / <f32>n;
    const normalised: f32 = 0.5 - (0.5 - hd) * Mathf.sqrt(<f32>n * (1.0 / COARSE_NORM_BITS));
    if (normalised < best) best = normalised;
  }
  return min<f32>(1, max<f32>(0, 1 - best));
}

// @ts-ignore: decorator
@inline function byteSum(v: v128): i32 {
  const s = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
}
