/**
 * dlib's ResNet face descriptor (29 convolutions, 150-px chip → 128 values), forward pass
 * written against face-api's port of its weights. Each convolution's bias and the scale layer
 * after it (x·w + b per channel) are folded into the filters once, at load, so a convolution
 * and its ReLU are one XNNPACK operator instead of conv, add, mul, add, relu; the channel
 * doubling of the down-sampling shortcut is a pad, not a Concat (which the WebAssembly backend
 * copies a float at a time). Several chips (a face and its mirror) go through as one batch.
 * Same arithmetic as face-api's `computeFaceDescriptor` (test/face-nets.test.ts).
 */
import { foldScale, normalisedInput, type ConvWeights, type Tensor1D, type Tensor4D, type Tf } from './net-ops.ts';
import type * as TfModule from '@tensorflow/tfjs';

interface ConvLayer { conv: ConvWeights; scale: { weights: Tensor1D; biases: Tensor1D } }
interface Residual { conv1: ConvLayer; conv2: ConvLayer }
/** face-api's FaceRecognitionNet weights (`nets.faceRecognitionNet.params`). */
export interface EmbeddingWeights {
  conv32_down: ConvLayer;
  conv32_1: Residual; conv32_2: Residual; conv32_3: Residual;
  conv64_down: Residual; conv64_1: Residual; conv64_2: Residual; conv64_3: Residual;
  conv128_down: Residual; conv128_1: Residual; conv128_2: Residual;
  conv256_down: Residual; conv256_1: Residual; conv256_2: Residual; conv256_down_out: Residual;
  fc: TfModule.Tensor2D;
}

/** The chip side the net was trained on, px. */
export const EMBEDDING_INPUT = 150;
/** The per-channel mean (0–255) the net subtracts from its input, which every runtime's input step uses. */
export const EMBEDDING_MEAN_RGB = [122.782, 117.001, 104.298] as const;

type Stage = { kind: 'residual' | 'down'; conv1: ConvWeights; conv2: ConvWeights };

/** The blocks after the first convolution and pool, in order: what every pass over this net (tfjs, ONNX graphs) walks. */
export function resnetBlocks(w: EmbeddingWeights): { kind: Stage['kind']; block: Residual }[] {
  const residual = (block: Residual) => ({ kind: 'residual' as const, block }), down = (block: Residual) => ({ kind: 'down' as const, block });
  return [
    residual(w.conv32_1), residual(w.conv32_2), residual(w.conv32_3),
    down(w.conv64_down), residual(w.conv64_1), residual(w.conv64_2), residual(w.conv64_3),
    down(w.conv128_down), residual(w.conv128_1), residual(w.conv128_2),
    down(w.conv256_down), residual(w.conv256_1), residual(w.conv256_2), down(w.conv256_down_out),
  ];
}

/** chips (150² × 3 each, 0–255) → one 128-d descriptor each (not normalised). */
export function createEmbeddingNet(tf: Tf, w: EmbeddingWeights): (chips: readonly Float32Array[]) => Float32Array[] {
  const fold = (l: ConvLayer): ConvWeights => foldScale(tf, l.conv, l.scale.weights, l.scale.biases);
  const first = fold(w.conv32_down);
  const stage = (kind: Stage['kind'], r: Residual): Stage => ({ kind, conv1: fold(r.conv1), conv2: fold(r.conv2) });
  const stages: Stage[] = resnetBlocks(w).map(({ kind, block }) => stage(kind, block));
  const conv = (x: Tensor4D, c: ConvWeights, stride: 1 | 2, pad: 'same' | 'valid', relu: boolean): Tensor4D =>
    tf.fused.conv2d({ x, filter: c.filters, strides: stride, pad, bias: c.bias, activation: relu ? 'relu' : 'linear' });
  const residual = (x: Tensor4D, s: Stage): Tensor4D => tf.relu(tf.add(conv(conv(x, s.conv1, 1, 'same', true), s.conv2, 1, 'same', false), x)) as Tensor4D;
  const down = (x: Tensor4D, s: Stage): Tensor4D => {
    let out = conv(conv(x, s.conv1, 2, 'valid', true), s.conv2, 1, 'same', false);
    let pooled: Tensor4D = tf.avgPool(x, 2, 2, 'valid');
    // The shortcut: channels doubled with zeros; an odd map's convolution output is one row and column short of the pool's, padded with zeros at the far edges (as dlib's add_prev layer does).
    const extraChannels = out.shape[3] - pooled.shape[3];
    if (extraChannels > 0) pooled = tf.pad(pooled, [[0, 0], [0, 0], [0, 0], [0, extraChannels]]);
    const extraRows = pooled.shape[1] - out.shape[1], extraCols = pooled.shape[2] - out.shape[2];
    if (extraRows > 0 || extraCols > 0) out = tf.pad(out, [[0, 0], [0, extraRows], [0, extraCols], [0, 0]]);
    return tf.relu(tf.add(pooled, out)) as Tensor4D;
  };
  return (chips) => tf.tidy(() => {
    let out = conv(normalisedInput(tf, chips, EMBEDDING_INPUT, EMBEDDING_MEAN_RGB), first, 2, 'valid', true);
    out = tf.maxPool(out, 3, 2, 'valid');
    for (const s of stages) out = s.kind === 'residual' ? residual(out, s) : down(out, s);
    const descriptors = tf.matMul(tf.mean(out, [1, 2]), w.fc).dataSync() as Float32Array;
    const dimension = descriptors.length / chips.length;
    return chips.map((_, i) => descriptors.slice(i * dimension, (i + 1) * dimension));
  });
}
