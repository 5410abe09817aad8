/** Chip lighting normalisation (engine/face/lighting.ts): one correction for the face, or one per half blended across the middle. */
import { describe, expect, it } from 'vitest';
import { chipFaceRegion, type AlignedFace } from '../engine/face/align.ts';
import { normaliseLighting } from '../engine/face/lighting.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';

const SIDE = FACE_PARAMS.align.chipSize;

/** A 150-px gray chip lit from the image right: left half mean ≈ 60 with little contrast, right half ≈ 180 with more. */
function sideLitChip(): AlignedFace {
  const chip = new Float32Array(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const texture = Math.sin(x * 0.9) * Math.cos(y * 0.7);
      const v = x < SIDE / 2 ? 60 + 10 * texture : 180 + 40 * texture;
      chip.fill(v, (y * SIDE + x) * 3, (y * SIDE + x) * 3 + 3);
    }
  }
  return { chip, chipSize: SIDE, transform: { a: 1, b: 0, tx: 0, ty: 0 } };
}

function halfMeans(chip: Float32Array): [number, number] {
  const [left, top, right, bottom] = chipFaceRegion();
  const sums = [0, 0], counts = [0, 0];
  for (let y = top; y <= bottom; y++) {
    // Only the outer quarter of each side, past the blend between the halves' centres.
    for (let x = left; x <= right; x++) {
      const quarter = (right - left) / 4;
      const side = x < left + quarter ? 0 : x > right - quarter ? 1 : -1;
      if (side >= 0) { sums[side] += chip[(y * SIDE + x) * 3]; counts[side]++; }
    }
  }
  return [sums[0] / counts[0], sums[1] / counts[1]];
}

describe('chip lighting', () => {
  it("'face' keeps the two sides' difference; 'halves' brings both sides to the target mean", () => {
    const aligned = sideLitChip();
    const [faceLeft, faceRight] = halfMeans(normaliseLighting(aligned, { ...FACE_PARAMS.align, lightingRegions: 'face' }).chip);
    expect(faceRight - faceLeft).toBeGreaterThan(80);
    const [left, right] = halfMeans(normaliseLighting(aligned, { ...FACE_PARAMS.align, lightingRegions: 'halves' }).chip);
    expect(Math.abs(left - FACE_PARAMS.align.normaliseMean)).toBeLessThan(8);
    expect(Math.abs(right - FACE_PARAMS.align.normaliseMean)).toBeLessThan(8);
  });

  it('leaves the chip as it is when the steps are off or the face region is flat', () => {
    const aligned = sideLitChip();
    expect(normaliseLighting(aligned, { ...FACE_PARAMS.align, gamma: 1, normaliseStd: 0 })).toBe(aligned);
    const flat = { ...aligned, chip: new Float32Array(aligned.chip.length).fill(90) };
    expect(normaliseLighting(flat, { ...FACE_PARAMS.align, gamma: 1, lightingRegions: 'halves' })).toBe(flat);
    // With the gamma step on, a flat chip stays flat (at the lifted level) and the input is not modified.
    const lifted = normaliseLighting(flat, FACE_PARAMS.align).chip;
    expect(Math.max(...lifted) - Math.min(...lifted)).toBeLessThan(1e-3);
    expect(flat.chip[0]).toBe(90);
  });
});
