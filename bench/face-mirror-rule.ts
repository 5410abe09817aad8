/**
 * Would the mirrored-chip pass pay only on some faces? Reads the int8 codes that
 * `bench/face-light-variants.ts --round 2 --out FILE` wrote (the chip with gamma 0.6, with and
 * without the mirror's descriptor, per image) and mixes them per image by a rule — mirror only
 * faces whose two halves' mean levels differ (side light) or whose yaw estimate is large — then
 * prints EER and FNMR at FMR 0.1 % on all identities and on each half, beside "never" and
 * "always". The rule's measures come from this run's own detect + landmarks + align.
 *
 *   npx tsx bench/face-mirror-rule.ts --codes FILE --set ../shared/data/face/yale:yale --set ../shared/data/face/orl:folders
 */
import { readFileSync } from 'node:fs';
import { alignFace, chipFaceRegion } from '../engine/face/align.ts';
import { decodeFaceImage } from '../engine/face/decode.ts';
import { detectLargestFace } from '../engine/face/detect.ts';
import { locateLandmarks } from '../engine/face/landmarks.ts';
import { loadFaceModels } from '../engine/face/models.ts';
import { FACE_PARAMS } from '../engine/face/params.ts';
import { measureQuality } from '../engine/face/quality.ts';
import { faceImageBytes } from '../engine/face/record.ts';
import { evaluateEnrolledFaces } from './face-accuracy.ts';
import { listFaceSamples, type FaceLayout } from './face-samples.ts';

type Dump = Record<string, Record<string, Array<{ name: string; code: number[] | null }>>>;

async function main(argv: string[]): Promise<void> {
  let codesFile: string | null = null;
  const sets: Array<{ dir: string; layout: FaceLayout }> = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--codes' && argv[i + 1] !== undefined) { codesFile = argv[++i]; continue; }
    if (argv[i] !== '--set' || argv[i + 1] === undefined) throw new Error('usage: face-mirror-rule.ts --codes FILE --set DIR[:folders|yale] [--set …]');
    const [dir, layout = 'folders'] = argv[++i].split(':');
    if (layout !== 'folders' && layout !== 'yale') throw new Error(`layout must be folders or yale, got ${layout}`);
    sets.push({ dir, layout });
  }
  if (codesFile === null) throw new Error('--codes FILE (from face-light-variants.ts --round 2 --out FILE) is needed');
  const dump = JSON.parse(readFileSync(codesFile, 'utf8')) as Dump;
  const models = await loadFaceModels();
  const side = FACE_PARAMS.align.chipSize;
  for (const { dir, layout } of sets) {
    const samples = listFaceSamples(dir, layout);
    const identities = [...new Set(samples.map((s) => s.identity))];
    const halfA = new Set(identities.slice(0, Math.ceil(identities.length / 2)));
    const off = dump[dir]?.['lm2 | gamma 0.6'], on = dump[dir]?.['lm2 | gamma 0.6 + mirror'];
    if (off === undefined || on === undefined || off.length !== samples.length) throw new Error(`${codesFile} has no round-2 gamma 0.6 codes for ${dir}`);
    const asymmetry: number[] = [], yaw: number[] = [];
    for (const s of samples) {
      const image = await decodeFaceImage(faceImageBytes(new Uint8Array(readFileSync(s.file))));
      const { face, otherFaces } = await detectLargestFace(image, models);
      if (face === null) { asymmetry.push(0); yaw.push(0); continue; }
      const points = await locateLandmarks(image, face, models);
      const aligned = alignFace(image, points);
      const [left, top, right, bottom] = chipFaceRegion();
      const middle = Math.round((left + right) / 2);
      const sums = [0, 0], counts = [0, 0];
      for (let y = top; y <= bottom; y++) for (let x = left; x <= right; x++) { const h = x < middle ? 0 : 1; sums[h] += aligned.chip[(y * side + x) * 3]; counts[h]++; }
      const l = sums[0] / counts[0], r = sums[1] / counts[1];
      asymmetry.push(Math.abs(l - r) / (l + r));
      yaw.push(Math.abs(measureQuality(points, aligned, face.score, otherFaces).yawDegrees));
    }
    console.log(`${dir} (${layout}): ${samples.length} images, half A ${halfA.size} identities`);
    const pct = (x: number): string => (100 * x).toFixed(2).padStart(5);
    const run = (label: string, mirrorIt: (i: number) => boolean): void => {
      const enrolled = samples.map((s, i) => {
        const code = (mirrorIt(i) ? on : off)[i].code;
        return { ...s, code: code === null ? null : Int8Array.from(code), failure: code === null ? 'not enrolled' : null, extractMs: null };
      });
      const [all, a, b] = [enrolled, enrolled.filter((e) => halfA.has(e.identity)), enrolled.filter((e) => !halfA.has(e.identity))]
        .map((e) => evaluateEnrolledFaces(dir, label, e).report);
      const share = samples.filter((_, i) => mirrorIt(i)).length / samples.length;
      console.log(`  ${label.padEnd(24)} mirrored ${pct(share)} %  EER all ${pct(all.eer)} A ${pct(a.eer)} B ${pct(b.eer)}  FNMR@FMR0.1% all ${pct(all.fmr1000)} A ${pct(a.fmr1000)} B ${pct(b.fmr1000)}`);
    };
    run('never', () => false);
    run('always', () => true);
    for (const t of [0.05, 0.1, 0.15, 0.2]) run(`halves differ > ${t}`, (i) => asymmetry[i] > t);
    for (const t of [5, 10, 15]) run(`|yaw| > ${t}°`, (i) => yaw[i] > t);
  }
}

await main(process.argv.slice(2));
