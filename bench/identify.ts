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
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DedupEngine, EngineError, FingerMatcher, parseTemplateKey, type Probe } from '../engine/index.ts';
import { ensureGalleryStore } from './identify-gallery.ts';
import { backgroundFinger } from './gallery-background.ts';
import { plantedPersons, type PlantedPersons } from './identify-planted.ts';

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
  /** Prefilter mode: share of the gallery kept per probe finger. */
  penetration: number;
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
}

export async function runIdentifyBench(o: IdentifyBenchOptions, log: (line: string) => void): Promise<IdentifyFigures> {
  if (o.gallery % o.fingers !== 0) throw new EngineError('ERR_BENCH_OPTION', `--gallery ${o.gallery} is not a multiple of --fingers ${o.fingers}`);
  const subjects = o.gallery / o.fingers;
  const planted = plantedPersons(o.fingers);
  if (planted.gallery.length > subjects / 2) throw new EngineError('ERR_BENCH_OPTION', `a gallery of ${subjects} subjects is too small for ${planted.gallery.length} planted ones`);
  const dir = o.storeDir ?? join(tmpdir(), `biodedup-identify-${o.gallery}-${o.fingers}-${o.seed}`);
  const store = await ensureGalleryStore({ dir, subjects, fingersPerSubject: o.fingers, seed: o.seed, planted: planted.gallery, threads: o.threads }, log);

  const engine = DedupEngine.open({
    dataDir: dir, key: parseTemplateKey(store.keyHex), threads: o.threads,
    prefilter: o.mode === 'prefilter' ? { penetration: o.penetration, minKeep: 100 } : undefined,
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
    const nonMated = planted.nonMated.slice(0, o.probes);
    const latencies: number[] = [];
    let comparisons = 0, misses = 0, falsePositives = 0, threshold = 0;
    const started = performance.now();
    for (const search of [...mated.map((m) => ({ ...m, mate: m.mate as string | null })), ...nonMated.map((n) => ({ ...n, mate: null }))]) {
      const t0 = performance.now();
      const result = await engine.identify(search.probe, { targetFPIR: o.targetFPIR, maxResults: 10, mode: o.mode });
      latencies.push(performance.now() - t0);
      comparisons += result.comparisons;
      threshold = result.threshold;
      if (search.mate !== null && !result.candidates.some((c) => c.referenceId === search.mate)) misses++;
      if (search.mate === null && result.candidates.length > 0) falsePositives++;
    }
    const wallSeconds = (performance.now() - started) / 1000;
    // recall, untimed: did the mate survive the prefilter (whatever the full matcher then scored)?
    let kept = 0;
    if (o.mode === 'prefilter') for (const m of mated) if ((await engine.prefilterCandidates(m.probe))?.has(m.mate) ?? true) kept++;
    const singleKernel = singleKernelRate(planted, o.seed, o.fingers);
    latencies.sort((a, b) => a - b);
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
      fpir: falsePositives / Math.max(1, nonMated.length),
      subjects: stats.subjects,
      threads: o.threads,
      shards: stats.shards,
      shardMemoryBytesPerTemplate: stats.memoryBytes / stats.templates,
      rssBytes: process.memoryUsage().rss,
      rssAnonBytes: rssAnon(),
      matedSearches: mated.length,
      nonMatedSearches: nonMated.length,
      targetFPIR: o.targetFPIR,
      threshold,
      singleKernelComparisonsPerSecond: singleKernel,
      plantedSource: planted.source,
      storeBuiltSeconds: store.built ? store.buildSeconds : null,
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
function singleKernelRate(planted: PlantedPersons, seed: number, fingers: number): number {
  const matcher = new FingerMatcher();
  const galleries = Array.from({ length: fingers }, (_, f) => matcher.loadGallery(Array.from({ length: 1000 }, (_, i) => {
    const record = backgroundFinger(seed, i, f);
    return matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX });
  })));
  const probes = planted.mated.slice(0, 8).flatMap((m) => m.probe.fingers!.map((f, i) => ({ probe: matcher.prepareProbe(matcher.templateFromBytes(f.template)), gallery: galleries[i] })));
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
function rssAnon(): number {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m === null ? Number.NaN : Number(m[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export function formatIdentify(f: IdentifyFigures): string {
  const n = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  return [
    `gallery ${n(f.gallery)} finger templates (${n(f.subjects)} subjects × ${f.fingersPerProbe}), ${f.shards} shards, ${f.threads} workers, mode ${f.mode}`,
    `load (rebuild from LMDB): ${n(f.loadSeconds, 1)} s   template bytes/template: ${n(f.bytesPerTemplate)} (shard memory ${n(f.shardMemoryBytesPerTemplate)})   process RSS ${n(f.rssBytes / 2 ** 30, 2)} GiB (anonymous ${n(f.rssAnonBytes / 2 ** 30, 2)} GiB; the rest is LMDB file cache)`,
    `identify latency p50 ${n(f.p50Ms, 1)} ms, p99 ${n(f.p99Ms, 1)} ms; ${n(f.identifiesPerSecond, 2)} identifies/s (one in flight)`,
    `comparisons/s/core ${n(f.comparisonsPerSecondPerCore)} vs single kernel ${n(f.singleKernelComparisonsPerSecond)} (${n((100 * f.comparisonsPerSecondPerCore) / f.singleKernelComparisonsPerSecond, 1)} %)`,
    `targetFPIR ${f.targetFPIR} → threshold ${n(f.threshold, 2)}: FNIR ${n(100 * f.fnir, 2)} % of ${f.matedSearches} mated, FPIR ${n(100 * f.fpir, 2)} % of ${f.nonMatedSearches} non-mated (planted: ${f.plantedSource})`,
    f.prefilterRecall === null ? '' : `prefilter recall ${n(100 * f.prefilterRecall, 2)} %`,
  ].filter((l) => l !== '').join('\n');
}

export function writeIdentifyJson(file: string, f: IdentifyFigures): void {
  writeFileSync(file, `${JSON.stringify(f, null, 2)}\n`);
}

export type { Probe };
