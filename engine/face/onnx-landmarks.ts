/**
 * face-api's 68-point landmark net as an ONNX graph (the layers of net-landmarks.ts in NCHW):
 * dense blocks of depthwise-separable convolutions — the depthwise 3×3 a grouped convolution,
 * the pointwise 1×1 with its bias — their ReLU'd sums, a global average pool, the fully
 * connected layer. fp32 or int8 by onnx-quant.ts's rules; TensorFlow's 'same' padding (the
 * odd pixel at the far edge) written out as explicit pads.
 */
import type { ConvWeights, SeparableWeights, Tf } from './net-ops.ts';
import type { LandmarkWeights } from './net-landmarks.ts';
import { hostConv, type QuantisedGraph } from './onnx-embedding.ts';
import { OnnxType } from './onnx-model.ts';
import { QuantGraphBuilder, samePads, type HostConv } from './onnx-quant.ts';

const INPUT_SIDE = 112;

function depthwise(tf: Tf, p: SeparableWeights): HostConv {
  const [k, , channels] = p.depthwise_filter.shape;
  const hwc = p.depthwise_filter.dataSync() as Float32Array;
  const oihw = new Float32Array(hwc.length);
  for (let c = 0; c < channels; c++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) oihw[(c * k + y) * k + x] = hwc[(y * k + x) * channels + c];
  return { oihw, bias: new Float32Array(channels), out: channels, in: 1, k, group: channels };
}

/** Input `crop` [1, 3, 112, 112] ((v − mean)/255), output `points` [1, 136] in crop pixels / 112. */
export function buildLandmarkGraph(tf: Tf, w: LandmarkWeights, scales: Readonly<Record<string, number>> | null): QuantisedGraph {
  const g = new QuantGraphBuilder(scales);
  let side = INPUT_SIDE;
  const pads = (stride: number): [number, number, number, number] => { const [a, b] = samePads(side, 3, stride); return [a, a, b, b]; };
  const separable = (x: string, p: SeparableWeights, stride: number, relu: boolean): string => {
    const d = g.conv(x, depthwise(tf, p), { stride, pads: pads(stride), relu: false });
    return g.conv(d, hostConv(tf, { filters: p.pointwise_filter, bias: p.bias }), { stride: 1, pads: [0, 0, 0, 0], relu });
  };
  const block = (x: string, p: LandmarkWeights['dense0'], first: boolean): string => {
    const out1 = first
      ? g.conv(x, hostConv(tf, p.conv0 as ConvWeights), { stride: 2, pads: pads(2), relu: true })
      : separable(x, p.conv0 as SeparableWeights, 2, true);
    side = Math.ceil(side / 2);
    const out2 = separable(out1, p.conv1, 1, false);
    const out3 = separable(g.sum([out1, out2], 'sum', true), p.conv2, 1, false);
    if (p.conv3 === undefined) return g.sum([out1, out2, out3], 'block', true);
    const out4 = separable(g.sum([out1, out2, out3], 'sum', true), p.conv3, 1, false);
    return g.sum([out1, out2, out3, out4], 'block', true);
  };
  let x = g.quantise('crop', 'crop', false);
  x = block(x, w.dense0, true);
  x = block(x, w.dense1, false);
  x = block(x, w.dense2, false);
  if (w.dense3 !== undefined) x = block(x, w.dense3, false);
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [g.dequantise(x)])], { axis: 1 });
  const fcW = g.float(w.fc.weights.shape as number[], Float32Array.from(w.fc.weights.dataSync() as Float32Array));
  const fcB = g.float(w.fc.bias.shape as number[], Float32Array.from(w.fc.bias.dataSync() as Float32Array));
  g.nodes.push({ op: 'Gemm', inputs: [flat, fcW, fcB], outputs: ['points'] });
  return {
    graph: g.graph({ name: 'crop', type: OnnxType.FLOAT, dims: [1, 3, INPUT_SIDE, INPUT_SIDE] }, [{ name: 'points', type: OnnxType.FLOAT, dims: [1, 136] }]),
    quantPoints: g.quantPoints,
  };
}
