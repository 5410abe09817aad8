// Stage 1: the pupil. A seed where a box is (almost) all dark — the darkest solid region,
// whatever its exact gray (CASIA-V1 pre-fills pupils with one flat value; live pupils are
// dark with reflections) — then the circle around it with the strongest dark-to-bright edge.
import { imageWidth, imageHeight, pixel } from './image';
import { bestRadius, edgeStrength, useFullCircle } from './circles';
import {
  MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, PUPIL_DARK_PERCENTILE, PUPIL_DARK_MARGIN, PUPIL_SEED_HALF_BOX,
  PUPIL_CENTRE_SEARCH, PUPIL_MIN_RADIUS, PUPIL_MAX_RADIUS, PUPIL_ARC_SAMPLES, PUPIL_EDGE_SPAN,
} from './params';

/** Summed-area table of the dark mask, (width + 1) × (height + 1). */
const darkSums = new StaticArray<i32>(MAX_IMAGE_PIXELS + 2 * MAX_IMAGE_SIDE + 1);
const histogram = new StaticArray<i32>(256);

export let pupilX: f32 = 0;
export let pupilY: f32 = 0;
export let pupilRadius: f32 = 0;

/** Finds the pupil; false when no dark region or no edge around it. */
export function findPupil(): bool {
  const level = darkLevel();
  const w = imageWidth, h = imageHeight, stride = w + 1;
  for (let x = 0; x <= w; x++) unchecked(darkSums[x] = 0);
  for (let y = 0; y < h; y++) {
    let row = 0;
    unchecked(darkSums[(y + 1) * stride] = 0);
    for (let x = 0; x < w; x++) {
      row += <i32>(pixel(x, y) <= level);
      unchecked(darkSums[(y + 1) * stride + x + 1] = darkSums[y * stride + x + 1] + row);
    }
  }
  // seed: the box with the most dark pixels (first in scan order on ties)
  const half = PUPIL_SEED_HALF_BOX;
  let bestCount = 0, seedX = -1, seedY = -1;
  for (let y = half; y < h - half; y++) {
    for (let x = half; x < w - half; x++) {
      const count = boxCount(x - half, y - half, x + half + 1, y + half + 1, stride);
      if (count > bestCount) { bestCount = count; seedX = x; seedY = y; }
    }
  }
  const side = 2 * half + 1;
  if (seedX < 0 || bestCount * 2 < side * side) return false;
  // Every box inside a solid dark disc is full: the first one is near the disc's top, so the
  // seed moves to the centroid of the full boxes within a pupil radius of it.
  let sumX = 0, sumY = 0, n = 0;
  for (let y = max(half, seedY - PUPIL_MAX_RADIUS); y < min(h - half, seedY + PUPIL_MAX_RADIUS); y++) {
    for (let x = max(half, seedX - PUPIL_MAX_RADIUS); x < min(w - half, seedX + PUPIL_MAX_RADIUS); x++) {
      if (boxCount(x - half, y - half, x + half + 1, y + half + 1, stride) == bestCount) { sumX += x; sumY += y; n++; }
    }
  }
  seedX = sumX / n;
  seedY = sumY / n;

  // refine: the strongest full-circle edge among centres near the seed
  useFullCircle(PUPIL_ARC_SAMPLES);
  let best: f32 = 0;
  pupilRadius = 0;
  for (let dy = -PUPIL_CENTRE_SEARCH; dy <= PUPIL_CENTRE_SEARCH; dy++) {
    for (let dx = -PUPIL_CENTRE_SEARCH; dx <= PUPIL_CENTRE_SEARCH; dx++) {
      const cx = <f32>(seedX + dx), cy = <f32>(seedY + dy);
      const r = bestRadius(cx, cy, PUPIL_MIN_RADIUS, PUPIL_MAX_RADIUS, PUPIL_EDGE_SPAN);
      if (r > 0 && edgeStrength > best) { best = edgeStrength; pupilX = cx; pupilY = cy; pupilRadius = <f32>r; }
    }
  }
  return pupilRadius > 0;
}

// @ts-ignore: decorator
@inline function boxCount(x0: i32, y0: i32, x1: i32, y1: i32, stride: i32): i32 {
  return unchecked(darkSums[y1 * stride + x1]) - unchecked(darkSums[y0 * stride + x1])
    - unchecked(darkSums[y1 * stride + x0]) + unchecked(darkSums[y0 * stride + x0]);
}

/** Gray at PUPIL_DARK_PERCENTILE of the image, plus PUPIL_DARK_MARGIN. */
function darkLevel(): i32 {
  for (let g = 0; g < 256; g++) unchecked(histogram[g] = 0);
  for (let y = 0; y < imageHeight; y++) for (let x = 0; x < imageWidth; x++) unchecked(histogram[pixel(x, y)]++);
  const target = <i32>(PUPIL_DARK_PERCENTILE * <f32>(imageWidth * imageHeight));
  let seen = 0, g = 0;
  for (; g < 255; g++) {
    seen += unchecked(histogram[g]);
    if (seen > target) break;
  }
  return g + PUPIL_DARK_MARGIN;
}
