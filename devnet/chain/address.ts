/** TRON address forms: `41`-prefixed hex inside the node, base58check `T...` at the edges. */
import { utils as tronUtils } from 'tronweb';

const HEX41 = /^41[0-9a-f]{40}$/;

/** Base58 `T...` form of a `41...` hex address. */
export function toBase58(hex41: string): string {
  return tronUtils.address.fromHex(hex41) as string;
}

/**
 * `41...` hex form of an address given as base58, `41` hex or `0x` hex; undefined when it is
 * none of these (a bad base58 checksum included).
 */
export function toHex41(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length === 0) return undefined;
  const s = input.trim();
  if (s.startsWith('T') && s.length === 34) {
    if (!tronUtils.address.isAddress(s)) return undefined;
    return (tronUtils.address.toHex(s) as string).toLowerCase();
  }
  const h = s.toLowerCase().replace(/^0x/, '');
  if (HEX41.test(h)) return h;
  if (/^[0-9a-f]{40}$/.test(h)) return `41${h}`;
  return undefined;
}
