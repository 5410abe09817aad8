/**
 * The Yale face layout: `subjectNN.CONDITION`, no file extension (centerlight, glasses,
 * happy, leftlight, noglasses, normal, rightlight, sad, sleepy, surprised, wink). Identity =
 * `subjectNN`; every other file in the folder is ignored (a README, a thumbnail).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineError } from '../engine/index.ts';

export interface FaceSample {
  /** Absolute path. */
  file: string;
  /** The sample's name in reports: `subject01.glasses` (yale) or `IDENTITY/IMAGE` (folders). */
  name: string;
  identity: string;
}

const YALE_NAME = /^(subject\d+)\.([a-z]+)$/i;

/** Samples of a Yale folder, sorted by identity then condition. ERR_DATASET_MISSING / ERR_DATASET_EMPTY. */
export function listYaleSamples(dir: string): FaceSample[] {
  const folder = resolve(dir);
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a directory');
    names = readdirSync(folder);
  } catch (cause) {
    throw new EngineError('ERR_DATASET_MISSING', `dataset folder ${folder} does not exist or is not a readable folder`, { cause });
  }
  const samples = names.flatMap((name) => {
    const m = YALE_NAME.exec(name);
    return m === null || !statSync(join(folder, name)).isFile() ? [] : [{ file: join(folder, name), name, identity: m[1].toLowerCase() }];
  });
  if (samples.length === 0) throw new EngineError('ERR_DATASET_EMPTY', `no file named subjectNN.CONDITION in ${folder}`);
  return samples.sort((a, b) => a.identity.localeCompare(b.identity, 'en', { numeric: true }) || a.name.localeCompare(b.name));
}
