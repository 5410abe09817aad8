/**
 * The worker side of the vector prefilter: an exact scan of a slot range's packed sign vectors
 * with the SIMD bit-agreement kernel (build/vectors.wasm), a joint score per subject over the probe's
 * fingers, the best share kept by a histogram threshold (O(n), no sort of the whole range); and
 * the fill of missing vectors.
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors.ts';
import { instantiateKernel } from '../wasm-module.ts';
import { FLAG_TOMBSTONE, HEADER_WORDS, H_RESIDENCY, RESIDENCY_COARSE, MODALITY_FINGER, SLOT_WORDS, S_LENGTH, S_OFFSET, S_SUBJECT, S_TAG, VECTOR_DIM, scaleTableStart, vectorTableStart, wholeSubjects } from './shard-layout.ts';
import { quantiseVector, vectorOfTemplateBytes } from './vector-quantise.ts';
import { GALLERY_PARAMS } from './params.ts';
import { MAX_PROBE_COLUMNS } from './scan-comparators.ts';
import type { VectorScanResult, VectorScanTask, VectorizeTask } from './scan-task.ts';

interface VectorKernel {
  memory: WebAssembly.Memory;
  allocate(bytes: number): number;
  agreementMany(query: number, base: number, count: number, bytes: number, scores: number): void;
  agreementSelected(queries: number, selected: number, base: number, count: number, bytes: number, scores: number): void;
}

const BATCH = 4096;

interface ScanStatistics { readonly sum: Float64Array; readonly squares: Float64Array; readonly count: Float64Array }
/** Joint-score histogram for the keep threshold (bins). */
const BINS = 4096;

export class VectorScanner {
  readonly #kernel: VectorKernel;
  readonly #queryPtr: number;
  /** All queries of a scan side by side, and per batch slot the query it meets (255: none). */
  readonly #queriesPtr: number;
  readonly #selectedPtr: number;
  readonly #batchPtr: number;
  readonly #scoresPtr: number;
  readonly #histogram = new Uint32Array(BINS);
  // per-scan working arrays, grown to the largest range seen and reused (a scan covers a shard's worth of slots)
  #similarity = new Float32Array(0);
  #subjects = new Uint32Array(0);
  #joint = new Float32Array(0);
  #bestQuery = new Uint8Array(0);
  #firstSlot = new Uint32Array(0);
  #slotCount = new Uint16Array(0);

  constructor() {
    this.#kernel = instantiateKernel<VectorKernel>(fileURLToPath(new URL('../../build/vectors.wasm', import.meta.url)), 'vector kernel');
    this.#queryPtr = this.#kernel.allocate(VECTOR_DIM + 16);
    this.#queriesPtr = this.#kernel.allocate(MAX_PROBE_COLUMNS * VECTOR_DIM + 16);
    this.#selectedPtr = this.#kernel.allocate(BATCH + 16);
    this.#batchPtr = this.#kernel.allocate(BATCH * VECTOR_DIM + 16);
    this.#scoresPtr = this.#kernel.allocate(BATCH * 4);
  }

  scan(task: VectorScanTask): VectorScanResult {
    for (const { query } of task.queries) {
      if (query.length !== VECTOR_DIM) throw new EngineError('ERR_SCAN_TASK', `a vector query has ${VECTOR_DIM} bytes`);
    }
    if (task.queries.length === 0 || task.queries.length > MAX_PROBE_COLUMNS) throw new EngineError('ERR_SCAN_TASK', `a vector scan takes 1–${MAX_PROBE_COLUMNS} queries`);
    const capacity = new Int32Array(task.memory.buffer, 0, HEADER_WORDS)[4];
    // Plain reads: the slots up to task.slotCount were published (Atomics) before the task was
    // posted; a tombstone racing with the scan may or may not be seen, both are correct.
    const words = new Int32Array(task.memory.buffer);
    const slotCount = Math.min(task.slotCount, capacity);
    const { from, to } = wholeSubjects(words, Math.max(0, task.slotFrom), Math.min(task.slotTo, slotCount), slotCount);
    const n = Math.max(0, to - from);
    const similarity = this.#similarities(task, words, capacity, from, n);
    return this.#keepBest(words, from, n, similarity, task.queries.length, task.keepShare);
  }

  /**
   * Per query q, slot j: the standardised similarity (agreement × gallery scale − mean) / std at
   * [q·n + j], NaN where the slot is not a usable finger of the query's position. The mean and
   * std are those of the range's usable fingers: an impostor population, mates being rare.
   */
  #similarities(task: VectorScanTask, words: Int32Array, capacity: number, from: number, n: number): Float32Array {
    const nq = task.queries.length;
    if (this.#similarity.length < nq * n) this.#similarity = new Float32Array(nq * n);
    const out = this.#similarity.subarray(0, nq * n).fill(Number.NaN);
    const sum = new Float64Array(nq), squares = new Float64Array(nq), count = new Float64Array(nq);
    const stats = { sum, squares, count };
    // each gallery finger meets only the probe finger of its position: one kernel pass when the
    // probe's positions are distinct and named (else every query scans every slot)
    const positions = task.queries.map((q) => q.position);
    const distinct = positions.every((p) => p !== 0) && new Set(positions).size === nq;
    if (distinct) this.#scanSelected(task, words, capacity, from, n, out, stats);
    else this.#scanEach(task, words, capacity, from, n, out, stats);
    for (let q = 0; q < nq; q++) {
      const mean = count[q] > 0 ? sum[q] / count[q] : 0;
      const variance = count[q] > 1 ? squares[q] / count[q] - mean * mean : 0;
      const inverseStd = variance > 0 ? 1 / Math.sqrt(variance) : 1;
      for (let j = q * n, end = j + n; j < end; j++) out[j] = (out[j] - mean) * inverseStd; // NaN stays NaN
    }
    return out;
  }

  /** Every query against every slot of the range (a query of position 0, or two of one position). */
  #scanEach(task: VectorScanTask, words: Int32Array, capacity: number, from: number, n: number, out: Float32Array, stats: ScanStatistics): void {
    const vectors = new Uint8Array(task.memory.buffer, vectorTableStart(capacity), capacity * VECTOR_DIM);
    const scales = new Float32Array(task.memory.buffer, scaleTableStart(capacity), capacity);
    // one copy of each batch of vectors serves every query
    for (let b = 0; b < n; b += BATCH) {
      const batch = Math.min(BATCH, n - b);
      const first = from + b;
      new Uint8Array(this.#kernel.memory.buffer, this.#batchPtr, batch * VECTOR_DIM).set(vectors.subarray(first * VECTOR_DIM, (first + batch) * VECTOR_DIM));
      for (let q = 0; q < task.queries.length; q++) {
        const { position, query } = task.queries[q];
        new Uint8Array(this.#kernel.memory.buffer, this.#queryPtr, VECTOR_DIM).set(query);
        this.#kernel.agreementMany(this.#queryPtr, this.#batchPtr, batch, VECTOR_DIM, this.#scoresPtr);
        const dots = new Int32Array(this.#kernel.memory.buffer, this.#scoresPtr, batch);
        const row = q * n + b;
        let s = 0, s2 = 0, c = 0;
        for (let j = 0; j < batch; j++) {
          const slot = first + j;
          const tag = words[HEADER_WORDS + slot * SLOT_WORDS + S_TAG];
          const scale = scales[slot];
          if (scale === 0 || (tag & 0xff) !== MODALITY_FINGER || ((tag >>> 16) & FLAG_TOMBSTONE) !== 0) continue;
          if (position !== 0 && ((tag >>> 8) & 0xff) !== position) continue;
          const v = dots[j] * scale;
          out[row + j] = v;
          s += v; s2 += v * v; c++;
        }
        stats.sum[q] += s; stats.squares[q] += s2; stats.count[q] += c;
      }
    }
  }

  /** Each usable slot against the one query of its position, in one kernel pass per batch. */
  #scanSelected(task: VectorScanTask, words: Int32Array, capacity: number, from: number, n: number, out: Float32Array, stats: ScanStatistics): void {
    const vectors = new Uint8Array(task.memory.buffer, vectorTableStart(capacity), capacity * VECTOR_DIM);
    const scales = new Float32Array(task.memory.buffer, scaleTableStart(capacity), capacity);
    const queryOf = new Int16Array(256).fill(-1);
    task.queries.forEach(({ position, query }, q) => {
      queryOf[position & 0xff] = q;
      new Uint8Array(this.#kernel.memory.buffer, this.#queriesPtr + q * VECTOR_DIM, VECTOR_DIM).set(query);
    });
    const { sum, squares, count } = stats;
    for (let b = 0; b < n; b += BATCH) {
      const batch = Math.min(BATCH, n - b);
      const first = from + b;
      new Uint8Array(this.#kernel.memory.buffer, this.#batchPtr, batch * VECTOR_DIM).set(vectors.subarray(first * VECTOR_DIM, (first + batch) * VECTOR_DIM));
      const selected = new Uint8Array(this.#kernel.memory.buffer, this.#selectedPtr, batch);
      for (let j = 0; j < batch; j++) {
        const slot = first + j;
        const tag = words[HEADER_WORDS + slot * SLOT_WORDS + S_TAG];
        const usable = scales[slot] !== 0 && (tag & 0xff) === MODALITY_FINGER && ((tag >>> 16) & FLAG_TOMBSTONE) === 0;
        const q = usable ? queryOf[(tag >>> 8) & 0xff] : -1;
        selected[j] = q < 0 ? 255 : q;
      }
      this.#kernel.agreementSelected(this.#queriesPtr, this.#selectedPtr, this.#batchPtr, batch, VECTOR_DIM, this.#scoresPtr);
      const dots = new Int32Array(this.#kernel.memory.buffer, this.#scoresPtr, batch);
      for (let j = 0; j < batch; j++) {
        const q = selected[j];
        if (q === 255) continue;
        const v = dots[j] * scales[first + j];
        out[q * n + b + j] = v;
        sum[q] += v; squares[q] += v * v; count[q]++;
      }
    }
  }

  /**
   * Joint score per subject (Σ over queries of its best standardised finger similarity for that
   * query, a finger it lacks adding 0, the impostors' mean; plus prefilterMaxWeight × the largest), and about keepShare of the subjects,
   * the best, by a histogram threshold (O(n), no sort).
   */
  #keepBest(words: Int32Array, from: number, n: number, similarity: Float32Array, nq: number, keepShare: number): VectorScanResult {
    if (this.#subjects.length < n) {
      this.#subjects = new Uint32Array(n);
      this.#joint = new Float32Array(n);
      this.#bestQuery = new Uint8Array(n);
      this.#firstSlot = new Uint32Array(n);
      this.#slotCount = new Uint16Array(n);
    }
    const maxWeight = GALLERY_PARAMS.prefilterMaxWeight;
    const subjects = this.#subjects, joint = this.#joint, bestQuery = this.#bestQuery, firstSlot = this.#firstSlot, slotCount = this.#slotCount;
    let scanned = 0;
    for (let runStart = 0; runStart < n;) {
      const subject = words[HEADER_WORDS + (from + runStart) * SLOT_WORDS + S_SUBJECT];
      let runEnd = runStart + 1;
      while (runEnd < n && words[HEADER_WORDS + (from + runEnd) * SLOT_WORDS + S_SUBJECT] === subject) runEnd++;
      let total = 0, usable = false, best = -Infinity, bestAt = 0;
      for (let q = 0; q < nq; q++) {
        let z = -Infinity;
        for (let j = q * n + runStart, end = q * n + runEnd; j < end; j++) if (similarity[j] > z) z = similarity[j]; // NaN never wins
        if (z === -Infinity) continue;
        usable = true;
        total += z;
        if (z > best) { best = z; bestAt = q; }
      }
      if (usable) {
        subjects[scanned] = subject; joint[scanned] = total + maxWeight * best; bestQuery[scanned] = bestAt;
        firstSlot[scanned] = from + runStart; slotCount[scanned] = runEnd - runStart;
        scanned++;
      }
      runStart = runEnd;
    }
    const keep = Math.min(scanned, Math.ceil(keepShare * scanned * GALLERY_PARAMS.prefilterTaskKeepFactor) + GALLERY_PARAMS.prefilterTaskKeepMargin);
    const threshold = this.#threshold(joint, scanned, keep);
    let kept = 0;
    for (let i = 0; i < scanned; i++) {
      if (joint[i] < threshold) continue;
      subjects[kept] = subjects[i]; joint[kept] = joint[i]; bestQuery[kept] = bestQuery[i];
      firstSlot[kept] = firstSlot[i]; slotCount[kept] = slotCount[i];
      kept++;
    }
    return {
      subjects: subjects.slice(0, kept), joint: joint.slice(0, kept), bestQuery: bestQuery.slice(0, kept),
      firstSlot: firstSlot.slice(0, kept), slotCount: slotCount.slice(0, kept), scanned,
    };
  }

  /** A value such that at least `keep` of values[0, count) reach it (ties at its bin included). */
  #threshold(values: Float32Array, count: number, keep: number): number {
    if (keep >= count) return -Infinity;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < count; i++) { if (values[i] < lo) lo = values[i]; if (values[i] > hi) hi = values[i]; }
    if (!(hi > lo)) return -Infinity;
    const h = this.#histogram.fill(0);
    const width = (hi - lo) / BINS;
    for (let i = 0; i < count; i++) h[Math.min(BINS - 1, Math.floor((values[i] - lo) / width))]++;
    let seen = 0, bin = BINS - 1;
    for (; bin > 0; bin--) {
      seen += h[bin];
      if (seen >= keep) break;
    }
    return lo + bin * width;
  }

  /** Fills the vectors of finger slots that have none (shard rebuilt from the store). */
  vectorize(task: VectorizeTask): number {
    const capacity = new Int32Array(task.memory.buffer, 0, HEADER_WORDS)[4];
    // a coarse-residency shard holds no full template to compute a vector from (finger-tier.ts fills those)
    if (new Int32Array(task.memory.buffer, 0, HEADER_WORDS)[H_RESIDENCY] === RESIDENCY_COARSE) return 0;
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
}

