/** Base58 address checks at the live service's boundaries, refusing with LiveError (lib/address.ts's codec). */
import { isBase58Address } from '../../lib/address.js';
import { LiveError } from './errors.js';

/** `s` as a base58 address, or a BAD_ADDRESS refusal naming `field`. */
export function requireAddress(s: unknown, field: string): string {
  if (!isBase58Address(s))
    throw new LiveError('BAD_ADDRESS', `${field} must be a base58 TRON address (T...)`, { field });
  return s;
}
