/**
 * Public API of the minutiae record formats. Everything throws RecordFormatError (see
 * ../errors.ts) with a stable `code`: ERR_RECORD_TYPE, ERR_RECORD_TOO_LARGE, ERR_RECORD_MAGIC,
 * ERR_RECORD_VERSION, ERR_RECORD_LENGTH, ERR_RECORD_TRUNCATED or ERR_RECORD_RANGE.
 */
import { RecordFormatError } from '../errors.ts';
import type { MinutiaeRecord } from '../minutiae.ts';
import { readAnsi378 } from './ansi378.ts';
import { assertRecordBytes, checkSignature, readIso19794_2 } from './iso19794-2.ts';

export { RECORD_LIMITS, readIso19794_2, writeIso19794_2 } from './iso19794-2.ts';
export { readAnsi378 } from './ansi378.ts';

/**
 * Reads an ISO/IEC 19794-2:2005 or ANSI INCITS 378-2004 record. Both start "FMR\0 20\0", so the
 * length field decides: ISO has 4 bytes at offset 8; ANSI has 2, or 0 then 4 bytes at offset 10.
 * At most one reading can equal the input size (a non-zero ANSI short length would make the ISO
 * value ≥ 65536 × size; a zero one makes the ANSI long value ≥ 65536 × the ISO value), so there
 * is never a tie to break.
 */
export function readMinutiaeRecord(bytes: Uint8Array): MinutiaeRecord {
  assertRecordBytes(bytes);
  checkSignature(bytes);
  const n = bytes.length;
  // Under 12 bytes no length field is complete: the ISO reader reports the truncation.
  if (n < 12) return readIso19794_2(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const isoLength = view.getUint32(8);
  const ansiShort = view.getUint16(8);
  const ansiLength = ansiShort !== 0 ? ansiShort : n >= 14 ? view.getUint32(10) : undefined;
  if (isoLength === n) return readIso19794_2(bytes);
  if (ansiLength === n) return readAnsi378(bytes);
  throw new RecordFormatError(
    'ERR_RECORD_LENGTH',
    `record length field matches neither ISO 19794-2 (${isoLength}) nor ANSI 378 (${ansiLength ?? 'cut off'}) for a ${n}-byte record`,
    8,
  );
}

export {
  readIso19794_6, writeIso19794_6, IRIS_RECORD_LIMITS,
  type IrisImageRecord, type IrisRepresentation, type IrisImageType, type IrisImageFormat, type IrisEyeLabel,
  type IrisOrientation, type IrisCompressionHistory, type IrisCaptureDateTime, type IrisQualityBlock,
} from './iso19794-6.ts';
export { decodeIrisImage } from './iris-image.ts';
export {
  readIso19794_4, writeIso19794_4, fingerViewDpi, FINGER_RECORD_LIMITS,
  type FingerImageRecord, type FingerImageView, type FingerImageEdition, type FingerImageCompression, type FingerScaleUnits,
  type FingerCaptureDateTime, type FingerQualityBlock, type FingerCertificationBlock,
} from './iso19794-4.ts';
export { decodeFingerImageRecord, decodeFingerView, type DecodedFingerView } from './finger-image.ts';
