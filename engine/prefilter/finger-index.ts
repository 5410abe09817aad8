/**
 * The prefilter's approximate nearest-neighbour index over finger vectors: a thin wrapper
 * over hnswlib-node's HierarchicalNSW in inner-product space. Labels are the caller's slot
 * ids (non-negative integers); a deleted slot is a tombstone until the caller adds a vector
 * under the same id again (hnswlib then updates the node in place and revives it).
 *
 * Every hnswlib failure becomes an EngineError with a stable code; inputs are checked here
 * first so the native code never sees a wrong length, a NaN or a bad label.
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { EngineError } from '../errors.ts';
import { PREFILTER, PREFILTER_INDEX } from './params.ts';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** hnswlib stores labels as size_t; JS numbers are exact up to 2^53, slots stay well below 2^32. */
const MAX_SLOT = 0xffff_ffff;
const TOMBSTONE_SUFFIX = '.tombstones';
const TOMBSTONE_FORMAT = 'biodedup-prefilter-tombstones-1';

export interface FingerIndexOptions {
  /** Vector dimension (default `PREFILTER.dimension`). */
  dimension?: number;
  /** Vectors the index holds before it grows (default `PREFILTER_INDEX.initialCapacity`). */
  capacity?: number;
  m?: number;
  efConstruction?: number;
}

export interface FingerSearchOptions {
  /** hnswlib's ef for this query (default max(k × efFactor, efMin)). */
  ef?: number;
  /** Only these slots may be returned (e.g. the fingers of a restricted identify's referenceIds). */
  allow?: ReadonlySet<number> | ((slot: number) => boolean);
}

export interface FingerSearchResult {
  /** Slot ids, most similar first. */
  slots: Uint32Array;
  /** Inner products (1 = identical direction), aligned with `slots`. */
  similarities: Float32Array;
}

export class FingerIndex {
  readonly dimension: number;
  private readonly hnsw: Hnsw;
  /** Every slot hnswlib holds (tombstoned ones too: they occupy capacity), and the tombstoned ones. */
  private readonly stored = new Set<number>();
  private readonly deleted = new Set<number>();

  private constructor(hnsw: Hnsw, dimension: number) {
    this.hnsw = hnsw;
    this.dimension = dimension;
  }

  /** A new, empty index. */
  static create(options: FingerIndexOptions = {}): FingerIndex {
    const dimension = checkDimension(options.dimension ?? PREFILTER.dimension);
    const capacity = options.capacity ?? PREFILTER_INDEX.initialCapacity;
    const m = options.m ?? PREFILTER_INDEX.m;
    const efConstruction = options.efConstruction ?? PREFILTER_INDEX.efConstruction;
    for (const [name, v] of [['capacity', capacity], ['m', m], ['efConstruction', efConstruction]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > MAX_SLOT) {
        throw new EngineError('ERR_PREFILTER_OPTIONS', `${name} must be a positive integer, got ${v}`);
      }
    }
    const hnsw = new HierarchicalNSW('ip', dimension);
    native('ERR_PREFILTER_INDEX', () => hnsw.initIndex(capacity, m, efConstruction, PREFILTER_INDEX.randomSeed));
    return new FingerIndex(hnsw, dimension);
  }

  /**
   * An index saved by `save` (the hnswlib file and its `.tombstones` companion). The caller
   * must load with the dimension it saved with (a mismatch is refused).
   */
  static load(path: string, dimension: number = PREFILTER.dimension): FingerIndex {
    checkDimension(dimension);
    const tombstones = readTombstones(path);
    const stored = storedDimension(path);
    if (stored !== dimension) {
      throw new EngineError('ERR_PREFILTER_INDEX_FILE', `index file ${path} holds ${stored}-float vectors, expected ${dimension}`);
    }
    const hnsw = new HierarchicalNSW('ip', dimension);
    native('ERR_PREFILTER_INDEX_FILE', () => hnsw.readIndexSync(path), `cannot read index file ${path}`);
    const index = new FingerIndex(hnsw, dimension);
    for (const slot of hnsw.getIdsList()) index.stored.add(slot);
    if (index.stored.size !== tombstones.count) {
      throw new EngineError('ERR_PREFILTER_INDEX_FILE', `index file ${path} holds ${index.stored.size} vectors, its tombstone file says ${tombstones.count}: rebuild the index`);
    }
    for (const slot of tombstones.deleted) {
      // unmark + mark proves hnswlib holds this tombstone too (unmarking a live slot throws)
      native('ERR_PREFILTER_INDEX_FILE', () => { hnsw.unmarkDelete(slot); hnsw.markDelete(slot); }, `index file ${path} and its tombstones disagree on slot ${slot}`);
      index.deleted.add(slot);
    }
    return index;
  }

  /** Vectors searchable now (added, not deleted). */
  get size(): number {
    return this.stored.size - this.deleted.size;
  }

  get capacity(): number {
    return this.hnsw.getMaxElements();
  }

  has(slot: number): boolean {
    return this.stored.has(slot) && !this.deleted.has(slot);
  }

  /** Adds the vector of `slot`, or replaces it (and revives a deleted slot). Grows the index when full. */
  add(slot: number, vector: Float32Array): void {
    checkSlot(slot);
    const point = this.checkVector(vector);
    if (!this.stored.has(slot) && this.stored.size >= this.capacity) this.grow(this.stored.size + 1);
    native('ERR_PREFILTER_INDEX', () => this.hnsw.addPoint(point, slot));
    this.stored.add(slot);
    this.deleted.delete(slot);
  }

  /** Makes room for `capacity` vectors at once (e.g. before a bulk rebuild). */
  reserve(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_SLOT) {
      throw new EngineError('ERR_PREFILTER_OPTIONS', `capacity must be a positive integer, got ${capacity}`);
    }
    if (capacity > this.capacity) native('ERR_PREFILTER_INDEX', () => this.hnsw.resizeIndex(capacity));
  }

  /** Tombstones `slot`: it is never returned again unless re-added. Unknown or already deleted → error. */
  remove(slot: number): void {
    checkSlot(slot);
    if (!this.has(slot)) throw new EngineError('ERR_PREFILTER_SLOT', `slot ${slot} is not in the index`);
    native('ERR_PREFILTER_INDEX', () => this.hnsw.markDelete(slot));
    this.deleted.add(slot);
  }

  /** The (at most) k slots most similar to `vector`, most similar first. */
  search(vector: Float32Array, k: number, options: FingerSearchOptions = {}): FingerSearchResult {
    const point = this.checkVector(vector);
    if (!Number.isInteger(k) || k < 1) throw new EngineError('ERR_PREFILTER_OPTIONS', `k must be a positive integer, got ${k}`);
    const n = Math.min(k, this.size, this.capacity);
    if (n === 0) return { slots: new Uint32Array(0), similarities: new Float32Array(0) };
    const ef = options.ef ?? Math.max(Math.ceil(n * PREFILTER_INDEX.efFactor), PREFILTER_INDEX.efMin);
    if (!Number.isInteger(ef) || ef < 1) throw new EngineError('ERR_PREFILTER_OPTIONS', `ef must be a positive integer, got ${ef}`);
    const { allow } = options;
    const filter = allow === undefined ? undefined : typeof allow === 'function' ? allow : (slot: number) => allow.has(slot);
    native('ERR_PREFILTER_INDEX', () => this.hnsw.setEf(ef));
    const result = native('ERR_PREFILTER_INDEX', () => this.hnsw.searchKnn(point, n, filter));
    return {
      slots: Uint32Array.from(result.neighbors),
      similarities: Float32Array.from(result.distances, (d) => 1 - d),
    };
  }

  /**
   * Writes the index to `path` and its tombstones to `path.tombstones` (hnswlib keeps deletions
   * in its file but cannot list them). Each file is written to a temporary and renamed, the
   * tombstones first; a crash between the two renames is caught by `load` (vector count and
   * tombstone check), so a half-saved pair is refused, never used.
   */
  save(path: string): void {
    const temporary = `${path}.${process.pid}.tmp`;
    const tombstonePath = `${path}${TOMBSTONE_SUFFIX}`;
    const tombstoneTemporary = `${tombstonePath}.${process.pid}.tmp`;
    try {
      this.hnsw.writeIndexSync(temporary);
      writeFileSync(tombstoneTemporary, JSON.stringify({ format: TOMBSTONE_FORMAT, count: this.stored.size, deleted: [...this.deleted] }));
      renameSync(tombstoneTemporary, tombstonePath);
      renameSync(temporary, path);
    } catch (cause) {
      rmSync(temporary, { force: true });
      rmSync(tombstoneTemporary, { force: true });
      throw new EngineError('ERR_PREFILTER_INDEX_FILE', `cannot write index file ${path}`, { cause });
    }
  }

  private grow(needed: number): void {
    const next = Math.max(needed, Math.ceil(this.capacity * PREFILTER_INDEX.growthFactor));
    native('ERR_PREFILTER_INDEX', () => this.hnsw.resizeIndex(Math.min(next, MAX_SLOT)));
  }

  /** A plain array for the native binding (it reads JS arrays only), after the checks it skips. */
  private checkVector(vector: Float32Array): number[] {
    if (!(vector instanceof Float32Array)) throw new EngineError('ERR_PREFILTER_VECTOR', 'vector must be a Float32Array');
    if (vector.length !== this.dimension) {
      throw new EngineError('ERR_PREFILTER_DIMENSION', `vector has ${vector.length} floats, the index expects ${this.dimension}`);
    }
    const point = Array.from(vector);
    if (!point.every(Number.isFinite)) throw new EngineError('ERR_PREFILTER_VECTOR', 'vector holds NaN or infinite values');
    return point;
  }
}

/**
 * The vector dimension an hnswlib file was written with, from its header (six little-endian
 * 64-bit fields: offsetLevel0, maxElements, count, sizeDataPerElement, labelOffset, offsetData;
 * a vector is the labelOffset − offsetData bytes of float32). -1 when the header is short.
 */
function storedDimension(path: string): number {
  const header = Buffer.alloc(48);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, 48, 0) < 48) return -1;
  } finally {
    closeSync(fd);
  }
  const bytes = Number(header.readBigUInt64LE(32) - header.readBigUInt64LE(40));
  return bytes > 0 && bytes % 4 === 0 ? bytes / 4 : -1;
}

/** The companion file `save` writes: vector count and deleted slots, validated field by field. */
function readTombstones(path: string): { count: number; deleted: number[] } {
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    text = readFileSync(`${path}${TOMBSTONE_SUFFIX}`, 'utf8');
  } catch (cause) {
    throw new EngineError('ERR_PREFILTER_INDEX_FILE', `index file ${path} or its ${TOMBSTONE_SUFFIX} companion is missing`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new EngineError('ERR_PREFILTER_INDEX_FILE', `tombstone file of ${path} is not valid JSON`, { cause });
  }
  const t = parsed as { format?: unknown; count?: unknown; deleted?: unknown };
  const ok = t !== null && typeof t === 'object' && t.format === TOMBSTONE_FORMAT
    && Number.isInteger(t.count) && (t.count as number) >= 0
    && Array.isArray(t.deleted) && t.deleted.every((s) => Number.isInteger(s) && s >= 0 && s <= MAX_SLOT);
  if (!ok) throw new EngineError('ERR_PREFILTER_INDEX_FILE', `tombstone file of ${path} is malformed`);
  return { count: t.count as number, deleted: t.deleted as number[] };
}

function checkDimension(dimension: number): number {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 65536) {
    throw new EngineError('ERR_PREFILTER_DIMENSION', `dimension must be an integer in 1–65536, got ${dimension}`);
  }
  return dimension;
}

function checkSlot(slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT) {
    throw new EngineError('ERR_PREFILTER_SLOT', `slot must be an integer in 0–${MAX_SLOT}, got ${slot}`);
  }
}

/** Runs a native call, turning its exceptions into EngineErrors with `code`. */
function native<T>(code: string, run: () => T, message?: string): T {
  try {
    return run();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new EngineError(code, message === undefined ? `hnswlib: ${reason}` : `${message}: ${reason}`, { cause });
  }
}
