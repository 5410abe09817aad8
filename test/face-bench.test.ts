/** The face bench's options and layouts (no model is loaded: the errors come first). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAccuracy } from '../bench/accuracy.ts';
import { faceAllPairs } from '../bench/face-accuracy.ts';
import { listFolderSamples } from '../bench/face-samples.ts';
import { guessFaceLayout } from '../bench/face-calibrate.ts';
import { listYaleSamples } from '../datasets/yale.ts';

describe('face bench', () => {
  it('refuses face without a set, a finger layout, or a finger protocol', async () => {
    await expect(runAccuracy({ modality: 'face' })).rejects.toMatchObject({ code: 'ERR_NO_FACE' });
    await expect(runAccuracy({ modality: 'face', sets: ['x'], layout: 'fvc' })).rejects.toMatchObject({ code: 'ERR_BENCH_OPTION' });
    await expect(runAccuracy({ modality: 'face', sets: ['x'], protocol: 'fvc' })).rejects.toMatchObject({ code: 'ERR_BENCH_OPTION' });
    await expect(runAccuracy({ modality: 'finger', sets: ['x'], layout: 'yale' })).rejects.toMatchObject({ code: 'ERR_BENCH_OPTION' });
  });

  it('reads the yale and folders layouts, ignoring other files, and pairs them all', () => {
    const root = mkdtempSync(join(tmpdir(), 'face-bench-'));
    const yale = join(root, 'yale');
    mkdirSync(yale);
    for (const n of ['subject02.happy', 'subject01.normal', 'subject01.wink', 'README', 'subject1x.sad']) writeFileSync(join(yale, n), 'x');
    expect(listYaleSamples(yale).map((s) => [s.name, s.identity])).toEqual([['subject01.normal', 'subject01'], ['subject01.wink', 'subject01'], ['subject02.happy', 'subject02']]);
    expect(guessFaceLayout(yale)).toBe('yale');
    const orl = join(root, 'orl');
    for (const [p, i] of [['s10', 1], ['s2', 10], ['s2', 2]] as const) { mkdirSync(join(orl, p), { recursive: true }); writeFileSync(join(orl, p, `${i}.pgm`), 'x'); }
    writeFileSync(join(orl, 'README'), 'x');
    const samples = listFolderSamples(orl);
    expect(samples.map((s) => s.name)).toEqual(['s2/2', 's2/10', 's10/1']);
    expect(guessFaceLayout(orl)).toBe('folders');
    expect(faceAllPairs(samples)).toEqual({ genuine: [[0, 1]], impostor: [[0, 2], [1, 2]] });
    expect(() => listYaleSamples(join(root, 'none'))).toThrow(expect.objectContaining({ code: 'ERR_DATASET_MISSING' }));
  });
});
