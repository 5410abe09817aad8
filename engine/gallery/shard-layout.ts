/**
 * The byte layout of one shard arena: a shared WebAssembly.Memory that the main thread appends
 * to and every pool worker reads. Writer and scanner both import these numbers, never literals.
 *
 *   header  16 × i32: magic, published slot count, heap top, tombstoned slots, slot capacity,
 *           finger residency (RESIDENCY_*: what the heap holds of a finger)
 *   slots   capacity × 4 × i32: template offset, template length, subject ordinal, tag
 *           tag = modality (bits 0–7) | position (bits 8–15) | flags (bits 16–23)
 *   vectors capacity × VECTOR_DIM int8: the prefilter vector of a finger slot (quantised),
 *   scales  capacity × f32: the factor back to the float vector (0 = the slot has no vector)
 *   heap    the templates themselves, 16-byte aligned, appended in subject order
 *
 * A subject's slots are contiguous and published together (one Atomics.store of the count),
 * so a scan sees either all of a subject's templates or none. Slots are fixed-size; templates
 * are not, because an MCC template's size follows its minutia count (2–12 KiB): fixed-size
 * template slots would waste half the memory on the average print.
 */
export const ARENA_MAGIC = 0x31445253; // "SRD1"
export const HEADER_WORDS = 16;
export const HEADER_BYTES = HEADER_WORDS * 4;
export const SLOT_WORDS = 4;
export const SLOT_BYTES = SLOT_WORDS * 4;

/** Header word indices. */
export const H_MAGIC = 0;
export const H_SLOT_COUNT = 1;
export const H_HEAP_TOP = 2;
export const H_TOMBSTONES = 3;
export const H_CAPACITY = 4;
export const H_RESIDENCY = 5;

/** Finger residency (header word H_RESIDENCY): the heap holds each finger's compact template (MCK1)... */
export const RESIDENCY_FULL = 0;
/** ... or only its coarse form (MCQ1, engine/finger-coarse.ts); the full template stays in the store. */
export const RESIDENCY_COARSE = 1;

/** Slot word indices. */
export const S_OFFSET = 0;
export const S_LENGTH = 1;
export const S_SUBJECT = 2;
export const S_TAG = 3;

export const MODALITY_FINGER = 1;
export const MODALITY_IRIS = 2;
export const FLAG_TOMBSTONE = 1;

export const PAGE_BYTES = 65536;

export function slotTag(modality: number, position: number, flags = 0): number {
  return (modality & 0xff) | ((position & 0xff) << 8) | ((flags & 0xff) << 16);
}
export function tagFlags(tag: number): number { return (tag >>> 16) & 0xff; }

/**
 * Slot range [from, to) of a scan task moved forward to subject boundaries (a subject's slots are
 * contiguous): a subject belongs to the task holding its first slot, and is scanned whole.
 */
export function wholeSubjects(words: Int32Array, from: number, to: number, slotCount: number): { from: number; to: number } {
  const subjectAt = (slot: number): number => words[HEADER_WORDS + slot * SLOT_WORDS + S_SUBJECT];
  while (from > 0 && from < slotCount && subjectAt(from) === subjectAt(from - 1)) from++;
  while (to > 0 && to < slotCount && subjectAt(to) === subjectAt(to - 1)) to++;
  return { from, to: Math.max(from, to) };
}

/** Prefilter vector length (engine/prefilter PREFILTER.dimension; checked at engine start). */
export const VECTOR_DIM = 256;

export function vectorTableStart(capacity: number): number {
  return align16(HEADER_BYTES + capacity * SLOT_BYTES);
}
export function scaleTableStart(capacity: number): number {
  return vectorTableStart(capacity) + capacity * VECTOR_DIM;
}

/** Where the template heap starts for a given slot capacity. */
export function heapStart(capacity: number): number {
  return align16(scaleTableStart(capacity) + capacity * 4);
}

export function align16(v: number): number {
  return (v + 15) & ~15;
}
