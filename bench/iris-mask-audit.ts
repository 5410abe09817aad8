/**
 * Which masking stage of the iris kernel throws away good iris (issue 14, tenth pass): for each
 * stage, the code bits it alone masks are put back (the normalised iris re-encoded with those
 * samples usable, `IrisMatcher.templateFromNormalised`), and on genuine pairs, at the pair's
 * best shift with the kernel's own masks, the Hamming distance of the put-back bits is measured.
 * Near 0.5 the stage masked noise (right); well below 0.5, near the pair's own distance, it
 * masked iris that matches. Impostor pairs are measured the same way (≈ 0.5 either way).
 *
 * Stages, per sample of the normalised iris (the sheet), replicating the kernel's rules:
 * specular (gray ≥ SPECULAR_LEVEL), bright and dark (beyond median ± spreads × spread of the
 * ring's lateral inner sectors, occlusion.ts), upper and lower lid (beyond the lid curve plus
 * its margin, eyelids.ts), and lash lines (what the kernel masked that none of those explain,
 * lashes.ts). A sample two stages mask is counted for neither; "all" puts back every in-image
 * sample. Each stage is also split into the lower and upper half of the image (below and above
 * the pupil's centre). Extra variants: bright samples put back up to a higher bar ("bright<T",
 * what raising OCCLUSION_BRIGHT_SPREADS to T would keep), bright and dark islands (samples of
 * that stage not connected to the sheet's outer row through masked samples). The put-back
 * variant's whole-pair score is reported too: mean genuine and impostor normalised HD at the
 * best shift, the EER and the genuine pairs under FMR 0.1 % with each variant's scores (failures
 * to enrol are left out, so the figures differ from bench/iris-kernels.ts when a set has any),
 * and the worst genuine pairs' impostor share at or above their score, per variant. Those scores
 * come from a rigid rotation search here (the kernel's before the ninth pass's half-ring local
 * shifts), so they rank the variants against each other, not against bench/iris-kernels.ts.
 *
 *   node --import tsx bench/iris-mask-audit.ts [--kernel FILE] [--casia DIR] [--mmu1 DIR]
 *        [--part first|second|full] [--bright 3] [--dark 3] [--json FILE]
 *
 * --bright / --dark must equal the build's OCCLUSION_BRIGHT_SPREADS / OCCLUSION_DARK_SPREADS
 * (the script checks that its replicated masks lie inside the kernel's and says when not; on
 * builds with the bright-islands stage the released islands are counted there too, by design).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IrisMatcher, type IrisTemplate } from '../engine/iris-matcher.ts';
import { decodeGrayImage } from '../engine/index.ts';
import { listCasiaIrisSamples, crossSessionPairs, type IrisSample } from '../datasets/casia-iris.ts';
import { listMmu1Samples } from '../datasets/mmu1.ts';
import { irisHalf } from './iris-accuracy.ts';
import { dataDir } from './data-dir.ts';
import { buildPairs } from '../datasets/protocols.ts';
import { computeErrorRates } from './metrics.ts';

/** Kernel constants replicated here (matchers-wasm/iris/params.ts). */
const SPECULAR_LEVEL = 245, STATS_HALF_ANGLE = 0.6, STATS_INNER_SHARE = 0.5, LID_MARGIN_SHARE = 0.05;
const NORM_BITS = 1400, MIN_BITS = 128, HEADER = 16;

const STAGES = ['specular', 'bright', 'dark', 'upperLid', 'lowerLid', 'lash'] as const;
type Stage = (typeof STAGES)[number];

interface Eye {
  sample: IrisSample; full: IrisTemplate;
  /** Templates with some masked samples put back, by variant name. */
  variants: Map<string, IrisTemplate>;
  /** Share of the sheet each stage alone masks. */
  share: Map<Stage, number>;
}

function ringStats(gray: Float32Array, rows: number, cols: number): { median: number; spread: number } {
  const hist = new Array<number>(256).fill(0);
  let n = 0;
  for (let j = 0; j < cols; j++) {
    const t = (2 * Math.PI * j) / cols;
    if (Math.abs(Math.sin(t)) > Math.sin(STATS_HALF_ANGLE)) continue;
    for (let i = 0; i < Math.trunc(STATS_INNER_SHARE * rows); i++) {
      const v = gray[i * cols + j];
      if (v < 0 || v >= SPECULAR_LEVEL) continue;
      hist[Math.trunc(v)]++; n++;
    }
  }
  let seen = 0, median = 0;
  for (; median < 255; median++) { seen += hist[median]; if (2 * seen >= n) break; }
  let dev = 0;
  for (let g = 0; g < 256; g++) dev += hist[g] * Math.abs(g - median);
  return { median, spread: Math.max(2, n > 0 ? dev / n : 0) };
}

/** Sheet samples connected to the outermost row through samples that `passable` accepts
 *  (4-neighbours, wrapping around the ring): 1 = reached. */
function reachedFromOuterRow(rows: number, cols: number, passable: (k: number) => boolean): Uint8Array {
  const reached = new Uint8Array(rows * cols), stack: number[] = [];
  for (let j = 0; j < cols; j++) { const k = (rows - 1) * cols + j; if (passable(k)) { reached[k] = 1; stack.push(k); } }
  while (stack.length > 0) {
    const k = stack.pop()!, i = Math.trunc(k / cols), j = k % cols;
    for (const q of [i > 0 ? k - cols : -1, i < rows - 1 ? k + cols : -1, i * cols + ((j + 1) % cols), i * cols + ((j + cols - 1) % cols)]) {
      if (q >= 0 && reached[q] === 0 && passable(q)) { reached[q] = 1; stack.push(q); }
    }
  }
  return reached;
}

function enrol(matcher: IrisMatcher, sample: IrisSample, bright: number, dark: number, warn: { bad: number }): Eye | null {
  let full: IrisTemplate;
  try { full = matcher.createTemplate(decodeGrayImage(new Uint8Array(readFileSync(sample.file)))); } catch { return null; }
  const sheet = matcher.lastNormalisedIris();
  const { rows, columns: cols, gray, usable } = sheet;
  if (sheet.x === undefined || sheet.y === undefined) throw new Error('this build does not export sample positions');
  const { median, spread } = ringStats(gray, rows, cols);
  const R = full.iris!.radius, margin = LID_MARGIN_SHARE * R, pupilY = full.pupil!.y;
  const n = rows * cols;
  const masks = new Map<Stage, Uint8Array>(STAGES.map((s) => [s, new Uint8Array(n)]));
  const up = full.upperLid, lo = full.lowerLid;
  for (let k = 0; k < n; k++) {
    const v = gray[k], x = sheet.x[k], y = sheet.y[k];
    if (v < 0) continue;
    const hit: Stage[] = [];
    if (v >= SPECULAR_LEVEL) hit.push('specular');
    else if (v > median + bright * spread) hit.push('bright');
    if (v < median - dark * spread) hit.push('dark');
    if (up !== undefined && y < up.apexY + up.bend * (x - up.apexX) ** 2 + margin) hit.push('upperLid');
    if (lo !== undefined && y > lo.apexY + lo.bend * (x - lo.apexX) ** 2 - margin) hit.push('lowerLid');
    if (hit.length > 0 && usable[k] !== 0) warn.bad++;
    if (hit.length === 0 && usable[k] === 0) hit.push('lash');
    if (hit.length === 1) masks.get(hit[0])![k] = 1;
  }
  const variants = new Map<string, IrisTemplate>();
  const share = new Map<Stage, number>();
  const putBack = (pick: (k: number) => boolean): IrisTemplate => {
    const u = usable.slice();
    for (let k = 0; k < n; k++) if (pick(k)) u[k] = 1;
    return matcher.templateFromNormalised(gray, u);
  };
  for (const s of STAGES) {
    const m = masks.get(s)!;
    share.set(s, m.reduce((a, b) => a + b, 0) / n);
    variants.set(s, putBack((k) => m[k] !== 0));
    variants.set(`${s}:lower`, putBack((k) => m[k] !== 0 && sheet.y![k] > pupilY));
    variants.set(`${s}:upper`, putBack((k) => m[k] !== 0 && sheet.y![k] <= pupilY));
  }
  variants.set('all', putBack((k) => gray[k] >= 0));
  // bright samples put back up to a higher bar (what raising OCCLUSION_BRIGHT_SPREADS would keep)
  const b = masks.get('bright')!;
  for (const t of [4, 5, 6, 8]) variants.set(`bright<${t}`, putBack((k) => b[k] !== 0 && gray[k] <= median + t * spread));
  // bright islands: bright samples not connected (4-neighbours on the sheet, wrapping around) to
  // the sheet's outer row through bright or lid samples — lid skin and sclera come from outside
  const brightish = (k: number): boolean => usable[k] === 0 && gray[k] >= 0 && (b[k] !== 0 || masks.get('specular')![k] !== 0 || masks.get('upperLid')![k] !== 0 || masks.get('lowerLid')![k] !== 0 || gray[k] > median + bright * spread);
  const outside = reachedFromOuterRow(rows, cols, brightish);
  variants.set('bright-island', putBack((k) => b[k] !== 0 && outside[k] === 0));
  // dark islands: dark samples not connected to the outer row through any masked in-image sample
  // (lashes hang from the lid, crypts and dark iris zones are enclosed by iris)
  const reach = reachedFromOuterRow(rows, cols, (k) => usable[k] === 0 && gray[k] >= 0);
  const d = masks.get('dark')!;
  variants.set('dark-island', putBack((k) => d[k] !== 0 && reach[k] === 0));
  return { sample, full, variants, share };
}

/** Code and mask of a template as 32-bit words, rotated by `shift` code positions (16 bits each). */
function words(t: IrisTemplate, codeBytes: number, bytesPerAngle: number, shift: number): { code: Uint32Array; mask: Uint32Array } {
  const rot = (off: number): Uint32Array => {
    const out = new Uint8Array(codeBytes);
    const s = ((shift * bytesPerAngle) % codeBytes + codeBytes) % codeBytes;
    for (let i = 0; i < codeBytes; i++) out[i] = t.bytes[off + ((i + s) % codeBytes)];
    return new Uint32Array(out.buffer);
  };
  return { code: rot(HEADER), mask: rot(HEADER + codeBytes) };
}

/** The template's degrees-of-freedom weight (header f32 at byte 12, code-freedom.ts). */
const weight = (t: IrisTemplate): number => new DataView(t.bytes.buffer, t.bytes.byteOffset).getFloat32(12, true);

const pop = (x: number): number => {
  x -= (x >>> 1) & 0x55555555; x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** Daugman-normalised HD of two word sets (a already rotated), and the raw counts. */
function hd(a: { code: Uint32Array; mask: Uint32Array }, b: { code: Uint32Array; mask: Uint32Array }): { norm: number; diff: number; bits: number } {
  let diff = 0, bits = 0;
  for (let w = 0; w < a.code.length; w++) {
    const m = a.mask[w] & b.mask[w];
    bits += pop(m); diff += pop((a.code[w] ^ b.code[w]) & m);
  }
  if (bits < MIN_BITS) return { norm: 0.5, diff, bits };
  return { norm: 0.5 - (0.5 - diff / bits) * Math.sqrt(bits / NORM_BITS), diff, bits };
}

const WORST = 25;
const pairsOfKind = (list: Array<[number, number]>, eyes: Array<Eye | null>): Array<[number, number]> => list.filter(([i, j]) => eyes[i] !== null && eyes[j] !== null);

interface Tally { diff: number; bits: number; pairs: number; hdSum: number }

function audit(label: string, eyes: Array<Eye | null>, pairs: { genuine: Array<[number, number]>; impostor: Array<[number, number]> }, maxShift: number, codeBytes: number, bytesPerAngle: number): Record<string, unknown> {
  const variantNames = [...eyes.find((e) => e !== null)!.variants.keys()];
  const rotations = (t: IrisTemplate): Array<{ code: Uint32Array; mask: Uint32Array }> => {
    const r = [];
    for (let s = -maxShift; s <= maxShift; s++) r.push(words(t, codeBytes, bytesPerAngle, s));
    return r;
  };
  const rotCache = new Map<IrisTemplate, Array<{ code: Uint32Array; mask: Uint32Array }>>();
  const rotOf = (t: IrisTemplate): Array<{ code: Uint32Array; mask: Uint32Array }> => {
    let r = rotCache.get(t);
    if (r === undefined) { r = rotations(t); rotCache.set(t, r); }
    return r;
  };
  const result: Record<string, unknown> = { set: label };
  for (const kind of ['genuine', 'impostor'] as const) {
    const put = new Map<string, Tally>(variantNames.map((v) => [v, { diff: 0, bits: 0, pairs: 0, hdSum: 0 }]));
    const kept: Tally = { diff: 0, bits: 0, pairs: 0, hdSum: 0 };
    const scores = new Map<string, number[]>([['full', []], ...variantNames.map((v): [string, number[]] => [v, []])]);
    for (const [i, j] of pairs[kind]) {
      const a = eyes[i], b = eyes[j];
      if (a === null || b === null) continue;
      // best shift with the kernel's own masks
      const ra = rotOf(a.full), wb = words(b.full, codeBytes, bytesPerAngle, 0);
      let best = 0, bestNorm = 2;
      ra.forEach((w, s) => { const h = hd(w, wb).norm; if (h < bestNorm) { bestNorm = h; best = s; } });
      const fa = ra[best];
      const h0 = hd(fa, wb);
      kept.diff += h0.diff; kept.bits += h0.bits; kept.pairs++; kept.hdSum += h0.norm;
      scores.get('full')!.push(0.5 + (0.5 - bestNorm) * weight(a.full) * weight(b.full));
      for (const v of variantNames) {
        const va = rotOf(a.variants.get(v)!), vb = words(b.variants.get(v)!, codeBytes, bytesPerAngle, 0);
        // the put-back bits: usable in both put-back codes, not compared with the kernel's masks
        const x = va[best];
        const t = put.get(v)!;
        let d = 0, n = 0;
        for (let w = 0; w < x.code.length; w++) {
          const m = x.mask[w] & vb.mask[w] & ~(fa.mask[w] & wb.mask[w]);
          n += pop(m); d += pop((x.code[w] ^ vb.code[w]) & m);
        }
        t.diff += d; t.bits += n; if (n > 0) t.pairs++;
        let vbest = 2;
        for (const w of va) vbest = Math.min(vbest, hd(w, vb).norm);
        t.hdSum += vbest;
        scores.get(v)!.push(0.5 + (0.5 - vbest) * weight(a.variants.get(v)!) * weight(b.variants.get(v)!));
      }
    }
    result[kind] = {
      pairs: kept.pairs, keptHd: kept.diff / kept.bits, meanNormHd: kept.hdSum / kept.pairs,
      stages: Object.fromEntries(variantNames.map((v) => {
        const t = put.get(v)!;
        return [v, { bits: t.bits, bitsPerPair: t.bits / kept.pairs, hd: t.bits > 0 ? t.diff / t.bits : null, meanNormHd: t.hdSum / kept.pairs }];
      })),
    };
    result[`${kind}Scores`] = scores;
  }
  const g = result.genuineScores as Map<string, number[]>, im = result.impostorScores as Map<string, number[]>;
  const rates = [...g.keys()].map((v) => [v, computeErrorRates(Float64Array.from(g.get(v)!), Float64Array.from(im.get(v)!))] as const);
  result.eer = Object.fromEntries(rates.map(([v, r]) => [v, r.eer]));
  result.fnmrAt1000 = Object.fromEntries(rates.map(([v, r]) => [v, Math.round(r.fmr1000 * r.genuine)]));
  // the worst genuine pairs: each one's impostor share at or above its score, per variant
  const worst = pairsOfKind(pairs.genuine, eyes).map((p, idx) => ({ p, idx })).sort((x, y) => g.get('full')![x.idx] - g.get('full')![y.idx]).slice(0, WORST);
  const sorted = new Map([...im.entries()].map(([v, s]) => [v, Float64Array.from(s).sort()]));
  const above = (v: string, x: number): number => { const s = sorted.get(v)!; let lo = 0, hi = s.length; while (lo < hi) { const m = (lo + hi) >> 1; if (s[m] < x) lo = m + 1; else hi = m; } return (s.length - lo) / s.length; };
  result.worst = worst.map(({ p, idx }) => ({ a: eyes[p[0]]!.sample.name, b: eyes[p[1]]!.sample.name, share: Object.fromEntries([...g.keys()].map((v) => [v, above(v, g.get(v)![idx])])) }));
  delete result.genuineScores; delete result.impostorScores;
  return result;
}

function main(): void {
  const { values } = parseArgs({ options: {
    kernel: { type: 'string' }, casia: { type: 'string' }, mmu1: { type: 'string' }, part: { type: 'string' },
    bright: { type: 'string' }, dark: { type: 'string' }, json: { type: 'string' },
  } });
  const data = dataDir();
  const part = values.part ?? 'first';
  const pick = (s: IrisSample[]): IrisSample[] => (part === 'full' ? s : irisHalf(s, part as 'first' | 'second'));
  const matcher = new IrisMatcher(values.kernel);
  const bright = Number(values.bright ?? 3), dark = Number(values.dark ?? 3);
  const codeBytes = matcher.codeBits / 8, bytesPerAngle = codeBytes / matcher.codeAngles;
  const out: Array<Record<string, unknown>> = [];
  const sets = [
    { label: 'casia-v1-subset', samples: pick(listCasiaIrisSamples(values.casia ?? join(data, 'iris', 'casia-v1-subset'))), crossSession: true },
    { label: 'mmu1', samples: pick(listMmu1Samples(values.mmu1 ?? join(data, 'iris', 'mmu1'))), crossSession: false },
  ];
  for (const set of sets) {
    const warn = { bad: 0 };
    const eyes = set.samples.map((s) => enrol(matcher, s, bright, dark, warn));
    if (warn.bad > 0) console.log(`${set.label}: ${warn.bad} samples the replicated rules mask are usable in the kernel: --bright/--dark do not match the build`);
    const pairs = set.crossSession ? crossSessionPairs(set.samples) : buildPairs(set.samples.map((x) => ({ identity: x.identity, impression: x.index })), 'all-pairs');
    const r = audit(set.label, eyes, pairs, matcher.maxShift, codeBytes, bytesPerAngle);
    const enrolled = eyes.filter((e): e is Eye => e !== null);
    r.sheetShare = Object.fromEntries(STAGES.map((s) => [s, enrolled.reduce((a, e) => a + e.share.get(s)!, 0) / enrolled.length]));
    out.push(r);
    const G = r.genuine as { pairs: number; keptHd: number; meanNormHd: number; stages: Record<string, { bitsPerPair: number; hd: number | null; meanNormHd: number }> };
    const I = r.impostor as typeof G;
    const E = r.eer as Record<string, number>, F = r.fnmrAt1000 as Record<string, number>;
    const f = (x: number | null, d = 3): string => (x === null ? '—' : x.toFixed(d));
    console.log(`\n${set.label} (${part}): ${G.pairs} genuine, ${I.pairs} impostor pairs; compared bits' HD genuine ${f(G.keptHd)}, impostor ${f(I.keptHd)}; EER ${(100 * E.full).toFixed(2)} %`);
    console.log('stage put back      sheet %   gen bits/pair  gen HD   imp HD   gen normHD  imp normHD  EER %  FNMR@0.1% pairs');
    console.log(`${'(kernel masks)'.padEnd(18)} ${''.padStart(8)} ${''.padStart(14)} ${''.padStart(7)} ${''.padStart(8)} ${f(G.meanNormHd).padStart(11)} ${f(I.meanNormHd).padStart(11)} ${(100 * E.full).toFixed(2).padStart(6)} ${String(F.full).padStart(6)}`);
    for (const v of Object.keys(G.stages)) {
      const st = v.split(':')[0] as Stage;
      const sh = v.includes(':') || v === 'all' ? '' : (100 * (r.sheetShare as Record<string, number>)[st]).toFixed(1);
      console.log(`${v.padEnd(18)} ${sh.padStart(8)} ${G.stages[v].bitsPerPair.toFixed(0).padStart(14)} ${f(G.stages[v].hd).padStart(7)} ${f(I.stages[v].hd).padStart(8)} ${f(G.stages[v].meanNormHd).padStart(11)} ${f(I.stages[v].meanNormHd).padStart(11)} ${(100 * E[v]).toFixed(2).padStart(6)} ${String(F[v]).padStart(6)}`);
    }
  }
  for (const r of out) {
    console.log(`\n${r.set as string}: worst genuine pairs, impostor share ≥ the pair's score (%) per variant`);
    const w = r.worst as Array<{ a: string; b: string; share: Record<string, number> }>;
    const vs = ['full', 'bright', 'bright:lower', 'bright<5', 'bright<6', 'bright-island', 'dark', 'dark-island', 'dark:upper', 'upperLid', 'lowerLid', 'lash', 'all'];
    console.log(`${'pair'.padEnd(44)} ${vs.map((v) => v.padStart(9).slice(-9)).join(' ')}`);
    for (const x of w) console.log(`${`${x.a} × ${x.b}`.padEnd(44)} ${vs.map((v) => (100 * x.share[v]).toFixed(2).padStart(9)).join(' ')}`);
  }
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(out, null, 2));
}

main();
