/**
 * The MMU1 iris layout (see /work/shared/data/README.md): `PPP/left|right/*.bmp`, person folder
 * PPP, eye folder left or right. An eye (the identity) is person + side, so a person's other eye
 * is an impostor, as it is in deduplication. One capture session: the protocol is all pairs.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { EngineError } from '../engine/index.ts';
import type { IrisSample } from './casia-iris.ts';

const SIDES = ['left', 'right'] as const;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Every `PPP/left|right/*.bmp` under `dir` (PPP all digits), sorted by person, side, file name.
 * Identity "PPP_left" / "PPP_right"; `index` numbers an eye's images from 1 in name order;
 * `session` is 1 (MMU1 has one session). Other folders and files are ignored.
 * Throws EngineError ERR_DATASET_MISSING (no folder), ERR_DATASET_EMPTY (no image found).
 */
export function listMmu1Samples(dir: string): IrisSample[] {
  const root = resolve(dir);
  if (!isDirectory(root)) throw new EngineError('ERR_DATASET_MISSING', `dataset folder ${root} does not exist or is not a readable folder`);
  const persons = readdirSync(root).filter((p) => /^\d+$/.test(p) && isDirectory(join(root, p)));
  persons.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const samples: IrisSample[] = [];
  for (const person of persons) {
    for (const side of SIDES) {
      const folder = join(root, person, side);
      if (!isDirectory(folder)) continue;
      const files = readdirSync(folder).filter((f) => extname(f).toLowerCase() === '.bmp' && isFile(join(folder, f))).sort();
      files.forEach((f, k) => {
        samples.push({ file: join(folder, f), name: `${person}_${side}_${f.slice(0, -4)}`, identity: `${person}_${side}`, session: 1, index: k + 1 });
      });
    }
  }
  if (samples.length === 0) throw new EngineError('ERR_DATASET_EMPTY', `dataset folder ${root} has no images named PPP/left|right/*.bmp`);
  return samples;
}
