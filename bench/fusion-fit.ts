/**
 * What the fusion is fitted on and checked with: the calibrated scores of non-mated pairs of
 * real persons (bench/fusion-real-pairs.ts). A row is one probe impression of a person (its F
 * fingers, impressions 2–8) against one other person's gallery entry (impression 1), the two
 * persons sharing no human; the F scores of a row are what the engine fuses for that subject.
 *
 * - `fingerCorrelation`: Pearson correlation of −ln p between two comparisons of one row,
 *   pooled over every pair of columns of every row of the 2- and 10-finger persons of a half
 *   (FUSION.correlation is set from the fit half);
 * - `exceedance`: rows whose fused score reaches t, against the calibrated share 10^(−t/10);
 * - `realGalleryFpir`: FPIR and FNIR of searches in galleries of real persons at a target FPIR
 *   (threshold targetFPIR + 10·log10 N, N = the gallery's persons).
 */
import type { RealPerson } from '../datasets/scale-real-fingers.ts';
import { personsIn, shareHuman, type Half, type RealPairs } from './fusion-real-pairs.ts';
import { wilson95 } from './identify-real-pool.ts';

export type Calibrate = (raw: number) => number;
export type Fuse = (scores: ArrayLike<number>) => number;

export interface Rows {
  fingers: number;
  persons: number;
  rows: number[][];
}

/** Calibrated scores of probe `imp` of person `p` against the enrolment of person `o`. */
function rowOf(pairs: RealPairs, p: RealPerson, o: RealPerson, imp: number, cal: Calibrate): number[] | null {
  const n = pairs.impressions.length;
  const out: number[] = [];
  for (let k = 0; k < p.fingers.length; k++) {
    const a = pairs.indexOf(p.fingers[k], imp), b = pairs.indexOf(o.fingers[k], 0);
    if (a < 0 || b < 0) return null;
    out.push(cal(pairs.raw[a * n + b]));
  }
  return out;
}

export function nonMatedRows(pairs: RealPairs, fingers: number, half: Half, cal: Calibrate): Rows {
  const persons = personsIn(pairs, fingers, half);
  const rows: number[][] = [];
  for (const p of persons) {
    for (const o of persons) {
      if (p === o || shareHuman(p, o)) continue;
      for (let imp = 1; imp < 8; imp++) {
        const row = rowOf(pairs, p, o, imp, cal);
        if (row !== null) rows.push(row);
      }
    }
  }
  return { fingers, persons: persons.length, rows };
}

/** Pooled Pearson correlation of −ln p over every pair of columns of every row. */
export function fingerCorrelation(sets: readonly Rows[]): { correlation: number; pairs: number; meanMinusLnP: number } {
  let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, sz = 0, nz = 0;
  for (const { rows } of sets) {
    for (const row of rows) {
      const z = row.map((s) => (Math.max(0, s) * Math.LN10) / 10);
      for (const v of z) { sz += v; nz++; }
      for (let k = 0; k < z.length; k++) {
        for (let l = 0; l < z.length; l++) {
          if (k === l) continue; // both orders: symmetric in the columns
          n++; sa += z[k]; sb += z[l]; saa += z[k] * z[k]; sbb += z[l] * z[l]; sab += z[k] * z[l];
        }
      }
    }
  }
  const cov = sab / n - (sa / n) * (sb / n);
  const correlation = cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
  return { correlation, pairs: n / 2, meanMinusLnP: sz / nz };
}

export interface Exceedance { threshold: number; rows: number; atOrAbove: number; nominal: number; ratio: number }

export function exceedance(rows: readonly number[][], fuse: Fuse, thresholds: readonly number[]): Exceedance[] {
  const fused = rows.map((r) => fuse(r));
  return thresholds.map((t) => {
    const atOrAbove = fused.filter((s) => s >= t).length, nominal = rows.length * 10 ** (-t / 10);
    return { threshold: t, rows: rows.length, atOrAbove, nominal, ratio: atOrAbove / Math.max(1e-300, nominal) };
  });
}

export interface GalleryRates {
  fingers: number;
  targetFPIR: number;
  /** Persons searched for (probes) and enrolled (gallery). */
  persons: number;
  nonMatedSearches: number;
  falsePositives: number;
  fpir: number;
  fpirCi95: [number, number];
  matedSearches: number;
  misses: number;
  fnir: number;
  fnirCi95: [number, number];
  /** Mean gallery size of the non-mated searches and its threshold. */
  gallerySize: number;
  threshold: number;
}

/**
 * Every probe impression of every person of `probes` searched in a gallery of the persons of
 * `gallery` (enrolment impressions): non-mated = the persons sharing no human with the probe
 * (its own human left out), mated = the same gallery plus the probe's person. Thresholds by the
 * engine's rule for each gallery's own N.
 */
export function realGalleryRates(pairs: RealPairs, fingers: number, probes: Half | 'all', gallery: Half | 'all', targetFPIR: number, cal: Calibrate, fuse: Fuse): GalleryRates {
  const pick = (h: Half | 'all'): RealPerson[] => (h === 'all' ? [...personsIn(pairs, fingers, 'fit'), ...personsIn(pairs, fingers, 'report')] : personsIn(pairs, fingers, h));
  const probePersons = pick(probes), galleryPersons = pick(gallery);
  let nonMated = 0, fp = 0, mated = 0, misses = 0, sizes = 0;
  for (const p of probePersons) {
    const others = galleryPersons.filter((o) => o !== p && !shareHuman(p, o));
    if (others.length === 0) continue;
    const thresholdNonMated = targetFPIR + 10 * Math.log10(others.length);
    const thresholdMated = targetFPIR + 10 * Math.log10(others.length + 1);
    for (let imp = 1; imp < 8; imp++) {
      const scores = others.map((o) => rowOf(pairs, p, o, imp, cal));
      const mate = rowOf(pairs, p, p, imp, cal);
      if (mate === null || scores.some((s) => s === null)) continue;
      const best = Math.max(...scores.map((s) => fuse(s!)));
      nonMated++; sizes += others.length;
      if (best >= thresholdNonMated) fp++;
      mated++;
      if (!(fuse(mate) >= thresholdMated)) misses++;
    }
  }
  const meanN = sizes / Math.max(1, nonMated);
  return {
    fingers, targetFPIR, persons: probePersons.length,
    nonMatedSearches: nonMated, falsePositives: fp, fpir: fp / Math.max(1, nonMated), fpirCi95: wilson95(fp, nonMated),
    matedSearches: mated, misses, fnir: misses / Math.max(1, mated), fnirCi95: wilson95(misses, mated),
    gallerySize: meanN, threshold: targetFPIR + 10 * Math.log10(meanN),
  };
}
