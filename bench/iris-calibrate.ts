/**
 * Fits the iris score calibration (raw → −10·log10 FMR) on impostor pairs that the accuracy
 * reports it is checked on never use:
 * - a CASIA-layout set: session-1 images of different eyes against each other (the
 *   cross-session report's impostors are session-2 probes against session-1 images);
 * - an MMU1-layout set (PPP/left|right): all impostor pairs within the FIRST half of the
 *   persons (`--half first` of the accuracy bench); the second half is left for the check.
 * Pairs are taken within each set (a sensor's own impostors), pooled over the sets, so the one
 * calibration is fitted with every sensor given in view. Same fitting as the finger
 * calibration (calibrate.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IrisMatcher } from '../engine/index.ts';
import { EngineError } from '../engine/index.ts';
import { listCasiaIrisSamples, type IrisSample } from '../datasets/casia-iris.ts';
import { listMmu1Samples } from '../datasets/mmu1.ts';
import { fitCalibration, type Calibration } from './calibrate.ts';
import { enrolIrisSamples } from './iris-samples.ts';
import { irisHalf } from './iris-accuracy.ts';

/** mmu1 when a person folder holds left/ or right/, else casia. */
function isMmu1Layout(dir: string): boolean {
  try {
    return readdirSync(dir).some((p) => /^\d+$/.test(p) && (existsSync(join(dir, p, 'left')) || existsSync(join(dir, p, 'right'))));
  } catch {
    return false;
  }
}

/** The calibration samples of one set and how they are described. */
function calibrationSamples(dir: string): { samples: IrisSample[]; description: string } {
  if (isMmu1Layout(dir)) return { samples: irisHalf(listMmu1Samples(dir), 'first'), description: `${dir} (mmu1 layout, first half of the persons, different eyes)` };
  return { samples: listCasiaIrisSamples(dir).filter((s) => s.session === 1), description: `${dir} (session 1, different eyes)` };
}

export function runIrisCalibration(sets: readonly string[]): Calibration {
  if (sets.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', 'iris calibration needs a --set folder (CASIA or MMU1 layout)');
  const matcher = new IrisMatcher();
  const scores: number[] = [];
  const descriptions: string[] = [];
  for (const dir of sets) {
    const { samples, description } = calibrationSamples(dir);
    descriptions.push(description);
    const usable = enrolIrisSamples(matcher, samples).filter((s) => s.template !== null);
    for (let a = 0; a < usable.length; a++) {
      for (let b = a + 1; b < usable.length; b++) {
        if (usable[a].identity === usable[b].identity) continue;
        scores.push(matcher.compareRaw(usable[a].template!, usable[b].template!));
      }
    }
  }
  if (scores.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', 'no impostor pairs: the sets need images of two eyes or more');
  return { sets: descriptions, ...fitCalibration(Float64Array.from(scores)) };
}
