/**
 * The worker side of the coarse iris pass: every row of a range against each probe eye with
 * the coarse kernel (engine/iris-coarse.ts), then, per eye, the rows in its best `keepShare`
 * (a histogram threshold over the range) or at the sure similarity; a row is kept when any eye
 * keeps it. The union, not a joint score: a mate the full search would report has at least one
 * strong eye (Fisher fusion of two eyes reaches a 1:N threshold only through a strong eye), and
 * the other eye may be shut, so no eye's weakness can push a subject out.
 */
import { COARSE_BATCH, IrisCoarseKernel } from '../iris-coarse.ts';
import type { IrisCoarseResult, IrisCoarseTask } from './iris-coarse-task.ts';

/** Histogram bins over the similarity range [0, 1]: the kept share overshoots by at most one bin's rows. */
const BINS = 4096;

export class IrisCoarseScanner {
  readonly #kernel = new IrisCoarseKernel(2);
  readonly #batch = new Float32Array(COARSE_BATCH);
  readonly #histogram = new Uint32Array(BINS);

  scan(task: IrisCoarseTask): IrisCoarseResult {
    const entry = this.#kernel.entryBytes, rowBytes = 2 * entry;
    const count = Math.max(0, task.to - task.from);
    const rows = new Uint8Array(task.rows);
    const ordinals = new Int32Array(task.ordinals);
    const eyes = task.probes.slice(0, 2);
    eyes.forEach((p, slot) => this.#kernel.prepareProbe(slot, p.template));
    // per eye, the best similarity over the sides it is compared with; rows are copied once for all eyes
    const scores = eyes.map(() => new Float32Array(count));
    const perLoad = Math.floor(this.#kernel.batchBytes / rowBytes);
    for (let at = 0; at < count; at += perLoad) {
      const n = Math.min(perLoad, count - at);
      this.#kernel.load(rows, (task.from + at) * rowBytes, n * rowBytes);
      eyes.forEach((p, slot) => {
        const out = scores[slot];
        if (p.side === 1 || p.side === 2) {
          this.#kernel.scanLoaded(slot, (p.side - 1) * entry, rowBytes, n, out, at);
          return;
        }
        // side unknown: the better of the two eyes
        this.#kernel.scanLoaded(slot, 0, rowBytes, n, out, at);
        this.#kernel.scanLoaded(slot, entry, rowBytes, n, this.#batch);
        for (let i = 0; i < n; i++) if (this.#batch[i] > out[at + i]) out[at + i] = this.#batch[i];
      });
    }
    let live = 0;
    for (let i = 0; i < count; i++) if (ordinals[task.from + i] >= 0) live++;
    const floors = scores.map((s) => this.#shareFloor(s, ordinals, task.from, Math.ceil(task.keepShare * live)));
    const kept: number[] = [];
    for (let i = 0; i < count; i++) {
      const ordinal = ordinals[task.from + i];
      if (ordinal < 0) continue;
      for (let e = 0; e < scores.length; e++) {
        const s = scores[e][i];
        if (s >= floors[e] || s >= task.sureSimilarity) { kept.push(ordinal); break; }
      }
    }
    return { subjects: Int32Array.from(kept), scanned: live };
  }

  /** The lowest similarity of the best `keep` live rows, to a bin (ties in that bin are kept too). */
  #shareFloor(scores: Float32Array, ordinals: Int32Array, from: number, keep: number): number {
    if (keep <= 0) return Number.POSITIVE_INFINITY;
    const h = this.#histogram.fill(0);
    for (let i = 0; i < scores.length; i++) {
      if (ordinals[from + i] < 0) continue;
      h[Math.min(BINS - 1, Math.max(0, Math.floor(scores[i] * BINS)))]++;
    }
    let total = 0;
    for (let b = BINS - 1; b >= 0; b--) {
      total += h[b];
      if (total >= keep) return b / BINS;
    }
    return 0;
  }
}
