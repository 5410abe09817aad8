/**
 * Image decoding (engine/images): BMP 8-bit palette and 24-bit, bottom-up and top-down, row
 * padding; PGM; and hostile input — every truncation and the corrupt fields a fuzzer finds
 * first end in a typed error, never a crash or a wrong image.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBmp, decodeGrayImage, decodePgm, encodePgm, EngineError } from '../engine/index.ts';
import { dataDir } from '../bench/data-dir.ts';

interface BmpSpec {
  width: number;
  height: number;
  bits: 8 | 24;
  topDown?: boolean;
  /** gray value of pixel (x, y), y = 0 the top row */
  gray: (x: number, y: number) => number;
}

/** A BMP written by hand from the format's definition (BITMAPINFOHEADER, BI_RGB). */
function makeBmp(spec: BmpSpec): Uint8Array {
  const { width, height, bits } = spec;
  const rowBytes = width * (bits / 8);
  const stride = (rowBytes + 3) & ~3;
  const palette = bits === 8 ? 256 * 4 : 0;
  const offset = 14 + 40 + palette;
  const bytes = new Uint8Array(offset + stride * height);
  const v = new DataView(bytes.buffer);
  bytes[0] = 0x42; bytes[1] = 0x4d;
  v.setUint32(2, bytes.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, spec.topDown ? -height : height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bits, true);
  for (let k = 0; bits === 8 && k < 256; k++) bytes.set([k, k, k, 0], 54 + 4 * k);
  for (let y = 0; y < height; y++) {
    const row = offset + (spec.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const g = spec.gray(x, y);
      if (bits === 8) bytes[row + x] = g;
      else bytes.set([g, g, g], row + 3 * x);
    }
  }
  return bytes;
}

const pattern = (x: number, y: number): number => (x * 37 + y * 11) & 255;
const expectCode = (f: () => unknown, code: string): void => {
  let error: unknown;
  try { f(); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
};

describe('decodeBmp', () => {
  for (const bits of [8, 24] as const) {
    for (const topDown of [false, true]) {
      it(`reads ${bits}-bit ${topDown ? 'top-down' : 'bottom-up'} rows with padding (width 7)`, () => {
        const image = decodeBmp(makeBmp({ width: 7, height: 5, bits, topDown, gray: pattern }));
        expect([image.width, image.height]).toEqual([7, 5]);
        for (let y = 0; y < 5; y++) for (let x = 0; x < 7; x++) expect(image.pixels[y * 7 + x]).toBe(pattern(x, y));
      });
    }
  }

  it('turns a colour palette and 24-bit colour into BT.601 luma', () => {
    const bytes = makeBmp({ width: 2, height: 1, bits: 24, gray: () => 0 });
    bytes.set([0, 0, 255, 0, 255, 0], 54); // B,G,R: red, then green
    expect([...decodeBmp(bytes).pixels]).toEqual([76, 150]);
  });

  it('refuses every truncation with ERR_IMAGE_TRUNCATED (or ERR_IMAGE_FORMAT before the signature is whole)', () => {
    const bytes = makeBmp({ width: 6, height: 4, bits: 8, gray: pattern });
    for (let n = 0; n < bytes.length - 2; n++) { // the last row's 2 padding bytes may be missing
      let error: unknown;
      try { decodeBmp(bytes.subarray(0, n)); } catch (e) { error = e; }
      expect(error, `cut at ${n}`).toBeInstanceOf(EngineError);
      expect(['ERR_IMAGE_TRUNCATED', 'ERR_IMAGE_FORMAT']).toContain((error as EngineError).code);
      if (n >= 18) expect((error as EngineError).code).toBe('ERR_IMAGE_TRUNCATED');
    }
  });

  it('refuses corrupt and unsupported headers with typed codes', () => {
    const good = (): Uint8Array => makeBmp({ width: 4, height: 4, bits: 8, gray: pattern });
    const edit = (f: (v: DataView, b: Uint8Array) => void): Uint8Array => { const b = good(); f(new DataView(b.buffer), b); return b; };
    expectCode(() => decodeBmp(edit((_, b) => { b[0] = 0x50; })), 'ERR_IMAGE_FORMAT');
    expectCode(() => decodeBmp(edit((v) => v.setUint16(28, 16, true))), 'ERR_IMAGE_UNSUPPORTED');
    expectCode(() => decodeBmp(edit((v) => v.setUint16(28, 32, true))), 'ERR_IMAGE_UNSUPPORTED');
    expectCode(() => decodeBmp(edit((v) => v.setUint32(30, 1, true))), 'ERR_IMAGE_UNSUPPORTED'); // RLE8
    expectCode(() => decodeBmp(edit((v) => v.setUint32(14, 12, true))), 'ERR_IMAGE_UNSUPPORTED'); // OS/2
    expectCode(() => decodeBmp(edit((v) => v.setUint32(14, 99, true))), 'ERR_IMAGE_FORMAT');
    expectCode(() => decodeBmp(edit((v) => v.setUint16(26, 2, true))), 'ERR_IMAGE_FORMAT');
    expectCode(() => decodeBmp(edit((v) => v.setInt32(18, 0, true))), 'ERR_IMAGE_FORMAT');
    expectCode(() => decodeBmp(edit((v) => v.setInt32(18, -4, true))), 'ERR_IMAGE_FORMAT');
    expectCode(() => decodeBmp(edit((v) => v.setInt32(22, -0x80000000, true))), 'ERR_IMAGE_FORMAT');
    expectCode(() => decodeBmp(edit((v) => v.setUint32(46, 300, true))), 'ERR_IMAGE_FORMAT');
    expectCode(() => decodeBmp(edit((v) => v.setUint32(10, 60, true))), 'ERR_IMAGE_FORMAT'); // pixels inside the palette
  });

  it('checks the declared size against the limits before allocating (ERR_IMAGE_TOO_LARGE)', () => {
    const b = makeBmp({ width: 4, height: 4, bits: 8, gray: pattern });
    new DataView(b.buffer).setInt32(18, 0x7fffffff, true);
    expectCode(() => decodeBmp(b), 'ERR_IMAGE_TOO_LARGE');
    const small = makeBmp({ width: 40, height: 40, bits: 8, gray: pattern });
    expectCode(() => decodeBmp(small, { maxPixels: 1000 }), 'ERR_IMAGE_TOO_LARGE');
    expectCode(() => decodeBmp(small, { maxDimension: 39 }), 'ERR_IMAGE_TOO_LARGE');
    expect(decodeBmp(small, { maxPixels: 1600, maxDimension: 40 }).width).toBe(40);
  });

  const casia = join(dataDir(), 'iris', 'casia-v1-subset', '001', '1', '001_1_1.bmp');
  if (!existsSync(casia)) console.log(`[iris-images.test] ${casia} not found: skipping the real-BMP check (set BIODEDUP_DATA)`);
  it.skipIf(!existsSync(casia))('reads a CASIA-IrisV1 image (8-bit palette, 320×280)', () => {
    const image = decodeBmp(new Uint8Array(readFileSync(casia)));
    expect([image.width, image.height, image.pixels.length]).toEqual([320, 280, 320 * 280]);
  });
});

describe('decodePgm and decodeGrayImage', () => {
  it('round-trips P5 and dispatches by signature', () => {
    const image = { width: 5, height: 3, pixels: Uint8Array.from({ length: 15 }, (_, k) => k * 17) };
    expect(decodePgm(encodePgm(image))).toEqual(image);
    expect(decodeGrayImage(encodePgm(image))).toEqual(image);
    expect(decodeGrayImage(makeBmp({ width: 2, height: 2, bits: 8, gray: pattern })).width).toBe(2);
    expectCode(() => decodeGrayImage(new Uint8Array([0xff, 0xd8, 0xff])), 'ERR_IMAGE_UNSUPPORTED');
  });

  it('refuses truncated, ASCII, 16-bit and oversized PGM with typed codes', () => {
    const bytes = encodePgm({ width: 4, height: 4, pixels: new Uint8Array(16) });
    for (let n = 2; n < bytes.length; n++) expectCode(() => decodePgm(bytes.subarray(0, n)), 'ERR_IMAGE_TRUNCATED');
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    expectCode(() => decodePgm(text('P2\n2 2\n255\n0 0 0 0')), 'ERR_IMAGE_UNSUPPORTED');
    expectCode(() => decodePgm(text('P5\n2 2\n65535\n')), 'ERR_IMAGE_UNSUPPORTED');
    expectCode(() => decodePgm(text('P5\n99999 99999\n255\n')), 'ERR_IMAGE_TOO_LARGE');
    expectCode(() => decodePgm(text('P5\nx 2\n255\n')), 'ERR_IMAGE_FORMAT');
  });
});
