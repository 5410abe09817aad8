// The marker segments that carry parameters: frame header (SOF), transform table (DTT),
// quantisation table (DQT), comments and restart intervals (skipped). Huffman tables are in
// huffman.ts. Each parser starts after its marker and checks its length field against the
// bytes it reads, so a segment can never run into the next one.
import {
  OK, E_TRUNCATED, E_BAD_SEGMENT, E_BAD_FRAME, E_BAD_TRANSFORM, E_UNSUPPORTED_FILTER, E_BAD_QUANT,
  SOF_LENGTH, DQT_LENGTH, FILTER_COEFFICIENT_BYTES, MAX_FILTER_TAPS, MAX_FILTER_HALF, SUBBANDS,
} from './params';
import { has, byte, word, quad, scaled, skip } from './stream';

// ---- frame ----
export let frameDefined = false;
export let frameWidth: i32 = 0;
export let frameHeight: i32 = 0;
/** Reconstruction: pixel = sample × frameScale + frameShift (the spec's R and M). */
export let frameShift: f32 = 0;
export let frameScale: f32 = 1;

// ---- transform: synthesis filters folded per output parity ----
export let transformDefined = false;
/** Half-width of the folded filters: taps run −filterHalf..filterHalf. */
export let filterHalf: i32 = 0;
/** Output sample n = Σ_j line[n − j] × fold[parity(n)][j]: for even n the lowpass synthesis taps at
 *  even j and the highpass ones at odd j, for odd n the other way round. */
export const FOLD_EVEN: usize = memory.data((2 * MAX_FILTER_HALF + 1) * 4, 16);
export const FOLD_ODD: usize = memory.data((2 * MAX_FILTER_HALF + 1) * 4, 16);
/** The folded taps as 4-lane weights for outputs of parities even, odd, even, odd (SIMD rows). */
export const FOLD_PAIRS: usize = memory.data((2 * MAX_FILTER_HALF + 1) * 16, 16);
/** True when the filters have even lengths (half-sample symmetric extension, antisymmetric highpass). */
export let evenFilters = false;
/** Analysis filters h0 (lowpass) and h1 (highpass) by tap position m, stored at m + MAX_FILTER_HALF
 *  (m from −MAX_FILTER_HALF to MAX_FILTER_HALF + 1). Odd filters: sample 2k + m feeds lowpass k,
 *  2k + 1 + m highpass k. Even filters: sample 2k + m feeds both (the highpass negated, as the
 *  spec's reference decomposition applies it). */
const ANALYSIS_SLOTS = 2 * MAX_FILTER_HALF + 2;
const ANALYSIS_LOW: usize = memory.data(ANALYSIS_SLOTS * 8, 16);
const ANALYSIS_HIGH: usize = memory.data(ANALYSIS_SLOTS * 8, 16);

@inline function tap(filter: usize, m: i32): f64 {
  const at = m + MAX_FILTER_HALF;
  return at < 0 || at >= ANALYSIS_SLOTS ? 0 : load<f64>(filter + (<usize>at << 3));
}

@inline function setTap(filter: usize, m: i32, v: f64): void {
  store<f64>(filter + (<usize>(m + MAX_FILTER_HALF) << 3), v);
}

// ---- quantisation ----
export let quantDefined = false;
export let binCentre: f32 = 0;
/** Q (bin width) and Z (zero-bin width) per subband; Q = 0 means "not transmitted". */
export const BIN_WIDTH: usize = memory.data(SUBBANDS * 4, 16);
export const ZERO_BIN: usize = memory.data(SUBBANDS * 4, 16);

export function resetTables(): void {
  frameDefined = false;
  transformDefined = false;
  quantDefined = false;
}

/** A segment's length field, which counts itself: at least 2 and within the input. */
function segmentLength(): i32 {
  if (!has(2)) return E_TRUNCATED;
  const length = word();
  if (length < 2) return E_BAD_SEGMENT;
  if (!has(length - 2)) return E_TRUNCATED;
  return length;
}

/** COM (comment, NIST_COM text read by the host) and DRT (restart interval): skipped. */
export function skipSegment(): i32 {
  const length = segmentLength();
  if (length < 0) return length;
  skip(length - 2);
  return OK;
}

export function readFrameHeader(): i32 {
  const length = segmentLength();
  if (length < 0) return length;
  if (length != SOF_LENGTH) return E_BAD_SEGMENT;
  byte(); // A: black level (informative)
  byte(); // B: white level (informative)
  const height = word();
  const width = word();
  const shiftScale = byte();
  const shift = word();
  const rangeScale = byte();
  const range = word();
  byte(); // encoder version
  word(); // software implementation number
  if (width == 0 || height == 0) return E_BAD_FRAME;
  const r = scaled(<f64>range, rangeScale);
  if (!(r > 0)) return E_BAD_FRAME;
  frameWidth = width;
  frameHeight = height;
  frameShift = <f32>scaled(<f64>shift, shiftScale);
  frameScale = <f32>r;
  frameDefined = true;
  return OK;
}

/** One transmitted coefficient: sign byte (non-zero: negative), decimal scale, magnitude. */
function coefficient(): f64 {
  const sign = byte();
  const scale = byte();
  const v = scaled(<f64>quad(), scale);
  return sign != 0 ? -v : v;
}

/**
 * Reads a filter's transmitted half: taps floor(L/2) .. L−1 of the full filter (centre first).
 * Odd L: symmetric about m = 0. Even L: about m = ½ (lowpass symmetric; highpass antisymmetric,
 * and negated, so that h1 is what multiplies the samples).
 */
function readFilter(filter: usize, taps: i32, highpass: bool): void {
  for (let m = 0; m < ANALYSIS_SLOTS; m++) store<f64>(filter + (<usize>m << 3), 0);
  if ((taps & 1) != 0) {
    for (let k = 0; k <= (taps - 1) >> 1; k++) {
      const v = coefficient();
      setTap(filter, k, v);
      setTap(filter, -k, v);
    }
  } else {
    for (let k = 0; k < taps >> 1; k++) {
      const v = coefficient();
      setTap(filter, k + 1, highpass ? -v : v);
      setTap(filter, -k, v);
    }
  }
}

/** Stores the folded synthesis taps for outputs of each parity (and as SIMD pairs). */
function setFold(j: i32, half: i32, even: f64, odd: f64): void {
  const at = <usize>((j + half) << 2);
  store<f32>(FOLD_EVEN + at, <f32>even);
  store<f32>(FOLD_ODD + at, <f32>odd);
  store<v128>(FOLD_PAIRS + <usize>((j + half) << 4), f32x4(<f32>even, <f32>odd, <f32>even, <f32>odd));
}

/**
 * DTT: the analysis lowpass and highpass filters (lengths L0, L1, then each filter's second
 * half, centre first). The synthesis filters follow from them and are folded per output parity
 * for the inverse transform (wavelet.ts):
 *   odd lengths (the spec's 9/7 and every encoder in use): g0[j] = (−1)^j h1[j],
 *     g1[j] = (−1)^j h0[j], lowpass sample k at 2k, highpass at 2k + 1;
 *   even lengths: g0[j] = s(−1)^j h1[1 − j], g1[j] = −s(−1)^j h0[1 − j], both samples k at
 *     2k + ½, with s = ±1 the sign that makes the pair reconstruct (Σ_k h0·g0 + h1·g1 at even
 *     lags = 1).
 * Filters of different parities are refused (the reference decomposition has no such case).
 */
export function readTransformTable(): i32 {
  const length = segmentLength();
  if (length < 0) return length;
  if (length < 4) return E_BAD_SEGMENT;
  const lowTaps = byte();
  const highTaps = byte();
  if (lowTaps == 0 || highTaps == 0 || lowTaps > MAX_FILTER_TAPS || highTaps > MAX_FILTER_TAPS) return E_BAD_TRANSFORM;
  if ((lowTaps & 1) != (highTaps & 1)) return E_UNSUPPORTED_FILTER;
  const even = (lowTaps & 1) == 0;
  if (length != 4 + FILTER_COEFFICIENT_BYTES * (lowTaps - (lowTaps >> 1) + highTaps - (highTaps >> 1))) return E_BAD_SEGMENT;
  readFilter(ANALYSIS_LOW, lowTaps, false);
  readFilter(ANALYSIS_HIGH, highTaps, true);
  const half = even ? ((lowTaps > highTaps ? lowTaps : highTaps) >> 1) : ((lowTaps > highTaps ? lowTaps : highTaps) - 1) >> 1;
  if (!even) {
    for (let j = -half; j <= half; j++) {
      const sign: f64 = (j & 1) == 0 ? 1.0 : -1.0;
      const g0 = sign * tap(ANALYSIS_HIGH, j);
      const g1 = sign * tap(ANALYSIS_LOW, j);
      setFold(j, half, (j & 1) == 0 ? g0 : g1, (j & 1) == 0 ? g1 : g0);
    }
  } else {
    // s: the reconstruction of a unit impulse at its own position must be +1, not −1.
    let t: f64 = 0;
    for (let m = -2 * MAX_FILTER_HALF; m <= 2 * MAX_FILTER_HALF; m += 2) {
      const sign: f64 = (m & 1) == 0 ? 1.0 : -1.0;
      t += tap(ANALYSIS_LOW, m) * sign * tap(ANALYSIS_HIGH, 1 - m) - tap(ANALYSIS_HIGH, m) * sign * tap(ANALYSIS_LOW, 1 - m);
    }
    const s: f64 = t < 0 ? -1.0 : 1.0;
    for (let j = -half; j <= half; j++) {
      const sj: f64 = (j & 1) == 0 ? s : -s;
      const sj1: f64 = -sj; // (−1)^(j+1)
      const g0 = sj * tap(ANALYSIS_HIGH, 1 - j); // g0[j]
      const g1next = -sj1 * tap(ANALYSIS_LOW, -j); // g1[j + 1] = −s(−1)^(j+1) h0[−j]
      // Output n, interleaved sample n − j: lowpass when n − j is even (weight g0[j]),
      // highpass otherwise (weight g1[j + 1], the highpass sample k sitting at 2k + 1).
      setFold(j, half, (j & 1) == 0 ? g0 : g1next, (j & 1) == 0 ? g1next : g0);
    }
  }
  evenFilters = even;
  filterHalf = half;
  transformDefined = true;
  return OK;
}

/** DQT: bin centre C, then Q and Z for each of the 64 subbands. */
export function readQuantizationTable(): i32 {
  const length = segmentLength();
  if (length < 0) return length;
  if (length != DQT_LENGTH) return E_BAD_SEGMENT;
  const centreScale = byte();
  const centre = scaled(<f64>word(), centreScale);
  if (!(centre >= 0 && centre < 1)) return E_BAD_QUANT;
  binCentre = <f32>centre;
  for (let band = 0; band < SUBBANDS; band++) {
    const qScale = byte();
    const q = scaled(<f64>word(), qScale);
    const zScale = byte();
    const z = scaled(<f64>word(), zScale);
    store<f32>(BIN_WIDTH + <usize>(band << 2), <f32>q);
    store<f32>(ZERO_BIN + <usize>(band << 2), <f32>z);
  }
  quantDefined = true;
  return OK;
}
