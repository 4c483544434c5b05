/** Base58 address checks at the live service's boundaries (the indexer's codec). */
import { toHex41 } from '../../indexer/internal/address.js';
import { LiveError } from './errors.js';

/** Whether `s` is a checksummed base58 TRON address (`T...`). */
export function isBase58Address(s: unknown): s is string {
  return typeof s === 'string' && s.startsWith('T') && s.length === 34 && toHex41(s) !== undefined;
}

/** `s` as a base58 address, or a BAD_ADDRESS refusal naming `field`. */
export function requireAddress(s: unknown, field: string): string {
  if (!isBase58Address(s))
    throw new LiveError('BAD_ADDRESS', `${field} must be a base58 TRON address (T...)`, { field });
  return s;
}
