/**
 * The cylinder part of the prefilter's features: bit-sampling codes of the template's MCC
 * cylinders, counted into a folded (count-sketched) float vector.
 *
 * A cylinder (matchers-wasm/finger/cylinders.ts) describes one minutia's neighbourhood in that
 * minutia's own frame: 5 direction layers × 112 cells, a bit set where a neighbour of that
 * relative direction lies near the cell. It does not change when the print is rotated or moved.
 * Each of `PREFILTER.cylinderHashes` codes samples `cylinderHashBits` fixed bits of it; two
 * prints share a code where two of their minutiae have alike neighbourhoods (on the sampled
 * bits). Codes with no set bit say only "empty here" and are skipped.
 *
 * Reads both template forms the engine holds: MCC1 (stored) and the compact MCK1 (shard memory,
 * engine/finger-compact.ts); the layer bits are the same in both (MCK1 is lossless).
 */
import { EngineError } from '../errors.ts';
import type { FingerTemplate } from '../finger-matcher.ts';
import { COMPACT_MAGIC } from '../finger-compact.ts';
import { PREFILTER } from './params.ts';

const MCC1_MAGIC = 0x3143434d;
const LAYERS = 5;
const CELLS = 112;
/** MCC1: per cylinder a 16-byte validity mask, then 5 layers of 16 bytes (112 bits used). */
const MCC1 = { cylinderBytes: 96, layerOffset: 16, layerBytes: 16 } as const;
/** MCK1: per cylinder 5 layers of 14 bytes; masks are kept apart (matchers-wasm/finger/compact-layout.ts). */
const MCK1 = { cylinderBytes: 70, layerOffset: 0, layerBytes: 14 } as const;

const CODES = PREFILTER.cylinderHashes;
const BITS = PREFILTER.cylinderHashBits;

interface Sampling {
  /** Per code, per sampled bit: its layer and cell. */
  readonly layer: Uint8Array;
  readonly cell: Uint8Array;
}

/**
 * Adds the template's cylinder codes to `out` (each code ±1 at its hashed coordinate); returns
 * how many codes were counted. `out.length` must be a power of two.
 */
export function addCylinderCodes(template: FingerTemplate, out: Float64Array): number {
  const { bytes } = template;
  const form = cylinderForm(template);
  if (form === null) return 0;
  const { first, layout } = form;
  const table = layout === MCC1 ? (mcc1Table ??= byteTable(MCC1)) : (mck1Table ??= byteTable(MCK1));
  const { at, bit } = table;
  const mask = out.length - 1;
  const seed = PREFILTER.cylinderSeed | 0;
  let counted = 0;
  for (let k = 0, base = first; k < template.cylinderCount; k++, base += layout.cylinderBytes) {
    for (let c = 0, s = 0; c < CODES; c++) {
      let key = 0;
      for (const end = s + BITS; s < end; s++) key = (key << 1) | ((bytes[base + at[s]] & bit[s]) === 0 ? 0 : 1);
      if (key === 0) continue;
      const h = mix(Math.imul(c + 1, 0x9e3779b1) ^ Math.imul(key, 0x85ebca6b) ^ seed);
      out[h & mask] += (h & 0x8000_0000) !== 0 ? 1 : -1;
      counted++;
    }
  }
  return counted;
}

/** Per sampled bit (code-major), its byte offset inside a cylinder of this layout and its bit mask. */
interface ByteTable { readonly at: Uint16Array; readonly bit: Uint8Array }
let mcc1Table: ByteTable | undefined;
let mck1Table: ByteTable | undefined;

function byteTable(layout: typeof MCC1 | typeof MCK1): ByteTable {
  const { layer, cell } = sample();
  const at = new Uint16Array(layer.length), bit = new Uint8Array(layer.length);
  for (let s = 0; s < layer.length; s++) {
    at[s] = layout.layerOffset + layer[s] * layout.layerBytes + (cell[s] >> 3);
    bit[s] = 1 << (cell[s] & 7);
  }
  return { at, bit };
}

/** Where the cylinders start and how they are laid out; null when the template has none. */
function cylinderForm(template: FingerTemplate): { first: number; layout: typeof MCC1 | typeof MCK1 } | null {
  const { bytes, cylinderCount: n } = template;
  if (n === 0 || bytes.length < 32) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  let first: number, layout: typeof MCC1 | typeof MCK1;
  if (magic === MCC1_MAGIC) {
    first = (16 + 16 * n + 15) & ~15;
    layout = MCC1;
  } else if (magic === COMPACT_MAGIC) {
    first = 32 + 16 * n + (1 + view.getUint32(16, true)) * MCK1.layerBytes;
    layout = MCK1;
  } else {
    throw new EngineError('ERR_PREFILTER_INPUT', 'not a fingerprint template (bad magic)');
  }
  if (first + n * layout.cylinderBytes > bytes.length) throw new EngineError('ERR_PREFILTER_INPUT', `template of ${bytes.length} bytes is too short for its ${n} cylinders`);
  return { first, layout };
}

/** The sampled (layer, cell) of every bit of every code, from a seeded PRNG (mulberry32). */
function sample(): Sampling {
  let a = PREFILTER.cylinderSeed >>> 0;
  const next = (n: number): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const total = PREFILTER.cylinderHashes * PREFILTER.cylinderHashBits;
  const layer = new Uint8Array(total), cell = new Uint8Array(total);
  for (let s = 0; s < total; s++) {
    layer[s] = next(LAYERS);
    cell[s] = next(CELLS);
  }
  return { layer, cell };
}

/** murmur3's 32-bit finaliser: every input bit moves every output bit. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
