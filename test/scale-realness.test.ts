/**
 * The honest-figures helpers of issue 16: Wilson intervals, FNIR at FPIR, the penetration
 * choice on one half, AUC, the real-person grouping, and the version-2 generator (hand
 * chirality, capture stretch) staying a pure function of its seed.
 */
import { describe, expect, it } from 'vitest';
import { choosePenetration, fnirAtFpir, hitRate, wilson95, type RealSearch } from '../bench/identify-real-pool.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { auc, realHalf, realnessFigures } from '../datasets/scale-realness.ts';
import { defaultDataDir, loadFvc2002IsoSets } from '../datasets/planted-mates.ts';
import { REAL_FVC2002_SETS } from '../datasets/scale-real-sets.ts';
import { realPersons, type RealFinger } from '../datasets/scale-real-fingers.ts';
import { defaultScaleParams, scaleFingerMinutiae } from '../datasets/scale-gallery.ts';

const search = (needed: number): RealSearch => ({ person: 'p', composite: false, half: 'choose', impression: 2, neededPenetration: needed, mateFused: 0, bestNonMateFused: 0 });

describe('rates with intervals', () => {
  it('Wilson 95 % matches the textbook values and stays inside [0, 1]', () => {
    const [lo, hi] = wilson95(111, 112);
    expect(lo).toBeCloseTo(0.9512, 3);
    expect(hi).toBeCloseTo(0.9984, 3);
    expect(wilson95(0, 10)[0]).toBe(0);
    expect(wilson95(10, 10)[1]).toBeCloseTo(1, 12);
    expect(wilson95(0, 0)).toEqual([0, 1]);
  });

  it('FNIR at FPIR sets the threshold from the non-mated searches', () => {
    const nonMated = Array.from({ length: 100 }, (_, i) => i); // 0…99
    const mated = [50, 98.5, 99, 120, Number.NEGATIVE_INFINITY];
    const at1 = fnirAtFpir(mated, nonMated, 0.01); // one non-mated search (99) may reach it
    expect(at1.threshold).toBeGreaterThan(98);
    expect(at1.threshold).toBeLessThanOrEqual(98.5);
    expect(at1.fnir).toBeCloseTo(2 / 5); // 50 and −∞ miss
    const at01 = fnirAtFpir(mated, nonMated, 0.001); // none may reach it: above 99
    expect(at01.threshold).toBeGreaterThan(99);
    expect(at01.fnir).toBeCloseTo(4 / 5);
  });

  it('the penetration is the smallest grid value reaching the target on the given searches', () => {
    const searches = [...Array.from({ length: 99 }, () => search(0.001)), search(0.012)];
    expect(hitRate(searches, 0.005)).toBeCloseTo(0.99);
    expect(choosePenetration(searches, 0.99)).toBe(0.0025);
    expect(choosePenetration(searches, 1)).toBe(0.015);
    expect(choosePenetration([search(0.9)], 0.99)).toBe(0.05); // none reaches it: the largest
  });

  it('AUC is 1 for separated scores, 0.5 for identical ones', () => {
    expect(auc([3, 4], [1, 2])).toBe(1);
    expect(auc([1, 1], [1, 1])).toBe(0.5);
    expect(auc([1], [2])).toBe(0);
  });
});

describe('real persons', () => {
  const finger = (id: string, person: string | null, source: string): RealFinger => ({ id, person, source, hand: 'right', impressions: [] });
  it('keeps known persons whole and makes composites within one source', () => {
    const fingers = [
      finger('uareu/012_1', '012', 'u'), finger('uareu/012_2', '012', 'u'), finger('uareu/012_3', '012', 'u'),
      finger('uareu/013_1', '013', 'u'), finger('uareu/013_2', '013', 'u'),
      finger('fvc2002-iso/DB1_B/101', null, 'fvc DB1_B'), finger('fvc2002-iso/DB1_B/102', null, 'fvc DB1_B'), finger('fvc2002-iso/DB2_B/101', null, 'fvc DB2_B'),
    ];
    const persons = realPersons(fingers, 2);
    expect(persons.map((p) => p.fingers.map((f) => f.id))).toEqual([
      ['uareu/012_1', 'uareu/012_2'], ['uareu/013_1', 'uareu/013_2'], ['fvc2002-iso/DB1_B/101', 'fvc2002-iso/DB1_B/102'],
    ]);
    expect(persons.map((p) => p.composite)).toEqual([false, false, true]);
    expect(new Set(persons.map((p) => p.id)).size).toBe(3);
  });
});

describe('generator version 2', () => {
  it('is a pure function of the seed and the finger position, and both hands differ', () => {
    expect(scaleFingerMinutiae(42, defaultScaleParams(), 2)).toEqual(scaleFingerMinutiae(42, defaultScaleParams(), 2));
    const right = Array.from({ length: 50 }, (_, i) => scaleFingerMinutiae(i, defaultScaleParams(), 2));
    const left = Array.from({ length: 50 }, (_, i) => scaleFingerMinutiae(i, defaultScaleParams(), 7));
    expect(right).not.toEqual(left);
    for (const ms of [...right, ...left]) {
      for (const m of ms) {
        expect(m.x).toBeGreaterThanOrEqual(0);
        expect(m.x).toBeLessThan(300);
        expect(m.y).toBeGreaterThanOrEqual(0);
        expect(m.y).toBeLessThan(400);
      }
    }
  });
});

describe('realness figures on the real fingers', () => {
  const isoDir = join(defaultDataDir(), 'fingerprint', 'fvc2002-iso');
  if (existsSync(isoDir)) {
    it('ranks each real probe only against fingers of its position, on disjoint halves', () => {
      const sets = loadFvc2002IsoSets(defaultDataDir(), REAL_FVC2002_SETS);
      const fit = realHalf(sets, 'fit').flatMap((s) => s.fingers.map((f) => `${s.name}/${f.identity}`));
      const report = realHalf(sets, 'report').flatMap((s) => s.fingers.map((f) => `${s.name}/${f.identity}`));
      expect(fit).toHaveLength(18);
      expect(report).toHaveLength(12);
      expect(fit.filter((f) => report.includes(f))).toEqual([]);
      const f = realnessFigures(sets, { half: 'report', generated: 400, seed: 1, topP: 0.05, shareOnly: true });
      // 12 fingers × 8 impressions; each against the 5 other fingers of its position × 8 impressions
      expect(f.realProbes).toBe(96);
      expect(f.realNonMatePairs).toBe(96 * 40);
      expect(f.realNonMateTopShare).toBeGreaterThan(0);
      expect(f.realNonMateTopShare).toBeLessThan(0.5);
    }, 60_000);
  } else {
    it.skip(`skipped: ${isoDir} is absent (set BIODEDUP_DATA to the shared data folder)`, () => {});
  }
});
