/**
 * The doors' structured log: pino, one JSON object per line on stderr (stdout keeps the one
 * human "listening" line), with levels, a `reqId` on request lines, and `err` serialised with
 * its stack for unexpected errors.
 *
 * What is never logged: request or response bodies (biometrics, CBEFF documents), templates,
 * tokens or keys. Call sites log identifiers only (request id, route, status, client name,
 * MOSIP requestId, error code); as a second line of defence the paths where a credential could
 * appear are redacted (`redact` below), and `test/hardening-logs.test.ts` greps a whole run's
 * output for the tokens and template bytes it used.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = typeof LOG_LEVELS[number];

/** Paths redacted wherever they appear in a logged object. */
const REDACT = [
  'authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'key', '*.key', 'secret', '*.secret', 'secretKey', '*.secretKey',
  'password', '*.password', 'passcode', '*.passcode', 'cookie', '*.cookie', 'biometrics', '*.biometrics', 'bdb', '*.bdb', 'template', '*.template',
];

export function createLogger(options: { level?: LogLevel; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'biodedup',
    level: options.level ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, options.destination ?? pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything (library use and tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
