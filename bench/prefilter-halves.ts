/**
 * The prefilter's real-vs-real 2-finger hit rate at every grid penetration, per half, with the
 * engine's vector as it is (no generated finger anywhere; bench/identify-real-pool.ts does the
 * work, the identify bench prints one penetration of it). What docs/prefilter-vector.md's
 * tables come from; run it at another commit to compare vectors on the same searches.
 *   node --import tsx bench/prefilter-halves.ts [--fingers F (2)] [--json FILE]
 * A setting is chosen on the choose half; the report half is for reporting, never for tuning.
 * Exit codes: 0 done, 1 error (data folder missing included), 2 bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allRealFingers, realPersons } from '../datasets/scale-real-fingers.ts';
import { dataDir } from './data-dir.ts';
import { hitRate, realPool, wilson95, PENETRATION_GRID } from './identify-real-pool.ts';

let values: { fingers?: string; json?: string };
try {
  values = parseArgs({ options: { fingers: { type: 'string' }, json: { type: 'string' } }, strict: true }).values;
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\nusage: node --import tsx bench/prefilter-halves.ts [--fingers F] [--json FILE]`);
  process.exit(2);
}
const fingersPerPerson = Number(values.fingers ?? 2);
if (!Number.isInteger(fingersPerPerson) || fingersPerPerson < 1 || fingersPerPerson > 10) {
  console.error('--fingers must be an integer in 1–10');
  process.exit(2);
}

const pool = realPool(realPersons(await allRealFingers(dataDir()), fingersPerPerson));
const out: Record<string, unknown> = { fingersPerPerson, persons: pool.persons, compositePersons: pool.compositePersons };
for (const half of ['choose', 'report'] as const) {
  const searches = pool.searches.filter((s) => s.half === half);
  const rows = PENETRATION_GRID.map((p) => {
    const hits = Math.round(hitRate(searches, p) * searches.length);
    return { penetration: p, hits, searches: searches.length, hitRate: hits / searches.length, ci95: wilson95(hits, searches.length) };
  });
  out[half] = { searches: searches.length, people: new Set(searches.map((s) => s.person)).size, rows };
  console.log(`${half} half: ${searches.length} searches, ${new Set(searches.map((s) => s.person)).size} people`);
  for (const r of rows) console.log(`  penetration ${(100 * r.penetration).toFixed(2)} %: ${r.hits} of ${r.searches} = ${(100 * r.hitRate).toFixed(2)} % [${(100 * r.ci95[0]).toFixed(2)}, ${(100 * r.ci95[1]).toFixed(2)}]`);
}
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);
