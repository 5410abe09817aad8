import { describe, expect, it } from 'vitest';
import { computeErrorRates, impostorShareAtOrAbove } from '../bench/metrics.ts';
import { renderDetSvg } from '../bench/det-svg.ts';
import { EngineError } from '../engine/errors.ts';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const rates = (g: number[], i: number[]) => computeErrorRates(f64(g), f64(i));

/** Straight from the definitions, O(n²): the reference the fast version must agree with. */
function bruteForce(g: number[], im: number[]) {
  const ts = [...new Set([...g, ...im, Infinity])].sort((a, b) => a - b);
  const fnmr = ts.map((t) => g.filter((s) => s < t).length / g.length);
  const fmrCount = ts.map((t) => im.filter((s) => s >= t).length);
  const fmr = fmrCount.map((c) => c / im.length);
  const best = (ok: (c: number) => boolean) => Math.min(1, ...ts.map((_, k) => (ok(fmrCount[k]) ? fnmr[k] : 1)));
  const t1 = Math.max(...ts.map((_, k) => (fnmr[k] <= fmr[k] ? k : -1)));
  const t2cands = ts.map((_, k) => k).filter((k) => fnmr[k] >= fmr[k]);
  let eer: number;
  if (t2cands.length === 0 || fnmr[t1] + fmr[t1] <= fnmr[t2cands[0]] + fmr[t2cands[0]]) eer = (fnmr[t1] + fmr[t1]) / 2;
  else eer = (fnmr[t2cands[0]] + fmr[t2cands[0]]) / 2;
  return {
    eer,
    fmr100: best((c) => c / im.length <= 0.01),
    fmr1000: best((c) => c / im.length <= 0.001),
    zeroFmr: best((c) => c === 0),
  };
}

describe('computeErrorRates', () => {
  it('gives zero errors for fully separated distributions', () => {
    const r = rates([5, 6, 7], [1, 2, 3]);
    expect(r).toMatchObject({ genuine: 3, impostor: 3, eer: 0, fmr100: 0, fmr1000: 0, zeroFmr: 0 });
  });

  it('gives EER 0.5 for identical distributions (exact crossing)', () => {
    // Thresholds 1,2,3,4,∞: FNMR 0,¼,½,¾,1 and FMR 1,¾,½,¼,0 meet exactly at t = 3.
    expect(rates([1, 2, 3, 4], [1, 2, 3, 4]).eer).toBe(0.5);
    // Odd count: no exact crossing, both bounding pairs average to ½.
    expect(rates([1, 2, 3], [1, 2, 3]).eer).toBeCloseTo(0.5, 12);
  });

  it('gives EER 1 when every impostor outscores every genuine', () => {
    expect(rates([1, 2], [5, 6]).eer).toBe(1);
  });

  it('averages the tighter bounding pair when the curves do not meet', () => {
    // t: 1 2 3 4 5 6 8 ∞; FNMR 0 0 ¼ ¼ ½ ½ ¾ 1; FMR 1 ⅔ ⅔ ⅓ ⅓ 0 0 0.
    // t1 = 4 (¼ ≤ ⅓), t2 = 5 (½ ≥ ⅓); ¼+⅓ < ½+⅓ → EER = (¼ + ⅓) / 2 = 7/24.
    const r = rates([2, 4, 6, 8], [1, 3, 5]);
    expect(r.eer).toBeCloseTo(7 / 24, 12);
    // With 3 impostors, FMR ≤ 1 % means none accepted: first at t = 6, FNMR ½.
    expect(r.fmr100).toBe(0.5);
    expect(r.fmr1000).toBe(0.5);
    expect(r.zeroFmr).toBe(0.5);
  });

  it('finds FMR100, FMR1000 and ZeroFMR on constructed data, ties included', () => {
    const impostor = Array.from({ length: 1000 }, (_, i) => i); // 0..999
    const genuine = [
      ...Array(20).fill(500), // rejected at every useful threshold
      ...Array(10).fill(995), // accepted only at FMR 1 %
      ...Array(10).fill(999), // tied with the top impostor
      ...Array(60).fill(2000),
    ];
    const r = rates(genuine, impostor);
    expect(r.fmr100).toBeCloseTo(0.2, 12); // t = 990: 10 impostors ≥ t = 1 %
    expect(r.fmr1000).toBeCloseTo(0.3, 12); // t = 999: 1 impostor, the tied genuines pass
    expect(r.zeroFmr).toBeCloseTo(0.4, 12); // t must exceed 999, so the tied genuines fail
  });

  it('treats all-tied scores as one threshold', () => {
    const r = rates([1, 1, 1, 1], [1, 1, 1, 1]);
    expect(r.eer).toBe(0.5);
    expect(r.zeroFmr).toBe(1);
    expect(r.det).toEqual([
      { threshold: 1, fmr: 1, fnmr: 0 },
      { threshold: Infinity, fmr: 0, fnmr: 1 },
    ]);
  });

  it('counts -Infinity genuine scores (failures to enrol) as false non-matches', () => {
    // t: -∞ 1 2 3 5 6 7 ∞; FNMR 0 ¼ ¼ ¼ ¼ ½ ¾ 1; FMR 1 1 ⅔ ⅓ 0 0 0 0 → t1 = 3, t2 = 5, EER = ⅛.
    const r = rates([-Infinity, 5, 6, 7], [1, 2, 3]);
    expect(r.eer).toBeCloseTo(0.125, 12);
    expect(r.zeroFmr).toBe(0.25);
    expect(r.fmr100).toBe(0.25);
    expect(r.det[0]).toEqual({ threshold: -Infinity, fmr: 1, fnmr: 0 });
  });

  it('never counts -Infinity impostor scores as false matches above -Infinity', () => {
    const r = rates([2], [-Infinity, -Infinity, 1]);
    expect(r).toMatchObject({ eer: 0, zeroFmr: 0, fmr100: 0 });
  });

  it('reports 1 when +Infinity impostor scores make an FMR unreachable', () => {
    // FMR never drops below ⅓. t: 1 2 3 4 ∞; FNMR 0 0 0 ½ 1; FMR 1 ⅔ ⅓ ⅓ ⅓ → EER = ⅙.
    const r = rates([3, 4], [Infinity, 1, 2]);
    expect(r.zeroFmr).toBe(1);
    expect(r.fmr100).toBe(1);
    expect(r.eer).toBeCloseTo(1 / 6, 12);
    expect(r.det[r.det.length - 1]).toEqual({ threshold: Infinity, fmr: 1 / 3, fnmr: 1 });
    // Everything +Infinity: one operating point, still a number.
    expect(rates([Infinity], [Infinity]).eer).toBe(0.5);
  });

  it('agrees with a brute-force reference on random data with many ties and infinities', () => {
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 40; trial++) {
      const pick = (shift: number) => {
        const u = rnd();
        if (u < 0.03) return -Infinity;
        if (u < 0.04) return Infinity;
        return Math.round(rnd() * 20 + shift); // coarse integers: lots of ties
      };
      const g = Array.from({ length: 50 + trial * 7 }, () => pick(8));
      const im = Array.from({ length: 200 + trial * 30 }, () => pick(0));
      const fast = rates(g, im);
      const ref = bruteForce(g, im);
      expect(fast.eer).toBeCloseTo(ref.eer, 12);
      expect(fast.fmr100).toBeCloseTo(ref.fmr100, 12);
      expect(fast.fmr1000).toBeCloseTo(ref.fmr1000, 12);
      expect(fast.zeroFmr).toBeCloseTo(ref.zeroFmr, 12);
    }
  });

  it('reduces the DET curve to at most ~400 monotone points with both ends kept', () => {
    let s = 99;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const genuine = Float64Array.from({ length: 5000 }, () => rnd() * 60 + 20);
    const impostor = Float64Array.from({ length: 20000 }, () => rnd() * 50);
    const before = Float64Array.from(genuine);
    const r = computeErrorRates(genuine, impostor);
    expect(genuine).toEqual(before); // inputs are not sorted in place
    expect(r.det.length).toBeLessThanOrEqual(400);
    expect(r.det.length).toBeGreaterThan(100);
    expect(r.det[0]).toMatchObject({ fmr: 1, fnmr: 0 });
    expect(r.det[r.det.length - 1]).toMatchObject({ threshold: Infinity, fmr: 0, fnmr: 1 });
    for (let k = 1; k < r.det.length; k++) {
      expect(r.det[k].threshold).toBeGreaterThan(r.det[k - 1].threshold);
      expect(r.det[k].fmr).toBeLessThanOrEqual(r.det[k - 1].fmr);
      expect(r.det[k].fnmr).toBeGreaterThanOrEqual(r.det[k - 1].fnmr);
    }
  });

  it('rejects empty lists and NaN scores with stable codes', () => {
    expect(() => rates([], [1])).toThrow(expect.objectContaining({ code: 'ERR_METRICS_EMPTY' }));
    expect(() => rates([1], [])).toThrow(EngineError);
    expect(() => rates([1, NaN], [0])).toThrow(expect.objectContaining({ code: 'ERR_METRICS_NAN' }));
  });
});

describe('impostorShareAtOrAbove', () => {
  it('counts scores at or above the threshold', () => {
    const im = f64([-Infinity, 1, 2, 2, 3, Infinity]);
    expect(impostorShareAtOrAbove(im, 2)).toBe(4 / 6);
    expect(impostorShareAtOrAbove(im, -Infinity)).toBe(1);
    expect(impostorShareAtOrAbove(im, Infinity)).toBe(1 / 6);
    expect(impostorShareAtOrAbove(im, 3.5)).toBe(1 / 6);
    expect(() => impostorShareAtOrAbove(f64([]), 0)).toThrow(expect.objectContaining({ code: 'ERR_METRICS_EMPTY' }));
  });
});

describe('renderDetSvg', () => {
  it('renders a self-contained SVG with labels, legend and escaped text', () => {
    const a = rates([2, 4, 6, 8], [1, 3, 5]);
    const b = rates([5, 6, 7], [1, 2, 3]); // zeros: clamped to the axis floor
    const svg = renderDetSvg(
      [
        { label: 'matcher A', det: a.det },
        { label: 'B <fast> & "small"', det: b.det },
      ],
      'FVC2002 DB1_B all-pairs',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    for (const text of ['FVC2002 DB1_B all-pairs', 'matcher A', 'FMR', 'FNMR', 'EER', '0.01%', '0.1%', '1%', '100%']) {
      expect(svg).toContain(text);
    }
    expect(svg).toContain('B &#60;fast&#62; &#38; &#34;small&#34;');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });
});
