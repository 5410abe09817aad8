/**
 * Fits the face score calibration (cosine → −10·log10 FMR) on the within-set impostor pairs of
 * the given sets, pooled: one calibration for all capture conditions, never one per set.
 * Pairs across sets are left out: two sets differ in camera, light and crop, so their
 * impostors are easier than any a real gallery (one capture process) holds, and would make the
 * calibrated scores of real impostors too high. The accuracy report's calibration check is
 * then on pairs this fit has seen: say so beside its figures. Same knots-and-tail fit as the
 * finger calibration (calibrate.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { EngineError } from '../engine/index.ts';
import { FaceMatcher } from '../engine/face/matcher.ts';
import { fitCalibration, type Calibration } from './calibrate.ts';
import { enrolFaceSamples, listFaceSamples, type FaceLayout } from './face-samples.ts';

/** yale when the folder holds subjectNN.CONDITION files, else folders (IDENTITY/IMAGE). */
export function guessFaceLayout(dir: string): FaceLayout {
  return existsSync(dir) && readdirSync(dir).some((n) => /^subject\d+\.[a-z]+$/i.test(n)) ? 'yale' : 'folders';
}

export async function runFaceCalibration(sets: readonly string[], print: (line: string) => void = () => {}): Promise<Calibration> {
  if (sets.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', 'face calibration needs --set folders (folders or yale layout; two sets or more recommended)');
  const people: Array<{ code: Int8Array; who: string; set: string }> = [];
  for (const dir of sets) {
    const samples = listFaceSamples(dir, guessFaceLayout(dir));
    print(`${dir}: enrolling ${samples.length} face images…`);
    for (const s of await enrolFaceSamples(samples)) if (s.code !== null) people.push({ code: s.code, who: s.identity, set: dir });
  }
  const matcher = new FaceMatcher();
  const gallery = matcher.loadGallery(people.map((p) => p.code));
  const row = new Float32Array(gallery.size);
  const scores: number[] = [];
  for (let a = 0; a < people.length; a++) {
    matcher.rawScores(people[a].code, gallery, row);
    for (let b = a + 1; b < people.length; b++) if (people[a].set === people[b].set && people[a].who !== people[b].who) scores.push(row[b]);
  }
  if (scores.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', 'no impostor pairs: the sets need two persons or more');
  return { sets: sets.map((s) => `${s} (within-set impostors)`), ...fitCalibration(Float64Array.from(scores)) };
}
