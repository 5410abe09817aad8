import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateSet, runAccuracy, type AccuracyReport } from '../bench/accuracy.ts';
import { readIsoSamples } from '../bench/iso-samples.ts';
import { fvc2002IsoDir, fvc2002IsoSetDirs, isDirectory, projectRoot } from '../bench/data-dir.ts';
import { computeErrorRates } from '../bench/metrics.ts';
import { generateDataset } from '../datasets/synthetic.ts';
import { writeIso19794_2 } from '../engine/formats/index.ts';
import { wilson95 } from '../bench/identify-real-pool.ts';

const root = mkdtempSync(join(tmpdir(), 'bench-accuracy-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const REPORT_KEYS = [
  'set', 'protocol', 'genuine', 'impostor', 'fte', 'eer', 'fmr100', 'fmr1000', 'zeroFmr', 'extractMsMedian', 'comparisonsPerSecond',
].sort();

const SCORE_LINE = /^(\d+_\d+)\t(\d+_\d+)\t(-inf|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

function readScores(file: string): Array<{ probe: string; gallery: string; score: number }> {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => {
    const m = SCORE_LINE.exec(line);
    expect(m, `score line "${line}"`).not.toBeNull();
    return { probe: m![1], gallery: m![2], score: m![3] === '-inf' ? -Infinity : Number(m![3]) };
  });
}

const identityOf = (name: string): string => name.split('_')[0];

function expectRatesInRange(r: AccuracyReport): void {
  for (const key of ['fte', 'eer', 'fmr100', 'fmr1000', 'zeroFmr'] as const) {
    expect(r[key], key).toBeGreaterThanOrEqual(0);
    expect(r[key], key).toBeLessThanOrEqual(1);
  }
  expect(r.comparisonsPerSecond).toBeGreaterThan(0);
}

describe('runAccuracy on generated data', () => {
  it('reports all-pairs counts, writes the JSON, the DET plot and every score', async () => {
    const json = join(root, 'synthetic', 'report.json');
    const scores = join(root, 'synthetic', 'scores.tsv');
    const reports = await runAccuracy({ json, scores });

    expect(reports).toHaveLength(1);
    const [r] = reports;
    expect(Object.keys(r).sort()).toEqual(REPORT_KEYS);
    expect(r).toMatchObject({ set: 'synthetic', protocol: 'all-pairs', genuine: 280, impostor: 2880, fte: 0, extractMsMedian: null });
    expectRatesInRange(r);

    const written = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(written).sort()).toEqual(REPORT_KEYS);
    expect(written).toEqual(r);

    const svg = readFileSync(join(root, 'synthetic', 'report.det.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('synthetic');

    const lines = readScores(scores);
    expect(lines).toHaveLength(r.genuine + r.impostor);
    const genuine = lines.filter((l) => identityOf(l.probe) === identityOf(l.gallery));
    expect(genuine).toHaveLength(280);
    // The file holds the exact scores: the rates recomputed from it are the reported ones.
    const again = computeErrorRates(
      Float64Array.from(genuine, (l) => l.score),
      Float64Array.from(lines.filter((l) => identityOf(l.probe) !== identityOf(l.gallery)), (l) => l.score),
    );
    expect([again.eer, again.fmr100, again.fmr1000, again.zeroFmr]).toEqual([r.eer, r.fmr100, r.fmr1000, r.zeroFmr]);
  });

  it('uses the FVC official impostors with --protocol fvc', async () => {
    const [r] = await runAccuracy({ protocol: 'fvc' });
    expect(r).toMatchObject({ protocol: 'fvc', genuine: 280, impostor: 45 });
    expectRatesInRange(r);
  });

  it('rejects inputs and modalities that are not built yet with typed codes', async () => {
    await expect(runAccuracy({ input: 'images' })).rejects.toMatchObject({ code: 'ERR_NO_IMAGES' });
    await expect(runAccuracy({ modality: 'iris' })).rejects.toMatchObject({ code: 'ERR_NO_IRIS' });
  });
});

describe('runAccuracy on a set folder', () => {
  it('counts an unreadable record as a failure to enrol and still scores all its pairs', async () => {
    const dir = join(root, 'corrupt-set');
    mkdirSync(dir);
    for (const { identity, impression, record } of generateDataset(10, 8, 7)) {
      writeFileSync(join(dir, `${identity}_${impression}.iso`), writeIso19794_2(record));
    }
    writeFileSync(join(dir, '101_1.iso'), randomBytes(200)); // replaces a valid record
    const scores = join(root, 'corrupt-scores.tsv');

    const [r] = await runAccuracy({ sets: [dir], scores });
    expect(r).toMatchObject({ set: dir, genuine: 280, impostor: 2880 });
    expect(r.fte).toBeCloseTo(1 / 80, 12);
    expectRatesInRange(r);

    const lines = readScores(scores);
    expect(lines).toHaveLength(280 + 2880);
    const involving = lines.filter((l) => l.probe === '101_1' || l.gallery === '101_1');
    expect(involving).toHaveLength(79);
    expect(involving.every((l) => l.score === -Infinity)).toBe(true);
    expect(lines.filter((l) => l.score === -Infinity)).toHaveLength(79);
  });
});

describe('accuracy regression on real data (FVC2002 ISO templates)', () => {
  const hasData = fvc2002IsoSetDirs().every(isDirectory);
  if (!hasData) console.log(`skipping the real-data accuracy regression: no DB1_B..DB4_B under ${fvc2002IsoDir()} (set BIODEDUP_DATA)`);

  it.skipIf(!hasData)('keeps the mean all-pairs EER over DB1_B..DB4_B at or below 3 %', async () => {
    const reports = await runAccuracy({ sets: fvc2002IsoSetDirs(), protocol: 'all-pairs' });
    expect(reports).toHaveLength(4);
    for (const r of reports) {
      console.log(`${r.set}: EER ${(r.eer * 100).toFixed(2)} %, FTE ${(r.fte * 100).toFixed(2)} %`);
      expect(r).toMatchObject({ genuine: 280, impostor: 2880 });
    }
    const meanEer = reports.reduce((s, r) => s + r.eer, 0) / reports.length;
    console.log(`mean EER ${(meanEer * 100).toFixed(2)} %`);
    expect(meanEer).toBeLessThanOrEqual(0.03);
  });

  it.skipIf(!hasData)('is calibrated: pooled impostor shares at score ≥ 20 and ≥ 30 lie within 3× of 1 % and 0.1 % (≥ 30 low side: Wilson 95 %)', () => {
    const impostors = fvc2002IsoSetDirs().flatMap((dir) =>
      evaluateSet(dir, dir, readIsoSamples(dir, 'fvc'), 'all-pairs').pairs.filter((p) => !p.genuine).map((p) => p.score));
    expect(impostors).toHaveLength(4 * 2880);
    const share = (t: number) => impostors.filter((s) => s >= t).length / impostors.length;
    console.log(`impostors ≥ 20: ${(share(20) * 100).toFixed(2)} %, ≥ 30: ${(share(30) * 100).toFixed(2)} %`);
    expect(share(20)).toBeGreaterThanOrEqual(0.01 / 3);
    expect(share(20)).toBeLessThanOrEqual(0.01 * 3);
    // ≥ 30 is ≈ 11 expected pairs: the low side is checked on the Wilson 95 % interval (the
    // engine's calibration is fitted on the real fit half, mostly U.are.U through our extractor,
    // and is conservative on these SecuGen templates: bench/fusion.ts)
    const at30 = impostors.filter((s) => s >= 30).length;
    expect(wilson95(at30, impostors.length)[1]).toBeGreaterThanOrEqual(0.001 / 3);
    expect(share(30)).toBeLessThanOrEqual(0.001 * 3);
  });
});

describe('bench CLI', () => {
  it('exits 2 with a usage error on an unknown flag', () => {
    expect(existsSync(join(projectRoot, 'bench', 'cli.ts'))).toBe(true);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', 'accuracy', '--bogus'], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error \[ERR_PARSE_ARGS_UNKNOWN_OPTION\]: .*--bogus/);
    expect(run.stderr).toContain('usage:');
    expect(run.stdout).toBe('');
  });
});
