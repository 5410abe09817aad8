/**
 * HTTP and WebSocket transports on one uWebSockets.js app.
 * - `POST /abis`: one MOSIP request JSON → its MOSIP response JSON once the job's result is
 *   durable (HTTP 200, also for MOSIP failures: returnValue "2" is an answer). Transport-level
 *   refusals are JSON `{ error: { code, message } }` with a 4xx/5xx status: 401 ERR_ABIS_AUTH,
 *   413 ERR_ABIS_TOO_LARGE, 408 ERR_ABIS_TIMEOUT, 400 ERR_ABIS_JSON, 503 ERR_ABIS_BUSY, 404 ERR_ABIS_ROUTE.
 *   A client that goes away (onAborted) loses only its copy of the answer: the job finishes and
 *   is logged, so a retry with the same requestId is answered from the log.
 * - `GET /metrics`: Prometheus text.
 * - `ws /abis`: one MOSIP request per message, one response per message (in completion order:
 *   match them by requestId). Auth by the same bearer header on the upgrade, or a first message
 *   `{"token": "…"}`. Backpressure: replies are parked while the socket's buffered amount is over
 *   the limit and flushed on `drain`; too many requests in flight on one socket → ERR_ABIS_BUSY.
 */
import uWS from 'uWebSockets.js';
import type { HttpResponse, TemplatedApp, WebSocket } from 'uWebSockets.js';
import { AbisBusyError, type AbisProcessor } from './processor.ts';
import type { AbisMetrics } from './metrics.ts';
import { failureResponse } from './messages.ts';
import { FAILURE } from './failure-reasons.ts';
import { ABIS_PARAMS } from './params.ts';
import { TokenSet, bearerToken, mountHealthRoutes, type Readiness } from '../http/index.ts';

interface SocketState {
  authed: boolean;
  inFlight: number;
  parked: string[];
  closed: boolean;
}

const STATUS: Readonly<Record<number, string>> = {
  200: '200 OK', 400: '400 Bad Request', 401: '401 Unauthorized', 404: '404 Not Found', 408: '408 Request Timeout',
  413: '413 Payload Too Large', 500: '500 Internal Server Error', 503: '503 Service Unavailable',
};

/** The bearer check both transports use (api/http's constant-time TokenSet). */
export function tokenChecker(token: string): (presented: string | undefined) => boolean {
  if (token.length < 16) throw new Error('ABIS token must be at least 16 characters');
  const tokens = new TokenSet({ abis: token });
  return (presented) => tokens.match(presented) !== undefined;
}


const errorBody = (code: string, message: string): string => JSON.stringify({ error: { code, message } });

export interface TransportOptions {
  readonly processor: AbisProcessor;
  readonly metrics: AbisMetrics;
  readonly token: string;
  /** Override of ABIS_PARAMS.bodyTimeoutMs (tests). */
  readonly bodyTimeoutMs?: number;
  /** For GET /health/ready (api/http/health.ts); default: ready. */
  readonly readiness?: Readiness;
}

/** Registers the routes; returns a function that ends every open WebSocket (for close()). */
export function mountAbisRoutes(app: TemplatedApp, o: TransportOptions): () => void {
  const authorized = tokenChecker(o.token);
  const sockets = new Set<WebSocket<SocketState>>();

  app.post('/abis', (res, req) => {
    const presented = bearerToken(req.getHeader('authorization'));
    const declared = Number(req.getHeader('content-length') || '0');
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const reply = (status: number, body: string, close = false, extraHeaders: [string, string][] = []): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      res.cork(() => {
        res.writeStatus(STATUS[status]).writeHeader('content-type', status === 200 || status >= 400 ? 'application/json' : 'text/plain');
        for (const [k, v] of extraHeaders) res.writeHeader(k, v);
        res.end(body, close);
      });
    };
    const refuse = (status: number, code: string, message: string, close = false): void => {
      o.metrics.error(code);
      reply(status, errorBody(code, message), close);
    };
    res.onAborted(() => {
      done = true;
      clearTimeout(timer);
    });
    if (!authorized(presented)) return refuse(401, 'ERR_ABIS_AUTH', 'missing or wrong bearer token', true);
    if (declared > ABIS_PARAMS.maxRequestBytes) return refuse(413, 'ERR_ABIS_TOO_LARGE', `body over ${ABIS_PARAMS.maxRequestBytes} bytes`, true);
    const bodyTimeoutMs = o.bodyTimeoutMs ?? ABIS_PARAMS.bodyTimeoutMs;
    timer = setTimeout(() => refuse(408, 'ERR_ABIS_TIMEOUT', `body not complete within ${bodyTimeoutMs} ms`, true), bodyTimeoutMs);
    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > ABIS_PARAMS.maxRequestBytes) return refuse(413, 'ERR_ABIS_TOO_LARGE', `body over ${ABIS_PARAMS.maxRequestBytes} bytes`, true);
      chunks.push(Buffer.from(chunk.slice(0))); // uWS reuses the chunk's memory after this call
      if (!isLast) return;
      clearTimeout(timer);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        o.metrics.error('ERR_ABIS_JSON');
        return reply(400, JSON.stringify({ ...failureResponse(null, null, FAILURE.invalidStructure), error: { code: 'ERR_ABIS_JSON', message: 'body is not JSON' } }));
      }
      const submitted = submit(o, body);
      if ('code' in submitted) {
        const { code, message } = submitted;
        if (code === 'ERR_ABIS_INTERNAL') return reply(500, errorBody(code, message));
        return reply(503, errorBody(code, message), code === 'ERR_ABIS_CLOSING', [['retry-after', '1']]);
      }
      const { answer } = submitted;
      answer.then(
        (response) => reply(200, JSON.stringify(response)),
        () => refuse(500, 'ERR_ABIS_INTERNAL', 'the job failed unexpectedly'),
      );
    });
  });

  app.get('/metrics', (res, req) => {
    const ok = authorized(bearerToken(req.getHeader('authorization')));
    res.cork(() => {
      if (!ok) res.writeStatus(STATUS[401]).writeHeader('content-type', 'application/json').end(errorBody('ERR_ABIS_AUTH', 'missing or wrong bearer token'));
      else res.writeStatus(STATUS[200]).writeHeader('content-type', 'text/plain; version=0.0.4').end(o.metrics.render());
    });
  });

  app.ws<SocketState>('/abis', {
    maxPayloadLength: ABIS_PARAMS.maxRequestBytes,
    idleTimeout: 120,
    maxBackpressure: 64 * ABIS_PARAMS.wsMaxBufferedBytes, // our own parking keeps it far below
    upgrade: (res: HttpResponse, req, context) => {
      const state: SocketState = { authed: authorized(bearerToken(req.getHeader('authorization'))), inFlight: 0, parked: [], closed: false };
      res.upgrade(state, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      sockets.add(ws);
    },
    message: (ws, message) => {
      const state = ws.getUserData();
      const send = (text: string): void => {
        if (state.closed) return;
        if (state.parked.length > 0 || ws.getBufferedAmount() > ABIS_PARAMS.wsMaxBufferedBytes) state.parked.push(text);
        else ws.send(text, false);
      };
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(message).toString('utf8'));
      } catch {
        o.metrics.error('ERR_ABIS_JSON');
        return send(errorBody('ERR_ABIS_JSON', 'message is not JSON'));
      }
      if (!state.authed) {
        const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
        if (typeof token === 'string' && authorized(token)) {
          state.authed = true;
          return send(JSON.stringify({ authenticated: true }));
        }
        o.metrics.error('ERR_ABIS_AUTH');
        state.closed = true;
        return ws.end(4401, 'unauthorized');
      }
      if (state.inFlight >= ABIS_PARAMS.wsMaxInFlight) {
        o.metrics.error('ERR_ABIS_BUSY');
        return send(errorBody('ERR_ABIS_BUSY', 'too many requests in flight on this socket'));
      }
      const submitted = submit(o, body);
      if ('code' in submitted) return send(errorBody(submitted.code, submitted.message));
      const { answer } = submitted;
      state.inFlight++;
      answer.then(
        (response) => send(JSON.stringify(response)),
        () => send(errorBody('ERR_ABIS_INTERNAL', 'the job failed unexpectedly')),
      ).finally(() => {
        state.inFlight--;
      });
    },
    drain: (ws) => {
      const state = ws.getUserData();
      while (state.parked.length > 0 && ws.getBufferedAmount() <= ABIS_PARAMS.wsMaxBufferedBytes) ws.send(state.parked.shift()!, false);
    },
    close: (ws) => {
      ws.getUserData().closed = true;
      sockets.delete(ws);
    },
  });

  mountHealthRoutes(app, o.readiness ?? (() => 'ready'));
  app.any('/*', (res) => {
    o.metrics.error('ERR_ABIS_ROUTE');
    res.cork(() => res.writeStatus(STATUS[404]).writeHeader('content-type', 'application/json').end(errorBody('ERR_ABIS_ROUTE', 'no such route')));
  });

  return () => {
    for (const ws of sockets) {
      ws.getUserData().closed = true;
      ws.end(1001, 'server closing');
    }
    sockets.clear();
  };
}

export { uWS };

/**
 * Queues one request on the processor for either transport; a refusal (busy, closing, or a
 * bug) comes back as a code and message, counted in the metrics — never thrown out of a uWS
 * callback, which would take the whole process down.
 */
function submit(o: { processor: AbisProcessor; metrics: AbisMetrics }, body: unknown): { answer: Promise<unknown> } | { code: string; message: string } {
  try {
    return { answer: o.processor.submit(body) };
  } catch (error) {
    const code = error instanceof AbisBusyError ? error.code : 'ERR_ABIS_INTERNAL';
    o.metrics.error(code);
    return { code, message: code === 'ERR_ABIS_INTERNAL' ? 'the request could not be queued' : `${(error as Error).message}; retry later` };
  }
}
