/**
 * Stage 4b — lighting: first a gamma on the chip's levels (`gamma`, 0.6: the shadowed side of a
 * side-lit face lifted, highlights compressed), then the levels mapped linearly so the central
 * face region has the same gray mean and standard deviation for every capture (`normaliseMean`,
 * `normaliseStd`). Under-exposed, over-exposed and flat-lit faces then reach the network alike.
 * `localContrast` (CLAHE, clahe.ts) can run between the two; off, it cost accuracy.
 *
 * `lightingRegions: 'halves'` measures the left and right halves of the face region separately
 * and blends the two corrections linearly between the halves' centres, so a face lit from one
 * side (one cheek bright, the other in shadow) is evened out as well — the standard
 * preprocessing for side light (each half equalised on its own, blended across the middle), at
 * the cost of a few hundred thousand multiplications. 'face' is one correction for the whole face.
 */
import { chipFaceRegion, type AlignedFace } from './align.ts';
import { FACE_PARAMS } from './params.ts';
import { equaliseLocalContrast, type ClaheParams } from './clahe.ts';

/** The lighting step's parameters (from FACE_PARAMS.align, widened so a bench or test can try others). */
export interface LightingParams {
  readonly normaliseMean: number; readonly normaliseStd: number; readonly lightingRegions: 'face' | 'halves';
  readonly chipSize: number; readonly chipPadding: number;
  /** CLAHE of the chip before the linear mapping (null: off). */
  readonly localContrast: ClaheParams | null;
  /** Gamma applied to the chip's levels (v/255)^gamma before everything else; 1 = off, < 1 lifts shadows. */
  readonly gamma: number;
}

interface RegionStats { mean: number; std: number }

/** A copy of the chip with normalised levels (clamped to 0–255); when `normaliseStd` is 0 or the region is flat, the chip after the gamma and CLAHE steps only (itself when those are off too). */
export function normaliseLighting(input: AlignedFace, params: LightingParams = FACE_PARAMS.align): AlignedFace {
  const lifted = params.gamma === 1 ? input : { ...input, chip: applyGamma(input.chip, params.gamma) };
  const aligned = params.localContrast === null ? lifted : { ...lifted, chip: equaliseLocalContrast(lifted.chip, lifted.chipSize, params.localContrast) };
  if (!(params.normaliseStd > 0)) return aligned;
  const { chip, chipSize } = aligned;
  const [left, top, right, bottom] = chipFaceRegion(params);
  const whole = regionStats(chip, chipSize, left, top, right, bottom);
  if (whole.std < 1) return aligned;
  // Per column: the mean and s.d. to remove. One pair for 'face'; for 'halves', each half's own, blended between the halves' centres.
  let gainAt: (x: number) => number, meanAt: (x: number) => number;
  const middle = Math.round((left + right) / 2);
  // the halves are measured only when they are used
  const halves = params.lightingRegions === 'halves'
    ? [regionStats(chip, chipSize, left, top, middle, bottom), regionStats(chip, chipSize, middle, top, right, bottom)] as const
    : undefined;
  if (halves !== undefined && halves[0].std >= 1 && halves[1].std >= 1) {
    const [leftHalf, rightHalf] = halves;
    const from = (left + middle) / 2, to = (middle + right) / 2;
    const share = (x: number): number => Math.max(0, Math.min(1, (x - from) / (to - from)));
    meanAt = (x) => leftHalf.mean + share(x) * (rightHalf.mean - leftHalf.mean);
    gainAt = (x) => params.normaliseStd / (leftHalf.std + share(x) * (rightHalf.std - leftHalf.std));
  } else {
    meanAt = () => whole.mean;
    gainAt = () => params.normaliseStd / whole.std;
  }
  const out = new Float32Array(chip.length);
  for (let x = 0; x < chipSize; x++) {
    const mean = meanAt(x), gain = gainAt(x);
    for (let y = 0; y < chipSize; y++) {
      const o = (y * chipSize + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, (chip[o + c] - mean) * gain + params.normaliseMean));
    }
  }
  return { ...aligned, chip: out };
}

const GAMMA_STEPS = 1024;

/**
 * 255·(v/255)^gamma of every value (clamped to 0–255), through a table of GAMMA_STEPS + 1
 * entries with linear interpolation: one Math.pow per table entry instead of per value (the
 * chip has 67,500); the table's error is below 0.2 gray levels above level 1 for gamma ≥ 0.4 (test/face-photometry.test.ts).
 */
export function applyGamma(chip: Float32Array, gamma: number): Float32Array {
  if (!(gamma > 0) || !Number.isFinite(gamma)) throw new RangeError(`gamma must be a positive number, got ${gamma}`);
  const { table, slope } = gammaTable(gamma);
  const out = new Float32Array(chip.length);
  const toIndex = GAMMA_STEPS / 255;
  for (let k = 0; k < chip.length; k++) {
    let f = chip[k] * toIndex;
    if (!(f > 0)) f = 0; else if (f > GAMMA_STEPS) f = GAMMA_STEPS;
    const i = f | 0;
    out[k] = table[i] + (f - i) * slope[i];
  }
  return out;
}

let lastTable: { gamma: number; table: Float32Array; slope: Float32Array } | null = null;

/** The table (and each step's slope) for one gamma, kept for the next chip: the gamma is a constant of the pipeline. */
function gammaTable(gamma: number): { table: Float32Array; slope: Float32Array } {
  if (lastTable?.gamma === gamma) return lastTable;
  const table = new Float32Array(GAMMA_STEPS + 1), slope = new Float32Array(GAMMA_STEPS + 1);
  for (let i = 0; i <= GAMMA_STEPS; i++) table[i] = 255 * Math.pow(i / GAMMA_STEPS, gamma);
  for (let i = 0; i < GAMMA_STEPS; i++) slope[i] = table[i + 1] - table[i];
  lastTable = { gamma, table, slope };
  return lastTable;
}

/** Gray (BT.601) mean and s.d. of chip columns [x0, x1], rows [y0, y1]. */
function regionStats(chip: Float32Array, chipSize: number, x0: number, y0: number, x1: number, y1: number): RegionStats {
  let sum = 0, squares = 0, n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const o = (y * chipSize + x) * 3;
      const g = 0.299 * chip[o] + 0.587 * chip[o + 1] + 0.114 * chip[o + 2];
      sum += g; squares += g * g; n++;
    }
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)) };
}
