/**
 * Where the bench finds real data: env BIODEDUP_DATA, else ../shared/data beside the project
 * (see /work/shared/data/README.md). Samples are read in place, never copied into the project.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json), whatever the current directory is. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The shared data folder: `BIODEDUP_DATA` when set and not empty, else `<projectRoot>/../shared/data`. */
export function dataDir(): string {
  const fromEnv = process.env.BIODEDUP_DATA;
  return fromEnv ? resolve(fromEnv) : resolve(projectRoot, '../shared/data');
}

/** The four FVC2002 "B" sets as ISO 19794-2 templates. */
export const FVC2002_ISO_SETS = ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'] as const;

/** `<data>/fingerprint/fvc2002-iso`. */
export function fvc2002IsoDir(): string {
  return join(dataDir(), 'fingerprint', 'fvc2002-iso');
}

/** Absolute paths of DB1_B..DB4_B under fvc2002IsoDir(), whether or not they exist. */
export function fvc2002IsoSetDirs(): string[] {
  return FVC2002_ISO_SETS.map((set) => join(fvc2002IsoDir(), set));
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
