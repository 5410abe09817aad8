/**
 * Configuration from environment variables (for `npm start`; documented in api/README.md).
 * Missing required values and malformed numbers are reported by name, before anything starts.
 */
import type { IdServiceOptions } from './server.ts';
import type { IdServiceLimits } from './params.ts';

/** Limit → environment variable. */
const LIMIT_ENV: Readonly<Record<keyof IdServiceLimits, string>> = {
  maxEnrolBodyBytes: 'ID_MAX_ENROL_BODY_BYTES',
  maxBodyBytes: 'ID_MAX_BODY_BYTES',
  bodyTimeoutMs: 'ID_BODY_TIMEOUT_MS',
  maxInFlightEnrolments: 'ID_MAX_INFLIGHT_ENROL',
  maxInFlightVerifications: 'ID_MAX_INFLIGHT_VERIFY',
  clientBurst: 'ID_CLIENT_BURST',
  clientPerSecond: 'ID_CLIENT_PER_SECOND',
  uinBurst: 'ID_UIN_BURST',
  uinPerSecond: 'ID_UIN_PER_SECOND',
  maxBuckets: 'ID_MAX_RATE_BUCKETS',
  maxListCases: 'ID_MAX_LIST_CASES',
  retryAfterBusySeconds: 'ID_RETRY_AFTER_BUSY_SECONDS',
};

export const ID_SERVICE_ENV = {
  host: 'ID_HOST',
  port: 'ID_PORT',
  operatorToken: 'ID_OPERATOR_TOKEN',
  clientTokens: 'ID_CLIENT_TOKENS',
  metricsToken: 'ID_METRICS_TOKEN',
  uinLength: 'ID_UIN_LENGTH',
  captureThreads: 'ID_CAPTURE_THREADS',
  dataDir: 'DATA_DIR',
  limits: LIMIT_ENV,
} as const;

/** Default port of the ID service. */
export const DEFAULT_ID_PORT = 8081;

/**
 * Everything but the engine. ID_CLIENT_TOKENS is `name=token,name=token`; every limit is
 * optional (defaults in params.ts). Throws RangeError naming the variable at fault.
 */
export function idServiceOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, defaults: { dataDir?: string } = {}): Omit<IdServiceOptions, 'engine'> {
  const operatorToken = env.ID_OPERATOR_TOKEN;
  if (operatorToken === undefined || operatorToken === '') throw new RangeError('ID_OPERATOR_TOKEN is required (the adjudication operators\' bearer token)');
  const dataDir = env.DATA_DIR ?? defaults.dataDir;
  if (dataDir === undefined || dataDir === '') throw new RangeError('DATA_DIR is required');
  const limits: Partial<Record<keyof IdServiceLimits, number>> = {};
  for (const [key, name] of Object.entries(LIMIT_ENV) as [keyof IdServiceLimits, string][]) {
    const value = env[name];
    if (value !== undefined && value !== '') limits[key] = positiveNumber(name, value);
  }
  return {
    host: env.ID_HOST || '127.0.0.1',
    port: env.ID_PORT ? port(env.ID_PORT) : DEFAULT_ID_PORT,
    operatorToken,
    ...(env.ID_CLIENT_TOKENS ? { clientTokens: clientTokens(env.ID_CLIENT_TOKENS) } : {}),
    ...(env.ID_METRICS_TOKEN ? { metricsToken: env.ID_METRICS_TOKEN } : {}),
    ...(env.ID_UIN_LENGTH ? { uinLength: positiveNumber('ID_UIN_LENGTH', env.ID_UIN_LENGTH) } : {}),
    ...(env.ID_CAPTURE_THREADS ? { captureThreads: threads(env.ID_CAPTURE_THREADS) } : {}),
    dataDir,
    limits,
  };
}

function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`${name} must be a positive number, got "${value}"`);
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0 && n <= 65535)) throw new RangeError(`ID_PORT must be a port number 0–65535, got "${value}"`);
  return n;
}

function threads(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0 && n <= 256)) throw new RangeError(`ID_CAPTURE_THREADS must be an integer 0–256, got "${value}"`);
  return n;
}

function clientTokens(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new RangeError('ID_CLIENT_TOKENS must be name=token pairs separated by commas');
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}
