/**
 * The on-disk form of one subject: a versioned msgpack envelope around an AES-256-GCM sealed
 * payload.
 *
 *   envelope (clear):  { v: 1, seq: <insert sequence>, nonce: <12 bytes>, data: <ciphertext‖tag> }
 *   payload (sealed):  [[slot, version, bytes], …]      slot = 'finger:1'…'finger:10' | 'iris:left' | 'iris:right' | 'face'
 *   AAD:               "biodedup:subject:v<v>:" + referenceId
 *
 * Binding the referenceId (the LMDB key) and the format version into the AAD means a record
 * copied to another key, or relabelled as another version, fails authentication. `seq` stays
 * in clear for ordering and replication; it is not secret and is not needed to decrypt.
 * Template slots, versions and sizes are inside the sealed payload: an operator sees only
 * referenceIds, sequences and record sizes.
 */
import { Packr } from 'msgpackr';
import { StoreError } from './store-error.ts';
import { isTemplateSlot, type SlotTemplate } from './subject.ts';
import type { TemplateKey } from './template-key.ts';

export const RECORD_FORMAT_VERSION = 1;

/** Plain msgpack (no msgpackr records/extensions), so any msgpack reader can inspect a store. */
const packr = new Packr({ useRecords: false, moreTypes: false, structuredClone: false, bundleStrings: false });

export function packPlain(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function unpackPlain(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

/** A subject's templates after encryption, before the envelope (which needs the sequence). */
export interface SealedTemplates {
  readonly nonce: Uint8Array;
  readonly data: Uint8Array;
}

/**
 * Encrypts a validated subject's templates. Done before the write transaction starts, so the
 * (comparatively slow) cipher work never runs while holding LMDB's single writer lock.
 */
export function sealTemplates(key: TemplateKey, referenceId: string, templates: readonly SlotTemplate[]): SealedTemplates {
  const payload = packPlain(templates.map((t) => [t.slot, t.version, t.bytes]));
  const { nonce, sealed } = key.seal(payload, additionalData(RECORD_FORMAT_VERSION, referenceId));
  return { nonce, data: sealed };
}

/** The stored record: sealed templates in the clear envelope. */
export function encodeRecord(sealed: SealedTemplates, sequence: number): Uint8Array {
  return packPlain({ v: RECORD_FORMAT_VERSION, seq: sequence, nonce: sealed.nonce, data: sealed.data });
}

export interface RecordHeader {
  readonly version: number;
  readonly sequence: number;
  readonly nonce: Uint8Array;
  readonly data: Uint8Array;
}

/** Parses the clear envelope only (no key needed): enough to order, count or delete. */
export function decodeRecordHeader(referenceId: string, record: Uint8Array): RecordHeader {
  let envelope: unknown;
  try {
    envelope = unpackPlain(record);
  } catch (error) {
    throw corrupt(referenceId, 'envelope is not valid msgpack', error);
  }
  if (typeof envelope !== 'object' || envelope === null) throw corrupt(referenceId, 'envelope is not a map');
  const { v, seq, nonce, data } = envelope as Record<string, unknown>;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw corrupt(referenceId, 'envelope has no valid format version');
  if (v > RECORD_FORMAT_VERSION) {
    throw new StoreError('ERR_STORE_VERSION', `subject "${referenceId}": record format ${v} is newer than this build reads (${RECORD_FORMAT_VERSION})`, { referenceId });
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw corrupt(referenceId, 'envelope has no valid sequence');
  if (!(nonce instanceof Uint8Array) || !(data instanceof Uint8Array)) throw corrupt(referenceId, 'envelope lacks nonce or data');
  return { version: v, sequence: seq, nonce, data };
}

/** Authenticates and decrypts a record; any failure is ERR_STORE_CORRUPT naming the subject. */
export function decodeRecord(key: TemplateKey, referenceId: string, record: Uint8Array): { sequence: number; templates: SlotTemplate[] } {
  const header = decodeRecordHeader(referenceId, record);
  let payload: Uint8Array;
  try {
    payload = key.open(header.nonce, header.data, additionalData(header.version, referenceId));
  } catch (error) {
    throw corrupt(referenceId, 'record failed authentication (tampered, moved from another subject, or sealed with another key)', error);
  }
  return { sequence: header.sequence, templates: decodePayload(referenceId, payload) };
}

function decodePayload(referenceId: string, payload: Uint8Array): SlotTemplate[] {
  // An authenticated payload was written by this code, so a bad shape means a bug or a key
  // shared with something else; still a typed error, never a half-read subject.
  let entries: unknown;
  try {
    entries = unpackPlain(payload);
  } catch (error) {
    throw corrupt(referenceId, 'payload is not valid msgpack', error);
  }
  if (!Array.isArray(entries)) throw corrupt(referenceId, 'payload is not a list of templates');
  return entries.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length !== 3) throw corrupt(referenceId, 'payload entry is malformed');
    const [slot, version, bytes] = entry as [unknown, unknown, unknown];
    if (!isTemplateSlot(slot) || typeof version !== 'number' || !(bytes instanceof Uint8Array)) {
      throw corrupt(referenceId, 'payload entry is malformed');
    }
    // A plain Uint8Array view (msgpackr hands out Buffers): callers compare and copy bytes, not Buffer APIs.
    return { slot, version, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  });
}

function additionalData(version: number, referenceId: string): Uint8Array {
  return Buffer.from(`biodedup:subject:v${version}:${referenceId}`, 'utf8');
}

function corrupt(referenceId: string, reason: string, cause?: unknown): StoreError {
  return new StoreError('ERR_STORE_CORRUPT', `subject "${referenceId}": ${reason}`, cause === undefined ? { referenceId } : { referenceId, cause });
}
