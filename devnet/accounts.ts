/**
 * Deterministic devnet keys. DEVNET ONLY: anyone can derive these keys from the seed, so they must
 * never hold value on a real network. They exist so that `npm start`, tronbox and the tests share
 * funded accounts without storing a private key anywhere.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from './chain/hex.js';
import { toBase58 } from '../lib/address.js';

export const DEFAULT_SEED = 'blive devnet';

export interface DevAccount {
  /** base58 `T...` */
  address: string;
  /** `41...` hex */
  hex: string;
  /** 64-hex private key, no `0x`. */
  privateKey: string;
}

/** The `41...` address of a private key. */
export function addressOfKey(privateKey: string): string {
  const pub = secp256k1.getPublicKey(Buffer.from(privateKey, 'hex'), false);
  return `41${bytesToHex(keccak_256(pub.slice(1))).slice(24)}`;
}

/** Derives key `label` from the seed: sha256("<seed>/<label>"), a valid secp256k1 scalar. */
export function deriveKey(seed: string, label: string): string {
  for (let attempt = 0; ; attempt++) {
    const key = bytesToHex(sha256(Buffer.from(`${seed}/${label}${attempt ? `/${attempt}` : ''}`)));
    if (secp256k1.utils.isValidSecretKey(Buffer.from(key, 'hex'))) return key;
  }
}

export function devAccount(privateKey: string): DevAccount {
  const hex = addressOfKey(privateKey);
  return { address: toBase58(hex), hex, privateKey };
}

/** The first `count` funded accounts of a seed. */
export function devAccounts(seed: string, count: number): DevAccount[] {
  return Array.from({ length: count }, (_, i) => devAccount(deriveKey(seed, `account/${i}`)));
}

/** The block producer's key. */
export function witnessAccount(seed: string): DevAccount {
  return devAccount(deriveKey(seed, 'witness'));
}
