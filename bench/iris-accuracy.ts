/**
 * Iris verification accuracy, CASIA-V1 cross-session protocol (/work/shared/data/README.md):
 * session-1 images enrolled, session-2 images probe; genuine = same eye, impostor = different
 * eyes. Each probe's rotations are prepared once and compared against the whole gallery with
 * compareMany; only those calls are timed. Failures to enrol score -Infinity in every pair.
 */
import { EngineError, IrisMatcher, type IrisTemplate } from '../engine/index.ts';
import { crossSessionPairs, type IrisSample } from '../datasets/casia-iris.ts';
import { scanProbes, setResult, type ScanRows } from './set-result.ts';
import { enrolIrisSamples, median } from './iris-samples.ts';
import type { SetResult } from './accuracy.ts';

export const IRIS_PROTOCOL = 'cross-session';

export function evaluateIrisSet(set: string, label: string, samples: readonly IrisSample[], matcher = new IrisMatcher()): SetResult {
  const enrolled = enrolIrisSamples(matcher, samples);
  const { genuine, impostor } = crossSessionPairs(enrolled);
  if (genuine.length === 0 || impostor.length === 0) {
    throw new EngineError(
      'ERR_BENCH_NO_PAIRS',
      `set ${set}: the cross-session protocol gives ${genuine.length} genuine and ${impostor.length} impostor pairs; both kinds are needed (sessions 1 and 2 of two eyes or more)`,
    );
  }
  const galleryIndex = new Map<number, number>();
  const templates: IrisTemplate[] = [];
  enrolled.forEach((s, i) => {
    if (s.session !== 1 || s.template === null) return;
    galleryIndex.set(i, templates.length);
    templates.push(s.template);
  });
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
