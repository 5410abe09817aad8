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
   * The subject ordinals kept for a probe: per probe finger, the ~k fingers of its position with
   * the most similar vectors, united. null when a probe finger has no usable vector.
   */
  async candidates(fingers: readonly FlatProbeFinger[], k: number): Promise<Set<number> | null> {
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
    const kept = new Set<number>();
    queries.forEach((_, q) => {
      let n = 0;
      for (const r of results) n += r.kept[q].subjects.length;
      const subjects = new Uint32Array(n), similarities = new Float32Array(n);
      let at = 0;
      for (const r of results) {
        subjects.set(r.kept[q].subjects, at);
        similarities.set(r.kept[q].similarities, at);
        at += r.kept[q].subjects.length;
      }
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => similarities[b] - similarities[a]);
      for (let i = 0; i < Math.min(k, n); i++) kept.add(subjects[order[i]]);
    });
    return kept;
  }
}

export function checkVectorDimension(dimension: number, expected: number): void {
  if (dimension !== expected) throw new EngineError('ERR_GALLERY_CONFIG', `prefilter vectors have ${dimension} values, the shards hold ${expected}`);
}
