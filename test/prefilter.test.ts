/**
 * The 1:N prefilter (engine/prefilter/): the finger vector's invariances and its ranking of
 * mates, and the hnswlib index wrapper's semantics. Generated data only (datasets/synthetic.ts);
 * recall on real data is measured by bench/prefilter-recall.ts, not asserted here.
 */
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FingerMatcher, templateMinutiae, type TemplateMinutia } from '../engine/finger-matcher.ts';
import { EngineError } from '../engine/errors.ts';
import { fingerVector, templateVector, isEmptyVector, pairHistogramFeatures, FingerIndex, PREFILTER } from '../engine/prefilter/index.ts';
import { generateDataset, mulberry32 } from '../datasets/synthetic.ts';

const matcher = new FingerMatcher();
const TWO_PI = 2 * Math.PI;
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
const distance = (a: Float32Array, b: Float32Array): number => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));

/** Rotation by `theta` (counter-clockwise on screen, y down, as ISO angles turn) about (cx, cy), then a shift. */
function moved(m: readonly TemplateMinutia[], theta: number, tx: number, ty: number): TemplateMinutia[] {
  const cx = 150, cy = 200, c = Math.cos(theta), s = Math.sin(theta);
  return m.map(({ x, y, angle }) => ({
    x: cx + tx + (x - cx) * c + (y - cy) * s,
    y: cy + ty - (x - cx) * s + (y - cy) * c,
    angle: (((angle + theta) % TWO_PI) + TWO_PI) % TWO_PI,
  }));
}

function expectCode(run: () => unknown, code: string): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** Unit vectors with a fixed seed, for index tests that need no fingerprints. */
function randomVectors(count: number, seed: number): Float32Array[] {
  const r = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: PREFILTER.dimension }, () => r() - 0.5);
    const n = Math.sqrt(dot(v, v));
    return v.map((x) => x / n);
  });
}

describe('finger vector', () => {
  const samples = generateDataset(30, 3, 9001);
  const templates = samples.map((s) => matcher.createTemplate(s.record.views[0].minutiae));

  it('has the fixed dimension and unit length', () => {
    const v = templateVector(templates[0]);
    expect(v.length).toBe(PREFILTER.dimension);
    expect(dot(v, v)).toBeCloseTo(1, 5);
  });

  it('is unchanged by rotating and translating the minutiae (float error only)', () => {
    const m = templateMinutiae(templates[0]);
    const v = fingerVector(m).slice();
    for (const [theta, tx, ty] of [[0.7, 12, -30], [-2.5, -40, 25], [Math.PI, 0, 0]]) {
      expect(distance(v, fingerVector(moved(m, theta, tx, ty)))).toBeLessThan(1e-3);
    }
  });

  it('stays close through a rotated, rounded record and a new template (cosine > 0.7; mate/non-mate gap is larger)', () => {
    // The record path rounds coordinates to whole pixels, which moves pairs across soft-bin
    // weights and a few cylinder bits; the sign vector's cosine was 0.82 when this was written
    // (sign bits turn a float cosine c into 1 − 2·arccos(c)/π: 0.96 → 0.82).
    const source = samples[0].record.views[0].minutiae;
    const turned = moved(source.map(({ x, y, angle }) => ({ x, y, angle })), 0.4, 10, 5)
      .map((m, i) => ({ ...source[i], x: Math.round(m.x), y: Math.round(m.y), angle: m.angle }));
    const a = templateVector(templates[0]);
    const b = templateVector(matcher.createTemplate(turned));
    expect(dot(a, b)).toBeGreaterThan(0.7);
    expect(dot(a, b)).toBeGreaterThan(dot(a, templateVector(templates[3])) + 0.3);
  });

  it('ranks a mate above most non-mates on synthetic impressions (mean share of non-mates above the mate < 2 %)', () => {
    // Measured when written: mean 0.06 %, worst pair 3.4 %, 97 % of mates ranked first.
    const vectors = templates.map((t) => templateVector(t));
    const shares: number[] = [];
    samples.forEach((probe, i) => {
      samples.forEach((mate, j) => {
        if (j === i || mate.identity !== probe.identity) return;
        const s = dot(vectors[i], vectors[j]);
        const others = vectors.filter((_, k) => samples[k].identity !== probe.identity);
        shares.push(others.filter((o) => dot(vectors[i], o) >= s).length / others.length);
      });
    });
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(mean).toBeLessThan(0.02);
  });

  it('exposes the unfolded histogram: null for too few pairs, rotation-invariant otherwise', () => {
    expect(pairHistogramFeatures([{ x: 10, y: 10, angle: 0 }])).toBeNull();
    const m = templateMinutiae(templates[2]);
    const a = pairHistogramFeatures(m)!;
    expect(a.length).toBe(PREFILTER.distanceBins * PREFILTER.angleBins ** 2);
    const b = pairHistogramFeatures(moved(m, 1.1, 5, 5))!;
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i])))).toBeLessThan(1e-6);
  });

  it('gives the empty vector for too few minutiae and refuses NaN', () => {
    expect(isEmptyVector(fingerVector([{ x: 10, y: 10, angle: 0 }, { x: 50, y: 10, angle: 1 }]))).toBe(true);
    expect(isEmptyVector(fingerVector([]))).toBe(true);
    expectCode(() => fingerVector([{ x: Number.NaN, y: 1, angle: 0 }]), 'ERR_PREFILTER_INPUT');
    expectCode(() => fingerVector([{ x: 1, y: 1, angle: Number.POSITIVE_INFINITY }]), 'ERR_PREFILTER_INPUT');
    expectCode(() => fingerVector([], new Float32Array(3)), 'ERR_PREFILTER_DIMENSION');
    expect(fingerVector(templateMinutiae(templates[1]), new Float32Array(512)).length).toBe(512);
  });
});

describe('finger index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'biodedup-prefilter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const vectors = randomVectors(300, 7);

  function filled(capacity = 16): FingerIndex {
    const index = FingerIndex.create({ capacity });
    vectors.forEach((v, i) => index.add(1000 + i, v)); // grows past the small capacity
    return index;
  }

  it('adds past its capacity and finds each vector as its own nearest neighbour', () => {
    const index = filled();
    expect(index.size).toBe(300);
    expect(index.capacity).toBeGreaterThanOrEqual(300);
    for (const i of [0, 77, 299]) {
      const { slots, similarities } = index.search(vectors[i], 5);
      expect(slots[0]).toBe(1000 + i);
      expect(similarities[0]).toBeCloseTo(1, 4);
      expect(slots.length).toBe(5);
    }
  });

  it('never returns a deleted slot, and revives it when the slot is added again', () => {
    const index = filled();
    index.remove(1005);
    expect(index.has(1005)).toBe(false);
    expect(index.size).toBe(299);
    expect(Array.from(index.search(vectors[5], 300).slots)).not.toContain(1005);
    expectCode(() => index.remove(1005), 'ERR_PREFILTER_SLOT');
    expectCode(() => index.remove(42), 'ERR_PREFILTER_SLOT');
    index.add(1005, vectors[6]); // slot reused for another finger
    expect(index.search(vectors[6], 2).slots).toContain(1005);
  });

  it('restricts results to an allowed label set', () => {
    const index = filled();
    const allow = new Set([1010, 1020, 1030]);
    const { slots } = index.search(vectors[0], 10, { allow });
    expect(new Set(slots)).toEqual(allow);
    expect(index.search(vectors[0], 10, { allow: (s) => s === 1020 }).slots).toEqual(Uint32Array.of(1020));
  });

  it('saves and loads the same answers, tombstones included; a bad file is a typed error', () => {
    const index = filled();
    index.remove(1001);
    const path = join(dir, 'fingers.hnsw');
    index.save(path);
    expect(readdirSync(dir).sort()).toEqual(['fingers.hnsw', 'fingers.hnsw.tombstones']); // no temporary left behind
    const loaded = FingerIndex.load(path);
    expect(loaded.size).toBe(299);
    for (const i of [2, 150]) expect(loaded.search(vectors[i], 10).slots).toEqual(index.search(vectors[i], 10).slots);
    expect(Array.from(loaded.search(vectors[1], 300).slots)).not.toContain(1001);
    expectCode(() => FingerIndex.load(join(dir, 'missing.hnsw')), 'ERR_PREFILTER_INDEX_FILE');
    const junk = join(dir, 'junk.hnsw');
    writeFileSync(junk, Buffer.from('not an index at all'));
    expectCode(() => FingerIndex.load(junk), 'ERR_PREFILTER_INDEX_FILE'); // no companion
    writeFileSync(`${junk}.tombstones`, JSON.stringify({ format: 'biodedup-prefilter-tombstones-1', count: 0, deleted: [] }));
    expectCode(() => FingerIndex.load(junk), 'ERR_PREFILTER_INDEX_FILE'); // hnswlib refuses the bytes
    // an index saved after more inserts than its companion knows of: refused, not half-trusted
    const later = filled();
    later.add(5000, vectors[9]);
    const stale = join(dir, 'stale.hnsw');
    later.save(stale);
    writeFileSync(`${stale}.tombstones`, JSON.stringify({ format: 'biodedup-prefilter-tombstones-1', count: 300, deleted: [] }));
    expectCode(() => FingerIndex.load(stale), 'ERR_PREFILTER_INDEX_FILE');
    writeFileSync(`${stale}.tombstones`, JSON.stringify({ format: 'biodedup-prefilter-tombstones-1', count: 301, deleted: [1003] }));
    expectCode(() => FingerIndex.load(stale), 'ERR_PREFILTER_INDEX_FILE'); // 1003 is live in the file
    expectCode(() => FingerIndex.load(path, 128), 'ERR_PREFILTER_INDEX_FILE');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses wrong dimensions, NaN, bad slots and bad k with typed errors', () => {
    const index = filled();
    expectCode(() => index.add(1, new Float32Array(7)), 'ERR_PREFILTER_DIMENSION');
    const nan = vectors[0].slice();
    nan[3] = Number.NaN;
    expectCode(() => index.add(1, nan), 'ERR_PREFILTER_VECTOR');
    expectCode(() => index.search(nan, 3), 'ERR_PREFILTER_VECTOR');
    expectCode(() => index.add(-1, vectors[0]), 'ERR_PREFILTER_SLOT');
    expectCode(() => index.add(1.5, vectors[0]), 'ERR_PREFILTER_SLOT');
    expectCode(() => index.search(vectors[0], 0), 'ERR_PREFILTER_OPTIONS');
    expectCode(() => FingerIndex.create({ dimension: 0 }), 'ERR_PREFILTER_DIMENSION');
    expectCode(() => FingerIndex.create({ capacity: -3 }), 'ERR_PREFILTER_OPTIONS');
    expect(index.size).toBe(300); // nothing half-added
  });

  it('answers an empty index with an empty list', () => {
    const empty = FingerIndex.create();
    expect(empty.search(vectors[0], 10).slots.length).toBe(0);
  });
});
