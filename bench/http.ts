/**
 * `npm run bench -- http`: the ID service's 1:1 door under load on loopback, beside a trivial
 * endpoint of the same server (GET /openapi.json, a cached document) in the same run.
 *
 * A fresh engine and ID service in a temporary folder; `--subjects` synthetic people enrolled
 * through POST /enrol (each enrolment runs the internal 1:N, so a large gallery takes a while);
 * then, for `--seconds` each, closed-loop clients at `--concurrency`: the baseline, then
 * POST /verify with ISO/IEC 19794-2 template probes (a later capture of an enrolled person, the
 * UIN cycling through the gallery). The clients run in a worker thread; the bench client uses its own credential with rate limits
 * raised so the limiter does not shape the figure (the production defaults are far lower, on
 * purpose: 1:1 must not become a 1:N oracle). Everything stops by itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey, writeIso19794_2 } from '../engine/index.ts';
import { startIdService } from '../api/id-service/index.ts';
import { generateDataset } from '../datasets/synthetic.ts';
import { Worker } from 'node:worker_threads';
import type { LoadRequest, LoadResult } from './http-load.ts';

/** Runs the closed-loop clients in a worker thread (see http-load-worker.ts). */
function loadInWorker(job: { host: string; port: number; concurrency: number; seconds: number; maxRequests: number; requests: LoadRequest[] }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./http-load-worker-entry.mjs', import.meta.url), { workerData: job });
    worker.once('message', (r: LoadResult) => { resolve(r); void worker.terminate(); });
    worker.once('error', reject);
  });
}

export interface HttpBenchOptions {
  subjects: number;
  seconds: number;
  concurrency: number;
}

export interface HttpFigures {
  subjects: number;
  concurrency: number;
  seconds: number;
  enrolSeconds: number;
  baseline: LoadResult;
  verify: LoadResult;
  /** Verify answers that were not a match (a later capture of the same person should match). */
  verifyNonMatches: number;
}

const FINGERS = [2, 7] as const;

export async function runHttpBench(o: HttpBenchOptions, log: (line: string) => void): Promise<HttpFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'biodedup-http-'));
  const engine = DedupEngine.open({ dataDir: dir, key: parseTemplateKey(generateTemplateKey()), prefilter: {} });
  const clientToken = 'bench-client-token-0123456789';
  const service = await startIdService({
    engine, host: '127.0.0.1', port: 0, dataDir: dir, operatorToken: 'bench-operator-token-0123456789',
    clientTokens: { bench: clientToken },
    limits: { clientBurst: 1e9, clientPerSecond: 1e9, uinBurst: 1e9, uinPerSecond: 1e9, maxInFlightVerifications: 4096 },
  });
  try {
    const data = generateDataset(2 * o.subjects, 2, 7001);
    const wire = (person: number, impression: 1 | 2) => ({
      fingers: FINGERS.map((position, k) => ({
        position, format: 'iso19794-2', data: Buffer.from(writeIso19794_2(data[2 * (2 * person + k) + impression - 1].record)).toString('base64'),
      })),
    });
    const headers = { authorization: `Bearer ${clientToken}`, 'content-type': 'application/json' };
    const uins: string[] = [];
    const started = performance.now();
    // enrol in waves of 8: each enrolment's 1:N decision is serialised by the service anyway
    for (let p = 0; p < o.subjects; p += 8) {
      const wave = Array.from({ length: Math.min(8, o.subjects - p) }, (_, i) => p + i);
      const answers = await Promise.all(wave.map((person) => fetch(`http://127.0.0.1:${service.port}/enrol`, {
        method: 'POST', headers, body: JSON.stringify({ demographicsRef: `bench-${person}`, biometrics: wire(person, 1) }),
      }).then(async (r) => ({ person, status: r.status, body: await r.json() as { uin?: string } }))));
      for (const a of answers) if (a.status === 201 && a.body.uin !== undefined) uins[a.person] = a.body.uin;
    }
    const enrolSeconds = (performance.now() - started) / 1000;
    const enrolled = [...uins.keys()].filter((p) => uins[p] !== undefined);
    log(`enrolled ${enrolled.length} of ${o.subjects} people in ${enrolSeconds.toFixed(1)} s${enrolled.length < o.subjects ? ' (the others went to adjudication)' : ''}`);
    const bodies = enrolled.map((p) => JSON.stringify({ uin: uins[p], biometrics: wire(p, 2) }));
    const load = { host: '127.0.0.1', port: service.port, concurrency: o.concurrency, seconds: o.seconds, maxRequests: 2_000_000 };
    const baseline = await loadInWorker({ ...load, requests: [{ method: 'GET', path: '/openapi.json' }] });
    let nonMatches = 0;
    const verify = await loadInWorker({ ...load, requests: bodies.map((body) => ({ method: 'POST', path: '/verify', headers, body })) });
    // the answers' content, checked once per person after the timed run (not timed)
    for (const body of bodies.slice(0, 50)) {
      const r = await fetch(`http://127.0.0.1:${service.port}/verify`, { method: 'POST', headers, body });
      if (!((await r.json()) as { match?: boolean }).match) nonMatches++;
    }
    return { subjects: enrolled.length, concurrency: o.concurrency, seconds: o.seconds, enrolSeconds, baseline, verify, verifyNonMatches: nonMatches };
  } finally {
    await service.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatHttp(f: HttpFigures): string {
  const line = (name: string, r: LoadResult) => `${name.padEnd(28)} ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p90 ${r.p90Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  (${r.requests} requests, ${r.errors} not 200)`;
  return [
    `ID service on loopback: ${f.subjects} enrolled people, ${f.concurrency} connections, ${f.seconds} s each`,
    line('baseline GET /openapi.json', f.baseline),
    line('POST /verify (ISO 19794-2)', f.verify),
    `verify of a later capture of the same person: ${50 - f.verifyNonMatches} of 50 matched (checked after the timed run)`,
  ].join('\n');
}

export function writeHttpJson(file: string, f: HttpFigures): void {
  writeFileSync(file, `${JSON.stringify(f, null, 2)}\n`);
}
