/**
 * The face template on the wire and at rest: 8-byte header, then the int8 code.
 *   0  "BDFC"           magic
 *   4  u8  version      1
 *   5  u8  model        1 = dlib ResNet v1 on the dlib 150-px chip (this pipeline)
 *   6  u16 dimension    128, little-endian
 *   8  i8 × dimension   the code (unit vector × FACE_PARAMS.quantise.scale)
 * Templates of another model are refused (ERR_MATCHER_MISMATCH): their scores would mean nothing.
 */
import { EngineError } from '../errors.ts';
import { FACE_PARAMS } from './params.ts';

export const FACE_TEMPLATE_MAGIC = 'BDFC';
export const FACE_TEMPLATE_VERSION = 1;
export const FACE_MODEL_ID = 1;
const HEADER_BYTES = 8;

export function faceTemplateToBytes(code: Int8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + code.length);
  out.set([0x42, 0x44, 0x46, 0x43, FACE_TEMPLATE_VERSION, FACE_MODEL_ID], 0);
  new DataView(out.buffer).setUint16(6, code.length, true);
  out.set(new Uint8Array(code.buffer, code.byteOffset, code.length), HEADER_BYTES);
  return out;
}

/** The int8 code of a template; ERR_TEMPLATE_CORRUPT, ERR_TEMPLATE_TYPE or ERR_MATCHER_MISMATCH otherwise. */
export function faceTemplateFromBytes(bytes: Uint8Array): Int8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) throw new EngineError('ERR_TEMPLATE_CORRUPT', 'face template shorter than its 8-byte header');
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== FACE_TEMPLATE_MAGIC) throw new EngineError('ERR_TEMPLATE_TYPE', 'not a face template (magic)');
  if (bytes[4] !== FACE_TEMPLATE_VERSION) throw new EngineError('ERR_TEMPLATE_CORRUPT', `face template version ${bytes[4]} is not ${FACE_TEMPLATE_VERSION}`);
  if (bytes[5] !== FACE_MODEL_ID) throw new EngineError('ERR_MATCHER_MISMATCH', `face template of model ${bytes[5]}; this engine compares model ${FACE_MODEL_ID}`);
  const dimension = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint16(6, true);
  if (dimension !== FACE_PARAMS.embed.dimension || bytes.length !== HEADER_BYTES + dimension) {
    throw new EngineError('ERR_TEMPLATE_CORRUPT', `face template of ${bytes.length} bytes, dimension ${dimension}; expected ${HEADER_BYTES + FACE_PARAMS.embed.dimension}`);
  }
  // a copy, read through the view's own offset: a Node Buffer (msgpack, base64) is often a slice
  // of a larger pooled ArrayBuffer, and Buffer#slice does not copy
  return new Int8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, dimension).slice();
}
