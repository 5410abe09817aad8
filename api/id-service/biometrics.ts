/**
 * The request's `biometrics` → engine templates. This is the one place that knows the wire
 * format of captured biometrics, so it can later delegate to api/intake (CBEFF BIRs):
 *
 *   { fingers: [ { position: 1–10, format: 'iso19794-2', data: <base64 ISO/ANSI minutiae record> }
 *              | { position, format: 'iso19794-4', data: <base64 ISO finger image record> }
 *              | { position, format: 'image', data: <base64 PNG/JPEG/BMP/PGM/JPEG 2000>, dpi?: 250–2000 }
 *              | { position, exception: 'missing' | 'amputated' | 'unusable' } ],
 *     irises:  [ { side: 'left' | 'right', format: 'image' | 'iso19794-6', data } | { side, exception } ],
 *     face:    { format: 'iso19794-5' | 'image', data } }                      (face-capture.ts)
 *   or { cbeff: <CBEFF XML text, MOSIP's biometric record> }, read by api/intake.
 *
 * Exception entries (amputation, worn prints; CBEFF EXCEPTION=true) are honoured: that finger is
 * simply not captured, and the request proceeds on what was. Base64 may be standard or URL-safe,
 * padded or not.
 */
import {
  EngineError, FingerExtractor, FingerMatcher, IrisMatcher, readMinutiaeRecord, readIso19794_6, decodeImage, decodeIrisImage,
  decodeFingerImageRecord, FINGER_TEMPLATE_VERSION, IRIS_TEMPLATE_VERSION, FACE_TEMPLATE_VERSION, checkFingerSample, encodeJpeg2000,
  type FingerPosition, type GrayImage, type Probe, type Subject,
} from '../../engine/index.ts';
import { HttpError } from '../http/index.ts';
import { readBiometrics, TemplateMaker } from '../intake/index.ts';
import { captureFace } from './face-capture.ts';

export interface CapturedFinger {
  /** ISO position; 0 (unknown) only in a verification probe. */
  readonly position: number;
  readonly template: Uint8Array;
}

export interface CapturedIris {
  /** 'unknown' only in a verification probe (a CBEFF BIR without a side). */
  readonly side: 'left' | 'right' | 'unknown';
  readonly template: Uint8Array;
}

export interface Captured {
  readonly fingers: readonly CapturedFinger[];
  readonly irises: readonly CapturedIris[];
  /** Positions/sides declared as exceptions (not captured). */
  readonly exceptions: number;
  /** The face template, when a face was sent. */
  readonly face?: Uint8Array;
}

const FINGER_FORMATS = ['iso19794-2', 'iso19794-4', 'image'] as const;
/** 8×8 gray images: decoding them loads sharp and its PNG, TIFF and JPEG readers (warm-up; the first TIFF cost ~0.9 s). */
const WARM_IMAGES = [
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAD0lEQVQImWNowAEYhpYEAILzYAEeEbvlAAAAAElFTkSuQmCC',
  'SUkqAMgAAACAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA'
    + 'gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA'
    + 'gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAPAAABAwABAAAACAAAAAEBAwABAAAACAAA'
    + 'AAIBAwADAAAAkgEAAAMBAwABAAAAAQAAAAYBAwABAAAAAgAAABEBBAABAAAACAAAABIBAwABAAAAAQAAABUBAwABAAAAAwAAABYB'
    + 'AwABAAAAAAEAABcBBAABAAAAwAAAABoBBQABAAAAggEAABsBBQABAAAAigEAABwBAwABAAAAAQAAACgBAwABAAAAAgAAAFMBAwADAAAAmAEAAAAAAAAzM8sAAAAIADMzywAAAAgACAAIAAgAAQABAAEA',
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAIAAgDASIAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAUAQEAAAAAAAAAAAAAAAAAAAAA/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8AAA//2Q==',
];
const IRIS_FORMATS = ['iso19794-6', 'image'] as const;
const EXCEPTIONS = ['missing', 'amputated', 'unusable'] as const;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** At most this many minutiae-record fingers are built inline (a full 10-print set: ~1.5 ms). */
const MAX_INLINE_FINGERS = 10;

/**
 * True when `biometrics` holds only ISO/IEC 19794-2 finger records (or exceptions): cheap enough
 * to turn into templates on the calling thread (capture-pool.ts). A shape check only: `capture`
 * still validates everything.
 */
export function minutiaeOnly(biometrics: unknown): boolean {
  if (typeof biometrics !== 'object' || biometrics === null || Array.isArray(biometrics)) return false;
  const { fingers, ...rest } = biometrics as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || !Array.isArray(fingers) || fingers.length === 0 || fingers.length > MAX_INLINE_FINGERS) return false;
  return fingers.every((f: unknown) => typeof f === 'object' && f !== null
    && ((f as Record<string, unknown>).format === 'iso19794-2' || (f as Record<string, unknown>).exception !== undefined));
}

/** Turns captured records/images into templates; holds the (lazily created) WASM kernels. */
export class BiometricsAdapter {
  readonly #matcher = new FingerMatcher();
  #extractor: FingerExtractor | undefined;
  #iris: IrisMatcher | undefined;
  #intake: TemplateMaker | undefined;

  /**
   * Pays the first-use costs now instead of in the first request: the extractor's kernel (and one
   * run of it), sharp (PNG/TIFF/JPEG) and the OpenJPEG module (JPEG 2000). ~0.5 s per worker.
   */
  async warm(): Promise<void> {
    const extractor = (this.#extractor ??= new FingerExtractor());
    const blank: GrayImage = { width: 128, height: 128, pixels: new Uint8Array(128 * 128).fill(128) };
    try {
      extractor.extract(blank, { dpi: 500 });
    } catch {
      // a blank image is refused (no finger): only the warm-up of the kernel was wanted
    }
    // a codec that cannot load here fails the same way in a request, with its typed error: not a reason to refuse to start
    for (const image of WARM_IMAGES) await decodeImage(new Uint8Array(Buffer.from(image, 'base64'))).catch(() => undefined);
    await encodeJpeg2000(blank, { lossless: true }).then((j2k) => decodeImage(j2k)).catch(() => undefined);
  }

  /**
   * Parses and converts `value`. `purpose` 'enrol' needs known, distinct positions/sides;
   * 'verify' accepts finger position 0 (unknown). Throws HttpError: 400 for a malformed
   * request, 422 (with the engine's code) for a record or image that cannot give a template.
   */
  async capture(value: unknown, purpose: 'enrol' | 'verify'): Promise<Captured> {
    if (!isObject(value)) throw bad('biometrics must be an object with fingers and/or irises, or cbeff');
    if (value.cbeff !== undefined) {
      if (Object.keys(value).length !== 1) throw bad('biometrics: cbeff comes alone (no fingers or irises beside it)');
      return this.#fromCbeff(value.cbeff, purpose);
    }
    for (const key of Object.keys(value)) if (key !== 'fingers' && key !== 'irises' && key !== 'face') throw bad(`biometrics: unknown field "${short(key)}"`);
    const fingers = value.fingers ?? [];
    const irises = value.irises ?? [];
    if (!Array.isArray(fingers) || fingers.length > 10) throw bad('biometrics.fingers must be an array of at most 10 entries');
    if (!Array.isArray(irises) || irises.length > 2) throw bad('biometrics.irises must be an array of at most 2 entries');
    const out: CapturedFinger[] = [];
    const seen = new Set<number>();
    let exceptions = 0;
    for (let i = 0; i < fingers.length; i++) {
      const f: unknown = fingers[i];
      if (!isObject(f)) throw bad(`biometrics.fingers[${i}] must be an object`);
      const position = f.position;
      const lowest = purpose === 'verify' ? 0 : 1;
      if (!Number.isInteger(position) || (position as number) < lowest || (position as number) > 10) throw bad(`biometrics.fingers[${i}].position must be an integer ${lowest}–10`);
      const p = position as number;
      if (p !== 0 && seen.has(p)) throw bad(`biometrics.fingers: position ${p} appears twice`);
      seen.add(p);
      if (f.exception !== undefined) {
        if (!EXCEPTIONS.includes(f.exception as typeof EXCEPTIONS[number])) throw bad(`biometrics.fingers[${i}].exception must be one of ${EXCEPTIONS.join(', ')}`);
        exceptions++;
        continue;
      }
      out.push({ position: p, template: await this.#fingerTemplate(f, `biometrics.fingers[${i}]`) });
    }
    const eyes: CapturedIris[] = [];
    const sides = new Set<string>();
    for (let i = 0; i < irises.length; i++) {
      const e: unknown = irises[i];
      if (!isObject(e)) throw bad(`biometrics.irises[${i}] must be an object`);
      if (e.side !== 'left' && e.side !== 'right') throw bad(`biometrics.irises[${i}].side must be left or right`);
      if (sides.has(e.side)) throw bad(`biometrics.irises: side ${e.side} appears twice`);
      sides.add(e.side);
      if (e.exception !== undefined) {
        if (!EXCEPTIONS.includes(e.exception as typeof EXCEPTIONS[number])) throw bad(`biometrics.irises[${i}].exception must be one of ${EXCEPTIONS.join(', ')}`);
        exceptions++;
        continue;
      }
      eyes.push({ side: e.side, template: await this.#irisTemplate(e, `biometrics.irises[${i}]`) });
    }
    const face = value.face === undefined ? undefined : await captureFace(value.face);
    if (out.length + eyes.length === 0 && face === undefined) {
      throw new HttpError(422, 'ERR_NO_BIOMETRICS', 'no finger, iris or face was captured (every entry is an exception, or none was given)');
    }
    return face === undefined ? { fingers: out, irises: eyes, exceptions } : { fingers: out, irises: eyes, exceptions, face };
  }

  /** A CBEFF document through api/intake; enrolment keeps only placed samples (position 1–10, a known side). */
  async #fromCbeff(cbeff: unknown, purpose: 'enrol' | 'verify'): Promise<Captured> {
    if (typeof cbeff !== 'string' || cbeff.length === 0) throw bad('biometrics.cbeff must be the CBEFF XML document as a string');
    const read = await converted('biometrics.cbeff', () => readBiometrics(cbeff, (this.#intake ??= new TemplateMaker())));
    const fingers: CapturedFinger[] = [];
    for (const [position, template] of read.fingers) if (purpose === 'verify' || position >= 1) fingers.push({ position, template });
    const irises: CapturedIris[] = [];
    for (const [side, template] of read.irises) if (purpose === 'verify' || side !== 'unknown') irises.push({ side, template });
    if (fingers.length + irises.length === 0 && read.face === undefined) {
      throw new HttpError(422, 'ERR_NO_BIOMETRICS', 'the CBEFF document holds no face and no sample with a known finger position or iris side');
    }
    const exceptions = read.report.exceptions.length;
    return read.face === undefined ? { fingers, irises, exceptions } : { fingers, irises, exceptions, face: read.face };
  }

  async #fingerTemplate(f: Record<string, unknown>, where: string): Promise<Uint8Array> {
    const format = f.format;
    if (!FINGER_FORMATS.includes(format as typeof FINGER_FORMATS[number])) throw bad(`${where}.format must be one of ${FINGER_FORMATS.join(', ')}`);
    const bytes = decodeBase64(f.data, `${where}.data`);
    return converted(where, async () => {
      if (format === 'iso19794-2') {
        const record = readMinutiaeRecord(bytes);
        const view = record.views[0];
        if (view === undefined) throw new EngineError('ERR_RECORD_EMPTY', 'the minutiae record has no finger view');
        checkFingerSample({ minutiae: view.minutiae, pxPerCm: record.resolutionX }); // the one quality gate (engine/quality-gate.ts)
        return this.#matcher.createTemplate(view.minutiae, { resolutionPxPerCm: record.resolutionX }).bytes;
      }
      if (format === 'iso19794-4') {
        const views = await decodeFingerImageRecord(bytes);
        const view = views[0];
        if (view === undefined) throw new EngineError('ERR_RECORD_EMPTY', 'the finger image record has no view');
        return this.#fromImage(view.image, view.dpiX);
      }
      const dpi = f.dpi ?? 500;
      if (typeof dpi !== 'number') throw bad(`${where}.dpi must be a number`);
      return this.#fromImage(await decodeImage(bytes), dpi);
    });
  }

  #fromImage(image: GrayImage, dpi: number): Uint8Array {
    const extraction = (this.#extractor ??= new FingerExtractor()).extract(image, { dpi });
    const record = extraction.record;
    checkFingerSample({ image, dpi, minutiae: record.views[0].minutiae, pxPerCm: record.resolutionX }); // a corrupt decode is refused
    return this.#matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX }).bytes;
  }

  async #irisTemplate(e: Record<string, unknown>, where: string): Promise<Uint8Array> {
    const format = e.format;
    if (!IRIS_FORMATS.includes(format as typeof IRIS_FORMATS[number])) throw bad(`${where}.format must be one of ${IRIS_FORMATS.join(', ')}`);
    const bytes = decodeBase64(e.data, `${where}.data`);
    return converted(where, async () => {
      let image: GrayImage;
      if (format === 'iso19794-6') {
        const representation = readIso19794_6(bytes).representations[0];
        if (representation === undefined) throw new EngineError('ERR_RECORD_EMPTY', 'the iris record has no representation');
        image = await decodeIrisImage(representation);
      } else {
        image = await decodeImage(bytes);
      }
      return (this.#iris ??= new IrisMatcher()).createTemplate(image).bytes;
    });
  }
}

/** The enrolment subject: templates by position/side under the engine referenceId. */
export function toSubject(referenceId: string, c: Captured): Subject {
  const fingers: Partial<Record<FingerPosition, { modality: 'finger'; version: number; bytes: Uint8Array }>> = {};
  for (const f of c.fingers) fingers[f.position as FingerPosition] = { modality: 'finger', version: FINGER_TEMPLATE_VERSION, bytes: f.template };
  const irises: Partial<Record<'left' | 'right', { modality: 'iris'; version: number; bytes: Uint8Array }>> = {};
  for (const e of c.irises) if (e.side !== 'unknown') irises[e.side] = { modality: 'iris', version: IRIS_TEMPLATE_VERSION, bytes: e.template };
  return c.face === undefined ? { referenceId, fingers, irises } : { referenceId, fingers, irises, face: { modality: 'face', version: FACE_TEMPLATE_VERSION, bytes: c.face } };
}

export function toProbe(c: Captured): Probe {
  return {
    fingers: c.fingers.map((f) => ({ position: f.position, template: f.template })),
    irises: c.irises.map((e) => ({ side: e.side, template: e.template })),
    ...(c.face === undefined ? {} : { face: c.face }),
  };
}

function decodeBase64(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || value.length === 0) throw bad(`${where} must be a non-empty base64 string`);
  if (!BASE64.test(value)) throw bad(`${where} is not base64`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

/** Engine errors (corrupt record, unreadable image, quality too low) → 422 with the engine's code. */
async function converted<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof EngineError) throw new HttpError(422, error.code, `${where}: ${error.message}`);
    throw error;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(message: string): HttpError {
  return new HttpError(400, 'ERR_BAD_REQUEST', message);
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
