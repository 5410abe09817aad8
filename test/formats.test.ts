import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordFormatError } from '../engine/errors.ts';
import type { FingerView, Minutia, MinutiaType, MinutiaeRecord } from '../engine/minutiae.ts';
import {
  RECORD_LIMITS,
  readAnsi378,
  readIso19794_2,
  readMinutiaeRecord,
  writeIso19794_2,
} from '../engine/formats/index.ts';
import { mulberry32 } from '../datasets/synthetic.ts';

const CODES = [
  'ERR_RECORD_TRUNCATED',
  'ERR_RECORD_MAGIC',
  'ERR_RECORD_VERSION',
  'ERR_RECORD_LENGTH',
  'ERR_RECORD_RANGE',
  'ERR_RECORD_TOO_LARGE',
  'ERR_RECORD_TYPE',
];
const ISO_STEP = (2 * Math.PI) / 256;

/** Runs `fn`, asserts it throws a RecordFormatError, and returns it for closer checks. */
function formatError(fn: () => unknown): RecordFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RecordFormatError);
    const e = error as RecordFormatError;
    expect(CODES).toContain(e.code);
    return e;
  }
  throw new Error('expected a RecordFormatError, nothing was thrown');
}

function expectCode(fn: () => unknown, code: string, offset?: number): RecordFormatError {
  const e = formatError(fn);
  expect(e.code).toBe(code);
  if (offset !== undefined) {
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(`at byte ${offset}`);
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// An independent, byte-level builder for both formats (so the reader is not only tested
// against our own writer).
// ---------------------------------------------------------------------------------------------

interface RawMinutia {
  typeBits: number;
  x: number;
  y: number;
  angle: number;
  quality: number;
}
interface RawView {
  position: number;
  viewNumber: number;
  impression: number;
  quality: number;
  minutiae: RawMinutia[];
  ext?: number[];
}
interface RawRecord {
  kind: 'iso' | 'ansi';
  ansiLongLength?: boolean;
  cbeff?: number;
  equipment: number;
  width: number;
  height: number;
  resX: number;
  resY: number;
  views: RawView[];
}

function buildFmr(r: RawRecord): Uint8Array {
  const out: number[] = [];
  const u8 = (v: number) => out.push(v & 0xff);
  const u16 = (v: number) => out.push((v >>> 8) & 0xff, v & 0xff);
  const u32 = (v: number) => {
    u16(Math.floor(v / 0x10000));
    u16(v & 0xffff);
  };
  out.push(0x46, 0x4d, 0x52, 0, 0x20, 0x32, 0x30, 0);
  const lengthAt = out.length;
  if (r.kind === 'iso') u32(0);
  else if (r.ansiLongLength) {
    u16(0); // 0 announces the 4-byte length that follows
    u32(0);
  } else u16(0);
  if (r.kind === 'ansi') u32(r.cbeff ?? 0);
  u16(r.equipment);
  [r.width, r.height, r.resX, r.resY].forEach(u16);
  u8(r.views.length);
  u8(0);
  for (const v of r.views) {
    u8(v.position);
    u8((v.viewNumber << 4) | v.impression);
    u8(v.quality);
    u8(v.minutiae.length);
    for (const m of v.minutiae) {
      u16((m.typeBits << 14) | m.x);
      u16(m.y);
      u8(m.angle);
      u8(m.quality);
    }
    const ext = v.ext ?? [];
    u16(ext.length);
    out.push(...ext);
  }
  const bytes = Uint8Array.from(out);
  const dv = new DataView(bytes.buffer);
  if (r.kind === 'iso') dv.setUint32(lengthAt, bytes.length);
  else if (r.ansiLongLength) dv.setUint32(lengthAt + 2, bytes.length);
  else dv.setUint16(lengthAt, bytes.length);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Generated records
// ---------------------------------------------------------------------------------------------

/** Deterministic PRNG so failures reproduce. */
const rng = mulberry32;

const TYPES: MinutiaType[] = ['ending', 'bifurcation', 'other'];

/** 4 views × 64 minutiae: every angle byte 0..255 once, corners and edges included. */
function generatedRecord(seed = 1): MinutiaeRecord {
  const rand = rng(seed);
  const width = 300;
  const height = 400;
  const edges: [number, number][] = [
    [0, 0],
    [width - 1, 0],
    [0, height - 1],
    [width - 1, height - 1],
  ];
  const views: FingerView[] = [];
  for (let v = 0; v < 4; v++) {
    const minutiae: Minutia[] = [];
    for (let i = 0; i < 64; i++) {
      const k = v * 64 + i;
      const [x, y] = edges[k] ?? [Math.floor(rand() * width), Math.floor(rand() * height)];
      minutiae.push({ x, y, angle: k * ISO_STEP, type: TYPES[k % 3], quality: k % 101 });
    }
    views.push({ fingerPosition: [0, 1, 6, 10][v], viewNumber: v, impressionType: [0, 1, 2, 8][v], quality: [0, 55, 99, 100][v], minutiae });
  }
  return { format: 'iso19794-2:2005', width, height, resolutionX: 197, resolutionY: 190, captureEquipmentId: 0x0abc, views };
}

/** Same content as generatedRecord's first two views, as raw bytes for ISO or ANSI. */
function rawFromRecord(rec: MinutiaeRecord, kind: 'iso' | 'ansi'): RawRecord {
  const typeBits = { other: 0, ending: 1, bifurcation: 2 };
  return {
    kind,
    equipment: rec.captureEquipmentId,
    width: rec.width,
    height: rec.height,
    resX: rec.resolutionX,
    resY: rec.resolutionY,
    views: rec.views.map((v) => ({
      position: v.fingerPosition,
      viewNumber: v.viewNumber,
      impression: v.impressionType,
      quality: v.quality,
      minutiae: v.minutiae.map((m) => ({
        typeBits: typeBits[m.type],
        x: m.x,
        y: m.y,
        angle: kind === 'iso' ? Math.round(m.angle / ISO_STEP) % 256 : Math.round((m.angle * 90) / Math.PI) % 180,
        quality: m.quality,
      })),
    })),
  };
}

/** Compares records, with angles to float precision. */
function expectSameRecord(actual: MinutiaeRecord, expected: MinutiaeRecord): void {
  const strip = (r: MinutiaeRecord) => ({
    ...r,
    views: r.views.map((v) => ({ ...v, minutiae: v.minutiae.map((m) => ({ ...m, angle: 0 })) })),
  });
  expect(strip(actual)).toEqual(strip(expected));
  actual.views.forEach((v, i) =>
    v.minutiae.forEach((m, j) => expect(m.angle).toBeCloseTo(expected.views[i].minutiae[j].angle, 12)),
  );
}

describe('ISO/IEC 19794-2:2005 write/read', () => {
  it('round-trips a generated record with several views, all types, edge coordinates and all 256 angles', () => {
    const rec = generatedRecord();
    const bytes = writeIso19794_2(rec);
    expect(bytes.length).toBe(24 + 4 * (4 + 64 * 6 + 2));
    expect(new DataView(bytes.buffer).getUint32(8)).toBe(bytes.length);
    const back = readIso19794_2(bytes);
    expectSameRecord(back, rec);
    // The angle byte of minutia k is k: every value 0..255 was written and read back.
    const angleBytes = back.views.flatMap((v) => v.minutiae.map((m) => Math.round(m.angle / ISO_STEP)));
    expect(angleBytes).toEqual(Array.from({ length: 256 }, (_, k) => k));
    // Writing what we read gives the same bytes, and matches the independent builder.
    expect(writeIso19794_2(back)).toEqual(bytes);
    expect(bytes).toEqual(buildFmr(rawFromRecord(rec, 'iso')));
  });

  it('round-trips many random records, including empty views and zero views', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rand = rng(seed);
      const width = 1 + Math.floor(rand() * 1000);
      const height = 1 + Math.floor(rand() * 1000);
      const views: FingerView[] = Array.from({ length: Math.floor(rand() * 4) }, (_, v) => ({
        fingerPosition: Math.floor(rand() * 11),
        viewNumber: v,
        impressionType: Math.floor(rand() * 4),
        quality: Math.floor(rand() * 101),
        minutiae: Array.from({ length: Math.floor(rand() * 60) }, () => ({
          x: Math.floor(rand() * width),
          y: Math.floor(rand() * height),
          angle: Math.floor(rand() * 256) * ISO_STEP,
          type: TYPES[Math.floor(rand() * 3)],
          quality: Math.floor(rand() * 101),
        })),
      }));
      const rec: MinutiaeRecord = { format: 'iso19794-2:2005', width, height, resolutionX: 197, resolutionY: 197, captureEquipmentId: seed, views };
      expectSameRecord(readIso19794_2(writeIso19794_2(rec)), rec);
      expectSameRecord(readMinutiaeRecord(writeIso19794_2(rec)), rec);
    }
  });

  it('rounds angles to the nearest 360/256° step and wraps 2π to 0', () => {
    const angleByte = (angle: number) => {
      const rec = generatedRecord();
      rec.views = [{ ...rec.views[0], minutiae: [{ x: 1, y: 1, angle, type: 'ending', quality: 0 }] }];
      return writeIso19794_2(rec)[24 + 4 + 4];
    };
    expect(angleByte(10.4 * ISO_STEP)).toBe(10);
    expect(angleByte(10.6 * ISO_STEP)).toBe(11);
    expect(angleByte(255.6 * ISO_STEP)).toBe(0);
    expect(angleByte(2 * Math.PI)).toBe(0);
    expect(angleByte(Math.PI / 2)).toBe(64); // 90° counter-clockwise
  });

  it('accepts a Buffer and a Uint8Array view into a larger buffer', () => {
    const bytes = writeIso19794_2(generatedRecord());
    expectSameRecord(readIso19794_2(Buffer.from(bytes)), generatedRecord());
    const padded = new Uint8Array(bytes.length + 16);
    padded.set(bytes, 8);
    expectSameRecord(readMinutiaeRecord(padded.subarray(8, 8 + bytes.length)), generatedRecord());
  });

  it('converts an ANSI record read into ISO on write', () => {
    const rec = readAnsi378(buildFmr(rawFromRecord(generatedRecord(), 'ansi')));
    const iso = readIso19794_2(writeIso19794_2(rec));
    expect(iso.format).toBe('iso19794-2:2005');
    expect(iso.views[1].minutiae.map((m) => [m.x, m.y, m.type])).toEqual(rec.views[1].minutiae.map((m) => [m.x, m.y, m.type]));
  });
});

describe('ISO reader: truncation and corruption', () => {
  const bytes = writeIso19794_2(generatedRecord());
  const small = writeIso19794_2({ ...generatedRecord(), views: [{ ...generatedRecord().views[1], minutiae: generatedRecord().views[1].minutiae.slice(0, 3) }] });

  it('throws a RecordFormatError with a code for every truncation length, never a crash or partial record', () => {
    for (const record of [bytes, small]) {
      for (let cut = 0; cut < record.length; cut++) {
        const piece = record.slice(0, cut);
        formatError(() => readIso19794_2(piece));
        formatError(() => readMinutiaeRecord(piece));
      }
    }
  });

  it('reports truncation of the signature and of a consistently re-lengthened body as ERR_RECORD_TRUNCATED', () => {
    expectCode(() => readIso19794_2(small.slice(0, 0)), 'ERR_RECORD_TRUNCATED', 0);
    expectCode(() => readIso19794_2(small.slice(0, 6)), 'ERR_RECORD_TRUNCATED', 6);
    expectCode(() => readIso19794_2(small.slice(0, 10)), 'ERR_RECORD_TRUNCATED', 8);
    // Cut inside the minutiae but with the length field fixed up, as a careless producer might.
    const cut = small.slice(0, 24 + 4 + 6 + 3);
    new DataView(cut.buffer).setUint32(8, cut.length);
    expectCode(() => readIso19794_2(cut), 'ERR_RECORD_TRUNCATED', 28);
  });

  it('rejects a bad magic, version or length with the specific code and offset', () => {
    const bad = (at: number, value: number) => {
      const copy = small.slice();
      copy[at] = value;
      return copy;
    };
    expectCode(() => readIso19794_2(bad(0, 0x47)), 'ERR_RECORD_MAGIC', 0);
    expectCode(() => readIso19794_2(bad(3, 0x20)), 'ERR_RECORD_MAGIC', 3);
    expectCode(() => readIso19794_2(Uint8Array.of(0x58)), 'ERR_RECORD_MAGIC', 0); // short but wrong
    expectCode(() => readIso19794_2(bad(5, 0x33)), 'ERR_RECORD_VERSION', 5); // " 30\0" (2011)
    expectCode(() => readMinutiaeRecord(bad(5, 0x33)), 'ERR_RECORD_VERSION', 5);
    expectCode(() => readIso19794_2(bad(11, small[11] + 1)), 'ERR_RECORD_LENGTH', 8);
    expectCode(() => readIso19794_2(bad(8, 0xff)), 'ERR_RECORD_LENGTH', 8);
    const trailing = new Uint8Array(small.length + 1);
    trailing.set(small);
    new DataView(trailing.buffer).setUint32(8, trailing.length);
    expectCode(() => readIso19794_2(trailing), 'ERR_RECORD_LENGTH', small.length);
    expectCode(() => readMinutiaeRecord(trailing.slice(0, small.length)), 'ERR_RECORD_LENGTH', 8);
  });

  it('rejects out-of-range fields with ERR_RECORD_RANGE at the field offset', () => {
    const raw = rawFromRecord(generatedRecord(), 'iso');
    raw.views = [raw.views[0]];
    const m0 = 24 + 4; // first minutia
    const cases: [string, (r: RawRecord) => void, number][] = [
      ['zero width', (r) => (r.width = 0), 14],
      ['zero height', (r) => (r.height = 0), 16],
      ['zero x resolution', (r) => (r.resX = 0), 18],
      ['zero y resolution', (r) => (r.resY = 0), 20],
      ['finger position 11', (r) => (r.views[0].position = 11), 24],
      ['finger quality 101', (r) => (r.views[0].quality = 101), 26],
      ['x = width', (r) => (r.views[0].minutiae[0].x = r.width), m0],
      ['y = height', (r) => (r.views[0].minutiae[0].y = r.height), m0 + 2],
      ['reserved type 11', (r) => (r.views[0].minutiae[0].typeBits = 3), m0],
      ['minutia quality 101', (r) => (r.views[0].minutiae[0].quality = 101), m0 + 5],
    ];
    for (const [name, corrupt, offset] of cases) {
      const r = structuredClone(raw);
      corrupt(r);
      const e = expectCode(() => readIso19794_2(buildFmr(r)), 'ERR_RECORD_RANGE', offset);
      expect(e.message, name).toMatch(/\S/);
    }
  });

  it('rejects non-byte input with ERR_RECORD_TYPE and oversized input with ERR_RECORD_TOO_LARGE', () => {
    for (const input of ['FMR', null, undefined, 42, [0x46, 0x4d], new Uint16Array(4), small.buffer]) {
      expectCode(() => readIso19794_2(input as unknown as Uint8Array), 'ERR_RECORD_TYPE');
      expectCode(() => readAnsi378(input as unknown as Uint8Array), 'ERR_RECORD_TYPE');
      expectCode(() => readMinutiaeRecord(input as unknown as Uint8Array), 'ERR_RECORD_TYPE');
    }
    const huge = new Uint8Array(RECORD_LIMITS.maxRecordBytes + 1);
    expectCode(() => readIso19794_2(huge), 'ERR_RECORD_TOO_LARGE');
    expectCode(() => readMinutiaeRecord(huge), 'ERR_RECORD_TOO_LARGE');
  });

  it('skips extended data blocks, accepting either area-length convention, and validates them', () => {
    const raw = rawFromRecord(generatedRecord(), 'iso');
    raw.views = raw.views.slice(0, 2);
    const plain = readIso19794_2(buildFmr(raw));
    // Area length counting its 4-byte header (ANSI/NIST style): type 0x0101, length 7, 3 data bytes.
    raw.views[0].ext = [0x01, 0x01, 0x00, 0x07, 9, 9, 9];
    // Area length counting only the data, two areas.
    raw.views[1].ext = [0x01, 0x02, 0x00, 0x01, 5, 0x01, 0x03, 0x00, 0x00];
    const withExt = buildFmr(raw);
    expect(readIso19794_2(withExt)).toEqual(plain);
    for (let cut = 0; cut < withExt.length; cut++) formatError(() => readIso19794_2(withExt.slice(0, cut)));

    raw.views[1].ext = [0x01, 0x02, 0x00, 0x09, 5]; // area claims more than its block holds
    expectCode(() => readIso19794_2(buildFmr(raw)), 'ERR_RECORD_LENGTH');
    raw.views[1].ext = [0x01, 0x02, 0x00]; // block too short for an area header
    expectCode(() => readIso19794_2(buildFmr(raw)), 'ERR_RECORD_LENGTH');
  });
});

describe('ISO writer validation', () => {
  const withMinutia = (patch: Partial<Minutia>): MinutiaeRecord => {
    const rec = generatedRecord();
    rec.views = [{ ...rec.views[0], minutiae: [{ x: 5, y: 5, angle: 0, type: 'ending', quality: 50, ...patch }] }];
    return rec;
  };

  it('throws ERR_RECORD_RANGE for out-of-range input, with the output offset', () => {
    const m0 = 24 + 4;
    expectCode(() => writeIso19794_2({ ...generatedRecord(), width: 0 }), 'ERR_RECORD_RANGE', 14);
    expectCode(() => writeIso19794_2({ ...generatedRecord(), resolutionY: 70000 }), 'ERR_RECORD_RANGE', 20);
    expectCode(() => writeIso19794_2({ ...generatedRecord(), captureEquipmentId: 0x1000 }), 'ERR_RECORD_RANGE', 12);
    const rec = generatedRecord();
    rec.views[0].fingerPosition = 11;
    expectCode(() => writeIso19794_2(rec), 'ERR_RECORD_RANGE', 24);
    expectCode(() => writeIso19794_2(withMinutia({ x: 300 })), 'ERR_RECORD_RANGE', m0);
    expectCode(() => writeIso19794_2(withMinutia({ x: 1.5 })), 'ERR_RECORD_RANGE', m0);
    expectCode(() => writeIso19794_2(withMinutia({ y: -1 })), 'ERR_RECORD_RANGE', m0 + 2);
    expectCode(() => writeIso19794_2(withMinutia({ angle: -0.1 })), 'ERR_RECORD_RANGE', m0 + 4);
    expectCode(() => writeIso19794_2(withMinutia({ angle: Number.NaN })), 'ERR_RECORD_RANGE', m0 + 4);
    expectCode(() => writeIso19794_2(withMinutia({ angle: 7 })), 'ERR_RECORD_RANGE', m0 + 4);
    expectCode(() => writeIso19794_2(withMinutia({ quality: 101 })), 'ERR_RECORD_RANGE', m0 + 5);
    expectCode(() => writeIso19794_2(withMinutia({ type: 'core' as MinutiaType })), 'ERR_RECORD_RANGE', m0);
  });

  it('throws ERR_RECORD_TYPE / ERR_RECORD_TOO_LARGE for malformed or oversized input', () => {
    expectCode(() => writeIso19794_2(null as unknown as MinutiaeRecord), 'ERR_RECORD_TYPE');
    expectCode(() => writeIso19794_2({ ...generatedRecord(), views: 'x' as unknown as FingerView[] }), 'ERR_RECORD_TYPE');
    const rec = generatedRecord();
    rec.views[0].minutiae = Array.from({ length: 256 }, () => rec.views[0].minutiae[0]);
    expectCode(() => writeIso19794_2(rec), 'ERR_RECORD_TOO_LARGE');
    const many = generatedRecord();
    many.views = Array.from({ length: 256 }, () => many.views[0]);
    expectCode(() => writeIso19794_2(many), 'ERR_RECORD_TOO_LARGE');
  });
});

describe('ANSI INCITS 378-2004 reader', () => {
  const rec = generatedRecord();
  const raw = rawFromRecord(rec, 'ansi');
  raw.cbeff = 0x00330001;
  raw.equipment = 0x8000 | rec.captureEquipmentId; // compliance bit set: dropped, id kept
  raw.views[0].minutiae[0].angle = 179; // largest valid: 358°
  raw.views[0].minutiae[1].angle = 45; // 90°
  raw.views[2].ext = [0x00, 0x01, 0x00, 0x06, 1, 2];

  it('reads a hand-built record with 2-byte length, CBEFF id, 2° angles and extended data', () => {
    const bytes = buildFmr(raw);
    for (const got of [readAnsi378(bytes), readMinutiaeRecord(bytes)]) {
      expect(got.format).toBe('ansi378-2004');
      expect(got).toMatchObject({ width: 300, height: 400, resolutionX: 197, resolutionY: 190, captureEquipmentId: 0x0abc });
      expect(got.views.map((v) => [v.fingerPosition, v.viewNumber, v.impressionType, v.quality])).toEqual(
        rec.views.map((v) => [v.fingerPosition, v.viewNumber, v.impressionType, v.quality]),
      );
      expect(got.views[0].minutiae[0].angle).toBeCloseTo((358 * Math.PI) / 180, 12);
      expect(got.views[0].minutiae[1].angle).toBeCloseTo(Math.PI / 2, 12);
      expect(got.views[3].minutiae.map(({ x, y, type, quality }) => ({ x, y, type, quality }))).toEqual(
        rec.views[3].minutiae.map(({ x, y, type, quality }) => ({ x, y, type, quality })),
      );
    }
  });

  it('reads the 6-byte length form', () => {
    const bytes = buildFmr({ ...raw, ansiLongLength: true });
    expect(readAnsi378(bytes)).toEqual(readAnsi378(buildFmr(raw)));
    expect(readMinutiaeRecord(bytes).format).toBe('ansi378-2004');
  });

  it('rejects angles above 179 and bad lengths, and every truncation with a code', () => {
    const r = structuredClone(raw);
    r.views[0].minutiae[0].angle = 180;
    const angleAt = 26 + 4 + 4;
    expectCode(() => readAnsi378(buildFmr(r)), 'ERR_RECORD_RANGE', angleAt);
    expectCode(() => readMinutiaeRecord(buildFmr(r)), 'ERR_RECORD_RANGE', angleAt);
    const bytes = buildFmr(raw);
    const longer = bytes.slice();
    new DataView(longer.buffer).setUint16(8, bytes.length + 1);
    expectCode(() => readAnsi378(longer), 'ERR_RECORD_LENGTH', 8);
    // An ISO record is not a valid ANSI one (and vice versa).
    formatError(() => readAnsi378(writeIso19794_2(rec)));
    formatError(() => readIso19794_2(bytes));
    const small = buildFmr({ ...raw, views: [{ ...raw.views[0], minutiae: raw.views[0].minutiae.slice(0, 2) }] });
    for (const record of [bytes, small, buildFmr({ ...raw, ansiLongLength: true })]) {
      for (let cut = 0; cut < record.length; cut++) {
        formatError(() => readAnsi378(record.slice(0, cut)));
        formatError(() => readMinutiaeRecord(record.slice(0, cut)));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real data: FVC2002 ISO templates (read from the shared data folder, never copied here)
// ---------------------------------------------------------------------------------------------

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = process.env.BIODEDUP_DATA ? path.resolve(process.env.BIODEDUP_DATA) : path.resolve(projectRoot, '../shared/data');
const isoDir = path.join(dataRoot, 'fingerprint', 'fvc2002-iso');
const haveData = existsSync(isoDir);
if (!haveData) {
  console.log(`[formats.test] FVC2002 ISO templates not found at ${isoDir}; skipping real-data tests (set BIODEDUP_DATA to the data folder).`);
}

describe('FVC2002 ISO templates (real data)', () => {
  it.skipIf(!haveData)('parses every .iso file in DB1_B..DB4_B; each rewrites and re-reads identically', () => {
    let files = 0;
    for (const db of ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B']) {
      const dir = path.join(isoDir, db);
      const names = readdirSync(dir).filter((f) => f.endsWith('.iso'));
      expect(names.length, `${db} has .iso files`).toBeGreaterThan(0);
      for (const name of names) {
        const bytes = readFileSync(path.join(dir, name));
        const rec = readMinutiaeRecord(bytes);
        expect(rec.format, name).toBe('iso19794-2:2005');
        expect(rec.views.length, name).toBe(1);
        expect([rec.width, rec.height, rec.resolutionX, rec.resolutionY], name).toEqual([300, 400, 197, 197]);
        expect(rec.views[0].minutiae.length, name).toBeGreaterThan(0);
        const rewritten = writeIso19794_2(rec);
        expect(readIso19794_2(rewritten), name).toEqual(rec);
        // These files use no compliance bits, reserved bits or extended data: bytes match too.
        expect(Buffer.from(rewritten).equals(bytes), name).toBe(true);
        files++;
      }
    }
    expect(files).toBe(320);
  });
});
