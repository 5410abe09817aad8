/**
 * The enrolment quality gate (engine/quality-gate.ts) on real prints and on corrupt decodes:
 *   node --import tsx bench/quality-gate.ts DIR[@DPI] …   (FVC layout: *.tif images, *.iso records beside)
 * Per set: real images refused by the image gate, minutiae records (the .iso files, and the
 * extractor's output) refused by the minutiae gate; then bit-flipped JPEG 2000 encodings of every
 * fourth image (1–3 bits flipped, lossless and lossy, 8 tries each) that still decode and extract
 * but no longer match their own finger (score < 25) — the "garbage gets a UIN" case — and how many
 * of those the image gate refuses. Rates with counts and a Wilson 95 % interval.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  decodeImage, decodeJpeg2000, encodeJpeg2000, EngineError, FingerExtractor, FingerMatcher, readMinutiaeRecord,
} from '../engine/index.ts';
import { checkFingerImage, checkFingerMinutiae } from '../engine/quality-gate.ts';

function wilson(k: number, n: number): string {
  if (n === 0) return 'n/a';
  const z = 1.96, p = k / n, d = 1 + z * z / n;
  const c = (p + z * z / (2 * n)) / d, h = (z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / d;
  return `${k}/${n} = ${(100 * p).toFixed(1)} % [${(100 * Math.max(0, c - h)).toFixed(1)}, ${(100 * Math.min(1, c + h)).toFixed(1)}]`;
}
const refuses = (work: () => unknown): boolean => {
  try {
    work();
    return false;
  } catch (error) {
    if (error instanceof EngineError) return true;
    throw error;
  }
};

const extractor = new FingerExtractor();
const matcher = new FingerMatcher();
let seed = 20261203;
const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

for (const arg of process.argv.slice(2)) {
  const [dir, dpiText] = arg.split('@');
  const dpi = dpiText === undefined ? 500 : Number(dpiText);
  const images = readdirSync(dir).filter((f) => f.endsWith('.tif')).sort();
  let imageRefused = 0, extractedRefused = 0, extracted = 0, isoRefused = 0, isoCount = 0, garbage = 0, garbageRefused = 0;
  for (const [i, file] of images.entries()) {
    const image = await decodeImage(new Uint8Array(readFileSync(`${dir}/${file}`)));
    if (refuses(() => checkFingerImage(image, dpi))) imageRefused++;
    const iso = `${dir}/${file.replace(/\.tif$/, '.iso')}`;
    const isoAlt = iso.replace('/fvc2002/', '/fvc2002-iso/');
    const isoPath = existsSync(iso) ? iso : existsSync(isoAlt) ? isoAlt : undefined;
    if (isoPath !== undefined) {
      const record = readMinutiaeRecord(new Uint8Array(readFileSync(isoPath)));
      isoCount++;
      if (refuses(() => checkFingerMinutiae(record.views[0].minutiae, record.resolutionX))) isoRefused++;
    }
    let own;
    try {
      own = extractor.extract(image, { dpi });
    } catch {
      continue; // failure to enrol of the extractor itself (counted by bench accuracy)
    }
    extracted++;
    if (refuses(() => checkFingerMinutiae(own.record.views[0].minutiae, own.record.resolutionX))) extractedRefused++;
    if (i % 4 !== 0) continue;
    const ownTemplate = matcher.createTemplate(own.record.views[0].minutiae, { resolutionPxPerCm: own.record.resolutionX });
    for (const lossless of [true, false]) {
      const j2k = await encodeJpeg2000(image, { lossless, quality: 40 });
      for (let t = 0; t < 8; t++) {
        const bad = j2k.slice();
        const [from, to] = t % 2 === 0 ? [60, 500] : [500, bad.length - 10];
        const flips = 1 + Math.floor(random() * 3);
        for (let k = 0; k < flips; k++) bad[from + Math.floor(random() * (to - from))] ^= 1 << Math.floor(random() * 8);
        let decoded;
        let e;
        try {
          decoded = await decodeJpeg2000(bad);
          e = extractor.extract(decoded, { dpi });
        } catch {
          continue; // refused by the decoder or the extractor already
        }
        const score = matcher.compare(ownTemplate, matcher.createTemplate(e.record.views[0].minutiae, { resolutionPxPerCm: e.record.resolutionX }));
        if (score >= 25) continue; // still its finger: enrolment dedup finds it
        garbage++;
        if (refuses(() => checkFingerImage(decoded, dpi))) garbageRefused++;
      }
    }
  }
  process.stdout.write(`${dir} @${dpi} dpi\n`
    + `  real images refused by the image gate:        ${wilson(imageRefused, images.length)}\n`
    + `  extracted templates refused by minutiae gate: ${wilson(extractedRefused, extracted)}\n`
    + `  ISO records refused by the minutiae gate:     ${wilson(isoRefused, isoCount)}\n`
    + `  corrupt JPEG 2000 decodes (not their finger) refused: ${wilson(garbageRefused, garbage)}\n`);
}
