/**
 * A minimal ONNX ModelProto writer: the few protobuf messages a plain feed-forward graph needs
 * (model, graph, node, attribute, tensor initialiser, value info with a fixed shape). The face
 * networks exist here only as face-api's TensorFlow.js weights, so an ONNX graph for another
 * runtime has to be written from them; a hand encoder of ≈ 10 message types is smaller than a
 * protobuf dependency. Field numbers: onnx/onnx.proto (IR version 8, opset 13).
 */

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type OnnxDataType = (typeof OnnxType)[keyof typeof OnnxType];

export type OnnxAttribute = number | readonly number[] | string;

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Integer attributes are written as INT / INTS, others as FLOAT; strings as STRING. */
  attributes?: Readonly<Record<string, OnnxAttribute>>;
  /** Attributes to write as FLOAT even when integral. */
  floatAttributes?: Readonly<Record<string, number>>;
  /** Operator domain: '' (ONNX) or 'com.microsoft' (onnxruntime's contrib operators). */
  domain?: string;
}

export interface OnnxInitialiser {
  name: string;
  dims: readonly number[];
  type: OnnxDataType;
  data: Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;
}

/** dims: a number per fixed axis, a name per symbolic one (e.g. the batch); null: shape left unstated. */
export interface OnnxValue { name: string; type: OnnxDataType; dims: ReadonlyArray<number | string> | null }

export interface OnnxGraph {
  nodes: readonly OnnxNode[];
  initialisers: readonly OnnxInitialiser[];
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
}

/** Growable byte buffer with protobuf's varint and length-delimited writers. */
class ProtoWriter {
  private bytes = new Uint8Array(1024);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) { this.bytes[this.length++] = Number(v & 0x7fn) | 0x80; v >>= 7n; }
    this.bytes[this.length++] = Number(v);
    return this;
  }

  private key(field: number, wireType: number): this { return this.varint((field << 3) | wireType); }

  int(field: number, value: number | bigint): this { return this.key(field, 0).varint(value); }

  raw(field: number, payload: Uint8Array): this {
    this.key(field, 2).varint(payload.length);
    this.reserve(payload.length);
    this.bytes.set(payload, this.length);
    this.length += payload.length;
    return this;
  }

  string(field: number, value: string): this { return this.raw(field, new TextEncoder().encode(value)); }
  message(field: number, build: (w: ProtoWriter) => void): this { const w = new ProtoWriter(); build(w); return this.raw(field, w.finish()); }
  float(field: number, value: number): this {
    this.key(field, 5);
    this.reserve(4);
    new DataView(this.bytes.buffer).setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  finish(): Uint8Array { return this.bytes.slice(0, this.length); }
}

function writeAttribute(w: ProtoWriter, name: string, value: OnnxAttribute, asFloat: boolean): void {
  w.message(5, (a) => {
    a.string(1, name);
    if (typeof value === 'string') { a.raw(4, new TextEncoder().encode(value)).int(20, 3); return; }
    if (typeof value === 'number') {
      if (asFloat || !Number.isInteger(value)) a.float(2, value).int(20, 1);
      else a.int(3, value).int(20, 2);
      return;
    }
    for (const v of value) a.int(8, v);
    a.int(20, 7);
  });
}

function writeValue(w: ProtoWriter, field: number, value: OnnxValue): void {
  w.message(field, (v) => {
    v.string(1, value.name);
    v.message(2, (type) => type.message(1, (tensor) => {
      tensor.int(1, value.type);
      if (value.dims !== null) {
        const dims = value.dims;
        tensor.message(2, (shape) => { for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d))); });
      }
    }));
  });
}

/** The serialised ModelProto of a graph (ir_version 8, default-domain opset 13, com.microsoft opset 1). */
export function encodeOnnxModel(graph: OnnxGraph, name = 'graph'): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8);
  w.string(2, 'biodedup');
  w.message(7, (g) => {
    graph.nodes.forEach((node, i) => g.message(1, (n) => {
      for (const input of node.inputs) n.string(1, input);
      for (const output of node.outputs) n.string(2, output);
      n.string(3, `${node.op}_${i}`);
      n.string(4, node.op);
      for (const [key, value] of Object.entries(node.attributes ?? {})) writeAttribute(n, key, value, false);
      for (const [key, value] of Object.entries(node.floatAttributes ?? {})) writeAttribute(n, key, value, true);
      if (node.domain !== undefined && node.domain !== '') n.string(7, node.domain);
    }));
    g.string(2, name);
    for (const t of graph.initialisers) {
      g.message(5, (tensor) => {
        for (const d of t.dims) tensor.int(1, d);
        tensor.int(2, t.type);
        tensor.string(8, t.name);
        tensor.raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      });
    }
    for (const v of graph.inputs) writeValue(g, 11, v);
    for (const v of graph.outputs) writeValue(g, 12, v);
  });
  w.message(8, (o) => o.string(1, '').int(2, 13));
  w.message(8, (o) => o.string(1, 'com.microsoft').int(2, 1));
  return w.finish();
}
