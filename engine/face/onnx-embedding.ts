/**
 * dlib's ResNet descriptor as an ONNX graph, written from face-api's weights (the same layers
 * as net-embedding.ts, in NCHW): fp32 (Conv), or int8 (QLinearConv: per-output-channel int8
 * weights, uint8 activations with one static scale per tensor). The scale layers are folded
 * into the filters first, as in net-embedding.ts. In the int8 graph a ReLU is the uint8
 * saturation at zero point 0 (a quantised ReLU output cannot go below 0); the residual joins
 * and the down-sampling shortcut's average pool run in fp32 between DequantizeLinear and
 * QuantizeLinear (small maps: < 0.1 % of the arithmetic).
 *
 * Activation scales come from a calibration (`bench/face-int8.ts calibrate`) on chips of
 * identity half A; the quantisation rules are onnx-quant.ts's.
 */
import { foldScale, type ConvWeights, type Tf } from './net-ops.ts';
import { EMBEDDING_MEAN_RGB, resnetBlocks, type EmbeddingWeights } from './net-embedding.ts';
import { OnnxType } from './onnx-model.ts';
import { QuantGraphBuilder, type ConvShape, type HostConv } from './onnx-quant.ts';
import type { OnnxGraph } from './onnx-model.ts';
import type { QuantPoint } from './onnx-quant.ts';

export interface QuantisedGraph {
  graph: OnnxGraph;
  /** Every tensor the int8 graph quantises, in order (the calibration's keys). */
  quantPoints: QuantPoint[];
}

const INPUT_SIDE = 150;

export interface EmbeddingGraphOptions {
  /**
   * Chip side, px (150: dlib's chip). The net is convolutional with a global average pool, so
   * any side ≥ 119 px gives a descriptor (smaller maps run out before the last down-sampling).
   */
  inputSide?: number;
  /** Stages (by channel count) whose convolutions stay fp32 inside the int8 graph (mixed precision; for measuring where the int8 error comes from). */
  floatStages?: ReadonlyArray<32 | 64 | 128 | 256>;
  /** Keep the first convolution (7×7, 3 → 32 channels, on the chip itself) in fp32: the chip's levels are not quantised. */
  firstLayerFloat?: boolean;
}

/** TensorFlow.js HWIO filters → ONNX OIHW (group 1). */
export function hostConv(tf: Tf, c: ConvWeights): HostConv {
  const [k, , inC, outC] = c.filters.shape;
  const hwio = c.filters.dataSync() as Float32Array;
  const oihw = new Float32Array(hwio.length);
  for (let o = 0; o < outC; o++) for (let i = 0; i < inC; i++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) {
    oihw[((o * inC + i) * k + y) * k + x] = hwio[((y * k + x) * inC + i) * outC + o];
  }
  return { oihw, bias: Float32Array.from(c.bias.dataSync() as Float32Array), out: outC, in: inC, k, group: 1 };
}

/** A ResNet convolution with its scale layer folded in (net-ops.ts foldScale), as host arrays. */
export function foldedHostConv(tf: Tf, l: { conv: ConvWeights; scale: { weights: ConvWeights['bias']; biases: ConvWeights['bias'] } }): HostConv {
  const folded = foldScale(tf, l.conv, l.scale.weights, l.scale.biases);
  const host = hostConv(tf, folded);
  tf.dispose([folded.filters, folded.bias]);
  return host;
}

/**
 * The graph: input `chip` [batch, 3, 150, 150] (already (v − mean)/255), output `descriptor`
 * [batch, 128]. `scales` null: fp32, every quant point also an output (for calibration);
 * otherwise int8 with `scales[name]` as each quant point's largest |value|.
 */
export function buildEmbeddingGraph(tf: Tf, w: EmbeddingWeights, scales: Readonly<Record<string, number>> | null, batch: number | string = 'batch', options: EmbeddingGraphOptions = {}): QuantisedGraph {
  const g = new QuantGraphBuilder(scales);
  const fold = (l: Parameters<typeof foldedHostConv>[1]): HostConv => foldedHostConv(tf, l);
  const same = [1, 1, 1, 1] as const, valid = [0, 0, 0, 0] as const;
  // Side and channels of the current map, tracked to pad the down-sampling path like net-embedding.ts.
  const inputSide = options.inputSide ?? INPUT_SIDE;
  let side = inputSide, channels = 3;
  let x: string;
  if (options.firstLayerFloat === true && g.int8) {
    g.skipPoint('chip', false);
    x = g.floatConv('chip', fold(w.conv32_down), { stride: 2, pads: valid, relu: true });
  } else {
    x = g.quantise('chip', 'chip', false);
    x = g.conv(x, fold(w.conv32_down), { stride: 2, pads: valid, relu: true });
  }
  side = Math.floor((side - 7) / 2) + 1; channels = 32;
  const pooled = g.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] });
  g.alias(x, pooled); // a max pool keeps the scale
  x = pooled; side = Math.floor((side - 3) / 2) + 1;
  const float = new Set(options.floatStages ?? []);
  const conv = (input: string, c: HostConv, shape: ConvShape): string =>
    (float.has(c.out as 32) ? g.floatConv(g.dequantise(input), c, shape) : g.conv(input, c, shape));
  const residual = (r: EmbeddingWeights['conv32_1']): void => {
    const b = conv(conv(x, fold(r.conv1), { stride: 1, pads: same, relu: true }), fold(r.conv2), { stride: 1, pads: same, relu: false });
    x = g.sum([b, x], 'res', true);
  };
  const down = (r: EmbeddingWeights['conv32_1']): void => {
    const c1 = fold(r.conv1), c2 = fold(r.conv2);
    const b = conv(conv(x, c1, { stride: 2, pads: valid, relu: true }), c2, { stride: 1, pads: same, relu: false });
    const convSide = Math.floor((side - 3) / 2) + 1, poolSide = Math.floor(side / 2);
    let shortcut = g.op('AveragePool', [g.dequantise(x)], { kernel_shape: [2, 2], strides: [2, 2] });
    // Channels doubled with zeros; the convolution's map padded at the far edges to the pool's size.
    if (c2.out > channels) shortcut = g.op('Pad', [shortcut, g.int64([0, 0, 0, 0, 0, c2.out - channels, 0, 0])]);
    let main = g.dequantise(b);
    if (poolSide > convSide) main = g.op('Pad', [main, g.int64([0, 0, 0, 0, 0, 0, poolSide - convSide, poolSide - convSide])]);
    x = g.quantise(g.op('Add', [main, shortcut]), 'down', true);
    side = poolSide; channels = c2.out;
  };
  for (const { kind, block } of resnetBlocks(w)) (kind === 'residual' ? residual : down)(block);
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [g.dequantise(x)])], { axis: 1 });
  const fc = g.float(w.fc.shape as number[], Float32Array.from(w.fc.dataSync() as Float32Array));
  g.nodes.push({ op: 'MatMul', inputs: [flat, fc], outputs: ['descriptor'] });
  return {
    graph: g.graph({ name: 'chip', type: OnnxType.FLOAT, dims: [batch, 3, inputSide, inputSide] }, [{ name: 'descriptor', type: OnnxType.FLOAT, dims: [batch, 128] }]),
    quantPoints: g.quantPoints,
  };
}

/** Square RGB images (side² × 3, 0–255, interleaved) → one NCHW batch of (v − mean[c]) / 255 (the embedding's mean, which the 68-point landmark nets share), the input net-ops.ts's `normalisedInput` gives the TensorFlow.js passes. */
export function nchwInput(images: readonly Float32Array[], side: number): Float32Array {
  const plane = side * side;
  const out = new Float32Array(images.length * 3 * plane);
  images.forEach((image, b) => {
    if (image.length !== plane * 3) throw new RangeError(`network input has ${image.length} values, expected ${plane * 3}`);
    const base = b * 3 * plane;
    for (let p = 0; p < plane; p++) {
      out[base + p] = (image[3 * p] - EMBEDDING_MEAN_RGB[0]) / 255;
      out[base + plane + p] = (image[3 * p + 1] - EMBEDDING_MEAN_RGB[1]) / 255;
      out[base + 2 * plane + p] = (image[3 * p + 2] - EMBEDDING_MEAN_RGB[2]) / 255;
    }
  });
  return out;
}

/**
 * A chip (side² × 3, 0–255, interleaved) and its mirror image as one NCHW batch of two, written
 * into `out` (2 × 3 × side², reused between calls): the values nchwInput gives for
 * [chip, mirrorChip(chip)], read straight from the chip (no mirrored copy, no allocation).
 */
export function mirroredPairInput(chip: Float32Array, side: number, out: Float32Array): Float32Array {
  const plane = side * side;
  if (chip.length !== plane * 3) throw new RangeError(`network input has ${chip.length} values, expected ${plane * 3}`);
  if (out.length !== 6 * plane) throw new RangeError(`input buffer has ${out.length} values, expected ${6 * plane}`);
  const [r, g, b] = EMBEDDING_MEAN_RGB;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const p = y * side + x, q = y * side + side - 1 - x, from = 3 * p;
      const red = (chip[from] - r) / 255, green = (chip[from + 1] - g) / 255, blue = (chip[from + 2] - b) / 255;
      out[p] = red; out[plane + p] = green; out[2 * plane + p] = blue;
      out[3 * plane + q] = red; out[4 * plane + q] = green; out[5 * plane + q] = blue;
    }
  }
  return out;
}

/** chips (150² × 3) → the embedding graph's input. */
export function embeddingInputNchw(chips: readonly Float32Array[], side = INPUT_SIDE): Float32Array { return nchwInput(chips, side); }
