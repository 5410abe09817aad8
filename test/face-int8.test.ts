/**
 * The ONNX forward passes of dlib's ResNet (engine/face/onnx-embedding.ts) against the fused
 * TensorFlow.js pass: the fp32 graph must give the same descriptor to float rounding (so the
 * graph writer and the layout conversion are right), and the int8 graph (calibrated scales,
 * embedding-int8-scales.ts) must stay within a stated cosine of it. Synthetic chips; the
 * extractor check on ORL images is skipped with a message when ../shared/data is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../bench/data-dir.ts';
import { FaceExtractor } from '../engine/face/extractor.ts';
import { codeCosine } from '../engine/face/quantise.ts';
import { l2Normalise, mirrorChip } from '../engine/face/embed.ts';
import { alignFace } from '../engine/face/align.ts';
import { decodeFaceImage } from '../engine/face/decode.ts';
import { normaliseLighting } from '../engine/face/lighting.ts';
import { quantiseEmbedding } from '../engine/face/quantise.ts';
import { EMBEDDING_INT8_SCALES } from '../engine/face/embedding-int8-scales.ts';
import { loadFaceApi, loadFaceModels } from '../engine/face/models.ts';
import type { EmbeddingWeights } from '../engine/face/net-embedding.ts';
import { createInt8EmbeddingNet } from '../engine/face/net-embedding-int8.ts';
import { buildEmbeddingGraph, embeddingInputNchw, nchwInput } from '../engine/face/onnx-embedding.ts';
import { buildLandmarkGraph } from '../engine/face/onnx-landmarks.ts';
import type { LandmarkWeights } from '../engine/face/net-landmarks.ts';
import { encodeOnnxModel, OnnxType } from '../engine/face/onnx-model.ts';
import { createOrtSession, loadOrt } from '../engine/face/ort-runtime.ts';

/** A face-sized smooth pattern plus deterministic noise, 150² × 3, 0–255. */
function chip(seed: number): Float32Array {
  const side = 150, out = new Float32Array(side * side * 3);
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 16) / 65536; };
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    const r = Math.hypot(x - 75, y - 70) / side;
    const base = 190 * Math.exp(-r * r * 6) + 35 * Math.sin(x / 6 + seed) * Math.cos(y / 9);
    for (let c = 0; c < 3; c++) out[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, 40 + base + 10 * c + 20 * rnd()));
  }
  return out;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return ab / Math.sqrt(aa * bb);
}

describe('ONNX ResNet passes', () => {
  it('the fp32 graph gives the TensorFlow.js descriptor', async () => {
    const { tf, nets } = await loadFaceApi();
    const fp32 = await loadFaceModels('fp32');
    const ort = await loadOrt();
    const { graph, quantPoints } = buildEmbeddingGraph(tf, nets.faceRecognitionNet.params as unknown as EmbeddingWeights, null, 2);
    expect(quantPoints.length).toBe(44); // input, 29 convolutions, 14 joins
    const session = await createOrtSession(encodeOnnxModel(graph));
    const chips = [chip(1), chip(2)];
    const out = await session.run({ chip: new ort.Tensor('float32', embeddingInputNchw(chips), [2, 3, 150, 150]) });
    const onnx = out.descriptor.data as Float32Array;
    const reference = await fp32.embed(chips);
    for (let b = 0; b < 2; b++) {
      const scale = Math.max(...reference[b].map(Math.abs));
      for (let k = 0; k < 128; k++) expect(Math.abs(onnx[b * 128 + k] - reference[b][k])).toBeLessThan(1e-4 * scale);
    }
  });

  it('the int8 graphs stay within cosine 0.999 of fp32 and tell chips apart as fp32 does', async () => {
    const { tf, nets } = await loadFaceApi();
    const fp32 = await loadFaceModels('fp32');
    const int8 = await createInt8EmbeddingNet(tf, nets.faceRecognitionNet.params as unknown as EmbeddingWeights, EMBEDDING_INT8_SCALES);
    const chips = [chip(3), chip(4), chip(5)];
    const reference = await fp32.embed(chips);
    const mine = await int8(chips);
    for (let i = 0; i < chips.length; i++) expect(cosine(mine[i], reference[i])).toBeGreaterThan(0.999);
    // The pairwise similarities, the thing a template is used for, move by little.
    for (const [i, j] of [[0, 1], [0, 2], [1, 2]]) expect(Math.abs(cosine(mine[i], mine[j]) - cosine(reference[i], reference[j]))).toBeLessThan(0.01);
    // A chip alone gives what it gives in a batch.
    const [alone] = await int8([chips[1]]);
    for (let k = 0; k < 128; k++) expect(alone[k]).toBeCloseTo(mine[1][k], 5);
    // The NCHW graph (float joins, the default) and the NHWC one (contrib operators, uint8 shortcut) agree.
    const nhwc = await createInt8EmbeddingNet(tf, nets.faceRecognitionNet.params as unknown as EmbeddingWeights, EMBEDDING_INT8_SCALES, 150, 'nhwc');
    const other = await nhwc(chips);
    for (let i = 0; i < chips.length; i++) expect(cosine(mine[i], other[i])).toBeGreaterThan(0.999);
  });

  it('the chip and its mirror as one batch of two give the descriptors of two separate runs, to the bit', async () => {
    const { tf, nets } = await loadFaceApi();
    const int8 = await createInt8EmbeddingNet(tf, nets.faceRecognitionNet.params as unknown as EmbeddingWeights, EMBEDDING_INT8_SCALES);
    for (const seed of [7, 8]) {
      const c = chip(seed);
      const [direct, mirrored] = await int8.withMirror(c);
      const [alone] = await int8([c]);
      const [mirrorAlone] = await int8([mirrorChip(c, 150)]);
      expect([...direct]).toEqual([...alone]);
      expect([...mirrored]).toEqual([...mirrorAlone]);
      // not a symmetric chip: the mirror's descriptor is another one
      expect(cosine(direct, mirrored)).toBeLessThan(0.9999);
    }
    // Calls that overlap (interleaved awaits on one thread) each get their own input buffer.
    const [x, y] = await Promise.all([int8.withMirror(chip(7)), int8.withMirror(chip(8))]);
    expect([...x[0]]).toEqual([...(await int8([chip(7)]))[0]]);
    expect([...y[1]]).toEqual([...(await int8([mirrorChip(chip(8), 150)]))[0]]);
  });

  it('the landmark graph (fp32) gives the TensorFlow.js points', async () => {
    const { tf, nets } = await loadFaceApi();
    const fp32 = await loadFaceModels('fp32');
    const ort = await loadOrt();
    const weights = { ...nets.faceLandmark68Net.faceFeatureExtractor.params, fc: nets.faceLandmark68Net.params.fc } as unknown as LandmarkWeights;
    const session = await createOrtSession(encodeOnnxModel(buildLandmarkGraph(tf, weights, null).graph));
    const crop = chip(6).subarray(0, 112 * 112 * 3);
    const { points } = await session.run({ crop: new ort.Tensor('float32', nchwInput([crop], 112), [1, 3, 112, 112]) });
    const reference = await fp32.landmarks(crop);
    const mine = points.data as Float32Array;
    for (let i = 0; i < 136; i++) expect(Math.abs(mine[i] * 112 - reference[i])).toBeLessThan(1e-3);
  });

  it('the ONNX writer: a graph onnxruntime accepts and runs as written', async () => {
    const ort = await loadOrt();
    const model = encodeOnnxModel({
      nodes: [
        { op: 'Mul', inputs: ['x', 'k'], outputs: ['m'] },
        { op: 'Relu', inputs: ['m'], outputs: ['y'] },
      ],
      initialisers: [{ name: 'k', dims: [3], type: OnnxType.FLOAT, data: new Float32Array([2, -1, 0.5]) }],
      inputs: [{ name: 'x', type: OnnxType.FLOAT, dims: ['n', 3] }],
      outputs: [{ name: 'y', type: OnnxType.FLOAT, dims: ['n', 3] }],
    });
    const session = await createOrtSession(model);
    const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, -1, -2, -3]), [2, 3]) });
    expect([...(y.data as Float32Array)]).toEqual([2, 0, 1.5, 0, 2, 0]);
  });
});

const ORL = join(dataDir(), 'face', 'orl');
const haveData = existsSync(ORL);
if (!haveData) console.warn(`face int8 extractor test skipped: no ORL faces at ${ORL} (set BIODEDUP_DATA)`);

describe.skipIf(!haveData)('the extractor on the int8 runtime (ORL)', () => {
  it('templates within cosine 0.99 of the fp32 ones, the same person still scoring above another', async () => {
    const fp32 = await FaceExtractor.create({ embeddingRuntime: 'fp32' });
    const int8 = await FaceExtractor.create({ embeddingRuntime: 'int8' });
    expect(int8.backend).toContain('int8');
    const images = [[1, 1], [1, 2], [2, 1]].map(([p, i]) => new Uint8Array(readFileSync(join(ORL, `s${p}`, `${i}.pgm`))));
    const a = [], b = [];
    for (const image of images) { a.push((await fp32.createTemplate(image)).code); b.push((await int8.createTemplate(image)).code); }
    for (let i = 0; i < images.length; i++) expect(codeCosine(a[i], b[i])).toBeGreaterThan(0.99);
    expect(codeCosine(b[0], b[1])).toBeGreaterThan(codeCosine(b[0], b[2]));
    // An int8 template against an fp32 one scores as two fp32 ones do, to within 0.01.
    expect(Math.abs(codeCosine(b[0], a[1]) - codeCosine(a[0], a[1]))).toBeLessThan(0.01);
  });

  it('the default path (chip and mirror as one batch) gives the templates of the reference path (two runs), byte for byte', async () => {
    const { tf, nets } = await loadFaceApi();
    const extractor = await FaceExtractor.create({ embeddingRuntime: 'int8' });
    const reference = await createInt8EmbeddingNet(tf, nets.faceRecognitionNet.params as unknown as EmbeddingWeights, EMBEDDING_INT8_SCALES);
    for (const [p, i] of [[3, 1], [4, 5]]) {
      const bytes = new Uint8Array(readFileSync(join(ORL, `s${p}`, `${i}.pgm`)));
      const { code } = await extractor.createTemplate(bytes);
      // the reference: embed.ts before session 7, two runs of one chip each, on the lit chip the extractor embeds
      const lit = normaliseLighting(alignFace(await decodeFaceImage(bytes), (await extractor.explain(bytes)).landmarks!)).chip;
      const [a] = await reference([lit]);
      const [b] = await reference([mirrorChip(lit, 150)]);
      for (let k = 0; k < a.length; k++) a[k] += b[k];
      expect([...quantiseEmbedding(l2Normalise(a))]).toEqual([...code]);
    }
  });
});
