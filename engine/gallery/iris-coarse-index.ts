/**
 * The coarse first pass of iris 1:N, main-thread side. Beside the shards (so the shard layout
 * and the full scan need no change) it keeps one row per subject holding irises: the coarse
 * entries of its right and left eye (matchers-wasm/iris/coarse.ts, 128 bytes each), in shared
 * blocks the pool workers scan (iris-coarse-scan.ts). Rows follow the gallery: new subjects are
 * added before a search, a deleted subject's row is marked dead (−1) and skipped, and the rows
 * are rebuilt when a quarter of them are dead.
 *
 * A search with iris-only probes gets the subjects any probe eye ranks in its best share, and
 * the engine scores those with the full rotation search. The exact fallback (null: search
 * exhaustively) when: the probe carries fingers, a probe eye has too few usable coarse bits,
 * the gallery is small (unless the caller asks for the coarse pass), or the caller asks for an
 * exhaustive search. Every rule's constant is in matchers-wasm/iris/params.ts.
 */
import { IrisCoarseKernel } from '../iris-coarse.ts';
import type { Gallery } from './gallery.ts';
import type { ScanPool } from './scan-pool.ts';
import type { ScanProbe } from './scan-task.ts';
import { MODALITY_IRIS } from './shard-layout.ts';
import type { IrisCoarseProbe, IrisCoarseTask } from './iris-coarse-task.ts';

/** Rows per shared block (16 MiB of entries at 256 bytes a row). */
export const ROWS_PER_BLOCK = 65536;
/** Rebuild the rows when this share of them belongs to deleted subjects. */
const REBUILD_DEAD_SHARE = 0.25;

export interface IrisCoarseRules {
  /** Share of the gallery's subjects each probe eye keeps (0–1). */
  readonly keepShare: number;
  /** Coarse similarity that keeps a subject whatever its rank. */
  readonly sureSimilarity: number;
  /** Fewer usable coarse bits than this share of the coarse code in any probe eye: exhaustive. */
  readonly minProbeShare: number;
  /** Smaller galleries are searched exhaustively unless the caller asks for the coarse pass. */
  readonly minGallery: number;
  readonly coarseBits: number;
}

interface Block {
  readonly rows: SharedArrayBuffer;
  readonly ordinals: SharedArrayBuffer;
  used: number;
}

/** Whether a probe is for the coarse pass at all: irises only. */
export function irisOnly(probe: ScanProbe): boolean {
  return probe.modalities.length > 0 && probe.modalities.every((m) => m === MODALITY_IRIS);
}

export interface IrisCoarseOutcome {
  /** Subjects for the full search. */
  readonly ordinals: number[];
  /** Live rows the coarse pass compared. */
  readonly scanned: number;
}

export class IrisCoarseIndex {
  readonly rules: IrisCoarseRules;
  readonly #kernel = new IrisCoarseKernel(0);
  #blocks: Block[] = [];
  #rows = 0;
  #dead = 0;
  #lastOrdinal = -1;
  #seenSize = 0;
  #seenHeap = 0;
  readonly #entry = new Uint8Array(1024);

  /** `rules`: the kernel's params.ts unless given (tests and experiments). */
  constructor(rules?: IrisCoarseRules) {
    this.rules = rules ?? this.#kernel.rules();
  }

  /** Live subjects with a row. */
  get size(): number { return this.#rows - this.#dead; }
  /** Shared bytes held by the rows (entries and ordinals). */
  get memoryBytes(): number { return this.#blocks.reduce((s, b) => s + b.rows.byteLength + b.ordinals.byteLength, 0); }

  /**
   * The subjects to score fully, or null for an exhaustive search (see the file comment).
   * `forced`: the caller asked for the coarse pass (mode 'prefilter'), whatever the gallery size.
   */
  async candidates(gallery: Gallery, pool: ScanPool, threads: number, probe: ScanProbe, forced: boolean): Promise<IrisCoarseOutcome | null> {
    if (!irisOnly(probe)) return null;
    if (!forced && gallery.size < this.rules.minGallery) return null;
    const eyes: IrisCoarseProbe[] = [];
    for (let c = 0; c < probe.templates.length; c++) {
      const usable = this.#kernel.entryOf(probe.templates[c], this.#entry);
      if (usable < this.rules.minProbeShare * this.rules.coarseBits) return null; // a poor probe eye: exact fallback
      eyes.push({ side: probe.positions[c], template: probe.templates[c] });
    }
    this.sync(gallery);
    const pieces = Math.max(1, threads * 2);
    const piece = Math.max(4096, Math.ceil(this.#rows / pieces));
    const tasks: IrisCoarseTask[] = [];
    for (const block of this.#blocks) {
      for (let from = 0; from < block.used; from += piece) {
        tasks.push({
          kind: 'iris-coarse', rows: block.rows, ordinals: block.ordinals, from, to: Math.min(block.used, from + piece),
          probes: eyes, keepShare: this.rules.keepShare, sureSimilarity: this.rules.sureSimilarity,
        });
      }
    }
    const results = await Promise.all(tasks.map((t) => pool.scanIrisCoarse(t)));
    const ordinals: number[] = [];
    let scanned = 0;
    for (const r of results) {
      scanned += r.scanned;
      for (const o of r.subjects) ordinals.push(o);
    }
    return { ordinals, scanned };
  }

  /** Brings the rows up to date with the gallery (main thread; cheap when nothing changed). */
  sync(gallery: Gallery): void {
    // every insert grows some shard's heap: same size and heap = nothing to do
    if (gallery.size === this.#seenSize && gallery.heapBytes === this.#seenHeap) return;
    if (this.#dead > REBUILD_DEAD_SHARE * Math.max(1, this.#rows)) this.#reset();
    const previousLast = this.#lastOrdinal;
    let added = 0;
    for (const ordinal of gallery.ordinals()) {
      if (ordinal <= previousLast) continue;
      added++;
      if (ordinal > this.#lastOrdinal) this.#lastOrdinal = ordinal;
      const irises = gallery.templatesOf(ordinal, MODALITY_IRIS);
      if (irises.length > 0) this.#append(ordinal, irises);
    }
    // fewer subjects than before plus the new ones: some were deleted, mark their rows
    if (gallery.size < this.#seenSize + added) this.#markDead(gallery);
    this.#seenSize = gallery.size;
    this.#seenHeap = gallery.heapBytes;
  }

  #append(ordinal: number, irises: readonly { position: number; bytes: Uint8Array }[]): void {
    let block = this.#blocks[this.#blocks.length - 1];
    if (block === undefined || block.used === ROWS_PER_BLOCK) {
      block = { rows: new SharedArrayBuffer(ROWS_PER_BLOCK * 2 * this.#kernel.entryBytes), ordinals: new SharedArrayBuffer(ROWS_PER_BLOCK * 4), used: 0 };
      new Int32Array(block.ordinals).fill(-1);
      this.#blocks.push(block);
    }
    const entry = this.#kernel.entryBytes;
    const rows = new Uint8Array(block.rows);
    for (const { position, bytes } of irises) {
      // side code 1 = right (first entry), 2 = left (second); a template of unknown side is not stored by the engine
      const side = position === 2 ? 1 : 0;
      this.#kernel.entryOf(bytes, rows, (block.used * 2 + side) * entry);
    }
    new Int32Array(block.ordinals)[block.used++] = ordinal;
    this.#rows++;
  }

  #markDead(gallery: Gallery): void {
    for (const block of this.#blocks) {
      const ordinals = new Int32Array(block.ordinals);
      for (let i = 0; i < block.used; i++) {
        if (ordinals[i] >= 0 && gallery.locate(ordinals[i]) === undefined) {
          ordinals[i] = -1;
          this.#dead++;
        }
      }
    }
  }

  #reset(): void {
    this.#blocks = [];
    this.#rows = 0;
    this.#dead = 0;
    this.#lastOrdinal = -1;
    this.#seenSize = 0;
    this.#seenHeap = 0;
  }
}
