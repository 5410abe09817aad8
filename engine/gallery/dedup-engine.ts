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
import { join } from 'node:path';
import { openSubjectStore, type SubjectStore } from '../store/subject-store.ts';
import { loadTemplateKey, type TemplateKey } from '../store/template-key.ts';
import type { FingerPosition, StoredSubject, Subject } from '../store/subject.ts';
import type { InsertResult } from '../store/subject-store.ts';
import { Gallery, type ScanRange } from './gallery.ts';
import { ScanPool, defaultPoolSize } from './scan-pool.ts';
import { MODALITY_FINGER, MODALITY_IRIS } from './shard-layout.ts';
import type { ArenaTemplate } from './shard-arena.ts';
import type { ScanProbe, ScanResult, ScanTask } from './scan-task.ts';
import { decisionThreshold } from './fusion.ts';
import { FaceSubjects } from './face-subjects.ts';
import { identifyWithFace, verifyWithFace, type FaceEngineHooks } from './face-identify.ts';
import { ShardScanner } from './shard-scanner.ts';
import { IrisCoarseIndex, irisOnly } from './iris-coarse-index.ts';
import { PrefilterGallery, type PrefilterFinger } from './prefilter-gallery.ts';
import { FlatPrefilter, checkVectorDimension, type FlatProbeFinger, type KeptRange } from './flat-prefilter.ts';
import { quantiseVector, validatedFingerTemplate, vectorOfTemplateBytes } from './vector-quantise.ts';
import { PREFILTER } from '../prefilter/index.ts';
import { VECTOR_DIM } from './shard-layout.ts';
import { GALLERY_PARAMS } from './params.ts';
import { bestCoarse, fillMissingVectors, finalistArena, finalistCount, finalistTasks, fingerColumns, scoreFinalists } from './finger-tier.ts';
import { IRIS_SIDE_CODE, identifyDefaults, type Candidate, type EngineOptions, type IdentifyOptions, type IdentifyResult, type IrisSideOrUnknown, type PrefilterOptions, type ModalityScore, type Probe, type ProbeFinger, type ProbeIris, type VerifyResult } from './engine-types.ts';

/** Version tag stored with MCC finger templates (the kernel layout "MCC1"). */
export const FINGER_TEMPLATE_VERSION = 1;
/**
 * Version tag stored with iris templates: 3 = log-Gabor codes of the ring to 0.90 of the limbus
 * ("IRC3", issue 14); version 4 ("IRC4") adds each code's degrees-of-freedom weight to the
 * header, which scales every score (a version-3 template has none). Version 2 sampled the ring to 0.85 (its code rows lie at other radii),
 * version 1 held Gabor codes, both of the same size, which this kernel cannot compare fairly:
 * a store holding them is refused, its subjects' irises to be re-enrolled from images.
 */
export const IRIS_TEMPLATE_VERSION = 4;

/**
 * Refuses a stored or submitted template that is not of `modality` at this release's version
 * (ERR_TEMPLATE_VERSION): the one check of the engine's inserts and load and of the cluster's.
 */
export function assertTemplateVersion(modality: 'finger' | 'iris', where: string, t: { readonly modality: string; readonly version: number }): void {
  const version = modality === 'finger' ? FINGER_TEMPLATE_VERSION : IRIS_TEMPLATE_VERSION;
  if (t.modality === modality && t.version === version) return;
  if (modality === 'finger') throw new EngineError('ERR_TEMPLATE_VERSION', `finger ${where}: expected an MCC finger template (version ${version})`);
  if (t.modality !== 'iris') throw new EngineError('ERR_TEMPLATE_VERSION', `iris ${where}: expected an iris template (version ${version}), got a ${t.modality} template`);
  throw new EngineError('ERR_TEMPLATE_VERSION', `iris ${where}: template version ${t.version}; this release compares version ${version} (log-Gabor codes), which earlier versions' codes cannot be compared with: re-enrol this subject's irises from their images`);
}
const SIDE_OF_CODE: readonly IrisSideOrUnknown[] = ['unknown', 'right', 'left'];

export class DedupEngine {
  readonly threads: number;
  /** Seconds the start-up rebuild of the shards from the store took. */
  readonly loadSeconds: number;
  /** Seconds the prefilter took to load (or rebuild) at start; 0 without a prefilter. */
  readonly prefilterLoadSeconds: number;
  /** Whether the prefilter index was rebuilt from the templates (false: loaded from its saved files). */
  readonly prefilterRebuilt: boolean;
  readonly #prefilter: PrefilterGallery | undefined;
  readonly #flat: FlatPrefilter | undefined;
  readonly #prefilterOptions: Required<PrefilterOptions>;
  readonly #prefilterDir: string;
  readonly #store: SubjectStore;
  readonly #gallery: Gallery;
  /** Coarse residency (EngineOptions.fingerResidency): the finalists' share and fewest, the coarse gate's pass share; undefined: full residency. */
  readonly #tier: { keepShare: number; minKeep: number; gatePassShare: number } | undefined;
  readonly #maxTemplateBytes: number;
  readonly #pool: ScanPool;
  readonly #ownsPool: boolean;
  readonly #matcher = new FingerMatcher();
  #irisMatcher: IrisMatcher | undefined;
  /** Verify runs here, in the calling thread: a 1:1 never queues behind 1:N scans in the pool. */
  readonly #verifier = new ShardScanner();
  /** Faces beside the shards (face-subjects.ts): scanned and fused in face-identify.ts. */
  readonly #faces = new FaceSubjects();
  /** The coarse first pass of iris-only searches (iris-coarse-index.ts), built on the first one. */
  #irisCoarse: IrisCoarseIndex | undefined;
  #pending = 0;
  #closed = false;

  /** Opens the store, rebuilds every shard from it, starts the pool. */
  static open(options: EngineOptions): DedupEngine {
    return new DedupEngine(options);
  }

  private constructor(options: EngineOptions) {
    const key = options.key ?? loadTemplateKey();
    const residency = options.fingerResidency ?? 'full';
    if (residency !== 'full' && residency !== 'coarse') throw new EngineError('ERR_GALLERY_CONFIG', `fingerResidency must be full or coarse, got ${String(residency)}`);
    if (residency === 'coarse') {
      const keepShare = options.coarseKeepShare ?? GALLERY_PARAMS.coarseKeepShare, minKeep = options.coarseMinKeep ?? GALLERY_PARAMS.coarseMinKeep;
      const gatePassShare = options.coarseGatePassShare ?? GALLERY_PARAMS.coarseGatePassShare;
      if (!(keepShare > 0 && keepShare <= 1) || !(Number.isInteger(minKeep) && minKeep >= 1)) throw new EngineError('ERR_GALLERY_CONFIG', 'coarseKeepShare must be in (0, 1] and coarseMinKeep a positive integer');
      if (!(gatePassShare > 0 && gatePassShare <= 1)) throw new EngineError('ERR_GALLERY_CONFIG', 'coarseGatePassShare must be in (0, 1]');
      if (options.prefilter?.index === 'hnsw') throw new EngineError('ERR_GALLERY_CONFIG', 'the coarse finger residency works with the flat prefilter only');
      this.#tier = { keepShare, minKeep, gatePassShare };
    }
    this.#maxTemplateBytes = options.maxTemplateBytes ?? 64 * 1024;
    this.#store = openSubjectStore({ path: options.dataDir, key });
    this.#gallery = new Gallery({
      shardCapacity: options.shardCapacity ?? GALLERY_PARAMS.shardCapacity,
      maxTemplateBytes: this.#maxTemplateBytes,
      compactAtTombstoneShare: options.compactAtTombstoneShare ?? GALLERY_PARAMS.compactAtTombstoneShare,
      fingerResidency: residency,
    });
    const started = performance.now();
    const total = options.onLoadProgress === undefined ? 0 : this.#store.count();
    let loaded = 0;
    let reported = started;
    for (const subject of this.#store.subjects()) {
      const templates = this.#arenaTemplates(subject);
      this.#publish(subject.referenceId, subject.sequence, templates);
      this.#addFace(subject.referenceId, FaceSubjects.validate(subject.face), templates.length === 0);
      // a 1M gallery takes 30–150 s to load: say how far it is, about once a second
      if (options.onLoadProgress !== undefined && (++loaded & 1023) === 0 && performance.now() - reported >= 1000) {
        reported = performance.now();
        options.onLoadProgress(loaded, total);
      }
    }
    options.onLoadProgress?.(loaded, total);
    this.loadSeconds = (performance.now() - started) / 1000;
    this.#prefilterOptions = {
      penetration: options.prefilter?.penetration ?? GALLERY_PARAMS.prefilterPenetration,
      minKeep: options.prefilter?.minKeep ?? GALLERY_PARAMS.prefilterMinKeep,
      index: options.prefilter?.index ?? 'flat',
      rescore: options.prefilter?.rescore ?? 'one-pass',
    };
    checkVectorDimension(PREFILTER.dimension, VECTOR_DIM);
    if (!(this.#prefilterOptions.penetration > 0 && this.#prefilterOptions.penetration <= 1) || !(Number.isInteger(this.#prefilterOptions.minKeep) && this.#prefilterOptions.minKeep >= 1)) {
      throw new EngineError('ERR_GALLERY_CONFIG', 'prefilter penetration must be in (0, 1] and minKeep a positive integer');
    }
    if (this.#prefilterOptions.rescore !== 'one-pass' && this.#prefilterOptions.rescore !== 'two-step') {
      throw new EngineError('ERR_GALLERY_CONFIG', 'prefilter rescore must be one-pass or two-step');
    }
    this.#prefilterDir = join(options.dataDir, 'prefilter');
    const prefilterStarted = performance.now();
    let rebuilt = false;
    if (options.prefilter !== undefined && this.#prefilterOptions.index === 'hnsw') {
      let prefilter = PrefilterGallery.load(this.#prefilterDir, this.#store.lastSequence());
      if (prefilter === null) {
        prefilter = new PrefilterGallery();
        for (const ordinal of this.#gallery.ordinals()) prefilter.add(ordinal, this.#prefilterFingers(ordinal));
        rebuilt = true;
      }
      this.#prefilter = prefilter;
    }
    this.prefilterRebuilt = rebuilt;
    this.threads = options.pool?.threads ?? options.threads ?? defaultPoolSize();
    this.#ownsPool = options.pool === undefined;
    this.#pool = options.pool ?? new ScanPool(this.threads);
    // the flat prefilter's vectors: copied from the file saved at the last close, the rest computed by the pool in the background
    this.#flat = options.prefilter !== undefined && this.#prefilterOptions.index === 'flat'
      ? new FlatPrefilter(this.#gallery, this.#pool, this.threads, { dir: this.#prefilterDir, key, logger: options.logger },
        this.#tier === undefined ? undefined : () => fillMissingVectors(this.#store, this.#gallery))
      : undefined;
    this.prefilterLoadSeconds = (performance.now() - prefilterStarted) / 1000;
  }

  /**
   * Resolves when the engine is fully warm: with the flat prefilter, when the pool has computed
   * the vectors of every template loaded at start (identify waits for it anyway).
   */
  async ready(): Promise<void> {
    await this.#flat?.ready;
  }

  /** A stored subject with its templates (MOSIP identify by referenceId); undefined when not enrolled. */
  subject(referenceId: string): StoredSubject | undefined {
    this.#assertOpen();
    return this.#store.get(referenceId);
  }

  /** Enrolled subjects (every subject in the store). */
  count(): number {
    this.#assertOpen();
    return this.#store.count();
  }

  /** Whether a subject is enrolled (no template decryption, unlike `subject`). */
  has(referenceId: string): boolean {
    this.#assertOpen();
    return this.#gallery.ordinalOf(referenceId) !== undefined || this.#faces.isFaceOnly(referenceId);
  }

  /** Every enrolled subject's referenceId (a door's bookkeeping, e.g. a one-time migration). */
  *referenceIds(): Generator<string, void, undefined> {
    this.#assertOpen();
    for (const ordinal of this.#gallery.ordinals()) {
      const id = this.#gallery.referenceIdOf(ordinal);
      if (id !== undefined) yield id;
    }
    yield* this.#faces.faceOnlyIds();
  }

  /** Operations accepted and not yet finished (inserts, deletes, identifies, verifies). */
  pendingJobs(): number {
    return this.#pending;
  }

  /** Gallery figures for reports: live subjects and templates, shard count and memory; `cachedVectors`: prefilter vectors copied at start from the file saved at the last close. */
  stats(): { subjects: number; templates: number; shards: number; templateBytes: number; memoryBytes: number; cachedVectors: number } {
    const g = this.#gallery;
    return {
      subjects: g.size, templates: g.templateCount, shards: g.shardCount, templateBytes: g.heapBytes, memoryBytes: g.memoryBytes,
      cachedVectors: this.#flat?.cachedVectors ?? 0,
    };
  }

  /**
   * Enrols a subject durably; an existing referenceId changes nothing and reports
   * 'already-present' (MOSIP counts a repeated insert as success). Insert never dedups:
   * identify does.
   */
  async insert(subject: Subject): Promise<InsertResult> {
    this.#assertOpen();
    // validate templates before the store is touched: a refused insert writes nothing
    const templates = this.#arenaTemplates(subject);
    const face = FaceSubjects.validate(subject?.face);
    return this.#track(async () => {
      const result = await this.#store.insert(subject);
      if (result.status === 'inserted' && !this.#gallery.has(subject.referenceId)) {
        const ordinal = this.#publish(subject.referenceId, result.sequence, templates, this.#flat !== undefined);
        if (ordinal !== undefined) this.#prefilter?.add(ordinal, this.#prefilterFingers(ordinal));
        this.#addFace(subject.referenceId, face, templates.length === 0);
      }
      return result;
    });
  }

  /** Removes a subject durably; its slots are tombstoned at once and reclaimed by compaction. */
  async delete(referenceId: string): Promise<{ deleted: boolean }> {
    this.#assertOpen();
    return this.#track(async () => {
      const result = await this.#store.delete(referenceId);
      const ordinal = this.#gallery.ordinalOf(referenceId);
      if (ordinal !== undefined && this.#prefilter !== undefined) {
        this.#prefilter.remove(ordinal, this.#gallery.templatesOf(ordinal, MODALITY_FINGER).map((t) => t.position));
      }
      this.#gallery.remove(referenceId);
      this.#faces.remove(referenceId);
      return { deleted: result.deleted };
    });
  }

  /** 1:N: the enrolled subjects whose fused score reaches the threshold for the target FPIR. */
  async identify(probe: Probe, options: IdentifyOptions = {}): Promise<IdentifyResult> {
    this.#assertOpen();
    const o = identifyDefaults(options);
    if (probe?.face !== undefined) return this.#track(() => identifyWithFace(this.#faceHooks(), probe, o));
    return this.#scanIdentify(probe, o);
  }

  /** The finger/iris scan; `override` (face fusion) replaces the decision threshold and list length. */
  async #scanIdentify(probe: Probe, o: ReturnType<typeof identifyDefaults>, override?: { threshold: number; k: number }): Promise<IdentifyResult> {
    if (o.mode === 'prefilter' && this.#prefilter === undefined && this.#flat === undefined) throw new EngineError('ERR_IDENTIFY_OPTIONS', 'this engine keeps no prefilter (EngineOptions.prefilter)');
    const scanProbe = this.#scanProbe(probe);
    if (this.#tier !== undefined && fingerColumns(scanProbe) !== null) return this.#track(() => this.#tierIdentify(scanProbe, o, override));
    return this.#track(async () => {
      const t0 = performance.now();
      let ordinals: Iterable<number> | undefined;
      let gallerySize = this.#gallery.size;
      let coarse: { ordinals: number[] } | null = null;
      if (o.referenceIds !== undefined) {
        ordinals = this.#listedOrdinals(o.referenceIds);
        gallerySize = (ordinals as number[]).length;
      } else if (o.mode !== 'exhaustive' && irisOnly(scanProbe) && (coarse = await (this.#irisCoarse ??= new IrisCoarseIndex()).candidates(this.#gallery, this.#pool, this.threads, scanProbe, o.mode === 'prefilter')) !== null) {
        ordinals = coarse.ordinals; // iris-only probe: the coarse pass's subjects, scored by the full rotation search
      }
      // the threshold counts the whole gallery even when the prefilter scores a part of it
      const threshold = override?.threshold ?? decisionThreshold(o.targetFPIR, gallerySize);
      // one extra slot: the excluded subject may take one of the k places
      const k = override?.k ?? o.maxResults + (o.excludeReferenceId === undefined ? 0 : 1);
      const prefiltered = o.referenceIds === undefined && coarse === null && (this.#prefilter !== undefined || this.#flat !== undefined) && o.mode !== 'exhaustive';
      let tasks: ScanTask[] | undefined;
      let kept: Map<number, number> | null = null;
      let prefilterBusyMs = 0, usedPrefilter = false;
      if (prefiltered && this.#flat !== undefined && (o.rescore ?? this.#prefilterOptions.rescore) === 'one-pass') {
        const pre = await this.#flatKept(scanProbe);
        if (pre !== null) {
          prefilterBusyMs = pre.busyMs;
          usedPrefilter = true;
          tasks = this.#rescoreTasks(pre.ranges, pre.columns, scanProbe, threshold, k);
        }
      } else if (prefiltered) {
        const pre = await this.#prefilterOrdinals(scanProbe);
        if (pre !== null) ({ kept, busyMs: prefilterBusyMs } = pre);
        usedPrefilter = kept !== null;
      }
      const t1 = performance.now();
      let comparisons = 0, gateBusyMs = 0, gateKernelMs = 0, gateTasks = 0;
      let known: Map<number, Float32Array> | undefined;
      if (kept !== null) ({ ordinals, known, comparisons, busyMs: gateBusyMs, kernelMs: gateKernelMs, tasks: gateTasks } = await this.#gateCandidates(kept, scanProbe));
      const t2 = performance.now();
      tasks ??= ordinals === undefined
        ? this.#gallery.scanRanges(this.threads * 4).map((r) => scanTask(r, scanProbe, threshold, k))
        : this.#candidateTasks(ordinals, scanProbe, threshold, k, undefined, known);
      const results = await Promise.all(tasks.map((t) => this.#pool.run(t)));
      const t3 = performance.now();
      const candidates = this.#mergeCandidates(results, scanProbe, override?.k ?? o.maxResults, o.excludeReferenceId);
      const t4 = performance.now();
      return {
        candidates,
        threshold,
        gallerySize,
        comparisons: comparisons + results.reduce((s, r) => s + r.comparisons, 0),
        mode: usedPrefilter || coarse !== null ? 'prefilter' : 'exhaustive',
        stages: {
          prefilterMs: t1 - t0, gateMs: t2 - t1, scoreMs: t3 - t2, mergeMs: t4 - t3, totalMs: t4 - t0,
          prefilterBusyMs, gateBusyMs, scoreBusyMs: results.reduce((s, r) => s + (r.busyMs ?? 0), 0),
          kernelMs: gateKernelMs + results.reduce((s, r) => s + r.kernelMs, 0), comparisons: comparisons + results.reduce((s, r) => s + r.comparisons, 0), tasks: gateTasks + tasks.length,
        },
      };
    });
  }

  /**
   * Identify under the coarse residency (finger-tier.ts): the coarse scan (over the prefilter's
   * candidates, a restricted list, or every subject) ranks subjects by their fingers' coarse
   * scores; the best K are read from the store and scored in full on every probe column; those
   * scores alone make the candidates. The result has the form of the full residency's.
   */
  async #tierIdentify(scanProbe: ScanProbe, o: ReturnType<typeof identifyDefaults>, override?: { threshold: number; k: number }): Promise<IdentifyResult> {
    const t0 = performance.now();
    const coarseProbe = fingerColumns(scanProbe)!;
    let ordinals: number[] | undefined;
    let gallerySize = this.#gallery.size;
    if (o.referenceIds !== undefined) {
      ordinals = this.#listedOrdinals(o.referenceIds);
      gallerySize = ordinals.length;
    }
    const threshold = override?.threshold ?? decisionThreshold(o.targetFPIR, gallerySize);
    const k = override?.k ?? o.maxResults + (o.excludeReferenceId === undefined ? 0 : 1);
    const finalists = finalistCount(this.#tier!.keepShare, this.#tier!.minKeep, gallerySize);
    let coarseTasks: ScanTask[] | undefined;
    let prefilterBusyMs = 0, usedPrefilter = false;
    if (ordinals === undefined && this.#flat !== undefined && o.mode !== 'exhaustive') {
      const pre = await this.#flatKept(scanProbe);
      if (pre !== null) {
        prefilterBusyMs = pre.busyMs;
        usedPrefilter = true;
        // the coarse gate (ScanTask.coarsePassShare): first the finger whose vector ranked the
        // subject highest (the masks), the other fingers for the best share; 1: every finger at once
        const share = this.#tier!.gatePassShare;
        coarseTasks = this.#rescoreTasks(pre.ranges, pre.columns, coarseProbe, Number.NEGATIVE_INFINITY, finalists)
          .map(({ gate: _gate, columnMasks, ...task }) => (share < 1 ? { ...task, columnMasks, coarsePassShare: share } : task));
      }
    }
    const t1 = performance.now();
    coarseTasks ??= ordinals === undefined
      ? this.#gallery.scanRanges(this.threads * 4).map((r) => scanTask(r, coarseProbe, Number.NEGATIVE_INFINITY, finalists))
      : this.#candidateTasks(ordinals, coarseProbe, Number.NEGATIVE_INFINITY, finalists);
    const coarse = await Promise.all(coarseTasks.map((t) => this.#pool.run(t)));
    const t2 = performance.now();
    const best = bestCoarse(coarse, finalists);
    // read in pieces, each scored by the pool while the next is read (GALLERY_PARAMS.coarseReadPieces per worker);
    // the stored templates were validated when they entered the shards (load or insert); the compact packing checks them again
    let fullTasks = 0;
    const { results, placed, readMs } = await scoreFinalists(this.#store, this.#gallery, best, (s) => this.#arenaTemplates(s, false), this.#maxTemplateBytes,
      this.threads * GALLERY_PARAMS.coarseReadPieces, (arena, ranges) => {
        const tasks = finalistTasks(arena, ranges, scanProbe, threshold, k, 1);
        fullTasks += tasks.length;
        return tasks.map((t) => this.#pool.run(t));
      });
    const t4 = performance.now();
    const candidates = this.#mergeCandidates(results, scanProbe, override?.k ?? o.maxResults, o.excludeReferenceId);
    const t5 = performance.now();
    const sum = (rs: readonly ScanResult[], f: (r: ScanResult) => number): number => rs.reduce((s, r) => s + f(r), 0);
    const comparisons = sum(results, (r) => r.comparisons); // full-matcher comparisons, as the full residency counts them
    return {
      candidates, threshold, gallerySize, comparisons,
      mode: usedPrefilter ? 'prefilter' : 'exhaustive',
      stages: {
        // reads and full scoring overlap: scoreMs is the wall time of that step not spent reading
        prefilterMs: t1 - t0, gateMs: t2 - t1, scoreMs: t4 - t2 - readMs, mergeMs: t5 - t4, totalMs: t5 - t0,
        prefilterBusyMs, gateBusyMs: sum(coarse, (r) => r.busyMs ?? 0), scoreBusyMs: sum(results, (r) => r.busyMs ?? 0),
        kernelMs: sum(coarse, (r) => r.kernelMs) + sum(results, (r) => r.kernelMs), comparisons, tasks: coarseTasks.length + fullTasks,
        finalists: placed, fetchMs: readMs, coarseComparisons: sum(coarse, (r) => r.comparisons),
      },
    };
  }

  /**
   * The first re-scoring step of a prefilter search (GALLERY_PARAMS.prefilterGateScore): subjects
   * marked for every probe finger go through; the others are scored on the marked fingers and go
   * through when that reaches the gate. Returns the subjects for the full scoring, with the gate's
   * scores (the full scoring does not compare those fingers again).
   */
  async #gateCandidates(kept: Map<number, number>, probe: ScanProbe): Promise<{ ordinals: number[]; known: Map<number, Float32Array>; comparisons: number; busyMs: number; kernelMs: number; tasks: number }> {
    let fingerColumns = 0;
    probe.modalities.forEach((m, c) => { if (m === MODALITY_FINGER) fingerColumns |= 1 << c; });
    const through: number[] = [];
    const known = new Map<number, Float32Array>();
    const gated = new Map<number, number>();
    for (const [ordinal, mask] of kept) {
      if ((mask & fingerColumns) === fingerColumns) through.push(ordinal);
      else gated.set(ordinal, mask);
    }
    if (gated.size === 0) return { ordinals: through, known, comparisons: 0, busyMs: 0, kernelMs: 0, tasks: 0 };
    const tasks = this.#candidateTasks(gated.keys(), probe, GALLERY_PARAMS.prefilterGateScore, gated.size, gated);
    const results = await Promise.all(tasks.map((t) => this.#pool.run(t)));
    const columns = probe.templates.length;
    for (const r of results) {
      r.subjects.forEach((ordinal, i) => {
        through.push(ordinal);
        known.set(ordinal, r.perFinger.slice(i * columns, (i + 1) * columns));
      });
    }
    return { ordinals: through, known, comparisons: results.reduce((s, r) => s + r.comparisons, 0), busyMs: results.reduce((s, r) => s + (r.busyMs ?? 0), 0), kernelMs: results.reduce((s, r) => s + r.kernelMs, 0), tasks: tasks.length };
  }

  /**
   * The prefilter's transparency hook: the referenceIds it would keep for this probe (null when
   * the probe has no usable finger vector, or the engine keeps no prefilter).
   */
  async prefilterCandidates(probe: Probe): Promise<Set<string> | null> {
    this.#assertOpen();
    const kept = (await this.#prefilterOrdinals(this.#scanProbe(probe)))?.kept ?? null;
    if (kept === null) return null;
    const ids = new Set<string>();
    for (const ordinal of kept.keys()) {
      const id = this.#gallery.referenceIdOf(ordinal);
      if (id !== undefined) ids.add(id);
    }
    return ids;
  }

  /** 1:1: the probe against one subject's templates; match when the fused score reaches `threshold` (default 40: FMR 1e-4). */
  async verify(referenceId: string, probe: Probe, threshold = 40): Promise<VerifyResult> {
    this.#assertOpen();
    if (probe?.face !== undefined) return this.#track(() => verifyWithFace(this.#faceHooks(), referenceId, probe, threshold));
    return this.#scanVerify(referenceId, probe, threshold);
  }

  async #scanVerify(referenceId: string, probe: Probe, threshold: number): Promise<VerifyResult> {
    const scanProbe = this.#scanProbe(probe);
    return this.#track(async () => {
      const ordinal = this.#gallery.ordinalOf(referenceId);
      if (ordinal === undefined) throw new EngineError('ERR_UNKNOWN_REFERENCE', `no enrolled subject "${referenceId}"`);
      let { shard, firstSlot, slotCount } = this.#gallery.locate(ordinal)!;
      let arena = this.#gallery.arena(shard);
      if (this.#tier !== undefined && fingerColumns(scanProbe) !== null) {
        // the shards hold coarse forms: the 1:1 score is the full matcher's, on the stored templates
        const finalist = finalistArena(this.#store, this.#gallery, [ordinal], (s) => this.#arenaTemplates(s), this.#maxTemplateBytes);
        if (finalist.placed === 0) throw new EngineError('ERR_UNKNOWN_REFERENCE', `no enrolled subject "${referenceId}"`);
        ({ arena } = finalist);
        [firstSlot, slotCount] = [finalist.ranges[0], finalist.ranges[1]];
      }
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
    try {
      if (this.#ownsPool) await this.#pool.close();
      // written before the store closes, stamped with the sequence the indexes reflect
      this.#prefilter?.save(this.#prefilterDir, this.#store.lastSequence());
      await this.#flat?.ready.catch(() => 0); // a vector fill cut short by the pool's close saves what it has
      this.#flat?.saveCache();
    } finally {
      // a prefilter file that cannot be written (full disk) must not keep the store open; the error still surfaces
      await this.#store.close();
    }
  }

  #addFace(referenceId: string, code: Int8Array | undefined, faceOnly: boolean): void {
    if (code !== undefined) this.#faces.add(referenceId, code, faceOnly);
  }

  /** What face-identify.ts needs of the engine: the face index, the finger/iris paths, N. */
  #faceHooks(): FaceEngineHooks {
    return {
      faces: this.#faces,
      scanIdentify: (probe, o, override) => this.#scanIdentify(probe, o, override),
      scanVerify: (referenceId, probe) => this.#scanVerify(referenceId, probe, Infinity),
      inShards: (referenceId) => this.#gallery.has(referenceId),
      gallerySize: () => this.#gallery.size + this.#faces.faceOnlyCount,
    };
  }

  /** Places a subject's templates in the shards under its store sequence; undefined if it has none to scan. */
  #publish(referenceId: string, sequence: number, validated: ArenaTemplate[], withVectors = false): number | undefined {
    let templates = validated;
    if (withVectors) {
      templates = templates.map((t) => t.modality === MODALITY_FINGER ? { ...t, vector: quantiseVector(vectorOfTemplateBytes(t.bytes)) } : t);
    }
    return templates.length > 0 ? this.#gallery.add(referenceId, sequence, templates) : undefined;
  }

  #prefilterFingers(ordinal: number): PrefilterFinger[] {
    return this.#gallery.templatesOf(ordinal, MODALITY_FINGER).map(({ position, bytes }) => ({ position, template: validatedFingerTemplate(bytes) }));
  }

  /**
   * Subjects the prefilter keeps for the probe's fingers, each with a bit mask of probe columns:
   * the finger to score first (flat prefilter: the one whose vector ranked it highest; a mask
   * with every finger column goes straight to the full scoring); null: no finger, or one
   * without a usable vector.
   */
  async #prefilterOrdinals(probe: ScanProbe): Promise<{ kept: Map<number, number>; busyMs: number } | null> {
    const fingers: PrefilterFinger[] = [];
    const columns: number[] = [];
    probe.modalities.forEach((m, c) => {
      if (m !== MODALITY_FINGER) return;
      fingers.push({ position: probe.positions[c], template: validatedFingerTemplate(probe.templates[c]) });
      columns.push(c);
    });
    if (fingers.length === 0) return null;
    const { penetration, minKeep } = this.#prefilterOptions;
    const k = Math.max(minKeep, Math.ceil(penetration * this.#gallery.size));
    if (this.#flat !== undefined) {
      const byFinger = await this.#flat.candidates(fingers.map((f) => ({ position: f.position, template: f.template.bytes })), k);
      if (byFinger === null) return null;
      // finger index → probe column
      const kept = new Map<number, number>();
      for (const [ordinal, mask] of byFinger.kept) {
        let columnMask = 0;
        columns.forEach((c, i) => { if (mask & (1 << i)) columnMask |= 1 << c; });
        kept.set(ordinal, columnMask);
      }
      return { kept, busyMs: byFinger.busyMs };
    }
    const set = this.#prefilter?.candidates(fingers, k) ?? null;
    if (set === null) return null;
    const all = columns.reduce((m, c) => m | (1 << c), 0);
    return { kept: new Map([...set].map((ordinal) => [ordinal, all])), busyMs: 0 };
  }

  /**
   * The flat prefilter's kept subjects, per scanned range in slot order, and the probe column of
   * each probe finger; null: no finger, or one without a usable vector.
   */
  async #flatKept(probe: ScanProbe): Promise<{ ranges: KeptRange[]; columns: number[]; busyMs: number } | null> {
    const fingers: FlatProbeFinger[] = [];
    const columns: number[] = [];
    probe.modalities.forEach((m, c) => {
      if (m !== MODALITY_FINGER) return;
      fingers.push({ position: probe.positions[c], template: probe.templates[c] });
      columns.push(c);
    });
    if (fingers.length === 0) return null;
    const { penetration, minKeep } = this.#prefilterOptions;
    const scan = await this.#flat!.keptByRange(fingers, Math.max(minKeep, Math.ceil(penetration * this.#gallery.size)));
    return scan === null ? null : { ...scan, columns };
  }

  /**
   * One-pass re-scoring tasks (ScanTask.gate): each range's kept subjects as the vector scan
   * left them, in slot order, cut to spread over the pool; first the finger whose vector ranked
   * the subject highest, the others past the gate, in the same task.
   */
  #rescoreTasks(ranges: readonly KeptRange[], columns: readonly number[], probe: ScanProbe, threshold: number, k: number): ScanTask[] {
    const gateColumns = columns.reduce((m, c) => m | (1 << c), 0);
    const gate = { gateScore: GALLERY_PARAMS.prefilterGateScore, gateColumns };
    const total = ranges.reduce((s, r) => s + r.subjects.length, 0);
    const piece = Math.max(64, Math.ceil(total / (this.threads * 2)));
    const tasks: ScanTask[] = [];
    for (const r of ranges) {
      for (let i = 0; i < r.subjects.length; i += piece) {
        const n = Math.min(piece, r.subjects.length - i);
        const slots = new Uint32Array(2 * n);
        const columnMasks = new Uint16Array(n);
        for (let j = 0; j < n; j++) {
          slots[2 * j] = r.firstSlot[i + j];
          slots[2 * j + 1] = r.slotCount[i + j];
          columnMasks[j] = 1 << columns[r.bestQuery[i + j]];
        }
        tasks.push({ memory: r.memory, slotCount: r.publishedSlots, probe, ranges: slots, columnMasks, gate, threshold, k });
      }
    }
    return tasks;
  }

  /** Scan tasks over a list of subjects: grouped by shard, in slot order, cut to spread over the pool. */
  #candidateTasks(ordinals: Iterable<number>, probe: ScanProbe, threshold: number, k: number, masks?: Map<number, number>, known?: Map<number, Float32Array>): ScanTask[] {
    const columns = probe.templates.length;
    const byShard = new Map<number, { firstSlot: number; slotCount: number; mask: number; known: Float32Array | undefined }[]>();
    let total = 0;
    for (const ordinal of ordinals) {
      const location = this.#gallery.locate(ordinal);
      if (location === undefined) continue;
      let list = byShard.get(location.shard);
      if (list === undefined) byShard.set(location.shard, (list = []));
      list.push({ firstSlot: location.firstSlot, slotCount: location.slotCount, mask: masks?.get(ordinal) ?? 0xfff, known: known?.get(ordinal) });
      total++;
    }
    const piece = Math.max(64, Math.ceil(total / (this.threads * 2)));
    const tasks: ScanTask[] = [];
    for (const [shard, list] of byShard) {
      list.sort((a, b) => a.firstSlot - b.firstSlot);
      const arena = this.#gallery.arena(shard);
      for (let i = 0; i < list.length; i += piece) {
        const ranges = new Uint32Array(2 * Math.min(piece, list.length - i));
        const columnMasks = masks === undefined ? undefined : new Uint16Array(ranges.length / 2);
        const knownScores = known === undefined || known.size === 0 ? undefined : new Float32Array(columns * ranges.length / 2).fill(Number.NaN);
        for (let j = 0; j < ranges.length / 2; j++) {
          const subject = list[i + j];
          ranges[2 * j] = subject.firstSlot;
          ranges[2 * j + 1] = subject.slotCount;
          if (columnMasks !== undefined) columnMasks[j] = subject.mask;
          if (knownScores !== undefined && subject.known !== undefined) knownScores.set(subject.known, j * columns);
        }
        tasks.push({ memory: arena.memory, slotCount: arena.slotCount, probe, ranges, columnMasks, knownScores, threshold, k });
      }
    }
    return tasks;
  }

  /**
   * The scannable templates of a subject. `validate`: each is checked by its kernel (a corrupt one
   * refuses the subject) — skipped for finalists read back from the store, whose templates were
   * checked when they were loaded or inserted.
   */
  #arenaTemplates(subject: Subject | StoredSubject, validate = true): ArenaTemplate[] {
    const out: ArenaTemplate[] = [];
    for (const [position, t] of Object.entries(subject.fingers ?? {})) {
      if (t === undefined) continue;
      assertTemplateVersion('finger', position, t);
      if (validate) this.#matcher.templateFromBytes(t.bytes);
      out.push({ modality: MODALITY_FINGER, position: Number(position), bytes: t.bytes });
    }
    for (const [side, t] of Object.entries(subject.irises ?? {})) {
      if (t === undefined) continue;
      assertTemplateVersion('iris', side, t);
      if (validate) this.#irises().templateFromBytes(t.bytes);
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

  /** The present subjects among a restricted identify's referenceIds (each once). */
  #listedOrdinals(referenceIds: readonly string[]): number[] {
    if (!Array.isArray(referenceIds)) throw new EngineError('ERR_IDENTIFY_OPTIONS', 'referenceIds must be an array of strings');
    const ordinals: number[] = [];
    for (const id of new Set(referenceIds)) {
      const ordinal = this.#gallery.ordinalOf(id);
      if (ordinal !== undefined) ordinals.push(ordinal);
    }
    return ordinals;
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
