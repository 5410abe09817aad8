// Inverse wavelet transform: the tree's nodes are undone from the last (19) to the root (0);
// each node's rectangle is synthesised along columns, then along rows.
//
// Along one line of N samples the transmitted halves, interleaved, form u[2k] = lowpass[k],
// u[2k+1] = highpass[k] (the lowpass half first, unless the node is inverted along that axis),
// and x[n] = Σ_j u[n − j]·fold_{n mod 2}[j] with the folded synthesis filters of tables.ts
// reconstructs the line exactly once u is extended past its ends the way the encoder's
// symmetric extension of the image makes it:
//   odd filters (whole-sample symmetry about the first and last samples): that reflection keeps
//     a position's parity, so u reflects the same way;
//   even filters (half-sample symmetry): the lowpass is symmetric and the highpass antisymmetric
//     about −½; at the far end the same for an even N, while for an odd N the lowpass is
//     symmetric about its last sample and the highpass antisymmetric about the one after its last
//     (which is zero).
//
// Columns are done a whole row at a time (interleaved rows copied to scratch, then each output
// row summed from its 2·half + 1 scratch rows, 4 columns per SIMD vector), rows four outputs at a
// time (lanes of parities even, odd, even, odd): both walk memory in order.
import { TREE_NODES, MAX_FILTER_HALF } from './params';
import { NODES, rectX, rectY, rectW, rectH, invertX, invertY } from './subbands';
import { FOLD_EVEN, FOLD_ODD, FOLD_PAIRS, filterHalf, evenFilters } from './tables';

/** Whole-sample symmetric reflection of position p into 0..n−1 (n ≥ 2). */
@inline function reflect(p: i32, n: i32): i32 {
  if (p >= 0 && p < n) return p;
  const period = 2 * n - 2;
  let r = p % period;
  if (r < 0) r += period;
  return r >= n ? period - r : r;
}

/** The sign extendedAt() found: +1, −1, or 0 (an implied zero). */
let extendedSign: f32 = 1;

/** The interleaved sample that stands at virtual position p of an n-sample line (sign in extendedSign). */
function extendedAt(p: i32, n: i32): i32 {
  extendedSign = 1;
  if (p >= 0 && p < n) return p;
  if (!evenFilters) return reflect(p, n);
  const lowLength = (n + 1) >> 1;
  const highLength = n >> 1;
  let k = p >> 1; // floor: the sample's index within its half
  let sign: f32 = 1;
  if ((p & 1) == 0) {
    for (let guard = 0; guard < 64; guard++) {
      if (k >= 0 && k < lowLength) return 2 * k;
      if (k < 0) k = -1 - k;
      else k = (n & 1) == 0 ? 2 * lowLength - 1 - k : 2 * (lowLength - 1) - k;
    }
  } else {
    for (let guard = 0; guard < 64; guard++) {
      if (k >= 0 && k < highLength) {
        extendedSign = sign;
        return 2 * k + 1;
      }
      if (k < 0) k = -1 - k;
      else if ((n & 1) == 0) k = 2 * highLength - 1 - k;
      else if (k == highLength) break;
      else k = 2 * highLength - k;
      sign = -sign;
    }
  }
  extendedSign = 0; // the antisymmetric highpass's centre (or a line too short to settle): zero
  return 0;
}

/** Position in transmission order of interleaved sample p (halves: low first unless inverted). */
@inline function sourceOf(p: i32, n: i32, inverted: bool): i32 {
  const lowAt = inverted ? n >> 1 : 0;
  const highAt = inverted ? 0 : (n + 1) >> 1;
  return (p & 1) == 0 ? lowAt + (p >> 1) : highAt + (p >> 1);
}

/** Synthesises one row of n samples at `at` in place; `ext` is scratch for n + 2·half samples. */
function synthesizeRow(at: usize, n: i32, inverted: bool, ext: usize): void {
  const half = filterHalf;
  // Interleave the halves (lowpass k → 2k, highpass k → 2k + 1), then extend past both ends.
  const lowFirst: i32 = inverted ? n >> 1 : 0;
  const highFirst: i32 = inverted ? 0 : (n + 1) >> 1;
  const lowAt = at + (<usize>lowFirst << 2);
  const highAt = at + (<usize>highFirst << 2);
  const body = ext + (<usize>half << 2);
  for (let k = 0; k < (n + 1) >> 1; k++) store<f32>(body + (<usize>(2 * k) << 2), load<f32>(lowAt + (<usize>k << 2)));
  for (let k = 0; k < n >> 1; k++) store<f32>(body + (<usize>(2 * k + 1) << 2), load<f32>(highAt + (<usize>k << 2)));
  for (let p = -half; p < 0; p++) {
    const source = extendedAt(p, n);
    store<f32>(ext + (<usize>(p + half) << 2), extendedSign * load<f32>(body + (<usize>source << 2)));
  }
  for (let p = n; p < n + half; p++) {
    const source = extendedAt(p, n);
    store<f32>(ext + (<usize>(p + half) << 2), extendedSign * load<f32>(body + (<usize>source << 2)));
  }
  const taps = 2 * half + 1;
  // x[i] = Σ_{j=-half..half} ext[half + i − j]·fold[half + j]
  let i = 0;
  for (; i + 3 < n; i += 4) {
    let sum = f32x4.splat(0);
    let e = ext + (<usize>i << 2);
    let w = FOLD_PAIRS + (<usize>(taps - 1) << 4);
    for (let t = 0; t < taps; t++) {
      sum = f32x4.add(sum, f32x4.mul(v128.load(e), v128.load(w)));
      e += 4;
      w -= 16;
    }
    v128.store(at + (<usize>i << 2), sum);
  }
  for (; i < n; i++) {
    const fold = (i & 1) == 0 ? FOLD_EVEN : FOLD_ODD;
    let sum: f32 = 0;
    let e = ext + (<usize>i << 2);
    let f = fold + (<usize>(taps - 1) << 2);
    for (let t = 0; t < taps; t++) {
      sum += load<f32>(e) * load<f32>(f);
      e += 4;
      f -= 4;
    }
    store<f32>(at + (<usize>i << 2), sum);
  }
}

/** Per output row: the scratch rows feeding it and their weights (taps with a zero weight left out). */
const TAP_ROWS: usize = memory.data((2 * MAX_FILTER_HALF + 1) * 8, 16);
const TAP_WEIGHTS: usize = memory.data((2 * MAX_FILTER_HALF + 1) * 16, 16);

/** Synthesises the columns of a w × h block at `origin` (rows `pitch` bytes apart) in place. */
function synthesizeColumns(origin: usize, pitch: usize, w: i32, h: i32, inverted: bool, scratch: usize): void {
  const half = filterHalf;
  const rowBytes = <usize>w << 2;
  // scratch row p = interleaved sample row p
  for (let p = 0; p < h; p++) memory.copy(scratch + <usize>p * rowBytes, origin + <usize>sourceOf(p, h, inverted) * pitch, rowBytes);
  for (let n = 0; n < h; n++) {
    const fold = (n & 1) == 0 ? FOLD_EVEN : FOLD_ODD;
    let taps = 0;
    for (let j = -half; j <= half; j++) {
      const row = extendedAt(n - j, h);
      const weight = load<f32>(fold + (<usize>(j + half) << 2)) * extendedSign;
      if (weight == 0) continue;
      store<usize>(TAP_ROWS + (<usize>taps << 3), scratch + <usize>row * rowBytes);
      v128.store(TAP_WEIGHTS + (<usize>taps << 4), f32x4.splat(weight));
      taps++;
    }
    const out = origin + <usize>n * pitch;
    let c = 0;
    for (; c + 3 < w; c += 4) {
      const offset = <usize>c << 2;
      let sum = f32x4.splat(0);
      for (let t = 0; t < taps; t++) {
        sum = f32x4.add(sum, f32x4.mul(v128.load(load<usize>(TAP_ROWS + (<usize>t << 3)) + offset), v128.load(TAP_WEIGHTS + (<usize>t << 4))));
      }
      v128.store(out + offset, sum);
    }
    for (; c < w; c++) {
      const offset = <usize>c << 2;
      let sum: f32 = 0;
      for (let t = 0; t < taps; t++) {
        sum += load<f32>(load<usize>(TAP_ROWS + (<usize>t << 3)) + offset) * f32x4.extract_lane(v128.load(TAP_WEIGHTS + (<usize>t << 4)), 0);
      }
      store<f32>(out + offset, sum);
    }
  }
}

/** Undoes the decomposition of a width-wide f32 image in place (`scratch`: one image's worth of f32). */
export function reconstruct(image: usize, width: i32, ext: usize, scratch: usize): void {
  const pitch = <usize>width << 2;
  for (let node = TREE_NODES - 1; node >= 0; node--) {
    const x = rectX(NODES, node), y = rectY(NODES, node), w = rectW(NODES, node), h = rectH(NODES, node);
    const origin = image + <usize>y * pitch + (<usize>x << 2);
    synthesizeColumns(origin, pitch, w, h, invertY(node), scratch);
    for (let row = 0; row < h; row++) synthesizeRow(origin + <usize>row * pitch, w, invertX(node), ext);
  }
}
