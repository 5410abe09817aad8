/**
 * Large synthetic galleries for throughput and FPIR tests: N subjects × F fingers of
 * generated minutiae whose statistics match real templates (fvc2002-iso; constants in
 * scale-params.ts, comparison table in scale-stats.ts), streamed in batches so 500k subjects
 * never sit in memory at once.
 *
 * Every finger is a pure function of (seed, subject index, finger position): any batch, or any
 * worker's share of the gallery, can be regenerated on its own and always gives the same data.
 * Each finger is one capture: an elliptical print area cropped by the 300×400 frame, minutiae
 * denser toward its centre and ≥ 10 px apart (a few close pairs aside), directions from a
 * zero-pole orientation field (synthetic.ts) with a per-finger polarity and noise, on the ISO
 * angle grid so that writing a record as ISO 19794-2 and reading it back gives the same values.
 * Fitted first on the matcher's view (impostor scores of real probes, scale-realism.ts), then
 * on the statistics.
 */
import { EngineError } from '../engine/index.ts';
import type { Minutia, MinutiaeRecord } from '../engine/index.ts';
import { Rng, mixSeed, orientationAt, type Point } from './synthetic.ts';
import * as params from './scale-params.ts';

// Module-level copies: the per-minutia loop must not go through the module namespace
// (under a CommonJS transform every namespace read is a getter call: 3× slower generation).
const P: ScaleGeneratorParams = { ...params };
const fieldOrientation = orientationAt;
const DEFAULT_PARAMS = P;

/** The generator's constants (scale-params.ts); the fitting tool (scale-fit.ts) tries others. */
export type ScaleGeneratorParams = { -readonly [K in keyof typeof params]: (typeof params)[K] extends number ? number : (typeof params)[K] };

/** A copy of the fitted constants, to change for an experiment. */
export function defaultScaleParams(): ScaleGeneratorParams {
  return { ...P };
}

/** Bumped whenever the generator's output changes, so stores built from an older one are rebuilt. */
export const SCALE_GENERATOR_VERSION = 3;

/** ISO finger positions in the order fingers are added: right index, left index, then middles, thumbs, rings, littles. */
export const FINGER_ORDER: readonly number[] = [2, 7, 3, 8, 1, 6, 4, 9, 5, 10];

export interface ScaleFinger {
  /** ISO finger position (1 right thumb … 10 left little). */
  position: number;
  record: MinutiaeRecord;
}

export interface ScaleSubject {
  /** 0-based index in the gallery. */
  index: number;
  referenceId: string;
  fingers: ScaleFinger[];
}

export interface ScaleGalleryOptions {
  subjects: number;
  /** Fingers per subject, taken from FINGER_ORDER (default 2: both index fingers). */
  fingers?: number;
  seed: number;
  /** Subjects per batch (default 1,000). */
  batchSize?: number;
  /** First subject index (default 0): a worker can generate its own slice. */
  firstSubject?: number;
  /** referenceId prefix (default "syn-"); the index follows, zero-padded to 7 digits. */
  idPrefix?: string;
}

const TWO_PI = 2 * Math.PI;

function checkInteger(name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new EngineError('ERR_SCALE_ARGS', `${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
}

/** The pattern's singular points, placed relative to the print ellipse as in real prints. */
function singularPoints(P: ScaleGeneratorParams, rng: Rng, cx: number, cy: number, rx: number, ry: number, rightHand: boolean): { cores: Point[]; deltas: Point[] } {
  const kind = rng.float();
  if (kind < P.LOOP_SHARE) {
    const ulnar = (rightHand ? 1 : -1) * P.ULNAR_DELTA_SIDE_RIGHT_HAND;
    const side = rng.float() < P.LOOP_ULNAR_SHARE ? ulnar : -ulnar;
    return {
      cores: [{ x: cx + rng.uniform(-0.2, 0.2) * rx, y: cy + ry * rng.uniform(P.LOOP_CORE_Y[0], P.LOOP_CORE_Y[1]) }],
      deltas: [{ x: cx + side * rx * rng.uniform(P.LOOP_DELTA_X[0], P.LOOP_DELTA_X[1]), y: cy + ry * rng.uniform(P.LOOP_DELTA_Y[0], P.LOOP_DELTA_Y[1]) }],
    };
  }
  if (kind < P.LOOP_SHARE + P.WHORL_SHARE) {
    const gap = rng.uniform(6, 16);
    const y = cy - ry * rng.uniform(-0.1, 0.3);
    const dy = cy + ry * rng.uniform(P.WHORL_DELTA_Y[0], P.WHORL_DELTA_Y[1]);
    return {
      cores: [{ x: cx, y: y - gap }, { x: cx, y: y + gap }],
      deltas: [
        { x: cx - rx * rng.uniform(P.WHORL_DELTA_X[0], P.WHORL_DELTA_X[1]), y: dy },
        { x: cx + rx * rng.uniform(P.WHORL_DELTA_X[0], P.WHORL_DELTA_X[1]), y: dy },
      ],
    };
  }
  // Arch: a core and a delta far below the print bend the flow gently across it.
  return { cores: [{ x: cx, y: cy + ry * 2.5 }], deltas: [{ x: cx + rng.uniform(-0.3, 0.3) * rx, y: cy + ry * 2.6 }] };
}

/**
 * The minutiae of one generated finger, a pure function of the seed. Integer positions inside
 * the frame, directions on the ISO 360/256° grid.
 */
export function scaleFingerMinutiae(seed: number, P: ScaleGeneratorParams = DEFAULT_PARAMS, position = 2): Minutia[] {
  const rightHand = position >= 1 && position <= 5; // ISO 1–5 right thumb…little, 6–10 left
  const rng = new Rng(seed);
  const sensor = P.SENSOR_PROFILES[rng.int(0, P.SENSOR_PROFILES.length - 1)];
  const count = Math.min(P.COUNT_MAX, Math.max(P.COUNT_MIN, Math.round(Math.exp(sensor.countLogMean + sensor.countLogSd * rng.gauss()))));
  // The print's size follows from its minutia count and a density, as in real captures
  // (a larger contact area shows more minutiae).
  const area = (count / rng.uniform(sensor.density[0], sensor.density[1])) * 10_000;
  const aspect = rng.uniform(sensor.aspect[0], sensor.aspect[1]);
  const rx = Math.sqrt(area / (Math.PI * aspect)), ry = aspect * rx;
  const lo = P.FRAME_MARGIN, hiX = P.FRAME_WIDTH - 1 - P.FRAME_MARGIN, hiY = P.FRAME_HEIGHT - 1 - P.FRAME_MARGIN;
  // Centre kept far enough inside that at least most of the ellipse is in the frame.
  const cx = Math.min(hiX - 0.5 * rx, Math.max(lo + 0.5 * rx, P.CENTRE_X[0] + P.CENTRE_X[1] * rng.gauss()));
  const cy = Math.min(hiY - 0.5 * ry, Math.max(lo + 0.5 * ry, P.CENTRE_Y[0] + P.CENTRE_Y[1] * rng.gauss()));
  const field = singularPoints(P, rng, cx, cy, rx, ry, rightHand);
  const reference = P.POLARITY_REFERENCE + P.POLARITY_REFERENCE_SD * rng.gauss();
  // Capture and extractor quality vary per finger: some fingers give clean, coherent
  // directions, others noisy ones (the real sets differ as much: see the report).
  const flipShare = rng.uniform(sensor.flipShare[0], sensor.flipShare[1]);
  const noise = rng.uniform(P.DIRECTION_NOISE[0], P.DIRECTION_NOISE[1]);
  const outlierShare = rng.uniform(P.DIRECTION_OUTLIER_SHARE[0], P.DIRECTION_OUTLIER_SHARE[1]);
  // polarity focus: along the reference from the centre (ISO angle, y up), in semi-axes of the print
  const focus = rng.uniform(P.POLARITY_FOCUS[0], P.POLARITY_FOCUS[1]);
  const fx = cx + focus * rx * Math.cos(reference), fy = cy - focus * ry * Math.sin(reference);

  const xs: number[] = [], ys: number[] = [];
  const out: Minutia[] = [];
  // Spacing is kept in the captured frame (after the sensor's stretch), where the extractor
  // sees the ridges: a squeezed capture must not pack its minutiae closer than a real one does.
  const [sx, sy] = sensor.stretch;
  const nearest2 = (x: number, y: number): number => {
    let best = Infinity;
    for (let i = 0; i < xs.length; i++) {
      const dx = (xs[i] - x) * sx, dy = (ys[i] - y) * sy;
      const d2 = dx * dx + dy * dy;
      if (d2 < best) best = d2;
    }
    return best;
  };
  const minSpacing2 = P.MIN_SPACING * P.MIN_SPACING;
  const closeMin2 = P.CLOSE_PAIR_DISTANCE[0] * P.CLOSE_PAIR_DISTANCE[0];
  // Attempts are capped: a print squeezed against the frame edge may hold fewer minutiae.
  for (let attempt = 0; out.length < count && attempt < 40 * count; attempt++) {
    let x: number, y: number;
    let facing: number | null = null;
    const brokenRidge = out.length > 0 && rng.float() < P.BROKEN_RIDGE_SHARE;
    const closePair = brokenRidge || (out.length > 0 && rng.float() < P.CLOSE_PAIR_SHARE);
    if (brokenRidge) {
      // the other end of a broken ridge: ahead of an earlier minutia, pointing back at it
      const k = rng.int(0, out.length - 1);
      const gap = rng.uniform(P.BROKEN_RIDGE_GAP[0], P.BROKEN_RIDGE_GAP[1]);
      const theta = out[k].angle;
      x = Math.round(xs[k] + gap * Math.cos(theta));
      y = Math.round(ys[k] - gap * Math.sin(theta)); // ISO angles: y up
      facing = theta + Math.PI;
    } else if (closePair) {
      const k = rng.int(0, out.length - 1);
      const d = rng.uniform(P.CLOSE_PAIR_DISTANCE[0], P.CLOSE_PAIR_DISTANCE[1]);
      const a = rng.uniform(0, TWO_PI);
      x = Math.round(xs[k] + d * Math.cos(a));
      y = Math.round(ys[k] + d * Math.sin(a));
    } else {
      // Denser toward the print's centre: with a uniform spread real probes scored too low
      // against generated fingers (real templates have more short-range pairs than a uniform
      // spread). The concentration is fitted on those impostor scores; it overshoots the
      // short-range pair count a little (see the report's pair rows).
      const r = Math.pow(rng.float(), P.RADIAL_CONCENTRATION / 2), a = rng.uniform(0, TWO_PI);
      x = Math.round(cx + r * rx * Math.cos(a));
      y = Math.round(cy + r * ry * Math.sin(a));
    }
    if (x < lo || x > hiX || y < lo || y > hiY) continue;
    if (nearest2(x, y) < (closePair ? closeMin2 : minSpacing2)) continue;
    let direction: number;
    if (facing !== null) {
      direction = facing + noise * rng.gauss();
    } else {
      const orientation = fieldOrientation(field, x, y);
      // Polarity: toward the finger's focus, except a share flipped.
      const toward = Math.atan2(y - fy, fx - x); // ISO angles: y up
      direction = Math.cos(orientation - toward) >= 0 ? orientation : orientation + Math.PI;
      if (rng.float() < flipShare) direction += Math.PI;
      direction += noise * rng.gauss();
    }
    if (rng.float() < outlierShare) direction += P.DIRECTION_OUTLIER_SD * rng.gauss();
    const unit = ((Math.round(direction / P.ANGLE_UNIT) % 256) + 256) % 256; // also turns −0 into 0
    xs.push(x);
    ys.push(y);
    out.push({
      x, y,
      angle: unit * P.ANGLE_UNIT,
      type: rng.float() < P.ENDING_SHARE ? 'ending' : 'bifurcation',
      quality: 0, // the real SecuGen templates carry none either
    });
  }
  return stretched(out, sensor.stretch, cx, cy, lo, hiX, hiY);
}

/**
 * The capture's anisotropic stretch about the print centre: positions scaled per axis,
 * directions turned with them (the direction vector scaled by the same factors), re-snapped to
 * the ISO grid; minutiae pushed out of the frame are dropped, as the frame crops a real print.
 */
function stretched(minutiae: Minutia[], [sx, sy]: readonly [number, number], cx: number, cy: number, lo: number, hiX: number, hiY: number): Minutia[] {
  if (sx === 1 && sy === 1) return minutiae;
  const out: Minutia[] = [];
  for (const m of minutiae) {
    const x = Math.round(cx + sx * (m.x - cx)), y = Math.round(cy + sy * (m.y - cy));
    if (x < lo || x > hiX || y < lo || y > hiY) continue;
    // ISO angles count counter-clockwise with y up: the direction (cos, sin) scales to (sx·cos, sy·sin)
    const direction = Math.atan2(sy * Math.sin(m.angle), sx * Math.cos(m.angle));
    const unit = ((Math.round(direction / P.ANGLE_UNIT) % 256) + 256) % 256;
    out.push({ ...m, x, y, angle: unit * P.ANGLE_UNIT });
  }
  return out;
}

/** Seed of one finger of one subject. */
export function scaleFingerSeed(seed: number, subject: number, position: number): number {
  return mixSeed(seed, subject, position);
}

/** One generated finger as a one-view ISO 19794-2 record (300×400 at 197 px/cm). */
export function scaleFingerRecord(seed: number, subject: number, position: number, P: ScaleGeneratorParams = DEFAULT_PARAMS): MinutiaeRecord {
  return {
    format: 'iso19794-2:2005',
    width: P.FRAME_WIDTH,
    height: P.FRAME_HEIGHT,
    resolutionX: P.FRAME_RESOLUTION,
    resolutionY: P.FRAME_RESOLUTION,
    captureEquipmentId: 0,
    views: [{
      fingerPosition: position, viewNumber: 0, impressionType: 0, quality: 0,
      minutiae: scaleFingerMinutiae(scaleFingerSeed(seed, subject, position), P, position),
    }],
  };
}

function resolved(opts: ScaleGalleryOptions): Required<ScaleGalleryOptions> {
  const o = { fingers: 2, batchSize: 1000, firstSubject: 0, idPrefix: 'syn-', ...opts };
  checkInteger('subjects', o.subjects, 0);
  checkInteger('fingers', o.fingers, 1, FINGER_ORDER.length);
  checkInteger('seed', o.seed, 0, 0xffffffff);
  checkInteger('batchSize', o.batchSize, 1);
  checkInteger('firstSubject', o.firstSubject, 0);
  return o;
}

/** The referenceId of subject `index`. */
export function scaleReferenceId(index: number, prefix = 'syn-'): string {
  return `${prefix}${String(index).padStart(7, '0')}`;
}

/** Subject `index` of a generated gallery (the same whichever batch it is generated in). */
export function scaleSubject(index: number, opts: Omit<ScaleGalleryOptions, 'subjects'>): ScaleSubject {
  const o = resolved({ subjects: 0, ...opts });
  checkInteger('index', index, 0);
  return {
    index,
    referenceId: scaleReferenceId(index, o.idPrefix),
    fingers: FINGER_ORDER.slice(0, o.fingers).map((position) => ({ position, record: scaleFingerRecord(o.seed, index, position) })),
  };
}

/** The gallery as batches of subjects, generated lazily: only one batch exists at a time. */
export function* scaleGalleryBatches(opts: ScaleGalleryOptions): Generator<ScaleSubject[]> {
  const o = resolved(opts);
  const end = o.firstSubject + o.subjects;
  for (let start = o.firstSubject; start < end; start += o.batchSize) {
    const batch: ScaleSubject[] = [];
    for (let i = start; i < Math.min(end, start + o.batchSize); i++) batch.push(scaleSubject(i, o));
    yield batch;
  }
}

/** Callback form of scaleGalleryBatches; `onBatch` may return a promise (backpressure). */
export async function forEachScaleBatch(opts: ScaleGalleryOptions, onBatch: (batch: ScaleSubject[]) => void | Promise<void>): Promise<void> {
  for (const batch of scaleGalleryBatches(opts)) await onBatch(batch);
}
