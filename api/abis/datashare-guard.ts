/**
 * Which datashare URLs the ABIS may fetch (issue 12, SSRF): a request's referenceURL is chosen by
 * whoever can post to the queue or holds the ABIS token, so the door fetches only from origins
 * the operator named, and the MOSIP auth cookie goes only there.
 * - Origins: `ABIS_DATASHARE_ALLOWED_ORIGINS`, `scheme://host:port` each (the auth manager's origin
 *   is always allowed: MOSIP serves both behind one gateway). No list: only that origin.
 * - Addresses: every address a name resolves to is checked, and the address actually connected
 *   is checked again (DNS rebinding). Loopback, private (RFC 1918, unique-local), link-local
 *   (cloud metadata at 169.254.169.254) and other special ranges are refused unless the origin
 *   names that address literally (`http://10.0.0.5:8097`) or `ABIS_DATASHARE_ALLOWED_NETWORKS`
 *   lists a range holding it (e.g. `10.0.0.0/8` for an internal gateway).
 */
import dns from 'node:dns';
import net from 'node:net';

/** Ranges refused unless allowed: not the public Internet. */
const SPECIAL: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], ['10.0.0.0', 8, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['127.0.0.0', 8, 'ipv4'], ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'], ['::1', 128, 'ipv6'], ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6'], ['ff00::', 8, 'ipv6'],
];

export class OriginNotAllowedError extends Error {
  readonly code = 'ERR_DATASHARE_FORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'OriginNotAllowedError';
  }
}

/** `scheme://host:port` with the default port filled in and the host lower-cased; undefined when not http(s). */
export function originOf(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${url.hostname.toLowerCase()}:${port}`;
}

/** Parses one configured origin; throws with the offending text. */
export function normaliseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${text}" is not an origin (scheme://host:port)`);
  }
  const origin = originOf(url);
  if (origin === undefined || url.pathname.replace(/\/$/, '') !== '' || url.search !== '' || url.username !== '') {
    throw new Error(`"${text}" is not an http(s) origin (scheme://host:port, no path)`);
  }
  return origin;
}

const unbracket = (host: string): string => host.replace(/^\[|\]$/g, '');

export class DatashareGuard {
  readonly #origins: ReadonlySet<string>;
  readonly #special = new net.BlockList();
  readonly #allowedNetworks = new net.BlockList();

  constructor(origins: readonly string[], allowedNetworks: readonly string[] = []) {
    this.#origins = new Set(origins.map(normaliseOrigin));
    for (const [address, prefix, type] of SPECIAL) this.#special.addSubnet(address, prefix, type);
    for (const cidr of allowedNetworks) {
      const [address, bits] = cidr.trim().split('/');
      const type = net.isIPv6(address) ? 'ipv6' : net.isIPv4(address) ? 'ipv4' : undefined;
      const prefix = Number(bits ?? (type === 'ipv6' ? 128 : 32));
      if (type === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv6' ? 128 : 32)) throw new Error(`"${cidr}" is not a network (address/prefix)`);
      this.#allowedNetworks.addSubnet(address, prefix, type);
    }
  }

  get origins(): readonly string[] {
    return [...this.#origins];
  }

  /** Throws OriginNotAllowedError unless the URL's origin is on the list. */
  checkUrl(url: URL): void {
    const origin = originOf(url);
    if (origin === undefined) throw new OriginNotAllowedError(`unsupported URL scheme ${url.protocol}`);
    if (!this.#origins.has(origin)) throw new OriginNotAllowedError(`origin ${origin} is not in ABIS_DATASHARE_ALLOWED_ORIGINS`);
  }

  /** Whether the cookie may travel to this URL (its origin is on the list). */
  mayCarryCookie(url: URL): boolean {
    const origin = originOf(url);
    return origin !== undefined && this.#origins.has(origin);
  }

  /** Whether `address` may be connected to for this URL. */
  addressAllowed(url: URL, connected: string): boolean {
    const address = normaliseIp(connected); // an IPv4-mapped IPv6 address is judged as the IPv4 it maps
    const type = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (!this.#special.check(address, type)) return true;
    if (this.#allowedNetworks.check(address, type)) return true;
    // the origin names this very address: the operator chose it
    const host = unbracket(url.hostname);
    return net.isIP(host) !== 0 && normaliseIp(host) === address;
  }

  /** A `lookup` for http.request that resolves, then refuses any special address not allowed. */
  lookupFor(url: URL): net.LookupFunction {
    return (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, '', 0);
        const list = addresses as dns.LookupAddress[];
        const refused = list.find((a) => !this.addressAllowed(url, a.address));
        if (refused !== undefined || list.length === 0) {
          return callback(new OriginNotAllowedError(`${hostname} resolves to ${refused?.address ?? 'nothing'}, a non-public address not allowed (ABIS_DATASHARE_ALLOWED_NETWORKS)`), '', 0);
        }
        if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        callback(null, list[0].address, list[0].family);
      });
    };
  }
}

function normaliseIp(ip: string): string {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return (v4mapped ? v4mapped[1] : ip).toLowerCase();
}
