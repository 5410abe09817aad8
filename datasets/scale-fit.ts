/**
 * Fits the scale generator's shape constants on the FIT half of the real fingers with a joint
 * objective (scale-fit-objective.ts): the prefilter's ranking (real non-mates in the generated
 * top 1 / 5 / 10 %), the generated vectors' offset from the real ones, and the full matcher's
 * impostor rates (real × generated against real × real at ≥ 10 / 20 / 30), so that no stage is
 * bought with another. A seeded random search; point 0 is the current scale-params.ts. The
 * sensor profiles' count, density and aspect are not searched: they are matched to the fit
 * half's per-set statistics (scale-params.ts says how). Prints every point and the best; the
 * chosen values are copied into scale-params.ts by hand, and `npm run datasets -- scale --report`
 * then says whether they hold on the report half, which the fit never sees. Points outside the
 * bounds test/scale-gallery.test.ts holds the generator to are skipped.
 *   node --import tsx datasets/scale-fit.ts [--points N (40)] [--generated N (4000)] [--seed S (12345)]
 */
import { parseArgs } from 'node:util';
import { FingerMatcher } from '../engine/index.ts';
import { defaultDataDir, loadFvc2002IsoSets } from './planted-mates.ts';
import { REAL_FVC2002_SETS } from './scale-real-sets.ts';
import { FINGER_ORDER, defaultScaleParams, scaleFingerRecord, type ScaleGeneratorParams } from './scale-gallery.ts';
import { minutiaStats } from './scale-stats.ts';
import { fitHalfReal, fitObjective, formatFitScore, realImpostorRates, type FitScore } from './scale-fit-objective.ts';
import { Rng } from './synthetic.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { points: { type: 'string' }, generated: { type: 'string' }, seed: { type: 'string' } } });
const points = Number(values.points ?? 40);
const generated = Number(values.generated ?? 4000);
const rng = new Rng(Number(values.seed ?? 12345));
const sets = loadFvc2002IsoSets(defaultDataDir(), REAL_FVC2002_SETS);
const matcher = new FingerMatcher();
const real = fitHalfReal(sets, matcher);
const realReal = realImpostorRates(matcher, real);

function candidate(): ScaleGeneratorParams {
  const p = defaultScaleParams();
  p.DIRECTION_NOISE = [rng.uniform(0.02, 0.14), rng.uniform(0.14, 0.45)];
  p.DIRECTION_OUTLIER_SHARE = [0, rng.uniform(0, 0.25)];
  p.RADIAL_CONCENTRATION = rng.uniform(1.4, 2.6);
  p.POLARITY_REFERENCE_SD = rng.uniform(0.2, 1.0);
  p.POLARITY_FOCUS = [rng.uniform(0, 0.5), rng.uniform(0.5, 2)];
  p.BROKEN_RIDGE_SHARE = rng.uniform(0, 0.04);
  p.LOOP_SHARE = rng.uniform(0.45, 0.8);
  p.WHORL_SHARE = rng.uniform(0.1, 1 - p.LOOP_SHARE);
  const flip = rng.uniform(0.5, 1.2), countSd = rng.uniform(0.85, 1.15);
  p.SENSOR_PROFILES = p.SENSOR_PROFILES.map((s) => ({
    ...s,
    countLogSd: Math.round(1000 * s.countLogSd * countSd) / 1000,
    flipShare: [Math.round(1000 * Math.min(0.5, s.flipShare[0] * flip)) / 1000, Math.round(1000 * Math.min(0.5, s.flipShare[1] * flip)) / 1000] as const,
  }));
  return p;
}

/**
 * The statistics bounds test/scale-gallery.test.ts holds the generator to (600 generated
 * records, seed 2026): a point outside them is not a candidate, whatever its objective.
 */
function outsideTestBounds(p: ScaleGeneratorParams): string | null {
  const records = Array.from({ length: 600 }, (_, k) => scaleFingerRecord(2026, k >> 1, FINGER_ORDER[k & 1], p));
  const s = minutiaStats(records);
  const checks: [string, number, number, number][] = [
    ['count mean', s.count.mean, 28, 36], ['count sd', s.count.sd, 7, 13], ['hull fill', s.hullFill, 0.25, 0.36],
    ['density', s.density, 8, 11], ['nn median', s.nearestMedian, 16, 24], ['nn < 10', s.nearestUnder10, 0.05, 0.15],
    ['coherence', s.orientationCoherence, 0.62, 0.8], ['polarity', s.polarityAgreement, 0.15, 0.4], ['endings', s.endingShare, 0.6, 0.7],
  ];
  const out = checks.filter(([, v, lo, hi]) => !(v > lo && v < hi)).map(([name, v]) => `${name} ${v.toFixed(2)}`);
  return out.length === 0 ? null : out.join(', ');
}

/** The matcher bounds of the same test (ratios to real × real), here against the fit half's real × real. */
function outsideMatcherBounds(f: FitScore): string | null {
  const r10 = f.realGenerated[0] / f.realReal[0], r20 = f.realGenerated[1] / f.realReal[1];
  return r10 > 0.6 && r10 < 1.6 && r20 > 0.4 && r20 < 2.5 ? null : `matcher ratios ${r10.toFixed(2)} / ${r20.toFixed(2)}`;
}

const searched = (p: ScaleGeneratorParams) => JSON.stringify({
  DIRECTION_NOISE: p.DIRECTION_NOISE, DIRECTION_OUTLIER_SHARE: p.DIRECTION_OUTLIER_SHARE, RADIAL_CONCENTRATION: p.RADIAL_CONCENTRATION,
  POLARITY_REFERENCE_SD: p.POLARITY_REFERENCE_SD, POLARITY_FOCUS: p.POLARITY_FOCUS, BROKEN_RIDGE_SHARE: p.BROKEN_RIDGE_SHARE, LOOP_SHARE: p.LOOP_SHARE, WHORL_SHARE: p.WHORL_SHARE,
  SENSOR_PROFILES: p.SENSOR_PROFILES.map((s) => ({ name: s.name, countLogSd: s.countLogSd, flipShare: s.flipShare })),
}, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v));
let best: { total: number; line: string } | undefined;
for (let i = 0; i < points; i++) {
  const params = i === 0 ? defaultScaleParams() : candidate();
  const statistics = outsideTestBounds(params);
  if (statistics !== null) {
    console.log(`outside the statistics bounds (${statistics}) ${searched(params)}`);
    continue;
  }
  const score = fitObjective(matcher, real, realReal, params, { generated, matcherGallery: 1000, seed: 1 });
  const matcherBounds = outsideMatcherBounds(score);
  const line = `${formatFitScore(score)}${matcherBounds === null ? '' : ` [outside: ${matcherBounds}]`} ${searched(params)}`;
  console.log(line);
  if (matcherBounds === null && (best === undefined || score.total < best.total)) best = { total: score.total, line };
}
console.log(`best (fit half, joint objective, inside the test bounds): ${best?.line}`);
