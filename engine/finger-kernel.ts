/**
 * Loads the AssemblyScript fingerprint kernel (build/finger*.wasm) and gives it a typed face.
 * One compiled module per variant per process; each instance has its own linear memory.
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.ts';
import { instantiateKernel } from './wasm-module.ts';

/** 'simd' is the release kernel; 'scalar' the same algorithm without SIMD (the bench baseline). */
export type KernelVariant = 'simd' | 'scalar';
/** A variant, or the path of another build of the kernel (for experiments with parameters). */
export type KernelSource = KernelVariant | { wasmFile: string };

export interface FingerKernelExports {
  memory: WebAssembly.Memory;
  kernelReady(): number;
  maxMinutiae(): number;
  cellCount(): number;
  templateMagic(): number;
  templateBytes(n: number): number;
  allocate(bytes: number): number;
  buildTemplate(input: number, n: number, out: number): number;
  compare(a: number, b: number): number;
  compareMany(probe: number, addresses: number, count: number, scores: number): void;
  /** The same comparisons on compact templates (engine/finger-compact.ts): equal scores. */
  compactMagic(): number;
  compareCompact(a: number, b: number): number;
  compareManyCompact(probe: number, addresses: number, count: number, scores: number): void;
  lastPairing(out: number): number;
  maxPairing(): number;
}

const WASM_FILES: Record<KernelVariant, string> = {
  simd: '../build/finger.wasm',
  scalar: '../build/finger-scalar.wasm',
};

/** A fresh kernel instance with its own memory. */
export function instantiateFingerKernel(source: KernelSource = 'simd'): FingerKernelExports {
  const path = typeof source === 'string' ? fileURLToPath(new URL(WASM_FILES[source], import.meta.url)) : source.wasmFile;
  const kernel = instantiateKernel<FingerKernelExports>(path, 'fingerprint kernel');
  if (kernel.kernelReady() !== 1) {
    throw new EngineError('ERR_KERNEL_PARAMS', 'fingerprint kernel parameters are inconsistent (cells exceed the cylinder words)');
  }
  return kernel;
}
