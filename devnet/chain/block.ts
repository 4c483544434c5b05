/** Block headers: TRON's `BlockHeader.raw` protobuf, block ids and the transaction trie root. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { signTxID } from './tx.js';

export interface HeaderFields {
  number: number;
  timestamp: number;
  parentHash: string;
  txTrieRoot: string;
  witness: string;
  version: number;
}

function varint(n: bigint, out: number[]): void {
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function fieldVarint(field: number, n: number, out: number[]): void {
  if (n === 0) return;
  varint(BigInt((field << 3) | 0), out);
  varint(BigInt(n), out);
}

function fieldBytes(field: number, hex: string, out: number[]): void {
  const b = hexToBytes(hex);
  if (b.length === 0) return;
  varint(BigInt((field << 3) | 2), out);
  varint(BigInt(b.length), out);
  for (const x of b) out.push(x);
}

/** Protobuf encoding of `BlockHeader.raw` (fields as in TRON's Tron.proto). */
export function encodeHeaderRaw(h: HeaderFields): Uint8Array {
  const out: number[] = [];
  fieldVarint(1, h.timestamp, out);
  fieldBytes(2, h.txTrieRoot, out);
  fieldBytes(3, h.parentHash, out);
  fieldVarint(7, h.number, out);
  fieldBytes(9, h.witness, out);
  fieldVarint(10, h.version, out);
  return new Uint8Array(out);
}

/** Block id: 8 bytes of height followed by bytes 8..32 of sha256(raw header). */
export function blockIdOf(h: HeaderFields): string {
  const hash = bytesToHex(sha256(encodeHeaderRaw(h)));
  return h.number.toString(16).padStart(16, '0') + hash.slice(16);
}

/** Signature of the header hash by the producing witness. */
export function signHeader(h: HeaderFields, witnessKey: string): string {
  return signTxID(bytesToHex(sha256(encodeHeaderRaw(h))), witnessKey);
}

/** Merkle root of sha256 leaves of the signed transactions; 32 zero bytes for an empty block. */
export function txTrieRoot(signedTxHexes: string[]): string {
  if (signedTxHexes.length === 0) return '00'.repeat(32);
  let level: Uint8Array[] = signedTxHexes.map((h) => sha256(hexToBytes(h)));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i]!;
      const b = level[i + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const both = new Uint8Array(64);
      both.set(a, 0);
      both.set(b, 32);
      next.push(sha256(both));
    }
    level = next;
  }
  return bytesToHex(level[0]!);
}
