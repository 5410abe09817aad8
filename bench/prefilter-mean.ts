/**
 * Writes engine/prefilter/finger-mean.ts: the mean prefilter vector of generated fingers (the
 * scale generator, datasets/scale-gallery.ts; both index fingers of 10,000 subjects, seed 99),
 * which finger-vector.ts subtracts from every vector. Generated, not real, fingers: the engine
 * learns nothing from the real sets its figures are measured on.
 *   node --import tsx bench/prefilter-mean.ts [--check]   (--check: exit 1 if the file differs)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FingerMatcher, fingerVector, templateMinutiae, PREFILTER } from '../engine/index.ts';
import { FINGER_ORDER, SCALE_GENERATOR_VERSION, scaleFingerRecord } from '../datasets/scale-gallery.ts';

const SEED = 99, SUBJECTS = 10_000;
const file = new URL('../engine/prefilter/finger-mean.ts', import.meta.url);
const matcher = new FingerMatcher();
const sum = new Float64Array(PREFILTER.dimension);
const v = new Float32Array(PREFILTER.dimension);
let n = 0;
for (let s = 0; s < SUBJECTS; s++) {
  for (const position of FINGER_ORDER.slice(0, 2)) {
    const r = scaleFingerRecord(SEED, s, position);
    const t = matcher.createTemplate(r.views[0].minutiae, { resolutionPxPerCm: r.resolutionX });
    fingerVector(templateMinutiae(t), v, { centre: false });
    if (v.every((x) => x === 0)) continue;
    for (let d = 0; d < v.length; d++) sum[d] += v[d];
    n++;
  }
}
const values = Array.from(sum, (x) => Number((x / n).toPrecision(6)));
const text = `/**
 * The mean prefilter vector (before centring) of ${n.toLocaleString('en-US')} generated fingers: scale generator
 * version ${SCALE_GENERATOR_VERSION}, seed ${SEED}, both index fingers of ${SUBJECTS.toLocaleString('en-US')} subjects. Written by
 * \`node --import tsx bench/prefilter-mean.ts\`; do not edit. finger-vector.ts subtracts it.
 */
export const PREFILTER_MEAN_SOURCE = 'scale generator v${SCALE_GENERATOR_VERSION}, seed ${SEED}, ${n} fingers';
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
