/**
 * The ABIS partner's private keys (the certificate uploaded to MOSIP's Partner Management is
 * what the datashare encrypts for), from a PKCS#12 keystore as MOSIP's mock ABIS keeps it or
 * from PEM files; several, for rotation. Each key is filed under its certificate's SHA-256
 * thumbprint, which every encrypted payload names.
 *
 * PKCS#12 is read with the `openssl` command line, once at start-up: Node has no PKCS#12 parser,
 * and OpenSSL's is the reference implementation (PBES2/AES keystores from current keytool, and
 * the RC2/3DES ones of older Java with `-legacy`) — no new dependency to audit, and no
 * hand-written ASN.1. The password goes through the child's environment (`-passin env:`), never
 * its argument list; the key comes back on a pipe, never on disk.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PartnerKeyring, type PartnerKey } from './payload.ts';

export class PartnerKeyError extends Error {
  readonly code = 'ERR_ABIS_PARTNER_KEY';
  constructor(message: string) {
    super(message);
    this.name = 'PartnerKeyError';
  }
}

const PEM_BLOCK = /(?:Bag Attributes\n((?:[ \t].*\n)*))?(?:subject=.*\n)?(?:issuer=.*\n)?(?:Key Attributes.*\n(?:[ \t].*\n)*)?(-----BEGIN ([A-Z ]+)-----\n[\s\S]*?-----END \3-----)/g;

function keyFor(certificate: X509Certificate, keys: readonly KeyObject[], source: string): PartnerKey {
  const privateKey = keys.find((k) => certificate.checkPrivateKey(k));
  if (privateKey === undefined) throw new PartnerKeyError(`${source}: no private key matches the certificate ${certificate.subject.replace(/\n/g, ', ')}`);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new PartnerKeyError(`${source}: the partner key must be RSA (MOSIP encrypts the payload key with RSA-OAEP)`);
  return { thumbprint: createHash('sha256').update(certificate.raw).digest(), privateKey, source };
}

/** One key + certificate pair from PEM files. */
export function pemPartnerKey(keyFile: string, certFile: string): PartnerKey {
  let key: KeyObject;
  let cert: X509Certificate;
  try {
    key = createPrivateKey(readFileSync(keyFile));
  } catch (e) {
    throw new PartnerKeyError(`${keyFile}: not a readable PEM private key (${(e as Error).message.slice(0, 80)})`);
  }
  try {
    cert = new X509Certificate(readFileSync(certFile));
  } catch (e) {
    throw new PartnerKeyError(`${certFile}: not a readable PEM certificate (${(e as Error).message.slice(0, 80)})`);
  }
  return keyFor(cert, [key], `${keyFile} + ${certFile}`);
}

function runOpenssl(file: string, password: string, legacy: boolean): string {
  const args = ['pkcs12', '-in', file, '-nodes', '-passin', 'env:BIODEDUP_P12_PASSWORD', ...(legacy ? ['-legacy'] : [])];
  return execFileSync('openssl', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', BIODEDUP_P12_PASSWORD: password }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

/** The key of a PKCS#12 keystore: the entry named `alias` (its friendlyName), or its only key entry. */
export function p12PartnerKey(file: string, password: string, alias?: string): PartnerKey {
  let pem: string;
  try {
    try {
      pem = runOpenssl(file, password, false);
    } catch {
      pem = runOpenssl(file, password, true); // RC2/3DES keystores of older Java tools
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new PartnerKeyError('reading a PKCS#12 keystore needs the openssl command line (or give ABIS_PARTNER_KEY_FILE + ABIS_PARTNER_CERT_FILE in PEM)');
    throw new PartnerKeyError(`${file}: openssl could not read the keystore (wrong password or not PKCS#12): ${String(err.stderr ?? '').split('\n')[0].slice(0, 120)}`);
  }
  const keys: { key: KeyObject; name?: string }[] = [];
  const certs: { cert: X509Certificate; name?: string }[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    const name = /friendlyName:\s*(.*)/.exec(m[1] ?? '')?.[1]?.trim();
    if (m[3] === 'CERTIFICATE') certs.push({ cert: new X509Certificate(m[2]), name });
    else if (m[3].endsWith('PRIVATE KEY')) keys.push({ key: createPrivateKey(m[2]), name });
  }
  const chosen = alias === undefined ? keys : keys.filter((k) => k.name === alias);
  if (chosen.length === 0) throw new PartnerKeyError(`${file}: no private key${alias === undefined ? '' : ` with alias "${alias}"`} in the keystore`);
  if (chosen.length > 1) throw new PartnerKeyError(`${file}: ${chosen.length} private keys; name one with ABIS_PARTNER_P12_ALIAS`);
  const leaf = certs.find((c) => c.cert.checkPrivateKey(chosen[0].key));
  if (leaf === undefined) throw new PartnerKeyError(`${file}: no certificate for the private key`);
  return keyFor(leaf.cert, [chosen[0].key], file);
}

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The keyring the environment names, or undefined (plain CBEFF only):
 * ABIS_PARTNER_P12_FILE (comma-separated for rotation; one ABIS_PARTNER_P12_PASSWORD, optional
 * ABIS_PARTNER_P12_ALIAS) and/or ABIS_PARTNER_KEY_FILE + ABIS_PARTNER_CERT_FILE (comma-separated
 * lists, paired by position).
 */
export function partnerKeyringFromEnv(env: NodeJS.ProcessEnv): PartnerKeyring | undefined {
  const keys: PartnerKey[] = [];
  const p12 = list(env.ABIS_PARTNER_P12_FILE);
  if (p12.length > 0) {
    const password = env.ABIS_PARTNER_P12_PASSWORD;
    if (password === undefined) throw new PartnerKeyError('ABIS_PARTNER_P12_PASSWORD must be set with ABIS_PARTNER_P12_FILE');
    for (const file of p12) keys.push(p12PartnerKey(file, password, env.ABIS_PARTNER_P12_ALIAS || undefined));
  }
  const keyFiles = list(env.ABIS_PARTNER_KEY_FILE);
  const certFiles = list(env.ABIS_PARTNER_CERT_FILE);
  if (keyFiles.length !== certFiles.length) throw new PartnerKeyError('ABIS_PARTNER_KEY_FILE and ABIS_PARTNER_CERT_FILE must list as many files each (pairs by position)');
  keyFiles.forEach((k, i) => keys.push(pemPartnerKey(k, certFiles[i])));
  return keys.length === 0 ? undefined : new PartnerKeyring(keys);
}
