/**
 * Loads the AssemblyScript iris kernel (build/iris.wasm) and gives it a typed face.
 * One compiled module per process; each instance has its own linear memory.
 */
import { fileURLToPath } from 'node:url';
import { EngineError } from './errors.ts';
import { instantiateKernel } from './wasm-module.ts';

export interface IrisKernelExports {
  memory: WebAssembly.Memory;
  kernelReady(): number;
  templateMagic(): number;
  templateBytes(): number;
  codeBits(): number;
  codeAngles(): number;
  preparedBytes(): number;
  maxShift(): number;
  shiftCount(): number;
  maxImageSide(): number;
  maxImagePixels(): number;
  minUsableShare(): number;
  allocate(bytes: number): number;
  extract(image: number, width: number, height: number, out: number): number;
  lastPupilX(): number;
  lastPupilY(): number;
  lastPupilRadius(): number;
  lastIrisX(): number;
  lastIrisY(): number;
  lastIrisRadius(): number;
  lastUpperLidApexY(): number;
  lastUpperLidApexX(): number;
  lastUpperLidCurvature(): number;
  lastLowerLidApexY(): number;
  lastLowerLidApexX(): number;
  lastLowerLidCurvature(): number;
  lastSharpness(): number;
  lastOccludedShare(): number;
  lastUsableArea(): number;
  lastIrisPupilContrast(): number;
  lastIrisScleraContrast(): number;
  lastPupilCircularity(): number;
  lastPupilDilation(): number;
  lastMarginHorizontal(): number;
  lastMarginVertical(): number;
  sheetAddress(): number;
  usableAddress(): number;
  /** Image position of each normalised-iris sample (f32 px); absent from builds before session 11. */
  sheetXAddress?(): number;
  sheetYAddress?(): number;
  sheetRows(): number;
  sheetColumns(): number;
  prepareProbe(template: number, out: number): void;
  compare(prepared: number, template: number): number;
  lastBestShift(): number;
  lastBitsCompared(): number;
  lastDistance(): number;
  lastFreedomWeight(): number;
  /** Normalised distance behind the last score (after the local shift tolerance); absent from builds before session 12. */
  lastNormalisedDistance?(): number;
  compareMany(prepared: number, gallery: number, count: number, stride: number, scores: number): void;
  plainScan(probe: number, gallery: number, count: number, stride: number, distances: number): void;
  /** The coarse first pass of 1:N (matchers-wasm/iris/coarse.ts). */
  coarseEntryBytes(): number;
  coarsePreparedBytes(): number;
  coarseShiftCount(): number;
  coarseBits(): number;
  coarseKeepShare(): number;
  coarseSureSimilarity(): number;
  coarseMinProbeShare(): number;
  coarseMinGallery(): number;
  coarseEntry(template: number, out: number): number;
  prepareCoarseProbe(template: number, out: number): number;
  coarseScanMany(prepared: number, entries: number, count: number, stride: number, scores: number): void;
  /** Encodes the normalised iris written at sheetAddress()/usableAddress() into a template (generated backgrounds). */
  encodeSheet(out: number): number;
}

/** Extraction outcomes of the kernel's extract() (matchers-wasm/iris/index.ts EXTRACT_*). */
export const EXTRACT_OUTCOMES = ['ok', 'bad-image', 'no-pupil', 'no-iris', 'too-occluded', 'too-blurred', 'low-contrast', 'iris-too-small'] as const;
export type ExtractOutcome = (typeof EXTRACT_OUTCOMES)[number];

const WASM_FILE = '../build/iris.wasm';
/** A fresh kernel instance with its own memory; `wasmFile` selects another build (experiments). */
export function instantiateIrisKernel(wasmFile?: string): IrisKernelExports {
  const path = wasmFile ?? fileURLToPath(new URL(WASM_FILE, import.meta.url));
  const kernel = instantiateKernel<IrisKernelExports>(path, 'iris kernel');
  if (kernel.kernelReady() !== 1) throw new EngineError('ERR_KERNEL_PARAMS', 'iris kernel parameters are inconsistent');
  return kernel;
}
