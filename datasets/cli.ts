/**
 * `npm run datasets -- synthetic --out DIR [--fingers N] [--impressions M] [--seed S]`
 * writes a generated set as ISO 19794-2 records named FFF_I.iso (the fvc layout), so that
 * `npm run bench -- accuracy --set DIR` and anyone's own tools can read it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineError, writeIso19794_2 } from '../engine/index.ts';
import { generateDataset } from './synthetic.ts';

const USAGE = 'usage: npm run datasets -- synthetic --out DIR [--fingers N (10)] [--impressions M (8)] [--seed S (2002)]';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new EngineError('ERR_USAGE', `--${name} must be a positive integer, got "${value}"`);
  return n;
}

function main(argv: string[]): number {
  try {
    const { values, positionals } = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { out: { type: 'string' }, fingers: { type: 'string' }, impressions: { type: 'string' }, seed: { type: 'string' } },
    });
    if (positionals[0] !== 'synthetic' || positionals.length !== 1 || values.out === undefined) {
      console.error(USAGE);
      return 2;
    }
    const fingers = positiveInteger('fingers', values.fingers, 10);
    const impressions = positiveInteger('impressions', values.impressions, 8);
    const seed = positiveInteger('seed', values.seed, 2002);
    mkdirSync(values.out, { recursive: true });
    const samples = generateDataset(fingers, impressions, seed);
    for (const s of samples) writeFileSync(join(values.out, `${s.identity}_${s.impression}.iso`), writeIso19794_2(s.record));
    console.log(`wrote ${samples.length} ISO 19794-2 records (${fingers} fingers × ${impressions} impressions, seed ${seed}) to ${values.out}`);
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERR_UNEXPECTED';
    console.error(`error [${code}]: ${(e as Error).message}`);
    return code.startsWith('ERR_PARSE_ARGS') || code === 'ERR_USAGE' ? 2 : 1;
  }
}

process.exitCode = main(process.argv.slice(2));
