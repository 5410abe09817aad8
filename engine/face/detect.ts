/**
 * Stage 2 — detect: the largest face. The image is centred on a square mid-gray canvas with a
 * border of `padShare` of its larger side, so tight, already-aligned crops (ISO/IEC 19794-5
 * token images, ORL's 92×112, 112×112 dataset crops) still show the detector a whole head in
 * context. The canvas is sampled once to the detector's input size. When it finds nothing, the
 * other paddings of `fallbackPadShares` are tried in turn (the detector's anchors favour some
 * face scales), then the unpadded image at `smallFaceInputSize` (a small face in a large
 * photo); the first that finds a face wins.
 *
 * Several faces: the largest box (area) is kept — the subject is the one nearest the camera. Any
 * other box at least `competingFaceShare` of its area is counted in `otherFaces`, for the caller
 * (a door may refuse such a capture); enrolment goes on with the largest.
 */
import { FACE_PARAMS } from './params.ts';
import type { FaceModels } from './models.ts';
import { sampleSimilarity, shrinkByBlocks, type RgbImage } from './rgb-image.ts';

/** A face box in the input image's pixels. */
export interface FaceBox { x: number; y: number; width: number; height: number; score: number }

export interface Detection {
  /** The largest face, or null when none was found. */
  face: FaceBox | null;
  /** Other faces at least `competingFaceShare` of the largest one's area. */
  otherFaces: number;
}

/** The detect stage's parameters (FACE_PARAMS.detect, widened so a bench can try others). */
export interface DetectParams {
  readonly padShare: number; readonly fallbackPadShares: readonly number[]; readonly padValue: number;
  readonly inputSize: number; readonly smallFaceInputSize: number; readonly competingFaceShare: number;
}

export async function detectLargestFace(image: RgbImage, models: FaceModels, params: DetectParams = FACE_PARAMS.detect): Promise<Detection> {
  for (const padShare of [params.padShare, ...params.fallbackPadShares]) {
    const found = await detectOnCanvas(image, models, padShare, params.inputSize, params);
    if (found.face !== null) return found;
  }
  return detectOnCanvas(image, models, 0, params.smallFaceInputSize, params);
}

async function detectOnCanvas(image: RgbImage, models: FaceModels, padShare: number, side: number, params: DetectParams): Promise<Detection> {
  const canvasSide = Math.max(image.width, image.height) * (1 + 2 * padShare);
  const pixelsPerInput = canvasSide / side;
  // Integer pre-shrink so the bilinear sampling below never skips more than 2 source pixels.
  const k = Math.max(1, Math.floor(pixelsPerInput / 2));
  const source = shrinkByBlocks(image, k);
  const offsetX = (canvasSide - image.width) / 2, offsetY = (canvasSide - image.height) / 2;
  const canvas = sampleSimilarity(source, side, pixelsPerInput / k, 0, -offsetX / k, -offsetY / k, params.padValue);
  const boxes = (await models.detect(canvas, side)).map((b) => ({
    x: b.x * pixelsPerInput - offsetX,
    y: b.y * pixelsPerInput - offsetY,
    width: b.width * pixelsPerInput,
    height: b.height * pixelsPerInput,
    score: b.score,
  }));
  if (boxes.length === 0) return { face: null, otherFaces: 0 };
  boxes.sort((a, b) => b.width * b.height - a.width * a.height || b.score - a.score);
  const largest = boxes[0];
  const area = largest.width * largest.height;
  const otherFaces = boxes.slice(1).filter((b) => b.width * b.height >= params.competingFaceShare * area).length;
  return { face: largest, otherFaces };
}
