/**
 * Why the prefilter vector is 2,048 sign bits: the real-vs-real hit rate of the engine's vector
 * beside the same features kept as floats at several dimensions (pairs alone, pairs + cylinder
 * codes), each centred on the mean of its own features over the fit half (as the engine's vector
 * is). Choose half by default: a setting is chosen there; `--report` adds the report half, to be
 * read once, after the choice.
 *   node --import tsx bench/prefilter-variants.ts [--report] [--json FILE]
 * The computation is bench/identify-real-pool.ts's needed penetration (2-finger persons, joint
 * standardised score against the real non-mate subjects) without the full matcher, plus a
 * single-finger figure: each probe impression against impression 1 of its finger and every
 * impression of every other real finger (the probe's own U.are.U human left out).
 * Exit codes: 0 done, 1 error (data folder missing included), 2 bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FingerMatcher, fingerVector, templateMinutiae, templateVector, type FingerTemplate } from '../engine/index.ts';
import { templateFeatures } from '../engine/prefilter/index.ts';
import { allRealFingers, personHalves, realPersons } from '../datasets/scale-real-fingers.ts';
import { dataDir } from './data-dir.ts';
import { PENETRATION_GRID } from './identify-real-pool.ts';

type Vectoriser = (t: FingerTemplate) => Float32Array | null;

let values: { report?: boolean; json?: string };
try {
  values = parseArgs({ options: { report: { type: 'boolean' }, json: { type: 'string' } }, strict: true }).values;
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\nusage: node --import tsx bench/prefilter-variants.ts [--report] [--json FILE]`);
  process.exit(2);
}

const matcher = new FingerMatcher();
const fingers = await allRealFingers(dataDir());
const templates = fingers.map((f) => f.impressions.map((r) => {
  if (r === null || r.views[0] === undefined) return null;
  try {
    return matcher.createTemplate(r.views[0].minutiae, { resolutionPxPerCm: r.resolutionX });
  } catch {
    return null;
  }
}));
/** The fit half: FVC fingers 101+102, 105+106, 109+110 of each set (scale-realness.ts realHalf). */
const fitTemplates = fingers.flatMap((f, i) => (f.person === null && Math.floor((Number(f.id.split('/').pop()) - 101) / 2) % 2 === 0 ? templates[i] : []))
  .filter((t): t is FingerTemplate => t !== null);
const persons = realPersons(fingers, 2);
const halves = personHalves(persons);

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Centred on the fit half's mean of the same features, L2 again (as finger-vector.ts centres). */
function centred(features: (t: FingerTemplate) => Float64Array | Float32Array | null): Vectoriser {
  const fit = fitTemplates.map(features).filter((v) => v !== null);
  const mean = new Float64Array(fit[0].length);
  for (const v of fit) for (let i = 0; i < mean.length; i++) mean[i] += v[i] / fit.length;
  return (t) => {
    const f = features(t);
    if (f === null) return null;
    const v = Float32Array.from(f, (x, i) => x - mean[i]);
    const n = Math.sqrt(dot(v, v));
    return n > 0 ? v.map((x) => x / n) : null;
  };
}

const VARIANTS: [string, Vectoriser][] = [
  ['engine: pairs + codes, 2,048 sign bits (256 B)', (t) => templateVector(t)],
  ...[256, 1024, 4096].map((d): [string, Vectoriser] => [`pairs alone, ${d} floats`, centred((t) => fingerVector(templateMinutiae(t), new Float32Array(d)))]),
  ...[256, 2048, 4096].map((d): [string, Vectoriser] => [`pairs + codes, ${d} floats`, centred((t) => templateFeatures(t, d))]),
];

interface Figures { twoFinger: Record<'choose' | 'report', number[]>; singleFinger: number[] }

function figures(vectorise: Vectoriser): Figures {
  const vectors = templates.map((imps) => imps.map((t) => (t === null ? null : vectorise(t))));
  const index = new Map(fingers.map((f, i) => [f.id, i]));
  const enrolled = persons.map((p, i) => ({ half: halves[i], at: p.fingers.map((f) => index.get(f.id)!) }))
    .filter((p) => p.at.every((k) => vectors[k][0] !== null));
  const twoFinger: Figures['twoFinger'] = { choose: [], report: [] };
  for (const p of enrolled) {
    const impressions = Math.max(...p.at.map((k) => vectors[k].length));
    for (let imp = 1; imp < impressions; imp++) {
      if (p.at.some((k) => vectors[k][imp] === null || vectors[k][imp] === undefined)) continue;
      const lists: Float64Array[] = [];
      let mate = 0;
      for (const k of p.at) {
        const pool = enrolled.filter((o) => o !== p).flatMap((o) => o.at).filter((j) => fingers[j].hand === fingers[k].hand);
        const sims = Float64Array.from(pool, (j) => dot(vectors[k][imp]!, vectors[j][0]!));
        const mean = sims.reduce((s, v) => s + v, 0) / sims.length;
        const sd = Math.sqrt(sims.reduce((s, v) => s + (v - mean) ** 2, 0) / sims.length) || 1;
        lists.push(sims.map((v) => (v - mean) / sd));
        mate += (dot(vectors[k][imp]!, vectors[k][0]!) - mean) / sd;
      }
      let above = 0;
      for (const a of lists[0]) for (const b of lists[1]) if (a + b >= mate) above++;
      twoFinger[p.half].push(above / (lists[0].length * lists[1].length));
    }
  }
  const chooseFingers = new Set(enrolled.filter((p) => p.half === 'choose').flatMap((p) => p.at));
  const singleFinger: number[] = [];
  for (const k of chooseFingers) {
    for (let imp = 1; imp < vectors[k].length; imp++) {
      const probe = vectors[k][imp];
      if (probe === null || probe === undefined || vectors[k][0] === null) continue;
      const mate = dot(probe, vectors[k][0]!);
      let above = 0, total = 0;
      vectors.forEach((row, j) => {
        if (j === k || (fingers[j].person !== null && fingers[j].person === fingers[k].person)) return;
        for (const v of row) if (v !== null) { total++; if (dot(probe, v) >= mate) above++; }
      });
      singleFinger.push(above / total);
    }
  }
  return { twoFinger, singleFinger };
}

const hits = (needed: readonly number[], p: number): number => needed.filter((x) => x < p).length;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const out: Record<string, unknown>[] = [];
for (const [name, vectorise] of VARIANTS) {
  const f = figures(vectorise);
  const row = {
    variant: name,
    chooseSearches: f.twoFinger.choose.length,
    chooseHits: Object.fromEntries(PENETRATION_GRID.map((p) => [p, hits(f.twoFinger.choose, p)])),
    chooseMeanNeeded: mean(f.twoFinger.choose),
    singleFingerProbes: f.singleFinger.length,
    singleFingerHitsAt2: hits(f.singleFinger, 0.02),
    singleFingerMeanNeeded: mean(f.singleFinger),
    ...(values.report === true ? { reportSearches: f.twoFinger.report.length, reportHits: Object.fromEntries(PENETRATION_GRID.map((p) => [p, hits(f.twoFinger.report, p)])) } : {}),
  };
  out.push(row);
  console.log(`${name}\n  choose half, 2 fingers, hits of ${row.chooseSearches} at ${PENETRATION_GRID.map((p) => `${100 * p} %: ${hits(f.twoFinger.choose, p)}`).join(', ')}; mean needed ${(100 * row.chooseMeanNeeded).toFixed(3)} %`
    + `\n  choose half, 1 finger: ${row.singleFingerHitsAt2} of ${row.singleFingerProbes} inside 2 %, mean needed ${(100 * row.singleFingerMeanNeeded).toFixed(2)} %`
    + (values.report === true ? `\n  report half, 2 fingers, hits of ${f.twoFinger.report.length} at ${PENETRATION_GRID.map((p) => `${100 * p} %: ${hits(f.twoFinger.report, p)}`).join(', ')}` : ''));
}
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);
