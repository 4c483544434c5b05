/**
 * Sign-in with TRON: the EIP-4361 message layout with a TRON account. The wallet signs the text
 * with `signMessageV2` (TIP-191: "\x19TRON Signed Message:\n" + length + text).
 *
 * ```
 * localhost:8082 wants you to sign in with your TRON account:
 * TJRabPrwbZy45sbavfcjinPJC18kjpRTv8
 *
 * Sign in to BLive. This request costs nothing and sends no transaction.
 *
 * URI: http://localhost:8082
 * Version: 1
 * Chain ID: 0x2b6653dc
 * Nonce: 3f1b9c0e7d2a4b5c8e6f1a2b
 * Issued At: 2026-11-25T17:00:00.000Z
 * Expiration Time: 2026-11-25T17:05:00.000Z
 * ```
 */

export interface SignInFields {
  domain: string;
  address: string;
  statement: string;
  uri: string;
  version: '1';
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime: string;
}

const HEADER = ' wants you to sign in with your TRON account:';

/** The text to sign. */
export function formatSignIn(f: SignInFields): string {
  return [
    `${f.domain}${HEADER}`,
    f.address,
    '',
    f.statement,
    '',
    `URI: ${f.uri}`,
    `Version: ${f.version}`,
    `Chain ID: ${f.chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt}`,
    `Expiration Time: ${f.expirationTime}`,
  ].join('\n');
}

/** The fields of a sign-in message, or undefined when it does not have the layout. */
export function parseSignIn(text: string): SignInFields | undefined {
  const lines = text.split('\n');
  if (lines.length !== 11 || !lines[0]!.endsWith(HEADER) || lines[2] !== '' || lines[4] !== '') return undefined;
  const field = (i: number, name: string): string | undefined => {
    const l = lines[i]!;
    return l.startsWith(`${name}: `) ? l.slice(name.length + 2) : undefined;
  };
  const uri = field(5, 'URI');
  const version = field(6, 'Version');
  const chainId = field(7, 'Chain ID');
  const nonce = field(8, 'Nonce');
  const issuedAt = field(9, 'Issued At');
  const expirationTime = field(10, 'Expiration Time');
  if (
    uri === undefined ||
    version !== '1' ||
    chainId === undefined ||
    nonce === undefined ||
    issuedAt === undefined ||
    expirationTime === undefined
  )
    return undefined;
  if (Number.isNaN(Date.parse(issuedAt)) || Number.isNaN(Date.parse(expirationTime))) return undefined;
  return {
    domain: lines[0]!.slice(0, -HEADER.length),
    address: lines[1]!,
    statement: lines[3]!,
    uri,
    version,
    chainId,
    nonce,
    issuedAt,
    expirationTime,
  };
}
