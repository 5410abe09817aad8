/**
 * The iris matcher's TypeScript face: templates from gray eye images, probes prepared once
 * (their rotations), 1:1 and 1:many comparisons on the WASM kernel, and the evidence behind
 * a score. Scores are calibrated as −10·log10(FMR) (see iris-calibration.ts); raw kernel
 * scores are 1 − the normalised Hamming distance at the best rotation, each half of the ring then
 * at its own shift within a few positions (matchers-wasm/iris/hamming.ts), scaled from chance by
 * the pair's degrees-of-freedom weight (0.5 ≈ chance).
 */
import { EngineError } from './errors.ts';
import { ProbeSlots } from './probe-slots.ts';
import type { GrayImage } from './images/gray-image.ts';
import { instantiateIrisKernel, EXTRACT_OUTCOMES, type IrisKernelExports } from './iris-kernel.ts';
import { calibrateIrisScore } from './iris-calibration.ts';

export interface IrisCircle {
  readonly x: number;
  readonly y: number;
  readonly radius: number;
}

/**
 * An eyelid found across the iris, as a parabola in the image: y = apexY + bend·(x − apexX)²,
 * px (bend > 0: the upper lid, curving down at the sides; < 0: the lower lid).
 */
export interface IrisEyelid {
  readonly apexX: number;
  readonly apexY: number;
  readonly bend: number;
}

/** A template as stored: the kernel's layout ("IRC4": header, code, mask; see matchers-wasm/iris/layout.ts). */
export interface IrisTemplate {
  readonly bytes: Uint8Array;
  /** Share of code bits that are usable (not occluded): the quality measure, 0–1. */
  readonly usableBitShare: number;
  /** Boundaries found in the source image, px; absent for templates read back from bytes. */
  readonly pupil?: IrisCircle;
  readonly iris?: IrisCircle;
  /** Eyelids crossing the iris (absent when none was found, or for templates read back from bytes). */
  readonly upperLid?: IrisEyelid;
  readonly lowerLid?: IrisEyelid;
  /** Capture quality measured at extraction (absent for templates read back from bytes). */
  readonly quality?: IrisCaptureQuality;
}

/**
 * Capture quality in the terms of ISO/IEC 29794-6 (matchers-wasm/iris/quality.ts gives the
 * exact, simplified definitions). Every measure is 0 when extraction stopped before it.
 */
export interface IrisCaptureQuality {
  /** Focus: mean |Laplacian| of the unwrapped iris texture as a % of its mean gray level. */
  readonly sharpness: number;
  /** Share of the unwrapped iris hidden by lids, lashes or reflections, 0–1. */
  readonly occludedShare: number;
  /** Usable iris area: 1 − occludedShare, 0–1. */
  readonly usableIrisArea: number;
  /** Iris–pupil contrast, 100·(iris − pupil)/(iris + pupil) of their grays, %. */
  readonly irisPupilContrast: number;
  /** Iris–sclera contrast, 100·(sclera − iris)/(sclera + iris), lateral sclera, %. */
  readonly irisScleraContrast: number;
  /** Pupil boundary circularity: 100·(1 − RMS deviation of the edge from the circle / radius). */
  readonly pupilCircularity: number;
  /** Pupil dilation: pupil radius / iris radius, %. */
  readonly pupilDilation: number;
  /** Iris radius, px (ISO/IEC 29794-6 asks ≥ 80 px radius for enrolment quality, ≥ 50 acceptable). */
  readonly irisRadius: number;
  /** Free image beside the iris circle in iris radii: left/right (the least) and top/bottom; negative = the iris is cut off. */
  readonly marginHorizontal: number;
  readonly marginVertical: number;
}

export interface IrisPreparedProbe {
  readonly template: IrisTemplate;
  /** @internal address of the probe's rotations inside its matcher's memory */
  readonly address: number;
  readonly matcher: IrisMatcher;
}

export interface IrisGallery {
  readonly size: number;
  readonly matcher: IrisMatcher;
  /** @internal */
  readonly base: number;
  /** @internal */
  readonly scoresPtr: number;
}

export interface IrisComparisonEvidence {
  rawScore: number;
  score: number;
  /** Best rotation, code positions (probe relative to gallery) and degrees. */
  shift: number;
  shiftDegrees: number;
  /** Bits valid in both codes at that rotation. */
  bitsCompared: number;
  /** Fractional Hamming distance at that rotation, before the bit-count normalisation. */
  hammingDistance: number;
  /** The normalised distance the score came from: rawScore = 0.5 + (0.5 − normalisedDistance)·
   *  freedomWeight (clamped to 0–1). With the local shift tolerance (matchers-wasm/iris/hamming.ts)
   *  it is the mean over two cuts of the ring of the distance when each half takes its own shift
   *  within a few positions of `shift`, so it is not the best rotation's alone. */
  normalisedDistance: number;
  /** The pair's degrees-of-freedom weight (product of the two codes' weights; 1 = typical codes,
   *  < 1 = correlated bits, so the distance from chance counts for less; matchers-wasm/iris/code-freedom.ts). */
  freedomWeight: number;
  /** Usable-bit share of each code (0–1), and each template's capture quality (ISO/IEC 29794-6
   *  measures) when the template was built here rather than read back from bytes. */
  probeUsableBitShare: number;
  candidateUsableBitShare: number;
  probeQuality?: IrisCaptureQuality;
  candidateQuality?: IrisCaptureQuality;
}

/** Why an image gave no template: stable codes, each a failure to enrol. */
const EXTRACT_ERRORS: Record<string, [code: string, message: string]> = {
  'bad-image': ['ERR_IMAGE_TOO_LARGE', 'image size is outside what the iris kernel accepts'],
  'no-pupil': ['ERR_IRIS_NO_PUPIL', 'no pupil found (no dark round region with an edge around it)'],
  'no-iris': ['ERR_IRIS_NO_LIMBUS', 'no iris boundary found around the pupil'],
  'too-occluded': ['ERR_IRIS_OCCLUDED', 'too little visible iris: usable code bits below the enrolment threshold'],
  'too-blurred': ['ERR_IRIS_BLURRED', 'iris texture too blurred to enrol: sharpness below the enrolment threshold'],
  'low-contrast': ['ERR_IRIS_LOW_CONTRAST', 'iris–pupil contrast below the enrolment threshold (no clear pupil)'],
  'iris-too-small': ['ERR_IRIS_TOO_SMALL', 'iris radius below the enrolment threshold (too few pixels for a code)'],
};

const HEADER_BYTES = 16;
/** Largest degrees-of-freedom weight a template can carry: (DOF_REFERENCE / 1)^¼ for a code of
 *  uncorrelated bits (matchers-wasm/iris/code-freedom.ts, params.ts), with room for rounding. */
const MAX_FREEDOM_WEIGHT = 1.5;
/** Smallest image side the kernel accepts, px (matchers-wasm/iris/index.ts). */
const MIN_IMAGE_SIDE = 32;

export class IrisMatcher {
  private readonly kernel: IrisKernelExports;
  readonly templateBytes: number;
  readonly codeBits: number;
  /** Rotation search: ±maxShift code positions of 360°/codeAngles each. */
  readonly maxShift: number;
  readonly codeAngles: number;
  private readonly preparedBytes: number;
  private readonly imagePtr: number;
  private readonly buildPtr: number;
  private readonly pairA: number;
  private readonly pairB: number;
  private readonly probes: ProbeSlots<IrisPreparedProbe>;

  /** `wasmFile`: another build of the kernel (parameter experiments); default build/iris.wasm. */
  constructor(wasmFile?: string) {
    this.kernel = instantiateIrisKernel(wasmFile);
    this.templateBytes = this.kernel.templateBytes();
    this.codeBits = this.kernel.codeBits();
    this.maxShift = this.kernel.maxShift();
    this.codeAngles = this.kernel.codeAngles();
    this.preparedBytes = this.kernel.preparedBytes();
    this.imagePtr = this.kernel.allocate(this.kernel.maxImagePixels());
    this.buildPtr = this.kernel.allocate(this.templateBytes);
    this.pairA = this.kernel.allocate(this.preparedBytes);
    this.pairB = this.kernel.allocate(this.templateBytes);
    this.probes = new ProbeSlots(this, () => this.kernel.allocate(this.preparedBytes));
  }

  /**
   * Builds a template from a gray NIR eye image (any sensor: search ranges follow the image size;
   * iris radius ≥ 40 px). Throws EngineError ERR_IMAGE_FORMAT (pixels do not match the size),
   * ERR_IMAGE_TOO_SMALL, ERR_IMAGE_TOO_LARGE, and the failures to enrol ERR_IRIS_NO_PUPIL,
   * ERR_IRIS_NO_LIMBUS, ERR_IRIS_OCCLUDED, ERR_IRIS_BLURRED, ERR_IRIS_LOW_CONTRAST,
   * ERR_IRIS_TOO_SMALL; lastQuality() then says which measure failed.
   */
  createTemplate(image: GrayImage): IrisTemplate {
    const { width, height, pixels } = image;
    if (!(pixels instanceof Uint8Array) || !Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || pixels.length !== width * height) {
      throw new EngineError('ERR_IMAGE_FORMAT', 'image must be {width, height, pixels: Uint8Array of width × height}');
    }
    if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
      throw new EngineError('ERR_IMAGE_TOO_SMALL', `iris image of ${width}×${height} px is smaller than ${MIN_IMAGE_SIDE} px a side`);
    }
    const side = this.kernel.maxImageSide();
    if (width > side || height > side || width * height > this.kernel.maxImagePixels()) {
      throw new EngineError('ERR_IMAGE_TOO_LARGE', `iris image of ${width}×${height} px exceeds ${side} px a side or ${this.kernel.maxImagePixels()} px`);
    }
    new Uint8Array(this.kernel.memory.buffer, this.imagePtr, pixels.length).set(pixels);
    const outcome = EXTRACT_OUTCOMES[this.kernel.extract(this.imagePtr, width, height, this.buildPtr)];
    if (outcome !== 'ok') {
      const [code, message] = EXTRACT_ERRORS[outcome ?? 'bad-image'];
      throw new EngineError(code, message);
    }
    const bytes = new Uint8Array(this.kernel.memory.buffer, this.buildPtr, this.templateBytes).slice();
    const k = this.kernel;
    return {
      ...this.templateFromBytes(bytes),
      pupil: { x: k.lastPupilX(), y: k.lastPupilY(), radius: k.lastPupilRadius() },
      iris: { x: k.lastIrisX(), y: k.lastIrisY(), radius: k.lastIrisRadius() },
      ...(k.lastUpperLidCurvature() >= 0 ? { upperLid: { apexX: k.lastUpperLidApexX(), apexY: k.lastUpperLidApexY(), bend: k.lastUpperLidCurvature() } } : {}),
      ...(k.lastLowerLidCurvature() >= 0 ? { lowerLid: { apexX: k.lastLowerLidApexX(), apexY: k.lastLowerLidApexY(), bend: -k.lastLowerLidCurvature() } } : {}),
      quality: this.lastQuality(),
    };
  }

  /** The quality measures of the last createTemplate call, also after a failure to enrol (0 where it stopped before a measure). */
  lastQuality(): IrisCaptureQuality {
    const k = this.kernel;
    return {
      sharpness: k.lastSharpness(),
      occludedShare: k.lastOccludedShare(),
      usableIrisArea: k.lastUsableArea(),
      irisPupilContrast: k.lastIrisPupilContrast(),
      irisScleraContrast: k.lastIrisScleraContrast(),
      pupilCircularity: k.lastPupilCircularity(),
      pupilDilation: k.lastPupilDilation(),
      irisRadius: k.lastIrisRadius(),
      marginHorizontal: k.lastMarginHorizontal(),
      marginVertical: k.lastMarginVertical(),
    };
  }

  /** The last extraction's normalised iris (rows pupil → limbus) and usable mask: transparency and debugging. */
  lastNormalisedIris(): { rows: number; columns: number; gray: Float32Array; usable: Uint8Array; x?: Float32Array; y?: Float32Array } {
    const k = this.kernel, rows = k.sheetRows(), columns = k.sheetColumns(), n = rows * columns;
    const at = (address: number): Float32Array => new Float32Array(k.memory.buffer, address, n).slice();
    return {
      rows,
      columns,
      gray: at(k.sheetAddress()),
      usable: new Uint8Array(k.memory.buffer, k.usableAddress(), n).slice(),
      // sample positions in the image (px), where the kernel exports them (older builds do not)
      ...(k.sheetXAddress !== undefined && k.sheetYAddress !== undefined ? { x: at(k.sheetXAddress()), y: at(k.sheetYAddress()) } : {}),
    };
  }

  /**
   * A template from a normalised iris given directly (rows pupil → limbus × columns, the
   * shape of lastNormalisedIris; `usable` 1 = iris): our filter bank without segmentation. For
   * generated galleries (the identify bench's background codes), not for enrolment.
   */
  templateFromNormalised(gray: Float32Array, usable: Uint8Array): IrisTemplate {
    const rows = this.kernel.sheetRows(), columns = this.kernel.sheetColumns();
    if (!(gray instanceof Float32Array) || !(usable instanceof Uint8Array) || gray.length !== rows * columns || usable.length !== rows * columns) {
      throw new EngineError('ERR_IMAGE_FORMAT', `a normalised iris is ${rows} × ${columns} gray samples (Float32Array) and a usable mask (Uint8Array)`);
    }
    new Float32Array(this.kernel.memory.buffer, this.kernel.sheetAddress(), rows * columns).set(gray);
    new Uint8Array(this.kernel.memory.buffer, this.kernel.usableAddress(), rows * columns).set(usable);
    this.kernel.encodeSheet(this.buildPtr);
    return this.templateFromBytes(new Uint8Array(this.kernel.memory.buffer, this.buildPtr, this.templateBytes).slice());
  }

  /** Validates stored template bytes (from the store or the network) before they reach the kernel. */
  templateFromBytes(bytes: Uint8Array): IrisTemplate {
    if (!(bytes instanceof Uint8Array)) throw new EngineError('ERR_TEMPLATE_TYPE', 'template must be a Uint8Array');
    if (bytes.length !== this.templateBytes) throw new EngineError('ERR_TEMPLATE_CORRUPT', `iris template must be ${this.templateBytes} bytes, got ${bytes.length}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== this.kernel.templateMagic()) throw new EngineError('ERR_TEMPLATE_CORRUPT', 'not an iris template of this version (bad magic)');
    if (view.getUint16(4, true) !== this.templateBytes || view.getUint16(6, true) !== this.codeBits) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', 'iris template header does not match this kernel');
    }
    const weight = view.getFloat32(12, true);
    if (!(weight > 0 && weight <= MAX_FREEDOM_WEIGHT)) throw new EngineError('ERR_TEMPLATE_CORRUPT', 'iris template degrees-of-freedom weight out of range');
    const usableBits = view.getUint32(8, true);
    const maskStart = HEADER_BYTES + this.codeBits / 8;
    let counted = 0;
    for (let k = maskStart; k < bytes.length; k++) counted += popcount8(bytes[k]);
    if (counted !== usableBits) throw new EngineError('ERR_TEMPLATE_CORRUPT', 'iris template mask does not match its usable-bit count');
    return { bytes, usableBitShare: usableBits / this.codeBits };
  }

  /** Places a probe's rotations in this matcher's memory once, for any number of compareMany calls. */
  prepareProbe(template: IrisTemplate): IrisPreparedProbe {
    this.checkTemplate(template);
    const address = this.probes.take();
    this.writeTemplate(this.buildPtr, template);
    this.kernel.prepareProbe(this.buildPtr, address);
    return this.probes.issue({ template, address, matcher: this });
  }

  /** Returns a probe's slot for reuse; the probe must not be used afterwards. */
  releaseProbe(probe: IrisPreparedProbe): void {
    this.probes.release(probe);
  }

  /** Copies templates into one contiguous array of fixed-size slots in this matcher's memory. */
  loadGallery(templates: readonly IrisTemplate[]): IrisGallery {
    templates.forEach((t) => this.checkTemplate(t));
    const base = align16(this.kernel.allocate(templates.length * this.templateBytes + 16));
    const scoresPtr = this.kernel.allocate(templates.length * 4 + 4);
    templates.forEach((t, i) => this.writeTemplate(base + i * this.templateBytes, t));
    return { size: templates.length, matcher: this, base, scoresPtr };
  }

  /** Raw similarities (0–1) of a prepared probe against every gallery template, with the rotation search. */
  compareManyRaw(probe: IrisPreparedProbe, gallery: IrisGallery, out = new Float32Array(gallery.size)): Float32Array {
    this.probes.check(probe);
    this.ownGallery(gallery);
    this.kernel.compareMany(probe.address, gallery.base, gallery.size, this.templateBytes, gallery.scoresPtr);
    out.set(new Float32Array(this.kernel.memory.buffer, gallery.scoresPtr, gallery.size));
    return out;
  }

  /** Calibrated scores (−10·log10 FMR) of a prepared probe against every gallery template. */
  compareMany(probe: IrisPreparedProbe, gallery: IrisGallery, out = new Float32Array(gallery.size)): Float32Array {
    this.compareManyRaw(probe, gallery, out);
    for (let i = 0; i < out.length; i++) out[i] = calibrateIrisScore(out[i]);
    return out;
  }

  /**
   * The speed baseline: plain masked fractional Hamming distances at one position (no rotation,
   * no normalisation) of a template against the same gallery bytes. Not a matcher: for benches.
   */
  plainDistances(probe: IrisTemplate, gallery: IrisGallery, out = new Float32Array(gallery.size)): Float32Array {
    this.ownGallery(gallery);
    this.checkTemplate(probe);
    this.writeTemplate(this.pairB, probe);
    this.kernel.plainScan(this.pairB, gallery.base, gallery.size, this.templateBytes, gallery.scoresPtr);
    out.set(new Float32Array(this.kernel.memory.buffer, gallery.scoresPtr, gallery.size));
    return out;
  }

  /** Raw similarity of two templates (0–1; 0.5 ≈ chance). */
  compareRaw(probe: IrisTemplate, candidate: IrisTemplate): number {
    this.checkTemplate(probe);
    this.checkTemplate(candidate);
    this.writeTemplate(this.buildPtr, probe);
    this.kernel.prepareProbe(this.buildPtr, this.pairA);
    this.writeTemplate(this.pairB, candidate);
    return this.kernel.compare(this.pairA, this.pairB);
  }

  /** Calibrated score (−10·log10 FMR) of two templates. */
  compare(probe: IrisTemplate, candidate: IrisTemplate): number {
    return calibrateIrisScore(this.compareRaw(probe, candidate));
  }

  /** The transparency hook: the score, the rotation that produced it and the bits behind it. */
  explain(probe: IrisTemplate, candidate: IrisTemplate): IrisComparisonEvidence {
    const rawScore = this.compareRaw(probe, candidate);
    const shift = this.kernel.lastBestShift();
    const freedomWeight = this.kernel.lastFreedomWeight();
    // builds before session 12 do not export it: their score came from the best rotation alone
    const normalisedDistance = this.kernel.lastNormalisedDistance?.() ?? 0.5 - (rawScore - 0.5) / freedomWeight;
    return {
      rawScore,
      score: calibrateIrisScore(rawScore),
      shift,
      shiftDegrees: (shift * 360) / this.codeAngles,
      bitsCompared: this.kernel.lastBitsCompared(),
      hammingDistance: this.kernel.lastDistance(),
      normalisedDistance,
      freedomWeight,
      probeUsableBitShare: probe.usableBitShare,
      candidateUsableBitShare: candidate.usableBitShare,
      ...(probe.quality === undefined ? {} : { probeQuality: probe.quality }),
      ...(candidate.quality === undefined ? {} : { candidateQuality: candidate.quality }),
    };
  }

  private checkTemplate(template: IrisTemplate): void {
    if (!(template?.bytes instanceof Uint8Array) || template.bytes.length !== this.templateBytes) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', `iris template must be ${this.templateBytes} bytes (use templateFromBytes for stored bytes)`);
    }
  }

  private writeTemplate(address: number, template: IrisTemplate): void {
    new Uint8Array(this.kernel.memory.buffer, address, this.templateBytes).set(template.bytes);
  }

  private ownGallery(gallery: IrisGallery): void {
    if (gallery.matcher !== this) throw new EngineError('ERR_MATCHER_MISMATCH', 'gallery belongs to another matcher');
  }
}

function align16(v: number): number {
  return (v + 15) & ~15;
}

function popcount8(v: number): number {
  v = v - ((v >> 1) & 0x55);
  v = (v & 0x33) + ((v >> 2) & 0x33);
  return (v + (v >> 4)) & 0x0f;
}
