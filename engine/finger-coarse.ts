/**
 * The coarse in-RAM form of a finger template ("MCQ1", matchers-wasm/finger-coarse/index.ts, which
 * documents the layout: directions, then each kind of word for every cylinder together): what
 * the shards keep per finger under the coarse residency (gallery/params.ts), a first ranking stage
 * whose best subjects are re-scored by the full matcher on their MCC1 templates read from the store.
 * Lossy on purpose: each MCC cylinder's 12 × 12 cells are pooled 2 × 2 into the 32 cells of a 6 × 6
 * grid (corners outside the radius dropped), one u32 per direction layer, and coordinates dropped
 * (the coarse score is a local-similarity sort, which uses only the cylinders and their directions).
 * ≈ 24 bytes per cylinder against the compact form's ≈ 93.
 */
import { EngineError } from './errors.ts';
import {
  CELLS as FINE_CELLS, COMPACT_MAGIC, LAYERS, MCC1_CYLINDER, MCC1_HEADER, MCC1_MAGIC, expandFingerTemplate, mcc1Bytes, mcc1CylindersAt,
} from './finger-compact.ts';

export const COARSE_MAGIC = 0x3151434d; // "MCQ1"
// module-local copies of finger-compact.ts's layout, read in the inner loops (an imported binding
// can cost a getter call per read where the module loader wraps it: tsx)
const FINE_BYTES = FINE_CELLS / 8, CYLINDER_BYTES = MCC1_CYLINDER, DIRECTIONS_AT = MCC1_HEADER, LAYER_COUNT = LAYERS;
const HEADER = 8;
const CYLINDER = 24;
/** A coarse cell's bit is set when at least this share of its valid fine cells are set. */
export const COARSE_BIT_SHARE = 0.5;

/** Per fine in-circle cell (the kernel's order: column-major over the 12 × 12 grid), its coarse cell 0–31. */
const COARSE_OF_FINE: Uint8Array = (() => {
  const side = 12, radius = 70, size = (2 * radius) / side, half = side / 2;
  const coarseIndex = new Map<number, number>();
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) if (!((i === 0 || i === 5) && (j === 0 || j === 5))) coarseIndex.set(i * 6 + j, coarseIndex.size);
  }
  const out: number[] = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const u = Math.fround((i + 0.5 - half) * size), v = Math.fround((j + 0.5 - half) * size);
      if (u * u + v * v <= radius * radius) out.push(coarseIndex.get((i >> 1) * 6 + (j >> 1))!);
    }
  }
  if (out.length !== FINE_CELLS || coarseIndex.size !== 32) throw new Error('coarse cell map: the MCC grid is not 112 cells');
  return Uint8Array.from(out);
})();

function corrupt(reason: string): EngineError {
  return new EngineError('ERR_TEMPLATE_CORRUPT', `finger template cannot be made coarse: ${reason}`);
}

export function coarseBytes(n: number): number {
  return HEADER + ((n + 3) & ~3) + n * CYLINDER;
}

/** The magic read byte by byte (little-endian): no DataView per call, as the coarse scan checks every slot it compares. */
export function isCoarseFingerTemplate(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0 === COARSE_MAGIC;
}

/**
 * Per byte b (0–13) of a 112-bit cell word and its value v: how many of its set fine cells fall in
 * each coarse cell, as 4-bit counts, cells 8q … 8q + 7 in u32 q of four ((b · 256 + v) · 4 + q).
 * A word's counts are then 14 lookups and adds (a coarse cell has ≤ 4 fine cells: no carry
 * between nibbles) instead of a walk over its set bits.
 */
const NIBBLE_COUNTS: Uint32Array = (() => {
  const t = new Uint32Array(14 * 256 * 4);
  for (let b = 0; b < FINE_CELLS / 8; b++) {
    for (let v = 0; v < 256; v++) {
      for (let bit = 0; bit < 8; bit++) {
        if ((v & (1 << bit)) === 0) continue;
        const k = COARSE_OF_FINE[b * 8 + bit];
        t[(b * 256 + v) * 4 + (k >> 3)] += 1 << (4 * (k & 7));
      }
    }
  }
  return t;
})();

/**
 * The coarse cells' counts of the set fine cells of the 112-bit word at `from` that are also set
 * in the word at `maskFrom` (a layer's bits within the validity word: what our cylinders hold
 * anyway, and it keeps every set count ≤ its valid count), as nibbles into `q` (four u32).
 */
function poolWord(bytes: Uint8Array, from: number, maskFrom: number, q: Uint32Array): void {
  let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  for (let b = 0; b < FINE_BYTES; b++) {
    const at = (b * 256 + (bytes[from + b] & bytes[maskFrom + b])) * 4;
    q0 += NIBBLE_COUNTS[at]; q1 += NIBBLE_COUNTS[at + 1]; q2 += NIBBLE_COUNTS[at + 2]; q3 += NIBBLE_COUNTS[at + 3];
  }
  q[0] = q0; q[1] = q1; q[2] = q2; q[3] = q3;
}

/** Bit 3 of each of the eight nibbles of x → bits 0–7 (nibble i → bit i). */
function nibbleSigns(x: number): number {
  let y = (x >>> 3) & 0x11111111;
  y = (y | (y >>> 3)) & 0x03030303;
  y = (y | (y >>> 6)) & 0x000f000f;
  return (y | (y >>> 12)) & 0xff;
}

const validCounts = new Uint32Array(4), setCounts = new Uint32Array(4);

/**
 * MCC1 bytes (checked by FingerMatcher.templateFromBytes), or the compact MCK1 form, → MCQ1 bytes;
 * MCQ1 bytes as they are. ERR_TEMPLATE_CORRUPT for anything else.
 */
export function coarseFingerTemplate(template: Uint8Array): Uint8Array {
  if (template.length < 16) throw corrupt('too short');
  const magic = new DataView(template.buffer, template.byteOffset, 4).getUint32(0, true);
  if (magic === COARSE_MAGIC) return template;
  const mcc1 = magic === COMPACT_MAGIC ? expandFingerTemplate(template) : template;
  const view = new DataView(mcc1.buffer, mcc1.byteOffset, mcc1.byteLength);
  if (view.getUint32(0, true) !== MCC1_MAGIC) throw corrupt('not a finger template');
  const n = view.getUint32(4, true);
  if (n > 255 || mcc1.length !== mcc1Bytes(n)) throw corrupt('size does not match the cylinder count');
  const out = new Uint8Array(coarseBytes(n));
  const coarseAt = HEADER + ((n + 3) & ~3);
  // little-endian u32 words, like the kernel reads them (a Uint32Array is host-order: every wasm host is little-endian)
  const words = new Uint32Array(out.buffer, 0, out.length >> 2);
  words[0] = COARSE_MAGIC;
  words[1] = n;
  const cylindersAt = mcc1CylindersAt(n);
  const bytes = new Uint8Array(mcc1.buffer);
  for (let c = 0; c < n; c++) {
    const direction = view.getFloat32(DIRECTIONS_AT + 8 * n + 4 * c, true); // radians, [0, 2π)
    out[HEADER + c] = Math.min(255, Math.floor((direction / (2 * Math.PI)) * 256)); // ascending as the directions
    const at = mcc1.byteOffset + cylindersAt + c * CYLINDER_BYTES;
    poolWord(bytes, at, at, validCounts);
    // nibble arithmetic, eight coarse cells per u32, no carry between nibbles (each count ≤ 4):
    // valid: 2 · valid ≥ fine cells ⇔ valid + (8 − ⌈fine/2⌉) has bit 3; any valid: valid + 7 has bit 3
    let mask = 0, anyValid = 0;
    for (let q = 0; q < 4; q++) {
      mask |= nibbleSigns(validCounts[q] + VALID_BIAS[q]) << (8 * q);
      anyValid |= nibbleSigns(validCounts[q] + 0x77777777) << (8 * q);
    }
    // the words of one kind together (the kernel loads four cylinders' at once)
    words[(coarseAt >> 2) + c] = mask;
    for (let layer = 0; layer < LAYER_COUNT; layer++) {
      poolWord(bytes, at + 16 * (1 + layer), at, setCounts);
      // set when at least COARSE_BIT_SHARE (a half) of the valid fine cells are: 2 · set ≥ valid,
      // i.e. 2 · set + 8 − valid (4 … 12) has bit 3; and valid > 0
      let word = 0;
      for (let q = 0; q < 4; q++) word |= nibbleSigns(2 * setCounts[q] + 0x88888888 - validCounts[q]) << (8 * q);
      words[(coarseAt >> 2) + n * (1 + layer) + c] = word & anyValid & mask;
    }
  }
  return out;
}

/** Per nibble word q of the coarse cells, 8 − ⌈fine cells / 2⌉ in cell k's nibble (COARSE_BIT_SHARE of a cell's fine cells valid). */
const VALID_BIAS: Uint32Array = (() => {
  const fineIn = new Uint8Array(32);
  for (const k of COARSE_OF_FINE) fineIn[k]++;
  const out = new Uint32Array(4);
  for (let k = 0; k < 32; k++) out[k >> 3] += (8 - Math.ceil(COARSE_BIT_SHARE * fineIn[k])) << (4 * (k & 7));
  return out;
})();
