/**
 * The coarse finger residency (engine/gallery/finger-tier.ts): shards hold coarse forms, the best
 * subjects are read from the store and scored by the full matcher. Held against the full residency
 * on the same store: same mates, same scores; RAM per finger; a failed store read is a typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, EngineError, FingerMatcher, generateTemplateKey, parseTemplateKey, type Probe, type Subject } from '../engine/index.ts';
import { StoreError } from '../engine/store/store-error.ts';
import { Gallery } from '../engine/gallery/gallery.ts';
import { finalistArena, scoreFinalists } from '../engine/gallery/finger-tier.ts';
import { MODALITY_FINGER } from '../engine/gallery/shard-layout.ts';
import { ShardScanner } from '../engine/gallery/shard-scanner.ts';
import { coarseFingerTemplate, isCoarseFingerTemplate } from '../engine/finger-coarse.ts';
import { CoarseGallery } from '../engine/finger-coarse-kernel.ts';
import { generateDataset } from '../datasets/synthetic.ts';
import { open as openLmdb } from 'lmdb';
import { DURABLE_LMDB_OPTIONS, STORE_DATABASES } from '../engine/store/subject-store.ts';
import { fvcRealFingers, realPersons } from '../datasets/scale-real-fingers.ts';
import { dataDir } from '../bench/data-dir.ts';

const KEY = parseTemplateKey(generateTemplateKey());
const matcher = new FingerMatcher();
const hasData = existsSync(path.join(dataDir(), 'fingerprint', 'fvc2002-iso'));
if (!hasData) console.log(`skipping the real-gallery tier tests: no fingerprint/fvc2002-iso under ${dataDir()} (set BIODEDUP_DATA)`);

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A real impression's template bytes, or null when it has no view or fails to enrol. */
function enrol(r: { views: { minutiae: never[] }[]; resolutionX: number } | null | undefined): Uint8Array | null {
  try { return r?.views[0] === undefined ? null : matcher.createTemplate(r.views[0].minutiae, { resolutionPxPerCm: r.resolutionX }).bytes; } catch { return null; }
}

function fingerSubject(referenceId: string, a: Uint8Array, b: Uint8Array): Subject {
  return { referenceId, fingers: { 2: { modality: 'finger', version: 1, bytes: a }, 7: { modality: 'finger', version: 1, bytes: b } } };
}
function twoFingerProbe(a: Uint8Array, b: Uint8Array): Probe {
  return { fingers: [{ position: 2, template: a }, { position: 7, template: b }] };
}

describe.skipIf(!hasData)('coarse finger residency on a small real gallery', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-tier-'));
  dirs.push(dir);
  const searches: { mate: string; probe: Probe }[] = [];
  let full: DedupEngine, coarse: DedupEngine, ungated: DedupEngine;

  beforeAll(async () => {
    // real persons: two FVC2002 fingers each (composite), enrolled with impression 1; a generated background
    const persons = realPersons(fvcRealFingers(dataDir()), 2);
    const subjects: Subject[] = [];
    persons.forEach((p, i) => {
      const g = p.fingers.map((f) => enrol(f.impressions[0] as never));
      if (g.some((t) => t === null)) return;
      subjects.push(fingerSubject(`real-${i}`, g[0]!, g[1]!));
      for (const imp of [2, 5]) {
        const q = p.fingers.map((f) => enrol(f.impressions[imp] as never));
        if (q.every((t) => t !== null)) searches.push({ mate: `real-${i}`, probe: twoFingerProbe(q[0]!, q[1]!) });
      }
    });
    const background = generateDataset(600, 1, 20261204);
    for (let s = 0; s < 300; s++) {
      const t = (k: number) => matcher.createTemplate(background[k].record.views[0].minutiae).bytes;
      subjects.push(fingerSubject(`background-${s}`, t(2 * s), t(2 * s + 1)));
    }
    full = DedupEngine.open({ dataDir: dir, key: KEY, threads: 2, prefilter: { minKeep: 40 } });
    for (const s of subjects) await full.insert(s);
    await full.ready();
    // a second engine on the same store (one process shares the folder's lock): coarse shards,
    // 20 finalists of ~315 subjects, so the coarse stage really chooses
    // the coarse gate at its default (0.25 of ~40 prefilter candidates: 10 compared on both fingers) and off (1)
    coarse = DedupEngine.open({ dataDir: dir, key: KEY, threads: 2, prefilter: { minKeep: 40 }, fingerResidency: 'coarse', coarseKeepShare: 0.01, coarseMinKeep: 20 });
    ungated = DedupEngine.open({ dataDir: dir, key: KEY, threads: 2, prefilter: { minKeep: 40 }, fingerResidency: 'coarse', coarseKeepShare: 0.01, coarseMinKeep: 20, coarseGatePassShare: 1 });
    await coarse.ready();
    await ungated.ready();
  }, 240_000);
  afterAll(async () => { await ungated?.close(); await coarse?.close(); await full?.close(); });

  it.each(['gated', 'ungated'] as const)('finds the same mates with the same full-matcher scores, prefilter and exhaustive (coarse gate: %s)', async (which) => {
    expect(searches.length).toBeGreaterThan(20);
    const engine = which === 'gated' ? coarse : ungated;
    let found = 0;
    for (const mode of ['prefilter', 'exhaustive'] as const) {
      for (const { mate, probe } of searches) {
        const a = await full.identify(probe, { mode, targetFPIR: 0, maxResults: 5 });
        const b = await engine.identify(probe, { mode, targetFPIR: 0, maxResults: 5 });
        expect(b.mode).toBe(a.mode);
        expect(b.threshold).toBe(a.threshold);
        expect(b.stages?.finalists).toBeLessThanOrEqual(20);
        const mateA = a.candidates.find((c) => c.referenceId === mate), mateB = b.candidates.find((c) => c.referenceId === mate);
        expect(mateB?.score).toBe(mateA?.score);
        expect(mateB?.scores).toEqual(mateA?.scores);
        if (mateA !== undefined) found++;
        // every coarse-residency candidate is the full residency's, with its very score
        for (const c of b.candidates) {
          const same = a.candidates.find((x) => x.referenceId === c.referenceId);
          if (same !== undefined) expect(c.score).toBe(same.score);
        }
      }
    }
    expect(found).toBeGreaterThan(searches.length); // both modes find most mates
  }, 240_000);

  it('the coarse gate compares the second finger of a quarter of the prefilter candidates; exhaustive is not gated', async () => {
    let gatedComparisons = 0, ungatedComparisons = 0;
    for (const { probe } of searches.slice(0, 10)) {
      const g = await coarse.identify(probe, { mode: 'prefilter', targetFPIR: 0 }), u = await ungated.identify(probe, { mode: 'prefilter', targetFPIR: 0 });
      const candidates = u.stages!.coarseComparisons! / 2; // ungated: both fingers of each (every subject has both)
      // every candidate on one finger, ⌈0.25 × its chunk⌉ on the other (a chunk per shard range here)
      expect(g.stages!.coarseComparisons).toBeGreaterThanOrEqual(candidates * 1.25);
      expect(g.stages!.coarseComparisons).toBeLessThanOrEqual(candidates * 1.25 + 4);
      gatedComparisons += g.stages!.coarseComparisons!;
      ungatedComparisons += u.stages!.coarseComparisons!;
      const ge = await coarse.identify(probe, { mode: 'exhaustive', targetFPIR: 0 }), ue = await ungated.identify(probe, { mode: 'exhaustive', targetFPIR: 0 });
      expect(ge.stages!.coarseComparisons).toBe(ue.stages!.coarseComparisons);
      expect(ge.candidates).toEqual(ue.candidates);
    }
    expect(gatedComparisons).toBeLessThan(0.65 * ungatedComparisons);
  }, 120_000);

  it('verifies 1:1 with the full matcher, on the stored templates', async () => {
    for (const { mate, probe } of searches.slice(0, 6)) {
      expect(await coarse.verify(mate, probe)).toEqual(await full.verify(mate, probe));
    }
  });

  it('holds about a quarter of the template bytes per finger', () => {
    const a = full.stats(), b = coarse.stats();
    expect(b.templates).toBe(a.templates);
    expect(b.templateBytes / b.templates).toBeLessThan(0.35 * (a.templateBytes / a.templates));
  });
});

describe.skipIf(!hasData)('coarse finger residency with ten-finger subjects', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-tier10-'));
  dirs.push(dir);
  const searches: { mate: string; probe: Probe }[] = [];
  let full: DedupEngine, coarse: DedupEngine;
  const tenFingers = (templates: readonly Uint8Array[]) => Object.fromEntries(templates.map((bytes, i) => [i + 1, { modality: 'finger' as const, version: 1, bytes }]));

  beforeAll(async () => {
    // real persons of ten different real fingers each (composite: FVC2002 DB1–DB3, one a set),
    // enrolled with impression 1, searched with each of the other seven; a generated ten-finger background
    const persons = realPersons(fvcRealFingers(dataDir()), 10);
    full = DedupEngine.open({ dataDir: dir, key: KEY, threads: 2, prefilter: { minKeep: 12 } });
    for (const [i, p] of persons.entries()) {
      const g = p.fingers.map((f) => enrol(f.impressions[0] as never));
      if (g.some((t) => t === null)) continue;
      await full.insert({ referenceId: `real10-${i}`, fingers: tenFingers(g as Uint8Array[]) });
      for (let imp = 1; imp < 8; imp++) {
        const q = p.fingers.map((f) => enrol(f.impressions[imp] as never));
        const fingers = q.flatMap((t, k) => (t === null ? [] : [{ position: k + 1, template: t }]));
        if (fingers.length >= 8) searches.push({ mate: `real10-${i}`, probe: { fingers } });
      }
    }
    const background = generateDataset(800, 1, 20261205);
    for (let s = 0; s < 80; s++) {
      const t = Array.from({ length: 10 }, (_, k) => matcher.createTemplate(background[10 * s + k].record.views[0].minutiae).bytes);
      await full.insert({ referenceId: `background10-${s}`, fingers: tenFingers(t) });
    }
    await full.ready();
    // ~90 subjects: 12 prefilter candidates, 6 finalists, the coarse gate at its default
    coarse = DedupEngine.open({ dataDir: dir, key: KEY, threads: 2, prefilter: { minKeep: 12 }, fingerResidency: 'coarse', coarseKeepShare: 0.01, coarseMinKeep: 6 });
    await coarse.ready();
  }, 240_000);
  afterAll(async () => { await coarse?.close(); await full?.close(); });

  it('finds the same mates with the same fused and per-finger scores as the full residency, prefilter and exhaustive', async () => {
    expect(searches.length).toBeGreaterThanOrEqual(10);
    let found = 0;
    for (const mode of ['prefilter', 'exhaustive'] as const) {
      for (const { mate, probe } of searches) {
        const a = await full.identify(probe, { mode, targetFPIR: 0, maxResults: 3 });
        const b = await coarse.identify(probe, { mode, targetFPIR: 0, maxResults: 3 });
        expect(b.stages?.finalists).toBeLessThanOrEqual(6);
        // the coarse stage ran over every finger of every subject (exhaustive) or of the prefilter's few, gated
        if (mode === 'exhaustive') expect(b.stages?.coarseComparisons).toBeGreaterThanOrEqual(800);
        else expect(b.stages?.coarseComparisons).toBeLessThan(120);
        const mateA = a.candidates.find((c) => c.referenceId === mate), mateB = b.candidates.find((c) => c.referenceId === mate);
        expect(mateB?.score).toBe(mateA?.score);
        expect(mateB?.scores).toEqual(mateA?.scores);
        if (mateB !== undefined && b.candidates[0].referenceId === mate) found++;
      }
    }
    // ten real fingers against ten: the mate is first in (almost) every search of both modes
    expect(found).toBeGreaterThanOrEqual(2 * searches.length - 1);
  }, 240_000);
});

describe('coarse residency: forms and failures', () => {
  const data = generateDataset(8, 1, 7);
  const templates = data.map((d) => matcher.createTemplate(d.record.views[0].minutiae).bytes);

  it('makes a coarse form from MCC1, passes a coarse one through, refuses other bytes', () => {
    const c = coarseFingerTemplate(templates[0]);
    expect(isCoarseFingerTemplate(c)).toBe(true);
    expect(c.length).toBeLessThan(templates[0].length / 3);
    expect(coarseFingerTemplate(c)).toBe(c);
    expect(() => coarseFingerTemplate(new Uint8Array(64))).toThrow(expect.objectContaining({ code: 'ERR_TEMPLATE_CORRUPT' }));
  });

  it('the coarse gate compares the other fingers of the best ⌈share × n⌉ by the first finger only, with the ungated scores', () => {
    const more = generateDataset(48, 1, 11).map((d) => matcher.createTemplate(d.record.views[0].minutiae).bytes);
    const gallery = new Gallery({ shardCapacity: 64, maxTemplateBytes: 65536, compactAtTombstoneShare: 0.25, fingerResidency: 'coarse' });
    for (let s = 0; s < 24; s++) {
      gallery.add(`s-${s}`, s, [{ modality: MODALITY_FINGER, position: 2, bytes: more[2 * s] }, { modality: MODALITY_FINGER, position: 7, bytes: more[2 * s + 1] }]);
    }
    const ranges = new Uint32Array(48);
    for (let s = 0; s < 24; s++) { const at = gallery.locate(s)!; ranges[2 * s] = at.firstSlot; ranges[2 * s + 1] = at.slotCount; }
    const arena = gallery.arena(0);
    const probe = { modalities: [MODALITY_FINGER, MODALITY_FINGER], positions: [2, 7], templates: [more[6], more[7]] };
    const task = { memory: arena.memory, slotCount: arena.slotCount, probe, ranges, threshold: Number.NEGATIVE_INFINITY, k: 24 };
    const scanner = new ShardScanner();
    const ungated = scanner.scan(task);
    const gated = scanner.scan({ ...task, columnMasks: new Uint16Array(24).fill(1), coarsePassShare: 0.25 });
    expect(ungated.comparisons).toBe(48);
    expect(gated.comparisons).toBe(24 + 6);
    const rowOf = (r: typeof gated, subject: number) => { const i = r.subjects.indexOf(subject); return [r.perFinger[2 * i], r.perFinger[2 * i + 1]]; };
    const byFirst = [...Array(24).keys()].sort((a, b) => rowOf(ungated, b)[0] - rowOf(ungated, a)[0] || a - b);
    for (const [rank, subject] of byFirst.entries()) {
      const [first, second] = rowOf(gated, subject);
      expect(first).toBe(rowOf(ungated, subject)[0]);
      if (rank < 6) expect(second).toBe(rowOf(ungated, subject)[1]);
      else expect(second).toBeNaN();
    }
    expect(gated.subjects[0]).toBe(3); // the probe's own subject still ranks first
    expect(() => scanner.scan({ ...task, coarsePassShare: 0.25 })).toThrow(expect.objectContaining({ code: 'ERR_SCAN_TASK' }));
  });

  it('the kernel\'s two-pointer direction ranges score as every pair within the window would (windows 32 and 43, wrap included)', () => {
    const forms = generateDataset(12, 1, 5).map((d) => coarseFingerTemplate(matcher.createTemplate(d.record.views[0].minutiae).bytes));
    for (const w of [32, 43]) {
      const g = new CoarseGallery(forms);
      g.directionWindow(w);
      let wrapped = 0;
      for (const a of forms) {
        const got = g.compareAll(a);
        forms.forEach((b, j) => {
          const want = referenceCoarseScore(a, b, w);
          wrapped += want.wrappedPairs;
          expect(got[j]).toBeCloseTo(want.score, 5);
        });
      }
      expect(wrapped).toBeGreaterThan(0); // pairs across 0/255 were compared
    }
  });

  it('builds the coarse form byte for byte as its definition (generated and, when present, real FVC2002 templates)', () => {
    const mcc1 = generateDataset(60, 1, 17).map((d) => matcher.createTemplate(d.record.views[0].minutiae).bytes);
    if (hasData) for (const f of fvcRealFingers(dataDir()).slice(0, 40)) { const r = f.impressions[0] as never as { views: { minutiae: never[] }[]; resolutionX: number } | null; if (r?.views[0] !== undefined) mcc1.push(matcher.createTemplate(r.views[0].minutiae, { resolutionPxPerCm: r.resolutionX }).bytes); }
    expect(mcc1.length).toBeGreaterThanOrEqual(60);
    for (const t of mcc1) expect(Buffer.from(coarseFingerTemplate(t)).equals(Buffer.from(referenceCoarseForm(t)))).toBe(true);
  });

  it('a finalist the store cannot read fails the search with ERR_TIER_FETCH, and a deleted one is skipped', () => {
    const gallery = new Gallery({ shardCapacity: 16, maxTemplateBytes: 65536, compactAtTombstoneShare: 0.25, fingerResidency: 'coarse' });
    gallery.add('a', 1, [{ modality: MODALITY_FINGER, position: 2, bytes: templates[0] }]);
    gallery.add('b', 2, [{ modality: MODALITY_FINGER, position: 2, bytes: templates[1] }]);
    const templatesOf = () => [{ modality: MODALITY_FINGER, position: 2, bytes: templates[2] }];
    const broken = { get: (id: string) => { if (id === 'b') throw new StoreError('ERR_STORE_CORRUPT', 'record of "b" failed authentication', { referenceId: 'b' }); return { referenceId: id, sequence: 1, fingers: {}, irises: {} } as never; } };
    let thrown: unknown;
    try { finalistArena(broken, gallery, [1, 2], templatesOf, 65536); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(EngineError);
    expect(thrown).toMatchObject({ code: 'ERR_TIER_FETCH' });
    const gone = { get: (id: string) => (id === 'b' ? undefined : { referenceId: id, sequence: 1, fingers: {}, irises: {} } as never) };
    const { placed, ranges } = finalistArena(gone, gallery, [1, 2], templatesOf, 65536);
    expect(placed).toBe(1);
    expect(Array.from(ranges)).toEqual([0, 1]);
  });

  it('finalists read in pieces score as when read at once; a later piece that cannot be read fails the search', async () => {
    const more = generateDataset(40, 1, 13).map((d) => matcher.createTemplate(d.record.views[0].minutiae).bytes);
    const gallery = new Gallery({ shardCapacity: 64, maxTemplateBytes: 65536, compactAtTombstoneShare: 0.25, fingerResidency: 'coarse' });
    const stored = new Map<string, Uint8Array>();
    for (let s = 0; s < 40; s++) { gallery.add(`s-${s}`, s, [{ modality: MODALITY_FINGER, position: 2, bytes: more[s] }]); stored.set(`s-${s}`, more[s]); }
    const source = { get: (id: string) => ({ referenceId: id, sequence: 1, fingers: { 2: { modality: 'finger', version: 1, bytes: stored.get(id)! } }, irises: {} }) as never };
    const templatesOf = (x: { fingers?: Record<number, { bytes: Uint8Array }> }) => [{ modality: MODALITY_FINGER, position: 2, bytes: x.fingers![2].bytes }];
    const probe = { modalities: [MODALITY_FINGER], positions: [2], templates: [more[5]] };
    const scanner = new ShardScanner();
    const score = (arena: { memory: WebAssembly.Memory; slotCount: number }, ranges: Uint32Array) => [Promise.resolve(scanner.scan({ memory: arena.memory, slotCount: arena.slotCount, probe, ranges, threshold: Number.NEGATIVE_INFINITY, k: 40 }))];
    const ordinals = [...Array(40).keys()].reverse();
    const flat = (r: Awaited<ReturnType<typeof scoreFinalists>>) => r.results.flatMap((x) => [...x.subjects].map((o, i) => `${o}:${x.fused[i]}`)).sort();
    const once = await scoreFinalists(source, gallery, ordinals, templatesOf as never, 65536, 1, score);
    const pieces = await scoreFinalists(source, gallery, ordinals, templatesOf as never, 65536, 5, score);
    expect(once.results.length).toBe(1);
    expect(pieces.results.length).toBe(5);
    expect(pieces.placed).toBe(40);
    expect(flat(pieces)).toEqual(flat(once));
    const broken = { get: (id: string) => { if (id === 's-3') throw new StoreError('ERR_STORE_CORRUPT', 'record failed authentication', { referenceId: id }); return source.get(id); } };
    await expect(scoreFinalists(broken, gallery, ordinals, templatesOf as never, 65536, 5, score)).rejects.toMatchObject({ code: 'ERR_TIER_FETCH' });
  });

  it('an identify whose finalist cannot be read from the store fails whole with ERR_TIER_FETCH', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-tier-fetch-'));
    dirs.push(dir);
    const subjects = Array.from({ length: 4 }, (_, s) => fingerSubject(`s-${s}`, templates[2 * s], templates[2 * s + 1]));
    const engine = DedupEngine.open({ dataDir: dir, key: KEY, threads: 1, fingerResidency: 'coarse', coarseMinKeep: 4 });
    try {
      for (const s of subjects) await engine.insert(s);
      const probe = twoFingerProbe(templates[2], templates[3]);
      expect((await engine.identify(probe, { mode: 'exhaustive' })).candidates[0]?.referenceId).toBe('s-1');
      // damage one sealed record in place (as a disk fault would): every subject is a finalist here
      const root = openLmdb({ path: dir, ...DURABLE_LMDB_OPTIONS });
      const records = root.openDB<Uint8Array, string>(STORE_DATABASES.subjects, { encoding: 'binary' });
      const record = Uint8Array.from(records.get('s-2')!);
      record[record.length - 5] ^= 0xff;
      await records.put('s-2', record);
      await expect(engine.identify(probe, { mode: 'exhaustive' })).rejects.toMatchObject({ code: 'ERR_TIER_FETCH' });
      await expect(engine.verify('s-2', probe)).rejects.toMatchObject({ code: 'ERR_TIER_FETCH' });
      expect(await engine.verify('s-1', probe)).toMatchObject({ match: true });
      expect(engine.count()).toBe(4);
      await root.close();
    } finally {
      await engine.close();
    }
  });
});

/** The coarse score by its definition (matchers-wasm/finger-coarse): every cylinder pair within `w` 1/256 turns, in doubles. */
function referenceCoarseScore(a: Uint8Array, b: Uint8Array, w: number): { score: number; wrappedPairs: number } {
  const parse = (f: Uint8Array) => {
    const v = new DataView(f.buffer, f.byteOffset, f.byteLength), n = v.getUint32(4, true), at = 8 + ((n + 3) & ~3);
    const word = (kind: number, c: number) => v.getUint32(at + 4 * (kind * n + c), true);
    return { n, dir: (c: number) => f[8 + c], word };
  };
  const popcount = (x: number) => { let k = 0; for (let y = x >>> 0; y !== 0; y &= y - 1) k++; return k; };
  const A = parse(a), B = parse(b);
  if (A.n === 0 || B.n === 0) return { score: 0, wrappedPairs: 0 };
  const m = Math.min(A.n, B.n);
  const np = Math.min(m, 4 + Math.round((1 / (1 + Math.exp(-0.4 * (m - 20)))) * 8));
  const sims: number[] = [];
  let wrappedPairs = 0;
  for (let i = 0; i < A.n; i++) {
    for (let j = 0; j < B.n; j++) {
      const d = Math.abs(A.dir(i) - B.dir(j));
      if (Math.min(d, 256 - d) > w) continue;
      if (d > w) wrappedPairs++;
      const common = A.word(0, i) & B.word(0, j);
      if (popcount(common) < 19) continue;
      let ca = 0, cb = 0, differ = 0;
      for (let layer = 1; layer <= 5; layer++) {
        const x = A.word(layer, i) & common, y = B.word(layer, j) & common;
        ca += popcount(x); cb += popcount(y); differ += popcount(x ^ y);
      }
      const norms = Math.sqrt(ca) + Math.sqrt(cb);
      if (norms > 0) sims.push(1 - Math.sqrt(differ) / norms);
    }
  }
  sims.sort((x, y) => y - x);
  let sum = 0;
  for (let k = 0; k < np; k++) sum += Math.max(0, sims[k] ?? 0);
  return { score: sum / np, wrappedPairs };
}

/**
 * The MCQ1 form by its definition (finger-coarse.ts; the builder before its table-driven rewrite):
 * each coarse cell of a cylinder valid when at least half its fine cells are, a layer bit set when
 * at least half its valid fine cells are set, the direction in 1/256 turns.
 */
function referenceCoarseForm(mcc1: Uint8Array): Uint8Array {
  const v = new DataView(mcc1.buffer, mcc1.byteOffset, mcc1.byteLength), n = v.getUint32(4, true);
  const fineToCoarse: number[] = [];
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      const size = 140 / 12, u = Math.fround((i + 0.5 - 6) * size), w = Math.fround((j + 0.5 - 6) * size);
      if (u * u + w * w > 70 * 70) continue;
      const ci = i >> 1, cj = j >> 1;
      let index = 0;
      for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) { if ((a === 0 || a === 5) && (b === 0 || b === 5)) continue; if (a === ci && b === cj) fineToCoarse.push(index); index++; }
    }
  }
  const fineIn = new Array(32).fill(0);
  for (const k of fineToCoarse) fineIn[k]++;
  const cylindersAt = (16 + 16 * n + 15) & ~15; // MCC1: the header, 16 bytes of minutia data each, cylinders from the next 16-byte boundary
  const out = new Uint8Array(8 + ((n + 3) & ~3) + 24 * n), o = new DataView(out.buffer), wordsAt = 8 + ((n + 3) & ~3);
  o.setUint32(0, 0x3151434d, true);
  o.setUint32(4, n, true);
  const counts = (from: number) => { const c = new Array(32).fill(0); for (let f = 0; f < 112; f++) if (mcc1[from + (f >> 3)] & (1 << (f & 7))) c[fineToCoarse[f]]++; return c; };
  for (let c = 0; c < n; c++) {
    out[8 + c] = Math.min(255, Math.floor((v.getFloat32(16 + 8 * n + 4 * c, true) / (2 * Math.PI)) * 256));
    const at = cylindersAt + c * 96, valid = counts(at);
    let mask = 0;
    for (let k = 0; k < 32; k++) if (2 * valid[k] >= fineIn[k]) mask |= 1 << k;
    o.setUint32(wordsAt + 4 * c, mask >>> 0, true);
    for (let layer = 0; layer < 5; layer++) {
      const set = counts(at + 16 * (1 + layer));
      let word = 0;
      for (let k = 0; k < 32; k++) if (valid[k] > 0 && set[k] >= 0.5 * valid[k]) word |= 1 << k;
      o.setUint32(wordsAt + 4 * n * (1 + layer) + 4 * c, (word & mask) >>> 0, true);
    }
  }
  return out;
}
