// Stage 3: ridge orientation per block (Bazen & Gerez 2002): the gradient structure tensor in
// the doubled-angle domain, where opposite gradients add instead of cancelling, smoothed by a
// Gaussian over finger blocks only. The ridge runs perpendicular to the dominant gradient.
// Coherence (0–1) = length of the smoothed doubled-angle vector / smoothed gradient energy.
import { BLOCK, ORIENT_SMOOTH_SIGMA_PX } from './params';
import { BW, BH, bxxPtr, byyPtr, bxyPtr, maskPtr, orientPtr, coherencePtr, tmpAPtr, tmpBPtr, periodPtr } from './scratch';
import { gaussBlocks } from './blur';

export function orientationField(): void {
  const n = BW * BH;
  const sigma = ORIENT_SMOOTH_SIGMA_PX / <f32>BLOCK;
  // Doubled-angle components, finger blocks only; periodPtr serves as a third scratch plane here.
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const m: f32 = load<u8>(maskPtr + <usize>i) != 0 ? 1 : 0;
    const xx = load<f32>(bxxPtr + o), yy = load<f32>(byyPtr + o), xy = load<f32>(bxyPtr + o);
    store<f32>(tmpAPtr + o, m * (xx - yy));
    store<f32>(tmpBPtr + o, m * 2 * xy);
    store<f32>(periodPtr + o, m * (xx + yy));
  }
  gaussBlocks(tmpAPtr, tmpAPtr, sigma);
  gaussBlocks(tmpBPtr, tmpBPtr, sigma);
  gaussBlocks(periodPtr, periodPtr, sigma);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const c = load<f32>(tmpAPtr + o), s = load<f32>(tmpBPtr + o), e = load<f32>(periodPtr + o);
    // Gradient direction is atan2(s, c)/2; the ridge is perpendicular to it.
    let theta: f32 = <f32>0.5 * Mathf.atan2(s, c) + Mathf.PI / 2;
    if (theta >= Mathf.PI) theta -= Mathf.PI;
    if (theta < 0) theta += Mathf.PI;
    store<f32>(orientPtr + o, theta);
    store<f32>(coherencePtr + o, e > 0 ? min<f32>(1, Mathf.sqrt(c * c + s * s) / e) : 0);
  }
}
