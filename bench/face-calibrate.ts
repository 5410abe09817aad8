/**
 * Fits the face score calibration (cosine → −10·log10 FMR) on every impostor pair of the
 * given sets pooled: the within-set impostors of each set and every pair across sets (two
 * sets are two sets of people). One calibration for all capture conditions, never one per
 * set. The accuracy report's calibration check is then on pairs this fit has seen: say so
 * beside its figures. Same knots-and-tail fit as the finger calibration (calibrate.ts).
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
  const people: Array<{ code: Int8Array; who: string }> = [];
  for (const dir of sets) {
    const samples = listFaceSamples(dir, guessFaceLayout(dir));
    print(`${dir}: enrolling ${samples.length} face images…`);
    for (const s of await enrolFaceSamples(samples)) if (s.code !== null) people.push({ code: s.code, who: `${dir}\u0000${s.identity}` });
  }
  const matcher = new FaceMatcher();
  const gallery = matcher.loadGallery(people.map((p) => p.code));
  const row = new Float32Array(gallery.size);
  const scores: number[] = [];
  for (let a = 0; a < people.length; a++) {
    matcher.rawScores(people[a].code, gallery, row);
    for (let b = a + 1; b < people.length; b++) if (people[a].who !== people[b].who) scores.push(row[b]);
  }
  if (scores.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', 'no impostor pairs: the sets need two persons or more');
  return { sets: sets.map((s) => `${s} (within-set and cross-set impostors)`), ...fitCalibration(Float64Array.from(scores)) };
}
