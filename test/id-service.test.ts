/**
 * The ID service over loopback HTTP (api/id-service): enrolment with internal dedup (UIN or
 * adjudication, never another identity), concurrent duplicate enrolments, 1:1 verification,
 * adjudication, rate limits, backpressure, route enumeration (no 1:N door), malformed and slow
 * input, audit, metrics, OpenAPI, restart and crash recovery. Data: synthetic minutiae.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { ROUTES, startIdService, verhoeffValid, type IdServiceHandle, type IdServiceOptions } from '../api/id-service/index.ts';
import { IdStore } from '../api/id-service/id-store.ts';
import { verhoeffDigit } from '../api/id-service/verhoeff.ts';
import { syntheticPeople, type Person } from './fixtures/id-service/people.ts';
import { call, rawRequest, statusOf } from './fixtures/id-service/client.ts';

const KEY = parseTemplateKey(generateTemplateKey());
const OPERATOR = 'operator-token-0123456789';
const ALPHA = 'alpha-client-token-0123456789';
const BETA = 'beta-client-token-0123456789';
const people = syntheticPeople(24, 20261125);
const enrolBody = (p: Person, capture: 0 | 1, ref: string) => ({ demographicsRef: ref, biometrics: p.capture[capture] });

const dirs: string[] = [];
const engines: DedupEngine[] = [];
const servers: IdServiceHandle[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'biodedup-id-'));
  dirs.push(d);
  return d;
}
function openEngine(dataDir: string): DedupEngine {
  const e = DedupEngine.open({ dataDir: path.join(dataDir, 'engine'), key: KEY, threads: 1 });
  engines.push(e);
  return e;
}
async function start(engine: DedupEngine, dataDir: string, extra: Partial<IdServiceOptions> = {}): Promise<IdServiceHandle> {
  const s = await startIdService({
    engine, port: 0, operatorToken: OPERATOR, clientTokens: { alpha: ALPHA, beta: BETA }, dataDir,
    ...extra,
    limits: { clientBurst: 1000, bodyTimeoutMs: 400, maxBodyBytes: 64 * 1024, maxEnrolBodyBytes: 256 * 1024, uinBurst: 4, uinPerSecond: 0.001, ...extra.limits },
  });
  servers.push(s);
  return s;
}
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const e of engines) await e.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A well-formed UIN (valid check digit) that was never issued. */
function unissuedUin(issued: readonly string[]): string {
  for (let body = 234567890; ; body += 7) {
    const uin = `${body}${verhoeffDigit(String(body))}`;
    if (!issued.includes(uin)) return uin;
  }
}

describe('ID service', () => {
  let dir: string;
  let engine: DedupEngine;
  let server: IdServiceHandle;
  let port: number;
  const uinOf: string[] = []; // person index → UIN
  let duplicateCase = '';

  beforeAll(async () => {
    dir = tempDir();
    engine = openEngine(dir);
    server = await start(engine, dir);
    port = server.port;
  }, 60_000);

  describe('enrolment', () => {
    it('enrols a unique person: a random 10-digit UIN with a valid Verhoeff digit, and nothing else', async () => {
      for (const p of [0, 1, 2, 3, 4]) {
        const r = await call(port, 'POST', '/enrol', { token: ALPHA, body: enrolBody(people[p], 0, `demo-${p}`) });
        expect(r.status).toBe(201);
        expect(Object.keys(r.json).sort()).toEqual(['status', 'uin']);
        expect(r.json.status).toBe('uin-issued');
        expect(r.json.uin).toMatch(/^[2-9]\d{9}$/);
        expect(verhoeffValid(r.json.uin)).toBe(true);
        uinOf[p] = r.json.uin;
      }
      expect(new Set(uinOf).size).toBe(5);
      // random, not sequential: no two consecutive UINs differ by a small step
      const numbers = uinOf.map((u) => Number(u.slice(0, -1)));
      for (let i = 1; i < numbers.length; i++) expect(Math.abs(numbers[i] - numbers[i - 1])).toBeGreaterThan(100);
      expect(engine.count()).toBe(5);
    });

    it('sends the same person again to adjudication: no UIN, a case id, no other identity', async () => {
      const r = await call(port, 'POST', '/enrol', { token: BETA, body: enrolBody(people[0], 1, 'demo-0-again') });
      expect(r.status).toBe(202);
      expect(Object.keys(r.json).sort()).toEqual(['caseId', 'status']);
      expect(r.json.status).toBe('pending-adjudication');
      expect(r.json.caseId).toMatch(/^case-[0-9a-f]{24}$/);
      for (const uin of uinOf) expect(r.text).not.toContain(uin);
      expect(r.text).not.toContain('demo-0');
      expect(r.text).not.toContain('enr-');
      duplicateCase = r.json.caseId;
    });

    it('gives exactly one UIN to two concurrent enrolments of one person (and one case)', async () => {
      for (const p of [5, 6, 7]) {
        const both = await Promise.all([
          call(port, 'POST', '/enrol', { token: ALPHA, body: enrolBody(people[p], 0, `demo-${p}-a`) }),
          call(port, 'POST', '/enrol', { token: BETA, body: enrolBody(people[p], 1, `demo-${p}-b`) }),
        ]);
        expect(both.map((r) => r.status).sort()).toEqual([201, 202]);
        const issued = both.find((r) => r.status === 201)!;
        const pending = both.find((r) => r.status === 202)!;
        expect(pending.text).not.toContain(issued.json.uin);
        uinOf[p] = issued.json.uin;
      }
    });

    it('gives one UIN per person to a concurrent batch of distinct people', async () => {
      const batch = [8, 9, 10, 11];
      const replies = await Promise.all(batch.map((p) => call(port, 'POST', '/enrol', { token: ALPHA, body: enrolBody(people[p], 0, `demo-${p}`) })));
      expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      replies.forEach((r, i) => (uinOf[batch[i]] = r.json.uin));
      expect(new Set(uinOf.filter(Boolean)).size).toBe(uinOf.filter(Boolean).length);
    });

    it('honours exception markings: enrols on the fingers captured', async () => {
      const p = people[12];
      const biometrics = { fingers: [p.capture[0].fingers[0], { position: 7, exception: 'amputated' }] };
      const r = await call(port, 'POST', '/enrol', { token: ALPHA, body: { demographicsRef: 'demo-12', biometrics } });
      expect(r.status).toBe(201);
      uinOf[12] = r.json.uin;
      const v = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: uinOf[12], biometrics: { fingers: [p.capture[1].fingers[0]] } } });
      expect(v.json.match).toBe(true);
      const none = await call(port, 'POST', '/enrol', { token: ALPHA, body: { demographicsRef: 'demo-x', biometrics: { fingers: [{ position: 3, exception: 'missing' }] } } });
      expect(none.status).toBe(422);
      expect(none.json.error.code).toBe('ERR_NO_BIOMETRICS');
    });
  });

  describe('verification (1:1)', () => {
    it('matches a genuine probe and answers {match, reason} only: no score', async () => {
      const r = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: uinOf[1], biometrics: people[1].capture[1] } });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ match: true, reason: 'MATCHED' });
    });

    it('rejects an impostor, and answers an unknown UIN exactly like a non-match', async () => {
      const impostor = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: uinOf[2], biometrics: people[3].capture[1] } });
      expect(impostor.status).toBe(200);
      expect(impostor.json).toEqual({ match: false, reason: 'NOT_MATCHED' });
      const unknown = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: unissuedUin(uinOf), biometrics: people[3].capture[1] } });
      expect(unknown.status).toBe(200);
      expect(unknown.text).toBe(impostor.text);
      expect([...unknown.headers.keys()].sort()).toEqual([...impostor.headers.keys()].sort());
      // even the probe's own person, under a UIN that does not exist: no match
      const own = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: unissuedUin([...uinOf, unissuedUin(uinOf)]), biometrics: people[3].capture[0] } });
      expect(own.json.match).toBe(false);
    });

    it('refuses a UIN with a wrong check digit (400) without verifying', async () => {
      const good = uinOf[2];
      const bad = good.slice(0, -1) + String((Number(good.at(-1)) + 1) % 10);
      const r = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: bad, biometrics: people[2].capture[1] } });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('ERR_UIN_FORMAT');
    });

    it('rate-limits failed verifications of a UIN per client (429 with Retry-After), without locking the holder out', async () => {
      const uin = uinOf[4];
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 6; i++) {
        last = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin, biometrics: people[5].capture[1] } }); // an impostor probe
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      expect(last!.json.error.code).toBe('ERR_RATE_LIMITED');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // the holder, through another client, is not affected, and matches spend nothing
      for (let i = 0; i < 6; i++) {
        const holder = await call(port, 'POST', '/verify', { token: BETA, body: { uin, biometrics: people[4].capture[1] } });
        expect(holder.json).toEqual({ match: true, reason: 'MATCHED' });
      }
      // another UIN is not affected
      expect((await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: uinOf[3], biometrics: people[3].capture[1] } })).status).toBe(200);
    });
  });

  describe('adjudication', () => {
    it('is for operators only', async () => {
      expect((await call(port, 'GET', '/adjudication')).status).toBe(401);
      expect((await call(port, 'GET', '/adjudication', { token: ALPHA })).status).toBe(401);
      const r = await call(port, 'POST', `/adjudication/${duplicateCase}`, { token: ALPHA, body: { decision: 'unique' } });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('lists open cases with the candidate UINs (operators may see them)', async () => {
      const r = await call(port, 'GET', '/adjudication', { token: OPERATOR });
      expect(r.status).toBe(200);
      const cases = r.json.cases as Array<{ caseId: string; state: string; demographicsRef: string; candidates: Array<{ uin?: string; score: number }> }>;
      expect(cases).toHaveLength(4); // person 0's second capture, and the losers of the three concurrent pairs
      const c = cases.find((k) => k.caseId === duplicateCase)!;
      expect(c.state).toBe('pending');
      expect(c.demographicsRef).toBe('demo-0-again');
      expect(c.candidates[0].uin).toBe(uinOf[0]);
      expect(c.candidates[0].score).toBeGreaterThan(30);
      expect((await call(port, 'GET', '/adjudication?limit=1', { token: OPERATOR })).json.cases).toHaveLength(1);
      expect((await call(port, 'GET', '/adjudication?limit=zero', { token: OPERATOR })).status).toBe(400);
    });

    it('confirms a duplicate: the case closes, the enrolment leaves the gallery, a second decision is a conflict', async () => {
      const before = engine.count();
      const r = await call(port, 'POST', `/adjudication/${duplicateCase}`, { token: OPERATOR, body: { decision: 'duplicate', operator: 'ana', reason: 'same person' } });
      expect(r.status).toBe(200);
      expect(r.json.state).toBe('duplicate');
      expect(r.json.uin).toBeUndefined();
      expect(engine.count()).toBe(before - 1);
      const again = await call(port, 'POST', `/adjudication/${duplicateCase}`, { token: OPERATOR, body: { decision: 'unique' } });
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('ERR_CASE_DECIDED');
      const unknown = await call(port, 'POST', '/adjudication/case-000000000000000000000000', { token: OPERATOR, body: { decision: 'unique' } });
      expect(unknown.status).toBe(404);
      expect((await call(port, 'POST', `/adjudication/${duplicateCase}`, { token: OPERATOR, body: { decision: 'maybe' } })).status).toBe(400);
    });

    it('confirms unique: a UIN is issued for the case, and it verifies', async () => {
      const open = (await call(port, 'GET', '/adjudication', { token: OPERATOR })).json.cases as Array<{ caseId: string; demographicsRef: string }>;
      const c = open.find((k) => k.demographicsRef.startsWith('demo-5-'))!;
      const r = await call(port, 'POST', `/adjudication/${c.caseId}`, { token: OPERATOR, body: { decision: 'unique' } });
      expect(r.status).toBe(200);
      expect(r.json.state).toBe('unique');
      expect(verhoeffValid(r.json.uin)).toBe(true);
      expect(r.json.uin).not.toBe(uinOf[5]);
      const v = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: r.json.uin, biometrics: people[5].capture[1] } });
      expect(v.json.match).toBe(true);
      expect((await call(port, 'GET', '/adjudication', { token: OPERATOR })).json.cases).toHaveLength(2);
    });
  });

  describe('no 1:N door', () => {
    const expectedRoutes = ['GET /adjudication', 'GET /health/live', 'GET /health/ready', 'GET /metrics', 'GET /openapi.json', 'POST /adjudication/{caseId}', 'POST /enrol', 'POST /verify'];

    it('registers exactly the routes of the table, and the OpenAPI document describes exactly those', async () => {
      expect(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual(expectedRoutes);
      expect(server.routes).toBe(ROUTES);
      const doc = (await call(port, 'GET', '/openapi.json')).json;
      expect(doc.openapi).toBe('3.1.0');
      const described = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
      expect(described.sort()).toEqual(expectedRoutes);
    });

    it('no route answers a search: a probe sent anywhere, with any credential, never returns an identity', async () => {
      const probe = people[1].capture[1]; // person 1 is enrolled under uinOf[1]
      const bodies = [{ biometrics: probe }, { probe }, { ...probe }, { biometrics: probe, maxResults: 10 }, { biometrics: probe, uin: '' }];
      for (const route of ROUTES) {
        const url = route.path.replace('{caseId}', 'case-0123456789abcdef01234567');
        for (const token of [undefined, ALPHA, OPERATOR]) {
          for (const body of route.method === 'post' ? bodies : [undefined]) {
            const r = await call(port, route.method.toUpperCase(), url, { token, body });
            expect(r.text, `${route.method} ${route.path}`).not.toContain(uinOf[1]);
            expect(r.text).not.toMatch(/enr-[0-9a-f]{24}/);
            expect(r.text).not.toContain('demo-1');
          }
        }
      }
      // the operators' list does not depend on a probe: the same answer with or without one
      const a = await call(port, 'GET', '/adjudication', { token: OPERATOR });
      const b = await fetch(`http://127.0.0.1:${port}/adjudication`, { method: 'GET', headers: { authorization: `Bearer ${OPERATOR}` } });
      expect(await b.text()).toBe(a.text);
    });

    it('answers 404 for every other route and method', async () => {
      const attempts: Array<[string, string]> = [
        ['POST', '/identify'], ['POST', '/search'], ['POST', '/abis'], ['POST', '/verify/1:n'], ['POST', '/enrol/search'], ['GET', '/'],
        ['GET', '/enrol'], ['GET', '/verify'], ['PUT', '/enrol'], ['DELETE', '/adjudication'], ['GET', '/adjudication/case-0123456789abcdef01234567'],
        ['POST', '/adjudication'], ['PATCH', '/verify'], ['GET', '/uin/1234567890'], ['POST', '/candidates'], ['GET', '/audit'],
      ];
      for (const [method, url] of attempts) {
        const r = await call(port, method, url, { token: OPERATOR, body: method === 'GET' || method === 'DELETE' ? undefined : { biometrics: people[1].capture[1] } });
        expect(r.status, `${method} ${url}`).toBe(404);
        expect(r.json.error.code).toBe('ERR_NOT_FOUND');
      }
    });
  });

  describe('malformed input', () => {
    const verify = (body: unknown, raw?: string) => call(port, 'POST', '/verify', { token: ALPHA, body, raw });

    it('answers typed 400s for bad JSON and wrong types', async () => {
      const cases: Array<[unknown, string | undefined]> = [
        [undefined, '{"uin": '], [undefined, 'null'], [undefined, '[]'], [undefined, '"text"'], [undefined, ''],
        [{ uin: 1234567890, biometrics: people[1].capture[1] }, undefined],
        [{ uin: uinOf[1], biometrics: 'fingers' }, undefined],
        [{ uin: uinOf[1], biometrics: { fingers: {} } }, undefined],
        [{ uin: uinOf[1], biometrics: { fingers: [{ position: 11, format: 'iso19794-2', data: 'AAAA' }] } }, undefined],
        [{ uin: uinOf[1], biometrics: { fingers: [{ position: 2, format: 'wsq', data: 'AAAA' }] } }, undefined],
        [{ uin: uinOf[1], biometrics: { fingers: [{ position: 2, format: 'iso19794-2', data: '!!not base64!!' }] } }, undefined],
        [{ uin: uinOf[1], biometrics: { fingers: [{ position: 2, format: 'iso19794-2', data: 42 }] } }, undefined],
        [{ uin: uinOf[1], biometrics: { fingers: Array(11).fill({ position: 0, format: 'iso19794-2', data: 'AAAA' }) } }, undefined],
        [{ uin: uinOf[1], biometrics: people[1].capture[1], extra: true }, undefined],
        [{ uin: uinOf[1], biometrics: { fingers: [], faces: [] } }, undefined],
      ];
      for (const [body, raw] of cases) {
        const r = await verify(body, raw);
        expect(r.status, JSON.stringify(body ?? raw)).toBe(400);
        expect(r.json.error.code).toMatch(/^ERR_(BAD_JSON|BAD_REQUEST|UIN_FORMAT)$/);
        expect(typeof r.json.error.message).toBe('string');
      }
      const enrol = await call(port, 'POST', '/enrol', { token: ALPHA, body: { demographicsRef: 'has space', biometrics: people[20].capture[0] } });
      expect(enrol.status).toBe(400);
    });

    it('answers 422 with the engine code for a corrupt record', async () => {
      const corrupt = Buffer.from(people[1].capture[1].fingers[0].data, 'base64').subarray(0, 40).toString('base64');
      const r = await verify({ uin: uinOf[1], biometrics: { fingers: [{ position: 2, format: 'iso19794-2', data: corrupt }] } });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toMatch(/^ERR_RECORD_/);
      const notAnImage = await verify({ uin: uinOf[1], biometrics: { fingers: [{ position: 2, format: 'image', data: Buffer.from('not an image at all').toString('base64') }] } });
      expect(notAnImage.status).toBe(422);
    });

    it('refuses a wrong content type (415) and missing or wrong credentials (401)', async () => {
      expect((await call(port, 'POST', '/verify', { token: ALPHA, raw: 'uin=1', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
      expect((await call(port, 'POST', '/verify', { body: { uin: uinOf[1], biometrics: people[1].capture[1] } })).status).toBe(401);
      expect((await call(port, 'POST', '/verify', { token: OPERATOR, body: { uin: uinOf[1], biometrics: people[1].capture[1] } })).status).toBe(401);
    });

    it('refuses huge bodies, declared (413 before reading) or streamed', async () => {
      const declared = await rawRequest(port, `POST /verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALPHA}\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n`, '{"uin":', { waitMs: 2000 });
      expect(statusOf(declared)).toBe(413);
      expect(declared).toContain('ERR_BODY_TOO_LARGE');
      const big = JSON.stringify({ uin: uinOf[1], biometrics: { fingers: [{ position: 2, format: 'iso19794-2', data: 'A'.repeat(200 * 1024) }] } });
      const streamed = await call(port, 'POST', '/verify', { token: ALPHA, raw: big });
      expect(streamed.status).toBe(413);
      const chunked = await rawRequest(port, `POST /verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALPHA}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
        `${(100 * 1024).toString(16)}\r\n${'A'.repeat(100 * 1024)}\r\n0\r\n\r\n`, { waitMs: 2000 });
      expect(statusOf(chunked)).toBe(413);
    });

    it('cuts a slow (partial) body at the deadline with 408, and survives clients that vanish', async () => {
      const started = performance.now();
      const slow = await rawRequest(port, `POST /verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALPHA}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n`, '{"uin":"12', { waitMs: 3000 });
      expect(statusOf(slow)).toBe(408);
      expect(slow).toContain('ERR_BODY_TIMEOUT');
      expect(performance.now() - started).toBeLessThan(2500);
      const vanished = await rawRequest(port, `POST /enrol HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALPHA}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n`, '{"demo', { waitMs: 300, abortAfterMs: 50 });
      expect(statusOf(vanished)).toBe(0);
      await new Promise((r) => setTimeout(r, 500)); // past the body deadline of the vanished request
      const ok = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: uinOf[3], biometrics: people[3].capture[1] } });
      expect(ok.status).toBe(200);
      expect(ok.json.match).toBe(true);
    });
  });

  describe('audit, metrics, persistence', () => {
    it('audits every decision (who, when, UIN or case, decision) and never biometric data', () => {
      const entries = [...server.auditEntries()];
      const decisions = entries.map((e) => e.decision);
      expect(decisions.filter((d) => d === 'uin-issued')).toHaveLength(13);
      expect(decisions.filter((d) => d === 'pending-adjudication')).toHaveLength(4);
      expect(decisions).toContain('match');
      expect(decisions).toContain('no-match');
      expect(decisions).toContain('unknown-uin');
      expect(decisions).toContain('duplicate');
      expect(decisions).toContain('unique');
      entries.forEach((e, i) => {
        expect(e.sequence).toBe(i + 1);
        expect(Date.parse(e.at)).not.toBeNaN();
        expect(e.who).toMatch(/^(client:(alpha|beta)|operator(:ana)?)$/);
        for (const key of Object.keys(e)) expect(['sequence', 'at', 'who', 'action', 'decision', 'uin', 'caseId', 'demographicsRef', 'score', 'reason']).toContain(key);
      });
      const text = JSON.stringify(entries);
      for (const p of people) for (const c of p.capture) for (const f of c.fingers) expect(text).not.toContain(f.data.slice(0, 32));
      const adjudicated = entries.find((e) => e.decision === 'duplicate')!;
      expect(adjudicated).toMatchObject({ who: 'operator:ana', action: 'adjudicate', caseId: duplicateCase, reason: 'same person' });
    });

    it('serves Prometheus metrics to operators only', async () => {
      expect((await call(port, 'GET', '/metrics')).status).toBe(401);
      const r = await call(port, 'GET', '/metrics', { token: OPERATOR });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(r.text).toContain('# TYPE id_http_request_duration_seconds histogram');
      expect(r.text).toMatch(/id_http_request_duration_seconds_bucket\{route="\/verify",status="200",le="\+Inf"\} \d+/);
      expect(r.text).toContain('id_decisions_total{kind="uin-issued"} 13');
      expect(r.text).toContain('id_decisions_total{kind="pending-adjudication"} 4');
      expect(r.text).toMatch(/id_errors_total\{code="ERR_BAD_JSON"\} \d+/);
      expect(r.text).toMatch(/id_errors_total\{code="ERR_RATE_LIMITED"\} 2/);
      expect(r.text).toContain('id_in_flight_requests{kind="verify"} 0');
      expect(r.text).toContain('id_adjudication_pending_cases 2');
    });

    it('keeps UINs, cases and the audit across a restart', async () => {
      const entries = [...server.auditEntries()].length;
      await server.close();
      server = await start(engine, dir);
      port = server.port;
      const v = await call(port, 'POST', '/verify', { token: ALPHA, body: { uin: uinOf[9], biometrics: people[9].capture[1] } });
      expect(v.json.match).toBe(true);
      expect((await call(port, 'GET', '/adjudication', { token: OPERATOR })).json.cases).toHaveLength(2);
      expect([...server.auditEntries()].map((e) => e.sequence)).toEqual(Array.from({ length: entries + 1 }, (_, i) => i + 1));
      // the issued UINs are still taken: re-enrolling person 9 is a case, not a new UIN
      expect((await call(port, 'POST', '/enrol', { token: ALPHA, body: enrolBody(people[9], 1, 'demo-9-again') })).status).toBe(202);
    });
  });
});

describe('ID service limits and recovery', () => {
  it('limits each client (429 with Retry-After) and bounds verifications in flight (503 with Retry-After)', async () => {
    const dir = tempDir();
    const engine = openEngine(dir);
    const server = await start(engine, dir, { limits: { clientBurst: 3, clientPerSecond: 0.01, maxInFlightVerifications: 1 } });
    const enrolled = await call(server.port, 'POST', '/enrol', { token: BETA, body: enrolBody(people[21], 0, 'demo-21') });
    expect(enrolled.status).toBe(201);
    // one verification holds the only slot while its body trickles in
    const holding = rawRequest(server.port, `POST /verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${BETA}\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n`, '{"uin":', { waitMs: 1500 });
    await new Promise((r) => setTimeout(r, 100));
    const busy = await call(server.port, 'POST', '/verify', { token: ALPHA, body: { uin: enrolled.json.uin, biometrics: people[21].capture[1] } });
    expect(busy.status).toBe(503);
    expect(busy.json.error.code).toBe('ERR_BUSY');
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(statusOf(await holding)).toBe(408);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(server.port, 'POST', '/verify', { token: ALPHA, body: { uin: enrolled.json.uin, biometrics: people[21].capture[1] } })).status);
    expect(statuses).toEqual([200, 200, 429]); // alpha's 3 tokens: the 503 took one
    const limited = await call(server.port, 'POST', '/verify', { token: ALPHA, body: { uin: enrolled.json.uin, biometrics: people[21].capture[1] } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(1);
    // another client still gets through
    expect((await call(server.port, 'POST', '/verify', { token: BETA, body: { uin: enrolled.json.uin, biometrics: people[21].capture[1] } })).status).toBe(200);
  });

  it('after a crash between insert and decision, start-up removes the undecided subject', async () => {
    const dir = tempDir();
    const engine = openEngine(dir);
    // what a crash leaves: the tentative mark and the engine subject, no decision
    const store = new IdStore(path.join(dir, 'id-service'), 10);
    await store.markTentative('enr-crashed');
    await store.close();
    const { toSubject, BiometricsAdapter } = await import('../api/id-service/biometrics.ts');
    const captured = await new BiometricsAdapter().capture(people[22].capture[0], 'enrol');
    await engine.insert(toSubject('enr-crashed', captured));
    expect(engine.count()).toBe(1);
    const server = await start(engine, dir);
    expect(engine.count()).toBe(0);
    // so the person enrols as unique afterwards
    expect((await call(server.port, 'POST', '/enrol', { token: ALPHA, body: enrolBody(people[22], 1, 'demo-22') })).status).toBe(201);
  });

  it('refuses weak credentials at start', async () => {
    const dir = tempDir();
    const engine = openEngine(dir);
    await expect(start(engine, dir, { operatorToken: 'short' })).rejects.toThrow(/operatorToken/);
    await expect(start(engine, dir, { clientTokens: { alpha: 'x' } })).rejects.toThrow(/clientTokens\.alpha/);
  });
});
