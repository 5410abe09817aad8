/**
 * The CASIA-IrisV1 folder layout (see /work/shared/data/README.md): `EEE/S/EEE_S_I.bmp`, eye
 * EEE, capture session S (1 or 2), image I. The eye is the identity: CASIA-V1 numbers eyes,
 * not people.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineError } from '../engine/index.ts';

export interface IrisSample {
  /** Absolute path. */
  file: string;
  /** File name without extension, e.g. "001_2_3". */
  name: string;
  /** The eye, as spelled in the name ("001"). */
  identity: string;
  session: number;
  /** Image number within the session. */
  index: number;
}

const NAME = /^(\d+)_(\d+)_(\d+)\.bmp$/i;

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isDirectory()))
    .map((e) => e.name);
}

/**
 * Every `EEE/S/EEE_S_I.bmp` under `dir`, sorted by eye, session, image. A file whose name
 * disagrees with its folders (001/2/002_2_1.bmp) is an error (ERR_DATASET_LAYOUT): it would
 * silently turn into a wrong genuine or impostor pair. Also ERR_DATASET_MISSING, ERR_DATASET_EMPTY.
 */
export function listCasiaIrisSamples(dir: string): IrisSample[] {
  const root = resolve(dir);
  let eyes: string[];
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
    eyes = subfolders(root);
  } catch (cause) {
    throw new EngineError('ERR_DATASET_MISSING', `dataset folder ${root} does not exist or is not a readable folder`, { cause });
  }
  const samples: IrisSample[] = [];
  for (const eye of eyes.filter((e) => /^\d+$/.test(e))) {
    for (const session of subfolders(join(root, eye)).filter((s) => /^\d+$/.test(s))) {
      for (const entry of readdirSync(join(root, eye, session))) {
        const m = NAME.exec(entry);
        if (!m) continue;
        if (m[1] !== eye || Number(m[2]) !== Number(session)) {
          throw new EngineError('ERR_DATASET_LAYOUT', `${join(root, eye, session, entry)}: the name says eye ${m[1]} session ${m[2]}, the folders say eye ${eye} session ${session}`);
        }
        samples.push({ file: join(root, eye, session, entry), name: entry.slice(0, -4), identity: eye, session: Number(m[2]), index: Number(m[3]) });
      }
    }
  }
  if (samples.length === 0) throw new EngineError('ERR_DATASET_EMPTY', `dataset folder ${root} has no files named EEE/S/EEE_S_I.bmp`);
  return samples.sort((a, b) => Number(a.identity) - Number(b.identity) || a.identity.localeCompare(b.identity) || a.session - b.session || a.index - b.index);
}

/**
 * The CASIA-V1 cross-session protocol: session-1 images are enrolled (gallery), session-2
 * images probe; genuine = same eye, impostor = different eyes. Index pairs [probe, gallery].
 */
export function crossSessionPairs(samples: readonly IrisSample[]): { genuine: Array<[number, number]>; impostor: Array<[number, number]> } {
  const genuine: Array<[number, number]> = [];
  const impostor: Array<[number, number]> = [];
  samples.forEach((p, i) => {
    if (p.session !== 2) return;
    samples.forEach((g, j) => {
      if (g.session !== 1) return;
      (p.identity === g.identity ? genuine : impostor).push([i, j]);
    });
  });
  return { genuine, impostor };
}
