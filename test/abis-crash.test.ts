/**
 * The ABIS door killed with SIGKILL mid-stream (api/abis/main.ts in a child process): after a
 * restart on the same data directory, every request retried with its requestId is answered
 * "1", the ones answered before the crash get the same answer from the log, and every
 * subject is stored exactly once (no "10: referenceId already exists" for a retried insert).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateTemplateKey } from '../engine/index.ts';
import type { AbisResponse } from '../api/abis/index.ts';
import { CLIENT, startFakeDatashare, type FakeDatashare } from './fixtures/abis/datashare-server.ts';
import { personCbeff, syntheticPersons } from './fixtures/abis/records.ts';

const TOKEN = 'crash-test-token-0123456789';
const KEY = generateTemplateKey();
const ROOT = path.resolve(import.meta.dirname, '..');

function startService(dir: string, ds: FakeDatashare): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/abis/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, DATA_DIR: dir, ABIS_PORT: '0', ABIS_TOKEN: TOKEN, BIODEDUP_TEMPLATE_KEY: KEY, BIODEDUP_POOL_SIZE: '1',
      ABIS_DATASHARE_AUTH_URL: ds.authUrl, ABIS_DATASHARE_APP_ID: CLIENT.appId, ABIS_DATASHARE_CLIENT_ID: CLIENT.clientId, ABIS_DATASHARE_SECRET_KEY: CLIENT.secretKey,
    },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`service exited (${code}) before listening: ${err.slice(0, 500)}`)));
  });
}

async function call(port: number, body: unknown): Promise<AbisResponse> {
  const res = await fetch(`http://127.0.0.1:${port}/abis`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  return (await res.json()) as AbisResponse;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('ABIS service crash', () => {
  it('answers every request once after a SIGKILL mid-stream and a restart', async () => {
    const ds = await startFakeDatashare();
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-abis-crash-'));
    cleanup.push(async () => {
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const persons = syntheticPersons(5, 77);
    const requests = Array.from({ length: 10 }, (_, i) => ({
      id: 'mosip.abis.insert', version: '1.1', requestId: `crash-${i}`, requesttime: new Date().toISOString(), referenceId: `K-${i}`,
      // staggered shares: the kill lands with some jobs answered, some running, some queued
      referenceURL: ds.share(`k${i}`, { delayMs: 50 + 60 * i, content: personCbeff(persons.record(i % 5, 1 + Math.floor(i / 5))) }),
    }));

    const first = await startService(dir, ds);
    cleanup.push(() => void first.child.kill('SIGKILL'));
    const answers: (AbisResponse | undefined)[] = requests.map(() => undefined);
    const sent = requests.map((r, i) => call(first.port, r).then((a) => (answers[i] = a), () => undefined));
    const deadline = Date.now() + 20_000;
    while (answers.filter(Boolean).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await Promise.all(sent);
    const answeredBeforeCrash = answers.filter(Boolean).length;
    expect(answeredBeforeCrash).toBeGreaterThanOrEqual(3);
    expect(answeredBeforeCrash).toBeLessThan(10);

    const second = await startService(dir, ds);
    cleanup.push(() => void second.child.kill('SIGKILL'));
    const retried = await Promise.all(requests.map((r) => call(second.port, r)));
    retried.forEach((r, i) => {
      expect(r.returnValue).toBe('1');
      if (answers[i] !== undefined) expect(r).toEqual(answers[i]);
    });
    const count = await call(second.port, { id: 'mosip.abis.referenceCount', version: '1.1', requestId: 'count-1', requesttime: new Date().toISOString() });
    expect(count.count).toBe('10');
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    console.log(`crash test: ${answeredBeforeCrash} of 10 inserts answered before SIGKILL; all 10 answered "1" after restart`);
  });
});
