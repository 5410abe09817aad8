/**
 * Every real finger impression against every other, once: the raw comparison scores the
 * finger calibration is fitted on and the fusion bench checks FPIR with.
 *
 * Fingers: datasets/scale-real-fingers.ts (FVC2002 DB1–DB3 SecuGen templates, U.are.U through
 * our extractor). Halves, by *human* so that no person's fingers sit on both sides:
 * - FVC fingers 101+102, 105+106, 109+110 of each set are the fit half (the realness fit half,
 *   datasets/scale-real-fingers.ts personHalves), the others report; each FVC finger is its own
 *   (unknown) human;
 * - U.are.U humans split as the ten-finger persons of the identify bench split (personHalves at
 *   F = 10: 012, 017, 027 fit; 013, 022, 076 report); 057, who has no ten fingers, fits.
 * Non-mate pairs are pairs of different humans: two fingers of one U.are.U human are never an
 * impostor pair here (a dedup gallery never holds one human under two identities by design; if
 * it does, that is a duplicate, not a false positive).
 */
import { FingerMatcher, type FingerTemplate } from '../engine/index.ts';
import { allRealFingers, personHalves, realPersons, type RealFinger, type RealPerson } from '../datasets/scale-real-fingers.ts';

export type Half = 'fit' | 'report';

export interface RealImpression {
  finger: RealFinger;
  /** 0-based impression index (0 = the enrolment impression of the identify bench). */
  impression: number;
  template: FingerTemplate;
}

export interface RealPairs {
  fingers: RealFinger[];
  impressions: RealImpression[];
  /** Row-major raw kernel scores, impressions × impressions (symmetric). */
  raw: Float32Array;
  halfOf: (finger: RealFinger) => Half;
  humanOf: (finger: RealFinger) => string;
  /** Index of a finger's impression in `impressions`, or -1 when it failed to enrol. */
  indexOf: (finger: RealFinger, impression: number) => number;
}

const FVC_FIT = new Set([101, 102, 105, 106, 109, 110]);

/** The human-level half of every finger (see the file comment). */
export function realHalves(fingers: readonly RealFinger[]): (finger: RealFinger) => Half {
  const tenFinger = realPersons(fingers, 10);
  const halves = personHalves(tenFinger);
  const reportHumans = new Set(tenFinger.filter((p, i) => !p.composite && halves[i] === 'report').map((p) => p.fingers[0].person));
  return (f) => {
    if (f.person !== null) return reportHumans.has(f.person) ? 'report' : 'fit';
    return FVC_FIT.has(Number(f.id.split('/').pop())) ? 'fit' : 'report';
  };
}

export const humanOf = (f: RealFinger): string => (f.person !== null ? `uareu/${f.person}` : f.id);

export async function realPairs(dataDir: string, log: (line: string) => void = () => {}): Promise<RealPairs> {
  const fingers = await allRealFingers(dataDir);
  const matcher = new FingerMatcher();
  const impressions: RealImpression[] = [];
  for (const finger of fingers) {
    finger.impressions.forEach((r, impression) => {
      if (r === null || r.views[0] === undefined) return;
      try {
        impressions.push({ finger, impression, template: matcher.createTemplate(r.views[0].minutiae, { resolutionPxPerCm: r.resolutionX }) });
      } catch {
        // a failure to enrol stays out, as in the identify bench
      }
    });
  }
  const n = impressions.length;
  log(`real fingers: ${fingers.length} (${impressions.length} impressions); comparing all ${((n * (n - 1)) / 2).toLocaleString('en-US')} pairs`);
  const gallery = matcher.loadGallery(impressions.map((i) => i.template));
  const raw = new Float32Array(n * n);
  const out = new Float32Array(n);
  impressions.forEach((imp, i) => {
    const probe = matcher.prepareProbe(imp.template);
    matcher.compareManyRaw(probe, gallery, out);
    matcher.releaseProbe(probe);
    raw.set(out, i * n);
  });
  const index = new Map(impressions.map((imp, i) => [`${imp.finger.id}#${imp.impression}`, i]));
  return {
    fingers, impressions, raw,
    halfOf: realHalves(fingers), humanOf,
    indexOf: (f, impression) => index.get(`${f.id}#${impression}`) ?? -1,
  };
}

/** Raw scores of every impostor pair (different humans) with both fingers in `half`. */
export function impostorRaw(p: RealPairs, half: Half | 'all'): Float64Array {
  const n = p.impressions.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = p.impressions[i].finger;
    if (half !== 'all' && p.halfOf(a) !== half) continue;
    for (let j = i + 1; j < n; j++) {
      const b = p.impressions[j].finger;
      if (half !== 'all' && p.halfOf(b) !== half) continue;
      if (humanOf(a) !== humanOf(b)) out.push(p.raw[i * n + j]);
    }
  }
  return Float64Array.from(out);
}

/** Persons of F fingers (identify bench grouping) whose fingers all lie in `half`. */
export function personsIn(p: RealPairs, fingersPerPerson: number, half: Half): RealPerson[] {
  return realPersons(p.fingers, fingersPerPerson).filter((person) => person.fingers.every((f) => p.halfOf(f) === half));
}

/** True when two persons share a human (then neither is a non-mate of the other). */
export function shareHuman(a: RealPerson, b: RealPerson): boolean {
  return a.fingers.some((f) => b.fingers.some((g) => humanOf(f) === humanOf(g)));
}
