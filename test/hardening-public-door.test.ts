/**
 * Issue 12, defects 3 and 10: the public door is no oracle, and enrolment retries are idempotent.
 * - /verify of an unknown UIN is byte-identical to a known non-match, even when the probe's own
 *   person is the only one enrolled (the former random stand-in was then the owner: score 39.9);
 * - /verify returns the decision and a reason code, never a score (the audit keeps it);
 * - a stranger who knows a UIN cannot lock its holder out: failed attempts are counted per
 *   client and address, matches spend nothing;
 * - Idempotency-Key: a retry (sequential or concurrent) returns the first answer, never a second
 *   enrolment or a case against itself; the same key with another body is refused.
 * Data: synthetic minutiae (test/fixtures/id-service/people.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { startIdService, type IdServiceHandle } from '../api/id-service/index.ts';
import { verhoeffDigit } from '../api/id-service/verhoeff.ts';
import { syntheticPeople } from './fixtures/id-service/people.ts';
import { call } from './fixtures/id-service/client.ts';

const OPERATOR = 'operator-token-0123456789';
const ALPHA = 'alpha-client-token-0123456789';
const BETA = 'beta-client-token-0123456789';
const people = syntheticPeople(6, 4242);

let dir: string;
let engine: DedupEngine;
let server: IdServiceHandle;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'biodedup-door-'));
  engine = DedupEngine.open({ dataDir: path.join(dir, 'engine'), key: parseTemplateKey(generateTemplateKey()), threads: 1 });
  server = await startIdService({
    engine, port: 0, operatorToken: OPERATOR, clientTokens: { alpha: ALPHA, beta: BETA }, dataDir: dir, captureThreads: 0,
    limits: { uinBurst: 3, uinPerSecond: 0.001, clientBurst: 1000, clientPerSecond: 1000 },
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const verify = (token: string, uin: string, person: number, capture: 0 | 1 = 1) =>
  call(server.port, 'POST', '/verify', { token, body: { uin, biometrics: people[person].capture[capture] } });
const enrol = (person: number, ref: string, key?: string, capture: 0 | 1 = 0) => fetch(`http://127.0.0.1:${server.port}/enrol`, {
  method: 'POST',
  headers: { authorization: `Bearer ${ALPHA}`, 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
  body: JSON.stringify({ demographicsRef: ref, biometrics: people[person].capture[capture] }),
}).then(async (r) => ({ status: r.status, text: await r.text() }));
function unissued(issued: readonly string[], start = 345678901): string {
  for (let body = start; ; body += 11) {
    const uin = `${body}${verhoeffDigit(String(body))}`;
    if (!issued.includes(uin)) return uin;
  }
}

describe('the public door is no oracle', () => {
  const uins: string[] = [];

  it('with only the probe\'s owner enrolled, an unknown UIN is a plain non-match (no stand-in that is the owner)', async () => {
    const first = await enrol(0, 'owner');
    expect(first.status).toBe(201);
    uins[0] = JSON.parse(first.text).uin;
    const before = [...server.auditEntries()].length;
    for (let i = 0; i < 3; i++) {
      const r = await verify(ALPHA, unissued(uins, 345678901 + 1000 * i), 0);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ match: false, reason: 'NOT_MATCHED' });
    }
    const audited = [...server.auditEntries()].slice(before);
    expect(audited.map((e) => e.decision)).toEqual(['unknown-uin', 'unknown-uin', 'unknown-uin']);
    // what was compared is nobody's finger: far from the 39.9 the owner stand-in gave
    for (const e of audited) expect(e.score).toBeLessThan(20);
  });

  it('answers an unknown UIN byte for byte like a known non-match, repeated probes included, with similar time', async () => {
    const second = await enrol(1, 'other');
    uins[1] = JSON.parse(second.text).uin;
    const unknownUin = unissued(uins, 456789012);
    const known: number[] = [];
    const unknown: number[] = [];
    let knownText = '';
    // the budget is per (client, address, UIN): three non-matches per client here, the same for both UINs
    for (let i = 0; i < 6; i++) {
      for (const [uin, times] of [[uins[1], known], [unknownUin, unknown]] as const) {
        const started = performance.now();
        const r = await verify(i < 3 ? ALPHA : BETA, uin, 2 + (i % 3)); // other people's probes: non-matches
        times.push(performance.now() - started);
        expect(r.status).toBe(200);
        if (knownText === '') knownText = r.text;
        expect(r.text).toBe(knownText);
        expect([...r.headers.keys()].sort()).toEqual(['cache-control', 'content-length', 'content-type', 'date', 'uwebsockets', 'x-content-type-options', 'x-request-id'].filter((h) => r.headers.has(h)));
      }
    }
    expect(knownText).toBe('{"match":false,"reason":"NOT_MATCHED"}');
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    // same work (a comparison and a durable audit append): a loose bound on a shared machine
    expect(median(unknown)).toBeLessThan(median(known) * 4 + 25);
    expect(median(known)).toBeLessThan(median(unknown) * 4 + 25);
  });

  it('never returns a score, for a match, a non-match or an unknown UIN; the audit keeps it', async () => {
    const genuine = await verify(BETA, uins[0], 0);
    expect(genuine.json).toEqual({ match: true, reason: 'MATCHED' });
    const impostor = await verify(BETA, uins[0], 5);
    for (const text of [genuine.text, impostor.text]) expect(text).not.toMatch(/score|\d+\.\d/);
    const last = [...server.auditEntries()].filter((e) => e.uin === uins[0] && e.action === 'verify').at(-2)!;
    expect(last.decision).toBe('match');
    expect(last.score).toBeGreaterThanOrEqual(40);
  });

  it('a stranger hammering a UIN exhausts only their own budget: the holder still verifies', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await verify(ALPHA, uins[0], 4)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429, 429, 429, 429]);
    for (let i = 0; i < 5; i++) expect((await verify(BETA, uins[0], 0)).json).toEqual({ match: true, reason: 'MATCHED' });
    // the same is true of an unknown UIN: the 429 comes after the same count, so it tells nothing either
    const ghost = unissued(uins, 567890123);
    const ghostStatuses: number[] = [];
    for (let i = 0; i < 8; i++) ghostStatuses.push((await verify(ALPHA, ghost, 4)).status);
    expect(ghostStatuses).toEqual(statuses);
  });
});

describe('Idempotency-Key on /enrol', () => {
  it('a retry with the key returns the first answer: one enrolment, no case against itself', async () => {
    const count = engine.count();
    const first = await enrol(3, 'retry-3', 'key-3f1c2b7e');
    expect(first.status).toBe(201);
    const retry = await enrol(3, 'retry-3', 'key-3f1c2b7e');
    expect(retry).toEqual(first);
    expect(engine.count()).toBe(count + 1);
    const cases = await call(server.port, 'GET', '/adjudication', { token: OPERATOR });
    expect(cases.json.cases.map((c: { demographicsRef: string }) => c.demographicsRef)).not.toContain('retry-3');
  });

  it('concurrent copies of one request (a client retrying before the first answer) give one UIN', async () => {
    const count = engine.count();
    const all = await Promise.all([enrol(4, 'retry-4', 'key-4-concurrent'), enrol(4, 'retry-4', 'key-4-concurrent'), enrol(4, 'retry-4', 'key-4-concurrent')]);
    expect(new Set(all.map((r) => r.text)).size).toBe(1);
    expect(all[0].status).toBe(201);
    expect(engine.count()).toBe(count + 1);
  });

  it('the same key with another body is refused (409), an invalid key is 400, and without a key a retry is a second enrolment', async () => {
    const other = await enrol(5, 'retry-3', 'key-3f1c2b7e');
    expect(other.status).toBe(409);
    expect(JSON.parse(other.text).error.code).toBe('ERR_IDEMPOTENCY_KEY_REUSED');
    const bad = await enrol(5, 'x', 'key with spaces');
    expect(bad.status).toBe(400);
    const count = engine.count();
    expect((await enrol(5, 'no-key')).status).toBe(201);
    expect((await enrol(5, 'no-key')).status).toBe(202); // the defect the key exists for
    expect(engine.count()).toBe(count + 2);
  });

  it('keeps the answer across a restart (it is written with the decision)', async () => {
    await server.close();
    server = await startIdService({ engine, port: 0, operatorToken: OPERATOR, clientTokens: { alpha: ALPHA, beta: BETA }, dataDir: dir, captureThreads: 0 });
    const count = engine.count();
    const again = await enrol(3, 'retry-3', 'key-3f1c2b7e');
    expect(again.status).toBe(201);
    expect(engine.count()).toBe(count);
  });
});
