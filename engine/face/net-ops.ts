/**
 * What the three networks share: the TensorFlow.js API they use, the input normalisation
 * (per-channel mean subtracted and divided by 255, done on the typed array — face-api does it
 * with a channel split and a Concat, which the WebAssembly backend copies one float at a time:
 * 30 ms of the detector's 50 on a 224-px canvas), and folding a per-channel affine step into the
 * preceding convolution so XNNPACK runs conv + bias + activation as one operator.
 */
import type * as TfModule from '@tensorflow/tfjs';

export type Tf = typeof TfModule;
export type Tensor1D = TfModule.Tensor1D;
export type Tensor4D = TfModule.Tensor4D;

/** face-api's convolution weights: HWIO filters and one bias per output channel. */
export interface ConvWeights { filters: Tensor4D; bias: Tensor1D }
/** A depthwise 3×3 then pointwise 1×1 convolution, bias after the pointwise one. */
export interface SeparableWeights { depthwise_filter: Tensor4D; pointwise_filter: Tensor4D; bias: Tensor1D }

/** side × side × 3 RGB values (0–255) → the networks' input: (v − mean[c]) / 255, as a 1 × side × side × 3 tensor. */
export function normalisedInput(tf: Tf, batch: readonly Float32Array[], side: number, meanRgb: readonly [number, number, number]): Tensor4D {
  const pixels = side * side * 3;
  const out = new Float32Array(pixels * batch.length);
  for (let b = 0; b < batch.length; b++) {
    const values = batch[b];
    if (values.length !== pixels) throw new RangeError(`network input has ${values.length} values, expected ${pixels}`);
    const base = b * pixels;
    for (let i = 0; i < pixels; i += 3) {
      out[base + i] = (values[i] - meanRgb[0]) / 255;
      out[base + i + 1] = (values[i + 1] - meanRgb[1]) / 255;
      out[base + i + 2] = (values[i + 2] - meanRgb[2]) / 255;
    }
  }
  return tf.tensor4d(out, [batch.length, side, side, 3], 'float32');
}

/** Filters and bias of `conv(x)·scale + shift` (scale, shift per output channel), so the product is one convolution. */
export function foldScale(tf: Tf, conv: ConvWeights, scale: Tensor1D, shift: Tensor1D): ConvWeights {
  return tf.tidy(() => ({
    filters: tf.mul(conv.filters, scale) as Tensor4D,
    bias: tf.add(tf.mul(conv.bias, scale), shift) as Tensor1D,
  }));
}
