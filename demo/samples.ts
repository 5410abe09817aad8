/**
 * Sample MOSIP CBEFF records built at run time from generated minutiae (datasets/synthetic.ts:
 * synthetic fingers, never real people): each demo person has a right and a left index finger as
 * ISO 19794-2 BDBs; two records of one person are two captures (impressions) of the same fingers.
 */
import { writeCbeff, writeIso19794_2 } from '../engine/index.ts';
import { generateDataset } from '../datasets/synthetic.ts';

const IMPRESSIONS = 3;
const SUBTYPES = ['Right IndexFinger', 'Left IndexFinger'] as const;

/** `record(person, impression)`: a CBEFF document (impression 1–3) of one of `persons` synthetic people. */
export function samplePeople(persons: number, seed = 2026): { record(person: number, impression: number): string } {
  const data = generateDataset(persons * SUBTYPES.length, IMPRESSIONS, seed);
  return {
    record: (person, impression) => writeCbeff(SUBTYPES.map((subtype, f) => ({
      type: 'Finger', subtype, formatType: '2', bdb: writeIso19794_2(data[(person * SUBTYPES.length + f) * IMPRESSIONS + impression - 1].record),
    }))),
  };
}
