// Stage 0: specular reflections. Pixels at or above SPECULAR_LEVEL, grown by SPECULAR_GROW px
// (a reflection's halo is bright but unsaturated), are left out of every boundary arc, of the
// pupil's darkness measure and of the code. Live captures (MMU1) keep reflections inside and on
// the pupil; CASIA-V1's are painted over, and then nothing is marked.
import { imageWidth, imageHeight, pixel } from './image';
import { MAX_IMAGE_PIXELS, SPECULAR_LEVEL, SPECULAR_GROW } from './params';

/** 1 = specular (or its halo), per pixel, row-major. */
export const specular = new StaticArray<u8>(MAX_IMAGE_PIXELS);
const rowGrown = new StaticArray<u8>(MAX_IMAGE_PIXELS);

/** Marks saturated pixels and grows them by a square of SPECULAR_GROW px (two 1-D passes). */
export function markReflections(): void {
  const w = imageWidth, h = imageHeight, g = SPECULAR_GROW;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let hit: u8 = 0;
      for (let d = max(0, x - g); d <= min(w - 1, x + g); d++) if (pixel(d, y) >= SPECULAR_LEVEL) { hit = 1; break; }
      unchecked(rowGrown[y * w + x] = hit);
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let hit: u8 = 0;
      for (let d = max(0, y - g); d <= min(h - 1, y + g); d++) if (unchecked(rowGrown[d * w + x]) != 0) { hit = 1; break; }
      unchecked(specular[y * w + x] = hit);
    }
  }
}

// @ts-ignore: decorator
@inline export function isSpecular(x: i32, y: i32): bool {
  return unchecked(specular[y * imageWidth + x]) != 0;
}
