/**
 * A generated gallery on disk, in a compact framing of our own around ISO 19794-2 records
 * (any tool reading ISO templates can use the fingers as they are). All integers big-endian,
 * as in ISO 19794-2:
 *
 *   header (16 bytes)  "BDSG" · u8 version (1) · u8 fingers per subject · u16 0 ·
 *                      u32 subjects · u32 seed
 *   per subject        u8 L · L bytes referenceId (ASCII) ·
 *                      fingers × (u8 ISO finger position · u32 N · N bytes ISO 19794-2 record)
 *
 * Written to FILE.partial and renamed when complete, so a failed run never leaves a file that
 * looks whole. Read back in batches from a fixed-size buffer: the file never sits in memory.
 */
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { EngineError, readMinutiaeRecord, writeIso19794_2 } from '../engine/index.ts';
import { scaleGalleryBatches, type ScaleGalleryOptions, type ScaleSubject } from './scale-gallery.ts';

export const SCALE_STREAM_MAGIC = 'BDSG';
export const SCALE_STREAM_VERSION = 1;
const HEADER_BYTES = 16;
/** Read buffer, bytes; a subject larger than this is refused as corrupt. */
const READ_CHUNK = 1 << 20;

export interface ScaleStreamHeader {
  fingers: number;
  subjects: number;
  seed: number;
}

function streamError(reason: string): EngineError {
  return new EngineError('ERR_SCALE_STREAM', reason);
}

export function encodeScaleHeader(h: ScaleStreamHeader): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(SCALE_STREAM_MAGIC), 0);
  view.setUint8(4, SCALE_STREAM_VERSION);
  view.setUint8(5, h.fingers);
  view.setUint32(8, h.subjects);
  view.setUint32(12, h.seed >>> 0);
  return out;
}

export function decodeScaleHeader(bytes: Uint8Array): ScaleStreamHeader {
  if (bytes.length < HEADER_BYTES) throw streamError(`file of ${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== SCALE_STREAM_MAGIC) throw streamError('not a scale gallery file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (view.getUint8(4) !== SCALE_STREAM_VERSION) throw streamError(`unsupported scale gallery version ${view.getUint8(4)}`);
  return { fingers: view.getUint8(5), subjects: view.getUint32(8), seed: view.getUint32(12) };
}

/** One subject's frame. */
export function encodeScaleSubject(subject: ScaleSubject): Uint8Array {
  const id = new TextEncoder().encode(subject.referenceId);
  if (id.length > 255) throw streamError(`referenceId "${subject.referenceId}" is longer than 255 bytes`);
  const records = subject.fingers.map((f) => writeIso19794_2(f.record));
  const out = new Uint8Array(1 + id.length + records.reduce((s, r) => s + 5 + r.length, 0));
  const view = new DataView(out.buffer);
  out[0] = id.length;
  out.set(id, 1);
  let pos = 1 + id.length;
  subject.fingers.forEach((f, k) => {
    view.setUint8(pos, f.position);
    view.setUint32(pos + 1, records[k].length);
    out.set(records[k], pos + 5);
    pos += 5 + records[k].length;
  });
  return out;
}

/** Decodes the subject at `pos`; null when the buffer ends before it does. */
function decodeSubject(buf: Uint8Array, pos: number, end: number, fingers: number, index: number): { subject: ScaleSubject; next: number } | null {
  if (pos + 1 > end) return null;
  const idLength = buf[pos];
  let at = pos + 1 + idLength;
  if (at > end) return null;
  const referenceId = new TextDecoder().decode(buf.subarray(pos + 1, at));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: ScaleSubject = { index, referenceId, fingers: [] };
  for (let k = 0; k < fingers; k++) {
    if (at + 5 > end) return null;
    const position = buf[at];
    const length = view.getUint32(at + 1);
    if (length > READ_CHUNK) throw streamError(`subject ${index}: a finger record of ${length} bytes is implausible (corrupt file)`);
    if (at + 5 + length > end) return null;
    out.fingers.push({ position, record: readMinutiaeRecord(buf.slice(at + 5, at + 5 + length)) });
    at += 5 + length;
  }
  return { subject: out, next: at };
}

/** Generates a gallery straight to `path`. Returns what was written. */
export function writeScaleGallery(path: string, opts: ScaleGalleryOptions): { subjects: number; bytes: number } {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  let bytes = 0;
  try {
    const header = encodeScaleHeader({ fingers: opts.fingers ?? 2, subjects: opts.subjects, seed: opts.seed });
    bytes += writeSync(fd, header);
    for (const batch of scaleGalleryBatches(opts)) {
      const frames = batch.map(encodeScaleSubject);
      const chunk = new Uint8Array(frames.reduce((s, f) => s + f.length, 0));
      let at = 0;
      for (const f of frames) { chunk.set(f, at); at += f.length; }
      bytes += writeSync(fd, chunk);
    }
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw e;
  }
  renameSync(partial, path);
  return { subjects: opts.subjects, bytes };
}

/** Reads the header of a gallery file. */
export function readScaleHeader(path: string): ScaleStreamHeader {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(HEADER_BYTES);
    return decodeScaleHeader(head.subarray(0, readSync(fd, head, 0, HEADER_BYTES, 0)));
  } finally {
    closeSync(fd);
  }
}

/** The subjects of a gallery file in batches, read through a 1 MiB buffer. */
export function* readScaleGalleryBatches(path: string, batchSize = 1000): Generator<ScaleSubject[]> {
  const header = readScaleHeader(path);
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(READ_CHUNK * 2);
    let filePos = HEADER_BYTES, start = 0, end = 0, index = 0;
    let batch: ScaleSubject[] = [];
    while (index < header.subjects) {
      const decoded = decodeSubject(buf, start, end, header.fingers, index);
      if (decoded === null) { // refill: keep the partial subject, append the next chunk
        buf.copyWithin(0, start, end);
        end -= start;
        start = 0;
        if (end === buf.length) throw streamError(`subject ${index} is larger than the ${buf.length}-byte read buffer (corrupt file)`);
        const got = readSync(fd, buf, end, buf.length - end, filePos);
        if (got === 0) throw streamError(`file ends after ${index} of ${header.subjects} subjects (truncated)`);
        filePos += got;
        end += got;
        continue;
      }
      batch.push(decoded.subject);
      start = decoded.next;
      index++;
      if (batch.length === batchSize) { yield batch; batch = []; }
    }
    if (batch.length > 0) yield batch;
  } finally {
    closeSync(fd);
  }
}
