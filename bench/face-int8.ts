/**
 * The int8 ResNet (engine/face/net-embedding-int8.ts), issue 17's speed lever:
 *
 *   calibrate — activation scales: the largest value of every quantised tensor of the fp32 ONNX
 *     graph over the chips (and their mirror images) of the first `--per-identity` images of
 *     every identity of half A (the first half of the identities in sorted order: ORL s1–s20,
 *     Yale 01–08); writes engine/face/embedding-int8-scales.ts. Half B is never seen.
 *   variants — every image once through detection, landmarks, alignment and lighting, then
 *     the chip through each embedding variant; threshold-free figures per set on all pairs,
 *     half A and half B (the bench/face-light-variants.ts protocol).
 *
 *   npx tsx bench/face-int8.ts calibrate --set ../shared/data/face/orl:folders --set ../shared/data/face/yale:yale
 *   npx tsx bench/face-int8.ts variants --set ../shared/data/face/orl:folders --set ../shared/data/face/yale:yale [--small-chips]
 *     [--detector SIZE:PAD …] [--coarse-first] [--detector-coarse-first SIZE:PAD] [--tiny-refine SIZE:PAD]
 *     (front-end settings beside the default; --tiny-refine: the tiny landmark net for both passes)
 *     [--other-scales [--all-half-a]] (other half-A calibrations beside the shipped one)
 *   flock /work/heavy.lock npx tsx bench/face-int8.ts time --set … (the ResNet pass alone, each runtime, interleaved)
 *   npx tsx bench/face-int8.ts compare --set … (calibration choices: cosine to fp32 on held-out half-A chips)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EngineError } from '../engine/errors.ts';
import { alignFace } from '../engine/face/align.ts';
import { decodeFaceImage } from '../engine/face/decode.ts';
import { detectLargestFace, type DetectParams } from '../engine/face/detect.ts';
import { l2Normalise, mirrorChip } from '../engine/face/embed.ts';
import { locateLandmarks, type LandmarkParams } from '../engine/face/landmarks.ts';
import { normaliseLighting } from '../engine/face/lighting.ts';
import { loadFaceApi, loadFaceModels, type FaceModels } from '../engine/face/models.ts';
import type { EmbeddingWeights } from '../engine/face/net-embedding.ts';
import { createInt8EmbeddingNet } from '../engine/face/net-embedding-int8.ts';
import { buildEmbeddingGraph, embeddingInputNchw } from '../engine/face/onnx-embedding.ts';
import { encodeOnnxModel } from '../engine/face/onnx-model.ts';
import { createOrtSession, loadOrt } from '../engine/face/ort-runtime.ts';
import { checkEnrolable, measureQuality } from '../engine/face/quality.ts';
import { quantiseEmbedding } from '../engine/face/quantise.ts';
import { faceImageBytes } from '../engine/face/record.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import type { FaceSample } from '../datasets/yale.ts';
import { evaluateEnrolledFaces } from './face-accuracy.ts';
import { listFaceSamples, type EnrolledFace, type FaceLayout } from './face-samples.ts';

interface SetArg { dir: string; layout: FaceLayout }

/** The lit chip of the default pipeline, or the FTE code. */
async function litChip(sample: FaceSample, models: FaceModels, chipSize: number = FACE_PARAMS.align.chipSize, detect: DetectParams = FACE_PARAMS.detect, landmarks: LandmarkParams = FACE_PARAMS.landmarks): Promise<{ chip: Float32Array; side: number } | { failure: string }> {
  const align = { ...FACE_PARAMS.align, chipSize };
  try {
    const image = await decodeFaceImage(faceImageBytes(new Uint8Array(readFileSync(sample.file))));
    const { face, otherFaces } = await detectLargestFace(image, models, detect);
    if (face === null) return { failure: 'ERR_FACE_NOT_FOUND' };
    const points = await locateLandmarks(image, face, models, landmarks);
    const aligned = alignFace(image, points, align);
    checkEnrolable(measureQuality(points, aligned, face.score, otherFaces));
    const lit = normaliseLighting(aligned, align);
    return { chip: lit.chip, side: lit.chipSize };
  } catch (e) {
    if (e instanceof EngineError) return { failure: e.code };
    throw e;
  }
}

function halves(samples: readonly FaceSample[]): Set<string> {
  const identities = [...new Set(samples.map((s) => s.identity))];
  return new Set(identities.slice(0, Math.ceil(identities.length / 2)));
}

const BINS = 4096;

/** Per quant point: the largest |value| and a histogram of |value| over [0, max] (BINS bins), over the given chips of the fp32 graph. */
async function activationStats(chips: readonly Float32Array[]): Promise<{ names: string[]; max: Map<string, number>; histograms: Map<string, Float64Array>; low: Map<string, number>; high: Map<string, number> }> {
  const { tf, nets } = await loadFaceApi();
  const ort = await loadOrt();
  const { graph, quantPoints } = buildEmbeddingGraph(tf, nets.faceRecognitionNet.params as unknown as EmbeddingWeights, null, 1);
  const session = await createOrtSession(encodeOnnxModel(graph));
  const names = quantPoints.map((p) => p.name);
  const max = new Map<string, number>(names.map((n) => [n, 0]));
  const low = new Map<string, number>(names.map((n) => [n, 0])), high = new Map<string, number>(names.map((n) => [n, 0]));
  const histograms = new Map<string, Float64Array>(names.map((n) => [n, new Float64Array(BINS)]));
  for (const pass of [0, 1]) {
    for (const chip of chips) {
      const out = await session.run({ chip: new ort.Tensor('float32', embeddingInputNchw([chip]), [1, 3, 150, 150]) });
      for (const n of names) {
        const values = out[n].data as Float32Array;
        if (pass === 0) {
          let m = max.get(n)!, lo = low.get(n)!, hi = high.get(n)!;
          for (const v of values) { if (Math.abs(v) > m) m = Math.abs(v); if (v < lo) lo = v; if (v > hi) hi = v; }
          max.set(n, m); low.set(n, lo); high.set(n, hi);
        } else {
          const h = histograms.get(n)!, m = max.get(n)!;
          for (const v of values) h[Math.min(BINS - 1, Math.floor((Math.abs(v) / m) * BINS))]++;
        }
      }
    }
  }
  return { names, max, histograms, low, high };
}

/** Each point's |value| below which `percentile` % of its values fall (100: the maximum). */
function scalesAt(stats: Awaited<ReturnType<typeof activationStats>>, percentile: number, asymmetric = false): Record<string, number> {
  const scales: Record<string, number> = {};
  for (const n of stats.names) {
    // Signed points: their own [min, max] (onnx-quant.ts then quantises them asymmetrically).
    if (asymmetric && stats.low.get(n)! < 0) { scales[`${n}:min`] = stats.low.get(n)!; scales[`${n}:max`] = stats.high.get(n)!; }
    const h = stats.histograms.get(n)!, m = stats.max.get(n)!;
    if (percentile >= 100) { scales[n] = m; continue; }
    const total = h.reduce((a, b) => a + b, 0);
    let seen = 0, bin = 0;
    while (bin < BINS - 1 && seen + h[bin] < (percentile / 100) * total) seen += h[bin++];
    scales[n] = ((bin + 1) / BINS) * m;
  }
  return scales;
}

/**
 * Each point's clipping value c minimising the expected squared quantisation error of its
 * values (from the |value| histogram): values below c round to a step of c / levels (error
 * step² / 12), values above are clipped (error (|v| − c)²). levels: 255 for a non-negative
 * tensor (uint8 from zero), 127 for a signed one (symmetric int8).
 */
function scalesMse(stats: Awaited<ReturnType<typeof activationStats>>): Record<string, number> {
  const scales: Record<string, number> = {};
  for (const n of stats.names) {
    const h = stats.histograms.get(n)!, m = stats.max.get(n)!;
    const levels = stats.low.get(n)! < 0 ? 127 : 255;
    let best = Infinity, bestC = m;
    for (let j = BINS / 16; j < BINS; j++) {
      const c = ((j + 1) / BINS) * m, step = c / levels;
      let err = 0;
      for (let b = 0; b < BINS; b++) {
        const v = ((b + 0.5) / BINS) * m;
        err += h[b] * (v <= c ? (step * step) / 12 : (v - c) * (v - c));
      }
      if (err < best) { best = err; bestC = c; }
    }
    scales[n] = bestC;
  }
  return scales;
}

/** Lit chips (and their mirror images) of half A: images [from, to) of each identity. */
async function halfAChips(sets: SetArg[], from: number, to: number): Promise<Float32Array[]> {
  const models = await loadFaceModels('fp32');
  const chips: Float32Array[] = [];
  for (const { dir, layout } of sets) {
    const samples = listFaceSamples(dir, layout);
    const halfA = halves(samples);
    const seen = new Map<string, number>();
    for (const sample of samples) {
      if (!halfA.has(sample.identity)) continue;
      const k = seen.get(sample.identity) ?? 0;
      seen.set(sample.identity, k + 1);
      if (k < from || k >= to) continue;
      const lit = await litChip(sample, models);
      if (!('failure' in lit)) chips.push(lit.chip, mirrorChip(lit.chip, lit.side));
    }
  }
  return chips;
}

async function calibrate(sets: SetArg[], perIdentity: number, percentile: number, asymmetric: boolean, mse: boolean): Promise<void> {
  const chips = await halfAChips(sets, 0, perIdentity);
  const stats = await activationStats(chips);
  const scales = mse ? scalesMse(stats) : scalesAt(stats, percentile, asymmetric);
  const rule = mse ? 'clipping value that minimises the expected squared quantisation error of its values (scalesMse)' : percentile >= 100 ? 'largest |value|' : `${percentile}th percentile of |value|`;
  const command = mse ? '--clip mse' : `--percentile ${percentile}`;
  const lines = Object.entries(scales).map(([name, m]) => `  '${name}': ${m.toPrecision(6)},`);
  const file = `/**
 * Static activation scales of the int8 ResNet (onnx-embedding.ts): for each quantised tensor
 * of the fp32 graph, the ${rule} over ${chips.length} chips (images and
 * their mirror images) of identity half A only (${sets.map((s) => s.dir.split('/').pop()).join(', ')}; the first ${perIdentity} images of
 * each identity). Generated by \`npx tsx bench/face-int8.ts calibrate ${command} --per-identity ${perIdentity}\`; do not edit by hand.
 */
export const EMBEDDING_INT8_SCALES: Readonly<Record<string, number>> = Object.freeze({
${lines.join('\n')}
});
`;
  writeFileSync(new URL('../engine/face/embedding-int8-scales.ts', import.meta.url), file);
  console.log(`calibrated on ${chips.length} chips; ${lines.length} tensors`);
}

/** Calibration choices compared on held-out chips of half A (images 3–4 of each identity): cosine of each int8 descriptor with the fp32 one. */
async function compare(sets: SetArg[], perIdentity: number, byStage: boolean): Promise<void> {
  const { tf, nets } = await loadFaceApi();
  const fp32 = await loadFaceModels('fp32');
  const stats = await activationStats(await halfAChips(sets, 0, perIdentity));
  const held = await halfAChips(sets, perIdentity, perIdentity + 2);
  const reference = [];
  for (const c of held) reference.push((await fp32.embed([c]))[0]);
  const weights = nets.faceRecognitionNet.params as unknown as EmbeddingWeights;
  type Choice = { firstLayerFloat: boolean; asymmetric: boolean; percentiles: number[]; floatStages: Array<32 | 64 | 128 | 256> };
  const choices: Choice[] = byStage
    ? [[], [32], [64], [128], [256]].map((floatStages) => ({ firstLayerFloat: false, asymmetric: false, percentiles: [100], floatStages: floatStages as Choice['floatStages'] }))
    : [[false, false], [false, true], [true, true]].map(([firstLayerFloat, asymmetric]) => ({ firstLayerFloat, asymmetric, percentiles: [100, 99.999], floatStages: [] }));
  for (const { firstLayerFloat, asymmetric, percentiles, floatStages } of choices) {
    for (const percentile of percentiles) {
      const scales = scalesAt(stats, percentile, asymmetric);
      const ort = await loadOrt();
      const session = await createOrtSession(encodeOnnxModel(buildEmbeddingGraph(tf, weights, scales, 1, { firstLayerFloat, floatStages }).graph));
      const cos: number[] = [];
      for (const [i, c] of held.entries()) {
        const d = (await session.run({ chip: new ort.Tensor('float32', embeddingInputNchw([c]), [1, 3, 150, 150]) })).descriptor.data as Float32Array;
        const r = reference[i];
        let ab = 0, aa = 0, bb = 0;
        for (let k = 0; k < d.length; k++) { ab += d[k] * r[k]; aa += d[k] * d[k]; bb += r[k] * r[k]; }
        cos.push(ab / Math.sqrt(aa * bb));
      }
      cos.sort((a, b) => a - b);
      const mean = cos.reduce((a, b) => a + b, 0) / cos.length;
      console.log(`${floatStages.length > 0 ? `stage ${floatStages.join('+')} fp32, ` : ''}first layer ${firstLayerFloat ? 'fp32' : 'int8'}, signed points ${asymmetric ? 'asymmetric' : 'symmetric'}, percentile ${percentile}: cosine to fp32 over ${cos.length} held-out half-A chips: mean ${mean.toFixed(5)}, 1 − mean ${(1 - mean).toExponential(2)}, min ${cos[0].toFixed(5)}`);
    }
  }
}

type Variant = (chip: Float32Array, side: number, small: Float32Array, smallSide: number) => Promise<Float32Array>;

/** Chip side of the reduced-size variants, px: the smallest the ResNet's maps allow is 119. */
const SMALL_CHIP = 120;

/**
 * A front-end setting tried beside the default: `--detector SIZE:PAD` (input px, padding share;
 * the default's fallbacks, minus PAD) or `--coarse-first` (the first landmark pass through the
 * tiny landmark net), each alone or together.
 */
interface DetectVariant { label: string; params: DetectParams; landmarks: LandmarkParams }

async function variants(sets: SetArg[], smallChips: boolean, detectors: DetectVariant[], otherScales: boolean, allHalfA: boolean): Promise<void> {
  const { tf, nets } = await loadFaceApi();
  const models = await loadFaceModels('fp32');
  const { EMBEDDING_INT8_SCALES } = await import('../engine/face/embedding-int8-scales.ts');
  const weights = nets.faceRecognitionNet.params as unknown as EmbeddingWeights;
  const int8 = await createInt8EmbeddingNet(tf, weights, EMBEDDING_INT8_SCALES);
  const int8Nhwc = smallChips ? int8 : await createInt8EmbeddingNet(tf, weights, EMBEDDING_INT8_SCALES, 150, 'nhwc');
  const int8Small = smallChips ? await createInt8EmbeddingNet(tf, weights, EMBEDDING_INT8_SCALES, SMALL_CHIP) : int8;
  const sum = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v + b[i]);
  const pair = (net: (c: readonly Float32Array[]) => Promise<Float32Array[]>): Variant => async (c, s) => { const [a] = await net([c]); const [b] = await net([mirrorChip(c, s)]); return sum(a, b); };
  const VARIANTS: Record<string, Variant> = {
    'fp32 chip + mirror (default)': async (c, s) => { const [a] = await models.embed([c]); const [b] = await models.embed([mirrorChip(c, s)]); return sum(a, b); },
    'int8 chip + mirror': pair(int8),
  };
  if (!smallChips && !otherScales && detectors.length === 0) {
    VARIANTS['int8 chip only'] = async (c) => (await int8([c]))[0];
    VARIANTS['int8 NHWC chip + mirror'] = pair(int8Nhwc);
  }
  // Other activation scales, all from half A only (docs/face-speed.md §9): the largest value over every half-A image, and the MSE-optimal clip.
  if (otherScales) {
    const stats = allHalfA ? await activationStats(await halfAChips(sets, 0, 1000)) : null;
    const scaleSets: Record<string, Record<string, number>> = stats !== null ? { 'int8 + mirror, max over all half A': scalesAt(stats, 100), 'int8 + mirror, MSE clip (all half A)': scalesMse(stats) } : {};
    const twoStats = await activationStats(await halfAChips(sets, 0, 2));
    scaleSets['int8 + mirror, MSE clip (2 per id)'] = scalesMse(twoStats);
    scaleSets['int8 + mirror, max (2 per id; session 5)'] = scalesAt(twoStats, 100);
    for (const [name, scales] of Object.entries(scaleSets)) {
      const ratios = Object.keys(scales).map((k) => scales[k] / EMBEDDING_INT8_SCALES[k]);
      console.log(`${name}: scale ÷ shipped scale min ${Math.min(...ratios).toFixed(3)}, median ${ratios.sort((a, b) => a - b)[ratios.length >> 1].toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}`);
      VARIANTS[name] = pair(await createInt8EmbeddingNet(tf, weights, scales));
    }
  }
  // Measured and dropped (docs/face-speed.md §8): the ResNet on 120-px chips, for both passes or the mirrored one.
  if (smallChips) {
    VARIANTS[`int8 chip + mirror, ${SMALL_CHIP} px`] = async (_c, _s, m, ms) => { const [a] = await int8Small([m]); const [b] = await int8Small([mirrorChip(m, ms)]); return sum(a, b); };
    VARIANTS[`int8 chip 150 + mirror ${SMALL_CHIP} px`] = async (c, _s, m, ms) => { const [a] = await int8([c]); const [b] = await int8Small([mirrorChip(m, ms)]); return sum(a, b); };
  }
  const pct = (x: number): string => `${(100 * x).toFixed(2)}`.padStart(6);
  for (const { dir, layout } of sets) {
    const samples = listFaceSamples(dir, layout);
    const halfA = halves(samples);
    const names = [...Object.keys(VARIANTS), ...detectors.flatMap((d) => [`fp32 + mirror, ${d.label}`, `int8 + mirror, ${d.label}`])];
    const rows = new Map<string, EnrolledFace[]>(names.map((k) => [k, []]));
    for (const sample of samples) {
      const lit = await litChip(sample, models);
      const small = smallChips ? await litChip(sample, models, SMALL_CHIP) : lit;
      const add = async (name: string, run: Variant, a: typeof lit, b: typeof lit): Promise<void> => {
        const ok = !('failure' in a) && !('failure' in b);
        const code = ok ? quantiseEmbedding(l2Normalise(await run(a.chip, a.side, b.chip, b.side))) : null;
        rows.get(name)!.push({ ...sample, code, failure: 'failure' in a ? a.failure : 'failure' in b ? b.failure : null, extractMs: null });
      };
      for (const [name, run] of Object.entries(VARIANTS)) await add(name, run, lit, small);
      for (const d of detectors) {
        const other = await litChip(sample, models, FACE_PARAMS.align.chipSize, d.params, d.landmarks);
        await add(`fp32 + mirror, ${d.label}`, VARIANTS['fp32 chip + mirror (default)'], other, other);
        await add(`int8 + mirror, ${d.label}`, VARIANTS['int8 chip + mirror'], other, other);
      }
    }
    console.log(`${dir} (${layout}): ${samples.length} images, half A ${halfA.size} identities; EER / FNMR@FMR 1 % / FNMR@FMR 0.1 %, all A B`);
    for (const [name, enrolled] of rows) {
      const all = evaluateEnrolledFaces(dir, name, enrolled).report;
      const a = evaluateEnrolledFaces(dir, name, enrolled.filter((e) => halfA.has(e.identity))).report;
      const b = evaluateEnrolledFaces(dir, name, enrolled.filter((e) => !halfA.has(e.identity))).report;
      const fte = enrolled.filter((e) => e.code === null).length;
      console.log(`  ${name.padEnd(44)} FTE ${fte}  EER ${pct(all.eer)} ${pct(a.eer)} ${pct(b.eer)} | @1% ${pct(all.fmr100)} ${pct(a.fmr100)} ${pct(b.fmr100)} | @0.1% ${pct(all.fmr1000)} ${pct(a.fmr1000)} ${pct(b.fmr1000)}`);
    }
  }
}

/** The ResNet pass alone on real chips (half A, 2 an identity, with mirrors), the runtimes interleaved chip by chip: median ms of each. */
async function timeRuntimes(sets: SetArg[]): Promise<void> {
  const { tf, nets } = await loadFaceApi();
  const fp32 = await loadFaceModels('fp32');
  const { EMBEDDING_INT8_SCALES } = await import('../engine/face/embedding-int8-scales.ts');
  const weights = nets.faceRecognitionNet.params as unknown as EmbeddingWeights;
  const runtimes: Record<string, (c: Float32Array) => Promise<unknown>> = {
    'fp32 (TensorFlow.js XNNPACK)': (c) => fp32.embed([c]),
    'int8 NCHW (onnxruntime-web)': await (async () => { const n = await createInt8EmbeddingNet(tf, weights, EMBEDDING_INT8_SCALES, 150, 'nchw'); return (c: Float32Array) => n([c]); })(),
    'int8 NHWC (onnxruntime-web contrib ops)': await (async () => { const n = await createInt8EmbeddingNet(tf, weights, EMBEDDING_INT8_SCALES, 150, 'nhwc'); return (c: Float32Array) => n([c]); })(),
  };
  const chips = (await halfAChips(sets, 0, 2)).slice(0, 48);
  const times = new Map<string, number[]>(Object.keys(runtimes).map((k) => [k, []]));
  for (const run of Object.values(runtimes)) await run(chips[0]);
  for (const [i, chip] of chips.entries()) {
    const names = Object.keys(runtimes);
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      const t0 = performance.now();
      await runtimes[name](chip);
      times.get(name)!.push(performance.now() - t0);
    }
  }
  const med = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const base = med(times.get('fp32 (TensorFlow.js XNNPACK)')!);
  for (const [name, v] of times) console.log(`  ${name.padEnd(42)} median ${med(v).toFixed(1)} ms, min ${Math.min(...v).toFixed(1)} ms, ${(base / med(v)).toFixed(2)}× fp32  (${v.length} chips)`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const sets: SetArg[] = [];
  let perIdentity = 2, percentile = 100, asymmetric = false, smallChips = false, byStage = false, otherScales = false, mse = false, allHalfA = false;
  const detectors: DetectVariant[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--other-scales') { otherScales = true; continue; }
    if (rest[i] === '--clip') { if (rest[++i] !== 'mse') throw new Error('--clip takes mse'); mse = true; continue; }
    if (rest[i] === '--all-half-a') { allHalfA = true; continue; }
    if (rest[i] === '--detector' || rest[i] === '--coarse-first' || rest[i] === '--detector-coarse-first' || rest[i] === '--tiny-refine') {
      const coarse = rest[i] !== '--detector', tinyRefine = rest[i] === '--tiny-refine';
      const [size, pad] = rest[i] === '--coarse-first' ? [FACE_PARAMS.detect.inputSize, FACE_PARAMS.detect.padShare] : rest[++i].split(':').map(Number);
      const d = FACE_PARAMS.detect;
      const label = [size !== d.inputSize || pad !== d.padShare ? `detector ${size} px, pad ${pad}` : '', tinyRefine ? 'tiny net both landmark passes' : coarse ? 'tiny 1st landmark pass' : ''].filter((t) => t).join(', ');
      detectors.push({ label, params: { ...d, inputSize: size, padShare: pad, fallbackPadShares: [d.padShare, ...d.fallbackPadShares].filter((p) => p !== pad) }, landmarks: { ...FACE_PARAMS.landmarks, coarseFirstPass: coarse, tinyRefinePasses: tinyRefine } });
      continue;
    }
    if (rest[i] === '--per-identity') { perIdentity = Number(rest[++i]); continue; }
    if (rest[i] === '--percentile') { percentile = Number(rest[++i]); continue; }
    if (rest[i] === '--asymmetric') { asymmetric = true; continue; }
    if (rest[i] === '--small-chips') { smallChips = true; continue; }
    if (rest[i] === '--by-stage') { byStage = true; continue; }
    if (rest[i] !== '--set' || rest[i + 1] === undefined) throw new Error('usage: face-int8.ts calibrate|compare|variants --set DIR[:folders|yale] [--set …] [--per-identity N]');
    const [dir, layout = 'folders'] = rest[++i].split(':');
    if (layout !== 'folders' && layout !== 'yale') throw new Error(`layout must be folders or yale, got ${layout}`);
    sets.push({ dir, layout });
  }
  if (command === 'calibrate') await calibrate(sets, perIdentity, percentile, asymmetric, mse);
  else if (command === 'compare') await compare(sets, perIdentity, byStage);
  else if (command === 'time') await timeRuntimes(sets);
  else if (command === 'variants') await variants(sets, smallChips, detectors, otherScales, allHalfA);
  else throw new Error('command: calibrate or variants');
}

await main(process.argv.slice(2));
