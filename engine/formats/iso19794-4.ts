/**
 * ISO/IEC 19794-4 finger image records, 2005 and 2011 editions, read and write.
 *
 * 2005 ("FIR\0", "010\0"; all integers big-endian):
 *   general header (32)  format identifier (4), version (4), record length (6), capture device
 *                        id (2), image acquisition level (2), number of finger images (1),
 *                        scale units (1: 1 px/inch, 2 px/cm), scan resolution h, v (2 + 2),
 *                        image resolution h, v (2 + 2), pixel depth (1: 1–16 bits), image
 *                        compression (1: 0 raw, 1 raw bit-packed, 2 WSQ, 3 JPEG, 4 JPEG 2000,
 *                        5 PNG), reserved (2)
 *   per finger image     length (4, counting this 14-byte header and the image), finger
 *                        position (1), count of views (1), view number (1), quality (1),
 *                        impression type (1), horizontal and vertical line length (2 + 2),
 *                        reserved (1), image data
 *
 * 2011 ("FIR\0", "020\0"):
 *   general header (16)  format identifier (4), version (4), record length (4), number of
 *                        representations (2), certification flag (1: 0 or 1), number of distinct
 *                        finger positions (1)
 *   per representation   length (4, counting the whole representation), capture date/time (9:
 *                        year 2, month, day, hour, minute, second 1 each, millisecond 2; all 0xFF
 *                        unknown), capture device technology (1), vendor id (2), type id (2),
 *                        number of quality blocks (1) then 5 bytes each (score 0–100 or 255,
 *                        algorithm vendor 2, algorithm 2), when certified: number of
 *                        certification blocks (1) then 3 bytes each (authority 2, scheme 1),
 *                        finger position (1), representation number (1), scale units (1),
 *                        capture resolution h, v (2 + 2), image resolution h, v (2 + 2), bit depth
 *                        (1), compression (1: 0 raw, 1 raw bit-packed, 2 WSQ, 3 JPEG, 4 JPEG 2000
 *                        lossy, 5 JPEG 2000 lossless, 6 PNG), impression type (1), horizontal and
 *                        vertical line length (2 + 2), image data length (4), image data, then
 *                        extended data blocks (segmentation, annotation, comment) to the end of
 *                        the representation, kept as bytes
 *
 * MOSIP's CBEFF finger records are the 2011 edition with JPEG 2000 (or WSQ) inside. Every read
 * is bounds-checked and every field validated: a record cut at any byte, or with a count, length
 * or field out of range, throws RecordFormatError (codes as for the other record formats)
 * rather than yielding a partial record. Images are not decoded here (see finger-image.ts).
 */
import { RecordFormatError } from '../errors.ts';
import { ByteCursor, checkSignatureFields } from './iso19794-2.ts';
import {
  QUALITY_BLOCK_BYTES, checkedInt, readCaptureDateTime, readQualityBlocks, writeCaptureDateTime, writeQualityBlocks,
  type CaptureDateTime, type QualityBlock,
} from './iso19794-common.ts';

export type FingerImageEdition = '2005' | '2011';
export type FingerImageCompression = 'raw' | 'raw-packed' | 'wsq' | 'jpeg' | 'jpeg2000' | 'jpeg2000-lossless' | 'png';
export type FingerScaleUnits = 'ppi' | 'ppcm';

export type FingerCaptureDateTime = CaptureDateTime;

export type FingerQualityBlock = QualityBlock;

export interface FingerCertificationBlock {
  authorityId: number;
  schemeId: number;
}

/** One finger image: a 2005 finger image record or a 2011 representation. */
export interface FingerImageView {
  /** ISO/IEC 19794-4 finger (or palm) position code: 0 unknown, 1–10 right thumb … left little, … */
  fingerPosition: number;
  /** 2005: view number; 2011: representation number. */
  viewNumber: number;
  /** 2005: count of views of this finger; 2011: 0 (no such field). */
  viewCount: number;
  /** Impression type code: 0 live-scan plain, 1 live-scan rolled, 2 non-live plain, 3 non-live rolled, 8 swipe, … */
  impressionType: number;
  /** 2005: the finger image quality (0–100, 254/255 undefined); 2011: the first quality block's score, null without one. */
  quality: number | null;
  /** 2011 only ([] in 2005). */
  qualityBlocks: FingerQualityBlock[];
  /** 2011 only ([] in 2005 and when the record is not certified). */
  certificationBlocks: FingerCertificationBlock[];
  /** 2011 only: null when unknown (all 0xFF) and in 2005. */
  captureDateTime: FingerCaptureDateTime | null;
  /** 2011: per representation; 2005: 0 (the device id is in the general header). */
  captureDeviceTechnology: number;
  captureDeviceVendorId: number;
  captureDeviceTypeId: number;
  scaleUnits: FingerScaleUnits;
  scanResolutionX: number;
  scanResolutionY: number;
  /** Resolution of the image data, in `scaleUnits` (see fingerViewDpi). */
  imageResolutionX: number;
  imageResolutionY: number;
  bitDepth: number;
  compression: FingerImageCompression;
  /** Horizontal and vertical line lengths, px. */
  width: number;
  height: number;
  /** The encoded image (a view into the record's bytes when read). */
  image: Uint8Array;
  /** 2011: extended data blocks after the image, undecoded (empty when none, and in 2005). */
  extendedData: Uint8Array;
}

export interface FingerImageRecord {
  edition: FingerImageEdition;
  /** 2005: capture device id of the general header; 2011: 0. */
  captureDeviceId: number;
  /** 2005: image acquisition level (10, 20, 30, 31, 35, 40, 41); 2011: 0. */
  imageAcquisitionLevel: number;
  /** 2011: number of distinct finger positions; 2005: 0. */
  fingerPositionCount: number;
  /** 2011: certification flag (representations then carry certification blocks); 2005: false. */
  certified: boolean;
  views: FingerImageView[];
}

export const FINGER_RECORD_LIMITS = Object.freeze({
  /** Above a ten-print of raw 800×750 images at 16 bits (12 MB); stops memory abuse. */
  maxRecordBytes: 32 * 1024 * 1024,
});

const MAGIC = [0x46, 0x49, 0x52, 0x00]; // "FIR\0"
const VERSION_2005 = [0x30, 0x31, 0x30, 0x00]; // "010\0"
const VERSION_2011 = [0x30, 0x32, 0x30, 0x00]; // "020\0"
const HEADER_2005_BYTES = 32;
const VIEW_HEADER_2005_BYTES = 14;
const HEADER_2011_BYTES = 16;
/** A 2011 representation without quality or certification blocks, image or extended data. */
const REPRESENTATION_FIXED_BYTES = 41;
const CERTIFICATION_BLOCK_BYTES = 3;
const CM_PER_INCH = 2.54;

const COMPRESSION_2005: readonly FingerImageCompression[] = ['raw', 'raw-packed', 'wsq', 'jpeg', 'jpeg2000', 'png'];
const COMPRESSION_2011: readonly FingerImageCompression[] = ['raw', 'raw-packed', 'wsq', 'jpeg', 'jpeg2000', 'jpeg2000-lossless', 'png'];
const SCALE_UNITS: readonly (FingerScaleUnits | undefined)[] = [undefined, 'ppi', 'ppcm'];

function fail(code: string, message: string, offset?: number): never {
  throw new RecordFormatError(code, message, offset);
}

function range(message: string, offset?: number): never {
  return fail('ERR_RECORD_RANGE', message, offset);
}

/** A view's image resolution in pixels per inch (px/cm × 2.54). */
export function fingerViewDpi(view: Pick<FingerImageView, 'scaleUnits' | 'imageResolutionX' | 'imageResolutionY'>): { x: number; y: number } {
  const factor = view.scaleUnits === 'ppcm' ? CM_PER_INCH : 1;
  return { x: view.imageResolutionX * factor, y: view.imageResolutionY * factor };
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** "FIR\0" then "010\0" or "020\0", byte by byte: a short prefix is a truncation, a wrong byte is not. */
function checkSignature(bytes: Uint8Array): FingerImageEdition {
  const edition: FingerImageEdition = bytes.length > 5 && bytes[5] === VERSION_2011[1] ? '2011' : '2005';
  checkSignatureFields(bytes, [
    { start: 0, expected: MAGIC, code: 'ERR_RECORD_MAGIC', what: 'format identifier "FIR\\0"' },
    { start: 4, expected: edition === '2011' ? VERSION_2011 : VERSION_2005, code: 'ERR_RECORD_VERSION', what: 'version "010\\0" or "020\\0"' },
  ]);
  return edition;
}

function readScaleUnits(cur: ByteCursor, where: string): FingerScaleUnits {
  const at = cur.pos;
  const code = cur.u8(`${where}: scale units`);
  return SCALE_UNITS[code] ?? range(`${where}: scale units ${code} is neither 1 (px/inch) nor 2 (px/cm)`, at);
}

/** Scan (capture) resolution may be 0 (unreported); the image resolution may not. */
function readResolutions(cur: ByteCursor, where: string): [number, number, number, number] {
  const scanX = cur.u16(`${where}: scan resolution`);
  const scanY = cur.u16(`${where}: scan resolution`);
  const at = cur.pos;
  const imageX = cur.u16(`${where}: image resolution`);
  const imageY = cur.u16(`${where}: image resolution`);
  if (imageX === 0 || imageY === 0) range(`${where}: image resolution ${imageX}×${imageY} has a zero`, at);
  return [scanX, scanY, imageX, imageY];
}

function readBitDepth(cur: ByteCursor, where: string): number {
  const depth = cur.u8(`${where}: bit depth`);
  if (depth < 1 || depth > 16) range(`${where}: bit depth ${depth} is outside 1..16`, cur.pos - 1);
  return depth;
}

function readCompression(cur: ByteCursor, table: readonly FingerImageCompression[], where: string): FingerImageCompression {
  const code = cur.u8(`${where}: compression`);
  return table[code] ?? range(`${where}: compression code ${code} is not defined (0..${table.length - 1})`, cur.pos - 1);
}

function readLineLengths(cur: ByteCursor, where: string): [number, number] {
  const at = cur.pos;
  const width = cur.u16(`${where}: horizontal line length`);
  const height = cur.u16(`${where}: vertical line length`);
  if (width === 0 || height === 0) range(`${where}: image size ${width}×${height} has a zero`, at);
  return [width, height];
}

/** Raw images hold whole bytes per pixel: their length follows from the size. */
function checkRawLength(view: Pick<FingerImageView, 'compression' | 'width' | 'height' | 'bitDepth'>, length: number, where: string, at?: number): void {
  if (view.compression === 'raw' && length !== view.width * view.height * Math.ceil(view.bitDepth / 8)) {
    fail('ERR_RECORD_LENGTH', `${where}: raw image of ${view.width}×${view.height} at ${view.bitDepth} bits cannot be ${length} bytes`, at);
  }
}

function readHeader2005(cur: ByteCursor): { record: Omit<FingerImageRecord, 'views'>; count: number; common: Omit<FingerImageView, 'fingerPosition' | 'viewNumber' | 'viewCount' | 'impressionType' | 'quality' | 'width' | 'height' | 'image'> } {
  const declared = cur.u16('record length') * 0x100000000 + cur.u32('record length');
  if (declared !== cur.bytes.length) fail('ERR_RECORD_LENGTH', `record length field says ${declared} bytes but the record has ${cur.bytes.length}`, 8);
  const captureDeviceId = cur.u16('capture device id');
  const imageAcquisitionLevel = cur.u16('image acquisition level');
  const count = cur.u8('number of finger images');
  if (count === 0) range('record holds no finger image', cur.pos - 1);
  const scaleUnits = readScaleUnits(cur, 'general header');
  const [scanResolutionX, scanResolutionY, imageResolutionX, imageResolutionY] = readResolutions(cur, 'general header');
  const bitDepth = readBitDepth(cur, 'general header');
  const compression = readCompression(cur, COMPRESSION_2005, 'general header');
  cur.skip(2, 'reserved header bytes'); // reserved: ignored on read, written as 0
  return {
    record: { edition: '2005', captureDeviceId, imageAcquisitionLevel, fingerPositionCount: 0, certified: false },
    count,
    common: {
      qualityBlocks: [], certificationBlocks: [], captureDateTime: null, captureDeviceTechnology: 0, captureDeviceVendorId: 0,
      captureDeviceTypeId: 0, scaleUnits, scanResolutionX, scanResolutionY, imageResolutionX, imageResolutionY, bitDepth, compression,
      extendedData: new Uint8Array(0),
    },
  };
}

function readView2005(cur: ByteCursor, index: number, common: ReturnType<typeof readHeader2005>['common']): FingerImageView {
  const where = `finger image ${index}`;
  const start = cur.pos;
  const length = cur.u32(`${where}: length`);
  if (length <= VIEW_HEADER_2005_BYTES) fail('ERR_RECORD_LENGTH', `${where}: length ${length} leaves no image after its ${VIEW_HEADER_2005_BYTES}-byte header`, start);
  cur.need(length - 4, `${where} (${length} bytes)`);
  const fingerPosition = cur.u8(`${where}: finger position`);
  const viewCount = cur.u8(`${where}: count of views`);
  if (viewCount === 0) range(`${where}: count of views is 0`, cur.pos - 1);
  const viewNumber = cur.u8(`${where}: view number`);
  const quality = cur.u8(`${where}: quality`);
  if (quality > 100 && quality !== 254 && quality !== 255) range(`${where}: quality ${quality} is neither 0..100 nor 254/255`, cur.pos - 1);
  const impressionType = cur.u8(`${where}: impression type`);
  const [width, height] = readLineLengths(cur, where);
  cur.skip(1, `${where}: reserved byte`);
  const imageLength = length - VIEW_HEADER_2005_BYTES;
  const view: FingerImageView = {
    ...common, qualityBlocks: [], certificationBlocks: [], fingerPosition, viewNumber, viewCount, impressionType, quality, width, height,
    image: cur.bytes.subarray(cur.pos, cur.pos + imageLength),
  };
  checkRawLength(view, imageLength, where, start);
  cur.pos += imageLength;
  return view;
}

function readRepresentation(cur: ByteCursor, index: number, certified: boolean): FingerImageView {
  const where = `finger representation ${index}`;
  const start = cur.pos;
  const length = cur.u32(`${where}: length`);
  if (length < REPRESENTATION_FIXED_BYTES + 1) fail('ERR_RECORD_LENGTH', `${where}: length ${length} is below the ${REPRESENTATION_FIXED_BYTES + 1}-byte minimum`, start);
  cur.need(length - 4, `${where} (${length} bytes)`);
  const end = start + length;
  // Everything below stays inside this representation: a lying block count is caught here.
  const inside = new ByteCursor(cur.bytes.subarray(0, end), cur.pos);

  const captureDateTime = readCaptureDateTime(inside, where);
  const captureDeviceTechnology = inside.u8(`${where}: device technology`);
  const captureDeviceVendorId = inside.u16(`${where}: device vendor`);
  const captureDeviceTypeId = inside.u16(`${where}: device type`);
  const qualityCount = inside.u8(`${where}: number of quality blocks`);
  inside.need(qualityCount * QUALITY_BLOCK_BYTES, `${where}: ${qualityCount} quality blocks`);
  const qualityBlocks = readQualityBlocks(inside, qualityCount, where);
  const certificationBlocks: FingerCertificationBlock[] = [];
  if (certified) {
    const certificationCount = inside.u8(`${where}: number of certification blocks`);
    inside.need(certificationCount * CERTIFICATION_BLOCK_BYTES, `${where}: ${certificationCount} certification blocks`);
    for (let c = 0; c < certificationCount; c++) {
      certificationBlocks.push({ authorityId: inside.u16(`${where}: certification block ${c}`), schemeId: inside.u8(`${where}: certification block ${c}`) });
    }
  }
  const fingerPosition = inside.u8(`${where}: finger position`);
  const viewNumber = inside.u8(`${where}: representation number`);
  const scaleUnits = readScaleUnits(inside, where);
  const [scanResolutionX, scanResolutionY, imageResolutionX, imageResolutionY] = readResolutions(inside, where);
  const bitDepth = readBitDepth(inside, where);
  const compression = readCompression(inside, COMPRESSION_2011, where);
  const impressionType = inside.u8(`${where}: impression type`);
  const [width, height] = readLineLengths(inside, where);
  const lengthAt = inside.pos;
  const imageLength = inside.u32(`${where}: image data length`);
  if (imageLength === 0) fail('ERR_RECORD_LENGTH', `${where}: image data length is 0`, lengthAt);
  if (imageLength > end - inside.pos) {
    fail('ERR_RECORD_LENGTH', `${where}: image data length ${imageLength} runs past the representation's ${length} bytes`, lengthAt);
  }
  const image = inside.bytes.subarray(inside.pos, inside.pos + imageLength);
  inside.pos += imageLength;
  const view: FingerImageView = {
    fingerPosition, viewNumber, viewCount: 0, impressionType, quality: qualityBlocks.length > 0 ? qualityBlocks[0].score : null,
    qualityBlocks, certificationBlocks, captureDateTime, captureDeviceTechnology, captureDeviceVendorId, captureDeviceTypeId,
    scaleUnits, scanResolutionX, scanResolutionY, imageResolutionX, imageResolutionY, bitDepth, compression, width, height, image,
    extendedData: inside.bytes.subarray(inside.pos, end),
  };
  checkRawLength(view, imageLength, where, lengthAt);
  cur.pos = end;
  return view;
}

/** Parses an ISO/IEC 19794-4 finger image record (2005 or 2011 edition). Throws RecordFormatError. */
export function readIso19794_4(bytes: Uint8Array): FingerImageRecord {
  if (!(bytes instanceof Uint8Array)) fail('ERR_RECORD_TYPE', 'a finger image record must be a Uint8Array or Buffer');
  if (bytes.length > FINGER_RECORD_LIMITS.maxRecordBytes) {
    fail('ERR_RECORD_TOO_LARGE', `record is ${bytes.length} bytes, over the ${FINGER_RECORD_LIMITS.maxRecordBytes}-byte limit`, FINGER_RECORD_LIMITS.maxRecordBytes);
  }
  const edition = checkSignature(bytes);
  const cur = new ByteCursor(bytes, 8);
  const views: FingerImageView[] = [];
  let record: Omit<FingerImageRecord, 'views'>;
  if (edition === '2005') {
    const header = readHeader2005(cur);
    record = header.record;
    cur.need(header.count * (VIEW_HEADER_2005_BYTES + 1), `${header.count} finger images`);
    for (let v = 0; v < header.count; v++) views.push(readView2005(cur, v, header.common));
  } else {
    const declared = cur.u32('record length');
    if (declared !== bytes.length) fail('ERR_RECORD_LENGTH', `record length field says ${declared} bytes but the record has ${bytes.length}`, 8);
    const count = cur.u16('number of representations');
    if (count === 0) range('record holds no finger representation', 12);
    const flag = cur.u8('certification flag');
    if (flag > 1) range(`certification flag ${flag} is neither 0 nor 1`, 14);
    const fingerPositionCount = cur.u8('number of finger positions');
    // Each representation takes at least 42 bytes: refuse an impossible count before reading any.
    cur.need(count * (REPRESENTATION_FIXED_BYTES + 1), `${count} representations`);
    record = { edition: '2011', captureDeviceId: 0, imageAcquisitionLevel: 0, fingerPositionCount, certified: flag === 1 };
    for (let r = 0; r < count; r++) views.push(readRepresentation(cur, r, flag === 1));
  }
  const left = bytes.length - cur.pos;
  if (left !== 0) fail('ERR_RECORD_LENGTH', `${left} unused byte(s) after the last finger image`, cur.pos);
  return { ...record, views };
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

function code<T>(table: readonly (T | undefined)[], value: T, what: string): number {
  const found = table.indexOf(value);
  if (found < 0) range(`${what} ${String(value)} is not defined for this edition`);
  return found;
}

class Out {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(v: number): void { this.view.setUint8(this.pos++, v); }
  u16(v: number): void { this.view.setUint16(this.pos, v); this.pos += 2; }
  u32(v: number): void { this.view.setUint32(this.pos, v); this.pos += 4; }
  raw(b: Uint8Array | readonly number[]): void { this.bytes.set(b, this.pos); this.pos += b.length; }
}

function checkImage(view: FingerImageView, where: string): void {
  if (!(view.image instanceof Uint8Array) || view.image.length === 0) fail('ERR_RECORD_TYPE', `${where}: image must be a non-empty Uint8Array`);
  checkedInt(view.width, 1, 0xffff, `${where}: width`);
  checkedInt(view.height, 1, 0xffff, `${where}: height`);
  checkedInt(view.bitDepth, 1, 16, `${where}: bit depth`);
  checkedInt(view.imageResolutionX, 1, 0xffff, `${where}: image resolution`);
  checkedInt(view.imageResolutionY, 1, 0xffff, `${where}: image resolution`);
  checkedInt(view.scanResolutionX, 0, 0xffff, `${where}: scan resolution`);
  checkedInt(view.scanResolutionY, 0, 0xffff, `${where}: scan resolution`);
  checkRawLength(view, view.image.length, where);
}

function write2005(record: FingerImageRecord): Uint8Array {
  const views = record.views;
  if (views.length > 255) range('a 2005 record holds at most 255 finger images');
  const first = views[0];
  // The 2005 general header holds these once for all images: they must agree.
  for (const [r, view] of views.entries()) {
    checkImage(view, `finger image ${r}`);
    for (const key of ['scaleUnits', 'scanResolutionX', 'scanResolutionY', 'imageResolutionX', 'imageResolutionY', 'bitDepth', 'compression'] as const) {
      if (view[key] !== first[key]) range(`finger image ${r}: ${key} differs from the first image's (one value per 2005 record)`);
    }
  }
  const total = HEADER_2005_BYTES + views.reduce((sum, v) => sum + VIEW_HEADER_2005_BYTES + v.image.length, 0);
  if (total > FINGER_RECORD_LIMITS.maxRecordBytes) fail('ERR_RECORD_TOO_LARGE', `record would be ${total} bytes, over the ${FINGER_RECORD_LIMITS.maxRecordBytes}-byte limit`);
  const out = new Out(total);
  out.raw(MAGIC);
  out.raw(VERSION_2005);
  out.u16(Math.floor(total / 0x100000000));
  out.u32(total % 0x100000000);
  out.u16(checkedInt(record.captureDeviceId, 0, 0xffff, 'capture device id'));
  out.u16(checkedInt(record.imageAcquisitionLevel, 0, 0xffff, 'image acquisition level'));
  out.u8(views.length);
  out.u8(code(SCALE_UNITS, first.scaleUnits, 'scale units'));
  out.u16(first.scanResolutionX); out.u16(first.scanResolutionY);
  out.u16(first.imageResolutionX); out.u16(first.imageResolutionY);
  out.u8(first.bitDepth);
  out.u8(code(COMPRESSION_2005, first.compression, 'compression'));
  out.u16(0);
  views.forEach((view, r) => {
    const where = `finger image ${r}`;
    out.u32(VIEW_HEADER_2005_BYTES + view.image.length);
    out.u8(checkedInt(view.fingerPosition, 0, 255, `${where}: finger position`));
    out.u8(checkedInt(view.viewCount, 1, 255, `${where}: count of views`));
    out.u8(checkedInt(view.viewNumber, 0, 255, `${where}: view number`));
    const quality = view.quality ?? 254;
    if (quality !== 254 && quality !== 255) checkedInt(quality, 0, 100, `${where}: quality`);
    out.u8(quality);
    out.u8(checkedInt(view.impressionType, 0, 255, `${where}: impression type`));
    out.u16(view.width); out.u16(view.height);
    out.u8(0);
    out.raw(view.image);
  });
  return out.bytes;
}

function representationBytes(view: FingerImageView, certified: boolean): number {
  return REPRESENTATION_FIXED_BYTES + QUALITY_BLOCK_BYTES * view.qualityBlocks.length
    + (certified ? 1 + CERTIFICATION_BLOCK_BYTES * view.certificationBlocks.length : 0) + view.image.length + view.extendedData.length;
}

function write2011(record: FingerImageRecord): Uint8Array {
  const views = record.views;
  if (views.length > 0xffff) range('a 2011 record holds at most 65535 representations');
  views.forEach((view, r) => {
    checkImage(view, `finger representation ${r}`);
    if (!(view.extendedData instanceof Uint8Array)) fail('ERR_RECORD_TYPE', `finger representation ${r}: extendedData must be a Uint8Array`);
    if (!record.certified && view.certificationBlocks.length > 0) range(`finger representation ${r}: certification blocks in a record whose certification flag is 0`);
  });
  const sizes = views.map((v) => representationBytes(v, record.certified));
  const total = HEADER_2011_BYTES + sizes.reduce((a, b) => a + b, 0);
  if (total > FINGER_RECORD_LIMITS.maxRecordBytes) fail('ERR_RECORD_TOO_LARGE', `record would be ${total} bytes, over the ${FINGER_RECORD_LIMITS.maxRecordBytes}-byte limit`);
  const out = new Out(total);
  out.raw(MAGIC);
  out.raw(VERSION_2011);
  out.u32(total);
  out.u16(views.length);
  out.u8(record.certified ? 1 : 0);
  out.u8(checkedInt(record.fingerPositionCount, 0, 255, 'number of finger positions'));
  views.forEach((view, r) => {
    const where = `finger representation ${r}`;
    out.u32(sizes[r]);
    const u8 = (v: number): void => out.u8(v), u16 = (v: number): void => out.u16(v);
    writeCaptureDateTime(view.captureDateTime, u8, u16, where);
    out.u8(checkedInt(view.captureDeviceTechnology, 0, 255, `${where}: device technology`));
    out.u16(checkedInt(view.captureDeviceVendorId, 0, 0xffff, `${where}: device vendor`));
    out.u16(checkedInt(view.captureDeviceTypeId, 0, 0xffff, `${where}: device type`));
    writeQualityBlocks(view.qualityBlocks, u8, u16, where);
    if (record.certified) {
      out.u8(checkedInt(view.certificationBlocks.length, 0, 255, `${where}: number of certification blocks`));
      for (const c of view.certificationBlocks) {
        out.u16(checkedInt(c.authorityId, 0, 0xffff, `${where}: certification authority`));
        out.u8(checkedInt(c.schemeId, 0, 255, `${where}: certification scheme`));
      }
    }
    out.u8(checkedInt(view.fingerPosition, 0, 255, `${where}: finger position`));
    out.u8(checkedInt(view.viewNumber, 0, 255, `${where}: representation number`));
    out.u8(code(SCALE_UNITS, view.scaleUnits, `${where}: scale units`));
    out.u16(view.scanResolutionX); out.u16(view.scanResolutionY);
    out.u16(view.imageResolutionX); out.u16(view.imageResolutionY);
    out.u8(view.bitDepth);
    out.u8(code(COMPRESSION_2011, view.compression, `${where}: compression`));
    out.u8(checkedInt(view.impressionType, 0, 255, `${where}: impression type`));
    out.u16(view.width); out.u16(view.height);
    out.u32(view.image.length);
    out.raw(view.image);
    out.raw(view.extendedData);
  });
  return out.bytes;
}

/**
 * Encodes a finger image record in its edition, validating every field (the reader's rules: a
 * record written here reads back equal). Throws RecordFormatError.
 */
export function writeIso19794_4(record: FingerImageRecord): Uint8Array {
  if (!Array.isArray(record.views) || record.views.length === 0) range('a record needs at least one finger image');
  if (record.edition === '2005') return write2005(record);
  if (record.edition === '2011') return write2011(record);
  return range(`edition ${String(record.edition)} is neither "2005" nor "2011"`);
}
