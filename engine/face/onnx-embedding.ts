/**
 * dlib's ResNet descriptor as an ONNX graph, written from face-api's weights (the same layers
 * as net-embedding.ts, in NCHW): fp32 (Conv), or int8 (QLinearConv: per-output-channel int8
 * weights, uint8 activations with one static scale per tensor). The scale layers are folded
 * into the filters first, as in net-embedding.ts. In the int8 graph a ReLU is the uint8
 * saturation at zero point 0 (a quantised ReLU output cannot go below 0); the residual joins
 * and the down-sampling shortcut's average pool run in fp32 between DequantizeLinear and
 * QuantizeLinear (small maps: < 0.1 % of the arithmetic).
 *
 * Activation scales come from a calibration (bench/face-int8-calibrate.ts): the largest value
 * each quantised tensor took on a few chips of identity half A, divided by 255 (ReLU outputs)
 * or 127 (signed outputs, zero point 128). `quantPoints` names those tensors in graph order;
 * the fp32 graph can output them all for that calibration.
 */
import { foldScale, type ConvWeights, type Tf } from './net-ops.ts';
import type { EmbeddingWeights } from './net-embedding.ts';
import { OnnxType, type OnnxGraph, type OnnxInitialiser, type OnnxNode, type OnnxValue } from './onnx-model.ts';

/** A quantised tensor of the graph: its name and whether it is a ReLU output (uint8, zero point 0) or signed (zero point 128). */
export interface QuantPoint { name: string; relu: boolean }

export interface EmbeddingGraph {
  graph: OnnxGraph;
  /** Every tensor the int8 graph quantises, in order (the calibration's keys). */
  quantPoints: QuantPoint[];
}

interface HostConv { oihw: Float32Array; bias: Float32Array; out: number; in: number; k: number }

const INPUT_SIDE = 150;

function hostConv(tf: Tf, c: ConvWeights): HostConv {
  const [k, , inC, outC] = c.filters.shape;
  const hwio = c.filters.dataSync() as Float32Array;
  const oihw = new Float32Array(hwio.length);
  for (let o = 0; o < outC; o++) for (let i = 0; i < inC; i++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) {
    oihw[((o * inC + i) * k + y) * k + x] = hwio[((y * k + x) * inC + i) * outC + o];
  }
  return { oihw, bias: Float32Array.from(c.bias.dataSync() as Float32Array), out: outC, in: inC, k };
}

/**
 * The graph: input `chip` [batch, 3, 150, 150] (already (v − mean)/255), output `descriptor`
 * [batch, 128]. `scales` null: fp32, every quant point also an output (for calibration);
 * otherwise int8 with `scales[name]` as each quant point's real-valued maximum.
 */
export function buildEmbeddingGraph(tf: Tf, w: EmbeddingWeights, scales: Readonly<Record<string, number>> | null, batch: number | string = 'batch'): EmbeddingGraph {
  const nodes: OnnxNode[] = [];
  const inits: OnnxInitialiser[] = [];
  const quantPoints: QuantPoint[] = [];
  let counter = 0;
  const fresh = (p: string): string => `${p}${counter++}`;
  // Quant points are named by their position alone, so the fp32 and int8 graphs (and a stored calibration) agree.
  const pointName = (kind: string): string => `q${quantPoints.length}_${kind}`;
  const f32 = (name: string, dims: number[], data: Float32Array): string => { inits.push({ name, dims, type: OnnxType.FLOAT, data }); return name; };
  const int8 = scales !== null;
  // int8 bookkeeping: each quantised tensor's scale and zero-point initialiser names.
  const qparams = new Map<string, { scale: number; s: string; z: string }>();
  const point = (name: string, relu: boolean): void => {
    quantPoints.push({ name, relu });
    if (!int8) return;
    const max = scales[name];
    if (!(max > 0)) throw new RangeError(`no calibration scale for ${name}`);
    const scale = relu ? max / 255 : max / 127;
    const s = f32(fresh('s'), [], new Float32Array([scale]));
    const z = fresh('z');
    inits.push({ name: z, dims: [], type: OnnxType.UINT8, data: new Uint8Array([relu ? 0 : 128]) });
    qparams.set(name, { scale, s, z });
  };
  const dequant = (name: string): string => {
    if (!int8) return name;
    const q = qparams.get(name)!;
    const out = fresh('dq');
    nodes.push({ op: 'DequantizeLinear', inputs: [name, q.s, q.z], outputs: [out] });
    return out;
  };
  /** A float tensor `from` becomes the quant point `name` (in fp32: a rename through Identity). */
  const quantiseTo = (from: string, name: string, relu: boolean): void => {
    point(name, relu);
    if (!int8) { nodes.push({ op: relu ? 'Relu' : 'Identity', inputs: [from], outputs: [name] }); return; }
    const q = qparams.get(name)!;
    nodes.push({ op: 'QuantizeLinear', inputs: [from, q.s, q.z], outputs: [name] });
  };
  const conv = (x: string, c: HostConv, stride: number, pad: number, relu: boolean): string => {
    const out = pointName(relu ? 'relu' : 'lin');
    const attributes = { kernel_shape: [c.k, c.k], strides: [stride, stride], pads: [pad, pad, pad, pad] };
    if (!int8) {
      const pre = fresh('conv');
      nodes.push({ op: 'Conv', inputs: [x, f32(fresh('w'), [c.out, c.in, c.k, c.k], c.oihw), f32(fresh('b'), [c.out], c.bias)], outputs: [relu ? pre : out], attributes });
      if (relu) nodes.push({ op: 'Relu', inputs: [pre], outputs: [out] });
      point(out, relu);
      return out;
    }
    point(out, relu);
    const xq = qparams.get(x)!, yq = qparams.get(out)!;
    const per = c.in * c.k * c.k;
    const wq = new Int8Array(c.oihw.length), ws = new Float32Array(c.out), bq = new Int32Array(c.out);
    for (let o = 0; o < c.out; o++) {
      let m = 0;
      for (let j = 0; j < per; j++) m = Math.max(m, Math.abs(c.oihw[o * per + j]));
      ws[o] = m > 0 ? m / 127 : 1;
      for (let j = 0; j < per; j++) wq[o * per + j] = Math.round(c.oihw[o * per + j] / ws[o]);
      bq[o] = Math.round(c.bias[o] / (xq.scale * ws[o]));
    }
    const wName = fresh('w'), wzName = fresh('wz'), bName = fresh('b');
    inits.push({ name: wName, dims: [c.out, c.in, c.k, c.k], type: OnnxType.INT8, data: wq });
    inits.push({ name: wzName, dims: [c.out], type: OnnxType.INT8, data: new Int8Array(c.out) });
    inits.push({ name: bName, dims: [c.out], type: OnnxType.INT32, data: bq });
    nodes.push({ op: 'QLinearConv', inputs: [x, xq.s, xq.z, wName, f32(fresh('ws'), [c.out], ws), wzName, yq.s, yq.z, bName], outputs: [out], attributes });
    return out;
  };
  const fold = (l: { conv: ConvWeights; scale: { weights: ConvWeights['bias']; biases: ConvWeights['bias'] } }): HostConv => {
    const folded = foldScale(tf, l.conv, l.scale.weights, l.scale.biases);
    const host = hostConv(tf, folded);
    tf.dispose([folded.filters, folded.bias]);
    return host;
  };
  // Side of each feature map, tracked to pad the down-sampling path like net-embedding.ts.
  let side = INPUT_SIDE, channels = 3;
  const input = 'chip';
  let x: string;
  if (int8) { x = 'chip_q'; quantiseTo(input, x, false); } else { x = 'chip_q'; point(x, false); nodes.push({ op: 'Identity', inputs: [input], outputs: [x] }); }
  x = conv(x, fold(w.conv32_down), 2, 0, true);
  side = Math.floor((side - 7) / 2) + 1; channels = 32;
  const pooled = fresh('maxpool');
  nodes.push({ op: 'MaxPool', inputs: [x], outputs: [pooled], attributes: { kernel_shape: [3, 3], strides: [2, 2] } });
  side = Math.floor((side - 3) / 2) + 1;
  if (int8) qparams.set(pooled, qparams.get(x)!); // a max pool keeps the scale
  x = pooled;
  const residual = (r: EmbeddingWeights['conv32_1']): void => {
    const b = conv(conv(x, fold(r.conv1), 1, 1, true), fold(r.conv2), 1, 1, false);
    const sum = fresh('sum');
    nodes.push({ op: 'Add', inputs: [dequant(b), dequant(x)], outputs: [sum] });
    const out = pointName('res');
    quantiseTo(sum, out, true);
    x = out;
  };
  const down = (r: EmbeddingWeights['conv32_1']): void => {
    const c1 = fold(r.conv1), c2 = fold(r.conv2);
    const b = conv(conv(x, c1, 2, 0, true), c2, 1, 1, false);
    const convSide = Math.floor((side - 3) / 2) + 1, poolSide = Math.floor(side / 2);
    const avg = fresh('avg');
    nodes.push({ op: 'AveragePool', inputs: [dequant(x)], outputs: [avg], attributes: { kernel_shape: [2, 2], strides: [2, 2] } });
    // Channels doubled with zeros; the convolution's map padded at the far edges to the pool's size.
    const padChannels = c2.out - channels, padSide = poolSide - convSide;
    const shortcut = padChannels > 0 ? padTo(avg, [0, 0, 0, 0, 0, padChannels, 0, 0]) : avg;
    let main = dequant(b);
    if (padSide > 0) main = padTo(main, [0, 0, 0, 0, 0, 0, padSide, padSide]);
    const sum = fresh('sum');
    nodes.push({ op: 'Add', inputs: [main, shortcut], outputs: [sum] });
    const out = pointName('down');
    quantiseTo(sum, out, true);
    x = out; side = poolSide; channels = c2.out;
  };
  const padTo = (t: string, pads: number[]): string => {
    const out = fresh('pad');
    inits.push({ name: `${out}_pads`, dims: [8], type: OnnxType.INT64, data: BigInt64Array.from(pads.map(BigInt)) });
    nodes.push({ op: 'Pad', inputs: [t, `${out}_pads`], outputs: [out] });
    return out;
  };
  [w.conv32_1, w.conv32_2, w.conv32_3].forEach(residual);
  down(w.conv64_down); [w.conv64_1, w.conv64_2, w.conv64_3].forEach(residual);
  down(w.conv128_down); [w.conv128_1, w.conv128_2].forEach(residual);
  down(w.conv256_down); [w.conv256_1, w.conv256_2].forEach(residual);
  down(w.conv256_down_out);
  const gap = fresh('gap'), flat = fresh('flat');
  nodes.push({ op: 'GlobalAveragePool', inputs: [dequant(x)], outputs: [gap] });
  nodes.push({ op: 'Flatten', inputs: [gap], outputs: [flat], attributes: { axis: 1 } });
  const fc = w.fc.dataSync() as Float32Array;
  nodes.push({ op: 'MatMul', inputs: [flat, f32('fc', w.fc.shape as number[], Float32Array.from(fc))], outputs: ['descriptor'] });
  const outputs: OnnxValue[] = [{ name: 'descriptor', type: OnnxType.FLOAT, dims: [batch, 128] }];
  if (!int8) for (const p of quantPoints) outputs.push({ name: p.name, type: OnnxType.FLOAT, dims: null });
  return {
    graph: { nodes, initialisers: inits, inputs: [{ name: input, type: OnnxType.FLOAT, dims: [batch, 3, INPUT_SIDE, INPUT_SIDE] }], outputs },
    quantPoints,
  };
}

const MEAN_RGB = [122.782, 117.001, 104.298] as const;

/** chips (150² × 3 RGB, 0–255, interleaved) → the graph's NCHW input, (v − mean[c]) / 255 as net-embedding.ts does. */
export function embeddingInputNchw(chips: readonly Float32Array[]): Float32Array {
  const plane = INPUT_SIDE * INPUT_SIDE;
  const out = new Float32Array(chips.length * 3 * plane);
  chips.forEach((chip, b) => {
    if (chip.length !== plane * 3) throw new RangeError(`network input has ${chip.length} values, expected ${plane * 3}`);
    const base = b * 3 * plane;
    for (let p = 0; p < plane; p++) {
      out[base + p] = (chip[3 * p] - MEAN_RGB[0]) / 255;
      out[base + plane + p] = (chip[3 * p + 1] - MEAN_RGB[1]) / 255;
      out[base + 2 * plane + p] = (chip[3 * p + 2] - MEAN_RGB[2]) / 255;
    }
  });
  return out;
}
