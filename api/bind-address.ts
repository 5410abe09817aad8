/**
 * Whether a bind address keeps a door internal: loopback, the private ranges (RFC 1918, IPv6
 * unique-local fc00::/7) or link-local. The ABIS door answers 1:N and must stay inside; the
 * start-up warns when it is bound anywhere else (all interfaces included).
 */
import { isIP } from 'node:net';

export function isInternalAddress(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (isIP(host) === 6) {
    const h = host.toLowerCase();
    return h === '::1' || /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h);
  }
  return false; // a host name: cannot tell
}

/** A warning for the ABIS door's bind address, or undefined when it is internal. */
export function bindWarning(abisHost: string): string | undefined {
  if (isInternalAddress(abisHost)) return undefined;
  const where = abisHost === '0.0.0.0' || abisHost === '::' ? 'every interface' : `${abisHost}, not a loopback or private address`;
  return `the ABIS door (1:N, internal) is bound to ${where}: keep it on a private network (ABIS_HOST)`;
}
