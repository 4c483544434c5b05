/**
 * TRON addresses: base58check `T...` at every boundary of the indexer, `41`-prefixed hex only
 * where the node speaks hex (logs carry 20-byte hex). Same forms as devnet/chain/address.ts,
 * written on @noble/hashes so the indexer does not depend on the devnet.
 */
import { sha256 } from '@noble/hashes/sha2.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, BigInt(i)]));
const HEX41 = /^41[0-9a-f]{40}$/;

/** Base58 addresses of hex ones already seen: logs repeat the same few addresses. */
const cache = new Map<string, string>();

/** Base58 `T...` form of a `41...` hex address (or a bare 20-byte hex one). */
export function toBase58(hex: string): string {
  let h = hex.toLowerCase().replace(/^0x/, '');
  if (h.length === 40) h = `41${h}`;
  const hit = cache.get(h);
  if (hit) return hit;
  if (!HEX41.test(h)) throw new Error(`not a TRON hex address: ${hex}`);
  const payload = Buffer.from(h, 'hex');
  const check = sha256(sha256(payload)).slice(0, 4);
  const bytes = Buffer.concat([payload, Buffer.from(check)]);
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)]! + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  if (cache.size > 100_000) cache.clear();
  cache.set(h, out);
  return out;
}

/** `41...` hex form of a base58, `41` hex or `0x` hex address; undefined if it is none of these. */
export function toHex41(input: string): string | undefined {
  const s = input.trim();
  if (s.startsWith('T') && s.length === 34) {
    let n = 0n;
    for (const c of s) {
      const v = INDEX.get(c);
      if (v === undefined) return undefined;
      n = n * 58n + v;
    }
    const hex = n.toString(16).padStart(50, '0');
    const payload = Buffer.from(hex.slice(0, 42), 'hex');
    const check = Buffer.from(sha256(sha256(payload)).slice(0, 4)).toString('hex');
    return check === hex.slice(42) && hex.startsWith('41') ? hex.slice(0, 42) : undefined;
  }
  const h = s.toLowerCase().replace(/^0x/, '');
  if (HEX41.test(h)) return h;
  if (/^[0-9a-f]{40}$/.test(h)) return `41${h}`;
  return undefined;
}

/** The zero address, which the contracts use for TRX and for "the default split". */
export const ZERO_ADDRESS = toBase58(`41${'0'.repeat(40)}`);
