/**
 * The request's face → a face template, for enrolment and 1:1 verification:
 *
 *   biometrics.face: { format: 'iso19794-5', data: <base64 ISO/IEC 19794-5 record, JPEG or JPEG 2000 inside> }
 *                  | { format: 'image', data: <base64 JPEG / JPEG 2000 / PNG / … photo> }
 *
 * Extraction (api/intake/face.ts) runs in the capture pool's worker, like finger images.
 * A record or photo that gives no template is a 422 with the engine's code (ERR_RECORD_*,
 * ERR_IMAGE_*, ERR_FACE_NOT_FOUND, …).
 */
import { EngineError } from '../../engine/index.ts';
import { HttpError } from '../http/index.ts';
import { faceTemplateOf } from '../intake/face.ts';

const FACE_FORMATS = ['iso19794-5', 'image'] as const;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const ISO_FACE_MAGIC = [0x46, 0x41, 0x43, 0x00];

export async function captureFace(value: unknown, where = 'biometrics.face'): Promise<Uint8Array> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} must be an object with format and data`);
  const { format, data, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw bad(`${where}: unknown field "${Object.keys(rest)[0].slice(0, 40)}"`);
  if (!FACE_FORMATS.includes(format as typeof FACE_FORMATS[number])) throw bad(`${where}.format must be one of ${FACE_FORMATS.join(', ')}`);
  if (typeof data !== 'string' || data.length === 0 || !BASE64.test(data)) throw bad(`${where}.data must be a non-empty base64 string`);
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  const isRecord = ISO_FACE_MAGIC.every((b, i) => bytes[i] === b);
  if (format === 'iso19794-5' && !isRecord) throw new HttpError(422, 'ERR_RECORD_FORMAT', `${where}: not an ISO/IEC 19794-5 face record`);
  if (format === 'image' && isRecord) throw bad(`${where}: an ISO/IEC 19794-5 record goes with format "iso19794-5"`);
  try {
    return await faceTemplateOf(bytes);
  } catch (error) {
    if (error instanceof EngineError) throw new HttpError(422, error.code, `${where}: ${error.message}`);
    throw error;
  }
}

function bad(message: string): HttpError {
  return new HttpError(400, 'ERR_BAD_REQUEST', message);
}
