/**
 * Iris samples for the bench: read and decode each image, build its template, time the
 * extraction (decoding excluded). A sample that cannot be read or decoded, or gives no
 * template, is a failure to enrol with its reason — never dropped.
 */
import { readFileSync } from 'node:fs';
import { decodeGrayImage, IrisMatcher, type IrisTemplate } from '../engine/index.ts';
import type { IrisSample } from '../datasets/casia-iris.ts';

export interface EnrolledIris extends IrisSample {
  template: IrisTemplate | null;
  failure: string | null;
  /** Template extraction time, ms (null when the image could not be decoded). */
  extractMs: number | null;
}

export function enrolIrisSamples(matcher: IrisMatcher, samples: readonly IrisSample[]): EnrolledIris[] {
  return samples.map((s) => {
    let image;
    try {
      image = decodeGrayImage(new Uint8Array(readFileSync(s.file)));
    } catch (e) {
      return { ...s, template: null, failure: reasonOf(e), extractMs: null };
    }
    const t0 = process.hrtime.bigint();
    try {
      const template = matcher.createTemplate(image);
      return { ...s, template, failure: null, extractMs: Number(process.hrtime.bigint() - t0) / 1e6 };
    } catch (e) {
      return { ...s, template: null, failure: reasonOf(e), extractMs: Number(process.hrtime.bigint() - t0) / 1e6 };
    }
  });
}

function reasonOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
