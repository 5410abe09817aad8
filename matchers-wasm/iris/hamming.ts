// The matching kernel: masked fractional Hamming distance with a rotation search.
// A probe is prepared once as its 2·MAX_SHIFT + 1 rotated copies (code and mask), so every
// comparison at every shift is a straight run of aligned 128-bit words: no bit shuffling in
// the scan. At each shift: HD = |(p ⊕ g) ∧ mp ∧ mg| / |mp ∧ mg|, then Daugman's normalisation
// for the number of bits compared, HDnorm = 0.5 − (0.5 − HD)·√(n / NORM_BITS), and the least
// HDnorm over the shifts is the distance. Its distance from chance is then scaled by the two
// codes' degrees-of-freedom weights (code-freedom.ts: correlated bits count for fewer), the
// same at every shift, so it changes the score's scale per pair, not the best shift. The raw
// score is 0.5 + (0.5 − HDnorm)·w_probe·w_template (0.5 ≈ chance).
import { MAX_SHIFT, NORM_BITS, MIN_COMPARED_BITS, CODE_ANGLES } from './params';
import { BITS_PER_ANGLE, CODE_BYTES, CODE_WORDS, HEADER_FREEDOM_WEIGHT, codeOffset, maskOffset } from './layout';

export const SHIFTS: i32 = 2 * MAX_SHIFT + 1;
/** One prepared rotation: code then mask. */
export const ROTATION_BYTES: i32 = 2 * CODE_BYTES;
/** The rotations, then the probe's degrees-of-freedom weight (f32, padded to a SIMD word). */
const PREPARED_WEIGHT: i32 = SHIFTS * ROTATION_BYTES;
export const PREPARED_BYTES: i32 = PREPARED_WEIGHT + 16;

if (BITS_PER_ANGLE % 8 != 0) ERROR('rotations copy whole bytes: BITS_PER_ANGLE must be a multiple of 8');
/** Words counted into the bytewise popcount accumulators before they are summed (≤ 31: a byte
 *  holds 31 × 8 counts). A one-scale code (16 words) is one chunk, a two-scale one (32) two. */
const CHUNK_WORDS: i32 = 16;

/** Best shift (code positions, probe relative to gallery), bits compared, and plain HD of the last compare. */
export let lastShift: i32 = 0;
export let lastComparedBits: i32 = 0;
export let lastHammingDistance: f32 = 0.5;
export let lastPairWeight: f32 = 1;

/** Writes the rotated copies of the template at `template` to `out` (PREPARED_BYTES). */
export function prepareRotations(template: usize, out: usize): void {
  store<f32>(out + <usize>PREPARED_WEIGHT, load<f32>(template + <usize>HEADER_FREEDOM_WEIGHT));
  const angleBytes = <usize>(BITS_PER_ANGLE >> 3);
  for (let k = 0; k < SHIFTS; k++) {
    const shift = k - MAX_SHIFT;
    const dst = out + <usize>(k * ROTATION_BYTES);
    // rotated position a holds the template's position (a + shift) mod CODE_ANGLES
    for (let a = 0; a < CODE_ANGLES; a++) {
      const from = <usize>(((a + shift) % CODE_ANGLES + CODE_ANGLES) % CODE_ANGLES) * angleBytes;
      const to = <usize>a * angleBytes;
      memory.copy(dst + to, template + <usize>codeOffset() + from, angleBytes);
      memory.copy(dst + <usize>CODE_BYTES + to, template + <usize>maskOffset() + from, angleBytes);
    }
  }
}

/** Raw similarity (0.5 + (0.5 − least normalised HD over the shifts) × the pair's weight) of a prepared probe and a template. */
export function compareRotations(rotations: usize, template: usize): f32 {
  const gc = template + <usize>codeOffset(), gm = template + <usize>maskOffset();
  let best: f32 = 0.5, bestShift = 0, bestBits = 0;
  let bestHd: f32 = 0.5;
  for (let k = 0; k < SHIFTS; k++) {
    const counts = maskedCounts(rotations + <usize>(k * ROTATION_BYTES), gc, gm);
    const compared = <i32>(counts & 0xffff), differing = <i32>(counts >>> 16);
    if (compared < MIN_COMPARED_BITS) continue;
    const hd = <f32>differing / <f32>compared;
    const normalised: f32 = 0.5 - (0.5 - hd) * Mathf.sqrt(<f32>compared * (1.0 / NORM_BITS));
    if (normalised < best) { best = normalised; bestShift = k - MAX_SHIFT; bestBits = compared; bestHd = hd; }
  }
  const weight = load<f32>(rotations + <usize>PREPARED_WEIGHT) * load<f32>(template + <usize>HEADER_FREEDOM_WEIGHT);
  lastShift = bestShift;
  lastComparedBits = bestBits;
  lastHammingDistance = bestHd;
  lastPairWeight = weight;
  return min<f32>(1, max<f32>(0, 0.5 + (0.5 - best) * weight));
}

/** Plain masked HD at one position (the speed baseline: no rotation, no normalisation). */
export function plainDistance(probe: usize, template: usize): f32 {
  const counts = maskedCounts(probe + <usize>codeOffset(), template + <usize>codeOffset(), template + <usize>maskOffset());
  const compared = counts & 0xffff;
  return compared == 0 ? 0.5 : <f32>(counts >>> 16) / <f32>compared;
}

/**
 * Bits valid in both masks (low 16 bits) and differing bits among them (high 16 bits), of a
 * probe code at `pc` whose mask follows it (CODE_BYTES later) against gallery code and mask.
 */
// @ts-ignore: decorator
@inline function maskedCounts(pc: usize, gc: usize, gm: usize): i32 {
  return ASC_FEATURE_SIMD ? maskedCountsSimd(pc, gc, gm) : maskedCountsScalar(pc, gc, gm);
}

// SIMD: the XOR/AND in 128-bit vectors; bits are counted with i8x16.popcnt into per-byte
// accumulators (at most 8 per word, so 31 words fit in a byte) and summed across lanes once
// per position. The finger kernel's form (scalar popcnt<u64> on the two i64 lanes of every
// word) measured within this shared machine's noise of it here (±20 % between runs, neither
// ahead in all runs); this form keeps the whole count in vectors and needs one horizontal sum.
// @ts-ignore: decorator
@inline function maskedCountsSimd(pc: usize, gc: usize, gm: usize): i32 {
  let differingTotal = 0, comparedTotal = 0;
  for (let first = 0; first < CODE_WORDS; first += CHUNK_WORDS) {
    let differing = i64x2.splat(0), compared = i64x2.splat(0);
    const last = min(CODE_WORDS, first + CHUNK_WORDS);
    for (let w = first; w < last; w++) {
      const o = <usize>(w << 4);
      const mask = v128.and(v128.load(pc + o, CODE_BYTES), v128.load(gm + o));
      differing = i8x16.add(differing, i8x16.popcnt(v128.and(v128.xor(v128.load(pc + o), v128.load(gc + o)), mask)));
      compared = i8x16.add(compared, i8x16.popcnt(mask));
    }
    differingTotal += byteSum(differing);
    comparedTotal += byteSum(compared);
  }
  return comparedTotal | (differingTotal << 16);
}

// @ts-ignore: decorator
@inline function byteSum(v: v128): i32 {
  const s = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
}

// @ts-ignore: decorator
@inline function maskedCountsScalar(pc: usize, gc: usize, gm: usize): i32 {
  let differing: u64 = 0, compared: u64 = 0;
  for (let w = 0; w < CODE_WORDS * 2; w++) {
    const o = <usize>(w << 3);
    const mask = load<u64>(pc + o, CODE_BYTES) & load<u64>(gm + o);
    differing += popcnt<u64>((load<u64>(pc + o) ^ load<u64>(gc + o)) & mask);
    compared += popcnt<u64>(mask);
  }
  return <i32>compared | (<i32>differing << 16);
}
