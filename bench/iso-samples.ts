/**
 * Fingerprint samples for the bench: ISO/ANSI minutiae records from a dataset folder (or
 * generated ones), turned into templates. A sample that cannot be read or gives no usable
 * template is kept as a failure to enrol (FTE) with its reason, never dropped.
 */
import { readFileSync } from 'node:fs';
import { listSamples, type DatasetLayout } from '../datasets/layouts.ts';
import { generateDataset } from '../datasets/synthetic.ts';
import { EngineError } from '../engine/index.ts';
import type { FingerMatcher, FingerTemplate } from '../engine/index.ts';
import { readMinutiaeRecord } from '../engine/index.ts';
import type { Minutia, MinutiaeRecord } from '../engine/index.ts';

/** What a template is built from, or why there is nothing to build it from. */
export type SampleInput =
  | { ok: true; minutiae: readonly Minutia[]; resolutionPxPerCm: number }
  | { ok: false; reason: string };

export interface FingerSample {
  /** File name without extension, e.g. "101_3". */
  name: string;
  identity: string;
  impression: number;
  input: SampleInput;
}

export interface EnrolledSample {
  name: string;
  identity: string;
  impression: number;
  /** null: failure to enrol, see `failure`. */
  template: FingerTemplate | null;
  failure: string | null;
}

/** The generated stand-in for a real set: an FVC "B" set's shape (10 fingers × 8 impressions). */
export const SYNTHETIC = Object.freeze({ fingers: 10, impressions: 8, seed: 2002 });

/** "CODE: message" for typed errors, the message alone otherwise. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/**
 * The first finger view's minutiae at the record's resolution (x resolution: the ISO and ANSI
 * records in use declare equal x and y), or at `dpi` when given, which overrides the record.
 */
export function inputFromRecord(record: MinutiaeRecord, dpi?: number): SampleInput {
  const view = record.views[0];
  if (view === undefined) return { ok: false, reason: 'ERR_RECORD_NO_VIEW: the record has no finger view' };
  const resolutionPxPerCm = dpi === undefined ? record.resolutionX : dpi / 2.54;
  return { ok: true, minutiae: view.minutiae, resolutionPxPerCm };
}

/** Every `.iso` file of `dir` named by `layout`, parsed (not yet enrolled). */
export function readIsoSamples(dir: string, layout: DatasetLayout, dpi?: number): FingerSample[] {
  return listSamples(dir, layout, ['iso']).map(({ file, name, identity, impression }) => {
    let input: SampleInput;
    try {
      input = inputFromRecord(readMinutiaeRecord(readFileSync(file)), dpi);
    } catch (e) {
      input = { ok: false, reason: describeError(e) };
    }
    return { name, identity, impression, input };
  });
}

/** Generated records (datasets/synthetic.ts), ordered by identity then impression like a real set. */
export function syntheticSamples(
  fingers: number = SYNTHETIC.fingers,
  impressions: number = SYNTHETIC.impressions,
  seed: number = SYNTHETIC.seed,
  dpi?: number,
): FingerSample[] {
  return generateDataset(fingers, impressions, seed).map(({ identity, impression, record }) => ({
    name: `${identity}_${impression}`,
    identity,
    impression,
    input: inputFromRecord(record, dpi),
  }));
}

/**
 * Builds each sample's template with `matcher`. Failures to enrol: unreadable input, a
 * template the engine refuses (EngineError), or one with no valid cylinder (nothing to match).
 */
export function enrolSamples(matcher: FingerMatcher, samples: readonly FingerSample[]): EnrolledSample[] {
  return samples.map(({ name, identity, impression, input }) => {
    const failed = (failure: string): EnrolledSample => ({ name, identity, impression, template: null, failure });
    if (!input.ok) return failed(input.reason);
    let template: FingerTemplate;
    try {
      template = matcher.createTemplate(input.minutiae, { resolutionPxPerCm: input.resolutionPxPerCm });
    } catch (e) {
      if (e instanceof EngineError) return failed(describeError(e));
      throw e; // anything else is a bug, not a property of the sample
    }
    if (template.cylinderCount === 0) {
      return failed(`ERR_NO_CYLINDERS: no usable minutiae (${input.minutiae.length} given, 0 valid cylinders)`);
    }
    return { name, identity, impression, template, failure: null };
  });
}
