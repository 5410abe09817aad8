/**
 * Intake: a CBEFF document (MOSIP's biometric record) → engine templates, then a `Subject` to
 * insert or a `Probe` to identify with. Pipeline: read CBEFF → per BIR: skip exceptions
 * (reported), place (subtype → ISO position / iris side), make the template (the first face
 * too, face.ts) → assemble.
 *
 * Failures are IntakeError with a `failure` class the ABIS door maps to MOSIP reasons:
 * - 'cbeff'   the document is not readable CBEFF (ERR_INTAKE_CBEFF);
 * - 'bdb'     a BDB is corrupt or of an unknown format (ERR_INTAKE_BDB): the record is refused whole;
 * - 'quality' samples were readable but none was good enough to enrol (ERR_INTAKE_QUALITY);
 * - 'empty'   nothing to match: only exceptions, empty BDBs or unreadable faces (ERR_INTAKE_EMPTY);
 * - 'mismatch' a BIR declares one modality and carries another's record (a finger image under
 *             Type Iris): the data contradicts its declaration, the record is refused whole
 *             (ERR_INTAKE_MISMATCH; MOSIP's CTK expects "CBEFF has no data", ABIS3016).
 * A partial set is normal (exceptions, a few poor fingers): the usable samples go through and
 * the report says what was left out. A face that cannot be read is left out too (reported), not
 * refused whole: MOSIP sends a face with every record, and records whose face this engine cannot
 * read were accepted on their fingers and irises before faces were matched.
 */
import {
  EngineError, RecordFormatError, readCbeff, type CbeffBir, type FingerPosition, type IrisSide, type Probe, type Subject,
  FINGER_TEMPLATE_VERSION, IRIS_TEMPLATE_VERSION, FACE_TEMPLATE_VERSION,
} from '../../engine/index.ts';
import { FACE_QUALITY_CODES } from './face.ts';
import { TemplateMaker } from './bdb-templates.ts';
import { fingerPositionOf, irisSideOf } from './subtypes.ts';

export { fingerPositionOf, irisSideOf, MOSIP_BIOMETRIC_TYPE } from './subtypes.ts';
export { TemplateMaker } from './bdb-templates.ts';
export { IntakePool } from './intake-pool.ts';

export type IntakeFailure = 'cbeff' | 'bdb' | 'quality' | 'empty' | 'mismatch';

const FAILURE_CODE: Readonly<Record<IntakeFailure, string>> = {
  cbeff: 'ERR_INTAKE_CBEFF', bdb: 'ERR_INTAKE_BDB', quality: 'ERR_INTAKE_QUALITY', empty: 'ERR_INTAKE_EMPTY', mismatch: 'ERR_INTAKE_MISMATCH',
};

/** ISO record magics by the modality they belong to. */
const MAGIC_MODALITY: Readonly<Record<string, string>> = { 'FMR\0': 'finger', 'FIR\0': 'finger', 'IIR\0': 'iris', 'FAC\0': 'face' };

/** The modality a BDB's own header names, when it is one of the ISO records above. */
function recordModality(bdb: Uint8Array): string | undefined {
  return MAGIC_MODALITY[String.fromCharCode(...bdb.subarray(0, 4))];
}

export class IntakeError extends EngineError {
  readonly failure: IntakeFailure;
  /** The leaf BIR at fault, when one is. */
  readonly birIndex: number | undefined;
  /** The underlying error's code (e.g. ERR_RECORD_TRUNCATED, ERR_QUALITY_TOO_LOW). */
  readonly detail: string | undefined;
  constructor(failure: IntakeFailure, message: string, options: { birIndex?: number; cause?: unknown; detail?: string } = {}) {
    super(FAILURE_CODE[failure], message, { cause: options.cause });
    this.name = 'IntakeError';
    this.failure = failure;
    this.birIndex = options.birIndex;
    this.detail = options.detail ?? (options.cause instanceof EngineError ? options.cause.code : undefined);
  }
}

/** Engine error codes that mean "readable, but too poor to enrol" rather than "corrupt". */
const QUALITY_CODES: ReadonlySet<string> = new Set([
  'ERR_QUALITY_TOO_LOW', 'ERR_EXTRACT_TOO_SMALL', 'ERR_IRIS_NO_PUPIL', 'ERR_IRIS_NO_LIMBUS', 'ERR_IRIS_OCCLUDED', 'ERR_IRIS_BLURRED', 'ERR_IRIS_LOW_CONTRAST', 'ERR_IRIS_TOO_SMALL', 'ERR_IMAGE_TOO_SMALL', ...FACE_QUALITY_CODES,
]);

export interface IntakeReport {
  /** ISO positions enrolled / probed. */
  readonly fingers: number[];
  readonly irises: IrisSide[];
  /** BIRs marked as exceptions (not captured), e.g. "Finger Left Thumb". */
  readonly exceptions: string[];
  /** Face BIRs seen (the first usable one is matched). */
  faces: number;
  /** BIRs left out, with why (quality, duplicate position, unknown position or modality). */
  readonly skipped: { readonly index: number; readonly reason: string }[];
}

export interface Biometrics {
  readonly fingers: ReadonlyMap<number, Uint8Array>;
  readonly irises: ReadonlyMap<IrisSide | 'unknown', Uint8Array>;
  /** The face template, when a face BIR gave one. */
  readonly face?: Uint8Array;
  readonly report: IntakeReport;
}

const describeBir = (b: CbeffBir): string => [...b.type, ...b.subtype].join(' ');

function classify(error: unknown, bir: CbeffBir): IntakeError | 'quality' {
  if (error instanceof EngineError && QUALITY_CODES.has(error.code)) return 'quality';
  if (error instanceof EngineError) return new IntakeError('bdb', `BIR ${bir.index} (${describeBir(bir)}): ${error.message}`, { birIndex: bir.index, cause: error });
  throw error; // a bug, not bad input: let the caller report an internal error
}

/** Reads a CBEFF document and makes a template of every usable sample. */
export async function readBiometrics(cbeff: Uint8Array | string, maker: TemplateMaker = new TemplateMaker()): Promise<Biometrics> {
  let birs: readonly CbeffBir[];
  try {
    ({ birs } = readCbeff(cbeff));
  } catch (error) {
    if (error instanceof RecordFormatError) throw new IntakeError('cbeff', error.message, { cause: error });
    throw error;
  }
  const fingers = new Map<number, Uint8Array>();
  const irises = new Map<IrisSide | 'unknown', Uint8Array>();
  const report: IntakeReport = { fingers: [], irises: [], exceptions: [], faces: 0, skipped: [] };
  let qualityFailures = 0;
  let face: Uint8Array | undefined;
  for (const bir of birs) {
    const modality = bir.type[0]?.toLowerCase();
    if (bir.exception) {
      report.exceptions.push(describeBir(bir));
      continue;
    }
    if (modality === 'face') report.faces++;
    if (bir.bdb === undefined || bir.bdb.length === 0) {
      report.skipped.push({ index: bir.index, reason: 'empty BDB' });
      continue;
    }
    const carried = recordModality(bir.bdb);
    if (carried !== undefined && modality !== undefined && carried !== modality) {
      throw new IntakeError('mismatch', `BIR ${bir.index} is declared ${bir.type.join(' ').slice(0, 20)} but holds a ${carried} record`, { birIndex: bir.index });
    }
    try {
      if (modality === 'finger') {
        const t = await maker.finger(bir.bdb);
        const position = fingerPositionOf(bir.subtype) ?? (t.recordPosition >= 1 && t.recordPosition <= 10 ? t.recordPosition : 0);
        if (fingers.has(position) && position !== 0) report.skipped.push({ index: bir.index, reason: `second sample for finger position ${position}` });
        else if (position === 0 && fingers.has(0)) report.skipped.push({ index: bir.index, reason: 'second finger of unknown position' });
        else fingers.set(position, t.bytes);
      } else if (modality === 'iris') {
        const t = await maker.iris(bir.bdb);
        const side = irisSideOf(bir.subtype) ?? (t.recordEye === 'unspecified' ? 'unknown' : t.recordEye);
        if (irises.has(side)) report.skipped.push({ index: bir.index, reason: `second sample for the ${side} iris` });
        else irises.set(side, t.bytes);
      } else if (modality === 'face') {
        if (face !== undefined) report.skipped.push({ index: bir.index, reason: 'second face sample' });
        else face = await maker.face(bir.bdb);
      } else {
        report.skipped.push({ index: bir.index, reason: `modality "${bir.type.join(' ').slice(0, 40)}" is not matched` });
      }
    } catch (error) {
      if (modality === 'face' && error instanceof EngineError && !FACE_QUALITY_CODES.has(error.code)) {
        report.skipped.push({ index: bir.index, reason: `face not readable: ${error.code}` });
        continue;
      }
      const c = classify(error, bir);
      if (c !== 'quality') throw c;
      qualityFailures++;
      report.skipped.push({ index: bir.index, reason: `quality: ${(error as EngineError).message}` });
    }
  }
  report.fingers.push(...[...fingers.keys()].sort((a, b) => a - b));
  report.irises.push(...[...irises.keys()].filter((s): s is IrisSide => s !== 'unknown'));
  if (fingers.size + irises.size === 0 && face === undefined) {
    if (qualityFailures > 0) throw new IntakeError('quality', `no sample good enough to enrol (${qualityFailures} refused for quality)`);
    throw new IntakeError('empty', `no finger, iris or face sample to match (${birs.length} BIRs: ${report.exceptions.length} exceptions, ${report.faces} faces)`);
  }
  return face === undefined ? { fingers, irises, report } : { fingers, irises, face, report };
}

/** A subject to insert: only placed samples (position 1–10, known iris side) can be enrolled. */
export function toSubject(referenceId: string, b: Biometrics): Subject {
  const fingers: Partial<Record<FingerPosition, { modality: 'finger'; version: number; bytes: Uint8Array }>> = {};
  const irises: Partial<Record<IrisSide, { modality: 'iris'; version: number; bytes: Uint8Array }>> = {};
  for (const [position, bytes] of b.fingers) {
    if (position >= 1 && position <= 10) fingers[position as FingerPosition] = { modality: 'finger', version: FINGER_TEMPLATE_VERSION, bytes };
  }
  for (const [side, bytes] of b.irises) if (side !== 'unknown') irises[side] = { modality: 'iris', version: IRIS_TEMPLATE_VERSION, bytes };
  if (Object.keys(fingers).length + Object.keys(irises).length === 0 && b.face === undefined) {
    throw new IntakeError('empty', 'no face and no sample with a known finger position or iris side to enrol');
  }
  return b.face === undefined ? { referenceId, fingers, irises } : { referenceId, fingers, irises, face: { modality: 'face', version: FACE_TEMPLATE_VERSION, bytes: b.face } };
}

/** A probe to identify with: every sample, unknown positions included. */
export function toProbe(b: Biometrics): Probe {
  return {
    fingers: [...b.fingers].map(([position, template]) => ({ position, template })),
    irises: [...b.irises].map(([side, template]) => ({ side, template })),
    ...(b.face === undefined ? {} : { face: b.face }),
  };
}
