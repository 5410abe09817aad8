// Stage 5: contextual enhancement (Hong, Wan & Jain 1998): each block is filtered by the even
// Gabor filter tuned to its ridge orientation and period, from a bank precomputed once
// (GABOR_ORIENTATIONS × every integer period). The filters have zero mean, so the response
// ignores the local gray level, and ridges (dark) come out negative, valleys positive. Blocks
// are filtered 4 pixels at a time (f32x4); only finger blocks are filtered (the rest is 0:
// binarisation reads the finger only).
import { BLOCK, BLOCK_SHIFT, GABOR_ORIENTATIONS, GABOR_RADIUS, GABOR_SIGMA_ALONG, GABOR_SIGMA_ACROSS, PERIOD_MIN, PERIOD_MAX } from './params';
import { BW, BH, SW, SH, PW, srcPtr, enhPtr, orientPtr, periodPtr, maskPtr } from './scratch';

const SIDE: i32 = 2 * GABOR_RADIUS + 1;
const TAPS: i32 = SIDE * SIDE;
const PERIODS: i32 = PERIOD_MAX - PERIOD_MIN + 1;
let bank: usize = 0;

/** Precomputes the bank (once per instance). */
export function initGaborBank(): void {
  bank = heap.alloc(<usize>(GABOR_ORIENTATIONS * PERIODS * TAPS) << 2);
  for (let o = 0; o < GABOR_ORIENTATIONS; o++) {
    const theta = <f32>o * Mathf.PI / <f32>GABOR_ORIENTATIONS;
    const ux = Mathf.cos(theta), uy = Mathf.sin(theta);
    for (let p = 0; p < PERIODS; p++) {
      const period = <f32>(PERIOD_MIN + p);
      const k = bank + (<usize>((o * PERIODS + p) * TAPS) << 2);
      let sumW: f32 = 0, sumG: f32 = 0;
      for (let dy = -GABOR_RADIUS; dy <= GABOR_RADIUS; dy++) {
        for (let dx = -GABOR_RADIUS; dx <= GABOR_RADIUS; dx++) {
          const along = <f32>dx * ux + <f32>dy * uy;
          const across = -<f32>dx * uy + <f32>dy * ux;
          const g = Mathf.exp(-along * along / (2 * GABOR_SIGMA_ALONG * GABOR_SIGMA_ALONG) - across * across / (2 * GABOR_SIGMA_ACROSS * GABOR_SIGMA_ACROSS));
          const w = g * Mathf.cos(2 * Mathf.PI * across / period);
          store<f32>(k + (<usize>((dy + GABOR_RADIUS) * SIDE + dx + GABOR_RADIUS) << 2), w);
          sumW += w; sumG += g;
        }
      }
      // Remove the DC response in proportion to the envelope, then scale to unit L1 norm.
      const dc = sumW / sumG;
      let l1: f32 = 0;
      for (let t = 0; t < TAPS; t++) {
        const a = k + (<usize>t << 2);
        const dy = t / SIDE - GABOR_RADIUS, dx = t % SIDE - GABOR_RADIUS;
        const along = <f32>dx * ux + <f32>dy * uy;
        const across = -<f32>dx * uy + <f32>dy * ux;
        const g = Mathf.exp(-along * along / (2 * GABOR_SIGMA_ALONG * GABOR_SIGMA_ALONG) - across * across / (2 * GABOR_SIGMA_ACROSS * GABOR_SIGMA_ACROSS));
        const w = load<f32>(a) - dc * g;
        store<f32>(a, w);
        l1 += Mathf.abs(w);
      }
      for (let t = 0; t < TAPS; t++) { const a = k + (<usize>t << 2); store<f32>(a, load<f32>(a) * 2 / l1); }
    }
  }
}

function filterBlock(bx: i32, by: i32, kernel: usize): void {
  const x0 = bx << BLOCK_SHIFT, y0 = by << BLOCK_SHIFT;
  for (let y = y0; y < y0 + BLOCK; y++) {
    // Output (x, y) reads the padded source from (x, y) to (x + 2R, y + 2R).
    const base = srcPtr + (<usize>(y * PW + x0) << 2);
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
    let kp = kernel;
    for (let ky = 0; ky < SIDE; ky++) {
      let row = base + (<usize>(ky * PW) << 2);
      for (let kx = 0; kx < SIDE; kx++) {
        const w = v128.load32_splat(kp);
        acc0 = f32x4.add(acc0, f32x4.mul(v128.load(row), w));
        acc1 = f32x4.add(acc1, f32x4.mul(v128.load(row, 16), w));
        row += 4; kp += 4;
      }
    }
    const out = enhPtr + (<usize>(y * SW + x0) << 2);
    v128.store(out, acc0);
    v128.store(out, acc1, 16);
  }
}

export function enhance(): void {
  memory.fill(enhPtr, 0, <usize>(SW * SH) << 2);
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      if (load<u8>(maskPtr + <usize>(by * BW + bx)) == 0) continue;
      const i = <usize>(by * BW + bx) << 2;
      let o = <i32>Mathf.round(load<f32>(orientPtr + i) * <f32>GABOR_ORIENTATIONS / Mathf.PI);
      if (o >= GABOR_ORIENTATIONS) o -= GABOR_ORIENTATIONS;
      const p = min(PERIODS - 1, max(0, <i32>Mathf.round(load<f32>(periodPtr + i)) - PERIOD_MIN));
      filterBlock(bx, by, bank + (<usize>((o * PERIODS + p) * TAPS) << 2));
    }
  }
}
