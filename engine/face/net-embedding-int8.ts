/**
 * dlib's ResNet descriptor on onnxruntime-web's int8 kernels (QLinearConv, per-channel int8
 * weights, uint8 activations with the static scales of embedding-int8-scales.ts), built once
 * per thread from face-api's weights: the NCHW graph of onnx-embedding.ts (default: standard
 * operators, float joins) or the NHWC one of onnx-embedding-nhwc.ts (contrib operators, all
 * uint8: measured no faster on real chips and a little less faithful). Speed and fidelity:
 * docs/face-speed.md §8; equivalence with the fp32 pass: test/face-int8.test.ts.
 */
import { EMBEDDING_MEAN_RGB, type EmbeddingWeights } from './net-embedding.ts';
import type { Tf } from './net-ops.ts';
import { buildEmbeddingGraph, embeddingInputNchw, mirroredPairInput } from './onnx-embedding.ts';
import { buildEmbeddingGraphNhwc } from './onnx-embedding-nhwc.ts';
import { encodeOnnxModel } from './onnx-model.ts';
import { createOrtSession, loadOrt } from './ort-runtime.ts';


/** chips (side² × 3, interleaved RGB, 0–255) → (v − mean[c]) / 255, still interleaved: the NHWC graph's input. */
function embeddingInputNhwc(chips: readonly Float32Array[], side: number): Float32Array {
  const n = side * side * 3, out = new Float32Array(chips.length * n);
  chips.forEach((chip, b) => {
    if (chip.length !== n) throw new RangeError(`network input has ${chip.length} values, expected ${n}`);
    for (let i = 0; i < n; i += 3) {
      out[b * n + i] = (chip[i] - EMBEDDING_MEAN_RGB[0]) / 255;
      out[b * n + i + 1] = (chip[i + 1] - EMBEDDING_MEAN_RGB[1]) / 255;
      out[b * n + i + 2] = (chip[i + 2] - EMBEDDING_MEAN_RGB[2]) / 255;
    }
  });
  return out;
}

/** The int8 ResNet: chips (side² × 3, 0–255) → one 128-d descriptor each (not normalised), all chips in one run; `withMirror` below. */
export interface Int8EmbeddingNet {
  (chips: readonly Float32Array[]): Promise<Float32Array[]>;
  /**
   * A chip's descriptor and its mirror image's, as one run with a batch of two (NCHW graph
   * only): one call into the runtime instead of two (its caches are cold after the
   * TensorFlow.js passes only once), the batch's input written straight from the chip into a
   * buffer kept between calls. onnxruntime runs a batch image by image with the same kernels, so
   * each descriptor is the one a run of its own gives, to the bit (test/face-int8.test.ts).
   */
  withMirror(chip: Float32Array): Promise<[Float32Array, Float32Array]>;
}

export async function createInt8EmbeddingNet(tf: Tf, w: EmbeddingWeights, scales: Readonly<Record<string, number>>, inputSide = 150, layout: 'nhwc' | 'nchw' = 'nchw'): Promise<Int8EmbeddingNet> {
  const ort = await loadOrt();
  const graph = layout === 'nhwc' ? buildEmbeddingGraphNhwc(tf, w, scales, 'batch', inputSide) : buildEmbeddingGraph(tf, w, scales, 'batch', { inputSide });
  const session = await createOrtSession(encodeOnnxModel(graph.graph, 'dlib-resnet-int8'));
  // The batch's input buffer, kept between calls; a call that starts while another still holds it (interleaved awaits) gets its own.
  const kept = new Float32Array(2 * 3 * inputSide * inputSide);
  let keptFree = true;
  const withMirror = async (chip: Float32Array): Promise<[Float32Array, Float32Array]> => {
    if (layout !== 'nchw') throw new RangeError('withMirror runs on the NCHW graph only');
    const buffer = keptFree ? kept : new Float32Array(kept.length);
    if (buffer === kept) keptFree = false;
    try {
      const input = new ort.Tensor('float32', mirroredPairInput(chip, inputSide, buffer), [2, 3, inputSide, inputSide]);
      const values = (await session.run({ chip: input })).descriptor.data as Float32Array;
      const dimension = values.length / 2;
      return [values.slice(0, dimension), values.slice(dimension)];
    } finally {
      if (buffer === kept) keptFree = true;
    }
  };
  const net = async (chips: readonly Float32Array[]): Promise<Float32Array[]> => {
    const input = layout === 'nhwc'
      ? new ort.Tensor('float32', embeddingInputNhwc(chips, inputSide), [chips.length, inputSide, inputSide, 3])
      : new ort.Tensor('float32', embeddingInputNchw(chips, inputSide), [chips.length, 3, inputSide, inputSide]);
    const { descriptor } = await session.run({ chip: input });
    const values = descriptor.data as Float32Array;
    const dimension = values.length / chips.length;
    return chips.map((_, i) => values.slice(i * dimension, (i + 1) * dimension));
  };
  return Object.assign(net, { withMirror });
}
