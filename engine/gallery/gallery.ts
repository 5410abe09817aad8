/**
 * The in-memory gallery: shard arenas plus the directory from referenceId to slots. A subject is
 * known by its ordinal — the store sequence of its insert, so it is the same after every restart
 * (the prefilter's saved indexes are labelled with it) — which is what workers return. A
 * subject's templates go, together, into the newest shard with room. Main thread only.
 * Finger templates are held in their compact form (the arena packs them, shard-arena.ts).
 */
import { EngineError } from '../errors.ts';
import { ShardArena, type ArenaTemplate, type FingerResidency, type SlotRange } from './shard-arena.ts';

export interface GalleryOptions {
  /** Slots (templates) per shard. */
  readonly shardCapacity: number;
  /** Largest template in bytes (sizes each shard's memory maximum). */
  readonly maxTemplateBytes: number;
  /** A shard is compacted when this share of its slots are tombstones. */
  readonly compactAtTombstoneShare: number;
  /** What the shards keep of each finger (shard-arena.ts); default 'full'. */
  readonly fingerResidency?: FingerResidency;
}

export interface SubjectLocation extends SlotRange {
  readonly shard: number;
}

/** A contiguous piece of one shard's published slots: the unit a scan task covers. */
export interface ScanRange {
  readonly shard: number;
  readonly arena: ShardArena;
  readonly slotFrom: number;
  readonly slotTo: number;
  readonly slotCount: number;
}

export class Gallery {
  readonly #options: GalleryOptions;
  readonly #shards: ShardArena[] = [];
  readonly #ordinalOf = new Map<string, number>();
  readonly #referenceIds = new Map<number, string>();
  readonly #locations = new Map<number, SubjectLocation>();
  #templates = 0;

  constructor(options: GalleryOptions) {
    this.#options = options;
  }

  /** Live subjects. */
  get size(): number { return this.#ordinalOf.size; }
  /** Live templates. */
  get templateCount(): number { return this.#templates; }
  get shardCount(): number { return this.#shards.length; }
  get fingerResidency(): FingerResidency { return this.#options.fingerResidency ?? 'full'; }
  /** Template bytes held (live and tombstoned, before compaction). */
  get heapBytes(): number { return this.#shards.reduce((s, a) => s + a.heapBytes, 0); }
  /** Shared memory committed by all shards (heap, slot tables, growth headroom). */
  get memoryBytes(): number { return this.#shards.reduce((s, a) => s + a.memoryBytes, 0); }

  has(referenceId: string): boolean { return this.#ordinalOf.has(referenceId); }
  ordinalOf(referenceId: string): number | undefined { return this.#ordinalOf.get(referenceId); }
  referenceIdOf(ordinal: number): string | undefined { return this.#referenceIds.get(ordinal); }
  locate(ordinal: number): SubjectLocation | undefined { return this.#locations.get(ordinal); }
  arena(shard: number): ShardArena { return this.#shards[shard]; }

  /** The live subjects' ordinals, in insert order. */
  ordinals(): IterableIterator<number> { return this.#referenceIds.keys(); }

  /**
   * A live subject's templates of one modality, as views into shard memory (copy to keep).
   * Fingers come in the compact form: templateMinutiae and the prefilter's vectors read it as they
   * read MCC1; expandFingerTemplate gives the MCC1 bytes.
   */
  templatesOf(ordinal: number, modality: number): { position: number; bytes: Uint8Array }[] {
    const location = this.#locations.get(ordinal);
    if (location === undefined) return [];
    const arena = this.#shards[location.shard];
    const out: { position: number; bytes: Uint8Array }[] = [];
    for (let slot = location.firstSlot; slot < location.firstSlot + location.slotCount; slot++) {
      const tag = arena.slotTag(slot);
      if ((tag & 0xff) === modality) out.push({ position: (tag >>> 8) & 0xff, bytes: arena.templateView(slot) });
    }
    return out;
  }

  /** Adds a subject's templates under `ordinal` (its store sequence). The caller checked it is not present. */
  add(referenceId: string, ordinal: number, templates: readonly ArenaTemplate[]): number {
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal > 0x7fff_ffff) throw new EngineError('ERR_GALLERY_STATE', `subject ordinal ${ordinal} is out of range`);
    if (this.#ordinalOf.has(referenceId) || this.#referenceIds.has(ordinal)) throw new EngineError('ERR_GALLERY_STATE', `subject "${referenceId}" is already in the gallery`);
    if (templates.length === 0) throw new EngineError('ERR_GALLERY_STATE', `subject "${referenceId}" has no template to scan`);
    const bytes = templates.reduce((s, t) => s + t.bytes.length + 16, 0);
    let shard = this.#shards.length - 1;
    if (shard < 0 || !this.#shards[shard].fits(templates.length, bytes)) {
      this.#shards.push(this.#newArena());
      shard = this.#shards.length - 1;
    }
    const range = this.#shards[shard].appendSubject(ordinal, templates);
    this.#referenceIds.set(ordinal, referenceId);
    this.#locations.set(ordinal, { shard, ...range });
    this.#ordinalOf.set(referenceId, ordinal);
    this.#templates += templates.length;
    return ordinal;
  }

  /** Tombstones a subject; compacts its shard when tombstones pass the configured share. */
  remove(referenceId: string): boolean {
    const ordinal = this.#ordinalOf.get(referenceId);
    if (ordinal === undefined) return false;
    const location = this.#locations.get(ordinal)!;
    const arena = this.#shards[location.shard];
    arena.tombstone(location);
    this.#ordinalOf.delete(referenceId);
    this.#referenceIds.delete(ordinal);
    this.#locations.delete(ordinal);
    this.#templates -= location.slotCount;
    if (arena.tombstones >= this.#options.compactAtTombstoneShare * arena.slotCount) this.compact(location.shard);
    return true;
  }

  /**
   * Rewrites a shard without its tombstones into a fresh arena and swaps it in. Scans already
   * dispatched keep the old memory (their task holds it) and still return valid ordinals.
   */
  compact(shard: number): void {
    const old = this.#shards[shard];
    const fresh = this.#newArena();
    for (let slot = 0; slot < old.slotCount;) {
      const ordinal = old.slotSubject(slot);
      const location = this.#locations.get(ordinal);
      if (location === undefined || location.shard !== shard || location.firstSlot !== slot) {
        slot++;
        continue;
      }
      const templates: ArenaTemplate[] = [];
      for (let s = slot; s < slot + location.slotCount; s++) {
        const tag = old.slotTag(s);
        templates.push({ modality: tag & 0xff, position: (tag >>> 8) & 0xff, bytes: old.templateView(s), vector: old.vectorOf(s) });
      }
      this.#locations.set(ordinal, { shard, ...fresh.appendSubject(ordinal, templates) });
      slot += location.slotCount;
    }
    this.#shards[shard] = fresh;
  }

  /** Splits the published slots into about `pieces` ranges of similar size (for the pool). */
  scanRanges(pieces: number): ScanRange[] {
    const total = this.#shards.reduce((s, a) => s + a.slotCount, 0);
    const target = Math.max(256, Math.ceil(total / Math.max(1, pieces)));
    const ranges: ScanRange[] = [];
    this.#shards.forEach((arena, shard) => {
      const slotCount = arena.slotCount;
      for (let from = 0; from < slotCount; from += target) {
        ranges.push({ shard, arena, slotFrom: from, slotTo: Math.min(slotCount, from + target), slotCount });
      }
    });
    return ranges;
  }

  #newArena(): ShardArena {
    const { shardCapacity, maxTemplateBytes, fingerResidency } = this.#options;
    // start with room for ~1/8 of the shard at a typical 5 KiB template; grows on demand
    return new ShardArena(shardCapacity, Math.min(shardCapacity * 5120, 64 << 20) / 8, maxTemplateBytes, fingerResidency ?? 'full');
  }
}
