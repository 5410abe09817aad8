/**
 * `npm run datasets -- synthetic --out DIR [--fingers N] [--impressions M] [--seed S]`
 * writes a generated set as ISO 19794-2 records named FFF_I.iso (the fvc layout), so that
 * `npm run bench -- accuracy --set DIR` and anyone's own tools can read it.
 *
 * `npm run datasets -- scale --subjects N [--fingers F] [--seed S] --out FILE` writes a
 * generated scale gallery (scale-stream.ts framing); `--report` prints the generator's
 * statistics beside the real templates' (fvc2002-iso) and the impostor-score check.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineError, writeIso19794_2 } from '../engine/index.ts';
import { generateDataset } from './synthetic.ts';
import { scaleReport } from './scale-report.ts';
import { writeScaleGallery } from './scale-stream.ts';

const USAGE = [
  'usage: npm run datasets -- synthetic --out DIR [--fingers N (10)] [--impressions M (8)] [--seed S (2002)]',
  '       npm run datasets -- scale (--out FILE --subjects N | --report) [--fingers F (2)] [--seed S (1)] [--report-fingers K (1000)] [--realness-fingers G (10000)] [--json FILE]',
].join('\n');

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new EngineError('ERR_USAGE', `--${name} must be a positive integer, got "${value}"`);
  return n;
}

function synthetic(values: Record<string, string | boolean | undefined>): number {
  const out = values.out;
  if (typeof out !== 'string') throw new EngineError('ERR_USAGE', 'synthetic needs --out DIR');
  const fingers = positiveInteger('fingers', values.fingers as string | undefined, 10);
  const impressions = positiveInteger('impressions', values.impressions as string | undefined, 8);
  const seed = positiveInteger('seed', values.seed as string | undefined, 2002);
  mkdirSync(out, { recursive: true });
  const samples = generateDataset(fingers, impressions, seed);
  for (const s of samples) writeFileSync(join(out, `${s.identity}_${s.impression}.iso`), writeIso19794_2(s.record));
  console.log(`wrote ${samples.length} ISO 19794-2 records (${fingers} fingers × ${impressions} impressions, seed ${seed}) to ${out}`);
  return 0;
}

function scale(values: Record<string, string | boolean | undefined>): number {
  const fingers = positiveInteger('fingers', values.fingers as string | undefined, 2);
  const seed = positiveInteger('seed', values.seed as string | undefined, 1);
  if (values.report === true) {
    const { text, json } = scaleReport({
      seed, fingersPerSubject: fingers, syntheticFingers: positiveInteger('report-fingers', values['report-fingers'] as string | undefined, 1000),
      realnessFingers: positiveInteger('realness-fingers', values['realness-fingers'] as string | undefined, 10000), topP: 0.05,
    });
    console.log(text);
    if (typeof values.json === 'string') {
      if (json === null) throw new EngineError('ERR_BENCH_DATA', 'no real templates: the realness figures need them (set BIODEDUP_DATA)');
      writeFileSync(values.json, `${JSON.stringify(json, null, 2)}\n`);
    }
  }
  if (typeof values.out === 'string') {
    if (values.subjects === undefined) throw new EngineError('ERR_USAGE', 'scale --out needs --subjects N');
    const subjects = positiveInteger('subjects', values.subjects as string, 1);
    const started = performance.now();
    const { bytes } = writeScaleGallery(values.out, { subjects, fingers, seed });
    const seconds = (performance.now() - started) / 1000;
    console.log(`wrote ${subjects} subjects × ${fingers} fingers (seed ${seed}) to ${values.out}: ${(bytes / 2 ** 20).toFixed(1)} MiB, ` +
      `${seconds.toFixed(1)} s (${((seconds * 1e6) / (subjects * fingers)).toFixed(1)} µs per finger, generation and ISO encoding)`);
  } else if (values.report !== true) {
    throw new EngineError('ERR_USAGE', 'scale needs --out FILE --subjects N, or --report');
  }
  return 0;
}

function main(argv: string[]): number {
  try {
    const { values, positionals } = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        out: { type: 'string' }, fingers: { type: 'string' }, impressions: { type: 'string' }, seed: { type: 'string' },
        subjects: { type: 'string' }, report: { type: 'boolean' }, 'report-fingers': { type: 'string' }, 'realness-fingers': { type: 'string' }, json: { type: 'string' },
      },
    });
    if (positionals.length !== 1 || (positionals[0] !== 'synthetic' && positionals[0] !== 'scale')) {
      console.error(USAGE);
      return 2;
    }
    return positionals[0] === 'synthetic' ? synthetic(values) : scale(values);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERR_UNEXPECTED';
    console.error(`error [${code}]: ${(e as Error).message}`);
    if (code === 'ERR_USAGE') console.error(USAGE);
    return code.startsWith('ERR_PARSE_ARGS') || code === 'ERR_USAGE' ? 2 : 1;
  }
}

process.exitCode = main(process.argv.slice(2));
