// Stage 5: the filter bank and phase quantisation (Daugman). Each code row is a radial band
// of the sheet, averaged over its usable samples; along the ring (wrapping around) it is
// filtered by a quadrature pair of 1-D filters per scale — log-Gabor by default (LOG_GABOR:
// defined on frequencies, no DC), else Gabor (even cos made zero-mean so the band's
// brightness cancels, odd sin) — and the signs of the two responses are the two bits of a
// code position. A position is masked when too much of its filter window
// is occluded, and (optionally) when a response is too weak for its sign to be stable.
import { sheet } from './rubber-sheet';
import { usable } from './occlusion';
import { BITS_PER_ANGLE, CODE_BYTES, codeOffset, maskOffset } from './layout';
import {
  NORM_RADIAL, NORM_ANGULAR, CODE_ROWS, CODE_ANGLES, GABOR_SCALES, GABOR_WAVELENGTH_0, GABOR_WAVELENGTH_1,
  GABOR_SIGMA_SHARE, MAX_MASKED_WINDOW_SHARE, FRAGILE_SHARE, BAND_DETREND_SIGMA, LOG_GABOR, LOG_GABOR_BANDWIDTH,
  LOG_GABOR_TAIL,
} from './params';

if (NORM_RADIAL % CODE_ROWS != 0 || NORM_ANGULAR % CODE_ANGLES != 0) ERROR('code rows and angles must divide the sheet');
if (GABOR_SCALES < 1 || GABOR_SCALES > 2) ERROR('the filter bank is written for one or two scales');

/** Half-width of the widest kernel, sheet samples (3σ). */
const MAX_HALF: i32 = LOG_GABOR ? NORM_ANGULAR / 2 - 1 : <i32>(3.0 * GABOR_SIGMA_SHARE * (GABOR_SCALES > 1 ? max(GABOR_WAVELENGTH_0, GABOR_WAVELENGTH_1) : GABOR_WAVELENGTH_0)) + 1;
if ((NORM_ANGULAR & (NORM_ANGULAR - 1)) != 0 || 2 * MAX_HALF >= NORM_ANGULAR) ERROR('NORM_ANGULAR must be a power of two wider than the filters');
const KERNEL_LENGTH: i32 = 2 * MAX_HALF + 1;
const evenKernels = new StaticArray<f32>(GABOR_SCALES * KERNEL_LENGTH);
const oddKernels = new StaticArray<f32>(GABOR_SCALES * KERNEL_LENGTH);
const envelopes = new StaticArray<f32>(GABOR_SCALES * KERNEL_LENGTH);
const halves = new StaticArray<i32>(GABOR_SCALES);

/** One band: mean gray of its usable samples, and their share, per sheet column. */
const band = new StaticArray<f32>(NORM_ANGULAR);
const bandWeight = new StaticArray<f32>(NORM_ANGULAR);
const evenResponse = new StaticArray<f32>(CODE_ANGLES);
const oddResponse = new StaticArray<f32>(CODE_ANGLES);
const positionUsable = new StaticArray<u8>(CODE_ANGLES);
const smoothBand = new StaticArray<f32>(NORM_ANGULAR);
const detrendKernel = new StaticArray<f32>(NORM_ANGULAR);

export function initFilters(): void {
  if (LOG_GABOR) { initLogGabors(); return; }
  for (let s = 0; s < GABOR_SCALES; s++) {
    const wavelength = s == 0 ? GABOR_WAVELENGTH_0 : GABOR_WAVELENGTH_1;
    const sigma = GABOR_SIGMA_SHARE * wavelength;
    const half = min(MAX_HALF, <i32>(3.0 * sigma) + 1);
    unchecked(halves[s] = half);
    let envelopeSum: f32 = 0, evenSum: f32 = 0;
    for (let t = -half; t <= half; t++) {
      const g = Mathf.exp(-<f32>(t * t) / (2 * sigma * sigma));
      const phase = <f32>(2.0 * Math.PI) * <f32>t / wavelength;
      unchecked(envelopes[s * KERNEL_LENGTH + t + MAX_HALF] = g);
      unchecked(evenKernels[s * KERNEL_LENGTH + t + MAX_HALF] = g * Mathf.cos(phase));
      unchecked(oddKernels[s * KERNEL_LENGTH + t + MAX_HALF] = g * Mathf.sin(phase));
      envelopeSum += g;
      evenSum += g * Mathf.cos(phase);
    }
    // zero-mean even kernel: subtract the envelope scaled to the kernel's DC
    for (let t = -half; t <= half; t++) {
      const k = s * KERNEL_LENGTH + t + MAX_HALF;
      unchecked(evenKernels[k] = evenKernels[k] - envelopes[k] * evenSum / envelopeSum);
      unchecked(envelopes[k] = envelopes[k] / envelopeSum);
    }
  }
}

/**
 * Log-Gabor quadrature pairs (Field 1987): the filter is defined on the ring's frequencies,
 * G(k) = exp(−ln²(k/k0) / (2·ln² LOG_GABOR_BANDWIDTH)) for k > 0 and 0 otherwise, so it has no
 * DC at any bandwidth and a longer high-frequency tail than a Gabor of the same wavelength. Its
 * inverse DFT over the ring is the analytic kernel: real part even, imaginary part odd. The
 * kernel is cut where its magnitude stays below LOG_GABOR_TAIL of the peak; the magnitude,
 * normalised, is the window whose occluded share masks a position.
 */
function initLogGabors(): void {
  const n = NORM_ANGULAR;
  for (let s = 0; s < GABOR_SCALES; s++) {
    const wavelength = s == 0 ? GABOR_WAVELENGTH_0 : GABOR_WAVELENGTH_1;
    const k0: f64 = <f64>n / <f64>wavelength;
    const spread: f64 = Math.log(<f64>LOG_GABOR_BANDWIDTH);
    let peak: f64 = 0;
    let half = 0;
    for (let t = 0; t <= MAX_HALF; t++) {
      let re: f64 = 0, im: f64 = 0;
      for (let k = 1; k < n / 2; k++) {
        const l = Math.log(<f64>k / k0);
        const g = Math.exp(-(l * l) / (2 * spread * spread));
        const phase = 2.0 * Math.PI * <f64>(k * t) / <f64>n;
        re += g * Math.cos(phase);
        im += g * Math.sin(phase);
      }
      // the kernel is even/odd in t: one side computed, both written
      const magnitude = Math.sqrt(re * re + im * im);
      if (t == 0) peak = magnitude;
      if (magnitude >= <f64>LOG_GABOR_TAIL * peak) half = t;
      unchecked(evenKernels[s * KERNEL_LENGTH + MAX_HALF + t] = <f32>re);
      unchecked(evenKernels[s * KERNEL_LENGTH + MAX_HALF - t] = <f32>re);
      unchecked(oddKernels[s * KERNEL_LENGTH + MAX_HALF + t] = <f32>im);
      unchecked(oddKernels[s * KERNEL_LENGTH + MAX_HALF - t] = <f32>-im);
      unchecked(envelopes[s * KERNEL_LENGTH + MAX_HALF + t] = <f32>magnitude);
      unchecked(envelopes[s * KERNEL_LENGTH + MAX_HALF - t] = <f32>magnitude);
    }
    unchecked(halves[s] = half);
    let envelopeSum: f32 = 0, evenSum: f32 = 0;
    for (let t = -half; t <= half; t++) {
      envelopeSum += unchecked(envelopes[s * KERNEL_LENGTH + MAX_HALF + t]);
      evenSum += unchecked(evenKernels[s * KERNEL_LENGTH + MAX_HALF + t]);
    }
    // the cut leaves a little DC: the band's brightness must still cancel
    for (let t = -half; t <= half; t++) {
      const k = s * KERNEL_LENGTH + MAX_HALF + t;
      unchecked(evenKernels[k] = evenKernels[k] - envelopes[k] * evenSum / envelopeSum);
      unchecked(envelopes[k] = envelopes[k] / envelopeSum);
    }
  }
}

/** Writes code and mask into the template at `out`; returns the number of usable code bits. */
export function encode(out: usize): i32 {
  memory.fill(out + <usize>codeOffset(), 0, <usize>(2 * CODE_BYTES));
  let usableBits = 0;
  const rowsPerBand = NORM_RADIAL / CODE_ROWS;
  for (let row = 0; row < CODE_ROWS; row++) {
    averageBand(row * rowsPerBand, rowsPerBand);
    for (let s = 0; s < GABOR_SCALES; s++) {
      filterBand(s);
      const threshold = fragileThreshold();
      for (let a = 0; a < CODE_ANGLES; a++) {
        const bit = a * BITS_PER_ANGLE + (s * CODE_ROWS + row) * 2;
        const even = unchecked(evenResponse[a]), odd = unchecked(oddResponse[a]);
        const ok = unchecked(positionUsable[a]) != 0;
        if (even > 0) setBit(out + <usize>codeOffset(), bit);
        if (odd > 0) setBit(out + <usize>codeOffset(), bit + 1);
        if (ok && Mathf.abs(even) >= threshold) { setBit(out + <usize>maskOffset(), bit); usableBits++; }
        if (ok && Mathf.abs(odd) >= threshold) { setBit(out + <usize>maskOffset(), bit + 1); usableBits++; }
      }
    }
  }
  return usableBits;
}

// @ts-ignore: decorator
@inline function setBit(base: usize, bit: i32): void {
  const p = base + <usize>(bit >> 3);
  store<u8>(p, load<u8>(p) | <u8>(<u32>1 << <u32>(bit & 7)));
}

/** band ← per column, the mean of the usable samples of sheet rows [first, first + count);
 *  columns with none take the band's overall mean (so they add no edge to the filters). */
function averageBand(first: i32, count: i32): void {
  let total: f32 = 0, totalCount = 0;
  for (let j = 0; j < NORM_ANGULAR; j++) {
    let sum: f32 = 0, n = 0;
    for (let i = first; i < first + count; i++) {
      const k = i * NORM_ANGULAR + j;
      if (unchecked(usable[k]) != 0) { sum += unchecked(sheet[k]); n++; }
    }
    unchecked(band[j] = n > 0 ? sum / <f32>n : -1);
    unchecked(bandWeight[j] = <f32>n / <f32>count);
    total += sum;
    totalCount += n;
  }
  const fill: f32 = totalCount > 0 ? total / <f32>totalCount : 0;
  for (let j = 0; j < NORM_ANGULAR; j++) if (unchecked(band[j]) < 0) unchecked(band[j] = fill);
  if (BAND_DETREND_SIGMA > 0) detrendBand();
}

/** band ← band − its weighted Gaussian smooth (σ BAND_DETREND_SIGMA, usable samples only):
 *  illumination trends around the ring are common to every eye of a sensor, and the odd
 *  filter would turn them into the same bits for everyone. */
function detrendBand(): void {
  const half = <i32>(3.0 * BAND_DETREND_SIGMA) + 1;
  for (let t = 0; t <= half; t++) unchecked(detrendKernel[t] = Mathf.exp(-<f32>(t * t) / (2 * BAND_DETREND_SIGMA * BAND_DETREND_SIGMA)));
  for (let j = 0; j < NORM_ANGULAR; j++) {
    let sum: f32 = 0, weight: f32 = 0;
    for (let t = -half; t <= half; t++) {
      const k = (j + t + NORM_ANGULAR) & (NORM_ANGULAR - 1);
      const g = unchecked(detrendKernel[abs(t)]) * (unchecked(bandWeight[k]) + 0.01);
      sum += g * unchecked(band[k]);
      weight += g;
    }
    unchecked(smoothBand[j] = sum / weight);
  }
  for (let j = 0; j < NORM_ANGULAR; j++) unchecked(band[j] = band[j] - smoothBand[j]);
}

function filterBand(s: i32): void {
  const half = unchecked(halves[s]);
  const step = NORM_ANGULAR / CODE_ANGLES;
  const base = s * KERNEL_LENGTH + MAX_HALF;
  for (let a = 0; a < CODE_ANGLES; a++) {
    const centre = a * step;
    let even: f32 = 0, odd: f32 = 0, occluded: f32 = 0;
    for (let t = -half; t <= half; t++) {
      const j = (centre + t + NORM_ANGULAR) & (NORM_ANGULAR - 1);
      const v = unchecked(band[j]);
      even += unchecked(evenKernels[base + t]) * v;
      odd += unchecked(oddKernels[base + t]) * v;
      occluded += unchecked(envelopes[base + t]) * (1 - unchecked(bandWeight[j]));
    }
    unchecked(evenResponse[a] = even);
    unchecked(oddResponse[a] = odd);
    unchecked(positionUsable[a] = <u8>(occluded <= MAX_MASKED_WINDOW_SHARE));
  }
}

/** FRAGILE_SHARE × the mean response magnitude of the band's usable positions. */
function fragileThreshold(): f32 {
  if (FRAGILE_SHARE <= 0) return 0;
  let sum: f32 = 0, n = 0;
  for (let a = 0; a < CODE_ANGLES; a++) {
    if (unchecked(positionUsable[a]) == 0) continue;
    sum += Mathf.abs(unchecked(evenResponse[a])) + Mathf.abs(unchecked(oddResponse[a]));
    n += 2;
  }
  return n > 0 ? FRAGILE_SHARE * sum / <f32>n : 0;
}
