/**
 * TRON address forms: `41`-prefixed hex inside the node, base58check `T...` at the edges.
 * Uses @scure/base's base58check (audited, tiny) rather than tronweb, so tools that only convert
 * addresses do not load all of tronweb.
 */
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';

const b58c = createBase58check(sha256);
const HEX41 = /^41[0-9a-f]{40}$/;

/** Base58 `T...` form of a `41...` hex address. */
export function toBase58(hex41: string): string {
  return b58c.encode(Buffer.from(hex41, 'hex'));
}

/**
 * `41...` hex form of an address given as base58, `41` hex or `0x` hex; undefined when it is
 * none of these (a bad base58 checksum included).
 */
export function toHex41(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length === 0) return undefined;
  const s = input.trim();
  if (s.startsWith('T') && s.length === 34) {
    try {
      const bytes = b58c.decode(s);
      return bytes.length === 21 && bytes[0] === 0x41 ? Buffer.from(bytes).toString('hex') : undefined;
    } catch {
      return undefined;
    }
  }
  const h = s.toLowerCase().replace(/^0x/, '');
  if (HEX41.test(h)) return h;
  if (/^[0-9a-f]{40}$/.test(h)) return `41${h}`;
  return undefined;
}
