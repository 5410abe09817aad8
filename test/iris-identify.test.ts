/**
 * The coarse first pass of iris 1:N (matchers-wasm/iris/coarse.ts, engine/gallery/iris-coarse-*.ts):
 * the kernel on generated codes (no data needed), and on real eyes (MMU1, CASIA-V1 subset)
 * planted among generated background subjects: the coarse search returns the exhaustive
 * search's answer, keeps the mates, falls back to the exhaustive search when it must, and
 * follows inserts and deletes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DedupEngine, IRIS_TEMPLATE_VERSION, IrisMatcher, generateTemplateKey, parseTemplateKey, type IdentifyResult, type Probe, type Subject } from '../engine/index.ts';
import { COARSE_BATCH, IrisCoarseKernel } from '../engine/iris-coarse.ts';
import { IrisBackground } from '../bench/identify-iris-background.ts';
import { plantedIrises, type PlantedIrises } from '../bench/identify-iris-planted.ts';
import { dataDir } from '../bench/data-dir.ts';

const HEADER = 16, CODE_BYTES = 256;

/** A generated code with every bit usable (its own texture, an all-ones mask). */
function fullMaskCodes(count: number, seed: number): Uint8Array[] {
  const matcher = new IrisMatcher();
  const allUsable = matcher.templateFromNormalised(new Float32Array(32 * 256).map((_, i) => 100 + (i % 7)), new Uint8Array(32 * 256).fill(1)).bytes;
  const bg = new IrisBackground([allUsable]);
  return Array.from({ length: count }, (_, i) => bg.code(seed, i));
}

/** The template rotated by `shift` code positions (16 bits a position), as another capture of the same eye at another head tilt. */
function rotated(bytes: Uint8Array, shift: number): Uint8Array {
  const out = bytes.slice();
  for (let a = 0; a < 128; a++) {
    const from = ((a + shift + 128) % 128) * 2;
    for (const base of [HEADER, HEADER + CODE_BYTES]) { out[base + a * 2] = bytes[base + from]; out[base + a * 2 + 1] = bytes[base + from + 1]; }
  }
  return out;
}

/** The template with all but the first `keepBytes` mask bytes cleared (a mostly shut eye), header count updated. */
function mostlyMasked(bytes: Uint8Array, keepBytes: number): Uint8Array {
  const out = bytes.slice();
  out.fill(0, HEADER + CODE_BYTES + keepBytes, HEADER + 2 * CODE_BYTES);
  let usable = 0;
  for (let k = HEADER + CODE_BYTES; k < out.length; k++) for (let v = out[k]; v; v &= v - 1) usable++;
  new DataView(out.buffer).setUint32(8, usable, true);
  return out;
}

describe('coarse iris kernel (generated codes)', () => {
  it('ranks a rotated copy of the probe first, at its own similarity, within the ±15-position search', () => {
    const codes = fullMaskCodes(300, 5);
    const k = new IrisCoarseKernel(1);
    const entries = new Uint8Array(codes.length * k.entryBytes);
    codes.forEach((c, i) => k.entryOf(c, entries, i * k.entryBytes));
    const out = new Float32Array(codes.length);
    const scan = () => { for (let at = 0; at < codes.length; at += COARSE_BATCH) k.scan(0, entries, at * k.entryBytes, Math.min(COARSE_BATCH, codes.length - at), out, at); };
    k.prepareProbe(0, codes[17]);
    scan();
    const self = out[17];
    expect(self).toBeGreaterThan(0.9);
    const impostors = [...out].filter((_, i) => i !== 17);
    expect(Math.max(...impostors)).toBeLessThan(0.68);
    for (const shift of [-15, -7, 1, 13]) {
      k.prepareProbe(0, rotated(codes[17], shift));
      scan();
      expect(out[17]).toBeCloseTo(self, 5);
      expect(Math.max(...[...out].filter((_, i) => i !== 17))).toBeLessThan(out[17] - 0.2);
    }
    // beyond the rotation search the copy is a stranger
    k.prepareProbe(0, rotated(codes[17], 40));
    scan();
    expect(out[17]).toBeLessThan(0.7);
  });

  it('refuses a template of the wrong size with a typed error', () => {
    const k = new IrisCoarseKernel(1);
    expect(() => k.prepareProbe(0, new Uint8Array(100))).toThrow(expect.objectContaining({ code: 'ERR_TEMPLATE_CORRUPT' }));
  });
});

const hasData = existsSync(join(dataDir(), 'iris', 'mmu1')) && existsSync(join(dataDir(), 'iris', 'casia-v1-subset'));
if (!hasData) console.warn(`iris-identify: real-data tests skipped (no ${join(dataDir(), 'iris')}/mmu1 and casia-v1-subset; set BIODEDUP_DATA)`);

describe.skipIf(!hasData)('iris identify with the coarse pass, real eyes among 3,000 generated subjects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iris-identify-'));
  let engine: DedupEngine;
  let planted: PlantedIrises;
  const iris = (bytes: Uint8Array) => ({ modality: 'iris' as const, version: IRIS_TEMPLATE_VERSION, bytes });

  beforeAll(async () => {
    planted = plantedIrises();
    engine = DedupEngine.open({ dataDir: dir, key: parseTemplateKey(generateTemplateKey()), threads: 2, prefilter: {} });
    const bg = new IrisBackground(planted.realTemplates.filter((r) => r.half === 'first').map((r) => r.bytes));
    const subjects: Subject[] = Array.from({ length: 3000 }, (_, i) => ({ referenceId: `bg-${i}`, irises: { right: iris(bg.code(3, 2 * i)), left: iris(bg.code(3, 2 * i + 1)) } }));
    for (const p of planted.gallery) subjects.push({ referenceId: p.referenceId, irises: { ...(p.right ? { right: iris(p.right) } : {}), ...(p.left ? { left: iris(p.left) } : {}) } });
    for (let i = 0; i < subjects.length; i += 500) await Promise.all(subjects.slice(i, i + 500).map((s) => engine.insert(s)));
  }, 180_000);
  afterAll(async () => {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const same = (a: IdentifyResult, b: IdentifyResult) => a.candidates.map((c) => [c.referenceId, c.score]).join() === b.candidates.map((c) => [c.referenceId, c.score]).join();

  it('gives the exhaustive answer and keeps every mate the exhaustive search finds, at a fraction of the comparisons', async () => {
    let mates = 0, sameLists = 0, coarseComparisons = 0, fullComparisons = 0;
    const searches = planted.searches.filter((_, i) => i % 3 === 0);
    for (const s of searches) {
      const c = await engine.identify(s.probe, { targetFPIR: 0, mode: 'prefilter' });
      const e = await engine.identify(s.probe, { targetFPIR: 0, mode: 'exhaustive' });
      expect(c.mode).toBe('prefilter');
      expect(e.mode).toBe('exhaustive');
      coarseComparisons += c.comparisons;
      fullComparisons += e.comparisons;
      const mateInExhaustive = e.candidates.some((x) => x.referenceId === s.mate);
      if (mateInExhaustive) {
        mates++;
        expect(c.candidates.some((x) => x.referenceId === s.mate), `${s.mate} dropped by the coarse pass`).toBe(true);
      }
      // the mate and everything above it: the same candidates with the same scores
      const mateScore = e.candidates.find((x) => x.referenceId === s.mate)?.score ?? Infinity;
      const top = (r: IdentifyResult) => r.candidates.filter((x) => x.score >= mateScore).map((x) => `${x.referenceId}:${x.score}`).join();
      expect(top(c)).toBe(top(e));
      if (same(c, e)) sameLists++;
    }
    expect(mates).toBeGreaterThan(searches.length * 0.6);
    // whole lists (places below the mate too) agree on most searches: at targetFPIR 0 the
    // threshold (≈ 35) lets generated non-mates into the lists, and the coarse pass need not keep
    // every one of them. Measured: over 90 % with the earlier, easier background model, 78 of 87
    // with the log-Gabor one (σ 2, ρ 0.75: a heavier impostor tail, bench/identify-iris-background.ts),
    // 67 of 87 with IRC3 codes and their refitted calibration (a steeper tail slope lifts more
    // generated non-mates over the targetFPIR-0 threshold; the mate and every place above it
    // stay identical, asserted above).
    expect(sameLists).toBeGreaterThan(searches.length * 0.7);
    expect(coarseComparisons).toBeLessThan(fullComparisons * 0.15);
  }, 300_000);

  it('falls back to the exhaustive search for a poor probe eye, a probe with a finger, a small gallery by default, and when asked', async () => {
    const s = planted.searches.find((x) => x.set === 'mmu1' && x.probe.irises!.length === 2)!;
    const [first, second] = s.probe.irises!;
    const poor: Probe = { irises: [{ side: first.side, template: mostlyMasked(first.template, 40) }, second] };
    expect((await engine.identify(poor, { targetFPIR: 0, mode: 'prefilter' })).mode).toBe('exhaustive');
    // 3,065 subjects < COARSE_MIN_GALLERY: the default is exhaustive
    expect((await engine.identify(s.probe, { targetFPIR: 0 })).mode).toBe('exhaustive');
    expect((await engine.identify(s.probe, { targetFPIR: 0, mode: 'exhaustive' })).mode).toBe('exhaustive');
    const c = await engine.identify(s.probe, { targetFPIR: 0, mode: 'prefilter' });
    expect(c.mode).toBe('prefilter');
    expect(c.candidates[0]?.referenceId).toBe(s.mate);
  }, 60_000);

  it('compares a probe eye of unknown side with both eyes of every subject', async () => {
    const s = planted.searches.find((x) => x.set === 'mmu1' && x.probe.irises!.length === 2)!;
    const probe: Probe = { irises: [{ side: 'unknown', template: s.probe.irises![1].template }] };
    const c = await engine.identify(probe, { targetFPIR: 0, mode: 'prefilter' });
    const e = await engine.identify(probe, { targetFPIR: 0, mode: 'exhaustive' });
    expect(c.mode).toBe('prefilter');
    // the mate and everything above it as the exhaustive search has them (non-mates below the
    // mate may differ: see above)
    const mateScore = e.candidates.find((x) => x.referenceId === s.mate)!.score;
    const top = (r: IdentifyResult) => r.candidates.filter((x) => x.score >= mateScore).map((x) => `${x.referenceId}:${x.score}`).join();
    expect(top(c)).toBe(top(e));
    expect(c.candidates[0]?.referenceId).toBe(s.mate);
    expect(e.candidates[0]?.referenceId).toBe(s.mate);
  }, 60_000);

  it('follows inserts and deletes: a new subject is found, a deleted one never returned', async () => {
    const s = planted.searches.find((x) => x.set === 'casia-v1')!;
    const twin = { referenceId: 'late-twin', irises: { right: iris(s.probe.irises![0].template) } };
    await engine.insert(twin);
    let r = await engine.identify(s.probe, { targetFPIR: 0, mode: 'prefilter' });
    expect(r.mode).toBe('prefilter');
    expect(r.candidates[0].referenceId).toBe('late-twin');
    await engine.delete('late-twin');
    await engine.delete(s.mate);
    r = await engine.identify(s.probe, { targetFPIR: 0, mode: 'prefilter' });
    expect(r.candidates.map((c) => c.referenceId)).not.toContain('late-twin');
    expect(r.candidates.map((c) => c.referenceId)).not.toContain(s.mate);
    const e = await engine.identify(s.probe, { targetFPIR: 0, mode: 'exhaustive' });
    expect(same(r, e)).toBe(true);
  }, 60_000);
});
