/**
 * Stage 5 — embedding and L2 normalisation: the chip through dlib's ResNet (128-d), with the
 * mirrored chip's descriptor added when `flipAverage` is on, then scaled to unit length so the
 * inner product of two descriptors is their cosine similarity.
 */
import { EngineError } from '../errors.ts';
import { FACE_PARAMS } from './params.ts';
import type { AlignedFace } from './align.ts';
import type { FaceModels } from './models.ts';

export async function embedFace(aligned: AlignedFace, models: FaceModels, params: { readonly flipAverage: boolean } = FACE_PARAMS.embed): Promise<Float32Array> {
  let raw: Float32Array;
  if (params.flipAverage) {
    // One batch of two on the int8 runtime, two calls on fp32 (models.ts says why).
    const [direct, mirrored] = await models.embedWithMirror(aligned.chip);
    raw = direct;
    for (let i = 0; i < raw.length; i++) raw[i] += mirrored[i];
  } else {
    [raw] = await models.embed([aligned.chip]);
  }
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

/** The chip mirrored left–right (RGB floats, side × side × 3). */
export function mirrorChip(chip: Float32Array, side: number): Float32Array {
  const out = new Float32Array(chip.length);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const from = (y * side + x) * 3, to = (y * side + side - 1 - x) * 3;
      out[to] = chip[from]; out[to + 1] = chip[from + 1]; out[to + 2] = chip[from + 2];
    }
  }
  return out;
}
