/**
 * Iris verification accuracy (/work/shared/data/README.md): the CASIA-V1 cross-session protocol
 * (session-1 images enrolled, session-2 images probe; genuine = same eye, impostor = different
 * eyes) or all pairs (MMU1: every unordered pair, the other eye of a person is an impostor). Each probe's rotations are prepared once and compared against the whole gallery with
 * compareMany; only those calls are timed. Failures to enrol score -Infinity in every pair.
 */
import { EngineError, IrisMatcher } from '../engine/index.ts';
import { crossSessionPairs, type IrisSample } from '../datasets/casia-iris.ts';
import { buildPairs } from '../datasets/protocols.ts';
import { enrolledGallery, scanProbes, setResult, type ScanRows } from './set-result.ts';
import { enrolIrisSamples, median } from './iris-samples.ts';
import type { SetResult } from './accuracy.ts';

export const IRIS_PROTOCOL = 'cross-session';
/** The iris protocols: CASIA-V1 cross-session, or every unordered pair (MMU1, one session). */
export type IrisProtocol = typeof IRIS_PROTOCOL | 'all-pairs';
/** Which half of a set's persons to keep (tuning on one half, checking on the other). */
export type IrisHalf = 'first' | 'second';

/** The person behind an eye: MMU1 identities are person_side, CASIA-V1 numbers eyes only. */
const personOf = (identity: string): string => identity.replace(/_(left|right)$/, '');

/**
 * The samples of the first or second half of the persons, in listing order (the first half
 * has the odd one out). Both eyes of a person stay in the same half.
 */
export function irisHalf(samples: readonly IrisSample[], half: IrisHalf): IrisSample[] {
  const persons = [...new Set(samples.map((s) => personOf(s.identity)))];
  const first = new Set(persons.slice(0, Math.ceil(persons.length / 2)));
  return samples.filter((s) => first.has(personOf(s.identity)) === (half === 'first'));
}

export function evaluateIrisSet(set: string, label: string, samples: readonly IrisSample[], protocol: IrisProtocol = IRIS_PROTOCOL, matcher = new IrisMatcher()): SetResult {
  return protocol === 'all-pairs' ? evaluateIrisAllPairs(set, label, samples, matcher) : evaluateIrisCrossSession(set, label, samples, matcher);
}

/**
 * All pairs (MMU1 protocol): every unordered pair of images, genuine = same eye. Every enrolled
 * image is in the gallery; each image that is the first of some pair probes it once.
 */
function evaluateIrisAllPairs(set: string, label: string, samples: readonly IrisSample[], matcher: IrisMatcher): SetResult {
  const enrolled = enrolIrisSamples(matcher, samples);
  const { genuine, impostor } = buildPairs(enrolled.map((s) => ({ identity: s.identity, impression: s.index })), 'all-pairs');
  if (genuine.length === 0 || impostor.length === 0) {
    throw new EngineError('ERR_BENCH_NO_PAIRS', `set ${set}: all pairs gives ${genuine.length} genuine and ${impostor.length} impostor pairs; both kinds are needed (two images of an eye, two eyes)`);
  }
  const { galleryIndex, templates } = enrolledGallery(enrolled.map((s) => s.template));
  let scan: ScanRows = { galleryIndex, rows: new Map(), comparisons: 0, seconds: 0 };
  if (templates.length > 0) {
    const gallery = matcher.loadGallery(templates);
    const probes = [...new Set([...genuine, ...impostor].map(([i]) => i))].filter((i) => galleryIndex.has(i)).sort((a, b) => a - b);
    scan = { galleryIndex, ...scanProbes(probes, gallery.size, {
      prepare: (i) => matcher.prepareProbe(enrolled[i].template!),
      compareMany: (probe, row) => matcher.compareMany(probe, gallery, row),
      release: (probe) => matcher.releaseProbe(probe),
    }) };
  }
  return setResult({
    set, label, protocol: 'all-pairs', enrolled, genuine, impostor, scan,
    extractMsMedian: median(enrolled.flatMap((s) => (s.extractMs === null ? [] : [s.extractMs]))),
  });
}

function evaluateIrisCrossSession(set: string, label: string, samples: readonly IrisSample[], matcher: IrisMatcher): SetResult {
  const enrolled = enrolIrisSamples(matcher, samples);
  const { genuine, impostor } = crossSessionPairs(enrolled);
  if (genuine.length === 0 || impostor.length === 0) {
    throw new EngineError(
      'ERR_BENCH_NO_PAIRS',
      `set ${set}: the cross-session protocol gives ${genuine.length} genuine and ${impostor.length} impostor pairs; both kinds are needed (sessions 1 and 2 of two eyes or more)`,
    );
  }
  const { galleryIndex, templates } = enrolledGallery(enrolled.map((s) => (s.session === 1 ? s.template : null))); // session 1 enrolled
  let scan: ScanRows = { galleryIndex, rows: new Map(), comparisons: 0, seconds: 0 };
  if (templates.length > 0) {
    const gallery = matcher.loadGallery(templates);
    const probes = enrolled.flatMap((s, i) => (s.session === 2 && s.template !== null ? [i] : []));
    scan = { galleryIndex, ...scanProbes(probes, gallery.size, {
      prepare: (i) => matcher.prepareProbe(enrolled[i].template!),
      compareMany: (probe, row) => matcher.compareMany(probe, gallery, row),
      release: (probe) => matcher.releaseProbe(probe),
    }) };
  }
  return setResult({
    set, label, protocol: IRIS_PROTOCOL, enrolled, genuine, impostor, scan,
    extractMsMedian: median(enrolled.flatMap((s) => (s.extractMs === null ? [] : [s.extractMs]))),
  });
}
