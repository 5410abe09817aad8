/**
 * dlib's ResNet descriptor on onnxruntime-web's int8 kernels (QLinearConv, per-channel int8
 * weights, uint8 activations with the static scales of embedding-int8-scales.ts): the graph of
 * onnx-embedding.ts, built once per thread from face-api's weights. ≈ 1.7× the speed of the
 * fp32 XNNPACK pass (docs/face-speed.md §8); descriptors within a cosine of ≈ 0.9998 of the
 * fp32 ones (test/face-int8.test.ts).
 */
import type { EmbeddingWeights } from './net-embedding.ts';
import type { Tf } from './net-ops.ts';
import { buildEmbeddingGraph, embeddingInputNchw } from './onnx-embedding.ts';
import { encodeOnnxModel } from './onnx-model.ts';
import { createOrtSession, loadOrt } from './ort-runtime.ts';

/** chips (150² × 3, 0–255) → one 128-d descriptor each (not normalised), all chips in one run. */
export async function createInt8EmbeddingNet(tf: Tf, w: EmbeddingWeights, scales: Readonly<Record<string, number>>): Promise<(chips: readonly Float32Array[]) => Promise<Float32Array[]>> {
  const ort = await loadOrt();
  const session = await createOrtSession(encodeOnnxModel(buildEmbeddingGraph(tf, w, scales).graph, 'dlib-resnet-int8'));
  return async (chips) => {
    const input = new ort.Tensor('float32', embeddingInputNchw(chips), [chips.length, 3, 150, 150]);
    const { descriptor } = await session.run({ chip: input });
    const values = descriptor.data as Float32Array;
    const dimension = values.length / chips.length;
    return chips.map((_, i) => values.slice(i * dimension, (i + 1) * dimension));
  };
}
