/**
 * ANSI INCITS 378-2004 finger minutiae record (read only).
 *
 * Differs from ISO/IEC 19794-2:2005 (see ./iso19794-2.ts) only in:
 *   - the record length is 2 bytes, or 0 followed by a 4-byte length for records ≥ 64 KiB;
 *   - a 4-byte CBEFF product identifier follows the length (not kept: the model has no field);
 *   - the angle byte is in units of 2 degrees, valid 0–179;
 *   - extended data area lengths always count the area's own 4-byte header.
 * Views and minutiae are laid out as in ISO, so the ISO body parser does the rest.
 */
import type { MinutiaeRecord } from '../minutiae.ts';
import {
  assertRecordBytes,
  type BodyCodec,
  ByteCursor,
  checkDeclaredLength,
  checkSignature,
  readFrame,
  readViews,
} from './iso19794-2.ts';

const ANSI_BODY: BodyCodec = {
  maxAngleByte: 179,
  radiansPerAngleUnit: Math.PI / 90,
  areaLengthIncludesHeader: [true],
};

/** Parses an ANSI INCITS 378-2004 finger minutiae record. Throws RecordFormatError. */
export function readAnsi378(bytes: Uint8Array): MinutiaeRecord {
  assertRecordBytes(bytes);
  checkSignature(bytes);
  const cur = new ByteCursor(bytes, 8);
  let lengthAt = cur.pos;
  let declared = cur.u16('record length');
  if (declared === 0) {
    lengthAt = cur.pos;
    declared = cur.u32('4-byte record length');
  }
  checkDeclaredLength(declared, bytes.length, lengthAt);
  cur.skip(4, 'CBEFF product identifier');
  const frame = readFrame(cur);
  const views = readViews(cur, frame, ANSI_BODY);
  const { captureEquipmentId, width, height, resolutionX, resolutionY } = frame;
  return { format: 'ansi378-2004', width, height, resolutionX, resolutionY, captureEquipmentId, views };
}
