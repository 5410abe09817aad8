/**
 * ISO/IEC 19794-2:2005 finger minutiae record, read and write.
 *
 * Layout (all integers big-endian):
 *   header (24 bytes)  "FMR\0", " 20\0", record length (4), capture equipment (2: 4-bit compliance +
 *                      12-bit id), width (2), height (2), x/y resolution in px/cm (2 + 2),
 *                      number of finger views (1), reserved (1)
 *   per view (4 bytes) finger position (1), view number << 4 | impression type (1),
 *                      finger quality (1), number of minutiae (1)
 *   per minutia (6)    type (2 bits: 01 ending, 10 bifurcation, 00 other) << 14 | x (14 bits),
 *                      reserved (2 bits) << 14 | y (14 bits), angle (1, units of 360/256 degrees,
 *                      counter-clockwise), quality (1)
 *   per view, last     extended data block length (2), then that many bytes of extended data areas
 *
 * ANSI INCITS 378-2004 shares the view and minutia layout, so the body parser here is also used
 * by ./ansi378.ts. Every read is bounds-checked: a record cut at any byte, or with any field
 * out of range, throws RecordFormatError rather than yielding a partial record.
 */
import { RecordFormatError } from '../errors.ts';
import type { FingerView, Minutia, MinutiaType, MinutiaeRecord } from '../minutiae.ts';

/** Hard limits on what readers accept and writers produce. */
export const RECORD_LIMITS = Object.freeze({
  /** Far above any real record (a full ISO record without extended data is < 400 KB); stops memory abuse. */
  maxRecordBytes: 1024 * 1024,
  /** The minutiae count is a single byte in both formats. */
  maxMinutiaePerView: 255,
  /** The view count is a single byte in both formats. */
  maxViews: 255,
});

const TWO_PI = 2 * Math.PI;
const MAGIC = [0x46, 0x4d, 0x52, 0x00]; // "FMR\0"
const VERSION_20 = [0x20, 0x32, 0x30, 0x00]; // " 20\0" (both ISO 2005 and ANSI 2004)
const ISO_HEADER_BYTES = 24;
const VIEW_HEADER_BYTES = 4;
const MINUTIA_BYTES = 6;
const EXT_LENGTH_BYTES = 2;
const AREA_HEADER_BYTES = 4;
const COORD_MASK = 0x3fff;
const MAX_COORD = COORD_MASK;
const MAX_FINGER_POSITION = 10;
const MAX_QUALITY = 100;

const TYPE_FROM_BITS: readonly (MinutiaType | undefined)[] = ['other', 'ending', 'bifurcation', undefined];
const BITS_FROM_TYPE: Readonly<Record<MinutiaType, number>> = { other: 0, ending: 1, bifurcation: 2 };

function fail(code: string, message: string, offset?: number): never {
  throw new RecordFormatError(code, message, offset);
}

function range(message: string, offset?: number): never {
  return fail('ERR_RECORD_RANGE', message, offset);
}

// ---------------------------------------------------------------------------------------------
// Reading: pieces shared with ansi378.ts
// ---------------------------------------------------------------------------------------------

/** Big-endian reader that reports exactly where and for what bytes ran out. */
export class ByteCursor {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  need(n: number, what: string): void {
    const left = this.bytes.length - this.pos;
    if (left < n) fail('ERR_RECORD_TRUNCATED', `${what} needs ${n} byte(s) but only ${left} remain`, this.pos);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const b = this.bytes;
    const value = (b[this.pos] << 8) | b[this.pos + 1];
    this.pos += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    // Multiply the top byte instead of shifting it so values ≥ 2^31 stay positive.
    const value = b[this.pos] * 0x1000000 + ((b[this.pos + 1] << 16) | (b[this.pos + 2] << 8) | b[this.pos + 3]);
    this.pos += 4;
    return value;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return typeof value;
}

/** Input type and size checks done before touching any byte. */
export function assertRecordBytes(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    fail('ERR_RECORD_TYPE', `a minutiae record must be a Uint8Array or Buffer, got ${describe(bytes)}`);
  }
  if (bytes.length > RECORD_LIMITS.maxRecordBytes) {
    fail('ERR_RECORD_TOO_LARGE', `record is ${bytes.length} bytes, over the ${RECORD_LIMITS.maxRecordBytes}-byte limit`, RECORD_LIMITS.maxRecordBytes);
  }
}

function hex(bytes: Uint8Array, start: number, count: number): string {
  return Array.from(bytes.subarray(start, start + count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** One fixed field of a record's signature (format identifier, version), checked byte by byte. */
export interface SignatureField {
  start: number;
  expected: readonly number[];
  code: 'ERR_RECORD_MAGIC' | 'ERR_RECORD_VERSION';
  what: string;
}

/**
 * Checks signature fields byte by byte, so a short prefix of a valid record reports truncation
 * while a wrong byte reports a bad magic/version even when the input is short. Shared by the
 * ISO/IEC 19794 readers.
 */
export function checkSignatureFields(bytes: Uint8Array, fields: readonly SignatureField[]): void {
  for (const { start, expected, code, what } of fields) {
    for (let i = 0; i < expected.length; i++) {
      const at = start + i;
      if (at >= bytes.length) fail('ERR_RECORD_TRUNCATED', `record ends inside the ${what}`, at);
      if (bytes[at] !== expected[i]) {
        fail(code, `expected ${what}, found bytes ${hex(bytes, start, expected.length)}`, at);
      }
    }
  }
}

/** "FMR\0" and " 20\0": finger minutiae records, ISO 2005 and ANSI 2004 alike. */
export function checkSignature(bytes: Uint8Array): void {
  checkSignatureFields(bytes, [
    { start: 0, expected: MAGIC, code: 'ERR_RECORD_MAGIC', what: 'format identifier "FMR\\0"' },
    { start: 4, expected: VERSION_20, code: 'ERR_RECORD_VERSION', what: 'version " 20\\0"' },
  ]);
}

/** The declared length must describe exactly the bytes we were given: no cut, no trailing junk. */
export function checkDeclaredLength(declared: number, actual: number, offset: number): void {
  if (declared !== actual) {
    fail('ERR_RECORD_LENGTH', `record length field says ${declared} bytes but the record has ${actual}`, offset);
  }
}

export interface RecordFrame {
  captureEquipmentId: number;
  width: number;
  height: number;
  resolutionX: number;
  resolutionY: number;
  viewCount: number;
}

/** Reads capture equipment … reserved byte (identical in ISO 2005 and ANSI 2004). */
export function readFrame(cur: ByteCursor): RecordFrame {
  // The 4 compliance bits have no place in the model; only the 12-bit id is kept.
  const captureEquipmentId = cur.u16('capture equipment') & 0x0fff;
  const dims: number[] = [];
  for (const what of ['image width', 'image height', 'x resolution', 'y resolution']) {
    const at = cur.pos;
    const value = cur.u16(what);
    if (value === 0) range(`${what} is 0`, at);
    dims.push(value);
  }
  const viewCount = cur.u8('number of finger views');
  cur.skip(1, 'reserved header byte'); // reserved: ignored on read, written as 0
  const [width, height, resolutionX, resolutionY] = dims;
  return { captureEquipmentId, width, height, resolutionX, resolutionY, viewCount };
}

/** What differs between the ISO and ANSI bodies. */
export interface BodyCodec {
  /** Largest valid angle byte (ISO 255, ANSI 179). */
  maxAngleByte: number;
  radiansPerAngleUnit: number;
  /**
   * How an extended data area's 2-byte length is counted, tried in order. ANSI 378 counts the
   * area's own 4-byte header; readers of ISO 19794-2:2005 disagree (some count only the data),
   * so the ISO reader accepts either, whichever makes the areas tile the block exactly.
   */
  areaLengthIncludesHeader: readonly boolean[];
}

export const ISO_BODY: BodyCodec = {
  maxAngleByte: 255,
  radiansPerAngleUnit: TWO_PI / 256,
  areaLengthIncludesHeader: [true, false],
};

function readMinutia(cur: ByteCursor, frame: RecordFrame, codec: BodyCodec, where: string): Minutia {
  const at = cur.pos;
  cur.need(MINUTIA_BYTES, where);
  const w1 = cur.u16(where);
  const w2 = cur.u16(where); // top 2 bits reserved: ignored on read, written as 0
  const angleByte = cur.u8(where);
  const quality = cur.u8(where);

  const type = TYPE_FROM_BITS[w1 >>> 14];
  if (type === undefined) range(`${where}: minutia type bits 11 are reserved`, at);
  const x = w1 & COORD_MASK;
  if (x >= frame.width) range(`${where}: x ${x} is outside the image width ${frame.width}`, at);
  const y = w2 & COORD_MASK;
  if (y >= frame.height) range(`${where}: y ${y} is outside the image height ${frame.height}`, at + 2);
  if (angleByte > codec.maxAngleByte) range(`${where}: angle ${angleByte} is above the maximum ${codec.maxAngleByte}`, at + 4);
  if (quality > MAX_QUALITY) range(`${where}: quality ${quality} is above ${MAX_QUALITY}`, at + 5);

  return { x, y, angle: angleByte * codec.radiansPerAngleUnit, type, quality };
}

/** Returns the problem instead of throwing, so another length convention can be tried. */
function walkAreas(bytes: Uint8Array, start: number, end: number, includesHeader: boolean): RecordFormatError | undefined {
  for (let at = start; at < end; ) {
    if (end - at < AREA_HEADER_BYTES) {
      return new RecordFormatError('ERR_RECORD_LENGTH', `extended data area header needs 4 bytes but its block has ${end - at} left`, at);
    }
    const declared = (bytes[at + 2] << 8) | bytes[at + 3];
    const total = includesHeader ? declared : declared + AREA_HEADER_BYTES;
    if (total < AREA_HEADER_BYTES) {
      return new RecordFormatError('ERR_RECORD_LENGTH', `extended data area length ${declared} is shorter than its own 4-byte header`, at + 2);
    }
    if (total > end - at) {
      return new RecordFormatError('ERR_RECORD_LENGTH', `extended data area of ${total} bytes overruns its block (${end - at} bytes left)`, at + 2);
    }
    at += total;
  }
  return undefined;
}

/** Skips one view's extended data block after checking its areas add up to its declared length. */
function skipExtendedData(cur: ByteCursor, codec: BodyCodec, where: string): void {
  const blockLength = cur.u16(`${where}: extended data block length`);
  const start = cur.pos;
  cur.need(blockLength, `${where}: extended data block`);
  let firstProblem: RecordFormatError | undefined;
  for (const includesHeader of codec.areaLengthIncludesHeader) {
    const problem = walkAreas(cur.bytes, start, start + blockLength, includesHeader);
    if (problem === undefined) {
      cur.pos = start + blockLength;
      return;
    }
    firstProblem ??= problem;
  }
  throw firstProblem;
}

/** Reads `frame.viewCount` finger views and checks nothing is left over after them. */
export function readViews(cur: ByteCursor, frame: RecordFrame, codec: BodyCodec): FingerView[] {
  const views: FingerView[] = [];
  for (let v = 0; v < frame.viewCount; v++) {
    const where = `finger view ${v}`;
    const at = cur.pos;
    cur.need(VIEW_HEADER_BYTES, `${where} header`);
    const fingerPosition = cur.u8(where);
    const packed = cur.u8(where);
    const quality = cur.u8(where);
    const count = cur.u8(where);
    if (fingerPosition > MAX_FINGER_POSITION) range(`${where}: finger position ${fingerPosition} is above ${MAX_FINGER_POSITION}`, at);
    if (quality > MAX_QUALITY) range(`${where}: finger quality ${quality} is above ${MAX_QUALITY}`, at + 2);
    // Fail before reading any minutia when the whole list cannot be there.
    cur.need(count * MINUTIA_BYTES, `${where}: ${count} minutiae`);
    const minutiae: Minutia[] = [];
    for (let i = 0; i < count; i++) minutiae.push(readMinutia(cur, frame, codec, `${where}, minutia ${i}`));
    skipExtendedData(cur, codec, where);
    views.push({ fingerPosition, viewNumber: packed >>> 4, impressionType: packed & 0x0f, quality, minutiae });
  }
  const left = cur.bytes.length - cur.pos;
  if (left !== 0) fail('ERR_RECORD_LENGTH', `${left} unused byte(s) after the last finger view`, cur.pos);
  return views;
}

/** Parses an ISO/IEC 19794-2:2005 finger minutiae record. Throws RecordFormatError. */
export function readIso19794_2(bytes: Uint8Array): MinutiaeRecord {
  assertRecordBytes(bytes);
  checkSignature(bytes);
  const cur = new ByteCursor(bytes, 8);
  checkDeclaredLength(cur.u32('record length'), bytes.length, 8);
  const frame = readFrame(cur);
  const views = readViews(cur, frame, ISO_BODY);
  const { captureEquipmentId, width, height, resolutionX, resolutionY } = frame;
  return { format: 'iso19794-2:2005', width, height, resolutionX, resolutionY, captureEquipmentId, views };
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** Returns `value` if it is an integer in [min, max], else throws ERR_RECORD_RANGE at `offset`. */
function int(value: unknown, min: number, max: number, what: string, offset: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    range(`${what} must be an integer in ${min}..${max}, got ${String(value)}`, offset);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Radians → angle byte: nearest 360/256° step, 2π (or just under) wraps to 0. */
function encodeAngle(angle: unknown, where: string, offset: number): number {
  // 2π itself is accepted: it is 0 and appears after floating-point normalisation.
  if (typeof angle !== 'number' || !Number.isFinite(angle) || angle < 0 || angle > TWO_PI) {
    range(`${where}: angle must be radians in [0, 2π], got ${String(angle)}`, offset);
  }
  return Math.round((angle * 256) / TWO_PI) % 256;
}

/** Checks the shape and size limits, returning the encoded length in bytes. */
function measure(record: MinutiaeRecord): number {
  if (!isObject(record)) fail('ERR_RECORD_TYPE', `a minutiae record must be an object, got ${describe(record)}`);
  if (!Array.isArray(record.views)) fail('ERR_RECORD_TYPE', `record.views must be an array, got ${describe(record.views)}`);
  if (record.views.length > RECORD_LIMITS.maxViews) {
    fail('ERR_RECORD_TOO_LARGE', `${record.views.length} finger views, over the limit of ${RECORD_LIMITS.maxViews}`);
  }
  let size = ISO_HEADER_BYTES;
  record.views.forEach((view: unknown, v) => {
    if (!isObject(view) || !Array.isArray(view.minutiae)) {
      fail('ERR_RECORD_TYPE', `finger view ${v} must be an object with a minutiae array`);
    }
    const count = view.minutiae.length;
    if (count > RECORD_LIMITS.maxMinutiaePerView) {
      fail('ERR_RECORD_TOO_LARGE', `finger view ${v} has ${count} minutiae, over the limit of ${RECORD_LIMITS.maxMinutiaePerView}`);
    }
    view.minutiae.forEach((m: unknown, i) => {
      if (!isObject(m)) fail('ERR_RECORD_TYPE', `finger view ${v}, minutia ${i} must be an object, got ${describe(m)}`);
    });
    size += VIEW_HEADER_BYTES + count * MINUTIA_BYTES + EXT_LENGTH_BYTES;
  });
  if (size > RECORD_LIMITS.maxRecordBytes) {
    fail('ERR_RECORD_TOO_LARGE', `record would be ${size} bytes, over the ${RECORD_LIMITS.maxRecordBytes}-byte limit`);
  }
  return size;
}

/**
 * Encodes a record as ISO/IEC 19794-2:2005, whatever `record.format` says (so an ANSI record read
 * here converts to ISO). Validates every field (error offsets are where the field would be
 * written); writes no extended data and zero compliance/reserved bits.
 */
export function writeIso19794_2(record: MinutiaeRecord): Uint8Array {
  const size = measure(record);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  const u8 = (value: number) => view.setUint8(pos++, value);
  const u16 = (value: number) => {
    view.setUint16(pos, value);
    pos += 2;
  };

  out.set(MAGIC, 0);
  out.set(VERSION_20, 4);
  view.setUint32(8, size);
  pos = 12;
  u16(int(record.captureEquipmentId, 0, 0x0fff, 'capture equipment id', pos));
  const width = int(record.width, 1, 0xffff, 'image width', pos);
  u16(width);
  const height = int(record.height, 1, 0xffff, 'image height', pos);
  u16(height);
  u16(int(record.resolutionX, 1, 0xffff, 'x resolution', pos));
  u16(int(record.resolutionY, 1, 0xffff, 'y resolution', pos));
  u8(record.views.length);
  u8(0); // reserved

  record.views.forEach((fv, v) => {
    const where = `finger view ${v}`;
    u8(int(fv.fingerPosition, 0, MAX_FINGER_POSITION, `${where}: finger position`, pos));
    const viewNumber = int(fv.viewNumber, 0, 15, `${where}: view number`, pos);
    u8((viewNumber << 4) | int(fv.impressionType, 0, 15, `${where}: impression type`, pos));
    u8(int(fv.quality, 0, MAX_QUALITY, `${where}: finger quality`, pos));
    u8(fv.minutiae.length);
    fv.minutiae.forEach((m, i) => {
      const at = `${where}, minutia ${i}`;
      if (!Object.hasOwn(BITS_FROM_TYPE, m.type)) range(`${at}: unknown minutia type ${String(m.type)}`, pos);
      const x = int(m.x, 0, Math.min(width - 1, MAX_COORD), `${at}: x (image width ${width})`, pos);
      u16((BITS_FROM_TYPE[m.type] << 14) | x);
      u16(int(m.y, 0, Math.min(height - 1, MAX_COORD), `${at}: y (image height ${height})`, pos));
      u8(encodeAngle(m.angle, at, pos));
      u8(int(m.quality, 0, MAX_QUALITY, `${at}: quality`, pos));
    });
    u16(0); // no extended data
  });
  return out;
}
