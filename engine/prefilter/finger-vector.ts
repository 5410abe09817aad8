/**
 * The prefilter's fixed-length vector of one finger: folded features of the template, centred,
 * rotated and reduced to signs, so that the inner product of two vectors (±1/√D each) estimates
 * the cosine of their features. The gallery packs it to D bits (engine/gallery/vector-quantise.ts)
 * and compares by counting agreeing bits.
 *
 * Features (both unchanged when the print is rotated or moved):
 * - pairs: every minutia pair (i, j) described by its length d and the direction of each minutia
 *   against the line from i to j (α = θi − φij, β = θj − φij), soft-binned; a missing or spurious
 *   minutia only removes or adds its own pairs, and partial overlap keeps the pairs of the shared
 *   area. Each bin holds √ of its share of the pairs (Hellinger) minus its distance bin's mean.
 * - cylinder codes (cylinder-codes.ts): bit-sampling codes of each minutia's MCC cylinder, its
 *   neighbourhood in its own frame — a local structure the pairs alone do not see.
 *
 * Pipeline: checkMinutiae → pairHistogram → hellingerCentre → sketch (fixed signed hash to D) → L2;
 * addCylinderCodes (to D) → L2; weighted sum (PREFILTER.pairWeight) → L2 → centre (minus the mean
 * of real prints, finger-mean.ts) → L2 → random signs + Walsh–Hadamard → sign.
 * The one thing learned from data is that mean (from the fit half of the real FVC2002 fingers,
 * never from the halves the figures are reported on): every finger shares a large component, whose
 * carriers otherwise come close to every probe (hubs) and which would set most signs alike.
 * Why signs: D sign bits of a random rotation estimate the cosine with noise ≈ π/(2√D) at the
 * bytes of D/8 int8 floats, whose sketch noise is ≈ 1/√(D/8): twice the noise at D = 2048.
 */
import { EngineError } from '../errors.ts';
import { templateMinutiae, type FingerTemplate, type TemplateMinutia } from '../finger-matcher.ts';
import { PREFILTER } from './params.ts';
import { PREFILTER_MEAN } from './finger-mean.ts';
import { addCylinderCodes } from './cylinder-codes.ts';

const TWO_PI = 2 * Math.PI;
const { distanceBins: ND, angleBins: NA, minPairDistance: D_MIN, maxPairDistance: D_MAX } = PREFILTER;
const CELLS = ND * NA * NA;
const D_STEP = (D_MAX - D_MIN) / ND;
const A_STEP = TWO_PI / NA;
/** Guards against coordinates no template can hold (the matcher caps them at 65535 px). */
const MAX_COORDINATE = 65535;
const MIN_DIMENSION = 16;
const MAX_DIMENSION = 4096;

/** The dimension of every vector this module makes by default (sign values; D/8 bytes packed). */
export const FINGER_VECTOR_DIMENSION: number = PREFILTER.dimension;

/** Reused between calls: the histogram is the only sizeable allocation. */
const histogram = new Float64Array(CELLS);
/** One cell → (coordinate, sign) table per output dimension in use (normally just the default). */
const sketchTables = new Map<number, SketchTable>();
/** Random ±1 per coordinate before the Walsh–Hadamard rotation, per dimension in use. */
const rotationSigns = new Map<number, Float64Array>();

/**
 * The vector of a stored template (MCC1, or the compact form the shards hold): D values of ±1/√D
 * (D = `out.length`, default `PREFILTER.dimension`; another power of two in 16–4096 for
 * experiments, uncentred, comparable only with its own dimension). A print with fewer than
 * `PREFILTER.minPairs` usable pairs gets the all-zero vector: it matches nothing, so a caller
 * should fall back to the exhaustive scan for such a probe (see `isEmptyVector`).
 */
export function templateVector(template: FingerTemplate, out: Float32Array = new Float32Array(PREFILTER.dimension)): Float32Array {
  checkOut(out);
  out.fill(0);
  const features = templateFeatures(template, out.length);
  if (features === null) return out;
  // only the default dimension has a mean (other dimensions are experiments)
  if (PREFILTER.centre && features.length === PREFILTER_MEAN.length) {
    for (let i = 0; i < features.length; i++) features[i] -= PREFILTER_MEAN[i];
    normalise(features);
  }
  signsOfRotation(features, out);
  return out;
}

/**
 * The folded features behind the vector, before centring and signs (L2-normalised, `dimension`
 * floats), or null when the print has too few pairs. What bench/prefilter-mean.ts averages.
 */
export function templateFeatures(template: FingerTemplate, dimension: number = PREFILTER.dimension): Float64Array | null {
  checkDimension(dimension);
  const minutiae = templateMinutiae(template);
  checkMinutiae(minutiae);
  const features = foldedPairs(minutiae, dimension);
  if (features === null) return null;
  const cylinders = new Float64Array(dimension);
  addCylinderCodes(template, cylinders);
  normalise(cylinders);
  const wp = Math.sqrt(PREFILTER.pairWeight), wc = Math.sqrt(1 - PREFILTER.pairWeight);
  for (let i = 0; i < dimension; i++) features[i] = wp * features[i] + wc * cylinders[i];
  normalise(features);
  return features;
}

/**
 * The vector of features already computed (`templateFeatures`) centred on a given mean instead
 * of the fit half's real one: for fitting and checking on real prints that must not be centred on
 * a mean they contributed to (datasets/scale-fit-objective.ts). `features` is left unchanged.
 */
export function vectorOfFeatures(features: Float64Array, mean: ArrayLike<number>, out: Float32Array = new Float32Array(features.length)): Float32Array {
  checkOut(out);
  if (features.length !== out.length || mean.length !== out.length) throw new EngineError('ERR_PREFILTER_DIMENSION', `features, mean and output must have one length, got ${features.length}, ${mean.length}, ${out.length}`);
  const f = new Float64Array(features.length);
  for (let i = 0; i < f.length; i++) f[i] = features[i] - mean[i];
  normalise(f);
  signsOfRotation(f, out);
  return out;
}

/**
 * The pair part alone of a minutiae set (500 dpi pixels, y down, ISO direction in radians), as
 * L2-normalised floats of `out.length` (16–4096, a power of two); all zeros under
 * `PREFILTER.minPairs` pairs. The engine's vector is `templateVector`: the cylinder codes need
 * the template.
 */
export function fingerVector(minutiae: readonly TemplateMinutia[], out: Float32Array = new Float32Array(PREFILTER.dimension)): Float32Array {
  checkOut(out);
  checkMinutiae(minutiae);
  out.fill(0);
  const folded = foldedPairs(minutiae, out.length);
  if (folded !== null) out.set(folded);
  return out;
}

/** The pair part: the centred Hellinger pair histogram folded to `dimension` floats, L2-normalised; null under `PREFILTER.minPairs` pairs. */
function foldedPairs(minutiae: readonly TemplateMinutia[], dimension: number): Float64Array | null {
  const pairs = pairHistogram(minutiae, histogram);
  if (pairs < PREFILTER.minPairs) return null;
  hellingerCentre(histogram, 2 * pairs);
  const folded = new Float64Array(dimension);
  sketch(histogram, folded);
  normalise(folded);
  return folded;
}

/**
 * The unfolded pair histogram behind the vector: the centred Hellinger pair histogram
 * (`PREFILTER.distanceBins × angleBins²` cells, row-major distance, α, β), or null when the
 * print has too few pairs. For experiments with other foldings (the bench's `--whiten`).
 */
export function pairHistogramFeatures(minutiae: readonly TemplateMinutia[]): Float64Array | null {
  checkMinutiae(minutiae);
  const pairs = pairHistogram(minutiae, histogram);
  if (pairs < PREFILTER.minPairs) return null;
  hellingerCentre(histogram, 2 * pairs);
  return histogram.slice();
}

/** True for the all-zero vector `templateVector` returns when a print has too few pairs. */
export function isEmptyVector(vector: Float32Array): boolean {
  return vector.every((v) => v === 0);
}

function checkOut(out: Float32Array): void {
  if (!(out instanceof Float32Array)) throw new EngineError('ERR_PREFILTER_DIMENSION', `output vector must be a Float32Array (default ${PREFILTER.dimension} floats)`);
  checkDimension(out.length);
}

function checkDimension(d: number): void {
  if (!Number.isInteger(d) || d < MIN_DIMENSION || d > MAX_DIMENSION || (d & (d - 1)) !== 0) {
    throw new EngineError('ERR_PREFILTER_DIMENSION', `vector dimension must be a power of two in ${MIN_DIMENSION}–${MAX_DIMENSION} (default ${PREFILTER.dimension}), got ${d}`);
  }
}

function checkMinutiae(minutiae: readonly TemplateMinutia[]): void {
  if (!Array.isArray(minutiae)) throw new EngineError('ERR_PREFILTER_INPUT', 'minutiae must be an array');
  minutiae.forEach((m, i) => {
    const ok = m !== null && typeof m === 'object'
      && Number.isFinite(m.x) && Number.isFinite(m.y) && Number.isFinite(m.angle)
      && Math.abs(m.x) <= MAX_COORDINATE && Math.abs(m.y) <= MAX_COORDINATE;
    if (!ok) throw new EngineError('ERR_PREFILTER_INPUT', `minutia ${i} has a non-finite or out-of-range position or direction`);
  });
}

/** Adds every pair within the distance range, in both orders; returns the number of unordered pairs. */
function pairHistogram(m: readonly TemplateMinutia[], h: Float64Array): number {
  h.fill(0);
  let pairs = 0;
  for (let i = 0; i < m.length; i++) {
    for (let j = i + 1; j < m.length; j++) {
      const dx = m[j].x - m[i].x;
      const dy = m[i].y - m[j].y; // y down in the template, angles counter-clockwise with y up
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d < D_MIN || d >= D_MAX) continue;
      const phi = Math.atan2(dy, dx);
      const alpha = m[i].angle - phi;
      const beta = m[j].angle - phi;
      addPair(h, d, alpha, beta);
      addPair(h, d, beta - Math.PI, alpha - Math.PI); // the same pair seen from j (line j → i)
      pairs++;
    }
  }
  return pairs;
}

/** Linear soft binning over distance (clamped at the ends) and both angles (circular). */
function addPair(h: Float64Array, d: number, alpha: number, beta: number): void {
  const fd = (d - D_MIN) / D_STEP - 0.5;
  const fa = wrap(alpha) / A_STEP - 0.5;
  const fb = wrap(beta) / A_STEP - 0.5;
  const d0 = Math.floor(fd), a0 = Math.floor(fa), b0 = Math.floor(fb);
  const wd = fd - d0, wa = fa - a0, wb = fb - b0;
  for (let u = 0; u < 2; u++) {
    const di = d0 + u;
    if (di < 0 || di >= ND) continue;
    const w1 = u === 0 ? 1 - wd : wd;
    for (let v = 0; v < 2; v++) {
      const ai = (a0 + v + NA) % NA;
      const w2 = w1 * (v === 0 ? 1 - wa : wa);
      const row = (di * NA + ai) * NA;
      h[row + ((b0 + NA) % NA)] += w2 * (1 - wb);
      h[row + ((b0 + 1) % NA)] += w2 * wb;
    }
  }
}

/** √ of each cell's share of the pairs (Hellinger: tames bursty cells), minus its distance bin's mean. */
function hellingerCentre(h: Float64Array, total: number): void {
  const perDistance = NA * NA;
  for (let di = 0; di < ND; di++) {
    let sum = 0;
    for (let c = di * perDistance; c < (di + 1) * perDistance; c++) {
      h[c] = Math.sqrt(h[c] / total);
      sum += h[c];
    }
    const mean = sum / perDistance;
    for (let c = di * perDistance; c < (di + 1) * perDistance; c++) h[c] -= mean;
  }
}

/** Count sketch: each cell adds ± its value to one output coordinate (fixed by the seed). */
function sketch(h: Float64Array, out: Float64Array): void {
  let table = sketchTables.get(out.length);
  if (table === undefined) {
    table = buildSketchTable(CELLS, out.length, PREFILTER.sketchSeed);
    sketchTables.set(out.length, table);
  }
  const { slot, sign } = table;
  for (let c = 0; c < h.length; c++) out[slot[c]] += sign[c] * h[c];
}

function normalise(v: Float64Array): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s === 0) return;
  const k = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= k;
}

/** out[i] = sign of (H · diag(s) · f)[i] / √D: a random rotation (H Walsh–Hadamard, s seeded ±1), then signs. */
function signsOfRotation(f: Float64Array, out: Float32Array): void {
  const d = f.length;
  let signs = rotationSigns.get(d);
  if (signs === undefined) {
    const { sign } = buildSketchTable(d, 1, PREFILTER.rotationSeed);
    signs = Float64Array.from(sign);
    rotationSigns.set(d, signs);
  }
  for (let i = 0; i < d; i++) f[i] *= signs[i];
  for (let h = 1; h < d; h *= 2) {
    for (let i = 0; i < d; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const a = f[j], b = f[j + h];
        f[j] = a + b;
        f[j + h] = a - b;
      }
    }
  }
  const unit = 1 / Math.sqrt(d);
  for (let i = 0; i < d; i++) out[i] = f[i] >= 0 ? unit : -unit;
}

function wrap(a: number): number {
  const r = a % TWO_PI;
  return r < 0 ? r + TWO_PI : r >= TWO_PI ? 0 : r;
}

/** The cell → (coordinate, sign) table, from a small seeded PRNG (mulberry32) so every machine agrees. */
interface SketchTable { slot: Uint32Array; sign: Float32Array }

function buildSketchTable(cells: number, dimension: number, seed: number): SketchTable {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const slot = new Uint32Array(cells);
  const sign = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    slot[c] = Math.floor(next() * dimension);
    sign[c] = next() < 0.5 ? -1 : 1;
  }
  return { slot, sign };
}
