/**
 * The prefilter's side of the gallery: one hnswlib index per finger position (a probe finger
 * only ever meets fingers of its own position, so each graph holds only the fingers that can
 * match), labelled by subject ordinal. Saved beside the store on close with the store sequence
 * it reflects; a start whose store moved on since (or crashed before saving) rebuilds it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import type { FingerTemplate } from '../finger-matcher.ts';
import { FingerIndex, PREFILTER, PREFILTER_INDEX, isEmptyVector, templateVector } from '../prefilter/index.ts';

const MANIFEST = 'manifest.json';
const MANIFEST_FORMAT = 'biodedup-prefilter-gallery-1';
/** The vector and graph parameters the saved indexes were built with: any change means a rebuild. */
const PARAMETERS = JSON.stringify({ PREFILTER, PREFILTER_INDEX });

export interface PrefilterFinger {
  readonly position: number;
  readonly template: FingerTemplate;
}

export class PrefilterGallery {
  readonly #indexes = new Map<number, FingerIndex>();

  get size(): number {
    let n = 0;
    for (const index of this.#indexes.values()) n += index.size;
    return n;
  }

  add(ordinal: number, fingers: readonly PrefilterFinger[]): void {
    for (const { position, template } of fingers) {
      const vector = templateVector(template);
      if (isEmptyVector(vector)) continue; // too few minutiae to describe: found by exhaustive scans only
      let index = this.#indexes.get(position);
      if (index === undefined) this.#indexes.set(position, (index = FingerIndex.create()));
      index.add(ordinal, vector);
    }
  }

  remove(ordinal: number, positions: readonly number[]): void {
    for (const position of positions) {
      const index = this.#indexes.get(position);
      if (index?.has(ordinal)) index.remove(ordinal);
    }
  }

  /**
   * The subject ordinals the prefilter keeps for a probe: the k nearest per probe finger (of its
   * position; position 0 searches every position), united. `null` when a probe finger has no
   * usable vector: the caller must then scan exhaustively.
   */
  candidates(fingers: readonly PrefilterFinger[], kPerFinger: number): Set<number> | null {
    const kept = new Set<number>();
    for (const { position, template } of fingers) {
      const vector = templateVector(template);
      if (isEmptyVector(vector)) return null;
      const indexes = position === 0 ? [...this.#indexes.values()] : [this.#indexes.get(position)].filter((i) => i !== undefined);
      for (const index of indexes) for (const ordinal of index.search(vector, kPerFinger).slots) kept.add(ordinal);
    }
    return kept;
  }

  /** Writes every index and then the manifest naming the store sequence they reflect. */
  save(dir: string, sequence: number): void {
    mkdirSync(dir, { recursive: true });
    const positions = [...this.#indexes.keys()];
    for (const p of positions) this.#indexes.get(p)!.save(join(dir, `position-${p}.hnsw`));
    const temporary = join(dir, `${MANIFEST}.tmp`);
    writeFileSync(temporary, JSON.stringify({ format: MANIFEST_FORMAT, parameters: PARAMETERS, sequence, positions }));
    renameSync(temporary, join(dir, MANIFEST));
  }

  /** The saved indexes if they reflect exactly store sequence `sequence`; otherwise null. */
  static load(dir: string, sequence: number): PrefilterGallery | null {
    const manifestPath = join(dir, MANIFEST);
    if (!existsSync(manifestPath)) return null;
    let manifest: { format?: unknown; parameters?: unknown; sequence?: unknown; positions?: unknown };
    try {
      manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
    } catch {
      return null; // unreadable manifest: rebuild, as after a crash
    }
    if (manifest.format !== MANIFEST_FORMAT || manifest.parameters !== PARAMETERS || manifest.sequence !== sequence || !Array.isArray(manifest.positions)) return null;
    const gallery = new PrefilterGallery();
    for (const p of manifest.positions) {
      if (!Number.isInteger(p)) throw new EngineError('ERR_PREFILTER_INDEX_FILE', `prefilter manifest in ${dir} names a bad position`);
      gallery.#indexes.set(p as number, FingerIndex.load(join(dir, `position-${p as number}.hnsw`)));
    }
    return gallery;
  }
}
