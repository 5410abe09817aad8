/**
 * The coarse finger kernel beside an earlier build, on the FVC2002 ISO sets (docs/finger-tier.md
 * "The kernel"): `node --import tsx bench/coarse-kernel.ts [--old-wasm FILE] [--windows 43,32]
 * [--json FILE]`. Per set (10 fingers × 8 impressions, all pairs: 280 genuine / 2,880 impostor
 * comparisons; a failure to enrol scores −∞): the coarse score's EER for the earlier build (its
 * fixed window) and for this build at each direction window, the full matcher's EER for scale;
 * then, over every set's forms, µs per comparison on one thread, the builds interleaved in rounds.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { FingerMatcher } from '../engine/index.ts';
import { coarseFingerTemplate } from '../engine/finger-coarse.ts';
import { CoarseGallery } from '../engine/finger-coarse-kernel.ts';
import { buildPairs } from '../datasets/protocols.ts';
import { fvc2002IsoSetDirs } from './data-dir.ts';
import { enrolSamples, readIsoSamples } from './iso-samples.ts';
import { computeErrorRates } from './metrics.ts';

interface Variant { readonly name: string; readonly gallery: (forms: readonly Uint8Array[]) => CoarseGallery }

const { values } = parseArgs({ options: { 'old-wasm': { type: 'string' }, windows: { type: 'string' }, json: { type: 'string' } }, strict: true });
const windows = (values.windows ?? '43,32').split(',').map(Number);
const variants: Variant[] = [];
if (values['old-wasm'] !== undefined) variants.push({ name: 'earlier build', gallery: (forms) => new CoarseGallery(forms, values['old-wasm']) });
for (const w of windows) variants.push({ name: `window ${w}`, gallery: (forms) => { const g = new CoarseGallery(forms); g.directionWindow(w); return g; } });

const matcher = new FingerMatcher();
const report: Record<string, unknown> = { variants: variants.map((v) => v.name), sets: {} };
const allForms: Uint8Array[] = [];
for (const dir of fvc2002IsoSetDirs()) {
  const enrolled = enrolSamples(matcher, readIsoSamples(dir, 'fvc'));
  const forms = enrolled.map((e) => (e.template === null ? null : coarseFingerTemplate(e.template.bytes)));
  for (const f of forms) if (f !== null) allForms.push(f);
  const pairs = buildPairs(enrolled, 'all-pairs');
  const eerOf = (score: (i: number, j: number) => number): number => {
    const s = (list: Array<[number, number]>) => Float64Array.from(list, ([i, j]) => (forms[i] === null || forms[j] === null ? Number.NEGATIVE_INFINITY : score(i, j)));
    return computeErrorRates(s(pairs.genuine), s(pairs.impostor)).eer;
  };
  const row: Record<string, number> = { full: eerOf((i, j) => matcher.compare(enrolled[i].template!, enrolled[j].template!)) };
  const scores: Float32Array[][] = [];
  for (const v of variants) {
    // every form against every form: one gallery per variant, a row per probe
    const present = forms.map((f) => f ?? new Uint8Array(0));
    const g = v.gallery(forms.filter((f): f is Uint8Array => f !== null));
    const index = new Map<number, number>();
    forms.forEach((f, i) => { if (f !== null) index.set(i, index.size); });
    const rows = present.map((f, i) => (forms[i] === null ? new Float32Array(0) : g.compareAll(f)));
    scores.push(rows);
    row[v.name] = eerOf((i, j) => rows[i][index.get(j)!]);
  }
  // pairs whose score differs between the first two variants (0 when a change keeps the scores)
  if (scores.length >= 2) {
    let differ = 0, pairsCompared = 0;
    scores[0].forEach((r, i) => r.forEach((x, j) => { pairsCompared++; if (x !== scores[1][i][j]) differ++; }));
    row.differingPairs = differ;
    row.pairs = pairsCompared;
  }
  (report.sets as Record<string, unknown>)[basename(dir)] = row;
  console.log(`${basename(dir)}: EER full ${(100 * row.full).toFixed(2)} %; coarse ${variants.map((v) => `${v.name} ${(100 * row[v.name]).toFixed(2)} %`).join(', ')}${row.differingPairs === undefined ? '' : `; ${variants[0].name} vs ${variants[1].name}: ${row.differingPairs} of ${row.pairs} scores differ`}`);
}

// speed: every form against every form, each variant in turn, rounds interleaved
const galleries = variants.map((v) => v.gallery(allForms));
const ms = variants.map(() => 0);
let comparisons = 0;
for (let round = 0; round < 6; round++) {
  galleries.forEach((g, k) => {
    const t = performance.now();
    for (const f of allForms) g.compareAll(f);
    if (round > 0) ms[k] += performance.now() - t; // round 0 warms up
  });
  if (round > 0) comparisons += allForms.length * allForms.length;
}
const usPer = ms.map((m) => (1000 * m) / comparisons);
report.usPerComparison = Object.fromEntries(variants.map((v, k) => [v.name, usPer[k]]));
report.comparisonsPerVariant = comparisons;
console.log(`µs per comparison, one thread, ${allForms.length} real forms all against all, ${comparisons.toLocaleString('en-US')} per variant (rounds interleaved): ${variants.map((v, k) => `${v.name} ${usPer[k].toFixed(3)}`).join(', ')}`);
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
