/** Argument parsing for `npm run bench -- identify` (the figures come from identify.ts). */
import { parseArgs } from 'node:util';
import { identifyIrisMain } from './identify-iris-cli.ts';
import { runAndReport } from './run-and-report.ts';
import { COMMON_IDENTIFY_FLAGS, commonIdentifyOptions, integerFlag } from './identify-options.ts';
import { IDENTIFY_MODES, formatIdentify, runIdentifyBench, writeIdentifyJson, type IdentifyMode } from './identify.ts';

export const IDENTIFY_USAGE = `identify --gallery N [--fingers F (2)] [--mode exhaustive|prefilter] [--probes P (200)]
         [--threads T] [--seed S (1)] [--target-fpir X (30)] [--penetration P (0.05)]
         [--residency full|coarse] [--coarse-keep S (0.001)] [--coarse-gate S (0.25)]
         [--store DIR] [--json FILE]
  1:N identify at scale. N finger templates (N / F subjects): a synthetic background with real
  persons planted in it: every real finger (FVC2002 DB1–DB3 ISO templates as composite persons,
  U.are.U persons through our extractor), enrolled with impression 1, searched with 2–8. The LMDB gallery store is built once (in $TMPDIR/biodedup-identify-N-F-S unless
  --store names a folder; it holds synthetic data and its bench key in clear) and reused.
  Prints load time, bytes per template, identify latency p50/p99, identifies/s, comparisons/s
  per core beside the single-kernel rate, FNIR/FPIR at the target FPIR, prefilter recall.
  --mode M         exhaustive: every subject scored (the reference); prefilter: the hnswlib
                   prefilter keeps max(100, P × subjects) candidates per probe finger, the full
                   matcher re-scores those (its index is saved beside the store and reused)
  --penetration P  prefilter share of the gallery subjects kept, ranked jointly over the probe fingers
                   (default: chosen on one half of the real-vs-real searches, reported on the other)
  --residency R    what the shards keep per finger: full (compact template, default) or coarse (a
                   coarse form; the best max(200, S × subjects) by coarse score are read from the
                   store and scored by the full matcher: engine/gallery/finger-tier.ts)
  --coarse-keep S  coarse residency: share of the subjects re-scored in full (finalists)
  --coarse-gate S  coarse residency: share of the prefilter's candidates compared on every finger
                   after the best-vector one (1 = no gate)
  --probes P       at most P mated and P non-mated searches
  --json FILE      gallery, fingersPerProbe, mode, loadSeconds, bytesPerTemplate, p50Ms, p99Ms,
                   identifiesPerSecond, comparisonsPerSecondPerCore, prefilterRecall, fnir, fpir,
                   penetration, realPoolHitRate, realPoolHitRateCi95, realPoolSearches, realPoolPeople,
                   plantedHitRate, fnirAtFpir1, fnirAtFpir01, prefilterFallbacks, ramBytesPerFinger
                   (and context figures)`;


export async function identifyMain(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--modality' || a.startsWith('--modality='))) return identifyIrisMain(argv); // iris: bench/identify-iris*.ts
  let options;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { ...COMMON_IDENTIFY_FLAGS, fingers: { type: 'string' }, mode: { type: 'string' }, penetration: { type: 'string' }, residency: { type: 'string' }, 'coarse-keep': { type: 'string' }, 'coarse-gate': { type: 'string' } },
      strict: true,
    });
    const common = commonIdentifyOptions(values, 200);
    const mode = (values.mode ?? 'exhaustive') as IdentifyMode;
    if (!IDENTIFY_MODES.includes(mode)) throw new Error(`--mode must be one of ${IDENTIFY_MODES.join(', ')}`);
    const penetration = values.penetration === undefined ? undefined : Number(values.penetration);
    if (penetration !== undefined && !(penetration > 0 && penetration <= 1)) throw new Error('--penetration must be in (0, 1]');
    const residency = values.residency ?? 'full';
    if (residency !== 'full' && residency !== 'coarse') throw new Error('--residency must be full or coarse');
    const coarseKeepShare = values['coarse-keep'] === undefined ? undefined : Number(values['coarse-keep']);
    if (coarseKeepShare !== undefined && !(coarseKeepShare > 0 && coarseKeepShare <= 1)) throw new Error('--coarse-keep must be in (0, 1]');
    const coarseGatePassShare = values['coarse-gate'] === undefined ? undefined : Number(values['coarse-gate']);
    if (coarseGatePassShare !== undefined && !(coarseGatePassShare > 0 && coarseGatePassShare <= 1)) throw new Error('--coarse-gate must be in (0, 1]');
    options = { ...common, penetration, fingers: integerFlag('fingers', values.fingers, 2), mode, residency: residency as 'full' | 'coarse', coarseKeepShare, coarseGatePassShare };
  } catch (e) {
    process.stderr.write(`error [ERR_USAGE]: ${(e as Error).message}\n\n${IDENTIFY_USAGE}\n`);
    return 2;
  }
  return runAndReport(options.json, (log) => runIdentifyBench(options, log), formatIdentify, writeIdentifyJson);
}
