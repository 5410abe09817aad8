/**
 * ISO/IEC 19794-5 face image records, 2005 ("010") and 2011 ("030"), read and write.
 *
 * 2005 (all integers big-endian):
 *   general header (14)  "FAC\0", "010\0", record length (4), number of facial images (2)
 *   per facial image     block length (4, counting itself and the image), facial information
 *                        (16: landmark count 2, gender, eye colour, hair colour 1 each, property
 *                        mask 3, expression 2, pose yaw/pitch/roll 1 each, their uncertainties
 *                        1 each), landmark points (8 each: type, code, x 2, y 2, reserved 2),
 *                        image information (12: face image type, image data type (0 JPEG,
 *                        1 JPEG 2000), width 2, height 2, colour space, source type, device
 *                        type 2, quality 2), image data (the rest of the block)
 * 2011:
 *   general header (17)  "FAC\0", "030\0", record length (4), number of representations (2),
 *                        certification flag (1, must be 0), temporal semantics (2)
 *   per representation   length (4, counting itself and the image), capture date/time (9),
 *                        device technology (1), device vendor (2), device type (2), quality
 *                        block count (1) + 5 each, facial information (17: as 2005 with the
 *                        subject height byte after hair colour), landmark points (8 each:
 *                        type, code, x, y, z 2 each), image information (11: face image type,
 *                        image data type (0 JPEG, 1 JPEG 2000 lossy, 2 JPEG 2000 lossless,
 *                        3 PNG), width 2, height 2, spatial sampling rate level, post-acquisition
 *                        processing 2, cross reference, colour space), image length (4), image
 *
 * Pose angles and their uncertainties are kept as the bytes the record holds (the two editions
 * encode them differently); enumerated fields are checked against the values the standard
 * defines. A record cut at any byte, with a length that does not add up, or with a field out of
 * range throws RecordFormatError (ERR_RECORD_*), never a partial record.
 */
import { RecordFormatError } from '../errors.ts';
import { ByteCursor, checkSignatureFields } from './iso19794-2.ts';
import {
  QUALITY_BLOCK_BYTES, checkedInt, readCaptureDateTime, readQualityBlocks, writeCaptureDateTime, writeQualityBlocks,
  type CaptureDateTime, type QualityBlock,
} from './iso19794-common.ts';

export type FaceRecordVersion = '2005' | '2011';
export type FaceImageDataType = 'jpeg' | 'jpeg2000' | 'jpeg2000-lossless' | 'png';

export interface FaceLandmarkPoint {
  /** 1 = MPEG-4 feature point (the standard's only defined type in both editions), 2 = anthropometric (2011). */
  type: number;
  /** Feature point code (2005: major in the high nibble, minor in the low one). */
  code: number;
  x: number;
  y: number;
  /** 2011 only; 0 in a 2005 record (its reserved bytes). */
  z: number;
}

export interface FaceRepresentation {
  /** 2011 only: null when unknown (all bytes 0xFF) and always null in 2005. */
  captureDateTime: CaptureDateTime | null;
  /** 2011 only (0 in 2005). */
  captureDeviceTechnology: number;
  captureDeviceVendorId: number;
  captureDeviceTypeId: number;
  /** 2011 only ([] in 2005). */
  qualityBlocks: QualityBlock[];
  /** 0 unspecified, 1 male, 2 female, 255 unknown. */
  gender: number;
  /** 0 unspecified, 1–7 (black, blue, brown, gray, green, multi-coloured, pink), 255 unknown. */
  eyeColour: number;
  /** 0 unspecified, 1–7 (bald, black, blonde, brown, gray, white, red), 255 unknown. */
  hairColour: number;
  /** 2011 only (0 in 2005): the standard's height code. */
  subjectHeight: number;
  /** 24-bit property mask (bit 0 = properties specified, glasses, moustache, …). */
  propertyMask: number;
  /** 16-bit expression code. */
  expression: number;
  /** yaw, pitch, roll bytes as recorded. */
  poseAngle: [number, number, number];
  poseAngleUncertainty: [number, number, number];
  landmarkPoints: FaceLandmarkPoint[];
  /** 0 basic, 1 full frontal, 2 token frontal (2011 also 3 post-processed, 0x80–0x82 3-D). */
  faceImageType: number;
  imageDataType: FaceImageDataType;
  width: number;
  height: number;
  /** 0 unspecified, 1 24-bit RGB, 2 YUV422, 3 8-bit gray, 4 other. */
  colourSpace: number;
  /** 2005 only (0 in 2011): source type 0–7, device type, quality. */
  sourceType: number;
  deviceType: number;
  quality: number;
  /** 2011 only (0 in 2005). */
  spatialSamplingRateLevel: number;
  postAcquisitionProcessing: number;
  crossReference: number;
  /** The encoded image (a view into the record's bytes when read). */
  image: Uint8Array;
}

export interface FaceImageRecord {
  format: 'iso19794-5';
  version: FaceRecordVersion;
  /** 2011 only (0 in 2005). */
  temporalSemantics: number;
  representations: FaceRepresentation[];
}

export const FACE_RECORD_LIMITS = Object.freeze({
  /** Far above a 2,000 × 2,000 JPEG 2000 lossless portrait; stops memory abuse. */
  maxRecordBytes: 32 * 1024 * 1024,
});

const MAGIC = [0x46, 0x41, 0x43, 0x00]; // "FAC\0"
const VERSIONS: Record<FaceRecordVersion, number[]> = { '2005': [0x30, 0x31, 0x30, 0x00], '2011': [0x30, 0x33, 0x30, 0x00] };
const HEADER_BYTES: Record<FaceRecordVersion, number> = { '2005': 14, '2011': 17 };
/** Fixed bytes of a representation, without quality blocks, landmarks and image. */
const FIXED_BYTES: Record<FaceRecordVersion, number> = { '2005': 4 + 16 + 12, '2011': 4 + 9 + 5 + 1 + 17 + 11 + 4 };
const LANDMARK_BYTES = 8;
const DATA_TYPES: Record<FaceRecordVersion, readonly FaceImageDataType[]> = {
  '2005': ['jpeg', 'jpeg2000'],
  '2011': ['jpeg', 'jpeg2000', 'jpeg2000-lossless', 'png'],
};
const FACE_IMAGE_TYPES: Record<FaceRecordVersion, readonly number[]> = { '2005': [0, 1, 2], '2011': [0, 1, 2, 3, 0x80, 0x81, 0x82] };
const COLOURS = [0, 1, 2, 3, 4, 5, 6, 7, 255];

function fail(code: string, message: string, offset?: number): never {
  throw new RecordFormatError(code, message, offset);
}
function range(message: string, offset?: number): never {
  return fail('ERR_RECORD_RANGE', message, offset);
}
function oneOfCodes(value: number, allowed: readonly number[], what: string, at?: number): number {
  if (!allowed.includes(value)) range(`${what} ${value} is not defined by the standard`, at);
  return value;
}

/** The edition of a face record from its first 8 bytes (ERR_RECORD_MAGIC / ERR_RECORD_VERSION / ERR_RECORD_TRUNCATED otherwise). */
export function faceRecordVersion(bytes: Uint8Array): FaceRecordVersion {
  checkSignatureFields(bytes, [{ start: 0, expected: MAGIC, code: 'ERR_RECORD_MAGIC', what: 'format identifier "FAC\\0"' }]);
  if (bytes.length < 8) fail('ERR_RECORD_TRUNCATED', 'record ends inside the version', bytes.length);
  for (const version of ['2005', '2011'] as const) if (VERSIONS[version].every((b, i) => bytes[4 + i] === b)) return version;
  return fail('ERR_RECORD_VERSION', 'version is neither "010\\0" (2005) nor "030\\0" (2011)', 4);
}

function readRepresentation(cur: ByteCursor, version: FaceRecordVersion, index: number): FaceRepresentation {
  const where = `face representation ${index}`;
  const start = cur.pos;
  const length = cur.u32(`${where}: length`);
  if (length < FIXED_BYTES[version] + 1) fail('ERR_RECORD_LENGTH', `${where}: length ${length} is below the ${FIXED_BYTES[version] + 1}-byte minimum`, start);
  cur.need(length - 4, `${where} (${length} bytes)`);
  const end = start + length;

  let captureDateTime: CaptureDateTime | null = null, captureDeviceTechnology = 0, captureDeviceVendorId = 0, captureDeviceTypeId = 0;
  let qualityBlocks: QualityBlock[] = [];
  if (version === '2011') {
    captureDateTime = readCaptureDateTime(cur, where);
    captureDeviceTechnology = cur.u8(`${where}: device technology`);
    captureDeviceVendorId = cur.u16(`${where}: device vendor`);
    captureDeviceTypeId = cur.u16(`${where}: device type`);
    qualityBlocks = readQualityBlocks(cur, cur.u8(`${where}: number of quality blocks`), where);
  }
  const landmarkCount = cur.u16(`${where}: landmark count`);
  let at = cur.pos;
  const gender = oneOfCodes(cur.u8(`${where}: gender`), [0, 1, 2, 255], `${where}: gender`, at);
  at = cur.pos;
  const eyeColour = oneOfCodes(cur.u8(`${where}: eye colour`), COLOURS, `${where}: eye colour`, at);
  at = cur.pos;
  const hairColour = oneOfCodes(cur.u8(`${where}: hair colour`), COLOURS, `${where}: hair colour`, at);
  const subjectHeight = version === '2011' ? cur.u8(`${where}: subject height`) : 0;
  const propertyMask = cur.u8(`${where}: property mask`) * 0x10000 + cur.u16(`${where}: property mask`);
  const expression = cur.u16(`${where}: expression`);
  const poseAngle: [number, number, number] = [cur.u8(`${where}: yaw`), cur.u8(`${where}: pitch`), cur.u8(`${where}: roll`)];
  const poseAngleUncertainty: [number, number, number] = [cur.u8(`${where}: yaw uncertainty`), cur.u8(`${where}: pitch uncertainty`), cur.u8(`${where}: roll uncertainty`)];
  cur.need(landmarkCount * LANDMARK_BYTES, `${where}: ${landmarkCount} landmark points`);
  const landmarkPoints: FaceLandmarkPoint[] = [];
  for (let k = 0; k < landmarkCount; k++) {
    const type = cur.u8(where), code = cur.u8(where), x = cur.u16(where), y = cur.u16(where), z = cur.u16(where);
    landmarkPoints.push({ type, code, x, y, z: version === '2011' ? z : 0 });
  }
  at = cur.pos;
  const faceImageType = oneOfCodes(cur.u8(`${where}: face image type`), FACE_IMAGE_TYPES[version], `${where}: face image type`, at);
  at = cur.pos;
  const dataTypeByte = cur.u8(`${where}: image data type`);
  const imageDataType = DATA_TYPES[version][dataTypeByte] ?? range(`${where}: image data type ${dataTypeByte} is not defined by the standard`, at);
  at = cur.pos;
  const width = cur.u16(`${where}: width`), height = cur.u16(`${where}: height`);
  if (width === 0 || height === 0) range(`${where}: image size ${width}×${height} is empty`, at);
  let colourSpace: number, sourceType = 0, deviceType = 0, quality = 0, spatialSamplingRateLevel = 0, postAcquisitionProcessing = 0, crossReference = 0;
  let imageLength: number;
  if (version === '2005') {
    at = cur.pos;
    colourSpace = oneOfCodes(cur.u8(`${where}: colour space`), [0, 1, 2, 3, 4], `${where}: colour space`, at);
    at = cur.pos;
    sourceType = oneOfCodes(cur.u8(`${where}: source type`), [0, 1, 2, 3, 4, 5, 6, 7], `${where}: source type`, at);
    deviceType = cur.u16(`${where}: device type`);
    quality = cur.u16(`${where}: quality`);
    imageLength = end - cur.pos;
    if (imageLength <= 0) fail('ERR_RECORD_LENGTH', `${where}: no image data inside its ${length}-byte block`, cur.pos);
  } else {
    spatialSamplingRateLevel = cur.u8(`${where}: spatial sampling rate level`);
    postAcquisitionProcessing = cur.u16(`${where}: post-acquisition processing`);
    crossReference = cur.u8(`${where}: cross reference`);
    at = cur.pos;
    colourSpace = oneOfCodes(cur.u8(`${where}: colour space`), [0, 1, 2, 3, 4], `${where}: colour space`, at);
    at = cur.pos;
    imageLength = cur.u32(`${where}: image length`);
    if (imageLength === 0) fail('ERR_RECORD_LENGTH', `${where}: image length is 0`, at);
    const expected = FIXED_BYTES[version] + QUALITY_BLOCK_BYTES * qualityBlocks.length + LANDMARK_BYTES * landmarkCount + imageLength;
    if (expected !== length) fail('ERR_RECORD_LENGTH', `${where}: length field says ${length} bytes, its fields and ${imageLength}-byte image make ${expected}`, start);
  }
  if (cur.pos + imageLength !== end) fail('ERR_RECORD_LENGTH', `${where}: its ${landmarkCount} landmarks and fields overrun its ${length}-byte block`, start);
  const image = cur.bytes.subarray(cur.pos, end);
  cur.pos = end;
  return {
    captureDateTime, captureDeviceTechnology, captureDeviceVendorId, captureDeviceTypeId, qualityBlocks, gender, eyeColour, hairColour,
    subjectHeight, propertyMask, expression, poseAngle, poseAngleUncertainty, landmarkPoints, faceImageType, imageDataType, width, height,
    colourSpace, sourceType, deviceType, quality, spatialSamplingRateLevel, postAcquisitionProcessing, crossReference, image,
  };
}

/** Parses an ISO/IEC 19794-5 face image record (2005 or 2011). Throws RecordFormatError. */
export function readIso19794_5(bytes: Uint8Array): FaceImageRecord {
  if (!(bytes instanceof Uint8Array)) fail('ERR_RECORD_TYPE', 'a face record must be a Uint8Array or Buffer');
  if (bytes.length > FACE_RECORD_LIMITS.maxRecordBytes) {
    fail('ERR_RECORD_TOO_LARGE', `record is ${bytes.length} bytes, over the ${FACE_RECORD_LIMITS.maxRecordBytes}-byte limit`, FACE_RECORD_LIMITS.maxRecordBytes);
  }
  const version = faceRecordVersion(bytes);
  const cur = new ByteCursor(bytes, 8);
  const declared = cur.u32('record length');
  if (declared !== bytes.length) fail('ERR_RECORD_LENGTH', `record length field says ${declared} bytes but the record has ${bytes.length}`, 8);
  const count = cur.u16('number of representations');
  if (count === 0) range('record holds no face image', 12);
  let temporalSemantics = 0;
  if (version === '2011') {
    const certification = cur.u8('certification flag');
    if (certification !== 0) range(`certification flag ${certification} must be 0`, 14);
    temporalSemantics = cur.u16('temporal semantics');
  }
  cur.need(count * (FIXED_BYTES[version] + 1), `${count} representations`);
  const representations: FaceRepresentation[] = [];
  for (let r = 0; r < count; r++) representations.push(readRepresentation(cur, version, r));
  if (cur.pos !== bytes.length) fail('ERR_RECORD_LENGTH', `${bytes.length - cur.pos} unused byte(s) after the last representation`, cur.pos);
  return { format: 'iso19794-5', version, temporalSemantics, representations };
}

/** Encodes a face image record in its `version`, validating every field (a record written here reads back equal). Throws RecordFormatError. */
export function writeIso19794_5(record: FaceImageRecord): Uint8Array {
  const version = record.version;
  if (version !== '2005' && version !== '2011') range(`version ${String(version)} is neither 2005 nor 2011`);
  const reps = record.representations;
  if (!Array.isArray(reps) || reps.length === 0 || reps.length > 0xffff) range('a record needs 1..65535 representations');
  const sizes = reps.map((rep, r) => {
    if (!(rep.image instanceof Uint8Array) || rep.image.length === 0) fail('ERR_RECORD_TYPE', `representation ${r}: image must be a non-empty Uint8Array`);
    const quality = version === '2011' ? QUALITY_BLOCK_BYTES * rep.qualityBlocks.length : 0;
    return FIXED_BYTES[version] + quality + LANDMARK_BYTES * rep.landmarkPoints.length + rep.image.length;
  });
  const total = HEADER_BYTES[version] + sizes.reduce((a, b) => a + b, 0);
  if (total > FACE_RECORD_LIMITS.maxRecordBytes) fail('ERR_RECORD_TOO_LARGE', `record would be ${total} bytes, over the ${FACE_RECORD_LIMITS.maxRecordBytes}-byte limit`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  const u8 = (v: number): void => { view.setUint8(pos++, v); };
  const u16 = (v: number): void => { view.setUint16(pos, v); pos += 2; };
  const u32 = (v: number): void => { view.setUint32(pos, v); pos += 4; };
  out.set(MAGIC, 0);
  out.set(VERSIONS[version], 4);
  pos = 8;
  u32(total);
  u16(reps.length);
  if (version === '2011') { u8(0); u16(checkedInt(record.temporalSemantics, 0, 0xffff, 'temporal semantics')); }
  reps.forEach((rep, r) => {
    const where = `representation ${r}`;
    const byte = (v: number, what: string): number => checkedInt(v, 0, 0xff, `${where}: ${what}`);
    const word = (v: number, what: string): number => checkedInt(v, 0, 0xffff, `${where}: ${what}`);
    u32(sizes[r]);
    if (version === '2011') {
      writeCaptureDateTime(rep.captureDateTime, u8, u16, where);
      u8(byte(rep.captureDeviceTechnology, 'device technology'));
      u16(word(rep.captureDeviceVendorId, 'device vendor'));
      u16(word(rep.captureDeviceTypeId, 'device type'));
      writeQualityBlocks(rep.qualityBlocks, u8, u16, where);
    }
    u16(word(rep.landmarkPoints.length, 'landmark count'));
    u8(oneOfCodes(byte(rep.gender, 'gender'), [0, 1, 2, 255], `${where}: gender`));
    u8(oneOfCodes(byte(rep.eyeColour, 'eye colour'), COLOURS, `${where}: eye colour`));
    u8(oneOfCodes(byte(rep.hairColour, 'hair colour'), COLOURS, `${where}: hair colour`));
    if (version === '2011') u8(byte(rep.subjectHeight, 'subject height'));
    const mask = checkedInt(rep.propertyMask, 0, 0xffffff, `${where}: property mask`);
    u8(mask >>> 16); u16(mask & 0xffff);
    u16(word(rep.expression, 'expression'));
    for (const v of rep.poseAngle) u8(byte(v, 'pose angle'));
    for (const v of rep.poseAngleUncertainty) u8(byte(v, 'pose angle uncertainty'));
    for (const p of rep.landmarkPoints) {
      u8(byte(p.type, 'landmark type')); u8(byte(p.code, 'landmark code'));
      u16(word(p.x, 'landmark x')); u16(word(p.y, 'landmark y')); u16(version === '2011' ? word(p.z, 'landmark z') : 0);
    }
    u8(oneOfCodes(byte(rep.faceImageType, 'face image type'), FACE_IMAGE_TYPES[version], `${where}: face image type`));
    const dataType = DATA_TYPES[version].indexOf(rep.imageDataType);
    if (dataType < 0) range(`${where}: image data type ${String(rep.imageDataType)} is not defined by the ${version} edition`);
    u8(dataType);
    u16(checkedInt(rep.width, 1, 0xffff, `${where}: width`)); u16(checkedInt(rep.height, 1, 0xffff, `${where}: height`));
    if (version === '2005') {
      u8(oneOfCodes(byte(rep.colourSpace, 'colour space'), [0, 1, 2, 3, 4], `${where}: colour space`));
      u8(oneOfCodes(byte(rep.sourceType, 'source type'), [0, 1, 2, 3, 4, 5, 6, 7], `${where}: source type`));
      u16(word(rep.deviceType, 'device type')); u16(word(rep.quality, 'quality'));
    } else {
      u8(byte(rep.spatialSamplingRateLevel, 'spatial sampling rate level'));
      u16(word(rep.postAcquisitionProcessing, 'post-acquisition processing'));
      u8(byte(rep.crossReference, 'cross reference'));
      u8(oneOfCodes(byte(rep.colourSpace, 'colour space'), [0, 1, 2, 3, 4], `${where}: colour space`));
      u32(rep.image.length);
    }
    out.set(rep.image, pos);
    pos += rep.image.length;
  });
  return out;
}

/** A representation with every optional field at its "unspecified" value, for writers. */
export function faceRepresentation(image: Uint8Array, imageDataType: FaceImageDataType, width: number, height: number): FaceRepresentation {
  return {
    captureDateTime: null, captureDeviceTechnology: 0, captureDeviceVendorId: 0, captureDeviceTypeId: 0, qualityBlocks: [],
    gender: 0, eyeColour: 0, hairColour: 0, subjectHeight: 0, propertyMask: 0, expression: 0, poseAngle: [0, 0, 0],
    poseAngleUncertainty: [0, 0, 0], landmarkPoints: [], faceImageType: 1, imageDataType, width, height, colourSpace: 0,
    sourceType: 0, deviceType: 0, quality: 0, spatialSamplingRateLevel: 0, postAcquisitionProcessing: 0, crossReference: 0, image,
  };
}
