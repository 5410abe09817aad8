/**
 * Face comparison, 1:1 and 1:N, on the int8 codes. `compare` is the exact integer dot product
 * in JavaScript; `compareMany` runs the SIMD kernel over a gallery held in the kernel's memory
 * (128 bytes a face, no per-face header). Scores are calibrated (−10·log10 FMR,
 * engine/face-calibration.ts); `rawScores` gives cosines.
 */
import { EngineError } from '../errors.ts';
import { calibrateFaceScore } from '../face-calibration.ts';
import { instantiateFaceKernel, type FaceKernelExports } from './kernel.ts';
import { FACE_PARAMS } from './params.ts';
import { codeCosine } from './quantise.ts';
import { faceTemplateFromBytes } from './template.ts';

const DIMENSION = FACE_PARAMS.embed.dimension;
const SCALE_SQUARED = FACE_PARAMS.quantise.scale * FACE_PARAMS.quantise.scale;

/** Codes in the kernel's memory: `size` in use of `capacity` slots of 128 bytes at `address`. */
export interface FaceGallery { size: number; readonly capacity: number; readonly address: number; readonly owner: FaceMatcher }

export class FaceMatcher {
  private readonly kernel: FaceKernelExports = instantiateFaceKernel();
  private readonly probeAddress = this.kernel.allocate(DIMENSION);
  private scoreAddress = 0;
  private scoreCapacity = 0;

  /** Calibrated score of two templates (stored bytes or codes). */
  compare(a: Uint8Array | Int8Array, b: Uint8Array | Int8Array): number {
    return calibrateFaceScore(codeCosine(codeOf(a), codeOf(b)));
  }

  /** Copies the codes into the kernel's memory (once; the gallery lives as long as the matcher). */
  loadGallery(codes: ReadonlyArray<Uint8Array | Int8Array>): FaceGallery {
    const gallery = this.reserveGallery(codes.length);
    codes.forEach((c, i) => this.setCode(gallery, i, c));
    gallery.size = codes.length;
    return gallery;
  }

  /**
   * An empty gallery of `capacity` slots. The kernel's memory is never freed (stub runtime):
   * a caller that grows a gallery reserves by doubling, so what is left behind stays below the
   * final size.
   */
  reserveGallery(capacity: number): FaceGallery {
    if (!Number.isInteger(capacity) || capacity < 0) throw new EngineError('ERR_FACE_GALLERY', `gallery capacity must be a non-negative integer, got ${capacity}`);
    return { size: 0, capacity, address: this.kernel.allocate(Math.max(1, capacity) * DIMENSION), owner: this };
  }

  /** Writes slot `index` (< capacity) of a gallery; `size` is the caller's to set. */
  setCode(gallery: FaceGallery, index: number, code: Uint8Array | Int8Array): void {
    if (gallery.owner !== this) throw new EngineError('ERR_MATCHER_MISMATCH', 'gallery belongs to another FaceMatcher');
    if (!Number.isInteger(index) || index < 0 || index >= gallery.capacity) throw new EngineError('ERR_FACE_GALLERY', `slot ${index} outside a gallery of ${gallery.capacity}`);
    new Int8Array(this.kernel.memory.buffer).set(codeOf(code), gallery.address + index * DIMENSION);
  }

  /** out[i] = calibrated score of the probe against gallery face i. */
  compareMany(probe: Uint8Array | Int8Array, gallery: FaceGallery, out: Float32Array, variant: 'simd' | 'scalar' = 'simd'): void {
    this.rawScores(probe, gallery, out, variant);
    for (let i = 0; i < gallery.size; i++) out[i] = calibrateFaceScore(out[i]);
  }

  /** out[i] = cosine of the probe and gallery face i (the kernel's exact dot / scale²). */
  rawScores(probe: Uint8Array | Int8Array, gallery: FaceGallery, out: Float32Array, variant: 'simd' | 'scalar' = 'simd'): void {
    const dots = this.dots(probe, gallery, variant);
    for (let i = 0; i < gallery.size; i++) out[i] = dots[i] / SCALE_SQUARED;
  }

  /** The kernel's integer dot products, a view valid until the next call. */
  dots(probe: Uint8Array | Int8Array, gallery: FaceGallery, variant: 'simd' | 'scalar' = 'simd'): Int32Array {
    if (gallery.owner !== this) throw new EngineError('ERR_MATCHER_MISMATCH', 'gallery belongs to another FaceMatcher');
    if (this.scoreCapacity < gallery.size) {
      // Doubling: a gallery that grows one face at a time must not leave a region behind per face.
      this.scoreCapacity = Math.max(gallery.size, 2 * this.scoreCapacity);
      this.scoreAddress = this.kernel.allocate(this.scoreCapacity * 4);
    }
    new Int8Array(this.kernel.memory.buffer).set(codeOf(probe), this.probeAddress);
    const run = variant === 'simd' ? this.kernel.dotMany : this.kernel.dotManyScalar;
    run(this.probeAddress, gallery.address, gallery.size, DIMENSION, DIMENSION, this.scoreAddress);
    return new Int32Array(this.kernel.memory.buffer, this.scoreAddress, gallery.size);
  }
}

/** A stored template (checked) or a bare code of the right length. */
export function codeOf(t: Uint8Array | Int8Array): Int8Array {
  if (t instanceof Int8Array) {
    if (t.length !== DIMENSION) throw new EngineError('ERR_TEMPLATE_CORRUPT', `face code of ${t.length} values, expected ${DIMENSION}`);
    return t;
  }
  return faceTemplateFromBytes(t);
}
