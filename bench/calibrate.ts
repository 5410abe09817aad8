/**
 * Fits the fingerprint score calibration (raw kernel similarity → −10·log10 FMR) from impostor
 * comparisons *across* sets: every pair of samples from two different sets is a non-mate by
 * construction, and none of these pairs is among the within-set impostors the accuracy
 * protocols report, so the calibration is not fitted on the pairs it is checked on.
 * Knots sit at fixed FMR levels; past the last one the impostor tail is taken as exponential
 * (log FMR linear in the raw score), its slope fitted over the top 1 % of impostor scores.
 */
import { FingerMatcher } from '../engine/index.ts';
import { EngineError } from '../engine/index.ts';
import { enrolSamples, readIsoSamples } from './iso-samples.ts';

/** FMR levels of the knots, kept only while at least MIN_TAIL_SCORES impostors lie above. */
const KNOT_FMRS = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5];
const MIN_TAIL_SCORES = 5;
const TAIL_SHARE = 0.01;

export interface Calibration {
  impostors: number;
  sets: string[];
  raw: number[];
  calibrated: number[];
  /** calibrated-score units per raw unit past the last knot */
  tailSlope: number;
}

export function fitCalibration(impostorRaw: Float64Array): Omit<Calibration, 'sets'> {
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
  const tail = Math.max(MIN_TAIL_SCORES, Math.floor(TAIL_SHARE * n));
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < tail; i++) {
    const x = sorted[i], y = Math.log10((i + 1) / n);
    sx += x; sy += y; sxx += x * x; sxy += x * y;
  }
  const slope = (tail * sxy - sx * sy) / (tail * sxx - sx * sx);
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

export function formatCalibration(c: Calibration): string {
  const fmt = (v: number[], d: number) => `[${v.map((x) => x.toFixed(d)).join(', ')}]`;
  return [
    `impostor comparisons across sets: ${c.impostors} (${c.sets.join(', ')})`,
    `const RAW = ${fmt(c.raw, 5)};`,
    `const CALIBRATED = ${fmt(c.calibrated, 2)};`,
    `const TAIL_SLOPE = ${c.tailSlope.toFixed(2)};`,
  ].join('\n');
}
