/**
 * The `csv` layout: a manifest that says whose each file is, for data whose folders and names
 * follow no convention.
 *
 *   file,identity,session,finger-position        ← optional header (names file and identity; then any order)
 *   img/0001.png,alice,1,2
 *   img/0002.png,alice,2,2
 *   "scans/bob, left.bmp",bob,1,7
 *
 * Without a header the columns are positional: file, identity, then optionally session, then
 * optionally finger-position (ISO/IEC 19794-2: 0 unknown, 1–10 right thumb … left little).
 * Paths are relative to the manifest's folder (absolute ones are kept). Fields may be quoted
 * ("…", a quote inside doubled, as RFC 4180); blank lines and lines starting with # are skipped.
 * A finger position makes the identity person + finger: two fingers of one person are an
 * impostor pair, as in FVC.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { EngineError } from '../engine/index.ts';
import { orderSamples, type LabelledSample } from './labelled-samples.ts';

/** How many missing files one error message lists before "and N more". */
const MISSING_LISTED = 5;

const COLUMNS = ['file', 'identity', 'session', 'finger-position'] as const;
type Column = (typeof COLUMNS)[number];

/** Splits one CSV line into fields (RFC 4180 quoting, no line breaks inside quotes). */
export function splitCsvLine(line: string, lineNumber: number, manifest: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw syntax(manifest, lineNumber, 'a quoted field is not closed');
        if (line[i] === '"') {
          if (line[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw syntax(manifest, lineNumber, 'text after a closing quote');
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

function syntax(manifest: string, line: number, what: string): EngineError {
  return new EngineError('ERR_MANIFEST_SYNTAX', `${manifest} line ${line}: ${what}`);
}

/** Header row (it names both a file and an identity column) → column indices; null when the first row is data. */
function headerColumns(fields: readonly string[], manifest: string, line: number): Map<Column, number> | null {
  const lower = fields.map((f) => f.toLowerCase());
  if (!lower.includes('file') || !lower.includes('identity')) return null;
  const columns = new Map<Column, number>();
  fields.forEach((f, k) => {
    const name = f.toLowerCase() === 'position' ? 'finger-position' : f.toLowerCase();
    if (!(COLUMNS as readonly string[]).includes(name)) throw syntax(manifest, line, `unknown column "${f}" (expected ${COLUMNS.join(', ')})`);
    if (columns.has(name as Column)) throw syntax(manifest, line, `column "${f}" appears twice`);
    columns.set(name as Column, k);
  });
  return columns;
}

/**
 * The samples a manifest lists, sorted by identity, session, name. Throws EngineError:
 * ERR_DATASET_MISSING (no manifest), ERR_DATASET_EMPTY (no rows), ERR_MANIFEST_SYNTAX (a bad row,
 * with its line), ERR_MANIFEST_MISSING_FILES (rows naming files that do not exist: all of them
 * counted, the first few listed), ERR_DATASET_DUPLICATE (one file listed twice).
 */
export function readCsvManifest(manifestPath: string): LabelledSample[] {
  const manifest = resolve(manifestPath);
  let text: string;
  try {
    if (!statSync(manifest).isFile()) throw new Error('not a file');
    text = readFileSync(manifest, 'utf8');
  } catch (cause) {
    throw new EngineError('ERR_DATASET_MISSING', `manifest ${manifest} does not exist or is not a readable file`, { cause });
  }
  const base = dirname(manifest);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let columns: Map<Column, number> = new Map(COLUMNS.map((c, k) => [c, k]));
  const found: Array<Omit<LabelledSample, 'impression'>> = [];
  const missing: string[] = [];
  const seen = new Map<string, number>();
  let first = true;
  lines.forEach((raw, k) => {
    const lineNumber = k + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const fields = splitCsvLine(raw, lineNumber, manifest);
    if (first) {
      first = false;
      const header = headerColumns(fields, manifest, lineNumber);
      if (header !== null) { columns = header; return; }
    }
    const cell = (c: Column): string => {
      const index = columns.get(c);
      return index === undefined ? '' : fields[index] ?? '';
    };
    const width = Math.max(...columns.values()) + 1;
    if (fields.length > width) throw syntax(manifest, lineNumber, `${fields.length} fields, at most ${width} expected (file,identity[,session][,finger-position])`);
    const file = cell('file');
    const subject = cell('identity');
    if (file === '' || subject === '') throw syntax(manifest, lineNumber, 'file and identity must not be empty');
    const positionText = cell('finger-position');
    let position: number | null = null;
    if (positionText !== '') {
      position = Number(positionText);
      if (!/^\d+$/.test(positionText) || position > 10) throw syntax(manifest, lineNumber, `finger-position must be an ISO/IEC 19794-2 position 0–10, got "${positionText}"`);
    }
    const path = isAbsolute(file) ? file : resolve(base, file);
    const previous = seen.get(path);
    if (previous !== undefined) throw new EngineError('ERR_DATASET_DUPLICATE', `${manifest} lists ${file} twice (lines ${previous} and ${lineNumber}): it would make a fake genuine pair`);
    seen.set(path, lineNumber);
    if (!existsSync(path) || !statSync(path).isFile()) { missing.push(`line ${lineNumber}: ${file}`); return; }
    const session = cell('session');
    found.push({
      file: path,
      name: file.slice(0, file.length - extname(file).length),
      identity: position === null ? subject : `${subject}#${position}`,
      subject,
      session: session === '' ? null : session,
      position,
    });
  });
  if (missing.length > 0) {
    const more = missing.length > MISSING_LISTED ? `, and ${missing.length - MISSING_LISTED} more` : '';
    throw new EngineError('ERR_MANIFEST_MISSING_FILES', `${manifest} names ${missing.length} file(s) that do not exist (relative paths are read from ${base}): ${missing.slice(0, MISSING_LISTED).join('; ')}${more}`);
  }
  if (found.length === 0) throw new EngineError('ERR_DATASET_EMPTY', `manifest ${manifest} lists no samples (expected rows file,identity[,session][,finger-position])`);
  return orderSamples(found);
}
