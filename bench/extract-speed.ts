/**
 * Fingerprint extraction speed on one core: every FVC2002 B image (DB2 at 569 dpi, so its
 * figure includes resampling to 500 dpi) is decoded once (not timed), then extracted, and
 * beside each extraction, in the same kernel instance and the same run, the baseline: one
 * 3×3 box-filter pass over the same image (copy into the kernel + filter). Medians over all
 * images and passes. Without the data, generated ridge images stand in (said loudly).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { listSamples } from '../datasets/layouts.ts';
import { decodeImage, EngineError, FingerExtractor, type GrayImage } from '../engine/index.ts';
import { dataDir, isDirectory } from './data-dir.ts';
import { IMAGE_EXTENSIONS, median } from './extract-samples.ts';
import type { SpeedContext, SpeedFigures, SpeedSuite } from './speed.ts';

export const EXTRACT_BASELINE = '3×3 box filter over the same image in the same kernel (copy in + one pass)';
/** Passes over the image list: the median then rests on every image several times. */
const PASSES = 3;
const FVC2002_SETS: ReadonlyArray<[string, number]> = [['DB1_B', 500], ['DB2_B', 569], ['DB3_B', 500], ['DB4_B', 500]];

interface TimedImage { image: GrayImage; dpi: number }

/** A generated fingerprint-like image (straight-ish ridges of period 9 px in an ellipse). */
function generatedImage(seed: number): GrayImage {
  const w = 320, h = 360, pixels = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const e = ((x - w / 2) / (0.42 * w)) ** 2 + ((y - h / 2) / (0.45 * h)) ** 2;
      const k = e < 1 ? 1 : Math.max(0, 1 - (e - 1) * 5);
      const phase = (2 * Math.PI * (0.8 * x + 0.6 * y + 0.002 * seed * (x - w / 2) ** 2)) / 9 + Math.atan2(y - h / 2, x - w / 2 - seed);
      pixels[y * w + x] = Math.round(200 - k * (80 + 80 * Math.cos(phase)));
    }
  }
  return { width: w, height: h, pixels };
}

async function images(print: (line: string) => void): Promise<{ list: TimedImage[]; source: string }> {
  const root = join(dataDir(), 'fingerprint', 'fvc2002');
  const present = FVC2002_SETS.filter(([set]) => isDirectory(join(root, set)));
  if (present.length === 0) {
    print(`WARNING: no ${root}/DB*_B: timing GENERATED images (set BIODEDUP_DATA for real ones)`);
    return { list: Array.from({ length: 16 }, (_, i) => ({ image: generatedImage(i), dpi: 500 })), source: 'generated' };
  }
  const list: TimedImage[] = [];
  for (const [set, dpi] of present) {
    for (const { file } of listSamples(join(root, set), 'fvc', IMAGE_EXTENSIONS)) list.push({ image: await decodeImage(readFileSync(file)), dpi });
  }
  return { list, source: present.map(([set, dpi]) => `${join(root, set)}@${dpi}`).join(', ') };
}

export const extractSpeedSuite: SpeedSuite = {
  name: 'finger extraction (one core)',
  async run(context: SpeedContext): Promise<SpeedFigures> {
    const { list, source } = await images(context.print);
    const extractor = new FingerExtractor();
    const extractMs: number[] = [], baselineMs: number[] = [];
    let sink = 0;
    for (let pass = 0; pass < PASSES; pass++) {
      for (const { image, dpi } of list) {
        let t0 = process.hrtime.bigint();
        try {
          sink += extractor.extract(image, { dpi }).quality;
        } catch (e) {
          if (!(e instanceof EngineError)) throw e; // a failure to enrol still did the work
        }
        extractMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        t0 = process.hrtime.bigint();
        sink += extractor.boxFilterBaseline(image);
        baselineMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    const figures = {
      fingerExtractMsMedian: median(extractMs) ?? 0,
      fingerExtractBaselineMsMedian: median(baselineMs) ?? 0,
      fingerExtractBaseline: EXTRACT_BASELINE,
      fingerExtractImages: list.length,
      fingerExtractSource: source,
    };
    context.print(`extraction: median ${figures.fingerExtractMsMedian.toFixed(2)} ms per image; baseline (${EXTRACT_BASELINE}): ${figures.fingerExtractBaselineMsMedian.toFixed(3)} ms; ${list.length} images × ${PASSES} passes`);
    // The checksum keeps the work observable (never optimised away); it is not a figure.
    if (!Number.isFinite(sink)) context.print('note: checksum is not finite');
    return figures;
  },
};
