/**
 * 1:N identify at scale: `npm run bench -- identify --gallery N [--fingers 2] [--mode exhaustive|prefilter]`.
 *
 * N finger templates = N / fingers subjects: synthetic background plus real planted subjects
 * (bench/identify-planted.ts). The store is built once per parameter set and reused; the figures
 * of a run are:
 * - loadSeconds: the engine's start-up rebuild of the shards from LMDB (decrypt + validate +
 *   publish every template; plus the prefilter index in prefilter mode);
 * - bytesPerTemplate: template heap bytes per live template in the shards (the shards' committed
 *   memory per template is reported beside it);
 * - p50Ms / p99Ms: identify latency, one search in flight (each search fans out over the pool);
 * - identifiesPerSecond and comparisonsPerSecondPerCore over the same searches, beside the
 *   single-kernel rate measured in the same run (one thread, no pool, no shards);
 * - fnir (mated searches whose mate is not a candidate) and fpir (non-mated searches with any
 *   candidate) at targetFPIR 30 (FPIR 0.1 %), with the gallery-size threshold of ARCHITECTURE.md;
 * - prefilterRecall: share of mated searches whose mate survives the prefilter.
 * And the honest figures (issue 16), every rate with its counts:
 * - the real-vs-real pool (identify-real-pool.ts): the penetration is chosen on one half of the
 *   real persons' searches (the smallest grid value keeping ≥ 99 % of mates) unless
 *   --penetration fixes it, and reported on the other half: realPoolHitRate with its Wilson 95 %
 *   interval, realPoolSearches, realPoolPeople; real-pool FNIR at FPIR 1 % / 0.1 %;
 * - planted in the generated gallery, at the same penetration: plantedHitRate (the mate survives
 *   the prefilter), on the report half; fnirAtFpir1 / fnirAtFpir01 (NIST FRIF: the threshold is
 *   the lowest that at most 1 % / 0.1 % of non-mated searches reach; a non-mated search is a
 *   mated probe's best candidate other than its mate), over all searches;
 * - prefilterFallbacks: searches the engine ran exhaustively (a probe finger without a vector);
 * - ramBytesPerFinger: the shards' committed memory per finger (templates or, with --residency
 *   coarse, coarse forms; slot table, vectors); matesFound: mated searches whose mate is a candidate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DedupEngine, EngineError, FingerMatcher, parseTemplateKey, type Probe } from '../engine/index.ts';
import { ensureGalleryStore } from './identify-gallery.ts';
import { GALLERY_PARAMS } from '../engine/gallery/params.ts';
import { cascadeHits, coarsePoolRows } from './tier-real-pool.ts';
import { backgroundFinger } from './gallery-background.ts';
import { realPlantedPersons } from './identify-planted.ts';
import { choosePenetration, fnirAtFpir, hitRate, realPool, wilson95, PENETRATION_GRID } from './identify-real-pool.ts';

export const IDENTIFY_MODES = ['exhaustive', 'prefilter'] as const;
export type IdentifyMode = (typeof IDENTIFY_MODES)[number];

export interface IdentifyBenchOptions {
  gallery: number;
  fingers: number;
  mode: IdentifyMode;
  /** At most this many mated and this many non-mated searches. */
  probes: number;
  seed: number;
  threads: number;
  storeDir?: string;
  targetFPIR: number;
  /** Prefilter mode: share of the gallery's subjects kept; undefined: chosen on the real pool's choose half. */
  penetration?: number;
  /** What the shards keep per finger (EngineOptions.fingerResidency); default full. */
  residency?: 'full' | 'coarse';
  /** Coarse residency: share of the subjects re-scored in full (default GALLERY_PARAMS.coarseKeepShare). */
  coarseKeepShare?: number;
  /** Coarse residency: the coarse gate's pass share (default GALLERY_PARAMS.coarseGatePassShare; 1 = no gate). */
  coarseGatePassShare?: number;
  json?: string;
}

export interface IdentifyFigures {
  gallery: number;
  fingersPerProbe: number;
  mode: IdentifyMode;
  loadSeconds: number;
  bytesPerTemplate: number;
  p50Ms: number;
  p99Ms: number;
  identifiesPerSecond: number;
  comparisonsPerSecondPerCore: number;
  prefilterRecall: number | null;
  fnir: number;
  fpir: number;
  penetration: number | null;
  penetrationChosenOn: string;
  realPoolHitRate: number;
  realPoolHitRateCi95: [number, number];
  realPoolSearches: number;
  realPoolPeople: number;
  realPoolCompositePeople: number;
  realPoolHitRateChooseHalf: number;
  realPoolFnirAtFpir1: number;
  realPoolFnirAtFpir01: number;
  realPoolNonMatedSearches: number;
  plantedHitRate: number | null;
  plantedHitRateCi95: [number, number] | null;
  plantedSearches: number;
  fnirAtFpir1: number;
  fnirAtFpir01: number;
  thresholdAtFpir1: number;
  thresholdAtFpir01: number;
  nonMatedSearchesForFpir: number;
  prefilterFallbacks: number;
  ramBytesPerFinger: number;
  fingerResidency: 'full' | 'coarse';
  coarseKeepShare: number | null;
  coarseGatePassShare: number | null;
  /** Mated searches whose mate is among the candidates (targetFPIR 0, 10 candidates), of matedSearches. */
  matesFound: number;
  /**
   * Coarse residency, real-vs-real pool, report half: searches whose mate passes the prefilter and
   * is a finalist of the coarse stage (tier-real-pool.ts cascadeHits: the coarse ranking of the
   * candidates taken as independent of the vector ranking), with Wilson 95 %; null otherwise.
   */
  realPoolCascadeHitRate: number | null;
  realPoolCascadeHitRateCi95: [number, number] | null;
  realPoolCascadeHitRateChooseHalf: number | null;
  // context
  subjects: number;
  threads: number;
  shards: number;
  shardMemoryBytesPerTemplate: number;
  rssBytes: number;
  /** Anonymous resident memory (heap, shards, index): RSS without the LMDB file pages the OS may drop. */
  rssAnonBytes: number;
  matedSearches: number;
  nonMatedSearches: number;
  targetFPIR: number;
  threshold: number;
  singleKernelComparisonsPerSecond: number;
  plantedSource: string;
  storeBuiltSeconds: number | null;
  /** Mean ms per identify by stage (the engine's IdentifyStages over the timed searches). */
  stagesMeanMs: Record<string, number> | null;
  /** At targetFPIR, the report half's planted searches only (issue 16, fusion): counts and Wilson 95 %. */
  reportHalf: { searches: number; people: number; falsePositives: number; fpir: number; fpirCi95: [number, number]; misses: number; fnir: number; fnirCi95: [number, number] };
  /** False positives (all searches) whose candidate is a planted real person, not a generated one. */
  falsePositivesFromRealPersons: number;
}

/** Two referenceIds of one U.are.U human (real-uareu.HUMAN.fingers): a search for one is mated with the other. */
const sameHuman = (a: string, b: string): boolean => a.startsWith('real-uareu.') && a.split('.').slice(0, 2).join('.') === b.split('.').slice(0, 2).join('.');

export async function runIdentifyBench(o: IdentifyBenchOptions, log: (line: string) => void): Promise<IdentifyFigures> {
  if (o.gallery % o.fingers !== 0) throw new EngineError('ERR_BENCH_OPTION', `--gallery ${o.gallery} is not a multiple of --fingers ${o.fingers}`);
  const subjects = o.gallery / o.fingers;
  const planted = await realPlantedPersons(o.fingers);
  const pool = realPool(planted.persons);
  const choose = pool.searches.filter((x) => x.half === 'choose'), report = pool.searches.filter((x) => x.half === 'report');
  const penetration = o.penetration ?? choosePenetration(choose, 0.99);
  const realHits = report.filter((x) => x.neededPenetration < penetration).length;
  log(`real pool: ${pool.persons} persons (${pool.compositePersons} composite), ${pool.fingers} fingers, ${pool.searches.length} mated searches; penetration ${penetration} ${o.penetration === undefined ? `chosen on ${choose.length} searches of the choose half (grid ${PENETRATION_GRID.join(', ')})` : 'given'}`);
  if (planted.gallery.length > subjects / 2) throw new EngineError('ERR_BENCH_OPTION', `a gallery of ${subjects} subjects is too small for ${planted.gallery.length} planted ones`);
  const dir = o.storeDir ?? join(tmpdir(), `biodedup-identify-${o.gallery}-${o.fingers}-${o.seed}`);
  const store = await ensureGalleryStore({ dir, subjects, fingersPerSubject: o.fingers, seed: o.seed, planted: planted.gallery, threads: o.threads }, log);

  const engine = DedupEngine.open({
    dataDir: dir, key: parseTemplateKey(store.keyHex), threads: o.threads,
    prefilter: o.mode === 'prefilter' ? { penetration, minKeep: 100 } : undefined,
    fingerResidency: o.residency ?? 'full', coarseKeepShare: o.coarseKeepShare, coarseGatePassShare: o.coarseGatePassShare,
  });
  try {
    const readyStarted = performance.now();
    await engine.ready(); // the flat prefilter's vectors, computed by the pool after the rebuild
    const vectorSeconds = (performance.now() - readyStarted) / 1000;
    const stats = engine.stats();
    log(`loaded ${stats.subjects.toLocaleString('en-US')} subjects, ${stats.templates.toLocaleString('en-US')} templates in ${engine.loadSeconds.toFixed(1)} s into ${stats.shards} shards`);
    if (o.mode === 'prefilter') log(`prefilter vectors ready ${(engine.prefilterLoadSeconds + vectorSeconds).toFixed(1)} s after the shards (${stats.cachedVectors.toLocaleString('en-US')} copied from the sealed file of the last close)`);
    await engine.identify(planted.mated[0].probe); // warm the pool (kernel instantiation, JIT)
    const mated = planted.mated.slice(0, o.probes);
    const latencies: number[] = [];
    const mateScores: number[] = [], nonMateScores: number[] = [];
    const stageSums = new Map<string, number>();
    let comparisons = 0, misses = 0, falsePositives = 0, threshold = 0, fallbacks = 0, fromReal = 0, found = 0;
    const half = { searches: 0, falsePositives: 0, misses: 0, people: new Set<string>() };
    const started = performance.now();
    for (const search of mated) {
      const t0 = performance.now();
      // targetFPIR 0: every candidate over 10·log10 N comes back, so the FNIR/FPIR curve can be read off
      const result = await engine.identify(search.probe, { targetFPIR: 0, maxResults: 10, mode: o.mode });
      latencies.push(performance.now() - t0);
      for (const [stage, ms] of Object.entries(result.stages ?? {})) stageSums.set(stage, (stageSums.get(stage) ?? 0) + ms);
      comparisons += result.comparisons;
      threshold = result.threshold + o.targetFPIR; // the decision threshold at the target
      if (o.mode === 'prefilter' && result.mode === 'exhaustive') fallbacks++;
      const mate = result.candidates.find((c) => c.referenceId === search.mate);
      // a non-mate: not the mate, nor the mate's own human under other fingers (that is a duplicate)
      const other = result.candidates.find((c) => c.referenceId !== search.mate && !sameHuman(c.referenceId, search.mate));
      mateScores.push(mate?.score ?? Number.NEGATIVE_INFINITY);
      if (mate !== undefined) found++;
      nonMateScores.push(other?.score ?? Number.NEGATIVE_INFINITY);
      if (!(mate !== undefined && mate.score >= threshold)) misses++;
      if (other !== undefined && other.score >= threshold) falsePositives++;
      if (other !== undefined && other.score >= threshold && other.referenceId.startsWith('real-')) fromReal++;
      if (search.half === 'report') {
        half.searches++;
        half.people.add(search.mate);
        if (!(mate !== undefined && mate.score >= threshold)) half.misses++;
        if (other !== undefined && other.score >= threshold) half.falsePositives++;
      }
    }
    const wallSeconds = (performance.now() - started) / 1000;
    // recall, untimed: did the mate survive the prefilter (whatever the full matcher then scored)?
    let kept = 0, keptReport = 0, reportSearches = 0;
    if (o.mode === 'prefilter') {
      for (const m of mated) {
        const hit = (await engine.prefilterCandidates(m.probe))?.has(m.mate) ?? true;
        if (hit) kept++;
        if (m.half === 'report') { reportSearches++; if (hit) keptReport++; }
      }
    }
    // the coarse stage on the real pool (untimed): its finalists' share of the prefilter's candidates
    const cascade = { realPoolCascadeHitRate: null as number | null, realPoolCascadeHitRateCi95: null as [number, number] | null, realPoolCascadeHitRateChooseHalf: null as number | null };
    if (o.residency === 'coarse' && o.fingers === 2) {
      const rows = coarsePoolRows(planted, pool);
      const keepShare = o.coarseKeepShare ?? GALLERY_PARAMS.coarseKeepShare;
      const keepOf = (half: 'choose' | 'report') => rows.filter((x) => x.half === half);
      const gateShare = o.coarseGatePassShare ?? GALLERY_PARAMS.coarseGatePassShare;
      const hits = cascadeHits(keepOf('report'), penetration, Math.max(keepShare, GALLERY_PARAMS.coarseMinKeep / subjects), gateShare);
      cascade.realPoolCascadeHitRate = hits / Math.max(1, keepOf('report').length);
      cascade.realPoolCascadeHitRateCi95 = wilson95(hits, keepOf('report').length);
      cascade.realPoolCascadeHitRateChooseHalf = cascadeHits(keepOf('choose'), penetration, Math.max(keepShare, GALLERY_PARAMS.coarseMinKeep / subjects), gateShare) / Math.max(1, keepOf('choose').length);
    }
    const singleKernel = singleKernelRate(mated.slice(0, 8).map((m) => m.probe), o.seed, o.fingers);
    latencies.sort((a, b) => a - b);
    const at1 = fnirAtFpir(mateScores, nonMateScores, 0.01), at01 = fnirAtFpir(mateScores, nonMateScores, 0.001);
    const real1 = fnirAtFpir(pool.searches.map((x) => x.mateFused), pool.searches.map((x) => x.bestNonMateFused), 0.01);
    const real01 = fnirAtFpir(pool.searches.map((x) => x.mateFused), pool.searches.map((x) => x.bestNonMateFused), 0.001);
    return {
      gallery: o.gallery,
      fingersPerProbe: o.fingers,
      mode: o.mode,
      loadSeconds: engine.loadSeconds + engine.prefilterLoadSeconds + vectorSeconds,
      bytesPerTemplate: stats.templateBytes / stats.templates,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      identifiesPerSecond: latencies.length / wallSeconds,
      comparisonsPerSecondPerCore: comparisons / wallSeconds / o.threads,
      prefilterRecall: o.mode === 'prefilter' ? kept / mated.length : null,
      fnir: misses / mated.length,
      fpir: falsePositives / Math.max(1, mated.length),
      penetration: o.mode === 'prefilter' ? penetration : null,
      penetrationChosenOn: o.penetration === undefined ? `real pool, choose half: ${choose.length} searches, hit rate ${hitRate(choose, penetration).toFixed(4)}` : 'given (--penetration)',
      realPoolHitRate: realHits / Math.max(1, report.length),
      realPoolHitRateCi95: wilson95(realHits, report.length),
      realPoolSearches: report.length,
      realPoolPeople: new Set(report.map((x) => x.person)).size,
      realPoolCompositePeople: new Set(report.filter((x) => x.composite).map((x) => x.person)).size,
      realPoolHitRateChooseHalf: hitRate(choose, penetration),
      realPoolFnirAtFpir1: real1.fnir,
      realPoolFnirAtFpir01: real01.fnir,
      realPoolNonMatedSearches: pool.searches.length,
      plantedHitRate: o.mode === 'prefilter' ? keptReport / Math.max(1, reportSearches) : null,
      plantedHitRateCi95: o.mode === 'prefilter' ? wilson95(keptReport, reportSearches) : null,
      plantedSearches: reportSearches,
      fnirAtFpir1: at1.fnir,
      fnirAtFpir01: at01.fnir,
      thresholdAtFpir1: at1.threshold,
      thresholdAtFpir01: at01.threshold,
      nonMatedSearchesForFpir: nonMateScores.length,
      prefilterFallbacks: fallbacks,
      ramBytesPerFinger: stats.memoryBytes / stats.templates,
      fingerResidency: o.residency ?? 'full',
      coarseKeepShare: o.residency === 'coarse' ? o.coarseKeepShare ?? GALLERY_PARAMS.coarseKeepShare : null,
      coarseGatePassShare: o.residency === 'coarse' ? o.coarseGatePassShare ?? GALLERY_PARAMS.coarseGatePassShare : null,
      matesFound: found,
      ...cascade,
      subjects: stats.subjects,
      threads: o.threads,
      shards: stats.shards,
      shardMemoryBytesPerTemplate: stats.memoryBytes / stats.templates,
      rssBytes: process.memoryUsage().rss,
      rssAnonBytes: rssAnon(),
      matedSearches: mated.length,
      nonMatedSearches: mated.length,
      targetFPIR: o.targetFPIR,
      threshold,
      singleKernelComparisonsPerSecond: singleKernel,
      plantedSource: planted.source,
      storeBuiltSeconds: store.built ? store.buildSeconds : null,
      stagesMeanMs: stageSums.size === 0 ? null : Object.fromEntries([...stageSums].map(([stage, sum]) => [stage, sum / mated.length])),
      reportHalf: {
        searches: half.searches, people: half.people.size,
        falsePositives: half.falsePositives, fpir: half.falsePositives / Math.max(1, half.searches), fpirCi95: wilson95(half.falsePositives, half.searches),
        misses: half.misses, fnir: half.misses / Math.max(1, half.searches), fnirCi95: wilson95(half.misses, half.searches),
      },
      falsePositivesFromRealPersons: fromReal,
    };
  } finally {
    await engine.close();
  }
}

/**
 * The baseline: one thread, one kernel, no pool, no shards, no copies — the probes' fingers
 * (the first mated searches', so the same probes the timed searches start with) each against
 * 1,000 background templates of their own finger, in one contiguous in-memory gallery.
 */
function singleKernelRate(probeSet: readonly Probe[], seed: number, fingers: number): number {
  const matcher = new FingerMatcher();
  const galleries = Array.from({ length: fingers }, (_, f) => matcher.loadGallery(Array.from({ length: 1000 }, (_, i) => {
    const record = backgroundFinger(seed, i, f);
    return matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX });
  })));
  const probes = probeSet.flatMap((p) => p.fingers!.map((f, i) => ({ probe: matcher.prepareProbe(matcher.templateFromBytes(f.template)), gallery: galleries[i] })));
  const out = new Float32Array(1000);
  for (const { probe, gallery } of probes) matcher.compareManyRaw(probe, gallery, out); // warm-up
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 3000) {
    for (const { probe, gallery } of probes) matcher.compareManyRaw(probe, gallery, out);
    n += probes.length * 1000;
  }
  return n / ((performance.now() - started) / 1000);
}

/** RssAnon from /proc/self/status (Linux), bytes; NaN elsewhere. */
export function rssAnon(): number {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m === null ? Number.NaN : Number(m[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** The q-quantile of ascending values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export function formatIdentify(f: IdentifyFigures): string {
  const n = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  // −MAX_VALUE: fewer non-mated searches than the FPIR allows returned any candidate, so any score passes
  const threshold = (t: number) => (t <= -1e300 ? 'none (any candidate)' : n(t, 1));
  return [
    `gallery ${n(f.gallery)} finger templates (${n(f.subjects)} subjects × ${f.fingersPerProbe}), ${f.shards} shards, ${f.threads} workers, mode ${f.mode}, finger residency ${f.fingerResidency}${f.coarseKeepShare === null ? '' : ` (finalists: share ${f.coarseKeepShare}; coarse gate pass share ${f.coarseGatePassShare})`}; mates found ${f.matesFound} of ${f.matedSearches}`,
    `load (rebuild from LMDB): ${n(f.loadSeconds, 1)} s   template bytes/template: ${n(f.bytesPerTemplate)} (shard memory ${n(f.shardMemoryBytesPerTemplate)})   process RSS ${n(f.rssBytes / 2 ** 30, 2)} GiB (anonymous ${n(f.rssAnonBytes / 2 ** 30, 2)} GiB; the rest is LMDB file cache)`,
    `identify latency p50 ${n(f.p50Ms, 1)} ms, p99 ${n(f.p99Ms, 1)} ms; ${n(f.identifiesPerSecond, 2)} identifies/s (one in flight)`,
    `comparisons/s/core ${n(f.comparisonsPerSecondPerCore)} vs single kernel ${n(f.singleKernelComparisonsPerSecond)} (${n((100 * f.comparisonsPerSecondPerCore) / f.singleKernelComparisonsPerSecond, 1)} %)`,
    `targetFPIR ${f.targetFPIR} → threshold ${n(f.threshold, 2)}: FNIR ${n(100 * f.fnir, 2)} % of ${f.matedSearches} mated, FPIR ${n(100 * f.fpir, 2)} % of ${f.nonMatedSearches} non-mated (planted: ${f.plantedSource})`,
    `report half at targetFPIR ${f.targetFPIR}: FPIR ${n(100 * f.reportHalf.fpir, 2)} % [${n(100 * f.reportHalf.fpirCi95[0], 2)}, ${n(100 * f.reportHalf.fpirCi95[1], 2)}] (${f.reportHalf.falsePositives} of ${f.reportHalf.searches}), FNIR ${n(100 * f.reportHalf.fnir, 2)} % [${n(100 * f.reportHalf.fnirCi95[0], 2)}, ${n(100 * f.reportHalf.fnirCi95[1], 2)}] (${f.reportHalf.misses} of ${f.reportHalf.searches}), ${f.reportHalf.people} people; false positives from planted real persons (all searches): ${f.falsePositivesFromRealPersons}`,
    f.prefilterRecall === null ? '' : `prefilter recall ${n(100 * f.prefilterRecall, 2)} % of ${f.matedSearches} planted mated searches; fallbacks to exhaustive ${f.prefilterFallbacks}`,
    `real-vs-real pool: hit rate ${n(100 * f.realPoolHitRate, 2)} % [${n(100 * f.realPoolHitRateCi95[0], 2)}, ${n(100 * f.realPoolHitRateCi95[1], 2)}] (Wilson 95 %) of ${f.realPoolSearches} searches from ${f.realPoolPeople} people (${f.realPoolCompositePeople} composite) at penetration ${f.penetration ?? 'n/a'} (${f.penetrationChosenOn}); FNIR at FPIR 1 % / 0.1 %: ${n(100 * f.realPoolFnirAtFpir1, 2)} / ${n(100 * f.realPoolFnirAtFpir01, 2)} % (${f.realPoolNonMatedSearches} non-mated searches, gallery of the other real persons)`,
    f.realPoolCascadeHitRate === null ? '' : `coarse residency, real pool: the mate passes the prefilter and the coarse stage in ${n(100 * f.realPoolCascadeHitRate, 2)} % [${n(100 * f.realPoolCascadeHitRateCi95![0], 2)}, ${n(100 * f.realPoolCascadeHitRateCi95![1], 2)}] of the report half's searches (choose half ${n(100 * f.realPoolCascadeHitRateChooseHalf!, 2)} %)`,
    f.plantedHitRate === null ? '' : `planted in the generated gallery: prefilter hit rate ${n(100 * f.plantedHitRate, 2)} % [${n(100 * f.plantedHitRateCi95![0], 2)}, ${n(100 * f.plantedHitRateCi95![1], 2)}] of ${f.plantedSearches} report-half searches`,
    `planted, FNIR at FPIR 1 % / 0.1 %: ${n(100 * f.fnirAtFpir1, 2)} / ${n(100 * f.fnirAtFpir01, 2)} % (thresholds ${threshold(f.thresholdAtFpir1)} / ${threshold(f.thresholdAtFpir01)}; ${f.nonMatedSearchesForFpir} non-mated searches = each probe's best non-mate, so FPIR 0.1 % resolves only from 1,000); RAM per finger in the shards ${n(f.ramBytesPerFinger)} B`,
    f.stagesMeanMs === null ? '' : `mean ms per identify by stage (wall; busy = the workers' compute summed over ${f.threads} workers): ${Object.entries(f.stagesMeanMs).map(([k, v]) => `${k} ${n(v, 1)}`).join(', ')}`,
  ].filter((l) => l !== '').join('\n');
}

export function writeIdentifyJson(file: string, f: IdentifyFigures): void {
  writeFileSync(file, `${JSON.stringify(f, null, 2)}\n`);
}

export type { Probe };
