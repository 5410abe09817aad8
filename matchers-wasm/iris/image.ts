// The input image as the stages see it: 8-bit gray at a host-given address, with bilinear
// sampling. Out-of-image positions read as -1 so that callers can leave them out.
import { specular } from './reflections';

export let imagePtr: usize = 0;
export let imageWidth: i32 = 0;
export let imageHeight: i32 = 0;

export function setImage(ptr: usize, width: i32, height: i32): void {
  imagePtr = ptr;
  imageWidth = width;
  imageHeight = height;
}

// @ts-ignore: decorator
@inline export function pixel(x: i32, y: i32): i32 {
  return <i32>load<u8>(imagePtr + <usize>(y * imageWidth + x));
}

/** Bilinear gray at (x, y), or -1 outside the image. */
export function sample(x: f32, y: f32): f32 {
  if (!(x >= 0 && y >= 0)) return -1;
  const x0 = <i32>x, y0 = <i32>y;
  if (x0 >= imageWidth - 1 || y0 >= imageHeight - 1) return -1;
  const fx = x - <f32>x0, fy = y - <f32>y0;
  const p = imagePtr + <usize>(y0 * imageWidth + x0);
  const a = <f32>load<u8>(p), b = <f32>load<u8>(p, 1);
  const c = <f32>load<u8>(p + <usize>imageWidth), d = <f32>load<u8>(p + <usize>imageWidth, 1);
  return (a + (b - a) * fx) + ((c + (d - c) * fx) - (a + (b - a) * fx)) * fy;
}

/** Gray at (x, y) for boundary search: -1 outside the image or on a specular reflection (or its halo). */
export function boundarySample(x: f32, y: f32): f32 {
  const v = sample(x, y);
  if (v < 0) return -1;
  return unchecked(specular[<i32>(y + 0.5) * imageWidth + <i32>(x + 0.5)]) != 0 ? -1 : v;
}
