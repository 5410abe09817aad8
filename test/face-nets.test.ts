/**
 * The fused forward passes (engine/face/net-*.ts) against face-api's own, on the same weights
 * and the same inputs: the detector's boxes, the 68 landmarks and the dlib descriptor must agree
 * to float rounding, so a speed-up can never silently change a template. Synthetic inputs (a
 * smooth face-sized blob pattern and noise), so no data set is needed.
 */
import { describe, expect, it } from 'vitest';
import { loadFaceApi, loadFaceModels } from '../engine/face/models.ts';
import { createDetectorNet } from '../engine/face/net-detector.ts';

/** side² × 3 values 0–255: low-frequency shading plus deterministic noise. */
function testImage(side: number, seed: number): Float32Array {
  const out = new Float32Array(side * side * 3);
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 16) / 65536; };
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const r = Math.hypot(x - side / 2, y - side * 0.45) / side;
      const base = 200 * Math.exp(-r * r * 8) + 30 * Math.sin(x / 7 + seed) * Math.cos(y / 11);
      for (let c = 0; c < 3; c++) out[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, base + 20 * c + 25 * rnd()));
    }
  }
  return out;
}

describe('fused face networks equal face-api', () => {
  it('embedding: the same descriptor, alone or batched with a second chip', async () => {
    const { tf, nets } = await loadFaceApi();
    const models = await loadFaceModels('fp32'); // the TensorFlow.js pass; the int8 one is test/face-int8.test.ts's
    const chips = [testImage(150, 1), testImage(150, 2)];
    const [a, b] = await models.embed(chips);
    const [alone] = await models.embed([chips[1]]);
    for (const [i, mine] of [a, b].entries()) {
      const input = tf.tensor4d(chips[i], [1, 150, 150, 3]);
      const reference = await nets.faceRecognitionNet.params && (await (nets.faceRecognitionNet as unknown as { computeFaceDescriptor(t: unknown): Promise<Float32Array> }).computeFaceDescriptor(input));
      input.dispose();
      expect(mine.length).toBe(128);
      const scale = Math.max(...reference.map(Math.abs));
      for (let k = 0; k < 128; k++) expect(Math.abs(mine[k] - reference[k])).toBeLessThan(1e-4 * scale);
    }
    for (let k = 0; k < 128; k++) expect(Math.abs(alone[k] - b[k])).toBeLessThan(1e-5);
  });

  it('landmarks, full and tiny net: the same 68 points (crop pixels)', async () => {
    const { tf, nets } = await loadFaceApi();
    const models = await loadFaceModels();
    type Reference = { detectLandmarks(t: unknown): Promise<{ positions: Array<{ x: number; y: number }> }> };
    for (const [seed, tiny] of [[3, false], [4, false], [5, true]] as const) {
      const crop = testImage(112, seed);
      const mine = await (tiny ? models.coarseLandmarks(crop) : models.landmarks(crop));
      const input = tf.tensor4d(crop, [1, 112, 112, 3]);
      const reference = await ((tiny ? nets.faceLandmark68TinyNet : nets.faceLandmark68Net) as unknown as Reference).detectLandmarks(input);
      input.dispose();
      expect(mine.length).toBe(136);
      reference.positions.forEach((p, i) => {
        expect(Math.abs(mine[2 * i] - p.x)).toBeLessThan(1e-3);
        expect(Math.abs(mine[2 * i + 1] - p.y)).toBeLessThan(1e-3);
      });
    }
  });

  it('detector: the same boxes and scores after NMS, at two input sizes', async () => {
    const faceapi = await loadFaceApi();
    const { tf, nets } = faceapi;
    const detect = createDetectorNet(tf, nets.tinyFaceDetector.params);
    const Options = (faceapi as unknown as { TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown }).TinyFaceDetectorOptions;
    let compared = 0;
    for (const side of [160, 224]) {
      const canvas = testImage(side, side);
      // A low threshold so the noise yields boxes to compare.
      const threshold = 0.02;
      const mine = detect(canvas, side, threshold);
      const input = tf.tensor4d(canvas, [1, side, side, 3]);
      const reference = await (nets.tinyFaceDetector as unknown as { locateFaces(t: unknown, o: unknown): Promise<Array<{ score: number; box: { x: number; y: number; width: number; height: number } }>> })
        .locateFaces(input, new Options({ inputSize: side, scoreThreshold: threshold }));
      input.dispose();
      expect(mine.length).toBe(reference.length);
      const order = [...reference].sort((p, q) => q.score - p.score);
      order.forEach((r, i) => {
        expect(Math.abs(mine[i].score - r.score)).toBeLessThan(1e-4);
        for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(mine[i][k] - r.box[k])).toBeLessThan(0.01);
      });
      compared += reference.length;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
