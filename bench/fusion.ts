/**
 * `npm run bench -- fusion [--json F]`: why 1:N FPIR exceeded targetFPIR, and the check of the
 * fix, on real fingers only (bench/fusion-real-pairs.ts; halves by human). Old (bench/fusion-
 * legacy.ts) and new (the engine's calibration and fusion) side by side in one run:
 * 1. single-finger calibration per kind of impostor pair (FVC set, across sets, U.are.U);
 * 2. the correlation between the fingers of one non-mated pair of persons (fit half);
 * 3. fused scores of non-mated rows against their calibrated share;
 * 4. FPIR and FNIR at targetFPIR in galleries of real persons (the report half, then all);
 * 5. the halves swapped: calibration and correlation fitted on the report half, checked on the
 *    fit half (how much the figures depend on the population fitted on).
 */
import { writeFileSync } from 'node:fs';
import { calibrateFingerScore } from '../engine/finger-calibration.ts';
import { fuseScores } from '../engine/gallery/fusion.ts';
import { FUSION } from '../engine/gallery/fusion-params.ts';
import { piecewiseCalibration } from '../engine/score-calibration.ts';
import { FINGER_TAIL, fitCalibration } from './calibrate.ts';
import { dataDir } from './data-dir.ts';
import { exceedance, fingerCorrelation, nonMatedRows, realGalleryRates, type Calibrate, type Fuse, type GalleryRates } from './fusion-fit.ts';
import { legacyFingerScore, legacyFuse } from './fusion-legacy.ts';
import { humanOf, impostorRaw, realPairs, type Half, type RealPairs } from './fusion-real-pairs.ts';

const LEVELS = [10, 20, 30, 40, 50];
const FUSED_LEVELS = [10, 20, 30, 40];
const TARGETS = [10, 20, 30];

type Scheme = { name: string; cal: Calibrate; fuse: Fuse };

/** The kind of an impostor pair, for the per-sensor calibration table. */
function pairKind(p: RealPairs, i: number, j: number): string {
  const a = p.impressions[i].finger, b = p.impressions[j].finger;
  if (a.person !== null && b.person !== null) return a.person === b.person ? 'U.are.U, same human, other finger (not a non-mate)' : 'U.are.U, different humans';
  if (a.person === null && b.person === null) return a.source === b.source ? `FVC2002 ${a.source.split(' ')[1]}, same set` : 'FVC2002, across sets';
  return 'FVC2002 × U.are.U (across sensors)';
}

function calibrationTable(p: RealPairs, cal: Calibrate, half: Half | 'all'): Map<string, { n: number; at: number[] }> {
  const n = p.impressions.length;
  const out = new Map<string, { n: number; at: number[] }>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = p.impressions[i].finger, b = p.impressions[j].finger;
      if (a === b) continue;
      if (half !== 'all' && (p.halfOf(a) !== half || p.halfOf(b) !== half)) continue;
      const kind = pairKind(p, i, j);
      const e = out.get(kind) ?? { n: 0, at: LEVELS.map(() => 0) };
      const s = cal(p.raw[i * n + j]);
      e.n++;
      LEVELS.forEach((t, k) => { if (s >= t) e.at[k]++; });
      out.set(kind, e);
    }
  }
  return out;
}

const pct = (k: number, n: number, d = 3): string => `${((100 * k) / Math.max(1, n)).toFixed(d)} %`;

function printTable(title: string, table: Map<string, { n: number; at: number[] }>, log: (l: string) => void): void {
  log(title);
  log(`  ${'pairs'.padEnd(52)}${'n'.padStart(8)}${LEVELS.map((t) => `≥ ${t} (nominal ${pct(1, 10 ** (t / 10), t >= 40 ? 3 : 1)})`.padStart(30)).join('')}`);
  const total = { n: 0, at: LEVELS.map(() => 0) };
  for (const [kind, e] of [...table].sort()) {
    log(`  ${kind.padEnd(52)}${String(e.n).padStart(8)}${e.at.map((k, i) => `${pct(k, e.n)} (${k}) ${(k / e.n / 10 ** (-LEVELS[i] / 10)).toFixed(2)}×`.padStart(30)).join('')}`);
    if (!kind.includes('not a non-mate')) { total.n += e.n; e.at.forEach((k, i) => { total.at[i] += k; }); }
  }
  log(`  ${'all non-mates'.padEnd(52)}${String(total.n).padStart(8)}${total.at.map((k, i) => `${pct(k, total.n)} (${k}) ${(k / total.n / 10 ** (-LEVELS[i] / 10)).toFixed(2)}×`.padStart(30)).join('')}`);
}

function formatRates(r: GalleryRates): string {
  const ci = (c: [number, number]) => `[${(100 * c[0]).toFixed(2)}, ${(100 * c[1]).toFixed(2)}]`;
  return `FPIR ${pct(r.falsePositives, r.nonMatedSearches, 2)} ${ci(r.fpirCi95)} (${r.falsePositives} of ${r.nonMatedSearches}; target ${pct(1, 10 ** (r.targetFPIR / 10), 1)}), FNIR ${pct(r.misses, r.matedSearches, 2)} ${ci(r.fnirCi95)} (${r.misses} of ${r.matedSearches}); ${r.persons} persons, galleries of ${r.gallerySize.toFixed(1)}, threshold ≈ ${r.threshold.toFixed(1)}`;
}

export interface FusionFigures {
  correlationFitHalf: number;
  correlationPairsFitHalf: number;
  engineCorrelation: number;
  exceedance: Record<string, unknown>;
  realGalleries: Record<string, GalleryRates>;
  swapped: Record<string, unknown>;
}

export async function runFusionBench(log: (line: string) => void, json?: string): Promise<FusionFigures> {
  const p = await realPairs(dataDir(), log);
  const people = (h: Half) => new Set(p.fingers.filter((f) => p.halfOf(f) === h).map(humanOf)).size;
  log(`halves by human: fit ${impostorRaw(p, 'fit').length} impostor pairs (${people('fit')} humans), report ${impostorRaw(p, 'report').length} (${people('report')} humans)`);
  const oldScheme: Scheme = { name: 'old (cross-set calibration, Fisher)', cal: legacyFingerScore, fuse: legacyFuse };
  const newScheme: Scheme = { name: `new (fit-half calibration, Brown ρ = ${FUSION.correlation})`, cal: calibrateFingerScore, fuse: (s) => fuseScores(s) };
  const newFisher: Scheme = { name: 'new calibration, Fisher (ρ = 0)', cal: calibrateFingerScore, fuse: (s) => fuseScores(s, 0) };

  log('\n1. single-finger calibration: share of impostor pairs at or above a calibrated score, and its ratio to the nominal');
  printTable('old calibration, all pairs (both halves):', calibrationTable(p, legacyFingerScore, 'all'), log);
  printTable('new calibration, report half only (never fitted on):', calibrationTable(p, calibrateFingerScore, 'report'), log);
  printTable('new calibration, fit half (fitted on: shows the fit):', calibrationTable(p, calibrateFingerScore, 'fit'), log);

  log('\n2. correlation between the fingers of one non-mated pair of persons (−ln p, Pearson)');
  const fitRows = [2, 10].map((f) => nonMatedRows(p, f, 'fit', calibrateFingerScore));
  const repRows = [2, 10].map((f) => nonMatedRows(p, f, 'report', calibrateFingerScore));
  for (const r of [...fitRows, ...repRows]) {
    const c = fingerCorrelation([r]);
    log(`  ${r === fitRows[0] || r === fitRows[1] ? 'fit' : 'report'} half, ${r.fingers} fingers: ${r.rows.length} rows from ${r.persons} persons: ρ = ${c.correlation.toFixed(3)}, mean −ln p = ${c.meanMinusLnP.toFixed(3)} (1 when calibrated)`);
  }
  const pooled = fingerCorrelation(fitRows);
  log(`  pooled over the fit half: ρ = ${pooled.correlation.toFixed(3)} (${pooled.pairs} pairs of comparisons); the engine uses FUSION.correlation = ${FUSION.correlation}`);

  log('\n3. fused non-mated rows at or above a fused score, against the calibrated share');
  const exc: Record<string, unknown> = {};
  for (const [half, sets] of [['fit', [2, 10].map((f) => nonMatedRows(p, f, 'fit', legacyFingerScore))], ['report', [2, 10].map((f) => nonMatedRows(p, f, 'report', legacyFingerScore))]] as const) {
    for (const [k, legacyRows] of sets.entries()) {
      const rows = (half === 'fit' ? fitRows : repRows)[k];
      for (const s of [oldScheme, newFisher, newScheme]) {
        const e = exceedance(s === oldScheme ? legacyRows.rows : rows.rows, s.fuse, FUSED_LEVELS);
        exc[`${half}-${rows.fingers}f-${s === oldScheme ? 'old' : s === newFisher ? 'newFisher' : 'new'}`] = e;
        log(`  ${half} half, ${rows.fingers} fingers, ${s.name.padEnd(44)} ${e.map((x) => `≥ ${x.threshold}: ${x.atOrAbove} of ${x.rows} = ${x.ratio.toFixed(2)}×`).join('   ')}`);
      }
    }
  }

  log('\n4. FPIR and FNIR at targetFPIR, searches in galleries of real persons (threshold targetFPIR + 10·log10 N)');
  const galleries: Record<string, GalleryRates> = {};
  for (const [probes, gallery, label] of [['report', 'report', 'report half (never fitted on)'], ['all', 'all', 'all persons, both halves (includes the fit half)']] as const) {
    for (const f of [2, 10]) {
      for (const t of TARGETS) {
        for (const s of [oldScheme, newScheme]) {
          const r = realGalleryRates(p, f, probes, gallery, t, s.cal, s.fuse);
          galleries[`${probes}-${f}f-t${t}-${s === oldScheme ? 'old' : 'new'}`] = r;
          log(`  ${label}, ${f} fingers, targetFPIR ${t}, ${s === oldScheme ? 'old' : 'new'}: ${formatRates(r)}`);
        }
      }
    }
  }

  log('\n5. halves swapped: calibration and ρ fitted on the report half, checked on the fit half');
  const swappedCal = piecewiseCalibration(fitCalibration(impostorRaw(p, 'report'), FINGER_TAIL));
  const swappedRho = fingerCorrelation([2, 10].map((f) => nonMatedRows(p, f, 'report', swappedCal))).correlation;
  const swapped: Record<string, unknown> = { correlation: swappedRho };
  log(`  ρ fitted on the report half: ${swappedRho.toFixed(3)}`);
  printTable('  single finger, fit half, calibration fitted on the report half:', calibrationTable(p, swappedCal, 'fit'), log);
  for (const f of [2, 10]) {
    const e = exceedance(nonMatedRows(p, f, 'fit', swappedCal).rows, (s) => fuseScores(s, swappedRho), FUSED_LEVELS);
    swapped[`exceedance-${f}f`] = e;
    log(`  fused, fit half, ${f} fingers: ${e.map((x) => `≥ ${x.threshold}: ${x.atOrAbove} of ${x.rows} = ${x.ratio.toFixed(2)}×`).join('   ')}`);
    for (const t of TARGETS) {
      const r = realGalleryRates(p, f, 'fit', 'fit', t, swappedCal, (s) => fuseScores(s, swappedRho));
      swapped[`fit-${f}f-t${t}`] = r;
      log(`  fit half galleries, ${f} fingers, targetFPIR ${t}: ${formatRates(r)}`);
    }
  }
  const figures: FusionFigures = {
    correlationFitHalf: pooled.correlation, correlationPairsFitHalf: pooled.pairs, engineCorrelation: FUSION.correlation,
    exceedance: exc, realGalleries: galleries, swapped,
  };
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(figures, null, 2)}\n`);
  return figures;
}

if (process.argv[1]?.endsWith('bench/fusion.ts')) {
  const at = process.argv.indexOf('--json');
  await runFusionBench((l) => console.log(l), at > 0 ? process.argv[at + 1] : undefined);
}
