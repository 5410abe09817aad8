/**
 * Hub reduction and two-finger fusion rules for the vector prefilter, on the real pool
 * (real-vs-real, the computation of bench/identify-real-pool.ts's needed penetration without the
 * full matcher; bench/prefilter-variants.ts's loop). Session 11, issue 16.
 *   node --import tsx bench/prefilter-hubs.ts [--budget 0.02] [--choose-only] [--gen-seed N] [--json FILE]
 * (--choose-only: stop after the choice, the report half not computed. --gen-seed N: another
 * generated cohort, to see how much of a rule's choose-half count is the cohort's luck.)
 *
 * A rule = a gallery-side normalisation × a fusion of the probe fingers' evidence.
 *
 * Normalisation (per gallery finger g, a constant computed once at enrolment from a FIXED cohort
 * of vectors, never from the gallery or the probe): the similarity s(p, g) becomes
 *   none:   s
 *   centre: s − μ_g            (μ_g, σ_g: mean and std of g's similarity to the cohort)
 *   z:      (s − μ_g) / σ_g
 *   csls:   s − r_g            (r_g: mean of g's CSLS_K highest similarities to the cohort)
 * then, as the engine does, standardised per probe finger by the mean and std over the gallery
 * fingers it meets (z_k). Cohorts: `gen` = GEN_COHORT generated fingers (datasets/scale-gallery.ts,
 * the generator fitted on the fit half; seed below); `fit` = every impression of the fit-half real
 * FVC fingers (what PREFILTER_MEAN was computed from), the gallery finger's own finger left out.
 *
 * Fusion of the per-probe-finger z_k into the subject's joint score:
 *   sum (the engine now), max, sum + w·max (w 0.5, 1), clip0 = Σ max(z_k, 0),
 *   logtail = −Σ log Q(z_k) (Q the standard normal upper tail: a sum of log-ranks with the rank
 *   share read from a normal tail), quality: Σ c_k^γ z_k with c_k the probe finger's valid
 *   cylinders (γ 0.5, 1).
 * Changed after the first choose-half-only run (report half not computed): rank shares counted in
 * the real pool's lists (≈ 46 fingers per probe finger) move in steps of 1/47 ≈ 2 %, the size of
 * the budget, so "keep if either finger ranks in the top p/2" (minrank) kept nothing at 2 % and
 * logrank tied whole blocks; in a 1M gallery the ranks are fine. With a common tail for both
 * fingers, "either finger in the top" is the max rule, and the log-rank sum is logtail.
 *
 * Choice, declared before the script was first run: on the CHOOSE half only, most hits at the
 * budget (needed penetration < budget); ties → smaller mean log10(max(needed, 1e-4)) over the
 * half; then the earlier rule in RULES (the engine's rule first). The rule is printed, then the
 * report half is computed for it and for the engine's rule at the same fixed budget. An
 * exploratory line after that (every rule on the report half) is NOT a result: it bounds
 * what a choice could have given.
 * Exit codes: 0 done, 1 error (data folder missing included), 2 bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FingerMatcher, templateVector, type FingerTemplate } from '../engine/index.ts';
import { allRealFingers, personHalves, realPersons } from '../datasets/scale-real-fingers.ts';
import { FINGER_ORDER, scaleFingerRecord } from '../datasets/scale-gallery.ts';
import { dataDir } from './data-dir.ts';
import { PENETRATION_GRID, wilson95 } from './identify-real-pool.ts';

/** Generated cohort: size (fingers) and generator seed (any fixed value; not a gallery seed of the bench stores). */
const GEN_COHORT = 256;
const GEN_SEED_DEFAULT = 0xc0_4071;
/** CSLS neighbourhood (cohort vectors). */
const CSLS_K = 10;
const NORMS = ['none', 'gen-centre', 'gen-z', 'gen-csls', 'fit-centre', 'fit-z', 'fit-csls'] as const;
const FUSIONS = ['sum', 'max', 'sum+0.5max', 'sum+1max', 'clip0', 'logtail', 'quality0.5', 'quality1'] as const;
type Norm = (typeof NORMS)[number];
type Fusion = (typeof FUSIONS)[number];
interface Rule { norm: Norm; fusion: Fusion }
const RULES: readonly Rule[] = NORMS.flatMap((norm) => FUSIONS.map((fusion) => ({ norm, fusion })));

let values: { budget?: string; json?: string; 'choose-only'?: boolean; 'gen-seed'?: string };
try {
  values = parseArgs({ options: { budget: { type: 'string' }, json: { type: 'string' }, 'choose-only': { type: 'boolean' }, 'gen-seed': { type: 'string' } }, strict: true }).values;
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\nusage: node --import tsx bench/prefilter-hubs.ts [--budget 0.02] [--choose-only] [--gen-seed N] [--json FILE]`);
  process.exit(2);
}
const budget = Number(values.budget ?? 0.02);
const GEN_SEED = values['gen-seed'] === undefined ? GEN_SEED_DEFAULT : Number(values['gen-seed']);
if (!Number.isInteger(GEN_SEED) || GEN_SEED < 0 || GEN_SEED > 0xffffffff) { console.error('--gen-seed must be an integer in 0–2^32−1'); process.exit(2); }
if (!(budget > 0 && budget < 1)) { console.error('--budget must be in (0, 1)'); process.exit(2); }

const matcher = new FingerMatcher();
const enrol = (r: { views: { minutiae: unknown[] }[]; resolutionX: number } | null | undefined): FingerTemplate | null => {
  if (r === null || r === undefined || r.views[0] === undefined) return null;
  try {
    return matcher.createTemplate(r.views[0].minutiae as never, { resolutionPxPerCm: r.resolutionX });
  } catch {
    return null;
  }
};
const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const usable = (v: Float32Array | null): v is Float32Array => v !== null && v.some((x) => x !== 0);

const fingers = await allRealFingers(dataDir());
const templates = fingers.map((f) => f.impressions.map((r) => enrol(r)));
const vectors = templates.map((imps) => imps.map((t) => (t === null ? null : templateVector(t))));
const persons = realPersons(fingers, 2);
const halves = personHalves(persons);
const index = new Map(fingers.map((f, i) => [f.id, i]));
const inFitHalf = (i: number): boolean => fingers[i].person === null && Math.floor((Number(fingers[i].id.split('/').pop()) - 101) / 2) % 2 === 0;

// cohorts: vectors with the finger they come from (−1: generated), so a finger's own impressions can be left out
const cohorts: Record<'gen' | 'fit', { finger: number; v: Float32Array }[]> = { gen: [], fit: [] };
for (let i = 0; cohorts.gen.length < GEN_COHORT; i++) {
  const t = enrol(scaleFingerRecord(GEN_SEED, i, FINGER_ORDER[i % FINGER_ORDER.length]));
  const v = t === null ? null : templateVector(t);
  if (usable(v)) cohorts.gen.push({ finger: -1, v });
}
vectors.forEach((imps, i) => { if (inFitHalf(i)) for (const v of imps) if (usable(v)) cohorts.fit.push({ finger: i, v }); });

/** Per gallery finger (impression 1), per cohort: μ, σ, r (mean of the CSLS_K highest). */
const hubStats = new Map<number, Record<'gen' | 'fit', { mean: number; std: number; top: number }>>();
const statsOf = (k: number): Record<'gen' | 'fit', { mean: number; std: number; top: number }> => {
  let s = hubStats.get(k);
  if (s !== undefined) return s;
  const of = (c: 'gen' | 'fit'): { mean: number; std: number; top: number } => {
    const sims = cohorts[c].filter((x) => x.finger !== k).map((x) => dot(vectors[k][0]!, x.v)).sort((a, b) => b - a);
    const mean = sims.reduce((a, b) => a + b, 0) / sims.length;
    const std = Math.sqrt(sims.reduce((a, b) => a + (b - mean) ** 2, 0) / sims.length) || 1;
    return { mean, std, top: sims.slice(0, CSLS_K).reduce((a, b) => a + b, 0) / CSLS_K };
  };
  s = { gen: of('gen'), fit: of('fit') };
  hubStats.set(k, s);
  return s;
};
function normalised(norm: Norm, s: number, k: number): number {
  if (norm === 'none') return s;
  const [cohort, kind] = norm.split('-') as ['gen' | 'fit', 'centre' | 'z' | 'csls'];
  const h = statsOf(k)[cohort];
  return kind === 'centre' ? s - h.mean : kind === 'z' ? (s - h.mean) / h.std : s - h.top;
}

/**
 * log Q(z), Q the standard normal upper tail: erfc by Abramowitz and Stegun 7.1.26 (absolute
 * error < 1.5e-7) up to z = 3 (Q(3) = 1.3e-3), the asymptotic series beyond, so the log stays
 * finite and ordered for large z.
 */
function logUpperTail(z: number): number {
  if (z > 3) return -0.5 * z * z - Math.log(z * Math.sqrt(2 * Math.PI)) + Math.log(1 - 1 / (z * z) + 3 / z ** 4);
  const x = Math.abs(z) / Math.SQRT2, t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return Math.log(z >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc);
}

interface Search { half: 'choose' | 'report'; person: string; impression: number; needed: Map<string, number> }
const key = (r: Rule): string => `${r.norm}/${r.fusion}`;

const enrolled = persons.map((p, i) => ({ p, half: halves[i], at: p.fingers.map((f) => index.get(f.id)!) }))
  .filter((p) => p.at.every((k) => usable(vectors[k][0])));

/** One search's needed penetration under every rule: share of non-mate combinations whose joint ≥ the mate's. */
function search(p: (typeof enrolled)[number], imp: number): Search {
  const needed = new Map<string, number>();
  const pools = p.at.map((k) => enrolled.filter((o) => o !== p).flatMap((o) => o.at).filter((j) => fingers[j].hand === fingers[k].hand));
  const cylinders = p.at.map((k) => templates[k][imp]!.cylinderCount);
  for (const norm of NORMS) {
    const lists: Float64Array[] = [];
    const mateZ: number[] = [];
    p.at.forEach((k, f) => {
      const probe = vectors[k][imp]!;
      const sims = Float64Array.from(pools[f], (j) => normalised(norm, dot(probe, vectors[j][0]!), j));
      const mean = sims.reduce((a, b) => a + b, 0) / sims.length;
      const sd = Math.sqrt(sims.reduce((a, b) => a + (b - mean) ** 2, 0) / sims.length) || 1;
      lists.push(sims.map((v) => (v - mean) / sd));
      mateZ.push((normalised(norm, dot(probe, vectors[k][0]!), k) - mean) / sd);
    });
    for (const fusion of FUSIONS) {
      const joint = (z: readonly number[]): number => {
        switch (fusion) {
          case 'sum': return z[0] + z[1];
          case 'max': return Math.max(z[0], z[1]);
          case 'sum+0.5max': return z[0] + z[1] + 0.5 * Math.max(z[0], z[1]);
          case 'sum+1max': return z[0] + z[1] + Math.max(z[0], z[1]);
          case 'clip0': return Math.max(z[0], 0) + Math.max(z[1], 0);
          case 'logtail': return -logUpperTail(z[0]) - logUpperTail(z[1]);
          case 'quality0.5': return Math.sqrt(cylinders[0]) * z[0] + Math.sqrt(cylinders[1]) * z[1];
          case 'quality1': return cylinders[0] * z[0] + cylinders[1] * z[1];
        }
      };
      const target = joint(mateZ);
      let above = 0;
      for (const a of lists[0]) for (const b of lists[1]) if (joint([a, b]) >= target) above++;
      needed.set(key({ norm, fusion }), above / (lists[0].length * lists[1].length));
    }
  }
  return { half: p.half, person: p.p.id, impression: imp + 1, needed };
}

function searchesOf(half: 'choose' | 'report'): Search[] {
  const out: Search[] = [];
  for (const p of enrolled.filter((x) => x.half === half)) {
    const impressions = Math.max(...p.at.map((k) => vectors[k].length));
    for (let imp = 1; imp < impressions; imp++) {
      if (p.at.some((k) => !usable(vectors[k][imp] ?? null) || templates[k][imp] === null)) continue;
      out.push(search(p, imp));
    }
  }
  return out;
}

interface Outcome { searches: number; people: number; hits: number; hitRate: number; ci95: [number, number]; meanLogNeeded: number; grid: Record<string, number> }
function outcome(r: Rule, xs: readonly Search[], at = budget): Outcome {
  const needed = xs.map((s) => s.needed.get(key(r))!);
  const hits = needed.filter((x) => x < at).length;
  return {
    searches: xs.length, people: new Set(xs.map((s) => s.person)).size, hits, hitRate: hits / xs.length, ci95: wilson95(hits, xs.length),
    meanLogNeeded: needed.reduce((a, x) => a + Math.log10(Math.max(x, 1e-4)), 0) / xs.length,
    grid: Object.fromEntries(PENETRATION_GRID.map((p) => [p, needed.filter((x) => x < p).length])),
  };
}
const fmt = (o: Outcome): string => `${o.hits} of ${o.searches} (${o.people} people) = ${(100 * o.hitRate).toFixed(2)} % [${(100 * o.ci95[0]).toFixed(2)}, ${(100 * o.ci95[1]).toFixed(2)}], mean log10 needed ${o.meanLogNeeded.toFixed(3)}; grid ${PENETRATION_GRID.map((p) => `${100 * p}%:${o.grid[p]}`).join(' ')}`;

// hubness on the gallery: spread of μ_g against each cohort (is there anything to remove?)
const galleryFingers = [...new Set(enrolled.flatMap((p) => p.at))];
for (const c of ['gen', 'fit'] as const) {
  const mus = galleryFingers.map((k) => statsOf(k)[c].mean);
  const m = mus.reduce((a, b) => a + b, 0) / mus.length;
  const sd = Math.sqrt(mus.reduce((a, b) => a + (b - m) ** 2, 0) / mus.length);
  console.log(`cohort ${c} (${cohorts[c].length} vectors): gallery fingers' mean similarity μ_g over ${mus.length} fingers: mean ${m.toFixed(4)}, sd ${sd.toFixed(4)}, range [${Math.min(...mus).toFixed(4)}, ${Math.max(...mus).toFixed(4)}]`);
}

const choose = searchesOf('choose');
const results = RULES.map((rule) => ({ rule, out: outcome(rule, choose) }));
console.log(`\nchoose half (${choose.length} searches), budget ${100 * budget} %:`);
for (const { rule, out } of results) console.log(`  ${key(rule).padEnd(24)} ${fmt(out)}`);
let best = results[0];
for (const r of results) {
  if (r.out.hits > best.out.hits || (r.out.hits === best.out.hits && r.out.meanLogNeeded < best.out.meanLogNeeded - 1e-12)) best = r;
}
const engineRule = results[0];
console.log(`\nRULE (chosen on the choose half): ${key(best.rule)}\n  choose: ${fmt(best.out)}\n  engine (${key(engineRule.rule)}) choose: ${fmt(engineRule.out)}`);
for (const s of choose) {
  const a = s.needed.get(key(engineRule.rule))!, b = s.needed.get(key(best.rule))!;
  if (!(a < budget) || !(b < budget)) console.log(`  choose miss ${s.person} imp ${s.impression}: engine needs ${(100 * a).toFixed(2)} %, chosen ${(100 * b).toFixed(2)} %`);
}

if (values['choose-only'] === true) {
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ budget, genCohort: GEN_COHORT, genSeed: GEN_SEED, fitCohort: cohorts.fit.length, cslsK: CSLS_K, norms: NORMS, fusions: FUSIONS, choose: results.map((r) => ({ rule: key(r.rule), ...r.out })), chosen: key(best.rule) }, null, 2)}\n`);
  process.exit(0);
}
const report = searchesOf('report');
const chosenReport = outcome(best.rule, report), engineReport = outcome(engineRule.rule, report);
console.log(`\nreport half (nothing chosen on it), budget ${100 * budget} %:\n  chosen ${key(best.rule)}: ${fmt(chosenReport)}\n  engine ${key(engineRule.rule)}: ${fmt(engineReport)}`);
for (const s of report) {
  const a = s.needed.get(key(engineRule.rule))!, b = s.needed.get(key(best.rule))!;
  if (!(a < budget) || !(b < budget)) console.log(`  report miss ${s.person} imp ${s.impression}: engine needs ${(100 * a).toFixed(2)} %, chosen ${(100 * b).toFixed(2)} %`);
}

// exploratory, NOT a result: every rule on the report half (what another choice would have given)
const everyReport = RULES.map((rule) => ({ rule: key(rule), hits: outcome(rule, report).hits }));
const topReport = Math.max(...everyReport.map((r) => r.hits));
console.log(`\nexploratory (not a result): report-half hits at ${100 * budget} % over the ${RULES.length} rules: ${Math.min(...everyReport.map((r) => r.hits))}–${topReport} of ${report.length}; at ${topReport}: ${everyReport.filter((r) => r.hits === topReport).map((r) => r.rule).join(', ')}`);
const tied = results.filter((r) => r.out.hits === best.out.hits).map((r) => ({ rule: key(r.rule), reportHits: outcome(r.rule, report).hits }));
console.log(`  rules tied with the choice on choose-half hits (${tied.length}): report hits ${tied.map((t) => `${t.rule} ${t.reportHits}`).join(', ')}`);

if (values.json !== undefined) {
  writeFileSync(values.json, `${JSON.stringify({
    budget, genCohort: GEN_COHORT, genSeed: GEN_SEED, fitCohort: cohorts.fit.length, cslsK: CSLS_K, norms: NORMS, fusions: FUSIONS,
    choose: results.map((r) => ({ rule: key(r.rule), ...r.out })), chosen: key(best.rule),
    report: { chosen: chosenReport, engine: engineReport }, exploratoryReport: everyReport, tiedOnChoose: tied,
  }, null, 2)}\n`);
}
