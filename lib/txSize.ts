/**
 * The size of a signed TRON transaction as java-tron counts bandwidth: the protobuf `Transaction`
 * with `raw_data` (field 1) and each signature (field 2) length-delimited, without `ret`. The
 * devnet bills it; the web estimates it before signing. Pure, so both share it.
 */

/** Bytes of a protobuf varint. */
export function varintLen(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Bytes of the signed transaction: `rawBytes` of `raw_data` and one signature per entry of `signatureBytes`. */
export function signedTxBytes(rawBytes: number, signatureBytes: readonly number[]): number {
  let size = 1 + varintLen(rawBytes) + rawBytes;
  for (const len of signatureBytes) size += 1 + varintLen(len) + len;
  return size;
}
