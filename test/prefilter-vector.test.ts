/**
 * The prefilter's sign vector (engine/prefilter/finger-vector.ts, cylinder-codes.ts) as the
 * gallery holds and scans it: the same vector from either template form, packed bits scanned
 * by the SIMD kernel giving exactly the ±1 inner product, and stores sealed with the former
 * (int8) vectors reopened with their vectors recomputed. Generated data only.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DedupEngine, FingerMatcher, generateTemplateKey, parseTemplateKey, type Probe, type Subject } from '../engine/index.ts';
import { toCompactFingerTemplate } from '../engine/finger-compact.ts';
import { templateVector, templateFeatures, vectorOfFeatures } from '../engine/prefilter/finger-vector.ts';
import { PREFILTER_MEAN } from '../engine/prefilter/finger-mean.ts';
import { addCylinderCodes } from '../engine/prefilter/cylinder-codes.ts';
import { PREFILTER } from '../engine/prefilter/params.ts';
import { quantiseQuery, quantiseVector, VECTOR_BITS } from '../engine/gallery/vector-quantise.ts';
import { VECTOR_DIM } from '../engine/gallery/shard-layout.ts';
import { instantiateKernel } from '../engine/wasm-module.ts';
import { ShardArena } from '../engine/gallery/shard-arena.ts';
import { VectorScanner } from '../engine/gallery/vector-scanner.ts';
import { GALLERY_PARAMS } from '../engine/gallery/params.ts';
import { generateDataset } from '../datasets/synthetic.ts';

const matcher = new FingerMatcher();
const samples = generateDataset(12, 2, 16016);
const templates = samples.map((s) => matcher.createTemplate(s.record.views[0].minutiae));
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);

describe('prefilter sign vector', () => {
  it('is D values of ±1/√D, the same from the stored (MCC1) and the compact in-RAM form', () => {
    for (const t of templates) {
      const v = templateVector(t);
      expect(v.length).toBe(PREFILTER.dimension);
      expect(v.every((x) => Math.abs(Math.abs(x) - 1 / Math.sqrt(v.length)) < 1e-7)).toBe(true);
      const compact = toCompactFingerTemplate(t.bytes);
      expect(compact).not.toEqual(t.bytes);
      expect(templateVector({ ...t, bytes: compact })).toEqual(v);
    }
  });

  it('counts cylinder codes, and the codes move the vector (a template without cylinders differs)', () => {
    const codes = new Float64Array(PREFILTER.dimension);
    expect(addCylinderCodes(templates[0], codes)).toBeGreaterThan(templates[0].cylinderCount);
    expect(codes.some((x) => x !== 0)).toBe(true);
    const features = templateFeatures(templates[0])!;
    expect(Math.sqrt(features.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 9);
  });

  it('ranks the other impression of a finger above every other finger here', () => {
    // 12 fingers × 2 generated impressions; measured when written: every mate first
    const vectors = templates.map((t) => templateVector(t));
    samples.forEach((s, i) => {
      const mate = samples.findIndex((o, j) => j !== i && o.identity === s.identity);
      const best = vectors.map((v, j) => (j === i ? -Infinity : dot(vectors[i], v)));
      expect(best.indexOf(Math.max(...best))).toBe(mate);
    });
  });

  it('centred on another mean by vectorOfFeatures: the engine\'s own mean gives templateVector, another mean another vector', () => {
    const features = templateFeatures(templates[3])!;
    const kept = features.slice();
    expect(vectorOfFeatures(features, PREFILTER_MEAN)).toEqual(templateVector(templates[3]));
    expect(features).toEqual(kept);
    const other = Float32Array.from(PREFILTER_MEAN, (x, i) => x + (i % 2 === 0 ? 0.02 : -0.02));
    expect(vectorOfFeatures(features, other)).not.toEqual(templateVector(templates[3]));
    expect(() => vectorOfFeatures(features, PREFILTER_MEAN.subarray(0, 16))).toThrow(expect.objectContaining({ code: 'ERR_PREFILTER_DIMENSION' }));
  });

  it('refuses a template that is too short for its cylinders (typed error)', () => {
    const cut = templates[0].bytes.slice(0, templates[0].bytes.length - 200);
    expect(() => templateVector({ ...templates[0], bytes: cut })).toThrow(expect.objectContaining({ code: 'ERR_PREFILTER_INPUT' }));
  });
});

describe('packed scan kernel', () => {
  interface Kernel { memory: WebAssembly.Memory; allocate(bytes: number): number; agreementMany(q: number, base: number, count: number, bytes: number, scores: number): void }
  const kernel = instantiateKernel<Kernel>(fileURLToPath(new URL('../build/vectors.wasm', import.meta.url)), 'vector kernel');

  it('gives D × the inner product of the ±1/√D vectors, exactly', () => {
    const vectors = templates.map((t) => templateVector(t));
    const packed = vectors.map((v) => quantiseVector(v)!);
    expect(VECTOR_BITS).toBe(PREFILTER.dimension);
    const query = kernel.allocate(VECTOR_DIM), base = kernel.allocate(VECTOR_DIM * packed.length), scores = kernel.allocate(4 * packed.length);
    new Uint8Array(kernel.memory.buffer, query, VECTOR_DIM).set(quantiseQuery(vectors[3])!);
    packed.forEach((p, i) => new Int8Array(kernel.memory.buffer, base + i * VECTOR_DIM, VECTOR_DIM).set(p.values));
    kernel.agreementMany(query, base, packed.length, VECTOR_DIM, scores);
    const got = new Int32Array(kernel.memory.buffer, scores, packed.length);
    vectors.forEach((v, i) => expect(got[i] * packed[i].scale).toBeCloseTo(dot(vectors[3], v), 5));
    expect(got[3]).toBe(VECTOR_BITS);
  });
});

describe('vector scan of a shard', () => {
  // 30 subjects: fingers at positions 2 and 7 (every third subject only position 2), vectors as the engine writes them
  const arena = new ShardArena(128, 1 << 20, 64 * 1024);
  const enrolled = Array.from({ length: 30 }, (_, s) => (s % 3 === 0 ? [2] : [2, 7]).map((position, i) => ({ position, template: templates[(s + 5 * i) % templates.length] })));
  enrolled.forEach((fingers, s) => {
    const range = arena.appendSubject(s, fingers.map((f) => ({ modality: 1, position: f.position, bytes: f.template.bytes })));
    fingers.forEach((f, i) => arena.writeVector(range.firstSlot + i, quantiseVector(templateVector(f.template))!));
  });
  const probe = [templates[4], templates[9]].map((t) => templateVector(t));
  /** The joint score of every subject from the float vectors, as vector-scanner.ts defines it. */
  function expected(queries: { position: number; vector: Float32Array }[]): Map<number, number> {
    const z = queries.map(({ position, vector }) => {
      const sims = enrolled.flatMap((fingers, s) => fingers.filter((f) => f.position === position).map((f) => ({ s, v: dot(vector, templateVector(f.template)) })));
      const mean = sims.reduce((a, x) => a + x.v, 0) / sims.length;
      const sd = Math.sqrt(sims.reduce((a, x) => a + x.v * x.v, 0) / sims.length - mean * mean);
      return new Map(sims.map((x) => [x.s, (x.v - mean) / sd]));
    });
    return new Map(enrolled.map((_, s) => {
      const per = z.map((m) => m.get(s)).filter((v): v is number => v !== undefined);
      return [s, per.reduce((a, b) => a + b, 0) + GALLERY_PARAMS.prefilterMaxWeight * Math.max(...per)];
    }));
  }
  const scanner = new VectorScanner();
  const scan = (queries: { position: number; vector: Float32Array }[]): Map<number, number> => {
    const r = scanner.scan({ kind: 'vectors', memory: arena.memory, slotCount: arena.slotCount, slotFrom: 0, slotTo: arena.slotCount, keepShare: 1, queries: queries.map((q) => ({ position: q.position, query: quantiseQuery(q.vector)! })) });
    return new Map([...r.subjects].map((s, i) => [s, r.joint[i]]));
  };

  it('scores every subject as the float vectors say, one pass per batch (distinct positions)', () => {
    const queries = [{ position: 2, vector: probe[0] }, { position: 7, vector: probe[1] }];
    const got = scan(queries), want = expected(queries);
    expect(got.size).toBe(30);
    for (const [s, joint] of want) expect(got.get(s)).toBeCloseTo(joint, 4);
  });

  it('scores alike through the every-query path (two probe fingers of one position)', () => {
    const queries = [{ position: 2, vector: probe[0] }, { position: 2, vector: probe[1] }];
    const got = scan(queries), want = expected(queries);
    for (const [s, joint] of want) expect(got.get(s)).toBeCloseTo(joint, 4);
  });
});

describe('a store sealed with the former vectors', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-prefilter-v1-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = parseTemplateKey(generateTemplateKey());
  const data = generateDataset(40, 2, 20261203);
  const bytes = (finger: number, impression: 1 | 2): Uint8Array => matcher.createTemplate(data[2 * finger + impression - 1].record.views[0].minutiae).bytes;
  const subject = (s: number): Subject => ({ referenceId: `person-${s}`, fingers: { 2: { modality: 'finger', version: 1, bytes: bytes(2 * s, 1) }, 7: { modality: 'finger', version: 1, bytes: bytes(2 * s + 1, 1) } } });
  const probe = (s: number): Probe => ({ fingers: [{ position: 2, template: bytes(2 * s, 2) }, { position: 7, template: bytes(2 * s + 1, 2) }] });

  it('reopens with its vectors recomputed: the old file is refused, removed, and mates are still kept', async () => {
    const flat = { minKeep: 4, index: 'flat' as const };
    const first = DedupEngine.open({ dataDir: dir, key, threads: 2, prefilter: flat });
    await Promise.all(Array.from({ length: 20 }, (_, s) => first.insert(subject(s))));
    await first.close();
    // what the former engine sealed: version 1, 256 int8 per record, the former parameters
    const formerPrefilter = { minPairDistance: 10, maxPairDistance: 150, distanceBins: 12, angleBins: 20, dimension: 256, sketchSeed: 0x5eed_2002, minPairs: 3, centre: true, centreMean: 'fvc2002-iso-db1-3-fit-half' };
    const recordBytes = 12 + 256;
    const aad = Buffer.from(JSON.stringify({ file: 'biodedup prefilter vectors', version: 1, recordBytes, prefilter: formerPrefilter }), 'utf8');
    const plain = Buffer.alloc(40 * recordBytes);
    for (let r = 0; r < 40; r++) {
      plain.writeUInt32LE(r >> 1, r * recordBytes);
      plain.writeUInt8((r & 1) === 0 ? 2 : 7, r * recordBytes + 4);
      plain.writeFloatLE(0.01, r * recordBytes + 8);
      for (let d = 0; d < 256; d++) plain.writeInt8(((r * 31 + d * 7) % 255) - 127, r * recordBytes + 12 + d);
    }
    const { nonce, sealed } = key.seal(plain, aad);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(0x31564442, 0);
    const file = path.join(dir, 'prefilter', 'vectors.sealed');
    writeFileSync(file, Buffer.concat([header, nonce, sealed]));

    const warnings: unknown[] = [];
    const logger = { warn: (o: Record<string, unknown>) => { warnings.push(o); }, info: () => {} };
    const second = DedupEngine.open({ dataDir: dir, key, threads: 2, prefilter: flat, logger });
    try {
      await second.ready();
      expect(second.stats().cachedVectors).toBe(0);
      expect(existsSync(file)).toBe(false);
      expect(warnings.length).toBeGreaterThan(0);
      for (const s of [0, 7, 19]) expect((await second.prefilterCandidates(probe(s)))!.has(`person-${s}`)).toBe(true);
    } finally {
      await second.close();
    }
    // and the next start copies the new vectors again
    const third = DedupEngine.open({ dataDir: dir, key, threads: 2, prefilter: flat });
    try {
      expect(third.stats().cachedVectors).toBe(40);
    } finally {
      await third.close();
    }
  }, 60_000);
});
