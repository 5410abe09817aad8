/**
 * Loads the AssemblyScript fingerprint kernel (build/finger*.wasm) and gives it a typed face.
 * One compiled module per variant per process; each instance has its own linear memory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.ts';

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
  lastPairing(out: number): number;
  maxPairing(): number;
}

const WASM_FILES: Record<KernelVariant, string> = {
  simd: '../build/finger.wasm',
  scalar: '../build/finger-scalar.wasm',
};
const modules = new Map<string, WebAssembly.Module>();

function compiledModule(source: KernelSource): WebAssembly.Module {
  const path = typeof source === 'string' ? fileURLToPath(new URL(WASM_FILES[source], import.meta.url)) : source.wasmFile;
  let module = modules.get(path);
  if (module === undefined) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (cause) {
      throw new EngineError('ERR_KERNEL_MISSING', `fingerprint kernel ${path} is missing: run "npm run build"`, { cause });
    }
    module = new WebAssembly.Module(bytes);
    modules.set(path, module);
  }
  return module;
}

/** A fresh kernel instance with its own memory (abort is never reached: built with noAssert). */
export function instantiateFingerKernel(source: KernelSource = 'simd'): FingerKernelExports {
  const instance = new WebAssembly.Instance(compiledModule(source), {
    env: {
      abort: (_m: number, _f: number, line: number, col: number) => {
        throw new EngineError('ERR_KERNEL_ABORT', `fingerprint kernel aborted at ${line}:${col}`);
      },
      seed: () => 0,
    },
  });
  const kernel = instance.exports as unknown as FingerKernelExports;
  if (kernel.kernelReady() !== 1) {
    throw new EngineError('ERR_KERNEL_PARAMS', 'fingerprint kernel parameters are inconsistent (cells exceed the cylinder words)');
  }
  return kernel;
}
