/**
 * Iris 1:N at scale: `npm run bench -- identify --modality iris --gallery N` (N iris codes =
 * N / 2 two-eye subjects). A generated background (identify-iris-background.ts; its realness
 * measured and printed) with real MMU1 and CASIA-V1 subjects planted (identify-iris-planted.ts).
 * Every search runs twice in the same run, in alternating order: the coarse first pass then the
 * full rotation search on its subjects (the engine's default for iris-only probes), and the
 * exhaustive full rotation search over every code (the reference). Figures:
 * - p50Ms / p99Ms (coarse pass + full search) beside exhaustiveP50Ms / exhaustiveP99Ms;
 * - fnir / exhaustiveFnir at the decision threshold targetFPIR + 10·log10 N, on the same probes;
 *   fpir / exhaustiveFpir (a search's best non-mate over the threshold);
 * - coarseDroppedMates: searches whose mate the exhaustive search lists (any score over the list
 *   floor 10·log10 N) and the coarse search does not; sameCandidateLists: identical lists;
 * - penetration: full-search comparisons of the coarse mode / those of the exhaustive mode;
 * - ramBytesPerCode: shard memory per code plus the coarse rows per code;
 * - single-thread kernel rates: full rotation comparisons/s and coarse comparisons/s.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DedupEngine, EngineError, IrisMatcher, parseTemplateKey, type IdentifyResult } from '../engine/index.ts';
import { COARSE_BATCH, IrisCoarseKernel } from '../engine/iris-coarse.ts';
import { ROWS_PER_BLOCK } from '../engine/gallery/iris-coarse-index.ts';
import { IrisBackground } from './identify-iris-background.ts';
import { ensureIrisGalleryStore } from './identify-iris-gallery.ts';
import { plantedIrises, type PlantedIrisSearch } from './identify-iris-planted.ts';
import { formatRealness, realnessCheck, type RealnessHalf } from './identify-iris-realness.ts';
import { quantile, rssAnon } from './identify.ts';
import { wilson95 } from './identify-real-pool.ts';

export interface IrisIdentifyOptions {
  readonly gallery: number;
  readonly probes: number;
  readonly seed: number;
  readonly threads: number;
  readonly targetFPIR: number;
  readonly storeDir?: string;
  readonly json?: string;
}

interface ModeFigures { latencies: number[]; misses: number; falsePositives: number; comparisons: number; listed: number }

export interface IrisIdentifyFigures {
  gallery: number;
  codes: number;
  subjects: number;
  p50Ms: number;
  p99Ms: number;
  exhaustiveP50Ms: number;
  exhaustiveP99Ms: number;
  fnir: number;
  exhaustiveFnir: number;
  fnirCi95: [number, number];
  fpir: number;
  exhaustiveFpir: number;
  coarseDroppedMates: number;
  sameCandidateLists: number;
  penetration: number;
  coarseFallbacks: number;
  ramBytesPerCode: number;
  shardBytesPerCode: number;
  coarseBytesPerCode: number;
  matedSearches: number;
  bySet: Record<string, { searches: number; fnir: number; exhaustiveFnir: number; dropped: number }>;
  threshold: number;
  targetFPIR: number;
  threads: number;
  loadSeconds: number;
  rssAnonBytes: number;
  fullComparisonsPerSecond: number;
  coarseComparisonsPerSecond: number;
  realness: RealnessHalf[];
  plantedSubjects: number;
  failedToEnrol: number;
  storeBuiltSeconds: number | null;
}

export async function runIrisIdentifyBench(o: IrisIdentifyOptions, log: (line: string) => void): Promise<IrisIdentifyFigures> {
  if (o.gallery % 2 !== 0 || o.gallery < 2000) throw new EngineError('ERR_BENCH_OPTION', `--gallery ${o.gallery}: an even number of iris codes, at least 2,000 (two eyes a subject)`);
  const subjects = o.gallery / 2;
  log('enrolling the real eyes (MMU1, CASIA-V1 subset) …');
  const planted = plantedIrises();
  const masks = planted.realTemplates.filter((r) => r.half === 'first').map((r) => r.bytes);
  log(`planted ${planted.gallery.length} real subjects, ${planted.searches.length} mated searches (${planted.failedToEnrol} images failed to enrol); the background borrows the masks of ${masks.length} first-half real codes`);
  const background = new IrisBackground(masks);
  const generated = Array.from({ length: 2000 }, (_, i) => background.code(o.seed, i));
  const realness = realnessCheck(planted.realTemplates, generated);
  log(formatRealness(realness));
  const dir = o.storeDir ?? join(tmpdir(), `biodedup-identify-iris-${o.gallery}-${o.seed}`);
  const store = await ensureIrisGalleryStore({ dir, subjects, seed: o.seed, planted: planted.gallery, masks, threads: o.threads }, log);
  const engine = DedupEngine.open({ dataDir: dir, key: parseTemplateKey(store.keyHex), threads: o.threads, prefilter: {} });
  try {
    await engine.ready();
    const stats = engine.stats();
    log(`loaded ${stats.subjects.toLocaleString('en-US')} subjects, ${stats.templates.toLocaleString('en-US')} iris codes in ${engine.loadSeconds.toFixed(1)} s into ${stats.shards} shards`);
    const searches = spread(planted.searches, o.probes);
    // warm-up: kernels, JIT, and the coarse rows (built from the shards on the first coarse search)
    const warm = performance.now();
    await engine.identify(searches[0].probe, { targetFPIR: 0, mode: 'prefilter' });
    log(`coarse rows built and warm in ${((performance.now() - warm) / 1000).toFixed(1)} s`);
    await engine.identify(searches[0].probe, { targetFPIR: 0, mode: 'exhaustive' });
    const coarse: ModeFigures = { latencies: [], misses: 0, falsePositives: 0, comparisons: 0, listed: 0 };
    const exhaustive: ModeFigures = { latencies: [], misses: 0, falsePositives: 0, comparisons: 0, listed: 0 };
    const bySet: IrisIdentifyFigures['bySet'] = {};
    let threshold = 0, dropped = 0, same = 0, fallbacks = 0, penetrationSum = 0;
    for (const [i, search] of searches.entries()) {
      const run = async (mode: 'prefilter' | 'exhaustive', into: ModeFigures): Promise<IdentifyResult> => {
        const t0 = performance.now();
        // targetFPIR 0: every candidate over 10·log10 N comes back; the decision threshold is applied here
        const r = await engine.identify(search.probe, { targetFPIR: 0, maxResults: 10, mode });
        into.latencies.push(performance.now() - t0);
        into.comparisons += r.comparisons;
        return r;
      };
      // alternate which mode goes first: the machine's load drifts
      const [c, e] = i % 2 === 0 ? [await run('prefilter', coarse), await run('exhaustive', exhaustive)] : (([x, y]) => [y, x])([await run('exhaustive', exhaustive), await run('prefilter', coarse)]);
      threshold = c.threshold + o.targetFPIR;
      if (c.mode === 'exhaustive') fallbacks++;
      penetrationSum += c.comparisons / Math.max(1, e.comparisons);
      const cm = score(c, search), em = score(e, search);
      const set = (bySet[`${search.set} ${search.half} half`] ??= { searches: 0, fnir: 0, exhaustiveFnir: 0, dropped: 0 });
      set.searches++;
      if (!(cm.mate >= threshold)) { coarse.misses++; set.fnir++; }
      if (!(em.mate >= threshold)) { exhaustive.misses++; set.exhaustiveFnir++; }
      if (cm.other >= threshold) coarse.falsePositives++;
      if (em.other >= threshold) exhaustive.falsePositives++;
      if (Number.isFinite(em.mate) && !Number.isFinite(cm.mate)) { dropped++; set.dropped++; }
      if (sameList(c, e)) same++;
    }
    for (const s of Object.values(bySet)) { s.fnir /= s.searches; s.exhaustiveFnir /= s.searches; }
    const n = searches.length;
    const rows = Math.ceil(stats.subjects / ROWS_PER_BLOCK) * ROWS_PER_BLOCK;
    const kernel = new IrisCoarseKernel(1);
    const coarseBytesPerCode = (rows * (2 * kernel.entryBytes + 4)) / stats.templates;
    const shardBytesPerCode = stats.memoryBytes / stats.templates;
    const rates = kernelRates(generated, searches[0].probe.irises![0].template);
    coarse.latencies.sort((a, b) => a - b);
    exhaustive.latencies.sort((a, b) => a - b);
    return {
      gallery: o.gallery, codes: stats.templates, subjects: stats.subjects,
      p50Ms: quantile(coarse.latencies, 0.5), p99Ms: quantile(coarse.latencies, 0.99),
      exhaustiveP50Ms: quantile(exhaustive.latencies, 0.5), exhaustiveP99Ms: quantile(exhaustive.latencies, 0.99),
      fnir: coarse.misses / n, exhaustiveFnir: exhaustive.misses / n, fnirCi95: wilson95(coarse.misses, n),
      fpir: coarse.falsePositives / n, exhaustiveFpir: exhaustive.falsePositives / n,
      coarseDroppedMates: dropped, sameCandidateLists: same, penetration: penetrationSum / n, coarseFallbacks: fallbacks,
      ramBytesPerCode: shardBytesPerCode + coarseBytesPerCode, shardBytesPerCode, coarseBytesPerCode,
      matedSearches: n, bySet, threshold, targetFPIR: o.targetFPIR, threads: o.threads,
      loadSeconds: engine.loadSeconds, rssAnonBytes: rssAnon(),
      fullComparisonsPerSecond: rates.full, coarseComparisonsPerSecond: rates.coarse,
      realness, plantedSubjects: planted.gallery.length, failedToEnrol: planted.failedToEnrol,
      storeBuiltSeconds: store.built ? store.buildSeconds : null,
    };
  } finally {
    await engine.close();
  }
}

/** At most `max` searches, taken evenly through the list (both sets, both halves). */
function spread<T>(all: readonly T[], max: number): T[] {
  if (all.length <= max) return [...all];
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)]);
}

function score(r: IdentifyResult, search: PlantedIrisSearch): { mate: number; other: number } {
  const mate = r.candidates.find((c) => c.referenceId === search.mate);
  const other = r.candidates.find((c) => c.referenceId !== search.mate);
  return { mate: mate?.score ?? Number.NEGATIVE_INFINITY, other: other?.score ?? Number.NEGATIVE_INFINITY };
}

function sameList(a: IdentifyResult, b: IdentifyResult): boolean {
  return a.candidates.length === b.candidates.length && a.candidates.every((c, i) => c.referenceId === b.candidates[i].referenceId && c.score === b.candidates[i].score);
}

/** One thread, no pool: the full rotation search and the coarse scan over the same 2,000 generated codes. */
function kernelRates(generated: readonly Uint8Array[], probeBytes: Uint8Array): { full: number; coarse: number } {
  const m = new IrisMatcher();
  const gallery = m.loadGallery(generated.map((b) => m.templateFromBytes(b)));
  const probe = m.prepareProbe(m.templateFromBytes(probeBytes));
  const k = new IrisCoarseKernel(1);
  const entries = new Uint8Array(generated.length * k.entryBytes);
  generated.forEach((b, i) => k.entryOf(b, entries, i * k.entryBytes));
  k.prepareProbe(0, probeBytes);
  const out = new Float32Array(generated.length);
  const coarseOnce = () => { for (let at = 0; at < generated.length; at += COARSE_BATCH) k.scan(0, entries, at * k.entryBytes, Math.min(COARSE_BATCH, generated.length - at), out, at); };
  let full = 0, coarse = 0, fullMs = 0, coarseMs = 0;
  // interleaved rounds: both see the same load
  for (let round = 0; round < 20; round++) {
    let t = performance.now();
    m.compareManyRaw(probe, gallery, out);
    fullMs += performance.now() - t; full += generated.length;
    t = performance.now();
    for (let r = 0; r < 4; r++) coarseOnce();
    coarseMs += performance.now() - t; coarse += 4 * generated.length;
  }
  return { full: full / (fullMs / 1000), coarse: coarse / (coarseMs / 1000) };
}

export function formatIrisIdentify(f: IrisIdentifyFigures): string {
  const n = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const pct = (v: number) => `${n(100 * v, 2)} %`;
  return [
    `gallery ${n(f.codes)} iris codes (${n(f.subjects)} subjects; ${f.plantedSubjects} real), ${f.threads} workers; load ${n(f.loadSeconds, 1)} s; anonymous RSS ${n(f.rssAnonBytes / 2 ** 30, 2)} GiB`,
    `coarse pass + full search: p50 ${n(f.p50Ms, 1)} ms, p99 ${n(f.p99Ms, 1)} ms   exhaustive (31 rotations, every code): p50 ${n(f.exhaustiveP50Ms, 1)} ms, p99 ${n(f.exhaustiveP99Ms, 1)} ms   (${f.matedSearches} searches each, same probes, alternating order)`,
    `threshold ${n(f.threshold, 2)} (targetFPIR ${f.targetFPIR} + 10·log10 N): FNIR coarse ${pct(f.fnir)} [${pct(f.fnirCi95[0])}, ${pct(f.fnirCi95[1])}] vs exhaustive ${pct(f.exhaustiveFnir)}; FPIR ${pct(f.fpir)} vs ${pct(f.exhaustiveFpir)}`,
    `mates the coarse pass dropped ${f.coarseDroppedMates} of ${f.matedSearches}; identical candidate lists ${f.sameCandidateLists} of ${f.matedSearches}; penetration ${pct(f.penetration)} (full comparisons vs exhaustive); exhaustive fallbacks ${f.coarseFallbacks}`,
    ...Object.entries(f.bySet).map(([k, s]) => `  ${k}: ${s.searches} searches, FNIR ${pct(s.fnir)} vs exhaustive ${pct(s.exhaustiveFnir)}, dropped ${s.dropped}`),
    `RAM per code ${n(f.ramBytesPerCode)} B (shards ${n(f.shardBytesPerCode)} B + coarse rows ${n(f.coarseBytesPerCode)} B)`,
    `one thread: full rotation search ${n(f.fullComparisonsPerSecond)} codes/s, coarse pass ${n(f.coarseComparisonsPerSecond)} codes/s (${n(f.coarseComparisonsPerSecond / f.fullComparisonsPerSecond, 2)}×)`,
  ].join('\n');
}

export function writeIrisIdentifyJson(file: string, f: IrisIdentifyFigures): void {
  writeFileSync(file, `${JSON.stringify(f, null, 2)}\n`);
}
