/**
 * The flat prefilter's vectors, saved beside the store when the engine closes, so a restart
 * copies them into the shards instead of recomputing them (at 1M fingers the pool took ~96 s).
 *
 * Sealed with the template key (AES-256-GCM): the vectors are derived from templates and get
 * the same protection at rest. The additional data binds the vector parameters, so a file
 * written with other parameters (or another key) fails to open and is simply not used.
 * Records are keyed by subject ordinal — the store sequence of the insert, never reused — and
 * finger position, so a file stays right for every subject it names that is still enrolled,
 * whatever was inserted or deleted after it was written (a crash included): those subjects'
 * vectors are computed as before. Writes go to a temporary file renamed into place.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NONCE_BYTES, type TemplateKey } from '../store/template-key.ts';
import { PREFILTER } from '../prefilter/index.ts';
import type { Gallery } from './gallery.ts';
import type { EngineLogger } from './engine-types.ts';
import { FLAG_TOMBSTONE, MODALITY_FINGER, VECTOR_DIM, tagFlags } from './shard-layout.ts';

const FILE = 'vectors.sealed';
const MAGIC = 0x31564442; // "BDV1"
/** ordinal u32, position u8, 3 bytes padding, scale f32, VECTOR_DIM packed bytes (version 2: sign bits; version 1 held int8 floats). */
const RECORD_BYTES = 12 + VECTOR_DIM;
const AAD = Buffer.from(JSON.stringify({ file: 'biodedup prefilter vectors', version: 2, recordBytes: RECORD_BYTES, prefilter: PREFILTER }), 'utf8');

/** Seals every finger vector in the shards into `<dir>/vectors.sealed`; returns how many. */
export function saveVectorCache(dir: string, key: TemplateKey, gallery: Gallery): number {
  // room for every live template (irises included): finger records fill a prefix of it
  const plain = Buffer.alloc(gallery.templateCount * RECORD_BYTES);
  let at = 0;
  for (const ordinal of gallery.ordinals()) {
    const location = gallery.locate(ordinal);
    if (location === undefined) continue;
    const arena = gallery.arena(location.shard);
    for (let slot = location.firstSlot; slot < location.firstSlot + location.slotCount; slot++) {
      const tag = arena.slotTag(slot);
      const vector = arena.vectorOf(slot);
      if ((tag & 0xff) !== MODALITY_FINGER || (tagFlags(tag) & FLAG_TOMBSTONE) !== 0 || vector === undefined) continue;
      plain.writeUInt32LE(ordinal, at);
      plain.writeUInt8((tag >>> 8) & 0xff, at + 4);
      plain.writeFloatLE(vector.scale, at + 8);
      plain.set(new Uint8Array(vector.values.buffer, vector.values.byteOffset, VECTOR_DIM), at + 12);
      at += RECORD_BYTES;
    }
  }
  const { nonce, sealed } = key.seal(plain.subarray(0, at), AAD);
  const header = Buffer.alloc(4);
  header.writeUInt32LE(MAGIC, 0);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, FILE);
  const fd = openSync(`${path}.tmp`, 'w');
  try {
    for (const part of [header, nonce, sealed]) writeSync(fd, part);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
  return at / RECORD_BYTES;
}

/**
 * Copies the saved vectors of subjects still in the gallery into their finger slots that have
 * none yet; returns how many. A missing, foreign or damaged file fills nothing (and a damaged
 * one is removed and reported to the logger: the next close writes a fresh one).
 */
export function loadVectorCache(dir: string, key: TemplateKey, gallery: Gallery, logger?: EngineLogger): number {
  const path = join(dir, FILE);
  if (!existsSync(path)) return 0;
  let plain: Buffer;
  try {
    const file = readFileSync(path);
    if (file.length < 4 + NONCE_BYTES || file.readUInt32LE(0) !== MAGIC) throw new Error('not a vector cache');
    plain = Buffer.from(key.open(file.subarray(4, 4 + NONCE_BYTES), file.subarray(4 + NONCE_BYTES), AAD));
    if (plain.length % RECORD_BYTES !== 0) throw new Error('truncated records');
  } catch (error) {
    // other parameters, another key, or damage: recompute instead — and say so (a wrong key is an operator's mistake)
    logger?.warn({ file: path, reason: error instanceof Error ? error.message : String(error) }, 'prefilter vector file could not be opened (wrong template key, other parameters or damage): removed, the vectors are recomputed');
    rmSync(path, { force: true });
    return 0;
  }
  let filled = 0;
  for (let at = 0; at < plain.length; at += RECORD_BYTES) {
    const location = gallery.locate(plain.readUInt32LE(at));
    if (location === undefined) continue; // deleted since
    const position = plain.readUInt8(at + 4);
    const arena = gallery.arena(location.shard);
    for (let slot = location.firstSlot; slot < location.firstSlot + location.slotCount; slot++) {
      const tag = arena.slotTag(slot);
      if ((tag & 0xff) !== MODALITY_FINGER || ((tag >>> 8) & 0xff) !== position || arena.vectorOf(slot) !== undefined) continue;
      const values = new Int8Array(plain.buffer, plain.byteOffset + at + 12, VECTOR_DIM);
      arena.writeVector(slot, { values, scale: plain.readFloatLE(at + 8) });
      filled++;
      break;
    }
  }
  return filled;
}
