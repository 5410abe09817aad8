/**
 * The AES-256 key that encrypts templates at rest. It comes from the environment or a key file
 * (ARCHITECTURE.md, "Privacy and security by design") and lives in a node:crypto KeyObject, so
 * the raw bytes are not left in a JS buffer that could be logged or serialised by accident.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StoreError } from './store-error.ts';

export const TEMPLATE_KEY_ENV = 'BIODEDUP_TEMPLATE_KEY';
export const TEMPLATE_KEY_FILE_ENV = 'BIODEDUP_TEMPLATE_KEY_FILE';

const KEY_BYTES = 32;
/** AES-GCM nonce length of `seal` (bytes): files that store a nonce beside the sealed data read this many. */
export const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
/** Standard base64 of exactly 32 bytes: 43 characters and one '=' of padding (optional). */
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;

export class TemplateKey {
  readonly #key: KeyObject;

  private constructor(key: KeyObject) {
    this.#key = key;
  }

  /**
   * AES-256-GCM with a fresh random 96-bit nonce per call. Random nonces are safe here: the
   * collision bound (2^-32 after ~2^32 encryptions under one key) is far beyond a national
   * gallery's lifetime of inserts. The 16-byte tag is appended to the ciphertext.
   */
  seal(plaintext: Uint8Array, aad: Uint8Array): { nonce: Uint8Array; sealed: Uint8Array } {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { nonce, sealed };
  }

  /** Inverse of seal; throws (node:crypto's error) when the tag does not authenticate. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) throw new Error('nonce or sealed data has the wrong length');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    decipher.final(); // authenticates (throws on a bad tag); GCM is a stream mode, so it adds no bytes
    return body;
  }

  static fromBytes(bytes: Uint8Array): TemplateKey {
    if (bytes.length !== KEY_BYTES) throw new StoreError('ERR_STORE_KEY', `template key must be ${KEY_BYTES} bytes, got ${bytes.length}`);
    return new TemplateKey(createSecretKey(bytes));
  }

  /** Never prints key material (console.log, util.inspect, JSON). */
  toString(): string {
    return 'TemplateKey(redacted)';
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Parses a key written as 64 hex characters or as base64 of 32 bytes (surrounding whitespace
 * ignored). Errors say what shape was expected, never what was given.
 */
export function parseTemplateKey(text: string, source = 'template key'): TemplateKey {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return TemplateKey.fromBytes(Buffer.from(trimmed, 'hex'));
  if (BASE64_KEY.test(trimmed)) return TemplateKey.fromBytes(Buffer.from(trimmed, 'base64'));
  throw new StoreError('ERR_STORE_KEY', `${source} must be 64 hex characters or base64 of 32 bytes (${trimmed.length} characters given)`);
}

/**
 * The key configured for this process: `BIODEDUP_TEMPLATE_KEY` (the key itself) or
 * `BIODEDUP_TEMPLATE_KEY_FILE` (a file holding it, same text form). Exactly one must be set;
 * none is ERR_STORE_NO_KEY, so a server refuses to start rather than store plaintext.
 */
export function loadTemplateKey(env: Readonly<Record<string, string | undefined>> = process.env): TemplateKey {
  const inline = env[TEMPLATE_KEY_ENV];
  const file = env[TEMPLATE_KEY_FILE_ENV];
  if (inline && file) {
    throw new StoreError('ERR_STORE_KEY', `set ${TEMPLATE_KEY_ENV} or ${TEMPLATE_KEY_FILE_ENV}, not both`);
  }
  if (inline) return parseTemplateKey(inline, TEMPLATE_KEY_ENV);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new StoreError('ERR_STORE_KEY', `cannot read the key file named by ${TEMPLATE_KEY_FILE_ENV} (${file}): ${reason}`, { cause: error });
    }
    return parseTemplateKey(text, `key file ${file}`);
  }
  throw new StoreError(
    'ERR_STORE_NO_KEY',
    `no template key: set ${TEMPLATE_KEY_ENV} (64 hex characters or base64 of 32 bytes) or ${TEMPLATE_KEY_FILE_ENV} (a file holding one); ` +
      'templates are never stored unencrypted',
  );
}

/** A fresh random key as 64 hex characters, for development and tests (put it in the env or a key file). */
export function generateTemplateKey(): string {
  return randomBytes(KEY_BYTES).toString('hex');
}
