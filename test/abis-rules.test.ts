/**
 * The ABIS door's rules around the CTK cases (api/abis):
 * - requestId: the same request again is answered from the log (same bytes, or the same JSON in
 *   another key order); another request under a used requestId is refused with 4, logged, and
 *   changes nothing — including while the first is still running;
 * - MOSIP sees only its own referenceIds: ID-service enrolments (`enr-…`, inserted straight into
 *   the shared engine here) never appear as candidates, are not counted, cannot be deleted or used
 *   as probe or gallery through the ABIS door; a store made before the reference set existed is
 *   migrated at start (everything but `enr-…`);
 * - internalScore and confidence on their documented scales.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { JobLog, confidence, internalScore, startAbisServer, type AbisLogger, type AbisResponse, type AbisServer } from '../api/abis/index.ts';
import { readBiometrics, toSubject } from '../api/intake/index.ts';
import { CLIENT, startFakeDatashare, type FakeDatashare } from './fixtures/abis/datashare-server.ts';
import { personCbeff, syntheticPersons } from './fixtures/abis/records.ts';

const KEY = parseTemplateKey(generateTemplateKey());
const TOKEN = 'rules-test-token-0123456789';
const persons = syntheticPersons(6, 777);

interface Logged { level: string; fields: Record<string, unknown>; message: string }

describe('ABIS door rules', () => {
  let dir: string;
  let ds: FakeDatashare;
  let engine: DedupEngine;
  let server: AbisServer;
  const logged: Logged[] = [];
  const logger: AbisLogger = {
    warn: (fields, message) => logged.push({ level: 'warn', fields, message }),
    error: (fields, message) => logged.push({ level: 'error', fields, message }),
  };
  let n = 0;
  const insert = (referenceId: string, person: number, impression = 1, delayMs = 0): Record<string, unknown> => ({
    id: 'mosip.abis.insert', version: '1.1', requestId: `r-${++n}`, requesttime: new Date().toISOString(), referenceId,
    referenceURL: ds.share(`s${n}`, delayMs > 0 ? { delayMs, content: personCbeff(persons.record(person, impression)) } : personCbeff(persons.record(person, impression))),
  });
  const op = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, version: '1.1', requestId: `r-${++n}`, requesttime: new Date().toISOString(), ...extra });
  const send = async (body: unknown): Promise<AbisResponse> => (await (await fetch(`http://127.0.0.1:${server.port}/abis`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: typeof body === 'string' ? body : JSON.stringify(body),
  })).json()) as AbisResponse;
  const open = async (): Promise<void> => {
    engine = DedupEngine.open({ dataDir: dir, key: KEY, threads: 1 });
    server = await startAbisServer({ engine, token: TOKEN, dataDir: dir, intakeThreads: 0, logger, datashare: { auth: { url: ds.authUrl, ...CLIENT } } });
  };
  const close = async (): Promise<void> => {
    await server.close();
    await engine.close();
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'biodedup-rules-'));
    ds = await startFakeDatashare();
    await open();
  });
  afterAll(async () => {
    await close();
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the same request from the log, refuses another request under a used requestId (4), and logs it', async () => {
    const first = insert('RQ-1', 0);
    const answer = await send(first);
    expect(answer.returnValue).toBe('1');
    // the same request again, byte for byte and with its keys in another order: the logged answer
    expect(await send(first)).toEqual(answer);
    const reordered = Object.fromEntries(Object.entries(first).reverse());
    expect(await send(JSON.stringify(reordered))).toEqual(answer);
    // another request under that requestId: refused, logged, nothing inserted
    const fetchesBefore = ds.fetches;
    const other = { ...insert('RQ-2', 1), requestId: first.requestId };
    const refused = await send(other);
    expect(refused).toEqual({ id: 'mosip.abis.insert', requestId: first.requestId, responsetime: expect.any(String), returnValue: '2', failureReason: '4' });
    expect(ds.fetches).toBe(fetchesBefore);
    expect((await send(op('mosip.abis.identify', { referenceId: 'RQ-2' }))).failureReason).toBe('12');
    expect(logged.filter((l) => l.fields.code === 'ERR_ABIS_REQUEST_ID_REUSED')).toEqual([
      { level: 'warn', fields: expect.objectContaining({ requestId: first.requestId, operation: 'mosip.abis.insert' }), message: expect.stringContaining('refused') },
    ]);
    expect(JSON.stringify(logged)).not.toContain('datashare/get'); // no URL (nor anything biometric) in the log line
    // the first answer still stands
    expect(await send(first)).toEqual(answer);
  });

  it('refuses another request under a requestId that is still running, and joins a true redelivery', async () => {
    const slow = insert('RQ-3', 2, 1, 400);
    const running = send(slow);
    await new Promise((r) => setTimeout(r, 100));
    const [joined, clash] = await Promise.all([send(slow), send({ ...op('mosip.abis.delete', { referenceId: 'RQ-1' }), requestId: slow.requestId })]);
    expect(clash.failureReason).toBe('4');
    const result = await running;
    expect(result.returnValue).toBe('1');
    expect(joined).toEqual(result);
    expect((await send(op('mosip.abis.referenceCount'))).count).toBe('2'); // RQ-1 not deleted
  });

  it('shows MOSIP only its own referenceIds while the gallery holds ID-service enrolments', async () => {
    // the ID service's enrolments of persons 0 and 3, straight into the shared engine
    for (const [id, person] of [['enr-0123456789abcdef01234567', 0], ['enr-fedcba9876543210fedcba98', 3]] as const) {
      await engine.insert(toSubject(id, await readBiometrics(personCbeff(persons.record(person, 2)))));
    }
    expect(engine.count()).toBe(4);
    expect((await send(op('mosip.abis.referenceCount'))).count).toBe('2');
    // RQ-1 is person 0: the ID service's copy of person 0 scores, but is not MOSIP's to see
    const found = await send(op('mosip.abis.identify', { referenceURL: ds.share('probe0', personCbeff(persons.record(0, 3))) }));
    expect(found.candidateList!.candidates.map((c) => c.referenceId)).toEqual(['RQ-1']);
    // …while the engine itself does return the enrolment for that probe (so the filter is what hides it)
    const probe = await readBiometrics(personCbeff(persons.record(0, 3)));
    const raw = await engine.identify({ fingers: [...probe.fingers].map(([position, template]) => ({ position, template })) });
    expect(raw.candidates.map((c) => c.referenceId).sort()).toEqual(['RQ-1', 'enr-0123456789abcdef01234567']);
    expect((await send(op('mosip.abis.identify', { referenceId: 'enr-0123456789abcdef01234567' }))).failureReason).toBe('12');
    expect((await send(op('mosip.abis.identify', { referenceId: 'RQ-1', gallery: { referenceIds: [{ referenceId: 'enr-0123456789abcdef01234567' }] } }))).failureReason).toBe('12');
    expect((await send(op('mosip.abis.delete', { referenceId: 'enr-fedcba9876543210fedcba98' }))).failureReason).toBe('12');
    expect(engine.has('enr-fedcba9876543210fedcba98')).toBe(true);
    expect((await send(insert('enr-0123456789abcdef01234567', 4))).failureReason).toBe('10'); // the id is taken in the engine
  });

  it('settles at start an insert a crash left between the engine write and the log', async () => {
    const before = Number((await send(op('mosip.abis.referenceCount'))).count);
    await close();
    // the state such a crash leaves: the subject in the engine, the job only marked started
    engine = DedupEngine.open({ dataDir: dir, key: KEY, threads: 1 });
    await engine.insert(toSubject('RQ-CRASH', await readBiometrics(personCbeff(persons.record(5, 1)))));
    await engine.close();
    const log = JobLog.open(path.join(dir, 'abis-jobs'));
    await log.started('crashed-request', 'insert', 'RQ-CRASH');
    await log.close();
    await open();
    expect((await send(op('mosip.abis.referenceCount'))).count).toBe(String(before + 1));
    expect((await send(op('mosip.abis.identify', { referenceId: 'RQ-CRASH' }))).returnValue).toBe('1');
  });

  it('migrates a store made before the reference set: everything but enr-… is MOSIP\'s', async () => {
    await close();
    // a store as an older version left it: no reference set in the job log
    const { open: openLmdb } = await import('lmdb');
    const env = openLmdb({ path: path.join(dir, 'abis-jobs') });
    await env.openDB('abis-references', {}).clearAsync();
    await env.close();
    await open();
    expect((await send(op('mosip.abis.referenceCount'))).count).toBe('3'); // RQ-1, RQ-3, RQ-CRASH
    const found = await send(op('mosip.abis.identify', { referenceURL: ds.share('probe0b', personCbeff(persons.record(0, 3))) }));
    expect(found.candidateList!.candidates.map((c) => c.referenceId)).toEqual(['RQ-1']);
  });

  it('reports internalScore as −10·log10 FMR (capped at 100) and confidence as a probability in percent', () => {
    expect(internalScore(37.256)).toBe('37.26');
    expect(internalScore(1686.26)).toBe('100.00');
    // at the decision threshold targetFPIR + 10·log10 N: 100 × (1 − 10^(−targetFPIR/10))
    expect(confidence(30 + 10 * Math.log10(1000), 1000)).toBe('99.90');
    expect(confidence(10, 1000)).toBe('0.00');
    expect(Number(confidence(45, 1000))).toBeGreaterThan(Number(confidence(40, 1000)));
  });
});
