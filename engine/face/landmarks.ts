/**
 * Stage 3 — landmarks: the 68 iBUG points (jaw 0–16, brows 17–26, nose 27–35, eyes 36–47,
 * mouth 48–67) from a square crop around the detector box, grown by `boxGrowShare`, sampled to
 * the landmark net's 112 px input, then (`refinePasses`) again from a crop framed by the points
 * found. Points are returned in the input image's pixels.
 */
import { FACE_PARAMS } from './params.ts';
import type { FaceBox } from './detect.ts';
import type { FaceModels } from './models.ts';
import { sampleSimilarity, shrinkByBlocks, type RgbImage } from './rgb-image.ts';
import { equaliseLocalContrast, type ClaheParams } from './clahe.ts';

/** 68 (x, y) pairs, image pixels. */
export type Landmarks68 = Float32Array;

/** The landmark stage's parameters (FACE_PARAMS.landmarks, widened so a bench can try others). */
export interface LandmarkParams {
  readonly boxGrowShare: number; readonly refinePasses: number; readonly coarseFirstPass: boolean;
  /** The refining passes through the tiny net as well (a candidate measured in docs/face-speed.md §10). */
  readonly tinyRefinePasses: boolean;
  /** CLAHE of each crop before the net sees it (null: the crop as sampled). */
  readonly cropContrast: ClaheParams | null;
}

export async function locateLandmarks(image: RgbImage, box: FaceBox, models: FaceModels, params: LandmarkParams = FACE_PARAMS.landmarks): Promise<Landmarks68> {
  const coarse = params.coarseFirstPass && params.refinePasses > 0;
  let points = await landmarksInBox(image, box, models, params, coarse);
  for (let pass = 0; pass < params.refinePasses; pass++) points = await landmarksInBox(image, boxOfPoints(points, box.score), models, params, params.tinyRefinePasses);
  return points;
}

/** The bounding box of the 68 points. */
function boxOfPoints(points: Landmarks68, score: number): FaceBox {
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    left = Math.min(left, points[i]); right = Math.max(right, points[i]);
    top = Math.min(top, points[i + 1]); bottom = Math.max(bottom, points[i + 1]);
  }
  return { x: left, y: top, width: right - left, height: bottom - top, score };
}

async function landmarksInBox(image: RgbImage, box: FaceBox, models: FaceModels, params: LandmarkParams, coarse: boolean): Promise<Landmarks68> {
  const side = Math.max(box.width, box.height) * (1 + 2 * params.boxGrowShare);
  const left = box.x + box.width / 2 - side / 2, top = box.y + box.height / 2 - side / 2;
  const scale = side / models.landmarkInput;
  const k = Math.max(1, Math.floor(scale / 2));
  const sampled = sampleSimilarity(shrinkByBlocks(image, k), models.landmarkInput, scale / k, 0, left / k, top / k, FACE_PARAMS.detect.padValue);
  const crop = params.cropContrast === null ? sampled : equaliseLocalContrast(sampled, models.landmarkInput, params.cropContrast);
  const points = await (coarse ? models.coarseLandmarks(crop) : models.landmarks(crop));
  for (let i = 0; i < points.length; i += 2) {
    points[i] = left + points[i] * scale;
    points[i + 1] = top + points[i + 1] * scale;
  }
  return points;
}

/** Mean of landmarks [from, to), as [x, y]. */
export function landmarkCentre(points: Landmarks68, from: number, to: number): [number, number] {
  let x = 0, y = 0;
  for (let i = from; i < to; i++) { x += points[2 * i]; y += points[2 * i + 1]; }
  return [x / (to - from), y / (to - from)];
}

/** Eye centres in image pixels: the image-left eye (subject's right, points 36–41), then the image-right eye (42–47). */
export function eyeCentres(points: Landmarks68): { left: [number, number]; right: [number, number] } {
  return { left: landmarkCentre(points, 36, 42), right: landmarkCentre(points, 42, 48) };
}
