/**
 * Real iris subjects planted in the iris identify bench's generated background, and the
 * searches made with them:
 * - MMU1 (`<data>/iris/mmu1`): a person is a subject with two eyes, each enrolled with its
 *   first image that gives a template; the person's other images, paired by number (image i
 *   of the left eye with image i of the right), are two-eye probes (one eye when the other
 *   failed to enrol);
 * - CASIA-V1 subset (`<data>/iris/casia-v1-subset`): an eye is a subject with that one eye
 *   (CASIA-V1 does not say which: stored as the right eye, searched as the right eye), enrolled
 *   with its first session-1 image, searched with each session-2 image.
 * Halves by person (the first half of each set's persons by number): the coarse pass's share was
 * chosen on the first (bench/identify-iris-coarse-fit.ts), so figures are given per half too.
 */
import { join } from 'node:path';
import { EngineError, IrisMatcher, type IrisTemplate, type Probe } from '../engine/index.ts';
import { listCasiaIrisSamples, type IrisSample } from '../datasets/casia-iris.ts';
import { listMmu1Samples } from '../datasets/mmu1.ts';
import { enrolIrisSamples } from './iris-samples.ts';
import { dataDir } from './data-dir.ts';

export interface PlantedIrisSubject {
  readonly referenceId: string;
  readonly right?: Uint8Array;
  readonly left?: Uint8Array;
}

export interface PlantedIrisSearch {
  readonly mate: string;
  readonly set: 'mmu1' | 'casia-v1';
  readonly half: 'first' | 'second';
  readonly probe: Probe;
}

export interface PlantedIrises {
  readonly gallery: readonly PlantedIrisSubject[];
  readonly searches: readonly PlantedIrisSearch[];
  /** Every real template enrolled (gallery and probes): the realness check's real codes, and the masks the background borrows. */
  readonly realTemplates: readonly { readonly eye: string; readonly half: 'first' | 'second'; readonly bytes: Uint8Array }[];
  readonly failedToEnrol: number;
}

interface Enrolled { sample: IrisSample; template: IrisTemplate | null }

function halves(persons: readonly string[]): Map<string, 'first' | 'second'> {
  const sorted = [...new Set(persons)].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  return new Map(sorted.map((p, i) => [p, i < Math.ceil(sorted.length / 2) ? 'first' : 'second']));
}

export function plantedIrises(): PlantedIrises {
  const root = join(dataDir(), 'iris');
  let mmu: IrisSample[], casia: IrisSample[];
  try {
    mmu = listMmu1Samples(join(root, 'mmu1'));
    casia = listCasiaIrisSamples(join(root, 'casia-v1-subset'));
  } catch (cause) {
    throw new EngineError('ERR_BENCH_DATA', `the iris identify bench plants real eyes from ${root}/mmu1 and ${root}/casia-v1-subset (set BIODEDUP_DATA): ${(cause as Error).message}`, { cause });
  }
  const matcher = new IrisMatcher();
  const enrolled: Enrolled[] = enrolIrisSamples(matcher, [...mmu, ...casia]).map((e) => ({ sample: e, template: e.template }));
  const gallery: PlantedIrisSubject[] = [];
  const searches: PlantedIrisSearch[] = [];
  const realTemplates: { eye: string; half: 'first' | 'second'; bytes: Uint8Array }[] = [];
  const mmuOnly = enrolled.slice(0, mmu.length), casiaOnly = enrolled.slice(mmu.length);
  // MMU1: identity "PPP_left" / "PPP_right"
  const mmuHalf = halves(mmu.map((s) => s.identity.split('_')[0]));
  const persons = [...new Set(mmu.map((s) => s.identity.split('_')[0]))];
  for (const person of persons) {
    const half = mmuHalf.get(person)!;
    const eye = (side: 'left' | 'right') => mmuOnly.filter((e) => e.sample.identity === `${person}_${side}`).sort((a, b) => a.sample.index - b.sample.index);
    const left = eye('left'), right = eye('right');
    for (const e of [...left, ...right]) if (e.template !== null) realTemplates.push({ eye: `mmu1-${e.sample.identity}`, half, bytes: e.template.bytes });
    const enrolLeft = left.find((e) => e.template !== null), enrolRight = right.find((e) => e.template !== null);
    if (enrolLeft === undefined && enrolRight === undefined) continue;
    const referenceId = `mmu1-${person}`;
    gallery.push({ referenceId, left: enrolLeft?.template!.bytes, right: enrolRight?.template!.bytes });
    const indices = [...new Set([...left, ...right].map((e) => e.sample.index))].sort((a, b) => a - b);
    for (const i of indices) {
      const l = left.find((e) => e.sample.index === i && e !== enrolLeft && e.template !== null && enrolLeft !== undefined);
      const r = right.find((e) => e.sample.index === i && e !== enrolRight && e.template !== null && enrolRight !== undefined);
      const irises = [...(r === undefined ? [] : [{ side: 'right' as const, template: r.template!.bytes }]), ...(l === undefined ? [] : [{ side: 'left' as const, template: l.template!.bytes }])];
      if (irises.length > 0) searches.push({ mate: referenceId, set: 'mmu1', half, probe: { irises } });
    }
  }
  // CASIA-V1: one eye per identity, cross-session
  const casiaHalf = halves(casia.map((s) => s.identity));
  for (const identity of [...new Set(casia.map((s) => s.identity))]) {
    const half = casiaHalf.get(identity)!;
    const images = casiaOnly.filter((e) => e.sample.identity === identity);
    for (const e of images) if (e.template !== null) realTemplates.push({ eye: `casia-${identity}`, half, bytes: e.template.bytes });
    const enrol = images.find((e) => e.sample.session === 1 && e.template !== null);
    if (enrol === undefined) continue;
    const referenceId = `casia-${identity}`;
    gallery.push({ referenceId, right: enrol.template!.bytes });
    for (const e of images) {
      if (e.sample.session === 2 && e.template !== null) searches.push({ mate: referenceId, set: 'casia-v1', half, probe: { irises: [{ side: 'right', template: e.template.bytes }] } });
    }
  }
  if (gallery.length === 0) throw new EngineError('ERR_BENCH_DATA', `no real eye could be enrolled from ${root}`);
  return { gallery, searches, realTemplates, failedToEnrol: enrolled.filter((e) => e.template === null).length };
}
