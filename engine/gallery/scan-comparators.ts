/**
 * One comparator per modality for the shard scan: each owns a kernel instance with private
 * memory (AssemblyScript keeps its scratch there), a probe region per probe column, and a batch
 * region that templates are copied into from the shared shard memory before each compareMany —
 * a memcpy of a few KiB per comparison of tens of µs (callgrind: no measurable difference
 * against compareMany on a contiguous gallery).
 */
import { EngineError } from '../errors.ts';
import { instantiateFingerKernel, type FingerKernelExports } from '../finger-kernel.ts';
import { instantiateIrisKernel, type IrisKernelExports } from '../iris-kernel.ts';
import { calibrateFingerScore } from '../finger-calibration.ts';
import { compactFingerTemplate } from '../finger-compact.ts';
import { coarseFingerTemplate, isCoarseFingerTemplate } from '../finger-coarse.ts';
import { instantiateCoarseKernel, type CoarseKernelExports } from '../finger-coarse-kernel.ts';
import { calibrateIrisScore } from '../iris-calibration.ts';
import { align16 } from './shard-layout.ts';

export const MAX_PROBE_COLUMNS = 12; // 10 fingers + 2 irises
const BATCH_BYTES = 4 << 20;
export const MAX_BATCH = 2048;

export interface Comparator {
  /** Copies (and prepares) a probe template for column `column`; typed error if it is not valid. */
  placeProbe(column: number, template: Uint8Array): void;
  /** Room for one more template of `length` bytes in the current batch? */
  fits(count: number, usedBytes: number, length: number): boolean;
  /** Copies a gallery template into batch entry `index` at byte offset `offset` of the batch; returns bytes used. */
  stage(index: number, offset: number, source: Uint8Array, from: number, length: number): number;
  /** Compares the probe of `column` with the `count` staged templates; calibrated scores into `out`. */
  compareStaged(column: number, count: number, out: Float32Array): void;
}

/**
 * A batch of variable-size templates in a kernel's memory, addressed by a pointer list (the finger
 * kernels' compareMany form). Every region is reserved at construction and the kernel never
 * allocates afterwards, so its memory never grows and the views made here never detach
 * (stage() runs once per comparison).
 */
class AddressedBatch {
  readonly addressesPtr: number;
  readonly scoresPtr: number;
  readonly memory: Uint8Array;
  readonly #batchPtr: number;
  readonly #addresses: Uint32Array;

  constructor(kernel: { allocate(bytes: number): number; memory: WebAssembly.Memory }) {
    this.#batchPtr = align16(kernel.allocate(BATCH_BYTES + 16));
    this.addressesPtr = kernel.allocate(MAX_BATCH * 4);
    this.scoresPtr = kernel.allocate(MAX_BATCH * 4);
    this.memory = new Uint8Array(kernel.memory.buffer);
    this.#addresses = new Uint32Array(kernel.memory.buffer, this.addressesPtr, MAX_BATCH);
  }

  fits(count: number, usedBytes: number, length: number): boolean {
    return count < MAX_BATCH && usedBytes + align16(length) <= BATCH_BYTES;
  }

  /** Copies `template` into entry `index` at byte `offset` of the batch; returns the bytes used. */
  stage(index: number, offset: number, template: Uint8Array): number {
    const at = this.#batchPtr + offset;
    this.memory.set(template, at);
    this.#addresses[index] = at;
    return align16(template.length);
  }

  scores(count: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.scoresPtr, count);
  }
}

/** Fingers: the shards hold compact templates (finger-compact.ts); probes arrive as MCC1 and are packed here. */
export class FingerComparator implements Comparator {
  readonly #kernel: FingerKernelExports = instantiateFingerKernel('simd');
  readonly #probePtrs: number[];
  readonly #batch: AddressedBatch;

  constructor() {
    const slot = this.#kernel.templateBytes(this.#kernel.maxMinutiae());
    this.#probePtrs = Array.from({ length: MAX_PROBE_COLUMNS }, () => this.#kernel.allocate(slot + 16));
    this.#batch = new AddressedBatch(this.#kernel);
  }

  placeProbe(column: number, template: Uint8Array): void {
    const k = this.#kernel;
    const view = template.length >= 16 ? new DataView(template.buffer, template.byteOffset, 16) : null;
    const n = view === null ? -1 : view.getUint32(4, true);
    if (view === null || view.getUint32(0, true) !== k.templateMagic() || n > k.maxMinutiae() || template.length !== k.templateBytes(n)) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', `probe column ${column} is not a valid fingerprint template`);
    }
    // the shards hold the compact form (gallery.ts): the probe is compared in it too
    const compact = compactFingerTemplate(template);
    new Uint8Array(k.memory.buffer, this.#probePtrs[column], compact.length).set(compact);
  }

  fits(count: number, usedBytes: number, length: number): boolean {
    return this.#batch.fits(count, usedBytes, length);
  }

  stage(index: number, offset: number, source: Uint8Array, from: number, length: number): number {
    return this.#batch.stage(index, offset, source.subarray(from, from + length));
  }

  compareStaged(column: number, count: number, out: Float32Array): void {
    this.#kernel.compareManyCompact(this.#probePtrs[column], this.#batch.addressesPtr, count, this.#batch.scoresPtr);
    const raw = this.#batch.scores(count);
    for (let j = 0; j < count; j++) out[j] = calibrateFingerScore(raw[j]);
  }
}

/**
 * Fingers of a coarse-residency shard (shard-arena.ts): MCQ1 forms (finger-coarse.ts) compared by
 * the coarse kernel. Its scores (0–1, not calibrated) only rank subjects for the full matcher.
 */
export class CoarseFingerComparator implements Comparator {
  readonly #kernel: CoarseKernelExports = instantiateCoarseKernel();
  readonly #probePtrs: number[];
  readonly #batch: AddressedBatch;

  constructor() {
    const k = this.#kernel;
    // + 16: the kernel's last 16-byte loads may reach 12 bytes past a form (the batch has the same slack)
    this.#probePtrs = Array.from({ length: MAX_PROBE_COLUMNS }, () => k.allocate(COARSE_PROBE_BYTES + 16));
    this.#batch = new AddressedBatch(k);
  }

  placeProbe(column: number, template: Uint8Array): void {
    // the engine validated the probe's MCC1 bytes (FingerMatcher.templateFromBytes)
    const coarse = coarseFingerTemplate(template);
    if (coarse.length > COARSE_PROBE_BYTES) throw new EngineError('ERR_TEMPLATE_CORRUPT', `probe column ${column} is not a valid fingerprint template`);
    this.#batch.memory.set(coarse, this.#probePtrs[column]);
  }

  fits(count: number, usedBytes: number, length: number): boolean {
    return this.#batch.fits(count, usedBytes, length);
  }

  stage(index: number, offset: number, source: Uint8Array, from: number, length: number): number {
    const form = source.subarray(from, from + length);
    if (!isCoarseFingerTemplate(form)) throw new EngineError('ERR_TEMPLATE_CORRUPT', 'a coarse shard slot holds no coarse finger form');
    return this.#batch.stage(index, offset, form);
  }

  compareStaged(column: number, count: number, out: Float32Array): void {
    this.#kernel.compareMany(this.#probePtrs[column], this.#batch.addressesPtr, count, this.#batch.scoresPtr);
    out.set(this.#batch.scores(count));
  }
}
/** Largest coarse form (255 cylinders: 8 + 256 + 255 × 24 bytes). */
const COARSE_PROBE_BYTES = 6400;

/** Iris templates are fixed-size: the batch is one strided array, as the kernel's compareMany wants. */
export class IrisComparator implements Comparator {
  readonly #kernel: IrisKernelExports = instantiateIrisKernel();
  readonly #templateBytes: number;
  readonly #probePtrs: number[];
  readonly #buildPtr: number;
  readonly #batchPtr: number;
  readonly #scoresPtr: number;

  constructor() {
    const k = this.#kernel;
    this.#templateBytes = k.templateBytes();
    this.#probePtrs = Array.from({ length: MAX_PROBE_COLUMNS }, () => k.allocate(k.preparedBytes()));
    this.#buildPtr = k.allocate(this.#templateBytes);
    this.#batchPtr = align16(k.allocate(Math.min(BATCH_BYTES, MAX_BATCH * this.#templateBytes) + 16));
    this.#scoresPtr = k.allocate(MAX_BATCH * 4);
  }

  placeProbe(column: number, template: Uint8Array): void {
    const k = this.#kernel;
    const view = template.length >= 16 ? new DataView(template.buffer, template.byteOffset, 16) : null;
    if (view === null || template.length !== this.#templateBytes || view.getUint32(0, true) !== k.templateMagic()) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', `probe column ${column} is not a valid iris template`);
    }
    new Uint8Array(k.memory.buffer, this.#buildPtr, template.length).set(template);
    k.prepareProbe(this.#buildPtr, this.#probePtrs[column]);
  }

  fits(count: number, usedBytes: number, length: number): boolean {
    return length === this.#templateBytes && count < MAX_BATCH && usedBytes + length <= BATCH_BYTES;
  }

  stage(index: number, _offset: number, source: Uint8Array, from: number, length: number): number {
    new Uint8Array(this.#kernel.memory.buffer).set(source.subarray(from, from + length), this.#batchPtr + index * this.#templateBytes);
    return length;
  }

  compareStaged(column: number, count: number, out: Float32Array): void {
    this.#kernel.compareMany(this.#probePtrs[column], this.#batchPtr, count, this.#templateBytes, this.#scoresPtr);
    const raw = new Float32Array(this.#kernel.memory.buffer, this.#scoresPtr, count);
    for (let j = 0; j < count; j++) out[j] = calibrateIrisScore(raw[j]);
  }
}
