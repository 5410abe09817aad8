/**
 * Writing report files: whole or not at all (written beside the target, then renamed over it),
 * so an interrupted run never leaves a half-written JSON that a later script would misread.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeTextFile(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Pretty JSON with a final newline (±Infinity and NaN become null, as JSON.stringify does). */
export function writeJsonFile(file: string, value: unknown): void {
  writeTextFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** `report.json` → `report.det.svg`; a name without `.json` just gains `.det.svg`. */
export function detSvgPathFor(jsonFile: string): string {
  return jsonFile.toLowerCase().endsWith('.json') ? `${jsonFile.slice(0, -'.json'.length)}.det.svg` : `${jsonFile}.det.svg`;
}
