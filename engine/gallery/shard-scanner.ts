/**
 * The scan of one shard (in a pool worker, or in the main thread for 1:1 verify): walks the
 * subjects of a slot range or a candidate list, compares every probe column with the matching
 * live templates through its modality's comparator, fuses each subject's scores, keeps the top k.
 */
import { EngineError } from '../errors.ts';
import { CoarseFingerComparator, FingerComparator, IrisComparator, MAX_BATCH, MAX_PROBE_COLUMNS, type Comparator } from './scan-comparators.ts';
import { bestOfScore, fuseScores } from './fusion.ts';
import { FLAG_TOMBSTONE, HEADER_WORDS, H_RESIDENCY, MODALITY_FINGER, MODALITY_IRIS, RESIDENCY_COARSE, SLOT_WORDS, S_LENGTH, S_OFFSET, S_SUBJECT, S_TAG, wholeSubjects } from './shard-layout.ts';
import { TopSubjects } from './top-subjects.ts';
import type { ScanResult, ScanTask } from './scan-task.ts';

const ALL_COLUMNS = 0xfff;
/** Subjects fused per round; bounds the per-round tables. */
const CHUNK_SUBJECTS = 256;

export class ShardScanner {
  #finger: FingerComparator | undefined;
  #coarse: CoarseFingerComparator | undefined;
  #iris: IrisComparator | undefined;
  readonly #best = new Float32Array(CHUNK_SUBJECTS * MAX_PROBE_COLUMNS);
  readonly #compared = new Uint8Array(CHUNK_SUBJECTS * MAX_PROBE_COLUMNS);
  readonly #batchSubject = new Uint16Array(MAX_BATCH);
  readonly #batchScores = new Float32Array(MAX_BATCH);
  /** Per chunk subject: stopped at the re-scoring gate (task.gate). */
  readonly #stopped = new Uint8Array(CHUNK_SUBJECTS);
  readonly #secondMask: number[] = [];
  /** The coarse gate's scratch: chunk subjects with columns left, and their coarse sums so far. */
  readonly #open: number[] = [];
  readonly #sums = new Float32Array(CHUNK_SUBJECTS);
  #kernelMs = 0;
  /** The scan in progress reads a coarse-residency shard (raw coarse scores, no multiplicity correction). */
  #coarseScan = false;

  scan(task: ScanTask): ScanResult {
    const { probe } = task;
    const columns = probe.templates.length;
    if (columns < 1 || columns > MAX_PROBE_COLUMNS || probe.positions.length !== columns || probe.modalities.length !== columns) {
      throw new EngineError('ERR_SCAN_TASK', `a probe has 1–${MAX_PROBE_COLUMNS} columns, each with a modality and a position`);
    }
    const words = new Int32Array(task.memory.buffer);
    // a coarse-residency shard: its finger forms rank subjects by the sum of their coarse scores
    // (the finger columns only; the engine re-scores the best on the full templates, finger-tier.ts)
    const coarse = words[H_RESIDENCY] === RESIDENCY_COARSE && probe.modalities.includes(MODALITY_FINGER); // iris-only: irises are full in any shard
    this.#coarseScan = coarse;
    if (coarse && (task.gate !== undefined || task.knownScores !== undefined || !probe.modalities.every((m) => m === MODALITY_FINGER))) {
      throw new EngineError('ERR_SCAN_TASK', 'a coarse shard scan takes finger columns only, without a gate or known scores');
    }
    const passShare = task.coarsePassShare;
    if (passShare !== undefined && (!coarse || task.columnMasks === undefined || !(passShare > 0 && passShare < 1))) {
      throw new EngineError('ERR_SCAN_TASK', 'a coarse gate takes a coarse shard, column masks and a pass share in (0, 1)');
    }
    const comparators = probe.modalities.map((m) => this.#comparator(m, coarse));
    probe.templates.forEach((t, c) => comparators[c].placeProbe(c, t));
    const bytes = new Uint8Array(task.memory.buffer);
    const top = new TopSubjects(task.k, columns);
    let comparisons = 0;
    this.#kernelMs = 0;
    if (task.knownScores !== undefined && (task.ranges === undefined || task.knownScores.length !== (task.ranges.length >> 1) * columns)) {
      throw new EngineError('ERR_SCAN_TASK', 'known scores come with ranges, one row of probe columns per subject');
    }
    const chunkFirst: number[] = [], chunkCount: number[] = [], chunkMask: number[] = [], chunkRange: number[] = [];
    const flushChunk = (): void => {
      comparisons += this.#scoreChunk(words, bytes, task, comparators, chunkFirst, chunkCount, chunkMask, true);
      if (task.knownScores !== undefined) this.#placeKnown(task.knownScores, chunkRange, columns);
      this.#stopped.fill(0, 0, chunkFirst.length);
      if (task.gate !== undefined) comparisons += this.#pastTheGate(words, bytes, task, comparators, chunkFirst, chunkCount, chunkMask, columns);
      if (passShare !== undefined) comparisons += this.#coarseGated(words, bytes, task, comparators, chunkFirst, chunkCount, chunkMask, columns, passShare);
      for (let c = 0; c < chunkFirst.length; c++) {
        if (this.#stopped[c] !== 0) continue;
        const row = this.#best.subarray(c * MAX_PROBE_COLUMNS, c * MAX_PROBE_COLUMNS + columns);
        const fused = coarse ? coarseSum(row) : fuseScores(row);
        if (fused >= task.threshold) top.offer(words[HEADER_WORDS + chunkFirst[c] * SLOT_WORDS + S_SUBJECT], fused, row);
      }
      chunkFirst.length = 0;
      chunkCount.length = 0;
      chunkMask.length = 0;
      chunkRange.length = 0;
    };
    const addSubject = (first: number, count: number, mask = ALL_COLUMNS, range = -1): void => {
      chunkFirst.push(first);
      chunkCount.push(count);
      chunkMask.push(mask);
      chunkRange.push(range);
      if (chunkFirst.length === CHUNK_SUBJECTS) flushChunk();
    };
    if (task.ranges !== undefined) {
      for (let r = 0; r + 1 < task.ranges.length; r += 2) {
        if (task.ranges[r] + task.ranges[r + 1] > task.slotCount) throw new EngineError('ERR_SCAN_TASK', 'a subject range lies past the published slots');
        let mask = task.columnMasks?.[r >> 1] ?? ALL_COLUMNS;
        // gated subjects marked for every gate column are scored on everything at once
        if (task.gate !== undefined && (mask & task.gate.gateColumns) === task.gate.gateColumns) mask = ALL_COLUMNS;
        if (task.knownScores !== undefined) {
          for (let col = 0; col < columns; col++) if (!Number.isNaN(task.knownScores[(r >> 1) * columns + col])) mask &= ~(1 << col);
        }
        addSubject(task.ranges[r], task.ranges[r + 1], mask, r >> 1);
      }
    } else {
      // subjects' slots are contiguous: group runs of one subject ordinal
      const subjectAt = (slot: number): number => words[HEADER_WORDS + slot * SLOT_WORDS + S_SUBJECT];
      const end = task.slotCount;
      const { from, to } = wholeSubjects(words, Math.min(task.slotFrom ?? 0, end), Math.min(task.slotTo ?? end, end), end);
      for (let s = from; s < to;) {
        const subject = subjectAt(s);
        let e = s + 1;
        while (e < to && subjectAt(e) === subject) e++;
        addSubject(s, e - s);
        s = e;
      }
    }
    if (chunkFirst.length > 0) flushChunk();
    return { ...top.result(), comparisons, kernelMs: this.#kernelMs };
  }

  /**
   * The gate's second step on a chunk scored on its first columns: a subject whose fused score so
   * far misses the gate stops (marked in #stopped); the others are compared on every column not
   * yet compared. Subjects scored on all columns already (mask ALL_COLUMNS) pass untouched.
   */
  #pastTheGate(words: Int32Array, bytes: Uint8Array, task: ScanTask, comparators: readonly Comparator[], first: number[], count: number[], masks: number[], columns: number): number {
    const second = this.#secondMask;
    second.length = first.length;
    let any = false;
    for (let c = 0; c < first.length; c++) {
      second[c] = 0;
      if (masks[c] === ALL_COLUMNS) continue;
      if (fuseScores(this.#best.subarray(c * MAX_PROBE_COLUMNS, c * MAX_PROBE_COLUMNS + columns)) >= task.gate!.gateScore) {
        second[c] = ALL_COLUMNS & ~masks[c];
        any = true;
      } else {
        this.#stopped[c] = 1;
      }
    }
    return any ? this.#scoreChunk(words, bytes, task, comparators, first, count, second, false) : 0;
  }

  /**
   * The coarse gate's second step on a chunk scored on its mask's columns (task.coarsePassShare):
   * of the subjects with probe columns left, the best ⌈share × count⌉ by their coarse sum so far
   * (ties: the earlier slot) are compared on those columns; the others keep the sum they have —
   * which is below every passed subject's (coarse scores are ≥ 0), so they rank after them.
   */
  #coarseGated(words: Int32Array, bytes: Uint8Array, task: ScanTask, comparators: readonly Comparator[], first: number[], count: number[], masks: number[], columns: number, share: number): number {
    const probeColumns = (1 << columns) - 1;
    const open = this.#open;
    open.length = 0;
    for (let c = 0; c < first.length; c++) if ((probeColumns & ~masks[c]) !== 0) open.push(c);
    if (open.length === 0) return 0;
    const sums = this.#sums;
    for (const c of open) sums[c] = coarseSum(this.#best.subarray(c * MAX_PROBE_COLUMNS, c * MAX_PROBE_COLUMNS + columns));
    open.sort((x, y) => sums[y] - sums[x] || x - y);
    const pass = Math.ceil(share * open.length);
    const second = this.#secondMask;
    second.length = first.length;
    second.fill(0);
    for (let i = 0; i < pass; i++) second[open[i]] = probeColumns & ~masks[open[i]];
    return this.#scoreChunk(words, bytes, task, comparators, first, count, second, false);
  }

  /**
   * Compares the probe columns in each subject's mask with the matching live templates of a chunk
   * of subjects; `reset` false adds to the chunk's scores so far (the gate's second step).
   */
  #scoreChunk(words: Int32Array, bytes: Uint8Array, task: ScanTask, comparators: readonly Comparator[], first: number[], count: number[], masks: number[], reset: boolean): number {
    const { modalities, positions } = task.probe;
    if (reset) {
      this.#best.fill(Number.NaN, 0, first.length * MAX_PROBE_COLUMNS);
      this.#compared.fill(0, 0, first.length * MAX_PROBE_COLUMNS);
    }
    let comparisons = 0;
    for (let col = 0; col < modalities.length; col++) {
      const comparator = comparators[col];
      let n = 0, used = 0;
      const flush = (): void => {
        if (n === 0) return;
        const started = performance.now();
        comparator.compareStaged(col, n, this.#batchScores);
        this.#kernelMs += performance.now() - started;
        for (let j = 0; j < n; j++) {
          const cell = this.#batchSubject[j] * MAX_PROBE_COLUMNS + col;
          const s = this.#batchScores[j], prev = this.#best[cell];
          if (Number.isNaN(prev) || s > prev) this.#best[cell] = s;
          this.#compared[cell]++;
        }
        comparisons += n;
        n = 0;
        used = 0;
      };
      for (let c = 0; c < first.length; c++) {
        if ((masks[c] & (1 << col)) === 0) continue; // this column is not wanted for this subject
        for (let slot = first[c]; slot < first[c] + count[c]; slot++) {
          const w = HEADER_WORDS + slot * SLOT_WORDS;
          const tag = Atomics.load(words, w + S_TAG);
          if ((tag & 0xff) !== modalities[col] || ((tag >>> 16) & FLAG_TOMBSTONE) !== 0) continue;
          if (positions[col] !== 0 && ((tag >>> 8) & 0xff) !== positions[col]) continue;
          const length = words[w + S_LENGTH];
          if (!comparator.fits(n, used, length)) {
            if (n === 0) throw new EngineError('ERR_TEMPLATE_CORRUPT', `slot ${slot} holds a template its comparator cannot take`);
            flush();
          }
          used += comparator.stage(n, used, bytes, words[w + S_OFFSET], length);
          this.#batchSubject[n++] = c;
        }
      }
      flush();
    }
    // columns of unknown position compared several templates: correct the best for the multiplicity (once: columns of this pass only)
    for (let c = 0; c < first.length; c++) {
      for (let col = 0; col < modalities.length; col++) {
        if ((masks[c] & (1 << col)) === 0) continue;
        const cell = c * MAX_PROBE_COLUMNS + col;
        if (positions[col] === 0 && this.#compared[cell] > 1 && !this.#coarseScan) this.#best[cell] = bestOfScore(this.#best[cell], this.#compared[cell]);
      }
    }
    return comparisons;
  }

  /** Known scores of the chunk's subjects (rows of `columns` by range index) into their cells. */
  #placeKnown(known: Float32Array, ranges: readonly number[], columns: number): void {
    for (let c = 0; c < ranges.length; c++) {
      for (let col = 0; col < columns; col++) {
        const v = known[ranges[c] * columns + col];
        if (!Number.isNaN(v)) this.#best[c * MAX_PROBE_COLUMNS + col] = v;
      }
    }
  }

  /** Kernels are instantiated on first use: a finger-only gallery never loads the iris kernel. */
  #comparator(modality: number, coarse: boolean): Comparator {
    if (modality === MODALITY_FINGER && coarse) return (this.#coarse ??= new CoarseFingerComparator());
    if (modality === MODALITY_FINGER) return (this.#finger ??= new FingerComparator());
    if (modality === MODALITY_IRIS) return (this.#iris ??= new IrisComparator());
    throw new EngineError('ERR_SCAN_TASK', `no comparator for modality ${modality}`);
  }
}

/** A subject's coarse rank score: the sum of its compared columns' coarse scores (a column not compared adds 0). */
function coarseSum(row: Float32Array): number {
  let sum = 0;
  for (const v of row) if (!Number.isNaN(v)) sum += v;
  return sum;
}
