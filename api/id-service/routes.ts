/**
 * Every route the ID service registers, in one table: the server registers exactly these
 * (plus the 404 fallback), the OpenAPI document describes exactly these, and the route
 * enumeration test reads this table. Adding a route here is the only way to add one.
 *
 * None of them takes a probe and returns identities: /enrol answers a UIN or a case id,
 * /verify answers {match, reason} for one claimed UIN (no score).
 */
export type Access = 'public' | 'client' | 'operator' | 'metrics';
export type OperationId = 'enrol' | 'verify' | 'listCases' | 'decideCase' | 'openapi' | 'metrics' | 'healthLive' | 'healthReady';

export interface RouteSpec {
  readonly method: 'get' | 'post';
  /** OpenAPI path template. */
  readonly path: string;
  /** The uWebSockets.js pattern registered. */
  readonly pattern: string;
  /** Number of `:param` segments in `pattern`. */
  readonly params: number;
  readonly operationId: OperationId;
  readonly summary: string;
  readonly access: Access;
  /** Which body limit applies ('none': no body is read). */
  readonly body: 'enrol' | 'default' | 'none';
  /** Which in-flight bound applies (503 beyond it). */
  readonly inFlight?: 'enrol' | 'verify';
}

export const ROUTES: readonly RouteSpec[] = Object.freeze([
  { method: 'post', path: '/enrol', pattern: '/enrol', params: 0, operationId: 'enrol', summary: 'Enrol a person: a UIN if unique, else an adjudication case id', access: 'client', body: 'enrol', inFlight: 'enrol' },
  { method: 'post', path: '/verify', pattern: '/verify', params: 0, operationId: 'verify', summary: 'Verify a person against one UIN (1:1): the decision and a reason code only', access: 'client', body: 'default', inFlight: 'verify' },
  { method: 'get', path: '/adjudication', pattern: '/adjudication', params: 0, operationId: 'listCases', summary: 'Open adjudication cases (operators)', access: 'operator', body: 'none' },
  { method: 'post', path: '/adjudication/{caseId}', pattern: '/adjudication/:caseId', params: 1, operationId: 'decideCase', summary: 'Decide a case: duplicate or unique (operators)', access: 'operator', body: 'default' },
  { method: 'get', path: '/openapi.json', pattern: '/openapi.json', params: 0, operationId: 'openapi', summary: 'This API description (OpenAPI 3.1)', access: 'public', body: 'none' },
  { method: 'get', path: '/metrics', pattern: '/metrics', params: 0, operationId: 'metrics', summary: 'Operational metrics (Prometheus text format)', access: 'metrics', body: 'none' },
  { method: 'get', path: '/health/live', pattern: '/health/live', params: 0, operationId: 'healthLive', summary: 'Liveness: the process answers (200)', access: 'public', body: 'none' },
  { method: 'get', path: '/health/ready', pattern: '/health/ready', params: 0, operationId: 'healthReady', summary: 'Readiness: 200 once the engine is warm, 503 while starting or stopping', access: 'public', body: 'none' },
] satisfies RouteSpec[]);
