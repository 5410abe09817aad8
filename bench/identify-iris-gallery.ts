/**
 * The iris identify bench's gallery: an LMDB store of generated two-eye background subjects
 * (identify-iris-background.ts) with the real planted subjects spread evenly among them. A
 * finished store carries a manifest and is reused by later runs with the same parameters
 * (building 500k subjects takes many minutes); anything else in the folder is wiped first.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { IRIS_TEMPLATE_VERSION, generateTemplateKey, openSubjectStore, parseTemplateKey, type Subject } from '../engine/index.ts';
import { IRIS_TEXTURE } from './identify-iris-background.ts';
import type { PlantedIrisSubject } from './identify-iris-planted.ts';
import type { IrisBuildTask } from './identify-iris-builder-worker.ts';

/** Bump when the background generator changes: a store from another generator is rebuilt. */
export const IRIS_BACKGROUND_VERSION = 1;
export const IRIS_MANIFEST = 'bench-iris-gallery.json';
const SUBJECTS_PER_TASK = 1000;

export interface IrisGallerySpec {
  readonly dir: string;
  readonly subjects: number;
  readonly seed: number;
  readonly planted: readonly PlantedIrisSubject[];
  readonly masks: readonly Uint8Array[];
  readonly threads: number;
}

interface IrisManifest {
  version: number;
  /** The engine's iris template version the codes were made for (a store of another is rebuilt). */
  templateVersion: number;
  texture: typeof IRIS_TEXTURE;
  subjects: number;
  seed: number;
  planted: string;
  masks: string;
  keyHex: string;
  buildSeconds: number;
}

export interface IrisGalleryStore {
  readonly keyHex: string;
  readonly built: boolean;
  readonly buildSeconds: number;
}

function digest(parts: readonly (Uint8Array | string)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

function irisSubject(referenceId: string, right: Uint8Array | undefined, left: Uint8Array | undefined): Subject {
  const t = (bytes: Uint8Array) => ({ modality: 'iris' as const, version: IRIS_TEMPLATE_VERSION, bytes });
  return { referenceId, irises: { ...(right === undefined ? {} : { right: t(right) }), ...(left === undefined ? {} : { left: t(left) }) } };
}

export async function ensureIrisGalleryStore(spec: IrisGallerySpec, log: (line: string) => void): Promise<IrisGalleryStore> {
  const manifestPath = join(spec.dir, IRIS_MANIFEST);
  const planted = digest(spec.planted.flatMap((p) => [p.referenceId, p.right ?? '-', p.left ?? '-']));
  const masks = digest(spec.masks);
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as IrisManifest;
    if (m.version === IRIS_BACKGROUND_VERSION && m.templateVersion === IRIS_TEMPLATE_VERSION && JSON.stringify(m.texture) === JSON.stringify(IRIS_TEXTURE) && m.subjects === spec.subjects && m.seed === spec.seed && m.planted === planted && m.masks === masks) {
      log(`reusing the iris gallery store in ${spec.dir} (built in ${m.buildSeconds.toFixed(0)} s)`);
      return { keyHex: m.keyHex, built: false, buildSeconds: m.buildSeconds };
    }
  }
  rmSync(spec.dir, { recursive: true, force: true });
  mkdirSync(spec.dir, { recursive: true });
  const keyHex = generateTemplateKey();
  const started = performance.now();
  const store = openSubjectStore({ path: spec.dir, key: parseTemplateKey(keyHex) });
  const pool = new Piscina<IrisBuildTask, Uint8Array>({
    filename: new URL('./identify-iris-builder-entry.mjs', import.meta.url).href,
    minThreads: spec.threads, maxThreads: spec.threads, idleTimeout: Infinity,
  });
  try {
    const background = spec.subjects - spec.planted.length;
    // planted subject j goes after background subject ⌊(j + ½)·B/P⌋: spread through every shard
    const plantAfter = spec.planted.map((_, j) => Math.floor(((j + 0.5) * background) / Math.max(1, spec.planted.length)));
    let nextPlanted = 0;
    const tasks: IrisBuildTask[] = [];
    for (let first = 0; first < background; first += SUBJECTS_PER_TASK) {
      tasks.push({ seed: spec.seed, firstSubject: first, subjects: Math.min(SUBJECTS_PER_TASK, background - first), masks: spec.masks });
    }
    const ahead = spec.threads * 2;
    const running = tasks.slice(0, ahead).map((t) => pool.run(t));
    let done = 0, lastLog = performance.now();
    for (let i = 0; i < tasks.length; i++) {
      const codes = await running[i];
      if (i + ahead < tasks.length) running.push(pool.run(tasks[i + ahead]));
      const size = codes.length / (2 * tasks[i].subjects);
      const writes: Promise<unknown>[] = [];
      for (let s = 0; s < tasks[i].subjects; s++) {
        const subject = tasks[i].firstSubject + s;
        const right = codes.subarray(2 * s * size, (2 * s + 1) * size), left = codes.subarray((2 * s + 1) * size, (2 * s + 2) * size);
        writes.push(store.insert(irisSubject(`bg-${subject}`, right, left)));
        while (nextPlanted < spec.planted.length && plantAfter[nextPlanted] === subject) {
          const p = spec.planted[nextPlanted++];
          writes.push(store.insert(irisSubject(p.referenceId, p.right, p.left)));
        }
      }
      await Promise.all(writes);
      done += tasks[i].subjects;
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`  built ${done.toLocaleString('en-US')} / ${background.toLocaleString('en-US')} background subjects (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
    for (; nextPlanted < spec.planted.length; nextPlanted++) {
      const p = spec.planted[nextPlanted];
      await store.insert(irisSubject(p.referenceId, p.right, p.left));
    }
  } finally {
    await pool.destroy();
    await store.close();
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const manifest: IrisManifest = { version: IRIS_BACKGROUND_VERSION, templateVersion: IRIS_TEMPLATE_VERSION, texture: IRIS_TEXTURE, subjects: spec.subjects, seed: spec.seed, planted, masks, keyHex, buildSeconds };
  // written last: a store without a manifest is an unfinished build and is wiped next time
  writeFileSync(manifestPath, JSON.stringify(manifest));
  log(`built the iris gallery store in ${spec.dir}: ${spec.subjects.toLocaleString('en-US')} subjects in ${buildSeconds.toFixed(0)} s`);
  return { keyHex, built: true, buildSeconds };
}
