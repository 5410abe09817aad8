/**
 * One HTTP request/response pair on uWebSockets.js. The HttpRequest is only valid inside the
 * synchronous part of a route handler, so everything a handler may need later (method, URL,
 * query, chosen headers, peer address) is copied here at once, and the single onAborted
 * handler uWS allows is registered here and fanned out to listeners.
 */
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';

export interface Exchange {
  readonly res: HttpResponse;
  readonly method: string;
  readonly url: string;
  readonly query: string;
  /** Lower-cased header name → value, for the headers asked for ('' when absent). */
  readonly headers: Readonly<Record<string, string>>;
  /** Route parameters in pattern order (`:case` → params[0]). */
  readonly params: readonly string[];
  readonly remoteAddress: string;
  readonly startedAt: number;
  /** The peer went away (or the connection was closed): never touch `res` again. */
  aborted: boolean;
  /** A response was sent (or started): never write another. */
  responded: boolean;
  /** Set by the service: echoed as `x-request-id` on the response and carried by its log lines. */
  requestId?: string;
  onAbort(listener: () => void): void;
}

/** Must be called synchronously in the route handler. */
export function openExchange(res: HttpResponse, req: HttpRequest, headerNames: readonly string[], paramCount = 0): Exchange {
  const headers: Record<string, string> = {};
  for (const name of headerNames) headers[name] = req.getHeader(name);
  const params: string[] = [];
  for (let i = 0; i < paramCount; i++) params.push(req.getParameter(i) ?? '');
  const listeners: Array<() => void> = [];
  const exchange: Exchange = {
    res,
    method: req.getMethod(),
    url: req.getUrl(),
    query: req.getQuery() ?? '',
    headers,
    params,
    remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString('latin1'),
    startedAt: performance.now(),
    aborted: false,
    responded: false,
    onAbort(listener) {
      listeners.push(listener);
    },
  };
  res.onAborted(() => {
    exchange.aborted = true;
    for (const l of listeners.splice(0)) l();
  });
  return exchange;
}
