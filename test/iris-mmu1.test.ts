/**
 * The MMU1 iris layout (datasets/mmu1.ts) and the all-pairs iris bench: on generated eyes
 * written as PPP/left|right/*.bmp, and the accuracy regression on the real MMU1 set (another
 * NIR sensor than CASIA-V1) when it is present.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAccuracy } from '../bench/accuracy.ts';
import { dataDir } from '../bench/data-dir.ts';
import { evaluateIrisSet, irisHalf } from '../bench/iris-accuracy.ts';
import { listMmu1Samples } from '../datasets/mmu1.ts';
import { generateEye } from '../datasets/synthetic-iris.ts';
import { encodePgm, type GrayImage } from '../engine/index.ts';

const root = mkdtempSync(join(tmpdir(), 'iris-mmu1-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 24-bit bottom-up BMP with gray content, as MMU1 stores its images. */
function bmp24Of(image: GrayImage): Uint8Array {
  const stride = (image.width * 3 + 3) & ~3;
  const offset = 54;
  const bytes = new Uint8Array(offset + stride * image.height);
  const v = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]);
  v.setUint32(2, bytes.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, image.width, true);
  v.setInt32(22, image.height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const g = image.pixels[y * image.width + x];
      bytes.set([g, g, g], offset + (image.height - 1 - y) * stride + 3 * x);
    }
  }
  return bytes;
}

/** `persons` persons × 2 eyes × 3 images, MMU1-like frames (320×240, iris ≈ 52 px). */
function writeGeneratedSet(dir: string, persons: number): void {
  for (let p = 1; p <= persons; p++) {
    for (const [s, side] of (['left', 'right'] as const).entries()) {
      mkdirSync(join(dir, String(p), side), { recursive: true });
      for (let i = 1; i <= 3; i++) {
        const image = generateEye({
          width: 320, height: 240, textureSeed: 100 * p + s,
          pupil: { x: 158 + p, y: 118, radius: 20 + p }, iris: { x: 160 + p, y: 119, radius: 52 },
          rotation: ((i - 2) * 3 * Math.PI) / 180, noiseSeed: i,
        });
        writeFileSync(join(dir, String(p), side, `name${side[0]}${i}.bmp`), bmp24Of(image));
      }
    }
  }
  writeFileSync(join(dir, 'README.txt'), 'not an image');
  writeFileSync(join(dir, '1', 'left', 'thumb.pgm'), encodePgm({ width: 2, height: 2, pixels: new Uint8Array(4) }));
}

describe('MMU1 layout and the all-pairs iris bench on a generated set', () => {
  const dir = join(root, 'generated');
  writeGeneratedSet(dir, 3);

  it('lists PPP/left|right/*.bmp, an eye = person + side, ignoring other files', () => {
    const samples = listMmu1Samples(dir);
    expect(samples).toHaveLength(3 * 2 * 3);
    expect(samples.slice(0, 4).map((s) => [s.identity, s.index])).toEqual([['1_left', 1], ['1_left', 2], ['1_left', 3], ['1_right', 1]]);
    expect(irisHalf(samples, 'first').map((s) => s.identity.split('_')[0])).toEqual(Array(12).fill(0).map((_, k) => (k < 6 ? '1' : '2')));
    expect(irisHalf(samples, 'second').every((s) => s.identity.startsWith('3_'))).toBe(true);
  });

  it('scores all pairs: the other eye of the same person is an impostor', async () => {
    const [r] = await runAccuracy({ modality: 'iris', layout: 'mmu1', sets: [dir] });
    // 6 eyes × C(3,2) genuine; C(18,2) − 18 impostor
    expect(r).toMatchObject({ protocol: 'all-pairs', genuine: 18, impostor: 153 - 18, fte: 0, eer: 0 });
  });

  it('refuses a missing or empty folder with typed codes', () => {
    expect(() => listMmu1Samples(join(root, 'absent'))).toThrow(expect.objectContaining({ code: 'ERR_DATASET_MISSING' }));
    mkdirSync(join(root, 'empty', '1', 'left'), { recursive: true });
    expect(() => listMmu1Samples(join(root, 'empty'))).toThrow(expect.objectContaining({ code: 'ERR_DATASET_EMPTY' }));
  });

  it('refuses --half for fingers', async () => {
    await expect(runAccuracy({ sets: [dir], half: 'first' })).rejects.toMatchObject({ code: 'ERR_BENCH_OPTION' });
  });
});

const mmu1 = join(dataDir(), 'iris', 'mmu1');
const hasData = existsSync(mmu1);
describe('MMU1 accuracy (real data, another NIR sensor)', () => {
  if (!hasData) console.log(`skipping the real-data MMU1 regression: no ${mmu1} (set BIODEDUP_DATA)`);
  // Measured (all pairs, 450 images, IRC4 kernel, session 12: half-ring local shifts in the
  // matcher and bright islands coded, docs/iris-sensors.md ninth and tenth passes): FTE 0.22 %
  // (1 of 450), EER 1.67 %, FNMR at FMR 0.1 % 3.00 % (27/900), impostors ≥ 20: 1.16 %, ≥ 30:
  // 0.11 %. The EER bar is the issue's target (≤ 2 %, 3 genuine pairs of margin), FNMR's 4 %.
  // Seventh pass (lash stage): EER 2.67 %, FNMR 3.89 % (35/900), 0.96 %, 0.11 %. Without the lash
  // stage (sixth pass): EER 2.78 %, FNMR 4.11 % (37/900), 1.08 %, 0.11 %.
  // IRC4 with the pooled limbus only: EER 3.22 %, FNMR 4.78 % (43/900). IRC3 before: EER 3.11 %, FNMR 4.67 %, impostors ≥ 20 / ≥ 30 1.49 / 0.17 %; log-Gabor IRC2:
  // EER 4.72 %, FNMR 7.00 %; Gabor: EER 6.89 %, FNMR 12.67 %; before the adaptive
  // segmentation: EER 22.8 %, FTE 4 %.
  it.skipIf(!hasData)('keeps all-pairs EER, FNMR at FMR 0.1 %, FTE and the calibration near the measured figures', () => {
    const result = evaluateIrisSet(mmu1, 'mmu1', listMmu1Samples(mmu1), 'all-pairs');
    const r = result.report;
    expect(r).toMatchObject({ genuine: 900, impostor: 100125 });
    expect(r.fte).toBeLessThanOrEqual(MMU1_BARS.fte);
    expect(r.eer).toBeLessThanOrEqual(MMU1_BARS.eer);
    expect(r.fmr1000).toBeLessThanOrEqual(MMU1_BARS.fmr1000);
    expect(result.impostorShareAt20).toBeLessThanOrEqual(MMU1_BARS.share20);
    expect(result.impostorShareAt30).toBeLessThanOrEqual(MMU1_BARS.share30);
  }, 300_000); // 450 extractions and 100k comparisons: ≈ 50 s alone, longer beside the other test files

  // The calibration (engine/iris-calibration.ts) is fitted on the first half's impostors and
  // CASIA-V1 session 1; the second half's persons were never fitted on. Measured when written
  // (session 12, calibration refitted): ≥ 20 1.23 %, ≥ 30 0.14 %; seventh pass 1.10 %, 0.11 % of 24,090
  // impostor pairs (without the lash stage 1.23 %, 0.15 %; pooled limbus only: 1.16 %, 0.14 %); IRC3's bit counts alone gave
  // 2.00 % / 0.27 % here — one calibration, each sensor off target by its own code correlations.
  it.skipIf(!hasData)('holds the pooled calibration on the persons it was not fitted on (≥ 20 ≈ 1 %, ≥ 30 ≈ 0.1 %)', () => {
    const result = evaluateIrisSet(mmu1, 'mmu1', irisHalf(listMmu1Samples(mmu1), 'second'), 'all-pairs');
    expect(result.impostorShareAt20).toBeGreaterThanOrEqual(0.005);
    expect(result.impostorShareAt20).toBeLessThanOrEqual(0.015);
    expect(result.impostorShareAt30).toBeLessThanOrEqual(0.002);
  }, 300_000);
});

/** Regression bars (shares, 0–1), set from the figures measured when written (above). */
const MMU1_BARS = { fte: 0.01, eer: 0.02, fmr1000: 0.04, share20: 0.015, share30: 0.0016 };
