/**
 * Datashare SSRF (issue 12, item 4; api/abis/datashare-guard.ts): the ABIS fetches only from
 * origins on ABIS_DATASHARE_ALLOWED_ORIGINS (plus the auth manager's), sends the MOSIP auth
 * cookie nowhere else, and refuses loopback, private and link-local addresses reached through a
 * name unless a network allow-list holds them — checked on every resolved address and on the
 * address actually connected. A referenceURL the list does not name is answered 7 and the host
 * behind it sees no request. Configuration errors name the variable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { DatashareClient, DatashareError, DatashareGuard, abisConfigFromEnv, startAbisServer, type AbisResponse } from '../api/abis/index.ts';
import { CLIENT, startFakeDatashare } from './fixtures/abis/datashare-server.ts';
import { personCbeff, syntheticPersons } from './fixtures/abis/records.ts';

const servers: http.Server[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback server that records every request it gets (and the cookie it carried). */
async function recorder(body = '<BIR/>'): Promise<{ port: number; seen: { url: string; cookie?: string }[] }> {
  const seen: { url: string; cookie?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', cookie: req.headers.cookie });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

async function kind(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'fetched';
  } catch (e) {
    expect(e).toBeInstanceOf(DatashareError);
    return (e as DatashareError).kind;
  }
}

describe('datashare allow-list', () => {
  it('fetches only from listed origins; an unlisted host sees no request and no cookie', async () => {
    const ds = await startFakeDatashare();
    cleanup.push(() => ds.close());
    const outsider = await recorder();
    const client = new DatashareClient({ auth: { url: ds.authUrl, ...CLIENT } }); // no list: the auth origin only
    const url = ds.share('ok', '<BIR/>');
    expect(Buffer.from(await client.fetchRecord(url)).toString()).toBe('<BIR/>');
    expect(await kind(client.fetchRecord(`http://127.0.0.1:${outsider.port}/v1/datashare/get/x`))).toBe('forbidden');
    expect(await kind(client.fetchRecord('http://169.254.169.254/latest/meta-data/iam/security-credentials/'))).toBe('forbidden');
    expect(await kind(client.fetchRecord(url.replace('http:', 'ftp:')))).toBe('unreachable');
    expect(outsider.seen).toEqual([]);

    // listed: fetched, with the cookie (an origin the operator named)
    const listed = new DatashareClient({ auth: { url: ds.authUrl, ...CLIENT }, allowedOrigins: [`http://127.0.0.1:${outsider.port}`] });
    await listed.fetchRecord(`http://127.0.0.1:${outsider.port}/v1/datashare/get/y`);
    expect(outsider.seen).toHaveLength(1);
    expect(outsider.seen[0].cookie).toMatch(/^Authorization=jwt-/);
  });

  it('refuses loopback reached through a name unless a network allow-list holds it (every resolved and the connected address)', async () => {
    const target = await recorder();
    const viaName = `http://localhost:${target.port}/v1/datashare/get/z`;
    const plain = new DatashareClient({ allowedOrigins: [`http://localhost:${target.port}`] });
    expect(await kind(plain.fetchRecord(viaName))).toBe('forbidden');
    expect(target.seen).toEqual([]);
    const withNetwork = new DatashareClient({ allowedOrigins: [`http://localhost:${target.port}`], allowedNetworks: ['127.0.0.0/8', '::1/128'] });
    expect(await kind(withNetwork.fetchRecord(viaName))).toBe('fetched');
    expect(target.seen).toHaveLength(1);
  });

  it('classifies addresses: special ranges refused unless named literally or allowed by network', () => {
    const guard = new DatashareGuard(['http://datashare.example:80', 'http://10.1.2.3:8097'], ['192.168.10.0/24']);
    const named = new URL('http://datashare.example/x');
    for (const a of ['127.0.0.1', '10.0.0.5', '172.16.4.4', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1']) {
      expect(guard.addressAllowed(named, a), a).toBe(false);
    }
    for (const a of ['93.184.216.34', '2606:2800:220:1::1', '192.168.10.7']) expect(guard.addressAllowed(named, a), a).toBe(true);
    expect(guard.addressAllowed(new URL('http://10.1.2.3:8097/x'), '10.1.2.3')).toBe(true);
    expect(guard.addressAllowed(new URL('http://10.1.2.3:8097/x'), '10.1.2.4')).toBe(false);
    expect(() => guard.checkUrl(new URL('http://datashare.example:8080/x'))).toThrow(/not in ABIS_DATASHARE_ALLOWED_ORIGINS/);
    expect(() => guard.checkUrl(new URL('https://datashare.example/x'))).toThrow(/not in ABIS_DATASHARE_ALLOWED_ORIGINS/);
    expect(() => guard.checkUrl(new URL('HTTP://DataShare.Example/x'))).not.toThrow();
  });

  it('answers an insert from an unlisted origin with 7, the host behind it untouched', async () => {
    const ds = await startFakeDatashare();
    const outsider = await recorder(personCbeff(syntheticPersons(1, 5).record(0, 1)));
    const dir = mkdtempSync(path.join(tmpdir(), 'biodedup-ssrf-'));
    const engine = DedupEngine.open({ dataDir: dir, key: parseTemplateKey(generateTemplateKey()), threads: 1 });
    const server = await startAbisServer({ engine, token: 'ssrf-test-token-0123456789', dataDir: dir, intakeThreads: 0, datashare: { auth: { url: ds.authUrl, ...CLIENT } } });
    cleanup.push(async () => {
      await server.close();
      await engine.close();
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const res = await fetch(`http://127.0.0.1:${server.port}/abis`, {
      method: 'POST', headers: { authorization: 'Bearer ssrf-test-token-0123456789' },
      body: JSON.stringify({ id: 'mosip.abis.insert', version: '1.1', requestId: 'ssrf-1', requesttime: new Date().toISOString(), referenceId: 'S-1', referenceURL: `http://127.0.0.1:${outsider.port}/steal` }),
    });
    expect(((await res.json()) as AbisResponse).failureReason).toBe('7');
    expect(outsider.seen).toEqual([]);
  });

  it('names the variable when the allow-lists are malformed', () => {
    const env = { DATA_DIR: '/tmp/x', ABIS_TOKEN: 'x'.repeat(20) };
    expect(() => abisConfigFromEnv({ ...env, ABIS_DATASHARE_ALLOWED_ORIGINS: 'http://ok:1,https://x/with/path' })).toThrow(/^ABIS_DATASHARE_ALLOWED_ORIGINS: .*no path/);
    expect(() => abisConfigFromEnv({ ...env, ABIS_DATASHARE_ALLOWED_NETWORKS: '10.0.0.0/40' })).toThrow(/^ABIS_DATASHARE_ALLOWED_NETWORKS/);
    expect(abisConfigFromEnv({ ...env, ABIS_DATASHARE_ALLOWED_ORIGINS: 'https://datashare.example, http://10.0.0.5:8097' }).datashare.allowedOrigins)
      .toEqual(['https://datashare.example', 'http://10.0.0.5:8097']);
  });
});
