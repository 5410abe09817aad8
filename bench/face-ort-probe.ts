/**
 * Go/no-go probe (issue 17): one convolution of the dlib ResNet's shapes in TensorFlow.js's
 * WebAssembly backend (XNNPACK fused conv + bias + ReLU, the engine's runtime) beside
 * onnxruntime-web's WebAssembly backend (one thread, the package's own SIMD .wasm), fp32 Conv
 * and int8 QLinearConv (per-channel int8 weights, uint8 activations). Each graph is a chain of
 * `DEPTH` identical layers so per-call overhead is shared; figures are per layer.
 *
 *   flock /work/heavy.lock npx tsx bench/face-ort-probe.ts
 */
import { encodeOnnxModel, OnnxType, type OnnxNode } from '../engine/face/onnx-model.ts';
import { loadFaceApi } from '../engine/face/models.ts';
import { loadOrt } from '../engine/face/ort-runtime.ts';

const DEPTH = 6, RUNS = 40;
const SHAPES = [
  { name: '3x3 32→32 @35', c: 32, side: 35, k: 3 },
  { name: '3x3 64→64 @17', c: 64, side: 17, k: 3 },
  { name: '3x3 128→128 @8', c: 128, side: 8, k: 3 },
  { name: '3x3 256→256 @3', c: 256, side: 3, k: 3 },
];

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function random(n: number, scale: number): Float32Array { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = (Math.random() * 2 - 1) * scale; return a; }

async function main(): Promise<void> {
  const { tf } = await loadFaceApi();
  const ort = await loadOrt();
  console.log(`tfjs backend ${tf.getBackend()}; ort ${ort.env.versions.web}, threads ${ort.env.wasm.numThreads}`);
  for (const s of SHAPES) {
    const { c, side, k } = s;
    const weights = random(k * k * c * c, 1 / Math.sqrt(k * k * c));
    const bias = random(c, 0.1);
    const input = random(side * side * c, 1).map(Math.abs);
    // tfjs: HWIO filters, NHWC
    const filter = tf.tensor4d(weights, [k, k, c, c]);
    const b = tf.tensor1d(bias);
    const x = tf.tensor4d(input, [1, side, side, c]);
    const tfRun = (): void => { tf.tidy(() => { let y = x; for (let d = 0; d < DEPTH; d++) y = tf.fused.conv2d({ x: y, filter, bias: b, strides: 1, pad: 'same', activation: 'relu' }); y.dataSync(); }); };
    // ORT fp32: OIHW
    const oihw = new Float32Array(c * c * k * k);
    for (let o = 0; o < c; o++) for (let i = 0; i < c; i++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) oihw[((o * c + i) * k + ky) * k + kx] = weights[((ky * k + kx) * c + i) * c + o];
    const pads = [1, 1, 1, 1];
    const fpNodes: OnnxNode[] = [];
    for (let d = 0; d < DEPTH; d++) {
      fpNodes.push({ op: 'Conv', inputs: [d === 0 ? 'x' : `r${d - 1}`, 'w', 'b'], outputs: [`c${d}`], attributes: { kernel_shape: [k, k], pads, strides: [1, 1] } });
      fpNodes.push({ op: 'Relu', inputs: [`c${d}`], outputs: [d === DEPTH - 1 ? 'y' : `r${d}`] });
    }
    const fp = encodeOnnxModel({
      nodes: fpNodes,
      initialisers: [{ name: 'w', dims: [c, c, k, k], type: OnnxType.FLOAT, data: oihw }, { name: 'b', dims: [c], type: OnnxType.FLOAT, data: bias }],
      inputs: [{ name: 'x', type: OnnxType.FLOAT, dims: [1, c, side, side] }],
      outputs: [{ name: 'y', type: OnnxType.FLOAT, dims: [1, c, side, side] }],
    });
    const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const };
    const fpSession = await ort.InferenceSession.create(fp, options);
    const xNchw = new Float32Array(c * side * side);
    const fpFeeds = { x: new ort.Tensor('float32', xNchw, [1, c, side, side]) };
    // ORT int8: QLinearConv chain, uint8 activations (scale 1/64, zero 0: ReLU output), int8 per-channel weights
    const wq = new Int8Array(oihw.length), wScale = new Float32Array(c);
    for (let o = 0; o < c; o++) {
      let m = 0; for (let j = 0; j < c * k * k; j++) m = Math.max(m, Math.abs(oihw[o * c * k * k + j]));
      wScale[o] = m / 127 || 1;
      for (let j = 0; j < c * k * k; j++) wq[o * c * k * k + j] = Math.round(oihw[o * c * k * k + j] / wScale[o]);
    }
    const xScale = 1 / 64;
    const bq = new Int32Array(c); for (let o = 0; o < c; o++) bq[o] = Math.round(bias[o] / (xScale * wScale[o]));
    const qNodes: OnnxNode[] = [];
    for (let d = 0; d < DEPTH; d++) qNodes.push({ op: 'QLinearConv', inputs: [d === 0 ? 'x' : `q${d - 1}`, 'xs', 'xz', 'w', 'ws', 'wz', 'xs', 'xz', 'b'], outputs: [d === DEPTH - 1 ? 'y' : `q${d}`], attributes: { kernel_shape: [k, k], pads, strides: [1, 1] } });
    const q = encodeOnnxModel({
      nodes: qNodes,
      initialisers: [
        { name: 'xs', dims: [], type: OnnxType.FLOAT, data: new Float32Array([xScale]) },
        { name: 'xz', dims: [], type: OnnxType.UINT8, data: new Uint8Array([0]) },
        { name: 'w', dims: [c, c, k, k], type: OnnxType.INT8, data: wq },
        { name: 'ws', dims: [c], type: OnnxType.FLOAT, data: wScale },
        { name: 'wz', dims: [c], type: OnnxType.INT8, data: new Int8Array(c) },
        { name: 'b', dims: [c], type: OnnxType.INT32, data: bq },
      ],
      inputs: [{ name: 'x', type: OnnxType.UINT8, dims: [1, c, side, side] }],
      outputs: [{ name: 'y', type: OnnxType.UINT8, dims: [1, c, side, side] }],
    });
    const qSession = await ort.InferenceSession.create(q, options);
    const qFeeds = { x: new ort.Tensor('uint8', new Uint8Array(c * side * side).map(() => Math.floor(Math.random() * 100)), [1, c, side, side]) };
    const times: Record<string, number[]> = { tfjs: [], ortFp32: [], ortInt8: [] };
    for (let r = 0; r < RUNS; r++) {
      let t = performance.now(); tfRun(); times.tfjs.push(performance.now() - t);
      t = performance.now(); await fpSession.run(fpFeeds); times.ortFp32.push(performance.now() - t);
      t = performance.now(); await qSession.run(qFeeds); times.ortInt8.push(performance.now() - t);
    }
    const per = (k2: string): number => median(times[k2].slice(5)) / DEPTH;
    const gflop = (2 * side * side * c * c * k * k) / 1e9;
    const line = (k2: string): string => `${k2} ${per(k2).toFixed(3)} ms (${(gflop / per(k2) * 1000).toFixed(1)} GFLOP/s, ${(per('tfjs') / per(k2)).toFixed(2)}× tfjs)`;
    console.log(`${s.name}: ${line('tfjs')} | ${line('ortFp32')} | ${line('ortInt8')}`);
    tf.dispose([filter, b, x]);
    await fpSession.release(); await qSession.release();
  }
}

await main();
