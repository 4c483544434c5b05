/**
 * Who is asking: the client's IP address, read from the socket, or from `X-Forwarded-For` only
 * when the peer is a reverse proxy named in TRUST_PROXY. Every per-IP limit (connections,
 * WebSockets, viewers, write budgets) keys on this, so a client can never pick its own key by
 * sending the header to a server that is not behind a proxy.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** The reverse proxies whose `X-Forwarded-For` is believed. */
export interface TrustProxy {
  /** Whether the peer at `address` is a trusted proxy. */
  trusts(address: string): boolean;
  /** Whether any proxy is trusted at all (false: the header is never read). */
  readonly any: boolean;
}

export const TRUST_NOBODY: TrustProxy = { trusts: () => false, any: false };

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) as `1.2.3.4`; undefined as `unknown`. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  const a = address.trim().toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * Parses TRUST_PROXY: empty, `0` or `false` trusts nobody; otherwise a comma-separated list of
 * `loopback`, IP addresses and CIDR subnets (`10.0.0.0/8`, `fd00::/8`). There is no "trust
 * everybody": that would let any client choose its address.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || v === '0' || v.toLowerCase() === 'false') return TRUST_NOBODY;
  const list = new BlockList();
  for (const raw of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw.toLowerCase() === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [ip, bits] = raw.split('/');
    const family = isIP(ip ?? '');
    const prefix = bits === undefined ? undefined : Number(bits);
    if (
      family === 0 ||
      (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)))
    ) {
      throw new Error(
        `TRUST_PROXY must be "loopback", IP addresses or CIDR subnets separated by commas; got ${JSON.stringify(raw)}`,
      );
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(ip!, type);
    else list.addSubnet(ip!, prefix, type);
  }
  return {
    any: true,
    trusts(address) {
      const a = normalizeAddress(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the last
 * `X-Forwarded-For` entry no trusted proxy added (read right to left, as proxies append).
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  let current = normalizeAddress(req.socket.remoteAddress);
  if (!trust.any || !trust.trusts(current)) return current;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => normalizeAddress(s))
    .filter((s) => s !== 'unknown' && isIP(s) !== 0);
  while (hops.length && trust.trusts(current)) current = hops.pop()!;
  return current;
}
