/**
 * Fits the scale generator's constants on the FIT half of the real fingers (scale-realness.ts):
 * a seeded random search over the constants that shape the pair histogram (direction noise,
 * polarity flips and reference spread, radial concentration, pattern shares, count spread;
 * not the minimum spacing, which the nearest-neighbour statistic pins), each point scored by how far the share of real non-mates in the generated top p is
 * from p. Point 0 is the current scale-params.ts. Prints every point and the best; the chosen
 * values are copied into scale-params.ts by hand, and `npm run datasets -- scale --report` then
 * says whether they hold on the report half, which the fit never sees.
 *   node --import tsx datasets/scale-fit.ts [--points N (40)] [--generated N (3000)] [--top-p P (0.05)] [--seed S (12345)]
 */
import { parseArgs } from 'node:util';
import { defaultDataDir, loadFvc2002IsoSets } from './planted-mates.ts';
import { REAL_FVC2002_SETS } from './scale-real-sets.ts';
import { defaultScaleParams, type ScaleGeneratorParams } from './scale-gallery.ts';
import { realnessFigures } from './scale-realness.ts';
import { Rng } from './synthetic.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { points: { type: 'string' }, generated: { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' } } });
const points = Number(values.points ?? 40);
const generated = Number(values.generated ?? 3000);
const topP = Number(values['top-p'] ?? 0.05);
const rng = new Rng(Number(values.seed ?? 12345));
const sets = loadFvc2002IsoSets(defaultDataDir(), REAL_FVC2002_SETS);

function candidate(): ScaleGeneratorParams {
  const p = defaultScaleParams();
  p.DIRECTION_NOISE = [rng.uniform(0.02, 0.15), rng.uniform(0.2, 0.6)];
  p.POLARITY_FLIP_SHARE = [rng.uniform(0, 0.1), rng.uniform(0.2, 0.5)];
  p.RADIAL_CONCENTRATION = rng.uniform(1, 3.5);
  p.POLARITY_REFERENCE_SD = rng.uniform(0.2, 1.5);
  p.LOOP_SHARE = rng.uniform(0.4, 0.8);
  p.WHORL_SHARE = rng.uniform(0.1, 1 - p.LOOP_SHARE);
  p.COUNT_LOG_SD = rng.uniform(0.2, 0.45);
  return p;
}

const fitted = (p: ScaleGeneratorParams) => JSON.stringify({
  DIRECTION_NOISE: p.DIRECTION_NOISE, POLARITY_FLIP_SHARE: p.POLARITY_FLIP_SHARE, RADIAL_CONCENTRATION: p.RADIAL_CONCENTRATION,
  POLARITY_REFERENCE_SD: p.POLARITY_REFERENCE_SD, LOOP_SHARE: p.LOOP_SHARE, WHORL_SHARE: p.WHORL_SHARE, COUNT_LOG_SD: p.COUNT_LOG_SD,
});
let best: { distance: number; line: string } | undefined;
for (let i = 0; i < points; i++) {
  const params = i === 0 ? defaultScaleParams() : candidate();
  const f = realnessFigures(sets, { half: 'fit', generated, seed: 1, topP, params, shareOnly: true });
  const line = `${(100 * f.realNonMateTopShare).toFixed(2)} % ${fitted(params)}`;
  console.log(line);
  const distance = Math.abs(f.realNonMateTopShare - topP);
  if (best === undefined || distance < best.distance) best = { distance, line };
}
console.log(`best (fit half, real non-mates in the generated top ${100 * topP} %): ${best?.line}`);
