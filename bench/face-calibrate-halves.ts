/**
 * The face calibration fitted on one half of the identities and checked on the other: every
 * image of the given sets enrolled once with the default pipeline; identities of each set in
 * sorted order, first half "A" (the fit), second half "B" (the check). The fit is the same
 * knots-and-tail fit as `calibrate --modality face` (within-set impostors, pooled over the
 * sets), on half A's impostors only; the check counts the share of half B's within-set
 * impostors at calibrated score ≥ 20 (should be ≈ 1 %) and ≥ 30 (≈ 0.1 %), beside the same
 * shares under the engine's current calibration (engine/face-calibration.ts). Also prints the
 * threshold-free figures per set (EER, FNMR at FMR 1 % and 0.1 %) on all, A and B.
 *
 *   npx tsx bench/face-calibrate-halves.ts --set ../shared/data/face/orl --set ../shared/data/face/yale
 */
import { calibrateFaceScore } from '../engine/face-calibration.ts';
import { FaceMatcher } from '../engine/face/matcher.ts';
import { piecewiseCalibration } from '../engine/score-calibration.ts';
import { fitCalibration, formatCalibration } from './calibrate.ts';
import { evaluateEnrolledFaces } from './face-accuracy.ts';
import { guessFaceLayout } from './face-calibrate.ts';
import { enrolFaceSamples, listFaceSamples, type EnrolledFace } from './face-samples.ts';

interface Person { code: Int8Array; who: string; set: string; half: 'A' | 'B' }

async function main(argv: string[]): Promise<void> {
  const sets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--set' || argv[i + 1] === undefined) throw new Error('usage: face-calibrate-halves.ts --set DIR [--set DIR]…');
    sets.push(argv[++i]);
  }
  const people: Person[] = [];
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  for (const dir of sets) {
    const samples = listFaceSamples(dir, guessFaceLayout(dir));
    const identities = [...new Set(samples.map((s) => s.identity))];
    const halfA = new Set(identities.slice(0, Math.ceil(identities.length / 2)));
    const enrolled = await enrolFaceSamples(samples);
    const report = (label: string, e: EnrolledFace[]): void => {
      const r = evaluateEnrolledFaces(dir, label, e).report;
      const genuine = r.genuine;
      console.log(`  ${label.padEnd(4)} FTE ${e.filter((s) => s.code === null).length}/${e.length}  EER ${pct(r.eer)}  FNMR@FMR1% ${pct(r.fmr100)}  FNMR@FMR0.1% ${pct(r.fmr1000)}  (genuine pairs ${genuine})`);
    };
    console.log(`${dir}: ${samples.length} images, ${identities.length} identities (half A: ${halfA.size})`);
    report('all', enrolled);
    report('A', enrolled.filter((e) => halfA.has(e.identity)));
    report('B', enrolled.filter((e) => !halfA.has(e.identity)));
    for (const s of enrolled) if (s.code !== null) people.push({ code: s.code, who: s.identity, set: dir, half: halfA.has(s.identity) ? 'A' : 'B' });
  }
  // Within-set impostor cosines, each tagged with the half both persons belong to (mixed pairs: neither half).
  const matcher = new FaceMatcher();
  const gallery = matcher.loadGallery(people.map((p) => p.code));
  const row = new Float32Array(gallery.size);
  const impostors: Array<{ raw: number; set: string; half: 'A' | 'B' | 'AB' }> = [];
  for (let a = 0; a < people.length; a++) {
    matcher.rawScores(people[a].code, gallery, row);
    for (let b = a + 1; b < people.length; b++) {
      const p = people[a], q = people[b];
      if (p.set === q.set && p.who !== q.who) impostors.push({ raw: row[b], set: p.set, half: p.half === q.half ? p.half : 'AB' });
    }
  }
  const fit = fitCalibration(Float64Array.from(impostors.filter((i) => i.half === 'A').map((i) => i.raw)));
  console.log(`fit on half A's within-set impostors:\n${formatCalibration({ sets: sets.map((s) => `${s} half A`), ...fit })}`);
  const fitted = piecewiseCalibration({ raw: fit.raw, calibrated: fit.calibrated, tailSlope: fit.tailSlope });
  const check = (label: string, pick: (i: typeof impostors[number]) => boolean): void => {
    const chosen = impostors.filter(pick);
    const share = (f: (raw: number) => number, t: number): string => `${pct(chosen.filter((i) => f(i.raw) >= t).length / chosen.length)} (${chosen.filter((i) => f(i.raw) >= t).length})`;
    console.log(`  ${label.padEnd(34)} ${String(chosen.length).padStart(6)} impostors  half-A fit: ≥20 ${share(fitted, 20)}  ≥30 ${share(fitted, 30)}   engine's current calibration: ≥20 ${share(calibrateFaceScore, 20)}  ≥30 ${share(calibrateFaceScore, 30)}`);
  };
  console.log('calibration check (share of impostors at or above the score):');
  check('half B, all sets (the check)', (i) => i.half === 'B');
  for (const dir of sets) check(`half B, ${dir.split('/').pop()}`, (i) => i.half === 'B' && i.set === dir);
  check('half A, all sets (fitted on)', (i) => i.half === 'A');
  check('all within-set impostors', () => true);
}

await main(process.argv.slice(2));
