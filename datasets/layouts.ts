/**
 * Lists the samples of a dataset folder from its file-naming layout (see
 * /work/shared/data/README.md): which files belong to which identity, in which impression.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { EngineError } from '../engine/index.ts';

export type DatasetLayout = 'fvc' | 'neurotech';

export interface Sample {
  /** Absolute path. */
  file: string;
  /** File name without extension, e.g. "101_3" or "012_10_3". */
  name: string;
  /** Finger identity: "101" (fvc) or person_finger "012_10" (neurotech), as spelled in the name. */
  identity: string;
  /** Impression number from the name (1–8 in the published sets). */
  impression: number;
}

const PATTERNS: Record<DatasetLayout, { regex: RegExp; text: string }> = {
  // FFF_I: finger, impression.
  fvc: { regex: /^(\d+)_(\d+)$/, text: 'FFF_I (finger_impression, e.g. 101_1)' },
  // PPP_F_I: person, finger, impression; a finger identity is person + finger.
  neurotech: { regex: /^(\d+_\d+)_(\d+)$/, text: 'PPP_F_I (person_finger_impression, e.g. 012_3_1)' },
};

/**
 * Samples in `dir` whose names match the layout and whose extension is one of `extensions`
 * (case-insensitive, with or without the dot). Other files and sub-folders are ignored, so a
 * README or thumbnails beside the data do no harm. Sorted by identity (numerically, part by
 * part, so "012_2" < "012_10") then impression.
 *
 * Throws EngineError: ERR_DATASET_MISSING (no such folder), ERR_DATASET_EMPTY (nothing
 * matches), ERR_DATASET_DUPLICATE (two files with the same identity and impression, e.g.
 * 101_1.tif and 101_1.png: keeping both would create a fake genuine pair of one capture).
 */
export function listSamples(dir: string, layout: DatasetLayout, extensions: string[]): Sample[] {
  const pattern = PATTERNS[layout];
  if (!pattern) {
    throw new EngineError('ERR_DATASET_LAYOUT', `unknown dataset layout "${String(layout)}" (expected fvc or neurotech)`);
  }
  const folder = resolve(dir);
  const exts = new Set(extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase()));
  const extText = [...exts].join(', ') || '(none given)';

  let entries;
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (cause) {
    throw new EngineError('ERR_DATASET_MISSING', `dataset folder ${folder} does not exist or is not a readable folder`, {
      cause,
    });
  }

  const samples: Sample[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const ext = extname(entry.name);
    if (!exts.has(ext.toLowerCase())) continue;
    const name = entry.name.slice(0, entry.name.length - ext.length);
    const m = pattern.regex.exec(name);
    if (!m) continue;
    const file = join(folder, entry.name);
    // Symlinked files count; folders that happen to match the pattern do not.
    if (!entry.isFile() && !(entry.isSymbolicLink() && isFile(file))) continue;

    const identity = m[1];
    const impression = Number(m[2]);
    const key = `${identity}#${impression}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new EngineError(
        'ERR_DATASET_DUPLICATE',
        `dataset folder ${folder} has two files for identity ${identity}, impression ${impression}: ${previous} and ${entry.name}`,
      );
    }
    seen.set(key, entry.name);
    samples.push({ file, name, identity, impression });
  }

  if (samples.length === 0) {
    throw new EngineError(
      'ERR_DATASET_EMPTY',
      `dataset folder ${folder} has no files named ${pattern.text} with extension ${extText}`,
    );
  }
  return samples.sort((a, b) => compareIdentity(a.identity, b.identity) || a.impression - b.impression);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Identities are digit groups joined by "_": compare group by group as numbers, then as text. */
export function compareIdentity(a: string, b: string): number {
  const pa = a.split('_');
  const pb = b.split('_');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  // Same numbers but different spelling ("7" vs "07"): keep the order total and stable.
  return a < b ? -1 : a > b ? 1 : 0;
}
