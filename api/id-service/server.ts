/**
 * The ID service on uWebSockets.js: the route table (routes.ts) → one generic request path:
 * open the exchange → authenticate → per-client rate limit → in-flight bound (503) → read the
 * body (size limit, deadline) → the operation (service.ts) → corked JSON response; every
 * request is measured, every error answered as typed JSON, and unknown routes get a 404.
 */
import uWS from 'uWebSockets.js';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { DedupService } from '../../engine/index.ts';
import {
  BodyAbortedError, HttpError, PROMETHEUS_CONTENT_TYPE, listenExclusive, listenPort, TokenSet, bearerToken, openExchange, readJson, sendError, sendJson, sendText,
  type Exchange,
} from '../http/index.ts';
import { IdStore, type AuditEntry } from './id-store.ts';
import { IdMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { ROUTES, type OperationId, type RouteSpec } from './routes.ts';
import { IdService } from './service.ts';
import { TokenBuckets } from './rate-limit.ts';
import { openCapturer } from './capture-pool.ts';
import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '../logger.ts';
import { DEFAULT_LIMITS, DEFAULT_UIN_LENGTH, MAX_UIN_LENGTH, MIN_UIN_LENGTH, type IdServiceLimits } from './params.ts';

export interface IdServiceOptions {
  readonly engine: DedupService;
  /** Address to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 picks a free one (the handle says which). */
  readonly port: number;
  /** Bearer token of adjudication operators (at least 16 characters). */
  readonly operatorToken: string;
  /** Client name → bearer token. When set, /enrol and /verify need one; else clients are told apart by address. */
  readonly clientTokens?: Readonly<Record<string, string>>;
  /** Bearer token for /metrics; default: the operator token. */
  readonly metricsToken?: string;
  /** The service keeps its LMDB environment in `<dataDir>/id-service`. */
  readonly dataDir: string;
  readonly limits?: Partial<IdServiceLimits>;
  /** Digits of a UIN, check digit included (10–12, default 10). */
  readonly uinLength?: number;
  /** Workers that turn request biometrics into templates; 0: on the event loop. Default: one per core (the event loop is mostly idle while captures run). */
  readonly captureThreads?: number;
  /** Structured log (api/logger.ts); default: none. Request lines at debug, unexpected errors at error with their stack. */
  readonly logger?: Logger;
  /** Readiness for GET /health/ready (e.g. the engine is warm); default: ready once listening. */
  readonly ready?: () => boolean;
}

export interface IdServiceHandle {
  readonly port: number;
  readonly routes: readonly RouteSpec[];
  /** The service's metrics in Prometheus text (what /metrics answers). */
  metricsText(): string;
  /** The audit log after `afterSequence`, oldest first (for operators' tools and tests; no HTTP route). */
  auditEntries(afterSequence?: number): Generator<AuditEntry>;
  /** Makes templates once in every capture worker (kernels instantiated) so the first request is not the slow one. */
  warm(): Promise<void>;
  /** Stops listening, waits for requests in flight, stops the capture workers, closes the service's store (not the engine). */
  close(): Promise<void>;
}

const MIN_TOKEN_LENGTH = 16;
const HEADERS = ['authorization', 'content-length', 'content-type', 'idempotency-key'];
/** An Idempotency-Key: 1–128 printable ASCII characters (a UUID is the usual choice). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export async function startIdService(options: IdServiceOptions): Promise<IdServiceHandle> {
  const limits: IdServiceLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const uinLength = options.uinLength ?? DEFAULT_UIN_LENGTH;
  if (!(Number.isInteger(uinLength) && uinLength >= MIN_UIN_LENGTH && uinLength <= MAX_UIN_LENGTH)) throw new RangeError(`uinLength must be ${MIN_UIN_LENGTH}–${MAX_UIN_LENGTH}`);
  checkToken('operatorToken', options.operatorToken);
  for (const [name, token] of Object.entries(options.clientTokens ?? {})) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new RangeError(`client name "${name}" must be 1–64 characters of [A-Za-z0-9._-]`);
    checkToken(`clientTokens.${name}`, token);
  }
  if (options.metricsToken !== undefined) checkToken('metricsToken', options.metricsToken);

  const logger = options.logger ?? silentLogger;
  const captureThreads = options.captureThreads ?? availableParallelism();
  if (!(Number.isInteger(captureThreads) && captureThreads >= 0 && captureThreads <= 256)) throw new RangeError(`captureThreads must be an integer 0–256, got ${captureThreads}`);

  const storeDir = path.join(options.dataDir, 'id-service');
  mkdirSync(storeDir, { recursive: true });
  const store = new IdStore(storeDir, uinLength);
  const metrics = new IdMetrics();
  const capturer = openCapturer(captureThreads);
  const service = new IdService({ engine: options.engine, store, limits, capturer, onDecision: (kind) => metrics.decisions.inc({ kind }) });
  try {
    await service.recover();
  } catch (error) {
    await capturer.close();
    await store.close();
    throw error;
  }

  const operators = new TokenSet({ operator: options.operatorToken });
  const metricsReaders = new TokenSet({ metrics: options.metricsToken ?? options.operatorToken });
  const clients = options.clientTokens === undefined ? undefined : new TokenSet(options.clientTokens);
  const clientBuckets = new TokenBuckets({ burst: limits.clientBurst, perSecond: limits.clientPerSecond }, limits.maxBuckets);
  const inFlight = { enrol: 0, verify: 0 };
  const inFlightLimit = { enrol: limits.maxInFlightEnrolments, verify: limits.maxInFlightVerifications };
  // encoded once: re-encoding the same document per request was garbage (external memory) that forced full GCs under load
  const openapi = Buffer.from(JSON.stringify(openApiDocument()), 'utf8');
  let active = 0;
  let idle: (() => void) | undefined;
  let stopping = false;
  // request ids: a per-process random prefix and a counter (unique, cheap, and meaningless outside the logs)
  const requestPrefix = randomBytes(4).toString('hex');
  let requestCounter = 0;

  type Result = { status: number; body: unknown } | { status: number; text: string | Buffer; contentType: string };
  const operations: Record<OperationId, (ex: Exchange, who: string, body: unknown) => Promise<Result> | Result> = {
    enrol: async (ex, who, body) => {
      const key = ex.headers['idempotency-key'];
      if (key !== '' && !IDEMPOTENCY_KEY.test(key)) throw new HttpError(400, 'ERR_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–128 printable ASCII characters');
      const outcome = await service.enrol(who, body, key === '' ? undefined : { key });
      return { status: outcome.status === 'uin-issued' ? 201 : 202, body: outcome };
    },
    verify: async (ex, who, body) => ({ status: 200, body: await service.verify(who, ex.remoteAddress, body) }),
    listCases: (ex) => {
      const raw = new URLSearchParams(ex.query).get('limit');
      const limit = raw === null ? limits.maxListCases : Number(raw);
      if (!(Number.isInteger(limit) && limit >= 1)) throw new HttpError(400, 'ERR_BAD_REQUEST', 'limit must be a positive integer');
      return { status: 200, body: { cases: service.listCases(Math.min(limit, limits.maxListCases)) } };
    },
    decideCase: async (ex, who, body) => ({ status: 200, body: await service.decide(who, ex.params[0], body) }),
    openapi: () => ({ status: 200, text: openapi, contentType: 'application/json' }),
    healthLive: () => ({ status: 200, body: { status: 'live' } }),
    healthReady: () => {
      if (stopping) return { status: 503, body: { status: 'stopping' } };
      return (options.ready?.() ?? true) ? { status: 200, body: { status: 'ready' } } : { status: 503, body: { status: 'starting' } };
    },
    metrics: () => {
      metrics.enrolQueue.set({}, service.enrolQueueDepth);
      metrics.pendingCases.set({}, service.pendingCaseCount());
      return { status: 200, text: metrics.registry.render(), contentType: PROMETHEUS_CONTENT_TYPE };
    },
  };

  /** Who is asking, or a 401. */
  function authenticate(route: RouteSpec, ex: Exchange): string {
    const token = bearerToken(ex.headers.authorization);
    const refuse = (): never => {
      throw new HttpError(401, 'ERR_UNAUTHORIZED', 'a valid bearer credential is required', { headers: { 'www-authenticate': 'Bearer' } });
    };
    switch (route.access) {
      case 'public':
        return `address:${ex.remoteAddress}`;
      case 'operator':
        return operators.match(token) ?? refuse();
      case 'metrics':
        return metricsReaders.match(token) ?? operators.match(token) ?? refuse();
      case 'client': {
        if (clients === undefined) return `address:${ex.remoteAddress}`;
        const name = clients.match(token);
        return name === undefined ? refuse() : `client:${name}`;
      }
    }
  }

  async function handle(route: RouteSpec, ex: Exchange): Promise<number> {
    let kind: 'enrol' | 'verify' | undefined;
    try {
      const who = authenticate(route, ex);
      if (route.access === 'client') {
        const allowed = clientBuckets.take(who);
        if (!allowed.ok) throw new HttpError(429, 'ERR_RATE_LIMITED', 'too many requests from this client; retry later', { headers: { 'retry-after': String(allowed.retryAfterSeconds) } });
      }
      if (route.inFlight !== undefined) {
        if (inFlight[route.inFlight] >= inFlightLimit[route.inFlight]) {
          throw new HttpError(503, 'ERR_BUSY', `too many ${route.inFlight} requests in flight; retry later`, { headers: { 'retry-after': String(limits.retryAfterBusySeconds) } });
        }
        kind = route.inFlight;
        inFlight[kind]++;
        metrics.inFlight.inc({ kind });
      }
      let body: unknown;
      if (route.body !== 'none') {
        const type = ex.headers['content-type'];
        if (type !== '' && !/^application\/([a-z.+-]*\+)?json\b/i.test(type)) throw new HttpError(415, 'ERR_CONTENT_TYPE', 'the body must be application/json', { closeConnection: true });
        body = await readJson(ex, { maxBytes: route.body === 'enrol' ? limits.maxEnrolBodyBytes : limits.maxBodyBytes, timeoutMs: limits.bodyTimeoutMs });
      }
      const result = await operations[route.operationId](ex, who, body);
      if ('text' in result) sendText(ex, result.status, result.contentType, result.text);
      else sendJson(ex, result.status, result.body);
      return result.status;
    } catch (error) {
      if (error instanceof BodyAbortedError) return 499; // nginx's "client closed request": for the metrics only
      const http = error instanceof HttpError ? error : internalError(error, logger, ex.requestId, route.path);
      metrics.errors.inc({ code: http.code });
      sendError(ex, http);
      return http.status;
    } finally {
      if (kind !== undefined) {
        inFlight[kind]--;
        metrics.inFlight.dec({ kind });
      }
    }
  }

  const app = uWS.App();
  for (const route of ROUTES) {
    app[route.method](route.pattern, (res, req) => {
      const ex = openExchange(res, req, HEADERS, route.params);
      ex.requestId = `${requestPrefix}-${(++requestCounter).toString(36)}`;
      active++;
      void handle(route, ex).then((status) => {
        const seconds = (performance.now() - ex.startedAt) / 1000;
        metrics.requestSeconds.observe({ route: route.path, status: String(status) }, seconds);
        // identifiers only: never a body, a header value or a token
        logger.debug({ reqId: ex.requestId, method: ex.method, route: route.path, status, ms: Math.round(seconds * 1e4) / 10 }, 'request');
      }).finally(() => {
        if (--active === 0) idle?.();
      });
    });
  }
  app.any('/*', (res, req) => {
    const ex = openExchange(res, req, []);
    metrics.errors.inc({ code: 'ERR_NOT_FOUND' });
    // close: an unexpected body may follow, and we will not read it
    sendError(ex, new HttpError(404, 'ERR_NOT_FOUND', 'no such route', { closeConnection: ex.method !== 'get' && ex.method !== 'head' }));
  });

  const host = options.host ?? '127.0.0.1';
  // kernels instantiated in every capture worker before the first request can arrive
  const listenSocket = await capturer.warm().then(() => listenExclusive(app, host, options.port, 'the ID service')).catch(async (error: unknown) => {
    await capturer.close();
    await store.close();
    throw error;
  });
  const port = listenPort(listenSocket);

  let closing: Promise<void> | undefined;
  return {
    port,
    routes: ROUTES,
    metricsText: () => metrics.registry.render(),
    auditEntries: (afterSequence = 0) => store.auditEntries(afterSequence),
    warm: () => capturer.warm(),
    close: () => (closing ??= (async () => {
      stopping = true;
      uWS.us_listen_socket_close(listenSocket);
      if (active > 0) await new Promise<void>((resolve) => { idle = resolve; });
      await service.drain();
      await capturer.close();
      await store.close();
    })()),
  };
}

function checkToken(name: string, token: unknown): void {
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new RangeError(`${name} must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces`);
  }
}

/** Anything unexpected: logged with its stack and the request id (never the request itself), answered as a bare 500. */
function internalError(error: unknown, logger: Logger, reqId: string | undefined, route: string): HttpError {
  logger.error({ err: error, reqId, route }, 'internal error');
  return new HttpError(500, 'ERR_INTERNAL', 'internal error');
}
