// Separable Gaussian smoothing of block planes (zero outside the grid). Callers form weighted
// means as smooth(value·weight) / smooth(weight), which also corrects the grid's edges.
import { BW, BH, tmpCPtr } from './scratch';

const MAX_TAPS: i32 = 64;
const taps = new StaticArray<f32>(MAX_TAPS);

/** Gaussian blur of the f32 block plane `src` into `dst` (may be the same plane); σ in blocks. */
export function gaussBlocks(src: usize, dst: usize, sigma: f32): void {
  let radius = <i32>Mathf.ceil(2.5 * sigma);
  if (radius < 1) radius = 1;
  if (radius >= MAX_TAPS) radius = MAX_TAPS - 1;
  for (let k = 0; k <= radius; k++) unchecked(taps[k] = Mathf.exp(-<f32>(k * k) / (2 * sigma * sigma)));
  // Horizontal pass into tmpC.
  for (let y = 0; y < BH; y++) {
    for (let x = 0; x < BW; x++) {
      let s: f32 = 0;
      const lo = max(0, x - radius), hi = min(BW - 1, x + radius);
      for (let k = lo; k <= hi; k++) s += unchecked(taps[abs(k - x)]) * load<f32>(src + (<usize>(y * BW + k) << 2));
      store<f32>(tmpCPtr + (<usize>(y * BW + x) << 2), s);
    }
  }
  // Vertical pass into dst.
  for (let x = 0; x < BW; x++) {
    for (let y = 0; y < BH; y++) {
      let s: f32 = 0;
      const lo = max(0, y - radius), hi = min(BH - 1, y + radius);
      for (let k = lo; k <= hi; k++) s += unchecked(taps[abs(k - y)]) * load<f32>(tmpCPtr + (<usize>(k * BW + x) << 2));
      store<f32>(dst + (<usize>(y * BW + x) << 2), s);
    }
  }
}
