// Stage 0: the input bytes → the padded f32 source plane (edge pixels replicated into the
// padding and the rounding to whole blocks, so filters never read outside the plane).
import { GABOR_RADIUS } from './params';
import { W, H, PW, PH, inputPtr, srcPtr } from './scratch';

export function loadSource(): void {
  const R = GABOR_RADIUS;
  for (let py = 0; py < PH; py++) {
    let y = py - R;
    if (y < 0) y = 0; else if (y >= H) y = H - 1;
    const inRow = inputPtr + <usize>(y * W);
    const outRow = srcPtr + (<usize>(py * PW) << 2);
    const first = <f32>load<u8>(inRow);
    const last = <f32>load<u8>(inRow + <usize>(W - 1));
    for (let px = 0; px < R; px++) store<f32>(outRow + (<usize>px << 2), first);
    for (let x = 0; x < W; x++) store<f32>(outRow + (<usize>(x + R) << 2), <f32>load<u8>(inRow + <usize>x));
    for (let px = W + R; px < PW; px++) store<f32>(outRow + (<usize>px << 2), last);
  }
}

/** Gray level of the source at image pixel (x, y); any x, y (clamped into the padded plane). */
// @ts-ignore: decorator
@inline export function sourceAt(x: i32, y: i32): f32 {
  let px = x + GABOR_RADIUS, py = y + GABOR_RADIUS;
  if (px < 0) px = 0; else if (px >= PW) px = PW - 1;
  if (py < 0) py = 0; else if (py >= PH) py = PH - 1;
  return load<f32>(srcPtr + (<usize>(py * PW + px) << 2));
}
