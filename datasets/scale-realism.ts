/**
 * Does the synthetic background behave like real non-mates for the matcher? FPIR measured
 * against a generated gallery means something only if a real probe scores against generated
 * fingers as it scores against other people's real fingers. This compares impostor score
 * distributions on the engine's calibrated scale (−10·log10 FMR):
 *   real × real       each fvc2002-iso set's templates against the other sets' (cross-sensor
 *                     pairs, the population the calibration was fitted on);
 *   real × synthetic  every real template against a generated gallery;
 *   synthetic × synthetic  generated probes (another seed) against the same gallery.
 * Also the template sizes, which set the gallery's memory.
 */
import { FingerMatcher, calibrateFingerScore } from '../engine/index.ts';
import type { FingerTemplate, MinutiaeRecord } from '../engine/index.ts';
import type { FingerSet } from './planted-mates.ts';
import { scaleFingerRecord, FINGER_ORDER } from './scale-gallery.ts';

export interface ImpostorSummary {
  label: string;
  comparisons: number;
  meanRaw: number;
  /** Shares of scores at or above calibrated 10, 20, 30 (≈ 10 %, 1 %, 0.1 % for real impostors). */
  atLeast10: number;
  atLeast20: number;
  atLeast30: number;
}

export interface TemplateSizes {
  label: string;
  templates: number;
  meanBytes: number;
  p50Bytes: number;
  p99Bytes: number;
  maxBytes: number;
  meanCylinders: number;
}

export interface RealismReport {
  impostors: ImpostorSummary[];
  sizes: TemplateSizes[];
}

function template(matcher: FingerMatcher, record: MinutiaeRecord): FingerTemplate {
  return matcher.createTemplate(record.views[0]?.minutiae ?? [], { resolutionPxPerCm: record.resolutionX });
}

/** Accumulates calibrated impostor scores. */
class ImpostorTally {
  comparisons = 0;
  private rawSum = 0;
  private at = [0, 0, 0];
  add(raw: ArrayLike<number>): void {
    for (let i = 0; i < raw.length; i++) {
      const s = calibrateFingerScore(raw[i]);
      this.rawSum += raw[i];
      if (s >= 10) this.at[0]++;
      if (s >= 20) this.at[1]++;
      if (s >= 30) this.at[2]++;
    }
    this.comparisons += raw.length;
  }
  summary(label: string): ImpostorSummary {
    const n = Math.max(1, this.comparisons);
    return { label, comparisons: this.comparisons, meanRaw: this.rawSum / n, atLeast10: this.at[0] / n, atLeast20: this.at[1] / n, atLeast30: this.at[2] / n };
  }
}

function scoreAll(matcher: FingerMatcher, probes: readonly FingerTemplate[], gallery: readonly FingerTemplate[], tally: ImpostorTally): void {
  const loaded = matcher.loadGallery(gallery);
  const out = new Float32Array(gallery.length);
  for (const p of probes) {
    const prepared = matcher.prepareProbe(p);
    tally.add(matcher.compareManyRaw(prepared, loaded, out));
    matcher.releaseProbe(prepared);
  }
}

function sizes(label: string, templates: readonly FingerTemplate[]): TemplateSizes {
  const bytes = templates.map((t) => t.bytes.length).sort((a, b) => a - b);
  const at = (p: number) => bytes[Math.min(bytes.length - 1, Math.round(p * (bytes.length - 1)))];
  return {
    label,
    templates: templates.length,
    meanBytes: bytes.reduce((s, b) => s + b, 0) / Math.max(1, bytes.length),
    p50Bytes: at(0.5),
    p99Bytes: at(0.99),
    maxBytes: bytes[bytes.length - 1] ?? 0,
    meanCylinders: templates.reduce((s, t) => s + t.cylinderCount, 0) / Math.max(1, templates.length),
  };
}

/** Generated fingers `first`…`first + count − 1` (subjects of `fingersPerSubject`), as templates. */
function syntheticTemplates(matcher: FingerMatcher, seed: number, count: number, fingersPerSubject = 2): FingerTemplate[] {
  const out: FingerTemplate[] = [];
  for (let k = 0; k < count; k++) {
    out.push(template(matcher, scaleFingerRecord(seed, Math.floor(k / fingersPerSubject), FINGER_ORDER[k % fingersPerSubject])));
  }
  return out;
}

/**
 * The three impostor populations and the template sizes. `syntheticFingers` sets the
 * generated gallery's size (real × synthetic makes 320 × that many comparisons).
 */
export function realismReport(sets: readonly FingerSet[], options: { seed: number; syntheticFingers: number; syntheticProbes: number }): RealismReport {
  const matcher = new FingerMatcher();
  const real = sets.map((s) => s.fingers.flatMap((f) => f.impressions.map((r) => template(matcher, r))));
  const synthetic = syntheticTemplates(matcher, options.seed, options.syntheticFingers);
  const synthProbes = syntheticTemplates(matcher, (options.seed ^ 0x5eed) >>> 0, options.syntheticProbes);

  const realReal = new ImpostorTally();
  real.forEach((probes, s) => scoreAll(matcher, probes, real.filter((_, o) => o !== s).flat(), realReal));
  const realSynth = new ImpostorTally();
  scoreAll(matcher, real.flat(), synthetic, realSynth);
  const synthSynth = new ImpostorTally();
  scoreAll(matcher, synthProbes, synthetic, synthSynth);
  return {
    impostors: [
      realReal.summary('real × real (cross-set)'),
      realSynth.summary('real × synthetic'),
      synthSynth.summary('synthetic × synthetic'),
    ],
    sizes: [sizes('real (fvc2002-iso)', real.flat()), sizes('synthetic', synthetic)],
  };
}

export function formatRealism(report: RealismReport): string {
  const pct = (v: number) => (100 * v).toFixed(2).padStart(7);
  const lines = ['impostors                    comparisons  mean raw   ≥10 %   ≥20 %   ≥30 %'];
  for (const r of report.impostors) {
    lines.push(`${r.label.padEnd(28)} ${String(r.comparisons).padStart(11)}  ${r.meanRaw.toFixed(5)} ${pct(r.atLeast10)} ${pct(r.atLeast20)} ${pct(r.atLeast30)}`);
  }
  lines.push('', 'template bytes               templates     mean    p50    p99    max  cylinders');
  for (const s of report.sizes) {
    lines.push(`${s.label.padEnd(28)} ${String(s.templates).padStart(9)} ${s.meanBytes.toFixed(0).padStart(8)} ${String(s.p50Bytes).padStart(6)} ${String(s.p99Bytes).padStart(6)} ${String(s.maxBytes).padStart(6)} ${s.meanCylinders.toFixed(1).padStart(10)}`);
  }
  return lines.join('\n');
}
