/**
 * The deduplication engine (engine/gallery/): operation semantics over the store, shards and
 * worker pool; ordering of inserts and identifies; restricted and excluding identifies;
 * deletes and compaction; rebuild after restart; and the fusion and threshold arithmetic.
 * Data: synthetic minutiae (datasets/synthetic.ts), each subject with two fingers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DedupEngine, FingerMatcher, IRIS_TEMPLATE_VERSION, IrisMatcher, decisionThreshold, fuseScores, generateTemplateKey, openSubjectStore, parseTemplateKey, type Probe, type Subject,
} from '../engine/index.ts';
import { ShardArena } from '../engine/gallery/shard-arena.ts';
import { ShardScanner } from '../engine/gallery/shard-scanner.ts';
import { generateDataset, mulberry32 } from '../datasets/synthetic.ts';
import { generateEye } from '../datasets/synthetic-iris.ts';

const KEY = parseTemplateKey(generateTemplateKey());
const SUBJECTS = 120;
const matcher = new FingerMatcher();
// per subject: finger A impressions 1, 2 and finger B impressions 1, 2
const data = generateDataset(2 * SUBJECTS, 2, 20261125);
const template = (finger: number, impression: 1 | 2): Uint8Array =>
  matcher.createTemplate(data[2 * finger + impression - 1].record.views[0].minutiae).bytes;
const enrolTemplates = Array.from({ length: SUBJECTS }, (_, s) => [template(2 * s, 1), template(2 * s + 1, 1)]);
const probeTemplates = Array.from({ length: SUBJECTS }, (_, s) => [template(2 * s, 2), template(2 * s + 1, 2)]);

function subject(s: number): Subject {
  return {
    referenceId: `person-${s}`,
    fingers: { 2: { modality: 'finger', version: 1, bytes: enrolTemplates[s][0] }, 7: { modality: 'finger', version: 1, bytes: enrolTemplates[s][1] } },
  };
}
function probe(s: number): Probe {
  return { fingers: [{ position: 2, template: probeTemplates[s][0] }, { position: 7, template: probeTemplates[s][1] }] };
}

const dirs: string[] = [];
const engines: DedupEngine[] = [];
function openEngine(dir = mkdtempSync(path.join(tmpdir(), 'biodedup-engine-')), shardCapacity?: number, prefilter?: { minKeep: number; index?: 'flat' | 'hnsw'; rescore?: 'one-pass' | 'two-step' }): { engine: DedupEngine; dir: string } {
  if (!dirs.includes(dir)) dirs.push(dir);
  const engine = DedupEngine.open({ dataDir: dir, key: KEY, threads: 2, shardCapacity, prefilter });
  engines.push(engine);
  return { engine, dir };
}
afterAll(async () => {
  for (const e of engines) await e.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('DedupEngine operations', () => {
  let engine: DedupEngine;
  let dir: string;
  beforeAll(async () => {
    ({ engine, dir } = openEngine(undefined, 64)); // small shards: the gallery spans several
    await Promise.all(Array.from({ length: 100 }, (_, s) => engine.insert(subject(s))));
  }, 60_000);

  it('counts subjects and spreads them over shards', () => {
    expect(engine.count()).toBe(100);
    expect(engine.stats()).toMatchObject({ subjects: 100, templates: 200, shards: 4 });
  });

  it('finds the mate of every probe, first, and nobody for a non-enrolled person', async () => {
    for (const s of [0, 31, 32, 63, 64, 99]) {
      const r = await engine.identify(probe(s));
      expect(r.candidates.map((c) => c.referenceId)).toEqual([`person-${s}`]);
      expect(r.candidates[0].scores.map((f) => f.modality === 'finger' ? f.position : -1)).toEqual([2, 7]);
      expect(r.comparisons).toBe(200);
      expect(r.threshold).toBeCloseTo(30 + 20, 6);
    }
    for (const s of [100, 110, 119]) expect((await engine.identify(probe(s))).candidates).toEqual([]);
  });

  it('reports a repeated insert as already present and changes nothing', async () => {
    expect((await engine.insert(subject(5))).status).toBe('already-present');
    expect(engine.count()).toBe(100);
    expect((await engine.identify(probe(5), { targetFPIR: 0, maxResults: 1000 })).candidates.filter((c) => c.referenceId === 'person-5')).toHaveLength(1);
  });

  it('restricts a search to listed subjects, with N = their count', async () => {
    const r = await engine.identify(probe(7), { referenceIds: ['person-6', 'person-8', 'nobody'] });
    expect(r.candidates).toEqual([]);
    expect(r.gallerySize).toBe(2);
    expect(r.comparisons).toBe(4);
    expect((await engine.identify(probe(7), { referenceIds: ['person-7'] })).candidates.map((c) => c.referenceId)).toEqual(['person-7']);
  });

  it('never returns the excluded referenceId (the probe itself)', async () => {
    const r = await engine.identify(probe(9), { excludeReferenceId: 'person-9', targetFPIR: 0, maxResults: 3 });
    expect(r.candidates.map((c) => c.referenceId)).not.toContain('person-9');
  });

  it('verifies 1:1 against one subject only', async () => {
    const genuine = await engine.verify('person-12', probe(12));
    const impostor = await engine.verify('person-13', probe(12));
    expect(genuine.match).toBe(true);
    expect(impostor.match).toBe(false);
    expect(genuine.score).toBeGreaterThan(impostor.score);
    await expect(engine.verify('nobody', probe(12))).rejects.toMatchObject({ code: 'ERR_UNKNOWN_REFERENCE' });
  });

  it('refuses bad templates and probes with typed errors, writing nothing', async () => {
    const bad: Subject = { referenceId: 'bad', fingers: { 2: { modality: 'finger', version: 1, bytes: new Uint8Array(40) } } };
    await expect(engine.insert(bad)).rejects.toMatchObject({ code: 'ERR_TEMPLATE_CORRUPT' });
    const wrongVersion: Subject = { referenceId: 'bad', fingers: { 2: { modality: 'finger', version: 7, bytes: enrolTemplates[0][0] } } };
    await expect(engine.insert(wrongVersion)).rejects.toMatchObject({ code: 'ERR_TEMPLATE_VERSION' });
    expect(engine.count()).toBe(100);
    await expect(engine.identify({ fingers: [] })).rejects.toMatchObject({ code: 'ERR_PROBE' });
    await expect(engine.identify({ fingers: [{ position: 11, template: probeTemplates[0][0] }] })).rejects.toMatchObject({ code: 'ERR_PROBE' });
    await expect(engine.identify(probe(0), { targetFPIR: -1 })).rejects.toMatchObject({ code: 'ERR_IDENTIFY_OPTIONS' });
  });

  it('deletes: gone from searches and the count; compaction reclaims the slots', async () => {
    const before = engine.stats().templateBytes;
    for (let s = 32; s < 56; s++) expect(await engine.delete(`person-${s}`)).toEqual({ deleted: true });
    expect(await engine.delete('person-32')).toEqual({ deleted: false });
    expect(engine.count()).toBe(76);
    expect(engine.stats().templates).toBe(152);
    expect(engine.stats().templateBytes).toBeLessThan(before); // the shard holding 32–63 was rewritten
    expect((await engine.identify(probe(40))).candidates).toEqual([]);
    for (const s of [31, 56, 63, 64]) expect((await engine.identify(probe(s))).candidates.map((c) => c.referenceId)).toEqual([`person-${s}`]);
  });

  it('rebuilds the same gallery from the store after a restart', async () => {
    await engine.close();
    const { engine: again } = openEngine(dir, 64);
    expect(again.count()).toBe(76);
    expect(again.stats().templates).toBe(152);
    for (const s of [0, 31, 56, 99]) expect((await again.identify(probe(s))).candidates.map((c) => c.referenceId)).toEqual([`person-${s}`]);
    expect((await again.identify(probe(40))).candidates).toEqual([]);
    expect(again.pendingJobs()).toBe(0);
  });
});

describe('DedupEngine ordering under concurrency', () => {
  it('an identify started after an insert is acknowledged always sees it, while other inserts run', async () => {
    const { engine } = openEngine();
    const searches: Promise<boolean>[] = [];
    const inserts: Promise<unknown>[] = [];
    let peakPending = 0;
    for (let s = 0; s < 40; s++) {
      inserts.push(engine.insert(subject(s)).then(() => {
        // acknowledged: a search issued now must find this subject, whatever else is in flight
        searches.push(engine.identify(probe(s)).then((r) => r.candidates.some((c) => c.referenceId === `person-${s}`)));
        peakPending = Math.max(peakPending, engine.pendingJobs());
      }));
    }
    await Promise.all(inserts);
    expect(await Promise.all(searches)).toEqual(Array(40).fill(true));
    expect(peakPending).toBeGreaterThan(1);
    expect(engine.pendingJobs()).toBe(0);
  }, 60_000);
});

describe('shard scans split across tasks', () => {
  it('scores every subject exactly once however the slot range is cut', () => {
    const arena = new ShardArena(512, 1 << 20, 64 * 1024);
    const random = mulberry32(5);
    // subjects with 1–3 fingers, so cuts fall inside subjects
    for (let s = 0; s < 60; s++) {
      const n = 1 + Math.floor(random() * 3);
      arena.appendSubject(s, Array.from({ length: n }, (_, i) => ({ modality: 1, position: 2 + i, bytes: enrolTemplates[s][i % 2] })));
    }
    const scanner = new ShardScanner();
    const task = { memory: arena.memory, slotCount: arena.slotCount, probe: { modalities: [1], positions: [0], templates: [probeTemplates[3][0]] }, threshold: -1, k: 1000 };
    const whole = scanner.scan(task);
    expect(whole.subjects.length).toBe(60);
    for (const cut of [1, 2, 7, 50, arena.slotCount - 1]) {
      const a = scanner.scan({ ...task, slotTo: cut });
      const b = scanner.scan({ ...task, slotFrom: cut });
      const union = [...a.subjects, ...b.subjects].sort((x, y) => x - y);
      expect(union).toEqual([...whole.subjects].sort((x, y) => x - y));
      expect(a.comparisons + b.comparisons).toBe(whole.comparisons);
    }
    // an unknown probe position is compared with every finger, with the best-of-m correction
    expect(whole.comparisons).toBe(arena.slotCount);
  });

  it('takes a known score as it is and compares only the unknown columns', () => {
    const arena = new ShardArena(64, 1 << 20, 64 * 1024);
    for (let s = 0; s < 8; s++) arena.appendSubject(s, [2, 7].map((position, i) => ({ modality: 1, position, bytes: enrolTemplates[s][i] })));
    const scanner = new ShardScanner();
    const probe = { modalities: [1, 1], positions: [2, 7], templates: probeTemplates[5] };
    const ranges = Uint32Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? i : 2));
    const task = { memory: arena.memory, slotCount: arena.slotCount, probe, ranges, threshold: -1000, k: 8 };
    const full = scanner.scan(task);
    expect(full.comparisons).toBe(16);
    // subject 5's first finger "already scored" 99: only its second is compared, the 99 is fused as is
    const knownScores = new Float32Array(16).fill(Number.NaN);
    knownScores[2 * 5] = 99;
    const partial = scanner.scan({ ...task, knownScores });
    expect(partial.comparisons).toBe(15);
    const row = (r: typeof full, subject: number): number[] => {
      const i = [...r.subjects].indexOf(subject);
      return [r.perFinger[2 * i], r.perFinger[2 * i + 1]];
    };
    expect(row(partial, 5)[0]).toBe(99);
    expect(row(partial, 5)[1]).toBe(row(full, 5)[1]);
    expect(row(partial, 4)).toEqual(row(full, 4));
    expect(() => scanner.scan({ ...task, knownScores: new Float32Array(3) })).toThrow(/known scores/);
  });

  it('holds fingers in the compact form: smaller, expands to the inserted MCC1 bytes, scans to the 1:1 scores, vectors unchanged', async () => {
    const { expandFingerTemplate, isCompactFingerTemplate } = await import('../engine/finger-compact.ts');
    const { vectorOfTemplateBytes } = await import('../engine/gallery/vector-quantise.ts');
    const { calibrateFingerScore } = await import('../engine/finger-calibration.ts');
    const arena = new ShardArena(64, 1 << 20, 64 * 1024);
    let mcc1Bytes = 0;
    for (let s = 0; s < 10; s++) {
      arena.appendSubject(s, [2, 7].map((position, i) => ({ modality: 1, position, bytes: enrolTemplates[s][i] })));
      mcc1Bytes += enrolTemplates[s][0].length + enrolTemplates[s][1].length;
    }
    expect(arena.heapBytes).toBeLessThan(0.9 * mcc1Bytes);
    for (let slot = 0; slot < arena.slotCount; slot++) {
      const held = arena.templateView(slot), inserted = enrolTemplates[slot >> 1][slot & 1];
      expect(isCompactFingerTemplate(held)).toBe(true);
      expect(expandFingerTemplate(held)).toEqual(inserted);
      expect(vectorOfTemplateBytes(held)).toEqual(vectorOfTemplateBytes(inserted));
    }
    const scanner = new ShardScanner();
    const probe = { modalities: [1, 1], positions: [2, 7], templates: probeTemplates[3] };
    const result = scanner.scan({ memory: arena.memory, slotCount: arena.slotCount, probe, threshold: -1000, k: 10 });
    expect(result.comparisons).toBe(20);
    [...result.subjects].forEach((subject, i) => {
      for (const finger of [0, 1]) {
        const expected = calibrateFingerScore(matcher.compareRaw(matcher.templateFromBytes(probeTemplates[3][finger]), matcher.templateFromBytes(enrolTemplates[subject][finger])));
        expect(result.perFinger[2 * i + finger]).toBe(Math.fround(expected));
      }
    });
  });

  it('ranks subjects jointly by vector and splits a range only between subjects', async () => {
    const { VectorScanner } = await import('../engine/gallery/vector-scanner.ts');
    const { quantiseQuery, quantiseVector, vectorOfTemplateBytes } = await import('../engine/gallery/vector-quantise.ts');
    const arena = new ShardArena(512, 4 << 20, 64 * 1024);
    for (let s = 0; s < 100; s++) {
      arena.appendSubject(s, [2, 7].map((position, i) => ({ modality: 1, position, bytes: enrolTemplates[s][i], vector: quantiseVector(vectorOfTemplateBytes(enrolTemplates[s][i])) })));
    }
    const scanner = new VectorScanner();
    const queries = [2, 7].map((position, i) => ({ position, query: quantiseQuery(vectorOfTemplateBytes(probeTemplates[42][i]))! }));
    const task = { kind: 'vectors' as const, memory: arena.memory, slotCount: arena.slotCount, slotFrom: 0, slotTo: arena.slotCount, queries, keepShare: 1 };
    const all = scanner.scan(task);
    expect(all.scanned).toBe(100);
    expect([...all.subjects].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // the mate's joint score is the best, and its best finger is one of the two queries
    const best = all.subjects[all.joint.indexOf(Math.max(...all.joint))];
    expect(best).toBe(42);
    // cut inside subject 30 (slots 60, 61): it belongs to the first task only
    const a = scanner.scan({ ...task, slotTo: 61 }), b = scanner.scan({ ...task, slotFrom: 61 });
    expect(a.scanned + b.scanned).toBe(100);
    expect([...a.subjects]).toContain(30);
    expect([...b.subjects]).not.toContain(30);
    // a small share keeps about that share (plus the task margin), always the best
    const few = scanner.scan({ ...task, keepShare: 0.01 });
    expect(few.subjects.length).toBeLessThan(100);
    expect([...few.subjects]).toContain(42);
    // a ten-finger probe against ten-finger subjects (each query its own position)
    const ten = new ShardArena(512, 8 << 20, 64 * 1024);
    const fingerOf = (s: number, p: number): Uint8Array => enrolTemplates[(s + p) % SUBJECTS][p % 2];
    for (let s = 0; s < 20; s++) {
      ten.appendSubject(s, Array.from({ length: 10 }, (_, p) => ({ modality: 1, position: p + 1, bytes: fingerOf(s, p), vector: quantiseVector(vectorOfTemplateBytes(fingerOf(s, p))) })));
    }
    const tenQueries = Array.from({ length: 10 }, (_, p) => ({ position: p + 1, query: quantiseQuery(vectorOfTemplateBytes(fingerOf(7, p)))! }));
    const tenAll = scanner.scan({ ...task, memory: ten.memory, slotCount: ten.slotCount, slotTo: ten.slotCount, queries: tenQueries });
    expect(tenAll.scanned).toBe(20);
    expect(tenAll.subjects[tenAll.joint.indexOf(Math.max(...tenAll.joint))]).toBe(7);
    expect(Math.max(...tenAll.bestQuery)).toBeLessThan(10);
  });
});

describe('fusion and decision threshold', () => {
  it('keeps one score as it is and ignores fingers not compared', () => {
    expect(fuseScores([37.5])).toBeCloseTo(37.5, 9);
    expect(fuseScores([37.5, Number.NaN])).toBeCloseTo(37.5, 9);
    expect(fuseScores([])).toBe(0);
  });

  it('is symmetric, monotone, and below the naive sum', () => {
    expect(fuseScores([20, 35])).toBeCloseTo(fuseScores([35, 20]), 9);
    expect(fuseScores([20, 36])).toBeGreaterThan(fuseScores([20, 35]));
    expect(fuseScores([20, 35])).toBeLessThan(55);
    // a strong finger and a useless one: weaker than the strong finger alone (two tries at chance)
    expect(fuseScores([30, 0], 0)).toBeCloseTo(-10 * Math.log10(1e-3 * (1 + 3 * Math.LN10)), 6);
  });

  it('is calibrated: impostors with independent uniform p-values reach fused score 30 about 1 time in 1,000', () => {
    const random = mulberry32(99);
    const trials = 400_000;
    let above = 0;
    for (let i = 0; i < trials; i++) {
      const s1 = -10 * Math.log10(random() || 1e-12), s2 = -10 * Math.log10(random() || 1e-12);
      if (fuseScores([s1, s2], 0) >= 30) above++; // 0: independent comparisons (Fisher); test/fusion.test.ts: correlated ones
    }
    // expected 400 ± 20 (binomial σ); a sum rule would give ≈ 7.9× more
    expect(above).toBeGreaterThan(340);
    expect(above).toBeLessThan(460);
  });

  it('maps a target FPIR and gallery size to a per-search threshold', () => {
    expect(decisionThreshold(30, 1000)).toBeCloseTo(60, 9);
    expect(decisionThreshold(30, 1)).toBeCloseTo(30, 9);
    expect(decisionThreshold(20, 1_000_000)).toBeCloseTo(80, 9);
  });
});

describe('DedupEngine with irises', () => {
  const irisMatcher = new IrisMatcher();
  const eye = (textureSeed: number, noiseSeed: number, rotation = 0): Uint8Array => irisMatcher.createTemplate(generateEye({
    width: 320, height: 280, pupil: { x: 160, y: 140, radius: 40 }, iris: { x: 158, y: 136, radius: 100 }, textureSeed, noiseSeed, rotation,
  })).bytes;

  it('searches and verifies on irises alone, and fuses irises with fingers', async () => {
    const { engine } = openEngine();
    for (let s = 0; s < 6; s++) {
      await engine.insert({
        ...subject(s),
        irises: { left: { modality: 'iris', version: IRIS_TEMPLATE_VERSION, bytes: eye(100 + s, 1) }, right: { modality: 'iris', version: IRIS_TEMPLATE_VERSION, bytes: eye(200 + s, 1) } },
      });
    }
    const irisProbe = (s: number) => ({ irises: [{ side: 'left' as const, template: eye(100 + s, 2, 0.05) }, { side: 'unknown' as const, template: eye(200 + s, 3) }] });
    const r = await engine.identify(irisProbe(3));
    // synthetic iris textures share one model, so some impostors score high: only the order is asserted
    expect(r.candidates[0].referenceId).toBe('person-3');
    expect(r.candidates[0].score).toBeGreaterThan(2 * (r.candidates[1]?.score ?? 0));
    expect(r.candidates[0].scores.map((m) => m.modality === 'iris' ? m.side : '')).toEqual(['left', 'unknown']);
    expect(r.comparisons).toBe(6 * 3); // the left iris against left irises, the unknown side against both

    const both = await engine.identify({ ...probe(3), ...irisProbe(3) });
    expect(both.candidates[0].scores.map((m) => m.modality)).toEqual(['finger', 'finger', 'iris', 'iris']);
    expect(both.candidates[0].score).toBeGreaterThan(r.candidates[0].score);

    const genuine = await engine.verify('person-3', irisProbe(3));
    expect(genuine.match).toBe(true);
    expect((await engine.verify('person-4', irisProbe(3))).score).toBeLessThan(genuine.score / 2);
    await expect(engine.insert({ referenceId: 'x', irises: { left: { modality: 'iris', version: IRIS_TEMPLATE_VERSION, bytes: new Uint8Array(100) } } }))
      .rejects.toMatchObject({ code: 'ERR_TEMPLATE_CORRUPT' });
    await expect(engine.identify({ irises: [{ side: 'middle' as 'left', template: eye(1, 1) }] })).rejects.toMatchObject({ code: 'ERR_PROBE' });
    // a template of the Gabor kernel (version 1) is refused at the door, saying what to do
    await expect(engine.insert({ referenceId: 'x', irises: { left: { modality: 'iris', version: 1, bytes: eye(5, 1) } } }))
      .rejects.toMatchObject({ code: 'ERR_TEMPLATE_VERSION', message: expect.stringContaining('re-enrol') });
  }, 60_000);

  it('refuses to open a store that holds iris templates of an earlier version (they would score at chance)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-iris-v1-'));
    try {
      const key = parseTemplateKey(generateTemplateKey());
      const bytes = eye(1, 0);
      const store = openSubjectStore({ path: dir, key });
      await store.insert({ referenceId: 'old', irises: { left: { modality: 'iris', version: 1, bytes } } });
      await store.insert({ referenceId: 'new', irises: { left: { modality: 'iris', version: IRIS_TEMPLATE_VERSION, bytes } } });
      await store.close();
      expect(() => DedupEngine.open({ dataDir: dir, key, threads: 1 })).toThrow(expect.objectContaining({ code: 'ERR_TEMPLATE_VERSION', message: expect.stringContaining('iris left: template version 1') }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(['flat', 'hnsw'] as const)('DedupEngine with the %s prefilter', (index) => {
  it('re-scores only the prefilter candidates and keeps the mates', async () => {
    const keep = { minKeep: 10, index };
    const { engine, dir } = openEngine(undefined, 64, keep);
    await Promise.all(Array.from({ length: SUBJECTS - 20 }, (_, s) => engine.insert(subject(s))));
    for (const s of [0, 17, 50, 99]) {
      const r = await engine.identify(probe(s));
      expect(r.mode).toBe('prefilter');
      expect(r.candidates[0]?.referenceId).toBe(`person-${s}`);
      expect(r.comparisons).toBeLessThan(2 * 2 * 10 + 1); // ≤ 10 kept per finger, 2 fingers each
      expect(r.threshold).toBeCloseTo(30 + 10 * Math.log10(SUBJECTS - 20), 6); // N is the whole gallery
      expect((await engine.prefilterCandidates(probe(s)))!.has(`person-${s}`)).toBe(true);
    }
    const exhaustive = await engine.identify(probe(17), { mode: 'exhaustive' });
    expect(exhaustive.mode).toBe('exhaustive');
    expect(exhaustive.comparisons).toBe(2 * (SUBJECTS - 20));
    const restricted = await engine.identify(probe(17), { referenceIds: ['person-17', 'person-3'] });
    expect(restricted.mode).toBe('exhaustive');

    await engine.delete('person-17');
    expect((await engine.prefilterCandidates(probe(17)))!.has('person-17')).toBe(false);
    await engine.close();
    // after a restart (flat: vectors recomputed by the pool; hnsw: the saved index reloaded)
    const reopened = openEngine(dir, 64, keep).engine;
    expect(reopened.prefilterRebuilt).toBe(false);
    expect((await reopened.identify(probe(50))).candidates[0]?.referenceId).toBe('person-50');
    await reopened.insert(subject(SUBJECTS - 1));
    expect((await reopened.identify(probe(SUBJECTS - 1))).candidates[0]?.referenceId).toBe(`person-${SUBJECTS - 1}`);
    expect((await reopened.prefilterCandidates(probe(17)))!.has('person-17')).toBe(false);
    await reopened.close();
    const third = openEngine(dir, 64, keep).engine;
    expect(third.prefilterRebuilt).toBe(false);
    expect((await third.prefilterCandidates(probe(SUBJECTS - 1)))!.has(`person-${SUBJECTS - 1}`)).toBe(true);
  }, 60_000);
});

describe('flat prefilter re-scoring in one pass', () => {
  it('gives the same candidates, scores and comparisons as the two-step re-scoring it replaced', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-onepass-'));
    const open = (rescore: 'one-pass' | 'two-step'): DedupEngine => openEngine(dir, 64, { minKeep: 40, rescore }).engine;
    const probes: Probe[] = [
      ...[0, 17, 50, 99, 100].map(probe),
      { fingers: [{ position: 7, template: probeTemplates[33][1] }] }, // one finger: nothing to gate
      { fingers: [{ position: 0, template: probeTemplates[42][0] }, { position: 7, template: probeTemplates[42][1] }] }, // unknown position: best of m
      { fingers: [{ position: 2, template: probeTemplates[8][1] }, { position: 7, template: probeTemplates[9][0] }] }, // no mate: impostors only
    ];
    // targetFPIR 0: every subject over 10·log10 N comes back, so the lists hold impostors as well as mates
    const run = async (engine: DedupEngine) => Promise.all(probes.map((p) => engine.identify(p, { targetFPIR: 0, maxResults: 100 })));
    const first = open('one-pass');
    await Promise.all(Array.from({ length: 100 }, (_, s) => first.insert(subject(s))));
    const onePass = await run(first);
    await first.close();
    const second = open('two-step');
    const twoStep = await run(second);
    // the per-call choice takes the same path as the engine-wide one
    expect((await second.identify(probes[1], { targetFPIR: 0, maxResults: 100, rescore: 'one-pass' })).candidates).toEqual(onePass[1].candidates);
    let gated = 0;
    onePass.forEach((r, i) => {
      expect(r.mode).toBe('prefilter');
      expect(r.candidates).toEqual(twoStep[i].candidates);
      expect(r.comparisons).toBe(twoStep[i].comparisons);
      if (r.comparisons < 2 * 40) gated++;
    });
    expect(onePass[1].candidates[0]?.referenceId).toBe('person-17');
    expect(onePass[1].candidates[0]?.scores).toHaveLength(2); // past the gate: both fingers scored
    expect(onePass[6].candidates[0]?.referenceId).toBe('person-42');
    expect(gated).toBeGreaterThan(0); // the gate stopped some subjects after one finger
    expect(onePass.some((r) => r.comparisons > 40)).toBe(true); // and let some through to their second
  }, 60_000);
});

describe('DedupEngine prefilter files', () => {
  it('keeps the flat prefilter vectors sealed between runs, valid for the subjects still enrolled', async () => {
    const flat = { minKeep: 10, index: 'flat' as const };
    const { engine, dir } = openEngine(undefined, undefined, flat);
    await Promise.all(Array.from({ length: 30 }, (_, s) => engine.insert(subject(s))));
    const before = await engine.prefilterCandidates(probe(12));
    expect(engine.stats().cachedVectors).toBe(0);
    await engine.close();
    const file = path.join(dir, 'prefilter', 'vectors.sealed');
    const sealed = readFileSync(file);
    // sealed: no finger vector's bytes in clear (the first subject's first quantised vector)
    const { quantiseVector, vectorOfTemplateBytes } = await import('../engine/gallery/vector-quantise.ts');
    const v = quantiseVector(vectorOfTemplateBytes(enrolTemplates[0][0]))!;
    expect(sealed.includes(Buffer.from(v.values.buffer, v.values.byteOffset, 64))).toBe(false);
    // the same candidates from the copied vectors
    const second = openEngine(dir, undefined, flat).engine;
    expect(second.stats().cachedVectors).toBe(60);
    expect(await second.prefilterCandidates(probe(12))).toEqual(before);
    // a crash after more changes: the file still serves the subjects it names and still enrolled
    await second.delete('person-3');
    await second.insert(subject(40));
    const crashed = openEngine(dir, undefined, flat).engine; // second never closed: the file is the old one
    await crashed.ready();
    expect(crashed.stats().cachedVectors).toBe(58); // 29 of the saved subjects, 2 fingers each
    expect((await crashed.prefilterCandidates(probe(40)))!.has('person-40')).toBe(true); // computed by the pool
    expect((await crashed.prefilterCandidates(probe(3)))!.has('person-3')).toBe(false);
    await crashed.close();
    // a damaged file (or one sealed with other parameters) is not used, and removed
    const saved = readFileSync(file);
    saved[saved.length - 5] ^= 0xff;
    writeFileSync(file, saved);
    const damaged = openEngine(dir, undefined, flat).engine;
    expect(damaged.stats().cachedVectors).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect((await damaged.prefilterCandidates(probe(12)))!.has('person-12')).toBe(true);
  }, 60_000);

  it('rebuilds the hnsw index when the store moved on without it (a crash before the save)', async () => {
    const { engine, dir } = openEngine(undefined, undefined, { minKeep: 10, index: 'hnsw' });
    await Promise.all(Array.from({ length: 30 }, (_, s) => engine.insert(subject(s))));
    await engine.close();
    const plain = openEngine(dir).engine; // an engine without prefilter writes subjects the saved index lacks
    await plain.insert(subject(40));
    await plain.close();
    const again = openEngine(dir, undefined, { minKeep: 10, index: 'hnsw' }).engine;
    expect(again.prefilterRebuilt).toBe(true);
    expect((await again.prefilterCandidates(probe(40)))!.has('person-40')).toBe(true);
    const withoutPrefilter = openEngine(undefined).engine;
    await expect(withoutPrefilter.identify(probe(1), { mode: 'prefilter' })).rejects.toMatchObject({ code: 'ERR_IDENTIFY_OPTIONS' });
  }, 60_000);
});
