/**
 * The realness figures of the generated background, at the two stages that see it:
 *
 * - the prefilter: does a real probe find generated fingers as similar as other people's real
 *   fingers? `realNonMateTopShare` = over (real probe, real non-mate) pairs, the share whose
 *   vector similarity reaches the probe's top-`topP` threshold among generated fingers. If real
 *   and generated non-mates were indistinguishable to the probe this is `topP`; above it, real
 *   non-mates crowd the short list and a generated background makes the prefilter look better
 *   than it is. Beside it, a real-vs-generated classifier's AUC on the same vectors (logistic
 *   regression trained on the fit half, scored on the report half; 0.5 = indistinguishable);
 * - the matcher: same-sensor impostor scores, real × real (other fingers of the same set)
 *   beside generated × generated and real × generated, on the calibrated scale.
 *
 * The real fingers (fvc2002-iso, the generator's target population) are split by finger into a
 * fit half and a report half; `scale-fit.ts` fits on the first, this reports on either.
 */
import { FingerMatcher, calibrateFingerScore, templateVector } from '../engine/index.ts';
import type { FingerTemplate, MinutiaeRecord } from '../engine/index.ts';
import type { FingerSet } from './planted-mates.ts';
import { FINGER_ORDER, scaleFingerRecord, type ScaleGeneratorParams } from './scale-gallery.ts';
import { Rng } from './synthetic.ts';

export type Half = 'fit' | 'report';

export interface RealnessOptions {
  half: Half;
  /** Generated fingers in the background the probes rank (and the classifier's generated class). */
  generated: number;
  seed: number;
  topP: number;
  params?: ScaleGeneratorParams;
  /** Skip the classifier and the matcher scores (the fitting loop needs only the share). */
  shareOnly?: boolean;
}

export interface ScoreDistribution {
  label: string;
  comparisons: number;
  /** Calibrated score quantiles at 50 / 90 / 99 / 99.9 %. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** Shares at or above 10, 20, 30 (≈ 10, 1, 0.1 % for real impostors, by the calibration). */
  atLeast10: number;
  atLeast20: number;
  atLeast30: number;
}

export interface RealnessFigures {
  half: Half;
  topP: number;
  realNonMateTopShare: number;
  /**
   * 95 % percentile bootstrap of the share over the real probe fingers (2,000 resamples of the
   * fingers with replacement, each bringing all its pairs): the pairs of one finger are not
   * independent, and with 12 fingers this, not the pair count, sets how well the share is known.
   */
  realNonMateTopShareCi95: [number, number];
  /** The share per real probe finger (set/finger). */
  realNonMateTopShareByFinger: Record<string, number>;
  /** (probe, real non-mate) pairs behind the share, and the probes and fingers they come from. */
  realNonMatePairs: number;
  realProbes: number;
  realFingers: number;
  generatedFingers: number;
  /** Mean cosine of a real probe to real non-mates and to generated fingers. */
  meanCosineRealNonMate: number;
  meanCosineGenerated: number;
  classifierAuc: number | null;
  impostors: ScoreDistribution[];
}

interface RealTemplate { finger: string; set: string; position: number; template: FingerTemplate; vector: Float32Array }

/**
 * The halves go by consecutive pairs of fingers (101+102, 105+106, 109+110 fit; 103+104,
 * 107+108 report): in the FVC2002 sets odd and even finger numbers behave as two hands (each
 * class is alike within itself: a pair histogram is not mirror-invariant), so each half keeps
 * both, as a 2-finger person does.
 */
export function realHalf(sets: readonly FingerSet[], half: Half): FingerSet[] {
  const parity = half === 'fit' ? 0 : 1;
  return sets.map((s) => ({ name: s.name, fingers: s.fingers.filter((_, i) => Math.floor(i / 2) % 2 === parity) }));
}

/** The finger position a real finger plays: odd FVC numbers the right index (2), even the left (7), as the identify bench plants them. */
export function realPosition(fingerIndexInSet: number): number {
  return fingerIndexInSet % 2 === 0 ? 2 : 7;
}

function templateOf(matcher: FingerMatcher, record: MinutiaeRecord): FingerTemplate {
  return matcher.createTemplate(record.views[0]?.minutiae ?? [], { resolutionPxPerCm: record.resolutionX });
}

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Generated fingers (2-finger subjects, as the bench builds them) with their templates and vectors. */
export function generatedTemplates(matcher: FingerMatcher, seed: number, count: number, params?: ScaleGeneratorParams): { position: number; template: FingerTemplate; vector: Float32Array }[] {
  const out: { position: number; template: FingerTemplate; vector: Float32Array }[] = [];
  for (let k = 0; k < count; k++) {
    const position = FINGER_ORDER[k % 2];
    const template = templateOf(matcher, scaleFingerRecord(seed, Math.floor(k / 2), position, params));
    out.push({ position, template, vector: templateVector(template) });
  }
  return out;
}

function realTemplates(matcher: FingerMatcher, sets: readonly FingerSet[]): RealTemplate[] {
  return sets.flatMap((s) => s.fingers.flatMap((f) => f.impressions.map((r) => {
    const template = templateOf(matcher, r);
    return { finger: `${s.name}/${f.identity}`, set: s.name, position: realPosition(Number(f.identity) - 101), template, vector: templateVector(template) };
  })));
}

/** The realness figures of one half of the real fingers against a generated background. */
export function realnessFigures(sets: readonly FingerSet[], o: RealnessOptions): RealnessFigures {
  const matcher = new FingerMatcher();
  const real = realTemplates(matcher, realHalf(sets, o.half));
  // each half ranks against its own background (another seed), so the report never reuses the fit's fingers
  const backgroundSeed = (o.seed ^ (o.half === 'fit' ? 0x0f17 : 0x7e90)) >>> 0;
  const generated = generatedTemplates(matcher, backgroundSeed, o.generated, o.params);

  let pairs = 0, inTop = 0, cosReal = 0, cosGen = 0;
  const perFinger = new Map<string, { inTop: number; pairs: number }>();
  const sims = new Float32Array(generated.length);
  // as the engine compares them: a probe finger against the gallery's fingers of its position
  for (const probe of real) {
    let n = 0;
    for (let g = 0; g < generated.length; g++) if (generated[g].position === probe.position) sims[n++] = dot(probe.vector, generated[g].vector);
    const sorted = sims.slice(0, n).sort();
    const threshold = sorted[Math.max(0, Math.ceil((1 - o.topP) * sorted.length) - 1)];
    for (let g = 0; g < sorted.length; g++) cosGen += sorted[g] / n;
    for (const other of real) {
      if (other.finger === probe.finger || other.position !== probe.position) continue;
      const s = dot(probe.vector, other.vector);
      cosReal += s;
      pairs++;
      if (s > threshold) inTop++;
      const f = perFinger.get(probe.finger) ?? { inTop: 0, pairs: 0 };
      f.pairs++;
      if (s > threshold) f.inTop++;
      perFinger.set(probe.finger, f);
    }
  }
  const figures: RealnessFigures = {
    half: o.half,
    topP: o.topP,
    realNonMateTopShare: inTop / Math.max(1, pairs),
    realNonMateTopShareCi95: bootstrapOverFingers([...perFinger.values()], (o.seed ^ 0xb007) >>> 0),
    realNonMateTopShareByFinger: Object.fromEntries([...perFinger].map(([k, v]) => [k, v.inTop / Math.max(1, v.pairs)])),
    realNonMatePairs: pairs,
    realProbes: real.length,
    realFingers: new Set(real.map((r) => r.finger)).size,
    generatedFingers: generated.length,
    meanCosineRealNonMate: cosReal / Math.max(1, pairs),
    meanCosineGenerated: cosGen / Math.max(1, real.length),
    classifierAuc: null,
    impostors: [],
  };
  if (o.shareOnly === true) return figures;

  // the classifier learns on the other half's real fingers and its own generated fingers
  const otherHalf: Half = o.half === 'fit' ? 'report' : 'fit';
  const trainReal = realTemplates(matcher, realHalf(sets, otherHalf)).map((r) => r.vector);
  const trainGenerated = generatedTemplates(matcher, (o.seed ^ 0xc1a5) >>> 0, Math.min(o.generated, 2000), o.params).map((g) => g.vector);
  const model = trainLogistic(trainReal, trainGenerated);
  figures.classifierAuc = auc(real.map((r) => model(r.vector)), generated.slice(0, 2000).map((g) => model(g.vector)));
  figures.impostors = impostorDistributions(matcher, real, generated.slice(0, 1000).map((g) => g.template));
  return figures;
}

/** Percentile bootstrap over probe fingers of the pooled share. */
export function bootstrapOverFingers(fingers: readonly { inTop: number; pairs: number }[], seed: number, resamples = 2000): [number, number] {
  if (fingers.length === 0) return [0, 1];
  const rng = new Rng(seed);
  const shares = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let hit = 0, n = 0;
    for (let k = 0; k < fingers.length; k++) {
      const f = fingers[rng.int(0, fingers.length - 1)];
      hit += f.inTop;
      n += f.pairs;
    }
    shares[b] = hit / Math.max(1, n);
  }
  shares.sort();
  return [shares[Math.floor(0.025 * resamples)], shares[Math.min(resamples - 1, Math.ceil(0.975 * resamples) - 1)]];
}

/** Same-sensor real impostors (other fingers of the same set) beside generated ones. */
function impostorDistributions(matcher: FingerMatcher, real: readonly RealTemplate[], generated: readonly FingerTemplate[]): ScoreDistribution[] {
  const realReal: number[] = [], realGen: number[] = [], genGen: number[] = [];
  const out = new Float32Array(Math.max(real.length, generated.length));
  const scoreInto = (probe: FingerTemplate, gallery: readonly FingerTemplate[], into: number[], keep: (j: number) => boolean): void => {
    const loaded = matcher.loadGallery(gallery);
    const prepared = matcher.prepareProbe(probe);
    const raw = matcher.compareManyRaw(prepared, loaded, out.subarray(0, gallery.length));
    for (let j = 0; j < gallery.length; j++) if (keep(j)) into.push(calibrateFingerScore(raw[j]));
    matcher.releaseProbe(prepared);
  };
  const realGallery = real.map((r) => r.template);
  for (const probe of real) {
    scoreInto(probe.template, realGallery, realReal, (j) => real[j].set === probe.set && real[j].finger !== probe.finger);
    scoreInto(probe.template, generated, realGen, () => true);
  }
  const genProbes = generated.slice(0, 200);
  genProbes.forEach((p, i) => scoreInto(p, generated, genGen, (j) => j !== i && Math.floor(j / 2) !== Math.floor(i / 2)));
  return [
    distribution('real × real, same sensor', realReal),
    distribution('real × generated', realGen),
    distribution('generated × generated', genGen),
  ];
}

function distribution(label: string, scores: number[]): ScoreDistribution {
  const s = Float64Array.from(scores).sort();
  const q = (p: number) => (s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]);
  const share = (t: number) => s.filter((v) => v >= t).length / Math.max(1, s.length);
  return { label, comparisons: s.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), atLeast10: share(10), atLeast20: share(20), atLeast30: share(30) };
}

/** L2-regularised logistic regression, classes weighted equally; returns the decision function. */
function trainLogistic(positive: readonly Float32Array[], negative: readonly Float32Array[]): (v: Float32Array) => number {
  const dim = positive[0]?.length ?? 0;
  const w = new Float64Array(dim);
  let b = 0;
  const lambda = 1e-3, rate = 0.5, epochs = 300;
  const samples = [...positive.map((v) => ({ v, y: 1, weight: 0.5 / positive.length })), ...negative.map((v) => ({ v, y: 0, weight: 0.5 / negative.length }))];
  const grad = new Float64Array(dim);
  for (let e = 0; e < epochs; e++) {
    grad.fill(0);
    let gb = 0;
    for (const { v, y, weight } of samples) {
      let z = b;
      for (let i = 0; i < dim; i++) z += w[i] * v[i];
      const err = (1 / (1 + Math.exp(-z)) - y) * weight;
      for (let i = 0; i < dim; i++) grad[i] += err * v[i];
      gb += err;
    }
    for (let i = 0; i < dim; i++) w[i] -= rate * (grad[i] + lambda * w[i]) * dim;
    b -= rate * gb;
  }
  return (v) => {
    let z = b;
    for (let i = 0; i < dim; i++) z += w[i] * v[i];
    return z;
  };
}

/** Area under the ROC curve: P(score of a positive > score of a negative), ties counted half. */
export function auc(positive: readonly number[], negative: readonly number[]): number {
  const all = [...positive.map((s) => ({ s, p: 1 })), ...negative.map((s) => ({ s, p: 0 }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j].s === all[i].s) j++;
    const rank = (i + j + 1) / 2; // 1-based average rank of the tie group
    for (let k = i; k < j; k++) if (all[k].p === 1) rankSum += rank;
    i = j;
  }
  const np = positive.length, nn = negative.length;
  return (rankSum - (np * (np + 1)) / 2) / Math.max(1, np * nn);
}

export function formatRealness(f: RealnessFigures): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
  const lines = [
    `realness on the ${f.half} half: ${f.realFingers} real fingers (${f.realProbes} templates) against ${f.generatedFingers} generated fingers`,
    `  real non-mates in the generated top ${pct(f.topP)}: ${pct(f.realNonMateTopShare)} of ${f.realNonMatePairs} (probe, non-mate) pairs (indistinguishable: ${pct(f.topP)}); bootstrap 95 % over the ${f.realFingers} probe fingers [${pct(f.realNonMateTopShareCi95[0])}, ${pct(f.realNonMateTopShareCi95[1])}]`,
    `  per probe finger: ${Object.entries(f.realNonMateTopShareByFinger).map(([k, v]) => `${k} ${(100 * v).toFixed(1)}`).join(', ')}`,
    `  mean cosine of a real probe: to real non-mates ${f.meanCosineRealNonMate.toFixed(3)}, to generated fingers ${f.meanCosineGenerated.toFixed(3)}`,
  ];
  if (f.classifierAuc !== null) lines.push(`  real-vs-generated classifier on the prefilter vectors (trained on the other half): AUC ${f.classifierAuc.toFixed(3)} (indistinguishable: 0.5)`);
  if (f.impostors.length > 0) {
    lines.push('', 'impostor scores (calibrated, −10·log10 FMR)   comparisons     p50     p90     p99   p99.9    ≥10 %    ≥20 %    ≥30 %');
    for (const d of f.impostors) {
      lines.push(`${d.label.padEnd(44)} ${String(d.comparisons).padStart(11)} ${[d.p50, d.p90, d.p99, d.p999].map((v) => v.toFixed(1).padStart(7)).join(' ')} ${[d.atLeast10, d.atLeast20, d.atLeast30].map((v) => (100 * v).toFixed(2).padStart(8)).join(' ')}`);
    }
  }
  return lines.join('\n');
}
