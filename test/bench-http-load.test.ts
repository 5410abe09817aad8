/**
 * The http bench's load generator measures what it claims: the open loop charges a slow server
 * for every request it delayed (latency from the scheduled send), the closed loop does not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, runOpenLoad } from '../bench/http-load.ts';
import { LeanHttpClient } from '../bench/http-client.ts';

const DELAY_MS = 50;
let server: http.Server;
let port = 0;

beforeAll(async () => {
  // answers every request after DELAY_MS, with its method in the body; a few paths for the client
  server = http.createServer((req, res) => {
    if (req.url === '/chunked') { res.write('two '); setTimeout(() => res.end('chunks'), 5); return; }
    if (req.url === '/close') { res.setHeader('connection', 'close'); res.end('bye'); return; }
    if (req.url === '/hang') return; // never answers
    if (req.url === '/drop') { req.socket.destroy(); return; }
    if (req.url === '/echo') { const parts: Buffer[] = []; req.on('data', (c: Buffer) => parts.push(c)); req.on('end', () => res.end(Buffer.concat(parts))); return; }
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

  it('lean client: bodies with a length or chunked, keep-alive, close, timeout and dropped sockets', async () => {
    const client = new LeanHttpClient({ host: '127.0.0.1', port, timeoutMs: 300, keepBody: true });
    try {
      const echo = { method: 'POST' as const, path: '/echo', headers: { 'content-type': 'text/plain' }, body: 'héllo wörld' };
      expect(await client.send(echo)).toEqual({ status: 200, body: 'héllo wörld' });
      expect(await client.send(echo)).toEqual({ status: 200, body: 'héllo wörld' }); // same socket, same bytes
      expect(await client.send({ method: 'GET', path: '/chunked' })).toEqual({ status: 200, body: 'two chunks' });
      expect(await client.send({ method: 'GET', path: '/close' })).toEqual({ status: 200, body: 'bye' });
      expect(await client.send({ method: 'GET', path: '/hang' })).toEqual({ status: 0, body: null });
      expect(await client.send({ method: 'GET', path: '/drop' })).toEqual({ status: 0, body: null });
      // still usable after failures: new sockets replace the dead ones
      expect(await client.send({ method: 'GET', path: '/' })).toEqual({ status: 200, body: 'ok GET' });
    } finally {
      client.close();
    }
  });
});
