/**
 * The compact in-RAM form of a finger template ("MCK1", matchers-wasm/finger/compact-layout.ts):
 * MCC1 repacked for the 1:N scan, losslessly — 112-bit cell words in 14 bytes instead of 16,
 * bit counts instead of f32 norms, one shared entry for the validity mask of every cylinder
 * whose cells are all valid. The kernel's compareCompact gives the MCC1 score bit for bit, and
 * expandFingerTemplate gives the MCC1 bytes back, so MCC1 stays the stored (versioned) format.
 */
import { EngineError } from './errors.ts';

export const MCC1_MAGIC = 0x3143434d;
export const COMPACT_MAGIC = 0x314b434d;
const MCC1_HEADER = 16;
const COMPACT_HEADER = 32;
const LAYERS = 5;
const WORD = 16;
const MCC1_CYLINDER = WORD * (1 + LAYERS);
/** In-circle cells (the kernel's cellCount()): 112 bits of each 128-bit word. */
export const CELLS = 112;
const LAYER = CELLS / 8;
const COMPACT_CYLINDER = LAYER * LAYERS;

const BIT_COUNT = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let x = v; x !== 0; x >>= 1) c += x & 1;
  return c;
});

function align16(v: number): number {
  return (v + 15) & ~15;
}

function mcc1CylindersAt(n: number): number {
  return align16(MCC1_HEADER + 16 * n);
}

export function mcc1Bytes(n: number): number {
  return mcc1CylindersAt(n) + n * MCC1_CYLINDER;
}

function compactCylindersAt(n: number, masks: number): number {
  return COMPACT_HEADER + 16 * n + (1 + masks) * LAYER;
}

export function compactBytes(n: number, masks: number): number {
  return align16(compactCylindersAt(n, masks) + n * COMPACT_CYLINDER + 2);
}

function corrupt(reason: string): EngineError {
  return new EngineError('ERR_TEMPLATE_CORRUPT', `finger template cannot be packed: ${reason}`);
}

/** Set bits of bytes [from, from + length). */
function bitsIn(bytes: Uint8Array, from: number, length: number): number {
  let c = 0;
  for (let k = from; k < from + length; k++) c += BIT_COUNT[bytes[k]];
  return c;
}

/** True when bytes [from, from + length) are all zero. */
function zeroIn(bytes: Uint8Array, from: number, length: number): boolean {
  for (let k = from; k < from + length; k++) if (bytes[k] !== 0) return false;
  return true;
}

/**
 * MCC1 bytes (already checked by FingerMatcher.templateFromBytes or built by createTemplate) →
 * compact bytes. ERR_TEMPLATE_CORRUPT when the MCC1 bytes are not what the kernel builds (bits
 * outside the 112 cells, a norm that is not √ of the cylinder's bits): packing would change
 * such a template's scores, so it is refused instead.
 */
export function compactFingerTemplate(mcc1: Uint8Array): Uint8Array {
  const view = new DataView(mcc1.buffer, mcc1.byteOffset, mcc1.byteLength);
  if (mcc1.length < MCC1_HEADER || view.getUint32(0, true) !== MCC1_MAGIC) throw corrupt('not an MCC1 template');
  const n = view.getUint32(4, true);
  if (n > 255 || mcc1.length !== mcc1Bytes(n)) throw corrupt('size does not match the cylinder count');
  const cylinders = mcc1CylindersAt(n);
  // masks: entry 0 is all-valid, the others in first-use order
  const maskIndex = new Uint8Array(n);
  const explicit: number[] = [];
  for (let c = 0; c < n; c++) {
    const at = cylinders + c * MCC1_CYLINDER;
    for (let w = 0; w <= LAYERS; w++) {
      if (!zeroIn(mcc1, at + w * WORD + LAYER, WORD - LAYER)) throw corrupt(`cylinder ${c} has bits outside its cells`);
    }
    const valid = bitsIn(mcc1, at, LAYER);
    if (valid < CELLS) {
      explicit.push(c);
      maskIndex[c] = explicit.length;
    }
  }
  const out = new Uint8Array(compactBytes(n, explicit.length));
  const o = new DataView(out.buffer);
  o.setUint32(0, COMPACT_MAGIC, true);
  o.setUint32(4, n, true);
  o.setUint32(8, out.length, true);
  o.setUint32(12, view.getUint32(12, true), true);
  o.setUint32(16, explicit.length, true);
  out.set(mcc1.subarray(MCC1_HEADER, MCC1_HEADER + 12 * n), COMPACT_HEADER); // x, y, direction
  const masksAt = COMPACT_HEADER + 16 * n;
  out.fill(0xff, masksAt, masksAt + LAYER);
  explicit.forEach((c, k) => out.set(mcc1.subarray(cylinders + c * MCC1_CYLINDER, cylinders + c * MCC1_CYLINDER + LAYER), masksAt + (k + 1) * LAYER));
  const packedAt = compactCylindersAt(n, explicit.length);
  for (let c = 0; c < n; c++) {
    const at = cylinders + c * MCC1_CYLINDER;
    let bits = 0;
    for (let w = 1; w <= LAYERS; w++) {
      out.set(mcc1.subarray(at + w * WORD, at + w * WORD + LAYER), packedAt + c * COMPACT_CYLINDER + (w - 1) * LAYER);
      bits += bitsIn(mcc1, at + w * WORD, LAYER);
    }
    if (view.getFloat32(MCC1_HEADER + 12 * n + 4 * c, true) !== Math.fround(Math.sqrt(bits))) throw corrupt(`cylinder ${c} has a norm that does not match its bits`);
    o.setUint16(COMPACT_HEADER + 12 * n + 2 * c, bits, true);
    out[COMPACT_HEADER + 14 * n + c] = bitsIn(mcc1, at, LAYER);
    out[COMPACT_HEADER + 15 * n + c] = maskIndex[c];
  }
  return out;
}

/** Compact bytes (from compactFingerTemplate) → the MCC1 bytes they were packed from. */
export function expandFingerTemplate(compact: Uint8Array): Uint8Array {
  const view = new DataView(compact.buffer, compact.byteOffset, compact.byteLength);
  if (compact.length < COMPACT_HEADER || view.getUint32(0, true) !== COMPACT_MAGIC) throw corrupt('not a compact template');
  const n = view.getUint32(4, true), masks = view.getUint32(16, true);
  if (n > 255 || masks > n || compact.length !== compactBytes(n, masks) || view.getUint32(8, true) !== compact.length) throw corrupt('compact size does not match its counts');
  const size = mcc1Bytes(n);
  const out = new Uint8Array(size);
  const o = new DataView(out.buffer);
  o.setUint32(0, MCC1_MAGIC, true);
  o.setUint32(4, n, true);
  o.setUint32(8, size, true);
  o.setUint32(12, view.getUint32(12, true), true);
  out.set(compact.subarray(COMPACT_HEADER, COMPACT_HEADER + 12 * n), MCC1_HEADER);
  const cylinders = mcc1CylindersAt(n), masksAt = COMPACT_HEADER + 16 * n, packedAt = compactCylindersAt(n, masks);
  for (let c = 0; c < n; c++) {
    o.setFloat32(MCC1_HEADER + 12 * n + 4 * c, Math.fround(Math.sqrt(view.getUint16(COMPACT_HEADER + 12 * n + 2 * c, true))), true);
    const index = compact[COMPACT_HEADER + 15 * n + c];
    if (index > masks) throw corrupt(`cylinder ${c} names mask ${index} of ${masks}`);
    const at = cylinders + c * MCC1_CYLINDER;
    out.set(compact.subarray(masksAt + index * LAYER, masksAt + (index + 1) * LAYER), at);
    for (let w = 1; w <= LAYERS; w++) {
      const from = packedAt + c * COMPACT_CYLINDER + (w - 1) * LAYER;
      out.set(compact.subarray(from, from + LAYER), at + w * WORD);
    }
  }
  return out;
}

/** Whether bytes carry the compact magic (the gallery holds fingers in this form). */
export function isCompactFingerTemplate(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === COMPACT_MAGIC;
}

/** Compact bytes as they are; MCC1 bytes packed. */
export function toCompactFingerTemplate(bytes: Uint8Array): Uint8Array {
  return isCompactFingerTemplate(bytes) ? bytes : compactFingerTemplate(bytes);
}
