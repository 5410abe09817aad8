/**
 * Deterministic synthetic fingerprint minutiae, for tests and for the bench's no-data demo.
 *
 * A "master" finger is the ideal minutiae set of one finger; each impression simulates a
 * capture of it: rigid motion, skin distortion, extractor noise, missed and spurious
 * minutiae, cropping by the sensor frame. Everything is driven by a seeded PRNG, so a seed
 * always gives the same data on every machine (only +, *, Math.sin/cos/atan2/sqrt/log:
 * no platform-dependent sources).
 *
 * This is not a realistic fingerprint model (no ridge-count consistency, uniform minutia
 * density); it is a matcher workload with known ground truth, enough to catch regressions.
 */
import { EngineError } from '../engine/index.ts';
import type { Minutia, MinutiaeRecord, MinutiaType } from '../engine/index.ts';

/** Frame of every synthetic record: the size the FVC2002 ISO templates use. */
export const SYNTHETIC_WIDTH = 300;
export const SYNTHETIC_HEIGHT = 400;
/** 197 px/cm ≈ 500 dpi. */
export const SYNTHETIC_RESOLUTION = 197;

const TWO_PI = 2 * Math.PI;
const DEG = Math.PI / 180;

export interface Point {
  x: number;
  y: number;
}

export interface MasterFinger {
  seed: number;
  width: number;
  height: number;
  /** Pattern class of the orientation field. */
  pattern: 'loop' | 'whorl';
  /** Elliptical print area: centre and semi-axes, pixels. */
  area: { cx: number; cy: number; rx: number; ry: number };
  /** Singular points of the orientation field (zero-pole model). */
  cores: Point[];
  deltas: Point[];
  /** Integer coordinates, angles in [0, 2π) (ISO convention). */
  minutiae: Minutia[];
}

export interface ImpressionOptions {
  /** Rotation drawn uniformly in ±this, degrees. Default 20. */
  maxRotationDeg?: number;
  /** Translation per axis drawn uniformly in ±this, pixels. Default 30. */
  maxTranslationPx?: number;
  /** Amplitude of the smooth non-linear (skin) distortion, pixels. Default 4. */
  distortionPx?: number;
  /** Standard deviation of the Gaussian position noise per axis, pixels (≈2.5 px mean radial error). Default 2. */
  positionJitterPx?: number;
  /** Standard deviation of the Gaussian angle noise, degrees. Default 5. */
  angleJitterDeg?: number;
  /** Share of the master's minutiae missed, drawn uniformly in [min, max]. Default [0.1, 0.25]. */
  dropout?: [number, number];
  /** Spurious minutiae as a share of the kept ones, drawn uniformly in [min, max]. Default [0, 0.2]. */
  spurious?: [number, number];
}

const DEFAULTS: Required<ImpressionOptions> = {
  maxRotationDeg: 20,
  maxTranslationPx: 30,
  distortionPx: 4,
  positionJitterPx: 2,
  angleJitterDeg: 5,
  dropout: [0.1, 0.25],
  spurious: [0, 0.2],
};

/** mulberry32: tiny, fast, good enough for simulation, identical everywhere. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives independent sub-seeds (per finger, per impression) from a base seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** The seeded generator behind every synthetic set (also used by the scale gallery). */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** Standard normal (Box–Muller). */
  gauss(): number {
    const u = 1 - this.next(); // (0, 1]: log stays finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(TWO_PI * this.next());
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Into [0, 2π); the final guard catches values that round up to exactly 2π. */
function normAngle(a: number): number {
  const r = ((a % TWO_PI) + TWO_PI) % TWO_PI;
  return r >= TWO_PI ? 0 : r;
}

/**
 * Ridge orientation (mod π, ISO angle convention) at a point, from the zero-pole model
 * (Sherlock & Monro): half the sum of the angles seen from each core minus those seen from
 * each delta. Smooth everywhere except at the singular points, like a real print.
 */
export function orientationAt(master: Pick<MasterFinger, 'cores' | 'deltas'>, x: number, y: number): number {
  let sum = 0;
  // y is negated so angles are counter-clockwise on screen, as ISO 19794-2 measures them.
  for (const c of master.cores) sum += Math.atan2(-(y - c.y), x - c.x);
  for (const d of master.deltas) sum -= Math.atan2(-(y - d.y), x - d.x);
  return normAngle(sum / 2);
}

function insideEllipse(area: MasterFinger['area'], x: number, y: number): boolean {
  const u = (x - area.cx) / area.rx;
  const v = (y - area.cy) / area.ry;
  return u * u + v * v <= 1;
}

function pointInEllipse(rng: Rng, area: MasterFinger['area']): Point {
  for (;;) {
    const x = rng.uniform(area.cx - area.rx, area.cx + area.rx);
    const y = rng.uniform(area.cy - area.ry, area.cy + area.ry);
    if (insideEllipse(area, x, y)) return { x, y };
  }
}

function randomType(rng: Rng): MinutiaType {
  // Endings are a little more common than bifurcations in real prints.
  return rng.float() < 0.55 ? 'ending' : 'bifurcation';
}

/** A minutia direction: along the ridge orientation, either way (orientation is mod π). */
function directionAt(rng: Rng, master: Pick<MasterFinger, 'cores' | 'deltas'>, x: number, y: number): number {
  return normAngle(orientationAt(master, x, y) + (rng.float() < 0.5 ? 0 : Math.PI));
}

/** Minimum distance between master minutiae, pixels (real ones are rarely closer than a ridge period). */
const MIN_SPACING = 10;

/** The ideal minutiae of one finger: 30–60 minutiae, ≥ 10 px apart, inside an elliptical print area. */
export function generateFinger(seed: number): MasterFinger {
  const rng = new Rng(seed);
  // Centre and size chosen so the ellipse always fits the 300×400 frame.
  const area = {
    cx: SYNTHETIC_WIDTH / 2 + rng.uniform(-15, 15),
    cy: SYNTHETIC_HEIGHT / 2 + rng.uniform(-20, 20),
    rx: rng.uniform(110, 135),
    ry: rng.uniform(150, 180),
  };
  const pattern = rng.float() < 0.6 ? 'loop' : 'whorl';
  let cores: Point[];
  let deltas: Point[];
  if (pattern === 'loop') {
    const side = rng.float() < 0.5 ? -1 : 1; // left or right loop
    cores = [{ x: area.cx + rng.uniform(-20, 20), y: area.cy - area.ry * rng.uniform(0.1, 0.3) }];
    deltas = [{ x: area.cx + side * rng.uniform(40, 80), y: area.cy + area.ry * rng.uniform(0.3, 0.5) }];
  } else {
    const gap = rng.uniform(8, 16);
    const cy = area.cy - area.ry * rng.uniform(0, 0.15);
    cores = [
      { x: area.cx, y: cy - gap },
      { x: area.cx, y: cy + gap },
    ];
    const dy = area.cy + area.ry * rng.uniform(0.3, 0.5);
    deltas = [
      { x: area.cx - rng.uniform(50, 80), y: dy },
      { x: area.cx + rng.uniform(50, 80), y: dy },
    ];
  }

  const count = rng.int(30, 60);
  const singular = { cores, deltas };
  const minutiae: Minutia[] = [];
  // The area holds far more than 60 points 10 px apart; the cap only guards against a bug.
  for (let attempt = 0; minutiae.length < count && attempt < 100_000; attempt++) {
    const p = pointInEllipse(rng, area);
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (minutiae.some((m) => Math.hypot(m.x - x, m.y - y) < MIN_SPACING)) continue;
    minutiae.push({ x, y, angle: directionAt(rng, singular, x, y), type: randomType(rng), quality: rng.int(50, 100) });
  }
  return { seed, width: SYNTHETIC_WIDTH, height: SYNTHETIC_HEIGHT, pattern, area, cores, deltas, minutiae };
}

/**
 * One capture of a master finger as an ISO 19794-2:2005 record (300×400, 197 px/cm, one
 * view). Pipeline: drop 10–25 % of minutiae; move the rest by a smooth distortion field,
 * then rotate (±20°) about the print centre and translate (±30 px), carrying directions
 * through the same mapping; add position and angle noise; add 0–20 % spurious minutiae along
 * the local ridge flow; round to integers and drop whatever left the frame; shuffle, as an
 * extractor's output order says nothing about correspondence.
 */
export function generateImpression(master: MasterFinger, seed: number, opts: ImpressionOptions = {}): MinutiaeRecord {
  const o = { ...DEFAULTS, ...opts };
  const rng = new Rng(seed);
  const { width, height, area } = master;

  const theta = rng.uniform(-o.maxRotationDeg, o.maxRotationDeg) * DEG;
  const tx = rng.uniform(-o.maxTranslationPx, o.maxTranslationPx);
  const ty = rng.uniform(-o.maxTranslationPx, o.maxTranslationPx);
  // Distortion: a low-frequency displacement field (wavelengths 300–600 px), so its
  // gradient stays small and the mapping never folds.
  const k = [0, 1, 2, 3].map(() => TWO_PI / rng.uniform(300, 600));
  const phase = [0, 1, 2, 3].map(() => rng.uniform(0, TWO_PI));
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);

  const map = (x: number, y: number): Point => {
    const dx = x + o.distortionPx * Math.sin(k[0] * x + phase[0]) * Math.sin(k[1] * y + phase[1]) - area.cx;
    const dy = y + o.distortionPx * Math.sin(k[2] * x + phase[2]) * Math.sin(k[3] * y + phase[3]) - area.cy;
    // Counter-clockwise on screen (y down), so ISO angles simply gain theta.
    return { x: area.cx + tx + dx * cos + dy * sin, y: area.cy + ty - dx * sin + dy * cos };
  };
  /** Position and direction after the mapping; direction by a 1 px finite difference. */
  const mapMinutia = (x: number, y: number, angle: number): { p: Point; angle: number } => {
    const p = map(x, y);
    const q = map(x + Math.cos(angle), y - Math.sin(angle));
    return { p, angle: Math.atan2(-(q.y - p.y), q.x - p.x) };
  };

  const out: Minutia[] = [];
  const emit = (p: Point, angle: number, type: MinutiaType, quality: number): void => {
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (x < 0 || y < 0 || x >= width || y >= height) return; // cropped by the sensor frame
    out.push({ x, y, angle: normAngle(angle), type, quality });
  };

  // Missed minutiae: an exact count, so the rate stays inside the requested range.
  const dropRate = rng.uniform(o.dropout[0], o.dropout[1]);
  const keep = rng.shuffle(master.minutiae.slice()).slice(Math.round(dropRate * master.minutiae.length));
  for (const m of keep) {
    const moved = mapMinutia(m.x, m.y, m.angle);
    const p = {
      x: moved.p.x + o.positionJitterPx * rng.gauss(),
      y: moved.p.y + o.positionJitterPx * rng.gauss(),
    };
    emit(p, moved.angle + o.angleJitterDeg * DEG * rng.gauss(), m.type, m.quality);
  }

  // Spurious minutiae follow the ridge flow (as extractor artefacts do), so they cannot be
  // told apart by direction alone; they tend to have low quality.
  const spuriousCount = Math.round(rng.uniform(o.spurious[0], o.spurious[1]) * keep.length);
  for (let i = 0; i < spuriousCount; i++) {
    const at = pointInEllipse(rng, area);
    const moved = mapMinutia(at.x, at.y, directionAt(rng, master, at.x, at.y));
    emit(moved.p, moved.angle, randomType(rng), rng.int(10, 60));
  }

  return {
    format: 'iso19794-2:2005',
    width,
    height,
    resolutionX: SYNTHETIC_RESOLUTION,
    resolutionY: SYNTHETIC_RESOLUTION,
    captureEquipmentId: 0,
    views: [
      {
        fingerPosition: 0,
        viewNumber: 0,
        impressionType: 0,
        quality: rng.int(50, 90),
        minutiae: rng.shuffle(out),
      },
    ],
  };
}

export interface SyntheticSample {
  /** FVC-like finger numbers "101", "102", … so reports and file names read like FVC's. */
  identity: string;
  /** 1-based. */
  impression: number;
  record: MinutiaeRecord;
}

/**
 * `fingers` × `impressions` records, ordered by identity then impression (the order
 * listSamples gives, so buildPairs works on it directly). Each finger and each impression
 * gets its own sub-seed, so adding fingers does not change the existing ones.
 */
export function generateDataset(fingers: number, impressions: number, seed: number): SyntheticSample[] {
  for (const [name, v] of [
    ['fingers', fingers],
    ['impressions', impressions],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new EngineError('ERR_SYNTHETIC_ARGS', `${name} must be a non-negative integer, got ${v}`);
    }
  }
  const samples: SyntheticSample[] = [];
  for (let f = 0; f < fingers; f++) {
    const master = generateFinger(mixSeed(seed, f));
    for (let i = 1; i <= impressions; i++) {
      samples.push({
        identity: String(101 + f),
        impression: i,
        record: generateImpression(master, mixSeed(seed, f, i)),
      });
    }
  }
  return samples;
}
