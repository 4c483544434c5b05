/**
 * The relayer's fast path for lib/gifts/intents.ts's `recoverSigner`: the same checks and answer,
 * through libsecp256k1's native binding (the `secp256k1` package) instead of @noble/curves, about
 * ten times faster (bench/gifts.ts prints both). Node only: the web imports intents.ts.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import secp256k1 from 'secp256k1';
import { toBase58 } from '../address.js';

/** secp256k1n / 2: GiftVault refuses a signature whose s is above it (the malleable twin). */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** The base58 address that signed `digest`, or undefined for a signature GiftVault would refuse. */
export function recoverSignerNative(digest: Uint8Array, signature: string | Uint8Array): string | undefined {
  let sig: Uint8Array;
  try {
    sig = typeof signature === 'string' ? hexToBytes(signature.replace(/^0x/, '')) : signature;
  } catch {
    return undefined;
  }
  if (sig.length !== 65 || digest.length !== 32) return undefined;
  const v = sig[64]!;
  if (v !== 27 && v !== 28) return undefined;
  if (BigInt(`0x${bytesToHex(sig.subarray(32, 64))}`) > HALF_ORDER) return undefined;
  try {
    const pub = secp256k1.ecdsaRecover(sig.subarray(0, 64), v - 27, digest, false);
    return toBase58(`41${bytesToHex(keccak_256(pub.subarray(1)).subarray(12))}`);
  } catch {
    return undefined;
  }
}
