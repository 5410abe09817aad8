/**
 * The subject model (one enrolled person) and the validation every write goes through.
 * Validation runs to completion before any transaction starts, so bad input never leaves
 * a partial write behind.
 */
import { inputError } from './store-error.ts';

export type Modality = 'finger' | 'iris' | 'face';

/** An opaque template: the store never interprets `bytes`, only tags and limits them. */
export interface BiometricTemplate {
  readonly modality: Modality;
  /** The template format's version (e.g. the finger kernel's layout version), 0–65535. */
  readonly version: number;
  readonly bytes: Uint8Array;
}

/** ISO/IEC 19794 finger position: 1 right thumb … 5 right little, 6 left thumb … 10 left little. */
export type FingerPosition = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export type IrisSide = 'left' | 'right';

export interface Subject {
  /** 1–64 characters of [A-Za-z0-9._:-]; stored in clear as the LMDB key. */
  readonly referenceId: string;
  readonly fingers?: Readonly<Partial<Record<FingerPosition, BiometricTemplate>>>;
  readonly irises?: Readonly<Partial<Record<IrisSide, BiometricTemplate>>>;
  readonly face?: BiometricTemplate;
}

/** A subject as read back: every group present (possibly empty), plus its insert sequence. */
export interface StoredSubject {
  readonly referenceId: string;
  readonly fingers: Readonly<Partial<Record<FingerPosition, BiometricTemplate>>>;
  readonly irises: Readonly<Partial<Record<IrisSide, BiometricTemplate>>>;
  readonly face?: BiometricTemplate;
  /** The store sequence number of the insert that created this subject. */
  readonly sequence: number;
}

export interface StoreLimits {
  /** Largest single template, bytes. */
  readonly maxTemplateBytes: number;
  /** Largest sum of a subject's template bytes. */
  readonly maxSubjectBytes: number;
}

/**
 * 64 KiB is ~10× a large MCC finger template and above ISO iris/face templates; 1 MiB caps a
 * subject. The subject cap only bites if the template cap is raised (13 × 64 KiB < 1 MiB),
 * which operators with large face templates may do.
 */
export const DEFAULT_STORE_LIMITS: StoreLimits = Object.freeze({
  maxTemplateBytes: 64 * 1024,
  maxSubjectBytes: 1024 * 1024,
});

/**
 * Where a template sits in a subject. Also its on-disk name inside the encrypted payload,
 * so these strings are part of the record format: never rename one.
 */
export type TemplateSlot =
  | `finger:${FingerPosition}`
  | 'iris:left'
  | 'iris:right'
  | 'face';

export interface SlotTemplate {
  readonly slot: TemplateSlot;
  readonly version: number;
  readonly bytes: Uint8Array;
}

const REFERENCE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SUBJECT_FIELDS = new Set(['referenceId', 'fingers', 'irises', 'face']);
const FINGER_KEY = /^(?:[1-9]|10)$/;
const IRIS_SIDES: readonly IrisSide[] = ['left', 'right'];

export function validateReferenceId(value: unknown): string {
  if (typeof value !== 'string') throw inputError(`referenceId must be a string, got ${describeType(value)}`);
  // Never echo an invalid id whole: it is caller-controlled and may be huge.
  if (!REFERENCE_ID.test(value)) throw inputError('referenceId must be 1–64 characters of [A-Za-z0-9._:-]');
  return value;
}

/**
 * Checks a subject completely and returns its templates as slot entries, in a fixed order
 * (fingers by position, iris left, iris right, face). Throws ERR_STORE_INPUT on the first
 * problem; takes no action, so a throw leaves nothing behind.
 */
export function validateSubject(subject: unknown, limits: StoreLimits): { referenceId: string; templates: SlotTemplate[] } {
  if (!isRecord(subject)) throw inputError(`subject must be an object, got ${describeType(subject)}`);
  const referenceId = validateReferenceId(subject.referenceId);
  for (const field of Object.keys(subject)) {
    if (!SUBJECT_FIELDS.has(field)) throw inputError(`unknown subject field "${field.slice(0, 32)}"`, referenceId);
  }
  const templates: SlotTemplate[] = [];
  const add = (slot: TemplateSlot, modality: Modality, value: unknown): void => {
    templates.push({ slot, ...validateTemplate(value, modality, slot, limits, referenceId) });
  };

  if (subject.fingers !== undefined) {
    const fingers = subject.fingers;
    if (!isRecord(fingers)) throw inputError('fingers must be an object keyed by ISO finger position 1–10', referenceId);
    const keys = Object.keys(fingers);
    for (const key of keys) {
      if (!FINGER_KEY.test(key)) throw inputError(`finger position must be 1–10, got "${key.slice(0, 16)}"`, referenceId);
    }
    for (const key of keys.map(Number).sort((a, b) => a - b)) {
      add(`finger:${key as FingerPosition}`, 'finger', fingers[key]);
    }
  }
  if (subject.irises !== undefined) {
    const irises = subject.irises;
    if (!isRecord(irises)) throw inputError('irises must be an object with "left" and/or "right"', referenceId);
    for (const key of Object.keys(irises)) {
      if (!(IRIS_SIDES as readonly string[]).includes(key)) throw inputError(`iris side must be "left" or "right", got "${key.slice(0, 16)}"`, referenceId);
    }
    for (const side of IRIS_SIDES) {
      if (irises[side] !== undefined) add(`iris:${side}`, 'iris', irises[side]);
    }
  }
  if (subject.face !== undefined) add('face', 'face', subject.face);

  if (templates.length === 0) throw inputError('subject has no templates', referenceId);
  const total = templates.reduce((sum, t) => sum + t.bytes.length, 0);
  if (total > limits.maxSubjectBytes) {
    throw inputError(`subject templates total ${total} bytes, above the limit of ${limits.maxSubjectBytes}`, referenceId);
  }
  return { referenceId, templates };
}

function validateTemplate(
  value: unknown, modality: Modality, slot: TemplateSlot, limits: StoreLimits, referenceId: string,
): { version: number; bytes: Uint8Array } {
  if (!isRecord(value)) throw inputError(`${slot}: template must be an object, got ${describeType(value)}`, referenceId);
  if (value.modality !== modality) throw inputError(`${slot}: template modality must be "${modality}"`, referenceId);
  const { version, bytes } = value;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > 0xffff) {
    throw inputError(`${slot}: template version must be an integer 0–65535`, referenceId);
  }
  if (!(bytes instanceof Uint8Array)) throw inputError(`${slot}: template bytes must be a Uint8Array, got ${describeType(bytes)}`, referenceId);
  if (bytes.length === 0) throw inputError(`${slot}: template is empty`, referenceId);
  if (bytes.length > limits.maxTemplateBytes) {
    throw inputError(`${slot}: template is ${bytes.length} bytes, above the limit of ${limits.maxTemplateBytes}`, referenceId);
  }
  return { version, bytes };
}

/** Rebuilds the public shape from slot entries (after decryption). */
export function subjectFromSlots(referenceId: string, sequence: number, templates: readonly SlotTemplate[]): StoredSubject {
  const fingers: Partial<Record<FingerPosition, BiometricTemplate>> = {};
  const irises: Partial<Record<IrisSide, BiometricTemplate>> = {};
  let face: BiometricTemplate | undefined;
  for (const { slot, version, bytes } of templates) {
    if (slot === 'face') face = { modality: 'face', version, bytes };
    else if (slot === 'iris:left' || slot === 'iris:right') irises[slot === 'iris:left' ? 'left' : 'right'] = { modality: 'iris', version, bytes };
    else fingers[Number(slot.slice('finger:'.length)) as FingerPosition] = { modality: 'finger', version, bytes };
  }
  return face === undefined ? { referenceId, fingers, irises, sequence } : { referenceId, fingers, irises, face, sequence };
}

export function isTemplateSlot(value: unknown): value is TemplateSlot {
  if (typeof value !== 'string') return false;
  if (value === 'face' || value === 'iris:left' || value === 'iris:right') return true;
  return value.startsWith('finger:') && FINGER_KEY.test(value.slice('finger:'.length));
}

/**
 * Any object with named fields (class instances too). Arrays, byte arrays and Maps are not:
 * a Map's entries are invisible to Object.keys, so accepting one would drop its templates silently.
 */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
    && !(value instanceof Map) && !(value instanceof Set);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
