/**
 * Load figures for the durable subject store (engine/store/):
 *   npm run bench -- store [--subjects N (10000)] [--in-flight C (64)]
 *       [--serial S (300)] [--template-bytes B (4096)] [--dir DIR] [--json FILE]
 *
 * Each synthetic subject holds 2 finger templates of B bytes. Measured, in one run:
 * - durable inserts/s with C inserts in flight (commits batch; each batch is one fsync);
 * - durable inserts/s one at a time (S subjects; each insert waits for its own fsync);
 * - the shard-rebuild read: iterate + authenticate + decrypt every subject in insert order;
 * - bytes on disk per subject.
 * The 1M-template line is a linear extrapolation from these figures, printed as such.
 * The rebuild is timed right after the inserts, so the data file is in the page cache (warm
 * start); a cold start also pays for reading the file from disk.
 *
 * Uses a fresh random key (generateTemplateKey) and a temporary store (removed afterwards) unless
 * --dir names one, which must be new or empty and is kept.
 * Exit codes: 0 done, 1 error (`error [CODE]: message`), 2 bad arguments.
 */
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateTemplateKey, openSubjectStore, parseTemplateKey, type Subject, type SubjectStore } from '../engine/index.ts';

const USAGE = 'usage: npm run bench -- store [--subjects N] [--in-flight C] [--serial S] [--template-bytes B] [--dir DIR] [--json FILE]';
const FINGERS_PER_SUBJECT = 2;
/** Distinct template contents to draw from: content does not change the cost (no compression). */
const TEMPLATE_POOL = 256;
const EXTRAPOLATE_TO_TEMPLATES = 1_000_000;

interface Figures {
  subjects: number;
  templatesPerSubject: number;
  templateBytes: number;
  inFlight: number;
  insertsPerSecond: number;
  serialSubjects: number;
  serialInsertsPerSecond: number;
  rebuildSeconds: number;
  rebuildSubjectsPerSecond: number;
  bytesOnDiskPerSubject: number;
  extrapolated1MTemplates: { subjects: number; rebuildSeconds: number; insertSeconds: number; diskGiB: number };
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw Object.assign(new Error(`--${name} must be a positive integer, got "${value}"`), { code: 'ERR_USAGE' });
  return n;
}

function makeSubjectFactory(templateBytes: number): (referenceId: string, index: number) => Subject {
  const pool = Array.from({ length: TEMPLATE_POOL }, () => randomFillSync(new Uint8Array(templateBytes)));
  return (referenceId, index) => ({
    referenceId,
    fingers: {
      2: { modality: 'finger', version: 1, bytes: pool[index % TEMPLATE_POOL] },
      7: { modality: 'finger', version: 1, bytes: pool[(index * 7 + 1) % TEMPLATE_POOL] },
    },
  });
}

/** Inserts ids [from, to) keeping `inFlight` inserts outstanding; returns seconds elapsed. */
async function insertAll(store: SubjectStore, make: (id: string, i: number) => Subject, prefix: string, count: number, inFlight: number): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const { status } = await store.insert(make(`${prefix}${i}`, i));
      if (status !== 'inserted') throw new Error(`${prefix}${i} was ${status}`);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function rebuildRead(store: SubjectStore): { seconds: number; subjects: number; bytes: number } {
  const start = process.hrtime.bigint();
  let subjects = 0, bytes = 0;
  for (const subject of store.subjects()) {
    subjects++;
    for (const template of Object.values(subject.fingers)) bytes += template.bytes.length;
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, subjects, bytes };
}

async function run(options: { subjects: number; inFlight: number; serial: number; templateBytes: number; dir: string }): Promise<Figures> {
  const store = openSubjectStore({ path: options.dir, key: parseTemplateKey(generateTemplateKey()) });
  try {
    const make = makeSubjectFactory(options.templateBytes);
    const loadSeconds = await insertAll(store, make, 'load-', options.subjects, options.inFlight);
    const serialSeconds = await insertAll(store, make, 'serial-', options.serial, 1);
    const rebuild = rebuildRead(store);
    const total = options.subjects + options.serial;
    if (rebuild.subjects !== total) throw new Error(`rebuild read ${rebuild.subjects} subjects, expected ${total}`);
    const bytesOnDiskPerSubject = statSync(join(options.dir, 'data.mdb')).size / total;

    const insertsPerSecond = options.subjects / loadSeconds;
    const rebuildSubjectsPerSecond = rebuild.subjects / rebuild.seconds;
    const subjects1M = EXTRAPOLATE_TO_TEMPLATES / FINGERS_PER_SUBJECT;
    return {
      subjects: options.subjects,
      templatesPerSubject: FINGERS_PER_SUBJECT,
      templateBytes: options.templateBytes,
      inFlight: options.inFlight,
      insertsPerSecond,
      serialSubjects: options.serial,
      serialInsertsPerSecond: options.serial / serialSeconds,
      rebuildSeconds: rebuild.seconds,
      rebuildSubjectsPerSecond,
      bytesOnDiskPerSubject,
      extrapolated1MTemplates: {
        subjects: subjects1M,
        rebuildSeconds: subjects1M / rebuildSubjectsPerSecond,
        insertSeconds: subjects1M / insertsPerSecond,
        diskGiB: (subjects1M * bytesOnDiskPerSubject) / 2 ** 30,
      },
    };
  } finally {
    await store.close();
  }
}

function report(f: Figures): string {
  const n = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const e = f.extrapolated1MTemplates;
  return [
    `store load: ${n(f.subjects)} subjects × ${f.templatesPerSubject} finger templates of ${n(f.templateBytes)} B, encrypted, fsync'd before each ack`,
    `  inserts, ${f.inFlight} in flight:   ${n(f.insertsPerSecond)} subjects/s (${n(f.insertsPerSecond * f.templatesPerSubject)} templates/s)`,
    `  inserts, one at a time:  ${n(f.serialInsertsPerSecond)} subjects/s (${n(1000 / f.serialInsertsPerSecond, 2)} ms per acknowledged insert; ${n(f.serialSubjects)} subjects)`,
    `  rebuild read (iterate + decrypt all ${n(f.subjects + f.serialSubjects)}, warm page cache): ${n(f.rebuildSeconds, 2)} s = ${n(f.rebuildSubjectsPerSecond)} subjects/s (${n(f.rebuildSubjectsPerSecond * f.templatesPerSubject)} templates/s)`,
    `  on disk: ${n(f.bytesOnDiskPerSubject)} B per subject`,
    `EXTRAPOLATION (linear from the figures above, not measured): 1M templates = ${n(e.subjects)} subjects → rebuild read ≈ ${n(e.rebuildSeconds, 1)} s,` +
      ` bulk load ≈ ${n(e.insertSeconds / 60, 1)} min, ≈ ${n(e.diskGiB, 1)} GiB on disk (a cold page cache adds the time to read that from disk)`,
  ].join('\n');
}

/** `npm run bench -- store [options]`: returns the exit code (0 done, 1 error, 2 bad arguments). */
export async function storeLoadMain(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        subjects: { type: 'string' }, 'in-flight': { type: 'string' }, serial: { type: 'string' },
        'template-bytes': { type: 'string' }, dir: { type: 'string' }, json: { type: 'string' },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let options;
  try {
    options = {
      subjects: positiveInteger('subjects', values.subjects, 10_000),
      inFlight: positiveInteger('in-flight', values['in-flight'], 64),
      serial: positiveInteger('serial', values.serial, 300),
      templateBytes: positiveInteger('template-bytes', values['template-bytes'], 4096),
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'biodedup-store-load-'));
  try {
    const figures = await run({ ...options, dir });
    console.log(report(figures));
    if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
    return 0;
  } catch (error) {
    console.error(`error [${(error as { code?: string }).code ?? 'ERR_UNEXPECTED'}]: ${(error as Error).message}`);
    return 1;
  } finally {
    if (values.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await storeLoadMain(process.argv.slice(2));
}
