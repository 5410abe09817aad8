/**
 * Adaptive penetration by probe quality, on the real pool (real-vs-real, bench/identify-real-pool.ts):
 * a search whose probe looks poor — judged from the probe alone, independent of the gallery and its
 * size — gets a wide penetration, the others a narrower base one, with the mean over searches ≤ the
 * budget (2 %). The rule (signal, threshold, base, wide) is chosen on the choose half from the grid
 * below, declared before any search is looked at, and printed before the report half is computed.
 *   node --import tsx bench/prefilter-adaptive.ts [--budget 0.02] [--json FILE]
 * Signals (per search, over the probe's fingers): the fewest valid cylinders, the total of valid
 * cylinders, the fewest minutiae. Poor = signal < threshold; thresholds are the choose half's
 * signal values at the grid's quantiles (absolute values, then applied unchanged to the report half).
 * Choice: most choose-half hits with mean penetration ≤ budget; ties → smaller mean penetration,
 * then larger base. Exit codes: 0 done, 1 error, 2 bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allRealFingers, realPersons } from '../datasets/scale-real-fingers.ts';
import { dataDir } from './data-dir.ts';
import { realPool, wilson95, type RealSearch } from './identify-real-pool.ts';

const SIGNALS: Readonly<Record<string, (s: RealSearch) => number>> = {
  minCylinders: (s) => Math.min(...s.probeCylinders!),
  sumCylinders: (s) => s.probeCylinders!.reduce((a, b) => a + b, 0),
  minMinutiae: (s) => Math.min(...s.probeMinutiae!),
};
const POOR_QUANTILES = [0.025, 0.05, 0.1, 0.15, 0.2, 0.25];
const BASES = [0.005, 0.01, 0.015, 0.02];
const WIDES = [0.03, 0.05, 0.1, 0.2, 0.35];

let values: { budget?: string; json?: string };
try {
  values = parseArgs({ options: { budget: { type: 'string' }, json: { type: 'string' } }, strict: true }).values;
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\nusage: node --import tsx bench/prefilter-adaptive.ts [--budget 0.02] [--json FILE]`);
  process.exit(2);
}
const budget = Number(values.budget ?? 0.02);
if (!(budget > 0 && budget < 1)) { console.error('--budget must be in (0, 1)'); process.exit(2); }

interface Rule { signal: string; threshold: number; base: number; wide: number }
interface Outcome { searches: number; people: number; hits: number; hitRate: number; ci95: [number, number]; meanPenetration: number; widenedShare: number; widened: number }

const pen = (r: Rule, s: RealSearch): number => (SIGNALS[r.signal](s) < r.threshold ? r.wide : r.base);
function evaluate(r: Rule, searches: readonly RealSearch[]): Outcome {
  let hits = 0, sum = 0, widened = 0;
  for (const s of searches) {
    const p = pen(r, s);
    if (p === r.wide && SIGNALS[r.signal](s) < r.threshold) widened++;
    sum += p;
    if (s.neededPenetration < p) hits++;
  }
  const n = searches.length;
  return { searches: n, people: new Set(searches.map((s) => s.person)).size, hits, hitRate: hits / n, ci95: wilson95(hits, n), meanPenetration: sum / n, widenedShare: widened / n, widened };
}
const fixed = (p: number): Rule => ({ signal: 'minCylinders', threshold: -Infinity, base: p, wide: p });
const fmt = (o: Outcome): string => `${o.hits} of ${o.searches} (${o.people} people) = ${(100 * o.hitRate).toFixed(2)} % [${(100 * o.ci95[0]).toFixed(2)}, ${(100 * o.ci95[1]).toFixed(2)}], mean penetration ${(100 * o.meanPenetration).toFixed(3)} %, widened ${o.widened} (${(100 * o.widenedShare).toFixed(1)} %)`;

const pool = realPool(realPersons(await allRealFingers(dataDir()), 2));
const choose = pool.searches.filter((s) => s.half === 'choose');
const report = pool.searches.filter((s) => s.half === 'report');

// the choose half's misses at the fixed budget, with their signals (choose half only)
console.log(`choose half: ${choose.length} searches; fixed ${100 * budget} %: ${fmt(evaluate(fixed(budget), choose))}`);
for (const s of choose.filter((x) => !(x.neededPenetration < budget))) {
  console.log(`  miss ${s.person} imp ${s.impression}: needs ${(100 * s.neededPenetration).toFixed(2)} %, ${Object.entries(SIGNALS).map(([k, f]) => `${k} ${f(s)}`).join(', ')}`);
}
for (const [k, f] of Object.entries(SIGNALS)) {
  const v = choose.map(f).sort((a, b) => a - b);
  console.log(`  ${k}: min ${v[0]}, quantiles ${POOR_QUANTILES.map((q) => v[Math.floor(q * v.length)]).join(' / ')}, median ${v[v.length >> 1]}`);
}

let best: { rule: Rule; out: Outcome } | null = null;
const candidates: { rule: Rule; out: Outcome }[] = [];
for (const signal of Object.keys(SIGNALS)) {
  const v = choose.map(SIGNALS[signal]).sort((a, b) => a - b);
  const thresholds = [...new Set(POOR_QUANTILES.map((q) => v[Math.floor(q * v.length)]))];
  for (const threshold of thresholds) for (const base of BASES) for (const wide of WIDES) {
    if (wide <= base) continue;
    const rule = { signal, threshold, base, wide };
    const out = evaluate(rule, choose);
    if (out.meanPenetration > budget + 1e-12) continue;
    candidates.push({ rule, out });
    if (best === null || out.hits > best.out.hits
      || (out.hits === best.out.hits && (out.meanPenetration < best.out.meanPenetration - 1e-12
        || (Math.abs(out.meanPenetration - best.out.meanPenetration) <= 1e-12 && base > best.rule.base)))) best = { rule, out };
  }
}
if (best === null) { console.error('no rule within the budget'); process.exit(1); }
console.log(`\nRULE (chosen on the choose half, ${candidates.length} grid rules within the budget): poor = ${best.rule.signal} < ${best.rule.threshold} → ${100 * best.rule.wide} %, else ${100 * best.rule.base} %`);
console.log(`  choose half: ${fmt(best.out)}`);
const tied = candidates.filter((c) => c.out.hits === best!.out.hits).length;
console.log(`  rules reaching the same choose-half hits: ${tied}`);

console.log('\nreport half (nothing chosen on it):');
const adaptive = evaluate(best.rule, report);
const fixedReport = evaluate(fixed(budget), report);
console.log(`  adaptive: ${fmt(adaptive)}`);
console.log(`  fixed ${100 * budget} %: ${fmt(fixedReport)}`);
for (const s of report.filter((x) => !(x.neededPenetration < pen(best!.rule, x)))) {
  console.log(`  miss ${s.person} imp ${s.impression}: needs ${(100 * s.neededPenetration).toFixed(2)} %, ${Object.entries(SIGNALS).map(([k, f]) => `${k} ${f(s)}`).join(', ')}`);
}
if (values.json !== undefined) {
  writeFileSync(values.json, `${JSON.stringify({
    budget, grid: { signals: Object.keys(SIGNALS), poorQuantiles: POOR_QUANTILES, bases: BASES, wides: WIDES },
    rule: best.rule, choose: best.out, chooseFixed: evaluate(fixed(budget), choose), tiedRules: tied,
    report: adaptive, reportFixed: fixedReport,
  }, null, 2)}\n`);
}

// Exploratory, NOT a result: how far any rule on one probe-side signal could go on the report
// half if it were tuned on the report half itself (an upper bound; fine grid, mean ≤ budget),
// and the spread over the rules that tied on the choose half. Both printed after the rule above.
const EXTRA: Readonly<Record<string, (s: RealSearch) => number>> = {
  ...SIGNALS,
  minResidual: (s) => Math.min(...s.probeResidual!),
};
const tiedOnReport = candidates.filter((c) => c.out.hits === best!.out.hits).map((c) => evaluate(c.rule, report).hits);
console.log(`\nexploratory: report-half hits of the ${tiedOnReport.length} rules tied on the choose half: ${Math.min(...tiedOnReport)}–${Math.max(...tiedOnReport)} of ${report.length}`);
const fine = Array.from({ length: 40 }, (_, i) => (i + 1) * 0.0005); // 0.05–2 %
const wideFine = [0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4];
const bounds: Record<string, { hits: number; rule: Rule; mean: number }> = {};
for (const [signal, f] of Object.entries(EXTRA)) {
  const ts = [...new Set(report.map(f))].sort((a, b) => a - b);
  let top: { hits: number; rule: Rule; mean: number } | null = null;
  for (const threshold of [...ts, ts[ts.length - 1] + 1]) for (const base of fine) for (const wide of wideFine) {
    if (wide <= base) continue;
    let hits = 0, sum = 0;
    for (const s of report) { const p = f(s) < threshold ? wide : base; sum += p; if (s.neededPenetration < p) hits++; }
    if (sum / report.length > budget + 1e-12) continue;
    if (top === null || hits > top.hits) top = { hits, rule: { signal, threshold, base, wide }, mean: sum / report.length };
  }
  bounds[signal] = top!;
  console.log(`  upper bound with ${signal} tuned on the report half itself: ${top!.hits} of ${report.length} (poor < ${top!.rule.threshold} → ${(100 * top!.rule.wide).toFixed(1)} %, else ${(100 * top!.rule.base).toFixed(2)} %, mean ${(100 * top!.mean).toFixed(3)} %)`);
}
for (const s of report.filter((x) => !(x.neededPenetration < budget))) {
  console.log(`  report-half miss at fixed ${100 * budget} %: ${s.person} imp ${s.impression} needs ${(100 * s.neededPenetration).toFixed(2)} %; ${Object.entries(EXTRA).map(([k, f]) => `${k} ${f(s).toFixed(k === 'minResidual' ? 3 : 0)} (rank ${report.filter((o) => EXTRA[k](o) < f(s)).length + 1}/${report.length})`).join(', ')}`);
}
if (values.json !== undefined) {
  writeFileSync(values.json.replace(/\.json$/, '') + '-exploratory.json', `${JSON.stringify({ tiedRulesReportHits: tiedOnReport, reportUpperBounds: bounds }, null, 2)}\n`);
}

// How well each signal tells the searches that need more than the smallest grid penetration
// (0.25 %) from the rest, per half: AUC (0.5 = no better than chance; low signal = poor).
const auc = (xs: readonly RealSearch[], f: (s: RealSearch) => number): { auc: number; hard: number } => {
  const hard = xs.filter((s) => !(s.neededPenetration < 0.0025)), easy = xs.filter((s) => s.neededPenetration < 0.0025);
  let wins = 0;
  for (const h of hard) for (const e of easy) wins += f(h) < f(e) ? 1 : f(h) === f(e) ? 0.5 : 0;
  return { auc: wins / Math.max(1, hard.length * easy.length), hard: hard.length };
};
for (const [half, xs] of [['choose', choose], ['report', report]] as const) {
  console.log(`  ${half} half, searches needing ≥ 0.25 %: ${auc(xs, EXTRA.minCylinders).hard} of ${xs.length}; AUC of "signal lower" for them: ${Object.entries(EXTRA).map(([k, f]) => `${k} ${auc(xs, f).auc.toFixed(3)}`).join(', ')}`);
}
