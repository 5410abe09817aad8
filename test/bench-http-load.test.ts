/**
 * The http bench's load generator measures what it claims: the open loop charges a slow server
 * for every request it delayed (latency from the scheduled send), the closed loop does not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, runOpenLoad } from '../bench/http-load.ts';

const DELAY_MS = 50;
let server: http.Server;
let port = 0;

beforeAll(async () => {
  // answers every request after DELAY_MS, with its method in the body
  server = http.createServer((req, res) => {
    setTimeout(() => res.end(`ok ${req.method}`), DELAY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('http bench load generator', () => {
  it('closed loop: each request costs about the server delay, one connection in flight', async () => {
    const r = await runLoad({ host: '127.0.0.1', port, seconds: 0.5, concurrency: 1, request: () => ({ method: 'GET', path: '/' }), matchText: 'ok GET' });
    expect(r.mode).toBe('closed');
    expect(r.errors).toBe(0);
    expect(r.bodyMatches).toBe(r.requests);
    expect(r.p50Ms).toBeGreaterThanOrEqual(DELAY_MS - 1);
    // the delay bounds the rate: at most one answer per DELAY_MS
    expect(r.requests).toBeLessThanOrEqual(Math.ceil(500 / DELAY_MS) + 1);
  });

  it('open loop: requests due while the bound is full wait, and the wait is charged', async () => {
    // 100/s offered with one request in flight at a time against a 50 ms server: every request is
    // due before the previous one is answered, so waits pile up and the later latencies grow
    const r = await runOpenLoad({ host: '127.0.0.1', port, seconds: 0.5, rate: 100, maxOutstanding: 1, request: () => ({ method: 'GET', path: '/' }) });
    expect(r.mode).toBe('open');
    expect(r.offeredRate).toBe(100);
    expect(r.delayedByBound).toBeGreaterThan(0);
    expect(r.errors).toBe(0);
    // answered requests: the k-th waited ≈ k·(50 − 10) ms beyond its own 50 ms
    expect(r.maxMs).toBeGreaterThan(2 * DELAY_MS);
    expect(r.maxMs).toBeGreaterThan(r.p50Ms);
  });

  it('open loop under the server capacity: latency is the server delay, nothing waits', async () => {
    const r = await runOpenLoad({ host: '127.0.0.1', port, seconds: 0.5, rate: 20, maxOutstanding: 16, request: () => ({ method: 'POST', path: '/', body: 'x' }), matchText: 'ok POST' });
    expect(r.delayedByBound).toBe(0);
    expect(r.bodyMatches).toBe(r.requests);
    expect(r.requests).toBeGreaterThanOrEqual(8);
    expect(r.p50Ms).toBeGreaterThanOrEqual(DELAY_MS - 1);
  });
});
