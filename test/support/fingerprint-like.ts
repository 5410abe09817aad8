/**
 * A synthetic, fingerprint-like gray image for codec tests: ridges of a fixed period (≈ 9 px,
 * a 500 ppi fingerprint's) following a loop-shaped (spiral) orientation field around a core,
 * inside an elliptical finger on a light background, with seeded noise. Deterministic.
 */
import { mulberry32 } from '../../datasets/synthetic.ts';

export interface SyntheticGray {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** The project's seeded PRNG (mulberry32, datasets/synthetic.ts): the same seed gives the same image. */
export const seededRandom: (seed: number) => () => number = mulberry32;

export function fingerprintLike(width: number, height: number, seed = 1, ridgePeriod = 9): SyntheticGray {
  const random = seededRandom(seed);
  const pixels = new Uint8Array(width * height);
  const cx = width * 0.5, cy = height * 0.42;
  const rx = width * 0.42, ry = height * 0.47;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - cx, dy = (y - cy) * 1.15;
      const r = Math.hypot(dx, dy);
      // A spiral phase: concentric ridges that wind once around the core, like a loop's.
      const phase = (2 * Math.PI * r) / ridgePeriod + Math.atan2(dy, dx);
      const inside = ((x - cx) / rx) ** 2 + ((y - height * 0.5) / ry) ** 2;
      const contrast = inside < 1 ? 1 : Math.max(0, 1 - (inside - 1) * 6);
      const noise = (random() + random() + random() - 1.5) * 8;
      const v = 215 - contrast * (70 + 70 * Math.sin(phase)) + noise;
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { width, height, pixels };
}

/** Peak signal-to-noise ratio of two 8-bit images, dB. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k] - b[k]) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / a.length));
}
