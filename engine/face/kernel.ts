/**
 * Loads the face scan kernel (build/face.wasm, matchers-wasm/face/) and gives it a typed face.
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors.ts';
import { instantiateKernel } from '../wasm-module.ts';

export interface FaceKernelExports {
  memory: WebAssembly.Memory;
  kernelReady(): number;
  allocate(bytes: number): number;
  dotMany(probe: number, gallery: number, count: number, dim: number, stride: number, scores: number): void;
  dotManyScalar(probe: number, gallery: number, count: number, dim: number, stride: number, scores: number): void;
}

const WASM_FILE = '../../build/face.wasm';

export function instantiateFaceKernel(): FaceKernelExports {
  const kernel = instantiateKernel<FaceKernelExports>(fileURLToPath(new URL(WASM_FILE, import.meta.url)), 'face kernel');
  if (kernel.kernelReady() !== 1) throw new EngineError('ERR_KERNEL_PARAMS', 'face kernel is not ready');
  return kernel;
}
