/**
 * Fetches a biometric record from MOSIP's datashare (the insert's referenceURL), over http or
 * https with Node's own clients, bounded in size and time.
 *
 * Authentication as MOSIP documents it: a JWT obtained once from the auth manager
 * (`POST …/v1/authmanager/authenticate/clientidsecretkey` with appId, clientId, secretKey),
 * returned in a `Set-Cookie: Authorization=…` header and sent back as a cookie. The token is
 * kept and renewed only when a fetch is refused (HTTP 401/403, or MOSIP's HTTP 200 body with
 * KER-ATH-401/403), then the fetch is retried once.
 *
 * Only origins on the allow-list are fetched from, the cookie travels only to them, and
 * non-public addresses are refused unless allowed (datashare-guard.ts).
 *
 * MOSIP answers functional failures with HTTP 200 and a JSON error body: DAT-SER-006 (share not
 * found / usage expired) is the expired share (failure reason 17); the others are fetch failures (7).
 */
import http from 'node:http';
import https from 'node:https';
import { ABIS_PARAMS } from './params.ts';
import { DatashareGuard, OriginNotAllowedError, originOf } from './datashare-guard.ts';

export interface DatashareAuth {
  /** The auth manager's clientidsecretkey endpoint. */
  readonly url: string;
  readonly appId: string;
  readonly clientId: string;
  readonly secretKey: string;
}

export interface DatashareOptions {
  readonly auth?: DatashareAuth;
  /** Cookie carrying the token (MOSIP: Authorization). */
  readonly cookieName?: string;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** Extra CA certificates etc. for https datashares. */
  readonly tls?: https.AgentOptions;
  /** Origins (`scheme://host:port`) records may be fetched from; the auth URL's origin is added. None: only that one. */
  readonly allowedOrigins?: readonly string[];
  /** Non-public networks (`10.0.0.0/8`, …) an allowed origin may resolve to. */
  readonly allowedNetworks?: readonly string[];
}

export type DatashareFailure = 'unreachable' | 'refused' | 'expired' | 'too-large' | 'not-found' | 'forbidden';

export class DatashareError extends Error {
  readonly kind: DatashareFailure;
  readonly code: string;
  constructor(kind: DatashareFailure, message: string) {
    super(message);
    this.name = 'DatashareError';
    this.kind = kind;
    this.code = `ERR_DATASHARE_${kind.toUpperCase().replace('-', '_')}`;
  }
}

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

function request(parsed: URL, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; maxBytes: number; timeoutMs: number; agent?: https.Agent; guard: DatashareGuard }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const client = parsed.protocol === 'https:' ? https : http;
    const req = client.request(parsed, {
      method: init.method, headers: init.headers, agent: parsed.protocol === 'https:' ? init.agent : undefined, lookup: init.guard.lookupFor(parsed),
    });
    // The address actually connected, checked again (a literal IP skips the lookup above).
    req.on('socket', (socket) => {
      const check = (): void => {
        const address = socket.remoteAddress;
        if (address === undefined || !init.guard.addressAllowed(parsed, address)) {
          req.destroy(new DatashareError('forbidden', `connected to ${address ?? 'an unknown address'}, a non-public address not allowed`));
        }
      };
      // a kept-alive socket is connected already (and was checked when it connected)
      if (socket.connecting) socket.once('connect', check);
      else check();
    });
    // One deadline for the whole exchange: a server trickling bytes cannot hold a job forever.
    const timer = setTimeout(() => req.destroy(new DatashareError('unreachable', `no complete answer within ${init.timeoutMs} ms`)), init.timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      if (e instanceof OriginNotAllowedError) reject(new DatashareError('forbidden', e.message));
      else reject(e instanceof DatashareError ? e : new DatashareError('unreachable', `request failed: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    });
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (declared > init.maxBytes) {
        req.destroy(new DatashareError('too-large', `record of ${declared} bytes exceeds the ${init.maxBytes}-byte limit`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > init.maxBytes) req.destroy(new DatashareError('too-large', `record exceeds the ${init.maxBytes}-byte limit`));
        else chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', () => undefined); // reported through req's error
    });
    req.end(init.body);
  });
}

/** MOSIP error codes in a JSON body (`{ errors: [{ errorCode, message }] }`), if the body is one. */
function mosipErrors(body: Buffer): string[] | undefined {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x7b) return undefined; // not "{": a record, not an error envelope
  try {
    const json = JSON.parse(body.toString('utf8')) as { errors?: { errorCode?: unknown }[] | null };
    if (!Array.isArray(json.errors) || json.errors.length === 0) return undefined;
    return json.errors.map((e) => String(e?.errorCode ?? ''));
  } catch {
    return undefined;
  }
}

const AUTH_REFUSED = new Set(['KER-ATH-401', 'KER-ATH-403']);

export class DatashareClient {
  readonly #options: DatashareOptions;
  readonly #agent: https.Agent | undefined;
  #token: string | undefined;
  #tokenPromise: Promise<string> | undefined;
  /** Times a token was obtained (tests and metrics: it must not grow with every insert). */
  authentications = 0;

  readonly #guard: DatashareGuard;

  constructor(options: DatashareOptions = {}) {
    this.#options = options;
    this.#agent = options.tls === undefined ? undefined : new https.Agent(options.tls);
    const authOrigin = options.auth === undefined ? undefined : originOf(new URL(options.auth.url));
    this.#guard = new DatashareGuard([...(options.allowedOrigins ?? []), ...(authOrigin === undefined ? [] : [authOrigin])], options.allowedNetworks);
  }

  /** The origins records may come from (configuration echo at start-up). */
  get allowedOrigins(): readonly string[] {
    return this.#guard.origins;
  }

  /** The URL, parsed and checked against the allow-list; DatashareError otherwise. */
  #checked(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DatashareError('unreachable', 'referenceURL is not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new DatashareError('unreachable', `unsupported URL scheme ${parsed.protocol}`);
    try {
      this.#guard.checkUrl(parsed);
    } catch (e) {
      throw new DatashareError('forbidden', (e as Error).message);
    }
    return parsed;
  }

  get #limits(): { maxBytes: number; timeoutMs: number } {
    return { maxBytes: this.#options.maxBytes ?? ABIS_PARAMS.maxRecordBytes, timeoutMs: this.#options.timeoutMs ?? ABIS_PARAMS.fetchTimeoutMs };
  }

  /** The record's bytes. Throws DatashareError. */
  async fetchRecord(url: string): Promise<Uint8Array> {
    const first = await this.#get(url, false);
    if (first !== 'refused') return first;
    if (this.#options.auth === undefined) throw new DatashareError('refused', 'the datashare refused the request and no auth endpoint is configured');
    const second = await this.#get(url, true);
    if (second === 'refused') throw new DatashareError('refused', 'the datashare refused a freshly obtained token');
    return second;
  }

  async #get(url: string, renew: boolean): Promise<Uint8Array | 'refused'> {
    const parsed = this.#checked(url);
    const headers: Record<string, string> = { accept: '*/*' };
    if (this.#options.auth !== undefined && this.#guard.mayCarryCookie(parsed)) headers.cookie = `${this.#cookieName}=${await this.#tokenFor(renew)}`;
    const res = await request(parsed, { method: 'GET', headers, ...this.#limits, agent: this.#agent, guard: this.#guard });
    if (res.status === 401 || res.status === 403) return 'refused';
    if (res.status === 404 || res.status === 410) throw new DatashareError(res.status === 410 ? 'expired' : 'not-found', `datashare answered HTTP ${res.status}`);
    if (res.status !== 200) throw new DatashareError('unreachable', `datashare answered HTTP ${res.status}`);
    const errors = mosipErrors(res.body);
    if (errors !== undefined) {
      if (errors.some((c) => AUTH_REFUSED.has(c))) return 'refused';
      if (errors.includes('DAT-SER-006')) throw new DatashareError('expired', 'the data share has expired or no longer exists (DAT-SER-006)');
      throw new DatashareError('not-found', `datashare error ${errors.join(', ').slice(0, 80)}`);
    }
    if (res.body.length === 0) throw new DatashareError('not-found', 'datashare answered an empty body');
    return new Uint8Array(res.body.buffer, res.body.byteOffset, res.body.length);
  }

  get #cookieName(): string {
    return this.#options.cookieName ?? 'Authorization';
  }

  /** The kept token, or a new one when there is none or `renew`; concurrent callers share one call. */
  async #tokenFor(renew: boolean): Promise<string> {
    if (!renew && this.#token !== undefined) return this.#token;
    if (renew) this.#token = undefined;
    this.#tokenPromise ??= this.#authenticate().finally(() => {
      this.#tokenPromise = undefined;
    });
    return this.#tokenPromise;
  }

  async #authenticate(): Promise<string> {
    const auth = this.#options.auth!;
    const body = JSON.stringify({
      id: 'mosip.io.clientId.pwd', version: '1.0', requesttime: new Date().toISOString(), metadata: {},
      request: { appId: auth.appId, clientId: auth.clientId, secretKey: auth.secretKey },
    });
    const res = await request(this.#checked(auth.url), {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, body,
      maxBytes: 64 * 1024, timeoutMs: ABIS_PARAMS.authTimeoutMs, agent: this.#agent, guard: this.#guard,
    });
    const cookies = res.headers['set-cookie'] ?? [];
    const name = this.#cookieName.toLowerCase();
    for (const c of cookies) {
      const eq = c.indexOf('=');
      if (eq > 0 && c.slice(0, eq).trim().toLowerCase() === name) {
        const value = c.slice(eq + 1).split(';')[0].trim();
        if (value !== '') {
          this.authentications++;
          this.#token = value;
          return value;
        }
      }
    }
    throw new DatashareError('refused', `the auth endpoint answered HTTP ${res.status} without an ${this.#cookieName} cookie`);
  }
}
