/**
 * The generic layouts (folders, csv manifest), the cross-session protocol, and both run end to
 * end through the accuracy bench on small sets made from real FVC2002 images and CASIA iris
 * images (skipped when the shared data is absent).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFolderSamples } from '../datasets/folders.ts';
import { readCsvManifest, splitCsvLine } from '../datasets/csv-manifest.ts';
import { crossSessionPairs } from '../datasets/labelled-samples.ts';
import { buildPairs } from '../datasets/protocols.ts';
import { runAccuracy } from '../bench/accuracy.ts';
import { dataDir } from '../bench/data-dir.ts';
import { codeOf } from './support/error-code.ts';

const root = mkdtempSync(join(tmpdir(), 'bench-layouts-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
}

describe('folders layout', () => {
  it('takes the first level as identity and the folders below as the session, any depth', () => {
    const dir = join(root, 'folders-a');
    touch(join(dir, 'alice', 's2', 'b.png'));
    touch(join(dir, 'alice', 's10', 'a.png'));
    touch(join(dir, 'alice', 's2', 'a.PNG.txt')); // wrong extension: ignored
    touch(join(dir, 'bob', '2021', 'left', 'x.png'));
    touch(join(dir, 'bob', '2022', 'left', 'y.png'));
    touch(join(dir, 'README.png')); // top level: ignored
    touch(join(dir, '.hidden', 'z.png'));
    const samples = listFolderSamples(dir, ['png']);
    expect(samples.map((s) => [s.name, s.identity, s.session, s.impression])).toEqual([
      ['alice/s2/b', 'alice', 's2', 1], // natural order: s2 before s10
      ['alice/s10/a', 'alice', 's10', 2],
      ['bob/2021/left/x', 'bob', '2021/left', 1],
      ['bob/2022/left/y', 'bob', '2022/left', 2],
    ]);
  });

  it('gives typed errors for a missing folder, a flat folder, mixed sessions and duplicates', () => {
    expect(codeOf(() => listFolderSamples(join(root, 'nope'), ['png']))).toBe('ERR_DATASET_MISSING');
    const flat = join(root, 'flat');
    touch(join(flat, '101_1.png'));
    expect(() => listFolderSamples(flat, ['png'])).toThrow(/1 such files directly inside/);
    expect(codeOf(() => listFolderSamples(flat, ['png']))).toBe('ERR_DATASET_EMPTY');
    const mixed = join(root, 'mixed');
    touch(join(mixed, 'a', 'x.png'));
    touch(join(mixed, 'a', 's1', 'y.png'));
    expect(codeOf(() => listFolderSamples(mixed, ['png']))).toBe('ERR_DATASET_LAYOUT');
    const dup = join(root, 'dup');
    touch(join(dup, 'a', 'x.png'));
    touch(join(dup, 'a', 'x.tif'));
    expect(codeOf(() => listFolderSamples(dup, ['png', 'tif']))).toBe('ERR_DATASET_DUPLICATE');
  });
});

describe('csv manifest', () => {
  it('splits quoted fields (RFC 4180) and rejects a broken quote', () => {
    expect(splitCsvLine('"a, b.png",x,"say ""hi""",', 1, 'm')).toEqual(['a, b.png', 'x', 'say "hi"', '']);
    expect(codeOf(() => splitCsvLine('"a,b', 3, 'm'))).toBe('ERR_MANIFEST_SYNTAX');
  });

  it('reads positional rows and headers in any order; a finger position splits the identity', () => {
    const dir = join(root, 'csv-a');
    for (const f of ['i/1.png', 'i/2.png', 'i/3.png', 'i/4 x.png']) touch(join(dir, f));
    writeFileSync(join(dir, 'm.csv'), '# comment\nfile,identity,session,finger-position\ni/1.png,alice,1,2\ni/2.png,alice,2,2\ni/3.png,alice,2,7\n"i/4 x.png",bob,1,\n');
    const samples = readCsvManifest(join(dir, 'm.csv'));
    expect(samples.map((s) => [s.name, s.identity, s.subject, s.session, s.position])).toEqual([
      ['i/1', 'alice#2', 'alice', '1', 2],
      ['i/2', 'alice#2', 'alice', '2', 2],
      ['i/3', 'alice#7', 'alice', '2', 7],
      ['i/4 x', 'bob', 'bob', '1', null],
    ]);
    writeFileSync(join(dir, 'h.csv'), 'identity,file\r\nalice,i/1.png\r\nbob,i/2.png\r\n');
    expect(readCsvManifest(join(dir, 'h.csv')).map((s) => [s.name, s.identity, s.session])).toEqual([['i/1', 'alice', null], ['i/2', 'bob', null]]);
  });

  it('names every missing file, and rejects bad rows, duplicates and empty manifests with typed errors', () => {
    const dir = join(root, 'csv-b');
    touch(join(dir, 'ok.png'));
    writeFileSync(join(dir, 'missing.csv'), 'ok.png,a\nno1.png,a\nno2.png,b\n');
    const missing = (() => { try { readCsvManifest(join(dir, 'missing.csv')); } catch (e) { return e as Error & { code: string }; } return null; })();
    expect(missing?.code).toBe('ERR_MANIFEST_MISSING_FILES');
    expect(missing?.message).toMatch(/2 file\(s\).*line 2: no1\.png; line 3: no2\.png/);
    const write = (text: string): string => { writeFileSync(join(dir, 'x.csv'), text); return join(dir, 'x.csv'); };
    expect(codeOf(() => readCsvManifest(write('ok.png\n')))).toBe('ERR_MANIFEST_SYNTAX');
    expect(codeOf(() => readCsvManifest(write('ok.png,a,1,11\n')))).toBe('ERR_MANIFEST_SYNTAX');
    expect(codeOf(() => readCsvManifest(write('ok.png,a,1,2,extra\n')))).toBe('ERR_MANIFEST_SYNTAX');
    expect(codeOf(() => readCsvManifest(write('file,identity,colour\nok.png,a,red\n')))).toBe('ERR_MANIFEST_SYNTAX');
    expect(codeOf(() => readCsvManifest(write('ok.png,a\n./ok.png,b\n')))).toBe('ERR_DATASET_DUPLICATE');
    expect(codeOf(() => readCsvManifest(write('# nothing\n\n')))).toBe('ERR_DATASET_EMPTY');
    expect(codeOf(() => readCsvManifest(join(dir, 'absent.csv')))).toBe('ERR_DATASET_MISSING');
  });
});

describe('protocols on labelled samples', () => {
  const sample = (identity: string, session: string | null, impression: number) => ({ file: '', name: `${identity}-${session}-${impression}`, identity, subject: identity, session, impression, position: null });

  it('cross-session pairs only samples of different sessions, the later session probing', () => {
    const s = [sample('a', '1', 1), sample('a', '1', 2), sample('a', '2', 3), sample('b', '1', 1), sample('b', '2', 2)];
    const { genuine, impostor } = crossSessionPairs(s);
    expect(genuine).toEqual([[2, 0], [2, 1], [4, 3]]);
    expect(impostor).toEqual([[4, 0], [4, 1], [2, 3]]);
    // all-pairs on the same list also pairs within a session
    expect(buildPairs(s, 'all-pairs').genuine).toHaveLength(4);
    expect(codeOf(() => crossSessionPairs([sample('a', null, 1)]))).toBe('ERR_DATASET_NO_SESSIONS');
  });
});

const fvcImages = join(dataDir(), 'fingerprint', 'fvc2002', 'DB1_B');
const casia = join(dataDir(), 'iris', 'casia-v1-subset');

describe.skipIf(!existsSync(fvcImages))('a benchmarker\'s fingerprint folder and manifest, end to end (real FVC2002 DB1_B images)', () => {
  // 4 fingers × 6 impressions; impressions 1–3 are "session" 1, 4–6 session 2.
  const fingers = ['101', '102', '103', '104'];
  const impressions = [1, 2, 3, 4, 5, 6];

  it('folders layout, all-pairs and cross-session', async () => {
    const dir = join(root, 'fvc-folders');
    for (const f of fingers) for (const i of impressions) {
      mkdirSync(join(dir, `person${f}`, `day${i <= 3 ? 1 : 2}`), { recursive: true });
      symlinkSync(join(fvcImages, `${f}_${i}.tif`), join(dir, `person${f}`, `day${i <= 3 ? 1 : 2}`, `capture${i}.tif`));
    }
    const [all] = await runAccuracy({ sets: [dir], layout: 'folders' });
    expect(all.genuine).toBe(4 * 15);
    expect(all.impostor).toBe((24 * 23) / 2 - 60);
    expect(all.eer).toBeLessThan(0.2); // real prints of one sensor: far from chance
    const [cross] = await runAccuracy({ sets: [dir], layout: 'folders', protocol: 'cross-session' });
    expect(cross.protocol).toBe('cross-session');
    expect(cross.genuine).toBe(4 * 9);
    expect(cross.impostor).toBe(12 * 12 - 36);
  }, 120_000);

  it('csv manifest with finger positions, and no genuine pairs is ERR_BENCH_NO_PAIRS', async () => {
    const dir = join(root, 'fvc-csv');
    mkdirSync(join(dir, 'scans'), { recursive: true });
    const rows = ['file,identity,session,finger-position'];
    for (const [k, f] of fingers.entries()) for (const i of impressions.slice(0, 3)) {
      copyFileSync(join(fvcImages, `${f}_${i}.tif`), join(dir, 'scans', `${f}-${i}.tif`));
      // two "people", two fingers each: positions tell the fingers apart
      rows.push(`scans/${f}-${i}.tif,${k < 2 ? 'ann' : 'ben'},1,${k % 2 === 0 ? 2 : 7}`);
    }
    writeFileSync(join(dir, 'manifest.csv'), `${rows.join('\n')}\n`);
    const [r] = await runAccuracy({ sets: [join(dir, 'manifest.csv')], layout: 'csv' });
    expect(r.genuine).toBe(4 * 3);
    expect(r.impostor).toBe((12 * 11) / 2 - 12);
    writeFileSync(join(dir, 'single.csv'), rows.slice(1).map((row, k) => row.replace(/,(ann|ben),/, `,p${k},`)).join('\n'));
    await expect(runAccuracy({ sets: [join(dir, 'single.csv')], layout: 'csv' })).rejects.toMatchObject({ code: 'ERR_BENCH_NO_PAIRS' });
    await expect(runAccuracy({ sets: [join(dir, 'manifest.csv')], layout: 'csv', protocol: 'cross-session' })).rejects.toMatchObject({ code: 'ERR_BENCH_NO_PAIRS' });
  }, 120_000);
});

describe.skipIf(!existsSync(casia))('iris on the folders layout (real CASIA-V1 subset images)', () => {
  it('cross-session on EYE/SESSION folders gives the casia layout\'s pairs and rates', async () => {
    const dir = join(root, 'iris-folders');
    symlinkSync(casia, dir); // EEE/S/EEE_S_I.bmp is also IDENTITY/SESSION/IMAGE
    const [folders] = await runAccuracy({ modality: 'iris', sets: [dir], layout: 'folders', protocol: 'cross-session' });
    const [casiaReport] = await runAccuracy({ modality: 'iris', sets: [casia], layout: 'casia' });
    for (const key of ['genuine', 'impostor', 'fte', 'eer', 'fmr100', 'fmr1000', 'zeroFmr'] as const) expect(folders[key], key).toBe(casiaReport[key]);
  }, 300_000);
});
