/**
 * The inference backend: face-api's networks on TensorFlow.js's WebAssembly backend (XNNPACK,
 * SIMD, one thread — so it runs the same in the main thread and in a piscina worker). Weights
 * and the .wasm files are read from the pinned npm packages' folders; nothing is fetched.
 * Loaded once per thread, on first use. face-api reads the weight files; the forward passes are
 * this folder's `net-*.ts` (fused layers, no per-channel Concat), on the same weight tensors.
 * Only this file, the `net-*.ts` and the `onnx-*.ts` graph writers (which read the weights)
 * touch TensorFlow.js: the stages see plain typed arrays. With `FACE_PARAMS.embed.runtime`
 * 'int8' (or `loadFaceModels('int8')`) the ResNet runs on onnxruntime-web instead
 * (net-embedding-int8.ts); detector and landmarks stay on TensorFlow.js.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import { createDetectorNet, type DetectorWeights } from './net-detector.ts';
import { EMBEDDING_INT8_SCALES } from './embedding-int8-scales.ts';
import { createEmbeddingNet, EMBEDDING_INPUT, type EmbeddingWeights } from './net-embedding.ts';
import { mirrorChip } from './embed.ts';
import { createInt8EmbeddingNet } from './net-embedding-int8.ts';
import { createLandmarkNet, LANDMARK_INPUT, type LandmarkWeights } from './net-landmarks.ts';
import type { Tf } from './net-ops.ts';
import { FACE_PARAMS } from './params.ts';

/** A detector box in the pixels of the image that was given to the detector. */
export interface DetectedBox { x: number; y: number; width: number; height: number; score: number }

export interface FaceModels {
  /** Boxes on a square RGB canvas of `side` px (values 0–255, side × side × 3), best score first. */
  detect(canvas: Float32Array, side: number): Promise<DetectedBox[]>;
  /** 68 (x, y) points in the pixels of a square crop of `landmarkInput` px (× 3, values 0–255). */
  landmarks(crop: Float32Array): Promise<Float32Array>;
  /** The same from face-api's tiny landmark net (a fifth of the work, coarser): for framing the crop of the final pass. */
  coarseLandmarks(crop: Float32Array): Promise<Float32Array>;
  /** The landmark net's input side, px. */
  readonly landmarkInput: number;
  /** The 128-d descriptor of each chip (embeddingInput² × 3, values 0–255), not normalised; the chips run as one batch. */
  embed(chips: readonly Float32Array[]): Promise<Float32Array[]>;
  /**
   * The descriptors of a chip and of its mirror image (not normalised): the int8 ResNet runs
   * them as one batch of two (one call into onnxruntime, the same descriptors to the bit); the
   * fp32 one as two calls (a batch of two was no faster on TensorFlow.js, docs/face-speed.md §8.7).
   */
  embedWithMirror(chip: Float32Array): Promise<[Float32Array, Float32Array]>;
  readonly backend: string;
  /** Which ResNet runs `embed`: fp32 on TensorFlow.js (XNNPACK), or int8 on onnxruntime-web. */
  readonly embeddingRuntime: EmbeddingRuntime;
}

interface Loadable<P> { loadFromDisk(dir: string): Promise<void>; params: P }
interface FaceApi {
  tf: Tf;
  nets: {
    tinyFaceDetector: Loadable<DetectorWeights>;
    faceLandmark68Net: Loadable<Pick<LandmarkWeights, 'fc'>> & { faceFeatureExtractor: { params: Omit<LandmarkWeights, 'fc'> } };
    faceLandmark68TinyNet: Loadable<Pick<LandmarkWeights, 'fc'>> & { faceFeatureExtractor: { params: Omit<LandmarkWeights, 'fc'> } };
    faceRecognitionNet: Loadable<EmbeddingWeights>;
  };
}

/** 'fp32': the ResNet on TensorFlow.js's WebAssembly backend (net-embedding.ts); 'int8': on onnxruntime-web's int8 kernels (net-embedding-int8.ts). */
export type EmbeddingRuntime = 'fp32' | 'int8';

const loading = new Map<EmbeddingRuntime, Promise<FaceModels>>();

/**
 * The models of this thread, loaded on first call: one set per embedding runtime asked for
 * (face-api's weights are loaded once and shared; each set builds its own fused passes). Rejects with ERR_KERNEL_MISSING when a package or weight file
 * is missing.
 */
export function loadFaceModels(embeddingRuntime: EmbeddingRuntime = FACE_PARAMS.embed.runtime): Promise<FaceModels> {
  let models = loading.get(embeddingRuntime);
  if (models === undefined) {
    models = load(embeddingRuntime).catch((cause: unknown) => {
      loading.delete(embeddingRuntime);
      if (cause instanceof EngineError) throw cause;
      throw new EngineError('ERR_KERNEL_MISSING', `face models could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    });
    loading.set(embeddingRuntime, models);
  }
  return models;
}

/** face-api with its three networks loaded and TensorFlow.js on the WebAssembly backend (also the reference the tests compare the fused passes with). */
export async function loadFaceApi(): Promise<FaceApi> {
  const require = createRequire(import.meta.url);
  // CommonJS build: it requires @tensorflow/tfjs and the WASM backend, the same instances we configure.
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = faceapi.tf;
  if (tf.getBackend() !== 'wasm') {
    const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    // false: Emscripten reads the file itself (Node's fetch cannot read a path).
    (tf as unknown as { setWasmPaths(prefix: string, usePlatformFetch: boolean): void }).setWasmPaths(wasmDir, false);
    if (!(await tf.setBackend('wasm'))) throw new EngineError('ERR_KERNEL_MISSING', 'TensorFlow.js WebAssembly backend did not start');
    await tf.ready();
  }
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const { nets } = faceapi;
  if (!nets[FACE_PARAMS.models.detector].params) await nets[FACE_PARAMS.models.detector].loadFromDisk(modelDir);
  if (!nets[FACE_PARAMS.models.landmarks].params) await nets[FACE_PARAMS.models.landmarks].loadFromDisk(modelDir);
  if (!nets[FACE_PARAMS.models.coarseLandmarks].params) await nets[FACE_PARAMS.models.coarseLandmarks].loadFromDisk(modelDir);
  if (!nets[FACE_PARAMS.models.embedding].params) await nets[FACE_PARAMS.models.embedding].loadFromDisk(modelDir);
  return faceapi;
}

async function load(embeddingRuntime: EmbeddingRuntime): Promise<FaceModels> {
  const { tf, nets } = await loadFaceApi();
  const detect = createDetectorNet(tf, nets.tinyFaceDetector.params);
  const landmarks = createLandmarkNet(tf, { ...nets.faceLandmark68Net.faceFeatureExtractor.params, fc: nets.faceLandmark68Net.params.fc });
  const coarse = nets.faceLandmark68TinyNet;
  const coarseLandmarks = createLandmarkNet(tf, { ...coarse.faceFeatureExtractor.params, fc: coarse.params.fc });
  const weights = nets.faceRecognitionNet.params;
  let embed: FaceModels['embed'], embedWithMirror: FaceModels['embedWithMirror'];
  if (embeddingRuntime === 'int8') {
    const int8 = await createInt8EmbeddingNet(tf, weights, EMBEDDING_INT8_SCALES);
    embed = int8;
    embedWithMirror = int8.withMirror;
  } else {
    const fp32 = createEmbeddingNet(tf, weights);
    embed = async (chips) => fp32(chips);
    embedWithMirror = async (chip) => [fp32([chip])[0], fp32([mirrorChip(chip, EMBEDDING_INPUT)])[0]];
  }
  return {
    backend: embeddingRuntime === 'int8' ? `${tf.getBackend()} + onnxruntime-web int8 (embedding)` : tf.getBackend(),
    embeddingRuntime,
    landmarkInput: LANDMARK_INPUT,
    detect: async (canvas, side) => detect(canvas, side, FACE_PARAMS.detect.scoreThreshold),
    landmarks: async (crop) => landmarks(crop),
    coarseLandmarks: async (crop) => coarseLandmarks(crop),
    embed,
    embedWithMirror,
  };
}
