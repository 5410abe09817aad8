/**
 * Loads the coarse finger kernel (build/finger-coarse.wasm, matchers-wasm/finger-coarse): MCQ1
 * forms (finger-coarse.ts) compared by a popcount local-similarity sort. Each instance has its own memory.
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.ts';
import { instantiateKernel } from './wasm-module.ts';

export interface CoarseKernelExports {
  memory: WebAssembly.Memory;
  coarseMagic(): number;
  allocate(bytes: number): number;
  compare(a: number, b: number): number;
  compareMany(probe: number, addresses: number, count: number, scores: number): void;
  /** Benches and tests: another direction window, 1/256 turns (absent from kernels built before it). */
  setDirectionWindow?(steps: number): void;
}

/** `wasmFile`: another build of the kernel (benches set an earlier build beside this one). */
export function instantiateCoarseKernel(wasmFile = fileURLToPath(new URL('../build/finger-coarse.wasm', import.meta.url))): CoarseKernelExports {
  return instantiateKernel<CoarseKernelExports>(wasmFile, 'coarse finger kernel');
}

/**
 * A coarse kernel with one probe and one gallery region, for benches and tests (the shards scan
 * through gallery/scan-comparators.ts instead): forms copied in once, compared in place.
 */
export class CoarseGallery {
  readonly #kernel: CoarseKernelExports;
  readonly #probe: number;
  readonly #addresses: number;
  readonly #scores: number;
  readonly size: number;

  constructor(forms: readonly Uint8Array[], wasmFile?: string) {
    const k = (this.#kernel = instantiateCoarseKernel(wasmFile));
    this.size = forms.length;
    this.#probe = k.allocate(64 * 1024 + 16);
    this.#addresses = k.allocate(4 * Math.max(1, forms.length));
    this.#scores = k.allocate(4 * Math.max(1, forms.length));
    const addresses: number[] = [];
    for (const f of forms) {
      const at = k.allocate(f.length + 16); // the kernel's last 16-byte loads may reach 12 bytes past a form
      new Uint8Array(k.memory.buffer, at, f.length).set(f);
      addresses.push(at);
    }
    new Uint32Array(k.memory.buffer, this.#addresses, forms.length).set(addresses);
  }

  /** Compares with a direction window of `steps` 1/256 turns from now on (ERR_KERNEL_OPTION on a kernel without the setting). */
  directionWindow(steps: number): void {
    if (this.#kernel.setDirectionWindow === undefined) throw new EngineError('ERR_KERNEL_OPTION', 'this coarse kernel build has a fixed direction window');
    this.#kernel.setDirectionWindow(steps);
  }

  /** Coarse scores of `probe` (an MCQ1 form) against every gallery form, in gallery order. */
  compareAll(probe: Uint8Array, out = new Float32Array(this.size)): Float32Array {
    const k = this.#kernel;
    new Uint8Array(k.memory.buffer, this.#probe, probe.length).set(probe);
    k.compareMany(this.#probe, this.#addresses, this.size, this.#scores);
    out.set(new Float32Array(k.memory.buffer, this.#scores, this.size));
    return out;
  }
}
