/**
 * Face in 1:N (engine/face/face-gallery.ts) on ORL (skipped with a message when absent): a
 * face-only subject is deduplicated by face alone, and the face score is Fisher-fused with
 * another modality's score.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../bench/data-dir.ts';
import { FaceExtractor } from '../engine/face/extractor.ts';
import { FaceSubjectGallery } from '../engine/face/face-gallery.ts';
import { fuseScores } from '../engine/gallery/fusion.ts';

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
});
