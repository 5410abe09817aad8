// The kernel's working memory, reserved by the host before each decode (no allocator: the stub
// runtime never frees, so the kernel lays out one region after __heap_base and grows it).
//
//   input bytes | quantised coefficients (i32 per pixel) | image (f32 per pixel)
//   | one extended line (f32) | output (u8 per pixel)
import { MAX_FILTER_HALF } from './params';

const PAGE: usize = 65536;

export let inputAt: usize = 0;
export let coefficientsAt: usize = 0;
export let imageAt: usize = 0;
export let lineAt: usize = 0;
export let outputAt: usize = 0;
export let reservedWidth: i32 = 0;
export let reservedHeight: i32 = 0;
export let reservedInput: i32 = 0;

@inline function align16(v: usize): usize {
  return (v + 15) & ~(<usize>15);
}

/** Lays the regions out for this input and image size; false when memory cannot grow. */
export function reserveRegions(inputBytes: i32, width: i32, height: i32): bool {
  reservedWidth = 0;
  reservedHeight = 0;
  reservedInput = 0;
  if (inputBytes < 0 || width <= 0 || height <= 0) return false;
  const pixels = <u64>width * <u64>height;
  if (pixels > 0x10000000) return false; // 256 Mpx: far beyond any limit the host allows
  const side = width > height ? width : height;
  const base = align16(__heap_base);
  const coefficients = align16(base + <usize>inputBytes);
  const image = align16(coefficients + <usize>(pixels * 4));
  const line = align16(image + <usize>(pixels * 4));
  const output = align16(line + <usize>((side + 2 * MAX_FILTER_HALF + 4) * 4));
  const end = <u64>output + pixels;
  if (end > 0xffff0000) return false;
  const have = <u64>memory.size() * <u64>PAGE;
  if (end > have) {
    const pages = <i32>((end - have + <u64>PAGE - 1) / <u64>PAGE);
    if (memory.grow(pages) < 0) return false;
  }
  inputAt = base;
  coefficientsAt = coefficients;
  imageAt = image;
  lineAt = line;
  outputAt = output;
  reservedWidth = width;
  reservedHeight = height;
  reservedInput = inputBytes;
  return true;
}
