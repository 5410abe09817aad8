/**
 * The filter bank (matchers-wasm/iris/gabor.ts, log-Gabor quadrature pairs) on normalised
 * irises of known content: a pure wave around the ring has a known phase at every code
 * position, so every phase bit is known; brightness must not reach the code (no DC); an
 * occluded arc masks the positions whose window it covers.
 */
import { describe, expect, it } from 'vitest';
import { IrisMatcher } from '../engine/iris-matcher.ts';

const matcher = new IrisMatcher();
const ROWS = 32, COLUMNS = 256, CODE_ROWS = 8, ANGLES = 128;
const HEADER = 16, CODE_BYTES = (CODE_ROWS * 2 * ANGLES) / 8;

/** A sheet whose every row is mean + amplitude·cos(2π·j/wavelength + phase), j the column. */
function wave(mean: number, amplitude: number, wavelength: number, phase = 0): Float32Array {
  const gray = new Float32Array(ROWS * COLUMNS);
  for (let i = 0; i < ROWS; i++) {
    for (let j = 0; j < COLUMNS; j++) gray[i * COLUMNS + j] = mean + amplitude * Math.cos((2 * Math.PI * j) / wavelength + phase);
  }
  return gray;
}

const bit = (bytes: Uint8Array, offset: number, i: number): number => (bytes[offset + (i >> 3)] >> (i & 7)) & 1;
/** Bit of code position a, band row, phase p (0 even, 1 odd): angle-major, as layout.ts. */
const index = (a: number, row: number, p: number): number => a * CODE_ROWS * 2 + row * 2 + p;

describe('iris filter bank (log-Gabor quadrature pairs)', () => {
  it('codes a ring wave at its peak wavelength as its phase quadrant at every position', () => {
    // a code position a is centred on column 2a, where the wave's phase is θ = 2π·2a/16 = πa/4;
    // the even filter answers cos θ, the odd one −sin θ (its kernel is sin, the wave's is cos)
    const t = matcher.templateFromNormalised(wave(120, 20, 16), new Uint8Array(ROWS * COLUMNS).fill(1));
    expect(t.usableBitShare).toBe(1);
    let checked = 0;
    for (let a = 1; a < ANGLES; a += 2) { // odd a: θ an odd multiple of 45°, neither response near 0
      const theta = (Math.PI * a) / 4;
      for (let row = 0; row < CODE_ROWS; row++) {
        expect(bit(t.bytes, HEADER, index(a, row, 0)), `even bit, position ${a}`).toBe(Math.cos(theta) > 0 ? 1 : 0);
        expect(bit(t.bytes, HEADER, index(a, row, 1)), `odd bit, position ${a}`).toBe(Math.sin(theta) < 0 ? 1 : 0);
        checked += 2;
      }
    }
    expect(checked).toBe(1024);
  });

  it('gives the same code whatever the brightness (no DC), and the opposite code half a wavelength on', () => {
    const all = new Uint8Array(ROWS * COLUMNS).fill(1);
    const dark = matcher.templateFromNormalised(wave(50, 15, 16), all).bytes;
    const bright = matcher.templateFromNormalised(wave(190, 15, 16), all).bytes;
    const opposite = matcher.templateFromNormalised(wave(120, 15, 16, Math.PI), all).bytes;
    let differing = 0, flipped = 0, compared = 0;
    for (let a = 1; a < ANGLES; a += 2) {
      for (let row = 0; row < CODE_ROWS; row++) {
        for (let p = 0; p < 2; p++) {
          const i = index(a, row, p);
          differing += bit(dark, HEADER, i) ^ bit(bright, HEADER, i);
          flipped += bit(dark, HEADER, i) ^ bit(opposite, HEADER, i);
          compared++;
        }
      }
    }
    expect(differing).toBe(0);
    expect(flipped).toBe(compared);
  });

  it('masks the positions whose filter window an occluded arc covers, and only near it', () => {
    // columns 96–159 (angles 135°–225°, code positions 48–79) occluded in every row
    const usable = new Uint8Array(ROWS * COLUMNS).fill(1);
    for (let i = 0; i < ROWS; i++) for (let j = 96; j < 160; j++) usable[i * COLUMNS + j] = 0;
    const t = matcher.templateFromNormalised(wave(120, 20, 16), usable);
    const maskAt = (a: number): number => bit(t.bytes, HEADER + CODE_BYTES, index(a, 0, 0));
    for (let a = 50; a <= 77; a++) expect(maskAt(a), `position ${a}, inside the arc`).toBe(0);
    for (const a of [0, 10, 20, 30, 100, 110, 120]) expect(maskAt(a), `position ${a}, far from the arc`).toBe(1);
    expect(t.usableBitShare).toBeGreaterThan(0.7);
    expect(t.usableBitShare).toBeLessThan(0.8);
  });
});
