/**
 * A small closed-loop HTTP load generator for loopback benches: `concurrency` connections, each
 * sending its next request when the previous answer is complete, for a bounded time (and a
 * bounded count). Latency is measured per request from write to last byte.
 */
import http from 'node:http';

export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export interface LoadOptions {
  readonly host: string;
  readonly port: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** Hard cap on requests, whatever the time (the loop always stops by itself). */
  readonly maxRequests?: number;
  /** The i-th request to send (cycled by the caller as it likes). */
  readonly request: (i: number) => LoadRequest;
  /** Which status codes count as success (default 200). */
  readonly ok?: (status: number) => boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly statuses: Readonly<Record<string, number>>;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const ok = o.ok ?? ((s: number) => s === 200);
  let sent = 0, errors = 0;
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  const max = o.maxRequests ?? Number.MAX_SAFE_INTEGER;
  const one = (r: LoadRequest): Promise<number> => new Promise((resolve) => {
    const req = http.request({ host: o.host, port: o.port, method: r.method, path: r.path, agent, headers: { ...r.headers, ...(r.body === undefined ? {} : { 'content-length': Buffer.byteLength(r.body) }) } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(30_000, () => req.destroy());
    req.end(r.body);
  });
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline && sent < max) {
      const i = sent++;
      const t0 = performance.now();
      const status = await one(o.request(i));
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (!ok(status)) errors++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => latencies.length === 0 ? Number.NaN : latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
  return {
    requests: latencies.length, errors, seconds, requestsPerSecond: latencies.length / seconds,
    p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), maxMs: latencies[latencies.length - 1] ?? Number.NaN, statuses,
  };
}
