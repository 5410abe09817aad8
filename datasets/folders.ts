/**
 * The `folders` layout: a benchmarker's own data sorted into one folder per identity.
 *
 *   SET/IDENTITY/IMAGE                     no sessions
 *   SET/IDENTITY/SESSION/IMAGE             one session level
 *   SET/IDENTITY/SESSION/SUB/…/IMAGE       deeper: the session is the whole path below the
 *                                          identity ("2021/left"); samples share a session
 *                                          only when that whole path is the same
 *
 * The first folder level under the set is the identity, whatever the file names are; the
 * folders between the identity and the file are the session. Files directly in SET are ignored
 * (a README, a manifest), as are files whose extension is not asked for and hidden entries.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { EngineError } from '../engine/index.ts';
import { orderSamples, type LabelledSample } from './labelled-samples.ts';

/** Deeper than this is a loop (a symlink to a parent) or not a dataset. */
const MAX_DEPTH = 16;

function normaliseExtensions(extensions: readonly string[]): Set<string> {
  return new Set(extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase()));
}

function kindOf(path: string, entry: Dirent): 'file' | 'dir' | 'other' {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) {
    try {
      const st = statSync(path);
      return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch {
      return 'other'; // a dangling link is not a sample
    }
  }
  return 'other';
}

/**
 * Every file under `dir` in the folders layout with one of `extensions` (case-insensitive,
 * with or without the dot), sorted by identity, session, name. Throws EngineError:
 * ERR_DATASET_MISSING (no such folder), ERR_DATASET_EMPTY (no matching file inside an
 * identity folder; the message says what was found at the top level instead).
 */
export function listFolderSamples(dir: string, extensions: readonly string[]): LabelledSample[] {
  const root = resolve(dir);
  const exts = normaliseExtensions(extensions);
  let top: Dirent[];
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
    top = readdirSync(root, { withFileTypes: true });
  } catch (cause) {
    throw new EngineError('ERR_DATASET_MISSING', `dataset folder ${root} does not exist or is not a readable folder`, { cause });
  }
  const found: Array<Omit<LabelledSample, 'impression'>> = [];
  let topLevelFiles = 0;
  const seen = new Map<string, string>();
  const walk = (identity: string, folder: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new EngineError('ERR_DATASET_LAYOUT', `${folder}: folders nested deeper than ${MAX_DEPTH} levels (a symlink loop?)`);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      const kind = kindOf(path, entry);
      if (kind === 'dir') walk(identity, path, depth + 1);
      if (kind !== 'file' || !exts.has(extname(entry.name).toLowerCase())) continue;
      const below = relative(join(root, identity), folder).split(sep).join('/');
      const relativePath = relative(root, path).split(sep).join('/');
      const name = relativePath.slice(0, relativePath.length - extname(relativePath).length);
      const previous = seen.get(name);
      if (previous !== undefined) {
        // a.tif beside a.png is one capture twice: keeping both would make a fake genuine pair.
        throw new EngineError('ERR_DATASET_DUPLICATE', `dataset folder ${root} has two files for sample ${name}: ${previous} and ${relativePath}`);
      }
      seen.set(name, relativePath);
      found.push({
        file: path,
        name,
        identity,
        subject: identity,
        session: below === '' ? null : below,
        position: null,
      });
    }
  };
  for (const entry of top) {
    if (entry.name.startsWith('.')) continue;
    const path = join(root, entry.name);
    const kind = kindOf(path, entry);
    if (kind === 'dir') walk(entry.name, path, 1);
    else if (kind === 'file' && exts.has(extname(entry.name).toLowerCase())) topLevelFiles++;
  }
  if (found.length === 0) {
    const extText = [...exts].join(', ') || '(none given)';
    const flat = topLevelFiles > 0 ? `; it has ${topLevelFiles} such files directly inside, which the folders layout ignores (put each identity's files in a folder named after it, or use a csv manifest)` : '';
    throw new EngineError('ERR_DATASET_EMPTY', `dataset folder ${root} has no files with extension ${extText} in IDENTITY/ folders${flat}`);
  }
  checkSessions(root, found);
  return orderSamples(found);
}

/**
 * Within one identity, either every sample has a session or none has: a mix (IDENTITY/a.png
 * beside IDENTITY/s1/b.png) is ambiguous for the cross-session protocol, so say so.
 */
function checkSessions(root: string, samples: ReadonlyArray<Omit<LabelledSample, 'impression'>>): void {
  const byIdentity = new Map<string, { with: string | null; without: string | null }>();
  for (const s of samples) {
    const seen = byIdentity.get(s.identity) ?? { with: null, without: null };
    if (s.session === null) seen.without ??= s.name;
    else seen.with ??= s.name;
    byIdentity.set(s.identity, seen);
    if (seen.with !== null && seen.without !== null) {
      throw new EngineError('ERR_DATASET_LAYOUT', `dataset folder ${root}: identity ${s.identity} has files both directly in its folder (${seen.without}) and in session folders (${seen.with}); use one or the other`);
    }
  }
}
