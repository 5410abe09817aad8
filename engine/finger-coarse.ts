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

export function isCoarseFingerTemplate(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === COARSE_MAGIC;
}

/** Counts per coarse cell of the set fine cells of the 112-bit word at `from`, into `counts`. */
function poolWord(bytes: Uint8Array, from: number, counts: Uint8Array): void {
  counts.fill(0);
  for (let b = 0; b < FINE_CELLS / 8; b++) {
    let v = bytes[from + b];
    while (v !== 0) {
      const low = v & -v;
      counts[COARSE_OF_FINE[b * 8 + 31 - Math.clz32(low)]]++;
      v ^= low;
    }
  }
}

const validCounts = new Uint8Array(32), setCounts = new Uint8Array(32);

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
  const o = new DataView(out.buffer);
  o.setUint32(0, COARSE_MAGIC, true);
  o.setUint32(4, n, true);
  const cylindersAt = mcc1CylindersAt(n);
  const bytes = new Uint8Array(mcc1.buffer);
  const coarseAt = HEADER + ((n + 3) & ~3);
  for (let c = 0; c < n; c++) {
    const direction = view.getFloat32(MCC1_HEADER + 8 * n + 4 * c, true); // radians, [0, 2π)
    out[HEADER + c] = Math.min(255, Math.floor((direction / (2 * Math.PI)) * 256)); // ascending as the directions
    const at = mcc1.byteOffset + cylindersAt + c * MCC1_CYLINDER;
    poolWord(bytes, at, validCounts);
    let mask = 0;
    for (let k = 0; k < 32; k++) if (2 * validCounts[k] >= FINE_CELLS_IN[k]) mask |= 1 << k;
    o.setUint32(coarseAt + 4 * c, mask >>> 0, true); // the words of one kind together (the kernel loads four cylinders' at once)
    for (let layer = 0; layer < LAYERS; layer++) {
      poolWord(bytes, at + 16 * (1 + layer), setCounts);
      let word = 0;
      for (let k = 0; k < 32; k++) if (validCounts[k] > 0 && setCounts[k] >= COARSE_BIT_SHARE * validCounts[k]) word |= 1 << k;
      o.setUint32(coarseAt + 4 * n * (1 + layer) + 4 * c, (word & mask) >>> 0, true);
    }
  }
  return out;
}

/** Fine in-circle cells per coarse cell (1–4). */
const FINE_CELLS_IN: Uint8Array = (() => {
  const out = new Uint8Array(32);
  for (const k of COARSE_OF_FINE) out[k]++;
  return out;
})();
