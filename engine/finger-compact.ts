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
/** MCC1's layout (the finger kernel's, shared with finger-coarse.ts): header bytes, then 8 B per cylinder, then the cylinders. */
export const MCC1_HEADER = 16;
const COMPACT_HEADER = 32;
export const LAYERS = 5;
const WORD = 16;
export const MCC1_CYLINDER = WORD * (1 + LAYERS);
/** In-circle cells (the kernel's cellCount()): 112 bits of each 128-bit word. */
export const CELLS = 112;
const LAYER = CELLS / 8;
const COMPACT_CYLINDER = LAYER * LAYERS;

function align16(v: number): number {
  return (v + 15) & ~15;
}

export function mcc1CylindersAt(n: number): number {
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

function bitCount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Set bits of the 14 cell bytes of the 16-byte word at `from`, or −1 when the word's two bytes
 * past the cells are not zero.
 */
function cellBits(view: DataView, from: number): number {
  if (view.getUint16(from + LAYER, true) !== 0) return -1;
  return bitCount32(view.getUint32(from, true)) + bitCount32(view.getUint32(from + 4, true))
    + bitCount32(view.getUint32(from + 8, true)) + bitCount32(view.getUint16(from + 12, true));
}

/**
 * Throws ERR_TEMPLATE_CORRUPT unless MCC1 bytes (already size-checked) are what the kernel
 * builds: no bit outside the 112 cells, each norm √ of its cylinder's bits. Returns the number
 * of cylinders whose cells are not all valid (the compact form's explicit masks).
 */
export function checkPackable(mcc1: Uint8Array): number {
  const view = new DataView(mcc1.buffer, mcc1.byteOffset, mcc1.byteLength);
  if (mcc1.length < MCC1_HEADER || view.getUint32(0, true) !== MCC1_MAGIC) throw corrupt('not an MCC1 template');
  const n = view.getUint32(4, true);
  if (n > 255 || mcc1.length !== mcc1Bytes(n)) throw corrupt('size does not match the cylinder count');
  const cylinders = mcc1CylindersAt(n);
  let partial = 0;
  for (let c = 0; c < n; c++) {
    const at = cylinders + c * MCC1_CYLINDER;
    const valid = cellBits(view, at);
    let bits = 0;
    for (let w = 1; w <= LAYERS; w++) {
      const b = cellBits(view, at + w * WORD);
      if (b < 0) { bits = -1; break; }
      bits += b;
    }
    if (valid < 0 || bits < 0) throw corrupt(`cylinder ${c} has bits outside its cells`);
    if (view.getFloat32(MCC1_HEADER + 12 * n + 4 * c, true) !== Math.fround(Math.sqrt(bits))) throw corrupt(`cylinder ${c} has a norm that does not match its bits`);
    if (valid < CELLS) partial++;
  }
  return partial;
}

/**
 * MCC1 bytes (already checked by FingerMatcher.templateFromBytes or built by createTemplate) →
 * compact bytes. ERR_TEMPLATE_CORRUPT when the MCC1 bytes are not what the kernel builds (see
 * checkPackable): packing would change such a template's scores, so it is refused instead.
 */
export function compactFingerTemplate(mcc1: Uint8Array): Uint8Array {
  const masks = checkPackable(mcc1);
  const out = new Uint8Array(compactBytes(mcc1CylinderCount(mcc1), masks));
  packCompact(mcc1, masks, out);
  return out;
}

/**
 * The compact size of checked MCC1 bytes, and its explicit mask count, so that a caller can pack
 * straight into memory it owns (packCompact) instead of allocating a copy per template: the
 * coarse residency packs ≈ 1,000 finalist fingers per identify, and each separate buffer is
 * external memory that brings V8's full collections forward (docs/finger-tier.md).
 */
export function compactSize(mcc1: Uint8Array): { bytes: number; masks: number } {
  const masks = checkPackable(mcc1);
  return { bytes: compactBytes(mcc1CylinderCount(mcc1), masks), masks };
}

/** Packs checked MCC1 bytes (compactSize's `masks`) into `out`, exactly compactSize's `bytes` long. */
export function packCompact(mcc1: Uint8Array, masks: number, out: Uint8Array): void {
  const view = new DataView(mcc1.buffer, mcc1.byteOffset, mcc1.byteLength);
  const n = view.getUint32(4, true);
  if (out.length !== compactBytes(n, masks)) throw corrupt('compact target size does not match the template');
  const cylinders = mcc1CylindersAt(n);
  const o = new DataView(out.buffer, out.byteOffset, out.byteLength);
  o.setUint32(0, COMPACT_MAGIC, true);
  o.setUint32(4, n, true);
  o.setUint32(8, out.length, true);
  o.setUint32(12, view.getUint32(12, true), true);
  o.setUint32(16, masks, true);
  out.set(mcc1.subarray(MCC1_HEADER, MCC1_HEADER + 12 * n), COMPACT_HEADER); // x, y, direction
  const masksAt = COMPACT_HEADER + 16 * n;
  out.fill(0xff, masksAt, masksAt + LAYER); // entry 0: all cells valid
  const packedAt = compactCylindersAt(n, masks);
  let explicit = 0;
  for (let c = 0; c < n; c++) {
    const at = cylinders + c * MCC1_CYLINDER;
    const valid = cellBits(view, at);
    if (valid < CELLS) out.set(mcc1.subarray(at, at + LAYER), masksAt + ++explicit * LAYER);
    let bits = 0;
    for (let w = 1; w <= LAYERS; w++) {
      const from = at + w * WORD;
      bits += cellBits(view, from);
      const to = packedAt + c * COMPACT_CYLINDER + (w - 1) * LAYER;
      for (let k = 0; k < LAYER; k++) out[to + k] = mcc1[from + k];
    }
    o.setUint16(COMPACT_HEADER + 12 * n + 2 * c, bits, true);
    out[COMPACT_HEADER + 14 * n + c] = valid;
    out[COMPACT_HEADER + 15 * n + c] = valid < CELLS ? explicit : 0;
  }
}

function mcc1CylinderCount(mcc1: Uint8Array): number {
  return new DataView(mcc1.buffer, mcc1.byteOffset, mcc1.byteLength).getUint32(4, true);
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
