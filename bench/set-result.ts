/**
 * The part of an accuracy evaluation every modality shares: from the score rows its probes
 * produced to the scored protocol pairs, the error rates and the report.
 */
import { computeErrorRates, impostorShareAtOrAbove } from './metrics.ts';
import type { ReportProtocol, ScoredPair, SetResult } from './accuracy.ts';

export interface ScanRows {
  /** Sample index → index in the gallery the rows were scored against (enrolled samples only). */
  galleryIndex: Map<number, number>;
  /** Sample index of a probe → its scores against the whole gallery. */
  rows: Map<number, Float32Array>;
  comparisons: number;
  /** Time spent in the comparison calls alone. */
  seconds: number;
}

/** What a matcher must offer to be scanned: prepare a probe, score it against the gallery, release it. */
/**
 * The gallery of the samples that enrolled: sample index → gallery index, and their templates in
 * gallery order (a failure to enrol has no gallery entry and scores -inf in every pair).
 */
export function enrolledGallery<T>(templateOf: readonly (T | null)[]): { galleryIndex: Map<number, number>; templates: T[] } {
  const galleryIndex = new Map<number, number>();
  const templates: T[] = [];
  templateOf.forEach((t, i) => {
    if (t === null) return;
    galleryIndex.set(i, templates.length);
    templates.push(t);
  });
  return { galleryIndex, templates };
}

export interface ProbeScanner<P> {
  prepare(sampleIndex: number): P;
  compareMany(probe: P, row: Float32Array<ArrayBuffer>): void;
  release(probe: P): void;
}

/**
 * Scores each probe sample against the whole gallery (`gallerySize` templates), timing only
 * the compareMany calls: the comparisons/s of a report mean kernel time, not set-up.
 */
export function scanProbes<P>(probes: Iterable<number>, gallerySize: number, scanner: ProbeScanner<P>): Omit<ScanRows, 'galleryIndex'> {
  const rows = new Map<number, Float32Array>();
  let seconds = 0;
  for (const i of probes) {
    const probe = scanner.prepare(i);
    const row = new Float32Array(gallerySize);
    const t0 = process.hrtime.bigint();
    scanner.compareMany(probe, row);
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    scanner.release(probe);
    rows.set(i, row);
  }
  return { rows, comparisons: rows.size * gallerySize, seconds };
}

export interface SetEvaluation {
  set: string;
  label: string;
  protocol: ReportProtocol;
  enrolled: ReadonlyArray<{ name: string; failure: string | null }>;
  genuine: Array<[number, number]>;
  impostor: Array<[number, number]>;
  scan: ScanRows;
  extractMsMedian: number | null;
}

/** Scores every protocol pair (a failure to enrol scores -Infinity) and computes the report. */
export function setResult(e: SetEvaluation): SetResult {
  const { galleryIndex, rows, comparisons, seconds } = e.scan;
  const score = (i: number, j: number): number => {
    const g = galleryIndex.get(j);
    const row = rows.get(i);
    return row === undefined || g === undefined ? -Infinity : row[g];
  };
  const scored = (list: Array<[number, number]>, isGenuine: boolean): ScoredPair[] =>
    list.map(([i, j]) => ({ probe: e.enrolled[i].name, gallery: e.enrolled[j].name, score: score(i, j), genuine: isGenuine }));
  const pairs = [...scored(e.genuine, true), ...scored(e.impostor, false)];
  const genuineScores = Float64Array.from(pairs.filter((p) => p.genuine), (p) => p.score);
  const impostorScores = Float64Array.from(pairs.filter((p) => !p.genuine), (p) => p.score);
  const rates = computeErrorRates(genuineScores, impostorScores);
  const failures = e.enrolled.flatMap((s) => (s.failure === null ? [] : [{ name: s.name, reason: s.failure }]));
  const samples = e.enrolled.length;
  return {
    report: {
      set: e.set,
      protocol: e.protocol,
      genuine: rates.genuine,
      impostor: rates.impostor,
      fte: samples === 0 ? 0 : failures.length / samples,
      eer: rates.eer,
      fmr100: rates.fmr100,
      fmr1000: rates.fmr1000,
      zeroFmr: rates.zeroFmr,
      extractMsMedian: e.extractMsMedian,
      comparisonsPerSecond: seconds > 0 ? comparisons / seconds : 0,
    },
    label: e.label,
    samples,
    failures,
    det: rates.det,
    impostorShareAt20: impostorShareAtOrAbove(impostorScores, 20),
    impostorShareAt30: impostorShareAtOrAbove(impostorScores, 30),
    pairs,
  };
}
