/**
 * Real-vs-real figures of the identify bench: real probes against real non-mates only, no
 * generated finger anywhere. Persons come from datasets/scale-real-fingers.ts (every real finger
 * available; FVC persons are composites of different real fingers). Each person is enrolled
 * with impression 1 and searched with impressions 2–8.
 *
 * - Prefilter hit: the penetration a search needs = the share of real non-mate subjects whose
 *   joint vector score reaches the mate's. The joint score is the engine's (flat-prefilter):
 *   per probe finger, the vector similarity standardised by the mean and spread of that
 *   finger's similarities to the gallery's fingers (here: every real non-mate finger of the
 *   same hand, impression 1), summed over the probe's fingers. Non-mate subjects are every
 *   combination of one such finger per probe finger (exact up to 200,000 combinations, else a
 *   seeded sample of 200,000): multi-finger non-mates made from different real fingers.
 * - Full matcher: the mate's fused score (Fisher, as the engine fuses), and for the same probe
 *   with its own person left out, the best fused score over the other real persons (a
 *   non-mated search in a gallery of the other real persons).
 * Halves (datasets/scale-real-fingers.ts personHalves): persons with a finger the generator or
 * the prefilter's mean was fitted on are in the half the penetration is chosen on; the report
 * half holds only fingers nothing was fitted on.
 */
import { FingerMatcher, fuseScores, templateVector, type FingerTemplate } from '../engine/index.ts';
import { templateFeatures } from '../engine/prefilter/finger-vector.ts';
import { PREFILTER_MEAN } from '../engine/prefilter/finger-mean.ts';
import { personHalves, type RealPerson } from '../datasets/scale-real-fingers.ts';
import { GALLERY_PARAMS } from '../engine/gallery/params.ts';

export const PENETRATION_GRID: readonly number[] = [0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05];
const MAX_COMBINATIONS = 200_000;

export interface RealSearch {
  person: string;
  composite: boolean;
  half: 'choose' | 'report';
  impression: number;
  /** Share of real non-mate subjects whose joint vector score ≥ the mate's. */
  neededPenetration: number;
  /** The mate's standardised vector similarity per probe finger (the prefilter compares first the finger where it is highest). */
  mateVectorZ?: readonly number[];
  mateFused: number;
  /** Best fused score over the other real persons' gallery entries (probe's own person left out). */
  bestNonMateFused: number;
  /** Probe-side only (no gallery): per probe finger, minutiae given and valid cylinders. */
  probeMinutiae?: readonly number[];
  probeCylinders?: readonly number[];
  /** Per probe finger, |features − the prefilter's mean| (templateFeatures, unit-norm features): how far the print is from the typical one. */
  probeResidual?: readonly number[];
}

export interface RealPool {
  persons: number;
  compositePersons: number;
  fingers: number;
  searches: RealSearch[];
  /** Probes left out because an impression failed to enrol. */
  skippedProbes: number;
}

interface Enrolled { template: FingerTemplate; vector: Float32Array }

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Seeded uniform integers (mulberry32), so the sampled combinations are the same every run. */
function sampler(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/**
 * The engine's joint vector score of a subject from its per-probe-finger standardised
 * similarities (vector-scanner.ts): their sum plus `maxWeight` × their maximum
 * (GALLERY_PARAMS.prefilterMaxWeight).
 */
export function jointScore(z: readonly number[], maxWeight: number): number {
  let sum = 0, max = -Infinity;
  for (const v of z) { sum += v; if (v > max) max = v; }
  return sum + maxWeight * max;
}

export function realPool(persons: readonly RealPerson[], maxWeight = GALLERY_PARAMS.prefilterMaxWeight): RealPool {
  const matcher = new FingerMatcher();
  const enrol = (r: { views: { minutiae: unknown[] }[]; resolutionX: number } | null): Enrolled | null => {
    if (r === null || r === undefined || r.views[0] === undefined) return null;
    try {
      const template = matcher.createTemplate(r.views[0].minutiae as never, { resolutionPxPerCm: r.resolutionX });
      return { template, vector: templateVector(template) };
    } catch {
      return null;
    }
  };
  // per person, per finger: impression templates (index 0 = gallery)
  const fingers = persons.map((p) => p.fingers.map((f) => f.impressions.map((r) => enrol(r))));
  const enrolledPersons = persons.map((p, i) => ({ p, i })).filter(({ i }) => fingers[i].every((imps) => imps[0] !== null));
  const gallery = enrolledPersons.flatMap(({ p, i }) => p.fingers.map((f, k) => ({ person: i, hand: f.hand, entry: fingers[i][k][0]! })));

  const searches: RealSearch[] = [];
  let skipped = 0;
  const draw = sampler(0x5ea1);
  const halves = personHalves(persons);
  enrolledPersons.forEach(({ p, i }) => {
    const impressions = Math.max(...fingers[i].map((imps) => imps.length));
    for (let imp = 1; imp < impressions; imp++) {
      const probe = fingers[i].map((imps) => imps[imp] ?? null);
      if (probe.some((e) => e === null)) { skipped++; continue; }
      const mateZ: number[] = [];
      const nonMateZ: Float32Array[] = [];
      const mateScores: number[] = [];
      probe.forEach((pe, k) => {
        const pool = gallery.filter((g) => g.person !== i && g.hand === p.fingers[k].hand);
        const sims = Float64Array.from(pool, (g) => dot(pe!.vector, g.entry.vector));
        const mean = sims.reduce((s, v) => s + v, 0) / sims.length;
        const sd = Math.sqrt(sims.reduce((s, v) => s + (v - mean) ** 2, 0) / sims.length) || 1;
        nonMateZ.push(Float32Array.from(sims, (v) => (v - mean) / sd));
        mateZ.push((dot(pe!.vector, fingers[i][k][0]!.vector) - mean) / sd);
        mateScores.push(score(matcher, pe!.template, fingers[i][k][0]!.template));
      });
      searches.push({
        person: p.id, composite: p.composite, half: halves[i], impression: imp + 1,
        neededPenetration: shareAtLeast(nonMateZ, jointScore(mateZ, maxWeight), draw, maxWeight),
        mateVectorZ: mateZ,
        probeMinutiae: probe.map((pe) => pe!.template.minutiaCount),
        probeCylinders: probe.map((pe) => pe!.template.cylinderCount),
        probeResidual: probe.map((pe) => residualNorm(pe!.template)), // probes only: no gallery template needs it
        mateFused: fuseScores(mateScores),
        bestNonMateFused: Math.max(...enrolledPersons.filter(({ i: o }) => o !== i).map(({ i: o }) => fuseScores(probe.map((pe, k) => score(matcher, pe!.template, fingers[o][k][0]!.template))))),
      });
    }
  });
  return {
    persons: enrolledPersons.length,
    compositePersons: enrolledPersons.filter(({ p }) => p.composite).length,
    fingers: gallery.length,
    searches,
    skippedProbes: skipped,
  };
}

/** |features − PREFILTER_MEAN| of a template (0 when it has too few pairs for a vector). */
function residualNorm(template: FingerTemplate): number {
  const f = templateFeatures(template);
  if (f === null) return 0;
  let s = 0;
  for (let i = 0; i < f.length; i++) s += (f[i] - PREFILTER_MEAN[i]) ** 2;
  return Math.sqrt(s);
}

/** The calibrated score (−10·log10 FMR) of one comparison. */
function score(matcher: FingerMatcher, a: FingerTemplate, b: FingerTemplate): number {
  return matcher.compare(a, b);
}

/** Share of combinations (one value per list) whose joint score ≥ target: exact when few, else sampled. */
function shareAtLeast(lists: readonly Float32Array[], target: number, draw: (n: number) => number, maxWeight: number): number {
  const total = lists.reduce((n, l) => n * l.length, 1);
  let hits = 0;
  if (total <= MAX_COMBINATIONS) {
    const walk = (k: number, sum: number, max: number): void => {
      if (k === lists.length) { if (sum + maxWeight * max >= target) hits++; return; }
      for (const v of lists[k]) walk(k + 1, sum + v, Math.max(max, v));
    };
    walk(0, 0, -Infinity);
    return hits / total;
  }
  for (let n = 0; n < MAX_COMBINATIONS; n++) {
    let sum = 0, max = -Infinity;
    for (const l of lists) { const v = l[draw(l.length)]; sum += v; if (v > max) max = v; }
    if (sum + maxWeight * max >= target) hits++;
  }
  return hits / MAX_COMBINATIONS;
}

/** Wilson score interval, 95 %. */
export function wilson95(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964, p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function hitRate(searches: readonly RealSearch[], penetration: number): number {
  return searches.filter((s) => s.neededPenetration < penetration).length / Math.max(1, searches.length);
}

/** The smallest grid penetration whose hit rate on `searches` reaches `target`; the largest when none does. */
export function choosePenetration(searches: readonly RealSearch[], target: number): number {
  return PENETRATION_GRID.find((p) => hitRate(searches, p) >= target) ?? PENETRATION_GRID[PENETRATION_GRID.length - 1];
}

/**
 * FNIR at a target FPIR (NIST FRIF): the threshold is the lowest at which at most `fpir` of the
 * non-mated searches return anything; FNIR = mated searches whose mate does not reach it.
 * Returns the threshold too: with n non-mated searches, an FPIR under 1/n means "none at all".
 */
export function fnirAtFpir(mated: readonly number[], nonMated: readonly number[], fpir: number): { fnir: number; threshold: number } {
  const sorted = Float64Array.from(nonMated).sort().reverse(); // best first
  const allowed = Math.floor(fpir * sorted.length);
  // just above the (allowed+1)-th best non-mated score: at most `allowed` reach it
  const threshold = allowed < sorted.length ? nextUp(sorted[allowed]) : Number.NEGATIVE_INFINITY;
  return { fnir: mated.filter((s) => !(s >= threshold)).length / Math.max(1, mated.length), threshold };
}

function nextUp(x: number): number {
  return x === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : x + Math.max(1e-9, Math.abs(x) * 1e-12);
}
