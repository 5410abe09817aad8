/**
 * ISO/IEC 19794-4 finger image records (engine/formats/iso19794-4.ts, finger-image.ts): 2005
 * and 2011 records written here round-trip field for field, and their images — raw, PNG, JPEG
 * 2000 (lossless and lossy), WSQ — decode to the pixels put in, with the resolution in dpi. Every
 * truncation and every bad count, length or field ends in a RecordFormatError with a stable
 * code; a payload that is not what its header declares ends in an EngineError.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  decodeFingerImageRecord, encodeJpeg2000, EngineError, RecordFormatError, readIso19794_4, writeIso19794_4,
  type FingerImageRecord, type FingerImageView,
} from '../engine/index.ts';
import { encodeWsq } from './support/wsq-encode.ts';
import { fingerprintLike, psnr, seededRandom } from './support/fingerprint-like.ts';

const RECORD_CODES = new Set(['ERR_RECORD_TRUNCATED', 'ERR_RECORD_LENGTH', 'ERR_RECORD_RANGE', 'ERR_RECORD_MAGIC', 'ERR_RECORD_VERSION']);

function recordError(run: () => unknown): RecordFormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RecordFormatError);
    return error as RecordFormatError;
  }
  throw new Error('expected a RecordFormatError, the call returned');
}

async function engineError(run: () => Promise<unknown>): Promise<EngineError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected an EngineError, the call resolved');
}

const finger = fingerprintLike(120, 150, 7);
const other = fingerprintLike(96, 112, 8);

async function png(image: { width: number; height: number; pixels: Uint8Array }): Promise<Uint8Array> {
  return new Uint8Array(await sharp(Buffer.from(image.pixels), { raw: { width: image.width, height: image.height, channels: 1 } }).png().toBuffer());
}

function view(overrides: Partial<FingerImageView>): FingerImageView {
  return {
    fingerPosition: 2, viewNumber: 1, viewCount: 1, impressionType: 0, quality: 80, qualityBlocks: [], certificationBlocks: [],
    captureDateTime: null, captureDeviceTechnology: 0, captureDeviceVendorId: 0, captureDeviceTypeId: 0, scaleUnits: 'ppi',
    scanResolutionX: 500, scanResolutionY: 500, imageResolutionX: 500, imageResolutionY: 500, bitDepth: 8, compression: 'raw',
    width: finger.width, height: finger.height, image: finger.pixels, extendedData: new Uint8Array(0),
    ...overrides,
  };
}

function record2005(views: FingerImageView[]): FingerImageRecord {
  return { edition: '2005', captureDeviceId: 0x0123, imageAcquisitionLevel: 31, fingerPositionCount: 0, certified: false, views };
}

function record2011(views: FingerImageView[], certified = false): FingerImageRecord {
  return { edition: '2011', captureDeviceId: 0, imageAcquisitionLevel: 0, fingerPositionCount: new Set(views.map((v) => v.fingerPosition)).size, certified, views };
}

/** The 2011 views as the reader reports them: quality is the first quality block's score. */
function as2011(v: FingerImageView): FingerImageView {
  return { ...v, viewCount: 0, quality: v.qualityBlocks[0]?.score ?? null };
}

describe('ISO/IEC 19794-4:2005 records', () => {
  it('round-trips a raw record field for field and decodes it to the same pixels at 500 dpi', async () => {
    const rec = record2005([view({}), view({ fingerPosition: 7, viewNumber: 2, viewCount: 2, quality: 254, impressionType: 1, width: other.width, height: other.height, image: other.pixels })]);
    const bytes = writeIso19794_4(rec);
    expect(String.fromCharCode(...bytes.subarray(0, 8))).toBe('FIR\x00010\x00');
    expect(bytes.length).toBe(32 + 14 * 2 + finger.pixels.length + other.pixels.length);
    expect(readIso19794_4(bytes)).toEqual(rec);
    const decoded = await decodeFingerImageRecord(bytes);
    expect(decoded.map((d) => [d.view.fingerPosition, d.image.width, d.image.height, d.dpiX, d.dpiY])).toEqual([[2, 120, 150, 500, 500], [7, 96, 112, 500, 500]]);
    expect(decoded[0].image.pixels).toEqual(finger.pixels);
    expect(decoded[1].image.pixels).toEqual(other.pixels);
  });

  it('converts px/cm resolutions to dpi', async () => {
    const bytes = writeIso19794_4(record2005([view({ scaleUnits: 'ppcm', scanResolutionX: 197, scanResolutionY: 197, imageResolutionX: 197, imageResolutionY: 394 })]));
    const [decoded] = await decodeFingerImageRecord(bytes);
    expect(decoded.dpiX).toBeCloseTo(500.38, 2);
    expect(decoded.dpiY).toBeCloseTo(1000.76, 2);
  });

  it('decodes PNG and WSQ payloads (compression codes 5 and 2)', async () => {
    const pngRecord = writeIso19794_4(record2005([view({ compression: 'png', image: await png(finger) })]));
    expect(pngRecord[29]).toBe(5); // compression code, byte 29 of the 2005 general header
    expect((await decodeFingerImageRecord(pngRecord))[0].image.pixels).toEqual(finger.pixels);

    const wsqRecord = writeIso19794_4(record2005([view({ compression: 'wsq', image: encodeWsq(finger, { bitrate: 2.25 }) })]));
    expect(wsqRecord[29]).toBe(2);
    const [decoded] = await decodeFingerImageRecord(wsqRecord);
    expect(decoded.image.width).toBe(120);
    // Lossy: measured 39.5 dB at this rate.
    expect(psnr(finger.pixels, decoded.image.pixels)).toBeGreaterThan(35);
  });

  it('decodes 16-bit and 4-bit raw images to 8 bits', async () => {
    const wide = new Uint8Array(finger.pixels.length * 2);
    finger.pixels.forEach((p, k) => { wide[2 * k] = p; wide[2 * k + 1] = 0x5a; });
    const [deep] = await decodeFingerImageRecord(writeIso19794_4(record2005([view({ bitDepth: 16, image: wide })])));
    expect(deep.image.pixels).toEqual(finger.pixels);
    const nibbles = finger.pixels.map((p) => p >> 4);
    const [shallow] = await decodeFingerImageRecord(writeIso19794_4(record2005([view({ bitDepth: 4, image: nibbles })])));
    expect(shallow.image.pixels).toEqual(nibbles.map((n) => n * 17));
  });

  it('refuses to write images whose shared header fields differ', () => {
    expect(recordError(() => writeIso19794_4(record2005([view({}), view({ compression: 'png', image: new Uint8Array(5) })]))).code).toBe('ERR_RECORD_RANGE');
  });
});

describe('ISO/IEC 19794-4:2011 records', () => {
  const lossless = encodeJpeg2000(finger);
  const lossy = encodeJpeg2000(finger, { lossless: false, quality: 40 });

  async function fullRecord(): Promise<FingerImageRecord> {
    return record2011([
      view({
        compression: 'jpeg2000-lossless', image: await lossless, fingerPosition: 1, viewNumber: 0,
        captureDateTime: { year: 2026, month: 11, day: 25, hour: 9, minute: 30, second: 5, millisecond: 250 },
        captureDeviceTechnology: 1, captureDeviceVendorId: 0x00f1, captureDeviceTypeId: 0x1234,
        qualityBlocks: [{ score: 78, algorithmVendorId: 0x000f, algorithmId: 0x0002 }, { score: 255, algorithmVendorId: 1, algorithmId: 3 }],
        certificationBlocks: [{ authorityId: 0x0001, schemeId: 2 }],
        extendedData: Uint8Array.from([0x00, 0x03, 0x00, 0x05, 0x41]),
      }),
      view({ compression: 'jpeg2000', image: await lossy, fingerPosition: 6, viewNumber: 1, impressionType: 1 }),
      view({ compression: 'wsq', image: encodeWsq(other, { bitrate: 2.25 }), width: other.width, height: other.height, fingerPosition: 7, viewNumber: 2, scaleUnits: 'ppcm', imageResolutionX: 197, imageResolutionY: 197 }),
      view({ compression: 'png', image: await png(other), width: other.width, height: other.height, fingerPosition: 8, viewNumber: 3 }),
      view({ compression: 'raw', fingerPosition: 9, viewNumber: 4 }),
    ].map(as2011), true);
  }

  it('round-trips every field: capture time, device, quality and certification blocks, extended data', async () => {
    const rec = await fullRecord();
    const bytes = writeIso19794_4(rec);
    expect(String.fromCharCode(...bytes.subarray(0, 8))).toBe('FIR\x00020\x00');
    expect(readIso19794_4(bytes)).toEqual(rec);
  });

  it('decodes JPEG 2000 (lossless exactly, lossy closely), WSQ, PNG and raw payloads with their dpi', async () => {
    const decoded = await decodeFingerImageRecord(writeIso19794_4(await fullRecord()));
    expect(decoded.map((d) => d.view.fingerPosition)).toEqual([1, 6, 7, 8, 9]);
    expect(decoded[0].image.pixels).toEqual(finger.pixels);
    expect(psnr(finger.pixels, decoded[1].image.pixels)).toBeGreaterThan(30);
    expect(psnr(other.pixels, decoded[2].image.pixels)).toBeGreaterThan(35);
    expect(decoded[2].dpiX).toBeCloseTo(500.38, 2);
    expect(decoded[3].image.pixels).toEqual(other.pixels);
    expect(decoded[4].image.pixels).toEqual(finger.pixels);
    expect(decoded[0].dpiX).toBe(500);
  });

  it('writes the layout MOSIP reads: 16-byte header, 41 fixed bytes per representation', () => {
    const bytes = writeIso19794_4(record2011([as2011(view({ image: finger.pixels }))]));
    expect(bytes.length).toBe(16 + 41 + finger.pixels.length);
    const v = new DataView(bytes.buffer);
    expect(v.getUint32(8)).toBe(bytes.length);
    expect(v.getUint16(12)).toBe(1);
    expect(v.getUint32(16)).toBe(41 + finger.pixels.length);
    expect(v.getUint32(16 + 37)).toBe(finger.pixels.length); // image data length right before the image
  });

  it('refuses a payload that is not the declared compression, or not the declared size', async () => {
    const wrongKind = writeIso19794_4(record2011([as2011(view({ compression: 'png', image: encodeWsq(finger) }))]));
    expect((await engineError(() => decodeFingerImageRecord(wrongKind))).code).toBe('ERR_IMAGE_FORMAT');
    const wrongSize = writeIso19794_4(record2011([as2011(view({ compression: 'wsq', image: encodeWsq(other), width: 120, height: 150 }))]));
    expect((await engineError(() => decodeFingerImageRecord(wrongSize))).code).toBe('ERR_IMAGE_FORMAT');
    const tooLarge = writeIso19794_4(record2011([as2011(view({}))]));
    expect((await engineError(() => decodeFingerImageRecord(tooLarge, { maxDimension: 100 }))).code).toBe('ERR_IMAGE_TOO_LARGE');
  });
});

describe('ISO/IEC 19794-4 hostile records', () => {
  const small = fingerprintLike(24, 20, 9);
  const raw = { width: small.width, height: small.height, image: small.pixels };
  const old = writeIso19794_4(record2005([view(raw), view({ ...raw, fingerPosition: 3 })]));
  const recent = writeIso19794_4(record2011([
    as2011(view({ ...raw, qualityBlocks: [{ score: 60, algorithmVendorId: 1, algorithmId: 2 }], certificationBlocks: [{ authorityId: 4, schemeId: 5 }] })),
    as2011(view({ ...raw, fingerPosition: 3, extendedData: Uint8Array.from([1, 2, 3]) })),
  ], true));

  it.each([['2005', old], ['2011', recent]])('reports every truncation of a %s record with a record code', (_, bytes) => {
    for (let length = 0; length < bytes.length; length++) {
      const cut = bytes.slice(0, length);
      const error = recordError(() => readIso19794_4(cut));
      // Inside the signature or the length field: truncated; after it: the length field disagrees.
      const lengthEnd = bytes === old ? 14 : 12;
      expect(error.code, `${length}`).toBe(length < lengthEnd ? 'ERR_RECORD_TRUNCATED' : 'ERR_RECORD_LENGTH');
      // The same cut with its record length field made consistent: the views themselves are cut.
      if (length >= 16) {
        const consistent = cut.slice();
        const v = new DataView(consistent.buffer);
        if (bytes === old) { v.setUint16(8, 0); v.setUint32(10, length); } else v.setUint32(8, length);
        const inner = recordError(() => readIso19794_4(consistent));
        expect(['ERR_RECORD_TRUNCATED', 'ERR_RECORD_LENGTH'], `${length}: ${inner.code}`).toContain(inner.code);
      }
    }
  });

  it('refuses bad signatures, counts, lengths and fields with their codes', () => {
    const patch = (bytes: Uint8Array, at: number, values: number[]): Uint8Array => { const b = bytes.slice(); b.set(values, at); return b; };
    const code = (bytes: Uint8Array): string => recordError(() => readIso19794_4(bytes)).code;
    expect(code(patch(recent, 0, [0x46, 0x4d, 0x52]))).toBe('ERR_RECORD_MAGIC');
    expect(code(patch(recent, 4, [0x30, 0x33]))).toBe('ERR_RECORD_VERSION');
    expect(recordError(() => readIso19794_4('FIR' as unknown as Uint8Array)).code).toBe('ERR_RECORD_TYPE');
    // 2011 general header: no representations, more than present, certification flag 2.
    expect(code(patch(recent, 12, [0, 0]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(recent, 12, [0, 3]))).toBe('ERR_RECORD_TRUNCATED');
    expect(code(patch(recent, 14, [2]))).toBe('ERR_RECORD_RANGE');
    // 2011 representation length: too small, past the record, not the whole representation.
    expect(code(patch(recent, 16, [0, 0, 0, 20]))).toBe('ERR_RECORD_LENGTH');
    expect(code(patch(recent, 16, [0, 1, 0, 0]))).toBe('ERR_RECORD_TRUNCATED');
    // Image data length larger than its representation leaves room for.
    const first = new DataView(recent.buffer).getUint32(16);
    const imageLengthAt = 16 + first - 4 - small.pixels.length - 0; // first representation: no extended data
    expect(new DataView(recent.buffer).getUint32(imageLengthAt)).toBe(small.pixels.length);
    expect(code(patch(recent, imageLengthAt, [0, 0, 0xff, 0xff]))).toBe('ERR_RECORD_LENGTH');
    expect(code(patch(recent, imageLengthAt, [0, 0, 0, 0]))).toBe('ERR_RECORD_LENGTH');
    // A quality block count that runs past its representation.
    expect(code(patch(recent, 16 + 4 + 9 + 5, [200]))).toBe('ERR_RECORD_TRUNCATED');
    // Quality score 101, scale units 3, compression 7, zero image resolution, zero width.
    const fieldsAt = 16 + 4 + 9 + 5 + 1 + 5 + 1 + 3; // finger position of representation 0
    expect(code(patch(recent, 16 + 4 + 9 + 5 + 1, [101]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(recent, fieldsAt + 2, [3]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(recent, fieldsAt + 3 + 8 + 1, [7]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(recent, fieldsAt + 3 + 4, [0, 0]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(recent, fieldsAt + 3 + 8 + 3, [0, 0]))).toBe('ERR_RECORD_RANGE');
    // A raw image whose length does not match its size.
    expect(code(patch(recent, fieldsAt + 3 + 8 + 3, [0, 25]))).toBe('ERR_RECORD_LENGTH');
    // Trailing bytes after the last representation (length field kept consistent).
    const longer = new Uint8Array(recent.length + 1);
    longer.set(recent);
    new DataView(longer.buffer).setUint32(8, longer.length);
    expect(code(longer)).toBe('ERR_RECORD_LENGTH');

    // 2005: no images, a view count of 0, an image length that leaves no image, scale units 0, depth 17, compression 6.
    expect(code(patch(old, 18, [0]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(old, 32 + 5, [0]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(old, 32, [0, 0, 0, 14]))).toBe('ERR_RECORD_LENGTH');
    expect(code(patch(old, 19, [0]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(old, 28, [17]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(old, 29, [6]))).toBe('ERR_RECORD_RANGE');
    expect(code(patch(old, 8, [0, 0, 0, 0, 0, 9]))).toBe('ERR_RECORD_LENGTH');
    expect(code(patch(old, 18, [3]))).toBe('ERR_RECORD_TRUNCATED');
  });

  it('decodes 1,000 corrupted records with WSQ and PNG payloads end to end: only typed errors', async () => {
    const bytes = writeIso19794_4(record2011([
      as2011(view({ compression: 'wsq', image: encodeWsq(small, { bitrate: 2 }), width: small.width, height: small.height })),
      as2011(view({ compression: 'png', image: await png(small), width: small.width, height: small.height, fingerPosition: 3 })),
    ]));
    expect((await decodeFingerImageRecord(bytes)).length).toBe(2);
    const random = seededRandom(44);
    const codes = new Set<string>();
    for (let trial = 0; trial < 1000; trial++) {
      const bad = bytes.slice();
      for (let e = 0; e < 1 + Math.floor(random() * 3); e++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      try {
        const views = await decodeFingerImageRecord(bad);
        for (const v of views) expect(v.image.pixels.length).toBe(v.view.width * v.view.height);
      } catch (error) {
        expect(error).toBeInstanceOf(EngineError);
        const code = (error as EngineError).code;
        expect(/^ERR_(RECORD|IMAGE)_[A-Z_]+$/.test(code), code).toBe(true);
        codes.add(code);
      }
    }
    expect(codes.size).toBeGreaterThan(1);
  });

  it('survives 3,000 random corruptions of a 2011 record: a RecordFormatError or a record', () => {
    const random = seededRandom(4);
    let refused = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bad = recent.slice();
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      try {
        const rec = readIso19794_4(bad);
        expect(rec.views.length).toBeGreaterThan(0);
      } catch (error) {
        expect(error).toBeInstanceOf(RecordFormatError);
        expect(RECORD_CODES.has((error as RecordFormatError).code)).toBe(true);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
