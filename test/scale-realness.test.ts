/**
 * The honest-figures helpers of issue 16: Wilson intervals, FNIR at FPIR, the penetration
 * choice on one half, AUC, the bootstrap over probe fingers, the real-person grouping, and the
 * version-3 generator (sensor profiles, broken ridges, hand chirality) staying a pure function of
 * its seed.
 */
import { describe, expect, it } from 'vitest';
import { choosePenetration, fnirAtFpir, hitRate, wilson95, type RealSearch } from '../bench/identify-real-pool.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { auc, bootstrapOverFingers, realHalf, realnessFigures } from '../datasets/scale-realness.ts';
import { defaultDataDir, loadFvc2002IsoSets } from '../datasets/planted-mates.ts';
import { REAL_FVC2002_SETS } from '../datasets/scale-real-sets.ts';
import { realPersons, type RealFinger } from '../datasets/scale-real-fingers.ts';
import { SCALE_GENERATOR_VERSION, defaultScaleParams, scaleFingerMinutiae } from '../datasets/scale-gallery.ts';

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

describe('bootstrap over probe fingers', () => {
  it('is degenerate when every finger has the same share, and holds the pooled share otherwise', () => {
    expect(bootstrapOverFingers(Array.from({ length: 12 }, () => ({ inTop: 2, pairs: 40 })), 1)).toEqual([0.05, 0.05]);
    const fingers = [0, 0, 1, 2, 2, 3, 4, 7].map((inTop) => ({ inTop, pairs: 40 }));
    const [lo, hi] = bootstrapOverFingers(fingers, 1);
    const pooled = 19 / 320;
    expect(lo).toBeLessThan(pooled);
    expect(hi).toBeGreaterThan(pooled);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(7 / 40);
    // fewer fingers, wider interval
    const [lo4, hi4] = bootstrapOverFingers(fingers.slice(0, 4).concat(fingers.slice(6)), 1);
    expect(hi4 - lo4).toBeGreaterThan(0);
  });
});

describe('generator version 3', () => {
  it('is version 3, so stores built by version 2 are rebuilt', () => {
    expect(SCALE_GENERATOR_VERSION).toBe(3);
  });

  it('draws each finger from one of the three real sensors\' profiles (counts in their order)', () => {
    const base = defaultScaleParams();
    expect(base.SENSOR_PROFILES.map((s) => s.name)).toEqual(['DB1', 'DB2', 'DB3']);
    const meanCount = (profile: number) => {
      const p = { ...base, SENSOR_PROFILES: [base.SENSOR_PROFILES[profile]] };
      const counts = Array.from({ length: 200 }, (_, i) => scaleFingerMinutiae(i, p, 2).length);
      return counts.reduce((a, b) => a + b, 0) / counts.length;
    };
    const [db1, db2, db3] = [0, 1, 2].map(meanCount);
    // fit half of fvc2002-iso: 31.8, 41.8, 26.3 minutiae per template
    expect(db2).toBeGreaterThan(db1 + 5);
    expect(db1).toBeGreaterThan(db3 + 3);
  });

  it('places broken-ridge partners facing their minutia', () => {
    const p = { ...defaultScaleParams(), BROKEN_RIDGE_SHARE: 1, CLOSE_PAIR_SHARE: 0, DIRECTION_NOISE: [0, 0] as const, DIRECTION_OUTLIER_SHARE: [0, 0] as const, SENSOR_PROFILES: [{ ...defaultScaleParams().SENSOR_PROFILES[0], stretch: [1, 1] as const }] };
    const ms = scaleFingerMinutiae(7, p, 2);
    expect(ms.length).toBeGreaterThan(5);
    // every minutia after the first faces an earlier one: some earlier minutia lies ahead of it, pointing back
    let facing = 0;
    ms.slice(1).forEach((m, i) => {
      const ahead = ms.slice(0, i + 1).some((o) => {
        const dx = o.x - m.x, dy = m.y - o.y, d = Math.hypot(dx, dy);
        return d > 4 && d < 30 && Math.cos(Math.atan2(dy, dx) - m.angle) > 0.9 && Math.cos(o.angle - m.angle) < -0.9;
      });
      if (ahead) facing++;
    });
    expect(facing / (ms.length - 1)).toBeGreaterThan(0.9);
  });

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
