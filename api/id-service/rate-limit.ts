/**
 * Token buckets keyed by client or by UIN: `take` spends one token or says how long to wait.
 * Memory is bounded: past `maxBuckets` keys, buckets that have refilled completely (which carry
 * no state worth keeping) are dropped, and if none has, the oldest are.
 */
export interface BucketRule {
  /** Bucket size: requests allowed in a burst. */
  readonly burst: number;
  /** Refill rate: requests per second. */
  readonly perSecond: number;
}

export type TakeResult = { readonly ok: true } | { readonly ok: false; /** whole seconds until a token is available */ readonly retryAfterSeconds: number };

export class TokenBuckets {
  readonly #rule: BucketRule;
  readonly #maxBuckets: number;
  readonly #now: () => number;
  /** key → { tokens, at (ms) }; Map order = least recently touched first. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(rule: BucketRule, maxBuckets: number, now: () => number = () => performance.now()) {
    if (!(rule.burst >= 1 && rule.perSecond > 0)) throw new RangeError('a bucket needs burst ≥ 1 and a positive refill rate');
    this.#rule = rule;
    this.#maxBuckets = maxBuckets;
    this.#now = now;
  }

  get size(): number {
    return this.#buckets.size;
  }

  take(key: string): TakeResult {
    const now = this.#now();
    const { burst, perSecond } = this.#rule;
    const b = this.#buckets.get(key);
    let tokens = burst;
    if (b !== undefined) {
      tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
      this.#buckets.delete(key); // re-inserted below: most recently used last
    }
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > this.#maxBuckets) this.#evict(now);
    return { ok: true };
  }

  /** Gives back the token a request took (e.g. a verification that matched spends nothing). */
  refund(key: string): void {
    const b = this.#buckets.get(key);
    if (b !== undefined) b.tokens = Math.min(this.#rule.burst, b.tokens + 1);
  }

  #evict(now: number): void {
    const { burst, perSecond } = this.#rule;
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.#buckets.delete(key);
    }
    // down to 90 %: the O(n) sweep then runs once per tenth of the capacity, not per request
    const target = Math.floor(this.#maxBuckets * 0.9);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= target) break;
      this.#buckets.delete(key);
    }
  }
}
