/**
 * The enrolment quality gate: one rule set for every door and format, applied before a finger
 * template is made. Two checks:
 *
 * - minutiae (every source: an ISO/ANSI record sent as is, or what the extractor found in an
 *   image): enough of them, not absurdly many, at enough distinct points, spread over a finger —
 *   so a record with 0, 3 or 255-at-one-point minutiae cannot become a template (and a UIN);
 * - images (before extraction): the decoded pixels must look like ridges — blocks of parallel
 *   lines whose direction varies smoothly. A corrupt file that still decodes (a bit-flipped
 *   JPEG 2000) gives noise or wavelet debris, not an orientation field, and is refused.
 *
 * Failure is a QualityGateError: code ERR_QUALITY_TOO_LOW for minutiae (a readable sample too
 * poor to enrol, as the extractor's own failure to enrol) or ERR_IMAGE_IMPLAUSIBLE for an image
 * without ridge structure (corrupt data), with a stable `reason`. Constants: quality-gate-params.ts.
 */
import { EngineError } from './errors.ts';
import type { GrayImage } from './images/gray-image.ts';
import type { Minutia } from './minutiae.ts';
import { QUALITY_GATE } from './quality-gate-params.ts';

export type QualityGateReason =
  | 'too-few-minutiae' | 'too-many-minutiae' | 'stacked-minutiae' | 'clustered-minutiae' | 'minutiae-out-of-range'
  | 'no-ridge-structure';

export class QualityGateError extends EngineError {
  readonly reason: QualityGateReason;
  constructor(code: 'ERR_QUALITY_TOO_LOW' | 'ERR_IMAGE_IMPLAUSIBLE', reason: QualityGateReason, message: string) {
    super(code, message);
    this.name = 'QualityGateError';
    this.reason = reason;
  }
}

export interface MinutiaeSpread {
  readonly count: number;
  /** Points after merging minutiae closer than `samePointMm`. */
  readonly distinctPoints: number;
  /** RMS distance of the minutiae from their centroid, mm. */
  readonly rmsRadiusMm: number;
}

export function minutiaeSpread(minutiae: readonly Minutia[], pxPerCm: number): MinutiaeSpread {
  const mmPerPx = 10 / (pxPerCm > 0 ? pxPerCm : QUALITY_GATE.defaultPxPerCm);
  const same = QUALITY_GATE.samePointMm / mmPerPx;
  const points: Array<[number, number]> = [];
  let cx = 0, cy = 0;
  for (const m of minutiae) {
    cx += m.x;
    cy += m.y;
    if (!points.some(([x, y]) => Math.hypot(x - m.x, y - m.y) < same)) points.push([m.x, m.y]);
  }
  const n = minutiae.length;
  if (n === 0) return { count: 0, distinctPoints: 0, rmsRadiusMm: 0 };
  cx /= n;
  cy /= n;
  let sum = 0;
  for (const m of minutiae) sum += (m.x - cx) ** 2 + (m.y - cy) ** 2;
  return { count: n, distinctPoints: points.length, rmsRadiusMm: Math.sqrt(sum / n) * mmPerPx };
}

/** Throws QualityGateError (ERR_QUALITY_TOO_LOW) unless the minutiae can make a trustworthy template. */
export function checkFingerMinutiae(minutiae: readonly Minutia[], pxPerCm: number): MinutiaeSpread {
  const g = QUALITY_GATE;
  const refuse = (reason: QualityGateReason, why: string): never => {
    throw new QualityGateError('ERR_QUALITY_TOO_LOW', reason, `fingerprint refused by the quality gate: ${why}`);
  };
  if (minutiae.length < g.minMinutiae) refuse('too-few-minutiae', `${minutiae.length} minutiae, at least ${g.minMinutiae} needed`);
  if (minutiae.length > g.maxMinutiae) refuse('too-many-minutiae', `${minutiae.length} minutiae, a finger has at most ${g.maxMinutiae}`);
  for (const m of minutiae) {
    if (!(Number.isFinite(m.x) && Number.isFinite(m.y) && Number.isFinite(m.angle))) refuse('minutiae-out-of-range', 'a minutia has a non-finite coordinate');
  }
  const spread = minutiaeSpread(minutiae, pxPerCm);
  if (spread.distinctPoints < g.minDistinctPoints) {
    refuse('stacked-minutiae', `${minutiae.length} minutiae at only ${spread.distinctPoints} distinct points (at least ${g.minDistinctPoints} needed)`);
  }
  if (spread.rmsRadiusMm < g.minSpreadMm) {
    refuse('clustered-minutiae', `minutiae spread over ${spread.rmsRadiusMm.toFixed(2)} mm RMS, a finger spreads over at least ${g.minSpreadMm} mm`);
  }
  return spread;
}

export interface RidgeStructure {
  /** Blocks with enough contrast to be finger (count). */
  readonly foregroundBlocks: number;
  /** Foreground blocks with coherent (parallel-line) gradients (count). */
  readonly ridgeBlocks: number;
  /** Foreground blocks of strong contrast without a direction (dots, checkerboards: decoder debris), count. */
  readonly disorderedBlocks: number;
  /** ridgeBlocks / foregroundBlocks (0 when there is no foreground). */
  readonly ridgeShare: number;
  /** Mean cos(2·Δθ) between neighbouring ridge blocks (−1–1; 0 when none are neighbours). */
  readonly continuity: number;
  /** |mean of e^(2iθ)| over the ridge blocks (0–1): 1 when every block has one direction (stripes), low for a finger's loops and whorls. */
  readonly concentration: number;
}

/** Block orientation field statistics of a gray image (the image gate's measures). */
export function ridgeStructure(image: GrayImage, dpi = 500): RidgeStructure {
  const g = QUALITY_GATE;
  const { width, height, pixels } = image;
  const side = Math.max(4, Math.round(g.blockPx * dpi / 500));
  const bw = Math.floor(width / side), bh = Math.floor(height / side);
  const theta = new Float64Array(bw * bh).fill(NaN);
  let foreground = 0, ridges = 0, disordered = 0;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let s = 0, s2 = 0, gxx = 0, gyy = 0, gxy = 0, n = 0;
      for (let y = by * side; y < (by + 1) * side; y++) {
        for (let x = bx * side; x < (bx + 1) * side; x++) {
          const v = pixels[y * width + x];
          s += v;
          s2 += v * v;
          n++;
          if (x === 0 || y === 0 || x === width - 1 || y === height - 1) continue;
          const dx = pixels[y * width + x + 1] - pixels[y * width + x - 1];
          const dy = pixels[(y + 1) * width + x] - pixels[(y - 1) * width + x];
          gxx += dx * dx;
          gyy += dy * dy;
          gxy += dx * dy;
        }
      }
      const std = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
      if (std < g.foregroundStdDev) continue;
      foreground++;
      const coherence = Math.sqrt((gxx - gyy) ** 2 + 4 * gxy * gxy) / (gxx + gyy + 1e-9);
      if (coherence < g.coherentBlock) {
        if (std >= g.disorderedStdDev) disordered++;
        continue;
      }
      ridges++;
      theta[by * bw + bx] = 0.5 * Math.atan2(2 * gxy, gxx - gyy);
    }
  }
  let sum = 0, pairs = 0;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const a = theta[by * bw + bx];
      if (Number.isNaN(a)) continue;
      for (const b of [bx + 1 < bw ? theta[by * bw + bx + 1] : NaN, by + 1 < bh ? theta[(by + 1) * bw + bx] : NaN]) {
        if (Number.isNaN(b)) continue;
        sum += Math.cos(2 * (a - b));
        pairs++;
      }
    }
  }
  return {
    foregroundBlocks: foreground, ridgeBlocks: ridges, disorderedBlocks: disordered, ridgeShare: foreground === 0 ? 0 : ridges / foreground,
    continuity: pairs === 0 ? 0 : sum / pairs, concentration: concentration(theta),
  };
}

function concentration(theta: Float64Array): number {
  let c = 0, s = 0, n = 0;
  for (const t of theta) {
    if (Number.isNaN(t)) continue;
    c += Math.cos(2 * t);
    s += Math.sin(2 * t);
    n++;
  }
  return n === 0 ? 1 : Math.hypot(c, s) / n;
}

export interface FingerSample {
  readonly minutiae: readonly Minutia[];
  /** The minutiae's resolution, px/cm. */
  readonly pxPerCm: number;
  /** The decoded image the minutiae were extracted from, when there was one. */
  readonly image?: GrayImage;
  /** The image's resolution, dpi (default 500). */
  readonly dpi?: number;
}

/** The whole gate for one finger sample: the image (when there is one), then the minutiae. Every door calls this before making a template. */
export function checkFingerSample(sample: FingerSample): void {
  if (sample.image !== undefined) checkFingerImage(sample.image, sample.dpi ?? 500);
  checkFingerMinutiae(sample.minutiae, sample.pxPerCm);
}

/** Throws QualityGateError (ERR_IMAGE_IMPLAUSIBLE) unless the decoded image shows a finger's ridge pattern. */
export function checkFingerImage(image: GrayImage, dpi = 500): RidgeStructure {
  const g = QUALITY_GATE;
  const r = ridgeStructure(image, dpi);
  if (r.ridgeBlocks < g.minRidgeBlocks || r.ridgeShare < g.minRidgeShare || r.continuity < g.minContinuity || r.concentration > g.maxConcentration
    || r.disorderedBlocks > g.maxDisorderedShare * r.foregroundBlocks) {
    throw new QualityGateError('ERR_IMAGE_IMPLAUSIBLE', 'no-ridge-structure',
      `the image shows no fingerprint ridge pattern (${r.ridgeBlocks} ridge blocks, ${(100 * r.ridgeShare).toFixed(0)} % of the foreground, `
      + `${r.disorderedBlocks} directionless, orientation continuity ${r.continuity.toFixed(2)}, concentration ${r.concentration.toFixed(2)}): corrupt or not a finger`);
  }
  return r;
}
