/**
 * From a face record to the image the pipeline reads: an ISO/IEC 19794-5 record (2005 or 2011)
 * or bare image bytes (JPEG, JPEG 2000, PNG, …). The representation used is the first frontal
 * one (full frontal, token frontal, post-processed frontal), else the first; its payload must
 * carry the signature of its declared image data type (ERR_RECORD_IMAGE_TYPE otherwise), so a
 * record cannot smuggle another format past its header.
 */
import { RecordFormatError } from '../errors.ts';
import { readIso19794_5, type FaceImageDataType, type FaceRepresentation } from '../formats/iso19794-5.ts';

const FRONTAL_TYPES = new Set([1, 2, 3]);

function hasPrefix(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

export function isFaceRecord(bytes: Uint8Array): boolean {
  return hasPrefix(bytes, [0x46, 0x41, 0x43, 0x00]);
}

function signatureMatches(image: Uint8Array, type: FaceImageDataType): boolean {
  switch (type) {
    case 'jpeg': return hasPrefix(image, [0xff, 0xd8, 0xff]);
    case 'png': return hasPrefix(image, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'jpeg2000': case 'jpeg2000-lossless':
      return hasPrefix(image, [0xff, 0x4f, 0xff, 0x51]) || hasPrefix(image, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]);
  }
}

/** The representation a face template is made from. */
export function chooseFaceRepresentation(representations: readonly FaceRepresentation[]): FaceRepresentation {
  return representations.find((r) => FRONTAL_TYPES.has(r.faceImageType)) ?? representations[0];
}

/**
 * The encoded image inside a face BDB: the chosen representation's payload for an ISO/IEC
 * 19794-5 record, the bytes themselves otherwise. Throws RecordFormatError for a malformed
 * record or a payload of another format than declared.
 */
export function faceImageBytes(bdb: Uint8Array): Uint8Array {
  if (!isFaceRecord(bdb)) return bdb;
  const rep = chooseFaceRepresentation(readIso19794_5(bdb).representations);
  if (!signatureMatches(rep.image, rep.imageDataType)) {
    throw new RecordFormatError('ERR_RECORD_IMAGE_TYPE', `face image declared ${rep.imageDataType} does not carry that format's signature`);
  }
  return rep.image;
}
