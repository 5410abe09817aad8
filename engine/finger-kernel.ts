/**
 * Loads the AssemblyScript fingerprint kernel (build/finger*.wasm) and gives it a typed face.
 * One compiled module per variant per process; each instance has its own linear memory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.ts';

export type KernelVariant = 'simd' | 'scalar';

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
const modules = new Map<KernelVariant, WebAssembly.Module>();

function compiledModule(variant: KernelVariant): WebAssembly.Module {
  let module = modules.get(variant);
  if (module === undefined) {
    const path = fileURLToPath(new URL(WASM_FILES[variant], import.meta.url));
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (cause) {
      throw new EngineError('ERR_KERNEL_MISSING', `fingerprint kernel ${path} is missing: run "npm run build"`, { cause });
    }
    module = new WebAssembly.Module(bytes);
    modules.set(variant, module);
  }
  return module;
}

/** A fresh kernel instance with its own memory (abort is never reached: built with noAssert). */
export function instantiateFingerKernel(variant: KernelVariant = 'simd'): FingerKernelExports {
  const instance = new WebAssembly.Instance(compiledModule(variant), {
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
