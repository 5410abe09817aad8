/**
 * Writing a convolutional net as an ONNX graph twice from one description: fp32 (Conv, Relu)
 * or int8 (QLinearConv with per-output-channel int8 weights; uint8 activations with one static
 * scale per tensor). A ReLU output is uint8 at zero point 0 — the quantised value cannot go
 * below zero, so the ReLU is the saturation itself; a signed output has zero point 128. Sums
 * (residual joins) and pools run in fp32 between DequantizeLinear and QuantizeLinear.
 *
 * Every quantised tensor is a "quant point", named by its position in the graph alone, so the
 * fp32 graph (which outputs all of them, for calibration) and the int8 graph agree on names.
 * A point's calibration value is the largest |value| it took; its scale is that / 255 (ReLU)
 * or / 127 (signed).
 */
import { OnnxType, type OnnxGraph, type OnnxInitialiser, type OnnxNode, type OnnxValue } from './onnx-model.ts';

export interface QuantPoint { name: string; relu: boolean }

/** A convolution's weights on the host: OIHW filters (I = in / group) and one bias per output channel. */
export interface HostConv { oihw: Float32Array; bias: Float32Array; out: number; in: number; k: number; group: number }

export interface ConvShape { stride: number; pads: readonly [number, number, number, number]; relu: boolean }

/** TensorFlow's 'same' padding for one axis as ONNX [begin, end] (the odd pixel goes at the end). */
export function samePads(size: number, k: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export class QuantGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initialisers: OnnxInitialiser[] = [];
  readonly quantPoints: QuantPoint[] = [];
  private counter = 0;
  private readonly params = new Map<string, { scale: number; s: string; z: string }>();

  /**
   * `scales` null: the fp32 graph; otherwise each quant point's calibrated largest |value|.
   * `channelsLast` (int8 only): tensors NHWC, convolutions and sums as onnxruntime's contrib
   * operators (com.microsoft QLinearConv with channels_last, QLinearAdd), so the runtime inserts
   * no layout transposes.
   */
  constructor(private readonly scales: Readonly<Record<string, number>> | null, readonly channelsLast = false) {}

  get int8(): boolean { return this.scales !== null; }

  fresh(prefix: string): string { return `${prefix}${this.counter++}`; }

  float(dims: number[], data: Float32Array): string {
    const name = this.fresh('f');
    this.initialisers.push({ name, dims, type: OnnxType.FLOAT, data });
    return name;
  }

  int64(data: readonly number[]): string {
    const name = this.fresh('i');
    this.initialisers.push({ name, dims: [data.length], type: OnnxType.INT64, data: BigInt64Array.from(data.map(BigInt)) });
    return name;
  }

  private nextPoint(kind: string): string { return `q${this.quantPoints.length}_${kind}`; }

  private register(name: string, relu: boolean): void {
    this.quantPoints.push({ name, relu });
    if (this.scales === null) return;
    const max = this.scales[name];
    if (!(max > 0)) throw new RangeError(`no calibration scale for ${name}`);
    // A signed point with a calibrated range of its own ("NAME:min", "NAME:max"): asymmetric, all 256 levels over [min, max].
    const low = this.scales[`${name}:min`], high = this.scales[`${name}:max`];
    const asymmetric = !relu && low !== undefined && high !== undefined && high > low;
    const scale = asymmetric ? (Math.max(high, 0) - Math.min(low, 0)) / 255 : relu ? max / 255 : max / 127;
    const zero = asymmetric ? Math.round(-Math.min(low, 0) / scale) : relu ? 0 : 128;
    const z = this.fresh('z');
    this.initialisers.push({ name: z, dims: [], type: OnnxType.UINT8, data: new Uint8Array([zero]) });
    this.params.set(name, { scale, s: this.float([], new Float32Array([scale])), z });
  }

  /** A quant point the int8 graph does without (kept in the list so later names stay those of the calibration). */
  skipPoint(kind: string, relu: boolean): void { this.quantPoints.push({ name: this.nextPoint(kind), relu }); }

  /** A float tensor made a quant point (int8: QuantizeLinear; fp32: Relu or Identity). */
  quantise(from: string, kind: string, relu: boolean): string {
    const name = this.nextPoint(kind);
    this.register(name, relu);
    const q = this.params.get(name);
    if (q === undefined) this.nodes.push({ op: relu ? 'Relu' : 'Identity', inputs: [from], outputs: [name] });
    else this.nodes.push({ op: 'QuantizeLinear', inputs: [from, q.s, q.z], outputs: [name] });
    return name;
  }

  /** The float value of a quant point (or of a tensor sharing a point's scale, see `alias`). */
  dequantise(name: string): string {
    const q = this.params.get(name);
    if (q === undefined) return name;
    const out = this.fresh('dq');
    this.nodes.push({ op: 'DequantizeLinear', inputs: [name, q.s, q.z], outputs: [out] });
    return out;
  }

  /** `to` (e.g. a max pool's output) carries the same quantisation as `from`. */
  alias(from: string, to: string): void {
    const q = this.params.get(from);
    if (q !== undefined) this.params.set(to, q);
  }

  op(op: string, inputs: string[], attributes?: OnnxNode['attributes']): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], attributes });
    return out;
  }

  /** A convolution of quant point `x`; its output is a new quant point. */
  conv(x: string, c: HostConv, shape: ConvShape, sameScaleAs?: string): string {
    const out = sameScaleAs === undefined ? this.nextPoint(shape.relu ? 'relu' : 'lin') : this.fresh('shortcut');
    const attributes: Record<string, number | number[]> = { kernel_shape: [c.k, c.k], strides: [shape.stride, shape.stride], pads: [...shape.pads], group: c.group };
    if (this.channelsLast) attributes.channels_last = 1;
    const xq = this.params.get(x);
    if (!this.int8) {
      const pre = this.fresh('conv');
      this.nodes.push({ op: 'Conv', inputs: [x, this.float([c.out, c.in, c.k, c.k], c.oihw), this.float([c.out], c.bias)], outputs: [shape.relu ? pre : out], attributes });
      if (shape.relu) this.nodes.push({ op: 'Relu', inputs: [pre], outputs: [out] });
      this.register(out, shape.relu);
      return out;
    }
    if (xq === undefined) throw new RangeError(`convolution input ${x} is not quantised`);
    if (sameScaleAs === undefined) this.register(out, shape.relu);
    else this.alias(sameScaleAs, out);
    const yq = this.params.get(out)!;
    const per = c.in * c.k * c.k;
    const wq = new Int8Array(c.oihw.length), ws = new Float32Array(c.out), bq = new Int32Array(c.out);
    for (let o = 0; o < c.out; o++) {
      let m = 0;
      for (let j = 0; j < per; j++) m = Math.max(m, Math.abs(c.oihw[o * per + j]));
      ws[o] = m > 0 ? m / 127 : 1;
      for (let j = 0; j < per; j++) wq[o * per + j] = Math.round(c.oihw[o * per + j] / ws[o]);
      bq[o] = Math.round(c.bias[o] / (xq.scale * ws[o]));
    }
    const w = this.fresh('w'), wz = this.fresh('wz'), b = this.fresh('b');
    this.initialisers.push({ name: w, dims: [c.out, c.in, c.k, c.k], type: OnnxType.INT8, data: wq });
    this.initialisers.push({ name: wz, dims: [c.out], type: OnnxType.INT8, data: new Int8Array(c.out) });
    this.initialisers.push({ name: b, dims: [c.out], type: OnnxType.INT32, data: bq });
    this.nodes.push({ op: 'QLinearConv', inputs: [x, xq.s, xq.z, w, this.float([c.out], ws), wz, yq.s, yq.z, b], outputs: [out], attributes, domain: this.channelsLast ? 'com.microsoft' : '' });
    return out;
  }

  /**
   * A convolution kept in fp32 inside an int8 graph (mixed precision), from the float tensor
   * `x`; its output is a new quant point. In the fp32 graph the same as `conv`.
   */
  floatConv(x: string, c: HostConv, shape: ConvShape): string {
    if (!this.int8) return this.conv(x, c, shape);
    const attributes = { kernel_shape: [c.k, c.k], strides: [shape.stride, shape.stride], pads: [...shape.pads], group: c.group };
    const y = this.op('Conv', [x, this.float([c.out, c.in, c.k, c.k], c.oihw), this.float([c.out], c.bias)], attributes);
    return this.quantise(y, shape.relu ? 'relu' : 'lin', shape.relu);
  }

  /** The sum of several quant points (each dequantised), ReLU'd when `relu`, as a new quant point. */
  sum(terms: readonly string[], kind: string, relu: boolean): string {
    let acc = this.dequantise(terms[0]);
    for (const t of terms.slice(1)) acc = this.op('Add', [acc, this.dequantise(t)]);
    return this.quantise(acc, kind, relu);
  }

  /** a + b as a new quant point without leaving int8 (com.microsoft QLinearAdd; with a ReLU point's zero point 0 the sum saturates at 0: the ReLU). */
  quantisedAdd(a: string, b: string, kind: string, relu: boolean): string {
    const out = this.nextPoint(kind);
    this.register(out, relu);
    const [qa, qb, qc] = [this.params.get(a), this.params.get(b), this.params.get(out)];
    if (qa === undefined || qb === undefined || qc === undefined) throw new RangeError('QLinearAdd of tensors that are not quantised');
    this.nodes.push({ op: 'QLinearAdd', inputs: [a, qa.s, qa.z, b, qb.s, qb.z, qc.s, qc.z], outputs: [out], domain: 'com.microsoft' });
    return out;
  }

  /** A uint8 tensor padded with its own zero point (the real value 0); `pads` in ONNX order. */
  padQuantised(x: string, pads: readonly number[]): string {
    const q = this.params.get(x);
    if (q === undefined) throw new RangeError(`${x} is not quantised`);
    const out = this.op('Pad', [x, this.int64(pads), q.z]);
    this.alias(x, out);
    return out;
  }

  /** The graph; the fp32 one also outputs every quant point (for calibration). */
  graph(input: OnnxValue, outputs: OnnxValue[]): OnnxGraph {
    const all = this.int8 ? outputs : [...outputs, ...this.quantPoints.map((p) => ({ name: p.name, type: OnnxType.FLOAT, dims: null }))];
    return { nodes: this.nodes, initialisers: this.initialisers, inputs: [input], outputs: all };
  }
}
