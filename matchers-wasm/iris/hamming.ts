// The matching kernel: masked fractional Hamming distance with a rotation search.
// A probe is prepared once as its 2·MAX_SHIFT + 1 rotated copies (code and mask), so every
// comparison at every shift is a straight run of aligned 128-bit words: no bit shuffling in
// the scan. At each shift: HD = |(p ⊕ g) ∧ mp ∧ mg| / |mp ∧ mg|, then Daugman's normalisation
// for the number of bits compared, HDnorm = 0.5 − (0.5 − HD)·√(n / NORM_BITS), and the least
// HDnorm over the shifts is the distance. Its distance from chance is then scaled by the two
// codes' degrees-of-freedom weights (code-freedom.ts: correlated bits count for fewer), the
// same at every shift, so it changes the score's scale per pair, not the best shift. The raw
// score is 0.5 + (0.5 − HDnorm)·w_probe·w_template (0.5 ≈ chance).
// Local deformation tolerance (LOCAL_SHIFT_RANGE > 0): after the rotation search, the ring is cut
// into two halves and each half takes its own shift near the best rotation; HDnorm is then the
// mean over two cuts (upper/lower, left/right) of the cut's normalised distance. The cuts run
// along quadrant boundaries (a quadrant = CODE_ANGLES / 4 positions = CODE_WORDS / 4 words), so
// the per-half counts are sums of whole-word counts.
import { MAX_SHIFT, NORM_BITS, MIN_COMPARED_BITS, CODE_ANGLES, LOCAL_SHIFT_RANGE } from './params';
import { BITS_PER_ANGLE, CODE_BYTES, CODE_WORDS, HEADER_FREEDOM_WEIGHT, codeOffset, maskOffset } from './layout';

export const SHIFTS: i32 = 2 * MAX_SHIFT + 1;
/** One prepared rotation: code then mask. */
export const ROTATION_BYTES: i32 = 2 * CODE_BYTES;
/** The rotations, then the probe's degrees-of-freedom weight (f32, padded to a SIMD word). */
const PREPARED_WEIGHT: i32 = SHIFTS * ROTATION_BYTES;
export const PREPARED_BYTES: i32 = PREPARED_WEIGHT + 16;

if (BITS_PER_ANGLE % 8 != 0) ERROR('rotations copy whole bytes: BITS_PER_ANGLE must be a multiple of 8');
if (CODE_ANGLES % 4 != 0 || CODE_WORDS % 4 != 0) ERROR('the local shift cuts the code into quadrants of whole words');
if (CODE_WORDS / 4 > 31) ERROR('a quadrant is counted in bytewise accumulators: at most 31 words');
if (LOCAL_SHIFT_RANGE < 0 || LOCAL_SHIFT_RANGE > MAX_SHIFT) ERROR('LOCAL_SHIFT_RANGE lies within the rotation search');
const QUADRANT_WORDS: i32 = CODE_WORDS / 4;
/** Per-quadrant counts (compared | differing << 16) of the last compare at every rotation, kept
 *  during the rotation search so the local shifts need no second pass over the codes. */
const quadrantCounts = new StaticArray<i32>(4 * SHIFTS);

/** Words counted into the bytewise popcount accumulators before they are summed (≤ 31: a byte
 *  holds 31 × 8 counts). A one-scale code (16 words) is one chunk, a two-scale one (32) two. */
const CHUNK_WORDS: i32 = 16;

/** Best shift (code positions, probe relative to gallery), bits compared, and plain HD of the last compare. */
export let lastShift: i32 = 0;
export let lastComparedBits: i32 = 0;
export let lastHammingDistance: f32 = 0.5;
export let lastPairWeight: f32 = 1;
/** The normalised distance the last compare's score came from (after the local shifts, when on). */
export let lastScoreDistance: f32 = 0.5;

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
  let best: f32 = 0.5, bestShift = 0, bestBits = 0, bestK = -1;
  let bestHd: f32 = 0.5;
  for (let k = 0; k < SHIFTS; k++) {
    const rotation = rotations + <usize>(k * ROTATION_BYTES);
    const counts = LOCAL_SHIFT_RANGE > 0 ? quadrantScan(rotation, gc, gm, k) : maskedCounts(rotation, gc, gm, 0, CODE_WORDS);
    const compared = <i32>(counts & 0xffff), differing = <i32>(counts >>> 16);
    if (compared < MIN_COMPARED_BITS) continue;
    const normalised = normalisedDistance(compared, differing);
    if (normalised < best) { best = normalised; bestShift = k - MAX_SHIFT; bestBits = compared; bestHd = <f32>differing / <f32>compared; bestK = k; }
  }
  if (LOCAL_SHIFT_RANGE > 0 && bestK >= 0) best = locallyShifted(bestK, best);
  const weight = load<f32>(rotations + <usize>PREPARED_WEIGHT) * load<f32>(template + <usize>HEADER_FREEDOM_WEIGHT);
  lastShift = bestShift;
  lastComparedBits = bestBits;
  lastHammingDistance = bestHd;
  lastPairWeight = weight;
  lastScoreDistance = best;
  return min<f32>(1, max<f32>(0, 0.5 + (0.5 - best) * weight));
}

// @ts-ignore: decorator
@inline function normalisedDistance(compared: i32, differing: i32): f32 {
  const hd = <f32>differing / <f32>compared;
  return 0.5 - (0.5 - hd) * Mathf.sqrt(<f32>compared * (1.0 / NORM_BITS));
}

/**
 * The mean, over the two cuts of the ring (quadrants 0+1 | 2+3, and 1+2 | 3+0), of the normalised
 * distance when each half takes the shift within ±LOCAL_SHIFT_RANGE of rotation `bestK` with the
 * most agreements minus disagreements (the first such shift, from the lowest). A cut with fewer
 * than MIN_COMPARED_BITS compared keeps `rigid`, the rotation search's distance.
 */
function locallyShifted(bestK: i32, rigid: f32): f32 {
  const k0 = max(0, bestK - LOCAL_SHIFT_RANGE), k1 = min(SHIFTS - 1, bestK + LOCAL_SHIFT_RANGE);
  let sum: f32 = 0;
  for (let cut = 0; cut < 2; cut++) {
    let compared = 0, differing = 0;
    for (let half = 0; half < 2; half++) {
      const qa = (2 * half + cut) & 3, qb = (2 * half + cut + 1) & 3;
      let bestExcess = i32.MIN_VALUE, halfCompared = 0, halfDiffering = 0;
      for (let k = k0; k <= k1; k++) {
        const a = unchecked(quadrantCounts[k * 4 + qa]), b = unchecked(quadrantCounts[k * 4 + qb]);
        const n = (a & 0xffff) + (b & 0xffff), d = (a >>> 16) + (b >>> 16);
        if (n - 2 * d > bestExcess) { bestExcess = n - 2 * d; halfCompared = n; halfDiffering = d; }
      }
      compared += halfCompared;
      differing += halfDiffering;
    }
    sum += compared < MIN_COMPARED_BITS ? rigid : normalisedDistance(compared, differing);
  }
  return sum * 0.5;
}

/**
 * The counts of rotation `k` (as maskedCounts over the whole code), its four quadrants' counts
 * kept in quadrantCounts. SIMD: each quadrant's bytewise accumulators are widened to i32 lanes
 * with the differing count in the high half, and the four quadrant vectors are summed across
 * lanes together (two rounds of lane shuffles), so a rotation costs one horizontal sum more
 * than the whole-code count, not four.
 */
// @ts-ignore: decorator
@inline function quadrantScan(pc: usize, gc: usize, gm: usize, k: i32): i32 {
  const at = changetype<usize>(quadrantCounts) + <usize>(k << 4);
  if (ASC_FEATURE_SIMD) {
    const v0 = packedLanes(pc, gc, gm, 0, QUADRANT_WORDS), v1 = packedLanes(pc, gc, gm, QUADRANT_WORDS, 2 * QUADRANT_WORDS);
    const v2 = packedLanes(pc, gc, gm, 2 * QUADRANT_WORDS, 3 * QUADRANT_WORDS), v3 = packedLanes(pc, gc, gm, 3 * QUADRANT_WORDS, CODE_WORDS);
    const a = i32x4.add(i32x4.shuffle(v0, v1, 0, 1, 4, 5), i32x4.shuffle(v0, v1, 2, 3, 6, 7));
    const b = i32x4.add(i32x4.shuffle(v2, v3, 0, 1, 4, 5), i32x4.shuffle(v2, v3, 2, 3, 6, 7));
    const quadrants = i32x4.add(i32x4.shuffle(a, b, 0, 2, 4, 6), i32x4.shuffle(a, b, 1, 3, 5, 7));
    v128.store(at, quadrants);
    return i32x4.extract_lane(quadrants, 0) + i32x4.extract_lane(quadrants, 1) + i32x4.extract_lane(quadrants, 2) + i32x4.extract_lane(quadrants, 3);
  }
  let total = 0;
  for (let q = 0; q < 4; q++) {
    const counts = maskedCountsScalar(pc, gc, gm, q * QUADRANT_WORDS, (q + 1) * QUADRANT_WORDS);
    store<i32>(at + <usize>(q << 2), counts);
    total += counts;
  }
  return total;
}

/** Plain masked HD at one position (the speed baseline: no rotation, no normalisation). */
export function plainDistance(probe: usize, template: usize): f32 {
  const counts = maskedCounts(probe + <usize>codeOffset(), template + <usize>codeOffset(), template + <usize>maskOffset(), 0, CODE_WORDS);
  const compared = counts & 0xffff;
  return compared == 0 ? 0.5 : <f32>(counts >>> 16) / <f32>compared;
}

/**
 * Bits valid in both masks (low 16 bits) and differing bits among them (high 16 bits), of a
 * probe code at `pc` whose mask follows it (CODE_BYTES later) against gallery code and mask,
 * over the 128-bit words `from` … `to` − 1.
 */
// @ts-ignore: decorator
@inline function maskedCounts(pc: usize, gc: usize, gm: usize, from: i32, to: i32): i32 {
  return ASC_FEATURE_SIMD ? maskedCountsSimd(pc, gc, gm, from, to) : maskedCountsScalar(pc, gc, gm, from, to);
}

// SIMD: the XOR/AND in 128-bit vectors; bits are counted with i8x16.popcnt into per-byte
// accumulators (at most 8 per word, so 31 words fit in a byte) and summed across lanes once
// per position. The finger kernel's form (scalar popcnt<u64> on the two i64 lanes of every
// word) measured within this shared machine's noise of it here (±20 % between runs, neither
// ahead in all runs); this form keeps the whole count in vectors and needs one horizontal sum.
// @ts-ignore: decorator
@inline function maskedCountsSimd(pc: usize, gc: usize, gm: usize, from: i32, to: i32): i32 {
  let lanes = i32x4.splat(0);
  for (let first = from; first < to; first += CHUNK_WORDS) lanes = i32x4.add(lanes, packedLanes(pc, gc, gm, first, min(to, first + CHUNK_WORDS)));
  return i32x4.extract_lane(lanes, 0) + i32x4.extract_lane(lanes, 1) + i32x4.extract_lane(lanes, 2) + i32x4.extract_lane(lanes, 3);
}

/** The counts of words `from` … `to` − 1 (at most CHUNK_WORDS) as four i32 lanes of partial sums,
 *  compared | differing << 16 each; the lanes sum to maskedCounts' packed form. */
// @ts-ignore: decorator
@inline function packedLanes(pc: usize, gc: usize, gm: usize, from: i32, to: i32): v128 {
  let differing = i64x2.splat(0), compared = i64x2.splat(0);
  for (let w = from; w < to; w++) {
    const o = <usize>(w << 4);
    const mask = v128.and(v128.load(pc + o, CODE_BYTES), v128.load(gm + o));
    differing = i8x16.add(differing, i8x16.popcnt(v128.and(v128.xor(v128.load(pc + o), v128.load(gc + o)), mask)));
    compared = i8x16.add(compared, i8x16.popcnt(mask));
  }
  const c = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(compared));
  const d = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(differing));
  return i32x4.add(c, i32x4.shl(d, 16));
}

// @ts-ignore: decorator
@inline function maskedCountsScalar(pc: usize, gc: usize, gm: usize, from: i32, to: i32): i32 {
  let differing: u64 = 0, compared: u64 = 0;
  for (let w = from * 2; w < to * 2; w++) {
    const o = <usize>(w << 3);
    const mask = load<u64>(pc + o, CODE_BYTES) & load<u64>(gm + o);
    differing += popcnt<u64>((load<u64>(pc + o) ^ load<u64>(gc + o)) & mask);
    compared += popcnt<u64>(mask);
  }
  return <i32>compared | (<i32>differing << 16);
}
