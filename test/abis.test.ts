/**
 * The MOSIP ABIS door end to end over HTTP on loopback (api/abis): a fake datashare + auth
 * manager (test/fixtures/abis) serves CBEFF records of synthetic minutiae. Insert two records of
 * one person and one of another, identify → exactly the duplicate; redelivered requestIds are
 * answered from the durable log; every failureReason the door can produce from a crafted
 * request; malformed transport input → typed errors with the server still up; a restart
 * mid-stream loses nothing and executes nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey, writeCbeff } from '../engine/index.ts';
import { FAILURE_REASONS, JobLog, startAbisServer, type AbisResponse, type AbisServer } from '../api/abis/index.ts';
import { CLIENT, startFakeDatashare, type FakeDatashare } from './fixtures/abis/datashare-server.ts';
import { personCbeff, poorCbeff, syntheticPersons } from './fixtures/abis/records.ts';

const KEY = parseTemplateKey(generateTemplateKey());
const TOKEN = 'test-abis-token-0123456789';
const persons = syntheticPersons(5);

let seq = 0;
const rid = (): string => `req-${process.pid}-${++seq}`;
const base = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id, version: '1.1', requestId: rid(), requesttime: new Date().toISOString(), ...extra,
});

interface Harness {
  dir: string;
  engine: DedupEngine;
  server: AbisServer;
  datashare: FakeDatashare;
  url: string;
}

async function openHarness(dir: string, datashare: FakeDatashare): Promise<Harness> {
  const engine = DedupEngine.open({ dataDir: dir, key: KEY, threads: 1 });
  const server = await startAbisServer({
    engine, token: TOKEN, dataDir: dir, bodyTimeoutMs: 500,
    datashare: { auth: { url: datashare.authUrl, ...CLIENT }, timeoutMs: 1500 },
  });
  return { dir, engine, server, datashare, url: `http://127.0.0.1:${server.port}` };
}

async function closeHarness(h: Harness): Promise<void> {
  await h.server.close();
  await h.engine.close();
}

async function call(h: Harness, body: unknown, token = TOKEN): Promise<{ status: number; json: AbisResponse & { error?: { code: string } } }> {
  const res = await fetch(`${h.url}/abis`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as AbisResponse & { error?: { code: string } } };
}

/** A raw HTTP exchange: writes `text`, optionally stops writing (slow client), reads until close. */
function rawHttp(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e) => (chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(e)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    setTimeout(() => socket.destroy(), 5000);
  });
}

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('ABIS API over HTTP', () => {
  let h: Harness;
  let ds: FakeDatashare;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    ds = await startFakeDatashare();
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-abis-'));
    cleanup.push(async () => {
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
    });
    h = await openHarness(dir, ds);
    cleanup.push(() => closeHarness(h));
    urls.a1 = ds.share('a1', personCbeff(persons.record(0, 1)));
    urls.a2 = ds.share('a2', personCbeff(persons.record(0, 2), 'standard'));
    urls.b1 = ds.share('b1', personCbeff(persons.record(1, 1)));
    urls.a3 = ds.share('a3', personCbeff(persons.record(0, 3)));
    urls.c1 = ds.share('c1', personCbeff(persons.record(2, 1)));
  });

  it('inserts two records of one person and one of another; identify finds exactly the duplicate', async () => {
    const inserts = await Promise.all([['A-1', urls.a1], ['A-2', urls.a2], ['B-1', urls.b1]].map(([referenceId, referenceURL]) =>
      call(h, base('mosip.abis.insert', { referenceId, referenceURL }))));
    for (const r of inserts) expect(r).toMatchObject({ status: 200, json: { returnValue: '1' } });
    expect(inserts[0].json).toEqual({ id: 'mosip.abis.insert', requestId: expect.any(String), responsetime: expect.any(String), returnValue: '1' });

    const identify = await call(h, base('mosip.abis.identify', { referenceId: 'A-1', referenceURL: '', flags: { maxResults: '10', targetFPIR: '30' } }));
    expect(identify.json.returnValue).toBe('1');
    expect(identify.json.candidateList!.count).toBe('1');
    const [candidate] = identify.json.candidateList!.candidates;
    expect(candidate.referenceId).toBe('A-2');
    expect(Number(candidate.analytics.internalScore)).toBeGreaterThan(30);
    expect(Number(candidate.analytics.confidence)).toBeGreaterThan(90);
    expect(candidate.modalities).toEqual([{ biometricType: 'FIR', analytics: { internalScore: expect.any(String), confidence: expect.any(String) } }]);

    // by referenceUrl (the processor's spelling): a fresh impression finds both records of its person
    const byUrl = await call(h, base('mosip.abis.identify', { referenceUrl: urls.a3 }));
    expect(byUrl.json.candidateList!.candidates.map((c) => c.referenceId).sort()).toEqual(['A-1', 'A-2']);
    const stranger = await call(h, base('mosip.abis.identify', { referenceURL: urls.c1 }));
    expect(stranger.json.candidateList).toEqual({ count: '0', candidates: [] });
    // a gallery restricted to B: no candidate for A-1
    const gallery = await call(h, base('mosip.abis.identify', { referenceId: 'A-1', gallery: { referenceIds: [{ referenceId: 'B-1' }] } }));
    expect(gallery.json.candidateList!.count).toBe('0');

    expect((await call(h, base('mosip.abis.referenceCount'))).json).toMatchObject({ returnValue: '1', count: '3' });
    expect((await call(h, base('mosip.abis.pendingJobs'))).json).toMatchObject({ returnValue: '1', jobscount: '0' });
    expect((await call(h, base('mosip.abis.ping'))).json).toMatchObject({ id: 'mosip.abis.ping', returnValue: '1' });
    // one token for all those fetches
    expect(ds.authentications).toBe(1);
  });

  it('answers a repeated requestId once, from the log, without executing it again', async () => {
    const insert = base('mosip.abis.insert', { referenceId: 'C-1', referenceURL: urls.c1 });
    const fetchesBefore = ds.fetches;
    const [first, concurrent] = await Promise.all([call(h, insert), call(h, insert)]);
    const again = await call(h, insert);
    expect(first.json.returnValue).toBe('1');
    expect(concurrent.json).toEqual(first.json);
    expect(again.json).toEqual(first.json); // same responsetime: the logged answer
    expect(ds.fetches - fetchesBefore).toBe(1);
    const del = base('mosip.abis.delete', { referenceId: 'C-1' });
    expect((await call(h, del)).json.returnValue).toBe('1');
    expect((await call(h, del)).json.returnValue).toBe('1'); // not "12": it is the same delete
    expect((await call(h, base('mosip.abis.delete', { referenceId: 'C-1' }))).json.failureReason).toBe('12');
    const metrics = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(metrics).toContain('abis_log_replays_total 2'); // the concurrent copy joined the running job
    expect(metrics).toContain('abis_queue_depth 0');
    expect(metrics).toMatch(/abis_job_seconds_count\{operation="mosip.abis.insert"\} \d+/);
  });

  it('re-authenticates only when the datashare refuses the token', async () => {
    const before = ds.authentications;
    ds.expireTokens();
    const r = await call(h, base('mosip.abis.insert', { referenceId: 'D-1', referenceURL: ds.share('d1', personCbeff(persons.record(3, 1))) }));
    expect(r.json.returnValue).toBe('1');
    expect(ds.authentications).toBe(before + 1);
    await call(h, base('mosip.abis.insert', { referenceId: 'D-2', referenceURL: ds.share('d2', personCbeff(persons.record(3, 2))) }));
    expect(ds.authentications).toBe(before + 1);
  });

  it('produces every failureReason it can from crafted requests', async () => {
    const reason = async (body: unknown): Promise<string | undefined> => {
      const r = await call(h, body);
      expect(r.status).toBe(200);
      expect(r.json.returnValue).toBe(r.json.failureReason === undefined ? '1' : '2');
      return r.json.failureReason;
    };
    const insert = (referenceId: string, content: Parameters<FakeDatashare['share']>[1]): Record<string, unknown> =>
      base('mosip.abis.insert', { referenceId, referenceURL: ds.share(`s-${referenceId}`, content) });
    const exceptionsOnly = writeCbeff([{ type: 'Finger', subtype: 'Left Thumb', exception: true }, { type: 'Face', bdb: Uint8Array.of(1, 2, 3) }]);
    const corruptBdb = writeCbeff([{ type: 'Finger', subtype: 'Left Thumb', bdb: Uint8Array.from(Buffer.from('FMR\0 20\0garbage')) }]);
    const produced: Record<string, string | undefined> = {
      4: await reason(base('mosip.abis.identify', { referenceId: 'A-1', flags: { maxResults: 'many' } })),
      5: await reason(base('mosip.abis.insert', { referenceURL: urls.a1 })),
      6: await reason({ ...base('mosip.abis.ping'), requestId: undefined }),
      7: await reason(insert('F-7', 'fail500')),
      8: await reason(base('mosip.abis.insert', { referenceId: 'F-8' })),
      9: await reason({ ...base('mosip.abis.ping'), requesttime: undefined }),
      10: await reason(base('mosip.abis.insert', { referenceId: 'A-1', referenceURL: urls.a1 })),
      11: await reason(insert('F-11', exceptionsOnly)),
      12: await reason(base('mosip.abis.identify', { referenceId: 'nobody' })),
      13: await reason(base('mosip.abis.ping', { version: '2.0' })),
      14: await reason(base('mosip.abis.search')),
      15: await reason(base('mosip.abis.ping', { requesttime: '29/03/2020 07:01' })),
      16: await reason(insert('F-16', '<BIR><BIR>')),
      17: await reason(insert('F-17', 'expired')),
      18: await reason(insert('F-18', poorCbeff(persons.record(3, 3)))),
    };
    expect(produced).toEqual(Object.fromEntries(Object.keys(produced).map((k) => [k, k])));
    // more ways to the same reasons
    expect(await reason(insert('F-16b', corruptBdb))).toBe('16');
    expect(await reason(insert('F-16c', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><BIR>&e;</BIR>'))).toBe('16');
    expect(await reason(base('mosip.abis.delete', { referenceId: 'nobody' }))).toBe('12');
    expect(await reason({ ...base('mosip.abis.ping'), requestId: 42 })).toBe('4');
    expect(await reason({ ...base('mosip.abis.ping'), requestId: 'x'.repeat(300) })).toBe('4');
    expect(await reason({ ...base('mosip.abis.ping'), requestId: 'has space' })).toBe('4');
    expect(await reason(base('mosip.abis.insert', { referenceId: 'bad/id', referenceURL: urls.a1 }))).toBe('4');
    expect(await reason(base('mosip.abis.insert', { referenceId: 'F-4', referenceURL: 42 }))).toBe('4');
    expect(await reason(base('mosip.abis.insert', { referenceId: 'F-7f', referenceURL: 'file:///etc/passwd' }))).toBe('7');
    expect(await reason(base('mosip.abis.identify', { referenceId: 'A-1', gallery: 'all' }))).toBe('4');
    expect(await reason(base('mosip.abis.identify'))).toBe('5');
    expect(await reason(base('mosip.abis.insert', { referenceId: 'F-7b', referenceURL: 'http://127.0.0.1:1/v1/datashare/get/x' }))).toBe('7');
    expect(await reason(insert('F-7c', 'hang'))).toBe('7');
    expect(await reason(base('mosip.abis.insert', { referenceId: 'F-7d', referenceURL: `${ds.base}/v1/datashare/get/missing` }))).toBe('7');
    // nothing failed got in
    expect((await call(h, base('mosip.abis.referenceCount'))).json.count).toBe('5'); // B-1, D-1, D-2
    expect(Object.keys(FAILURE_REASONS)).toHaveLength(18);
  });

  it('answers malformed transport input with typed errors and stays up', async () => {
    expect(await call(h, '{"id": "mosip.abis.ping",')).toMatchObject({ status: 400, json: { error: { code: 'ERR_ABIS_JSON' }, returnValue: '2', failureReason: '4' } });
    expect(await call(h, base('mosip.abis.ping'), 'wrong-token-wrong-token')).toMatchObject({ status: 401, json: { error: { code: 'ERR_ABIS_AUTH' } } });
    expect((await fetch(`${h.url}/abis`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call(h, '[1, 2, 3]')).json).toMatchObject({ returnValue: '2', failureReason: '4' });
    expect((await call(h, 'null')).json).toMatchObject({ returnValue: '2', failureReason: '4' });
    const huge = await rawHttp(h.server.port, `POST /abis HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 5000000\r\n\r\n{"id":`);
    expect(huge).toMatch(/^HTTP\/1\.1 413/);
    expect(huge).toContain('ERR_ABIS_TOO_LARGE');
    const chunkedHuge = await fetch(`${h.url}/abis`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, duplex: 'half',
      body: new ReadableStream({ start(c) { for (let i = 0; i < 40; i++) c.enqueue(new Uint8Array(64 * 1024).fill(32)); c.close(); } }),
    } as RequestInit).then((r) => r.status, () => 'reset');
    expect([413, 'reset']).toContain(chunkedHuge);
    const slow = await rawHttp(h.server.port, `POST /abis HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 100\r\n\r\n{"id":`);
    expect(slow).toMatch(/^HTTP\/1\.1 408/);
    expect(slow).toContain('ERR_ABIS_TIMEOUT');
    expect((await fetch(`${h.url}/nothing`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(401);
    expect((await call(h, base('mosip.abis.ping'))).json.returnValue).toBe('1');
  });
  it('serves the same message set over WebSocket, authenticated by header or first message', async () => {
    const url = `ws://127.0.0.1:${h.server.port}/abis`;
    const a = await openWs(url, { authorization: `Bearer ${TOKEN}` });
    const requests = [base('mosip.abis.ping'), base('mosip.abis.referenceCount'), base('mosip.abis.identify', { referenceId: 'A-1' })];
    for (const r of requests) a.ws.send(JSON.stringify(r));
    const answers = new Map<unknown, Record<string, unknown>>();
    for (let i = 0; i < requests.length; i++) {
      const m = await a.next();
      answers.set(m.requestId, m);
    }
    expect(answers.get(requests[0].requestId)).toMatchObject({ id: 'mosip.abis.ping', returnValue: '1' });
    expect(answers.get(requests[2].requestId)).toMatchObject({ returnValue: '1', candidateList: { count: '1', candidates: [{ referenceId: 'A-2' }] } });
    // one socket keeps arrival order: the identify sent right behind two inserts sees them
    const w = [
      base('mosip.abis.insert', { referenceId: 'W-1', referenceURL: ds.share('w1', { delayMs: 200, content: personCbeff(persons.record(4, 1)) }) }),
      base('mosip.abis.insert', { referenceId: 'W-2', referenceURL: ds.share('w2', personCbeff(persons.record(4, 2))) }),
      base('mosip.abis.pendingJobs'),
      base('mosip.abis.identify', { referenceId: 'W-1' }),
    ];
    for (const r of w) a.ws.send(JSON.stringify(r));
    const wAnswers = new Map<unknown, Record<string, unknown>>();
    for (let i = 0; i < w.length; i++) {
      const m = await a.next();
      wAnswers.set(m.requestId, m);
    }
    expect(wAnswers.get(w[2].requestId)).toMatchObject({ returnValue: '1', jobscount: '2' }); // both inserts still pending
    expect(wAnswers.get(w[3].requestId)).toMatchObject({ candidateList: { count: '1', candidates: [{ referenceId: 'W-2' }] } });
    a.ws.send('not json');
    expect(await a.next()).toEqual({ error: { code: 'ERR_ABIS_JSON', message: expect.any(String) } });
    a.ws.send(JSON.stringify(base('mosip.abis.ping', { version: '9' })));
    expect(await a.next()).toMatchObject({ returnValue: '2', failureReason: '13' });
    a.ws.close();

    const b = await openWs(url);
    b.ws.send(JSON.stringify({ token: TOKEN }));
    expect(await b.next()).toEqual({ authenticated: true });
    b.ws.send(JSON.stringify(base('mosip.abis.ping')));
    expect(await b.next()).toMatchObject({ returnValue: '1' });
    b.ws.close();

    const c = await openWs(url);
    c.ws.send(JSON.stringify(base('mosip.abis.ping')));
    expect(await c.closed).toBe(4401);
    expect((await call(h, base('mosip.abis.ping'))).json.returnValue).toBe('1');
  });
});

interface WsLike {
  on(event: 'open', f: () => void): void;
  on(event: 'message', f: (data: Buffer) => void): void;
  on(event: 'close', f: (code: number) => void): void;
  on(event: 'error', f: (e: Error) => void): void;
  send(text: string): void;
  close(): void;
}
type WsConstructor = new (url: string, options?: { headers?: Record<string, string> }) => WsLike;
// `ws` (a dependency of the uWebSockets.js package) as a test client: Node 20 has no WebSocket global.
const WS_MODULE: string = 'ws';
const wsClient = async (): Promise<WsConstructor> => ((await import(WS_MODULE)) as { default: WsConstructor }).default;

/** Opens a socket and returns a reader of its next messages (parsed JSON) and its close code. */
async function openWs(url: string, headers?: Record<string, string>): Promise<{ ws: WsLike; next(): Promise<Record<string, unknown>>; closed: Promise<number> }> {
  const WebSocket = await wsClient();
  const ws = new WebSocket(url, { headers });
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  return { ws, closed, next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiters.push(resolve))) };
}

describe('ABIS API restart', () => {
  it('loses nothing and runs nothing twice when the service restarts mid-stream', async () => {
    const ds = await startFakeDatashare();
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-abis-restart-'));
    cleanup.push(async () => {
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // slow shares: every job is still fetching when the service goes down
    const requests = Array.from({ length: 6 }, (_, i) => base('mosip.abis.insert', {
      referenceId: `R-${i}`, referenceURL: ds.share(`r${i}`, { delayMs: 300, content: personCbeff(persons.record(i % 4, 1 + Math.floor(i / 4))) }),
    }));
    let h = await openHarness(dir, ds);
    const first = requests.map((r) => call(h, r).then((x) => x.json, () => undefined));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.server.processor.queueLength).toBe(6);
    await closeHarness(h); // connections cut (answers lost); accepted jobs finish and are logged
    const firstAnswers = await Promise.all(first);
    expect(firstAnswers.filter((a) => a === undefined).length).toBe(6);
    h = await openHarness(dir, ds);
    cleanup.push(() => closeHarness(h));
    const fetchesBefore = ds.fetches;
    const retried = await Promise.all(requests.map((r) => call(h, r)));
    for (const [i, r] of retried.entries()) {
      expect(r.json.returnValue).toBe('1');
      if (firstAnswers[i] !== undefined) expect(r.json).toEqual(firstAnswers[i]);
    }
    expect(h.engine.count()).toBe(6);
    // every retry was answered from the log: nothing fetched or executed again
    expect(ds.fetches - fetchesBefore).toBe(0);
    expect(h.server.metrics.replays).toBe(6);
  });

  it('finishes an insert cut short between the engine write and the log (resume marker)', async () => {
    const ds = await startFakeDatashare();
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-abis-resume-'));
    cleanup.push(async () => {
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const request = base('mosip.abis.insert', { referenceId: 'X-1', referenceURL: ds.share('x1', personCbeff(persons.record(0, 1))) });
    let h = await openHarness(dir, ds);
    expect((await call(h, { ...request, requestId: 'other-request' })).json.returnValue).toBe('1'); // the engine write
    await closeHarness(h);
    // the state a crash leaves: the log says "started" for this request, the subject is stored
    const log = JobLog.open(path.join(dir, 'abis-jobs'));
    await log.started(request.requestId as string, 'insert', 'X-1');
    await log.close();
    h = await openHarness(dir, ds);
    cleanup.push(() => closeHarness(h));
    expect((await call(h, request)).json).toMatchObject({ returnValue: '1' });
    expect((await call(h, { ...request, requestId: 'third-request' })).json.failureReason).toBe('10');
  });
});
