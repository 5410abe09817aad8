/**
 * Stage 6 — int8 quantisation: each unit-vector component × `scale`, rounded, clamped to ±127.
 * The dot product of two codes divided by scale² is their cosine (to ≈ 0.002), so the 1:N scan
 * runs on 128 bytes a face with an exact integer kernel.
 */
import { FACE_PARAMS } from './params.ts';

export function quantiseEmbedding(unit: Float32Array, scale: number = FACE_PARAMS.quantise.scale): Int8Array {
  const out = new Int8Array(unit.length);
  for (let i = 0; i < unit.length; i++) out[i] = Math.max(-127, Math.min(127, Math.round(unit[i] * scale)));
  return out;
}

/** Integer dot product of two codes (the kernel's reference). */
export function int8Dot(a: Int8Array, b: Int8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Cosine similarity of two codes, −1…1. */
export function codeCosine(a: Int8Array, b: Int8Array, scale: number = FACE_PARAMS.quantise.scale): number {
  return int8Dot(a, b) / (scale * scale);
}
