/**
 * How the coarse pass ranks real mates: `node --import tsx bench/identify-iris-coarse-fit.ts`.
 * For each half of the real persons (MMU1 and the CASIA-V1 subset, bench/identify-iris-planted.ts),
 * every genuine pair (two images of one eye) whose full rotation score reaches a floor is ranked
 * by its coarse similarity among the probe's impostors: the real codes of other eyes of the same
 * half, and 2,000 generated background codes. Printed: the worst rank (as a share of the
 * impostors) and how many genuine pairs fall outside each candidate keep share. The share in
 * matchers-wasm/iris/params.ts (COARSE_KEEP_SHARE) was chosen on the first half; the second
 * half is the check. Floor 30: a subject reaches a 1:N decision threshold (targetFPIR 30 +
 * 10·log10 N ≥ 60 for N ≥ 1,000) only with an eye scoring at least ≈ 30 (Fisher fusion of two
 * eyes of 30 gives 48).
 */
import { IrisMatcher, calibrateIrisScore } from '../engine/index.ts';
import { COARSE_BATCH, IrisCoarseKernel } from '../engine/iris-coarse.ts';
import { IrisBackground } from './identify-iris-background.ts';
import { plantedIrises } from './identify-iris-planted.ts';

const SHARES = [0.005, 0.01, 0.02, 0.05];
const FLOORS = [30, 40, 50];

const planted = plantedIrises();
const background = new IrisBackground(planted.realTemplates.filter((r) => r.half === 'first').map((r) => r.bytes));
const generated = Array.from({ length: 2000 }, (_, i) => background.code(1, i));
const matcher = new IrisMatcher();
const coarse = new IrisCoarseKernel(1);
const E = coarse.entryBytes;
const entriesOf = (codes: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(codes.length * E);
  codes.forEach((c, i) => coarse.entryOf(c, out, i * E));
  return out;
};
const scan = (entries: Uint8Array, count: number): Float32Array => {
  const out = new Float32Array(count);
  for (let at = 0; at < count; at += COARSE_BATCH) coarse.scan(0, entries, at * E, Math.min(COARSE_BATCH, count - at), out, at);
  return out;
};
const generatedEntries = entriesOf(generated);
for (const half of ['first', 'second'] as const) {
  const codes = planted.realTemplates.filter((r) => r.half === half);
  const entries = entriesOf(codes.map((c) => c.bytes));
  const gallery = matcher.loadGallery(codes.map((c) => matcher.templateFromBytes(c.bytes)));
  const full = new Float32Array(codes.length);
  const ranks: { score: number; real: number; generated: number }[] = [];
  codes.forEach((c, i) => {
    const probe = matcher.prepareProbe(matcher.templateFromBytes(c.bytes));
    matcher.compareManyRaw(probe, gallery, full);
    matcher.releaseProbe(probe);
    coarse.prepareProbe(0, c.bytes);
    const real = scan(entries, codes.length), gen = scan(generatedEntries, generated.length);
    const impostors = real.filter((_, j) => codes[j].eye !== c.eye);
    codes.forEach((d, j) => {
      if (j === i || d.eye !== c.eye) return;
      const s = real[j];
      ranks.push({
        score: calibrateIrisScore(full[j]),
        real: impostors.filter((v) => v >= s).length / impostors.length,
        generated: gen.filter((v) => v >= s).length / gen.length,
      });
    });
  });
  for (const floor of FLOORS) {
    const r = ranks.filter((x) => x.score >= floor);
    const worst = (k: 'real' | 'generated') => Math.max(0, ...r.map((x) => x[k]));
    const outside = (k: 'real' | 'generated') => SHARES.map((p) => `${100 * p} %: ${r.filter((x) => x[k] > p).length}`).join(', ');
    process.stdout.write(`${half} half, genuine pairs with a full score ≥ ${floor}: ${r.length}\n`);
    process.stdout.write(`  among real impostors:      worst rank ${(100 * worst('real')).toFixed(2)} %; outside the share ${outside('real')}\n`);
    process.stdout.write(`  among generated impostors: worst rank ${(100 * worst('generated')).toFixed(2)} %; outside the share ${outside('generated')}\n`);
  }
}
