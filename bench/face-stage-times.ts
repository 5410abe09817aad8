/**
 * The face pipeline stage by stage, for the speed bench: the same stage functions the extractor
 * runs (engine/face), each timed on its own, with the networks' calls timed separately from the
 * image work around them (the padded canvas, the landmark crops). Two model sets can be timed on
 * the same images: the engine's fused networks and face-api's own forward passes (the pipeline
 * of the previous release), so a speed-up is measured beside its baseline in the same run.
 */
import { EngineError } from '../engine/errors.ts';
import { alignFace, type AlignParams } from '../engine/face/align.ts';
import { decodeFaceImage } from '../engine/face/decode.ts';
import { detectLargestFace, type DetectParams } from '../engine/face/detect.ts';
import { embedFace, l2Normalise, mirrorChip } from '../engine/face/embed.ts';
import { locateLandmarks, type LandmarkParams } from '../engine/face/landmarks.ts';
import { normaliseLighting, type LightingParams } from '../engine/face/lighting.ts';
import { loadFaceApi, type FaceModels } from '../engine/face/models.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import { checkEnrolable, measureQuality } from '../engine/face/quality.ts';
import { quantiseEmbedding } from '../engine/face/quantise.ts';
import { faceImageBytes } from '../engine/face/record.ts';

export const STAGES = ['decode', 'canvas', 'detector', 'landmarkCrops', 'landmarkNet', 'align', 'quality', 'lighting', 'embed', 'mirrorEmbed', 'quantise'] as const;
export type Stage = typeof STAGES[number];
export type StageTimes = Record<Stage, number>;

/** A pipeline configuration to time: its networks and the parameters that change the work done. */
export interface TimedProfile {
  name: string;
  models: FaceModels;
  detect: DetectParams;
  landmarks: LandmarkParams;
  /** Chip geometry, alignment points and lighting (FACE_PARAMS.align or a variant of it). */
  align: AlignParams & LightingParams;
  mirror: boolean;
  /** The mirrored pass as a second call of `embed` (the path before session 7), not `embedWithMirror`'s one batch of two. */
  mirrorAsTwoCalls?: boolean;
}

/** One image through every stage; decode included (reported apart), failures to enrol end the run early like the extractor. */
export async function timeStages(bytes: Uint8Array, profile: TimedProfile): Promise<StageTimes> {
  const times = Object.fromEntries(STAGES.map((s) => [s, 0])) as StageTimes;
  const net = { detect: 0, landmarks: 0, embed: [] as number[] };
  const timed = <A extends unknown[], R>(f: (...a: A) => Promise<R>, done: (ms: number) => void) => async (...a: A): Promise<R> => {
    const t0 = performance.now();
    try { return await f(...a); } finally { done(performance.now() - t0); }
  };
  const m = profile.models;
  const models: FaceModels = {
    ...m,
    detect: timed(m.detect, (ms) => { net.detect += ms; }),
    landmarks: timed(m.landmarks, (ms) => { net.landmarks += ms; }),
    coarseLandmarks: timed(m.coarseLandmarks, (ms) => { net.landmarks += ms; }),
    embed: timed(m.embed, (ms) => { net.embed.push(ms); }),
    embedWithMirror: timed(m.embedWithMirror, (ms) => { net.embed.push(ms); }),
  };
  let t = performance.now();
  const lap = (): number => { const now = performance.now(), ms = now - t; t = now; return ms; };
  try {
    const image = await decodeFaceImage(faceImageBytes(bytes));
    times.decode = lap();
    const { face, otherFaces } = await detectLargestFace(image, models, profile.detect);
    times.canvas = lap() - net.detect; times.detector = net.detect;
    if (face === null) return times;
    const points = await locateLandmarks(image, face, models, profile.landmarks);
    times.landmarkCrops = lap() - net.landmarks; times.landmarkNet = net.landmarks;
    const aligned = alignFace(image, points, profile.align);
    times.align = lap();
    checkEnrolable(measureQuality(points, aligned, face.score, otherFaces));
    times.quality = lap();
    const chip = normaliseLighting(aligned, profile.align);
    times.lighting = lap();
    const descriptor = profile.mirror && profile.mirrorAsTwoCalls === true
      ? await twoCallEmbedding(chip.chip, chip.chipSize, models)
      : await embedFace(chip, models, { flipAverage: profile.mirror });
    lap();
    // With embedWithMirror (one batch of two) both passes are in `embed` and `mirrorEmbed` is 0.
    times.embed = net.embed[0] ?? 0; times.mirrorEmbed = net.embed[1] ?? 0;
    quantiseEmbedding(descriptor);
    times.quantise = lap();
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
  }
  return times;
}

/** The chip's and its mirror's descriptors from two calls of `embed`, summed and normalised: embed.ts before session 7. */
async function twoCallEmbedding(chip: Float32Array, side: number, models: FaceModels): Promise<Float32Array> {
  const [raw] = await models.embed([chip]);
  const [mirrored] = await models.embed([mirrorChip(chip, side)]);
  for (let i = 0; i < raw.length; i++) raw[i] += mirrored[i];
  return l2Normalise(raw);
}

/** Detect + align + embed: every stage but decoding (what the 60 ms bar counts). */
export function pipelineMs(t: StageTimes): number {
  return STAGES.reduce((sum, s) => sum + (s === 'decode' ? 0 : t[s]), 0);
}

interface FaceApiNets {
  tinyFaceDetector: { locateFaces(input: unknown, options: unknown): Promise<Array<{ box: { x: number; y: number; width: number; height: number }; score: number }>> };
  faceLandmark68Net: { detectLandmarks(input: unknown): Promise<{ positions: Array<{ x: number; y: number }> }> };
  faceLandmark68TinyNet: { detectLandmarks(input: unknown): Promise<{ positions: Array<{ x: number; y: number }> }> };
  faceRecognitionNet: { computeFaceDescriptor(input: unknown): Promise<Float32Array> };
}
interface FaceApiRuntime {
  tf: { tensor4d(values: Float32Array, shape: [number, number, number, number]): { dispose(): void } };
  nets: FaceApiNets;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
}

/** face-api's own forward passes behind the same interface (the previous release's models.ts), for the in-run baseline. */
export async function faceApiModels(): Promise<FaceModels> {
  const faceapi = await loadFaceApi() as unknown as FaceApiRuntime;
  const { tf, nets } = faceapi;
  const withTensor = async <T>(values: Float32Array, side: number, run: (t: unknown) => Promise<T>): Promise<T> => {
    const input = tf.tensor4d(values, [1, side, side, 3]);
    try { return await run(input); } finally { input.dispose(); }
  };
  const side = (values: Float32Array): number => Math.round(Math.sqrt(values.length / 3));
  const embed = async (chips: readonly Float32Array[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (const chip of chips) out.push(await withTensor(chip, side(chip), async (t) => Float32Array.from(await nets.faceRecognitionNet.computeFaceDescriptor(t))));
    return out;
  };
  return {
    backend: 'wasm (face-api forward passes)',
    embeddingRuntime: 'fp32',
    landmarkInput: 112,
    detect: (canvas, s) => withTensor(canvas, s, async (t) => (await nets.tinyFaceDetector.locateFaces(t, new faceapi.TinyFaceDetectorOptions({ inputSize: s, scoreThreshold: FACE_PARAMS.detect.scoreThreshold })))
      .map((d) => ({ ...d.box, score: d.score })).sort((a, b) => b.score - a.score)),
    landmarks: (crop) => withTensor(crop, 112, async (t) => Float32Array.from((await nets.faceLandmark68Net.detectLandmarks(t)).positions.flatMap((p) => [p.x, p.y]))),
    coarseLandmarks: (crop) => withTensor(crop, 112, async (t) => Float32Array.from((await nets.faceLandmark68TinyNet.detectLandmarks(t)).positions.flatMap((p) => [p.x, p.y]))),
    embed,
    embedWithMirror: async (chip) => [(await embed([chip]))[0], (await embed([mirrorChip(chip, side(chip))]))[0]],
  };
}
