/**
 * `npm run bench -- report --out DIR`: the benchmarker's page. Runs the accuracy evaluation on
 * the sets, reads peers' score files and optional identify / speed JSON, and writes into DIR:
 *
 *   index.html    one self-contained page (inline CSS and SVG, no script, nothing fetched)
 *   report.json   every figure on the page (rates as fractions)
 *   summary.tsv   one row per set (and per peer curve): the headline rates
 *   scores.tsv    every comparison, the `--scores` format (probe, gallery, calibrated score)
 *
 * Files are written whole or not at all (report-files.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../engine/index.ts';
import { evaluateAccuracySets, type AccuracyOptions, type SetResult } from './accuracy.ts';
import { scoresText } from './accuracy-output.ts';
import { parseSetSpec } from './extract-samples.ts';
import { environment, type Environment } from './report-env.ts';
import { reportHtml } from './report-html.ts';
import { parsePeerSpec, readPeer, type PeerResult } from './report-peers.ts';
import {
  calibrationRows, FMR_TARGETS, histogram, operatingPoint, scoreLists, wilson,
  type CalibrationRow, type Histogram, type Interval, type OperatingPoint,
} from './report-stats.ts';
import { writeJsonFile, writeTextFile } from './report-files.ts';
import type { DetPoint } from './metrics.ts';

export interface ReportOptions extends Omit<AccuracyOptions, 'json' | 'scores'> {
  /** Folder for index.html, report.json, summary.tsv, scores.tsv (created if needed). */
  out: string;
  /** Peers' score files, "NAME=FILE". */
  peers?: readonly string[];
  /** JSON written by `bench identify --json`. */
  identifyJson?: string;
  /** JSON written by `bench speed --json`. */
  speedJson?: string;
  /** The command line, for the page. */
  command?: string;
}

export interface SetSection {
  label: string;
  set: string;
  protocol: string;
  samples: number;
  failures: Array<{ name: string; reason: string }>;
  genuine: number;
  impostor: number;
  fte: Interval;
  eer: number;
  /** FMR100, FMR1000, FMR10000 in that order. */
  points: OperatingPoint[];
  zeroFmr: number;
  extractMsMedian: number | null;
  comparisonsPerSecond: number;
  calibration: CalibrationRow[];
  histogram: Histogram;
  det: DetPoint[];
}

export interface IdentifySection {
  file: string;
  /** One run or several (a JSON array). */
  runs: Array<{ figures: Record<string, unknown>; fnir: Interval | null; fpir: Interval | null }>;
}

export interface SpeedSection {
  file: string;
  /** A figure beside its baseline measured in the same run. */
  paired: Array<{ key: string; value: number; baselineKey: string; baseline: number; higherIsBetter: boolean }>;
  other: Array<{ key: string; value: unknown }>;
}

export interface ReportData {
  title: string;
  modality: string;
  environment: Environment;
  sets: SetSection[];
  peers: PeerResult[];
  identify: IdentifySection | null;
  speed: SpeedSection | null;
}

/** Figures and their baselines from the speed suites (speed*.ts); any key "…Baseline…" pairs with the key without it. */
const SPEED_BASELINES: ReadonlyArray<[string, string, boolean]> = [
  ['fingerComparisonsPerSecond', 'baselinePerSecond', true],
  ['irisComparisonsPerSecond', 'irisPlainScanPerSecond', true],
];

export function setSection(r: SetResult): SetSection {
  const lists = scoreLists(r.pairs);
  return {
    label: r.label, set: r.report.set, protocol: r.report.protocol, samples: r.samples, failures: r.failures,
    genuine: r.report.genuine, impostor: r.report.impostor, fte: wilson(r.failures.length, r.samples),
    eer: r.report.eer, points: FMR_TARGETS.map((f) => operatingPoint(lists, f)), zeroFmr: r.report.zeroFmr,
    extractMsMedian: r.report.extractMsMedian, comparisonsPerSecond: r.report.comparisonsPerSecond,
    calibration: calibrationRows(lists), histogram: histogram(lists), det: r.det,
  };
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new EngineError('ERR_REPORT_INPUT', `${what} ${file} is not a readable JSON file`, { cause });
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** FNIR over mated and FPIR over non-mated searches, with intervals when the counts are there. */
export function identifySection(file: string): IdentifySection {
  const json = readJson(file, 'identify report');
  const runs = (Array.isArray(json) ? json : [json]).filter(isRecord);
  if (runs.length === 0) throw new EngineError('ERR_REPORT_INPUT', `identify report ${file} holds no object (expected what \`bench identify --json\` writes)`);
  const rate = (figures: Record<string, unknown>, key: string, trialsKey: string): Interval | null => {
    const r = figures[key];
    const n = figures[trialsKey];
    return typeof r === 'number' && typeof n === 'number' && n > 0 ? wilson(Math.round(r * n), n) : null;
  };
  return { file, runs: runs.map((figures) => ({ figures, fnir: rate(figures, 'fnir', 'matedSearches'), fpir: rate(figures, 'fpir', 'nonMatedSearches') })) };
}

export function speedSection(file: string): SpeedSection {
  const json = readJson(file, 'speed report');
  if (!isRecord(json)) throw new EngineError('ERR_REPORT_INPUT', `speed report ${file} is not one JSON object (expected what \`bench speed --json\` writes)`);
  const used = new Set<string>();
  const paired: SpeedSection['paired'] = [];
  const pairs: Array<[string, string, boolean]> = [...SPEED_BASELINES];
  for (const key of Object.keys(json)) {
    if (!key.includes('Baseline')) continue;
    const figure = key.replace('Baseline', '');
    pairs.push([figure, key, !/Ms|Micros|Seconds/.test(key)]);
  }
  for (const [key, baselineKey, higherIsBetter] of pairs) {
    const value = json[key];
    const baseline = json[baselineKey];
    if (typeof value !== 'number' || typeof baseline !== 'number' || used.has(key)) continue;
    paired.push({ key, value, baselineKey, baseline, higherIsBetter });
    used.add(key).add(baselineKey);
  }
  const other = Object.entries(json).filter(([k]) => !used.has(k)).map(([key, value]) => ({ key, value }));
  return { file, paired, other };
}

/** A finger set folder of images with no `.iso` records reads as images, so `--set DB1_B` of the TIFF set just works. */
function inputFor(o: ReportOptions): AccuracyOptions['input'] {
  if (o.input !== undefined || (o.modality ?? 'finger') !== 'finger' || (o.layout !== undefined && o.layout !== 'fvc' && o.layout !== 'neurotech')) return o.input;
  const sets = o.sets ?? [];
  if (sets.length === 0) return undefined;
  const hasIso = sets.some((s) => {
    const { dir } = parseSetSpec(s);
    return existsSync(dir) && readdirSync(dir).some((f) => f.toLowerCase().endsWith('.iso'));
  });
  return hasIso ? 'iso' : 'images';
}

/** Summary rows: sets, then peer curves. Rates as fractions, the shortest decimal JavaScript writes. */
export function summaryTsv(data: ReportData): string {
  const header = ['kind', 'name', 'set', 'protocol', 'genuine', 'impostor', 'fte', 'eer', 'fmr100', 'fmr1000', 'fmr10000', 'zeroFmr', 'comparisonsPerSecond', 'extractMsMedian'];
  const rows = data.sets.map((s) => ['set', s.label, s.set, s.protocol, s.genuine, s.impostor, s.fte.rate, s.eer, ...s.points.map((p) => p.fnmr.rate), s.zeroFmr, s.comparisonsPerSecond, s.extractMsMedian ?? '']);
  for (const p of data.peers) {
    for (const c of p.curves) rows.push(['peer', p.name, c.set, '', c.genuine, c.impostor, '', c.eer, ...c.points.map((q) => q.fnmr.rate), '', '', '']);
  }
  return [header, ...rows].map((r) => r.map(String).join('\t')).join('\n') + '\n';
}

/** Evaluates, renders and writes the report; returns what it wrote. */
export async function runReport(o: ReportOptions): Promise<{ data: ReportData; files: string[] }> {
  const print = o.print ?? (() => {});
  const results = await evaluateAccuracySets({ ...o, input: inputFor(o), print });
  const peers = (o.peers ?? []).map((spec) => readPeer(parsePeerSpec(spec), results));
  const modality = o.modality ?? 'finger';
  const data: ReportData = {
    title: `biodedup ${modality} accuracy: ${results.map((r) => r.label).join(', ')}`,
    modality,
    environment: environment(o.command ?? 'npm run bench -- report'),
    sets: results.map(setSection),
    peers,
    identify: o.identifyJson === undefined ? null : identifySection(o.identifyJson),
    speed: o.speedJson === undefined ? null : speedSection(o.speedJson),
  };
  // Everything is computed before anything is written: a bad input leaves no partial report.
  const files = {
    html: join(o.out, 'index.html'),
    json: join(o.out, 'report.json'),
    summary: join(o.out, 'summary.tsv'),
    scores: join(o.out, 'scores.tsv'),
  };
  const html = reportHtml(data);
  writeTextFile(files.scores, scoresText(results));
  writeTextFile(files.summary, summaryTsv(data));
  writeJsonFile(files.json, data);
  writeTextFile(files.html, html);
  for (const s of data.sets) {
    const at = (k: number): string => `${(s.points[k].fnmr.rate * 100).toFixed(2)} %`;
    print(`${s.label}: ${s.samples} samples, FTE ${(s.fte.rate * 100).toFixed(2)} %, EER ${(s.eer * 100).toFixed(2)} %, FMR100 ${at(0)}, FMR1000 ${at(1)}, FMR10000 ${at(2)}${s.points[2].resolvable ? '' : ' (not resolvable: < 10,000 impostor pairs)'}`);
  }
  for (const p of peers) print(`peer ${p.name}: ${p.lines} lines, ${p.unmatched} outside this run's pairs; ${p.curves.map((c) => `${c.set} EER ${(c.eer * 100).toFixed(2)} %`).join(', ')}`);
  print(`report: ${files.html}`);
  return { data, files: Object.values(files) };
}
