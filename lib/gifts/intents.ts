/**
 * The TIP-712 messages of GiftVault's gift sessions (`GiftIntent`, `OpenSession`, `CloseSession`):
 * their types, hashing, signing and signer recovery, defined once for the contract tests, the
 * relayer and the web. TIP-712 is EIP-712 with TRON addresses: an `address` is encoded as its
 * 20 bytes (TronWeb's encoder drops the `41` prefix), so the digest is the one Solidity computes
 * with `abi.encode` and `ecrecover` checks. Addresses are base58 here, amounts bigint. Pure
 * (@noble only, no Buffer, no node:*): the browser bundle imports it too.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { toBase58, toHex41 } from '../address.js';

/** The domain every GiftVault message is signed under; `chainId` is the chain's CHAINID. */
export interface GiftVaultDomain {
  name: 'BLive GiftVault';
  version: '1';
  chainId: bigint;
  /** The vault, base58. */
  verifyingContract: string;
}

/** A gift the sender agrees to pay for (IGiftSessions.GiftIntent). */
export interface GiftIntent {
  sender: string;
  broadcaster: string;
  giftId: bigint;
  quantity: bigint;
  streamId: bigint;
  token: string;
  maxTotal: bigint;
  /** A session's next nonce (0, 1, ...), or any unused one for a wallet-signed intent. */
  nonce: bigint;
  /** Unix seconds: the last second it may settle. */
  deadline: bigint;
  /**
   * `0x` + the 32-byte digest of the signer's previous intent (`NO_PREV` for none). In a batch an
   * intent's signature may be left out when the next intent names it here and is signed by the
   * same key: a run of one session's taps then costs the vault one signature recovery.
   */
  prev: string;
}

/** `prev` of an intent that follows none. */
export const NO_PREV = `0x${'00'.repeat(32)}`;

/** A viewer's request to open a session (IGiftSessions.OpenSession). */
export interface OpenSession {
  viewer: string;
  sessionKey: string;
  token: string;
  cap: bigint;
  expiresAt: bigint;
  deadline: bigint;
}

/** A viewer's request to close a session (IGiftSessions.CloseSession). */
export interface CloseSession {
  viewer: string;
  sessionKey: string;
  deadline: bigint;
}

interface Messages {
  GiftIntent: GiftIntent;
  OpenSession: OpenSession;
  CloseSession: CloseSession;
}
export type PrimaryType = keyof Messages;
type Field<M> = { name: keyof M & string; type: 'address' | 'uint256' | 'bytes32' };

/** The field lists, in the order of the Solidity structs (TronWeb's `types` argument takes them as they are). */
export const TYPES: { [K in PrimaryType]: readonly Field<Messages[K]>[] } = {
  GiftIntent: [
    { name: 'sender', type: 'address' },
    { name: 'broadcaster', type: 'address' },
    { name: 'giftId', type: 'uint256' },
    { name: 'quantity', type: 'uint256' },
    { name: 'streamId', type: 'uint256' },
    { name: 'token', type: 'address' },
    { name: 'maxTotal', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
    { name: 'prev', type: 'bytes32' },
  ],
  OpenSession: [
    { name: 'viewer', type: 'address' },
    { name: 'sessionKey', type: 'address' },
    { name: 'token', type: 'address' },
    { name: 'cap', type: 'uint256' },
    { name: 'expiresAt', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
  CloseSession: [
    { name: 'viewer', type: 'address' },
    { name: 'sessionKey', type: 'address' },
    { name: 'deadline', type: 'uint256' },
  ],
};

const DOMAIN_FIELDS = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
] as const;

const keccak = (b: Uint8Array): Uint8Array => keccak_256(b);
const typeString = (name: string, fields: readonly { name: string; type: string }[]): string =>
  `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
const typeHash = (name: string, fields: readonly { name: string; type: string }[]): Uint8Array =>
  keccak(utf8ToBytes(typeString(name, fields)));

/** The type string each struct hash starts from (GiftVault's `*_TYPEHASH` are their keccak256). */
export const TYPE_STRINGS = {
  GiftIntent: typeString('GiftIntent', TYPES.GiftIntent),
  OpenSession: typeString('OpenSession', TYPES.OpenSession),
  CloseSession: typeString('CloseSession', TYPES.CloseSession),
} as const;
const TYPE_HASHES = {
  GiftIntent: typeHash('GiftIntent', TYPES.GiftIntent),
  OpenSession: typeHash('OpenSession', TYPES.OpenSession),
  CloseSession: typeHash('CloseSession', TYPES.CloseSession),
};
const DOMAIN_TYPE_HASH = typeHash('EIP712Domain', DOMAIN_FIELDS);
const MAX_UINT256 = (1n << 256n) - 1n;

/** A uint256 as 32 big-endian bytes; throws outside 0..2^256-1. */
function word(n: bigint): Uint8Array {
  if (n < 0n || n > MAX_UINT256) throw new RangeError(`not a uint256: ${n}`);
  return hexToBytes(n.toString(16).padStart(64, '0'));
}

/** A `0x` + 64-hex bytes32 as its word; throws on anything else. */
function bytes32Word(v: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new TypeError(`not a bytes32: ${v}`);
  return hexToBytes(v.slice(2));
}

/** An address (base58 or hex) as its 20 bytes left-padded to a word, as TIP-712 encodes it. */
function addressWord(address: string): Uint8Array {
  const hex = toHex41(address);
  if (!hex) throw new TypeError(`not a TRON address: ${address}`);
  return hexToBytes(`${'0'.repeat(24)}${hex.slice(2)}`);
}

/** The domain of a vault on a chain. */
export function giftVaultDomain(chainId: bigint, vault: string): GiftVaultDomain {
  return { name: 'BLive GiftVault', version: '1', chainId, verifyingContract: vault };
}

/** The TIP-712 domain separator (GiftVault.domainSeparator()). */
export function domainSeparator(domain: GiftVaultDomain): Uint8Array {
  return keccak(
    concatBytes(
      DOMAIN_TYPE_HASH,
      keccak(utf8ToBytes(domain.name)),
      keccak(utf8ToBytes(domain.version)),
      word(domain.chainId),
      addressWord(domain.verifyingContract),
    ),
  );
}

/** The struct hash of a message: keccak256(typeHash || each field as a word). */
export function structHash<K extends PrimaryType>(type: K, message: Messages[K]): Uint8Array {
  const fields = TYPES[type] as readonly Field<Messages[K]>[];
  const words = fields.map((f) => {
    const v = message[f.name];
    if (f.type === 'address') return addressWord(v as string);
    return f.type === 'bytes32' ? bytes32Word(v as string) : word(v as bigint);
  });
  return keccak(concatBytes(TYPE_HASHES[type], ...words));
}

/** The digest that is signed: keccak256(0x1901 || domainSeparator || structHash). */
export function typedDigest<K extends PrimaryType>(domain: GiftVaultDomain, type: K, message: Messages[K]): Uint8Array {
  return digestOf(domainSeparator(domain), structHash(type, message));
}

/** The digest from a domain separator computed once (what a relayer verifying many intents does). */
export function digestOf(separator: Uint8Array, hash: Uint8Array): Uint8Array {
  return keccak(concatBytes(Uint8Array.of(0x19, 0x01), separator, hash));
}

/** A gift intent's digest: the `intentHash` of GiftSettled and IntentSkipped. */
export const giftIntentDigest = (domain: GiftVaultDomain, intent: GiftIntent): Uint8Array =>
  typedDigest(domain, 'GiftIntent', intent);

/** `0x` + hex. */
export const hex0x = (b: Uint8Array): string => `0x${bytesToHex(b)}`;

const keyBytes = (privateKey: string | Uint8Array): Uint8Array =>
  typeof privateKey === 'string' ? hexToBytes(privateKey.replace(/^0x/, '')) : privateKey;

/** Signs a digest: `0x` + r || s || v (65 bytes, v 27 or 28, low s), the form GiftVault and TronWeb use. */
export function signDigest(digest: Uint8Array, privateKey: string | Uint8Array): string {
  const sig = secp256k1.sign(digest, keyBytes(privateKey), { prehash: false, format: 'recovered', lowS: true });
  // noble's recovered form is recovery || r || s.
  return hex0x(concatBytes(sig.subarray(1), Uint8Array.of(27 + sig[0]!)));
}

/** Signs a message under a domain with a private key (hex or bytes). */
export function signTyped<K extends PrimaryType>(
  domain: GiftVaultDomain,
  type: K,
  message: Messages[K],
  privateKey: string | Uint8Array,
): string {
  return signDigest(typedDigest(domain, type, message), privateKey);
}

/**
 * A 65-byte r||s||v signature split for recovery, or undefined for one GiftVault would refuse
 * (not 65 bytes or not hex, v not 27/28, s in the upper half: the malleable twin). Both recovery
 * paths (`recoverSigner`, the relayer's native `recoverSignerNative`) check through this.
 */
export function splitSignature(signature: string | Uint8Array): { rs: Uint8Array; recovery: 0 | 1 } | undefined {
  let sig: Uint8Array;
  try {
    sig = typeof signature === 'string' ? hexToBytes(signature.replace(/^0x/, '')) : signature;
  } catch {
    return undefined;
  }
  if (sig.length !== 65) return undefined;
  const v = sig[64]!;
  if (v !== 27 && v !== 28) return undefined;
  const rs = sig.subarray(0, 64);
  if (BigInt(`0x${bytesToHex(rs.subarray(32))}`) > HALF_ORDER) return undefined;
  return { rs, recovery: v === 27 ? 0 : 1 };
}

/** secp256k1n / 2: GiftVault refuses a signature whose s is above it. */
const HALF_ORDER = secp256k1.Point.CURVE().n >> 1n;

/**
 * The base58 address that signed `digest`, or undefined for a signature GiftVault would refuse
 * (see `splitSignature`) or that recovers no point.
 */
export function recoverSigner(digest: Uint8Array, signature: string | Uint8Array): string | undefined {
  const split = splitSignature(signature);
  if (!split) return undefined;
  try {
    const s = secp256k1.Signature.fromBytes(concatBytes(Uint8Array.of(split.recovery), split.rs), 'recovered');
    return addressOfPublicKey(s.recoverPublicKey(digest).toBytes(false));
  } catch {
    return undefined;
  }
}

/** The base58 address of an uncompressed (65-byte) public key. */
export function addressOfPublicKey(publicKey: Uint8Array): string {
  return toBase58(`41${bytesToHex(keccak(publicKey.subarray(1)).subarray(12))}`);
}

/** The base58 address of a private key (hex or bytes). */
export function addressOfPrivateKey(privateKey: string | Uint8Array): string {
  return addressOfPublicKey(secp256k1.getPublicKey(keyBytes(privateKey), false));
}

/** A new session key from the platform's CSPRNG (crypto.getRandomValues): its private key (hex) and address. */
export function generateSessionKey(): { privateKey: string; address: string } {
  const { secretKey } = secp256k1.keygen();
  return { privateKey: bytesToHex(secretKey), address: addressOfPrivateKey(secretKey) };
}

/**
 * The arguments of TronWeb's `trx._signTypedData(domain, types, value)` (TronLink's too) for a
 * message, so a wallet signs exactly what `typedDigest` hashes.
 */
export function tronWebTypedData<K extends PrimaryType>(
  domain: GiftVaultDomain,
  type: K,
  message: Messages[K],
): {
  domain: { name: string; version: string; chainId: string; verifyingContract: string };
  types: Record<K, { name: string; type: string }[]>;
  value: Record<string, string>;
} {
  const value: Record<string, string> = {};
  for (const f of TYPES[type] as readonly Field<Messages[K]>[]) value[f.name] = String(message[f.name]);
  return {
    domain: { ...domain, chainId: domain.chainId.toString() },
    types: { [type]: TYPES[type].map((f) => ({ name: f.name, type: f.type })) } as Record<
      K,
      { name: string; type: string }[]
    >,
    value,
  };
}

/** `0x` + the 20-byte hex of an address, as an ABI coder takes it. */
export function evmAddress(address: string): string {
  const hex = toHex41(address);
  if (!hex) throw new TypeError(`not a TRON address: ${address}`);
  return `0x${hex.slice(2)}`;
}

/** The fields of a message in struct order, addresses as `0x` + 20-byte hex: the tuple an ABI coder takes. */
export function messageTuple<K extends PrimaryType>(type: K, message: Messages[K]): (string | bigint)[] {
  return (TYPES[type] as readonly Field<Messages[K]>[]).map((f) =>
    f.type === 'address' ? evmAddress(message[f.name] as string) : (message[f.name] as bigint | string),
  );
}

/** A gift intent as the tuple of `settleGifts`. */
export const intentTuple = (i: GiftIntent): (string | bigint)[] => messageTuple('GiftIntent', i);

/** IGiftSessions.SkipReason, by its index in IntentSkipped's `reason`. */
export const SKIP_REASONS = [
  'BadSignature',
  'Replayed',
  'NonceGap',
  'SessionEnded',
  'Expired',
  'WrongToken',
  'SelfGift',
  'NotBroadcaster',
  'UnknownGift',
  'GiftDisabled',
  'InvalidQuantity',
  'TokenNotAllowed',
  'TermsChanged',
  'GiftTooSmall',
  'OverCap',
  'InsufficientBalance',
  'OutOfRange',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** GiftSettled's words, as an ABI decoder gives them (IGiftSessions.GiftSettled). */
export interface GiftSettledWords {
  senderGift: bigint;
  broadcasterStream: bigint;
  signerTerms: bigint;
  total: bigint;
}

/** What GiftSettled's words carry, addresses base58, with the shares its split gives. */
export interface GiftSettledFields {
  sender: string;
  giftId: bigint;
  quantity: bigint;
  broadcaster: string;
  streamId: bigint;
  /** The session key or the sender's wallet that signed the intent. */
  signer: string;
  releaseAt: bigint;
  broadcasterBps: number;
  poolBps: number;
  total: bigint;
  broadcasterAmount: bigint;
  poolAmount: bigint;
  platformAmount: bigint;
}

const mask = (bits: bigint): bigint => (1n << bits) - 1n;
const highAddress = (w: bigint): string => toBase58(`41${(w >> 96n).toString(16).padStart(40, '0')}`);
const BPS = 10_000n;

/**
 * Unpacks GiftSettled's words by the bit layout IGiftSessions documents; the shares are the
 * split's, rounded down as the vault rounds them (broadcaster and pool, the platform the rest).
 */
export function unpackGiftSettled(w: GiftSettledWords): GiftSettledFields {
  const broadcasterBps = Number((w.signerTerms >> 16n) & mask(16n));
  const poolBps = Number(w.signerTerms & mask(16n));
  const broadcasterAmount = (w.total * BigInt(broadcasterBps)) / BPS;
  const poolAmount = (w.total * BigInt(poolBps)) / BPS;
  return {
    sender: highAddress(w.senderGift),
    giftId: (w.senderGift >> 32n) & mask(64n),
    quantity: w.senderGift & mask(32n),
    broadcaster: highAddress(w.broadcasterStream),
    streamId: w.broadcasterStream & mask(96n),
    signer: highAddress(w.signerTerms),
    releaseAt: (w.signerTerms >> 32n) & mask(64n),
    broadcasterBps,
    poolBps,
    total: w.total,
    broadcasterAmount,
    poolAmount,
    platformAmount: w.total - broadcasterAmount - poolAmount,
  };
}

/** A signed intent on its way into a batch. */
export interface SignedIntent {
  intent: GiftIntent;
  /** `0x` + 65 bytes. */
  signature: string;
  /** `0x` + its digest (`giftIntentDigest`). */
  digest: string;
}

/**
 * The order and signatures of a settleGifts batch: each signer's intents together, in nonce order
 * (sessions need theirs in order anyway), and a signature left empty (`0x`) wherever the next
 * intent of the batch names this one's digest as `prev` and comes from the same signer, so the
 * vault recovers one signature per run. `signerOf` tells whose each item is (the relayer knows it
 * from its checks); an intent whose successor does not chain to it keeps its signature.
 */
export function chainBatch<T extends SignedIntent>(
  items: readonly T[],
  signerOf: (item: T) => string,
): { items: T[]; signatures: string[] } {
  const order = new Map<string, number>();
  for (const it of items) if (!order.has(signerOf(it))) order.set(signerOf(it), order.size);
  const sorted = [...items].sort((a, b) => {
    const sa = order.get(signerOf(a))!;
    const sb = order.get(signerOf(b))!;
    if (sa !== sb) return sa - sb;
    return a.intent.nonce < b.intent.nonce ? -1 : a.intent.nonce > b.intent.nonce ? 1 : 0;
  });
  const signatures = sorted.map((it, i) => {
    const next = sorted[i + 1];
    const chained =
      next !== undefined &&
      signerOf(next) === signerOf(it) &&
      next.intent.prev.toLowerCase() === it.digest.toLowerCase();
    return chained ? '0x' : it.signature;
  });
  return { items: sorted, signatures };
}

/** GiftSettled's words from its fields (the inverse of unpackGiftSettled; for tests and tools). */
export function packGiftSettled(
  f: Omit<GiftSettledFields, 'broadcasterAmount' | 'poolAmount' | 'platformAmount'>,
): GiftSettledWords {
  const word = (address: string, low: bigint): bigint => (BigInt(`0x${toHex41(address)!.slice(2)}`) << 96n) | low;
  return {
    senderGift: word(f.sender, (f.giftId << 32n) | f.quantity),
    broadcasterStream: word(f.broadcaster, f.streamId),
    signerTerms: word(f.signer, (f.releaseAt << 32n) | (BigInt(f.broadcasterBps) << 16n) | BigInt(f.poolBps)),
    total: f.total,
  };
}
