/**
 * Writes engine/prefilter/finger-mean.ts: the mean of the prefilter's folded features (before centring and signs) of the
 * FIT half of the real FVC2002 fingers (datasets/scale-realness.ts realHalf: DB1–DB3, fingers
 * 101+102, 105+106, 109+110 of each set, 8 impressions each), which finger-vector.ts subtracts
 * from every vector. Only the fit half: the realness report half and the real pool's report half
 * (bench/identify-real-pool.ts) never contribute to it.
 *
 * Why real and not generated fingers: centring on the generated mean left real prints their
 * shared component and took it from the generated ones, so real non-mates crowded the top of a
 * generated background (13.8 % in the top 5 % on the fit half); centring on the real mean takes
 * it from real prints, as a real gallery's own mean would.
 *   node --import tsx bench/prefilter-mean.ts [--check]   (--check: exit 1 if the file differs)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FingerMatcher, PREFILTER } from '../engine/index.ts';
import { templateFeatures } from '../engine/prefilter/index.ts';
import { loadFvc2002IsoSets } from '../datasets/planted-mates.ts';
import { realHalf } from '../datasets/scale-realness.ts';
import { REAL_FVC2002_SETS } from '../datasets/scale-real-sets.ts';
import { dataDir } from './data-dir.ts';

const file = new URL('../engine/prefilter/finger-mean.ts', import.meta.url);
const matcher = new FingerMatcher();
const sum = new Float64Array(PREFILTER.dimension);
let n = 0;
for (const set of realHalf(loadFvc2002IsoSets(dataDir(), REAL_FVC2002_SETS), 'fit')) {
  for (const finger of set.fingers) {
    for (const r of finger.impressions) {
      const t = matcher.createTemplate(r.views[0].minutiae, { resolutionPxPerCm: r.resolutionX });
      const v = templateFeatures(t);
      if (v === null) continue;
      for (let d = 0; d < v.length; d++) sum[d] += v[d];
      n++;
    }
  }
}
const values = Array.from(sum, (x) => Number((x / n).toPrecision(5)));
const text = `/**
 * The mean of the prefilter's folded features (templateFeatures: before centring and signs) of ${n} real templates: the fit half of fvc2002-iso
 * DB1–DB3 (18 fingers × 8 impressions; see bench/prefilter-mean.ts for why real, and why this
 * half). Written by \`node --import tsx bench/prefilter-mean.ts\`; do not edit. finger-vector.ts
 * subtracts it.
 */
export const PREFILTER_MEAN_SOURCE = 'fvc2002-iso DB1-DB3 fit half, ${n} templates';
export const PREFILTER_MEAN: Float32Array = Float32Array.of(
${values.map((x) => `  ${x},`).join('\n')}
);
`;
if (process.argv.includes('--check')) {
  const same = readFileSync(file, 'utf8') === text;
  console.log(same ? 'finger-mean.ts is current' : 'finger-mean.ts differs from what the generator gives');
  process.exitCode = same ? 0 : 1;
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file.pathname}: mean of ${n} vectors, |mean| ${Math.sqrt(values.reduce((s, x) => s + x * x, 0)).toFixed(3)}`);
}
