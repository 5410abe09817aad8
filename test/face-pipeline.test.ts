/**
 * The face pipeline end to end on real images (skipped with a message when ../shared/data is
 * absent): two photos of one ORL person score above two of different people, an ISO/IEC
 * 19794-5:2011 record with a JPEG 2000 image enrols to the same template as its PGM, `explain`
 * shows box, landmarks and chip, a blank image fails to enrol with ERR_FACE_NOT_FOUND, the
 * same template comes out of a piscina worker thread. The kernel and template checks need no data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../bench/data-dir.ts';
import { EngineError } from '../engine/errors.ts';
import { FaceExtractor } from '../engine/face/extractor.ts';
import { FaceMatcher } from '../engine/face/matcher.ts';
import { FacePool } from '../engine/face/pool.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import { codeCosine, int8Dot } from '../engine/face/quantise.ts';
import { faceTemplateFromBytes, faceTemplateToBytes } from '../engine/face/template.ts';
import { faceRepresentation, writeIso19794_5 } from '../engine/formats/iso19794-5.ts';
import { decodePgm, encodeJpeg2000 } from '../engine/images/index.ts';

const ORL = join(dataDir(), 'face', 'orl');
const haveData = existsSync(ORL);
if (!haveData) console.warn(`face pipeline tests skipped: no ORL faces at ${ORL} (set BIODEDUP_DATA)`);
const orl = (person: number, image: number): Uint8Array => new Uint8Array(readFileSync(join(ORL, `s${person}`, `${image}.pgm`)));

function codeOfError(e: unknown): string {
  return e instanceof EngineError ? e.code : `not an EngineError: ${String(e)}`;
}

describe('face kernel and template', () => {
  it('SIMD scan equals the scalar loop and the JavaScript dot product, odd gallery sizes included', () => {
    const matcher = new FaceMatcher();
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return ((seed >>> 16) % 255) - 127; };
    for (const size of [1, 2, 7, 33]) {
      const codes = Array.from({ length: size }, () => Int8Array.from({ length: 128 }, rnd));
      codes[0].fill(127); // extremes: the largest sums the kernel must hold
      const probe = Int8Array.from({ length: 128 }, () => -127);
      const gallery = matcher.loadGallery(codes);
      const simd = [...matcher.dots(probe, gallery, 'simd')];
      const scalar = [...matcher.dots(probe, gallery, 'scalar')];
      expect(simd).toEqual(codes.map((c) => int8Dot(probe, c)));
      expect(scalar).toEqual(simd);
    }
  });

  it('the face gallery grows past its first reservation, removes by swapping, and ranks an identical code first', async () => {
    const { FaceSubjectGallery } = await import('../engine/face/face-gallery.ts');
    const gallery = new FaceSubjectGallery();
    let seed = 11;
    // ±39 uniform: a code's norm ≈ 256, the scale of a unit vector, so its self-cosine ≈ 1.
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return ((seed >>> 16) % 79) - 39; };
    const codes = Array.from({ length: 300 }, () => Int8Array.from({ length: 128 }, rnd));
    codes.forEach((c, i) => gallery.insert(`s${i}`, c));
    for (let i = 0; i < 300; i += 3) expect(gallery.remove(`s${i}`)).toBe(true);
    expect(gallery.size).toBe(200);
    expect(gallery.remove('s0')).toBe(false);
    for (const i of [1, 151, 299]) { // not multiples of 3: those were removed
      const { candidates } = gallery.identify(codes[i], { targetFPIR: 0, maxResults: 1 });
      expect(candidates[0].referenceId).toBe(`s${i}`);
    }
    expect(gallery.identify(codes[0], { targetFPIR: 0, maxResults: 300 }).candidates.some((c) => c.referenceId === 's0')).toBe(false);
  });

  it('template bytes round-trip; damaged templates are typed errors', () => {
    const code = Int8Array.from({ length: 128 }, (_, i) => i - 64);
    const bytes = faceTemplateToBytes(code);
    expect([...faceTemplateFromBytes(bytes)]).toEqual([...code]);
    const bad = (mutate: (b: Uint8Array) => Uint8Array): string => { try { faceTemplateFromBytes(mutate(bytes.slice())); return 'no error'; } catch (e) { return codeOfError(e); } };
    expect(bad((b) => b.subarray(0, 100))).toBe('ERR_TEMPLATE_CORRUPT');
    expect(bad((b) => { b[0] = 0; return b; })).toBe('ERR_TEMPLATE_TYPE');
    expect(bad((b) => { b[5] = 9; return b; })).toBe('ERR_MATCHER_MISMATCH');
  });
});

describe.skipIf(!haveData)('face pipeline on ORL', () => {
  it('mates score above non-mates, and the calibrated score says so', async () => {
    const ex = await FaceExtractor.create();
    expect(ex.backend).toMatch(/^wasm/); // TensorFlow.js on WebAssembly (+ onnxruntime-web for the int8 ResNet, the default)
    const a = await ex.createTemplate(orl(1, 1));
    const b = await ex.createTemplate(orl(1, 2));
    const c = await ex.createTemplate(orl(2, 1));
    const mate = codeCosine(a.code, b.code), nonMate = codeCosine(a.code, c.code);
    expect(mate).toBeGreaterThan(nonMate);
    const matcher = new FaceMatcher();
    expect(matcher.compare(a.template, b.template)).toBeGreaterThan(matcher.compare(a.template, c.template));
    expect(a.quality.eyeDistancePx).toBeGreaterThan(20);
    expect(a.quality.eyeDistancePx).toBeLessThan(60); // ORL: 92 px wide faces
  });

  it('an ISO/IEC 19794-5:2011 record with a JPEG 2000 image gives the template of its PGM', async () => {
    const ex = await FaceExtractor.create();
    const gray = decodePgm(orl(3, 4));
    const j2k = await encodeJpeg2000(gray); // lossless
    const record = writeIso19794_5({
      format: 'iso19794-5', version: '2011', temporalSemantics: 0,
      representations: [{ ...faceRepresentation(j2k, 'jpeg2000-lossless', gray.width, gray.height), colourSpace: 3 }],
    });
    const fromRecord = await ex.createTemplate(record);
    const fromPgm = await ex.createTemplate(orl(3, 4));
    expect([...fromRecord.code]).toEqual([...fromPgm.code]);
  });

  it('explain returns box, 68 landmarks and the 150-px chip; a blank image fails to enrol', async () => {
    const ex = await FaceExtractor.create();
    const e = await ex.explain(orl(5, 1));
    expect(e.failure).toBeNull();
    expect(e.box!.width).toBeGreaterThan(30);
    expect(e.landmarks).toHaveLength(136);
    expect(e.alignedChip).toMatchObject({ width: 150, height: 150 });
    const blank = { width: 92, height: 112, pixels: new Uint8Array(92 * 112).fill(128) };
    const error = await ex.createTemplate(blank).catch((x: unknown) => x);
    expect(codeOfError(error)).toBe('ERR_FACE_NOT_FOUND');
    expect((await ex.explain(blank)).failure?.code).toBe('ERR_FACE_NOT_FOUND');
  });

  it('finds a small face in a large photo (the last, unpadded attempt) and it still matches its person', async () => {
    const ex = await FaceExtractor.create();
    const face = decodePgm(orl(8, 1));
    const width = 1000, height = 750, pixels = new Uint8Array(width * height).fill(90);
    for (let y = 0; y < face.height; y++) pixels.set(face.pixels.subarray(y * face.width, (y + 1) * face.width), (400 + y) * width + 600);
    const small = await ex.createTemplate({ width, height, pixels });
    expect(small.box.x).toBeGreaterThan(550);
    expect(small.box.y).toBeGreaterThan(350);
    const mate = await ex.createTemplate(orl(8, 2));
    const nonMate = await ex.createTemplate(orl(9, 2));
    expect(codeCosine(small.code, mate.code)).toBeGreaterThan(codeCosine(small.code, nonMate.code));
  });

  it('a piscina worker thread gives the same template, and the same typed failure', async () => {
    const pool = new FacePool(1);
    try {
      const inWorker = await pool.createTemplate(orl(6, 2));
      const extractor = await FaceExtractor.create();
      const here = await extractor.createTemplate(orl(6, 2));
      // The worker runs the default runtime too (int8 ResNet on onnxruntime-web since session 6).
      expect(inWorker.backend).toBe(extractor.backend);
      expect(inWorker.backend).toContain(FACE_PARAMS.embed.runtime === 'int8' ? 'onnxruntime-web int8' : 'wasm');
      expect([...inWorker.code]).toEqual([...here.code]);
      const error = await pool.createTemplate(new Uint8Array([1, 2, 3])).catch((x: unknown) => x);
      expect(codeOfError(error)).toBe('ERR_IMAGE_UNSUPPORTED');
    } finally {
      await pool.close();
    }
  });
});
