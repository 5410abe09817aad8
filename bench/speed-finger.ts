/**
 * Finger 1:N scan speed on one thread (benchmark.js): one prepared probe against a whole
 * gallery of real templates per iteration (rotating through a few probes), in one suite:
 * the compact kernel on compact templates (what the shards hold), today's MCC1 kernel on the
 * stored templates (the baseline of the compact form: equal scores, checked here on every
 * probe), and the scalar build of the MCC1 kernel (the SIMD baseline). Comparisons per
 * second = gallery size × iterations per second. Bytes per template in RAM for both forms.
 * Then template building (createTemplate: the cylinders, on the path of every 1:1 verify):
 * median µs per template over the same samples, SIMD and scalar kernels interleaved per sample.
 */
import Benchmark from 'benchmark';
import { basename } from 'node:path';
import { EngineError } from '../engine/index.ts';
import type { KernelVariant } from '../engine/index.ts';
import { FingerMatcher, type FingerGallery, type GalleryForm, type PreparedProbe } from '../engine/index.ts';
import { FVC2002_ISO_SETS, fvc2002IsoDir, fvc2002IsoSetDirs, isDirectory } from './data-dir.ts';
import { enrolSamples, readIsoSamples, syntheticSamples, type FingerSample } from './iso-samples.ts';
import type { SpeedContext, SpeedFigures, SpeedSuite } from './speed.ts';

export const BASELINE_KERNEL = 'scalar (same algorithm, no SIMD)';
/** Probes rotated through, so no single template's cost decides the figure. */
const PROBES = 32;
/** Rounds of the paired compact/MCC1 measurement (each: every probe once per kernel). */
const PAIRED_ROUNDS = 15;
/** Wall time each case is run before measuring, ms. */
const WARM_UP_MS = 1500;
/** Passes over the samples when timing template building: the medians rest on each sample several times. */
const TEMPLATE_PASSES = 5;
/** Synthetic fallback gallery: the size of the four FVC2002 B sets together. */
const SYNTHETIC_GALLERY = { fingers: 40, impressions: 8, seed: 2002 };

export interface FingerSpeedFigures extends SpeedFigures {
  /** The production scan: compact kernel on compact templates, SIMD. */
  fingerComparisonsPerSecond: number;
  /** Today's MCC1 kernel (SIMD) on the stored templates, same run. */
  mcc1ComparisonsPerSecond: number;
  /** fingerComparisonsPerSecond / mcc1ComparisonsPerSecond. */
  compactSpeedup: number;
  /** The same ratio from interleaved rounds timed in CPU time (less sensitive to a loaded machine). */
  compactSpeedupPairedCpu: number;
  /** Mean bytes per template as held in RAM (16-byte aligned), compact and MCC1. */
  fingerRamBytesPerTemplate: number;
  mcc1RamBytesPerTemplate: number;
  /** The scalar build of the MCC1 kernel, same run. */
  baselinePerSecond: number;
  baselineKernel: string;
  galleryTemplates: number;
  gallerySource: string;
  /** Median µs per FingerMatcher.createTemplate with the SIMD kernel (JS wrapper included). */
  fingerTemplateMicrosMedian: number;
  /** The same with the baseline kernel, timed in the same run. */
  fingerTemplateBaselineMicrosMedian: number;
  fingerTemplateSamples: number;
}

interface GallerySamples {
  samples: FingerSample[];
  source: string;
}

/** The given sets, else the FVC2002 ISO sets present, else synthetic records (said loudly). */
function gallerySamples(context: SpeedContext): GallerySamples {
  if (context.sets.length > 0) {
    return { samples: context.sets.flatMap((dir) => readIsoSamples(dir, 'fvc')), source: context.sets.join(', ') };
  }
  const dirs = fvc2002IsoSetDirs().filter(isDirectory);
  if (dirs.length > 0) {
    const missing = FVC2002_ISO_SETS.filter((_, k) => !isDirectory(fvc2002IsoSetDirs()[k]));
    if (missing.length > 0) context.print(`warning: ${missing.join(', ')} missing under ${fvc2002IsoDir()}; using the others`);
    return {
      samples: dirs.flatMap((dir) => readIsoSamples(dir, 'fvc')),
      source: `fvc2002-iso ${dirs.map((d) => basename(d)).join(', ')} (${fvc2002IsoDir()})`,
    };
  }
  const { fingers, impressions, seed } = SYNTHETIC_GALLERY;
  const source = `synthetic (${fingers} fingers × ${impressions} impressions, seed ${seed})`;
  context.print('!'.repeat(100));
  context.print(`!! WARNING: no real data at ${fvc2002IsoDir()} (set BIODEDUP_DATA or pass --set).`);
  context.print(`!! Falling back to a SYNTHETIC gallery: ${source}. Figures are not comparable with real-data runs.`);
  context.print('!'.repeat(100));
  return { samples: syntheticSamples(fingers, impressions, seed), source };
}

interface KernelCase {
  variant: KernelVariant;
  form: GalleryForm;
  matcher: FingerMatcher;
  gallery: FingerGallery;
  probes: PreparedProbe[];
  out: Float32Array<ArrayBuffer>;
  next: number;
}

function kernelCase(variant: KernelVariant, form: GalleryForm, samples: readonly FingerSample[]): KernelCase {
  const matcher = new FingerMatcher(variant);
  const enrolled = enrolSamples(matcher, samples);
  const failed = enrolled.filter((s) => s.template === null);
  if (failed.length > 0) {
    // The caller passes only samples that enrolled with the SIMD kernel: the kernels must agree.
    throw new EngineError('ERR_BENCH_KERNELS_DISAGREE', `${variant} kernel failed to enrol ${failed.map((s) => s.name).join(', ')}`);
  }
  const templates = enrolled.map((s) => s.template!);
  const gallery = matcher.loadGallery(templates, form);
  const count = Math.min(PROBES, templates.length);
  const probes = Array.from({ length: count }, (_, k) => matcher.prepareProbe(templates[Math.floor((k * templates.length) / count)]));
  return { variant, form, matcher, gallery, probes, out: new Float32Array(gallery.size), next: 0 };
}

/** The compact kernel must give today's scores bit for bit (else its speed means nothing). */
function checkEqualScores(compact: KernelCase, mcc1: KernelCase): void {
  compact.probes.forEach((probe, k) => {
    const a = compact.matcher.compareManyRaw(probe, compact.gallery);
    const b = mcc1.matcher.compareManyRaw(mcc1.probes[k], mcc1.gallery);
    const j = a.findIndex((v, i) => !Object.is(v, b[i]));
    if (j >= 0) throw new EngineError('ERR_BENCH_KERNELS_DISAGREE', `compact and MCC1 kernels disagree on probe ${k}, template ${j}: ${a[j]} vs ${b[j]}`);
  });
}

/** Median over rounds of (MCC1 CPU time / compact CPU time) for one full scan each. */
function pairedCpuRatio(compact: KernelCase, mcc1: KernelCase): number {
  const cpu = (c: KernelCase): number => {
    const t0 = process.cpuUsage();
    for (let p = 0; p < c.probes.length; p++) scan(c);
    const used = process.cpuUsage(t0);
    return used.user + used.system;
  };
  const ratios: number[] = [];
  for (let r = 0; r < PAIRED_ROUNDS; r++) {
    if (r % 2 === 0) { const a = cpu(compact); ratios.push(cpu(mcc1) / a); } else { const b = cpu(mcc1); ratios.push(b / cpu(compact)); }
  }
  return median(ratios);
}

/** Scans for WARM_UP_MS of wall time. */
function warmUp(c: KernelCase): void {
  const end = Date.now() + WARM_UP_MS;
  while (Date.now() < end) scan(c);
}

function scan(c: KernelCase): void {
  c.matcher.compareManyRaw(c.probes[c.next], c.gallery, c.out);
  c.next = (c.next + 1) % c.probes.length;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

interface TemplateTiming { simdMicros: number[]; baselineMicros: number[] }

/** createTemplate per sample with both kernels, alternating which goes first, TEMPLATE_PASSES times. */
function timeTemplateBuilding(simd: FingerMatcher, baseline: FingerMatcher, samples: readonly FingerSample[]): TemplateTiming {
  const timing: TemplateTiming = { simdMicros: [], baselineMicros: [] };
  const time = (matcher: FingerMatcher, sample: FingerSample, into: number[]): void => {
    if (!sample.input.ok) return;
    const { minutiae, resolutionPxPerCm } = sample.input;
    const t0 = process.hrtime.bigint();
    matcher.createTemplate(minutiae, { resolutionPxPerCm });
    into.push(Number(process.hrtime.bigint() - t0) / 1e3);
  };
  for (let pass = 0; pass < TEMPLATE_PASSES; pass++) {
    for (const sample of samples) {
      if (pass % 2 === 0) { time(simd, sample, timing.simdMicros); time(baseline, sample, timing.baselineMicros); }
      else { time(baseline, sample, timing.baselineMicros); time(simd, sample, timing.simdMicros); }
    }
  }
  return timing;
}

async function runFingerSpeed(context: SpeedContext): Promise<FingerSpeedFigures> {
  const { samples, source } = gallerySamples(context);
  // Enrol once with the SIMD kernel to drop failures to enrol: speed needs templates, not FTE.
  const usable = enrolSamples(new FingerMatcher('simd'), samples);
  const kept = samples.filter((_, k) => usable[k].template !== null);
  if (kept.length === 0) throw new EngineError('ERR_BENCH_NO_TEMPLATES', `no usable template in ${source}`);
  if (kept.length < samples.length) context.print(`note: ${samples.length - kept.length} of ${samples.length} samples gave no template and are left out`);
  const compact = kernelCase('simd', 'compact', kept);
  const simd = kernelCase('simd', 'mcc1', kept);
  const scalar = kernelCase('scalar', 'mcc1', kept);
  const size = simd.gallery.size;
  checkEqualScores(compact, simd);
  context.print(`gallery: ${size} templates from ${source}`);
  context.print(`each iteration: compareManyRaw of one prepared probe (rotating through ${simd.probes.length}) against the whole gallery, one thread`);
  const ramPerTemplate = (c: KernelCase): number => c.gallery.templateBytes / c.gallery.size;
  context.print(`RAM per template: compact ${Math.round(ramPerTemplate(compact)).toLocaleString('en-US')} B, MCC1 ${Math.round(ramPerTemplate(simd)).toLocaleString('en-US')} B (${(ramPerTemplate(compact) / ramPerTemplate(simd)).toFixed(3)}×); scores equal on all ${simd.probes.length} probes`);

  // V8 runs wasm first as baseline code and optimises hot functions in the background: warm
  // every case up first, so the first one measured is not the one still running unoptimised
  for (const c of [compact, simd, scalar]) warmUp(c);
  const suite = new Benchmark.Suite('finger compareManyRaw');
  suite.add('compact', () => scan(compact), { maxTime: context.maxTime });
  suite.add('mcc1', () => scan(simd), { maxTime: context.maxTime });
  suite.add('scalar', () => scan(scalar), { maxTime: context.maxTime });
  suite.run({ async: false });
  const [compactBench, simdBench, scalarBench] = suite.slice(0, 3) as Benchmark[];
  for (const b of [compactBench, simdBench, scalarBench]) {
    if (b.error) throw new EngineError('ERR_BENCH_FAILED', `benchmark "${b.name}" failed: ${String(b.error)}`, { cause: b.error });
  }

  const perSecond = (b: Benchmark): number => b.hz * size;
  const labels = ['compact kernel, compact templates (SIMD)', "today's MCC1 kernel (SIMD)", `baseline: ${BASELINE_KERNEL}`];
  const width = Math.max(...labels.map((l) => l.length));
  const row = (b: Benchmark, what: string): string =>
    `  ${String(b.name).padEnd(7)} ${what.padEnd(width)} ${Math.round(perSecond(b)).toLocaleString('en-US').padStart(12)} comparisons/s  ±${b.stats.rme.toFixed(2)} %  (${b.stats.sample.length} samples)`;
  context.print(row(compactBench, labels[0]));
  context.print(row(simdBench, labels[1]));
  context.print(row(scalarBench, labels[2]));
  const speedup = perSecond(compactBench) / perSecond(simdBench);
  context.print(`  compact / MCC1: ${speedup.toFixed(2)}× (±${Math.hypot(compactBench.stats.rme, simdBench.stats.rme).toFixed(1)} %)`);
  const paired = pairedCpuRatio(compact, simd);
  context.print(`  compact / MCC1, paired: ${paired.toFixed(2)}× (median over ${PAIRED_ROUNDS} rounds of one scan each, order alternating, CPU time of this thread: robust to other load)`);
  const ratio = perSecond(simdBench) / perSecond(scalarBench);
  const ratioRme = Math.hypot(simdBench.stats.rme, scalarBench.stats.rme);
  context.print(`  MCC1 SIMD / scalar: ${ratio.toFixed(2)}× (±${ratioRme.toFixed(1)} %)`);

  const building = timeTemplateBuilding(simd.matcher, scalar.matcher, kept);
  const templateMicros = median(building.simdMicros), baselineTemplateMicros = median(building.baselineMicros);
  context.print(`template building (createTemplate), ${kept.length} samples × ${TEMPLATE_PASSES} passes, kernels interleaved per sample:`);
  context.print(`  simd    ${'SIMD kernel'.padEnd(width)} ${templateMicros.toFixed(1).padStart(12)} µs per template (median)`);
  context.print(`  scalar  ${labels[2].padEnd(width)} ${baselineTemplateMicros.toFixed(1).padStart(12)} µs per template (median)`);
  context.print(`  scalar / SIMD: ${(baselineTemplateMicros / templateMicros).toFixed(2)}×`);

  return {
    fingerComparisonsPerSecond: Math.round(perSecond(compactBench)),
    mcc1ComparisonsPerSecond: Math.round(perSecond(simdBench)),
    compactSpeedup: Math.round(speedup * 1000) / 1000,
    compactSpeedupPairedCpu: Math.round(paired * 1000) / 1000,
    fingerRamBytesPerTemplate: Math.round(ramPerTemplate(compact)),
    mcc1RamBytesPerTemplate: Math.round(ramPerTemplate(simd)),
    baselinePerSecond: Math.round(perSecond(scalarBench)),
    baselineKernel: BASELINE_KERNEL,
    galleryTemplates: size,
    gallerySource: source,
    fingerTemplateMicrosMedian: Math.round(templateMicros * 10) / 10,
    fingerTemplateBaselineMicrosMedian: Math.round(baselineTemplateMicros * 10) / 10,
    fingerTemplateSamples: kept.length,
  };
}

export const fingerSpeedSuite: SpeedSuite = { name: 'finger 1:N scan (benchmark.js)', run: runFingerSpeed };
