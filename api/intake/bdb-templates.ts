/**
 * One BDB → one engine template. The payload's magic decides how it is read, not the CBEFF
 * Format/Type numbers (adopters label them inconsistently):
 * - "FMR\0": ISO 19794-2 / ANSI 378 minutiae → MCC template;
 * - "FIR\0": ISO 19794-4 finger image (raw, WSQ, JPEG, JPEG 2000, PNG) → extractor → template;
 * - "IIR\0": ISO 19794-6 iris image → iris template;
 * - "FAC\0" (or bare JPEG / JPEG 2000 / PNG): ISO 19794-5 face image → face template (face.ts).
 * Extraction and iris coding run synchronously on the calling thread.
 */
import {
  EngineError, FingerExtractor, FingerMatcher, IrisMatcher, checkFingerSample, decodeFingerImageRecord, decodeIrisImage,
  readIso19794_6, readMinutiaeRecord, type MinutiaeRecord,
} from '../../engine/index.ts';
import { faceTemplateOf } from './face.ts';

export interface FingerTemplateResult {
  readonly bytes: Uint8Array;
  /** Finger position found in the record (0 when unknown). */
  readonly recordPosition: number;
}

export interface IrisTemplateResult {
  readonly bytes: Uint8Array;
  readonly recordEye: 'left' | 'right' | 'unspecified';
}

const ascii = (b: Uint8Array, n: number): string => String.fromCharCode(...b.subarray(0, n));

/** The models are built once per process (WASM instances are costly to create). */
export class TemplateMaker {
  #fingers: FingerMatcher | undefined;
  #extractor: FingerExtractor | undefined;
  #irises: IrisMatcher | undefined;

  async finger(bdb: Uint8Array): Promise<FingerTemplateResult> {
    const magic = ascii(bdb, 4);
    if (magic === 'FMR\0') return this.#fromMinutiae(readMinutiaeRecord(bdb));
    if (magic === 'FIR\0') {
      const views = await decodeFingerImageRecord(bdb);
      if (views.length === 0) throw new EngineError('ERR_INTAKE_EMPTY_RECORD', 'finger image record holds no view');
      const { image, dpiX, view } = views[0];
      const extraction = (this.#extractor ??= new FingerExtractor()).extract(image, { dpi: dpiX });
      checkFingerSample({ image, dpi: dpiX, minutiae: extraction.record.views[0].minutiae, pxPerCm: extraction.record.resolutionX }); // the one quality gate
      const t = this.#matchers().createTemplate(extraction.record.views[0].minutiae, { resolutionPxPerCm: extraction.record.resolutionX });
      return { bytes: t.bytes, recordPosition: view.fingerPosition };
    }
    throw new EngineError('ERR_INTAKE_BDB_TYPE', 'finger BDB is neither an ISO 19794-2 minutiae record nor an ISO 19794-4 image record');
  }

  async iris(bdb: Uint8Array): Promise<IrisTemplateResult> {
    if (ascii(bdb, 4) !== 'IIR\0') throw new EngineError('ERR_INTAKE_BDB_TYPE', 'iris BDB is not an ISO 19794-6 record');
    const record = readIso19794_6(bdb);
    const representation = record.representations[0];
    if (representation === undefined) throw new EngineError('ERR_INTAKE_EMPTY_RECORD', 'iris record holds no image');
    const image = await decodeIrisImage(representation);
    const t = (this.#irises ??= new IrisMatcher()).createTemplate(image);
    return { bytes: t.bytes, recordEye: representation.eye };
  }

  face(bdb: Uint8Array): Promise<Uint8Array> {
    return faceTemplateOf(bdb);
  }

  #fromMinutiae(record: MinutiaeRecord): FingerTemplateResult {
    const view = record.views[0];
    if (view === undefined) throw new EngineError('ERR_INTAKE_EMPTY_RECORD', 'minutiae record holds no finger view');
    checkFingerSample({ minutiae: view.minutiae, pxPerCm: record.resolutionX }); // the one quality gate (engine/quality-gate.ts)
    const t = this.#matchers().createTemplate(view.minutiae, { resolutionPxPerCm: record.resolutionX });
    return { bytes: t.bytes, recordPosition: view.fingerPosition };
  }

  #matchers(): FingerMatcher {
    return (this.#fingers ??= new FingerMatcher());
  }
}
