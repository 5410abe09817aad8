/**
 * Pipeline variants side by side on the same images in the same run: detector input size and
 * padding, landmark refinement passes, chip lighting regions ('face' or 'halves') and the
 * mirrored-chip pass. Each image is decoded once and goes through every front end (detect +
 * landmarks + align) and each front end's chip variants (lighting + embedding), so machine load
 * weighs on all alike. Threshold-free figures only (EER, FNMR at an empirical FMR of 1 % and
 * 0.1 %), on all identities and on each half of them (identities in sorted order, first half
 * "A", second "B"), so a setting chosen on one half can be checked on the other and on the other
 * set. Per-stage medians: detector (all attempts), landmarks (all passes), one embedding pass.
 *
 *   npx tsx bench/face-variants.ts --set ../shared/data/face/orl:folders --set ../shared/data/face/yale:yale
 */
import { readFileSync } from 'node:fs';
import { EngineError } from '../engine/errors.ts';
import { alignFace } from '../engine/face/align.ts';
import { decodeFaceImage } from '../engine/face/decode.ts';
import { detectLargestFace } from '../engine/face/detect.ts';
import { embedFace } from '../engine/face/embed.ts';
import { faceImageBytes } from '../engine/face/record.ts';
import { locateLandmarks } from '../engine/face/landmarks.ts';
import { normaliseLighting } from '../engine/face/lighting.ts';
import { loadFaceModels, type FaceModels } from '../engine/face/models.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import { checkEnrolable, measureQuality } from '../engine/face/quality.ts';
import { quantiseEmbedding } from '../engine/face/quantise.ts';
import { evaluateEnrolledFaces } from './face-accuracy.ts';
import { listFaceSamples, type EnrolledFace, type FaceLayout } from './face-samples.ts';
import { median } from './extract-samples.ts';

interface FrontEnd { name: string; inputSize: number; padShare: number; refinePasses: number; coarseFirstPass?: boolean; chips: ChipVariant[] }
interface ChipVariant { lighting: 'face' | 'halves'; mirror: boolean }

const P = FACE_PARAMS;
/** The fallback paddings when the first finds nothing: the default list with the first padding swapped in. */
const fallbacks = (first: number): number[] => [P.detect.padShare, ...P.detect.fallbackPadShares].filter((p) => p !== first);
const FRONT_ENDS: FrontEnd[] = [
  { name: 'det224 pad0.5 refine1', inputSize: 224, padShare: 0.5, refinePasses: 1, chips: [{ lighting: 'face', mirror: true }, { lighting: 'face', mirror: false }, { lighting: 'halves', mirror: false }, { lighting: 'halves', mirror: true }] },
  { name: 'det160 pad0.5 refine1', inputSize: 160, padShare: 0.5, refinePasses: 1, chips: [{ lighting: 'face', mirror: false }, { lighting: 'halves', mirror: false }] },
  { name: 'det160 pad0.25 refine1', inputSize: 160, padShare: 0.25, refinePasses: 1, chips: [{ lighting: 'face', mirror: false }, { lighting: 'halves', mirror: false }] },
  { name: 'det160 pad0.25 refine0', inputSize: 160, padShare: 0.25, refinePasses: 0, chips: [{ lighting: 'halves', mirror: false }] },
  { name: 'det160 pad0.25 tiny+full landmarks', inputSize: 160, padShare: 0.25, refinePasses: 1, coarseFirstPass: true, chips: [{ lighting: 'face', mirror: false }] },
];

interface Row { enrolled: EnrolledFace[]; detectMs: number[]; landmarksMs: number[]; embedMs: number[]; detectorCalls: number[] }

async function main(argv: string[]): Promise<void> {
  const sets: Array<{ dir: string; layout: FaceLayout }> = [];
  let frontEnds = FRONT_ENDS;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--front' && argv[i + 1] !== undefined) { frontEnds = argv[++i].split(',').map((k) => FRONT_ENDS[Number(k)]).filter((f) => f !== undefined); continue; }
    if (argv[i] !== '--set' || argv[i + 1] === undefined) throw new Error('usage: face-variants.ts --set DIR[:folders|yale] [--set …] [--front I,J (indices into FRONT_ENDS)]');
    const [dir, layout = 'folders'] = argv[++i].split(':');
    if (layout !== 'folders' && layout !== 'yale') throw new Error(`layout must be folders or yale, got ${layout}`);
    sets.push({ dir, layout });
  }
  const base = await loadFaceModels();
  let detectorCalls = 0;
  const models: FaceModels = { ...base, detect: (c, s) => { detectorCalls++; return base.detect(c, s); } };
  for (const { dir, layout } of sets) {
    const samples = listFaceSamples(dir, layout);
    const identities = [...new Set(samples.map((s) => s.identity))];
    const halfA = new Set(identities.slice(0, Math.ceil(identities.length / 2)));
    const rows = new Map<string, Row>();
    const rowOf = (name: string): Row => { let r = rows.get(name); if (!r) rows.set(name, r = { enrolled: [], detectMs: [], landmarksMs: [], embedMs: [], detectorCalls: [] }); return r; };
    for (const [n, sample] of samples.entries()) {
      const image = await decodeFaceImage(faceImageBytes(new Uint8Array(readFileSync(sample.file))));
      const order = n % 2 === 0 ? frontEnds : [...frontEnds].reverse();
      for (const fe of order) {
        const detectParams = { ...P.detect, inputSize: fe.inputSize, padShare: fe.padShare, fallbackPadShares: fallbacks(fe.padShare) };
        detectorCalls = 0;
        let t = performance.now();
        const { face, otherFaces } = await detectLargestFace(image, models, detectParams);
        const detectMs = performance.now() - t;
        const calls = detectorCalls;
        let failure: string | null = null, chipOf: ((v: ChipVariant) => Promise<{ code: Int8Array; ms: number }>) | null = null;
        let landmarksMs = 0;
        if (face === null) failure = 'ERR_FACE_NOT_FOUND';
        else {
          t = performance.now();
          const points = await locateLandmarks(image, face, models, { ...P.landmarks, refinePasses: fe.refinePasses, coarseFirstPass: fe.coarseFirstPass === true, tinyRefinePasses: false });
          landmarksMs = performance.now() - t;
          const aligned = alignFace(image, points);
          try { checkEnrolable(measureQuality(points, aligned, face.score, otherFaces)); } catch (e) {
            if (!(e instanceof EngineError)) throw e;
            failure = e.code;
          }
          chipOf = async (v) => {
            const t0 = performance.now();
            const chip = normaliseLighting(aligned, { ...P.align, lightingRegions: v.lighting });
            const code = quantiseEmbedding(await embedFace(chip, models, { flipAverage: v.mirror }));
            return { code, ms: performance.now() - t0 };
          };
        }
        for (const v of fe.chips) {
          const row = rowOf(`${fe.name} | lighting ${v.lighting}${v.mirror ? ' + mirror' : ''}`);
          const made = failure === null && chipOf !== null ? await chipOf(v) : null;
          row.enrolled.push({ ...sample, code: made?.code ?? null, failure, extractMs: null });
          row.detectMs.push(detectMs); row.landmarksMs.push(landmarksMs); row.detectorCalls.push(calls);
          if (made && !v.mirror) row.embedMs.push(made.ms);
        }
      }
    }
    console.log(`${dir} (${layout}): ${samples.length} images, ${identities.length} identities (half A: ${halfA.size}), all pairs`);
    const pct = (x: number): string => `${(100 * x).toFixed(2)}`.padStart(6);
    for (const [name, r] of rows) {
      const all = evaluateEnrolledFaces(dir, name, r.enrolled).report;
      const a = evaluateEnrolledFaces(dir, name, r.enrolled.filter((e) => halfA.has(e.identity))).report;
      const b = evaluateEnrolledFaces(dir, name, r.enrolled.filter((e) => !halfA.has(e.identity))).report;
      const fte = r.enrolled.filter((e) => e.code === null).length;
      console.log(`  ${name.padEnd(46)} FTE ${fte}  EER % all ${pct(all.eer)} A ${pct(a.eer)} B ${pct(b.eer)}  FNMR@FMR1% ${pct(all.fmr100)}  @0.1% ${pct(all.fmr1000)} (A ${pct(a.fmr1000)} B ${pct(b.fmr1000)})`
        + `  ms: detect ${median(r.detectMs)?.toFixed(1)} (calls>1: ${r.detectorCalls.filter((c) => c > 1).length}) landmarks ${median(r.landmarksMs)?.toFixed(1)} chip+embed1 ${median(r.embedMs)?.toFixed(1) ?? '–'}`);
    }
  }
}

await main(process.argv.slice(2));
