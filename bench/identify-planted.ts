/**
 * Real persons planted in the identify bench's synthetic gallery, and the searches made with
 * them (datasets/planted-mates.ts: from each FVC2002 ISO set, persons of `fingers` consecutive
 * fingers; the last person of each set held out for the non-mated searches; the others enrolled
 * with impression 1 and searched with impressions 2–8). Without the data, the bench refuses:
 * synthetic mates would say nothing about FNIR or FPIR. (The http bench's gallery.)
 *
 * `realPlantedPersons` (the identify bench): every real finger available
 * (datasets/scale-real-fingers.ts: FVC2002 DB1–DB3 SecuGen templates, whose persons are
 * composites of different real fingers, and U.are.U persons through our extractor), grouped
 * into persons of `fingers` fingers, enrolled with impression 1 and searched with impressions
 * 2–8: the same persons as the real-vs-real pool (identify-real-pool.ts).
 */
import { EngineError, FingerMatcher, type MinutiaeRecord, type Probe } from '../engine/index.ts';
import { loadPlantedMates, type FingersByPosition } from '../datasets/planted-mates.ts';
import { allRealFingers, personHalves, realPersons, type RealPerson } from '../datasets/scale-real-fingers.ts';
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


export interface PlantedSearch {
  readonly mate: string;
  /** The person's half (datasets/scale-real-fingers.ts personHalves), as in the real pool. */
  readonly half: 'choose' | 'report';
  readonly probe: Probe;
}

export interface RealPlantedPersons {
  readonly source: string;
  readonly persons: readonly RealPerson[];
  readonly compositePersons: number;
  readonly gallery: readonly PlantedSubject[];
  readonly mated: readonly PlantedSearch[];
}

/** A referenceId the store accepts, from a person's label. */
function referenceIdOf(person: RealPerson): string {
  return person.id.replace(/[^A-Za-z0-9._-]/g, '.');
}

export async function realPlantedPersons(fingers: number): Promise<RealPlantedPersons> {
  let persons: RealPerson[];
  try {
    persons = realPersons(await allRealFingers(dataDir()), fingers);
  } catch (cause) {
    throw new EngineError('ERR_BENCH_DATA', `the identify bench plants real persons from ${dataDir()}/fingerprint (fvc2002-iso, neurotech-uareu; set BIODEDUP_DATA): ${(cause as Error).message}`, { cause });
  }
  const matcher = new FingerMatcher();
  const template = (r: MinutiaeRecord | null | undefined): Uint8Array | null => {
    if (r === null || r === undefined || r.views[0] === undefined) return null;
    try {
      return matcher.createTemplate(r.views[0].minutiae, { resolutionPxPerCm: r.resolutionX }).bytes;
    } catch {
      return null;
    }
  };
  const positions = FINGER_ORDER.slice(0, fingers);
  const gallery: PlantedSubject[] = [];
  const mated: PlantedSearch[] = [];
  const enrolled: RealPerson[] = [];
  const halves = personHalves(persons);
  for (const [index, person] of persons.entries()) {
    const enrolment = person.fingers.map((f) => template(f.impressions[0]));
    if (enrolment.some((t) => t === null)) continue; // the real pool leaves such a person out too
    const referenceId = referenceIdOf(person);
    const half = halves[index];
    enrolled.push(person);
    gallery.push({ referenceId, templates: enrolment as Uint8Array[] });
    const impressions = Math.max(...person.fingers.map((f) => f.impressions.length));
    for (let i = 1; i < impressions; i++) {
      const probe = person.fingers.map((f) => template(f.impressions[i]));
      if (probe.some((t) => t === null)) continue;
      mated.push({ mate: referenceId, half, probe: { fingers: probe.map((t, k) => ({ position: positions[k], template: t! })) } });
    }
  }
  if (gallery.length === 0) throw new EngineError('ERR_BENCH_DATA', `no real person of ${fingers} fingers could be enrolled from ${dataDir()}`);
  return {
    source: 'fvc2002-iso DB1–DB3 (composite persons) + neurotech-uareu (real persons, our extractor)',
    persons: enrolled,
    compositePersons: enrolled.filter((p) => p.composite).length,
    gallery,
    mated,
  };
}
