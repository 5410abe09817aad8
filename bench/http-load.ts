/**
 * A small HTTP load generator for loopback benches, bounded in time and in count, two ways:
 *
 * Both use the lean keep-alive client of http-client.ts (one request in flight per socket).
 *
 * - closed loop (`runLoad`): `concurrency` connections, each sending its next request when the
 *   previous answer is complete: the maximum throughput, and the latency at saturation
 *   (queueing included). Latency is measured per request from write to last byte.
 * - open loop (`runOpenLoad`): requests scheduled at a fixed offered rate whatever the answers
 *   do, each latency measured from its *scheduled* send time (the coordinated-omission
 *   correction of wrk2): a server that stalls is charged for every request it delayed, not just
 *   the one it was serving. Requests in flight are bounded; a due request waits for a free slot
 *   (its wait counts) and the result says how often that happened.
 */
import { LeanHttpClient, type Answer } from './http-client.ts';
import { HTTP_BENCH } from './http-params.ts';

export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

interface CommonOptions {
  readonly host: string;
  readonly port: number;
  readonly seconds: number;
  /** Hard cap on requests, whatever the time (the loop always stops by itself). */
  readonly maxRequests?: number;
  /** The i-th request to send (cycled by the caller as it likes). */
  readonly request: (i: number) => LoadRequest;
  /** Which status codes count as success (default 200). */
  readonly ok?: (status: number) => boolean;
  /** When set, successful answers whose body contains this text are counted (`bodyMatches`). */
  readonly matchText?: string;
}

export interface LoadOptions extends CommonOptions {
  readonly concurrency: number;
}

export interface OpenLoadOptions extends CommonOptions {
  /** Offered rate, requests per second. */
  readonly rate: number;
  /** Most requests in flight at once (default HTTP_BENCH.maxOutstanding). */
  readonly maxOutstanding?: number;
}

export interface LoadResult {
  readonly mode: 'closed' | 'open';
  /** Answered requests (any status). */
  readonly requests: number;
  /** Answers that were not a success (transport failures included, as status 0). */
  readonly errors: number;
  readonly seconds: number;
  /** Achieved rate: answered requests per second of the run. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Successful answers whose body held `matchText` (null without one). */
  readonly bodyMatches: number | null;
  /** Closed loop: connections. Open loop: null. */
  readonly concurrency: number | null;
  /** Open loop: the offered rate (requests/s); closed loop: null. */
  readonly offeredRate: number | null;
  /** Open loop: requests that were due while `maxOutstanding` were in flight (they waited). */
  readonly delayedByBound: number | null;
  /** Open loop: requests scheduled within the run but never sent before it ended. */
  readonly unsent: number | null;
  /** Open loop: requests still unanswered when the drain time ran out (not in the latencies). */
  readonly unanswered: number | null;
}

/** Latencies, statuses and body matches of one run. */
class Tally {
  readonly latencies: number[] = [];
  readonly statuses: Record<string, number> = {};
  errors = 0;
  matches = 0;
  readonly #ok: (status: number) => boolean;
  readonly #matchText: string | undefined;
  constructor(o: CommonOptions) {
    this.#ok = o.ok ?? ((s: number) => s === 200);
    this.#matchText = o.matchText;
  }
  add(latencyMs: number, a: Answer): void {
    this.latencies.push(latencyMs);
    this.statuses[a.status] = (this.statuses[a.status] ?? 0) + 1;
    if (!this.#ok(a.status)) this.errors++;
    else if (this.#matchText !== undefined && a.body?.includes(this.#matchText)) this.matches++;
  }
  result(seconds: number, extra: Pick<LoadResult, 'mode' | 'concurrency' | 'offeredRate' | 'delayedByBound' | 'unsent' | 'unanswered'>): LoadResult {
    const l = this.latencies.sort((a, b) => a - b);
    const q = (p: number): number => (l.length === 0 ? Number.NaN : l[Math.min(l.length - 1, Math.ceil(p * l.length) - 1)]);
    return {
      ...extra, requests: l.length, errors: this.errors, seconds, requestsPerSecond: l.length / seconds,
      p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), maxMs: l[l.length - 1] ?? Number.NaN, statuses: this.statuses,
      bodyMatches: this.#matchText === undefined ? null : this.matches,
    };
  }
}

function clientFor(o: CommonOptions): LeanHttpClient {
  return new LeanHttpClient({ host: o.host, port: o.port, timeoutMs: HTTP_BENCH.requestTimeoutMs, keepBody: o.matchText !== undefined });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const client = clientFor(o);
  const tally = new Tally(o);
  let sent = 0;
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  const max = o.maxRequests ?? HTTP_BENCH.maxRequests;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline && sent < max) {
      const i = sent++;
      const t0 = performance.now();
      const answer = await client.send(o.request(i));
      tally.add(performance.now() - t0, answer);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return tally.result(seconds, { mode: 'closed', concurrency: o.concurrency, offeredRate: null, delayedByBound: null, unsent: null, unanswered: null });
}

export async function runOpenLoad(o: OpenLoadOptions): Promise<LoadResult> {
  const bound = o.maxOutstanding ?? HTTP_BENCH.maxOutstanding;
  const client = clientFor(o);
  const tally = new Tally(o);
  const intervalMs = 1000 / o.rate;
  const total = Math.min(o.maxRequests ?? HTTP_BENCH.maxRequests, Math.floor(o.seconds * o.rate));
  let next = 0, outstanding = 0, delayed = 0;
  /** Last time a due request found every slot taken: requests scheduled before it waited. */
  let lastBlocked = Number.NEGATIVE_INFINITY;
  const started = performance.now();
  const sendEnd = started + o.seconds * 1000;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  const drainTimer = setTimeout(() => finish(), o.seconds * 1000 + HTTP_BENCH.drainMs);

  /** Sends every request that is due and has a slot; re-arms itself for the next one. */
  const pump = (): void => {
    const now = performance.now();
    while (next < total && now < sendEnd) {
      const scheduled = started + next * intervalMs;
      if (scheduled > now) break;
      if (outstanding >= bound) {
        lastBlocked = now;
        return; // an answer's completion pumps again
      }
      if (scheduled <= lastBlocked) delayed++;
      const i = next++;
      outstanding++;
      void client.send(o.request(i)).then((answer) => {
        // latency from the scheduled send time: the wait for a slot (or a late timer) counts
        tally.add(performance.now() - scheduled, answer);
        outstanding--;
        if (next >= total || performance.now() >= sendEnd) {
          if (outstanding === 0) finish();
        } else {
          pump();
        }
      });
    }
    if (next < total && now < sendEnd) {
      clearTimeout(timer);
      timer = setTimeout(pump, Math.max(0, started + next * intervalMs - performance.now()));
    } else if (outstanding === 0) {
      finish();
    }
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(pump, 0);
  await finished;
  clearTimeout(timer);
  clearTimeout(drainTimer);
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return tally.result(Math.max(o.seconds, seconds), {
    mode: 'open', concurrency: null, offeredRate: o.rate, delayedByBound: delayed, unsent: total - next, unanswered: outstanding,
  });
}
