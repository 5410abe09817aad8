/**
 * The benchmarkers' door: `npm run bench -- <command> [options]`.
 * Exit codes: 0 done, 1 error (`error [CODE]: message` on stderr), 2 bad arguments.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EngineError } from '../engine/index.ts';
import { INPUT_KINDS, IRIS_HALVES, LAYOUTS, MODALITIES, PROTOCOLS, runAccuracy } from './accuracy.ts';
import { runSpeed, SPEED_SUITES } from './speed.ts';
import { runReport } from './report.ts';
import { COMMAND_HELP, formatCommandHelp } from './help.ts';
import { formatCalibration, runCalibration, runRealCalibration } from './calibrate.ts';
import { dataDir } from './data-dir.ts';
import { runFusionBench } from './fusion.ts';
import { runIrisCalibration } from './iris-calibrate.ts';
import { runFaceCalibration } from './face-calibrate.ts';
import { storeLoadMain } from './store-load.ts';
import { coldTierMain } from './cold-tier.ts';
import { identifyMain } from './identify-cli.ts';
import { clusterMain } from './cluster-cli.ts';
import { formatHttp, runHttpBench, writeHttpJson } from './http.ts';
import { HTTP_BENCH } from './http-params.ts';
import { tmpdir } from 'node:os';

const ACCURACY_USAGE = `accuracy [--modality finger|iris|face] [--set DIR]... [--layout fvc|neurotech|casia|mmu1|folders|csv|yale] [--input images|iso]
         [--dpi N] [--protocol all-pairs|fvc|cross-session] [--half first|second] [--json FILE] [--scores FILE]
  Verification accuracy: FTE, EER, FMR100, FMR1000, ZeroFMR, comparisons/s, DET plot.
  --modality M     finger (default) or iris (needs --set; layout casia: protocol cross-session,
                   session-1 images enrolled, session-2 images probe, genuine = same eye;
                   layout mmu1: all pairs),
                   or face (needs --set; layout folders = IDENTITY/IMAGE (default) or yale =
                   subjectNN.CONDITION; all-pairs; FTE counted as failures; the extraction time
                   is detect+landmarks+align+embed per image, decoding excluded)
  --set DIR[@DPI]  a set folder, repeatable; without any: generated data (set "synthetic", finger only).
                   DIR@DPI gives that set its own resolution (it wins over --dpi), so sets of
                   different resolutions run together: --set DB1_B --set DB2_B@569
  --layout L       file names: fvc = FFF_I (finger default), neurotech = PPP_F_I,
                   casia = EEE/S/EEE_S_I.bmp (iris default, cross-session),
                   mmu1 = PPP/left|right/*.bmp (iris, all pairs; an eye = person + side);
                   your own data, any modality:
                   folders = DIR/IDENTITY/[SESSION/…/]FILE (first level identity, the folders
                   below it the session), csv = --set MANIFEST.csv with rows
                   file,identity[,session][,finger-position] (paths relative to the manifest);
                   finger files: .iso records, anything else an image;
                   face: folders (IDENTITY/IMAGE, the default) or yale = subjectNN.CONDITION
  --half H         iris only: the first or second half of each set's persons (choose on one, check on the other)
  --input I        iso = ISO 19794-2 / ANSI 378 minutiae records named *.iso (default);
                   images = the image files (TIFF, PNG, JPEG, BMP, PGM, JPEG 2000) through the
                   fingerprint extractor; failures to enrol count in FTE; the report's extraction
                   time is the median per image on one core, decoding excluded (finger only)
  --dpi N          resolution of the samples in dots per inch, overriding the records' own
                   (images: default 500; other resolutions are resampled to 500 before extraction)
  --protocol P     all-pairs (FVC-B all-pairs, default), fvc (FVC official impostors; finger only),
                   cross-session (folders/csv: pairs across sessions, the later session probes)
  --json FILE      report: one object (one set) or an array (several), and a DET plot
                   beside it (FILE with .json replaced by .det.svg)
  --scores FILE    every comparison, one per line: probe<TAB>gallery<TAB>score (-inf: failed to enrol)`;

const SPEED_USAGE = `speed [--set DIR]... [--iris-set DIR] [--suite NAME] [--json FILE]
  1:N scan speed on one thread (benchmark.js): finger compact kernel on compact templates beside
  today's MCC1 kernel (scores checked equal) and its scalar build, and RAM bytes per template;
  iris comparisons with the rotation search against a plain one-position scan of the same gallery;
  fingerprint extraction per image on one core (fingerExtractMsMedian: all FVC2002 B images under
  <data>/fingerprint/fvc2002, DB2 at 569 dpi, 3 passes) beside a 3×3 box-filter pass over the
  same image in the same kernel (fingerExtractBaselineMsMedian); template building: median µs per
  createTemplate over the gallery samples, SIMD kernel and scalar baseline interleaved.
  --set DIR        gallery from this folder's .iso files (fvc names), repeatable; default: all of
                   <data>/fingerprint/fvc2002-iso/DB1_B..DB4_B, <data> = $BIODEDUP_DATA or ../shared/data
                   (synthetic templates, with a warning, when that is absent)
  --iris-set DIR   iris gallery from this CASIA-layout folder; default <data>/iris/casia-v1-subset
                   (the iris suite is skipped, with a warning, when that is absent)
  --suite NAME     only the suites whose name starts with NAME (e.g. face: the face pipeline per
                   image beside a 256³ matMul on the same WebAssembly backend, and the int8 face
                   scan, SIMD kernel beside its scalar loop)
  --json FILE      the figures as one flat JSON object`;

const CALIBRATE_USAGE = `calibrate [--modality finger|iris|face] --set DIR [--set DIR]...   or   calibrate --real
  --real: the engine's finger calibration — every impostor pair of real fingers of the fit half
  (<data>/fingerprint: fvc2002-iso DB1–DB3 fit fingers, U.are.U fit humans; pairs of different
  humans), knots from FMR 0.99 down, tail slope over the top 0.1 %.
  finger: fits the score calibration (raw → −10·log10 FMR) on impostor pairs taken across the
  given sets (ISO records, fvc names; two sets or more) and prints the constants of
  engine/finger-calibration.ts.
  iris: fits it on impostor pairs within each set, pooled: session-1 images of CASIA-layout sets,
  the first half of the persons of MMU1-layout sets (PPP/left|right) — pairs the reports it is
  checked on never use (CASIA cross-session, MMU1 --half second) — and prints the constants of
  engine/iris-calibration.ts.`;

const HTTP_USAGE = `http [--subjects N (100000)] [--store DIR] [--seconds S (10)] [--rate R (500)] [--concurrency C (16)]
     [--enrolments E (50)] [--image-concurrency C (2)] [--identify-concurrency C (2)] [--json FILE]
  The ID service (1:1) and the ABIS door (1:N) on one engine, loaded from a worker thread on
  loopback, beside GET /openapi.json. Gallery: N subjects × 2 fingers with the fvc2002-iso persons
  planted (the identify bench's store, built once in DIR, default $TMPDIR/biodedup-http-N, and
  reused); a UIN per subject is written into a fresh ID service store; E real POST /enrol calls
  are timed (and removed from the engine at the end). One line per scenario, S seconds each:
  open loop at R requests/s (latency from the scheduled send time, wrk2-style) and closed loop
  at C connections (maximum throughput) for the baseline and POST /verify with ISO 19794-2
  probes (genuine; impostor at R), POST /verify with FVC2002 images (closed loop, beside the
  extraction-bound ceiling), and mosip.abis.identify by referenceId (closed loop).
  --json FILE      every figure (scenarios with offered/achieved rate, p50/p90/p99/max, statuses)`;

const REPORT_USAGE = `report --out DIR [--set DIR|MANIFEST]... [--modality finger|iris] [--layout L] [--input images|iso]
       [--dpi N] [--protocol P] [--peer NAME=SCORES.tsv]... [--identify FILE] [--speed FILE]
  One self-contained HTML page (inline SVG, no script, nothing fetched) with DET curves of every set
  (EER and FMR100/1000/10000 marked), genuine/impostor histograms with the thresholds, the
  calibration check, failures to enrol and why, peers' curves, identify and speed figures when
  given, and the environment; report.json, summary.tsv and scores.tsv beside it in DIR.
  --out DIR        where index.html, report.json, summary.tsv, scores.tsv go
  --set, --modality, --layout, --input, --dpi, --protocol   as for accuracy (a finger folder
                   without .iso files is read as images unless --input says otherwise)
  --peer NAME=FILE another system's scores of the same pairs, drawn dashed on the same DET axes:
                   probe<TAB>gallery<TAB>score per line (the --scores format), higher = more
                   similar; pairs are matched by name, genuine/impostor comes from this run
  --identify FILE  JSON of \`bench identify --json\`: FNIR/FPIR with intervals, latency, throughput
  --speed FILE     JSON of \`bench speed --json\`: each figure beside its same-run baseline`;

const USAGE = `usage: npm run bench -- <command> [options]
   or: node --import tsx bench/cli.ts <command> [options]

commands:
  accuracy   verification accuracy on FVC-style sets (or generated data)
  report     the same as one HTML page with plots, for your own data and peers' scores
  speed      1:N scan speed, compact kernel beside the MCC1 kernel and its scalar build
  calibrate  fit the score calibration (--real: the engine's finger calibration on the real fit half)
  fusion     why 1:N FPIR exceeded targetFPIR and the check of the fix, real fingers only [--json F]
  store      durable-store load figures: inserts/s and the shard-rebuild read (store-load.ts)
  cold-tier  what reading candidates' templates from LMDB would cost beside comparing them (cold-tier.ts)
  identify   1:N identify at scale: load, memory, latency, throughput, FNIR/FPIR with planted mates
  cluster    one process against a cluster on NATS JetStream (bench/cluster-cli.ts for the options)
  cost-model nodes, RAM, cores and cost per enrolment at national scale, from bench JSON files
  http       both doors under load on loopback (verify, identify), beside a trivial endpoint
             (help http for the options)
  help       this text; help <command>: that command's flags as a table, with examples

${ACCURACY_USAGE}

${REPORT_USAGE}

${SPEED_USAGE}

${CALIBRATE_USAGE}

${HTTP_USAGE}

exit codes: 0 done, 1 error, 2 bad arguments`;

const COMMAND_USAGE: Record<string, string> = { accuracy: ACCURACY_USAGE, report: REPORT_USAGE, speed: SPEED_USAGE, calibrate: CALIBRATE_USAGE, http: HTTP_USAGE };

function commandUsage(command: string): string {
  return `usage: npm run bench -- ${COMMAND_USAGE[command]}`;
}

/** Bad command line: exit code 2, with the usage of the command concerned. */
class UsageError extends Error {
  readonly code: string;
  readonly usage: string;
  constructor(message: string, usage: string, code = 'ERR_USAGE') {
    super(message);
    this.code = code;
    this.usage = usage;
  }
}

const print = (line: string): void => console.log(line);

/** A strict parseArgs of a command's flags (no positionals, --help/-h added); its errors become usage errors. */
/** `COMMAND --help`: the command's help table (bench/help.ts). */
const helpOf = (command: string): string => formatCommandHelp(command, COMMAND_HELP[command]);

function flagsOrUsage<O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(usage: string, args: string[], options: O) {
  return parseOrUsage(usage, () => parseArgs({ args, strict: true, allowPositionals: false, options: { ...options, help: { type: 'boolean', short: 'h' } } as const }));
}

/** Runs a strict parseArgs; its errors become usage errors carrying Node's code (ERR_PARSE_ARGS_*). */
function parseOrUsage<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) throw new UsageError((e as Error).message, usage, code);
    throw e;
  }
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], usage: string): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`, usage);
}

async function accuracyCommand(args: string[]): Promise<void> {
  const usage = commandUsage('accuracy');
  const { values: v } = flagsOrUsage(usage, args, {
    modality: { type: 'string' },
    set: { type: 'string', multiple: true },
    layout: { type: 'string' },
    input: { type: 'string' },
    dpi: { type: 'string' },
    protocol: { type: 'string' },
    json: { type: 'string' },
    scores: { type: 'string' },
    half: { type: 'string' },
  });
  if (v.help) return print(helpOf('accuracy'));
  let dpi: number | undefined;
  if (v.dpi !== undefined) {
    dpi = Number(v.dpi);
    if (v.dpi.trim() === '' || !Number.isFinite(dpi) || dpi <= 0) throw new UsageError(`--dpi must be a positive number, got "${v.dpi}"`, usage);
  }
  await runAccuracy({
    modality: oneOf('modality', v.modality, MODALITIES, usage),
    sets: v.set ?? [],
    layout: oneOf('layout', v.layout, LAYOUTS, usage),
    input: oneOf('input', v.input, INPUT_KINDS, usage),
    dpi,
    protocol: oneOf('protocol', v.protocol, PROTOCOLS, usage),
    json: v.json,
    scores: v.scores,
    half: oneOf('half', v.half, IRIS_HALVES, usage),
    print,
  });
}

async function reportCommand(args: string[]): Promise<void> {
  const usage = commandUsage('report');
  const { values: v } = flagsOrUsage(usage, args, {
    out: { type: 'string' }, set: { type: 'string', multiple: true }, modality: { type: 'string' }, layout: { type: 'string' },
    input: { type: 'string' }, dpi: { type: 'string' }, protocol: { type: 'string' }, peer: { type: 'string', multiple: true },
    identify: { type: 'string' }, speed: { type: 'string' },
  });
  if (v.help) return print(helpOf('report'));
  if (v.out === undefined) throw new UsageError('--out DIR is required', usage);
  const dpi = v.dpi === undefined ? undefined : Number(v.dpi);
  if (dpi !== undefined && !(Number.isFinite(dpi) && dpi > 0)) throw new UsageError(`--dpi must be a positive number, got "${v.dpi}"`, usage);
  await runReport({
    out: v.out,
    sets: v.set ?? [],
    modality: oneOf('modality', v.modality, MODALITIES, usage),
    layout: oneOf('layout', v.layout, LAYOUTS, usage),
    input: oneOf('input', v.input, INPUT_KINDS, usage),
    dpi,
    protocol: oneOf('protocol', v.protocol, PROTOCOLS, usage),
    peers: v.peer ?? [],
    identifyJson: v.identify,
    speedJson: v.speed,
    command: ['npm run bench -- report', ...args].join(' '),
    print,
  });
}

async function speedCommand(args: string[]): Promise<void> {
  const usage = commandUsage('speed');
  const { values: v } = flagsOrUsage(usage, args, { set: { type: 'string', multiple: true }, 'iris-set': { type: 'string' }, json: { type: 'string' }, suite: { type: 'string' } });
  if (v.help) return print(helpOf('speed'));
  const suites = v.suite === undefined ? SPEED_SUITES : SPEED_SUITES.filter((s) => s.name.toLowerCase().startsWith(v.suite!.toLowerCase()));
  if (suites.length === 0) throw new UsageError(`--suite ${v.suite} names no suite (${SPEED_SUITES.map((s) => s.name.split(/[ :]/)[0]).join(', ')})`, usage);
  await runSpeed({ sets: v.set ?? [], irisSet: v['iris-set'], json: v.json, print }, suites);
}

async function httpCommand(args: string[]): Promise<void> {
  const usage = commandUsage('http');
  const { values: v } = flagsOrUsage(usage, args, {
    subjects: { type: 'string' }, store: { type: 'string' }, seconds: { type: 'string' }, rate: { type: 'string' }, concurrency: { type: 'string' },
    enrolments: { type: 'string' }, 'image-concurrency': { type: 'string' }, 'identify-concurrency': { type: 'string' }, json: { type: 'string' },
  });
  if (v.help) return print(helpOf('http'));
  const positive = (name: keyof typeof v, fallback: number, min = 1): number => {
    const raw = v[name];
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${String(raw)}"`, usage);
    return n;
  };
  const subjects = positive('subjects', HTTP_BENCH.subjects, 100);
  const figures = await runHttpBench({
    subjects,
    storeDir: resolve(v.store ?? join(tmpdir(), `biodedup-http-${subjects}`)),
    seconds: positive('seconds', HTTP_BENCH.seconds),
    rate: positive('rate', HTTP_BENCH.rate),
    concurrency: positive('concurrency', HTTP_BENCH.concurrency),
    enrolments: positive('enrolments', HTTP_BENCH.enrolments, 0),
    imageConcurrency: positive('image-concurrency', HTTP_BENCH.imageConcurrency),
    identifyConcurrency: positive('identify-concurrency', HTTP_BENCH.identifyConcurrency),
  }, (l) => process.stderr.write(`${l}\n`));
  print(formatHttp(figures));
  if (v.json !== undefined) writeHttpJson(v.json, figures);
}

/** Prints the error the documented way and returns the exit code. */
function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    console.error(`error [${e.code}]: ${e.message}\n\n${e.usage}`);
    return 2;
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof EngineError || (e instanceof Error && typeof code === 'string')) {
    // Typed errors (engine codes, and Node's system errors such as ENOENT): the message says it all.
    console.error(`error [${String(code)}]: ${(e as Error).message}`);
  } else {
    // Anything else is a bug: keep the stack for whoever fixes it.
    console.error(`error [ERR_UNEXPECTED]: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof Error && e.stack) console.error(e.stack);
  }
  return 1;
}

function calibrateCommand(args: string[]): Promise<void> | void {
  const usage = commandUsage('calibrate');
  let sets: string[];
  let modality: string | undefined;
  let real = false;
  try {
    const { values } = parseArgs({ args, options: { set: { type: 'string', multiple: true }, modality: { type: 'string' }, real: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    if (values.help) return print(helpOf('calibrate'));
    sets = values.set ?? [];
    real = values.real === true;
    modality = oneOf('modality', values.modality, MODALITIES, usage);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message, usage, (e as { code?: string }).code ?? 'ERR_USAGE');
  }
  if (real) {
    if ((modality ?? 'finger') !== 'finger' || sets.length > 0) throw new UsageError('--real fits the finger calibration on the real fingers under <data>: no --set, no other --modality', usage);
    return runRealCalibration(dataDir(), print).then((c) => print(formatCalibration(c)));
  }
  if (modality === 'face') return runFaceCalibration(sets, print).then((c) => print(formatCalibration(c)));
  print(formatCalibration(modality === 'iris' ? runIrisCalibration(sets) : runCalibration(sets)));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h': {
        if (rest[0] === undefined) print(USAGE);
        else if (Object.hasOwn(COMMAND_HELP, rest[0])) print(formatCommandHelp(rest[0], COMMAND_HELP[rest[0]]));
        else if (Object.hasOwn(COMMAND_USAGE, rest[0])) print(commandUsage(rest[0]));
        else throw new UsageError(`no command "${rest[0]}"`, USAGE);
        return 0;
      }
      case 'accuracy':
        await accuracyCommand(rest);
        return 0;
      case 'report':
        await reportCommand(rest);
        return 0;
      case 'speed':
        await speedCommand(rest);
        return 0;
      case 'store':
        return await storeLoadMain(rest);
      case 'cold-tier':
        return await coldTierMain(rest);
      case 'identify':
        return await identifyMain(rest);
      case 'cluster':
      case 'cost-model':
        return await clusterMain(command, rest);
      case 'http':
        await httpCommand(rest);
        return 0;
      case 'calibrate':
        await calibrateCommand(rest);
        return 0;
      case 'fusion': {
        const at = rest.indexOf('--json');
        await runFusionBench(print, at >= 0 ? rest[at + 1] : undefined);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`, USAGE);
    }
  } catch (e) {
    return reportError(e);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
