/**
 * The MOSIP compliance toolkit's 32 ABIS cases (test/fixtures/abis/ctk-cases.ts), one test each,
 * over HTTP `POST /abis` against a fresh engine, a fake datashare with MOSIP's token flow, and a
 * partner key (an RSA certificate made with openssl) so that an encrypted payload meant for
 * another partner (ABIS3017) is a decryption failure. The same cases run over the ActiveMQ queue
 * pair in test/abis-stomp.test.ts. Skipped with a message when openssl is missing (the partner
 * certificates come from it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import { PartnerKeyring, pemPartnerKey, startAbisServer, type AbisResponse, type AbisServer } from '../api/abis/index.ts';
import { CLIENT, startFakeDatashare, type FakeDatashare } from './fixtures/abis/datashare-server.ts';
import { CTK_CASES, type CtkContext } from './fixtures/abis/ctk-cases.ts';
import { makePartner, mosipEncrypt, opensslAvailable } from './fixtures/abis/mosip-encrypt.ts';

const KEY = parseTemplateKey(generateTemplateKey());
const TOKEN = 'ctk-test-token-0123456789';
const HAS_OPENSSL = opensslAvailable();
if (!HAS_OPENSSL) console.log('skipping the CTK cases over HTTP: the openssl command line is missing (it makes the partner certificates)');

describe.skipIf(!HAS_OPENSSL)('MOSIP CTK ABIS cases over HTTP', () => {
  let dir: string;
  let ds: FakeDatashare;
  let engine: DedupEngine;
  let server: AbisServer;
  let context: CtkContext;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'biodedup-ctk-'));
    ds = await startFakeDatashare();
    const ours = makePartner(dir, 'abis-partner');
    const other = makePartner(dir, 'other-partner');
    engine = DedupEngine.open({ dataDir: dir, key: KEY, threads: 1 });
    server = await startAbisServer({
      engine, token: TOKEN, dataDir: dir, intakeThreads: 0,
      datashare: { auth: { url: ds.authUrl, ...CLIENT }, timeoutMs: 3000, allowedOrigins: [ds.base] },
      keyring: new PartnerKeyring([pemPartnerKey(ours.keyFile, ours.certFile)]),
    });
    const url = `http://127.0.0.1:${server.port}/abis`;
    context = {
      ds, prefix: 'H-',
      encryptedForOtherPartner: (cbeff) => mosipEncrypt(cbeff, other, dir),
      async send(body) {
        const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
        expect(res.status).toBe(200);
        return (await res.json()) as AbisResponse;
      },
    };
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await engine?.close();
    await ds?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CTK_CASES) {
    it(`${c.id}${c.inactive ? ' (inactive in the CTK)' : ''}: ${c.title}`, () => c.run(context), 30_000);
  }

  it('covers all 32 CTK cases, the two inactive ones included', () => {
    expect(CTK_CASES.map((c) => c.id)).toEqual(Array.from({ length: 32 }, (_, i) => `ABIS${3000 + i}`));
    expect(CTK_CASES.filter((c) => c.inactive).map((c) => c.id)).toEqual(['ABIS3004', 'ABIS3021', 'ABIS3031']);
  });
});
