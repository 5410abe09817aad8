/**
 * The face pipeline, one stage a file: decode → detect (largest face, padded canvas) →
 * landmarks → align (dlib chip) → quality and FTE rules → embed + L2 → int8. `explain` runs
 * the same stages and returns what each saw (box, landmarks, aligned chip, quality) instead of
 * throwing on a poor capture. One `FaceExtractor` a thread; the models load on first use.
 */
import { EngineError } from '../errors.ts';
import type { GrayImage } from '../images/gray-image.ts';
import { alignFace } from './align.ts';
import { normaliseLighting } from './lighting.ts';
import { decodeFaceImage } from './decode.ts';
import { detectLargestFace, type FaceBox } from './detect.ts';
import { embedFace } from './embed.ts';
import { locateLandmarks } from './landmarks.ts';
import { loadFaceModels, type EmbeddingRuntime, type FaceModels } from './models.ts';
import { checkEnrolable, measureQuality, type FaceQuality } from './quality.ts';
import { quantiseEmbedding } from './quantise.ts';
import { FACE_PARAMS } from './params.ts';
import { faceImageBytes } from './record.ts';
import { checkRgbImage, rgbFromGray, type RgbImage } from './rgb-image.ts';
import { faceTemplateToBytes } from './template.ts';

/** Image bytes (any format decode.ts reads), an ISO/IEC 19794-5 record, or a decoded image. */
export type FaceInput = Uint8Array | RgbImage | GrayImage;

export interface FaceTemplateResult {
  /** The stored template (template.ts layout). */
  template: Uint8Array;
  /** The int8 code inside it. */
  code: Int8Array;
  quality: FaceQuality;
  box: FaceBox;
}

export interface FaceExplanation {
  box: FaceBox | null;
  /** 68 (x, y) pairs in input pixels, or null when no face was found. */
  landmarks: Float32Array | null;
  /** The aligned chip, 8-bit RGB, or null when no face was found. */
  alignedChip: RgbImage | null;
  quality: FaceQuality | null;
  /** The FTE rule that refuses this capture, or null when it is enrolable. */
  failure: { code: string; reason: string } | null;
}

/** Per-stage wall time of the last template, ms (speed bench). */
export interface FaceStageTimes { decode: number; detect: number; landmarks: number; align: number; embed: number }

export class FaceExtractor {
  private constructor(private readonly models: FaceModels, private readonly embedParams: { readonly dimension: number; readonly flipAverage: boolean }) {}
  lastStageTimes: FaceStageTimes = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };

  /**
   * `flipAverage` overrides FACE_PARAMS.embed.flipAverage (off), for measuring the two-pass profile
   * (bench/face-flip.ts); its scores are on the default profile's calibration, so only the
   * threshold-free figures (EER, FNMR at an empirical FMR) of such a run mean anything.
   * `embeddingRuntime` overrides FACE_PARAMS.embed.runtime: 'int8' runs the ResNet on
   * onnxruntime-web's int8 kernels (the default; 'fp32' runs it on TensorFlow.js, ≈ 20 ms a face
   * more, docs/face-speed.md §8–§10); the two runtimes' templates stay comparable (model 1).
   */
  static async create(options: { flipAverage?: boolean; embeddingRuntime?: EmbeddingRuntime } = {}): Promise<FaceExtractor> {
    const embed = options.flipAverage === undefined ? FACE_PARAMS.embed : { ...FACE_PARAMS.embed, flipAverage: options.flipAverage };
    return new FaceExtractor(await loadFaceModels(options.embeddingRuntime ?? FACE_PARAMS.embed.runtime), embed);
  }

  get backend(): string { return this.models.backend; }

  /** A template, or an EngineError: ERR_RECORD_* (19794-5 record), ERR_IMAGE_* (decode), ERR_FACE_NOT_FOUND, ERR_FACE_TOO_SMALL, ERR_FACE_POSE, ERR_FACE_EXPOSURE, ERR_FACE_BLURRED. */
  async createTemplate(input: FaceInput): Promise<FaceTemplateResult> {
    const times = this.lastStageTimes = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0 };
    let t = performance.now();
    const lap = (stage: keyof FaceStageTimes): void => { const now = performance.now(); times[stage] = now - t; t = now; };
    const image = await toRgb(input);
    lap('decode');
    const { face, otherFaces } = await detectLargestFace(image, this.models);
    lap('detect');
    if (face === null) throw new EngineError('ERR_FACE_NOT_FOUND', 'no face found in the image');
    const points = await locateLandmarks(image, face, this.models);
    lap('landmarks');
    const aligned = alignFace(image, points);
    const quality = measureQuality(points, aligned, face.score, otherFaces);
    checkEnrolable(quality);
    lap('align');
    const code = quantiseEmbedding(await embedFace(normaliseLighting(aligned), this.models, this.embedParams));
    lap('embed');
    return { template: faceTemplateToBytes(code), code, quality, box: face };
  }

  /** The transparency hook: every stage's output, and the FTE rule that applies (if any). */
  async explain(input: FaceInput): Promise<FaceExplanation> {
    const image = await toRgb(input);
    const { face, otherFaces } = await detectLargestFace(image, this.models);
    if (face === null) return { box: null, landmarks: null, alignedChip: null, quality: null, failure: { code: 'ERR_FACE_NOT_FOUND', reason: 'no face found in the image' } };
    const points = await locateLandmarks(image, face, this.models);
    const aligned = alignFace(image, points);
    const quality = measureQuality(points, aligned, face.score, otherFaces);
    let failure: FaceExplanation['failure'] = null;
    try { checkEnrolable(quality); } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      failure = { code: error.code, reason: error.message };
    }
    const data = new Uint8Array(aligned.chip.length);
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(aligned.chip[i])));
    return { box: face, landmarks: points, alignedChip: { width: aligned.chipSize, height: aligned.chipSize, data }, quality, failure };
  }
}

async function toRgb(input: FaceInput): Promise<RgbImage> {
  if (input instanceof Uint8Array) return decodeFaceImage(faceImageBytes(input));
  if ('data' in input) { checkRgbImage(input); return input; }
  if ('pixels' in input && input.pixels instanceof Uint8Array && input.pixels.length === input.width * input.height && input.width > 0) return rgbFromGray(input);
  throw new EngineError('ERR_IMAGE_FORMAT', 'face input must be image bytes, an RgbImage or a GrayImage');
}
