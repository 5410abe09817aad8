import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSamples, type Sample } from '../datasets/layouts.ts';
import { buildPairs } from '../datasets/protocols.ts';
import { generateDataset, generateFinger, generateImpression, type MasterFinger } from '../datasets/synthetic.ts';
import type { Minutia, MinutiaeRecord } from '../engine/minutiae.ts';
import { codeOf } from './support/error-code.ts';

const root = mkdtempSync(join(tmpdir(), 'datasets-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const f of files) writeFileSync(join(dir, f), '');
  return dir;
}

const fvcNames = (): string[] => {
  const names: string[] = [];
  for (let f = 101; f <= 110; f++) for (let i = 1; i <= 8; i++) names.push(`${f}_${i}.tif`);
  return names;
};


describe('listSamples', () => {
  it('lists an FVC B set, ignoring other files, sorted by identity then impression', () => {
    // Reverse creation order and one upper-case extension: order and case must not matter.
    const names = fvcNames().reverse().map((n) => (n === '105_3.tif' ? '105_3.TIF' : n));
    const dir = folder('fvc', [...names, 'README.md', 'Thumbs.db', '101_1.png', 'abc_1.tif', '101_1_2.tif', '_1.tif']);
    mkdirSync(join(dir, '111_1.tif')); // a folder that matches the pattern is not a sample

    const samples = listSamples(dir, 'fvc', ['tif']);
    expect(samples).toHaveLength(80);
    expect(samples[0]).toEqual({ file: join(dir, '101_1.tif'), name: '101_1', identity: '101', impression: 1 });
    expect(samples[79]).toMatchObject({ name: '110_8', identity: '110', impression: 8 });
    expect(samples.find((s) => s.name === '105_3')?.file).toBe(join(dir, '105_3.TIF'));
    expect(samples.every((s) => isAbsolute(s.file))).toBe(true);
    const keys = samples.map((s) => `${s.identity}/${s.impression}`);
    expect(keys.slice(0, 9)).toEqual(['101/1', '101/2', '101/3', '101/4', '101/5', '101/6', '101/7', '101/8', '102/1']);
    // A leading dot in the extension is accepted too.
    expect(listSamples(dir, 'fvc', ['.tif'])).toEqual(samples);
  });

  it('parses neurotech names as person_finger identities, ordered numerically', () => {
    const dir = folder('neuro', ['012_10_1.tif', '012_1_2.tif', '012_1_1.tif', '012_2_1.tif', '7_3_2.tif', '012_1.tif', 'x.tif']);
    const samples = listSamples(dir, 'neurotech', ['tif']);
    expect(samples.map((s) => [s.identity, s.impression, s.name])).toEqual([
      ['7_3', 2, '7_3_2'],
      ['012_1', 1, '012_1_1'],
      ['012_1', 2, '012_1_2'],
      ['012_2', 1, '012_2_1'],
      ['012_10', 1, '012_10_1'],
    ]);
  });

  it('throws ERR_DATASET_MISSING for a missing folder or a file, naming it', () => {
    const missing = join(root, 'nope');
    expect(() => listSamples(missing, 'fvc', ['tif'])).toThrow(missing);
    expect(codeOf(() => listSamples(missing, 'fvc', ['tif']))).toBe('ERR_DATASET_MISSING');
    const dir = folder('afile', ['101_1.tif']);
    expect(codeOf(() => listSamples(join(dir, '101_1.tif'), 'fvc', ['tif']))).toBe('ERR_DATASET_MISSING');
  });

  it('throws ERR_DATASET_EMPTY naming the folder and the expected pattern', () => {
    const dir = folder('empty', ['README.md', '101_1.bmp']);
    expect(codeOf(() => listSamples(dir, 'fvc', ['tif']))).toBe('ERR_DATASET_EMPTY');
    expect(() => listSamples(dir, 'fvc', ['tif'])).toThrow(/empty.*FFF_I.*\.tif/);
    expect(() => listSamples(dir, 'neurotech', ['tif'])).toThrow(/PPP_F_I/);
  });

  it('throws ERR_DATASET_DUPLICATE for two files of one impression', () => {
    const dir = folder('dup', ['101_1.tif', '101_1.png', '101_2.tif']);
    expect(codeOf(() => listSamples(dir, 'fvc', ['tif', 'png']))).toBe('ERR_DATASET_DUPLICATE');
    expect(listSamples(dir, 'fvc', ['tif'])).toHaveLength(2);
  });
});

describe('buildPairs', () => {
  const fvcSamples = (): Sample[] => listSamples(join(root, 'fvc'), 'fvc', ['tif']);

  it('gives 280 genuine and 2,880 impostor pairs for a 10 × 8 set (all-pairs)', () => {
    const samples = fvcSamples();
    const { genuine, impostor } = buildPairs(samples, 'all-pairs');
    expect(genuine).toHaveLength(280);
    expect(impostor).toHaveLength(2880);
    for (const [i, j] of genuine) {
      expect(i).toBeLessThan(j);
      expect(samples[i].identity).toBe(samples[j].identity);
    }
    for (const [i, j] of impostor) {
      expect(i).toBeLessThan(j);
      expect(samples[i].identity).not.toBe(samples[j].identity);
    }
    const seen = new Set([...genuine, ...impostor].map(([i, j]) => `${i},${j}`));
    expect(seen.size).toBe((80 * 79) / 2); // every unordered pair exactly once
  });

  it('gives 280 genuine and 45 impostor pairs for a 10 × 8 set (FVC official)', () => {
    const samples = fvcSamples();
    const { genuine, impostor } = buildPairs(samples, 'fvc');
    expect(genuine).toHaveLength(280);
    expect(impostor).toHaveLength(45);
    for (const [i, j] of impostor) {
      expect(samples[i].impression).toBe(1);
      expect(samples[j].impression).toBe(1);
      expect(samples[i].identity).not.toBe(samples[j].identity);
    }
  });

  it('takes the lowest impression number as the first, whatever the order', () => {
    const samples = [
      { identity: 'a', impression: 3 },
      { identity: 'b', impression: 2 },
      { identity: 'a', impression: 2 },
      { identity: 'b', impression: 5 },
      { identity: 'c', impression: 4 },
    ];
    const { genuine, impostor } = buildPairs(samples, 'fvc');
    expect(genuine).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(impostor).toEqual([
      [1, 2],
      [1, 4],
      [2, 4],
    ]);
  });

  it('rejects an unknown protocol', () => {
    expect(codeOf(() => buildPairs([], 'nist' as 'fvc'))).toBe('ERR_PROTOCOL_UNKNOWN');
  });
});

const TWO_PI = 2 * Math.PI;

function expectValidMinutia(m: Minutia, width: number, height: number): void {
  expect(Number.isInteger(m.x) && Number.isInteger(m.y)).toBe(true);
  expect(m.x).toBeGreaterThanOrEqual(0);
  expect(m.y).toBeGreaterThanOrEqual(0);
  expect(m.x).toBeLessThan(width);
  expect(m.y).toBeLessThan(height);
  expect(m.angle).toBeGreaterThanOrEqual(0);
  expect(m.angle).toBeLessThan(TWO_PI);
  expect(['ending', 'bifurcation']).toContain(m.type);
  expect(m.quality).toBeGreaterThanOrEqual(0);
  expect(m.quality).toBeLessThanOrEqual(100);
}

/** Smallest difference between two directions, radians. */
const angleDiff = (a: number, b: number): number => {
  const d = Math.abs(a - b) % TWO_PI;
  return Math.min(d, TWO_PI - d);
};

describe('synthetic fingers', () => {
  it('is deterministic by seed', () => {
    expect(generateFinger(42)).toEqual(generateFinger(42));
    expect(generateFinger(42)).not.toEqual(generateFinger(43));
    const master = generateFinger(7);
    expect(generateImpression(master, 1)).toEqual(generateImpression(master, 1));
    expect(generateImpression(master, 1)).not.toEqual(generateImpression(master, 2));
    expect(generateDataset(2, 3, 5)).toEqual(generateDataset(2, 3, 5));
  });

  it('makes masters with 30–60 well-spaced minutiae inside the print area', () => {
    for (let seed = 0; seed < 50; seed++) {
      const f = generateFinger(seed);
      expect(f.minutiae.length).toBeGreaterThanOrEqual(30);
      expect(f.minutiae.length).toBeLessThanOrEqual(60);
      for (const m of f.minutiae) {
        expectValidMinutia(m, 300, 400);
        const u = (m.x - f.area.cx) / (f.area.rx + 1);
        const v = (m.y - f.area.cy) / (f.area.ry + 1);
        expect(u * u + v * v).toBeLessThanOrEqual(1); // +1: rounding to whole pixels
      }
      let closest = Infinity;
      for (let i = 0; i < f.minutiae.length; i++) {
        for (let j = i + 1; j < f.minutiae.length; j++) {
          const a = f.minutiae[i];
          const b = f.minutiae[j];
          closest = Math.min(closest, Math.hypot(a.x - b.x, a.y - b.y));
        }
      }
      expect(closest).toBeGreaterThanOrEqual(10);
    }
  });

  it('makes valid ISO-shaped impressions that differ from the master', () => {
    for (let seed = 0; seed < 30; seed++) {
      const master = generateFinger(seed);
      const n = master.minutiae.length;
      const rec = generateImpression(master, 1000 + seed);
      expect(rec).toMatchObject({ format: 'iso19794-2:2005', width: 300, height: 400, resolutionX: 197, resolutionY: 197 });
      expect(rec.views).toHaveLength(1);
      const got = rec.views[0].minutiae;
      for (const m of got) expectValidMinutia(m, 300, 400);
      // At most: n minus ≥ 10 % dropped, plus ≤ 20 % spurious; at least: cropping loses only the rim.
      const keptMax = n - Math.round(0.1 * n);
      expect(got.length).toBeLessThanOrEqual(keptMax + Math.round(0.2 * keptMax));
      expect(got.length).toBeGreaterThanOrEqual(Math.floor(0.4 * n));
      // Not a copy of the master: most minutiae have moved.
      const key = (m: Minutia) => `${m.x},${m.y}`;
      const masterKeys = new Set(master.minutiae.map(key));
      expect(got.filter((m) => masterKeys.has(key(m))).length).toBeLessThan(got.length / 2);
    }
  });

  it('reproduces the master exactly when every perturbation is off', () => {
    const master = generateFinger(3);
    const rec = generateImpression(master, 9, {
      maxRotationDeg: 0,
      maxTranslationPx: 0,
      distortionPx: 0,
      positionJitterPx: 0,
      angleJitterDeg: 0,
      dropout: [0, 0],
      spurious: [0, 0],
    });
    const sort = (ms: Minutia[]) => ms.slice().sort((a, b) => a.x - b.x || a.y - b.y);
    const got = sort(rec.views[0].minutiae);
    const want = sort(master.minutiae);
    expect(got.map(({ x, y, type, quality }) => ({ x, y, type, quality }))).toEqual(
      want.map(({ x, y, type, quality }) => ({ x, y, type, quality })),
    );
    got.forEach((m, i) => expect(angleDiff(m.angle, want[i].angle)).toBeLessThan(1e-9));
  });

  it('rotates positions and directions consistently (ISO: counter-clockwise on screen)', () => {
    const master: MasterFinger = generateFinger(11);
    const rec: MinutiaeRecord = generateImpression(master, 12, {
      maxRotationDeg: 20,
      maxTranslationPx: 0,
      distortionPx: 0,
      positionJitterPx: 0,
      angleJitterDeg: 0,
      dropout: [0, 0],
      spurious: [0, 0],
    });
    const got = rec.views[0].minutiae;
    const { cx, cy } = master.area;
    // The rotation is unknown: try the one implied by each candidate direction change and
    // keep it if it maps every output minutia onto a master minutia (position and direction).
    const fits = (theta: number) =>
      got.every((o) =>
        master.minutiae.some((m) => {
          const dx = m.x - cx;
          const dy = m.y - cy;
          const x = cx + dx * Math.cos(theta) + dy * Math.sin(theta);
          const y = cy - dx * Math.sin(theta) + dy * Math.cos(theta);
          return Math.hypot(o.x - x, o.y - y) <= 0.75 && angleDiff(o.angle, m.angle + theta) < 1e-6;
        }),
      );
    const thetas = master.minutiae.map((m) => got[0].angle - m.angle);
    const found = thetas.filter((t) => angleDiff(t, 0) <= (20 * Math.PI) / 180 + 1e-9 && fits(t));
    expect(found.length).toBeGreaterThan(0);
  });

  it('builds a dataset ordered by identity then impression that buildPairs accepts', () => {
    const data = generateDataset(3, 4, 2024);
    expect(data).toHaveLength(12);
    expect(data.map((d) => `${d.identity}/${d.impression}`).slice(0, 5)).toEqual(['101/1', '101/2', '101/3', '101/4', '102/1']);
    const { genuine, impostor } = buildPairs(data, 'all-pairs');
    expect(genuine).toHaveLength(18);
    expect(impostor).toHaveLength(48);
    // Adding fingers leaves the existing ones unchanged.
    expect(generateDataset(4, 4, 2024).slice(0, 12)).toEqual(data);
    expect(() => generateDataset(-1, 2, 0)).toThrow(expect.objectContaining({ code: 'ERR_SYNTHETIC_ARGS' }));
  });
});
