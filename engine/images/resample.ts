/**
 * Resampling of a gray image by a resolution ratio (e.g. 569 → 500 dpi). Shrinking averages
 * the source area each output pixel covers (no aliasing of ridges into moiré); enlarging
 * interpolates bilinearly. Pixel centres are aligned: output pixel (x + 0.5) maps to source
 * (x + 0.5) / scale.
 */
import { EngineError } from '../errors.ts';
import { checkImageSize, type DecodeLimits, type GrayImage } from './gray-image.ts';

/** Scale factors this close to 1 return the image unchanged (a 0.1 % size change moves nothing by a pixel). */
const UNIT_SCALE_TOLERANCE = 1e-3;

/** The image scaled by `scale` (output px per input px), e.g. 500 / 569. */
export function resampleGray(image: GrayImage, scale: number, limits: DecodeLimits = {}): GrayImage {
  if (!(Number.isFinite(scale) && scale > 0)) throw new EngineError('ERR_RESAMPLE_SCALE', `scale must be a positive number, got ${String(scale)}`);
  if (Math.abs(scale - 1) < UNIT_SCALE_TOLERANCE) return image;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  checkImageSize(width, height, limits);
  return scale < 1 ? areaShrink(image, width, height) : bilinearEnlarge(image, width, height);
}

/** Resampling from `fromDpi` to `toDpi` (default 500). */
export function resampleToDpi(image: GrayImage, fromDpi: number, toDpi = 500, limits: DecodeLimits = {}): GrayImage {
  if (!(Number.isFinite(fromDpi) && fromDpi > 0 && Number.isFinite(toDpi) && toDpi > 0)) {
    throw new EngineError('ERR_RESAMPLE_SCALE', `resolutions must be positive numbers, got ${String(fromDpi)} → ${String(toDpi)} dpi`);
  }
  return resampleGray(image, toDpi / fromDpi, limits);
}

/**
 * The taps of a 1-D area shrink from `from` to `to` samples: output k averages the source
 * interval [k·f, (k+1)·f), f = from/to, each source sample weighted by its overlap.
 * Flat arrays: taps of output k are first[k] … first[k] + count[k] − 1, weights from offset[k].
 */
function areaTaps(from: number, to: number): { first: Int32Array; count: Int32Array; offset: Int32Array; weights: Float32Array } {
  const f = from / to;
  const first = new Int32Array(to), count = new Int32Array(to), offset = new Int32Array(to);
  const weights = new Float32Array(to * (Math.ceil(f) + 2));
  let w = 0;
  for (let k = 0; k < to; k++) {
    const a = k * f, b = Math.min(from, (k + 1) * f);
    const s = Math.floor(a), e = Math.min(from - 1, Math.ceil(b) - 1);
    first[k] = s; count[k] = e - s + 1; offset[k] = w;
    for (let i = s; i <= e; i++) weights[w++] = (Math.min(b, i + 1) - Math.max(a, i)) / (b - a);
  }
  return { first, count, offset, weights };
}

/** Each output pixel = the area-weighted mean of the source pixels its footprint covers (separable: rows, then columns). */
function areaShrink(src: GrayImage, width: number, height: number): GrayImage {
  const { first: cFirst, count: cCount, offset: cOffset, weights: cWeights } = areaTaps(src.width, width);
  const { first: rFirst, count: rCount, offset: rOffset, weights: rWeights } = areaTaps(src.height, height);
  const pixels = src.pixels, sw = src.width, sh = src.height;
  const across = new Float32Array(width * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw, outRow = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      const s = row + cFirst[x], o = cOffset[x], n = cCount[x];
      for (let i = 0; i < n; i++) acc += cWeights[o + i] * pixels[s + i];
      across[outRow + x] = acc;
    }
  }
  const out = new Uint8Array(width * height);
  const column = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const s = rFirst[y], o = rOffset[y], n = rCount[y];
    column.fill(0);
    for (let j = 0; j < n; j++) {
      const w = rWeights[o + j], row = (s + j) * width;
      for (let x = 0; x < width; x++) column[x] += w * across[row + x];
    }
    const outRow = y * width;
    for (let x = 0; x < width; x++) {
      // Rounded by truncation of v + 0.5; weights sum to 1, so only rounding error can pass 255.
      const v = column[x] + 0.5;
      out[outRow + x] = v >= 255 ? 255 : v;
    }
  }
  return { width, height, pixels: out };
}

function bilinearEnlarge(src: GrayImage, width: number, height: number): GrayImage {
  const fx = src.width / width, fy = src.height / height;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(src.height - 1, y0 + 1), ay = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(src.width - 1, Math.max(0, (x + 0.5) * fx - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(src.width - 1, x0 + 1), ax = sx - x0;
      const p = src.pixels;
      const top = p[y0 * src.width + x0] * (1 - ax) + p[y0 * src.width + x1] * ax;
      const bottom = p[y1 * src.width + x0] * (1 - ax) + p[y1 * src.width + x1] * ax;
      out[y * width + x] = Math.round(top * (1 - ay) + bottom * ay);
    }
  }
  return { width, height, pixels: out };
}
