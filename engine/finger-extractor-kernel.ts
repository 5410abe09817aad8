/**
 * Loads the AssemblyScript fingerprint extractor (build/extract.wasm) and gives it a typed face.
 * One compiled module per process; each instance has its own linear memory and scratch arena.
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.ts';
import { instantiateKernel } from './wasm-module.ts';

export interface ExtractorKernelExports {
  memory: WebAssembly.Memory;
  kernelReady(): number;
  minSide(): number;
  maxSide(): number;
  maxPixels(): number;
  maxCandidates(): number;
  candidateFloats(): number;
  removalStages(): number;
  blockSize(): number;
  prepare(width: number, height: number): number;
  extract(): number;
  candidates(): number;
  kept(): number;
  quality(): number;
  medianPeriod(): number;
  fingerBlocks(): number;
  fingerAreaPx(): number;
  meanFingerCoherence(): number;
  candidatesAddress(): number;
  blocksWide(): number;
  blocksHigh(): number;
  planeStride(): number;
  maskAddress(): number;
  orientationAddress(): number;
  coherenceAddress(): number;
  periodAddress(): number;
  enhancedAddress(): number;
  binaryAddress(): number;
  skeletonAddress(): number;
  boxFilterBaseline(): number;
}

/** extract() outcomes (matchers-wasm/extract/index.ts EXTRACT_*). */
export const EXTRACTOR_OUTCOMES = ['ok', 'bad-size', 'no-finger', 'noise'] as const;
export type ExtractorOutcome = (typeof EXTRACTOR_OUTCOMES)[number];

/** Removal stages of the kernel's filters.ts (STAGE_1 … STAGE_6), in order. */
export const REMOVAL_STAGES = ['spur', 'fragment', 'bridge', 'border', 'break', 'cluster'] as const;
export type RemovalStage = (typeof REMOVAL_STAGES)[number];

const WASM_FILE = '../build/extract.wasm';

/** A fresh extractor instance with its own memory; `wasmFile` selects another build (experiments). */
export function instantiateExtractorKernel(wasmFile?: string): ExtractorKernelExports {
  const path = wasmFile ?? fileURLToPath(new URL(WASM_FILE, import.meta.url));
  const kernel = instantiateKernel<ExtractorKernelExports>(path, 'fingerprint extractor kernel');
  if (kernel.kernelReady() !== 1 || kernel.removalStages() !== REMOVAL_STAGES.length) {
    throw new EngineError('ERR_KERNEL_PARAMS', 'fingerprint extractor kernel does not match this host (rebuild with npm run build)');
  }
  return kernel;
}
