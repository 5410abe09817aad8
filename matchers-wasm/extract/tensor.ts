// Stage 1: Sobel gradients per pixel, summed per block into the structure tensor
// (gxx, gyy, gxy) and a block contrast (RMS gradient, gray levels per px). Nothing per pixel
// is stored: the gradients are consumed as they are computed.
import { BLOCK, BLOCK_SHIFT, GABOR_RADIUS } from './params';
import { W, H, BW, BH, PW, srcPtr, bxxPtr, byyPtr, bxyPtr, contrastPtr } from './scratch';

export function blockTensors(): void {
  const blocks = BW * BH;
  memory.fill(bxxPtr, 0, <usize>blocks << 2);
  memory.fill(byyPtr, 0, <usize>blocks << 2);
  memory.fill(bxyPtr, 0, <usize>blocks << 2);
  const R = GABOR_RADIUS;
  for (let y = 0; y < H; y++) {
    const rowBlock = (y >> BLOCK_SHIFT) * BW;
    const up = srcPtr + (<usize>((y + R - 1) * PW + R) << 2);
    const mid = up + (<usize>PW << 2);
    const down = mid + (<usize>PW << 2);
    for (let x = 0; x < W; x++) {
      const o = <usize>x << 2;
      const a = load<f32>(up + o - 4), b = load<f32>(up + o), c = load<f32>(up + o + 4);
      const d = load<f32>(mid + o - 4), f = load<f32>(mid + o + 4);
      const g = load<f32>(down + o - 4), h = load<f32>(down + o), k = load<f32>(down + o + 4);
      // Sobel / 8: gray levels per px.
      const gx = ((c + 2 * f + k) - (a + 2 * d + g)) * 0.125;
      const gy = ((g + 2 * h + k) - (a + 2 * b + c)) * 0.125;
      const bi = <usize>(rowBlock + (x >> BLOCK_SHIFT)) << 2;
      store<f32>(bxxPtr + bi, load<f32>(bxxPtr + bi) + gx * gx);
      store<f32>(byyPtr + bi, load<f32>(byyPtr + bi) + gy * gy);
      store<f32>(bxyPtr + bi, load<f32>(bxyPtr + bi) + gx * gy);
    }
  }
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      const w = min(BLOCK, W - bx * BLOCK) * min(BLOCK, H - by * BLOCK);
      const i = <usize>(by * BW + bx) << 2;
      store<f32>(contrastPtr + i, Mathf.sqrt((load<f32>(bxxPtr + i) + load<f32>(byyPtr + i)) / <f32>w));
    }
  }
}
