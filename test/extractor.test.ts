/**
 * The fingerprint extractor (engine/finger-extractor.ts + matchers-wasm/extract/) on generated
 * images only: ridge patterns whose minutiae are planted where we choose (Larkin & Fletcher's
 * spiral phase: each ±1 phase singularity adds or removes one ridge, i.e. one minutia), then
 * moved, rotated, resampled; and images with no finger at all. Real-data accuracy is in
 * extractor-fvc.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  EngineError, FingerExtractor, FingerMatcher, QualityTooLowError, readIso19794_2, resampleGray, resampleToDpi, writeIso19794_2,
  type GrayImage, type Minutia,
} from '../engine/index.ts';
import { mulberry32 } from '../datasets/synthetic.ts';

interface Planted { x: number; y: number; charge: 1 | -1 }

interface PatternOptions {
  /** Ridge period, px. */
  period?: number;
  planted?: readonly Planted[];
  /** Rotation of the pattern about the image centre, radians (counter-clockwise on screen). */
  rotation?: number;
  /** Translation of the pattern, px. */
  shiftX?: number;
  shiftY?: number;
  seed?: number;
}

/** Seeded uniform [0, 1): the project's mulberry32. */
const random = mulberry32;

/**
 * Gently curved ridges in an elliptical finger on a light background, with the planted
 * singularities. Pattern coordinates ("world") equal image coordinates when not moved; the
 * image pixel p shows the world point R⁻¹(p − c − t) + c.
 */
function ridgeImage(width: number, height: number, o: PatternOptions = {}): GrayImage {
  const period = o.period ?? 9, rot = o.rotation ?? 0, tx = o.shiftX ?? 0, ty = o.shiftY ?? 0;
  const cx = width / 2, cy = height / 2;
  const noise = random(o.seed ?? 1);
  const pixels = new Uint8Array(width * height);
  // Screen counter-clockwise with y down is a clockwise matrix in (x, y).
  const c = Math.cos(rot), s = Math.sin(rot);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - cx - tx, dy = y - cy - ty;
      const u = c * dx - s * dy + cx, v = s * dx + c * dy + cy;
      let phase = (2 * Math.PI * (0.8 * u + 0.6 * v)) / period + (0.0008 * ((u - cx) ** 2 - (v - cy) ** 2)) / period;
      for (const p of o.planted ?? []) phase += p.charge * Math.atan2(v - p.y, u - p.x);
      const e = ((u - cx) / (0.42 * width)) ** 2 + ((v - cy) / (0.45 * height)) ** 2;
      const k = e < 1 ? 1 : Math.max(0, 1 - (e - 1) * 5);
      const value = 200 - k * (80 + 80 * Math.cos(phase)) + (noise() - 0.5) * 12;
      pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  return { width, height, pixels };
}

/** The pattern's phase at world point (u, v) without the singularity `skip`. */
function phaseAt(u: number, v: number, size: number, period: number, planted: readonly Planted[], skip: number): number {
  const c = size / 2;
  let phase = (2 * Math.PI * (0.8 * u + 0.6 * v)) / period + (0.0008 * ((u - c) ** 2 - (v - c) ** 2)) / period;
  planted.forEach((p, k) => { if (k !== skip) phase += p.charge * Math.atan2(v - p.y, u - p.x); });
  return phase;
}

/** Where the world point (x, y) lands in an image moved by the options. */
function moved(x: number, y: number, width: number, height: number, o: PatternOptions): { x: number; y: number } {
  const cx = width / 2, cy = height / 2, rot = o.rotation ?? 0;
  const c = Math.cos(rot), s = Math.sin(rot);
  const dx = x - cx, dy = y - cy;
  return { x: c * dx + s * dy + cx + (o.shiftX ?? 0), y: -s * dx + c * dy + cy + (o.shiftY ?? 0) };
}

const SIZE = 340;

/**
 * 12 singularities on a staggered grid, ≥ 50 px (5.5 periods) apart, well inside the finger.
 * A singularity adds one ridge; whether that shows as an ending or a bifurcation depends on
 * the pattern's phase where it sits (half a period decides). Each is slid along the ridge
 * normal until the rest of the pattern's phase there is 0 or π (mod 2π), far from the
 * half-way value where the two types swap, so the expected minutia type is unambiguous.
 */
const PLANTED: Planted[] = [];
for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) PLANTED.push({ x: 95 + 50 * i, y: 115 + 55 * j + (i % 2) * 20, charge: (i + j) % 2 ? 1 : -1 });
const PHASE_TARGET = PLANTED.map((_, k) => (k % 3 === 0 ? Math.PI : 0));
for (let round = 0; round < 4; round++) {
  PLANTED.forEach((p, k) => {
    const phase = phaseAt(p.x, p.y, SIZE, 9, PLANTED, k);
    let error = (phase - PHASE_TARGET[k]) % (2 * Math.PI);
    if (error > Math.PI) error -= 2 * Math.PI;
    if (error < -Math.PI) error += 2 * Math.PI;
    const step = (error / (2 * Math.PI)) * 9; // px along the gradient (0.8, 0.6)
    p.x -= 0.8 * step; p.y -= 0.6 * step;
  });
}

const extractor = new FingerExtractor();
const minutiaeOf = (image: GrayImage, dpi?: number): Minutia[] => extractor.extract(image, { dpi }).record.views[0].minutiae;

function nearest(ms: readonly Minutia[], x: number, y: number): { m: Minutia; d: number } {
  let best = { m: ms[0], d: Infinity };
  for (const m of ms) {
    const d = Math.hypot(m.x - x, m.y - y);
    if (d < best.d) best = { m, d };
  }
  return best;
}

const angleGap = (a: number, b: number): number => {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
};

describe('FingerExtractor on planted minutiae', () => {
  const still = ridgeImage(SIZE, SIZE, { planted: PLANTED });
  const base = minutiaeOf(still);

  it('finds every planted minutia within half a ridge period, and few others', () => {
    for (const p of PLANTED) expect(nearest(base, p.x, p.y).d).toBeLessThanOrEqual(6);
    expect(base.length).toBeLessThanOrEqual(PLANTED.length + 3);
  });

  it('gives each planted minutia the type its charge and phase imply, both types present', () => {
    // Same sign of charge × cos(phase): same type (one ridge starts, or one ridge splits).
    const kind = (k: number) => Math.sign(PLANTED[k].charge * Math.cos(PHASE_TARGET[k]));
    const typesOf = (sign: number) => new Set(PLANTED.flatMap((p, k) => (kind(k) === sign ? [nearest(base, p.x, p.y).m.type] : [])));
    expect(typesOf(1)).toEqual(new Set(['ending']));
    expect(typesOf(-1)).toEqual(new Set(['bifurcation']));
  });

  it('gives directions along the ridges (ISO angles, y down)', () => {
    // The ridges run perpendicular to the phase gradient (0.8, 0.6) near the planted points (±curvature).
    const ridge = Math.atan2(0.8, 0.6); // (0.6, −0.8) in screen axes → ISO angle atan2(0.8, 0.6)
    for (const p of PLANTED) {
      const a = nearest(base, p.x, p.y).m.angle;
      expect(Math.min(angleGap(a, ridge), angleGap(a, ridge + Math.PI))).toBeLessThan(0.45);
    }
  });

  it('moves the minutiae with a translated image', () => {
    const o = { planted: PLANTED, shiftX: 17, shiftY: -11 };
    const shifted = minutiaeOf(ridgeImage(SIZE, SIZE, o));
    for (const p of PLANTED) {
      const before = nearest(base, p.x, p.y).m;
      const target = moved(before.x, before.y, SIZE, SIZE, o);
      const after = nearest(shifted, target.x, target.y);
      expect(after.d).toBeLessThanOrEqual(2.5);
      expect(angleGap(after.m.angle, before.angle)).toBeLessThan(0.2);
      expect(after.m.type).toBe(before.type);
    }
  });

  it.each([0.5, -1.1, Math.PI / 2])('rotates the minutiae with an image rotated by %f rad', (rotation) => {
    const o = { planted: PLANTED, rotation };
    const turned = minutiaeOf(ridgeImage(SIZE, SIZE, o));
    let found = 0;
    for (const p of PLANTED) {
      const before = nearest(base, p.x, p.y).m;
      const target = moved(before.x, before.y, SIZE, SIZE, o);
      const after = nearest(turned, target.x, target.y);
      if (after.d <= 4 && angleGap(after.m.angle, before.angle + rotation) < 0.3 && after.m.type === before.type) found++;
    }
    expect(found).toBe(PLANTED.length);
  });

  it('maps minutiae back to the image’s own pixels at another resolution', () => {
    // The same finger scanned at 569 dpi: everything 569/500 larger.
    const k = 569 / 500;
    const big = ridgeImage(Math.round(SIZE * k), Math.round(SIZE * k), {
      period: 9 * k, planted: PLANTED.map((p) => ({ ...p, x: p.x * k, y: p.y * k })),
    });
    const record = extractor.extract(big, { dpi: 569 }).record;
    expect(record.resolutionX).toBe(224);
    expect(record.width).toBe(big.width);
    for (const p of PLANTED) expect(nearest(record.views[0].minutiae, p.x * k, p.y * k).d).toBeLessThanOrEqual(7);
  });

  it('takes the resolution an image declares (a WSQ image’s ppi) when the caller gives none', () => {
    const k = 569 / 500;
    const big = ridgeImage(Math.round(SIZE * k), Math.round(SIZE * k), {
      period: 9 * k, planted: PLANTED.map((p) => ({ ...p, x: p.x * k, y: p.y * k })),
    });
    const declared = extractor.extract({ ...big, ppi: 569 } as GrayImage).record;
    expect(declared).toEqual(extractor.extract(big, { dpi: 569 }).record);
    // The caller's figure wins over the declared one.
    expect(extractor.extract({ ...big, ppi: 569 } as GrayImage, { dpi: 500 }).record.resolutionX).toBe(197);
  });

  it('is deterministic, across calls and instances', () => {
    const again = new FingerExtractor().extract(still);
    expect(again.record).toEqual(extractor.extract(still).record);
    expect(again.record.views[0].minutiae).toEqual(base);
  });

  it('returns a quality score and per-minutia qualities, and a record the ISO writer and the matcher take', () => {
    const { record, quality, minutiaeQualities } = extractor.extract(still);
    expect(quality).toBeGreaterThan(30);
    expect(quality).toBeLessThanOrEqual(100);
    expect(minutiaeQualities).toEqual(record.views[0].minutiae.map((m) => m.quality));
    for (const q of minutiaeQualities) expect(q).toBeGreaterThanOrEqual(1);
    const back = readIso19794_2(writeIso19794_2(record));
    expect(back.views[0].minutiae.length).toBe(record.views[0].minutiae.length);
    const matcher = new FingerMatcher();
    const a = matcher.createTemplate(record.views[0].minutiae);
    const b = matcher.createTemplate(minutiaeOf(ridgeImage(SIZE, SIZE, { planted: PLANTED, shiftX: 9, shiftY: 7, seed: 5 })));
    expect(matcher.compare(a, b)).toBeGreaterThan(0);
  });

  it('explains every stage on request', () => {
    const { explanation: e, record } = extractor.extract(still, { explain: true });
    expect(e).toBeDefined();
    if (e === undefined) return;
    expect(e.mask.length).toBe(e.blocksWide * e.blocksHigh);
    expect(e.orientation.length).toBe(e.mask.length);
    expect(e.enhanced.length).toBe(SIZE * SIZE);
    expect(e.skeleton.some((v) => v === 1)).toBe(true);
    expect(e.medianPeriod).toBeGreaterThan(8);
    expect(e.medianPeriod).toBeLessThan(10);
    const kept = e.candidates.filter((c) => c.removedBy === null);
    expect(kept.length).toBe(record.views[0].minutiae.length);
    // The ridges cut by the finger's edge are candidates the border stage removes.
    expect(e.candidates.some((c) => c.removedBy === 'border')).toBe(true);
    for (const c of e.candidates) expect(c.removedBy === null || e.removalStages.includes(c.removedBy)).toBe(true);
  });
});

describe('FingerExtractor refusals', () => {
  const gray = (width: number, height: number, fill: (i: number) => number): GrayImage => ({
    width, height, pixels: Uint8Array.from({ length: width * height }, (_, i) => fill(i)),
  });
  const codeOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      return (e as EngineError).code;
    }
    return 'no error';
  };

  it.each([
    ['blank', gray(300, 300, () => 128)],
    ['all black', gray(300, 300, () => 0)],
    ['all white', gray(300, 300, () => 255)],
    ['noise', gray(300, 300, ((r) => () => Math.floor(r() * 256))(random(7)))],
    ['a few ridges only', ridgeImage(80, 80)],
    ['straight parallel ridges (no minutiae: every ridge end is the image edge)', gray(520, 600, (i) => (i % 520) % 9 < 4 ? 40 : 200)],
  ] as Array<[string, GrayImage]>)('%s → failure to enrol with its quality score', (_, image) => {
    let error: unknown;
    try {
      extractor.extract(image);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QualityTooLowError);
    expect((error as QualityTooLowError).code).toBe('ERR_QUALITY_TOO_LOW');
    expect((error as QualityTooLowError).quality).toBeGreaterThanOrEqual(0);
    expect((error as QualityTooLowError).quality).toBeLessThanOrEqual(100);
  });

  it('explains a failure to enrol on request', () => {
    let error: unknown;
    try {
      extractor.extract(ridgeImage(120, 120), { explain: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QualityTooLowError);
    const e = (error as QualityTooLowError).explanation;
    expect(e?.candidates.filter((c) => c.removedBy === null).length).toBe((error as QualityTooLowError).minutiae);
    expect(e?.mask.some((v) => v === 1)).toBe(true);
  });

  it('refuses sizes outside the kernel limits and malformed images with typed errors', () => {
    expect(codeOf(() => extractor.extract(gray(20, 20, () => 0)))).toBe('ERR_EXTRACT_TOO_SMALL');
    expect(codeOf(() => extractor.extract(gray(63, 400, () => 0)))).toBe('ERR_EXTRACT_TOO_SMALL');
    expect(codeOf(() => extractor.extract({ width: 3000, height: 100, pixels: new Uint8Array(300000) }))).toBe('ERR_IMAGE_TOO_LARGE');
    expect(codeOf(() => extractor.extract({ width: 100, height: 100, pixels: new Uint8Array(10) }))).toBe('ERR_EXTRACT_IMAGE');
    expect(codeOf(() => extractor.extract({ width: 0, height: 100, pixels: new Uint8Array(0) }))).toBe('ERR_IMAGE_FORMAT');
    expect(codeOf(() => extractor.extract(null as unknown as GrayImage))).toBe('ERR_EXTRACT_IMAGE');
    expect(codeOf(() => extractor.extract(gray(100, 100, () => 0), { dpi: 0 }))).toBe('ERR_EXTRACT_DPI');
    expect(codeOf(() => extractor.extract(gray(100, 100, () => 0), { dpi: Number.NaN }))).toBe('ERR_EXTRACT_DPI');
    // A small image at a high resolution is under the limit once brought to 500 dpi.
    expect(codeOf(() => extractor.extract(gray(70, 70, () => 0), { dpi: 1000 }))).toBe('ERR_EXTRACT_TOO_SMALL');
  });

  it('keeps working after refusals (no state left behind)', () => {
    for (const size of [64, 65, 127, 333]) codeOf(() => extractor.extract(gray(size, size + 3, (i) => (i * 37) & 255)));
    expect(minutiaeOf(ridgeImage(SIZE, SIZE, { planted: PLANTED })).length).toBeGreaterThanOrEqual(PLANTED.length);
  });
});

describe('resampleGray', () => {
  it('scales sizes by the resolution ratio and keeps flat areas flat', () => {
    const flat = { width: 569, height: 300, pixels: new Uint8Array(569 * 300).fill(77) };
    const r = resampleToDpi(flat, 569);
    expect([r.width, r.height]).toEqual([500, 264]);
    expect(r.pixels.every((v) => v === 77)).toBe(true);
    const up = resampleGray(flat, 1.5);
    expect([up.width, up.height]).toEqual([854, 450]);
    expect(up.pixels.every((v) => v === 77)).toBe(true);
    // Full white stays white (no wrap-around of rounding errors above 255).
    const white = resampleToDpi({ width: 301, height: 207, pixels: new Uint8Array(301 * 207).fill(255) }, 569);
    expect(white.pixels.every((v) => v === 255)).toBe(true);
  });

  it('averages areas when shrinking: the mean gray is kept', () => {
    const img = ridgeImage(300, 300);
    const r = resampleGray(img, 0.7);
    const mean = (p: Uint8Array) => p.reduce((s, v) => s + v, 0) / p.length;
    expect(Math.abs(mean(r.pixels) - mean(img.pixels))).toBeLessThan(1);
  });

  it('returns the image itself at scale 1 and refuses bad scales', () => {
    const img = ridgeImage(100, 100);
    expect(resampleGray(img, 1)).toBe(img);
    expect(() => resampleGray(img, 0)).toThrow(EngineError);
    expect(() => resampleGray(img, Number.POSITIVE_INFINITY)).toThrow(EngineError);
    expect(() => resampleToDpi(img, -5)).toThrow(EngineError);
  });
});
