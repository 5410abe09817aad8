/** Argument parsing for `npm run bench -- identify --modality iris` (the figures come from identify-iris.ts). */
import { parseArgs } from 'node:util';
import { formatIrisIdentify, runIrisIdentifyBench, writeIrisIdentifyJson } from './identify-iris.ts';
import { runAndReport } from './run-and-report.ts';
import { COMMON_IDENTIFY_FLAGS, commonIdentifyOptions } from './identify-options.ts';

export const IDENTIFY_IRIS_USAGE = `identify --modality iris --gallery N [--probes P (100)] [--threads T] [--seed S (1)]
         [--target-fpir X (30)] [--store DIR] [--json FILE]
  Iris 1:N at scale. N iris codes = N / 2 subjects of two eyes: generated background codes (our
  filter bank on generated textures, real masks; their realness is printed: real-vs-generated
  against real-vs-real impostor scores) with real subjects planted (MMU1: two eyes, first image
  enrolled, the others searched; CASIA-V1 subset: one eye, session 1 enrolled, session 2 searched).
  Each search runs with the coarse first pass (then the full rotation search on the kept subjects)
  and exhaustively (31 rotations against every code), alternating, in the same run. The LMDB store
  is built once (in $TMPDIR/biodedup-identify-iris-N-S unless --store names a folder; generated
  and real templates under a bench key kept in clear in its manifest) and reused.
  --json FILE   p50Ms, p99Ms, exhaustiveP50Ms, exhaustiveP99Ms, fnir, exhaustiveFnir, fpir,
                exhaustiveFpir, coarseDroppedMates, sameCandidateLists, penetration, coarseFallbacks,
                ramBytesPerCode, realness, bySet, kernel rates (and context figures)`;

export async function identifyIrisMain(argv: string[]): Promise<number> {
  let options;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { ...COMMON_IDENTIFY_FLAGS, modality: { type: 'string' } },
      strict: true,
    });
    if (values.modality !== 'iris') throw new Error(`--modality must be iris (fingers are the default without it), got "${values.modality}"`);
    options = commonIdentifyOptions(values, 100);
  } catch (e) {
    process.stderr.write(`error [ERR_USAGE]: ${(e as Error).message}\n\n${IDENTIFY_IRIS_USAGE}\n`);
    return 2;
  }
  return runAndReport(options.json, (log) => runIrisIdentifyBench(options, log), formatIrisIdentify, writeIrisIdentifyJson);
}
