/** The optional photometric and alignment steps of the face pipeline: gamma (lighting.ts), CLAHE (clahe.ts), 5-point alignment (align.ts). */
import { describe, expect, it } from 'vitest';
import { alignFace, chipTemplatePoint, fitChipTransform } from '../engine/face/align.ts';
import { equaliseLocalContrast } from '../engine/face/clahe.ts';
import { applyGamma } from '../engine/face/lighting.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';

const SIDE = FACE_PARAMS.align.chipSize;

describe('gamma', () => {
  it('matches 255·(v/255)^gamma within 0.2 gray levels above level 1, and keeps 0 and 255', () => {
    const values = Float32Array.from({ length: 2551 }, (_, i) => i / 10);
    for (const gamma of [0.4, 0.6, 1.5]) {
      const out = applyGamma(values, gamma);
      for (let i = 0; i < values.length; i++) {
        if (values[i] >= 1) expect(Math.abs(out[i] - 255 * Math.pow(values[i] / 255, gamma))).toBeLessThan(0.2);
        if (i > 0) expect(out[i]).toBeGreaterThanOrEqual(out[i - 1]);
      }
      expect(out[0]).toBe(0);
      expect(out[values.length - 1]).toBeCloseTo(255, 4);
    }
  });

  it('lifts shadows more than highlights when gamma < 1, and refuses a non-positive gamma', () => {
    const [dark, bright] = applyGamma(Float32Array.of(40, 200), 0.6);
    expect(dark / 40).toBeGreaterThan(bright / 200);
    expect(() => applyGamma(Float32Array.of(1), 0)).toThrow(RangeError);
  });
});

describe('CLAHE', () => {
  /** Gray chip: left half dark and flat-lit (mean 50, texture ±8), right half bright (mean 190, texture ±30). */
  function sideLit(): Float32Array {
    const chip = new Float32Array(SIDE * SIDE * 3);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const t = Math.sin(x * 0.8) * Math.cos(y * 0.6);
        chip.fill(x < SIDE / 2 ? 50 + 8 * t : 190 + 30 * t, (y * SIDE + x) * 3, (y * SIDE + x) * 3 + 3);
      }
    }
    return chip;
  }
  const spread = (chip: Float32Array, x0: number, x1: number): number => {
    let lo = Infinity, hi = -Infinity;
    for (let y = 40; y < 110; y++) for (let x = x0; x < x1; x++) { lo = Math.min(lo, chip[(y * SIDE + x) * 3]); hi = Math.max(hi, chip[(y * SIDE + x) * 3]); }
    return hi - lo;
  };

  it('raises the local contrast of the dark side, keeps gray gray and stays within 0–255', () => {
    const chip = sideLit();
    const out = equaliseLocalContrast(chip, SIDE, { grid: 4, clipLimit: 2 });
    expect(spread(out, 10, 60)).toBeGreaterThan(1.5 * spread(chip, 10, 60));
    for (let k = 0; k < out.length; k += 3) {
      expect(out[k]).toBe(out[k + 1]);
      expect(out[k]).toBeGreaterThanOrEqual(0);
      expect(out[k]).toBeLessThanOrEqual(255);
    }
  });

  it('refuses parameters that cannot work', () => {
    expect(() => equaliseLocalContrast(sideLit(), SIDE, { grid: 0, clipLimit: 2 })).toThrow(RangeError);
    expect(() => equaliseLocalContrast(sideLit(), SIDE, { grid: 4, clipLimit: 1 })).toThrow(RangeError);
  });
});

describe('alignment points', () => {
  /** 68 landmarks placed exactly where a known similarity (scale 2, 10°, shift) puts dlib's mean shape; the jaw (0–16) far off, as it would be under a pose change. */
  function landmarks(): { points: Float32Array; a: number; b: number; tx: number; ty: number } {
    const angle = (10 * Math.PI) / 180, a = 2 * Math.cos(angle), b = 2 * Math.sin(angle), tx = 40, ty = -15;
    const points = new Float32Array(136);
    for (let i = 0; i < 17; i++) { points[2 * i] = 500 + i; points[2 * i + 1] = 500; }
    for (let i = 17; i < 68; i++) {
      const [u, v] = chipTemplatePoint(i);
      points[2 * i] = a * u - b * v + tx; points[2 * i + 1] = b * u + a * v + ty;
    }
    return { points, a, b, tx, ty };
  }

  it('both point sets recover an exact similarity', () => {
    const { points, a, b, tx, ty } = landmarks();
    for (const alignPoints of ['dlib51', 'eyes-nose5'] as const) {
      const t = fitChipTransform(points, { ...FACE_PARAMS.align, alignPoints });
      expect(t.a).toBeCloseTo(a, 4); expect(t.b).toBeCloseTo(b, 4); expect(t.tx).toBeCloseTo(tx, 2); expect(t.ty).toBeCloseTo(ty, 2);
    }
  });

  it("'eyes-nose5' ignores a moved mouth; 'dlib51' follows it", () => {
    const { points, a } = landmarks();
    for (let i = 48; i < 68; i++) points[2 * i + 1] += 12; // an open mouth
    const five = fitChipTransform(points, { ...FACE_PARAMS.align, alignPoints: 'eyes-nose5' });
    const all = fitChipTransform(points, { ...FACE_PARAMS.align, alignPoints: 'dlib51' });
    expect(five.a).toBeCloseTo(a, 4);
    expect(Math.abs(all.a - a)).toBeGreaterThan(0.01);
    const image = { width: 400, height: 400, data: new Uint8Array(400 * 400 * 3).fill(77) };
    expect(alignFace(image, points, { ...FACE_PARAMS.align, alignPoints: 'eyes-nose5' }).chip.length).toBe(SIDE * SIDE * 3);
  });
});
