/**
 * Opens what the datashare serves: plain CBEFF XML as it is, or MOSIP's encrypted payload
 * (../shared/mosip/README.md §2–3, the keymanager's layouts) decrypted with the ABIS partner's
 * private key. Pipeline: detect (XML or base64 text) → decode base64 (both alphabets, padding
 * optional) → split at the first "#KEY_SPLITTER#" → key part: VER_R2 header + SHA-256 certificate
 * thumbprint + RSA-OAEP(SHA-256, MGF1-SHA-256) encrypted AES key, or the older layout (thumbprint +
 * encrypted key, or a bare encrypted key) → data part: VER_R2 = 32-byte AAD (nonce = its first 12
 * bytes) + AES-GCM ciphertext + tag; older = ciphertext + tag + 16-byte IV, no AAD.
 * Any failure (no key for the thumbprint, RSA or GCM failure) is a PayloadError: MOSIP reason 11,
 * as the CTK expects for a payload encrypted for another partner (ABIS3017).
 */
import { createDecipheriv, privateDecrypt, constants, type KeyObject } from 'node:crypto';

export const KEY_SPLITTER = '#KEY_SPLITTER#';
const VERSION_R2 = Buffer.from('VER_R2', 'ascii');
const THUMBPRINT_BYTES = 32;
const AAD_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const OLD_IV_BYTES = 16;
/** The mock ABIS's rule: a key part this short is a bare encrypted key (no thumbprint). */
const BARE_KEY_PART_MAX = 256;

export type PayloadFailure = 'no-key' | 'unknown-thumbprint' | 'key-decrypt' | 'data-decrypt' | 'format';

export class PayloadError extends Error {
  readonly failure: PayloadFailure;
  readonly code: string;
  constructor(failure: PayloadFailure, message: string) {
    super(message);
    this.name = 'PayloadError';
    this.failure = failure;
    this.code = `ERR_PAYLOAD_${failure.toUpperCase().replace('-', '_')}`;
  }
}

export interface PartnerKey {
  /** SHA-256 of the certificate's DER encoding (what the keymanager prepends). */
  readonly thumbprint: Buffer;
  readonly privateKey: KeyObject;
  /** Where it came from, for start-up messages (never the key). */
  readonly source: string;
}

/** The partner's keys, old ones kept for payloads encrypted before a rotation. */
export class PartnerKeyring {
  readonly keys: readonly PartnerKey[];
  constructor(keys: readonly PartnerKey[]) {
    if (keys.length === 0) throw new Error('a partner keyring needs at least one key');
    this.keys = keys;
  }
  byThumbprint(thumbprint: Uint8Array): PartnerKey | undefined {
    return this.keys.find((k) => k.thumbprint.equals(thumbprint));
  }
}

const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Plain XML? The first non-blank byte (after a UTF-8 BOM) is "<". */
function isXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c;
}

/**
 * The CBEFF bytes inside a datashare body. Plain XML and anything that is not a MOSIP encrypted
 * payload come back unchanged (intake then judges the CBEFF); an encrypted one is decrypted.
 */
export function openPayload(body: Uint8Array, keyring: PartnerKeyring | undefined): Uint8Array {
  if (isXml(body)) return body;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1').trim();
  if (!BASE64_TEXT.test(text)) return body;
  const raw = Buffer.from(text, 'base64');
  const split = raw.indexOf(KEY_SPLITTER, 0, 'latin1');
  if (split < 0) return body; // base64, but not the keymanager's envelope
  if (keyring === undefined) throw new PayloadError('no-key', 'the payload is encrypted and no partner key is configured (ABIS_PARTNER_P12_FILE or ABIS_PARTNER_KEY_FILE)');
  const keyPart = raw.subarray(0, split);
  const dataPart = raw.subarray(split + KEY_SPLITTER.length);
  const versioned = keyPart.length > VERSION_R2.length && keyPart.subarray(0, VERSION_R2.length).equals(VERSION_R2);
  const aesKey = versioned ? unwrapKey(keyPart.subarray(VERSION_R2.length), keyring, true) : unwrapKey(keyPart, keyring, false);
  return versioned ? decryptR2(dataPart, aesKey) : decryptOld(dataPart, aesKey);
}

function unwrapKey(part: Buffer, keyring: PartnerKeyring, versioned: boolean): Buffer {
  const candidates: { key: PartnerKey; encrypted: Buffer }[] = [];
  if (!versioned && part.length <= BARE_KEY_PART_MAX) {
    for (const key of keyring.keys) candidates.push({ key, encrypted: part });
  } else {
    if (part.length <= THUMBPRINT_BYTES) throw new PayloadError('format', 'the key part is too short to hold a certificate thumbprint and a key');
    const key = keyring.byThumbprint(part.subarray(0, THUMBPRINT_BYTES));
    if (key === undefined) throw new PayloadError('unknown-thumbprint', 'the payload was encrypted for a certificate this ABIS holds no key for');
    candidates.push({ key, encrypted: part.subarray(THUMBPRINT_BYTES) });
  }
  for (const { key, encrypted } of candidates) {
    try {
      const aesKey = privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, encrypted);
      if (aesKey.length === 16 || aesKey.length === 24 || aesKey.length === 32) return aesKey;
    } catch {
      // wrong key or damaged: the next candidate, else the error below
    }
  }
  throw new PayloadError('key-decrypt', 'the payload key could not be decrypted with the partner key');
}

function gcmOpen(aesKey: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad?: Buffer): Buffer {
  try {
    const decipher = createDecipheriv(`aes-${aesKey.length * 8}-gcm` as 'aes-256-gcm', aesKey, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new PayloadError('data-decrypt', 'the payload data failed AES-GCM authentication');
  }
}

function decryptR2(data: Buffer, aesKey: Buffer): Buffer {
  if (data.length < AAD_BYTES + TAG_BYTES) throw new PayloadError('format', 'the data part is shorter than its AAD and tag');
  const aad = data.subarray(0, AAD_BYTES);
  const body = data.subarray(AAD_BYTES);
  return gcmOpen(aesKey, aad.subarray(0, NONCE_BYTES), body.subarray(0, body.length - TAG_BYTES), body.subarray(body.length - TAG_BYTES), aad);
}

function decryptOld(data: Buffer, aesKey: Buffer): Buffer {
  if (data.length < OLD_IV_BYTES + TAG_BYTES) throw new PayloadError('format', 'the data part is shorter than its tag and IV');
  const iv = data.subarray(data.length - OLD_IV_BYTES);
  const body = data.subarray(0, data.length - OLD_IV_BYTES);
  return gcmOpen(aesKey, iv, body.subarray(0, body.length - TAG_BYTES), body.subarray(body.length - TAG_BYTES));
}
