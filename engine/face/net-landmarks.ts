/**
 * face-api's 68-point landmark nets (full: four dense blocks of depthwise-separable convolutions on a
 * 112-px crop, a 7×7 average pool, a fully connected layer to 136 values; tiny: three blocks,
 * a 14×14 pool), forward pass written
 * against its loaded weights: every separable convolution is a depthwise convolution then one
 * fused 1×1 conv + bias (+ ReLU where the block applies one right after). Same arithmetic as
 * face-api's `detectLandmarks` (test/face-nets.test.ts).
 */
import { normalisedInput, type ConvWeights, type SeparableWeights, type Tensor4D, type Tf } from './net-ops.ts';
import type * as TfModule from '@tensorflow/tfjs';

interface DenseBlock { conv0: ConvWeights | SeparableWeights; conv1: SeparableWeights; conv2: SeparableWeights; conv3?: SeparableWeights }
/**
 * face-api's FaceLandmark68Net weights (`faceFeatureExtractor.params` and `params.fc`): four
 * dense blocks of four convolutions; or its FaceLandmark68TinyNet's: three blocks of three
 * (`dense3` absent), a fifth of the work.
 */
export interface LandmarkWeights {
  dense0: DenseBlock; dense1: DenseBlock; dense2: DenseBlock; dense3?: DenseBlock;
  fc: { weights: TfModule.Tensor2D; bias: TfModule.Tensor1D };
}

/** The net's input side, px. */
export const LANDMARK_INPUT = 112;
const MEAN_RGB = [122.782, 117.001, 104.298] as const;

/** crop (112² × 3, 0–255) → 68 (x, y) pairs in crop pixels. */
export function createLandmarkNet(tf: Tf, w: LandmarkWeights): (crop: Float32Array) => Float32Array {
  const separable = (x: Tensor4D, p: SeparableWeights, stride: 1 | 2, relu: boolean): Tensor4D => tf.fused.conv2d({
    x: tf.depthwiseConv2d(x, p.depthwise_filter, stride, 'same'), filter: p.pointwise_filter, strides: 1, pad: 'valid',
    bias: p.bias, activation: relu ? 'relu' : 'linear',
  });
  const block = (x: Tensor4D, p: DenseBlock, first: boolean): Tensor4D => {
    const out1 = first
      ? tf.fused.conv2d({ x, filter: (p.conv0 as ConvWeights).filters, strides: 2, pad: 'same', bias: p.conv0.bias, activation: 'relu' })
      : separable(x, p.conv0 as SeparableWeights, 2, true);
    const out2 = separable(out1, p.conv1, 1, false);
    const out3 = separable(tf.relu(tf.add(out1, out2)) as Tensor4D, p.conv2, 1, false);
    if (p.conv3 === undefined) return tf.relu(tf.addN([out1, out2, out3]));
    const out4 = separable(tf.relu(tf.addN([out1, out2, out3])), p.conv3, 1, false);
    return tf.relu(tf.addN([out1, out2, out3, out4]));
  };
  return (crop) => tf.tidy(() => {
    let out = block(normalisedInput(tf, [crop], LANDMARK_INPUT, MEAN_RGB), w.dense0, true);
    out = block(out, w.dense1, false);
    out = block(out, w.dense2, false);
    if (w.dense3 !== undefined) out = block(out, w.dense3, false);
    // The whole last map (7 px after four blocks, 14 after three) averaged to one feature vector.
    const features = tf.avgPool(out, out.shape[1], 2, 'valid').reshape([1, -1]);
    const relative = tf.add(tf.matMul(features, w.fc.weights), w.fc.bias).dataSync() as Float32Array;
    return relative.map((v) => v * LANDMARK_INPUT);
  });
}
