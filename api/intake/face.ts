/**
 * A face BDB (ISO/IEC 19794-5 record with a JPEG or JPEG 2000 image, or bare image bytes) →
 * an engine face template, for both doors. Runs where the caller runs — the intake and capture
 * worker pools — because detection, landmarks and the embedding cost ~150–300 ms an image.
 * One FaceExtractor per thread, created on the first face (loading the models takes ~1 s);
 * the record is parsed and its image decoded before that, so a malformed one is refused
 * without loading anything.
 */
import { EngineError, FaceExtractor, decodeFaceImage, faceImageBytes } from '../../engine/index.ts';

/** Face failure-to-enrol codes (engine/face/README.md): readable, but no usable face. */
export const FACE_QUALITY_CODES: ReadonlySet<string> = new Set([
  'ERR_FACE_NOT_FOUND', 'ERR_FACE_TOO_SMALL', 'ERR_FACE_POSE', 'ERR_FACE_EXPOSURE', 'ERR_FACE_BLURRED',
]);

let extractor: Promise<FaceExtractor> | undefined;

function faceExtractor(): Promise<FaceExtractor> {
  extractor ??= FaceExtractor.create().catch((error: unknown) => {
    extractor = undefined; // a failed model load is retried by the next face, not cached
    throw error;
  });
  return extractor;
}

/** The template of the face in `bdb`; EngineError (ERR_RECORD_*, ERR_IMAGE_*, ERR_FACE_*) otherwise. */
export async function faceTemplateOf(bdb: Uint8Array): Promise<Uint8Array> {
  if (!(bdb instanceof Uint8Array) || bdb.length === 0) throw new EngineError('ERR_INTAKE_EMPTY_RECORD', 'face BDB is empty');
  const image = await decodeFaceImage(faceImageBytes(bdb));
  return (await (await faceExtractor()).createTemplate(image)).template;
}
