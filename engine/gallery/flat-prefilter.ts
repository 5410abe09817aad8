/**
 * The default prefilter: an exact scan of every finger's quantised vector, kept in the shard
 * memory beside its template, by the pool's SIMD dot-product kernel. Measured against hnswlib
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

export interface FlatProbeFinger {
  readonly position: number;
  readonly template: Uint8Array;
}

export class FlatPrefilter {
  readonly #gallery: Gallery;
  readonly #pool: ScanPool;
  readonly #threads: number;
  /** Resolves when every shard slot loaded at start has its vector (filled by the pool). */
  readonly ready: Promise<number>;

  constructor(gallery: Gallery, pool: ScanPool, threads: number) {
    this.#gallery = gallery;
    this.#pool = pool;
    this.#threads = threads;
    this.ready = Promise.all(gallery.scanRanges(threads * 4).map((r) => pool.vectorize({ kind: 'vectorize', memory: r.arena.memory, slotFrom: r.slotFrom, slotTo: r.slotTo })))
      .then((counts) => counts.reduce((a, b) => a + b, 0));
    this.ready.catch(() => {}); // surfaced by candidates(), which awaits it
  }

  /**
   * The subjects kept for a probe: per probe finger, the ~k fingers of its position with the most
   * similar vectors. Returns ordinal → bit mask of the probe fingers (by index in `fingers`)
   * that kept it; null when a probe finger has no usable vector.
   */
  async candidates(fingers: readonly FlatProbeFinger[], k: number): Promise<Map<number, number> | null> {
    const queries: VectorQuery[] = [];
    for (const f of fingers) {
      const query = quantiseQuery(vectorOfTemplateBytes(f.template));
      if (query === undefined) return null;
      queries.push({ position: f.position, query });
    }
    if (queries.length === 0) return null;
    await this.ready;
    const results = await Promise.all(this.#gallery.scanRanges(this.#threads * 2).map((r) => this.#pool.scanVectors({
      kind: 'vectors', memory: r.arena.memory, slotCount: r.slotCount, slotFrom: r.slotFrom, slotTo: r.slotTo, queries, k,
    })));
    const kept = new Map<number, number>();
    queries.forEach((_, q) => {
      let n = 0;
      for (const r of results) n += r.kept[q].similarities.length;
      // the k-th best similarity over all tasks (a native numeric sort of one float array)
      const all = new Float32Array(n);
      let at = 0;
      for (const r of results) {
        all.set(r.kept[q].similarities, at);
        at += r.kept[q].similarities.length;
      }
      all.sort();
      const threshold = n > k ? all[n - k] : Number.NEGATIVE_INFINITY;
      for (const r of results) {
        const { subjects, similarities } = r.kept[q];
        for (let i = 0; i < subjects.length; i++) {
          if (similarities[i] >= threshold) kept.set(subjects[i], (kept.get(subjects[i]) ?? 0) | (1 << q));
        }
      }
    });
    return kept;
  }
}

export function checkVectorDimension(dimension: number, expected: number): void {
  if (dimension !== expected) throw new EngineError('ERR_GALLERY_CONFIG', `prefilter vectors have ${dimension} values, the shards hold ${expected}`);
}
