/** Exact decimal text of token amounts: bigint base units in, no float anywhere. */

/**
 * `amount` base units of a token with `decimals` as an exact decimal string with no grouping and
 * no trailing fraction zeros: 300000000000000000n, 18 -> "0.3"; -1500000n, 6 -> "-1.5".
 */
export function decimalText(amount: bigint | string, decimals: number): string {
  let v = typeof amount === 'string' ? BigInt(amount) : amount;
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const frac = decimals ? (v % base).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${v / base}${frac ? `.${frac}` : ''}`;
}
