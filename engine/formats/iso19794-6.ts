/**
 * ISO/IEC 19794-6:2011 iris image record, read and write.
 *
 * Layout (all integers big-endian):
 *   general header (16)  "IIR\0", "020\0", record length (4), number of representations (2),
 *                        certification flag (1, must be 0), number of eyes represented (1: 0–2)
 *   per representation   representation length (4, counting itself and the image),
 *                        capture date/time (9: year 2, month, day, hour, minute, second 1 each,
 *                        millisecond 2; all 0xFF = unknown), capture device technology (1:
 *                        0 unknown, 1 CMOS/CCD), device vendor id (2), device type id (2),
 *                        number of quality blocks (1) then 5 bytes each (score 0–100 or 255
 *                        "failed", algorithm vendor id 2, algorithm id 2),
 *                        representation number (2), eye label (1: 0 unspecified, 1 right, 2 left),
 *                        image type (1: 1 K1 uncropped, 2 K2 VGA, 3 K3 cropped, 7 K7 cropped and
 *                        masked), image format (1: 0x02 raw, 0x06 JPEG, 0x0A JPEG 2000, 0x0E PNG),
 *                        image properties (1: bits 0–1 horizontal orientation, 2–3 vertical
 *                        orientation (0 undefined, 1 base, 2 flipped), 4–5 reserved, 6–7
 *                        compression history (0 undefined, 1 lossless or none, 2 lossy)),
 *                        width (2), height (2), bit depth (1), range (2), roll angle of the eye (2)
 *                        and its uncertainty (2) (0xFFFF = undefined), iris centre smallest X,
 *                        largest X, smallest Y, largest Y, iris diameter smallest, largest (2 each,
 *                        0 = undefined), image length (4), image data
 *
 * So a representation is 52 bytes + 5 per quality block + the image. JPEG 2000 lossless vs lossy
 * is the compression history bits, not the format code. Every read is bounds-checked and every
 * field validated: a record cut at any byte, or with a field out of range, throws
 * RecordFormatError (codes as for the minutiae formats) rather than yielding a partial record.
 */
import { RecordFormatError } from '../errors.ts';
import { ByteCursor, checkSignatureFields } from './iso19794-2.ts';
import {
  QUALITY_BLOCK_BYTES, checkedInt, readCaptureDateTime, readQualityBlocks, writeCaptureDateTime, writeQualityBlocks,
  type CaptureDateTime, type QualityBlock,
} from './iso19794-common.ts';

export type IrisImageType = 'uncropped' | 'vga' | 'cropped' | 'cropped-masked';
export type IrisImageFormat = 'raw' | 'jpeg' | 'jpeg2000' | 'png';
export type IrisEyeLabel = 'unspecified' | 'right' | 'left';
export type IrisOrientation = 'undefined' | 'base' | 'flipped';
export type IrisCompressionHistory = 'undefined' | 'lossless-or-none' | 'lossy';

export type IrisCaptureDateTime = CaptureDateTime;

export type IrisQualityBlock = QualityBlock;

export interface IrisRepresentation {
  /** null: unknown (all bytes 0xFF). */
  captureDateTime: IrisCaptureDateTime | null;
  /** 0 unknown, 1 CMOS/CCD. */
  captureDeviceTechnology: number;
  captureDeviceVendorId: number;
  captureDeviceTypeId: number;
  qualityBlocks: IrisQualityBlock[];
  representationNumber: number;
  eye: IrisEyeLabel;
  imageType: IrisImageType;
  imageFormat: IrisImageFormat;
  horizontalOrientation: IrisOrientation;
  verticalOrientation: IrisOrientation;
  compressionHistory: IrisCompressionHistory;
  width: number;
  height: number;
  bitDepth: number;
  /** Camera-to-eye range, cm: 0 unassigned, 1 failed, 0xFFFF overflow. */
  range: number;
  /** The standard's binary angle units; null when undefined (0xFFFF). */
  rollAngle: number | null;
  rollAngleUncertainty: number | null;
  /** Iris centre bounds and diameter bounds, px; 0 = undefined. */
  irisCentreSmallestX: number;
  irisCentreLargestX: number;
  irisCentreSmallestY: number;
  irisCentreLargestY: number;
  irisDiameterSmallest: number;
  irisDiameterLargest: number;
  /** The encoded image, ready for decodeIrisImage (a view into the record's bytes when read). */
  image: Uint8Array;
}

export interface IrisImageRecord {
  format: 'iso19794-6:2011';
  /** Number of eyes represented: 0 unknown, 1 or 2. */
  eyeCount: number;
  representations: IrisRepresentation[];
}

export const IRIS_RECORD_LIMITS = Object.freeze({
  /** Far above a K3 640×480 raw image (300 KB) times two eyes; stops memory abuse. */
  maxRecordBytes: 16 * 1024 * 1024,
});

const MAGIC = [0x49, 0x49, 0x52, 0x00]; // "IIR\0"
const VERSION_020 = [0x30, 0x32, 0x30, 0x00]; // "020\0"
const GENERAL_HEADER_BYTES = 16;
const REPRESENTATION_FIXED_BYTES = 52;
const UNDEFINED_U16 = 0xffff;

const IMAGE_TYPES: ReadonlyMap<number, IrisImageType> = new Map([[1, 'uncropped'], [2, 'vga'], [3, 'cropped'], [7, 'cropped-masked']]);
const IMAGE_FORMATS: ReadonlyMap<number, IrisImageFormat> = new Map([[0x02, 'raw'], [0x06, 'jpeg'], [0x0a, 'jpeg2000'], [0x0e, 'png']]);
const EYE_LABELS: readonly IrisEyeLabel[] = ['unspecified', 'right', 'left'];
const ORIENTATIONS: readonly IrisOrientation[] = ['undefined', 'base', 'flipped'];
const COMPRESSION_HISTORIES: readonly IrisCompressionHistory[] = ['undefined', 'lossless-or-none', 'lossy'];

function fail(code: string, message: string, offset?: number): never {
  throw new RecordFormatError(code, message, offset);
}

function range(message: string, offset?: number): never {
  return fail('ERR_RECORD_RANGE', message, offset);
}

function codeOf<T>(table: ReadonlyMap<number, T>, value: T): number {
  for (const [code, v] of table) if (v === value) return code;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** "IIR\0" and "020\0", byte by byte: a short prefix is a truncation, a wrong byte is not. */
function checkSignature(bytes: Uint8Array): void {
  checkSignatureFields(bytes, [
    { start: 0, expected: MAGIC, code: 'ERR_RECORD_MAGIC', what: 'format identifier "IIR\\0"' },
    { start: 4, expected: VERSION_020, code: 'ERR_RECORD_VERSION', what: 'version "020\\0"' },
  ]);
}

/** Reads a 2-byte smallest/largest pair; when both are defined (non-zero) they must be ordered. */
function readBounds(cur: ByteCursor, what: string): [number, number] {
  const at = cur.pos;
  const smallest = cur.u16(`${what} smallest`);
  const largest = cur.u16(`${what} largest`);
  if (smallest !== 0 && largest !== 0 && smallest > largest) range(`${what}: smallest ${smallest} is above largest ${largest}`, at);
  return [smallest, largest];
}

function readRepresentation(cur: ByteCursor, index: number): IrisRepresentation {
  const where = `iris representation ${index}`;
  const start = cur.pos;
  const length = cur.u32(`${where}: length`);
  if (length < REPRESENTATION_FIXED_BYTES + 1) fail('ERR_RECORD_LENGTH', `${where}: length ${length} is below the ${REPRESENTATION_FIXED_BYTES + 1}-byte minimum`, start);
  cur.need(length - 4, `${where} (${length} bytes)`);

  const captureDateTime = readCaptureDateTime(cur, where);
  const captureDeviceTechnology = cur.u8(`${where}: device technology`);
  if (captureDeviceTechnology > 1) range(`${where}: capture device technology ${captureDeviceTechnology} is not 0 or 1`, cur.pos - 1);
  const captureDeviceVendorId = cur.u16(`${where}: device vendor`);
  const captureDeviceTypeId = cur.u16(`${where}: device type`);
  const qualityCount = cur.u8(`${where}: number of quality blocks`);
  const qualityBlocks = readQualityBlocks(cur, qualityCount, where);
  const representationNumber = cur.u16(`${where}: representation number`);

  const lookup = <T>(value: T | undefined, what: string, raw: number, at: number): T => value ?? range(`${where}: ${what} ${raw} is not defined by the standard`, at);
  let at = cur.pos;
  const eyeByte = cur.u8(`${where}: eye label`);
  const eye = lookup(EYE_LABELS[eyeByte], 'eye label', eyeByte, at);
  at = cur.pos;
  const typeByte = cur.u8(`${where}: image type`);
  const imageType = lookup(IMAGE_TYPES.get(typeByte), 'image type', typeByte, at);
  at = cur.pos;
  const formatByte = cur.u8(`${where}: image format`);
  const imageFormat = lookup(IMAGE_FORMATS.get(formatByte), 'image format', formatByte, at);
  at = cur.pos;
  const properties = cur.u8(`${where}: image properties`);
  const horizontalOrientation = lookup(ORIENTATIONS[properties & 3], 'horizontal orientation', properties & 3, at);
  const verticalOrientation = lookup(ORIENTATIONS[(properties >> 2) & 3], 'vertical orientation', (properties >> 2) & 3, at);
  const compressionHistory = lookup(COMPRESSION_HISTORIES[properties >> 6], 'compression history', properties >> 6, at);

  at = cur.pos;
  const width = cur.u16(`${where}: width`);
  if (width === 0) range(`${where}: image width is 0`, at);
  const height = cur.u16(`${where}: height`);
  if (height === 0) range(`${where}: image height is 0`, at + 2);
  const bitDepth = cur.u8(`${where}: bit depth`);
  if (bitDepth < 1 || bitDepth > 16) range(`${where}: bit depth ${bitDepth} is outside 1..16`, cur.pos - 1);
  const rangeCm = cur.u16(`${where}: range`);
  const roll = cur.u16(`${where}: roll angle`);
  const rollUncertainty = cur.u16(`${where}: roll angle uncertainty`);
  const [irisCentreSmallestX, irisCentreLargestX] = readBounds(cur, `${where}: iris centre X`);
  const [irisCentreSmallestY, irisCentreLargestY] = readBounds(cur, `${where}: iris centre Y`);
  const [irisDiameterSmallest, irisDiameterLargest] = readBounds(cur, `${where}: iris diameter`);

  at = cur.pos;
  const imageLength = cur.u32(`${where}: image length`);
  const expected = REPRESENTATION_FIXED_BYTES + QUALITY_BLOCK_BYTES * qualityCount + imageLength;
  if (imageLength === 0) fail('ERR_RECORD_LENGTH', `${where}: image length is 0`, at);
  if (expected !== length) fail('ERR_RECORD_LENGTH', `${where}: length field says ${length} bytes, its fields and ${imageLength}-byte image make ${expected}`, start);
  if (imageFormat === 'raw' && imageLength !== width * height * Math.ceil(bitDepth / 8)) {
    fail('ERR_RECORD_LENGTH', `${where}: raw image of ${width}×${height} at ${bitDepth} bits cannot be ${imageLength} bytes`, at);
  }
  cur.need(imageLength, `${where}: image data`);
  const image = cur.bytes.subarray(cur.pos, cur.pos + imageLength);
  cur.pos += imageLength;

  return {
    captureDateTime, captureDeviceTechnology, captureDeviceVendorId, captureDeviceTypeId, qualityBlocks, representationNumber,
    eye, imageType, imageFormat, horizontalOrientation, verticalOrientation, compressionHistory, width, height, bitDepth,
    range: rangeCm, rollAngle: roll === UNDEFINED_U16 ? null : roll, rollAngleUncertainty: rollUncertainty === UNDEFINED_U16 ? null : rollUncertainty,
    irisCentreSmallestX, irisCentreLargestX, irisCentreSmallestY, irisCentreLargestY, irisDiameterSmallest, irisDiameterLargest, image,
  };
}

/** Parses an ISO/IEC 19794-6:2011 iris image record. Throws RecordFormatError. */
export function readIso19794_6(bytes: Uint8Array): IrisImageRecord {
  if (!(bytes instanceof Uint8Array)) fail('ERR_RECORD_TYPE', 'an iris record must be a Uint8Array or Buffer');
  if (bytes.length > IRIS_RECORD_LIMITS.maxRecordBytes) {
    fail('ERR_RECORD_TOO_LARGE', `record is ${bytes.length} bytes, over the ${IRIS_RECORD_LIMITS.maxRecordBytes}-byte limit`, IRIS_RECORD_LIMITS.maxRecordBytes);
  }
  checkSignature(bytes);
  const cur = new ByteCursor(bytes, 8);
  const declared = cur.u32('record length');
  if (declared !== bytes.length) fail('ERR_RECORD_LENGTH', `record length field says ${declared} bytes but the record has ${bytes.length}`, 8);
  const count = cur.u16('number of representations');
  if (count === 0) range('record holds no iris representation', 12);
  const certification = cur.u8('certification flag');
  if (certification !== 0) range(`certification flag ${certification} must be 0`, 14);
  const eyeCount = cur.u8('number of eyes');
  if (eyeCount > 2) range(`number of eyes ${eyeCount} is above 2`, 15);
  // Each representation takes at least 53 bytes: refuse an impossible count before reading any.
  cur.need(count * (REPRESENTATION_FIXED_BYTES + 1), `${count} representations`);
  const representations: IrisRepresentation[] = [];
  for (let r = 0; r < count; r++) representations.push(readRepresentation(cur, r));
  const left = bytes.length - cur.pos;
  if (left !== 0) fail('ERR_RECORD_LENGTH', `${left} unused byte(s) after the last representation`, cur.pos);
  return { format: 'iso19794-6:2011', eyeCount, representations };
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** Standard code of an enumerated field, or ERR_RECORD_RANGE. */
function enumCode<T>(table: ReadonlyMap<number, T> | readonly T[], value: T, what: string): number {
  const code = Array.isArray(table) ? table.indexOf(value) : codeOf(table as ReadonlyMap<number, T>, value);
  if (code < 0) range(`${what} ${String(value)} is not one the standard defines`);
  return code;
}

/**
 * Encodes an iris image record as ISO/IEC 19794-6:2011, validating every field (the reader's
 * rules: a record written here always reads back equal). Throws RecordFormatError.
 */
export function writeIso19794_6(record: IrisImageRecord): Uint8Array {
  const reps = record.representations;
  if (!Array.isArray(reps) || reps.length === 0 || reps.length > 0xffff) range('a record needs 1..65535 representations');
  const sizes = reps.map((rep, r) => {
    if (!(rep.image instanceof Uint8Array) || rep.image.length === 0) fail('ERR_RECORD_TYPE', `representation ${r}: image must be a non-empty Uint8Array`);
    return REPRESENTATION_FIXED_BYTES + QUALITY_BLOCK_BYTES * rep.qualityBlocks.length + rep.image.length;
  });
  const total = GENERAL_HEADER_BYTES + sizes.reduce((a, b) => a + b, 0);
  if (total > IRIS_RECORD_LIMITS.maxRecordBytes) fail('ERR_RECORD_TOO_LARGE', `record would be ${total} bytes, over the ${IRIS_RECORD_LIMITS.maxRecordBytes}-byte limit`);

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  const u8 = (v: number) => view.setUint8(pos++, v);
  const u16 = (v: number) => { view.setUint16(pos, v); pos += 2; };
  const u32 = (v: number) => { view.setUint32(pos, v); pos += 4; };

  out.set(MAGIC, 0);
  out.set(VERSION_020, 4);
  pos = 8;
  u32(total);
  u16(reps.length);
  u8(0); // certification flag
  u8(checkedInt(record.eyeCount, 0, 2, 'number of eyes'));

  reps.forEach((rep, r) => {
    const where = `representation ${r}`;
    u32(sizes[r]);
    writeCaptureDateTime(rep.captureDateTime, u8, u16, where);
    u8(checkedInt(rep.captureDeviceTechnology, 0, 1, `${where}: device technology`));
    u16(checkedInt(rep.captureDeviceVendorId, 0, 0xffff, `${where}: device vendor`));
    u16(checkedInt(rep.captureDeviceTypeId, 0, 0xffff, `${where}: device type`));
    writeQualityBlocks(rep.qualityBlocks, u8, u16, where);
    u16(checkedInt(rep.representationNumber, 0, 0xffff, `${where}: representation number`));
    u8(enumCode(EYE_LABELS, rep.eye, `${where}: eye label`));
    u8(enumCode(IMAGE_TYPES, rep.imageType, `${where}: image type`));
    u8(enumCode(IMAGE_FORMATS, rep.imageFormat, `${where}: image format`));
    u8(enumCode(ORIENTATIONS, rep.horizontalOrientation, `${where}: horizontal orientation`)
      | (enumCode(ORIENTATIONS, rep.verticalOrientation, `${where}: vertical orientation`) << 2)
      | (enumCode(COMPRESSION_HISTORIES, rep.compressionHistory, `${where}: compression history`) << 6));
    u16(checkedInt(rep.width, 1, 0xffff, `${where}: width`));
    u16(checkedInt(rep.height, 1, 0xffff, `${where}: height`));
    u8(checkedInt(rep.bitDepth, 1, 16, `${where}: bit depth`));
    u16(checkedInt(rep.range, 0, 0xffff, `${where}: range`));
    u16(rep.rollAngle === null ? UNDEFINED_U16 : checkedInt(rep.rollAngle, 0, 0xfffe, `${where}: roll angle`));
    u16(rep.rollAngleUncertainty === null ? UNDEFINED_U16 : checkedInt(rep.rollAngleUncertainty, 0, 0xfffe, `${where}: roll angle uncertainty`));
    for (const [what, smallest, largest] of [
      ['iris centre X', rep.irisCentreSmallestX, rep.irisCentreLargestX],
      ['iris centre Y', rep.irisCentreSmallestY, rep.irisCentreLargestY],
      ['iris diameter', rep.irisDiameterSmallest, rep.irisDiameterLargest],
    ] as const) {
      u16(checkedInt(smallest, 0, 0xffff, `${where}: ${what} smallest`));
      u16(checkedInt(largest, 0, 0xffff, `${where}: ${what} largest`));
      if (smallest !== 0 && largest !== 0 && smallest > largest) range(`${where}: ${what} smallest is above largest`);
    }
    if (rep.imageFormat === 'raw' && rep.image.length !== rep.width * rep.height * Math.ceil(rep.bitDepth / 8)) {
      fail('ERR_RECORD_LENGTH', `${where}: raw image of ${rep.width}×${rep.height} at ${rep.bitDepth} bits cannot be ${rep.image.length} bytes`);
    }
    u32(rep.image.length);
    out.set(rep.image, pos);
    pos += rep.image.length;
  });
  return out;
}
