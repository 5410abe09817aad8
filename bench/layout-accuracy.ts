/**
 * Accuracy on a benchmarker's own data (layouts `folders` and `csv`, datasets/folders.ts and
 * datasets/csv-manifest.ts), for any modality: the layout gives a labelled sample list, the
 * modality turns files into templates, the protocol picks the pairs, and one scan scores them.
 *
 * Fingerprints: `.iso` files are ISO 19794-2 / ANSI 378 records, any other file is an image
 * through the extractor. Iris: images through the iris template builder. A face modality plugs
 * in the same way (a `enrol` function and a matcher with loadGallery / prepareProbe /
 * compareMany / releaseProbe).
 */
import { readFileSync } from 'node:fs';
import { EngineError, FingerExtractor, FingerMatcher, IrisMatcher, readMinutiaeRecord, type KernelVariant } from '../engine/index.ts';
import { listFolderSamples } from '../datasets/folders.ts';
import { readCsvManifest } from '../datasets/csv-manifest.ts';
import { crossSessionPairs, requireBothPairKinds, type LabelledSample, type SessionPairs } from '../datasets/labelled-samples.ts';
import { buildPairs } from '../datasets/protocols.ts';
import { enrolSamples, describeError, inputFromRecord, type SampleInput } from './iso-samples.ts';
import { enrolIrisSamples } from './iris-samples.ts';
import { IMAGE_EXTENSIONS, median, readImageSample } from './extract-samples.ts';
import { enrolledGallery, scanProbes, setResult, type ScanRows } from './set-result.ts';
import { startProgress, withProgress } from './progress.ts';
import type { SetResult } from './accuracy.ts';

export type GenericLayout = 'folders' | 'csv';
export const GENERIC_LAYOUTS: readonly GenericLayout[] = ['folders', 'csv'];
export type GenericProtocol = 'all-pairs' | 'fvc' | 'cross-session';
export type GenericModality = 'finger' | 'iris';

/** Extensions the folders layout picks up per modality (csv manifests name their files). */
const EXTENSIONS: Record<GenericModality, readonly string[]> = {
  finger: ['iso', ...IMAGE_EXTENSIONS],
  iris: IMAGE_EXTENSIONS,
};

/** The labelled samples of a set: a folder (folders) or a manifest file (csv). */
export function listLabelledSamples(set: string, layout: GenericLayout, modality: GenericModality): LabelledSample[] {
  return layout === 'csv' ? readCsvManifest(set) : listFolderSamples(set, EXTENSIONS[modality]);
}

/** The protocol's [probe, gallery] pairs; ERR_BENCH_NO_PAIRS when either kind is empty. */
export function protocolPairs(set: string, samples: readonly LabelledSample[], protocol: GenericProtocol): SessionPairs {
  const pairs = protocol === 'cross-session' ? crossSessionPairs(samples) : buildPairs(samples, protocol);
  requireBothPairKinds(set, protocol, pairs);
  return pairs;
}

interface Enrolled<T> {
  name: string;
  template: T | null;
  failure: string | null;
}

/** What the scan needs of a matcher; FingerMatcher and IrisMatcher both fit. */
interface PairMatcher<T, P, G extends { size: number }> {
  loadGallery(templates: readonly T[]): G;
  prepareProbe(template: T): P;
  compareMany(probe: P, gallery: G, out: Float32Array<ArrayBuffer>): unknown;
  releaseProbe(probe: P): void;
}

/**
 * Scores the pairs: the gallery holds every enrolled sample that is the gallery side of a pair,
 * each probe is prepared once and scanned against it (only compareMany is timed).
 */
export function scorePairs<T, P, G extends { size: number }>(
  set: string, label: string, protocol: GenericProtocol, enrolled: ReadonlyArray<Enrolled<T>>, pairs: SessionPairs,
  matcher: PairMatcher<T, P, G>, extractMsMedian: number | null,
): SetResult {
  const all = [...pairs.genuine, ...pairs.impostor];
  const inGallery = new Set(all.map(([, j]) => j));
  const { galleryIndex, templates } = enrolledGallery(enrolled.map((s, i) => (inGallery.has(i) ? s.template : null)));
  let scan: ScanRows = { galleryIndex, rows: new Map(), comparisons: 0, seconds: 0 };
  if (templates.length > 0) {
    const gallery = matcher.loadGallery(templates);
    const probes = [...new Set(all.map(([i]) => i))].filter((i) => enrolled[i].template !== null).sort((a, b) => a - b);
    const progress = startProgress({ label: `${label} scoring`, total: probes.length, unit: 'probes' });
    scan = { galleryIndex, ...scanProbes(withProgress(probes, progress), gallery.size, {
      prepare: (i) => matcher.prepareProbe(enrolled[i].template!),
      compareMany: (probe, row) => matcher.compareMany(probe, gallery, row),
      release: (probe) => matcher.releaseProbe(probe),
    }) };
  }
  return setResult({ set, label, protocol, enrolled, genuine: pairs.genuine, impostor: pairs.impostor, scan, extractMsMedian });
}

/** Fingerprint samples: `.iso` records read, images extracted at `dpi` (timed). */
async function fingerInputs(label: string, samples: readonly LabelledSample[], dpi: number): Promise<{ inputs: SampleInput[]; extractMs: number[] }> {
  const extractor = new FingerExtractor();
  const inputs: SampleInput[] = [];
  const extractMs: number[] = [];
  const progress = startProgress({ label: `${label} extraction`, total: samples.length, unit: 'samples' });
  for (const s of withProgress(samples, progress)) {
    if (s.file.toLowerCase().endsWith('.iso')) {
      try {
        inputs.push(inputFromRecord(readMinutiaeRecord(readFileSync(s.file))));
      } catch (e) {
        inputs.push({ ok: false, reason: describeError(e) });
      }
    } else {
      const { input, ms } = await readImageSample(s.file, dpi, extractor);
      if (ms !== null) extractMs.push(ms);
      inputs.push(input);
    }
  }
  return { inputs, extractMs };
}

export interface GenericSetOptions {
  set: string;
  label: string;
  modality: GenericModality;
  samples: readonly LabelledSample[];
  protocol: GenericProtocol;
  /** Fingerprint images' resolution (records carry their own). */
  dpi: number;
  kernel?: KernelVariant;
}

/** Enrols a labelled set with the modality's template builder and scores the protocol's pairs. */
export async function evaluateLabelledSet(o: GenericSetOptions): Promise<SetResult> {
  const pairs = protocolPairs(o.set, o.samples, o.protocol);
  if (o.modality === 'finger') {
    const { inputs, extractMs } = await fingerInputs(o.label, o.samples, o.dpi);
    const matcher = new FingerMatcher(o.kernel ?? 'simd');
    const enrolled = enrolSamples(matcher, o.samples.map((s, k) => ({ name: s.name, identity: s.identity, impression: s.impression, input: inputs[k] })));
    return scorePairs(o.set, o.label, o.protocol, enrolled, pairs, matcher, median(extractMs));
  }
  if (o.modality === 'iris') {
    const matcher = new IrisMatcher();
    const progress = startProgress({ label: `${o.label} extraction`, total: o.samples.length, unit: 'images' });
    // The iris reader wants CASIA-style numbers; session and index only label, the pairs are fixed above.
    const enrolled = [];
    for (const s of withProgress(o.samples, progress)) {
      enrolled.push(enrolIrisSamples(matcher, [{ file: s.file, name: s.name, identity: s.identity, session: 0, index: s.impression }])[0]);
    }
    const extractMs = median(enrolled.flatMap((s) => (s.extractMs === null ? [] : [s.extractMs])));
    return scorePairs(o.set, o.label, o.protocol, enrolled, pairs, matcher, extractMs);
  }
  throw new EngineError('ERR_BENCH_OPTION', `modality "${String(o.modality)}" has no generic-layout reader`);
}
