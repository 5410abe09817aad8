/**
 * One schema for every setting of both doors, checked at start before anything opens: each
 * variable's kind, range and unit; sizes like `32MB` and durations like `10s` are parsed (and
 * handed on as plain integers, so each door's reader sees clean values); NaN, negative, short
 * tokens and unknown units are refused. Every problem is one line naming the variable and what
 * is wrong — never a stack trace, never the secret's value.
 *
 * The doors' own readers (api/abis/config.ts, api/id-service/config.ts) still build their
 * option objects; this is the gate in front of them, so a value they would have turned into
 * NaN (and a silently removed size cap) never reaches them.
 */
import { existsSync } from 'node:fs';

export type VariableKind =
  | { kind: 'path' } | { kind: 'file' } | { kind: 'host' } | { kind: 'port'; min?: number }
  | { kind: 'token' } | { kind: 'secret' } | { kind: 'text' }
  | { kind: 'bytes'; min: number; max: number } | { kind: 'duration'; min: number; max: number }
  | { kind: 'integer'; min: number; max: number } | { kind: 'number'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] } | { kind: 'url' } | { kind: 'origins' } | { kind: 'client-tokens' };

const MIB = 1024 * 1024;
const positive = (max = 1e9) => ({ kind: 'integer', min: 1, max }) as const;

/** Every variable the doors read, with its kind. */
export const CONFIG_SCHEMA: Readonly<Record<string, VariableKind & { what: string }>> = {
  DATA_DIR: { kind: 'path', what: 'the data folder' },
  BIODEDUP_ENV: { kind: 'enum', values: ['development', 'production'], what: 'production: nothing generated, client credentials required' },
  BIODEDUP_TEMPLATE_KEY: { kind: 'secret', what: 'the template key (64 hex or base64 of 32 bytes)' },
  BIODEDUP_TEMPLATE_KEY_FILE: { kind: 'file', what: 'a file holding the template key' },
  BIODEDUP_POOL_SIZE: { ...positive(256), what: 'scan workers' },
  BIODEDUP_PREFILTER: { kind: 'enum', values: ['0', '1'], what: '0 turns the prefilter off' },
  BIODEDUP_FINGER_RESIDENCY: { kind: 'enum', values: ['full', 'coarse'], what: 'coarse: shards hold a coarse form per finger, finalists read from the store' },
  BIODEDUP_LOG_LEVEL: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], what: 'log level' },
  BIODEDUP_SHUTDOWN_TIMEOUT_MS: { kind: 'duration', min: 100, max: 3_600_000, what: 'graceful shutdown deadline' },
  ABIS_HOST: { kind: 'host', what: 'the ABIS door address' },
  ABIS_PORT: { kind: 'port', what: 'the ABIS door port' },
  ABIS_TOKEN: { kind: 'token', what: 'the ABIS bearer token' },
  ABIS_STOMP_HOST: { kind: 'host', what: 'the STOMP broker' },
  ABIS_STOMP_PORT: { kind: 'port', min: 1, what: 'the STOMP port' },
  ABIS_STOMP_REQUEST_QUEUE: { kind: 'text', what: 'request queue' },
  ABIS_STOMP_RESPONSE_QUEUE: { kind: 'text', what: 'response queue' },
  ABIS_STOMP_LOGIN: { kind: 'text', what: 'STOMP login' },
  ABIS_STOMP_PASSCODE: { kind: 'secret', what: 'STOMP passcode' },
  ABIS_DATASHARE_AUTH_URL: { kind: 'url', what: 'the MOSIP auth manager' },
  ABIS_DATASHARE_APP_ID: { kind: 'text', what: 'auth app id' },
  ABIS_DATASHARE_CLIENT_ID: { kind: 'text', what: 'auth client id' },
  ABIS_DATASHARE_SECRET_KEY: { kind: 'secret', what: 'auth secret key' },
  ABIS_DATASHARE_SECRET_KEY_FILE: { kind: 'file', what: 'a file holding the auth secret key' },
  ABIS_DATASHARE_COOKIE: { kind: 'text', what: 'auth cookie name' },
  ABIS_DATASHARE_CA_FILE: { kind: 'file', what: 'CA bundle for the datashare' },
  ABIS_DATASHARE_MAX_BYTES: { kind: 'bytes', min: 1024, max: 1024 * MIB, what: 'largest datashare document' },
  ABIS_DATASHARE_TIMEOUT_MS: { kind: 'duration', min: 100, max: 600_000, what: 'datashare fetch deadline' },
  ABIS_DATASHARE_ALLOWED_ORIGINS: { kind: 'origins', what: 'datashare origins allowed (scheme://host:port, comma-separated)' },
  ABIS_DATASHARE_ALLOWED_NETWORKS: { kind: 'text', what: 'private networks a datashare may resolve to (CIDR, comma-separated)' },
  ABIS_STOMP_BROKER: { kind: 'enum', values: ['classic', 'artemis'], what: 'the broker kind (destination naming)' },
  ABIS_PARTNER_P12_FILE: { kind: 'file', what: 'the ABIS partner PKCS#12 keystore' },
  ABIS_PARTNER_P12_PASSWORD: { kind: 'secret', what: 'its password' },
  ABIS_PARTNER_P12_ALIAS: { kind: 'text', what: 'the keystore entry to use' },
  ABIS_PARTNER_KEY_FILE: { kind: 'text', what: 'PEM private keys (comma-separated, paired with ABIS_PARTNER_CERT_FILE)' },
  ABIS_PARTNER_CERT_FILE: { kind: 'text', what: 'PEM certificates (comma-separated)' },
  BIODEDUP_NATS: { kind: 'text', what: 'NATS servers of a cluster (nats://host:port, comma-separated); unset: one process' },
  ID_HOST: { kind: 'host', what: 'the ID service address' },
  ID_PORT: { kind: 'port', what: 'the ID service port' },
  ID_OPERATOR_TOKEN: { kind: 'token', what: 'the operators\' bearer token' },
  ID_CLIENT_TOKENS: { kind: 'client-tokens', what: 'client credentials name=token,…' },
  ID_METRICS_TOKEN: { kind: 'token', what: 'the /metrics bearer token' },
  ID_UIN_LENGTH: { kind: 'integer', min: 10, max: 12, what: 'UIN digits' },
  ID_CAPTURE_THREADS: { kind: 'integer', min: 0, max: 256, what: 'capture workers' },
  ID_MAX_ENROL_BODY_BYTES: { kind: 'bytes', min: 1024, max: 256 * MIB, what: 'largest /enrol body' },
  ID_MAX_BODY_BYTES: { kind: 'bytes', min: 1024, max: 256 * MIB, what: 'largest body of other routes' },
  ID_BODY_TIMEOUT_MS: { kind: 'duration', min: 100, max: 600_000, what: 'time for a whole body' },
  ID_MAX_INFLIGHT_ENROL: { ...positive(100_000), what: 'enrolments in flight' },
  ID_MAX_INFLIGHT_VERIFY: { ...positive(100_000), what: 'verifications in flight' },
  ID_CLIENT_BURST: { kind: 'number', min: 1, max: 1e9, what: 'per-client burst' },
  ID_CLIENT_PER_SECOND: { kind: 'number', min: 1e-6, max: 1e9, what: 'per-client refill per second' },
  ID_UIN_BURST: { kind: 'number', min: 1, max: 1e9, what: 'failed verifications per (client, address, UIN) in a burst' },
  ID_UIN_PER_SECOND: { kind: 'number', min: 1e-6, max: 1e9, what: 'their refill per second' },
  ID_MAX_RATE_BUCKETS: { ...positive(), what: 'rate-limit buckets kept' },
  ID_MAX_LIST_CASES: { ...positive(), what: 'cases listed at once' },
  ID_RETRY_AFTER_BUSY_SECONDS: { ...positive(3600), what: 'Retry-After on 503' },
};

/** The variable prefixes the doors own: an unknown name under them is probably a typo. */
const OWN_PREFIXES = ['ABIS_', 'ID_', 'BIODEDUP_'];
/** Variables of those prefixes read by others (tests, bench, other helpers' modules): never a typo. */
const FOREIGN = /^(BIODEDUP_DATA|BIODEDUP_CLUSTER_.*|BIODEDUP_FACE_.*|ABIS_TEST_.*)$/;
const MIN_TOKEN = 16;

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  /** One line per problem, each naming its variable. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: MIB, mb: MIB, mib: MIB, g: 1024 * MIB, gb: 1024 * MIB, gib: 1024 * MIB };
const DURATIONS: Readonly<Record<string, number>> = { '': 1, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `32MB`, `512KiB`, `1048576` → bytes (1 KB = 1 KiB = 1024 bytes, as nginx and Docker read them), or undefined. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m === null ? undefined : UNITS[m[2].toLowerCase()];
  return m === null || unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** `10000`, `10s`, `250ms`, `2m` → milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m === null ? undefined : DURATIONS[m[2].toLowerCase()];
  return m === null || unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

function tokenProblem(value: string): string | undefined {
  if (value.length < MIN_TOKEN) return `must be at least ${MIN_TOKEN} characters (got ${value.length})`;
  if (!/^[\x21-\x7e]+$/.test(value)) return 'must be printable ASCII without spaces';
  return undefined;
}

/** One variable → its normalised value, or a problem (never echoing a secret). */
function check(name: string, spec: VariableKind, value: string): { value: string } | { problem: string } {
  const bad = (why: string) => ({ problem: `${name} ${why}` });
  const shown = spec.kind === 'token' || spec.kind === 'secret' || spec.kind === 'client-tokens' ? '' : ` (got "${value.length > 60 ? `${value.slice(0, 60)}…` : value}")`;
  switch (spec.kind) {
    case 'path': case 'text': case 'secret':
      return value.trim() === '' ? bad('is empty') : { value };
    case 'file':
      return existsSync(value) ? { value } : bad(`names a file that does not exist${shown}`);
    case 'host':
      return /^[A-Za-z0-9.:_-]{1,253}$/.test(value) ? { value } : bad(`must be an IP address or host name${shown}`);
    case 'port': {
      const n = Number(value);
      const min = spec.min ?? 0;
      return /^\d{1,5}$/.test(value) && n >= min && n <= 65535 ? { value: String(n) } : bad(`must be a port number ${min}–65535${shown}`);
    }
    case 'token': {
      const why = tokenProblem(value);
      return why === undefined ? { value } : bad(why);
    }
    case 'bytes': {
      const n = parseBytes(value);
      if (n === undefined) return bad(`must be a size in bytes, e.g. 1048576, 512KB or 32MB${shown}`);
      return n >= spec.min && n <= spec.max ? { value: String(n) } : bad(`must be ${spec.min}–${spec.max} bytes${shown}`);
    }
    case 'duration': {
      const n = parseDuration(value);
      if (n === undefined) return bad(`must be a duration in ms, e.g. 10000, 250ms or 10s${shown}`);
      return n >= spec.min && n <= spec.max ? { value: String(n) } : bad(`must be ${spec.min}–${spec.max} ms${shown}`);
    }
    case 'integer': {
      const n = Number(value);
      return /^-?\d+$/.test(value.trim()) && n >= spec.min && n <= spec.max ? { value: String(n) } : bad(`must be an integer ${spec.min}–${spec.max}${shown}`);
    }
    case 'number': {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) && n >= spec.min && n <= spec.max ? { value: String(n) } : bad(`must be a number ${spec.min}–${spec.max}${shown}`);
    }
    case 'enum':
      return spec.values.includes(value) ? { value } : bad(`must be one of ${spec.values.join(', ')}${shown}`);
    case 'url':
      try {
        const u = new URL(value);
        return u.protocol === 'http:' || u.protocol === 'https:' ? { value } : bad(`must be an http(s) URL${shown}`);
      } catch {
        return bad(`must be an http(s) URL${shown}`);
      }
    case 'origins':
      for (const origin of value.split(',').map((s) => s.trim())) {
        if (!/^https?:\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(origin)) return bad(`must be scheme://host:port origins separated by commas (bad: "${origin.slice(0, 60)}")`);
      }
      return { value };
    case 'client-tokens': {
      for (const pair of value.split(',')) {
        const at = pair.indexOf('=');
        const clientName = at <= 0 ? '' : pair.slice(0, at).trim();
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(clientName)) return bad('must be name=token pairs separated by commas (names: 1–64 of A–Z a–z 0–9 . _ -)');
        const why = tokenProblem(pair.slice(at + 1).trim());
        if (why !== undefined) return bad(`token of client "${clientName}" ${why}`);
      }
      return { value };
    }
  }
}

export interface CheckedEnvironment {
  /** The environment with every known variable normalised (sizes and durations as integers). */
  readonly env: NodeJS.ProcessEnv;
  /** Warnings (unknown variables under the doors' prefixes). */
  readonly warnings: readonly string[];
}

/** Checks every variable; throws ConfigError listing every problem at once. */
export function checkEnvironment(env: NodeJS.ProcessEnv): CheckedEnvironment {
  const problems: string[] = [];
  const warnings: string[] = [];
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    const spec = CONFIG_SCHEMA[name];
    if (spec === undefined) {
      if (OWN_PREFIXES.some((p) => name.startsWith(p)) && !FOREIGN.test(name)) warnings.push(`${name} is not a setting of biodedup (a typo?); ignored`);
      continue;
    }
    if (raw === '') continue; // unset
    const r = check(name, spec, raw);
    if ('problem' in r) problems.push(r.problem);
    else out[name] = r.value;
  }
  if (env.BIODEDUP_TEMPLATE_KEY && env.BIODEDUP_TEMPLATE_KEY_FILE) problems.push('BIODEDUP_TEMPLATE_KEY and BIODEDUP_TEMPLATE_KEY_FILE are both set: set one');
  if (env.BIODEDUP_ENV === 'production') {
    for (const name of ['DATA_DIR', 'ABIS_TOKEN', 'ID_OPERATOR_TOKEN', 'ID_CLIENT_TOKENS']) {
      if (!env[name]) problems.push(`${name} must be set when BIODEDUP_ENV=production${name === 'ID_CLIENT_TOKENS' ? ' (without client credentials /enrol and /verify would be anonymous)' : ''}`);
    }
    if (!env.BIODEDUP_TEMPLATE_KEY && !env.BIODEDUP_TEMPLATE_KEY_FILE) problems.push('BIODEDUP_TEMPLATE_KEY or BIODEDUP_TEMPLATE_KEY_FILE must be set when BIODEDUP_ENV=production');
    if (env.ABIS_TOKEN && env.ABIS_TOKEN === env.ID_OPERATOR_TOKEN) problems.push('ID_OPERATOR_TOKEN must differ from ABIS_TOKEN (one leaked token must not open both doors)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { env: out, warnings };
}
