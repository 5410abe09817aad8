/**
 * The three face networks' cost on the WebAssembly backend, kernel by kernel: the backend's SIMD
 * and thread flags, median and minimum wall time of 15 calls each (the ResNet on one chip and on
 * a batch of two, the landmark net, the detector at 160 px) on random inputs, then `tf.profile`
 * of one ResNet and one landmark call summed per kernel name. Timed: run it under the lock.
 *
 *   flock /work/heavy.lock npx tsx bench/face-kernel-profile.ts
 */
import { createRequire } from 'node:module';
import { loadFaceModels } from '../engine/face/models.ts';

interface ProfileApi {
  getBackend(): string;
  env(): { getAsync(flag: string): Promise<unknown> };
  profile(f: () => void): Promise<{ kernels: Array<{ name: string; kernelTimeMs: number }> }>;
}

async function main(): Promise<void> {
  const models = await loadFaceModels();
  const tf = (createRequire(import.meta.url)('@vladmandic/face-api/dist/face-api.node-wasm.js') as { tf: ProfileApi }).tf;
  console.log(`backend ${tf.getBackend()}, WASM_HAS_SIMD_SUPPORT ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}, WASM_HAS_MULTITHREAD_SUPPORT ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}`);
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random() * 255);
  const chip = random(150 * 150 * 3), crop = random(112 * 112 * 3), canvas = random(160 * 160 * 3);
  for (let i = 0; i < 3; i++) { await models.embed([chip]); await models.landmarks(crop); await models.detect(canvas, 160); }
  const time = async (name: string, f: () => Promise<unknown>): Promise<void> => {
    const ms: number[] = [];
    for (let i = 0; i < 15; i++) { const t = performance.now(); await f(); ms.push(performance.now() - t); }
    ms.sort((a, b) => a - b);
    console.log(`${name.padEnd(24)} median ${ms[7].toFixed(2)} ms, min ${ms[0].toFixed(2)} ms`);
  };
  await time('ResNet, one chip', () => models.embed([chip]));
  await time('ResNet, batch of two', () => models.embed([chip, chip]));
  await time('landmark net', () => models.landmarks(crop));
  await time('detector, 160 px', () => models.detect(canvas, 160));
  for (const [name, run] of [['ResNet', () => { void models.embed([chip]); }], ['landmark net', () => { void models.landmarks(crop); }]] as const) {
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const k of (await tf.profile(run)).kernels) {
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += k.kernelTimeMs; e.calls++;
      byKernel.set(k.name, e);
    }
    console.log(`${name} kernels (ms, calls): ${[...byKernel].sort((a, b) => b[1].ms - a[1].ms).map(([k, e]) => `${k} ${e.ms.toFixed(1)} (${e.calls})`).join(', ')}`);
  }
}

await main();
