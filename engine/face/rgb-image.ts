/**
 * The face pipeline's image type: 8-bit RGB, row-major, top row first, 3 bytes a pixel.
 * Gray inputs are widened to it (R = G = B), so the models always see the layout they were
 * trained on. Small helpers every stage shares live here: sampling, shrinking, gray levels.
 */
import { EngineError } from '../errors.ts';
import type { GrayImage } from '../images/gray-image.ts';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 3 bytes: R, G, B. */
  readonly data: Uint8Array;
}

export function rgbFromGray(gray: GrayImage): RgbImage {
  const data = new Uint8Array(gray.width * gray.height * 3);
  for (let k = 0; k < gray.pixels.length; k++) {
    const v = gray.pixels[k];
    data[3 * k] = v; data[3 * k + 1] = v; data[3 * k + 2] = v;
  }
  return { width: gray.width, height: gray.height, data };
}

/** BT.601 luma of each pixel (as the project's other decoders), for the quality measures. */
export function grayFromRgb(image: RgbImage): GrayImage {
  const pixels = new Uint8Array(image.width * image.height);
  const d = image.data;
  for (let k = 0; k < pixels.length; k++) pixels[k] = Math.round(0.299 * d[3 * k] + 0.587 * d[3 * k + 1] + 0.114 * d[3 * k + 2]);
  return { width: image.width, height: image.height, pixels };
}

export function checkRgbImage(image: RgbImage): void {
  if (!(image.data instanceof Uint8Array) || !Number.isInteger(image.width) || !Number.isInteger(image.height)
    || image.width <= 0 || image.height <= 0 || image.data.length !== image.width * image.height * 3) {
    throw new EngineError('ERR_IMAGE_FORMAT', 'face image must be width × height × 3 bytes of RGB');
  }
}

/**
 * Averages k×k blocks (k ≥ 1, integer). Used before a strong down-sampling so bilinear
 * sampling that follows does not alias (a 2,000-px portrait shrunk to a 150-px chip).
 */
export function shrinkByBlocks(image: RgbImage, k: number): RgbImage {
  if (k <= 1) return image;
  const width = Math.floor(image.width / k), height = Math.floor(image.height / k);
  if (width < 1 || height < 1) return image;
  const data = new Uint8Array(width * height * 3);
  const area = k * k;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let dy = 0; dy < k; dy++) {
        let at = ((y * k + dy) * image.width + x * k) * 3;
        for (let dx = 0; dx < k; dx++, at += 3) { r += image.data[at]; g += image.data[at + 1]; b += image.data[at + 2]; }
      }
      const o = (y * width + x) * 3;
      data[o] = Math.round(r / area); data[o + 1] = Math.round(g / area); data[o + 2] = Math.round(b / area);
    }
  }
  return { width, height, data };
}

/**
 * Fills `out` (side × side × 3 floats, 0–255) by bilinear sampling of `image` at
 * (a·u − b·v + tx, b·u + a·v + ty) for output pixel centre (u, v): a similarity map from output to
 * input. Outside the image the value is `outside`.
 */
export function sampleSimilarity(image: RgbImage, side: number, a: number, b: number, tx: number, ty: number,
  outside: number, out: Float32Array = new Float32Array(side * side * 3)): Float32Array {
  const { width, height, data } = image;
  const row = width * 3;
  let o = 0;
  for (let v = 0; v < side; v++) {
    for (let u = 0; u < side; u++, o += 3) {
      const x = a * u - b * v + tx, y = b * u + a * v + ty;
      const x0 = Math.floor(x), y0 = Math.floor(y);
      const fx = x - x0, fy = y - y0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height) {
        // All four neighbours inside: index the bytes directly (the same arithmetic as below, without the bounds checks).
        const i00 = y0 * row + x0 * 3, i01 = i00 + row;
        for (let c = 0; c < 3; c++) {
          const p00 = data[i00 + c], p10 = data[i00 + 3 + c], p01 = data[i01 + c], p11 = data[i01 + 3 + c];
          out[o + c] = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
        }
        continue;
      }
      for (let c = 0; c < 3; c++) {
        const p00 = pixel(x0, y0, c), p10 = pixel(x0 + 1, y0, c), p01 = pixel(x0, y0 + 1, c), p11 = pixel(x0 + 1, y0 + 1, c);
        out[o + c] = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
      }
    }
  }
  return out;

  function pixel(x: number, y: number, c: number): number {
    return x < 0 || y < 0 || x >= width || y >= height ? outside : data[(y * width + x) * 3 + c];
  }
}
