/** Lower-case hex without `0x`. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string, with or without `0x`; throws on odd length or non-hex characters. */
export function hexToBytes(hex: string): Uint8Array {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error(`invalid hex: ${hex.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/** Hex of a UTF-8 string, as java-tron encodes messages. */
export function utf8ToHex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}
