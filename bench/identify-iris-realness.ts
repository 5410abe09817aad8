/**
 * Do the generated background codes behave like real ones? Real probes are compared with real
 * codes of other eyes (real-vs-real impostors) and with generated codes (real-vs-generated);
 * the two score distributions should agree (mean, spread, upper tail, share of calibrated
 * scores ≥ 20 and ≥ 30). Per half of the real persons: the texture model was chosen on the
 * first half, so the second half is the check.
 */
import { IrisMatcher, calibrateIrisScore } from '../engine/index.ts';

export interface ImpostorStats {
  readonly comparisons: number;
  readonly mean: number;
  readonly sd: number;
  readonly p99: number;
  readonly p999: number;
  /** Shares of calibrated scores ≥ 20 and ≥ 30 (targets ≈ 1 % and 0.1 %). */
  readonly atLeast20: number;
  readonly atLeast30: number;
}

export interface RealnessHalf {
  readonly half: 'first' | 'second';
  readonly realVsReal: ImpostorStats;
  readonly realVsGenerated: ImpostorStats;
}

function stats(raw: number[]): ImpostorStats {
  raw.sort((a, b) => a - b);
  const n = raw.length;
  const mean = raw.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(raw.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  const q = (f: number) => raw[Math.min(n - 1, Math.floor(f * n))];
  let c20 = 0, c30 = 0;
  for (const r of raw) { const s = calibrateIrisScore(r); if (s >= 20) c20++; if (s >= 30) c30++; }
  return { comparisons: n, mean, sd, p99: q(0.99), p999: q(0.999), atLeast20: c20 / n, atLeast30: c30 / n };
}

export function realnessCheck(real: readonly { eye: string; half: 'first' | 'second'; bytes: Uint8Array }[], generated: readonly Uint8Array[]): RealnessHalf[] {
  const m = new IrisMatcher();
  const gen = m.loadGallery(generated.map((b) => m.templateFromBytes(b)));
  const genOut = new Float32Array(generated.length);
  return (['first', 'second'] as const).map((half) => {
    const codes = real.filter((r) => r.half === half);
    const gallery = m.loadGallery(codes.map((r) => m.templateFromBytes(r.bytes)));
    const out = new Float32Array(codes.length);
    const rr: number[] = [], rg: number[] = [];
    codes.forEach((c, i) => {
      const probe = m.prepareProbe(m.templateFromBytes(c.bytes));
      m.compareManyRaw(probe, gallery, out);
      for (let j = i + 1; j < codes.length; j++) if (codes[j].eye !== c.eye) rr.push(out[j]);
      m.compareManyRaw(probe, gen, genOut);
      for (const v of genOut) rg.push(v);
      m.releaseProbe(probe);
    });
    return { half, realVsReal: stats(rr), realVsGenerated: stats(rg) };
  });
}

export function formatRealness(r: readonly RealnessHalf[]): string {
  const f = (s: ImpostorStats) => `mean ${s.mean.toFixed(4)} sd ${s.sd.toFixed(4)} p99 ${s.p99.toFixed(4)} p99.9 ${s.p999.toFixed(4)}, calibrated ≥ 20: ${(100 * s.atLeast20).toFixed(2)} %, ≥ 30: ${(100 * s.atLeast30).toFixed(3)} % (${s.comparisons.toLocaleString('en-US')} pairs)`;
  return r.map((h) => `realness, ${h.half} half of the real persons${h.half === 'first' ? ' (texture model chosen here)' : ' (check)'}:\n  real-vs-real      ${f(h.realVsReal)}\n  real-vs-generated ${f(h.realVsGenerated)}`).join('\n');
}
