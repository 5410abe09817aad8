/**
 * The deduplication engine: the durable store (source of truth), the in-memory shards rebuilt
 * from it, and the worker pool that scans them. insert / identify / verify / delete / count /
 * pendingJobs are the whole surface; api/ builds the ABIS and ID services on it.
 *
 * Ordering: an insert is acknowledged after its LMDB commit is durable AND its templates are
 * published in a shard (same microtask, no await between), so an identify that starts after an
 * acknowledgement always sees that subject.
 */
import { EngineError } from '../errors.ts';
import { FingerMatcher } from '../finger-matcher.ts';
import { IrisMatcher } from '../iris-matcher.ts';
import { openSubjectStore, type SubjectStore } from '../store/subject-store.ts';
import type { TemplateKey } from '../store/template-key.ts';
import type { FingerPosition, StoredSubject, Subject } from '../store/subject.ts';
import type { InsertResult } from '../store/subject-store.ts';
import { Gallery, type ScanRange } from './gallery.ts';
import { ScanPool, defaultPoolSize } from './scan-pool.ts';
import { MODALITY_FINGER, MODALITY_IRIS } from './shard-layout.ts';
import type { ArenaTemplate } from './shard-arena.ts';
import type { ScanProbe, ScanResult, ScanTask } from './scan-task.ts';
import { decisionThreshold } from './fusion.ts';
import { ShardScanner } from './shard-scanner.ts';
import { IRIS_SIDE_CODE, identifyDefaults, type Candidate, type EngineOptions, type IdentifyOptions, type IdentifyResult, type IrisSideOrUnknown, type ModalityScore, type Probe, type ProbeFinger, type ProbeIris, type VerifyResult } from './engine-types.ts';

/** Version tag stored with MCC finger templates (the kernel layout "MCC1"). */
export const FINGER_TEMPLATE_VERSION = 1;
/** Version tag stored with iris templates (the iris kernel's layout). */
export const IRIS_TEMPLATE_VERSION = 1;
const SIDE_OF_CODE: readonly IrisSideOrUnknown[] = ['unknown', 'right', 'left'];

export class DedupEngine {
  readonly threads: number;
  /** Seconds the start-up rebuild of the shards from the store took. */
  readonly loadSeconds: number;
  readonly #store: SubjectStore;
  readonly #gallery: Gallery;
  readonly #pool: ScanPool;
  readonly #matcher = new FingerMatcher();
  #irisMatcher: IrisMatcher | undefined;
  /** Verify runs here, in the calling thread: a 1:1 never queues behind 1:N scans in the pool. */
  readonly #verifier = new ShardScanner();
  #pending = 0;
  #closed = false;

  /** Opens the store, rebuilds every shard from it, starts the pool. */
  static open(options: EngineOptions): DedupEngine {
    return new DedupEngine(options);
  }

  private constructor(options: EngineOptions) {
    this.#store = openSubjectStore({ path: options.dataDir, key: options.key });
    this.#gallery = new Gallery({
      shardCapacity: options.shardCapacity ?? 65536,
      maxTemplateBytes: options.maxTemplateBytes ?? 64 * 1024,
      compactAtTombstoneShare: options.compactAtTombstoneShare ?? 0.25,
    });
    const started = performance.now();
    for (const subject of this.#store.subjects()) this.#publish(subject.referenceId, subject);
    this.loadSeconds = (performance.now() - started) / 1000;
    this.threads = options.threads ?? defaultPoolSize();
    this.#pool = new ScanPool(this.threads);
  }

  /** Enrolled subjects (every subject in the store). */
  count(): number {
    this.#assertOpen();
    return this.#store.count();
  }

  /** Operations accepted and not yet finished (inserts, deletes, identifies, verifies). */
  pendingJobs(): number {
    return this.#pending;
  }

  /** Gallery figures for reports: live subjects and templates, shard count and memory. */
  stats(): { subjects: number; templates: number; shards: number; templateBytes: number; memoryBytes: number } {
    const g = this.#gallery;
    return { subjects: g.size, templates: g.templateCount, shards: g.shardCount, templateBytes: g.heapBytes, memoryBytes: g.memoryBytes };
  }

  /**
   * Enrols a subject durably; an existing referenceId changes nothing and reports
   * 'already-present' (MOSIP counts a repeated insert as success). Insert never dedups:
   * identify does.
   */
  async insert(subject: Subject): Promise<InsertResult> {
    this.#assertOpen();
    // validate templates before the store is touched: a refused insert writes nothing
    this.#arenaTemplates(subject);
    return this.#track(async () => {
      const result = await this.#store.insert(subject);
      if (result.status === 'inserted' && !this.#gallery.has(subject.referenceId)) this.#publish(subject.referenceId, subject);
      return result;
    });
  }

  /** Removes a subject durably; its slots are tombstoned at once and reclaimed by compaction. */
  async delete(referenceId: string): Promise<{ deleted: boolean }> {
    this.#assertOpen();
    return this.#track(async () => {
      const result = await this.#store.delete(referenceId);
      this.#gallery.remove(referenceId);
      return { deleted: result.deleted };
    });
  }

  /** 1:N: the enrolled subjects whose fused score reaches the threshold for the target FPIR. */
  async identify(probe: Probe, options: IdentifyOptions = {}): Promise<IdentifyResult> {
    this.#assertOpen();
    const o = identifyDefaults(options);
    const scanProbe = this.#scanProbe(probe);
    return this.#track(async () => {
      const { ranges, gallerySize } = this.#restriction(o.referenceIds);
      const threshold = decisionThreshold(o.targetFPIR, gallerySize);
      // one extra slot: the excluded subject may take one of the k places
      const k = o.maxResults + (o.excludeReferenceId === undefined ? 0 : 1);
      const tasks: Promise<ScanResult>[] = ranges === undefined
        ? this.#gallery.scanRanges(this.threads * 4).map((r) => this.#pool.run(scanTask(r, scanProbe, threshold, k)))
        : [...ranges].map(([shard, list]) => {
          const arena = this.#gallery.arena(shard);
          return this.#pool.run({ memory: arena.memory, slotCount: arena.slotCount, probe: scanProbe, ranges: Uint32Array.from(list), threshold, k });
        });
      const results = await Promise.all(tasks);
      return {
        candidates: this.#mergeCandidates(results, scanProbe, o.maxResults, o.excludeReferenceId),
        threshold,
        gallerySize,
        comparisons: results.reduce((s, r) => s + r.comparisons, 0),
        mode: 'exhaustive',
      };
    });
  }

  /** 1:1: the probe against one subject's templates; match when the fused score reaches `threshold` (default 40: FMR 1e-4). */
  async verify(referenceId: string, probe: Probe, threshold = 40): Promise<VerifyResult> {
    this.#assertOpen();
    const scanProbe = this.#scanProbe(probe);
    return this.#track(async () => {
      const ordinal = this.#gallery.ordinalOf(referenceId);
      if (ordinal === undefined) throw new EngineError('ERR_UNKNOWN_REFERENCE', `no enrolled subject "${referenceId}"`);
      const { shard, firstSlot, slotCount } = this.#gallery.locate(ordinal)!;
      const arena = this.#gallery.arena(shard);
      const r = this.#verifier.scan({
        memory: arena.memory, slotCount: arena.slotCount, probe: scanProbe, ranges: Uint32Array.of(firstSlot, slotCount), threshold: -Infinity, k: 1,
      });
      const score = r.fused[0];
      return { match: score >= threshold, score, threshold, scores: modalityScores(scanProbe, r.perFinger) };
    });
  }

  /** Stops the pool and closes the store (waiting for pending writes). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close();
    await this.#store.close();
  }

  #publish(referenceId: string, subject: Subject | StoredSubject): void {
    const templates = this.#arenaTemplates(subject);
    if (templates.length > 0) this.#gallery.add(referenceId, templates);
  }

  /** The scannable templates of a subject, each validated (a corrupt one refuses the subject). */
  #arenaTemplates(subject: Subject | StoredSubject): ArenaTemplate[] {
    const out: ArenaTemplate[] = [];
    for (const [position, t] of Object.entries(subject.fingers ?? {})) {
      if (t === undefined) continue;
      if (t.modality !== 'finger' || t.version !== FINGER_TEMPLATE_VERSION) {
        throw new EngineError('ERR_TEMPLATE_VERSION', `finger ${position}: expected an MCC finger template (version ${FINGER_TEMPLATE_VERSION})`);
      }
      this.#matcher.templateFromBytes(t.bytes);
      out.push({ modality: MODALITY_FINGER, position: Number(position), bytes: t.bytes });
    }
    for (const [side, t] of Object.entries(subject.irises ?? {})) {
      if (t === undefined) continue;
      if (t.modality !== 'iris' || t.version !== IRIS_TEMPLATE_VERSION) {
        throw new EngineError('ERR_TEMPLATE_VERSION', `iris ${side}: expected an iris template (version ${IRIS_TEMPLATE_VERSION})`);
      }
      this.#irises().templateFromBytes(t.bytes);
      out.push({ modality: MODALITY_IRIS, position: IRIS_SIDE_CODE[side as 'left' | 'right'], bytes: t.bytes });
    }
    return out;
  }

  #scanProbe(probe: Probe): ScanProbe {
    const fingers: readonly ProbeFinger[] = probe?.fingers ?? [];
    const irises: readonly ProbeIris[] = probe?.irises ?? [];
    if (!Array.isArray(fingers) || !Array.isArray(irises) || fingers.length + irises.length === 0 || fingers.length > 10 || irises.length > 2) {
      throw new EngineError('ERR_PROBE', 'a probe needs 1–10 finger templates and/or 1–2 iris templates');
    }
    const modalities: number[] = [], positions: number[] = [], templates: Uint8Array[] = [];
    fingers.forEach((f, i) => {
      if (!Number.isInteger(f?.position) || f.position < 0 || f.position > 10) throw new EngineError('ERR_PROBE', `probe finger ${i}: position must be 0 (unknown) or 1–10`);
      modalities.push(MODALITY_FINGER);
      positions.push(f.position);
      templates.push(this.#matcher.templateFromBytes(f.template).bytes);
    });
    irises.forEach((e, i) => {
      const side: unknown = e?.side;
      if (side !== 'left' && side !== 'right' && side !== 'unknown') throw new EngineError('ERR_PROBE', `probe iris ${i}: side must be left, right or unknown`);
      modalities.push(MODALITY_IRIS);
      positions.push(IRIS_SIDE_CODE[side]);
      templates.push(this.#irises().templateFromBytes(e.template).bytes);
    });
    return { modalities, positions, templates };
  }

  #irises(): IrisMatcher {
    return (this.#irisMatcher ??= new IrisMatcher());
  }

  /** For a restricted identify: the listed subjects' slot ranges per shard, and N. */
  #restriction(referenceIds: readonly string[] | undefined): { ranges?: Map<number, number[]>; gallerySize: number } {
    if (referenceIds === undefined) return { gallerySize: this.#gallery.size };
    const ranges = new Map<number, number[]>();
    let present = 0;
    for (const id of new Set(referenceIds)) {
      const ordinal = this.#gallery.ordinalOf(id);
      if (ordinal === undefined) continue;
      const { shard, firstSlot, slotCount } = this.#gallery.locate(ordinal)!;
      let list = ranges.get(shard);
      if (list === undefined) ranges.set(shard, (list = []));
      list.push(firstSlot, slotCount);
      present++;
    }
    return { ranges, gallerySize: present };
  }

  #mergeCandidates(results: readonly ScanResult[], probe: ScanProbe, maxResults: number, exclude: string | undefined): Candidate[] {
    const columns = probe.templates.length;
    const all: Candidate[] = [];
    for (const r of results) {
      r.subjects.forEach((ordinal, i) => {
        const referenceId = this.#gallery.referenceIdOf(ordinal);
        if (referenceId === undefined || referenceId === exclude) return; // deleted meanwhile, or the probe itself
        all.push({ referenceId, score: r.fused[i], scores: modalityScores(probe, r.perFinger.subarray(i * columns, (i + 1) * columns)) });
      });
    }
    all.sort((a, b) => b.score - a.score || (a.referenceId < b.referenceId ? -1 : 1));
    return all.slice(0, maxResults);
  }

  async #track<T>(work: () => Promise<T>): Promise<T> {
    this.#pending++;
    try {
      return await work();
    } finally {
      this.#pending--;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineError('ERR_ENGINE_CLOSED', 'the engine is closed');
  }
}

function scanTask(r: ScanRange, probe: ScanProbe, threshold: number, k: number): ScanTask {
  return { memory: r.arena.memory, slotCount: r.slotCount, slotFrom: r.slotFrom, slotTo: r.slotTo, probe, threshold, k };
}

/** The per-template scores of one result row, in probe order; columns not compared are left out. */
function modalityScores(probe: ScanProbe, row: Float32Array): ModalityScore[] {
  const out: ModalityScore[] = [];
  row.forEach((score, c) => {
    if (Number.isNaN(score)) return;
    out.push(probe.modalities[c] === MODALITY_FINGER
      ? { modality: 'finger', position: probe.positions[c], score }
      : { modality: 'iris', side: SIDE_OF_CODE[probe.positions[c]], score });
  });
  return out;
}

export type { FingerPosition, TemplateKey };
