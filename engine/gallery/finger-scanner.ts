/**
 * The worker-side scan of one shard with the fingerprint kernel. The kernel has its own private
 * memory (AssemblyScript's runtime keeps its scratch there), so templates are copied from the
 * shared shard memory into a reusable batch region before each compareMany: one memcpy of a few
 * KiB per comparison of ~15 µs, measured by `npm run bench -- identify` against the speed bench.
 */
import { EngineError } from '../errors.ts';
import { instantiateFingerKernel, type FingerKernelExports, type KernelSource } from '../finger-kernel.ts';
import { calibrateFingerScore } from '../finger-calibration.ts';
import { bestOfScore, fuseScores } from './fusion.ts';
import { FLAG_TOMBSTONE, HEADER_WORDS, MODALITY_FINGER, SLOT_WORDS, S_LENGTH, S_OFFSET, S_SUBJECT, S_TAG, align16 } from './shard-layout.ts';
import type { ScanResult, ScanTask } from './scan-task.ts';

/** Subjects fused per round; bounds the per-round tables. */
const CHUNK_SUBJECTS = 256;
/** The batch region: templates copied out of the shard per compareMany call. */
const BATCH_BYTES = 4 << 20;
const MAX_BATCH = 2048;
const MAX_PROBE_FINGERS = 10;

export class FingerScanner {
  readonly #kernel: FingerKernelExports;
  readonly #slotBytes: number;
  readonly #probePtrs: number[];
  readonly #batchPtr: number;
  readonly #addressesPtr: number;
  readonly #scoresPtr: number;
  // per-chunk tables: best score and number of compared fingers per (subject, probe finger)
  readonly #best = new Float32Array(CHUNK_SUBJECTS * MAX_PROBE_FINGERS);
  readonly #compared = new Uint8Array(CHUNK_SUBJECTS * MAX_PROBE_FINGERS);
  readonly #batchSubject = new Uint16Array(MAX_BATCH);

  constructor(source: KernelSource = 'simd') {
    this.#kernel = instantiateFingerKernel(source);
    this.#slotBytes = this.#kernel.templateBytes(this.#kernel.maxMinutiae());
    this.#probePtrs = Array.from({ length: MAX_PROBE_FINGERS }, () => this.#kernel.allocate(this.#slotBytes + 16));
    this.#batchPtr = align16(this.#kernel.allocate(BATCH_BYTES + 16));
    this.#addressesPtr = this.#kernel.allocate(MAX_BATCH * 4);
    this.#scoresPtr = this.#kernel.allocate(MAX_BATCH * 4);
  }

  scan(task: ScanTask): ScanResult {
    const { probe } = task;
    const fingers = probe.templates.length;
    if (fingers < 1 || fingers > MAX_PROBE_FINGERS || probe.positions.length !== fingers) {
      throw new EngineError('ERR_SCAN_TASK', `a probe has 1–${MAX_PROBE_FINGERS} fingers with one position each`);
    }
    probe.templates.forEach((t, i) => this.#placeProbe(t, i));
    const words = new Int32Array(task.memory.buffer);
    const bytes = new Uint8Array(task.memory.buffer);
    const top = new TopSubjects(task.k, fingers);
    let comparisons = 0;
    const chunkFirst: number[] = [], chunkCount: number[] = [];
    const flushChunk = (): void => {
      comparisons += this.#scoreChunk(words, bytes, probe.positions, chunkFirst, chunkCount);
      for (let c = 0; c < chunkFirst.length; c++) {
        const row = this.#best.subarray(c * MAX_PROBE_FINGERS, c * MAX_PROBE_FINGERS + fingers);
        const fused = fuseScores(row);
        if (fused >= task.threshold) top.offer(words[HEADER_WORDS + chunkFirst[c] * SLOT_WORDS + S_SUBJECT], fused, row);
      }
      chunkFirst.length = 0;
      chunkCount.length = 0;
    };
    const addSubject = (first: number, count: number): void => {
      chunkFirst.push(first);
      chunkCount.push(count);
      if (chunkFirst.length === CHUNK_SUBJECTS) flushChunk();
    };
    if (task.ranges !== undefined) {
      for (let r = 0; r + 1 < task.ranges.length; r += 2) {
        if (task.ranges[r] + task.ranges[r + 1] > task.slotCount) throw new EngineError('ERR_SCAN_TASK', 'a subject range lies past the published slots');
        addSubject(task.ranges[r], task.ranges[r + 1]);
      }
    } else {
      // subjects' slots are contiguous: group runs of one subject ordinal
      const subjectAt = (slot: number): number => words[HEADER_WORDS + slot * SLOT_WORDS + S_SUBJECT];
      const end = task.slotCount;
      let s = Math.min(task.slotFrom ?? 0, end);
      while (s > 0 && s < end && subjectAt(s) === subjectAt(s - 1)) s++; // the previous task owns it
      const to = Math.min(task.slotTo ?? end, end);
      while (s < to) {
        const subject = subjectAt(s);
        let e = s + 1;
        while (e < end && subjectAt(e) === subject) e++;
        addSubject(s, e - s);
        s = e;
      }
    }
    if (chunkFirst.length > 0) flushChunk();
    return { ...top.result(), comparisons };
  }

  /** Compares every probe finger with the matching live fingers of a chunk of subjects. */
  #scoreChunk(words: Int32Array, bytes: Uint8Array, positions: readonly number[], first: number[], count: number[]): number {
    const fingers = positions.length;
    this.#best.fill(Number.NaN, 0, first.length * MAX_PROBE_FINGERS);
    this.#compared.fill(0, 0, first.length * MAX_PROBE_FINGERS);
    let comparisons = 0;
    for (let f = 0; f < fingers; f++) {
      let n = 0, offset = 0;
      const memory = new Uint8Array(this.#kernel.memory.buffer);
      const addresses = new Uint32Array(this.#kernel.memory.buffer, this.#addressesPtr, MAX_BATCH);
      const flush = (): void => {
        if (n === 0) return;
        this.#kernel.compareMany(this.#probePtrs[f], this.#addressesPtr, n, this.#scoresPtr);
        const scores = new Float32Array(this.#kernel.memory.buffer, this.#scoresPtr, n);
        for (let j = 0; j < n; j++) {
          const cell = this.#batchSubject[j] * MAX_PROBE_FINGERS + f;
          const s = calibrateFingerScore(scores[j]);
          const prev = this.#best[cell];
          if (Number.isNaN(prev) || s > prev) this.#best[cell] = s;
          this.#compared[cell]++;
        }
        comparisons += n;
        n = 0;
        offset = 0;
      };
      for (let c = 0; c < first.length; c++) {
        for (let slot = first[c]; slot < first[c] + count[c]; slot++) {
          const w = HEADER_WORDS + slot * SLOT_WORDS;
          const tag = Atomics.load(words, w + S_TAG);
          if ((tag & 0xff) !== MODALITY_FINGER || ((tag >>> 16) & FLAG_TOMBSTONE) !== 0) continue;
          if (positions[f] !== 0 && ((tag >>> 8) & 0xff) !== positions[f]) continue;
          const length = words[w + S_LENGTH];
          if (n === MAX_BATCH || offset + align16(length) > BATCH_BYTES) flush();
          const at = this.#batchPtr + offset;
          memory.set(bytes.subarray(words[w + S_OFFSET], words[w + S_OFFSET] + length), at);
          addresses[n] = at;
          this.#batchSubject[n] = c;
          n++;
          offset += align16(length);
        }
      }
      flush();
    }
    // unknown probe positions compared several fingers: correct the best for the multiplicity
    for (let c = 0; c < first.length; c++) {
      for (let f = 0; f < fingers; f++) {
        const cell = c * MAX_PROBE_FINGERS + f;
        if (positions[f] === 0 && this.#compared[cell] > 1) this.#best[cell] = bestOfScore(this.#best[cell], this.#compared[cell]);
      }
    }
    return comparisons;
  }

  #placeProbe(template: Uint8Array, i: number): void {
    const view = template.length >= 16 ? new DataView(template.buffer, template.byteOffset, 16) : null;
    const n = view === null ? -1 : view.getUint32(4, true);
    if (view === null || view.getUint32(0, true) !== this.#kernel.templateMagic() || n > this.#kernel.maxMinutiae()
      || template.length !== this.#kernel.templateBytes(n)) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', `probe finger ${i} is not a valid fingerprint template`);
    }
    new Uint8Array(this.#kernel.memory.buffer, this.#probePtrs[i], template.length).set(template);
  }
}

/** The k best subjects by fused score: collected loosely, sorted and cut when it doubles. */
class TopSubjects {
  readonly #k: number;
  readonly #fingers: number;
  #subjects: number[] = [];
  #fused: number[] = [];
  #rows: Float32Array[] = [];
  #floor = -Infinity;

  constructor(k: number, fingers: number) {
    this.#k = Math.max(1, k);
    this.#fingers = fingers;
  }

  offer(subject: number, fused: number, row: Float32Array): void {
    if (fused < this.#floor) return;
    this.#subjects.push(subject);
    this.#fused.push(fused);
    this.#rows.push(row.slice());
    if (this.#subjects.length >= 2 * this.#k) this.#cut();
  }

  result(): Omit<ScanResult, 'comparisons'> {
    this.#cut();
    const n = this.#subjects.length;
    const perFinger = new Float32Array(n * this.#fingers);
    this.#rows.forEach((r, i) => perFinger.set(r, i * this.#fingers));
    return { subjects: Uint32Array.from(this.#subjects), fused: Float32Array.from(this.#fused), perFinger };
  }

  #cut(): void {
    const order = this.#fused.map((_, i) => i).sort((a, b) => this.#fused[b] - this.#fused[a] || this.#subjects[a] - this.#subjects[b]);
    const keep = order.slice(0, this.#k);
    this.#subjects = keep.map((i) => this.#subjects[i]);
    this.#fused = keep.map((i) => this.#fused[i]);
    this.#rows = keep.map((i) => this.#rows[i]);
    if (this.#subjects.length === this.#k) this.#floor = this.#fused[this.#k - 1];
  }
}
