/**
 * Fingerprint minutiae extraction: a gray image in, an ISO/IEC 19794-2 minutiae record out
 * (exportable with writeIso19794_2), with an image quality score 0–100 and per-minutia
 * qualities. The work is done by the WebAssembly kernel (matchers-wasm/extract/); this wrapper
 * checks the input, resamples it to the kernel's 500 dpi, maps the minutiae back to the
 * image's own pixels, and decides failure to enrol.
 *
 * Failure to enrol (ERR_QUALITY_TOO_LOW, a QualityTooLowError carrying the score): fewer than
 * MIN_ENROL_MINUTIAE minutiae survive the false-minutia filters. The matcher (MCC with
 * LSS-R consolidation) scores a comparison from at least 4 paired minutiae and an overlap of
 * two impressions typically shares under half of them, so below that count a template cannot
 * yield a confident match whatever the other image.
 */
import { EngineError } from './errors.ts';
import { checkImageSize, type GrayImage } from './images/gray-image.ts';
import { resampleToDpi } from './images/resample.ts';
import { dpiToPxPerCm, type Minutia, type MinutiaeRecord } from './minutiae.ts';
import { EXTRACTOR_OUTCOMES, instantiateExtractorKernel, REMOVAL_STAGES, type ExtractorKernelExports, type RemovalStage } from './finger-extractor-kernel.ts';

/** The kernel's resolution, dpi. */
export const EXTRACTOR_DPI = 500;
/** Fewer minutiae than this after filtering: failure to enrol (see the module comment). */
export const MIN_ENROL_MINUTIAE = 8;
/** Most minutiae written to a record: the best by quality (the matcher uses up to 128). */
export const MAX_RECORD_MINUTIAE = 128;
/** Resolutions accepted, dpi (below 250 dpi ridges are under 5 px and cannot be resolved). */
export const MIN_DPI = 250;
export const MAX_DPI = 2000;

export interface ExtractOptions {
  /**
   * Resolution of the image in dots per inch. Default: what the image declares (a decoded WSQ
   * image's `ppi`), else 500. Other values than 500 are resampled to 500.
   */
  dpi?: number;
  /** Also return every intermediate of the pipeline (transparency); costs copies. */
  explain?: boolean;
}

/** A candidate minutia as detected, at 500 dpi in the resampled frame, and what removed it. */
export interface CandidateMinutia {
  x: number;
  y: number;
  /** ISO convention: radians counter-clockwise from x with y down. */
  angle: number;
  type: 'ending' | 'bifurcation';
  quality: number;
  /** null: kept; else the false-minutia stage that removed it. */
  removedBy: RemovalStage | null;
}

/** Every stage's output for the last image, for debugging and adjudication (all at 500 dpi). */
export interface ExtractionExplanation {
  /** Size of the image the kernel saw (after resampling) and the scale applied (output/input px). */
  width: number;
  height: number;
  scale: number;
  /** Block grid: side in px, and its size. */
  block: number;
  blocksWide: number;
  blocksHigh: number;
  /** Per block: 1 = finger. */
  mask: Uint8Array;
  /** Per block: ridge orientation, radians [0, π), image axes (x right, y down). */
  orientation: Float32Array;
  /** Per block: orientation coherence 0–1. */
  coherence: Float32Array;
  /** Per block: ridge period, px. */
  period: Float32Array;
  /** Per pixel (width × height): Gabor-enhanced image, ridges negative. */
  enhanced: Float32Array;
  /** Per pixel: 1 = ridge, before thinning. */
  binary: Uint8Array;
  /** Per pixel: 1 = skeleton. */
  skeleton: Uint8Array;
  /** Every detected candidate, in detection order; filter by removedBy to see each stage's effect. */
  candidates: CandidateMinutia[];
  removalStages: readonly RemovalStage[];
  medianPeriod: number;
  meanCoherence: number;
  fingerAreaPx: number;
}

export interface FingerExtraction {
  /** One view; coordinates in the input image's pixels, resolution as given (ISO conventions). */
  record: MinutiaeRecord;
  /** Image quality 0–100 (higher: more likely to match). */
  quality: number;
  /** Each record minutia's quality 0–100, in record order (also in each Minutia.quality). */
  minutiaeQualities: number[];
  explanation?: ExtractionExplanation;
}

/** Failure to enrol: the image is readable but too poor to give a usable template. */
export class QualityTooLowError extends EngineError {
  readonly quality: number;
  readonly minutiae: number;
  /** Every stage's output, when the extraction was asked to explain (to see why it failed). */
  readonly explanation: ExtractionExplanation | undefined;
  constructor(quality: number, minutiae: number, why: string, explanation?: ExtractionExplanation) {
    super('ERR_QUALITY_TOO_LOW', `fingerprint quality too low to enrol (quality ${quality}, ${minutiae} minutiae): ${why}`);
    this.name = 'QualityTooLowError';
    this.quality = quality;
    this.minutiae = minutiae;
    this.explanation = explanation;
  }
}

export class FingerExtractor {
  private readonly kernel: ExtractorKernelExports;

  constructor(wasmFile?: string) {
    this.kernel = instantiateExtractorKernel(wasmFile);
  }

  /**
   * Extracts the minutiae of `image`. Throws EngineError: ERR_EXTRACT_IMAGE (not a gray image),
   * ERR_EXTRACT_DPI, ERR_IMAGE_TOO_LARGE / ERR_EXTRACT_TOO_SMALL (size outside the kernel's
   * limits after resampling), ERR_QUALITY_TOO_LOW (QualityTooLowError: no finger, noise, or too
   * few minutiae).
   */
  extract(image: GrayImage, options: ExtractOptions = {}): FingerExtraction {
    checkGrayImage(image);
    const dpi = options.dpi ?? declaredDpi(image) ?? EXTRACTOR_DPI;
    if (!(Number.isFinite(dpi) && dpi >= MIN_DPI && dpi <= MAX_DPI)) {
      throw new EngineError('ERR_EXTRACT_DPI', `dpi must be ${MIN_DPI}–${MAX_DPI}, got ${String(options.dpi)}`);
    }
    const k = this.kernel;
    const work = dpi === EXTRACTOR_DPI ? image : resampleToDpi(image, dpi, EXTRACTOR_DPI, { maxDimension: k.maxSide(), maxPixels: k.maxPixels() });
    const scale = work.width / image.width;
    if (work.width < k.minSide() || work.height < k.minSide()) {
      throw new EngineError('ERR_EXTRACT_TOO_SMALL', `image of ${work.width}×${work.height} px at 500 dpi is under the ${k.minSide()} px a side the extractor needs`);
    }
    if (work.width > k.maxSide() || work.height > k.maxSide() || work.width * work.height > k.maxPixels()) {
      throw new EngineError('ERR_IMAGE_TOO_LARGE', `image of ${work.width}×${work.height} px at 500 dpi exceeds the extractor's ${k.maxSide()} px a side, ${k.maxPixels()} px in all`);
    }
    const input = k.prepare(work.width, work.height);
    if (input === 0) throw new EngineError('ERR_EXTRACT_IMAGE', `the extractor refused a ${work.width}×${work.height} image`);
    new Uint8Array(k.memory.buffer, input, work.width * work.height).set(work.pixels);
    const outcome = EXTRACTOR_OUTCOMES[k.extract()] ?? 'bad-size';
    const explanation = options.explain ? this.explain(work.width, work.height, scale) : undefined;
    if (outcome === 'no-finger') throw new QualityTooLowError(0, 0, 'no finger area found (blank, saturated or featureless image)', explanation);
    if (outcome === 'noise') throw new QualityTooLowError(0, 0, 'too many ridge discontinuities: noise, not ridges', explanation);
    if (outcome !== 'ok') throw new EngineError('ERR_EXTRACT_IMAGE', `the extractor refused a ${work.width}×${work.height} image`);

    const quality = Math.round(k.quality());
    const kept = this.keptMinutiae(scale);
    if (kept.length < MIN_ENROL_MINUTIAE) {
      throw new QualityTooLowError(quality, kept.length, `fewer than ${MIN_ENROL_MINUTIAE} reliable minutiae`, explanation);
    }
    kept.sort((a, b) => b.quality - a.quality);
    const minutiae = kept.slice(0, MAX_RECORD_MINUTIAE);
    const resolution = dpiToPxPerCm(dpi);
    const record: MinutiaeRecord = {
      format: 'iso19794-2:2005',
      width: image.width,
      height: image.height,
      resolutionX: resolution,
      resolutionY: resolution,
      captureEquipmentId: 0,
      views: [{ fingerPosition: 0, viewNumber: 0, impressionType: 0, quality, minutiae }],
    };
    return { record, quality, minutiaeQualities: minutiae.map((m) => m.quality), explanation };
  }

  /** Kept minutiae mapped back to the input image's pixels. */
  private keptMinutiae(scale: number): Minutia[] {
    const k = this.kernel;
    const stride = k.candidateFloats();
    const rows = new Float32Array(k.memory.buffer, k.candidatesAddress(), k.candidates() * stride);
    const out: Minutia[] = [];
    for (let c = 0; c < k.candidates(); c++) {
      const r = rows.subarray(c * stride, (c + 1) * stride);
      if (r[5] !== 0) continue;
      out.push({
        x: Math.max(0, Math.round((r[0] + 0.5) / scale - 0.5)),
        y: Math.max(0, Math.round((r[1] + 0.5) / scale - 0.5)),
        angle: r[2],
        type: r[3] === 1 ? 'ending' : 'bifurcation',
        quality: Math.round(r[4]),
      });
    }
    return out;
  }

  private explain(width: number, height: number, scale: number): ExtractionExplanation {
    const k = this.kernel;
    const buf = k.memory.buffer;
    const bw = k.blocksWide(), bh = k.blocksHigh(), stride = k.planeStride();
    const blocks = bw * bh;
    const plane = <T extends Uint8Array | Float32Array>(make: (o: number, n: number) => T, address: number, bytes: number, out: T): T => {
      for (let y = 0; y < height; y++) out.set(make(address + y * stride * bytes, width), y * width);
      return out;
    };
    const cf = k.candidateFloats();
    const rows = new Float32Array(buf, k.candidatesAddress(), k.candidates() * cf);
    const candidates: CandidateMinutia[] = [];
    for (let c = 0; c < k.candidates(); c++) {
      const r = rows.subarray(c * cf, (c + 1) * cf);
      candidates.push({ x: r[0], y: r[1], angle: r[2], type: r[3] === 1 ? 'ending' : 'bifurcation', quality: r[4], removedBy: r[5] === 0 ? null : REMOVAL_STAGES[r[5] - 1] });
    }
    return {
      width, height, scale,
      block: k.blockSize(), blocksWide: bw, blocksHigh: bh,
      mask: new Uint8Array(buf, k.maskAddress(), blocks).slice(),
      orientation: new Float32Array(buf, k.orientationAddress(), blocks).slice(),
      coherence: new Float32Array(buf, k.coherenceAddress(), blocks).slice(),
      period: new Float32Array(buf, k.periodAddress(), blocks).slice(),
      enhanced: plane((o, n) => new Float32Array(buf, o, n), k.enhancedAddress(), 4, new Float32Array(width * height)),
      binary: plane((o, n) => new Uint8Array(buf, o, n), k.binaryAddress(), 1, new Uint8Array(width * height)),
      skeleton: plane((o, n) => new Uint8Array(buf, o, n), k.skeletonAddress(), 1, new Uint8Array(width * height)),
      candidates,
      removalStages: REMOVAL_STAGES,
      medianPeriod: k.medianPeriod(),
      meanCoherence: k.meanFingerCoherence(),
      fingerAreaPx: k.fingerAreaPx(),
    };
  }

  /** The speed bench's baseline: one 3×3 box-filter pass over `image` in this kernel (prepare + filter). */
  boxFilterBaseline(image: GrayImage): number {
    checkGrayImage(image);
    const input = this.kernel.prepare(image.width, image.height);
    if (input === 0) throw new EngineError('ERR_EXTRACT_IMAGE', `the extractor refused a ${image.width}×${image.height} image`);
    new Uint8Array(this.kernel.memory.buffer, input, image.width * image.height).set(image.pixels);
    return this.kernel.boxFilterBaseline();
  }
}

/** The resolution an image declares, when its decoder read one (WSQ's NIST_COM `PPI`). */
function declaredDpi(image: GrayImage): number | undefined {
  const ppi = (image as GrayImage & { ppi?: unknown }).ppi;
  return typeof ppi === 'number' && Number.isFinite(ppi) && ppi > 0 ? ppi : undefined;
}

function checkGrayImage(image: GrayImage): void {
  if (image === null || typeof image !== 'object' || !(image.pixels instanceof Uint8Array)) {
    throw new EngineError('ERR_EXTRACT_IMAGE', 'image must be a GrayImage { width, height, pixels: Uint8Array }');
  }
  checkImageSize(image.width, image.height);
  if (image.pixels.length !== image.width * image.height) {
    throw new EngineError('ERR_EXTRACT_IMAGE', `image has ${image.pixels.length} pixels, ${image.width}×${image.height} expected`);
  }
}
