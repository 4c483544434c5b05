/** Pure formatting helpers: amounts are bigint base units end to end, never floats. */

/** Formats base units as a decimal string, trimming trailing zeros and capping the fraction digits. */
export function formatUnits(amount: bigint | string, decimals: number, maxFraction = decimals): string {
  let v = typeof amount === 'string' ? BigInt(amount) : amount;
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let frac = (v % base).toString().padStart(decimals, '0').slice(0, Math.max(0, maxFraction)).replace(/0+$/, '');
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (frac === '' && maxFraction < decimals && v % base !== 0n && whole === 0n) {
    // Too small to show with the digits allowed: say so instead of printing 0.
    return `${negative ? '-' : ''}<0.${'0'.repeat(Math.max(0, maxFraction - 1))}1`;
  }
  return `${negative ? '-' : ''}${wholeText}${frac ? '.' + frac : ''}`;
}

/** Parses a user's decimal text ("1.5", "1,000") into base units; throws on anything else. */
export function parseUnits(text: string, decimals: number): bigint {
  const t = text.trim().replace(/,/g, '');
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(t)) throw new Error('Enter a positive number, like 12.5');
  const [whole = '0', frac = ''] = t.split('.');
  if (frac.length > decimals) throw new Error(`At most ${decimals} decimal places`);
  return BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}

/** `TJRab...RTv8` */
export function shortAddress(address: string | null | undefined): string {
  if (!address) return '';
  return address.length > 12 ? `${address.slice(0, 5)}…${address.slice(-4)}` : address;
}

/** "3 min ago", "in 2 h" relative to `now` (ms). */
export function relativeTime(at: number, now: number): string {
  const d = Math.round((at - now) / 1000);
  const abs = Math.abs(d);
  const [n, unit] =
    abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.floor(abs / 60), 'min'] : abs < 86400 ? [Math.floor(abs / 3600), 'h'] : [Math.floor(abs / 86400), 'd'];
  if (abs < 5) return 'now';
  return d < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** ISO-like local date and time, minute precision. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export interface GiftMeta {
  name: string;
  animation: string;
}

/** Reads a catalog uri: `data:application/json,{"name":..,"animation":..}` as the migrations write it, else the string itself as the name. */
export function parseGiftUri(uri: string, giftId: string): GiftMeta {
  const prefix = 'data:application/json,';
  if (uri.startsWith(prefix)) {
    let raw = uri.slice(prefix.length);
    try {
      raw = decodeURIComponent(raw);
    } catch {
      // Not percent-encoded: the migrations write raw JSON.
    }
    try {
      const j = JSON.parse(raw) as { name?: unknown; animation?: unknown };
      const name = typeof j.name === 'string' && j.name ? j.name : `Gift #${giftId}`;
      const animation = typeof j.animation === 'string' ? j.animation : 'default';
      return { name, animation };
    } catch {
      return { name: `Gift #${giftId}`, animation: 'default' };
    }
  }
  return { name: uri || `Gift #${giftId}`, animation: 'default' };
}

/** Escapes one CSV-ish field for display in a title attribute etc. (not HTML: Svelte escapes text). */
export function ellipsize(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}
