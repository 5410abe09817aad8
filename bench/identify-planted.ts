/**
 * Real subjects planted in the identify bench's synthetic gallery, and the searches made with
 * them. From each FVC2002 ISO set (10 fingers × 8 impressions) come persons of `fingers`
 * consecutive fingers (101+102, 103+104, … for two): the last person of each set is held out
 * (never enrolled: its searches are the non-mated ones); the others are enrolled with
 * impression 1 and searched with impressions 2–8 (mated). Without the data, synthetic
 * impressions stand in, said loudly: their scores are far easier than real ones.
 */
import { EngineError, FingerMatcher, type Probe } from '../engine/index.ts';
import { fvc2002IsoSetDirs, isDirectory } from './data-dir.ts';
import { readIsoSamples, syntheticSamples, type FingerSample } from './iso-samples.ts';
import { FINGER_ORDER, type PlantedSubject } from './identify-gallery.ts';

export interface PlantedPersons {
  readonly source: string;
  readonly gallery: readonly PlantedSubject[];
  readonly mated: readonly { readonly mate: string; readonly probe: Probe }[];
  readonly nonMated: readonly { readonly probe: Probe }[];
}

const IMPRESSIONS = 8;

export function plantedPersons(fingers: number, log: (line: string) => void): PlantedPersons {
  const dirs = fvc2002IsoSetDirs().filter(isDirectory);
  const sets = dirs.length > 0
    ? dirs.map((dir) => ({ name: dir.split('/').pop()!, samples: readIsoSamples(dir, 'fvc') }))
    : [{ name: 'synthetic', samples: syntheticSamples(10, IMPRESSIONS, 4242) }];
  if (dirs.length === 0) log('warning: no fvc2002-iso data: planting synthetic persons (much easier than real ones)');
  const matcher = new FingerMatcher();
  const gallery: PlantedSubject[] = [];
  const mated: { mate: string; probe: Probe }[] = [];
  const nonMated: { probe: Probe }[] = [];
  for (const { name, samples } of sets) {
    const byFinger = new Map<string, FingerSample[]>();
    for (const s of samples) byFinger.set(s.identity, [...(byFinger.get(s.identity) ?? []), s]);
    const fingerIds = [...byFinger.keys()].sort();
    const persons = Math.floor(fingerIds.length / fingers);
    for (let p = 0; p < persons; p++) {
      const ids = fingerIds.slice(p * fingers, (p + 1) * fingers);
      const template = (impression: number): Uint8Array[] => ids.map((id) => {
        const sample = byFinger.get(id)!.find((s) => s.impression === impression);
        if (sample === undefined || !sample.input.ok) throw new EngineError('ERR_BENCH_DATA', `${name}/${id}_${impression} is missing or unreadable`);
        return matcher.createTemplate(sample.input.minutiae, { resolutionPxPerCm: sample.input.resolutionPxPerCm }).bytes;
      });
      const probeOf = (templates: Uint8Array[]): Probe => ({ fingers: templates.map((t, i) => ({ position: FINGER_ORDER[i], template: t })) });
      const referenceId = `planted-${name}-${ids.join('.')}`;
      const heldOut = p === persons - 1;
      if (!heldOut) gallery.push({ referenceId, templates: template(1) });
      for (let i = heldOut ? 1 : 2; i <= IMPRESSIONS; i++) {
        if (heldOut) nonMated.push({ probe: probeOf(template(i)) });
        else mated.push({ mate: referenceId, probe: probeOf(template(i)) });
      }
    }
  }
  return { source: dirs.length > 0 ? `fvc2002-iso ${sets.map((s) => s.name).join(' ')}` : 'synthetic', gallery, mated, nonMated };
}
