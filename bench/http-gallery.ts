/**
 * The http bench's gallery: the identify bench's reusable LMDB store (identify-gallery.ts: N
 * synthetic subjects × 2 fingers with the fvc2002-iso persons planted among them), opened by
 * the engine, and UINs for all of its subjects written into a fresh ID service store before the
 * service starts — so the service sees a population of N issued enrolments without N POST
 * /enrol calls (each of which would run a 1:N search).
 *
 * The service keeps its own LMDB environment in `<dataDir>/id-service`, apart from the engine's
 * store, so the seeding needs nothing of the service but its store class: one `issueUin` per
 * subject (the enrolment id is the engine referenceId), exactly what an enrolment that found no
 * duplicate writes. The gallery store is the bench's to reuse: the real enrolments of a run are
 * deleted from the engine at the end (`removeEnrolments`), and a store whose count is off (a run
 * that died before that) is rebuilt.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DedupEngine, EngineError, parseTemplateKey } from '../engine/index.ts';
import { IdStore } from '../api/id-service/index.ts';
import { MANIFEST, ensureGalleryStore, type GalleryStore } from './identify-gallery.ts';
import { plantedPersons, type PlantedPersons } from './identify-planted.ts';
import { HTTP_BENCH } from './http-params.ts';

export interface HttpGallery {
  readonly engine: DedupEngine;
  readonly store: GalleryStore;
  readonly planted: PlantedPersons;
  /** Every subject's engine referenceId (background then planted). */
  readonly referenceIds: readonly string[];
  /** Seconds the engine took to rebuild its shards and prefilter vectors from the store. */
  readonly loadSeconds: number;
}

export async function openHttpGallery(o: { subjects: number; dir: string; threads: number }, log: (line: string) => void): Promise<HttpGallery> {
  const planted = plantedPersons(HTTP_BENCH.fingers);
  if (planted.gallery.length > o.subjects / 2) {
    throw new EngineError('ERR_BENCH_OPTION', `a gallery of ${o.subjects} subjects is too small for ${planted.gallery.length} planted ones`);
  }
  const spec = { dir: o.dir, subjects: o.subjects, fingersPerSubject: HTTP_BENCH.fingers, seed: HTTP_BENCH.seed, planted: planted.gallery, threads: o.threads };
  for (let attempt = 0; ; attempt++) {
    const store = await ensureGalleryStore(spec, log);
    const started = performance.now();
    const engine = DedupEngine.open({ dataDir: o.dir, key: parseTemplateKey(store.keyHex), prefilter: {} });
    await engine.ready();
    const loadSeconds = (performance.now() - started) / 1000;
    if (engine.count() === o.subjects) {
      const background = o.subjects - planted.gallery.length;
      const referenceIds = [...Array.from({ length: background }, (_, i) => `bg-${i}`), ...planted.gallery.map((p) => p.referenceId)];
      return { engine, store, planted, referenceIds, loadSeconds };
    }
    await engine.close();
    if (attempt > 0) throw new EngineError('ERR_BENCH_STORE', `the gallery store in ${o.dir} holds ${engine.count()} subjects after a rebuild, not ${o.subjects}`);
    log(`the gallery store in ${o.dir} does not hold exactly ${o.subjects} subjects (a run stopped before removing its enrolments): rebuilding it`);
    rmSync(join(o.dir, MANIFEST), { force: true });
  }
}

/**
 * Writes one issued UIN per subject into `<serviceDataDir>/id-service` (a fresh folder), as the
 * service would after a unique enrolment. Returns referenceId → UIN.
 */
export async function seedUins(serviceDataDir: string, referenceIds: readonly string[], uinLength: number): Promise<Map<string, string>> {
  const store = new IdStore(join(serviceDataDir, 'id-service'), uinLength);
  const uins = new Map<string, string>();
  try {
    const BATCH = 2000; // issueUin calls queued per event turn: lmdb-js commits each turn's transactions together
    for (let first = 0; first < referenceIds.length; first += BATCH) {
      const ids = referenceIds.slice(first, first + BATCH);
      const issued = await Promise.all(ids.map((id, k) => store.issueUin(id, `bench-${first + k}`, 'client:bench-seed')));
      ids.forEach((id, k) => uins.set(id, issued[k]));
    }
  } finally {
    await store.close();
  }
  return uins;
}

/**
 * The engine subjects the run's real enrolments inserted (issued or pending adjudication),
 * read from the service's store after the service closed; deleted from the engine so the
 * reusable gallery store holds what its manifest says again.
 */
export async function removeEnrolments(engine: DedupEngine, serviceDataDir: string, uinLength: number, uins: readonly string[]): Promise<number> {
  const store = new IdStore(join(serviceDataDir, 'id-service'), uinLength);
  let removed = 0;
  try {
    const ids = new Set<string>();
    for (const uin of uins) {
      const id = store.enrolmentOfUin(uin);
      if (id !== undefined) ids.add(id);
    }
    for (const c of store.pendingCases(Number.MAX_SAFE_INTEGER)) ids.add(c.enrolmentId);
    for (const id of ids) if (id.startsWith('enr-') && (await engine.delete(id)).deleted) removed++;
  } finally {
    await store.close();
  }
  return removed;
}
