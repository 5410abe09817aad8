/**
 * The int8 ResNet graph in NHWC (channels last), on onnxruntime's contrib operators: the same
 * layers, the same quant points in the same order (so the calibration of onnx-embedding.ts
 * applies) and the same arithmetic up to rounding, but no tensor leaves uint8 between the
 * input and the global average: the residual joins are QLinearAdd, the down-sampling
 * shortcut's 2×2 average pool and channel doubling are one 2×2 stride-2 QLinearConv (weights
 * ¼ on the diagonal, 0 for the new channels), the max pool NhwcMaxPool. The NCHW int8 graph
 * spends ≈ 13 % of its time in layout transposes and float joins (docs/face-speed.md §8).
 * The input is the chip itself, interleaved RGB — no layout change in JavaScript either.
 */
import { resnetBlocks, type EmbeddingWeights } from './net-embedding.ts';
import type { Tf } from './net-ops.ts';
import { foldedHostConv, type QuantisedGraph } from './onnx-embedding.ts';
import { OnnxType } from './onnx-model.ts';
import { QuantGraphBuilder, type HostConv } from './onnx-quant.ts';

/** The 2×2 stride-2 average of `channels` channels into the first of `out` channels (the rest 0). */
function poolAndWiden(channels: number, out: number): HostConv {
  const oihw = new Float32Array(out * channels * 4);
  for (let c = 0; c < channels; c++) for (let j = 0; j < 4; j++) oihw[(c * channels + c) * 4 + j] = 0.25;
  return { oihw, bias: new Float32Array(out), out, in: channels, k: 2, group: 1 };
}

/** Input `chip` [batch, side, side, 3] ((v − mean)/255, interleaved RGB), output `descriptor` [batch, 128]. */
export function buildEmbeddingGraphNhwc(tf: Tf, w: EmbeddingWeights, scales: Readonly<Record<string, number>>, batch: number | string = 'batch', inputSide = 150): QuantisedGraph {
  const g = new QuantGraphBuilder(scales, true);
  const fold = (l: Parameters<typeof foldedHostConv>[1]): HostConv => foldedHostConv(tf, l);
  const same = [1, 1, 1, 1] as const, valid = [0, 0, 0, 0] as const;
  let side = inputSide, channels = 3;
  let x = g.quantise('chip', 'chip', false);
  x = g.conv(x, fold(w.conv32_down), { stride: 2, pads: valid, relu: true });
  side = Math.floor((side - 7) / 2) + 1; channels = 32;
  const pooled = g.fresh('maxpool');
  g.nodes.push({ op: 'NhwcMaxPool', inputs: [x], outputs: [pooled], attributes: { kernel_shape: [3, 3], strides: [2, 2] }, domain: 'com.microsoft' });
  g.alias(x, pooled);
  x = pooled; side = Math.floor((side - 3) / 2) + 1;
  const residual = (r: EmbeddingWeights['conv32_1']): void => {
    const b = g.conv(g.conv(x, fold(r.conv1), { stride: 1, pads: same, relu: true }), fold(r.conv2), { stride: 1, pads: same, relu: false });
    x = g.quantisedAdd(b, x, 'res', true);
  };
  const down = (r: EmbeddingWeights['conv32_1']): void => {
    const c1 = fold(r.conv1), c2 = fold(r.conv2);
    let main = g.conv(g.conv(x, c1, { stride: 2, pads: valid, relu: true }), c2, { stride: 1, pads: same, relu: false });
    const convSide = Math.floor((side - 3) / 2) + 1, poolSide = Math.floor(side / 2);
    const shortcut = g.conv(x, poolAndWiden(channels, c2.out), { stride: 2, pads: valid, relu: true }, x);
    if (poolSide > convSide) main = g.padQuantised(main, [0, 0, 0, 0, 0, poolSide - convSide, poolSide - convSide, 0]);
    x = g.quantisedAdd(main, shortcut, 'down', true);
    side = poolSide; channels = c2.out;
  };
  for (const { kind, block } of resnetBlocks(w)) (kind === 'residual' ? residual : down)(block);
  const mean = g.op('ReduceMean', [g.dequantise(x)], { axes: [1, 2], keepdims: 0 });
  const fc = g.float(w.fc.shape as number[], Float32Array.from(w.fc.dataSync() as Float32Array));
  g.nodes.push({ op: 'MatMul', inputs: [mean, fc], outputs: ['descriptor'] });
  return {
    graph: g.graph({ name: 'chip', type: OnnxType.FLOAT, dims: [batch, inputSide, inputSide, 3] }, [{ name: 'descriptor', type: OnnxType.FLOAT, dims: [batch, 128] }]),
    quantPoints: g.quantPoints,
  };
}
