/**
 * Verification accuracy on FVC-style sets (ISO/IEC 19795-1 rates, FVC protocols; see
 * /work/shared/data/README.md): enrol every sample, score every protocol pair, report
 * FTE, EER, FMR100, FMR1000, ZeroFMR, comparisons per second and a DET curve.
 *
 * Failures to enrol stay in: every comparison involving one scores -Infinity.
 */
import { basename, dirname, resolve } from 'node:path';
import type { DatasetLayout } from '../datasets/layouts.ts';
import { buildPairs, type Protocol } from '../datasets/protocols.ts';
import { listCasiaIrisSamples } from '../datasets/casia-iris.ts';
import { EngineError, FingerMatcher, type FingerTemplate, type KernelVariant } from '../engine/index.ts';
import { accuracyText, scoresText } from './accuracy-output.ts';
import { renderDetSvg } from './det-svg.ts';
import type { DetPoint } from './metrics.ts';
import { enrolledGallery, scanProbes, setResult, type ScanRows } from './set-result.ts';
import { enrolSamples, readIsoSamples, SYNTHETIC, syntheticSamples, type FingerSample } from './iso-samples.ts';
import { detSvgPathFor, writeJsonFile, writeTextFile } from './report-files.ts';
import { evaluateIrisSet, irisHalf, IRIS_PROTOCOL, type IrisHalf } from './iris-accuracy.ts';
import { listMmu1Samples } from '../datasets/mmu1.ts';
import { DEFAULT_IMAGE_DPI, median, parseSetSpec, readImageSamples } from './extract-samples.ts';
import { evaluateLabelledSet, GENERIC_LAYOUTS, listLabelledSamples, type GenericLayout, type GenericProtocol } from './layout-accuracy.ts';
import { startProgress, withProgress } from './progress.ts';
import { evaluateFaceSet } from './face-accuracy.ts';
import { FACE_LAYOUTS, type FaceLayout } from './face-samples.ts';

export type Modality = 'finger' | 'iris' | 'face';
export type InputKind = 'images' | 'iso';
/**
 * Finger layouts (datasets/layouts.ts), the iris layouts `casia` (EEE/S/EEE_S_I.bmp) and `mmu1`
 * (PPP/left|right/*.bmp), the face layout `yale` (subjectNN.CONDITION), and the generic layouts:
 * `folders` (IDENTITY/[SESSION/…]/FILE; every modality) and `csv` (a manifest; finger and iris).
 */
export type BenchLayout = DatasetLayout | 'casia' | 'mmu1' | GenericLayout | FaceLayout;
/** The finger protocols, and cross-session (iris casia; any modality on the generic layouts). */
export type ReportProtocol = Protocol | typeof IRIS_PROTOCOL;
export type BenchProtocol = GenericProtocol;

export const MODALITIES: readonly Modality[] = ['finger', 'iris', 'face'];
export const INPUT_KINDS: readonly InputKind[] = ['images', 'iso'];
export const LAYOUTS: readonly BenchLayout[] = ['fvc', 'neurotech', 'casia', 'mmu1', ...GENERIC_LAYOUTS, 'yale'];
/** The layouts that hold iris images (besides the generic ones). */
const IRIS_LAYOUTS: readonly BenchLayout[] = ['casia', 'mmu1'];
export const IRIS_HALVES: readonly IrisHalf[] = ['first', 'second'];
export const PROTOCOLS: readonly BenchProtocol[] = ['all-pairs', 'fvc', 'cross-session'];

/** The set name used for generated data (no set folder given). */
export const SYNTHETIC_SET = 'synthetic';

export interface AccuracyOptions {
  /** Default 'finger'. 'iris' needs sets in the casia layout (no generated iris data: ERR_NO_IRIS without --set). */
  modality?: Modality;
  /** Set folders; none or empty: one generated set named "synthetic". */
  sets?: readonly string[];
  /** File naming of the set folders. Default 'fvc' (finger), 'casia' (iris). */
  layout?: BenchLayout;
  /** Default 'iso'; 'images' runs the fingerprint extractor (engine/finger-extractor.ts) on each image. */
  input?: InputKind;
  /**
   * Resolution of the samples in dots per inch; overrides what each record declares (images:
   * default 500). A set given as "DIR@DPI" has its own resolution, which wins over this one.
   */
  dpi?: number;
  /** Default 'all-pairs'; 'cross-session' only on the generic layouts (casia always uses it). */
  protocol?: BenchProtocol;
  /** Writes the report(s) here, and a DET plot beside it (`.json` → `.det.svg`). */
  json?: string;
  /** Writes every comparison here: `probe<TAB>gallery<TAB>score`, -Infinity as `-inf`. */
  scores?: string;
  /** Matcher kernel. Default 'simd'. */
  kernel?: KernelVariant;
  /** Receives the human-readable report line by line. Default: silent. */
  print?: (line: string) => void;
  /** Iris only: keep the first or second half of each set's persons (choose on one, check on the other). */
  half?: IrisHalf;
}

/** One set's result; exactly these keys are written to the JSON report. */
export interface AccuracyReport {
  /** The set folder as given, or "synthetic". */
  set: string;
  protocol: ReportProtocol;
  /** Number of genuine (mated) comparisons. */
  genuine: number;
  /** Number of impostor (non-mated) comparisons. */
  impostor: number;
  /** Failure-to-enrol rate: share of samples without a usable template (0–1). */
  fte: number;
  eer: number;
  fmr100: number;
  fmr1000: number;
  zeroFmr: number;
  /** Median feature extraction time per sample, ms (decoding excluded); null when the input is already minutiae (ISO). */
  extractMsMedian: number | null;
  /** Kernel comparisons per second, timing only the comparison calls. */
  comparisonsPerSecond: number;
}

export interface ScoredPair {
  probe: string;
  gallery: string;
  /** Calibrated (−10·log10 FMR); -Infinity when either sample failed to enrol. */
  score: number;
  genuine: boolean;
}

/** Everything measured on one set: the report plus what the text output and plots need. */
export interface SetResult {
  report: AccuracyReport;
  /** Short name for tables and plot legends ("DB1_B"). */
  label: string;
  samples: number;
  failures: Array<{ name: string; reason: string }>;
  det: DetPoint[];
  /** Share of impostor scores at or above calibrated 20 and 30 (calibration targets 1 % and 0.1 %). */
  impostorShareAt20: number;
  impostorShareAt30: number;
  pairs: ScoredPair[];
}

interface ResolvedOptions {
  modality: Modality;
  input: InputKind;
  sets: string[];
  layout: BenchLayout;
  dpi: number | undefined;
  protocol: BenchProtocol;
  kernel: KernelVariant;
}

function checkOptions(o: AccuracyOptions): ResolvedOptions {
  const oneOf = <T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T => {
    if (value === undefined) return fallback;
    if (!allowed.includes(value)) {
      throw new EngineError('ERR_BENCH_OPTION', `${name} must be one of ${allowed.join(', ')}, got "${String(value)}"`);
    }
    return value;
  };
  const modality = oneOf('modality', o.modality, MODALITIES, 'finger');
  const input = oneOf('input', o.input, INPUT_KINDS, 'iso');
  const layout = oneOf('layout', o.layout, LAYOUTS, modality === 'iris' ? 'casia' : modality === 'face' ? 'folders' : 'fvc');
  const generic = (GENERIC_LAYOUTS as readonly string[]).includes(layout);
  if (modality === 'face') {
    if ((o.sets ?? []).length === 0) throw new EngineError('ERR_NO_FACE', 'no generated face data: --modality face needs --set DIR (layout folders IDENTITY/IMAGE or yale)');
    if (!(FACE_LAYOUTS as readonly string[]).includes(layout)) throw new EngineError('ERR_BENCH_OPTION', `--modality face reads the layouts ${FACE_LAYOUTS.join(', ')}, got "${layout}"`);
    if (o.protocol !== undefined && o.protocol !== 'all-pairs') throw new EngineError('ERR_BENCH_OPTION', '--modality face uses the all-pairs protocol');
    if (o.input === 'iso' || o.dpi !== undefined) throw new EngineError('ERR_BENCH_OPTION', '--input iso and --dpi do not apply to face (it reads images)');
  } else if (generic) {
    if ((o.sets ?? []).length === 0) throw new EngineError('ERR_BENCH_OPTION', `--layout ${layout} needs --set (${layout === 'csv' ? 'a manifest file' : 'a folder'})`);
    if (o.input !== undefined) throw new EngineError('ERR_BENCH_OPTION', `--input does not apply to --layout ${layout}: each file is read by its extension (.iso records, other files images)`);
  } else if (o.protocol === 'cross-session') {
    throw new EngineError('ERR_BENCH_OPTION', 'the cross-session protocol needs sessions: --layout folders or csv (casia uses it already)');
  }
  if (modality === 'face') {
    // checked above
  } else if (modality === 'iris' && generic) {
    if (o.protocol === 'fvc') throw new EngineError('ERR_BENCH_OPTION', '--protocol fvc is a fingerprint protocol; iris takes all-pairs or cross-session');
  } else if (modality === 'iris') {
    if ((o.sets ?? []).length === 0) throw new EngineError('ERR_NO_IRIS', 'no generated iris data: --modality iris needs --set DIR (CASIA layout EEE/S/EEE_S_I.bmp)');
    if (!IRIS_LAYOUTS.includes(layout)) throw new EngineError('ERR_BENCH_OPTION', `--modality iris reads the ${IRIS_LAYOUTS.join(' or ')} layout, got "${layout}"`);
    if (o.protocol !== undefined) throw new EngineError('ERR_BENCH_OPTION', `--protocol does not apply to iris: the casia layout uses the ${IRIS_PROTOCOL} protocol, mmu1 all pairs`);
    if (o.input === 'iso' || o.dpi !== undefined) throw new EngineError('ERR_BENCH_OPTION', '--input iso and --dpi do not apply to iris (it reads images)');
  } else {
    if (IRIS_LAYOUTS.includes(layout)) throw new EngineError('ERR_BENCH_OPTION', `--layout ${layout} holds iris images: use --modality iris`);
    if (layout === 'yale') throw new EngineError('ERR_BENCH_OPTION', '--layout yale holds face images: use --modality face');
    if (o.half !== undefined) throw new EngineError('ERR_BENCH_OPTION', '--half applies to iris only');
    // (generic layouts: every file is read by its extension, nothing more to check here)
    if (input === 'images' && (o.sets ?? []).length === 0) throw new EngineError('ERR_NO_IMAGES', 'no generated fingerprint images: --input images needs --set DIR');
  }
  if (o.dpi !== undefined && !(Number.isFinite(o.dpi) && o.dpi > 0)) {
    throw new EngineError('ERR_BENCH_OPTION', `dpi must be a positive number, got ${String(o.dpi)}`);
  }
  for (const set of o.sets ?? []) {
    const { dpi } = parseSetSpec(set);
    if (dpi !== undefined && !(dpi > 0)) throw new EngineError('ERR_BENCH_OPTION', `set ${set}: dpi must be a positive number`);
  }
  return {
    modality,
    input,
    sets: [...(o.sets ?? [])],
    layout,
    dpi: o.dpi,
    protocol: oneOf('protocol', o.protocol, PROTOCOLS, 'all-pairs'),
    kernel: oneOf('kernel', o.kernel, ['simd', 'scalar'], 'simd'),
  };
}

/**
 * Enrols the samples, then scores every protocol pair (i < j; i is the probe). Each sample that
 * is a probe of some pair is prepared once and compared against a gallery of all enrolled
 * samples with compareMany; only those calls are timed.
 */
export function evaluateSet(set: string, label: string, samples: readonly FingerSample[], protocol: Protocol, kernel: KernelVariant = 'simd', extractMsMedian: number | null = null): SetResult {
  const matcher = new FingerMatcher(kernel);
  const enrolled = enrolSamples(matcher, samples);
  const { genuine, impostor } = buildPairs(enrolled, protocol);
  if (genuine.length === 0 || impostor.length === 0) {
    throw new EngineError(
      'ERR_BENCH_NO_PAIRS',
      `set ${set}: protocol ${protocol} gives ${genuine.length} genuine and ${impostor.length} impostor pairs; both kinds are needed (two impressions of a finger, two fingers)`,
    );
  }

  const { galleryIndex, templates } = enrolledGallery(enrolled.map((s) => s.template));
  let scan: ScanRows = { galleryIndex, rows: new Map(), comparisons: 0, seconds: 0 };
  if (templates.length > 0) {
    const gallery = matcher.loadGallery(templates);
    const probes = [...new Set([...genuine, ...impostor].map(([i]) => i))].filter((i) => galleryIndex.has(i)).sort((a, b) => a - b);
    const progress = startProgress({ label: `${label} scoring`, total: probes.length, unit: 'probes' });
    scan = { galleryIndex, ...scanProbes(withProgress(probes, progress), gallery.size, {
      prepare: (i) => matcher.prepareProbe(templates[galleryIndex.get(i)!]),
      compareMany: (probe, row) => matcher.compareMany(probe, gallery, row),
      release: (probe) => matcher.releaseProbe(probe),
    }) };
  }
  return setResult({
    set, label, protocol, enrolled, genuine, impostor, scan,
    extractMsMedian,
  });
}

/** Folder basenames when they tell the sets apart ("DB1_B"; a csv manifest: its folder's), else the sets as given. */
function setLabels(sets: readonly string[], layout: BenchLayout): string[] {
  const names = sets.map((s) => basename(layout === 'csv' ? dirname(resolve(parseSetSpec(s).dir)) : resolve(parseSetSpec(s).dir)));
  return new Set(names).size === names.length ? names : [...sets];
}

/** Evaluates each set (or generated data) without printing the table or writing files; the report command's entry. */
export async function evaluateAccuracySets(options: AccuracyOptions = {}): Promise<SetResult[]> {
  const o = checkOptions(options);
  const print = options.print ?? (() => {});
  const results: SetResult[] = [];
  if (o.sets.length === 0) {
    const { fingers, impressions, seed } = SYNTHETIC;
    print(`no --set given: running on GENERATED data, set "${SYNTHETIC_SET}" (${fingers} fingers × ${impressions} impressions, seed ${seed}).`);
    print('These figures check the harness and catch regressions; they say nothing about accuracy on real prints.');
    results.push(evaluateSet(SYNTHETIC_SET, SYNTHETIC_SET, syntheticSamples(fingers, impressions, seed, o.dpi), fingerProtocol(o.protocol), o.kernel));
  } else {
    const labels = setLabels(o.sets, o.layout);
    for (const [k, set] of o.sets.entries()) {
      if (o.modality === 'face') {
        results.push(await evaluateFaceSet(set, labels[k], o.layout as FaceLayout, print));
      } else if (o.layout === 'folders' || o.layout === 'csv') {
        const { dir, dpi } = parseSetSpec(set);
        const samples = listLabelledSamples(dir, o.layout, o.modality);
        results.push(await evaluateLabelledSet({ set, label: labels[k], modality: o.modality, samples, protocol: o.protocol, dpi: dpi ?? o.dpi ?? DEFAULT_IMAGE_DPI, kernel: o.kernel }));
      } else if (o.layout === 'casia' || o.layout === 'mmu1') {
        const listed = o.layout === 'casia' ? listCasiaIrisSamples(set) : listMmu1Samples(set);
        const samples = options.half === undefined ? listed : irisHalf(listed, oneOfHalf(options.half));
        const label = options.half === undefined ? labels[k] : `${labels[k]} (${options.half} half)`;
        results.push(evaluateIrisSet(set, label, samples, o.layout === 'casia' ? IRIS_PROTOCOL : 'all-pairs'));
      } else if (o.input === 'images') {
        const { dir, dpi } = parseSetSpec(set);
        const { samples, extractMs } = await readImageSamples(dir, o.layout as DatasetLayout, dpi ?? o.dpi ?? DEFAULT_IMAGE_DPI);
        results.push(evaluateSet(set, labels[k], samples, fingerProtocol(o.protocol), o.kernel, median(extractMs)));
      } else {
        const { dir, dpi } = parseSetSpec(set);
        const samples = readIsoSamples(dir, o.layout as DatasetLayout, dpi ?? o.dpi);
        results.push(evaluateSet(set, labels[k], samples, fingerProtocol(o.protocol), o.kernel));
      }
    }
  }
  return results;
}

/** checkOptions allows cross-session on the generic layouts only. */
function fingerProtocol(protocol: BenchProtocol): Protocol {
  if (protocol === 'cross-session') throw new EngineError('ERR_BENCH_OPTION', 'the cross-session protocol needs --layout folders or csv');
  return protocol;
}

/** Runs the accuracy bench on each set (or on generated data), prints, and writes the files asked for. */
export async function runAccuracy(options: AccuracyOptions = {}): Promise<AccuracyReport[]> {
  const o = checkOptions(options);
  const print = options.print ?? (() => {});
  const results = await evaluateAccuracySets(options);

  for (const line of accuracyText(results)) print(line);

  if (options.scores !== undefined) {
    writeTextFile(options.scores, scoresText(results));
    print(`scores: ${options.scores}`);
  }
  const reports = results.map((r) => r.report);
  if (options.json !== undefined) {
    writeJsonFile(options.json, reports.length === 1 ? reports[0] : reports);
    const svg = detSvgPathFor(options.json);
    const title = `DET, ${o.modality}, ${o.modality === 'iris' ? (o.layout === 'mmu1' ? 'all-pairs' : IRIS_PROTOCOL) : o.protocol}${o.sets.length === 0 ? ' (synthetic data)' : ''}`;
    writeTextFile(svg, renderDetSvg(results.map((r) => ({ label: r.label, det: r.det })), title));
    print(`report: ${options.json}`);
    print(`DET plot: ${svg}`);
  }
  return reports;
}

function oneOfHalf(half: IrisHalf): IrisHalf {
  if (!IRIS_HALVES.includes(half)) throw new EngineError('ERR_BENCH_OPTION', `half must be first or second, got "${String(half)}"`);
  return half;
}
