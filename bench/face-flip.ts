/**
 * The mirrored-chip pass (FACE_PARAMS.embed.flipAverage): accuracy and per-image cost with and
 * without it, on the same images in the same run — each image goes through both extractors in
 * turn, so machine load weighs on both alike. Threshold-free figures only (EER, FNMR at an
 * empirical FMR of 1 % and 0.1 %): the single-pass profile has no calibration of its own.
 *
 *   npx tsx bench/face-flip.ts --set ../shared/data/face/orl:folders --set ../shared/data/face/yale:yale
 */
import { FaceExtractor } from '../engine/face/extractor.ts';
import { evaluateEnrolledFaces } from './face-accuracy.ts';
import { enrolFaceSamples, listFaceSamples, type EnrolledFace, type FaceLayout } from './face-samples.ts';
import { median } from './extract-samples.ts';

interface Profile { readonly name: string; readonly extractor: FaceExtractor; readonly enrolled: EnrolledFace[]; readonly embedMs: number[] }

async function main(argv: string[]): Promise<void> {
  const sets: Array<{ dir: string; layout: FaceLayout }> = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--set' || argv[i + 1] === undefined) throw new Error('usage: face-flip.ts --set DIR[:folders|yale] [--set …]');
    const [dir, layout = 'folders'] = argv[++i].split(':');
    if (layout !== 'folders' && layout !== 'yale') throw new Error(`layout must be folders or yale, got ${layout}`);
    sets.push({ dir, layout });
  }
  if (sets.length === 0) throw new Error('usage: face-flip.ts --set DIR[:folders|yale] [--set …]');
  const extractors = { on: await FaceExtractor.create({ flipAverage: true }), off: await FaceExtractor.create({ flipAverage: false }) };
  for (const { dir, layout } of sets) {
    const samples = listFaceSamples(dir, layout);
    const profiles: Profile[] = [
      { name: 'mirrored pass on', extractor: extractors.on, enrolled: [], embedMs: [] },
      { name: 'mirrored pass off (default)', extractor: extractors.off, enrolled: [], embedMs: [] },
    ];
    for (const [i, sample] of samples.entries()) {
      // alternate which profile goes first, so neither always runs on a warmer cache
      const order = i % 2 === 0 ? profiles : [...profiles].reverse();
      for (const p of order) {
        p.enrolled.push(...(await enrolFaceSamples([sample], p.extractor)));
        p.embedMs.push(p.extractor.lastStageTimes.embed);
      }
    }
    console.log(`${dir} (${layout}): ${samples.length} images, all pairs`);
    for (const p of profiles) {
      const r = evaluateEnrolledFaces(dir, p.name, p.enrolled).report;
      const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
      console.log(`  ${p.name.padEnd(28)} FTE ${pct(r.fte)}  EER ${pct(r.eer)}  FNMR@FMR1% ${pct(r.fmr100)}  FNMR@FMR0.1% ${pct(r.fmr1000)}  `
        + `detect+align+embed median ${r.extractMsMedian?.toFixed(0)} ms (embed ${median(p.embedMs)?.toFixed(0)} ms)  genuine ${r.genuine}, impostor ${r.impostor}`);
    }
  }
}

await main(process.argv.slice(2));
