/**
 * Fits the iris score calibration (raw → −10·log10 FMR) on impostor pairs that the accuracy
 * report never uses: session-1 images of different eyes, against each other. The CASIA
 * cross-session report's impostors are session-2 probes against session-1 gallery images, so
 * no fitted pair is a reported pair (the session-1 images themselves are shared: the same
 * eyes, other captures' pairings). Same fitting as the finger calibration (calibrate.ts).
 */
import { IrisMatcher } from '../engine/index.ts';
import { EngineError } from '../engine/index.ts';
import { listCasiaIrisSamples } from '../datasets/casia-iris.ts';
import { fitCalibration, type Calibration } from './calibrate.ts';
import { enrolIrisSamples } from './iris-samples.ts';

export function runIrisCalibration(sets: readonly string[]): Calibration {
  if (sets.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', 'iris calibration needs a --set folder (CASIA layout)');
  const matcher = new IrisMatcher();
  const session1 = sets.flatMap((dir) => enrolIrisSamples(matcher, listCasiaIrisSamples(dir).filter((s) => s.session === 1)).map((s) => ({ ...s, set: dir })));
  const usable = session1.filter((s) => s.template !== null);
  const scores: number[] = [];
  for (let a = 0; a < usable.length; a++) {
    for (let b = a + 1; b < usable.length; b++) {
      if (usable[a].set === usable[b].set && usable[a].identity === usable[b].identity) continue;
      scores.push(matcher.compareRaw(usable[a].template!, usable[b].template!));
    }
  }
  if (scores.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', 'no session-1 impostor pairs: the sets need session-1 images of two eyes or more');
  return { sets: sets.map((s) => `${s} (session 1, different eyes)`), ...fitCalibration(Float64Array.from(scores)) };
}
