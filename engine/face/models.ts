/**
 * The inference backend: face-api's networks on TensorFlow.js's WebAssembly backend (XNNPACK,
 * SIMD, one thread — so it runs the same in the main thread and in a piscina worker). Weights
 * and the .wasm files are read from the pinned npm packages' folders; nothing is fetched.
 * Loaded once per thread, on first use. This is the only file that touches TensorFlow.js:
 * the stages see plain typed arrays.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { EngineError } from '../errors.ts';
import { FACE_PARAMS } from './params.ts';

/** A detector box in the pixels of the image that was given to the detector. */
export interface DetectedBox { x: number; y: number; width: number; height: number; score: number }

export interface FaceModels {
  /** Boxes on a square RGB canvas of `side` px (values 0–255, side × side × 3). */
  detect(canvas: Float32Array, side: number): Promise<DetectedBox[]>;
  /** 68 (x, y) points in the pixels of a square crop (side × side × 3, values 0–255). */
  landmarks(crop: Float32Array, side: number): Promise<Float32Array>;
  /** The 128-d descriptor of a chip (chipSize² × 3, values 0–255), not normalised. */
  embed(chip: Float32Array, side: number): Promise<Float32Array>;
  readonly backend: string;
}

interface Tensor { dispose(): void; expandDims(axis: number): Tensor }
interface TfApi {
  tensor3d(values: Float32Array, shape: [number, number, number], dtype: 'float32'): Tensor;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  setWasmPaths(prefix: string, usePlatformFetch: boolean): void;
  env(): { set(flag: string, value: boolean | number): void };
}
interface FaceApiBox { x: number; y: number; width: number; height: number }
interface FaceApi {
  tf: TfApi;
  nets: {
    tinyFaceDetector: { loadFromDisk(dir: string): Promise<void>; locateFaces(input: Tensor, options: unknown): Promise<Array<{ box: FaceApiBox; score: number }>> };
    faceLandmark68Net: { loadFromDisk(dir: string): Promise<void>; detectLandmarks(input: Tensor): Promise<{ positions: Array<{ x: number; y: number }> } | unknown[]> };
    faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; computeFaceDescriptor(input: Tensor): Promise<Float32Array | Float32Array[]> };
  };
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
}

let loading: Promise<FaceModels> | undefined;

/** The models of this thread, loaded on first call. Rejects with ERR_KERNEL_MISSING when a package or weight file is missing. */
export function loadFaceModels(): Promise<FaceModels> {
  loading ??= load().catch((cause: unknown) => {
    loading = undefined;
    if (cause instanceof EngineError) throw cause;
    throw new EngineError('ERR_KERNEL_MISSING', `face models could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
  return loading;
}

async function load(): Promise<FaceModels> {
  const require = createRequire(import.meta.url);
  // CommonJS build: it requires @tensorflow/tfjs and the WASM backend, the same instances we configure.
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = faceapi.tf;
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  // false: Emscripten reads the file itself (Node's fetch cannot read a path).
  tf.setWasmPaths(wasmDir, false);
  if (!(await tf.setBackend('wasm'))) throw new EngineError('ERR_KERNEL_MISSING', 'TensorFlow.js WebAssembly backend did not start');
  await tf.ready();
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const { nets } = faceapi;
  await nets[FACE_PARAMS.models.detector].loadFromDisk(modelDir);
  await nets[FACE_PARAMS.models.landmarks].loadFromDisk(modelDir);
  await nets[FACE_PARAMS.models.embedding].loadFromDisk(modelDir);
  const detectorOptions = new Map<number, unknown>();
  const optionsFor = (side: number): unknown => {
    let o = detectorOptions.get(side);
    if (o === undefined) detectorOptions.set(side, o = new faceapi.TinyFaceDetectorOptions({ inputSize: side, scoreThreshold: FACE_PARAMS.detect.scoreThreshold }));
    return o;
  };

  function withTensor<T>(values: Float32Array, side: number, run: (t: Tensor) => Promise<T>): Promise<T> {
    const image = tf.tensor3d(values, [side, side, 3], 'float32');
    const batch = image.expandDims(0);
    return run(batch).finally(() => { batch.dispose(); image.dispose(); });
  }

  return {
    backend: tf.getBackend(),
    detect: (canvas, side) => withTensor(canvas, side, async (t) => {
      const found = await nets.tinyFaceDetector.locateFaces(t, optionsFor(side));
      return found.map((d) => ({ x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, score: d.score }));
    }),
    landmarks: (crop, side) => withTensor(crop, side, async (t) => {
      const result = await nets.faceLandmark68Net.detectLandmarks(t);
      const one = Array.isArray(result) ? result[0] : result;
      const positions = (one as { positions: Array<{ x: number; y: number }> }).positions;
      const out = new Float32Array(positions.length * 2);
      positions.forEach((p, i) => { out[2 * i] = p.x; out[2 * i + 1] = p.y; });
      return out;
    }),
    embed: (chip, side) => withTensor(chip, side, async (t) => {
      const result = await nets.faceRecognitionNet.computeFaceDescriptor(t);
      return Float32Array.from(Array.isArray(result) ? result[0] : result);
    }),
  };
}
