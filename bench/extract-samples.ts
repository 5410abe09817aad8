/**
 * Fingerprint samples for the bench from images: each image of a dataset folder is decoded
 * (not timed), then run through the extractor (timed, one core), and its record becomes the
 * sample's input. A failure to decode or to enrol (ERR_QUALITY_TOO_LOW and the other typed
 * errors) is kept as an FTE with its reason, never dropped.
 */
import { readFileSync } from 'node:fs';
import { listSamples, type DatasetLayout } from '../datasets/layouts.ts';
import { decodeImage, EngineError, FingerExtractor } from '../engine/index.ts';
import { describeError, inputFromRecord, type FingerSample, type SampleInput } from './iso-samples.ts';

/** Image files the bench reads (decodeImage sniffs the real format from the bytes). */
export const IMAGE_EXTENSIONS = ['tif', 'tiff', 'png', 'bmp', 'pgm', 'jpg', 'jpeg', 'jp2', 'j2k'];
/** Resolution assumed when neither the set nor --dpi gives one. */
export const DEFAULT_IMAGE_DPI = 500;

export interface ImageSamples {
  samples: FingerSample[];
  /** Extraction time of each decoded image (FTEs included: the work was done), ms. */
  extractMs: number[];
}

/** A set folder with an optional per-set resolution: "DIR@569" → { dir: "DIR", dpi: 569 }. */
export function parseSetSpec(spec: string): { dir: string; dpi: number | undefined } {
  const m = /^(.*)@(\d+(?:\.\d+)?)$/.exec(spec);
  if (m === null || m[1] === '') return { dir: spec, dpi: undefined };
  return { dir: m[1], dpi: Number(m[2]) };
}

/** Decodes and extracts every image of `dir` named by `layout`, at `dpi`. */
export async function readImageSamples(dir: string, layout: DatasetLayout, dpi: number = DEFAULT_IMAGE_DPI, extractor = new FingerExtractor()): Promise<ImageSamples> {
  const extractMs: number[] = [];
  const samples: FingerSample[] = [];
  for (const { file, name, identity, impression } of listSamples(dir, layout, IMAGE_EXTENSIONS)) {
    let input: SampleInput;
    try {
      const image = await decodeImage(readFileSync(file));
      const t0 = process.hrtime.bigint();
      try {
        const { record } = extractor.extract(image, { dpi });
        input = inputFromRecord(record);
      } finally {
        extractMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    } catch (e) {
      if (!(e instanceof EngineError)) throw e; // anything else is a bug, not a property of the sample
      input = { ok: false, reason: describeError(e) };
    }
    samples.push({ name, identity, impression, input });
  }
  return { samples, extractMs };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}
