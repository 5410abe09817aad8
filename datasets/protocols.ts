/**
 * Comparison pairs for the evaluation protocols named in /work/shared/data/README.md.
 * Pairs are unordered (i < j): matchers are treated as symmetric, as FVC does.
 */
import { EngineError } from '../engine/index.ts';
import type { Sample } from './layouts.ts';

export type Protocol = 'all-pairs' | 'fvc';

export interface Pairs {
  /** Index pairs [i, j] into the samples, i < j, same identity. */
  genuine: Array<[number, number]>;
  /** Index pairs [i, j] into the samples, i < j, different identities. */
  impostor: Array<[number, number]>;
}

/** Only identity and impression matter, so synthetic datasets can use this too. */
export type ProtocolSample = Pick<Sample, 'identity' | 'impression'>;

/**
 * - 'all-pairs' (FVC-B all-pairs): genuine = every unordered pair of the same identity,
 *   impostor = every unordered pair across identities (10 × 8 → 280 / 2,880).
 * - 'fvc' (FVC official): genuine as above; impostor = the first impression (lowest
 *   impression number) of each identity against that of every other identity (10 × 8 → 45).
 * Pairs come out in index order, so results are reproducible for a given sample order.
 */
export function buildPairs(samples: ReadonlyArray<ProtocolSample>, protocol: Protocol): Pairs {
  if (protocol !== 'all-pairs' && protocol !== 'fvc') {
    throw new EngineError('ERR_PROTOCOL_UNKNOWN', `unknown protocol "${String(protocol)}" (expected all-pairs or fvc)`);
  }
  const genuine: Array<[number, number]> = [];
  const impostor: Array<[number, number]> = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      if (samples[i].identity === samples[j].identity) genuine.push([i, j]);
      else if (protocol === 'all-pairs') impostor.push([i, j]);
    }
  }
  if (protocol === 'fvc') {
    const firsts = firstImpressions(samples);
    for (let a = 0; a < firsts.length; a++) {
      for (let b = a + 1; b < firsts.length; b++) impostor.push([firsts[a], firsts[b]]);
    }
  }
  return { genuine, impostor };
}

/** Index of each identity's first impression, in ascending index order. */
function firstImpressions(samples: ReadonlyArray<ProtocolSample>): number[] {
  const first = new Map<string, number>();
  samples.forEach((s, i) => {
    const current = first.get(s.identity);
    if (current === undefined || s.impression < samples[current].impression) first.set(s.identity, i);
  });
  return [...first.values()].sort((a, b) => a - b);
}
