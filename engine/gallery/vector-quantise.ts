/**
 * Prefilter vectors as the shards hold them: int8 with one scale per vector (max |v| → 127),
 * and queries as int16 (max |v| → 8191, so a 256-term i32 dot product cannot overflow). Ranking
 * a gallery against one query needs only dot × gallery scale: the query's scale is common.
 */
import { isEmptyVector, templateVector } from '../prefilter/index.ts';
import type { FingerTemplate } from '../finger-matcher.ts';
import type { QuantisedVector } from './shard-arena.ts';
import { VECTOR_DIM } from './shard-layout.ts';

export function quantiseVector(v: Float32Array): QuantisedVector | undefined {
  if (v.length !== VECTOR_DIM || isEmptyVector(v)) return undefined;
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  const values = new Int8Array(VECTOR_DIM);
  for (let i = 0; i < v.length; i++) values[i] = Math.round((v[i] * 127) / max);
  return { values, scale: max / 127 };
}

export function quantiseQuery(v: Float32Array): Int16Array | undefined {
  if (v.length !== VECTOR_DIM || isEmptyVector(v)) return undefined;
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  return Int16Array.from(v, (x) => Math.round((x * 8191) / max));
}

/**
 * A FingerTemplate view of bytes the engine already validated (at insert, rebuild or probe
 * intake): only the header is read (counts at offsets 4 and 12), the floats are not checked again.
 */
export function validatedFingerTemplate(bytes: Uint8Array): FingerTemplate {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return { bytes, cylinderCount: view.getUint32(4, true), minutiaCount: view.getUint32(12, true) };
}

/** The vector of a validated finger template straight from its bytes. */
export function vectorOfTemplateBytes(bytes: Uint8Array): Float32Array {
  return templateVector(validatedFingerTemplate(bytes));
}
