/**
 * Real persons planted in the identify bench's synthetic gallery, and the searches made with
 * them (datasets/planted-mates.ts: from each FVC2002 ISO set, persons of `fingers` consecutive
 * fingers; the last person of each set held out for the non-mated searches; the others enrolled
 * with impression 1 and searched with impressions 2–8). Without the data, the bench refuses:
 * synthetic mates would say nothing about FNIR or FPIR.
 */
import { EngineError, FingerMatcher, type Probe } from '../engine/index.ts';
import { loadPlantedMates, type FingersByPosition } from '../datasets/planted-mates.ts';
import { FINGER_ORDER } from '../datasets/scale-gallery.ts';
import { dataDir } from './data-dir.ts';
import type { PlantedSubject } from './identify-gallery.ts';

export interface PlantedPersons {
  readonly source: string;
  readonly gallery: readonly PlantedSubject[];
  readonly mated: readonly { readonly mate: string; readonly probe: Probe }[];
  readonly nonMated: readonly { readonly probe: Probe }[];
}

export function plantedPersons(fingers: number): PlantedPersons {
  const positions = FINGER_ORDER.slice(0, fingers);
  let planted;
  try {
    planted = loadPlantedMates({ dataDir: dataDir(), positions });
  } catch (cause) {
    throw new EngineError('ERR_BENCH_DATA', `the identify bench plants real persons from ${dataDir()}/fingerprint/fvc2002-iso (set BIODEDUP_DATA): ${(cause as Error).message}`, { cause });
  }
  const matcher = new FingerMatcher();
  const templates = (f: FingersByPosition): Uint8Array[] => positions.map((p) => {
    const record = f[p];
    return matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX }).bytes;
  });
  const probe = (f: FingersByPosition): Probe => ({ fingers: templates(f).map((template, i) => ({ position: positions[i], template })) });
  return {
    source: 'fvc2002-iso',
    gallery: planted.gallery.map((s) => ({ referenceId: s.referenceId.replaceAll('+', '.'), templates: templates(s.fingers) })),
    mated: planted.matedProbes.map((p) => ({ mate: p.referenceId.replaceAll('+', '.'), probe: probe(p.fingers) })),
    nonMated: planted.nonMatedProbes.map((p) => ({ probe: probe(p.fingers) })),
  };
}
