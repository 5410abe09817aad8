/**
 * Issue 12, defect 6: no silent failures, and no biometric or token in a log line.
 * - a whole `npm start` run at the most verbose level (enrolment, verification, an ABIS request,
 *   refused credentials) writes JSON lines with levels and request ids, and the output holds
 *   none of the tokens nor the biometric records it was sent (greped as base64, hex and raw);
 * - an ABIS job that fails inside (the engine closed under it) is logged with its stack;
 * - a prefilter vector file that fails to open (damaged) is logged, not silently deleted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Writable } from 'node:stream';
import { DedupEngine, FINGER_TEMPLATE_VERSION, FingerMatcher, generateTemplateKey, parseTemplateKey, readMinutiaeRecord } from '../engine/index.ts';
import { startAbisServer } from '../api/abis/index.ts';
import { createLogger } from '../api/logger.ts';
import { syntheticPeople } from './fixtures/id-service/people.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'biodedup-logs-'));
  dirs.push(d);
  return d;
}
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
/** A logger whose lines are kept in memory. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _e, done) { chunks.push(chunk.toString()); done(); } });
  return {
    logger: createLogger({ level: 'trace', destination }),
    lines: () => chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('what a whole run logs', () => {
  it('JSON lines with levels and request ids; never a token, a record or a template', async () => {
    const tokens = { abis: 'abis-secret-token-5a1d0c93', operator: 'operator-secret-token-77e2b1f0', client: 'client-secret-token-c0ffee42', wrong: 'wrong-guessed-token-3141592' };
    const people = syntheticPeople(2, 99);
    const [abisPort, idPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api', 'main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', DATA_DIR: tempDir(), BIODEDUP_LOG_LEVEL: 'trace', BIODEDUP_POOL_SIZE: '1', ID_CAPTURE_THREADS: '1',
        ABIS_PORT: String(abisPort), ID_PORT: String(idPort), ABIS_TOKEN: tokens.abis, ID_OPERATOR_TOKEN: tokens.operator, ID_CLIENT_TOKENS: `kiosk=${tokens.client}`,
        BIODEDUP_TEMPLATE_KEY: generateTemplateKey(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 900 && !stdout.includes('ID service (public'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toContain('ID service (public');
    const post = (port: number, route: string, token: string, body: unknown, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${port}${route}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
    });
    const enrol = await post(idPort, '/enrol', tokens.client, { demographicsRef: 'log-test', biometrics: people[0].capture[0] }, { 'idempotency-key': 'idem-key-for-logs' });
    expect(enrol.status).toBe(201);
    const { uin } = await enrol.json() as { uin: string };
    const verify = await post(idPort, '/verify', tokens.client, { uin, biometrics: people[0].capture[1] });
    expect(verify.status).toBe(200);
    const requestId = verify.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    expect((await post(idPort, '/verify', tokens.wrong, { uin, biometrics: people[1].capture[1] })).status).toBe(401);
    expect((await post(abisPort, '/abis', tokens.abis, { id: 'mosip.abis.ping', version: '1.1', requestId: 'ping-1', requesttime: new Date().toISOString() })).status).toBe(200);
    expect((await post(abisPort, '/abis', tokens.wrong, { id: 'mosip.abis.ping', version: '1.1', requestId: 'ping-2', requesttime: new Date().toISOString() })).status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const lines = stderr.trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg: string; reqId?: string });
    expect(parsed.every((l) => typeof l.level === 'number' && typeof l.msg === 'string')).toBe(true);
    expect(parsed.some((l) => l.reqId === requestId && l.msg === 'request')).toBe(true);
    const output = stdout + stderr;
    for (const token of Object.values(tokens)) expect(output).not.toContain(token);
    for (const person of people) {
      for (const capture of person.capture) {
        for (const finger of capture.fingers) {
          const record = Buffer.from(finger.data, 'base64');
          const minutiae = readMinutiaeRecord(new Uint8Array(record)).views[0].minutiae;
          const template = Buffer.from(new FingerMatcher().createTemplate(minutiae, { resolutionPxPerCm: 197 }).bytes);
          for (const bytes of [record, template]) {
            const middle = bytes.subarray(24, 56); // past the headers: the biometric content
            for (const encoded of [middle.toString('base64').slice(0, 32), middle.toString('hex'), middle.toString('base64url').slice(0, 32)]) {
              expect(output).not.toContain(encoded);
            }
          }
        }
      }
    }
  }, 180_000);
});

describe('failures are logged, not silent', () => {
  it('an ABIS job error is logged with its stack and the MOSIP requestId', async () => {
    const dir = tempDir();
    const key = parseTemplateKey(generateTemplateKey());
    const engine = DedupEngine.open({ dataDir: dir, key, threads: 1 });
    const { logger, lines } = capturingLogger();
    const server = await startAbisServer({ engine, token: 'abis-token-0123456789abc', dataDir: dir, logger, intakeThreads: 0 });
    await engine.close(); // every engine call now fails inside the job
    const res = await fetch(`http://127.0.0.1:${server.port}/abis`, {
      method: 'POST', headers: { authorization: 'Bearer abis-token-0123456789abc', 'content-type': 'application/json' },
      // a delete asks the engine first (an identify of an unknown referenceId is answered from the ABIS reference set)
      body: JSON.stringify({ id: 'mosip.abis.delete', version: '1.1', requestId: 'req-broken-1', requesttime: new Date().toISOString(), referenceId: 'someone' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { returnValue: string }).returnValue).toBe('2');
    await server.close();
    const failed = lines().filter((l) => l.msg === 'ABIS job failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 50, requestId: 'req-broken-1', operation: 'mosip.abis.delete' });
    expect(String((failed[0].err as { stack: string }).stack)).toMatch(/ERR_ENGINE_CLOSED|closed/);
  }, 60_000);

  it('a prefilter vector file that fails to open is reported to the injected logger before it is recomputed', async () => {
    const dir = tempDir();
    const key = parseTemplateKey(generateTemplateKey());
    const people = syntheticPeople(3, 5);
    const first = DedupEngine.open({ dataDir: dir, key, threads: 1, prefilter: {} });
    for (const [i, p] of people.entries()) {
      const fingers = Object.fromEntries(p.capture[0].fingers.map((f) => {
        const record = readMinutiaeRecord(new Uint8Array(Buffer.from(f.data, 'base64')));
        return [f.position, { modality: 'finger' as const, version: FINGER_TEMPLATE_VERSION, bytes: new FingerMatcher().createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX }).bytes }];
      }));
      await first.insert({ referenceId: `p${i}`, fingers, irises: {} });
    }
    await first.ready();
    await first.close();
    const file = path.join(dir, 'prefilter', 'vectors.sealed');
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0x40; // damage: authentication fails
    writeFileSync(file, bytes);
    const { logger, lines } = capturingLogger();
    const second = DedupEngine.open({ dataDir: dir, key, threads: 1, prefilter: {}, logger });
    await second.ready();
    await second.close();
    const warned = lines().filter((l) => /prefilter vector file could not be opened/.test(String(l.msg)));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, file });
  }, 60_000);
});
