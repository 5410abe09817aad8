/**
 * Loading of the kernels' WebAssembly builds: each file is compiled once per process, and
 * every instance gets its own linear memory. Shared by the finger and iris kernel loaders.
 */
import { readFileSync } from 'node:fs';
import { EngineError } from './errors.ts';

const modules = new Map<string, WebAssembly.Module>();

/** The compiled module of a kernel build (`what` names it in errors, e.g. "fingerprint kernel"). */
function compiledModule(path: string, what: string): WebAssembly.Module {
  let module = modules.get(path);
  if (module === undefined) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (cause) {
      throw new EngineError('ERR_KERNEL_MISSING', `${what} ${path} is missing: run "npm run build"`, { cause });
    }
    module = new WebAssembly.Module(bytes);
    modules.set(path, module);
  }
  return module;
}

/** A fresh instance of a kernel build, its exports typed by the caller (abort is never reached: built with noAssert). */
export function instantiateKernel<T>(path: string, what: string): T {
  const instance = new WebAssembly.Instance(compiledModule(path, what), {
    env: {
      abort: (_m: number, _f: number, line: number, col: number) => {
        throw new EngineError('ERR_KERNEL_ABORT', `${what} aborted at ${line}:${col}`);
      },
      seed: () => 0,
    },
  });
  return instance.exports as unknown as T;
}
