/**
 * WSQ decoding (engine/images/wsq.ts over the matchers-wasm/wsq kernel), against WSQ files
 * written by the test encoder (test/support/wsq-encode.ts, from the FBI specification): round
 * trips of fingerprint-like images with a PSNR floor, odd sizes, the size limits checked before
 * decoding, and hostile input — every truncation and thousands of random corruptions end in an
 * EngineError or an image of the declared size, never another exception.
 */
import { describe, expect, it } from 'vitest';
import { decodeGrayImage, decodeImage, detectImageFormat, decodeWsq, EngineError } from '../engine/index.ts';
import { encodeWsq } from './support/wsq-encode.ts';
import { fingerprintLike, psnr, seededRandom } from './support/fingerprint-like.ts';

const S = Math.SQRT1_2;
/** Even-length biorthogonal pairs (Haar 2/2, CDF 1.3 6/2, CDF 3.3 8/8): the spec's half-sample case. */
const EVEN_FILTERS = {
  haar: { lowpass: [S, S], highpass: [-S, S] },
  'cdf-1.3': { lowpass: [-1 / 8, 1 / 8, 1, 1, 1 / 8, -1 / 8].map((v) => v * S), highpass: [-S, S] },
  'cdf-3.3': {
    lowpass: [3, -9, -7, 45, 45, -7, -9, 3].map((v) => (v / 64) * Math.SQRT2),
    highpass: [0, 0, -1, 3, -3, 1, 0, 0].map((v) => (v / 8) * Math.SQRT2),
  },
};

/** A smooth image: next to nothing in the never-transmitted subbands 60–63, so a fine quantiser gives it back within one gray level. */
function smooth(width: number, height: number): { width: number; height: number; pixels: Uint8Array } {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels[y * width + x] = Math.round(128 + 60 * Math.sin(x / 9 + 0.3) * Math.cos(y / 11 - 0.2) + 0.2 * x);
  }
  return { width, height, pixels };
}

function maxError(a: Uint8Array, b: Uint8Array): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst;
}

const IMAGE_ERRORS = new Set(['ERR_IMAGE_TRUNCATED', 'ERR_IMAGE_FORMAT', 'ERR_IMAGE_UNSUPPORTED', 'ERR_IMAGE_TOO_LARGE']);

/** The error a call throws (fails the test when it returns). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, the call returned');
}

/** Byte offset of the first occurrence of a 16-bit marker. */
function markerAt(bytes: Uint8Array, marker: number): number {
  for (let k = 0; k + 1 < bytes.length; k++) if (bytes[k] === marker >> 8 && bytes[k + 1] === (marker & 0xff)) return k;
  return -1;
}

const SOF = 0xffa2;
const DTT = 0xffa4;

describe('WSQ round trips', () => {
  const original = fingerprintLike(400, 400);
  const wsq = encodeWsq(original, { bitrate: 0.75, ppi: 500 });

  it('decodes a 400×400 fingerprint-like image at ≈ 0.75 bpp above 33 dB PSNR, with its PPI', () => {
    // Measured 35.1 dB at 0.56 bpp (11.3 kB). A wrong subband layout, filter phase or
    // dequantisation costs far more than 2 dB (a one-sample shift alone drops it below 20 dB).
    const image = decodeWsq(wsq);
    expect(image.width).toBe(400);
    expect(image.height).toBe(400);
    expect(image.ppi).toBe(500);
    const bitsPerPixel = (wsq.length * 8) / (400 * 400);
    expect(bitsPerPixel).toBeGreaterThan(0.3);
    expect(bitsPerPixel).toBeLessThan(1.0);
    expect(psnr(original.pixels, image.pixels)).toBeGreaterThan(33);
  });

  it('gets closer to the original at a higher bit rate', () => {
    const fine = encodeWsq(original, { bitrate: 2.25 });
    const image = decodeWsq(fine);
    expect(image.ppi).toBeNull();
    // Measured 40.4 dB at 2.26 bpp.
    expect(psnr(original.pixels, image.pixels)).toBeGreaterThan(38);
  });

  it('is found by signature and decoded by decodeImage and decodeGrayImage alike', async () => {
    expect(detectImageFormat(wsq)).toBe('wsq');
    const viaImage = await decodeImage(wsq);
    const viaGray = decodeGrayImage(wsq);
    const direct = decodeWsq(wsq);
    expect(viaImage.pixels).toEqual(direct.pixels);
    expect(viaGray.pixels).toEqual(direct.pixels);
  });

  it('gives the same pixels every time, also after decoding a larger image in the same kernel', () => {
    const first = decodeWsq(wsq).pixels;
    decodeWsq(encodeWsq(fingerprintLike(520, 610, 3)));
    expect(decodeWsq(wsq).pixels).toEqual(first);
  });

  it.each([
    [17, 17], [33, 47], [64, 64], [97, 131], [255, 301], [401, 399], [128, 513],
  ])('round-trips odd and even sizes: %i×%i', (width, height) => {
    const image = fingerprintLike(width, height, width * 7 + height);
    const decoded = decodeWsq(encodeWsq(image, { bitrate: 1.5 }));
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    // Small images carry a larger share of border and header: the floor grows with size.
    expect(psnr(image.pixels, decoded.pixels)).toBeGreaterThan(width * height < 5000 ? 15 : 30);
  });

  it.each([['spec 9/7', undefined], ...Object.entries(EVEN_FILTERS)] as const)('reconstructs within one gray level with %s filters at a fine bin width, at every size', (_, filters) => {
    // Exact synthesis (filters, symmetric extension at both ends, odd and even line lengths):
    // a wrong extension or filter phase shows at the borders of these small images at once.
    for (const [width, height] of [[200, 200], [97, 131], [40, 40], [33, 47], [18, 17], [17, 18]]) {
      const image = smooth(width, height);
      const decoded = decodeWsq(encodeWsq(image, { uniformBinWidth: 0.3, filters }));
      expect(maxError(image.pixels, decoded.pixels), `${width}×${height}`).toBeLessThanOrEqual(1);
    }
  });

  it('refuses an image too small for the WSQ decomposition (16 px a side) as unsupported', () => {
    const error = thrown(() => decodeWsq(encodeWsq(fingerprintLike(16, 40))));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('ERR_IMAGE_UNSUPPORTED');
  });
});

describe('WSQ limits and unsupported variants', () => {
  const wsq = encodeWsq(fingerprintLike(96, 80), { bitrate: 1 });
  const sof = markerAt(wsq, SOF);

  it('refuses declared dimensions over the limits before decoding', () => {
    expect((thrown(() => decodeWsq(wsq, { maxDimension: 90 })) as EngineError).code).toBe('ERR_IMAGE_TOO_LARGE');
    expect((thrown(() => decodeWsq(wsq, { maxPixels: 96 * 80 - 1 })) as EngineError).code).toBe('ERR_IMAGE_TOO_LARGE');
    // A header declaring 65535 × 65535 followed by nothing: refused for its size, not for the
    // missing data, so the check happened before any decoding.
    const header = wsq.slice(0, sof + 2 + 17);
    header[sof + 6] = 0xff; header[sof + 7] = 0xff; header[sof + 8] = 0xff; header[sof + 9] = 0xff;
    expect((thrown(() => decodeWsq(header)) as EngineError).code).toBe('ERR_IMAGE_TOO_LARGE');
    expect((thrown(() => decodeWsq(wsq, { maxInputBytes: wsq.length - 1 })) as EngineError).code).toBe('ERR_IMAGE_TOO_LARGE');
  });

  it('refuses a zero width as a format error', () => {
    const bad = wsq.slice();
    bad[sof + 8] = 0; bad[sof + 9] = 0;
    expect((thrown(() => decodeWsq(bad)) as EngineError).code).toBe('ERR_IMAGE_FORMAT');
  });

  it('refuses filters of different parities (one even, one odd) as unsupported', () => {
    const bad = wsq.slice();
    bad[markerAt(wsq, DTT) + 4] = 8;
    expect((thrown(() => decodeWsq(bad)) as EngineError).code).toBe('ERR_IMAGE_UNSUPPORTED');
  });

  it('reads comments and restart markers between blocks', () => {
    const plain = decodeWsq(wsq).pixels;
    // Before the last SOB: a comment segment, then (at the end of block 2's data, byte-aligned)
    // a restart marker.
    let lastSob = -1;
    for (let k = 0; k + 1 < wsq.length; k++) if (wsq[k] === 0xff && wsq[k + 1] === 0xa3) lastSob = k;
    const comment = [0xff, 0xa8, 0x00, 0x06, 0x61, 0x62, 0x63, 0x64];
    const withComment = Uint8Array.from([...wsq.subarray(0, lastSob), ...comment, ...wsq.subarray(lastSob)]);
    expect(decodeWsq(withComment).pixels).toEqual(plain);
    const withRestart = Uint8Array.from([...wsq.subarray(0, lastSob), 0xff, 0xb0, ...wsq.subarray(lastSob)]);
    expect(decodeWsq(withRestart).pixels).toEqual(plain);
  });

  it('decodes blocks cut by restart markers (padding before each dropped) to the same pixels', () => {
    const image = fingerprintLike(96, 80);
    const plain = decodeWsq(encodeWsq(image, { bitrate: 1 })).pixels;
    for (const every of [1, 7, 50]) {
      const restarted = encodeWsq(image, { bitrate: 1, restartEvery: every });
      expect(markerAt(restarted, 0xffb1)).toBeGreaterThan(0);
      expect(decodeWsq(restarted).pixels).toEqual(plain);
    }
  });

  it('refuses bytes that are not WSQ', () => {
    expect((thrown(() => decodeWsq(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))) as EngineError).code).toBe('ERR_IMAGE_FORMAT');
    expect((thrown(() => decodeWsq('WSQ' as unknown as Uint8Array)) as EngineError).code).toBe('ERR_IMAGE_FORMAT');
  });
});

describe('WSQ hostile input', () => {
  const wsq = encodeWsq(fingerprintLike(72, 88, 5), { bitrate: 1.5, ppi: 500 });

  it('reports every truncation as ERR_IMAGE_TRUNCATED', () => {
    const codes = new Map<string, number>();
    for (let length = 0; length < wsq.length; length++) {
      const error = thrown(() => decodeWsq(wsq.subarray(0, length)));
      expect(error).toBeInstanceOf(EngineError);
      const code = (error as EngineError).code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect([...codes.keys()]).toEqual(['ERR_IMAGE_TRUNCATED']);
  });

  it('survives 3,000 random corruptions: an EngineError with an image code, or an image of the declared size', () => {
    const random = seededRandom(19794);
    let refused = 0;
    let decoded = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bad = wsq.slice();
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      try {
        const image = decodeWsq(bad);
        expect(image.pixels.length).toBe(image.width * image.height);
        decoded++;
      } catch (error) {
        expect(error).toBeInstanceOf(EngineError);
        expect(IMAGE_ERRORS.has((error as EngineError).code), (error as EngineError).code).toBe(true);
        refused++;
      }
    }
    // Most single-byte edits hit entropy-coded data and still decode (to a damaged image).
    expect(refused).toBeGreaterThan(0);
    expect(decoded).toBeGreaterThan(0);
  });
});
