/**
 * Fits the fingerprint score calibration (raw kernel similarity → −10·log10 FMR).
 *
 * `runRealCalibration` (the engine's constants, `calibrate --real`): every impostor pair of
 * real fingers of the fit half (bench/fusion-real-pairs.ts: FVC2002 DB1–DB3 fit fingers and the
 * fit half's U.are.U humans; pairs of different humans, same sensor and across sensors alike),
 * so the report half is never fitted on. `runCalibration(sets)`: impostor pairs *across* the
 * given sets only (the former fit; cross-sensor impostors score lower than a gallery's own, so
 * it understates a real gallery's FMR).
 *
 * Knots sit at fixed FMR levels from 0.99 down, so that the whole impostor distribution, not
 * only its tail, maps to −10·log10 of its share: Fisher fusion reads every score as a p-value,
 * and a median impostor must fuse as p ≈ 0.5 (score 3), not as p ≈ 0.13 (score 8.7, which the
 * former knot-free bulk gave it; over ten fingers that made almost every non-mate a strong
 * candidate). Past the last knot the tail is taken as exponential (log FMR linear in the raw
 * score), its slope fitted over the far tail (`tailShare`): the real tail flattens with depth.
 */
import { FingerMatcher } from '../engine/index.ts';
import { EngineError } from '../engine/index.ts';
import { enrolSamples, readIsoSamples } from './iso-samples.ts';
import { impostorRaw, realPairs, type RealPairs } from './fusion-real-pairs.ts';

/** FMR levels of the knots, kept only while at least MIN_TAIL_SCORES impostors lie above. */
const KNOT_FMRS = [0.99, 0.9, 0.7, 0.5, 0.3, 0.2, 1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5];
const MIN_TAIL_SCORES = 5;
/** Share of the impostors the tail slope is fitted over (iris, face: top 1 %). */
const TAIL_SHARE = 0.01;
/**
 * Fingers: the top 0.1 % (at least 50 impostors). On all 267,840 real impostor pairs the slope
 * falls from 822 units/raw between FMR 1e-2 and 1e-3 to 684 between 1e-3 and 1e-4 and 674
 * between 1e-4 and 1e-5: a slope fitted over the top 1 % overstates every score past the knots.
 */
export const FINGER_TAIL = { share: 0.001, minScores: 50 } as const;

export interface Calibration {
  impostors: number;
  sets: string[];
  raw: number[];
  calibrated: number[];
  /** calibrated-score units per raw unit past the last knot */
  tailSlope: number;
}

export function fitCalibration(impostorRaw: Float64Array, tail: { share: number; minScores: number } = { share: TAIL_SHARE, minScores: MIN_TAIL_SCORES }): Omit<Calibration, 'sets'> {
  const sorted = Float64Array.from(impostorRaw).sort().reverse(); // descending
  const n = sorted.length;
  const raw = [0], calibrated = [0];
  for (const fmr of KNOT_FMRS) {
    const above = Math.floor(fmr * n);
    if (above < MIN_TAIL_SCORES) break;
    const r = sorted[above - 1];
    if (r <= raw[raw.length - 1]) continue; // ties at the bottom of the distribution
    raw.push(r);
    calibrated.push(-10 * Math.log10(fmr));
  }
  // least squares of log10(share at or above) on raw over the tail
  const tailCount = Math.min(n, Math.max(tail.minScores, Math.floor(tail.share * n)));
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < tailCount; i++) {
    const x = sorted[i], y = Math.log10((i + 1) / n);
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  const slope = (tailCount * sxy - sx * sy) / (tailCount * sxx - sx * sx);
  return { impostors: n, raw, calibrated, tailSlope: -10 * slope };
}

export function runCalibration(sets: readonly string[]): Calibration {
  if (sets.length < 2) throw new EngineError('ERR_CALIBRATION_SETS', 'calibration needs at least two --set folders (impostors are taken across sets)');
  const matcher = new FingerMatcher('simd');
  const enrolled = sets.map((dir) => enrolSamples(matcher, readIsoSamples(dir, 'fvc')).flatMap((s) => (s.template ? [s.template] : [])));
  const scores: number[] = [];
  for (let a = 0; a < enrolled.length; a++) {
    for (let b = a + 1; b < enrolled.length; b++) {
      const gallery = matcher.loadGallery(enrolled[b]);
      const out = new Float32Array(gallery.size);
      for (const t of enrolled[a]) {
        const probe = matcher.prepareProbe(t);
        matcher.compareManyRaw(probe, gallery, out);
        matcher.releaseProbe(probe);
        for (const s of out) scores.push(s);
      }
    }
  }
  return { sets: [...sets], ...fitCalibration(Float64Array.from(scores)) };
}

/** The engine's finger calibration: every real impostor pair of the fit half (see the top). */
export async function runRealCalibration(dataDir: string, log: (line: string) => void = () => {}, pairs?: RealPairs): Promise<Calibration> {
  const p = pairs ?? await realPairs(dataDir, log);
  const impostors = impostorRaw(p, 'fit');
  if (impostors.length === 0) throw new EngineError('ERR_CALIBRATION_SETS', `no real impostor pairs of the fit half under ${dataDir}/fingerprint`);
  return { sets: [`real fingers, fit half (fvc2002-iso DB1–DB3 fingers 101+102, 105+106, 109+110; U.are.U fit humans), pairs of different humans, under ${dataDir}/fingerprint`], ...fitCalibration(impostors, FINGER_TAIL) };
}

export function formatCalibration(c: Calibration): string {
  const fmt = (v: number[], d: number) => `[${v.map((x) => x.toFixed(d)).join(', ')}]`;
  return [
    `impostor comparisons: ${c.impostors} (${c.sets.join(', ')})`,
    `const RAW = ${fmt(c.raw, 5)};`,
    `const CALIBRATED = ${fmt(c.calibrated, 2)};`,
    `const TAIL_SLOPE = ${c.tailSlope.toFixed(2)};`,
  ].join('\n');
}
