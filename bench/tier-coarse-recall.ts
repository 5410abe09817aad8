/**
 * Feasibility of the coarse finger residency (docs/finger-tier.md), on the real-vs-real pool:
 * `node --import tsx bench/tier-coarse-recall.ts [--json F]`. Per half: how many real mates the
 * coarse kernel and the full matcher put inside the top share of real non-mates
 * (tier-real-pool.ts), the cascade's hits at the grid's penetrations and finalist shares, and the
 * cost of one comparison of each kernel, timed in the same run on the same templates.
 */
import { writeFileSync } from 'node:fs';
import { FingerMatcher } from '../engine/index.ts';
import { coarseFingerTemplate } from '../engine/finger-coarse.ts';
import { CoarseGallery } from '../engine/finger-coarse-kernel.ts';
import { realPlantedPersons } from './identify-planted.ts';
import { realPool, wilson95 } from './identify-real-pool.ts';
import { cascadeHits, coarsePoolRows } from './tier-real-pool.ts';

const SHARES = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2];
/** Finalists as a share of the gallery's subjects (GALLERY_PARAMS.coarseKeepShare candidates). */
const KEEP_SHARES = [0.0005, 0.001, 0.002];
/** Coarse gate pass shares (GALLERY_PARAMS.coarseGatePassShare candidates). */
const GATE_SHARES = [0.1, 0.15, 0.25, 0.5];

async function main(): Promise<void> {
  const jsonAt = process.argv.indexOf('--json');
  const planted = await realPlantedPersons(2);
  const pool = realPool(planted.persons);
  const rows = coarsePoolRows(planted, pool);
  const report: Record<string, unknown> = {};
  for (const half of ['choose', 'report']) {
    const r = rows.filter((x) => x.half === half);
    const table = SHARES.map((share) => {
      const coarse = r.filter((x) => x.coarse < share).length, full = r.filter((x) => x.full < share).length;
      return { share, coarse, full, coarseCi95: wilson95(coarse, r.length) };
    });
    const cascade = [0.02, 0.03].flatMap((penetration) => KEEP_SHARES.map((keepShare) => {
      const hits = cascadeHits(r, penetration, keepShare);
      return { penetration, keepShare, hits, vectorHits: r.filter((x) => x.vector < penetration).length, ci95: wilson95(hits, r.length) };
    }));
    // the coarse gate on its own: mates whose weaker finger's raw coarse score is inside the best share of real non-mates
    const gate = GATE_SHARES.map((share) => ({ share, passed: r.filter((x) => x.gate < share).length, weakerFingerPassed: r.filter((x) => x.gateWeaker < share).length }));
    console.log(`  coarse gate, mates whose first-compared finger (weaker finger) is inside the best share of real non-mates: ${gate.map((g) => `${g.share}: ${g.passed} (${g.weakerFingerPassed})`).join(', ')}; worst first-finger shares ${r.map((x) => x.gate).sort((a, b) => b - a).slice(0, 4).map((v) => (100 * v).toFixed(1)).join(', ')} %`);
    const gated = [0.02, 0.03].map((penetration) => ({ penetration, hits: cascadeHits(r, penetration, 0.001, 0.25), ungated: cascadeHits(r, penetration, 0.001) }));
    console.log(`  cascade with the gate at 0.25 (finalists 0.001 of N): ${gated.map((g) => `penetration ${g.penetration}: ${g.hits} (ungated ${g.ungated})`).join(', ')} of ${r.length}`);
    report[half] = { gate, gated, searches: r.length, people: new Set(r.map((x) => x.person)).size, table, cascade, coarseShares: r.map((x) => x.coarse).sort((a, b) => b - a).slice(0, 8) };
    console.log(`${half} half, ${r.length} searches: mate's coarse / full joint score inside the top share of real non-mates`);
    for (const t of table) console.log(`  ${(100 * t.share).toFixed(1)} %: coarse ${t.coarse}, full ${t.full}`);
    console.log(`  worst coarse shares: ${r.map((x) => x.coarse).sort((a, b) => b - a).slice(0, 8).map((v) => (100 * v).toFixed(2)).join(', ')} %`);
    for (const c of cascade) console.log(`  cascade: penetration ${c.penetration}, finalists ${c.keepShare} of N: ${c.hits} of ${r.length} (vector alone ${c.vectorHits})`);
  }
  // cost per comparison, same templates, same run: every probe finger against its gallery, repeated
  const matcher = new FingerMatcher();
  const coarseGalleries = [0, 1].map((k) => new CoarseGallery(planted.gallery.map((g) => coarseFingerTemplate(g.templates[k]))));
  const fullGalleries = [0, 1].map((k) => matcher.loadGallery(planted.gallery.map((g) => matcher.templateFromBytes(g.templates[k]))));
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
