// Stage 1: the pupil. Candidates are the darkest boxes of the image (box mean over non-specular
// pixels, so a reflection inside a live pupil does not hide it; CASIA-V1's flat pre-filled
// pupils are simply dark); each grows into its dark blob, whose centroid and area guess a
// circle; the integro-differential operator refines it. The candidate whose edge is strongest
// and rises all around wins (edge × rising share²): lash clusters, glasses frames and dark
// corners have strong edges, but not round ones.
import { imageWidth, imageHeight, pixel } from './image';
import { specular } from './reflections';
import { bestRadius, edgeStrength, risingShare, useFullCircle } from './circles';
import { pupilMinRadius, pupilMaxRadius } from './search-ranges';
import { refinePupil, refinedX, refinedY, refinedR, refinedEdge, refinedRising } from './pupil-refine';
import {
  MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, PUPIL_SEED_BOX_SHARE, PUPIL_SEED_MIN_VALID, PUPIL_CANDIDATES,
  PUPIL_DARK_MARGIN, PUPIL_DARK_SHARE, PUPIL_INNER_SHARE, PUPIL_CENTRE_SHARE, PUPIL_CENTRE_MIN,
  PUPIL_RADIUS_HIGH_SHARE, PUPIL_ARC_SAMPLES, PUPIL_EDGE_SPAN, PUPIL_FIRST_EDGE_SHARE,
} from './params';

/** Summed-area tables of gray (non-specular pixels) and of non-specular counts, (w + 1) × (h + 1). */
const graySums = new StaticArray<i32>(MAX_IMAGE_PIXELS + 2 * MAX_IMAGE_SIDE + 1);
const validSums = new StaticArray<i32>(MAX_IMAGE_PIXELS + 2 * MAX_IMAGE_SIDE + 1);
/** Flood-fill queue and visited marks of the blob growth. */
const queue = new StaticArray<i32>(MAX_IMAGE_PIXELS);
const visited = new StaticArray<u8>(MAX_IMAGE_PIXELS);
const histogram = new StaticArray<i32>(256);
const candidateX = new StaticArray<i32>(PUPIL_CANDIDATES);
const candidateY = new StaticArray<i32>(PUPIL_CANDIDATES);
const candidateMean = new StaticArray<f32>(PUPIL_CANDIDATES);

export let pupilX: f32 = 0;
export let pupilY: f32 = 0;
export let pupilRadius: f32 = 0;
/** Edge strength of the pupil found (gray levels), and the darkness of its seed: quality inputs. */
export let pupilEdge: f32 = 0;
export let pupilSeedGray: f32 = 0;
/** Share of the pupil circle's angles where the gray rises outwards (circularity evidence, 0–1). */
export let pupilRising: f32 = 0;
let bestScore: f32 = 0;

/** Finds the pupil; false when no dark region has a round edge around it. */
export function findPupil(): bool {
  buildSums();
  const half = max(1, <i32>(PUPIL_SEED_BOX_SHARE * <f32>pupilMinRadius));
  const count = darkestBoxes(half);
  const median = imageMedian();
  useFullCircle(PUPIL_ARC_SAMPLES);
  pupilRadius = 0;
  pupilEdge = 0;
  pupilRising = 0;
  bestScore = 0;
  // one bar for every candidate, from the darkest box of the image: a pupil is about that dark
  // inside, whatever candidate it grew from
  const darkest = count > 0 ? unchecked(candidateMean[0]) : 0;
  innerLimit = darkest + max(<f32>PUPIL_DARK_MARGIN, PUPIL_INNER_SHARE * (<f32>median - darkest));
  for (let k = 0; k < count; k++) {
    const seedGray = unchecked(candidateMean[k]);
    const level = <i32>(seedGray + max(<f32>PUPIL_DARK_MARGIN, PUPIL_DARK_SHARE * (<f32>median - seedGray)));
    refineCandidate(unchecked(candidateX[k]), unchecked(candidateY[k]), level, seedGray);
  }
  if (pupilRadius > 0 && refinePupil(pupilX, pupilY, pupilRadius, pupilEdge, pupilRising, innerLimit)) {
    pupilX = refinedX; pupilY = refinedY; pupilRadius = refinedR; pupilEdge = refinedEdge; pupilRising = refinedRising;
  }
  return pupilRadius > 0;
}

function buildSums(): void {
  const w = imageWidth, h = imageHeight, stride = w + 1;
  for (let x = 0; x <= w; x++) { unchecked(graySums[x] = 0); unchecked(validSums[x] = 0); }
  for (let y = 0; y < h; y++) {
    let rowGray = 0, rowValid = 0;
    unchecked(graySums[(y + 1) * stride] = 0);
    unchecked(validSums[(y + 1) * stride] = 0);
    for (let x = 0; x < w; x++) {
      if (unchecked(specular[y * w + x]) == 0) { rowGray += pixel(x, y); rowValid++; }
      unchecked(graySums[(y + 1) * stride + x + 1] = graySums[y * stride + x + 1] + rowGray);
      unchecked(validSums[(y + 1) * stride + x + 1] = validSums[y * stride + x + 1] + rowValid);
    }
  }
}

// @ts-ignore: decorator
@inline function boxSum(table: StaticArray<i32>, x0: i32, y0: i32, x1: i32, y1: i32, stride: i32): i32 {
  return unchecked(table[y1 * stride + x1]) - unchecked(table[y0 * stride + x1])
    - unchecked(table[y1 * stride + x0]) + unchecked(table[y0 * stride + x0]);
}

/** Up to PUPIL_CANDIDATES darkest box centres, each at least a largest-pupil radius from the others. */
function darkestBoxes(half: i32): i32 {
  const w = imageWidth, h = imageHeight, stride = w + 1, side = 2 * half + 1;
  const minValid = <i32>(PUPIL_SEED_MIN_VALID * <f32>(side * side));
  const apart = pupilMaxRadius * pupilMaxRadius;
  let count = 0;
  for (let k = 0; k < PUPIL_CANDIDATES; k++) {
    let best: f32 = 256, bx = -1, by = -1;
    for (let y = half; y < h - half; y++) {
      for (let x = half; x < w - half; x++) {
        const valid = boxSum(validSums, x - half, y - half, x + half + 1, y + half + 1, stride);
        if (valid < minValid) continue;
        const mean = <f32>boxSum(graySums, x - half, y - half, x + half + 1, y + half + 1, stride) / <f32>valid;
        if (mean >= best) continue;
        let near = false;
        for (let j = 0; j < count; j++) {
          const dx = x - unchecked(candidateX[j]), dy = y - unchecked(candidateY[j]);
          if (dx * dx + dy * dy < apart) { near = true; break; }
        }
        if (!near) { best = mean; bx = x; by = y; }
      }
    }
    if (bx < 0) break;
    unchecked(candidateX[count] = bx);
    unchecked(candidateY[count] = by);
    unchecked(candidateMean[count] = best);
    count++;
  }
  return count;
}

/**
 * Grows the seed's dark blob (4-connected pixels ≤ level; specular pixels pass, as reflections
 * sit inside pupils) within a largest-pupil radius, then searches circles around its centroid;
 * keeps the circle when its edge beats the best so far.
 */
function refineCandidate(seedX: i32, seedY: i32, level: i32, seedGray: f32): void {
  const w = imageWidth, h = imageHeight, reach = pupilMaxRadius;
  let head = 0, tail = 0, sumX: i64 = 0, sumY: i64 = 0;
  unchecked(queue[tail++] = seedY * w + seedX);
  unchecked(visited[seedY * w + seedX] = 1);
  while (head < tail) {
    const p = unchecked(queue[head++]);
    const x = p % w, y = p / w;
    sumX += x; sumY += y;
    for (let n = 0; n < 4; n++) {
      const nx = x + (n == 0 ? 1 : n == 1 ? -1 : 0), ny = y + (n == 2 ? 1 : n == 3 ? -1 : 0);
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      if (abs(nx - seedX) > reach || abs(ny - seedY) > reach) continue;
      const q = ny * w + nx;
      if (unchecked(visited[q]) != 0) continue;
      if (pixel(nx, ny) > level && unchecked(specular[q]) == 0) continue;
      unchecked(visited[q] = 1);
      unchecked(queue[tail++] = q);
    }
  }
  for (let k = 0; k < tail; k++) unchecked(visited[unchecked(queue[k])] = 0);
  const blobX = <f32>(<f64>sumX / <f64>tail), blobY = <f32>(<f64>sumY / <f64>tail);
  const blobRadius = Mathf.sqrt(<f32>tail / <f32>Math.PI);
  // the blob bounds the pupil from above only: a dark iris joins it (no lower bound but the range's)
  const low = pupilMinRadius;
  const high = min(pupilMaxRadius, <i32>(PUPIL_RADIUS_HIGH_SHARE * blobRadius) + 2);
  if (high <= low) return;
  // a 2-px grid, then the 1-px neighbours of its best centre
  const search = max(PUPIL_CENTRE_MIN, <i32>(PUPIL_CENTRE_SHARE * blobRadius));
  candidateEdge = 0;
  for (let dy = -search; dy <= search; dy += 2) {
    for (let dx = -search; dx <= search; dx += 2) tryCentre(blobX + <f32>dx, blobY + <f32>dy, low, high);
  }
  if (candidateEdge == 0) return;
  const gx = candidateCx, gy = candidateCy;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx != 0 || dy != 0) tryCentre(gx + <f32>dx, gy + <f32>dy, low, high);
  // a lash cluster or an eye corner can have a strong edge, but not all around
  const rising = risingShare(candidateCx, candidateCy, candidateR, PUPIL_EDGE_SPAN);
  const score = candidateEdge * rising * rising;
  if (score > bestScore) {
    bestScore = score; pupilEdge = candidateEdge; pupilRising = rising;
    pupilX = candidateCx; pupilY = candidateCy; pupilRadius = candidateR; pupilSeedGray = seedGray;
  }
}

/** Gray the arc just inside a pupil edge may not exceed: a circle around pupil and a dark
 *  iris has iris, not pupil, inside its edge. */
let innerLimit: f32 = 0;
let candidateEdge: f32 = 0;
let candidateCx: f32 = 0;
let candidateCy: f32 = 0;
let candidateR: f32 = 0;

function tryCentre(cx: f32, cy: f32, low: i32, high: i32): void {
  const r = bestRadius(cx, cy, low, high, PUPIL_EDGE_SPAN, PUPIL_FIRST_EDGE_SHARE, innerLimit);
  if (r > 0 && edgeStrength > candidateEdge) { candidateEdge = edgeStrength; candidateCx = cx; candidateCy = cy; candidateR = <f32>r; }
}

/** Median gray of the image. */
function imageMedian(): i32 {
  for (let g = 0; g < 256; g++) unchecked(histogram[g] = 0);
  for (let y = 0; y < imageHeight; y++) for (let x = 0; x < imageWidth; x++) unchecked(histogram[pixel(x, y)]++);
  const target = (imageWidth * imageHeight) >> 1;
  let seen = 0, g = 0;
  for (; g < 255; g++) {
    seen += unchecked(histogram[g]);
    if (seen > target) break;
  }
  return g;
}
