/**
 * Real mates to plant inside a synthetic gallery, so FNIR and the prefilter's recall can be
 * measured at scale: real fingers grouped into multi-finger "persons". A person's gallery
 * entry is one impression of each of its fingers; its mated probes are the other impressions
 * of the same fingers; persons held out of the gallery give the non-mated probes.
 *
 * The input is any loader giving sets of fingers with their impressions (`FingerSetLoader`):
 * today the ISO templates of fvc2002-iso; later minutiae extracted from the images, with the
 * same grouping and the same plain-data result.
 */
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError, readMinutiaeRecord } from '../engine/index.ts';
import type { MinutiaeRecord } from '../engine/index.ts';
import { listSamples } from './layouts.ts';

/** One real finger: its impressions in order (index 0 = impression 1). */
export interface FingerImpressions {
  identity: string;
  impressions: MinutiaeRecord[];
}

/** Fingers captured on one sensor (persons are never mixed across sets). */
export interface FingerSet {
  name: string;
  fingers: FingerImpressions[];
}

export type FingerSetLoader = (dataDir: string) => FingerSet[];

/** A person's fingers by ISO finger position. */
export type FingersByPosition = Record<number, MinutiaeRecord>;

export interface PlantedSubject {
  referenceId: string;
  fingers: FingersByPosition;
  /** Where the fingers come from, e.g. "DB1_B 101_1 + 102_1". */
  source: string;
}

export interface PlantedProbe {
  /** Mated probes: the gallery referenceId of their mate. Non-mated: the held-out person's own id (absent from the gallery). */
  referenceId: string;
  fingers: FingersByPosition;
  source: string;
}

export interface PlantedMates {
  gallery: PlantedSubject[];
  matedProbes: PlantedProbe[];
  nonMatedProbes: PlantedProbe[];
}

export interface PlantOptions {
  /** ISO positions given to a person's fingers, in order (default [2, 7]: both index fingers). */
  positions?: readonly number[];
  /** Persons per set kept out of the gallery, taken from the end of the set (default 1). */
  heldOutPerSet?: number;
  /** Impression enrolled in the gallery, 1-based (default 1); the others become mated probes. */
  galleryImpression?: number;
  /** referenceId prefix (default "real-"). */
  idPrefix?: string;
}

/** The fvc2002-iso sets: 10 fingers × 8 impressions each. */
export const FVC2002_ISO_SETS: readonly string[] = ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'];

/** `$BIODEDUP_DATA`, else `../shared/data` beside the project root. */
export function defaultDataDir(): string {
  const projectRoot = fileURLToPath(new URL('..', import.meta.url));
  return resolve(projectRoot, process.env.BIODEDUP_DATA ?? '../shared/data');
}

/** Loader for fingerprint/fvc2002-iso/DB*_B: ISO 19794-2 templates named FFF_I.iso. */
export function loadFvc2002IsoSets(dataDir: string, sets: readonly string[] = FVC2002_ISO_SETS): FingerSet[] {
  return sets.map((name) => {
    const byIdentity = new Map<string, MinutiaeRecord[]>();
    for (const s of listSamples(join(dataDir, 'fingerprint', 'fvc2002-iso', name), 'fvc', ['iso'])) {
      const list = byIdentity.get(s.identity) ?? [];
      list[s.impression - 1] = readMinutiaeRecord(new Uint8Array(readFileSync(s.file)));
      byIdentity.set(s.identity, list);
    }
    return { name, fingers: [...byIdentity].map(([identity, impressions]) => ({ identity, impressions })) };
  });
}

/** The record with its first view labelled with the finger position it plays. */
function atPosition(record: MinutiaeRecord, position: number): MinutiaeRecord {
  const [first, ...rest] = record.views;
  if (first === undefined) throw new EngineError('ERR_PLANTED_INPUT', 'a record without a finger view cannot be planted');
  return { ...record, views: [{ ...first, fingerPosition: position }, ...rest] };
}

function fingersAt(fingers: readonly FingerImpressions[], positions: readonly number[], impression: number): FingersByPosition | null {
  const out: FingersByPosition = {};
  for (let k = 0; k < fingers.length; k++) {
    const record = fingers[k].impressions[impression - 1];
    if (record === undefined) return null;
    out[positions[k]] = atPosition(record, positions[k]);
  }
  return out;
}

/**
 * Groups each set's fingers, in order, into persons of `positions.length` fingers (101+102,
 * 103+104, …; a remainder is left out) and splits them into planted and held-out persons.
 * Plain data: nothing here knows about templates or the gallery that will hold them.
 */
export function plantMates(sets: readonly FingerSet[], options: PlantOptions = {}): PlantedMates {
  const positions = options.positions ?? [2, 7];
  const heldOut = options.heldOutPerSet ?? 1;
  const galleryImpression = options.galleryImpression ?? 1;
  const prefix = options.idPrefix ?? 'real-';
  if (positions.length < 1 || new Set(positions).size !== positions.length || positions.some((p) => !Number.isInteger(p) || p < 1 || p > 10)) {
    throw new EngineError('ERR_PLANTED_ARGS', `positions must be distinct ISO finger positions 1–10, got [${positions.join(', ')}]`);
  }
  if (!Number.isInteger(heldOut) || heldOut < 0) throw new EngineError('ERR_PLANTED_ARGS', `heldOutPerSet must be a non-negative integer, got ${heldOut}`);
  if (!Number.isInteger(galleryImpression) || galleryImpression < 1) throw new EngineError('ERR_PLANTED_ARGS', `galleryImpression must be a positive integer, got ${galleryImpression}`);

  const result: PlantedMates = { gallery: [], matedProbes: [], nonMatedProbes: [] };
  for (const set of sets) {
    const persons: FingerImpressions[][] = [];
    for (let f = 0; f + positions.length <= set.fingers.length; f += positions.length) persons.push(set.fingers.slice(f, f + positions.length));
    persons.forEach((fingers, p) => {
      const referenceId = `${prefix}${set.name}-${fingers.map((f) => f.identity).join('+')}`;
      const label = (i: number) => `${set.name} ${fingers.map((f) => `${f.identity}_${i}`).join(' + ')}`;
      const impressions = Math.max(...fingers.map((f) => f.impressions.length));
      if (p >= persons.length - heldOut) { // held out: every impression probes a gallery that has no mate
        for (let i = 1; i <= impressions; i++) {
          const probe = fingersAt(fingers, positions, i);
          if (probe !== null) result.nonMatedProbes.push({ referenceId, fingers: probe, source: label(i) });
        }
        return;
      }
      const enrolled = fingersAt(fingers, positions, galleryImpression);
      if (enrolled === null) {
        throw new EngineError('ERR_PLANTED_INPUT', `set ${set.name}: ${label(galleryImpression)} is missing, so the person cannot be enrolled`);
      }
      result.gallery.push({ referenceId, fingers: enrolled, source: label(galleryImpression) });
      for (let i = 1; i <= impressions; i++) {
        if (i === galleryImpression) continue;
        const probe = fingersAt(fingers, positions, i);
        if (probe !== null) result.matedProbes.push({ referenceId, fingers: probe, source: label(i) });
      }
    });
  }
  if (result.gallery.length === 0) throw new EngineError('ERR_PLANTED_EMPTY', 'no person could be planted (too few fingers per set, or all held out)');
  return result;
}

/** Loads the sets (fvc2002-iso by default) from `dataDir` and plants them. */
export function loadPlantedMates(options: PlantOptions & { dataDir?: string; loader?: FingerSetLoader } = {}): PlantedMates {
  const { dataDir = defaultDataDir(), loader = loadFvc2002IsoSets, ...plant } = options;
  return plantMates(loader(dataDir), plant);
}
