/**
 * onnxruntime-web's WebAssembly backend, configured once per thread: one thread (no worker
 * threads: "one core"), no proxy worker, and the .wasm read from the pinned package's own
 * `dist/` folder (its single SIMD build, `ort-wasm-simd-threaded.wasm`; with one thread it
 * runs without SharedArrayBuffer workers). Nothing is fetched.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as OrtModule from 'onnxruntime-web';

export type Ort = typeof OrtModule;
export type OrtSession = OrtModule.InferenceSession;

let loading: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const ort = await import('onnxruntime-web');
    ort.env.wasm.wasmPaths = path.dirname(require.resolve('onnxruntime-web')) + path.sep;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return ort;
  })();
  return loading;
}

/** A session on the WebAssembly execution provider, every graph optimisation on. */
export async function createOrtSession(model: Uint8Array): Promise<OrtSession> {
  const ort = await loadOrt();
  return ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}
