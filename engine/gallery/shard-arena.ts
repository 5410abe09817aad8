/**
 * One shard: a fixed-capacity slot table and a template heap in a shared WebAssembly.Memory.
 * Only the main thread writes (append, tombstone); pool workers read the same memory without
 * copies of the gallery. Compaction writes a fresh arena, so a scan in flight keeps reading
 * the old one undisturbed. Finger templates are held in their compact form (../finger-compact.ts:
 * lossless, ~17 % smaller than MCC1, compared by the compact kernel with equal scores); MCC1 stays
 * the stored format and is packed on append. Under the coarse residency a shard holds only each
 * finger's coarse form (../finger-coarse.ts, ≈ ¼ of the bytes): a ranking stage, whose best
 * subjects the engine re-scores on their full templates read from the store (finger-tier.ts).
 */
import { EngineError } from '../errors.ts';
import { compactSize, isCompactFingerTemplate, packCompact } from '../finger-compact.ts';
import { coarseFingerTemplate } from '../finger-coarse.ts';
import {
  ARENA_MAGIC, FLAG_TOMBSTONE, H_CAPACITY, H_RESIDENCY, RESIDENCY_COARSE, RESIDENCY_FULL, MODALITY_FINGER, H_HEAP_TOP, H_MAGIC, H_SLOT_COUNT, H_TOMBSTONES, PAGE_BYTES,
  SLOT_WORDS, S_LENGTH, S_OFFSET, S_SUBJECT, S_TAG, HEADER_WORDS, VECTOR_DIM, align16, heapStart, scaleTableStart, slotTag, tagFlags,
  vectorTableStart,
} from './shard-layout.ts';

/** One template to place in a subject's slots. */
export interface ArenaTemplate {
  readonly modality: number;
  readonly position: number;
  readonly bytes: Uint8Array;
  /** The prefilter vector, quantised (VECTOR_DIM int8 and the factor back to floats); none: not searchable by vector. */
  readonly vector?: QuantisedVector;
}

export interface QuantisedVector {
  readonly values: Int8Array;
  readonly scale: number;
}

/** Where a subject's templates sit: slots [firstSlot, firstSlot + slotCount). */
export interface SlotRange {
  readonly firstSlot: number;
  readonly slotCount: number;
}

const MAX_PAGES = 65536; // wasm32: 4 GiB
const GROWTH_SLACK_BYTES = 64 << 20;
const align4 = (v: number): number => (v + 3) & ~3;

/** A template about to be placed: its bytes in the shard, and the MCC1 mask count when it is packed in place. */
interface PlacedTemplate {
  readonly template: ArenaTemplate;
  readonly bytes: number;
  readonly packMasks?: number;
}

/** What a shard keeps of each finger: its compact template ('full'), or its coarse form only. */
export type FingerResidency = 'full' | 'coarse';

export class ShardArena {
  readonly memory: WebAssembly.Memory;
  readonly capacity: number;
  #words: Int32Array;
  #bytes: Uint8Array;

  /**
   * @param capacity slots (templates) this shard can ever hold
   * @param initialHeapBytes heap reserved up front; the memory grows past it on demand
   * @param maxTemplateBytes largest template accepted, sizes the memory's maximum
   */
  readonly residency: FingerResidency;
  /** Growth past the need: a quarter of the memory (full), a 64th (coarse: RAM per finger is the point, and growing a shared memory copies nothing). */
  readonly #growthShift: number;
  /**
   * Heap alignment of a template: 16 bytes (full: the compact kernel's layout), 4 (coarse: MCQ1
   * forms are whole u32 words, and the coarse comparator copies each into its own aligned batch
   * before the kernel reads it, so 16 would only add ≈ 6 bytes of padding per finger).
   */
  readonly #align: (bytes: number) => number;

  constructor(capacity: number, initialHeapBytes: number, maxTemplateBytes: number, residency: FingerResidency = 'full') {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
      throw new EngineError('ERR_GALLERY_CONFIG', `shard capacity must be 1–16,777,216 slots, got ${capacity}`);
    }
    const start = heapStart(capacity);
    const initial = Math.ceil((start + initialHeapBytes) / PAGE_BYTES);
    const maximum = Math.min(MAX_PAGES, Math.ceil((start + capacity * align16(maxTemplateBytes)) / PAGE_BYTES));
    this.memory = new WebAssembly.Memory({ initial: Math.min(initial, maximum), maximum, shared: true });
    this.capacity = capacity;
    this.residency = residency;
    this.#growthShift = residency === 'coarse' ? 6 : 2;
    this.#align = residency === 'coarse' ? align4 : align16;
    this.#words = new Int32Array(this.memory.buffer);
    this.#bytes = new Uint8Array(this.memory.buffer);
    this.#words[H_MAGIC] = ARENA_MAGIC;
    this.#words[H_CAPACITY] = capacity;
    this.#words[H_HEAP_TOP] = start;
    this.#words[H_RESIDENCY] = residency === 'coarse' ? RESIDENCY_COARSE : RESIDENCY_FULL;
    Atomics.store(this.#words, H_SLOT_COUNT, 0);
  }

  /** Slots published so far (live and tombstoned). */
  get slotCount(): number { return Atomics.load(this.#words, H_SLOT_COUNT); }
  get tombstones(): number { return this.#words[H_TOMBSTONES]; }
  get heapBytes(): number { return this.#words[H_HEAP_TOP] - heapStart(this.capacity); }
  get memoryBytes(): number { return this.memory.buffer.byteLength; }

  /** Whether `count` more templates of `bytes` total fit (slots and the 4 GiB memory bound). */
  fits(count: number, bytes: number): boolean {
    const top = this.#words[H_HEAP_TOP] + bytes + 16 * count;
    return this.slotCount + count <= this.capacity && top <= MAX_PAGES * PAGE_BYTES;
  }

  /** Appends one subject's templates (fingers as MCC1, compact or coarse as the residency wants) and publishes them in one step; returns their slots. */
  appendSubject(subjectOrdinal: number, given: readonly ArenaTemplate[]): SlotRange {
    // MCC1 fingers of a full shard are packed straight into shard memory (no copy per template:
    // the coarse residency's finalist arenas take ≈ 1,000 per identify); other forms are copied
    const placed = given.map((t): PlacedTemplate => {
      if (t.modality !== MODALITY_FINGER) return { template: t, bytes: t.bytes.length };
      if (this.residency === 'coarse') { const bytes = coarseFingerTemplate(t.bytes); return { template: { ...t, bytes }, bytes: bytes.length }; }
      if (isCompactFingerTemplate(t.bytes)) return { template: t, bytes: t.bytes.length };
      const { bytes, masks } = compactSize(t.bytes);
      return { template: t, bytes, packMasks: masks };
    });
    const total = placed.reduce((s, p) => s + this.#align(p.bytes), 0);
    if (!this.fits(placed.length, total)) throw new EngineError('ERR_SHARD_FULL', 'shard is full');
    let top = this.#words[H_HEAP_TOP];
    this.#ensure(top + total);
    const firstSlot = this.slotCount;
    placed.forEach(({ template: t, bytes, packMasks }, i) => {
      if (packMasks === undefined) this.#bytes.set(t.bytes, top);
      else packCompact(t.bytes, packMasks, this.#bytes.subarray(top, top + bytes));
      const w = HEADER_WORDS + (firstSlot + i) * SLOT_WORDS;
      this.#words[w + S_OFFSET] = top;
      this.#words[w + S_LENGTH] = bytes;
      this.#words[w + S_SUBJECT] = subjectOrdinal;
      this.#words[w + S_TAG] = slotTag(t.modality, t.position);
      if (t.vector !== undefined) this.writeVector(firstSlot + i, t.vector);
      top += this.#align(bytes);
    });
    this.#words[H_HEAP_TOP] = top;
    // The release store: a reader that loads the new count sees every byte written above.
    Atomics.store(this.#words, H_SLOT_COUNT, firstSlot + placed.length);
    return { firstSlot, slotCount: placed.length };
  }

  /**
   * Writes a slot's prefilter vector (at append, or by a pool worker filling vectors after a
   * rebuild: each slot is written by one writer, before any vector scan reads it).
   */
  writeVector(slot: number, vector: QuantisedVector): void {
    if (vector.values.length !== VECTOR_DIM) throw new EngineError('ERR_GALLERY_STATE', `a prefilter vector has ${VECTOR_DIM} values`);
    new Int8Array(this.memory.buffer, vectorTableStart(this.capacity) + slot * VECTOR_DIM, VECTOR_DIM).set(vector.values);
    new Float32Array(this.memory.buffer, scaleTableStart(this.capacity), this.capacity)[slot] = vector.scale;
  }

  /** A slot's vector (views into shard memory), or undefined when it has none. */
  vectorOf(slot: number): QuantisedVector | undefined {
    const scale = new Float32Array(this.memory.buffer, scaleTableStart(this.capacity), this.capacity)[slot];
    if (scale === 0) return undefined;
    return { values: new Int8Array(this.memory.buffer, vectorTableStart(this.capacity) + slot * VECTOR_DIM, VECTOR_DIM), scale };
  }

  /** Marks a subject's slots dead; scans skip them from their next read of the slot tag. */
  tombstone({ firstSlot, slotCount }: SlotRange): void {
    for (let s = firstSlot; s < firstSlot + slotCount; s++) {
      const w = HEADER_WORDS + s * SLOT_WORDS + S_TAG;
      Atomics.or(this.#words, w, FLAG_TOMBSTONE << 16);
    }
    this.#words[H_TOMBSTONES] += slotCount;
  }

  /** A template's bytes (a view into the shared memory: copy before keeping it); fingers in compact form. */
  templateView(slot: number): Uint8Array {
    const w = HEADER_WORDS + slot * SLOT_WORDS;
    return new Uint8Array(this.memory.buffer, this.#words[w + S_OFFSET], this.#words[w + S_LENGTH]);
  }

  slotTag(slot: number): number { return Atomics.load(this.#words, HEADER_WORDS + slot * SLOT_WORDS + S_TAG); }
  slotSubject(slot: number): number { return this.#words[HEADER_WORDS + slot * SLOT_WORDS + S_SUBJECT]; }
  isLive(slot: number): boolean { return (tagFlags(this.slotTag(slot)) & FLAG_TOMBSTONE) === 0; }

  #ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by a quarter (amortised appends, few view reallocations), but by at most 64 MiB past
    // the need: a full gallery keeps little slack (memory per template is a reported figure).
    const want = Math.max(end, Math.min(have + (have >> this.#growthShift), end + GROWTH_SLACK_BYTES));
    const pages = Math.min(MAX_PAGES, Math.ceil(want / PAGE_BYTES)) - have / PAGE_BYTES;
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new EngineError('ERR_SHARD_MEMORY', `shard memory could not grow to ${want} bytes`, { cause });
    }
    this.#words = new Int32Array(this.memory.buffer);
    this.#bytes = new Uint8Array(this.memory.buffer);
  }
}
