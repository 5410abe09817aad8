/** Small shared helpers for the uWebSockets.js services (body, responses, auth, Prometheus). */
export { HttpError, STATUS_LINES, statusLine } from './http-error.ts';
export { openExchange, type Exchange } from './exchange.ts';
export { readBody, readJson, BodyAbortedError, type BodyLimits } from './body.ts';
export { sendText, sendJson, sendError, STREAM_ABOVE_BYTES } from './respond.ts';
export { bearerToken, TokenSet } from './auth.ts';
export { Counter, Gauge, Histogram, MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
export { listenExclusive, listenPort, ListenError } from './listen.ts';
export { mountHealthRoutes, type Readiness } from './health.ts';
