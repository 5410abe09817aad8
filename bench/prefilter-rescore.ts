/**
 * One-pass vs two-step prefilter re-scoring, timed fairly on a shared machine:
 * `node --import tsx bench/prefilter-rescore.ts STORE [SEARCHES (100)] [PENETRATIONS (0.05,0.02)]`
 * on an identify bench store (`npm run bench -- identify … --store STORE`). One engine per
 * penetration; each real mated search runs once per path (IdentifyOptions.rescore), the order
 * alternating, so the machine's load hits both alike. Prints p50/p99/mean per path, the median
 * per-search time ratio, and how many searches gave identical candidates, scores and comparison
 * counts (both paths must agree on all).
 */
import { readFileSync } from 'node:fs';
import { DedupEngine, parseTemplateKey } from '../engine/index.ts';
import { realPlantedPersons } from './identify-planted.ts';
if (process.argv[2] === undefined) throw new Error("usage: bench/prefilter-rescore.ts STORE [SEARCHES] [PENETRATIONS]");
const [dir, nProbes = '100', pens = '0.05,0.02'] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(`${dir}/bench-gallery.json`, 'utf8'));
const probes = (await realPlantedPersons(2)).mated.slice(0, Number(nProbes));
for (const pen of pens.split(',').map(Number)) {
  const engine = DedupEngine.open({ dataDir: dir, key: parseTemplateKey(meta.keyHex), threads: 2, prefilter: { penetration: pen, minKeep: 100 } });
  await engine.ready();
  await engine.identify(probes[0].probe);
  const lat: Record<string, number[]> = { 'one-pass': [], 'two-step': [] };
  let same = 0;
  for (const [i, p] of probes.entries()) {
    const sig: string[] = [];
    for (const rescore of (i % 2 === 0 ? ['one-pass', 'two-step'] : ['two-step', 'one-pass']) as ('one-pass' | 'two-step')[]) {
      const t0 = performance.now();
      const r = await engine.identify(p.probe, { targetFPIR: 0, maxResults: 10, rescore });
      lat[rescore].push(performance.now() - t0);
      sig.push(JSON.stringify(r.candidates) + r.comparisons);
    }
    if (sig[0] === sig[1]) same++;
  }
  const q = (a: number[], x: number) => { const s = [...a].sort((u, v) => u - v); return s[Math.min(s.length - 1, Math.ceil(x * s.length) - 1)]; };
  for (const [k, v] of Object.entries(lat)) console.log(`penetration ${pen} ${k}: n=${v.length} p50 ${q(v, 0.5).toFixed(1)} p99 ${q(v, 0.99).toFixed(1)} mean ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)} ms`);
  const ratio = lat['one-pass'].map((x, i) => x / lat['two-step'][i]).sort((a, b) => a - b);
  console.log(`penetration ${pen}: per-search ratio one-pass / two-step median ${ratio[ratio.length >> 1].toFixed(3)}; identical results ${same} of ${probes.length}`);
  await engine.close();
}
