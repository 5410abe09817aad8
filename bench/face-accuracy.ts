/**
 * Face verification accuracy, all-pairs protocol (/work/shared/data/README.md "Face
 * all-pairs"): every unordered pair of images, genuine = same identity. Each enrolled image
 * is scanned once against all enrolled images with the SIMD kernel (only those calls are
 * timed); failures to enrol score -Infinity in every pair they are part of.
 */
import { EngineError } from '../engine/index.ts';
import { FaceMatcher } from '../engine/face/matcher.ts';
import type { SetResult } from './accuracy.ts';
import { median } from './iris-samples.ts';
import { enrolFaceSamples, listFaceSamples, type EnrolledFace, type FaceLayout } from './face-samples.ts';
import { enrolledGallery, scanProbes, setResult, type ScanRows } from './set-result.ts';

export const FACE_PROTOCOL = 'all-pairs';

/** Unordered pairs i < j split by identity. */
export function faceAllPairs(samples: ReadonlyArray<{ identity: string }>): { genuine: Array<[number, number]>; impostor: Array<[number, number]> } {
  const genuine: Array<[number, number]> = [], impostor: Array<[number, number]> = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) (samples[i].identity === samples[j].identity ? genuine : impostor).push([i, j]);
  }
  return { genuine, impostor };
}

export function evaluateEnrolledFaces(set: string, label: string, enrolled: readonly EnrolledFace[]): SetResult {
  const { genuine, impostor } = faceAllPairs(enrolled);
  if (genuine.length === 0 || impostor.length === 0) {
    throw new EngineError('ERR_BENCH_NO_PAIRS', `set ${set}: ${genuine.length} genuine and ${impostor.length} impostor pairs; both kinds are needed (two images of a person, two persons)`);
  }
  const matcher = new FaceMatcher();
  const { galleryIndex, templates: codes } = enrolledGallery(enrolled.map((s) => s.code));
  let scan: ScanRows = { galleryIndex, rows: new Map(), comparisons: 0, seconds: 0 };
  if (codes.length > 0) {
    const gallery = matcher.loadGallery(codes);
    scan = { galleryIndex, ...scanProbes([...galleryIndex.keys()], gallery.size, {
      prepare: (i) => enrolled[i].code!,
      compareMany: (probe, row) => matcher.compareMany(probe, gallery, row),
      release: () => {},
    }) };
  }
  return setResult({
    set, label, protocol: FACE_PROTOCOL, enrolled, genuine, impostor, scan,
    extractMsMedian: median(enrolled.flatMap((s) => (s.extractMs === null ? [] : [s.extractMs]))),
  });
}

export async function evaluateFaceSet(set: string, label: string, layout: FaceLayout, print: (line: string) => void = () => {}): Promise<SetResult> {
  const samples = listFaceSamples(set, layout);
  print(`${label}: enrolling ${samples.length} face images…`);
  const enrolled = await enrolFaceSamples(samples);
  return evaluateEnrolledFaces(set, label, enrolled);
}
