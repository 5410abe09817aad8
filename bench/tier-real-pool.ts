/**
 * The coarse residency's stage on the real-vs-real pool (docs/finger-tier.md): for each real
 * 2-finger search (bench/identify-planted.ts persons, enrolled with impression 1, searched with
 * 2–8), the share of real non-mate subjects (every combination of one other person's finger per
 * probe finger) whose joint score reaches the mate's, by the coarse kernel and by the full matcher
 * (joint = Σ over fingers of the score standardised over that finger's non-mates, as the vector
 * prefilter ranks), beside the vector prefilter's needed penetration (identify-real-pool.ts).
 */
import { FingerMatcher } from '../engine/index.ts';
import { coarseFingerTemplate } from '../engine/finger-coarse.ts';
import { CoarseGallery } from '../engine/finger-coarse-kernel.ts';
import type { RealPlantedPersons } from './identify-planted.ts';
import type { RealPool } from './identify-real-pool.ts';

export interface CoarsePoolRow {
  half: 'choose' | 'report';
  person: string;
  /** Share of real non-mate subjects whose joint coarse score reaches the mate's. */
  coarse: number;
  /** The same by the full matcher's raw scores. */
  full: number;
  /** The vector prefilter's needed penetration (identify-real-pool.ts). */
  vector: number;
  /**
   * The coarse gate (GALLERY_PARAMS.coarseGatePassShare): the share of real non-mate fingers whose
   * raw coarse score reaches the mate's, on the probe finger the engine compares first (where the
   * mate's standardised vector similarity is highest); `gateWeaker`: on the mate's weaker finger
   * by that share (a bound whichever finger comes first; `gate` too when the search has no vector figures).
   */
  gate: number;
  gateWeaker: number;
}

/** Share of the entries other than `mate` whose score reaches the mate's. */
function rawShare(scores: Float32Array, mate: number): number {
  let hits = 0;
  scores.forEach((v, i) => { if (i !== mate && v >= scores[mate]) hits++; });
  return hits / (scores.length - 1);
}

function standardised(scores: Float32Array, skip: number): Float64Array {
  let s = 0, s2 = 0, n = 0;
  scores.forEach((v, i) => { if (i !== skip) { s += v; s2 += v * v; n++; } });
  const mean = s / n, sd = Math.sqrt(Math.max(1e-12, s2 / n - mean * mean));
  return Float64Array.from(scores, (v) => (v - mean) / sd);
}

/** Share of two-finger non-mate combinations (one other subject per finger) whose joint z reaches the mate's. */
function neededShare(zs: Float64Array[], mate: number): number {
  if (zs.length !== 2) throw new Error('two fingers only');
  const target = zs[0][mate] + zs[1][mate];
  const [a, b] = zs.map((z) => Array.from(z).filter((_, i) => i !== mate).sort((x, y) => x - y));
  let hits = 0;
  for (const v of a) {
    let lo = 0, hi = b.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (b[mid] >= target - v) hi = mid; else lo = mid + 1; }
    hits += b.length - lo;
  }
  return hits / (a.length * b.length);
}

/** One row per real search, in the planted searches' order (realPool lists the same searches in the same order). */
export function coarsePoolRows(planted: RealPlantedPersons, pool: RealPool): CoarsePoolRow[] {
  if (pool.searches.length !== planted.mated.length) throw new Error('the real pool and the planted searches differ');
  const matcher = new FingerMatcher();
  const coarseGalleries = [0, 1].map((k) => new CoarseGallery(planted.gallery.map((g) => coarseFingerTemplate(g.templates[k]))));
  const fullGalleries = [0, 1].map((k) => matcher.loadGallery(planted.gallery.map((g) => matcher.templateFromBytes(g.templates[k]))));
  const indexOf = new Map(planted.gallery.map((g, i) => [g.referenceId, i]));
  return planted.mated.map((search, at) => {
    const mate = indexOf.get(search.mate)!;
    const person = planted.persons[mate];
    if (pool.searches[at].person !== person.id) throw new Error('the real pool and the planted searches differ');
    const z = pool.searches[at].mateVectorZ;
    const coarseZ: Float64Array[] = [], fullZ: Float64Array[] = [];
    const gates: number[] = [];
    search.probe.fingers!.forEach((f, k) => {
      const raw = coarseGalleries[k].compareAll(coarseFingerTemplate(f.template));
      gates.push(rawShare(raw, mate));
      coarseZ.push(standardised(raw, mate));
      const probe = matcher.prepareProbe(matcher.templateFromBytes(f.template));
      fullZ.push(standardised(matcher.compareManyRaw(probe, fullGalleries[k]), mate));
      matcher.releaseProbe(probe);
    });
    return { half: search.half, person: person.id, coarse: neededShare(coarseZ, mate), full: neededShare(fullZ, mate), vector: pool.searches[at].neededPenetration,
      gate: z === undefined ? Math.max(...gates) : gates[z.indexOf(Math.max(...z))], gateWeaker: Math.max(...gates) };
  });
}

/**
 * Searches whose mate passes the whole cascade, if the coarse ranking of the prefilter's
 * candidates were independent of their vector ranking: inside the penetration, past the coarse
 * gate (its weaker finger's coarse share under `gatePassShare`; 1: no gate), and fewer than
 * K = keepShare × N of the penetration × N candidates outranking it by coarse score, i.e. a
 * coarse share under keepShare / penetration.
 */
export function cascadeHits(rows: readonly CoarsePoolRow[], penetration: number, keepShare: number, gatePassShare = 1): number {
  return rows.filter((x) => x.vector < penetration && (gatePassShare >= 1 || x.gate < gatePassShare) && x.coarse < keepShare / penetration).length;
}
