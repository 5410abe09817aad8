/**
 * A WSQ encoder for tests only (FBI IAFIS-IC-0110 v3), written from the specification:
 * shift/scale to ±128, the 9/7 analysis filters over the spec's 20-node / 64-subband tree with
 * whole-sample symmetric extension, the spec's bit allocation for a target rate (bits per pixel),
 * a dead-zone uniform quantiser (Z = 1.2·Q, bin centre 0.44), Huffman tables built from the
 * data (table 0 for block 1, table 1 for blocks 2 and 3), and the markers in the order NBIS
 * writes them: SOI, COM (NIST_COM), DTT, DQT, DHT 0, SOF, SOB, DHT 1, SOB, SOB, EOI.
 * Not a hot path and not exported by the engine.
 */

export interface WsqEncodeOptions {
  /** Target bit rate, bits per pixel (the spec's r; 0.75 ≈ 15:1, the FBI's usual setting). */
  bitrate?: number;
  /** Resolution written into the NIST_COM comment; omitted when undefined. */
  ppi?: number;
  /** Write a restart marker (RST0–7, after padding to a byte) every this many symbols of a block. */
  restartEvery?: number;
  /**
   * Analysis filters, full length, both odd or both even (default: the spec's 9/7). Even ones are
   * applied as the spec's reference decomposition does: both centred between samples, half-sample
   * symmetric extension, the highpass negated.
   */
  filters?: { lowpass: readonly number[]; highpass: readonly number[] };
  /** One bin width Q for every coded subband instead of the bit allocation (near-lossless when small). */
  uniformBinWidth?: number;
}

export interface WsqGrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** The spec's analysis filters (CDF 9/7), lowpass 9 taps and highpass 7, centre first. */
const LOWPASS_HALF = [0.852698679009403, 0.377402855612654, -0.110624404418423, -0.02384946501938, 0.037828455506995];
const HIGHPASS_HALF = [0.788485616405664, -0.418092273222212, -0.040689417609558, 0.064538882628938];
const full = (half: readonly number[]): number[] => [...half.slice(1).reverse(), ...half];
const SPEC_FILTERS = { lowpass: full(LOWPASS_HALF), highpass: full(HIGHPASS_HALF) };
const BIN_CENTRE = 0.44;
const ZERO_BIN_RATIO = 1.2;
const VARIANCE_THRESHOLD = 1.01;

// ---- the tree (the same fixed layout every WSQ codec uses) ----
const NODE_PARENT = [-1, 0, 0, 0, 1, 1, 4, 4, 4, 4, 5, 5, 5, 5, 1, 14, 14, 14, 14, 15];
const NODE_QUADRANT = [0, 0, 1, 2, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 0, 0, 1, 2, 3, 0];
const INVERT_X = new Set([2, 4, 7, 9, 11, 13, 16, 18]);
const INVERT_Y = new Set([3, 5, 8, 9, 12, 13, 17, 18]);
const BAND_NODE = [19, 19, 19, 19, 15, 15, 15, ...[16, 17, 18, 6, 7, 8, 9, 10, 11, 12, 13].flatMap((n) => [n, n, n, n]), 1, 2, 2, 2, 2, 3, 3, 3, 3];
const BAND_QUADRANT = [0, 1, 2, 3, 1, 2, 3, ...Array.from({ length: 44 }, (_, k) => k % 4), 3, 0, 1, 2, 3, 0, 1, 2, 3];
const BLOCK_STARTS = [0, 19, 52, 60];

interface Rect { x: number; y: number; w: number; h: number }

function quadrant(r: Rect, invX: boolean, invY: boolean, q: number): Rect {
  const ax = invX ? r.w >> 1 : (r.w + 1) >> 1;
  const ay = invY ? r.h >> 1 : (r.h + 1) >> 1;
  const right = (q & 1) !== 0;
  const bottom = (q & 2) !== 0;
  return { x: right ? r.x + ax : r.x, y: bottom ? r.y + ay : r.y, w: right ? r.w - ax : ax, h: bottom ? r.h - ay : ay };
}

function layout(width: number, height: number): { nodes: Rect[]; bands: Rect[] } {
  const nodes: Rect[] = [{ x: 0, y: 0, w: width, h: height }];
  for (let n = 1; n < 20; n++) {
    const p = NODE_PARENT[n];
    nodes.push(quadrant(nodes[p], INVERT_X.has(p), INVERT_Y.has(p), NODE_QUADRANT[n]));
  }
  const bands = BAND_NODE.map((n, b) => quadrant(nodes[n], INVERT_X.has(n), INVERT_Y.has(n), BAND_QUADRANT[b]));
  return { nodes, bands };
}

// ---- forward transform ----
function reflect(p: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let r = p % period;
  if (r < 0) r += period;
  return r >= n ? period - r : r;
}

/** Half-sample symmetric reflection into 0..n−1 (even filters). */
function reflectHalf(p: number, n: number): number {
  const period = 2 * n;
  let r = p % period;
  if (r < 0) r += period;
  return r >= n ? period - 1 - r : r;
}

type Filters = { lowpass: readonly number[]; highpass: readonly number[] };

/**
 * One line, written as [low | high] or [high | low]. Odd filters: lowpass k centred on sample
 * 2k, highpass k on 2k + 1, whole-sample symmetric extension. Even filters: both on 2k + ½,
 * half-sample symmetric extension, highpass negated.
 */
function analyseLine(line: Float64Array, inverted: boolean, filters: Filters): Float64Array {
  const n = line.length;
  const lowLength = (n + 1) >> 1;
  const highLength = n >> 1;
  const { lowpass: lo, highpass: hi } = filters;
  const even = lo.length % 2 === 0;
  const sample = (p: number): number => line[even ? reflectHalf(p, n) : reflect(p, n)];
  const out = new Float64Array(n);
  for (let k = 0; k < lowLength; k++) {
    let sum = 0;
    const start = even ? 2 * k - lo.length / 2 + 1 : 2 * k - (lo.length - 1) / 2;
    for (let i = 0; i < lo.length; i++) sum += lo[i] * sample(start + i);
    out[inverted ? highLength + k : k] = sum;
  }
  for (let k = 0; k < highLength; k++) {
    let sum = 0;
    const start = even ? 2 * k - hi.length / 2 + 1 : 2 * k + 1 - (hi.length - 1) / 2;
    for (let i = 0; i < hi.length; i++) sum += hi[i] * sample(start + i);
    out[inverted ? k : lowLength + k] = even ? -sum : sum;
  }
  return out;
}

function decompose(image: Float64Array, width: number, nodes: Rect[], filters: Filters): void {
  nodes.forEach((r, n) => {
    for (let y = r.y; y < r.y + r.h; y++) {
      const line = image.slice(y * width + r.x, y * width + r.x + r.w);
      image.set(analyseLine(line, INVERT_X.has(n), filters), y * width + r.x);
    }
    for (let x = r.x; x < r.x + r.w; x++) {
      const line = new Float64Array(r.h);
      for (let k = 0; k < r.h; k++) line[k] = image[(r.y + k) * width + x];
      const out = analyseLine(line, INVERT_Y.has(n), filters);
      for (let k = 0; k < r.h; k++) image[(r.y + k) * width + x] = out[k];
    }
  });
}

// ---- numbers as WSQ writes them: an unsigned integer and a decimal exponent ----
function toScaled(value: number, max: number): { scale: number; integer: number } {
  if (value === 0) return { scale: 0, integer: 0 };
  let scale = 0;
  let v = Math.abs(value);
  while (v * 10 < max && scale < 20) {
    v *= 10;
    scale++;
  }
  return { scale, integer: Math.round(v) };
}

function fromScaled({ scale, integer }: { scale: number; integer: number }): number {
  return integer / 10 ** scale;
}

// ---- bit allocation (the spec's: subband variances → Q for a target rate) ----
function bandVariance(image: Float64Array, width: number, r: Rect, central: boolean): number {
  let x0 = r.x, y0 = r.y, w = r.w, h = r.h;
  if (central) { // the spec measures the central part, away from the borders' extension effects
    x0 += Math.floor(r.w / 8); y0 += Math.floor((9 * r.h) / 32);
    w = Math.floor((3 * r.w) / 4); h = Math.floor((7 * r.h) / 16);
  }
  if (w * h < 2) return 0;
  let sum = 0, squares = 0;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) { const v = image[y * width + x]; sum += v; squares += v * v; }
  return (squares - (sum * sum) / (w * h)) / (w * h - 1);
}

function binWidths(image: Float64Array, width: number, bands: Rect[], bitrate: number): number[] {
  let variances = bands.slice(0, 60).map((r) => bandVariance(image, width, r, true));
  if (variances.slice(0, 4).reduce((a, b) => a + b, 0) < 20000) variances = bands.slice(0, 60).map((r) => bandVariance(image, width, r, false));
  const weight = (b: number): number => (b < 52 ? 1 : [1.32, 1.08, 1.42, 1.08, 1.32, 1.42, 1.08, 1.08][b - 52]);
  const relative = variances.map((v, b) => (v < VARIANCE_THRESHOLD ? 0 : b < 4 ? 1 : 10 / (weight(b) * Math.log(v))));
  const share = (b: number): number => (b < 4 ? 1 / 1024 : b < 52 ? 1 / 256 : 1 / 16);
  let active = variances.map((v, b) => b).filter((b) => variances[b] >= VARIANCE_THRESHOLD);
  let q = 1;
  for (;;) {
    const s = active.reduce((a, b) => a + share(b), 0);
    const logP = active.reduce((a, b) => a + share(b) * Math.log(Math.sqrt(variances[b]) / relative[b]), 0);
    q = 2 ** (bitrate / s - 1) / 2.5 / Math.exp(logP / s);
    const next = active.filter((b) => relative[b] / q < 5 * Math.sqrt(variances[b]));
    if (next.length === active.length || next.length === 0) break;
    active = next;
  }
  return relative.map((r) => (r === 0 ? 0 : r / q));
}

// ---- Huffman codes (JPEG-style canonical, at most 16 bits, no all-ones code) ----
function codeLengths(frequencies: Map<number, number>): Map<number, number> {
  const RESERVED = 256; // a placeholder symbol that takes the all-ones code, dropped below
  const items = [...frequencies.entries(), [RESERVED, 1] as [number, number]];
  type Node = { weight: number; symbols: number[] };
  let nodes: Node[] = items.map(([symbol, weight]) => ({ weight, symbols: [symbol] }));
  const lengths = new Map<number, number>(items.map(([s]) => [s, 0]));
  if (nodes.length === 1) lengths.set(nodes[0].symbols[0], 1);
  while (nodes.length > 1) {
    nodes.sort((a, b) => a.weight - b.weight);
    const [a, b] = nodes;
    for (const s of [...a.symbols, ...b.symbols]) lengths.set(s, lengths.get(s)! + 1);
    nodes = [{ weight: a.weight + b.weight, symbols: [...a.symbols, ...b.symbols] }, ...nodes.slice(2)];
  }
  // Limit to 16 bits (JPEG Annex K.3): move pairs of longest codes up.
  const counts = new Array<number>(64).fill(0);
  for (const l of lengths.values()) counts[l]++;
  for (let i = 63; i > 16; i--) {
    while (counts[i] > 0) {
      let j = i - 2;
      while (counts[j] === 0) j--;
      counts[i] -= 2; counts[i - 1]++; counts[j + 1] += 2; counts[j]--;
    }
  }
  let longest = 16;
  while (counts[longest] === 0) longest--;
  counts[longest]--; // the reserved symbol's code
  // Assign lengths back: most frequent symbols get the shortest codes.
  const order = [...frequencies.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([s]) => s);
  const result = new Map<number, number>();
  let l = 1;
  for (const s of order) {
    while (counts[l] === 0) l++;
    result.set(s, l);
    counts[l]--;
  }
  return result;
}

interface HuffmanTable { bits: number[]; values: number[]; codes: Map<number, { code: number; length: number }> }

function huffmanTable(frequencies: Map<number, number>): HuffmanTable {
  const lengths = codeLengths(frequencies);
  const values = [...lengths.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([s]) => s);
  const bits = new Array<number>(17).fill(0);
  for (const s of values) bits[lengths.get(s)!]++;
  const codes = new Map<number, { code: number; length: number }>();
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    for (let c = 0; c < bits[l]; c++) codes.set(values[k++], { code: code++, length: l });
    code <<= 1;
  }
  return { bits: bits.slice(1), values, codes };
}

// ---- symbols ----
type Symbol = { symbol: number; extra?: number; extraBits?: number };

function blockSymbols(values: Int32Array): Symbol[] {
  const out: Symbol[] = [];
  let run = 0;
  const flushRun = (): void => {
    while (run > 0) {
      const n = Math.min(run, 0xffff);
      if (n <= 100) out.push({ symbol: n });
      else if (n <= 0xff) out.push({ symbol: 105, extra: n, extraBits: 8 });
      else out.push({ symbol: 106, extra: n, extraBits: 16 });
      run -= n;
    }
  };
  for (const v of values) {
    if (v === 0) { run++; continue; }
    flushRun();
    if (v >= -73 && v <= 74) out.push({ symbol: v + 180 });
    else if (Math.abs(v) <= 0xff) out.push({ symbol: v > 0 ? 101 : 102, extra: Math.abs(v), extraBits: 8 });
    else out.push({ symbol: v > 0 ? 103 : 104, extra: Math.min(Math.abs(v), 0xffff), extraBits: 16 });
  }
  flushRun();
  return out;
}

// ---- byte output ----
class Writer {
  private bytes: number[] = [];
  private bitBuffer = 0;
  private bitCount = 0;
  u8(v: number): void { this.bytes.push(v & 0xff); }
  u16(v: number): void { this.u8(v >> 8); this.u8(v); }
  u32(v: number): void { this.u16(Math.floor(v / 0x10000)); this.u16(v & 0xffff); }
  bits(value: number, count: number): void {
    for (let k = count - 1; k >= 0; k--) {
      this.bitBuffer = (this.bitBuffer << 1) | ((value >> k) & 1);
      if (++this.bitCount === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.u8(this.bitBuffer);
    if (this.bitBuffer === 0xff) this.u8(0); // stuffing: 0xFF in data is followed by 0x00
    this.bitBuffer = 0;
    this.bitCount = 0;
  }
  /** Pads the last byte with ones. */
  alignBits(): void {
    while (this.bitCount !== 0) this.bits(1, 1);
  }
  done(): Uint8Array { return Uint8Array.from(this.bytes); }
}

function writeHuffmanTable(out: Writer, id: number, table: HuffmanTable): void {
  out.u16(0xffa6);
  out.u16(2 + 1 + 16 + table.values.length);
  out.u8(id);
  for (const b of table.bits) out.u8(b);
  for (const v of table.values) out.u8(v);
}

function writeBlock(out: Writer, id: number, table: HuffmanTable, symbols: Symbol[], restartEvery = 0): void {
  out.u16(0xffa3);
  out.u16(3);
  out.u8(id);
  let restarts = 0;
  for (const [k, s] of symbols.entries()) {
    if (restartEvery > 0 && k > 0 && k % restartEvery === 0) {
      out.alignBits();
      out.u16(0xffb0 + (restarts++ & 7));
    }
    const c = table.codes.get(s.symbol)!;
    out.bits(c.code, c.length);
    if (s.extraBits !== undefined) out.bits(s.extra!, s.extraBits);
  }
  out.alignBits();
}

/** Encodes 8-bit gray as WSQ. Images must be at least 32 px a side (the tree's deepest split needs 2 samples). */
export function encodeWsq(image: WsqGrayImage, options: WsqEncodeOptions = {}): Uint8Array {
  const { width, height, pixels } = image;
  const bitrate = options.bitrate ?? 0.75;
  const count = width * height;
  let sum = 0, low = 255, high = 0;
  for (const p of pixels) { sum += p; low = Math.min(low, p); high = Math.max(high, p); }
  const shift = toScaled(sum / count, 0xffff);
  const m = fromScaled(shift);
  const range = toScaled(Math.max(m - low, high - m, 1) / 128, 0xffff);
  const r = fromScaled(range);
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) data[k] = (pixels[k] - m) / r;

  const { nodes, bands } = layout(width, height);
  const filters = options.filters ?? SPEC_FILTERS;
  if (filters.lowpass.length % 2 !== filters.highpass.length % 2) throw new Error('WSQ filters must be both odd or both even');
  decompose(data, width, nodes, filters);
  const allocated = options.uniformBinWidth === undefined ? binWidths(data, width, bands, bitrate) : bands.slice(0, 60).map(() => options.uniformBinWidth!);
  const widths = allocated.map((q) => toScaled(q, 0xffff));
  const zeros = widths.map((q) => toScaled(fromScaled(q) * ZERO_BIN_RATIO, 0xffff));

  // Quantise each block's subbands with the values as the decoder will read them.
  const blocks: Int32Array[] = [];
  for (let blk = 0; blk < 3; blk++) {
    const values: number[] = [];
    for (let b = BLOCK_STARTS[blk]; b < BLOCK_STARTS[blk + 1]; b++) {
      const q = fromScaled(widths[b]);
      if (q === 0) continue;
      const halfZero = fromScaled(zeros[b]) / 2;
      const rect = bands[b];
      for (let y = rect.y; y < rect.y + rect.h; y++) {
        for (let x = rect.x; x < rect.x + rect.w; x++) {
          const a = data[y * width + x];
          if (Math.abs(a) <= halfZero) values.push(0);
          else if (a > 0) values.push(Math.trunc((a - halfZero) / q + 1));
          else values.push(Math.trunc((a + halfZero) / q - 1));
        }
      }
    }
    blocks.push(Int32Array.from(values));
  }
  const symbols = blocks.map(blockSymbols);
  const frequencies = (lists: Symbol[][]): Map<number, number> => {
    const f = new Map<number, number>();
    for (const list of lists) for (const s of list) f.set(s.symbol, (f.get(s.symbol) ?? 0) + 1);
    if (f.size === 0) f.set(1, 1);
    return f;
  };
  const table0 = huffmanTable(frequencies([symbols[0]]));
  const table1 = huffmanTable(frequencies([symbols[1], symbols[2]]));

  const out = new Writer();
  out.u16(0xffa0); // SOI
  if (options.ppi !== undefined) {
    const text = `NIST_COM 5\nPIX_WIDTH ${width}\nPIX_HEIGHT ${height}\nPIX_DEPTH 8\nPPI ${options.ppi}\nLOSSY 1`;
    out.u16(0xffa8);
    out.u16(2 + text.length);
    for (const ch of text) out.u8(ch.charCodeAt(0));
  }
  out.u16(0xffa4); // DTT
  // Each filter's second half, centre first: taps floor(L/2) .. L−1.
  const halves = [...filters.lowpass.slice(filters.lowpass.length >> 1), ...filters.highpass.slice(filters.highpass.length >> 1)];
  out.u16(4 + 6 * halves.length);
  out.u8(filters.lowpass.length);
  out.u8(filters.highpass.length);
  for (const c of halves) {
    const s = toScaled(c, 0xffffffff);
    out.u8(c < 0 ? 1 : 0);
    out.u8(s.scale);
    out.u32(s.integer);
  }
  out.u16(0xffa5); // DQT
  out.u16(389);
  out.u8(2);
  out.u16(Math.round(BIN_CENTRE * 100));
  for (let b = 0; b < 64; b++) {
    const q = b < 60 ? widths[b] : { scale: 0, integer: 0 };
    const z = b < 60 ? zeros[b] : { scale: 0, integer: 0 };
    out.u8(q.scale); out.u16(q.integer); out.u8(z.scale); out.u16(z.integer);
  }
  writeHuffmanTable(out, 0, table0);
  out.u16(0xffa2); // SOF
  out.u16(17);
  out.u8(0); out.u8(255);
  out.u16(height); out.u16(width);
  out.u8(shift.scale); out.u16(shift.integer);
  out.u8(range.scale); out.u16(range.integer);
  out.u8(2); out.u16(0);
  const restartEvery = options.restartEvery ?? 0;
  writeBlock(out, 0, table0, symbols[0], restartEvery);
  writeHuffmanTable(out, 1, table1);
  writeBlock(out, 1, table1, symbols[1], restartEvery);
  writeBlock(out, 1, table1, symbols[2], restartEvery);
  out.u16(0xffa1); // EOI
  return out.done();
}
