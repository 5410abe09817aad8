/**
 * What makes two deliveries "the same request": the SHA-256 of the body's canonical JSON (keys
 * sorted at every level, so a re-serialisation with another key order is still the same). The
 * registration processor resends the bytes it stored, the broker redelivers them unchanged:
 * those are answered from the job log. A different body under a used requestId is another
 * request and is refused (failure 4), never answered with the first one's result.
 */
import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestDigest(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('base64url');
}

/** Structured events of the door (pino-compatible signature: object first, then message). Never biometric data or tokens. */
export interface AbisLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** One JSON line per event on stderr, until the service hands in its own logger. */
export const stderrLogger: AbisLogger = {
  warn: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'warn', time: new Date().toISOString(), component: 'abis', msg: message, ...fields })}\n`),
  error: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'error', time: new Date().toISOString(), component: 'abis', msg: message, ...fields })}\n`),
};
