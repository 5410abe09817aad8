/**
 * The pieces ISO/IEC 19794-1:2011 gives every 2011-edition part alike, read and written once
 * for the finger image (-4) and iris image (-6) records: the capture date and time (9 bytes, all
 * 0xFF when absent) and the quality blocks (score, algorithm vendor, algorithm).
 */
import { RecordFormatError } from '../errors.ts';
import type { ByteCursor } from './iso19794-2.ts';

export interface CaptureDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface QualityBlock {
  /** 0–100, or 255: the algorithm failed to compute a score. */
  score: number;
  algorithmVendorId: number;
  algorithmId: number;
}

export const DATE_TIME_BYTES = 9;
export const QUALITY_BLOCK_BYTES = 5;

export function rangeError(message: string, offset?: number): never {
  throw new RecordFormatError('ERR_RECORD_RANGE', message, offset);
}

/** A writer's field check: an integer in min..max, or ERR_RECORD_RANGE naming the field. */
export function checkedInt(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    rangeError(`${what} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

export function readCaptureDateTime(cur: ByteCursor, where: string): CaptureDateTime | null {
  const at = cur.pos;
  cur.need(DATE_TIME_BYTES, `${where}: capture date and time`);
  if (cur.bytes.subarray(at, at + DATE_TIME_BYTES).every((b) => b === 0xff)) {
    cur.pos += DATE_TIME_BYTES;
    return null;
  }
  const year = cur.u16(where);
  const fields = [
    { name: 'month', min: 1, max: 12 }, { name: 'day', min: 1, max: 31 }, { name: 'hour', min: 0, max: 23 },
    { name: 'minute', min: 0, max: 59 }, { name: 'second', min: 0, max: 59 },
  ];
  const values = fields.map(({ name, min, max }) => {
    const value = cur.u8(where);
    if (value < min || value > max) rangeError(`${where}: capture ${name} ${value} is outside ${min}..${max}`, cur.pos - 1);
    return value;
  });
  const millisecond = cur.u16(where);
  if (millisecond > 999) rangeError(`${where}: capture millisecond ${millisecond} is above 999`, cur.pos - 2);
  const [month, day, hour, minute, second] = values;
  return { year, month, day, hour, minute, second, millisecond };
}

export function readQualityBlocks(cur: ByteCursor, count: number, where: string): QualityBlock[] {
  const blocks: QualityBlock[] = [];
  for (let q = 0; q < count; q++) {
    const at = cur.pos;
    const score = cur.u8(`${where}: quality block ${q}`);
    if (score > 100 && score !== 255) rangeError(`${where}: quality score ${score} is neither 0..100 nor 255`, at);
    blocks.push({ score, algorithmVendorId: cur.u16(`${where}: quality block ${q}`), algorithmId: cur.u16(`${where}: quality block ${q}`) });
  }
  return blocks;
}

type Put = (value: number) => void;

export function writeCaptureDateTime(t: CaptureDateTime | null, u8: Put, u16: Put, where: string): void {
  if (t === null) {
    for (let k = 0; k < DATE_TIME_BYTES; k++) u8(0xff);
    return;
  }
  u16(checkedInt(t.year, 0, 0xffff, `${where}: year`));
  u8(checkedInt(t.month, 1, 12, `${where}: month`)); u8(checkedInt(t.day, 1, 31, `${where}: day`)); u8(checkedInt(t.hour, 0, 23, `${where}: hour`));
  u8(checkedInt(t.minute, 0, 59, `${where}: minute`)); u8(checkedInt(t.second, 0, 59, `${where}: second`)); u16(checkedInt(t.millisecond, 0, 999, `${where}: millisecond`));
}

/** The count byte, then each block. */
export function writeQualityBlocks(blocks: readonly QualityBlock[], u8: Put, u16: Put, where: string): void {
  u8(checkedInt(blocks.length, 0, 255, `${where}: number of quality blocks`));
  for (const q of blocks) {
    if (q.score !== 255) checkedInt(q.score, 0, 100, `${where}: quality score`);
    u8(q.score);
    u16(checkedInt(q.algorithmVendorId, 0, 0xffff, `${where}: quality algorithm vendor`));
    u16(checkedInt(q.algorithmId, 0, 0xffff, `${where}: quality algorithm`));
  }
}
