/**
 * `npm run bench -- http`: both doors under load on loopback, beside a trivial endpoint of the
 * same server (GET /openapi.json, a cached document) in the same run.
 *
 * Setup (untimed unless said): the identify bench's reusable gallery store of `--subjects`
 * subjects × 2 fingers with the fvc2002-iso persons planted (http-gallery.ts), opened by the
 * engine; one UIN per subject written into a fresh ID service store before the service starts;
 * then `--enrolments` real POST /enrol calls (timed: enrolments/s; each runs the internal 1:N).
 * Scenarios, `--seconds` each, clients in a worker thread (http-load-worker.ts):
 *   - open loop at `--rate` requests/s (latency from the scheduled send time) and closed loop at
 *     `--concurrency` connections (maximum throughput): the baseline and POST /verify with ISO
 *     19794-2 probes of planted persons (genuine); impostor probes at the fixed rate;
 *   - POST /verify with the FVC2002 images of the same impressions, closed loop at
 *     `--image-concurrency`, beside the extraction-bound ceiling (cores / capture time per request);
 *   - the ABIS door on the same engine: mosip.abis.identify by referenceId of planted persons,
 *     closed loop at `--identify-concurrency`.
 * The bench client has its own credential with rate limits raised so the limiter does not shape
 * the figure (the production defaults are far lower on purpose: 1:1 must not become a 1:N
 * oracle). The run's enrolments are deleted from the engine at the end: the store is left as
 * its manifest says. Everything stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startIdService, type IdServiceHandle } from '../api/id-service/index.ts';
import { startAbisServer } from '../api/abis/index.ts';
import { openHttpGallery, removeEnrolments, seedUins } from './http-gallery.ts';
import { abisIdentifyBody, enrolBodies, httpProbes, medianImageCaptureMs } from './http-probes.ts';
import { HTTP_BENCH } from './http-params.ts';
import type { LoadRequest, LoadResult } from './http-load.ts';
import type { LoadJob } from './http-load-worker.ts';
import type { DedupEngine } from '../engine/index.ts';
import { writeJsonFile } from './report-files.ts';

export interface HttpBenchOptions {
  subjects: number;
  /** The reusable gallery store's folder. */
  storeDir: string;
  seconds: number;
  rate: number;
  concurrency: number;
  enrolments: number;
  imageConcurrency: number;
  identifyConcurrency: number;
}

export interface Scenario {
  readonly name: string;
  readonly result: LoadResult;
}

export interface HttpFigures {
  subjects: number;
  cores: number;
  seconds: number;
  rate: number;
  storeDir: string;
  storeBuiltSeconds: number | null;
  engineLoadSeconds: number;
  uinSeedSeconds: number;
  /** Capture workers of the service (server.ts default: one per core; minutiae records skip them). */
  captureThreads: number;
  enrolments: { requested: number; issued: number; pending: number; failed: number; seconds: number; perSecond: number; p50Ms: number; maxMs: number };
  /** Median decode + extract + template time of one finger image on one core (ms). */
  imageCaptureMsMedian: number;
  /** cores × 1000 / (fingers per request × imageCaptureMsMedian): what extraction alone allows (requests/s). */
  imageCeilingPerSecond: number;
  scenarios: Scenario[];
  enrolmentsRemoved: number;
  /** 1-minute load average of the machine at the start and at the end of the run (other work shares the cores). */
  loadAverage: [number, number];
}

const CLIENT_TOKEN = 'bench-client-token-0123456789';
const OPERATOR_TOKEN = 'bench-operator-token-0123456789';
const ABIS_TOKEN = 'bench-abis-token-0123456789';
const UIN_LENGTH = 10;
const JSON_HEADERS = { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' };
const MATCH_TEXT = '"match":true';
const ABIS_SUCCESS_TEXT = '"returnValue":"1"';

/** Runs one load in a worker thread (see http-load-worker.ts). */
function loadInWorker(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./http-load-worker-entry.mjs', import.meta.url), { workerData: job });
    worker.once('message', (r: LoadResult) => { resolve(r); void worker.terminate(); });
    worker.once('error', reject);
  });
}

function startService(engine: DedupEngine, dataDir: string): Promise<IdServiceHandle> {
  return startIdService({
    engine, host: '127.0.0.1', port: 0, dataDir, operatorToken: OPERATOR_TOKEN, uinLength: UIN_LENGTH,
    clientTokens: { bench: CLIENT_TOKEN },
    limits: { clientBurst: 1e9, clientPerSecond: 1e9, uinBurst: 1e9, uinPerSecond: 1e9, maxInFlightVerifications: 4096 },
  });
}

/** Real enrolments, a few at a time (the service serialises their 1:N decisions anyway). */
async function enrol(port: number, bodies: readonly string[]): Promise<HttpFigures['enrolments'] & { uins: string[] }> {
  const uins: string[] = [];
  const latencies: number[] = [];
  let issued = 0, pending = 0, failed = 0, next = 0;
  const started = performance.now();
  const one = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const t0 = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}/enrol`, { method: 'POST', headers: JSON_HEADERS, body });
      const answer = await r.json() as { uin?: string; status?: string };
      latencies.push(performance.now() - t0);
      if (r.status === 201 && answer.uin !== undefined) { issued++; uins.push(answer.uin); } else if (r.status === 202) pending++; else failed++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, one));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requested: bodies.length, issued, pending, failed, seconds, perSecond: bodies.length / seconds,
    p50Ms: latencies[Math.floor((latencies.length - 1) / 2)] ?? Number.NaN, maxMs: latencies[latencies.length - 1] ?? Number.NaN, uins,
  };
}

export async function runHttpBench(o: HttpBenchOptions, log: (line: string) => void): Promise<HttpFigures> {
  const cores = availableParallelism();
  const loadAverageAtStart = loadavg()[0];
  const gallery = await openHttpGallery({ subjects: o.subjects, dir: o.storeDir, threads: cores }, log);
  const { engine } = gallery;
  const serviceDir = mkdtempSync(join(tmpdir(), 'biodedup-http-'));
  const scenarios: Scenario[] = [];
  let enrolledUins: string[] = [];
  try {
    log(`engine: ${engine.count().toLocaleString('en-US')} subjects loaded in ${gallery.loadSeconds.toFixed(1)} s`);
    const seedStarted = performance.now();
    const uins = await seedUins(serviceDir, gallery.referenceIds, UIN_LENGTH);
    const uinSeedSeconds = (performance.now() - seedStarted) / 1000;
    log(`issued ${uins.size.toLocaleString('en-US')} UINs into the ID service store in ${uinSeedSeconds.toFixed(1)} s`);
    const probes = httpProbes(uins);
    const imageCaptureMsMedian = await medianImageCaptureMs(probes.imageFiles, HTTP_BENCH.extractionSamples);
    const imageCeilingPerSecond = (cores * 1000) / (HTTP_BENCH.fingers * imageCaptureMsMedian);

    const post = (bodies: readonly string[], path = '/verify', headers: Record<string, string> = JSON_HEADERS): LoadRequest[] =>
      bodies.map((body) => ({ method: 'POST', path, headers, body }));
    const run = async (name: string, job: Omit<LoadJob, 'host' | 'seconds'>): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, HTTP_BENCH.settleSeconds * 1000));
      const result = await loadInWorker({ host: '127.0.0.1', seconds: o.seconds, warmupSeconds: HTTP_BENCH.warmupSeconds, ...job });
      scenarios.push({ name, result });
      log(scenarioLine({ name, result }));
    };
    const verifyIso = post(probes.genuineIso);

    const service = await startService(engine, serviceDir);
    let enrolments: HttpFigures['enrolments'];
    try {
      const e = await enrol(service.port, enrolBodies(o.enrolments, 7001));
      enrolledUins = e.uins;
      const { uins: _, ...figures } = e;
      enrolments = figures;
      log(`enrolled ${e.requested} people through POST /enrol in ${e.seconds.toFixed(1)} s: ${e.perSecond.toFixed(1)} enrolments/s, p50 ${e.p50Ms.toFixed(0)} ms (${e.issued} UINs issued, ${e.pending} to adjudication, ${e.failed} failed)`);
      const port = service.port;
      const baseline: LoadRequest[] = [{ method: 'GET', path: '/openapi.json' }];
      await run('baseline GET /openapi.json', { port, mode: 'open', rate: o.rate, requests: baseline });
      await run('baseline GET /openapi.json', { port, mode: 'closed', concurrency: o.concurrency, requests: baseline });
      await run('verify ISO genuine', { port, mode: 'open', rate: o.rate, requests: verifyIso, matchText: MATCH_TEXT });
      await run('verify ISO genuine', { port, mode: 'closed', concurrency: o.concurrency, requests: verifyIso, matchText: MATCH_TEXT });
      await run('verify ISO impostor', { port, mode: 'open', rate: o.rate, requests: post(probes.impostorIso), matchText: MATCH_TEXT });
      await run('verify image genuine', { port, mode: 'closed', concurrency: o.imageConcurrency, requests: post(probes.genuineImage), matchText: MATCH_TEXT });
    } finally {
      await service.close();
    }

    const abis = await startAbisServer({ engine, port: 0, token: ABIS_TOKEN, dataDir: serviceDir, intakeThreads: 0 });
    try {
      const identify = post(probes.plantedIds.map(abisIdentifyBody), '/abis', { authorization: `Bearer ${ABIS_TOKEN}`, 'content-type': 'application/json' });
      await run('ABIS identify by referenceId', { port: abis.port, mode: 'closed', concurrency: o.identifyConcurrency, requests: identify, matchText: ABIS_SUCCESS_TEXT, runId: `${Date.now()}` });
    } finally {
      await abis.close();
    }
    const enrolmentsRemoved = await removeEnrolments(engine, serviceDir, UIN_LENGTH, enrolledUins);
    enrolledUins = [];
    return {
      subjects: o.subjects, cores, seconds: o.seconds, rate: o.rate, storeDir: o.storeDir,
      storeBuiltSeconds: gallery.store.built ? gallery.store.buildSeconds : null, engineLoadSeconds: gallery.loadSeconds, uinSeedSeconds,
      captureThreads: cores, enrolments, imageCaptureMsMedian, imageCeilingPerSecond, scenarios, enrolmentsRemoved,
      loadAverage: [loadAverageAtStart, loadavg()[0]],
    };
  } finally {
    // a failed run still removes what it enrolled (else the next run rebuilds the store)
    if (enrolledUins.length > 0) await removeEnrolments(engine, serviceDir, UIN_LENGTH, enrolledUins).catch(() => 0);
    await engine.close();
    rmSync(serviceDir, { recursive: true, force: true });
  }
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-');

/** One line per scenario: mode, offered and achieved rate, percentiles, what went wrong. */
export function scenarioLine(s: Scenario): string {
  const r = s.result;
  const mode = r.mode === 'open' ? `open ${r.offeredRate}/s` : `closed c=${r.concurrency}`;
  const notes = [`${r.requests} req`, `${r.errors} not 200`];
  if (r.bodyMatches !== null) notes.push(`${r.bodyMatches} ${s.name.startsWith('ABIS') ? 'succeeded' : 'matched'}`);
  if (r.delayedByBound) notes.push(`${r.delayedByBound} waited for the ${HTTP_BENCH.maxOutstanding}-in-flight bound`);
  if (r.unsent) notes.push(`${r.unsent} never sent`);
  if (r.unanswered) notes.push(`${r.unanswered} unanswered`);
  return `${s.name.padEnd(36)} ${mode.padEnd(13)} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${ms(r.p50Ms)}  p90 ${ms(r.p90Ms)}  p99 ${ms(r.p99Ms)}  max ${ms(r.maxMs)} ms  (${notes.join(', ')})`;
}

export function formatHttp(f: HttpFigures): string {
  const e = f.enrolments;
  const image = f.scenarios.find((s) => s.name.startsWith('verify image'));
  return [
    `HTTP on loopback: gallery ${f.subjects.toLocaleString('en-US')} subjects × 2 fingers (${f.storeDir}), ${f.cores} cores, ${f.seconds} s per scenario (after a ${HTTP_BENCH.settleSeconds} s pause and ${HTTP_BENCH.warmupSeconds} s untimed warm-up); load average ${f.loadAverage.map((l) => l.toFixed(1)).join(' → ')}; capture pool ${f.captureThreads} threads`,
    `POST /enrol (real 1:N dedup)               ${e.perSecond.toFixed(1)} enrolments/s  p50 ${ms(e.p50Ms)}  max ${ms(e.maxMs)} ms  (${e.requested} enrolments: ${e.issued} UIN, ${e.pending} adjudication, ${e.failed} failed)`,
    ...f.scenarios.map(scenarioLine),
    `image ceiling (extraction-bound)           ${f.imageCeilingPerSecond.toFixed(1)} req/s = ${f.cores} cores / (${HTTP_BENCH.fingers} fingers × ${f.imageCaptureMsMedian.toFixed(1)} ms median capture per image)${image === undefined ? '' : `; measured ${image.result.requestsPerSecond.toFixed(1)} req/s`}`,
  ].join('\n');
}

export function writeHttpJson(file: string, f: HttpFigures): void {
  writeJsonFile(file, f);
}
