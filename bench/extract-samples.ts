/**
 * Fingerprint samples for the bench from images: each image of a dataset folder is decoded
 * (not timed), then run through the extractor (timed, one core), and its record becomes the
 * sample's input. A failure to decode or to enrol (ERR_QUALITY_TOO_LOW and the other typed
 * errors) is kept as an FTE with its reason, never dropped.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { listSamples, type DatasetLayout } from '../datasets/layouts.ts';
import { decodeImage, EngineError, FingerExtractor } from '../engine/index.ts';
import { startProgress, withProgress } from './progress.ts';
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
  const listed = listSamples(dir, layout, IMAGE_EXTENSIONS);
  const progress = startProgress({ label: `${basename(resolve(dir))} extraction`, total: listed.length, unit: 'images' });
  const extractMs: number[] = [];
  const samples: FingerSample[] = [];
  for (const { file, name, identity, impression } of withProgress(listed, progress)) {
    const { input, ms } = await readImageSample(file, dpi, extractor);
    if (ms !== null) extractMs.push(ms);
    samples.push({ name, identity, impression, input });
  }
  return { samples, extractMs };
}

/**
 * One image through the extractor: its minutiae, or why not (a typed error is a failure to
 * enrol), and the extraction time in ms (null when the image could not be decoded).
 */
export async function readImageSample(file: string, dpi: number, extractor: FingerExtractor): Promise<{ input: SampleInput; ms: number | null }> {
  let ms: number | null = null;
  try {
    const image = await decodeImage(readFileSync(file));
    const t0 = process.hrtime.bigint();
    let input: SampleInput;
    try {
      input = inputFromRecord(extractor.extract(image, { dpi }).record);
    } finally {
      ms = Number(process.hrtime.bigint() - t0) / 1e6; // FTEs included: the work was done
    }
    return { input, ms };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e; // anything else is a bug, not a property of the sample
    return { input: { ok: false, reason: describeError(e) }, ms };
  }
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}
