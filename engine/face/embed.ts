/**
 * Stage 5 — embedding and L2 normalisation: the chip through dlib's ResNet (128-d), then scaled
 * to unit length so the inner product of two descriptors is their cosine similarity.
 */
import { EngineError } from '../errors.ts';
import { FACE_PARAMS } from './params.ts';
import type { AlignedFace } from './align.ts';
import type { FaceModels } from './models.ts';

export async function embedFace(aligned: AlignedFace, models: FaceModels): Promise<Float32Array> {
  const raw = await models.embed(aligned.chip, aligned.chipSize);
  if (raw.length !== FACE_PARAMS.embed.dimension) {
    throw new EngineError('ERR_FACE_MODEL', `embedding has ${raw.length} components, expected ${FACE_PARAMS.embed.dimension}`);
  }
  return l2Normalise(raw);
}

/** Unit-length copy; a zero or non-finite vector is a model failure, never a silent zero template. */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new EngineError('ERR_FACE_MODEL', 'embedding is zero or not finite');
  return vector.map((v) => v / norm);
}
