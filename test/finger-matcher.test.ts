/**
 * Property tests of the fingerprint matcher (engine/finger-matcher.ts on the MCC kernel in
 * build/finger*.wasm), on synthetic data only (datasets/synthetic.ts).
 *
 * The kernel's parameters are being tuned, so nothing here pins a specific score: the tests
 * check properties (ordering, invariance, symmetry, agreement between code paths, finiteness,
 * validation) with tolerances chosen from measurements, each stated in the test's name and
 * in a comment with what was measured when it was written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FingerMatcher, templateMinutiae, type FingerTemplate } from '../engine/finger-matcher.ts';
import { EngineError } from '../engine/errors.ts';
import type { Minutia } from '../engine/minutiae.ts';
import { generateDataset, mulberry32, type SyntheticSample } from '../datasets/synthetic.ts';
import { COMPACT_MAGIC, compactFingerTemplate, expandFingerTemplate, toCompactFingerTemplate } from '../engine/finger-compact.ts';
import { createHash } from 'node:crypto';
import { fvc2002IsoSetDirs, isDirectory } from '../bench/data-dir.ts';
import { enrolSamples, readIsoSamples } from '../bench/iso-samples.ts';

const TWO_PI = 2 * Math.PI;
const DEG = Math.PI / 180;
/** 500 dpi in px/cm: synthetic coordinates are at this resolution (the default of createTemplate). */
const PX_PER_CM_500_DPI = 500 / 2.54;

const simd = new FingerMatcher('simd');
/** First 16 hex digits of the SHA-256 of the compact bytes of generateDataset(12, 4, 77)'s templates
 *  (it moves with the MCC1 bytes, pinned by DIRECT_BUILD_SHA256 below, and with the packing). */
const PINNED_COMPACT_DIGEST = '4bd264f2ebf0f138';

// ---------------------------------------------------------------- helpers

function minutiaeOf(sample: SyntheticSample): Minutia[] {
  return sample.record.views[0].minutiae;
}

function templatesOf(matcher: FingerMatcher, samples: readonly SyntheticSample[]): FingerTemplate[] {
  return samples.map((s) => matcher.createTemplate(minutiaeOf(s)));
}

function normAngle(a: number): number {
  const r = ((a % TWO_PI) + TWO_PI) % TWO_PI;
  return r >= TWO_PI ? 0 : r;
}

/** Signed difference wrapped to [−π, π). */
function angleDelta(a: number, b: number): number {
  let d = (a - b) % TWO_PI;
  if (d < -Math.PI) d += TWO_PI;
  if (d >= Math.PI) d -= TWO_PI;
  return d;
}

function minutia(x: number, y: number, angle: number): Minutia {
  return { x, y, angle, type: 'ending', quality: 60 };
}

interface Motion {
  /** Counter-clockwise as seen on screen, degrees. */
  degrees: number;
  tx: number;
  ty: number;
  /** Round coordinates to whole pixels, as any stored record would. Default true. */
  round?: boolean;
  /** +1 (correct) or −1: rotates directions the wrong way, to show the convention matters. */
  directionSign?: number;
}

interface Moved {
  minutiae: Minutia[];
  /** Where the motion sends a point (before rounding), y down. */
  map(x: number, y: number): { x: number; y: number };
  radians: number;
}

/**
 * A rigid motion of a minutiae set, in ISO/IEC 19794-2 conventions: origin top-left, y down,
 * directions counter-clockwise *as seen on screen*. Rotating the print counter-clockwise on
 * screen by φ about the centroid (cx, cy) is, with y down,
 *   x' = cx + (x − cx)·cos φ + (y − cy)·sin φ
 *   y' = cy − (x − cx)·sin φ + (y − cy)·cos φ
 * (a point right of the centre moves up the screen, y decreasing), and every direction gains
 * φ (a minutia pointing right, angle 0, ends up pointing at φ counter-clockwise). This is the
 * mapping generateImpression uses. Then (tx, ty) is added, and the whole set shifted by
 * whole pixels if needed so that no coordinate is negative (records hold unsigned values).
 */
function moveRigidly(minutiae: readonly Minutia[], motion: Motion): Moved {
  const phi = motion.degrees * DEG;
  const c = Math.cos(phi);
  const s = Math.sin(phi);
  const cx = minutiae.reduce((sum, m) => sum + m.x, 0) / minutiae.length;
  const cy = minutiae.reduce((sum, m) => sum + m.y, 0) / minutiae.length;
  const rigid = (x: number, y: number) => ({
    x: cx + motion.tx + (x - cx) * c + (y - cy) * s,
    y: cy + motion.ty - (x - cx) * s + (y - cy) * c,
  });
  const moved = minutiae.map((m) => rigid(m.x, m.y));
  const shiftX = Math.max(0, Math.ceil(-Math.min(...moved.map((p) => p.x))));
  const shiftY = Math.max(0, Math.ceil(-Math.min(...moved.map((p) => p.y))));
  const round = motion.round ?? true;
  const sign = motion.directionSign ?? 1;
  return {
    minutiae: minutiae.map((m, i) => ({
      ...m,
      x: round ? Math.round(moved[i].x + shiftX) : moved[i].x + shiftX,
      y: round ? Math.round(moved[i].y + shiftY) : moved[i].y + shiftY,
      angle: normAngle(m.angle + sign * phi),
    })),
    map: (x, y) => {
      const p = rigid(x, y);
      return { x: p.x + shiftX, y: p.y + shiftY };
    },
    radians: phi,
  };
}

/**
 * The minutiae a template kept, in the template's own order (the order explain() indexes),
 * read from the "MCC1" layout (matchers-wasm/finger/layout.ts): a 16-byte header, then
 * f32 x[n], f32 y[n] (y axis up), f32 direction[n]. Only the explain() test needs this.
 */
const storedMinutiae = templateMinutiae;

function engineError(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected an EngineError, nothing was thrown');
}

function expectCode(fn: () => unknown, code: string): void {
  expect(engineError(fn).code).toBe(code);
}

/** Highest score among pairs of different identities. */
function maxImpostor(samples: readonly SyntheticSample[], templates: readonly FingerTemplate[], score: (a: FingerTemplate, b: FingerTemplate) => number): number {
  let max = -Infinity;
  for (let i = 0; i < templates.length; i++) {
    for (let j = 0; j < templates.length; j++) {
      if (samples[i].identity !== samples[j].identity) max = Math.max(max, score(templates[i], templates[j]));
    }
  }
  return max;
}

/** Degenerate minutiae sets a careless extractor or a hostile client could send. */
function degenerateSets(): Record<string, Minutia[]> {
  const rnd = mulberry32(20240601);
  const normal = minutiaeOf(generateDataset(1, 1, 77)[0]);
  return {
    zero: [],
    one: [minutia(120, 150, 1)],
    twoAtSameSpot: [minutia(120, 150, 1), minutia(120, 150, 1)],
    fiftyDuplicates: Array.from({ length: 50 }, () => minutia(150, 200, 2)),
    duplicatesMixedDirections: Array.from({ length: 60 }, (_, i) => minutia(150, 200, (i % 8) * (Math.PI / 4))),
    everyMinutiaTwice: [...normal, ...normal],
    twoHundredRandom: Array.from({ length: 200 }, () =>
      minutia(Math.round(rnd() * 300), Math.round(rnd() * 400), rnd() * TWO_PI)),
    // A perfectly regular line: all interior cylinders are identical, so local similarities tie
    // and the top-pair selection (no one-to-one constraint, ties broken by pair index) picks
    // many crossed pairs; its self score is only ≈ 0.10 (measured), which is why self-scores
    // are asserted on synthetic fingers only.
    diagonalLine: Array.from({ length: 30 }, (_, i) => minutia(10 + 8 * i, 50 + 8 * i, Math.PI / 4)),
    horizontalLine: Array.from({ length: 30 }, (_, i) => minutia(10 + 8 * i, 200, i * 0.2)),
    frameCorners: [minutia(0, 0, 0), minutia(16383, 16383, 6.28), minutia(0, 16383, 3), minutia(16383, 0, 5)],
    directionsOutsideOneTurn: Array.from({ length: 40 }, (_, i) =>
      minutia(100 + (i % 7) * 15, 100 + Math.floor(i / 7) * 15, i % 2 ? -i * 0.3 : 1e6 + i * 12.3)),
  };
}

// ---------------------------------------------------------------- 1. self-comparison

describe('self-comparison', () => {
  const samples = generateDataset(8, 4, 1101);
  let templates: FingerTemplate[];
  beforeAll(() => {
    templates = templatesOf(simd, samples);
  });

  // Measured when written: compareRaw(t, t) = 1 exactly for every synthetic template (identical
  // cylinders give local similarity 1 and every chosen pair is fully compatible, so relaxation
  // keeps 1); the best other score was 0.35 (a genuine pair), impostors ≤ 0.04.
  it('scores every synthetic template highest against itself (raw self score ≥ 0.99)', () => {
    let lowestSelf = Infinity;
    let highestOther = -Infinity;
    for (let i = 0; i < templates.length; i++) {
      const self = simd.compareRaw(templates[i], templates[i]);
      const selfCalibrated = simd.compare(templates[i], templates[i]);
      lowestSelf = Math.min(lowestSelf, self);
      expect(self).toBeGreaterThanOrEqual(0.99);
      expect(self).toBeLessThanOrEqual(1 + 1e-6);
      for (let j = 0; j < templates.length; j++) {
        if (j === i) continue;
        const other = simd.compareRaw(templates[i], templates[j]);
        highestOther = Math.max(highestOther, other);
        expect(self, `template ${i} vs ${j} (${samples[i].identity}/${samples[j].identity})`).toBeGreaterThanOrEqual(other);
        expect(selfCalibrated).toBeGreaterThanOrEqual(simd.compare(templates[i], templates[j]));
      }
    }
    console.log(`self-comparison: lowest raw self score ${lowestSelf}, highest raw score against another impression ${highestOther.toFixed(4)}`);
  });
});

// ---------------------------------------------------------------- 2. rigid motion

describe('rigid-motion invariance', () => {
  // Rotations stay inside the kernel's direction window: two cylinders are compared only when
  // their minutiae directions differ by at most MAX_DIRECTION_DIFFERENCE = π/3 (params.ts), so a
  // rotation past ±60° leaves no comparable pair at all. ±50° keeps a 10° margin to that edge.
  const ANGLES = [-50, -30, -10, 10, 30, 50];
  const TRANSLATIONS: [number, number][] = [[20, 35], [-40, 25], [33, -21]];
  const samples = generateDataset(12, 1, 2202);
  let originals: FingerTemplate[];
  let selfRaw: number[];
  let selfCalibrated: number[];
  let impostorRaw: number;
  let impostorCalibrated: number;

  beforeAll(() => {
    originals = templatesOf(simd, samples);
    selfRaw = originals.map((t) => simd.compareRaw(t, t));
    selfCalibrated = originals.map((t) => simd.compare(t, t));
    impostorRaw = maxImpostor(samples, originals, (a, b) => simd.compareRaw(a, b));
    impostorCalibrated = maxImpostor(samples, originals, (a, b) => simd.compare(a, b));
  });

  it('sanity check of the motion helper: rotating by 0° without translation gives identical template bytes', () => {
    for (let i = 0; i < samples.length; i++) {
      const still = moveRigidly(minutiaeOf(samples[i]), { degrees: 0, tx: 0, ty: 0 });
      expect(still.minutiae.map((m) => [m.x, m.y])).toEqual(minutiaeOf(samples[i]).map((m) => [m.x, m.y]));
      expect(simd.createTemplate(still.minutiae).bytes).toEqual(originals[i].bytes);
    }
  });

  it('whole-pixel translation alone leaves the raw score ≥ 0.99 of a perfect match', () => {
    for (let i = 0; i < samples.length; i++) {
      const [tx, ty] = TRANSLATIONS[i % TRANSLATIONS.length];
      const moved = simd.createTemplate(moveRigidly(minutiaeOf(samples[i]), { degrees: 0, tx, ty }).minutiae);
      expect(simd.compareRaw(originals[i], moved)).toBeGreaterThanOrEqual(0.99 * selfRaw[i]);
    }
  });

  // Without rounding the cylinders are invariant by construction (each is built in its
  // minutia's own frame): measured raw score 1.0000 for every case. Rounding the moved
  // coordinates to whole pixels (≤ 0.5 px per axis) flips cylinder bits near the threshold, and
  // bit-based MCC's 1 − √(differing)/(‖a‖+‖b‖) makes a few flipped bits cost a lot: measured
  // raw 0.77–0.99 (median 0.92) over 150 fingers × 6 angles × 3 translations in two seeds; a
  // mere +0/+0.5/+1 px offset pattern, no rotation, measured as low as 0.76.
  it('unrounded rotations ±10°, ±30°, ±50° with translation keep the raw score ≥ 0.98', () => {
    let lowest = Infinity;
    for (let i = 0; i < samples.length; i++) {
      for (const degrees of ANGLES) {
        const [tx, ty] = TRANSLATIONS[(i + degrees) & 1 ? 1 : 2];
        const moved = simd.createTemplate(moveRigidly(minutiaeOf(samples[i]), { degrees, tx, ty, round: false }).minutiae);
        const raw = simd.compareRaw(originals[i], moved);
        lowest = Math.min(lowest, raw);
        expect(raw, `finger ${i}, ${degrees}°`).toBeGreaterThanOrEqual(0.98 * selfRaw[i]);
      }
    }
    console.log(`rigid motion, unrounded coordinates: lowest raw ${lowest.toFixed(4)}`);
  });

  it('rotations ±10°, ±30°, ±50° with 20–40 px translations (rounded to pixels) keep raw ≥ 0.60 and compare() within 40 % of the self–impostor gap of compare(t, t)', () => {
    let lowestRaw = Infinity;
    let lowestShareOfGap = Infinity;
    for (let i = 0; i < samples.length; i++) {
      const gap = selfCalibrated[i] - impostorCalibrated;
      expect(gap).toBeGreaterThan(0);
      for (const degrees of ANGLES) {
        for (const [tx, ty] of TRANSLATIONS) {
          const moved = simd.createTemplate(moveRigidly(minutiaeOf(samples[i]), { degrees, tx, ty }).minutiae);
          const raw = simd.compareRaw(originals[i], moved);
          const calibrated = simd.compare(originals[i], moved);
          lowestRaw = Math.min(lowestRaw, raw);
          lowestShareOfGap = Math.min(lowestShareOfGap, (calibrated - impostorCalibrated) / gap);
          const what = `finger ${i}, ${degrees}°, (${tx}, ${ty}) px`;
          expect(raw, what).toBeGreaterThanOrEqual(0.6);
          expect(calibrated, what).toBeGreaterThanOrEqual(selfCalibrated[i] - 0.4 * gap);
          // ... which keeps it far above every impostor: more than half the gap above the best one
          expect(calibrated - impostorCalibrated, what).toBeGreaterThan(0.5 * gap);
          expect(raw, what).toBeGreaterThan(impostorRaw + 0.5 * (selfRaw[i] - impostorRaw));
        }
      }
    }
    console.log(`rigid motion, rounded coordinates: lowest raw ${lowestRaw.toFixed(4)}, lowest calibrated score ${(100 * lowestShareOfGap).toFixed(1)} % of the way from the best impostor (${impostorCalibrated.toFixed(2)}) to the self score; best impostor raw ${impostorRaw.toFixed(4)}`);
  });

  it('direction convention check: turning directions the wrong way (−φ) at 30° is not matched (raw < half the correct motion)', () => {
    for (let i = 0; i < samples.length; i++) {
      const right = simd.createTemplate(moveRigidly(minutiaeOf(samples[i]), { degrees: 30, tx: 25, ty: 25 }).minutiae);
      const wrong = simd.createTemplate(moveRigidly(minutiaeOf(samples[i]), { degrees: 30, tx: 25, ty: 25, directionSign: -1 }).minutiae);
      expect(simd.compareRaw(originals[i], wrong)).toBeLessThan(0.5 * simd.compareRaw(originals[i], right));
    }
  });

  // Design choice, not a defect: the ±60° direction window (MCC itself uses ±90°) rejects large
  // rotations outright, because guided live-scan captures never differ that much and the narrow
  // window is faster and measured more accurate on FVC2002. Measured: 120° gives raw ≈ 0.03,
  // the level of impostors. If the window is ever widened on purpose, revisit this test.
  it('a 120° rotation (outside the ±60° direction window) is not matched: raw < 0.3 and < half the ±50° scores', () => {
    let highest = -Infinity;
    for (let i = 0; i < samples.length; i++) {
      const at50 = Math.min(
        ...[-50, 50].map((degrees) => simd.compareRaw(originals[i], simd.createTemplate(moveRigidly(minutiaeOf(samples[i]), { degrees, tx: 30, ty: -30 }).minutiae))),
      );
      for (const degrees of [120, -120]) {
        const turned = simd.createTemplate(moveRigidly(minutiaeOf(samples[i]), { degrees, tx: 30, ty: -30 }).minutiae);
        const raw = simd.compareRaw(originals[i], turned);
        highest = Math.max(highest, raw);
        expect(raw).toBeLessThan(0.3);
        expect(raw).toBeLessThan(0.5 * at50);
        expect(simd.compare(originals[i], turned)).toBeLessThan(simd.compare(originals[i], originals[i]));
      }
    }
    console.log(`rotation by ±120°: highest raw ${highest.toFixed(4)}`);
  });
});

// ---------------------------------------------------------------- 3. symmetry

describe('symmetry', () => {
  // Local similarity, the direction window and the compatibilities are symmetric; only float
  // order and tie-breaking in the top-pair selection (ties are broken by pair index) are not.
  // Measured when written: max |ab − ba| = 1.6e-4 over 7140 pairs in another seed (genuine ≤ 5e-8);
  // 2.8e-4 over the 4005 pairs here.
  it('|compareRaw(a, b) − compareRaw(b, a)| ≤ 0.01 on genuine and impostor pairs', () => {
    const samples = generateDataset(30, 3, 3303);
    const templates = templatesOf(simd, samples);
    let maxGenuine = 0;
    let maxImpostorAsym = 0;
    let worst = '';
    let pairs = 0;
    for (let i = 0; i < templates.length; i++) {
      for (let j = i + 1; j < templates.length; j++) {
        const ab = simd.compareRaw(templates[i], templates[j]);
        const ba = simd.compareRaw(templates[j], templates[i]);
        const d = Math.abs(ab - ba);
        pairs++;
        if (d > Math.max(maxGenuine, maxImpostorAsym)) worst = `${i}/${j}: ${ab} vs ${ba}`;
        if (samples[i].identity === samples[j].identity) maxGenuine = Math.max(maxGenuine, d);
        else maxImpostorAsym = Math.max(maxImpostorAsym, d);
        expect(d, `${i} vs ${j}`).toBeLessThanOrEqual(0.01);
      }
    }
    console.log(`symmetry over ${pairs} pairs: max |ab − ba| genuine ${maxGenuine.toExponential(2)}, impostor ${maxImpostorAsym.toExponential(2)} (worst ${worst || 'none'})`);
  });
});

// ---------------------------------------------------------------- 4. compareMany

describe('compareMany', () => {
  const samples = generateDataset(12, 4, 4404);
  let gallery: FingerTemplate[];
  let probes: FingerTemplate[];

  beforeAll(() => {
    const all = templatesOf(simd, samples); // 48
    gallery = [...all.slice(0, 46), simd.createTemplate([]), simd.createTemplate(degenerateSets().diagonalLine), all[46], all[47]];
    probes = [all[0], all[5], all[47], simd.createTemplate(minutiaeOf(generateDataset(1, 1, 99)[0])), simd.createTemplate([])];
  });

  /** compareManyRaw is the kernel's f32 output, compareRaw the same f32: equal bit for bit. The
   *  calibrated compareMany is a Float32Array, so compare() rounded to f32 must equal it. */
  function expectSameAsPairwise(matcher: FingerMatcher, probeTemplate: FingerTemplate, raw: Float32Array, calibrated: Float32Array): void {
    expect(raw.length).toBe(gallery.length);
    gallery.forEach((g, i) => {
      expect(raw[i], `raw, gallery ${i}`).toBe(matcher.compareRaw(probeTemplate, g));
      expect(calibrated[i], `calibrated, gallery ${i}`).toBe(Math.fround(matcher.compare(probeTemplate, g)));
      expect(Math.abs(calibrated[i] - matcher.compare(probeTemplate, g))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(calibrated[i])));
    });
  }

  it('gives exactly the pairwise compare()/compareRaw() scores for a 50-template gallery', () => {
    expect(gallery.length).toBe(50);
    const loaded = simd.loadGallery(gallery);
    expect(loaded.size).toBe(50);
    for (const p of probes) {
      const probe = simd.prepareProbe(p);
      const raw = simd.compareManyRaw(probe, loaded);
      const calibrated = simd.compareMany(probe, loaded);
      expectSameAsPairwise(simd, p, raw, calibrated);
      // the caller's output buffer is filled and returned
      const out = new Float32Array(loaded.size);
      expect(simd.compareManyRaw(probe, loaded, out)).toBe(out);
      expect(out).toEqual(raw);
      simd.releaseProbe(probe);
    }
  });

  it('keeps probes and galleries intact across interleaved 1:1 comparisons, explain() and further galleries', () => {
    const loaded = simd.loadGallery(gallery);
    const a = simd.prepareProbe(probes[0]);
    const b = simd.prepareProbe(probes[3]);
    expect(a.address).not.toBe(b.address);
    const rawA = simd.compareManyRaw(a, loaded);
    simd.compareRaw(probes[1], probes[2]);
    simd.explain(probes[3], probes[0]);
    const other = simd.loadGallery(gallery.slice(10, 20).reverse());
    simd.compareManyRaw(b, other);
    expect(simd.compareManyRaw(a, loaded)).toEqual(rawA);
    expectSameAsPairwise(simd, probes[3], simd.compareManyRaw(b, loaded), simd.compareMany(b, loaded));
    simd.releaseProbe(a);
    simd.releaseProbe(b);
  });

  it('reuses a released probe slot for the next prepareProbe, with correct results', () => {
    const loaded = simd.loadGallery(gallery);
    const first = simd.prepareProbe(probes[0]);
    const before = simd.compareManyRaw(first, loaded);
    expectSameAsPairwise(simd, probes[0], before, simd.compareMany(first, loaded));
    simd.releaseProbe(first);
    const second = simd.prepareProbe(probes[1]);
    expect(second.address).toBe(first.address);
    expect(second.template).toBe(probes[1]);
    const after = simd.compareManyRaw(second, loaded);
    expectSameAsPairwise(simd, probes[1], after, simd.compareMany(second, loaded));
    expect(after).not.toEqual(before);
    simd.releaseProbe(second);
  });

  it('refuses a probe or a gallery of another matcher with ERR_MATCHER_MISMATCH', () => {
    const other = new FingerMatcher('simd');
    const mine = simd.prepareProbe(probes[0]);
    const myGallery = simd.loadGallery(gallery.slice(0, 5));
    const theirProbe = other.prepareProbe(probes[0]);
    const theirGallery = other.loadGallery(gallery.slice(0, 5));
    expectCode(() => simd.compareMany(mine, theirGallery), 'ERR_MATCHER_MISMATCH');
    expectCode(() => simd.compareManyRaw(mine, theirGallery), 'ERR_MATCHER_MISMATCH');
    expectCode(() => other.compareMany(mine, theirGallery), 'ERR_MATCHER_MISMATCH');
    expectCode(() => other.compareManyRaw(mine, theirGallery), 'ERR_MATCHER_MISMATCH');
    expectCode(() => simd.compareManyRaw(theirProbe, myGallery), 'ERR_MATCHER_MISMATCH');
    expectCode(() => other.releaseProbe(mine), 'ERR_MATCHER_MISMATCH');
    // each works with its own
    expect(Array.from(other.compareManyRaw(theirProbe, theirGallery))).toEqual(Array.from(simd.compareManyRaw(mine, myGallery)));
    simd.releaseProbe(mine);
    other.releaseProbe(theirProbe);
  });
});

// ---------------------------------------------------------------- 5. finiteness

describe('degenerate inputs', () => {
  for (const matcher of [simd, new FingerMatcher('scalar')]) {
    it(`builds templates from degenerate minutiae and scores every comparison finite, in [0, 1] raw and ≥ 0 calibrated (${matcher.source} kernel)`, () => {
      const sets = degenerateSets();
      const named: [string, FingerTemplate][] = Object.entries(sets).map(([name, m]) => [name, matcher.createTemplate(m)]);
      generateDataset(3, 2, 5505).forEach((s, i) => named.push([`synthetic${i}`, matcher.createTemplate(minutiaeOf(s))]));
      const byName = Object.fromEntries(named);

      expect(byName.zero.cylinderCount).toBe(0);
      expect(byName.one.cylinderCount).toBe(0);
      expect(byName.twoAtSameSpot.cylinderCount).toBe(0);
      expect(byName.twoHundredRandom.minutiaCount).toBe(128); // cut to the kernel's limit
      expect(byName.twoHundredRandom.cylinderCount).toBeLessThanOrEqual(128);
      for (const [, t] of named) {
        expect(t.bytes.length).toBeGreaterThanOrEqual(16);
        expect(matcher.templateFromBytes(t.bytes.slice()).cylinderCount).toBe(t.cylinderCount);
      }

      for (const [na, a] of named) {
        for (const [nb, b] of named) {
          const raw = matcher.compareRaw(a, b);
          const calibrated = matcher.compare(a, b);
          expect(Number.isFinite(raw), `${na} vs ${nb}: ${raw}`).toBe(true);
          expect(raw, `${na} vs ${nb}`).toBeGreaterThanOrEqual(0);
          expect(raw, `${na} vs ${nb}`).toBeLessThanOrEqual(1 + 1e-6);
          expect(Number.isFinite(calibrated), `${na} vs ${nb}: ${calibrated}`).toBe(true);
          expect(calibrated, `${na} vs ${nb}`).toBeGreaterThanOrEqual(0);
          if (a.cylinderCount === 0 || b.cylinderCount === 0) {
            expect(raw, `${na} (${a.cylinderCount} cylinders) vs ${nb} (${b.cylinderCount})`).toBe(0);
            expect(matcher.explain(a, b).pairs).toEqual([]);
          }
        }
      }

      // the same through the 1:many path
      const gallery = matcher.loadGallery(named.map(([, t]) => t));
      for (const [na, a] of named) {
        const probe = matcher.prepareProbe(a);
        const scores = matcher.compareManyRaw(probe, gallery);
        scores.forEach((s, i) => expect(Number.isFinite(s) && s >= 0, `${na} vs ${named[i][0]}: ${s}`).toBe(true));
        matcher.releaseProbe(probe);
      }
    });
  }
});

// ---------------------------------------------------------------- 6. validation

describe('template validation', () => {
  const samples = generateDataset(4, 2, 6606);
  let templates: FingerTemplate[];
  beforeAll(() => {
    templates = templatesOf(simd, samples);
  });

  it('templateFromBytes round-trips real bytes (copies, Node Buffers, unaligned views) with the same counts and scores', () => {
    const t = templates[0];
    const backing = new Uint8Array(t.bytes.length + 7);
    backing.set(t.bytes, 3);
    for (const bytes of [t.bytes.slice(), Buffer.from(t.bytes), backing.subarray(3, 3 + t.bytes.length)]) {
      const back = simd.templateFromBytes(bytes);
      expect(back.cylinderCount).toBe(t.cylinderCount);
      expect(back.minutiaCount).toBe(t.minutiaCount);
      expect(back.bytes.length).toBe(t.bytes.length);
      for (const other of templates) {
        expect(simd.compareRaw(back, other)).toBe(simd.compareRaw(t, other));
        expect(simd.compareRaw(other, back)).toBe(simd.compareRaw(other, t));
      }
    }
  });

  it('rejects truncated bytes, a wrong magic and wrong declared sizes or counts with ERR_TEMPLATE_CORRUPT', () => {
    const good = templates[1].bytes;
    const edit = (fn: (v: DataView, b: Uint8Array) => void): Uint8Array => {
      const b = good.slice();
      fn(new DataView(b.buffer), b);
      return b;
    };
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['shorter than the header', good.slice(0, 10)],
      ['one byte short', good.slice(0, good.length - 1)],
      ['one cylinder short', good.slice(0, good.length - 96)],
      ['header only', good.slice(0, 16)],
      ['wrong magic', edit((v) => v.setUint32(0, 0x3243434d, true))],
      ['magic byte-swapped', edit((v) => v.setUint32(0, 0x4d434331, true))],
      ['declared size larger', edit((v) => v.setUint32(8, good.length + 16, true))],
      ['declared size smaller', edit((v) => v.setUint32(8, good.length - 16, true))],
      ['count one more than the bytes hold', edit((v) => v.setUint32(4, v.getUint32(4, true) + 1, true))],
      ['count one less than the bytes hold', edit((v) => v.setUint32(4, v.getUint32(4, true) - 1, true))],
      ['count beyond the kernel limit', edit((v) => v.setUint32(4, 100_000, true))],
      ['padded and declared so', (() => {
        const b = new Uint8Array(good.length + 16);
        b.set(good);
        new DataView(b.buffer).setUint32(8, b.length, true);
        return b;
      })()],
    ];
    for (const [what, bytes] of cases) {
      const e = engineError(() => simd.templateFromBytes(bytes));
      expect(e.code, what).toBe('ERR_TEMPLATE_CORRUPT');
    }
  });

  it('rejects anything but a Uint8Array with ERR_TEMPLATE_TYPE', () => {
    const good = templates[0].bytes;
    const notBytes: unknown[] = [good.buffer.slice(0), Array.from(good), new DataView(good.slice().buffer), new Uint16Array(64), 'MCC1', null, undefined, 42, {}];
    for (const value of notBytes) {
      expectCode(() => simd.templateFromBytes(value as Uint8Array), 'ERR_TEMPLATE_TYPE');
    }
  });

  it('createTemplate rejects non-finite, negative and out-of-range minutiae with ERR_TEMPLATE_MINUTIA', () => {
    const base = minutiaeOf(samples[0]);
    const bad: Partial<Minutia>[] = [
      { x: NaN }, { y: NaN }, { angle: NaN }, { x: -1 }, { y: -0.5 }, { x: Infinity }, { angle: -Infinity }, { x: 16384 }, { y: 1e9 },
    ];
    for (const patch of bad) {
      for (const at of [0, base.length - 1]) {
        const minutiae = base.map((m, i) => (i === at ? { ...m, ...patch } : m));
        expectCode(() => simd.createTemplate(minutiae), 'ERR_TEMPLATE_MINUTIA');
      }
    }
    // the limits themselves are accepted
    expect(() => simd.createTemplate([minutia(0, 0, 0), minutia(16383, 16383, 0)])).not.toThrow();
  });

  it('createTemplate rejects a non-positive or non-finite resolution with ERR_TEMPLATE_RESOLUTION', () => {
    const base = minutiaeOf(samples[0]);
    for (const resolutionPxPerCm of [0, -197, NaN, Infinity, -Infinity]) {
      expectCode(() => simd.createTemplate(base, { resolutionPxPerCm }), 'ERR_TEMPLATE_RESOLUTION');
    }
  });
});

// ---------------------------------------------------------------- 7. resolution

describe('resolution', () => {
  // Measured when written: the 1000 dpi template scores raw 1.0000 against the 500 dpi one (the
  // rescaled coordinates are the originals up to f32 rounding); read as 500 dpi it scores ≈ 0.
  it('a 1000 dpi template (coordinates doubled, 393.7 px/cm) matches its 500 dpi original with raw ≥ 0.95 × the self score', () => {
    const samples = generateDataset(8, 1, 7707);
    let lowest = Infinity;
    for (const s of samples) {
      const original = simd.createTemplate(minutiaeOf(s), { resolutionPxPerCm: PX_PER_CM_500_DPI });
      const doubled = minutiaeOf(s).map((m) => ({ ...m, x: 2 * m.x, y: 2 * m.y }));
      const at1000 = simd.createTemplate(doubled, { resolutionPxPerCm: 393.7 });
      const self = simd.compareRaw(original, original);
      const cross = simd.compareRaw(original, at1000);
      lowest = Math.min(lowest, cross / self);
      expect(at1000.cylinderCount).toBe(original.cylinderCount);
      expect(cross).toBeGreaterThanOrEqual(0.95 * self);
      expect(simd.compareRaw(at1000, original)).toBeGreaterThanOrEqual(0.95 * self);
      // the rescaling is what makes it match: the same coordinates taken as 500 dpi do not
      const misread = simd.createTemplate(doubled);
      expect(simd.compareRaw(original, misread)).toBeLessThan(0.5 * cross);
    }
    console.log(`1000 dpi vs 500 dpi: lowest cross/self raw ratio ${lowest.toFixed(4)}`);
  });
});

// ---------------------------------------------------------------- 8. explain

describe('explain', () => {
  const samples = generateDataset(10, 3, 8808);
  let templates: FingerTemplate[];
  beforeAll(() => {
    templates = templatesOf(simd, samples);
  });

  it('returns compareRaw()/compare() scores and well-formed pairs: indices in range, local similarity in (0, 1], some scored', () => {
    for (let i = 0; i < templates.length; i++) {
      for (let j = i % 2; j < templates.length; j += 2) {
        const a = templates[i];
        const b = templates[j];
        const evidence = simd.explain(a, b);
        expect(evidence.rawScore).toBe(simd.compareRaw(a, b));
        expect(evidence.score).toBe(simd.compare(a, b));
        if (samples[i].identity === samples[j].identity) expect(evidence.pairs.length).toBeGreaterThan(0);
        expect(evidence.pairs.length).toBeLessThanOrEqual(Math.min(a.cylinderCount, b.cylinderCount, 32));
        if (evidence.pairs.length === 0) {
          expect(evidence.rawScore).toBe(0);
          continue;
        }
        const scored = evidence.pairs.filter((p) => p.scored);
        expect(scored.length).toBeGreaterThan(0);
        for (const p of evidence.pairs) {
          expect(Number.isInteger(p.probeIndex) && p.probeIndex >= 0 && p.probeIndex < a.cylinderCount).toBe(true);
          expect(Number.isInteger(p.candidateIndex) && p.candidateIndex >= 0 && p.candidateIndex < b.cylinderCount).toBe(true);
          expect(p.localSimilarity).toBeGreaterThan(0);
          expect(p.localSimilarity).toBeLessThanOrEqual(1);
          expect(Number.isFinite(p.relaxedSimilarity) && p.relaxedSimilarity >= 0).toBe(true);
        }
        // the score is the mean relaxed similarity of the scored pairs
        const mean = scored.reduce((s, p) => s + p.relaxedSimilarity, 0) / scored.length;
        expect(evidence.rawScore).toBeCloseTo(mean, 5);
      }
    }
  });

  it('pairs a rigidly moved copy with the very minutiae it came from (scored pairs within 1.5 px and 0.01 rad of the motion)', () => {
    for (let i = 0; i < templates.length; i += 3) {
      const motion = moveRigidly(minutiaeOf(samples[i]), { degrees: 25, tx: 30, ty: -20 });
      const moved = simd.createTemplate(motion.minutiae);
      const A = storedMinutiae(templates[i]);
      const B = storedMinutiae(moved);
      const scored = simd.explain(templates[i], moved).pairs.filter((p) => p.scored);
      expect(scored.length).toBeGreaterThanOrEqual(4);
      for (const p of scored) {
        const a = A[p.probeIndex];
        const b = B[p.candidateIndex];
        const expected = motion.map(a.x, a.y);
        expect(Math.hypot(expected.x - b.x, expected.y - b.y)).toBeLessThanOrEqual(1.5);
        expect(Math.abs(angleDelta(b.angle, a.angle + motion.radians))).toBeLessThanOrEqual(0.01);
      }
    }
  });

  // Measured when written over 20 fingers × 3 impressions: for genuine pairs the scored pairs
  // disagree on mutual distances by ≤ 14.4 px and their rotations spread ≤ 14.3° around the
  // median; for impostor pairs up to 327 px and 109°.
  it('for genuine pairs, the scored pairs are geometrically consistent (mutual distances within 25 px, rotations within 30° of their median)', () => {
    let worstDistance = 0;
    let worstRotation = 0;
    for (let i = 0; i < templates.length; i++) {
      for (let j = 0; j < templates.length; j++) {
        if (i === j || samples[i].identity !== samples[j].identity) continue;
        const A = storedMinutiae(templates[i]);
        const B = storedMinutiae(templates[j]);
        const scored = simd.explain(templates[i], templates[j]).pairs.filter((p) => p.scored);
        const rotations = scored.map((p) => angleDelta(B[p.candidateIndex].angle, A[p.probeIndex].angle)).sort((x, y) => x - y);
        const median = rotations[rotations.length >> 1];
        for (const r of rotations) worstRotation = Math.max(worstRotation, Math.abs(angleDelta(r, median)));
        for (const p of scored) {
          for (const q of scored) {
            const da = Math.hypot(A[p.probeIndex].x - A[q.probeIndex].x, A[p.probeIndex].y - A[q.probeIndex].y);
            const db = Math.hypot(B[p.candidateIndex].x - B[q.candidateIndex].x, B[p.candidateIndex].y - B[q.candidateIndex].y);
            worstDistance = Math.max(worstDistance, Math.abs(da - db));
          }
        }
      }
    }
    console.log(`explain, genuine pairs: worst mutual-distance disagreement ${worstDistance.toFixed(1)} px, worst rotation spread ${(worstRotation / DEG).toFixed(1)}°`);
    expect(worstDistance).toBeLessThanOrEqual(25);
    expect(worstRotation).toBeLessThanOrEqual(30 * DEG);
  });
});

// ---------------------------------------------------------------- 9. scalar kernel

describe('scalar baseline kernel', () => {
  // Measured when written: max |simd − scalar| = 6e-8 (f32 summation order in the SIMD relaxation).
  it('gives the SIMD kernel\'s scores within 1e-4, on its own templates and on the SIMD kernel\'s bytes', () => {
    const scalar = new FingerMatcher('scalar');
    expect(scalar.source).toBe('scalar');
    const samples = generateDataset(10, 3, 9909);
    const extra = Object.values(degenerateSets());
    const simdTemplates = [...templatesOf(simd, samples), ...extra.map((m) => simd.createTemplate(m))];
    const scalarTemplates = [...templatesOf(scalar, samples), ...extra.map((m) => scalar.createTemplate(m))];
    const simdBytesInScalar = simdTemplates.map((t) => scalar.templateFromBytes(t.bytes));
    let maxDiff = 0;
    for (let i = 0; i < simdTemplates.length; i++) {
      expect(scalarTemplates[i].cylinderCount).toBe(simdTemplates[i].cylinderCount);
      for (let j = 0; j < simdTemplates.length; j++) {
        const s = simd.compareRaw(simdTemplates[i], simdTemplates[j]);
        const own = scalar.compareRaw(scalarTemplates[i], scalarTemplates[j]);
        const shared = scalar.compareRaw(simdBytesInScalar[i], simdBytesInScalar[j]);
        maxDiff = Math.max(maxDiff, Math.abs(s - own), Math.abs(s - shared));
        expect(Math.abs(s - own), `${i} vs ${j}`).toBeLessThanOrEqual(1e-4);
        expect(Math.abs(s - shared), `${i} vs ${j}`).toBeLessThanOrEqual(1e-4);
      }
    }
    // and the 1:many path of the scalar kernel agrees with its own 1:1 path
    const gallery = scalar.loadGallery(scalarTemplates);
    const probe = scalar.prepareProbe(scalarTemplates[4]);
    const many = scalar.compareManyRaw(probe, gallery);
    scalarTemplates.forEach((t, j) => expect(many[j]).toBe(scalar.compareRaw(scalarTemplates[4], t)));
    console.log(`scalar vs simd: max |Δ raw| ${maxDiff.toExponential(2)} over ${simdTemplates.length ** 2} comparisons`);
  });
});

describe('template bytes', () => {
  // Gallery templates are stored: the table-driven cylinder build (cylinders.ts) must give the
  // very bytes of the direct computation. The digest below was taken from the kernel before the
  // tables (direct erf/exp per cell and neighbour) on these 300 synthetic samples.
  const DIRECT_BUILD_SHA256 = '4915b46821d38fd106331dd1e3876bf8632ad6bc35c94480dc4f8f7f17f07893';
  it.each(['simd', 'scalar'] as const)('%s kernel: the same bytes as the direct MCC computation', async (source) => {
    const { createHash } = await import('node:crypto');
    const matcher = new FingerMatcher(source);
    const hash = createHash('sha256');
    for (const d of generateDataset(150, 2, 424242)) hash.update(matcher.createTemplate(d.record.views[0].minutiae).bytes);
    expect(hash.digest('hex')).toBe(DIRECT_BUILD_SHA256);
  });
});

describe('hostile input to the wrapper', () => {
  const samples = generateDataset(3, 2, 4242);
  const [a, b] = templatesOf(simd, samples.slice(0, 2));

  it('refuses to use or release a probe twice (ERR_PROBE_RELEASED), so slots are never shared', () => {
    const m = new FingerMatcher('simd');
    const p = m.prepareProbe(a);
    m.releaseProbe(p);
    expectCode(() => m.releaseProbe(p), 'ERR_PROBE_RELEASED');
    expectCode(() => m.compareManyRaw(p, m.loadGallery([a])), 'ERR_PROBE_RELEASED');
    const q1 = m.prepareProbe(a), q2 = m.prepareProbe(b);
    expect(q1.address).not.toBe(q2.address);
    expect(m.compareManyRaw(q1, m.loadGallery([a]))[0]).toBeCloseTo(1, 5);
  });

  it('templateFromBytes rejects NaN, infinite or out-of-range floats inside the template (ERR_TEMPLATE_CORRUPT)', () => {
    const n = a.cylinderCount;
    for (const [field, value] of [[0, Number.NaN], [0, Infinity], [1, Number.NaN], [2, Number.NaN], [2, 7], [3, -1]] as const) {
      const bytes = a.bytes.slice();
      new DataView(bytes.buffer).setFloat32(16 + 4 * (field * n + n - 1), value, true);
      expectCode(() => simd.templateFromBytes(bytes), 'ERR_TEMPLATE_CORRUPT');
    }
  });

  it('createTemplate validates every minutia, also past the 128 the kernel keeps', () => {
    const many = Array.from({ length: 200 }, (_, i) => minutia(10 + (i % 20) * 12, 10 + Math.floor(i / 20) * 12, (i * 0.37) % TWO_PI));
    for (const bad of [{ x: Number.NaN }, { x: -5000 }, { y: 1e9 }, { angle: Number.NaN }]) {
      for (const index of [0, 199]) {
        const set = many.map((m, i) => (i === index ? { ...m, ...bad } : m));
        expectCode(() => simd.createTemplate(set), 'ERR_TEMPLATE_MINUTIA');
      }
    }
  });

  it('rejects implausible resolutions (below 250 or above 2000 dpi) with ERR_TEMPLATE_RESOLUTION', () => {
    for (const r of [1, 50, 1000, 1e6]) expectCode(() => simd.createTemplate(minutiaeOf(samples[0]), { resolutionPxPerCm: r }), 'ERR_TEMPLATE_RESOLUTION');
  });
});

describe('forged template objects', () => {
  it('are refused before they reach the kernel (ERR_TEMPLATE_CORRUPT), whatever door they use', () => {
    const [sample] = generateDataset(1, 1, 77);
    const good = simd.createTemplate(minutiaeOf(sample));
    const huge = good.bytes.slice();
    new DataView(huge.buffer).setUint32(4, 100000, true); // claims 100,000 cylinders
    const forged: FingerTemplate = { bytes: huge, cylinderCount: 1, minutiaCount: 1 };
    expectCode(() => simd.compare(good, forged), 'ERR_TEMPLATE_CORRUPT');
    expectCode(() => simd.prepareProbe(forged), 'ERR_TEMPLATE_CORRUPT');
    expectCode(() => simd.loadGallery([good, forged]), 'ERR_TEMPLATE_CORRUPT');
    expect(simd.compareRaw(good, good)).toBeCloseTo(1, 5);
  });
});

// ---------------------------------------------------------------- compact in-RAM form

describe('compact in-RAM form (MCK1)', () => {
  const synthetic = generateDataset(12, 4, 77);
  let templates: FingerTemplate[];
  beforeAll(() => {
    templates = [...templatesOf(simd, synthetic), simd.createTemplate([]), simd.createTemplate(degenerateSets().diagonalLine)];
  });

  /** Scores of every probe against the gallery in both forms, and the pairwise compareRaw. */
  function bothForms(matcher: FingerMatcher, gallery: readonly FingerTemplate[], probes: readonly FingerTemplate[]): { compact: Float32Array[]; mcc1: Float32Array[] } {
    const c = matcher.loadGallery(gallery, 'compact'), m = matcher.loadGallery(gallery, 'mcc1');
    expect(c.form).toBe('compact');
    const compact: Float32Array[] = [], mcc1: Float32Array[] = [];
    for (const t of probes) {
      const probe = matcher.prepareProbe(t);
      compact.push(matcher.compareManyRaw(probe, c));
      mcc1.push(matcher.compareManyRaw(probe, m));
      matcher.releaseProbe(probe);
    }
    return { compact, mcc1 };
  }

  it('is smaller than MCC1 and gives back the MCC1 bytes exactly (lossless)', () => {
    let full = 0, packed = 0;
    for (const t of templates) {
      const c = compactFingerTemplate(t.bytes);
      expect(new DataView(c.buffer).getUint32(0, true)).toBe(COMPACT_MAGIC);
      expect(expandFingerTemplate(c)).toEqual(t.bytes);
      expect(toCompactFingerTemplate(c)).toBe(c); // already compact: passed through
      if (t.cylinderCount > 0) { full += t.bytes.length; packed += c.length; }
    }
    // measured when written: 0.84× on FVC2002 (3,571 → 2,997 B), 0.80–0.86× on synthetic prints
    expect(packed / full).toBeLessThan(0.9);
  });

  it('is deterministic: the same minutiae give the same compact bytes (pinned digest of a fixed synthetic set)', () => {
    const again = templatesOf(new FingerMatcher('simd'), synthetic);
    const digest = (list: readonly FingerTemplate[]): string => {
      const h = createHash('sha256');
      for (const t of list) h.update(compactFingerTemplate(t.bytes));
      return h.digest('hex');
    };
    expect(digest(again)).toBe(digest(templates.slice(0, synthetic.length)));
    // the compact bytes follow from the MCC1 bytes alone (a change to the packing shows here)
    expect(digest(templates.slice(0, synthetic.length)).slice(0, 16)).toBe(PINNED_COMPACT_DIGEST);
  });

  it('gives the MCC1 kernel\'s scores bit for bit on synthetic genuine and impostor pairs, also with empty and degenerate templates', () => {
    const { compact, mcc1 } = bothForms(simd, templates, templates);
    compact.forEach((row, i) => row.forEach((v, j) => expect(Object.is(v, mcc1[i][j]), `probe ${i}, template ${j}: ${v} vs ${mcc1[i][j]}`).toBe(true)));
  });

  it('the scalar build gives the SIMD build\'s compact scores (within the 1e-4 the MCC1 builds agree to)', () => {
    const scalar = new FingerMatcher('scalar');
    const simdScores = bothForms(simd, templates, templates.slice(0, 8)).compact;
    const scalarScores = bothForms(scalar, templates, templates.slice(0, 8));
    scalarScores.compact.forEach((row, i) => row.forEach((v, j) => {
      expect(Math.abs(v - simdScores[i][j])).toBeLessThanOrEqual(1e-4);
      expect(Object.is(v, scalarScores.mcc1[i][j])).toBe(true); // and equals its own MCC1 path exactly
    }));
  });

  it('templateMinutiae reads both forms alike', () => {
    for (const t of templates) {
      const c = compactFingerTemplate(t.bytes);
      expect(templateMinutiae({ ...t, bytes: c })).toEqual(templateMinutiae(t));
    }
  });

  it('refuses MCC1 bytes it cannot pack without changing scores, and damaged compact bytes (ERR_TEMPLATE_CORRUPT)', () => {
    const good = templates.find((t) => t.cylinderCount >= 3)!.bytes;
    const n = new DataView(good.buffer, good.byteOffset).getUint32(4, true);
    const cylinders = (16 + 16 * n + 15) & ~15;
    const edited = (edit: (b: Uint8Array, v: DataView) => void): Uint8Array => {
      const b = good.slice();
      edit(b, new DataView(b.buffer));
      return b;
    };
    const refusedMcc1: Array<[string, Uint8Array]> = [
      ['a norm that is not √ of the bits', edited((_, v) => v.setFloat32(16 + 12 * n, v.getFloat32(16 + 12 * n, true) + 0.5, true))],
      ['a bit outside the 112 cells', edited((b) => { b[cylinders + 16 + 15] |= 0x80; })],
      ['a validity bit outside the cells', edited((b) => { b[cylinders + 14] = 1; })],
      ['a wrong magic', edited((_, v) => v.setUint32(0, 0x12345678, true))],
      ['truncated', good.subarray(0, good.length - 16)],
    ];
    for (const [what, bytes] of refusedMcc1) {
      expect(() => compactFingerTemplate(bytes), what).toThrow(EngineError);
      // the intake check refuses them too, before an insert could store what a shard cannot hold
      try { simd.templateFromBytes(bytes); expect.unreachable(what); } catch (e) { expect((e as EngineError).code, what).toBe('ERR_TEMPLATE_CORRUPT'); }
      try { compactFingerTemplate(bytes); } catch (e) { expect((e as EngineError).code, what).toBe('ERR_TEMPLATE_CORRUPT'); }
    }
    const c = compactFingerTemplate(good);
    const masks = new DataView(c.buffer).getUint32(16, true);
    const refusedCompact: Array<[string, Uint8Array]> = [
      ['truncated', c.subarray(0, c.length - 16)],
      ['mask count beyond the cylinders', (() => { const b = c.slice(); new DataView(b.buffer).setUint32(16, n + 1, true); return b; })()],
      ['a mask index past the masks', (() => { const b = c.slice(); b[32 + 15 * n] = masks + 1; return b; })()],
      ['MCC1 bytes', good],
    ];
    for (const [what, bytes] of refusedCompact) {
      try { expandFingerTemplate(bytes); expect.unreachable(what); } catch (e) { expect((e as EngineError).code, what).toBe('ERR_TEMPLATE_CORRUPT'); }
    }
  });

  const isoSets = fvc2002IsoSetDirs().filter(isDirectory);
  it.skipIf(isoSets.length === 0)('on real FVC2002 ISO templates: equal scores to the MCC1 kernel, symmetric, genuine above impostor (skipped without ../shared/data)', () => {
    for (const dir of isoSets) {
      const enrolled = enrolSamples(simd, readIsoSamples(dir, 'fvc')).filter((e) => e.template !== null);
      const gallery = enrolled.map((e) => e.template!);
      const { compact, mcc1 } = bothForms(simd, gallery, gallery);
      let genuine = 0, impostor = 0, genuineCount = 0, impostorCount = 0, asymmetric = 0;
      compact.forEach((row, i) => row.forEach((v, j) => {
        expect(Object.is(v, mcc1[i][j])).toBe(true);
        if (v !== compact[j][i]) asymmetric++;
        if (i === j) return;
        if (enrolled[i].identity === enrolled[j].identity) { genuine += v; genuineCount++; } else { impostor += v; impostorCount++; }
      }));
      expect(asymmetric, dir).toBe(0); // the row template is chosen by content, not by argument order
      // measured when written: mean raw genuine 0.36–0.47, impostor 0.05–0.07
      expect(genuine / genuineCount, dir).toBeGreaterThan(3 * (impostor / impostorCount));
    }
  }, 60_000);
});
