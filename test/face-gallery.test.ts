/**
 * Face in 1:N (engine/face/face-gallery.ts) on ORL (skipped with a message when absent): a
 * face-only subject is deduplicated by face alone, and the face score is Fisher-fused with
 * another modality's score; an accuracy regression on ORL persons 1–10.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../bench/data-dir.ts';
import { FaceExtractor } from '../engine/face/extractor.ts';
import { FaceSubjectGallery } from '../engine/face/face-gallery.ts';
import { fuseScores } from '../engine/gallery/fusion.ts';
import { faceBirs, MOSIP_FACE_FORMAT_TYPE, readCbeff, writeCbeff } from '../engine/formats/cbeff.ts';
import { faceRepresentation, writeIso19794_5 } from '../engine/formats/iso19794-5.ts';
import { decodePgm, encodeJpeg2000 } from '../engine/images/index.ts';
import sharp from 'sharp';

const ORL = join(dataDir(), 'face', 'orl');
const haveData = existsSync(ORL);
if (!haveData) console.warn(`face gallery tests skipped: no ORL faces at ${ORL} (set BIODEDUP_DATA)`);

describe.skipIf(!haveData)('face 1:N', () => {
  it('enrols 12 face-only subjects, then refuses another photo of one of them as a duplicate', async () => {
    const ex = await FaceExtractor.create();
    const template = async (person: number, image: number): Promise<Uint8Array> =>
      (await ex.createTemplate(new Uint8Array(readFileSync(join(ORL, `s${person}`, `${image}.pgm`))))).template;
    const gallery = new FaceSubjectGallery();
    for (let p = 1; p <= 12; p++) {
      const r = gallery.enrolDeduplicated(`person-${p}`, await template(p, 1), { targetFPIR: 20 });
      expect(r).toEqual({ inserted: true, duplicates: [] });
    }
    const again = gallery.enrolDeduplicated('new-applicant', await template(7, 2), { targetFPIR: 20 });
    expect(again.inserted).toBe(false);
    expect(again.duplicates[0].referenceId).toBe('person-7');
    expect(gallery.size).toBe(12);

    // Fusion: a weak face score plus a finger score for the same subject passes where each alone would not.
    const probe = await template(9, 3);
    const { threshold } = gallery.identify(probe, { targetFPIR: 20 });
    const faceOnly = gallery.identify(probe, { targetFPIR: 20, maxResults: 12 });
    const nine = faceOnly.candidates.find((c) => c.referenceId === 'person-9');
    const other = 25;
    const fused = gallery.identify(probe, { targetFPIR: 20, otherScores: new Map([['person-9', other]]) });
    const top = fused.candidates.find((c) => c.referenceId === 'person-9')!;
    expect(top.score).toBeCloseTo(fuseScores([top.faceScore, other]), 5);
    expect(top.score).toBeGreaterThan(Math.max(top.faceScore, other));
    expect(top.score).toBeGreaterThanOrEqual(threshold);
    if (nine !== undefined) expect(nine.score).toBe(nine.faceScore);
    expect(gallery.remove('person-9')).toBe(true);
    expect(gallery.identify(probe, { targetFPIR: 20 }).candidates.some((c) => c.referenceId === 'person-9')).toBe(false);
  });

  it('CBEFF in, duplicate out: a face BIR (19794-5:2011, JPEG 2000) enrolled, another photo (19794-5:2005, JPEG) of the person found', async () => {
    const ex = await FaceExtractor.create();
    const pgm = (person: number, image: number) => decodePgm(new Uint8Array(readFileSync(join(ORL, `s${person}`, `${image}.pgm`))));
    const cbeffOf = (record: Uint8Array): string => writeCbeff([
      { type: 'Finger', subtype: 'Left Thumb', exception: true },
      { type: 'Face', formatType: MOSIP_FACE_FORMAT_TYPE, bdb: record },
    ]);
    const templateOf = async (xml: string): Promise<Uint8Array> => {
      const [face] = faceBirs(readCbeff(xml));
      return (await ex.createTemplate(face.bdb!)).template;
    };
    const gallery = new FaceSubjectGallery();
    for (let p = 11; p <= 20; p++) {
      const g = pgm(p, 1);
      const j2k = await encodeJpeg2000(g, { lossless: false, quality: 40 }); // lossy, as MOSIP's authentication captures
      const record = writeIso19794_5({ format: 'iso19794-5', version: '2011', temporalSemantics: 0,
        representations: [{ ...faceRepresentation(j2k, 'jpeg2000', g.width, g.height), colourSpace: 3 }] });
      expect(gallery.enrolDeduplicated(`ref-${p}`, await templateOf(cbeffOf(record)), { targetFPIR: 20 }).inserted).toBe(true);
    }
    const probe = pgm(14, 6);
    const jpeg = new Uint8Array(await sharp(Buffer.from(probe.pixels), { raw: { width: probe.width, height: probe.height, channels: 1 } }).jpeg({ quality: 90 }).toBuffer());
    const record2005 = writeIso19794_5({ format: 'iso19794-5', version: '2005', temporalSemantics: 0,
      representations: [faceRepresentation(jpeg, 'jpeg', probe.width, probe.height)] });
    const { candidates } = gallery.identify(await templateOf(cbeffOf(record2005)), { targetFPIR: 20 });
    expect(candidates.map((c) => c.referenceId)).toEqual(['ref-14']);
  });
});

describe.skipIf(!haveData)('face accuracy regression (ORL persons 1–10, all pairs)', () => {
  it('enrols all 100 images and keeps the EER under 2 % (measured 0.44 % when written)', async () => {
    const { computeErrorRates } = await import('../bench/metrics.ts');
    const { enrolFaceSamples, listFolderSamples } = await import('../bench/face-samples.ts');
    const { evaluateEnrolledFaces } = await import('../bench/face-accuracy.ts');
    const samples = listFolderSamples(ORL).filter((s) => Number(s.identity.slice(1)) <= 10);
    expect(samples).toHaveLength(100);
    const enrolled = await enrolFaceSamples(samples);
    const result = evaluateEnrolledFaces(ORL, 'orl-1-10', enrolled);
    expect(result.report.fte).toBe(0);
    expect(result.report.eer).toBeLessThan(0.02);
    const genuine = Float64Array.from(result.pairs.filter((p) => p.genuine), (p) => p.score);
    const impostor = Float64Array.from(result.pairs.filter((p) => !p.genuine), (p) => p.score);
    expect(computeErrorRates(genuine, impostor).eer).toBe(result.report.eer);
    expect(result.impostorShareAt30).toBeLessThan(0.003); // calibrated: ≈ 0.1 % expected
  });
});
