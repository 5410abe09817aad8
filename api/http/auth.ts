/**
 * Bearer credentials: `Authorization: Bearer <token>`, compared in constant time (digests of
 * equal length, so neither the content nor the length of a configured token leaks by timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function bearerToken(authorization: string): string | undefined {
  const m = /^Bearer +([\x21-\x7e]{1,512}) *$/i.exec(authorization);
  return m === null ? undefined : m[1];
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A set of named credentials; `match` returns the name of the one presented, if any. */
export class TokenSet {
  readonly #entries: Array<{ name: string; digest: Buffer }>;
  constructor(tokens: Readonly<Record<string, string>>) {
    this.#entries = Object.entries(tokens).map(([name, token]) => ({ name, digest: digest(token) }));
  }

  get size(): number {
    return this.#entries.length;
  }

  match(token: string | undefined): string | undefined {
    if (token === undefined) return undefined;
    const d = digest(token);
    let found: string | undefined;
    // compare with every entry (no early exit): the time does not say which one matched
    for (const e of this.#entries) if (timingSafeEqual(d, e.digest) && found === undefined) found = e.name;
    return found;
  }
}
