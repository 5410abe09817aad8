/**
 * face-api's Tiny Face Detector (a Tiny-YOLOv2 with depthwise-separable convolutions), forward
 * pass and box decoding written against its loaded weights so each layer is one fused XNNPACK
 * operator: conv + bias + leaky ReLU (face-api computes the leaky ReLU as
 * relu(x − 0.1x) + 0.1x in four passes, the padding as a separate copy). Same arithmetic, same
 * boxes (test/face-nets.test.ts checks it against face-api's own `locateFaces`).
 */
import { normalisedInput, type ConvWeights, type SeparableWeights, type Tensor4D, type Tf } from './net-ops.ts';

/** face-api's TinyFaceDetector weights (`nets.tinyFaceDetector.params`). */
export interface DetectorWeights {
  conv0: ConvWeights;
  conv1: SeparableWeights; conv2: SeparableWeights; conv3: SeparableWeights; conv4: SeparableWeights;
  conv5: SeparableWeights;
  /** Absent in the face detector's weights (its filter list stops at 512 channels). */
  conv6?: SeparableWeights | null; conv7?: SeparableWeights | null;
  conv8: ConvWeights;
}

/** A box in the pixels of the square canvas given to the detector. */
export interface NetBox { x: number; y: number; width: number; height: number; score: number }

/** The model's constants (face-api tinyFaceDetector/const.ts): input mean, anchors in grid cells, NMS overlap. */
const MEAN_RGB = [117.001, 114.697, 97.404] as const;
const ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061], [4.266906, 5.178857], [9.041765, 10.66308],
];
const IOU_THRESHOLD = 0.4;
/** The leaky ReLU slope the model was trained with. */
const LEAKY_ALPHA = 0.1;
/** Per anchor: x, y, w, h, objectness. */
const BOX_ENCODING = 5;

export function createDetectorNet(tf: Tf, w: DetectorWeights): (canvas: Float32Array, side: number, scoreThreshold: number) => NetBox[] {
  const separable = (x: Tensor4D, p: SeparableWeights): Tensor4D => tf.fused.conv2d({
    x: tf.depthwiseConv2d(x, p.depthwise_filter, 1, 'same'), filter: p.pointwise_filter, strides: 1, pad: 'valid',
    bias: p.bias, activation: 'leakyrelu', leakyreluAlpha: LEAKY_ALPHA,
  });
  const forward = (input: Tensor4D): Tensor4D => {
    let out = tf.fused.conv2d({ x: input, filter: w.conv0.filters, strides: 1, pad: 'valid', bias: w.conv0.bias, activation: 'leakyrelu', leakyreluAlpha: LEAKY_ALPHA });
    for (const p of [w.conv1, w.conv2, w.conv3, w.conv4]) out = separable(tf.maxPool(out, 2, 2, 'same'), p);
    out = separable(tf.maxPool(out, 2, 2, 'same'), w.conv5);
    out = tf.maxPool(out, 2, 1, 'same');
    if (w.conv6) out = separable(out, w.conv6);
    if (w.conv7) out = separable(out, w.conv7);
    return tf.fused.conv2d({ x: out, filter: w.conv8.filters, strides: 1, pad: 'valid', bias: w.conv8.bias });
  };
  return (canvas, side, scoreThreshold) => {
    const { grid, cells } = tf.tidy(() => {
      const out = forward(normalisedInput(tf, [canvas], side, MEAN_RGB));
      return { grid: out.dataSync() as Float32Array, cells: out.shape[1] };
    });
    return nonMaxSuppression(decodeBoxes(grid, cells, side, scoreThreshold));
  };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** YOLO decoding: cell + sigmoid offset for the centre, anchor × exp for the size; objectness through a sigmoid. */
function decodeBoxes(grid: Float32Array, cells: number, side: number, scoreThreshold: number): NetBox[] {
  const boxes: NetBox[] = [];
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (let a = 0; a < ANCHORS.length; a++) {
        const o = ((row * cells + col) * ANCHORS.length + a) * BOX_ENCODING;
        const score = sigmoid(grid[o + 4]);
        if (!(score > scoreThreshold)) continue;
        const cx = (col + sigmoid(grid[o])) / cells, cy = (row + sigmoid(grid[o + 1])) / cells;
        const width = (Math.exp(grid[o + 2]) * ANCHORS[a][0]) / cells, height = (Math.exp(grid[o + 3]) * ANCHORS[a][1]) / cells;
        boxes.push({ x: (cx - width / 2) * side, y: (cy - height / 2) * side, width: width * side, height: height * side, score });
      }
    }
  }
  return boxes;
}

/** Greedy: the best-scoring box stays, every box overlapping it by IoU > IOU_THRESHOLD goes; repeat. */
function nonMaxSuppression(boxes: NetBox[]): NetBox[] {
  const left = [...boxes].sort((a, b) => b.score - a.score);
  const kept: NetBox[] = [];
  while (left.length > 0) {
    const best = left.shift()!;
    kept.push(best);
    for (let i = left.length - 1; i >= 0; i--) if (iou(best, left[i]) > IOU_THRESHOLD) left.splice(i, 1);
  }
  return kept;
}

function iou(a: NetBox, b: NetBox): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}
