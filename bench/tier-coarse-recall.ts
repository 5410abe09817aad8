/**
 * Feasibility of the coarse finger residency (docs/finger-tier.md), on the real-vs-real pool:
 * `node --import tsx bench/tier-coarse-recall.ts [--json F]`.
 *
 * For each real 2-finger search (bench/identify-planted.ts persons; enrolled with impression 1,
 * searched with 2–8), the share of real non-mate subjects (every combination of one other person's
 * finger per probe finger) whose joint score reaches the mate's — by the coarse kernel and by the
 * full matcher, side by side (joint = Σ over fingers of the score standardised over that finger's
 * non-mates, as the vector prefilter ranks). Printed per half; the cost of one comparison of each
 * kernel is timed in the same run on the same templates.
 */
import { writeFileSync } from 'node:fs';
import { FingerMatcher } from '../engine/index.ts';
import { coarseFingerTemplate } from '../engine/finger-coarse.ts';
import { CoarseGallery } from '../engine/finger-coarse-kernel.ts';
import { realPlantedPersons } from './identify-planted.ts';
import { realPool, wilson95 } from './identify-real-pool.ts';

const SHARES = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2];
/** Finalists as a share of the gallery's subjects (GALLERY_PARAMS.coarseKeepShare candidates). */
const KEEP_SHARES = [0.0005, 0.001, 0.002];

function standardised(scores: Float32Array, skip: number): { z: Float64Array; mean: number; sd: number } {
  let s = 0, s2 = 0, n = 0;
  scores.forEach((v, i) => { if (i !== skip) { s += v; s2 += v * v; n++; } });
  const mean = s / n, sd = Math.sqrt(Math.max(1e-12, s2 / n - mean * mean));
  return { z: Float64Array.from(scores, (v) => (v - mean) / sd), mean, sd };
}

/** Share of non-mate combinations (one other subject per finger, independently) whose joint z reaches the mate's. */
function neededShare(zs: Float64Array[], mate: number): number {
  const target = zs.reduce((s, z) => s + z[mate], 0);
  const others = zs.map((z) => Array.from(z).filter((_, i) => i !== mate).sort((a, b) => a - b));
  // two fingers: for each value of finger 0, count finger-1 values ≥ target − it (sorted: binary search)
  if (others.length !== 2) throw new Error('two fingers only');
  const [a, b] = others;
  let hits = 0;
  for (const v of a) {
    let lo = 0, hi = b.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (b[mid] >= target - v) hi = mid; else lo = mid + 1; }
    hits += b.length - lo;
  }
  return hits / (a.length * b.length);
}

async function main(): Promise<void> {
  const jsonAt = process.argv.indexOf('--json');
  const planted = await realPlantedPersons(2);
  const pool = realPool(planted.persons);
  // realPool lists the same searches in the same order (same persons, same impressions skipped)
  if (pool.searches.length !== planted.mated.length) throw new Error('the real pool and the planted searches differ');
  const matcher = new FingerMatcher();
  const galleryMcc = [0, 1].map((k) => planted.gallery.map((g) => matcher.templateFromBytes(g.templates[k])));
  const coarseGalleries = [0, 1].map((k) => new CoarseGallery(planted.gallery.map((g) => coarseFingerTemplate(g.templates[k]))));
  const fullGalleries = [0, 1].map((k) => matcher.loadGallery(galleryMcc[k]));
  const indexOf = new Map(planted.gallery.map((g, i) => [g.referenceId, i]));
  const rows: { half: string; coarse: number; full: number; vector: number }[] = [];
  for (const [at, search] of planted.mated.entries()) {
    const mate = indexOf.get(search.mate)!;
    const person = planted.persons[mate];
    if (pool.searches[at].person !== person.id) throw new Error('the real pool and the planted searches differ');
    const coarseZ: Float64Array[] = [], fullZ: Float64Array[] = [];
    search.probe.fingers!.forEach((f, k) => {
      const c = coarseGalleries[k].compareAll(coarseFingerTemplate(f.template));
      coarseZ.push(standardised(c, mate).z);
      const probe = matcher.prepareProbe(matcher.templateFromBytes(f.template));
      const full = matcher.compareManyRaw(probe, fullGalleries[k]);
      matcher.releaseProbe(probe);
      fullZ.push(standardised(full, mate).z);
    });
    rows.push({ half: search.half, coarse: neededShare(coarseZ, mate), full: neededShare(fullZ, mate), vector: pool.searches[at].neededPenetration });
  }
  const report: Record<string, unknown> = {};
  for (const half of ['choose', 'report']) {
    const r = rows.filter((x) => x.half === half);
    const table = SHARES.map((share) => {
      const coarse = r.filter((x) => x.coarse < share).length, full = r.filter((x) => x.full < share).length;
      return { share, coarse, full, coarseCi95: wilson95(coarse, r.length) };
    });
    // the whole cascade, if the coarse ranking of the prefilter's candidates were independent of
    // their vector ranking: the mate is a finalist when fewer than K of the penetration × N
    // candidates outrank it, i.e. its coarse share < keepShare / penetration
    const cascade = [0.02, 0.03].flatMap((penetration) => KEEP_SHARES.map((keepShare) => {
      const hits = r.filter((x) => x.vector < penetration && x.coarse < keepShare / penetration).length;
      const vectorHits = r.filter((x) => x.vector < penetration).length;
      return { penetration, keepShare, hits, vectorHits, ci95: wilson95(hits, r.length) };
    }));
    report[half] = { searches: r.length, table, cascade, coarseShares: r.map((x) => x.coarse).sort((a, b) => b - a).slice(0, 8) };
    for (const c of cascade) console.log(`  cascade: penetration ${c.penetration}, finalists ${c.keepShare} of N: ${c.hits} of ${r.length} (vector alone ${c.vectorHits})`);
    console.log(`${half} half, ${r.length} searches: mate's coarse / full joint score inside the top share of real non-mates`);
    for (const t of table) console.log(`  ${(100 * t.share).toFixed(1)} %: coarse ${t.coarse}, full ${t.full}`);
    console.log(`  worst coarse shares: ${r.map((x) => x.coarse).sort((a, b) => b - a).slice(0, 8).map((v) => (100 * v).toFixed(2)).join(', ')} %`);
  }
  // cost per comparison, same templates, same run: every probe finger against its gallery, repeated
  const probes = planted.mated.slice(0, 40).flatMap((s) => s.probe.fingers!.map((f, k) => ({ k, mcc: matcher.templateFromBytes(f.template), coarse: coarseFingerTemplate(f.template) })));
  const time = (fn: () => number): number => {
    fn();
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 2000) n += fn();
    return ((performance.now() - t0) * 1000) / n;
  };
  const fullUs = time(() => {
    let n = 0;
    for (const p of probes) { const q = matcher.prepareProbe(p.mcc); matcher.compareManyRaw(q, fullGalleries[p.k]); matcher.releaseProbe(q); n += fullGalleries[p.k].size; }
    return n;
  });
  const coarseUs = time(() => {
    let n = 0;
    for (const p of probes) { coarseGalleries[p.k].compareAll(p.coarse); n += coarseGalleries[p.k].size; }
    return n;
  });
  const coarseBytes = planted.gallery.reduce((s, g) => s + g.templates.reduce((t, b) => t + coarseFingerTemplate(b).length, 0), 0) / (2 * planted.gallery.length);
  console.log(`µs per comparison, one thread, same templates: full (compact kernel) ${fullUs.toFixed(2)}, coarse ${coarseUs.toFixed(2)} (${(fullUs / coarseUs).toFixed(1)}×); coarse form ${coarseBytes.toFixed(0)} B per finger (real templates)`);
  Object.assign(report, { fullUsPerComparison: fullUs, coarseUsPerComparison: coarseUs, coarseBytesPerFinger: coarseBytes, persons: planted.gallery.length });
  if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], `${JSON.stringify(report, null, 2)}\n`);
}

await main();
