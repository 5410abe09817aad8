/**
 * The code's degrees of freedom (matchers-wasm/iris/code-freedom.ts): a code whose bits are
 * correlated (a texture repeating around the ring and across the bands) carries a smaller
 * weight in its header than one of independent texture, and a comparison's distance from
 * chance is scaled by the two weights — Daugman's normalisation with independent bits counted
 * instead of bits.
 */
import { describe, expect, it } from 'vitest';
import { ALL_USABLE, SHEET_COLUMNS, SHEET_ROWS, noiseSheet } from './support/iris-sheets.ts';
import { IrisMatcher } from '../engine/iris-matcher.ts';

const matcher = new IrisMatcher();
const weightOf = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset).getFloat32(12, true);


/** The same row in every band: a ring wave (every band's bits equal, and periodic). */
function stripes(wavelength: number): Float32Array {
  const gray = new Float32Array(SHEET_ROWS * SHEET_COLUMNS);
  for (let i = 0; i < SHEET_ROWS; i++) for (let j = 0; j < SHEET_COLUMNS; j++) gray[i * SHEET_COLUMNS + j] = 120 + 20 * Math.cos((2 * Math.PI * j) / wavelength);
  return gray;
}

describe('iris code degrees of freedom', () => {
  it('weighs a code of correlated bits below one of independent texture', () => {
    const free = [1, 2, 3].map((s) => weightOf(matcher.templateFromNormalised(noiseSheet(s), ALL_USABLE).bytes));
    const correlated = weightOf(matcher.templateFromNormalised(stripes(16), ALL_USABLE).bytes);
    for (const w of free) {
      expect(w).toBeGreaterThan(0.8); // independent bands: only the filter's own span correlates bits
      expect(w).toBeLessThan(1.4);
    }
    expect(correlated).toBeLessThan(0.75); // 16 bands alike and a period of 8 positions
    expect(correlated).toBeLessThan(Math.min(...free) - 0.2);
  });

  it('scales the distance from chance by the two weights, as explain reports', () => {
    const a = matcher.templateFromNormalised(noiseSheet(11), ALL_USABLE);
    const b = matcher.templateFromNormalised(noiseSheet(12), ALL_USABLE);
    const e = matcher.explain(a, b);
    expect(e.freedomWeight).toBeCloseTo(weightOf(a.bytes) * weightOf(b.bytes), 5);
    // raw = 0.5 + (0.5 − HDnorm)·w_a·w_b (hamming.ts), HDnorm after the local shift tolerance
    const expected = 0.5 + (0.5 - e.normalisedDistance) * e.freedomWeight;
    expect(e.rawScore).toBeCloseTo(Math.min(1, Math.max(0, expected)), 5);
    // for unrelated codes the tolerance moves HDnorm little from the best rotation's,
    // 0.5 − (0.5 − HD)·√(n / 1400) (NORM_BITS 1400)
    const rigid = 0.5 - (0.5 - e.hammingDistance) * Math.sqrt(e.bitsCompared / 1400);
    expect(Math.abs(e.normalisedDistance - rigid)).toBeLessThan(0.05);
  });

  it('gives an exact match of correlated codes less evidence than one of independent codes', () => {
    const freeCode = matcher.templateFromNormalised(noiseSheet(21), ALL_USABLE);
    const stripedCode = matcher.templateFromNormalised(stripes(16), ALL_USABLE);
    expect(matcher.compareRaw(stripedCode, stripedCode)).toBeLessThan(matcher.compareRaw(freeCode, freeCode) - 0.1);
  });
});
