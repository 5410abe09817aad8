/**
 * The worker side of the vector prefilter: an exact scan of a slot range's int8 vectors with the
 * SIMD dot-product kernel (build/vectors.wasm), keeping about the k best per query by a
 * histogram threshold (O(n), no sort of the whole range); and the fill of missing vectors.
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors.ts';
import { instantiateKernel } from '../wasm-module.ts';
import { FLAG_TOMBSTONE, HEADER_WORDS, MODALITY_FINGER, SLOT_WORDS, S_LENGTH, S_OFFSET, S_SUBJECT, S_TAG, VECTOR_DIM, scaleTableStart, vectorTableStart } from './shard-layout.ts';
import { quantiseVector, vectorOfTemplateBytes } from './vector-quantise.ts';
import type { VectorScanResult, VectorScanTask, VectorizeTask } from './scan-task.ts';

interface VectorKernel {
  memory: WebAssembly.Memory;
  allocate(bytes: number): number;
  dotMany(query: number, base: number, count: number, dim: number, scores: number): void;
}

const BATCH = 4096;
/** Similarity histogram for the threshold: gallery-scaled dots span about ±(8191 · 1). */
const BINS = 8192;

export class VectorScanner {
  readonly #kernel: VectorKernel;
  readonly #queryPtr: number;
  readonly #batchPtr: number;
  readonly #scoresPtr: number;
  readonly #histogram = new Uint32Array(BINS);

  constructor() {
    this.#kernel = instantiateKernel<VectorKernel>(fileURLToPath(new URL('../../build/vectors.wasm', import.meta.url)), 'vector kernel');
    this.#queryPtr = this.#kernel.allocate(VECTOR_DIM * 2 + 16);
    this.#batchPtr = this.#kernel.allocate(BATCH * VECTOR_DIM + 16);
    this.#scoresPtr = this.#kernel.allocate(BATCH * 4);
  }

  scan(task: VectorScanTask): VectorScanResult {
    const capacity = new Int32Array(task.memory.buffer, 0, HEADER_WORDS)[4];
    const words = new Int32Array(task.memory.buffer);
    const vectors = new Uint8Array(task.memory.buffer, vectorTableStart(capacity), capacity * VECTOR_DIM);
    const scales = new Float32Array(task.memory.buffer, scaleTableStart(capacity), capacity);
    const from = Math.max(0, task.slotFrom), to = Math.min(task.slotTo, task.slotCount);
    const n = Math.max(0, to - from);
    for (const { query } of task.queries) {
      if (query.length !== VECTOR_DIM) throw new EngineError('ERR_SCAN_TASK', `a vector query has ${VECTOR_DIM} values`);
    }
    const similarity = task.queries.map(() => new Float32Array(n));
    // one copy of each batch of vectors serves every query
    for (let b = 0; b < n; b += BATCH) {
      const count = Math.min(BATCH, n - b);
      const first = from + b;
      new Uint8Array(this.#kernel.memory.buffer, this.#batchPtr, count * VECTOR_DIM).set(vectors.subarray(first * VECTOR_DIM, (first + count) * VECTOR_DIM));
      task.queries.forEach(({ position, query }, q) => {
        new Int16Array(this.#kernel.memory.buffer, this.#queryPtr, VECTOR_DIM).set(query);
        this.#kernel.dotMany(this.#queryPtr, this.#batchPtr, count, VECTOR_DIM, this.#scoresPtr);
        const dots = new Int32Array(this.#kernel.memory.buffer, this.#scoresPtr, count);
        const out = similarity[q];
        for (let j = 0; j < count; j++) {
          const slot = first + j;
          const tag = Atomics.load(words, HEADER_WORDS + slot * SLOT_WORDS + S_TAG);
          const usable = scales[slot] !== 0 && (tag & 0xff) === MODALITY_FINGER && ((tag >>> 16) & FLAG_TOMBSTONE) === 0
            && (position === 0 || ((tag >>> 8) & 0xff) === position);
          out[b + j] = usable ? dots[j] * scales[slot] : Number.NEGATIVE_INFINITY;
        }
      });
    }
    const kept = similarity.map((s) => this.#keepBest(words, from, s, task.k));
    return { kept };
  }

  /** Fills the vectors of finger slots that have none (shard rebuilt from the store). */
  vectorize(task: VectorizeTask): number {
    const capacity = new Int32Array(task.memory.buffer, 0, HEADER_WORDS)[4];
    const words = new Int32Array(task.memory.buffer);
    const bytes = new Uint8Array(task.memory.buffer);
    const vectors = new Int8Array(task.memory.buffer, vectorTableStart(capacity), capacity * VECTOR_DIM);
    const scales = new Float32Array(task.memory.buffer, scaleTableStart(capacity), capacity);
    let filled = 0;
    for (let slot = task.slotFrom; slot < task.slotTo; slot++) {
      const w = HEADER_WORDS + slot * SLOT_WORDS;
      if ((words[w + S_TAG] & 0xff) !== MODALITY_FINGER || scales[slot] !== 0) continue;
      const q = quantiseVector(vectorOfTemplateBytes(bytes.subarray(words[w + S_OFFSET], words[w + S_OFFSET] + words[w + S_LENGTH])));
      if (q === undefined) continue;
      vectors.set(q.values, slot * VECTOR_DIM);
      scales[slot] = q.scale;
      filled++;
    }
    return filled;
  }

  /** About the k best (ties at the threshold bin included), as subject ordinals. */
  #keepBest(words: Int32Array, from: number, similarity: Float32Array, k: number): { subjects: Uint32Array; similarities: Float32Array } {
    let lo = Infinity, hi = -Infinity, usable = 0;
    for (const s of similarity) if (s !== Number.NEGATIVE_INFINITY) { lo = Math.min(lo, s); hi = Math.max(hi, s); usable++; }
    let threshold = lo;
    if (usable > k && hi > lo) {
      const h = this.#histogram.fill(0);
      const width = (hi - lo) / BINS;
      for (const s of similarity) if (s !== Number.NEGATIVE_INFINITY) h[Math.min(BINS - 1, Math.floor((s - lo) / width))]++;
      let count = 0, bin = BINS - 1;
      for (; bin > 0; bin--) {
        count += h[bin];
        if (count >= k) break;
      }
      threshold = lo + bin * width;
    }
    const subjects: number[] = [], similarities: number[] = [];
    similarity.forEach((s, i) => {
      if (s !== Number.NEGATIVE_INFINITY && s >= threshold) {
        subjects.push(words[HEADER_WORDS + (from + i) * SLOT_WORDS + S_SUBJECT]);
        similarities.push(s);
      }
    });
    return { subjects: Uint32Array.from(subjects), similarities: Float32Array.from(similarities) };
  }
}
