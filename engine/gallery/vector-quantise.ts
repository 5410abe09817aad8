/**
 * Prefilter vectors as the shards hold them: the vector's D = 8 × VECTOR_DIM signs packed one bit
 * each (bit d of byte d/8 set for a positive value), VECTOR_DIM bytes per finger, and the query
 * packed alike. The scan kernel counts agreeing bits; agreements − disagreements = D × cosine of
 * the two ±1/√D vectors, so the scale back to a cosine is 1/D (a slot's scale 0 means "no vector").
 */
import { EngineError } from '../errors.ts';
import { isEmptyVector, templateVector } from '../prefilter/index.ts';
import type { FingerTemplate } from '../finger-matcher.ts';
import type { QuantisedVector } from './shard-arena.ts';
import { VECTOR_DIM } from './shard-layout.ts';

/** Signs per packed vector. */
export const VECTOR_BITS = VECTOR_DIM * 8;

export function quantiseVector(v: Float32Array): QuantisedVector | undefined {
  const packed = packSigns(v);
  return packed === undefined ? undefined : { values: new Int8Array(packed.buffer), scale: 1 / VECTOR_BITS };
}

export function quantiseQuery(v: Float32Array): Uint8Array | undefined {
  return packSigns(v);
}

/** The signs of v, packed; undefined for the empty (all-zero) vector. */
function packSigns(v: Float32Array): Uint8Array | undefined {
  if (v.length !== VECTOR_BITS) throw new EngineError('ERR_PREFILTER_DIMENSION', `a prefilter vector has ${VECTOR_BITS} values, got ${v.length}`);
  if (isEmptyVector(v)) return undefined;
  const packed = new Uint8Array(VECTOR_DIM);
  for (let d = 0; d < v.length; d++) if (v[d] > 0) packed[d >> 3] |= 1 << (d & 7);
  return packed;
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
