/**
 * Recall of the 1:N prefilter (engine/prefilter/): how often a finger's true mate survives
 * when only the top share of the gallery by vector similarity is kept, and what it costs.
 *   node --import tsx bench/prefilter-recall.ts [--gallery N (100000)] [--dimension D (PREFILTER.dimension, 2048; a power of two)] [--whiten S] [--json FILE]
 *
 * Real data: the four FVC2002 ISO "B" sets (320 templates, 40 fingers × 8), read in place.
 * 1. Pool = every other template of the four sets (7 mates, 312 non-mates per probe). For each
 *    (probe, mate) pair the penetration it needs = share of the probe's non-mates whose vector
 *    similarity is ≥ the mate's; recall at p = share of pairs needing < p. Exact (brute force).
 *    Single-mate variant (what identify sees: the gallery holds one impression per finger):
 *    mate = impression 1 of the probe's finger, probes = impressions 2–8, same non-mates.
 *    Two fingers: "either" = 1 − (1 − r)² (independent fingers); "fused" = the rank of the sum
 *    of both fingers' similarities among all sums of non-mate similarities (probe fingers of
 *    DB1/DB2 paired with those of DB3/DB4 into 20 two-finger subjects).
 * 2. Planted: N synthetic gallery fingers (datasets/synthetic.ts, one impression each) plus
 *    impression 1 of the 40 real fingers, in one hnsw index; real impressions 2–8 search it.
 *    Recall at p = mate inside the top ⌈p·gallery⌉, by brute force and through hnsw, so the
 *    index's own loss is separate from the vector's. Synthetic non-mates are not real ones:
 *    read these beside the real-pool figures, not instead of them.
 * 3. Cost: vector time per template, hnsw insertion rate, hnsw query time at k = 1 % of the
 *    gallery (and a label filter), beside a brute-force JS scan of the same vectors (baseline).
 *    The 1M lines are extrapolations from the measured N, printed as such.
 * 4. --whiten S (experiment, real pool only): instead of the engine's fixed hash, fold the same
 *    pair histogram with PCA + whitening fitted on S synthetic impressions (unlabelled; never on
 *    the evaluation sets), to show what a learned projection of the same dimension would give.
 * Exit codes: 0 done, 1 error, 2 bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FingerMatcher, FingerIndex, templateVector, templateMinutiae, pairHistogramFeatures, PREFILTER, PREFILTER_INDEX, type FingerTemplate } from '../engine/index.ts';
import { fvc2002IsoSetDirs, isDirectory } from './data-dir.ts';
import { enrolSamples, readIsoSamples } from './iso-samples.ts';
import { generateFinger, generateImpression, mixSeed, mulberry32 } from '../datasets/synthetic.ts';

const USAGE = 'usage: node --import tsx bench/prefilter-recall.ts [--gallery N] [--dimension D] [--whiten S] [--json FILE]';
const PENETRATIONS = [0.005, 0.01, 0.02, 0.05, 0.1];
const SYNTHETIC_SEED = 4242;
const QUERY_KS_SHARE = [0.005, 0.01, 0.02];
/** hnsw ef as a multiple of k, timed side by side (the params default and a cheaper one). */
const EF_FACTORS = [PREFILTER_INDEX.efFactor, 1.5];
const TIMED_QUERIES = 40;
const EXTRAPOLATE_TO = 1_000_000;

interface RealFinger { finger: string; set: number; impression: number; vector: Float32Array; template: FingerTemplate }
type RecallRow = Record<string, number>;

function recallAt(needed: readonly number[]): RecallRow {
  return Object.fromEntries(PENETRATIONS.map((p) => [pct(p), needed.filter((x) => x < p).length / needed.length]));
}
const pct = (p: number): string => `${+(p * 100).toFixed(1)}%`;
const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Real templates of the four sets with their vectors; null when the data folder is absent. */
function loadReal(matcher: FingerMatcher, dimension: number): { fingers: RealFinger[]; msPerVector: number } | null {
  const dirs = fvc2002IsoSetDirs();
  const missing = dirs.filter((d) => !isDirectory(d));
  if (missing.length > 0) {
    console.log(`real-data recall skipped: ${missing.join(', ')} not found (set BIODEDUP_DATA)`);
    return null;
  }
  const templates: { finger: string; set: number; impression: number; template: FingerTemplate }[] = [];
  dirs.forEach((dir, set) => {
    for (const e of enrolSamples(matcher, readIsoSamples(dir, 'fvc'))) {
      if (e.template !== null) templates.push({ finger: `${set}:${e.identity}`, set, impression: e.impression, template: e.template });
    }
  });
  const start = performance.now();
  const fingers = templates.map((t) => ({ ...t, vector: templateVector(t.template, new Float32Array(dimension)) }));
  return { fingers, msPerVector: (performance.now() - start) / templates.length };
}

interface PoolRanks { allMates: number[]; singleMate: number[]; nonMates: Float32Array[]; mateSim: Map<string, number> }

/** For every probe: similarities to its non-mates (sorted) and the penetration each mate needs. */
function poolRanks(fingers: readonly RealFinger[]): PoolRanks {
  const allMates: number[] = [], singleMate: number[] = [], nonMates: Float32Array[] = [];
  const mateSim = new Map<string, number>();
  fingers.forEach((probe, i) => {
    const non = Float32Array.from(fingers.filter((g) => g.finger !== probe.finger), (g) => dot(probe.vector, g.vector)).sort();
    nonMates.push(non);
    fingers.forEach((mate, j) => {
      if (j === i || mate.finger !== probe.finger) return;
      const s = dot(probe.vector, mate.vector);
      const needed = countAtLeast(non, s) / non.length;
      allMates.push(needed);
      if (mate.impression === 1) {
        singleMate.push(needed);
        mateSim.set(`${i}`, s);
      }
    });
  });
  return { allMates, singleMate, nonMates, mateSim };
}

/** Values of a sorted array that are ≥ x. */
function countAtLeast(sorted: Float32Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/**
 * Two-finger subjects: finger k of DB1/DB2 with finger k of DB3/DB4 (unrelated fingers, like
 * two fingers of one person as far as the vector knows). Needed penetration of the fused
 * similarity = share of (non-mate a, non-mate b) sums ≥ the mate sum.
 */
function fusedTwoFinger(fingers: readonly RealFinger[], ranks: PoolRanks): number[] {
  const index = new Map(fingers.map((f, i) => [`${f.finger}#${f.impression}`, i]));
  const needed: number[] = [];
  fingers.forEach((a, i) => {
    if (a.set > 1 || a.impression === 1) return;
    const partner = `${a.set + 2}:${a.finger.split(':')[1]}#${a.impression}`;
    const j = index.get(partner);
    if (j === undefined) return;
    const sa = ranks.mateSim.get(`${i}`), sb = ranks.mateSim.get(`${j}`);
    if (sa === undefined || sb === undefined) return;
    const na = ranks.nonMates[i], nb = ranks.nonMates[j];
    let count = 0;
    for (const x of na) count += countAtLeast(nb, sa + sb - x);
    needed.push(count / (na.length * nb.length));
  });
  return needed;
}

/** One synthetic gallery finger's template (impression 1 of master `f`). */
function syntheticTemplate(matcher: FingerMatcher, f: number): FingerTemplate {
  const master = generateFinger(mixSeed(SYNTHETIC_SEED, f));
  const record = generateImpression(master, mixSeed(SYNTHETIC_SEED, f, 1));
  return matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX });
}

interface Planted {
  gallery: number;
  build: { msPerSyntheticTemplate: number; msPerVector: number; insertsPerSecond: number; buildSeconds: number };
  recall: { bruteForce: RecallRow; hnsw: RecallRow; probes: number };
  query: { k: number; hnsw: { efFactor: number; ef: number; ms: number; topKOverlap: number }[]; filteredMs: number; exactScanMs: number }[];
}

function planted(matcher: FingerMatcher, n: number, real: readonly RealFinger[] | null, dimension: number): Planted {
  const vectors: Float32Array[] = [];
  let t = performance.now();
  const templates: FingerTemplate[] = [];
  for (let f = 0; f < n; f++) templates.push(syntheticTemplate(matcher, f));
  const msPerSyntheticTemplate = (performance.now() - t) / n;
  t = performance.now();
  for (const template of templates) vectors.push(templateVector(template, new Float32Array(dimension)));
  const msPerVector = (performance.now() - t) / n;
  templates.length = 0;
  const mates = new Map<string, number>(); // real finger → its gallery slot
  for (const r of real ?? []) {
    if (r.impression !== 1) continue;
    mates.set(r.finger, vectors.length);
    vectors.push(r.vector);
  }
  const index = FingerIndex.create({ capacity: vectors.length, dimension });
  t = performance.now();
  vectors.forEach((v, slot) => index.add(slot, v));
  const buildSeconds = (performance.now() - t) / 1000;
  const size = vectors.length;

  // Recall of planted real mates: brute-force rank vs hnsw top-k at each penetration.
  const probes = (real ?? []).filter((r) => r.impression !== 1 && mates.has(r.finger));
  const bruteNeeded: number[] = [];
  const hnswHit = new Map(PENETRATIONS.map((p) => [p, 0]));
  for (const probe of probes) {
    const slot = mates.get(probe.finger)!;
    const mateSim = dot(probe.vector, vectors[slot]);
    let above = 0;
    for (let s = 0; s < size; s++) if (s !== slot && dot(probe.vector, vectors[s]) >= mateSim) above++;
    bruteNeeded.push(above / (size - 1));
    for (const p of PENETRATIONS) {
      const k = Math.ceil(p * size);
      // one query per p: ef grows with k, as the engine would call it
      if (index.search(probe.vector, k).slots.includes(slot)) hnswHit.set(p, hnswHit.get(p)! + 1);
    }
  }
  const hnswRecall = Object.fromEntries(PENETRATIONS.map((p) => [pct(p), probes.length ? hnswHit.get(p)! / probes.length : NaN]));

  // Query cost at k = share of the gallery: hnsw at two ef settings, beside an exact scan.
  const queries = vectors.filter((_, i) => i % Math.max(1, Math.floor(size / TIMED_QUERIES)) === 0).slice(0, TIMED_QUERIES);
  const allowEven = (s: number): boolean => (s & 1) === 0;
  const query = QUERY_KS_SHARE.map((share) => {
    const k = Math.ceil(share * size);
    t = performance.now();
    const exact = queries.map((q) => exactTopK(vectors, q, k));
    const exactScanMs = (performance.now() - t) / queries.length;
    const byEf = EF_FACTORS.map((efFactor) => {
      const ef = Math.max(Math.ceil(k * efFactor), PREFILTER_INDEX.efMin);
      t = performance.now();
      const results = queries.map((q) => index.search(q, k, { ef }).slots);
      const ms = (performance.now() - t) / queries.length;
      let overlap = 0;
      results.forEach((r, i) => {
        const want = new Set(exact[i]);
        overlap += r.filter((s) => want.has(s)).length / k;
      });
      return { efFactor, ef, ms, topKOverlap: overlap / queries.length };
    });
    t = performance.now();
    for (const q of queries) index.search(q, k, { allow: allowEven });
    const filteredMs = (performance.now() - t) / queries.length;
    return { k, hnsw: byEf, filteredMs, exactScanMs };
  });
  return {
    gallery: size,
    build: { msPerSyntheticTemplate, msPerVector, insertsPerSecond: size / buildSeconds, buildSeconds },
    recall: { bruteForce: recallAt(bruteNeeded), hnsw: hnswRecall, probes: probes.length },
    query,
  };
}

/** Exact top-k slots by inner product: a plain JS scan, then the k-th best as a threshold (the baseline). */
function exactTopK(vectors: readonly Float32Array[], q: Float32Array, k: number): number[] {
  const sims = new Float32Array(vectors.length);
  for (let s = 0; s < vectors.length; s++) sims[s] = dot(q, vectors[s]);
  const threshold = sims.slice().sort()[vectors.length - k];
  const out: number[] = [];
  for (let s = 0; s < sims.length && out.length < k; s++) if (sims[s] >= threshold) out.push(s);
  return out;
}

/** Seed of the whitening experiment's synthetic training fingers (apart from the planted gallery's). */
const WHITEN_SEED = 7331;
/** Extra random directions of the randomized PCA beyond the kept dimension (oversampling). */
const PCA_OVERSAMPLE = 44;

/** x / |x| in place (zero stays zero). */
function unit(x: Float64Array): Float64Array {
  let s = 0;
  for (const v of x) s += v * v;
  if (s > 0) for (let i = 0; i < x.length; i++) x[i] /= Math.sqrt(s);
  return x;
}

/** Gram–Schmidt on the columns of a row-major rows × cols matrix, in place. */
function orthonormalColumns(m: Float64Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    for (let p = 0; p < c; p++) {
      let d = 0;
      for (let k = 0; k < rows; k++) d += m[k * cols + c] * m[k * cols + p];
      for (let k = 0; k < rows; k++) m[k * cols + c] -= d * m[k * cols + p];
    }
    let n = 0;
    for (let k = 0; k < rows; k++) n += m[k * cols + c] ** 2;
    n = Math.sqrt(n) || 1;
    for (let k = 0; k < rows; k++) m[k * cols + c] /= n;
  }
}

/** Eigenvectors (columns of the returned r × r matrix) and eigenvalues of a symmetric matrix, by cyclic Jacobi. */
function symmetricEigen(a: Float64Array, r: number): { vectors: Float64Array; values: Float64Array } {
  const v = new Float64Array(r * r);
  for (let i = 0; i < r; i++) v[i * r + i] = 1;
  for (let sweep = 0; sweep < 10; sweep++) {
    for (let p = 0; p < r; p++) for (let q = p + 1; q < r; q++) {
      const apq = a[p * r + q];
      if (Math.abs(apq) < 1e-15) continue;
      const theta = (a[q * r + q] - a[p * r + p]) / (2 * apq);
      const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < r; k++) {
        const kp = a[k * r + p], kq = a[k * r + q];
        a[k * r + p] = c * kp - s * kq;
        a[k * r + q] = s * kp + c * kq;
      }
      for (let k = 0; k < r; k++) {
        const pk = a[p * r + k], qk = a[q * r + k];
        a[p * r + k] = c * pk - s * qk;
        a[q * r + k] = s * pk + c * qk;
      }
      for (let k = 0; k < r; k++) {
        const kp = v[k * r + p], kq = v[k * r + q];
        v[k * r + p] = c * kp - s * kq;
        v[k * r + q] = s * kp + c * kq;
      }
    }
  }
  return { vectors: v, values: Float64Array.from({ length: r }, (_, i) => a[i * r + i]) };
}

/**
 * PCA + whitening of unit pair-histogram features, by randomized range finding (one power
 * step): returns x ↦ unit(W·(unit(x) − mean)) with W's rows = top components / √eigenvalue.
 */
function fitWhitening(samples: readonly Float64Array[], dimension: number): (x: Float64Array) => Float32Array {
  const d = samples[0].length, n = samples.length, r = dimension + PCA_OVERSAMPLE;
  const mean = new Float64Array(d);
  const x = samples.map((v) => unit(v.slice()));
  for (const v of x) for (let i = 0; i < d; i++) mean[i] += v[i] / n;
  for (const v of x) for (let i = 0; i < d; i++) v[i] -= mean[i];
  const rnd = mulberry32(WHITEN_SEED);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const omega = Float64Array.from({ length: d * r }, gauss); // d × r
  const y = new Float64Array(n * r); // X·Ω
  x.forEach((v, k) => { for (let i = 0; i < d; i++) if (v[i] !== 0) for (let c = 0; c < r; c++) y[k * r + c] += v[i] * omega[i * r + c]; });
  orthonormalColumns(y, n, r);
  const z = new Float64Array(d * r); // Xᵀ·Y: the row-space basis
  x.forEach((v, k) => { for (let i = 0; i < d; i++) if (v[i] !== 0) for (let c = 0; c < r; c++) z[i * r + c] += v[i] * y[k * r + c]; });
  orthonormalColumns(z, d, r);
  const cov = new Float64Array(r * r);
  const p = new Float64Array(r);
  for (const v of x) {
    p.fill(0);
    for (let i = 0; i < d; i++) if (v[i] !== 0) for (let c = 0; c < r; c++) p[c] += v[i] * z[i * r + c];
    for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) cov[a * r + b] += (p[a] * p[b]) / n;
  }
  const { vectors, values } = symmetricEigen(cov, r);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]).slice(0, dimension);
  const w = new Float64Array(dimension * d); // row j = Z·v_j / √λ_j
  order.forEach((e, j) => {
    const scale = 1 / Math.sqrt(Math.max(values[e], 1e-12));
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let c = 0; c < r; c++) s += z[i * r + c] * vectors[c * r + e];
      w[j * d + i] = s * scale;
    }
  });
  return (feature) => {
    const v = unit(feature.slice());
    for (let i = 0; i < d; i++) v[i] -= mean[i];
    const out = new Float32Array(dimension);
    for (let j = 0; j < dimension; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += w[j * d + i] * v[i];
      out[j] = s;
    }
    return Float32Array.from(unit(Float64Array.from(out)));
  };
}

/** Real-pool recall with vectors folded by a whitening fitted on `count` synthetic impressions. */
function whitenedRealRecall(matcher: FingerMatcher, fingers: readonly RealFinger[], count: number, dimension: number): Record<string, RecallRow> {
  const training: Float64Array[] = [];
  for (let f = 0; training.length < count; f++) {
    const master = generateFinger(mixSeed(WHITEN_SEED, f));
    const record = generateImpression(master, mixSeed(WHITEN_SEED, f, 1));
    const features = pairHistogramFeatures(templateMinutiae(matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX })));
    if (features !== null) training.push(features);
  }
  const project = fitWhitening(training, dimension);
  const whitened = fingers.map((f) => {
    const features = pairHistogramFeatures(templateMinutiae(f.template));
    return { ...f, vector: features === null ? new Float32Array(dimension) : project(features) };
  });
  const ranks = poolRanks(whitened);
  return { 'per finger, all mates': recallAt(ranks.allMates), 'per finger, single mate (impression 1)': recallAt(ranks.singleMate) };
}

function table(title: string, rows: Record<string, RecallRow>): string {
  const head = ['', ...PENETRATIONS.map(pct)].map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(7))).join('');
  const lines = Object.entries(rows).map(([name, r]) => name.padEnd(44) + PENETRATIONS.map((p) => `${(100 * r[pct(p)]).toFixed(1)}`.padStart(7)).join(''));
  return [title, head, ...lines].join('\n');
}

export async function prefilterRecallMain(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { gallery: { type: 'string' }, dimension: { type: 'string' }, whiten: { type: 'string' }, json: { type: 'string' } } }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const gallery = values.gallery === undefined ? 100_000 : Number(values.gallery);
  if (!Number.isInteger(gallery) || gallery < 0) {
    console.error(`--gallery must be a non-negative integer, got "${values.gallery}"\n${USAGE}`);
    return 2;
  }
  const dimension = values.dimension === undefined ? PREFILTER.dimension : Number(values.dimension);
  if (!Number.isInteger(dimension) || dimension < 16 || dimension > 4096) {
    console.error(`--dimension must be an integer in 16–4096, got "${values.dimension}"\n${USAGE}`);
    return 2;
  }
  const whiten = values.whiten === undefined ? 0 : Number(values.whiten);
  if (!Number.isInteger(whiten) || whiten < 0 || (whiten > 0 && whiten < 2 * dimension)) {
    console.error(`--whiten must be 0 or an integer ≥ 2 × dimension, got "${values.whiten}"\n${USAGE}`);
    return 2;
  }
  try {
    const matcher = new FingerMatcher();
    console.log(`vector: ${dimension} float32, pair histogram ${PREFILTER.distanceBins}×${PREFILTER.angleBins}×${PREFILTER.angleBins}; hnsw M=${PREFILTER_INDEX.m} efConstruction=${PREFILTER_INDEX.efConstruction} ef=max(${PREFILTER_INDEX.efFactor}·k, ${PREFILTER_INDEX.efMin})`);
    const real = loadReal(matcher, dimension);
    const out: Record<string, unknown> = { dimension, penetrations: PENETRATIONS };
    if (real !== null) {
      const ranks = poolRanks(real.fingers);
      const perFinger = recallAt(ranks.allMates);
      const single = recallAt(ranks.singleMate);
      const either = (r: RecallRow): RecallRow => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, 1 - (1 - v) ** 2]));
      const fused = recallAt(fusedTwoFinger(real.fingers, ranks));
      console.log(`\nreal pool: ${real.fingers.length} templates, ${ranks.allMates.length} (probe, mate) pairs, ${ranks.singleMate.length} single-mate probes; ${real.msPerVector.toFixed(3)} ms per vector`);
      console.log(table('recall (%) at penetration — exact vector similarity (brute force)', {
        'per finger, all mates': perFinger,
        'per finger, single mate (impression 1)': single,
        '2 fingers, either finger (1−(1−r)², single)': either(single),
        '2 fingers, fused similarity (single mate)': fused,
      }));
      if (whiten > 0) {
        const started = performance.now();
        const rows = whitenedRealRecall(matcher, real.fingers, whiten, dimension);
        console.log(table(`experiment: the same histogram folded by PCA + whitening fitted on ${whiten} synthetic impressions (${((performance.now() - started) / 1000).toFixed(0)} s), exact`, rows));
        out.whitened = { trainingImpressions: whiten, ...rows };
      }
      Object.assign(out, { real: { templates: real.fingers.length, msPerVector: real.msPerVector, perFinger, single, eitherOfTwo: either(single), fusedTwo: fused } });
    }
    if (gallery > 0) {
      const p = planted(matcher, gallery, real?.fingers ?? null, dimension);
      console.log(`\nplanted: ${gallery} synthetic + ${p.gallery - gallery} real gallery fingers, ${p.recall.probes} real probes`);
      console.log(`build: ${p.build.msPerSyntheticTemplate.toFixed(3)} ms/synthetic template, ${p.build.msPerVector.toFixed(3)} ms/vector, hnsw ${p.build.insertsPerSecond.toFixed(0)} inserts/s (${p.build.buildSeconds.toFixed(1)} s)`);
      if (p.recall.probes > 0) {
        console.log(table('recall (%) of planted real mates at penetration', { 'brute force (exact)': p.recall.bruteForce, 'hnsw top-k': p.recall.hnsw }));
      }
      console.log('\nquery cost (mean of timed queries, one core):');
      for (const q of p.query) {
        const h = q.hnsw.map((e) => `ef=${e.ef}: ${e.ms.toFixed(1)} ms, ${(100 * e.topKOverlap).toFixed(1)} % of the exact top-k`).join('; ');
        console.log(`  k=${q.k}: hnsw ${h}; with a label filter (half the slots) ${q.filteredMs.toFixed(1)} ms; exact JS scan + select ${q.exactScanMs.toFixed(1)} ms`);
      }
      const scale = EXTRAPOLATE_TO / p.gallery;
      console.log(`extrapolated to ${EXTRAPOLATE_TO} fingers (linear; not measured): hnsw build ${(p.build.buildSeconds * scale / 60).toFixed(0)} min single-threaded (insertion slows as the graph grows, so this is a lower bound), vectors ${(p.build.msPerVector * EXTRAPOLATE_TO / 60000).toFixed(1)} min, exact scan ×${scale.toFixed(0)} the time above`);
      out.planted = p;
    }
    if (values.json) writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);
    return 0;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    console.error(`error${typeof code === 'string' ? ` [${code}]` : ''}: ${(e as Error).message}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await prefilterRecallMain(process.argv.slice(2));
}
