/**
 * The one TRON address codec: base58check `T...` at every boundary (database, API, web), the
 * `41`-prefixed hex form only where a node or the EVM speaks hex (logs carry 20-byte hex). Built on
 * @scure/base's base58check and pure (no Buffer, no node:*), so the devnet, the indexer, live, the
 * platform and the browser bundle all share it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { createBase58check } from '@scure/base';

const b58c = createBase58check(sha256);
const HEX41 = /^41[0-9a-f]{40}$/;
const HEX20 = /^[0-9a-f]{40}$/;

/** Base58 addresses of hex ones already seen: logs repeat the same few addresses. */
const cache = new Map<string, string>();

/** Base58 `T...` form of a `41...` hex address (or a bare 20-byte hex one, `0x` allowed); throws on anything else. */
export function toBase58(hex: string): string {
  let h = hex.toLowerCase().replace(/^0x/, '');
  if (h.length === 40) h = `41${h}`;
  const hit = cache.get(h);
  if (hit) return hit;
  if (!HEX41.test(h)) throw new Error(`not a TRON hex address: ${hex}`);
  const out = b58c.encode(hexToBytes(h));
  if (cache.size > 100_000) cache.clear();
  cache.set(h, out);
  return out;
}

/**
 * `41...` hex form of an address given as base58, `41` hex or `0x`/bare 20-byte hex; undefined
 * when it is none of these (a bad base58 checksum included).
 */
export function toHex41(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length === 0) return undefined;
  const s = input.trim();
  if (s.startsWith('T') && s.length === 34) {
    try {
      const bytes = b58c.decode(s);
      return bytes.length === 21 && bytes[0] === 0x41 ? bytesToHex(bytes) : undefined;
    } catch {
      return undefined;
    }
  }
  const h = s.toLowerCase().replace(/^0x/, '');
  if (HEX41.test(h)) return h;
  if (HEX20.test(h)) return `41${h}`;
  return undefined;
}

/** Whether `s` is a checksummed base58 TRON address (`T...`). */
export function isBase58Address(s: unknown): s is string {
  return typeof s === 'string' && s.startsWith('T') && s.length === 34 && toHex41(s) !== undefined;
}

/** The zero address, which the contracts use for TRX and for "the default split". */
export const ZERO_ADDRESS = toBase58(`41${'0'.repeat(40)}`);
