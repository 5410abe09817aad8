/**
 * The load generator in its own thread, so the clients do not share the server's event loop
 * (both on the main thread would time each other). Requests cycle through the given list; in a
 * body, `%SEQ%` becomes a number unique within the run and `%NOW%` the send time (ISO 8601 UTC),
 * for protocols that refuse a repeated request id (MOSIP ABIS).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, runOpenLoad, type LoadRequest } from './http-load.ts';

export interface LoadJob {
  readonly host: string;
  readonly port: number;
  readonly seconds: number;
  readonly requests: readonly LoadRequest[];
  /** closed: `concurrency` connections back to back; open: `rate` requests/s on a schedule. */
  readonly mode: 'closed' | 'open';
  readonly concurrency?: number;
  readonly rate?: number;
  readonly matchText?: string;
  /** Prefix of `%SEQ%` (unique per run). */
  readonly runId?: string;
  /** Seconds of untimed closed-loop load (2 connections) on the same requests before the timed run. */
  readonly warmupSeconds?: number;
}

const job = workerData as LoadJob;
const requestsOf = (runId: string) => (i: number): LoadRequest => {
  const r = job.requests[i % job.requests.length];
  if (typeof r.body !== 'string' || !r.body.includes('%')) return r;
  return { ...r, body: r.body.replaceAll('%SEQ%', `${runId}-${i}`).replaceAll('%NOW%', new Date().toISOString()) };
};
const common = { host: job.host, port: job.port, matchText: job.matchText };
const runId = job.runId ?? 'run';
// untimed warm-up on the same requests: JIT, lazily created kernels, connections
if ((job.warmupSeconds ?? 0) > 0) await runLoad({ ...common, seconds: job.warmupSeconds!, concurrency: 2, request: requestsOf(`${runId}-warm`) });
const timed = { ...common, seconds: job.seconds, request: requestsOf(runId) };
const result = job.mode === 'open'
  ? await runOpenLoad({ ...timed, rate: job.rate ?? 1 })
  : await runLoad({ ...timed, concurrency: job.concurrency ?? 1 });
parentPort!.postMessage(result);
