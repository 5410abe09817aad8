import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset } from '../../datasets/synthetic.ts';
import { writeIso19794_2 } from '../../engine/formats/index.ts';

/** Writes a generated set of ISO 19794-2 records with fvc names (FFF_I.iso) and returns its folder. */
export function writeGeneratedSet(dir: string, fingers: number, impressions: number, seed: number): string {
  mkdirSync(dir, { recursive: true });
  for (const { identity, impression, record } of generateDataset(fingers, impressions, seed)) {
    writeFileSync(join(dir, `${identity}_${impression}.iso`), writeIso19794_2(record));
  }
  return dir;
}
