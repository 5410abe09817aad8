// Stage 4: ridge period per block. Across the ridges (along the block's normal) a gray-level
// signature is sampled, each point averaged along the ridge; its normalised autocorrelation's
// first peak within [PERIOD_MIN, PERIOD_MAX] is the period (sub-pixel by a parabola). Blocks
// without a clear peak (cores, scars, noise) take the Gaussian-weighted mean of their valid
// neighbours, and the median of all valid blocks when none is near (then PERIOD_DEFAULT).
import { BLOCK, FREQ_SIGNATURE_PX, FREQ_ALONG_HALF_PX, PERIOD_MIN, PERIOD_MAX, PERIOD_DEFAULT, FREQ_MIN_CORRELATION, FREQ_SMOOTH_SIGMA_PX, FREQ_STEP_BLOCKS } from './params';

/** Smoothed estimate weight under which a block takes the median instead (a tenth of one sample's). */
const FREQ_MIN_WEIGHT: f32 = 0.1;
import { BW, BH, orientPtr, periodPtr, maskPtr, tmpAPtr, tmpBPtr, queuePtr } from './scratch';
import { sourceAt } from './image';
import { gaussBlocks } from './blur';

const signature = new StaticArray<f32>(FREQ_SIGNATURE_PX);
const correlation = new StaticArray<f32>(PERIOD_MAX + 2);
const MEDIAN_BINS: i32 = (PERIOD_MAX + 1 - PERIOD_MIN) * 10;
const medianHist = new StaticArray<i32>(MEDIAN_BINS);

/** The period of the signature centred on (cx, cy) across orientation theta, px, or 0 when there is no clear one. */
function periodAt(cx: f32, cy: f32, theta: f32): f32 {
  const ux = Mathf.cos(theta), uy = Mathf.sin(theta); // along the ridge
  const nx = -uy, ny = ux; // across
  const L = FREQ_SIGNATURE_PX;
  let mean: f32 = 0;
  for (let k = 0; k < L; k++) {
    const t = <f32>k - 0.5 * <f32>(L - 1);
    let s: f32 = 0;
    for (let a = -FREQ_ALONG_HALF_PX; a <= FREQ_ALONG_HALF_PX; a++) {
      const x = cx + t * nx + <f32>a * ux, y = cy + t * ny + <f32>a * uy;
      s += sourceAt(<i32>Mathf.round(x), <i32>Mathf.round(y));
    }
    unchecked(signature[k] = s);
    mean += s;
  }
  mean /= <f32>L;
  let energy: f32 = 0;
  for (let k = 0; k < L; k++) { const v = unchecked(signature[k]) - mean; unchecked(signature[k] = v); energy += v * v; }
  if (energy <= 0) return 0;
  for (let lag = PERIOD_MIN - 1; lag <= PERIOD_MAX + 1; lag++) {
    let s: f32 = 0, e0: f32 = 0, e1: f32 = 0;
    for (let k = 0; k + lag < L; k++) {
      const a = unchecked(signature[k]), b = unchecked(signature[k + lag]);
      s += a * b; e0 += a * a; e1 += b * b;
    }
    unchecked(correlation[lag - (PERIOD_MIN - 1)] = e0 > 0 && e1 > 0 ? s / Mathf.sqrt(e0 * e1) : 0);
  }
  // correlation[j] holds lag PERIOD_MIN - 1 + j.
  for (let j = 1; j <= PERIOD_MAX - PERIOD_MIN + 1; j++) {
    const r = unchecked(correlation[j]);
    if (r < FREQ_MIN_CORRELATION || r < unchecked(correlation[j - 1]) || r < unchecked(correlation[j + 1])) continue;
    const a = unchecked(correlation[j - 1]), c = unchecked(correlation[j + 1]);
    const den = a - 2 * r + c;
    const shift: f32 = den < 0 ? <f32>0.5 * (a - c) / den : <f32>0;
    return <f32>(PERIOD_MIN - 1 + j) + shift;
  }
  return 0;
}

export function frequencyField(): f32 {
  const n = BW * BH;
  let valid = 0;
  memory.fill(tmpAPtr, 0, <usize>n << 2);
  memory.fill(tmpBPtr, 0, <usize>n << 2);
  // One estimate per FREQ_STEP_BLOCKS² blocks, at the corner their centres share; the
  // smoothing below spreads it (the period changes over several periods, not within one).
  for (let by = 0; by < BH; by += FREQ_STEP_BLOCKS) {
    for (let bx = 0; bx < BW; bx += FREQ_STEP_BLOCKS) {
      const i = by * BW + bx;
      if (load<u8>(maskPtr + <usize>i) == 0) continue;
      const c = <f32>(bx * BLOCK + (FREQ_STEP_BLOCKS * BLOCK >> 1)) - 0.5;
      const d = <f32>(by * BLOCK + (FREQ_STEP_BLOCKS * BLOCK >> 1)) - 0.5;
      const p = periodAt(c, d, load<f32>(orientPtr + (<usize>i << 2)));
      if (p <= 0) continue;
      store<f32>(tmpAPtr + (<usize>i << 2), p);
      store<f32>(tmpBPtr + (<usize>i << 2), 1);
      store<f32>(queuePtr + (<usize>valid << 2), p);
      valid++;
    }
  }
  // Median of the valid estimates, by a histogram of 0.1 px bins over [PERIOD_MIN, PERIOD_MAX + 1].
  let median = PERIOD_DEFAULT;
  if (valid > 0) {
    for (let b = 0; b < MEDIAN_BINS; b++) medianHist[b] = 0;
    for (let i = 0; i < valid; i++) {
      const b = <i32>((load<f32>(queuePtr + (<usize>i << 2)) - <f32>PERIOD_MIN) * 10);
      medianHist[min(MEDIAN_BINS - 1, max(0, b))]++;
    }
    let seen = 0;
    for (let b = 0; b < MEDIAN_BINS; b++) {
      seen += medianHist[b];
      if (2 * seen > valid) { median = <f32>PERIOD_MIN + (<f32>b + 0.5) * 0.1; break; }
    }
  }
  const sigma = FREQ_SMOOTH_SIGMA_PX / <f32>BLOCK;
  gaussBlocks(tmpAPtr, tmpAPtr, sigma);
  gaussBlocks(tmpBPtr, tmpBPtr, sigma);
  for (let i = 0; i < n; i++) {
    const w = load<f32>(tmpBPtr + (<usize>i << 2));
    // Little weight nearby: too far from any measurement.
    let p = w > FREQ_MIN_WEIGHT ? load<f32>(tmpAPtr + (<usize>i << 2)) / w : median;
    p = min<f32>(<f32>PERIOD_MAX, max<f32>(<f32>PERIOD_MIN, p));
    store<f32>(periodPtr + (<usize>i << 2), p);
  }
  return median;
}
