/**
 * Face in 1:N, beside the engine's finger/iris shards: an in-memory face gallery (one code per
 * subject) scanned exhaustively by the SIMD kernel, with the engine's decision rule and fusion.
 * - identify: every subject's calibrated face score; when the caller has finger/iris scores
 *   for some subjects (the engine's candidates), the face score is Fisher-fused with them
 *   (gallery/fusion.ts), so one threshold, targetFPIR + 10·log10 N, serves every mix;
 * - enrolDeduplicated: a subject with only a face is deduplicated by face alone — identify
 *   first, insert only when no candidate reaches the threshold.
 * In memory; the engine (gallery/face-subjects.ts) keeps one beside its shards, rebuilt from the
 * store at start, and fuses it with the finger/iris scan.
 */
import { EngineError } from '../errors.ts';
import { decisionThreshold, fuseScores } from '../gallery/fusion.ts';
import { codeOf, FaceMatcher, type FaceGallery as KernelGallery } from './matcher.ts';

export interface FaceCandidate {
  readonly referenceId: string;
  /** Calibrated face score, −10·log10 FMR. */
  readonly faceScore: number;
  /** The fused score (face with the caller's other-modality score for this subject, if any). */
  readonly score: number;
}

export interface FaceIdentifyOptions {
  /** −10·log10(FPIR); default 30 (one false positive in 1,000 searches). */
  readonly targetFPIR?: number;
  /** Longest candidate list; default 10. */
  readonly maxResults?: number;
  readonly excludeReferenceId?: string;
  /** Calibrated finger/iris scores (already fused across those) by referenceId, to fuse with the face score. */
  readonly otherScores?: ReadonlyMap<string, number>;
}

export class FaceSubjectGallery {
  readonly #matcher = new FaceMatcher();
  readonly #ids: string[] = [];
  readonly #codes: Int8Array[] = [];
  readonly #index = new Map<string, number>();
  /** The same codes in the kernel's memory, slot i = subject i, grown by doubling. */
  #kernelGallery: KernelGallery = this.#matcher.reserveGallery(64);

  get size(): number { return this.#ids.length; }

  has(referenceId: string): boolean { return this.#index.has(referenceId); }

  /**
   * Every subject's calibrated face score against the probe: `ids[i]` scored `scores[i]`. The
   * arrays are valid until the next insert or remove.
   */
  scoreAll(probe: Uint8Array | Int8Array): { ids: readonly string[]; scores: Float32Array } {
    const scores = new Float32Array(this.size);
    if (this.size > 0) this.#matcher.compareMany(codeOf(probe), this.#kernelGallery, scores);
    return { ids: this.#ids, scores };
  }

  /** The calibrated face score of one subject; undefined when it holds no face. */
  scoreOf(referenceId: string, probe: Uint8Array | Int8Array): number | undefined {
    const at = this.#index.get(referenceId);
    return at === undefined ? undefined : this.#matcher.compare(codeOf(probe), this.#codes[at]);
  }

  /** Adds or replaces a subject's face template (stored bytes or code). */
  insert(referenceId: string, template: Uint8Array | Int8Array): void {
    if (typeof referenceId !== 'string' || referenceId === '') throw new EngineError('ERR_REFERENCE_ID', 'referenceId must be a non-empty string');
    const code = codeOf(template);
    let at = this.#index.get(referenceId);
    if (at === undefined) {
      at = this.#ids.length;
      this.#index.set(referenceId, at);
      this.#ids.push(referenceId);
      this.#codes.push(code);
      if (at >= this.#kernelGallery.capacity) {
        this.#kernelGallery = this.#matcher.reserveGallery(2 * this.#kernelGallery.capacity);
        this.#codes.forEach((c, i) => this.#matcher.setCode(this.#kernelGallery, i, c));
      }
    } else {
      this.#codes[at] = code;
    }
    this.#matcher.setCode(this.#kernelGallery, at, code);
    this.#kernelGallery.size = this.#ids.length;
  }

  remove(referenceId: string): boolean {
    const at = this.#index.get(referenceId);
    if (at === undefined) return false;
    const last = this.#ids.length - 1;
    this.#ids[at] = this.#ids[last]; this.#codes[at] = this.#codes[last];
    this.#index.set(this.#ids[at], at);
    this.#matcher.setCode(this.#kernelGallery, at, this.#codes[at]);
    this.#ids.pop(); this.#codes.pop(); this.#index.delete(referenceId);
    this.#kernelGallery.size = this.#ids.length;
    return true;
  }

  /** Candidates whose (fused) score reaches targetFPIR + 10·log10 N, best first. */
  identify(probe: Uint8Array | Int8Array, options: FaceIdentifyOptions = {}): { candidates: FaceCandidate[]; threshold: number } {
    const targetFPIR = options.targetFPIR ?? 30;
    const maxResults = options.maxResults ?? 10;
    const threshold = decisionThreshold(targetFPIR, this.size);
    if (this.size === 0) return { candidates: [], threshold };
    const scores = new Float32Array(this.size);
    this.#matcher.compareMany(codeOf(probe), this.#kernelGallery, scores);
    const candidates: FaceCandidate[] = [];
    for (let i = 0; i < this.size; i++) {
      const referenceId = this.#ids[i];
      if (referenceId === options.excludeReferenceId) continue;
      const other = options.otherScores?.get(referenceId);
      const score = other === undefined ? scores[i] : fuseScores([scores[i], other]);
      if (score >= threshold) candidates.push({ referenceId, faceScore: scores[i], score });
    }
    candidates.sort((a, b) => b.score - a.score);
    return { candidates: candidates.slice(0, maxResults), threshold };
  }

  /** Deduplicates a face-only subject: the duplicates found, and whether it was inserted (only when none). */
  enrolDeduplicated(referenceId: string, template: Uint8Array | Int8Array, options: FaceIdentifyOptions = {}): { inserted: boolean; duplicates: FaceCandidate[] } {
    const { candidates } = this.identify(template, { ...options, excludeReferenceId: referenceId });
    if (candidates.length > 0) return { inserted: false, duplicates: candidates };
    this.insert(referenceId, template);
    return { inserted: true, duplicates: [] };
  }
}
