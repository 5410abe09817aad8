/**
 * Face speed, two parts, each beside a baseline measured in the same run:
 * - the pipeline per image on one core (WebAssembly backend), stage by stage
 *   (bench/face-stage-times.ts): detect + landmarks + align + embed, decoding excluded (and
 *   reported apart), median over real images (ORL and Yale from <data>/face), each image
 *   interleaved with the baseline — one 256×256×256 matrix product on the same backend, a fixed
 *   amount of work, so the ratio holds on a loaded machine — and with the previous release's
 *   pipeline (face-api's own forward passes and settings) and the fused networks on those
 *   settings, so each change is measured beside what it replaced;
 * - the 1:N scan: the int8 SIMD kernel against the same kernel's scalar loop over one gallery
 *   of 100,000 codes (12.8 MB, past the caches), benchmark.js, one thread.
 */
import Benchmark from 'benchmark';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EngineError } from '../engine/index.ts';
import { FaceMatcher } from '../engine/face/matcher.ts';
import { loadFaceModels } from '../engine/face/models.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import { dataDir, isDirectory } from './data-dir.ts';
import { median } from './iris-samples.ts';
import { listFaceSamples } from './face-samples.ts';
import { faceApiModels, pipelineMs, STAGES, timeStages, type Stage, type StageTimes, type TimedProfile } from './face-stage-times.ts';
import type { SpeedContext, SpeedFigures, SpeedSuite } from './speed.ts';

/** Images timed per set (the first of each identity first, so every person is seen). */
const IMAGES_PER_SET = 24;
const GALLERY_CODES = 100_000;
const PROBES = 16;

interface MatMulApi { tidy<T>(f: () => T): T; randomUniform(shape: number[]): { dataSync(): Float32Array; dispose(): void }; matMul(a: unknown, b: unknown): { dataSync(): Float32Array } }

async function baselineMatMul(): Promise<() => number> {
  await loadFaceModels(); // the backend is configured there
  const tf = (createRequire(import.meta.url)('@vladmandic/face-api/dist/face-api.node-wasm.js') as { tf: MatMulApi }).tf;
  const a = tf.randomUniform([256, 256]), b = tf.randomUniform([256, 256]);
  return () => {
    const t0 = performance.now();
    tf.tidy(() => tf.matMul(a, b).dataSync());
    return performance.now() - t0;
  };
}

/** The previous release's pipeline settings: detector at 224 px, two full landmark passes, lighting over the whole face, mirrored pass on. */
const PREVIOUS_SETTINGS = {
  detect: { ...FACE_PARAMS.detect, inputSize: 224, padShare: 0.5, fallbackPadShares: [0.25, 0.75, 0.1] },
  landmarks: { ...FACE_PARAMS.landmarks, refinePasses: 1, coarseFirstPass: false, tinyRefinePasses: false, cropContrast: null },
  align: { ...FACE_PARAMS.align, lightingRegions: 'face', alignPoints: 'dlib51', localContrast: null, gamma: 1 },
  mirror: true,
} as const;

/** Session 5's default (docs/face-speed.md §8): detector at 160 px, both landmark passes through the full net (and the fp32 ResNet, given with its models). */
const SESSION5_FRONT_END = {
  detect: { ...FACE_PARAMS.detect, inputSize: 160 },
  landmarks: { ...FACE_PARAMS.landmarks, coarseFirstPass: false, tinyRefinePasses: false },
} as const;
/** Session 6's front end (docs/face-speed.md §9): detector at 160 px, tiny framing landmark pass, then the full net. */
const SESSION6_FRONT_END = {
  detect: { ...FACE_PARAMS.detect, inputSize: 160 },
  landmarks: { ...FACE_PARAMS.landmarks, coarseFirstPass: true, tinyRefinePasses: false },
} as const;

/** A profile and the figure its median is reported under (the first profile is the default: faceExtractMsMedian). */
type ReportedProfile = TimedProfile & { figure?: string };

async function pipelineFigures(context: SpeedContext): Promise<SpeedFigures> {
  const sets = [['orl', 'folders'], ['yale', 'yale']] as const;
  const files = sets.flatMap(([name, layout]) => {
    const dir = join(dataDir(), 'face', name);
    if (!isDirectory(dir)) return [];
    const samples = listFaceSamples(dir, layout);
    const firsts = samples.filter((s, i) => i === 0 || samples[i - 1].identity !== s.identity);
    return [...firsts, ...samples.filter((s) => !firsts.includes(s))].slice(0, IMAGES_PER_SET).map((s) => s.file);
  });
  if (files.length === 0) {
    context.print(`warning: no face data under ${join(dataDir(), 'face')}: face pipeline timing skipped`);
    return { faceExtractMsMedian: null, faceBaselineMsMedian: null, faceExtractSource: null };
  }
  const fused = await loadFaceModels();
  const runtime = FACE_PARAMS.embed.runtime, otherRuntime = runtime === 'int8' ? 'fp32' : 'int8';
  const other = await loadFaceModels(otherRuntime);
  const byDefault = { detect: FACE_PARAMS.detect, landmarks: FACE_PARAMS.landmarks, align: FACE_PARAMS.align };
  const mirror = FACE_PARAMS.embed.flipAverage;
  const fp32 = runtime === 'fp32' ? fused : other;
  const int8 = runtime === 'int8' ? fused : other;
  const profiles: ReportedProfile[] = [
    { name: `default (fused networks, ${runtime} ResNet, FACE_PARAMS; mirrored pass ${mirror ? 'on' : 'off'}${mirror && runtime === 'int8' ? ', one batch of two' : ''})`, models: fused, ...byDefault, mirror },
    { name: 'session 6 default (int8 ResNet, detector 160 px, tiny + full landmark passes, mirrored pass as a second call)', figure: 'faceExtractSession6DefaultMsMedian', models: int8, ...byDefault, ...SESSION6_FRONT_END, mirror: true, mirrorAsTwoCalls: true },
    { name: 'session 6 front end, chip and mirror as one batch of two (the speed-only change alone)', figure: 'faceExtractSession6FrontEndBatchMsMedian', models: int8, ...byDefault, ...SESSION6_FRONT_END, mirror: true },
    { name: `FACE_PARAMS with the mirrored pass ${mirror ? 'off' : 'on'}`, figure: 'faceExtractOtherMirrorMsMedian', models: fused, ...byDefault, mirror: !mirror },
    { name: `FACE_PARAMS with the ${otherRuntime} ResNet (mirrored pass ${mirror ? 'on' : 'off'})`, figure: 'faceExtractOtherRuntimeMsMedian', models: other, ...byDefault, mirror },
    { name: 'session 5 default (fp32 ResNet, detector 160 px, two full landmark passes, mirrored pass on)', figure: 'faceExtractSession5DefaultMsMedian', models: fp32, ...byDefault, ...SESSION5_FRONT_END, mirror: true },
    { name: 'previous release (face-api passes, previous settings)', figure: 'faceExtractPreviousReleaseMsMedian', models: await faceApiModels(), ...PREVIOUS_SETTINGS },
  ];
  const baseline = await baselineMatMul();
  const images = files.map((f) => new Uint8Array(readFileSync(f)));
  for (const p of profiles) await timeStages(images[0], p); // warm-up: the first inference compiles kernels
  baseline();
  const times: StageTimes[][] = profiles.map(() => []);
  const base: number[] = [];
  for (const [i, bytes] of images.entries()) {
    base.push(baseline());
    // rotate which profile goes first, so none always runs on a warmer cache
    for (let k = 0; k < profiles.length; k++) {
      const p = (i + k) % profiles.length;
      times[p].push(await timeStages(bytes, profiles[p]));
    }
  }
  const ms = (v: number | null): string => (v === null ? '–' : v.toFixed(1));
  const b = median(base)!;
  context.print(`images: ${files.length} (ORL and Yale, ${IMAGES_PER_SET} each where present), backend ${fused.backend}, one thread; median ms per image, each image through every profile in turn`);
  context.print(`  baseline: 256³ matMul on the same backend  median ${ms(b)} ms`);
  const figures: SpeedFigures = { faceBaselineMsMedian: +b.toFixed(3), faceExtractSource: `${files.length} images of <data>/face/{orl,yale}` };
  const defaultTotal = median(times[0].map(pipelineMs))!;
  profiles.forEach((p, k) => {
    const totals = times[k].map(pipelineMs).sort((x, y) => x - y);
    const total = median(totals)!;
    const p90 = totals[Math.min(totals.length - 1, Math.ceil(0.9 * totals.length) - 1)];
    const mean = totals.reduce((sum, v) => sum + v, 0) / totals.length;
    const stage = (s: Stage): number => median(times[k].map((t) => t[s]))!;
    context.print(`  ${p.name}: detect+landmarks+align+embed median ${ms(total)} ms (${(total / b).toFixed(2)}× baseline, ${(total / defaultTotal).toFixed(3)}× default), p90 ${ms(p90)}, mean ${ms(mean)}`);
    context.print(`    ${STAGES.map((s) => `${s} ${ms(stage(s))}`).join(', ')}`);
    if (k === 0) {
      figures.faceExtractMsMedian = +total.toFixed(2);
      figures.faceExtractMsP90 = +p90.toFixed(2);
      figures.faceExtractMsMean = +mean.toFixed(2);
      for (const s of STAGES) figures[`face${s[0].toUpperCase()}${s.slice(1)}MsMedian`] = +stage(s).toFixed(2);
    } else if (p.figure !== undefined) {
      figures[p.figure] = +total.toFixed(2);
      figures[`${p.figure.replace(/MsMedian$/, '')}RatioToDefault`] = +(total / defaultTotal).toFixed(3);
    }
  });
  return figures;
}

function scanFigures(context: SpeedContext): SpeedFigures {
  const matcher = new FaceMatcher();
  const dimension = FACE_PARAMS.embed.dimension;
  let seed = 12345;
  const random = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return ((seed >>> 16) & 0xff) - 128; };
  const codes = Array.from({ length: GALLERY_CODES }, () => Int8Array.from({ length: dimension }, () => Math.max(-127, random())));
  const gallery = matcher.loadGallery(codes);
  const probes = codes.slice(0, PROBES);
  let next = 0;
  const suite = new Benchmark.Suite('face scan');
  suite.add('simd', () => { matcher.dots(probes[next], gallery, 'simd'); next = (next + 1) % PROBES; }, { maxTime: context.maxTime });
  suite.add('scalar', () => { matcher.dots(probes[next], gallery, 'scalar'); next = (next + 1) % PROBES; }, { maxTime: context.maxTime });
  suite.run({ async: false });
  const [simd, scalar] = suite.slice(0, 2) as Benchmark[];
  for (const b of [simd, scalar]) if (b.error) throw new EngineError('ERR_BENCH_FAILED', `benchmark "${b.name}" failed: ${String(b.error)}`, { cause: b.error });
  const rate = (b: Benchmark): number => b.hz * gallery.size;
  const fmt = (v: number): string => Math.round(v).toLocaleString('en-US').padStart(12);
  context.print(`gallery: ${gallery.size} int8 codes × ${dimension} (random), exact integer dot products, one thread`);
  context.print(`  SIMD kernel             ${fmt(rate(simd))} comparisons/s  ±${simd.stats.rme.toFixed(2)} %`);
  context.print(`  baseline: scalar loop   ${fmt(rate(scalar))} comparisons/s  ±${scalar.stats.rme.toFixed(2)} %   SIMD ÷ scalar ${(rate(simd) / rate(scalar)).toFixed(1)}×`);
  return { faceScanPerSecond: Math.round(rate(simd)), faceScanScalarPerSecond: Math.round(rate(scalar)) };
}

export const faceSpeedSuite: SpeedSuite = {
  name: 'face: pipeline per image (WebAssembly backend) and int8 1:N scan',
  run: async (context) => ({ ...scanFigures(context), ...(await pipelineFigures(context)) }),
};
