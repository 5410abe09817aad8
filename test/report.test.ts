/**
 * The report command: its statistics (intervals, operating points, calibration, histograms),
 * peers' score files, identify / speed inputs, the progress display, and a whole run on
 * generated sets (files written, page self-contained, nothing written on bad input).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGeneratedSet } from './support/generated-set.ts';
import { computeErrorRates } from '../bench/metrics.ts';
import { calibrationRows, histogram, operatingPoint, wilson } from '../bench/report-stats.ts';
import { parsePeerSpec } from '../bench/report-peers.ts';
import { identifySection, runReport, speedSection } from '../bench/report.ts';
import { formatDuration, startProgress } from '../bench/progress.ts';
import { main } from '../bench/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'report-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A seeded uniform generator (mulberry32), so the checks are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('report statistics', () => {
  it('Wilson intervals match published values and stay inside 0..1', () => {
    const w = wilson(10, 100); // Newcombe (1998): 0.0552–0.1744
    expect(w.low).toBeCloseTo(0.0552, 3);
    expect(w.high).toBeCloseTo(0.1744, 3);
    const zero = wilson(0, 280);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.01357, 4);
    expect(wilson(5, 5).high).toBe(1);
  });

  it('operating points give the same FNMR as metrics.ts FMR100 / FMR1000, with thresholds that meet the target', () => {
    const random = rng(7);
    for (let trial = 0; trial < 20; trial++) {
      // Ties on purpose: scores rounded to a coarse grid.
      const genuine = Float64Array.from({ length: 200 + trial * 13 }, () => Math.round((20 + random() * 60) * 2) / 2).sort();
      const impostor = Float64Array.from({ length: 3000 + trial * 101 }, () => Math.round(-10 * Math.log10(random() + 1e-9) * 2) / 2).sort();
      const rates = computeErrorRates(genuine, impostor);
      const at100 = operatingPoint({ genuine, impostor }, 0.01);
      const at1000 = operatingPoint({ genuine, impostor }, 0.001);
      expect(at100.fnmr.rate).toBe(rates.fmr100);
      expect(at1000.fnmr.rate).toBe(rates.fmr1000);
      expect(at100.fmr.count).toBeLessThanOrEqual(impostor.length * 0.01);
      expect(at1000.fmr.count).toBeLessThanOrEqual(impostor.length * 0.001);
      expect(operatingPoint({ genuine, impostor }, 0.0001).resolvable).toBe(impostor.length >= 10_000);
    }
  });

  it('the calibration check counts impostors at or above 20 / 30 / 40, and histograms keep −∞ apart', () => {
    const impostor = Float64Array.from([-Infinity, 5, 19.99, 20, 25, 30, 45, 200]);
    const genuine = Float64Array.from([-Infinity, 50, 150]);
    expect(calibrationRows({ genuine, impostor }).map((r) => [r.threshold, r.observed.count, r.observed.trials])).toEqual([[20, 5, 8], [30, 3, 8], [40, 2, 8]]);
    const h = histogram({ genuine, impostor }, 0, 100, 10);
    expect(h.impostorFailed).toBe(1);
    expect(h.genuineFailed).toBe(1);
    expect(h.impostor.reduce((a, b) => a + b, 0)).toBe(7);
    expect(h.impostor[h.impostor.length - 1]).toBe(1); // 200 in the open last bin
    expect(h.impostor[1]).toBe(1); // 19.99 in [10, 20)
    expect(h.impostor[2]).toBe(2); // 20 and 25 in [20, 30)
  });
});

describe('report inputs', () => {
  it('peer specs need NAME=FILE', () => {
    expect(parsePeerSpec('vendor X=/a/b=c.tsv')).toEqual({ name: 'vendor X', file: '/a/b=c.tsv' });
    for (const bad of ['file.tsv', '=file.tsv', 'name=']) expect(() => parsePeerSpec(bad)).toThrow(/NAME=SCORES/);
  });

  it('identify JSON gets FNIR/FPIR intervals from the search counts; speed JSON pairs figures with baselines', () => {
    const idFile = join(root, 'id.json');
    writeFileSync(idFile, JSON.stringify({ gallery: 1000, mode: 'exhaustive', fnir: 0.05, fpir: 0, matedSearches: 200, nonMatedSearches: 40, p50Ms: 3.2 }));
    const id = identifySection(idFile);
    expect(id.runs[0].fnir).toMatchObject({ count: 10, trials: 200 });
    expect(id.runs[0].fpir?.high).toBeGreaterThan(0.05); // 0 of 40 is not "zero"
    const speedFile = join(root, 'speed.json');
    writeFileSync(speedFile, JSON.stringify({ fingerComparisonsPerSecond: 2e6, baselinePerSecond: 5e5, fingerExtractMsMedian: 40, fingerExtractBaselineMsMedian: 2, irisShifts: 31 }));
    const sp = speedSection(speedFile);
    expect(sp.paired.map((p) => [p.key, p.baselineKey, p.higherIsBetter])).toEqual([
      ['fingerComparisonsPerSecond', 'baselinePerSecond', true],
      ['fingerExtractMsMedian', 'fingerExtractBaselineMsMedian', false],
    ]);
    expect(sp.other).toEqual([{ key: 'irisShifts', value: 31 }]);
    writeFileSync(join(root, 'bad.json'), '{ not json');
    expect(() => speedSection(join(root, 'bad.json'))).toThrow(expect.objectContaining({ code: 'ERR_REPORT_INPUT' }));
  });
});

describe('progress', () => {
  const fake = (isTTY: boolean) => {
    let t = 0;
    const written: string[] = [];
    return { sink: { isTTY, columns: 80, write: (s: string) => written.push(s) }, now: () => t, advance: (ms: number) => { t += ms; }, written };
  };

  it('says nothing for a short step', () => {
    const f = fake(false);
    const p = startProgress({ label: 'quick', total: 10, sink: f.sink, now: f.now });
    for (let i = 0; i < 10; i++) { f.advance(100); p.tick(); }
    p.done();
    expect(f.written).toEqual([]);
  });

  it('prints plain periodic lines with rate and ETA when not a terminal', () => {
    const f = fake(false);
    const p = startProgress({ label: 'DB1 extraction', total: 100, unit: 'images', sink: f.sink, now: f.now });
    for (let i = 0; i < 100; i++) { f.advance(500); p.tick(); } // 2 per second, 50 s in all
    p.done();
    expect(f.written[0]).toBe('DB1 extraction   4% 4/100 images, 2.00/s, ETA 0:48\n');
    expect(f.written.length).toBe(6); // at 2 s, then every 10 s (12 … 42), then the final line
    expect(f.written.at(-1)).toBe('DB1 extraction: 100 images in 0:50 (2.00/s)\n');
  });

  it('redraws a bar in place on a terminal', () => {
    const f = fake(true);
    const p = startProgress({ label: 'scoring', total: 4, sink: f.sink, now: f.now });
    f.advance(3000);
    p.tick(2);
    p.done();
    expect(f.written[0]).toMatch(/^\rscoring \[#{12}\.{12}\]  50% 2\/4 items, 0\.667\/s, ETA 0:03 *$/);
    expect(f.written[1].endsWith('\n')).toBe(true);
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('report command', () => {
  it('writes a self-contained page, report.json, summary.tsv and scores.tsv for two sets and a peer', async () => {
    const a = writeGeneratedSet(join(root, 'sets', 'GEN_A'), 8, 6, 11);
    const b = writeGeneratedSet(join(root, 'sets', 'GEN_B'), 8, 6, 12);
    const out = join(root, 'out');
    // First our scores, then a "peer" that saw the same pairs with noise on the scores.
    await runReport({ out, sets: [a, b] });
    const random = rng(3);
    const peer = readFileSync(join(out, 'scores.tsv'), 'utf8').trim().split('\n').map((l) => {
      const [p, g, s] = l.split('\t');
      return `${g}\t${p}\t${s === '-inf' ? s : Number(s) + random() * 20}`; // swapped order on purpose
    });
    writeFileSync(join(root, 'peer.tsv'), `${peer.join('\n')}\nnobody_1\tnobody_2\t3\n`);
    const lines: string[] = [];
    const { data, files } = await runReport({ out, sets: [a, b], peers: [`noisy=${join(root, 'peer.tsv')}`], print: (l) => lines.push(l) });
    expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['index.html', 'report.json', 'scores.tsv', 'summary.tsv']);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html.match(/class="det-curve" data-kind="set"/g)).toHaveLength(2);
    expect(html.match(/class="det-curve" data-kind="peer"/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // nothing to run, nothing to fetch
    expect(html.match(/<svg class="histogram"/g)).toHaveLength(2);
    expect(data.peers[0]).toMatchObject({ lines: peer.length + 1, unmatched: 1 });
    expect(data.peers[0].curves.map((c) => c.uncovered)).toEqual([0, 0]);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.sets.map((s: { label: string }) => s.label)).toEqual(['GEN_A', 'GEN_B']);
    expect(json.environment.node).toBe(process.version);
    const summary = readFileSync(join(out, 'summary.tsv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(1 + 2 + 2);
    expect(summary[1].split('\t').slice(0, 2)).toEqual(['set', 'GEN_A']);
    expect(lines.at(-1)).toBe(`report: ${join(out, 'index.html')}`);
  });

  it('a bad peer file fails with a typed error and writes nothing', async () => {
    const a = writeGeneratedSet(join(root, 'sets', 'GEN_C'), 6, 4, 13);
    writeFileSync(join(root, 'strangers.tsv'), 'x_1\ty_1\t4\n');
    const out = join(root, 'not-written');
    await expect(runReport({ out, sets: [a], peers: [`p=${join(root, 'strangers.tsv')}`] })).rejects.toMatchObject({ code: 'ERR_PEER_NO_PAIRS' });
    writeFileSync(join(root, 'nan.tsv'), '101_1\t101_2\tabc\n');
    await expect(runReport({ out, sets: [a], peers: [`p=${join(root, 'nan.tsv')}`] })).rejects.toMatchObject({ code: 'ERR_PEER_SCORES' });
    expect(existsSync(out)).toBe(false);
  });

  it('the CLI needs --out and runs on generated data', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await main(['report'])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toMatch(/--out DIR is required/);
    const out = join(root, 'cli');
    const log = console.log;
    console.log = () => {};
    try {
      expect(await main(['report', '--out', out])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('synthetic');
  });
});
