/**
 * The relayer's fast path for lib/gifts/intents.ts's `recoverSigner`: the same checks
 * (`splitSignature`) and answer, through libsecp256k1's native binding (the `secp256k1` package)
 * instead of @noble/curves, about ten times faster (bench/gifts.ts prints both). Node only: the web
 * imports intents.ts.
 */
import secp256k1 from 'secp256k1';
import { addressOfPublicKey, splitSignature } from './intents.js';

/** The base58 address that signed `digest`, or undefined for a signature GiftVault would refuse. */
export function recoverSignerNative(digest: Uint8Array, signature: string | Uint8Array): string | undefined {
  const split = splitSignature(signature);
  if (!split || digest.length !== 32) return undefined;
  try {
    return addressOfPublicKey(secp256k1.ecdsaRecover(split.rs, split.recovery, digest, false));
  } catch {
    return undefined;
  }
}
