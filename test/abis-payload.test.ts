/**
 * Encrypted datashare payloads (api/abis/payload.ts, partner-keys.ts), with payloads made
 * independently of our decrypt code (test/fixtures/abis/mosip-encrypt.ts: openssl pkeyutl for
 * RSA-OAEP-SHA256/MGF1-SHA256, WebCrypto or python3 `cryptography` for AES-GCM, the layout from
 * ../shared/mosip/README.md §2): both layouts decrypt to the exact CBEFF, with the key from PEM
 * files or a PKCS#12 keystore (alias chosen), the key picked by thumbprint among rotated keys;
 * a payload for another partner, a tampered one, or one with no key configured → failure 11;
 * plain CBEFF still accepted; and end to end over HTTP, an encrypted insert is found by identify.
 * Skipped with a message without openssl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DedupEngine, generateTemplateKey, parseTemplateKey } from '../engine/index.ts';
import {
  PartnerKeyError, PartnerKeyring, PayloadError, openPayload, p12PartnerKey, partnerKeyringFromEnv, pemPartnerKey, startAbisServer, type AbisResponse,
} from '../api/abis/index.ts';
import { CLIENT, startFakeDatashare } from './fixtures/abis/datashare-server.ts';
import { personCbeff, syntheticPersons } from './fixtures/abis/records.ts';
import { makeP12, makePartner, mosipEncrypt, opensslAvailable, pythonCryptographyAvailable, type TestPartner } from './fixtures/abis/mosip-encrypt.ts';

const HAS_OPENSSL = opensslAvailable();
const HAS_PYTHON = HAS_OPENSSL && pythonCryptographyAvailable();
if (!HAS_OPENSSL) console.log('skipping the encrypted-payload tests: the openssl command line is missing');
else if (!HAS_PYTHON) console.log('skipping the python-made GCM payloads: python3 with the cryptography package is missing (WebCrypto-made ones still run)');

const persons = syntheticPersons(3, 4242);
const CBEFF = personCbeff(persons.record(0, 1));
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe.skipIf(!HAS_OPENSSL)('MOSIP encrypted datashare payloads', () => {
  let dir: string;
  let current: TestPartner;
  let previous: TestPartner;
  let stranger: TestPartner;
  let keyring: PartnerKeyring;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'biodedup-payload-'));
    current = makePartner(dir, 'abis-2026');
    previous = makePartner(dir, 'abis-2025');
    stranger = makePartner(dir, 'someone-else');
    keyring = partnerKeyringFromEnv({
      ABIS_PARTNER_KEY_FILE: `${current.keyFile},${previous.keyFile}`, ABIS_PARTNER_CERT_FILE: `${current.certFile},${previous.certFile}`,
    })!;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('files each key under its certificate thumbprint (SHA-256 of the DER, as openssl prints it)', () => {
    expect(keyring.keys.map((k) => k.thumbprint.toString('hex'))).toEqual([current.thumbprint.toString('hex'), previous.thumbprint.toString('hex')]);
  });

  for (const layout of ['VER_R2', 'old', 'old-bare'] as const) {
    it(`decrypts the ${layout} layout (GCM by WebCrypto) to the exact CBEFF, with the current or the rotated-out key`, async () => {
      expect(text(openPayload(Buffer.from(await mosipEncrypt(CBEFF, current, dir, { layout })), keyring))).toBe(CBEFF);
      expect(text(openPayload(Buffer.from(await mosipEncrypt(CBEFF, previous, dir, { layout })), keyring))).toBe(CBEFF);
    });
  }

  it.skipIf(!HAS_PYTHON)('decrypts both layouts with GCM made by python3 cryptography', async () => {
    for (const layout of ['VER_R2', 'old'] as const) {
      expect(text(openPayload(Buffer.from(await mosipEncrypt(CBEFF, current, dir, { layout, gcm: 'python' })), keyring))).toBe(CBEFF);
    }
  });

  it('reads the key from a PKCS#12 keystore by alias, and refuses a wrong password or alias with a typed error', async () => {
    const p12 = makeP12(dir, current, 'keystore-pass', 'cbeff');
    const fromP12 = new PartnerKeyring([p12PartnerKey(p12, 'keystore-pass', 'cbeff')]);
    expect(fromP12.keys[0].thumbprint.equals(current.thumbprint)).toBe(true);
    expect(text(openPayload(Buffer.from(await mosipEncrypt(CBEFF, current, dir)), fromP12))).toBe(CBEFF);
    expect(() => p12PartnerKey(p12, 'wrong', 'cbeff')).toThrow(PartnerKeyError);
    expect(() => p12PartnerKey(p12, 'keystore-pass', 'nope')).toThrow(/alias "nope"/);
    const viaEnv = partnerKeyringFromEnv({ ABIS_PARTNER_P12_FILE: p12, ABIS_PARTNER_P12_PASSWORD: 'keystore-pass', ABIS_PARTNER_P12_ALIAS: 'cbeff' })!;
    expect(viaEnv.keys).toHaveLength(1);
    expect(() => partnerKeyringFromEnv({ ABIS_PARTNER_KEY_FILE: current.keyFile, ABIS_PARTNER_CERT_FILE: previous.certFile })).toThrow(/no private key matches/);
    expect(partnerKeyringFromEnv({})).toBeUndefined();
  });

  it('refuses another partner\'s payload, a tampered one, and an encrypted one with no key configured (PayloadError)', async () => {
    const failure = (f: () => unknown): string => {
      try {
        f();
        return 'opened';
      } catch (e) {
        expect(e).toBeInstanceOf(PayloadError);
        return (e as PayloadError).failure;
      }
    };
    const foreign = Buffer.from(await mosipEncrypt(CBEFF, stranger, dir));
    expect(failure(() => openPayload(foreign, keyring))).toBe('unknown-thumbprint');
    const foreignBare = Buffer.from(await mosipEncrypt(CBEFF, stranger, dir, { layout: 'old-bare' }));
    expect(failure(() => openPayload(foreignBare, keyring))).toBe('key-decrypt');
    const good = Buffer.from(await mosipEncrypt(CBEFF, current, dir)).toString();
    const raw = Buffer.from(good, 'base64');
    raw[raw.length - 1] ^= 1; // the GCM tag
    expect(failure(() => openPayload(Buffer.from(raw.toString('base64url')), keyring))).toBe('data-decrypt');
    expect(failure(() => openPayload(Buffer.from(good), undefined))).toBe('no-key');
    // plain CBEFF, and non-payload text, pass through unchanged (intake judges them)
    expect(text(openPayload(Buffer.from(CBEFF), keyring))).toBe(CBEFF);
    expect(text(openPayload(Buffer.from('garbage'), keyring))).toBe('garbage');
  });

  it('over HTTP: an encrypted insert is stored and found, plain CBEFF still works, another partner\'s payload → 11', async () => {
    const ds = await startFakeDatashare();
    const engine = DedupEngine.open({ dataDir: path.join(dir, 'engine'), key: parseTemplateKey(generateTemplateKey()), threads: 1 });
    const server = await startAbisServer({
      engine, token: 'payload-test-token-0123456789', dataDir: path.join(dir, 'engine'), intakeThreads: 0, keyring,
      datashare: { auth: { url: ds.authUrl, ...CLIENT } },
    });
    try {
      const send = async (body: Record<string, unknown>): Promise<AbisResponse> => (await (await fetch(`http://127.0.0.1:${server.port}/abis`, {
        method: 'POST', headers: { authorization: 'Bearer payload-test-token-0123456789' }, body: JSON.stringify(body),
      })).json()) as AbisResponse;
      let n = 0;
      const insert = (referenceId: string, content: string): Record<string, unknown> => ({
        id: 'mosip.abis.insert', version: '1.1', requestId: `p-${++n}`, requesttime: new Date().toISOString(), referenceId, referenceURL: ds.share(`p${n}`, content),
      });
      expect((await send(insert('ENC-1', await mosipEncrypt(personCbeff(persons.record(1, 1)), current, dir)))).returnValue).toBe('1');
      expect((await send(insert('ENC-2', await mosipEncrypt(personCbeff(persons.record(1, 2)), previous, dir, { layout: 'old' })))).returnValue).toBe('1');
      expect((await send(insert('PLAIN-1', personCbeff(persons.record(2, 1))))).returnValue).toBe('1');
      expect((await send(insert('ENC-X', await mosipEncrypt(personCbeff(persons.record(2, 2)), stranger, dir)))).failureReason).toBe('11');
      const found = await send({ id: 'mosip.abis.identify', version: '1.1', requestId: 'p-identify', requesttime: new Date().toISOString(), referenceId: 'ENC-1' });
      expect(found.candidateList!.candidates.map((c) => c.referenceId)).toEqual(['ENC-2']);
    } finally {
      await server.close();
      await engine.close();
      await ds.close();
    }
  });
});
