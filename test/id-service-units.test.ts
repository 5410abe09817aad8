/**
 * The ID service's small parts, without a server: Verhoeff check digits, UIN generation and
 * filters, token buckets, Prometheus text, configuration from the environment.
 */
import { describe, expect, it } from 'vitest';
import { verhoeffDigit, verhoeffValid } from '../api/id-service/verhoeff.ts';
import { isWellFormedUin, randomUinCandidate, uinPatternAllowed } from '../api/id-service/uin.ts';
import { TokenBuckets } from '../api/id-service/rate-limit.ts';
import { idServiceOptionsFromEnv } from '../api/id-service/config.ts';
import { Counter, Gauge, Histogram, MetricsRegistry, TokenSet, bearerToken } from '../api/http/index.ts';

describe('Verhoeff', () => {
  it('gives the published check digits', () => {
    // the commonly cited examples: 236 → 3, 12345 → 1
    expect(verhoeffDigit('236')).toBe(3);
    expect(verhoeffDigit('12345')).toBe(1);
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('123451')).toBe(true);
  });

  it('catches every single-digit error and every adjacent transposition of a UIN', () => {
    const uin = randomUinCandidate(10);
    expect(verhoeffValid(uin)).toBe(true);
    for (let i = 0; i < uin.length; i++) {
      for (let d = 0; d < 10; d++) {
        if (String(d) === uin[i]) continue;
        expect(verhoeffValid(uin.slice(0, i) + d + uin.slice(i + 1))).toBe(false);
      }
      if (i + 1 < uin.length && uin[i] !== uin[i + 1]) {
        expect(verhoeffValid(uin.slice(0, i) + uin[i + 1] + uin[i] + uin.slice(i + 2))).toBe(false);
      }
    }
    expect(verhoeffValid('12a4')).toBe(false);
    expect(verhoeffValid('')).toBe(false);
  });
});

describe('UINs', () => {
  it('draws random UINs of the configured length with a valid check digit and no leading 0 or 1', () => {
    for (const length of [10, 11, 12]) {
      const drawn = Array.from({ length: 500 }, () => randomUinCandidate(length));
      for (const uin of drawn) {
        expect(uin).toHaveLength(length);
        expect(uin).toMatch(/^[2-9]/);
        expect(isWellFormedUin(uin)).toBe(true);
      }
      expect(new Set(drawn).size).toBe(500);
    }
    expect(() => randomUinCandidate(9)).toThrow(RangeError);
    expect(() => randomUinCandidate(13)).toThrow(RangeError);
  });

  it('filters look-alike patterns', () => {
    expect(uinPatternAllowed('2345891726')).toBe(false); // 2345: four ascending
    expect(uinPatternAllowed('2876543912')).toBe(false); // 8765: four descending
    expect(uinPatternAllowed('2911183745')).toBe(false); // 111
    expect(uinPatternAllowed('2837447382')).toBe(false); // palindrome
    expect(uinPatternAllowed('1837261940')).toBe(false); // leading 1
    expect(uinPatternAllowed('2837261940')).toBe(true);
  });

  it('recognises well-formed UINs only', () => {
    const uin = randomUinCandidate(10);
    expect(isWellFormedUin(uin)).toBe(true);
    expect(isWellFormedUin(Number(uin))).toBe(false);
    expect(isWellFormedUin('123456789')).toBe(false);
    expect(isWellFormedUin(`${uin}000`)).toBe(false);
  });
});

describe('token buckets', () => {
  it('allows a burst, then refills at the rate, and says how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 3, perSecond: 0.5 }, 100, () => now);
    expect([1, 2, 3].map(() => buckets.take('a').ok)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(buckets.take('b').ok).toBe(true); // keys are independent
    now = 1000;
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 2000;
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
  });

  it('keeps memory bounded, dropping refilled buckets first', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 1, perSecond: 1 }, 10, () => now);
    for (let i = 0; i < 10; i++) buckets.take(`old-${i}`);
    now = 5000; // every old bucket has refilled
    buckets.take('hot');
    for (let i = 0; i < 5; i++) buckets.take(`new-${i}`);
    expect(buckets.size).toBeLessThanOrEqual(10);
    expect(buckets.take('hot').ok).toBe(false); // the spent bucket was kept
  });
});

describe('http helpers', () => {
  it('parses bearer credentials and matches them by name', () => {
    expect(bearerToken('Bearer abc.def-123')).toBe('abc.def-123');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    const set = new TokenSet({ alpha: 'token-alpha-0123456789', beta: 'token-beta-0123456789' });
    expect(set.match('token-beta-0123456789')).toBe('beta');
    expect(set.match('token-beta-012345678')).toBeUndefined();
    expect(set.match(undefined)).toBeUndefined();
  });

  it('renders Prometheus text with escaped labels and cumulative buckets', () => {
    const registry = new MetricsRegistry();
    const c = registry.register(new Counter('x_total', 'Things', ['kind']));
    const g = registry.register(new Gauge('x_depth', 'Depth'));
    const h = registry.register(new Histogram('x_seconds', 'Latency', ['route'], [0.1, 1]));
    c.inc({ kind: 'a"b\\c\nd' });
    c.inc({ kind: 'plain' }, 2);
    g.set({}, 3);
    h.observe({ route: '/v' }, 0.05);
    h.observe({ route: '/v' }, 0.5);
    h.observe({ route: '/v' }, 5);
    const text = registry.render();
    expect(text).toContain('# TYPE x_total counter');
    expect(text).toContain('x_total{kind="a\\"b\\\\c\\nd"} 1');
    expect(text).toContain('x_total{kind="plain"} 2');
    expect(text).toContain('x_depth 3');
    expect(text).toContain('x_seconds_bucket{route="/v",le="0.1"} 1');
    expect(text).toContain('x_seconds_bucket{route="/v",le="1"} 2');
    expect(text).toContain('x_seconds_bucket{route="/v",le="+Inf"} 3');
    expect(text).toContain('x_seconds_sum{route="/v"} 5.55');
    expect(text).toContain('x_seconds_count{route="/v"} 3');
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('configuration from the environment', () => {
  it('reads host, port, tokens and limits', () => {
    const o = idServiceOptionsFromEnv({
      ID_OPERATOR_TOKEN: 'operator-token-0123456789', DATA_DIR: '/tmp/x', ID_PORT: '9001', ID_HOST: '0.0.0.0',
      ID_CLIENT_TOKENS: 'auth=token-auth-0123456789, kiosk=token-kiosk-0123456789', ID_UIN_BURST: '3', ID_MAX_INFLIGHT_VERIFY: '128',
    });
    expect(o).toMatchObject({ host: '0.0.0.0', port: 9001, dataDir: '/tmp/x', operatorToken: 'operator-token-0123456789' });
    expect(o.clientTokens).toEqual({ auth: 'token-auth-0123456789', kiosk: 'token-kiosk-0123456789' });
    expect(o.limits).toEqual({ uinBurst: 3, maxInFlightVerifications: 128 });
  });

  it('names the variable at fault', () => {
    expect(() => idServiceOptionsFromEnv({ DATA_DIR: '/tmp/x' })).toThrow(/ID_OPERATOR_TOKEN/);
    expect(() => idServiceOptionsFromEnv({ ID_OPERATOR_TOKEN: 'x'.repeat(20) })).toThrow(/DATA_DIR/);
    expect(() => idServiceOptionsFromEnv({ ID_OPERATOR_TOKEN: 'x'.repeat(20), DATA_DIR: '/d', ID_PORT: 'http' })).toThrow(/ID_PORT/);
    expect(() => idServiceOptionsFromEnv({ ID_OPERATOR_TOKEN: 'x'.repeat(20), DATA_DIR: '/d', ID_CLIENT_BURST: '-1' })).toThrow(/ID_CLIENT_BURST/);
    expect(() => idServiceOptionsFromEnv({ ID_OPERATOR_TOKEN: 'x'.repeat(20), DATA_DIR: '/d', ID_CLIENT_TOKENS: 'nameonly' })).toThrow(/ID_CLIENT_TOKENS/);
  });
});
