/**
 * Photometric and alignment variants of the face pipeline side by side on the same images in the
 * same run (issue 17, the Yale bar): chip lighting (the linear mean/s.d. step alone, or after
 * CLAHE of the chip's luminance at a few tile grids, or after a gamma lift of the shadows),
 * CLAHE of the landmark crops, one or two landmark passes, with and without the mirrored-chip
 * pass (computed from the same two ResNet passes, so "mirror off" and "mirror on" differ only by
 * the second descriptor). Threshold-free figures (EER, FNMR at an empirical FMR of 1 % and
 * 0.1 %) on all identities and on each half (identities in sorted order, first half "A" — where
 * choices are made — second half "B", the check). `--out FILE` writes every variant's int8
 * codes as JSON for later analysis.
 *
 *   npx tsx bench/face-light-variants.ts --set ../shared/data/face/orl:folders --set ../shared/data/face/yale:yale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EngineError } from '../engine/errors.ts';
import { alignFace, type AlignPoints } from '../engine/face/align.ts';
import type { ClaheParams } from '../engine/face/clahe.ts';
import { decodeFaceImage } from '../engine/face/decode.ts';
import { detectLargestFace } from '../engine/face/detect.ts';
import { l2Normalise, mirrorChip } from '../engine/face/embed.ts';
import { locateLandmarks } from '../engine/face/landmarks.ts';
import { normaliseLighting } from '../engine/face/lighting.ts';
import { loadFaceModels } from '../engine/face/models.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import { checkEnrolable, measureQuality } from '../engine/face/quality.ts';
import { quantiseEmbedding } from '../engine/face/quantise.ts';
import { faceImageBytes } from '../engine/face/record.ts';
import { evaluateEnrolledFaces } from './face-accuracy.ts';
import { listFaceSamples, type EnrolledFace, type FaceLayout } from './face-samples.ts';

interface FrontEnd { name: string; refinePasses: number; cropContrast: ClaheParams | null; cropGamma: number; alignPoints: AlignPoints; chips: ChipVariant[] }
interface ChipVariant { name: string; localContrast: ClaheParams | null; gamma: number }

const P = FACE_PARAMS;
const LINEAR: ChipVariant = { name: 'linear', localContrast: null, gamma: 1 };
const CHIPS: ChipVariant[] = [
  LINEAR,
  { name: 'clahe g4 c2', localContrast: { grid: 4, clipLimit: 2 }, gamma: 1 },
  { name: 'clahe g8 c2', localContrast: { grid: 8, clipLimit: 2 }, gamma: 1 },
  { name: 'gamma 0.5', localContrast: null, gamma: 0.5 },
];
const gamma = (g: number): ChipVariant => ({ name: `gamma ${g}`, localContrast: null, gamma: g });
const FRONT: Omit<FrontEnd, 'name' | 'chips'> = { refinePasses: 1, cropContrast: null, cropGamma: 1, alignPoints: 'dlib51' };
/** Rounds of variants (`--round N`): 1 = lighting (CLAHE, gamma) and landmark passes; 2 = the gamma value, 5-point alignment, gamma on the landmark crops. */
const ROUNDS: Record<string, FrontEnd[]> = {
  1: [
    { ...FRONT, name: 'lm2', chips: CHIPS },
    { ...FRONT, name: 'lm2 crop-clahe g4', cropContrast: { grid: 4, clipLimit: 2 }, chips: [LINEAR, CHIPS[1]] },
    { ...FRONT, name: 'lm1', refinePasses: 0, chips: [LINEAR, CHIPS[1]] },
  ],
  2: [
    { ...FRONT, name: 'lm2', chips: [gamma(0.4), gamma(0.6)] },
    { ...FRONT, name: 'lm2 align5', alignPoints: 'eyes-nose5', chips: [LINEAR, gamma(0.5)] },
    { ...FRONT, name: 'lm2 crop-gamma 0.5', cropGamma: 0.5, chips: [gamma(0.5)] },
  ],
};

function gammaLift(chip: Float32Array, gamma: number): Float32Array {
  return gamma === 1 ? chip : chip.map((v) => 255 * Math.pow(Math.max(0, v) / 255, gamma));
}

async function main(argv: string[]): Promise<void> {
  const sets: Array<{ dir: string; layout: FaceLayout }> = [];
  let outFile: string | null = null, frontEnds = ROUNDS[1];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) { outFile = argv[++i]; continue; }
    if (argv[i] === '--round' && ROUNDS[argv[i + 1]] !== undefined) { frontEnds = ROUNDS[argv[++i]]; continue; }
    if (argv[i] !== '--set' || argv[i + 1] === undefined) throw new Error('usage: face-light-variants.ts --set DIR[:folders|yale] [--set …] [--round 1|2] [--out FILE]');
    const [dir, layout = 'folders'] = argv[++i].split(':');
    if (layout !== 'folders' && layout !== 'yale') throw new Error(`layout must be folders or yale, got ${layout}`);
    sets.push({ dir, layout });
  }
  const models = await loadFaceModels();
  const dump: Record<string, Record<string, Array<{ name: string; identity: string; code: number[] | null }>>> = {};
  for (const { dir, layout } of sets) {
    const samples = listFaceSamples(dir, layout);
    const identities = [...new Set(samples.map((s) => s.identity))];
    const halfA = new Set(identities.slice(0, Math.ceil(identities.length / 2)));
    const rows = new Map<string, EnrolledFace[]>();
    const push = (name: string, e: EnrolledFace): void => { const r = rows.get(name) ?? []; r.push(e); rows.set(name, r); };
    for (const sample of samples) {
      const image = await decodeFaceImage(faceImageBytes(new Uint8Array(readFileSync(sample.file))));
      const { face, otherFaces } = await detectLargestFace(image, models);
      for (const fe of frontEnds) {
        let failure: string | null = face === null ? 'ERR_FACE_NOT_FOUND' : null;
        const landmarkImage = fe.cropGamma === 1 ? image : { ...image, data: image.data.map((v) => Math.round(255 * Math.pow(v / 255, fe.cropGamma))) };
        const points = face === null ? null : await locateLandmarks(landmarkImage, face, models, { ...P.landmarks, refinePasses: fe.refinePasses, cropContrast: fe.cropContrast });
        const aligned = face === null || points === null ? null : alignFace(image, points, { ...P.align, alignPoints: fe.alignPoints });
        if (face !== null && points !== null && aligned !== null) {
          try { checkEnrolable(measureQuality(points, aligned, face.score, otherFaces)); } catch (e) {
            if (!(e instanceof EngineError)) throw e;
            failure = e.code;
          }
        }
        for (const v of fe.chips) {
          let one: Int8Array | null = null, both: Int8Array | null = null;
          if (failure === null && aligned !== null) {
            const lit = normaliseLighting({ ...aligned, chip: gammaLift(aligned.chip, v.gamma) }, { ...P.align, localContrast: v.localContrast });
            const [a] = await models.embed([lit.chip]);
            const [b] = await models.embed([mirrorChip(lit.chip, lit.chipSize)]);
            one = quantiseEmbedding(l2Normalise(a));
            both = quantiseEmbedding(l2Normalise(a.map((x, i) => x + b[i])));
          }
          push(`${fe.name} | ${v.name}`, { ...sample, code: one, failure, extractMs: null });
          push(`${fe.name} | ${v.name} + mirror`, { ...sample, code: both, failure, extractMs: null });
        }
      }
    }
    console.log(`${dir} (${layout}): ${samples.length} images, ${identities.length} identities (half A: ${halfA.size}), all pairs`);
    const pct = (x: number): string => `${(100 * x).toFixed(2)}`.padStart(6);
    dump[dir] = {};
    for (const [name, enrolled] of rows) {
      const all = evaluateEnrolledFaces(dir, name, enrolled).report;
      const a = evaluateEnrolledFaces(dir, name, enrolled.filter((e) => halfA.has(e.identity))).report;
      const b = evaluateEnrolledFaces(dir, name, enrolled.filter((e) => !halfA.has(e.identity))).report;
      const fte = enrolled.filter((e) => e.code === null).length;
      console.log(`  ${name.padEnd(40)} FTE ${fte}  EER % all ${pct(all.eer)} A ${pct(a.eer)} B ${pct(b.eer)}  FNMR@FMR1% all ${pct(all.fmr100)} A ${pct(a.fmr100)} B ${pct(b.fmr100)}  @0.1% all ${pct(all.fmr1000)} A ${pct(a.fmr1000)} B ${pct(b.fmr1000)}`);
      dump[dir][name] = enrolled.map((e) => ({ name: e.name, identity: e.identity, code: e.code === null ? null : [...e.code] }));
    }
  }
  if (outFile !== null) writeFileSync(outFile, JSON.stringify(dump));
}

await main(process.argv.slice(2));
