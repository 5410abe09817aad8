/**
 * Stage 4 — align: a similarity transform (rotation, uniform scale, shift) that best puts
 * landmarks 17–67 (brows, nose, eyes, mouth; the jaw line moves with pose and is left out) on
 * dlib's mean face shape, the template its face-recognition ResNet was trained on, inside the
 * embedding model's chip (150 px, the mean-shape box grown by 25 % on each side: dlib's
 * `get_face_chip_details(shape, 150, 0.25)`). The least-squares fit is from chip to image, so
 * the chip is sampled directly (bilinear; an integer pre-shrink when the face is much larger
 * than the chip, against aliasing).
 */
import { FACE_PARAMS } from './params.ts';
import type { Landmarks68 } from './landmarks.ts';
import { sampleSimilarity, shrinkByBlocks, type RgbImage } from './rgb-image.ts';

/**
 * dlib's mean face shape for iBUG points 17–67, in a unit box (x then y); from dlib's
 * `get_face_chip_details` (Boost Software Licence).
 */
const MEAN_SHAPE_X: readonly number[] = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004,
  0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737,
  0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751,
  0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
  0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127,
  0.42689,
];
const MEAN_SHAPE_Y: readonly number[] = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454,
  0.203352, 0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423,
  0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077,
  0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192,
  0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803,
  0.824182,
];
const FIRST_POINT = 17;

/** Chip → image similarity: image = (a·u − b·v + tx, b·u + a·v + ty). */
export interface ChipTransform { a: number; b: number; tx: number; ty: number }

export interface AlignedFace {
  /** chipSize² × 3 floats, 0–255, RGB. */
  chip: Float32Array;
  chipSize: number;
  transform: ChipTransform;
}

/** Where mean-shape point i (17…67) lies in the chip, px. */
export function chipTemplatePoint(i: number, params: { readonly chipSize: number; readonly chipPadding: number } = FACE_PARAMS.align): [number, number] {
  const j = i - FIRST_POINT;
  const scale = params.chipSize / (1 + 2 * params.chipPadding);
  return [(MEAN_SHAPE_X[j] + params.chipPadding) * scale, (MEAN_SHAPE_Y[j] + params.chipPadding) * scale];
}

/**
 * The landmarks the similarity is fitted on: 'dlib51' = points 17–67 (brows, nose, eyes, mouth;
 * dlib's 68-point `get_face_chip_details`); 'eyes-nose5' = the four eye corners and the base of
 * the nose (36, 39, 42, 45, 33) — the points of dlib's 5-point shape predictor, the one its own
 * face-recognition example aligns with; brows and mouth move with expression, these barely do.
 */
export type AlignPoints = 'dlib51' | 'eyes-nose5';
const FIVE_POINTS: readonly number[] = [36, 39, 42, 45, 33];
const ALL_POINTS: readonly number[] = Array.from({ length: MEAN_SHAPE_X.length }, (_, j) => j + FIRST_POINT);

/** The align stage's parameters (FACE_PARAMS.align, widened so a bench can try others). */
export interface AlignParams { readonly chipSize: number; readonly chipPadding: number; readonly alignPoints: AlignPoints }

/** Least-squares similarity from the chip template to the landmarks. */
export function fitChipTransform(points: Landmarks68, params: AlignParams = FACE_PARAMS.align): ChipTransform {
  const used = params.alignPoints === 'eyes-nose5' ? FIVE_POINTS : ALL_POINTS;
  const n = used.length;
  let pu = 0, pv = 0, qx = 0, qy = 0;
  const template = used.map((i) => chipTemplatePoint(i, params));
  for (const [j, i] of used.entries()) {
    pu += template[j][0]; pv += template[j][1]; qx += points[2 * i]; qy += points[2 * i + 1];
  }
  pu /= n; pv /= n; qx /= n; qy /= n;
  let dot = 0, cross = 0, norm = 0;
  for (const [j, i] of used.entries()) {
    const u = template[j][0] - pu, v = template[j][1] - pv;
    const x = points[2 * i] - qx, y = points[2 * i + 1] - qy;
    dot += u * x + v * y; cross += u * y - v * x; norm += u * u + v * v;
  }
  const a = dot / norm, b = cross / norm;
  return { a, b, tx: qx - (a * pu - b * pv), ty: qy - (b * pu + a * pv) };
}

export function alignFace(image: RgbImage, points: Landmarks68, params: AlignParams = FACE_PARAMS.align): AlignedFace {
  const transform = fitChipTransform(points, params);
  const pixelsPerChipPixel = Math.hypot(transform.a, transform.b);
  const k = Math.max(1, Math.floor(pixelsPerChipPixel / 2));
  const { a, b, tx, ty } = transform;
  const chip = sampleSimilarity(shrinkByBlocks(image, k), params.chipSize, a / k, b / k, tx / k, ty / k, FACE_PARAMS.detect.padValue);
  return { chip, chipSize: params.chipSize, transform };
}

/** The central face region of the chip (brows to chin, inside the jaw), px: [left, top, right, bottom]. */
export function chipFaceRegion(params: { readonly chipSize: number; readonly chipPadding: number } = FACE_PARAMS.align): [number, number, number, number] {
  const [x0, y0] = chipTemplatePoint(19, params), [x1] = chipTemplatePoint(24, params), [, y1] = chipTemplatePoint(57, params);
  const last = params.chipSize - 2;
  return [Math.max(1, Math.round(x0)), Math.max(1, Math.round(y0)), Math.min(last, Math.round(x1)), Math.min(last, Math.round(y1))];
}
