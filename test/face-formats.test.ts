/**
 * ISO/IEC 19794-5 face records (2005 and 2011), the record → image step and MOSIP face BIRs:
 * round trips, every truncation and corrupt field ends in a typed error, a payload of another
 * format than declared is refused. No model is loaded here (face-pipeline.test.ts does that).
 */
import { describe, expect, it } from 'vitest';
import { RecordFormatError } from '../engine/errors.ts';
import { encodeJpeg2000 } from '../engine/images/index.ts';
import { faceRecordVersion, faceRepresentation, readIso19794_5, writeIso19794_5, type FaceImageRecord } from '../engine/formats/iso19794-5.ts';
import { faceBirs, MOSIP_FACE_FORMAT_TYPE, readCbeff, writeCbeff } from '../engine/formats/cbeff.ts';
import { faceImageBytes } from '../engine/face/record.ts';

const FAKE_JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);

function record(version: '2005' | '2011', image: Uint8Array = FAKE_JPEG): FaceImageRecord {
  const rep = faceRepresentation(image, 'jpeg', 92, 112);
  return {
    format: 'iso19794-5', version, temporalSemantics: 0,
    representations: [{
      ...rep, gender: 2, eyeColour: 3, hairColour: 4, propertyMask: 0x000003, expression: 1, poseAngle: [91, 91, 91],
      poseAngleUncertainty: [1, 2, 3], landmarkPoints: [{ type: 1, code: 0x31, x: 30, y: 40, z: version === '2011' ? 5 : 0 }],
      ...(version === '2011'
        ? { captureDateTime: { year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9, millisecond: 10 }, qualityBlocks: [{ score: 80, algorithmVendorId: 1, algorithmId: 2 }], subjectHeight: 170, spatialSamplingRateLevel: 1, postAcquisitionProcessing: 1, crossReference: 0, colourSpace: 3 }
        : { sourceType: 2, deviceType: 7, quality: 50, colourSpace: 3 }),
    }],
  };
}

function codeOf(run: () => unknown): string {
  try { run(); } catch (e) { expect(e).toBeInstanceOf(RecordFormatError); return (e as RecordFormatError).code; }
  return 'no error';
}

describe('ISO/IEC 19794-5', () => {
  for (const version of ['2005', '2011'] as const) {
    it(`${version}: writes and reads back the same record, with the layout's sizes`, () => {
      const r = record(version);
      const bytes = writeIso19794_5(r);
      // 14 + 32 + 8 + image (2005); 17 + 51 + 5 + 8 + image (2011)
      expect(bytes.length).toBe(version === '2005' ? 14 + 32 + 8 + FAKE_JPEG.length : 17 + 51 + 5 + 8 + FAKE_JPEG.length);
      expect(faceRecordVersion(bytes)).toBe(version);
      const back = readIso19794_5(bytes);
      expect({ ...back, representations: back.representations.map((p) => ({ ...p, image: [...p.image] })) })
        .toEqual({ ...r, representations: r.representations.map((p) => ({ ...p, image: [...p.image] })) });
    });

    it(`${version}: every truncation is a typed error`, () => {
      const bytes = writeIso19794_5(record(version));
      for (let n = 0; n < bytes.length; n++) {
        const code = codeOf(() => readIso19794_5(bytes.subarray(0, n)));
        expect(['ERR_RECORD_TRUNCATED', 'ERR_RECORD_LENGTH', 'ERR_RECORD_MAGIC']).toContain(code);
      }
    });

    it(`${version}: corrupt fields are typed errors`, () => {
      const good = writeIso19794_5(record(version));
      const corrupt = (at: number, value: number): string => { const b = good.slice(); b[at] = value; return codeOf(() => readIso19794_5(b)); };
      const rep = version === '2005' ? 14 : 17;
      const info = version === '2005' ? rep + 4 : rep + 19 + 5; // facial information block
      expect(corrupt(0, 0x47)).toBe('ERR_RECORD_MAGIC');
      expect(corrupt(5, 0x32)).toBe('ERR_RECORD_VERSION');
      expect(corrupt(11, good[11] + 1)).toBe('ERR_RECORD_LENGTH');
      expect(corrupt(info + 2, 9)).toBe('ERR_RECORD_RANGE'); // gender
      expect(corrupt(info + 3, 8)).toBe('ERR_RECORD_RANGE'); // eye colour
      const imageInfo = info + (version === '2005' ? 16 : 17) + 8;
      expect(corrupt(imageInfo, 9)).toBe('ERR_RECORD_RANGE'); // face image type
      expect(corrupt(imageInfo + 1, 7)).toBe('ERR_RECORD_RANGE'); // image data type
      expect(corrupt(rep + 3, good[rep + 3] - 1)).toBe('ERR_RECORD_LENGTH'); // representation length one short
      expect(corrupt(rep + 3, good[rep + 3] + 1)).toBe('ERR_RECORD_TRUNCATED'); // one past the record
      expect(codeOf(() => readIso19794_5(Uint8Array.from([...good, 0])))).toBe('ERR_RECORD_LENGTH');
    });
  }

  it('2011 only: certification flag must be 0', () => {
    const b = writeIso19794_5(record('2011'));
    b[14] = 1;
    expect(codeOf(() => readIso19794_5(b))).toBe('ERR_RECORD_RANGE');
  });

  it('the writer refuses what the reader would refuse', () => {
    const r = record('2005');
    expect(codeOf(() => writeIso19794_5({ ...r, representations: [{ ...r.representations[0], imageDataType: 'png' }] }))).toBe('ERR_RECORD_RANGE');
    expect(codeOf(() => writeIso19794_5({ ...r, representations: [{ ...r.representations[0], gender: 3 }] }))).toBe('ERR_RECORD_RANGE');
    expect(codeOf(() => writeIso19794_5({ ...r, representations: [] }))).toBe('ERR_RECORD_RANGE');
  });
});

describe('face record → image', () => {
  it('returns the JPEG 2000 payload of a 2011 record, and bare images unchanged', async () => {
    const gray = { width: 16, height: 16, pixels: new Uint8Array(256).map((_, i) => i) };
    const j2k = await encodeJpeg2000(gray);
    const r = record('2011', j2k);
    r.representations[0] = { ...r.representations[0], imageDataType: 'jpeg2000-lossless' };
    expect([...faceImageBytes(writeIso19794_5(r))]).toEqual([...j2k]);
    expect(faceImageBytes(FAKE_JPEG)).toBe(FAKE_JPEG);
  });

  it('refuses a payload that is not the declared format', () => {
    const r = record('2011');
    r.representations[0] = { ...r.representations[0], imageDataType: 'jpeg2000' };
    expect(codeOf(() => faceImageBytes(writeIso19794_5(r)))).toBe('ERR_RECORD_IMAGE_TYPE');
  });
});

describe('CBEFF face BIRs', () => {
  it('finds the face BIR of a MOSIP document and leaves exceptions out', () => {
    const face = writeIso19794_5(record('2011'));
    const xml = writeCbeff([
      { type: 'Finger', subtype: 'Left IndexFinger', exception: true },
      { type: 'Face', formatType: MOSIP_FACE_FORMAT_TYPE, bdb: face },
      { type: 'Face', exception: true },
    ]);
    const birs = faceBirs(readCbeff(xml));
    expect(birs).toHaveLength(1);
    expect(birs[0].format?.type).toBe('8');
    expect(readIso19794_5(birs[0].bdb!).version).toBe('2011');
  });
});

describe('face image decoding', () => {
  it('keeps colour from PNG and GIF, widens PGM gray to RGB, and refuses a cut JPEG with a typed error', async () => {
    const { default: sharp } = await import('sharp');
    const { decodeFaceImage } = await import('../engine/face/decode.ts');
    const { encodePgm } = await import('../engine/images/index.ts');
    const rgb = Buffer.alloc(8 * 6 * 3);
    for (let i = 0; i < 8 * 6; i++) rgb.set([200, 40, 10], 3 * i);
    const png = new Uint8Array(await sharp(rgb, { raw: { width: 8, height: 6, channels: 3 } }).png().toBuffer());
    const fromPng = await decodeFaceImage(png);
    expect([fromPng.width, fromPng.height, ...fromPng.data.subarray(0, 3)]).toEqual([8, 6, 200, 40, 10]);
    const gif = new Uint8Array(await sharp(rgb, { raw: { width: 8, height: 6, channels: 3 } }).gif().toBuffer());
    const fromGif = await decodeFaceImage(gif);
    expect([fromGif.width, fromGif.height]).toEqual([8, 6]);
    expect(fromGif.data[0]).toBeGreaterThan(fromGif.data[2]); // still red, not gray
    const pgm = encodePgm({ width: 3, height: 2, pixels: Uint8Array.of(0, 50, 100, 150, 200, 250) });
    expect([...(await decodeFaceImage(pgm)).data.subarray(3, 6)]).toEqual([50, 50, 50]);
    const jpeg = new Uint8Array(await sharp(rgb, { raw: { width: 8, height: 6, channels: 3 } }).jpeg().toBuffer());
    const error = await decodeFaceImage(jpeg.subarray(0, jpeg.length - 10)).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ERR_IMAGE_TRUNCATED');
    const junk = await decodeFaceImage(Uint8Array.of(1, 2, 3, 4)).catch((e: unknown) => e);
    expect((junk as { code?: string }).code).toBe('ERR_IMAGE_UNSUPPORTED');
  });
});
