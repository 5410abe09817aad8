/**
 * Are templates of two front ends comparable? Every image of the given sets enrolled twice —
 * with the default pipeline (FACE_PARAMS) and with session 6's front end (detector at 160 px,
 * the refining landmark pass on the full 68-point net; same ResNet, chip, lighting, mirrored
 * pass) — then, on all pairs of different images, the threshold-free figures of: new × new,
 * old × old, and old × new (a gallery enrolled before the change searched with a probe made
 * after it). Also the cosine of each image's two templates. Decides whether the change needs
 * a new template model id (docs/face-speed.md §10).
 *
 *   npx tsx bench/face-mixed-versions.ts --set ../shared/data/face/orl:folders --set ../shared/data/face/yale:yale
 */
import { readFileSync } from 'node:fs';
import { EngineError } from '../engine/errors.ts';
import { alignFace } from '../engine/face/align.ts';
import { decodeFaceImage } from '../engine/face/decode.ts';
import { detectLargestFace, type DetectParams } from '../engine/face/detect.ts';
import { embedFace } from '../engine/face/embed.ts';
import { locateLandmarks, type LandmarkParams } from '../engine/face/landmarks.ts';
import { normaliseLighting } from '../engine/face/lighting.ts';
import { loadFaceModels, type FaceModels } from '../engine/face/models.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import { checkEnrolable, measureQuality } from '../engine/face/quality.ts';
import { codeCosine, quantiseEmbedding } from '../engine/face/quantise.ts';
import { faceImageBytes } from '../engine/face/record.ts';
import { computeErrorRates } from './metrics.ts';
import { listFaceSamples, type FaceLayout } from './face-samples.ts';

const SESSION6 = {
  detect: { ...FACE_PARAMS.detect, inputSize: 160 } as DetectParams,
  landmarks: { ...FACE_PARAMS.landmarks, coarseFirstPass: true, tinyRefinePasses: false } as LandmarkParams,
};

async function template(file: string, models: FaceModels, detect: DetectParams, landmarks: LandmarkParams): Promise<Int8Array | null> {
  try {
    const image = await decodeFaceImage(faceImageBytes(new Uint8Array(readFileSync(file))));
    const { face, otherFaces } = await detectLargestFace(image, models, detect);
    if (face === null) return null;
    const points = await locateLandmarks(image, face, models, landmarks);
    const aligned = alignFace(image, points);
    checkEnrolable(measureQuality(points, aligned, face.score, otherFaces));
    return quantiseEmbedding(await embedFace(normaliseLighting(aligned), models));
  } catch (e) {
    if (e instanceof EngineError) return null;
    throw e;
  }
}

async function main(argv: string[]): Promise<void> {
  const sets: Array<{ dir: string; layout: FaceLayout }> = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--set' || argv[i + 1] === undefined) throw new Error('usage: face-mixed-versions.ts --set DIR[:folders|yale] [--set …]');
    const [dir, layout = 'folders'] = argv[++i].split(':');
    if (layout !== 'folders' && layout !== 'yale') throw new Error(`layout must be folders or yale, got ${layout}`);
    sets.push({ dir, layout });
  }
  const models = await loadFaceModels();
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  for (const { dir, layout } of sets) {
    const samples = listFaceSamples(dir, layout);
    const now: Array<Int8Array | null> = [], before: Array<Int8Array | null> = [];
    for (const s of samples) {
      now.push(await template(s.file, models, FACE_PARAMS.detect, FACE_PARAMS.landmarks));
      before.push(await template(s.file, models, SESSION6.detect, SESSION6.landmarks));
    }
    const self = samples.flatMap((_, i) => (now[i] !== null && before[i] !== null ? [codeCosine(now[i]!, before[i]!)] : [])).sort((a, b) => a - b);
    console.log(`${dir}: ${samples.length} images; FTE now ${now.filter((c) => c === null).length}, before ${before.filter((c) => c === null).length}`);
    console.log(`  cosine of an image's two templates: min ${self[0].toFixed(4)}, 5th pct ${self[Math.floor(0.05 * self.length)].toFixed(4)}, median ${self[self.length >> 1].toFixed(4)}`);
    const rows: Array<[string, Array<Int8Array | null>, Array<Int8Array | null>]> = [['new × new', now, now], ['old × old', before, before], ['old gallery × new probe', before, now]];
    for (const [label, gallery, probes] of rows) {
      const genuine: number[] = [], impostor: number[] = [];
      let failed = 0;
      for (let i = 0; i < samples.length; i++) for (let j = i + 1; j < samples.length; j++) {
        const a = gallery[i], b = probes[j];
        const same = samples[i].identity === samples[j].identity;
        // an FTE on either side is a failed comparison: the lowest score
        const score = a === null || b === null ? -2 : codeCosine(a, b);
        if (a === null || b === null) failed++;
        (same ? genuine : impostor).push(score);
      }
      const r = computeErrorRates(Float64Array.from(genuine), Float64Array.from(impostor));
      console.log(`  ${label.padEnd(24)} EER ${pct(r.eer)}  FNMR@FMR1% ${pct(r.fmr100)}  FNMR@FMR0.1% ${pct(r.fmr1000)}  (genuine ${genuine.length}, impostor ${impostor.length}, pairs with an FTE ${failed})`);
    }
  }
}

await main(process.argv.slice(2));
