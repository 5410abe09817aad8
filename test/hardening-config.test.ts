/**
 * Issue 12, defect 5: one schema for every setting of both doors (api/config-schema.ts).
 * `ABIS_DATASHARE_MAX_BYTES=32MB` used to become NaN and silently remove the size cap; a NaN
 * timeout failed every fetch; a short token printed a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, ConfigError, checkEnvironment, parseBytes, parseDuration } from '../api/config-schema.ts';
import { abisConfigFromEnv } from '../api/abis/config.ts';
import { idServiceOptionsFromEnv } from '../api/id-service/config.ts';

const BASE = { DATA_DIR: '/tmp/x', ABIS_TOKEN: 'abis-token-0123456789', ID_OPERATOR_TOKEN: 'operator-token-0123456789' };
const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    checkEnvironment(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('configuration schema', () => {
  it('parses sizes and durations with units, and hands the doors plain integers (the cap is kept)', () => {
    expect(parseBytes('32MB')).toBe(32 * 1024 * 1024);
    expect(parseBytes('512 KiB')).toBe(512 * 1024);
    expect(parseBytes('1048576')).toBe(1048576);
    expect(parseBytes('NaN')).toBeUndefined();
    expect(parseBytes('32XB')).toBeUndefined();
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('-5')).toBeUndefined();
    const { env } = checkEnvironment({ ...BASE, ABIS_DATASHARE_MAX_BYTES: '32MB', ABIS_DATASHARE_TIMEOUT_MS: '10s', ID_MAX_BODY_BYTES: '4MiB', ID_BODY_TIMEOUT_MS: '2s' });
    const abis = abisConfigFromEnv(env);
    expect(abis.datashare.maxBytes).toBe(32 * 1024 * 1024);
    expect(abis.datashare.timeoutMs).toBe(10_000);
    const id = idServiceOptionsFromEnv(env);
    expect(id.limits).toMatchObject({ maxBodyBytes: 4 * 1024 * 1024, bodyTimeoutMs: 2000 });
  });

  it('refuses NaN, negative, out-of-range and unit-less garbage, short tokens and bad client lists, one line naming each variable', () => {
    const problems = problemsOf({
      ...BASE, ABIS_DATASHARE_MAX_BYTES: 'NaN', ABIS_DATASHARE_TIMEOUT_MS: 'soon', ID_CLIENT_PER_SECOND: '-1', ID_UIN_LENGTH: '9', ABIS_PORT: '8o90',
      ID_METRICS_TOKEN: 'tiny', ID_CLIENT_TOKENS: 'kiosk=short', ABIS_DATASHARE_AUTH_URL: 'ftp://x', BIODEDUP_ENV: 'prod',
    });
    const names = problems.map((p) => p.split(' ')[0]).sort();
    expect(names).toEqual(['ABIS_DATASHARE_AUTH_URL', 'ABIS_DATASHARE_MAX_BYTES', 'ABIS_DATASHARE_TIMEOUT_MS', 'ABIS_PORT', 'BIODEDUP_ENV', 'ID_CLIENT_PER_SECOND', 'ID_CLIENT_TOKENS', 'ID_METRICS_TOKEN', 'ID_UIN_LENGTH']);
    for (const p of problems) expect(p).not.toContain('\n');
    expect(problems.join(' ')).not.toContain('short'); // a secret's value is never repeated
  });

  it('requires client credentials, a key and distinct tokens in production', () => {
    const problems = problemsOf({ ...BASE, BIODEDUP_ENV: 'production', ID_OPERATOR_TOKEN: BASE.ABIS_TOKEN });
    expect(problems.some((p) => p.startsWith('ID_CLIENT_TOKENS must be set when BIODEDUP_ENV=production'))).toBe(true);
    expect(problems.some((p) => p.startsWith('BIODEDUP_TEMPLATE_KEY or BIODEDUP_TEMPLATE_KEY_FILE'))).toBe(true);
    expect(problems.some((p) => p.startsWith('ID_OPERATOR_TOKEN must differ from ABIS_TOKEN'))).toBe(true);
  });

  it('covers every variable the doors document, and warns about unknown ones under their prefixes', () => {
    for (const name of ['ABIS_DATASHARE_MAX_BYTES', 'ABIS_DATASHARE_TIMEOUT_MS', 'ID_MAX_ENROL_BODY_BYTES', 'ID_CLIENT_TOKENS', 'BIODEDUP_POOL_SIZE', 'ABIS_STOMP_PORT']) {
      expect(CONFIG_SCHEMA[name]).toBeDefined();
    }
    expect(checkEnvironment({ ...BASE, ID_MAX_BODY_BYTE: '1' }).warnings).toEqual(['ID_MAX_BODY_BYTE is not a setting of biodedup (a typo?); ignored']);
  });
});
