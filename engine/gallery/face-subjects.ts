/**
 * The engine's faces: one face code per subject beside the finger/iris shards, scanned
 * exhaustively by the SIMD kernel (engine/face/face-gallery.ts) in the calling thread — 128
 * bytes a subject at ~50 M comparisons/s, so 1 M faces cost ~20 ms plus calibration. Rebuilt
 * from the store at start like the shards (the store keeps the template, encrypted, in its
 * 'face' slot).
 *
 * Fusion with fingers and irises (Fisher, gallery/fusion.ts) over every compared template:
 * fused(row ∪ face) ≤ fused(row) + face, because P_{K+1}(x + y) ≥ P_K(x)·e^(−y). So a subject
 * can only reach the threshold T if its finger/iris score reaches T − (best face score): the
 * finger scan runs at that floor, and only its candidates, the face-only subjects and (when
 * the scan's candidate list was full) the subjects whose face alone comes near T need a
 * fused score. `planFaceShortlist` picks the last.
 */
import { EngineError } from '../errors.ts';
import { FaceSubjectGallery } from '../face/face-gallery.ts';
import { faceTemplateFromBytes, FACE_TEMPLATE_VERSION } from '../face/template.ts';
import type { BiometricTemplate } from '../store/subject.ts';

/** Version tag stored with face templates ("BDFC" version 1, engine/face/template.ts). */
export { FACE_TEMPLATE_VERSION };

/** Most subjects the face side sends to finger re-scoring when the finger scan's list was full. */
export const FACE_RESCORE_LIMIT = 1000;

export class FaceSubjects {
  #gallery: FaceSubjectGallery | undefined;
  /** Subjects holding a face and nothing the shards scan (they count in N on their own). */
  readonly #faceOnly = new Set<string>();

  get size(): number { return this.#gallery?.size ?? 0; }
  get faceOnlyCount(): number { return this.#faceOnly.size; }

  has(referenceId: string): boolean { return this.#gallery?.has(referenceId) ?? false; }
  isFaceOnly(referenceId: string): boolean { return this.#faceOnly.has(referenceId); }
  faceOnlyIds(): IterableIterator<string> { return this.#faceOnly.values(); }

  /** A subject's stored face checked (model, version, size) and its code; undefined without one. */
  static validate(face: BiometricTemplate | undefined): Int8Array | undefined {
    if (face === undefined) return undefined;
    if (face.modality !== 'face' || face.version !== FACE_TEMPLATE_VERSION) {
      throw new EngineError('ERR_TEMPLATE_VERSION', `face: expected a face template (version ${FACE_TEMPLATE_VERSION})`);
    }
    return faceTemplateFromBytes(face.bytes);
  }

  /** A probe's face template (the "BDFC" bytes FaceExtractor makes) as a code. */
  static probeCode(template: unknown): Int8Array {
    if (!(template instanceof Uint8Array)) throw new EngineError('ERR_PROBE', 'probe face must be a face template (Uint8Array)');
    return faceTemplateFromBytes(template);
  }

  add(referenceId: string, code: Int8Array, faceOnly: boolean): void {
    (this.#gallery ??= new FaceSubjectGallery()).insert(referenceId, code);
    if (faceOnly) this.#faceOnly.add(referenceId);
  }

  remove(referenceId: string): void {
    this.#gallery?.remove(referenceId);
    this.#faceOnly.delete(referenceId);
  }

  /** Calibrated face scores of every subject with a face (restricted to `only` when given). */
  scan(code: Int8Array, only?: ReadonlySet<string>): FaceScan {
    const { ids, scores } = this.#gallery?.scoreAll(code) ?? { ids: [], scores: new Float32Array(0) };
    const byId = new Map<string, number>();
    let best = 0;
    for (let i = 0; i < ids.length; i++) {
      if (only !== undefined && !only.has(ids[i])) continue;
      byId.set(ids[i], scores[i]);
      if (scores[i] > best) best = scores[i];
    }
    return { byId, best };
  }

  scoreOf(referenceId: string, code: Int8Array): number | undefined {
    return this.#gallery?.scoreOf(referenceId, code);
  }
}

export interface FaceScan {
  /** referenceId → calibrated face score (−10·log10 FMR). */
  readonly byId: ReadonlyMap<string, number>;
  /** The best face score (0 when no subject holds a face). */
  readonly best: number;
}

/**
 * Subjects the finger scan did not return whose face score alone reaches `floor`, best first,
 * at most FACE_RESCORE_LIMIT: those still may reach the threshold once fused.
 */
export function planFaceShortlist(scan: FaceScan, floor: number, skip: ReadonlySet<string>): string[] {
  const out: Array<[string, number]> = [];
  for (const [id, score] of scan.byId) if (score >= floor && !skip.has(id)) out.push([id, score]);
  out.sort((a, b) => b[1] - a[1]);
  return out.slice(0, FACE_RESCORE_LIMIT).map(([id]) => id);
}
