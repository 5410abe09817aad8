/**
 * The default prefilter: an exact scan of every finger's packed sign vector, kept in the shard
 * memory beside its template, by the pool's SIMD bit-agreement kernel. Measured against hnswlib
 * on this workload (bench/prefilter-recall.ts, 2 shared cores): the recall the 1:N target needs
 * takes about 5 % of the gallery per finger, where an hnsw search costs more than the scan
 * (its ef must be at least k) and its build ran at ~300 inserts/s (≈ 1 h for 1M fingers);
 * the scan needs no build beyond the vectors and loses nothing to approximation.
 */
import { EngineError } from '../errors.ts';
import type { Gallery } from './gallery.ts';
import type { ScanPool } from './scan-pool.ts';
import { quantiseQuery, vectorOfTemplateBytes } from './vector-quantise.ts';
import type { VectorQuery } from './scan-task.ts';
import type { TemplateKey } from '../store/index.ts';
import { loadVectorCache, saveVectorCache } from './vector-cache.ts';
import type { EngineLogger } from './engine-types.ts';

/** Where the vectors are saved between runs (vector-cache.ts), sealed with the template key. */
export interface VectorCacheOptions {
  readonly dir: string;
  readonly key: TemplateKey;
  /** Told when a saved file cannot be used (it is then recomputed, not silently dropped). */
  readonly logger?: EngineLogger;
}

export interface FlatProbeFinger {
  readonly position: number;
  readonly template: Uint8Array;
}

export class FlatPrefilter {
  readonly #gallery: Gallery;
  readonly #pool: ScanPool;
  readonly #threads: number;
  readonly #cache: VectorCacheOptions | undefined;
  /** Vectors copied from the saved cache at start. */
  readonly cachedVectors: number;
  /** Resolves when every shard slot loaded at start has its vector (from the cache, else computed by the pool). */
  readonly ready: Promise<number>;

  /** `fill`: computes the vectors the cache lacks instead of the pool (the coarse residency: finger-tier.ts). */
  constructor(gallery: Gallery, pool: ScanPool, threads: number, cache?: VectorCacheOptions, fill?: () => Promise<number>) {
    this.#gallery = gallery;
    this.#pool = pool;
    this.#threads = threads;
    this.#cache = cache;
    this.cachedVectors = cache === undefined ? 0 : loadVectorCache(cache.dir, cache.key, gallery, cache.logger);
    this.ready = fill !== undefined ? fill() : Promise.all(gallery.scanRanges(threads * 4).map((r) => pool.vectorize({ kind: 'vectorize', memory: r.arena.memory, slotFrom: r.slotFrom, slotTo: r.slotTo })))
      .then((counts) => counts.reduce((a, b) => a + b, 0));
    this.ready.catch(() => {}); // surfaced by candidates(), which awaits it
  }

  /** Saves the shards' vectors for the next start (at close); returns how many. */
  saveCache(): number {
    return this.#cache === undefined ? 0 : saveVectorCache(this.#cache.dir, this.#cache.key, this.#gallery);
  }

  /**
   * The subjects kept for a probe: the `keep` whose fingers are jointly the most similar to the
   * probe's (the sum over probe fingers of the standardised vector similarity of the subject's
   * finger of that position). A mate is rarely far down on every finger at once, so ranking
   * subjects jointly keeps mates at a far smaller share than keeping the best per finger.
   * Returns ordinal → bit mask with the one probe finger (index in `fingers`) whose vector
   * ranked the subject highest: the finger to compare first. Null when a probe finger has no
   * usable vector.
   */
  async candidates(fingers: readonly FlatProbeFinger[], keep: number): Promise<{ kept: Map<number, number>; busyMs: number } | null> {
    const scan = await this.keptByRange(fingers, keep);
    if (scan === null) return null;
    const kept = new Map<number, number>();
    for (const { subjects, bestQuery } of scan.ranges) {
      for (let i = 0; i < subjects.length; i++) kept.set(subjects[i], 1 << bestQuery[i]);
    }
    return { kept, busyMs: scan.busyMs };
  }

  /**
   * The same choice as `candidates`, left as the scan found it: per scanned range, the kept
   * subjects in slot order with their slots, so the re-scoring can go straight to the shard
   * memory in order, without a directory lookup per subject.
   */
  async keptByRange(fingers: readonly FlatProbeFinger[], keep: number): Promise<{ ranges: KeptRange[]; busyMs: number } | null> {
    const queries: VectorQuery[] = [];
    for (const f of fingers) {
      const query = quantiseQuery(vectorOfTemplateBytes(f.template));
      if (query === undefined) return null;
      queries.push({ position: f.position, query });
    }
    if (queries.length === 0) return null;
    await this.ready;
    const keepShare = Math.min(1, keep / Math.max(1, this.#gallery.size));
    const scanRanges = this.#gallery.scanRanges(this.#threads * 2);
    const results = await Promise.all(scanRanges.map((r) => this.#pool.scanVectors({
      kind: 'vectors', memory: r.arena.memory, slotCount: r.slotCount, slotFrom: r.slotFrom, slotTo: r.slotTo, queries, keepShare,
    })));
    let n = 0, busyMs = 0;
    for (const r of results) { n += r.joint.length; busyMs += r.busyMs ?? 0; }
    // the keep-th best joint score over all tasks (a native numeric sort of one float array)
    const all = new Float32Array(n);
    let at = 0;
    for (const r of results) {
      all.set(r.joint, at);
      at += r.joint.length;
    }
    all.sort();
    const threshold = n > keep ? all[n - keep] : Number.NEGATIVE_INFINITY;
    const ranges = results.map((r, t): KeptRange => {
      let count = 0;
      for (let i = 0; i < r.joint.length; i++) if (r.joint[i] >= threshold) count++;
      const out: KeptRange = {
        memory: scanRanges[t].arena.memory, publishedSlots: scanRanges[t].slotCount,
        subjects: new Uint32Array(count), firstSlot: new Uint32Array(count), slotCount: new Uint16Array(count), bestQuery: new Uint8Array(count),
      };
      for (let i = 0, j = 0; i < r.joint.length; i++) {
        if (r.joint[i] < threshold) continue;
        out.subjects[j] = r.subjects[i]; out.firstSlot[j] = r.firstSlot[i]; out.slotCount[j] = r.slotCount[i]; out.bestQuery[j] = r.bestQuery[i];
        j++;
      }
      return out;
    });
    return { ranges, busyMs };
  }
}

/** The subjects one vector scan task kept, in slot order, with where they sit in its shard. */
export interface KeptRange {
  readonly memory: WebAssembly.Memory;
  /** The shard's published slot count when the range was scanned. */
  readonly publishedSlots: number;
  readonly subjects: Uint32Array;
  readonly firstSlot: Uint32Array;
  readonly slotCount: Uint16Array;
  /** Per subject, the index (in the probe's fingers) of the finger its vector ranked highest. */
  readonly bestQuery: Uint8Array;
}

/** The prefilter's `dimension` signs must pack into the shards' `expectedBytes` per vector (vector-quantise.ts). */
export function checkVectorDimension(dimension: number, expectedBytes: number): void {
  if (dimension !== expectedBytes * 8) throw new EngineError('ERR_GALLERY_CONFIG', `prefilter vectors have ${dimension} signs, the shards hold ${expectedBytes} bytes (${expectedBytes * 8} signs) each`);
}
