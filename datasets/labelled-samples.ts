/**
 * The modality-neutral sample list the generic layouts (`folders`, `csv`) produce: a file and
 * who it belongs to. Fingerprint, iris and face benches read the file their own way; the
 * labels and the protocols below are the same for all of them.
 */
import { EngineError } from '../engine/index.ts';

export interface LabelledSample {
  /** Absolute path. */
  file: string;
  /** Unique, readable name: the path below the set folder (folders) or as written in the manifest (csv), without extension. */
  name: string;
  /**
   * The biometric instance genuine pairs share: the person, or person + finger position when a
   * position is given ("alice#2"), since two fingers of one person are different fingers.
   */
  identity: string;
  /** The person as named by the benchmarker. */
  subject: string;
  /** Capture session ("1", "2020-05", "s2/left"); null when the layout names none. */
  session: string | null;
  /** 1-based rank of the sample within its identity, in listing order (what FVC calls the impression). */
  impression: number;
  /** ISO/IEC 19794-2 finger position (0–10) when the manifest gives one; null otherwise. */
  position: number | null;
}

/** Natural order: digit runs compare as numbers ("s2" < "s10"), the rest as text. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Sorts by identity, then session, then name, and numbers impressions 1, 2, … per identity, so
 * the all-pairs protocol (datasets/protocols.ts) and the FVC "first impression" rule apply.
 */
export function orderSamples(samples: Array<Omit<LabelledSample, 'impression'>>): LabelledSample[] {
  const sorted = [...samples].sort(
    (a, b) => naturalCompare(a.identity, b.identity) || naturalCompare(a.session ?? '', b.session ?? '') || naturalCompare(a.name, b.name),
  );
  const counts = new Map<string, number>();
  return sorted.map((s) => {
    const impression = (counts.get(s.identity) ?? 0) + 1;
    counts.set(s.identity, impression);
    return { ...s, impression };
  });
}

export interface SessionPairs {
  /** [probe, gallery] index pairs, same identity, different sessions. */
  genuine: Array<[number, number]>;
  /** [probe, gallery] index pairs, different identities, different sessions. */
  impostor: Array<[number, number]>;
}

/**
 * Cross-session protocol for any number of sessions: every pair of samples taken in different
 * sessions; the sample of the later session (natural order of the session names) probes the
 * earlier one. With two sessions this is CASIA's protocol exactly (session 2 probes × session 1
 * gallery). Same-session pairs are never used: they overstate accuracy (same day, same sensor
 * state, same placement). ERR_DATASET_NO_SESSIONS when a sample has no session.
 */
export function crossSessionPairs(samples: readonly LabelledSample[]): SessionPairs {
  const missing = samples.find((s) => s.session === null);
  if (missing !== undefined) {
    throw new EngineError('ERR_DATASET_NO_SESSIONS', `the cross-session protocol needs a session for every sample; ${missing.name} has none (folders: IDENTITY/SESSION/IMAGE; csv: a session column)`);
  }
  const genuine: Array<[number, number]> = [];
  const impostor: Array<[number, number]> = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const order = naturalCompare(samples[i].session!, samples[j].session!);
      if (order === 0) continue;
      const pair: [number, number] = order > 0 ? [i, j] : [j, i];
      (samples[i].identity === samples[j].identity ? genuine : impostor).push(pair);
    }
  }
  return { genuine, impostor };
}

/** ERR_BENCH_NO_PAIRS with what the benchmarker should change, when a protocol leaves one kind of pair empty. */
export function requireBothPairKinds(set: string, protocol: string, pairs: SessionPairs): void {
  if (pairs.genuine.length > 0 && pairs.impostor.length > 0) return;
  const hint = protocol === 'cross-session'
    ? 'cross-session needs two sessions of one identity (genuine) and of two identities (impostor)'
    : 'all-pairs needs two samples of one identity (genuine) and two identities (impostor)';
  throw new EngineError('ERR_BENCH_NO_PAIRS', `set ${set}: protocol ${protocol} gives ${pairs.genuine.length} genuine and ${pairs.impostor.length} impostor pairs; ${hint}`);
}
