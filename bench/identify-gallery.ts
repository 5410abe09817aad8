/**
 * The identify bench's gallery: an LMDB store of synthetic background subjects with the real
 * planted subjects spread evenly among them. Building a 500k-subject store takes minutes, so a
 * finished store is kept (a manifest records what it holds) and reused by later runs with the
 * same parameters; anything else in the folder is wiped first.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { FINGER_TEMPLATE_VERSION, generateTemplateKey, openSubjectStore, parseTemplateKey, type FingerPosition, type Subject } from '../engine/index.ts';
import { FINGER_ORDER, SCALE_GENERATOR_VERSION } from '../datasets/scale-gallery.ts';
import type { BuildResult, BuildTask } from './gallery-builder-worker.ts';


export interface PlantedSubject {
  readonly referenceId: string;
  /** Templates (MCC bytes) in FINGER_ORDER. */
  readonly templates: readonly Uint8Array[];
}

export interface GallerySpec {
  readonly dir: string;
  readonly subjects: number;
  readonly fingersPerSubject: number;
  readonly seed: number;
  readonly planted: readonly PlantedSubject[];
  readonly threads: number;
}

interface Manifest {
  version: 2;
  /** The background generator's version: a store from another generator is rebuilt. */
  generator?: number;
  subjects: number;
  fingersPerSubject: number;
  seed: number;
  planted: string[];
  keyHex: string;
  buildSeconds: number;
}

/** The manifest a finished store carries; without it the next ensureGalleryStore rebuilds the store. */
export const MANIFEST = 'bench-gallery.json';
const SUBJECTS_PER_TASK = 500;

export interface GalleryStore {
  readonly dir: string;
  readonly keyHex: string;
  /** True when this run built the store; false when it reused a finished one. */
  readonly built: boolean;
  readonly buildSeconds: number;
}

export function subjectFromTemplates(referenceId: string, templates: readonly Uint8Array[]): Subject {
  const fingers: Partial<Record<FingerPosition, { modality: 'finger'; version: number; bytes: Uint8Array }>> = {};
  templates.forEach((bytes, i) => { fingers[FINGER_ORDER[i] as FingerPosition] = { modality: 'finger', version: FINGER_TEMPLATE_VERSION, bytes }; });
  return { referenceId, fingers };
}

export async function ensureGalleryStore(spec: GallerySpec, log: (line: string) => void): Promise<GalleryStore> {
  const manifestPath = join(spec.dir, MANIFEST);
  const planted = spec.planted.map((p) => p.referenceId);
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (m.version === 2 && m.generator === SCALE_GENERATOR_VERSION && m.subjects === spec.subjects && m.fingersPerSubject === spec.fingersPerSubject && m.seed === spec.seed
      && JSON.stringify(m.planted) === JSON.stringify(planted)) {
      log(`reusing the gallery store in ${spec.dir} (built in ${m.buildSeconds.toFixed(0)} s)`);
      return { dir: spec.dir, keyHex: m.keyHex, built: false, buildSeconds: m.buildSeconds };
    }
  }
  rmSync(spec.dir, { recursive: true, force: true });
  mkdirSync(spec.dir, { recursive: true });
  const keyHex = generateTemplateKey();
  const started = performance.now();
  const store = openSubjectStore({ path: spec.dir, key: parseTemplateKey(keyHex) });
  const pool = new Piscina<BuildTask, BuildResult>({
    filename: new URL('./gallery-builder-entry.mjs', import.meta.url).href,
    minThreads: spec.threads, maxThreads: spec.threads, idleTimeout: Infinity,
  });
  try {
    const background = spec.subjects - spec.planted.length;
    // planted subject j goes after background subject ⌊(j + ½)·B/P⌋: spread through every shard
    const plantAfter = spec.planted.map((_, j) => Math.floor(((j + 0.5) * background) / Math.max(1, spec.planted.length)));
    let nextPlanted = 0;
    const tasks: BuildTask[] = [];
    for (let first = 0; first < background; first += SUBJECTS_PER_TASK) {
      tasks.push({ seed: spec.seed, firstSubject: first, subjects: Math.min(SUBJECTS_PER_TASK, background - first), fingers: spec.fingersPerSubject });
    }
    // keep the pool busy a few tasks ahead of the (single) writer
    const running = tasks.slice(0, spec.threads * 2).map((t) => pool.run(t));
    let done = 0, lastLog = performance.now();
    for (let i = 0; i < tasks.length; i++) {
      const result = await running[i];
      if (i + spec.threads * 2 < tasks.length) running.push(pool.run(tasks[i + spec.threads * 2]));
      const writes: Promise<unknown>[] = [];
      let at = 0;
      for (let s = 0; s < tasks[i].subjects; s++) {
        const subject = tasks[i].firstSubject + s;
        const templates: Uint8Array[] = [];
        for (let f = 0; f < spec.fingersPerSubject; f++) {
          const length = result.lengths[s * spec.fingersPerSubject + f];
          templates.push(result.bytes.subarray(at, at + length));
          at += length;
        }
        writes.push(store.insert(subjectFromTemplates(`bg-${subject}`, templates)));
        while (nextPlanted < spec.planted.length && plantAfter[nextPlanted] === subject) {
          const p = spec.planted[nextPlanted++];
          writes.push(store.insert(subjectFromTemplates(p.referenceId, p.templates)));
        }
      }
      await Promise.all(writes);
      done += tasks[i].subjects;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  built ${done.toLocaleString('en-US')} / ${background.toLocaleString('en-US')} background subjects (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
    for (; nextPlanted < spec.planted.length; nextPlanted++) {
      const p = spec.planted[nextPlanted];
      await store.insert(subjectFromTemplates(p.referenceId, p.templates));
    }
  } finally {
    await pool.destroy();
    await store.close();
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const manifest: Manifest = { version: 2, generator: SCALE_GENERATOR_VERSION, subjects: spec.subjects, fingersPerSubject: spec.fingersPerSubject, seed: spec.seed, planted, keyHex, buildSeconds };
  // written last: a store without a manifest is an unfinished build and is wiped next time
  writeFileSync(manifestPath, JSON.stringify(manifest));
  log(`built the gallery store in ${spec.dir}: ${spec.subjects.toLocaleString('en-US')} subjects in ${buildSeconds.toFixed(0)} s`);
  return { dir: spec.dir, keyHex, built: true, buildSeconds };
}
