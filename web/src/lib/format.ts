/** Pure formatting helpers: amounts are bigint base units end to end, never floats. */

/** Formats base units as a decimal string, trimming trailing zeros and capping the fraction digits. */
export function formatUnits(amount: bigint | string, decimals: number, maxFraction = decimals): string {
  let v = typeof amount === 'string' ? BigInt(amount) : amount;
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  const frac = (v % base).toString().padStart(decimals, '0').slice(0, Math.max(0, maxFraction)).replace(/0+$/, '');
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (frac === '' && maxFraction < decimals && v % base !== 0n && whole === 0n) {
    // Too small to show with the digits allowed: say so instead of printing 0.
    return `${negative ? '-' : ''}<0.${'0'.repeat(Math.max(0, maxFraction - 1))}1`;
  }
  return `${negative ? '-' : ''}${wholeText}${frac ? `.${frac}` : ''}`;
}

/** A locale's decimal and grouping characters, and whether it groups Indian-style (12,34,567). */
export interface NumberStyle {
  decimal: string;
  group: string;
  indian: boolean;
}

/** The number style of a BCP 47 locale (the browser's when absent), from Intl.NumberFormat's parts. */
export function numberStyle(locale?: string): NumberStyle {
  const nf = new Intl.NumberFormat(locale, { useGrouping: true });
  const parts = nf.formatToParts(1234567.5);
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const ints = parts.filter((p) => p.type === 'integer').map((p) => p.value.length);
  return { decimal, group, indian: ints.length === 3 && ints[1] === 2 };
}

/** Characters that only ever group digits: spaces of every width and apostrophes (fr-FR, de-CH). */
const GROUP_ONLY = /^[\s\u00a0\u2007\u2009\u202f'\u2019\u02bc]$/u;

/** A parsed amount: `amount` in base units, or `error` saying what is wrong and how to write it. Both null for empty text. */
export interface AmountParse {
  amount: bigint | null;
  error: string | null;
}

export interface ParseAmountOptions {
  /** The locale whose separators the messages use (the browser's when absent). */
  locale?: string;
  /** Token symbol for messages ("TRX has at most 6 decimal places"). */
  symbol?: string;
  /** Accept 0 (default: refused with "Enter an amount above zero"). */
  allowZero?: boolean;
}

function groupsValid(groups: string[], indian: boolean): boolean {
  const [first, ...rest] = groups;
  if (!first || first.length > 3 || rest.length === 0) return false;
  if (rest.every((g) => g.length === 3)) return true;
  // Indian grouping: 12,34,56,789 (pairs, then the last three).
  return indian && first.length <= 2 && rest.slice(0, -1).every((g) => g.length === 2) && rest.at(-1)!.length === 3;
}

/**
 * Parses what a user typed in an amount field into base units (bigint, never a float), for any
 * locale: "1,5" is 1.5 and "1.234,5" is 1234.5 in de-DE, "1 234,5" in fr-FR (narrow no-break
 * space), "1,234.5" in en-US. Which mark is the decimal comes from the text itself: the last of
 * '.' and ',' when both appear, a mark repeated or followed by spaces is grouping, and a lone
 * mark is a decimal unless exactly three digits follow 1-3 others ("1,500", "1.500"): then both
 * readings are plausible, a factor of 1000 apart, and the text is refused with a message saying
 * how to write either. Exponents, signs and stray characters are refused too.
 */
export function parseAmount(text: string, decimals: number, opts: ParseAmountOptions = {}): AmountParse {
  const style = numberStyle(opts.locale);
  const dec = style.decimal === ',' ? ',' : '.';
  const t = text.trim();
  if (t === '') return { amount: null, error: null };
  const example = `12${dec}5`;
  if (/^[-\u2212\u2012\u2013+]/u.test(t)) return { amount: null, error: 'Enter a positive amount, without a sign.' };
  if (/^[\d.,]*e[+-]?\d*$/iu.test(t))
    return { amount: null, error: `Write the amount in full (no exponent), like ${example}.` };
  const tokens = t.match(/\d+|[^\d]/gu) ?? [];
  const digits: string[] = [];
  const marks: string[] = [];
  let expectDigits = true;
  for (const tok of tokens) {
    const isDigits = /^\d+$/.test(tok);
    if (!isDigits && tok !== '.' && tok !== ',' && !GROUP_ONLY.test(tok)) {
      return { amount: null, error: `Use only digits and one decimal mark, like ${example}.` };
    }
    if (isDigits) {
      digits.push(tok);
      expectDigits = false;
    } else {
      // A leading mark (".5") stands for an empty whole part; two marks in a row are refused.
      if (expectDigits && digits.length > 0)
        return { amount: null, error: `“${t}” has two separators in a row. Write it like ${example}.` };
      if (expectDigits) digits.push('');
      marks.push(tok);
      expectDigits = true;
    }
  }
  if (expectDigits && marks.length > 0) digits.push('');
  const unreadable = {
    amount: null,
    error: `“${t}” is not an amount we can read. Write it without thousands separators, like ${example}.`,
  };

  // Which mark, if any, is the decimal one.
  let decimalAt = -1;
  const puncts = marks.map((m, i) => [m, i] as const).filter(([m]) => m === '.' || m === ',');
  const kinds = new Set(puncts.map(([m]) => m));
  if (kinds.size === 2) {
    const [lastMark, lastIndex] = puncts.at(-1)!;
    if (puncts.filter(([m]) => m === lastMark).length > 1 || lastIndex !== marks.length - 1) return unreadable;
    decimalAt = lastIndex;
  } else if (kinds.size === 1) {
    const [mark] = [...kinds];
    const at = puncts.map(([, i]) => i);
    if (at.length === 1) {
      const i = at[0]!;
      const spacesAfter = marks.slice(i + 1).length > 0;
      if (spacesAfter) return unreadable;
      const spacesBefore = i > 0;
      const before = digits[i]!;
      const after = digits[i + 1]!;
      const groupPlausible =
        !spacesBefore && before.length >= 1 && before.length <= 3 && !/^0/.test(before) && after.length === 3;
      if (groupPlausible) {
        const asDecimal = `${before}${dec}${after.replace(/0+$/, '')}`.replace(/[.,]$/, '');
        return {
          amount: null,
          error: `“${t}” could mean ${asDecimal} or ${before}${after}. Write ${before}${after} without a separator, or ${asDecimal} for a decimal amount.`,
        };
      }
      decimalAt = i;
    } else if (marks.some((m) => m !== mark)) {
      return unreadable; // two kinds of grouping ("1,234 567")
    }
  }
  const wholeGroups = decimalAt < 0 ? digits : digits.slice(0, decimalAt + 1);
  const fraction = decimalAt < 0 ? '' : digits[decimalAt + 1]!;
  if (wholeGroups.length > 1) {
    const groupMarks = new Set(marks.slice(0, wholeGroups.length - 1).map((m) => (GROUP_ONLY.test(m) ? ' ' : m)));
    if (groupMarks.size > 1 || !groupsValid(wholeGroups, style.indian)) return unreadable;
  }
  const whole = wholeGroups.join('');
  if (whole === '' && fraction === '') return unreadable;
  if (fraction.length > decimals) {
    return { amount: null, error: `${opts.symbol ?? 'This token'} has at most ${decimals} decimal places.` };
  }
  const amount = BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (amount === 0n && !opts.allowZero) return { amount: null, error: 'Enter an amount above zero.' };
  return { amount, error: null };
}

/**
 * Formats base units for a reader of `locale`: its decimal mark and grouping (3-digit groups),
 * the fraction trimmed of trailing zeros and capped at `maxFraction` digits (rounded down).
 * `grouping: false` gives text an amount field accepts back as the same amount.
 */
export function formatAmount(
  amount: bigint | string,
  decimals: number,
  opts: { locale?: string; maxFraction?: number; grouping?: boolean } = {},
): string {
  const style = numberStyle(opts.locale);
  let v = typeof amount === 'string' ? BigInt(amount) : amount;
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const frac = (v % base)
    .toString()
    .padStart(decimals, '0')
    .slice(0, opts.maxFraction ?? decimals)
    .replace(/0+$/, '');
  let whole = (v / base).toString();
  if (opts.grouping !== false) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, style.group);
  return `${negative ? '-' : ''}${whole}${frac ? style.decimal + frac : ''}`;
}

/** Whole-number quantity parse: `value`, or `error`. */
export interface QuantityParse {
  value: number | null;
  error: string | null;
}

/** Parses a quantity field: whole numbers from 1 to `max` only, with a message for anything else (never throws). */
export function parseQuantity(text: string, max: number): QuantityParse {
  const t = text.trim();
  const range = `a whole number from 1 to ${max.toLocaleString('en-US')}`;
  if (t === '') return { value: null, error: `Enter a quantity: ${range}.` };
  if (/^\d*[.,]\d+$/.test(t) && !/^\d{1,3}[.,]\d{3}$/.test(t))
    return { value: null, error: `Whole gifts only: enter ${range}.` };
  if (!/^\d+$/.test(t)) return { value: null, error: `Enter ${range} (digits only).` };
  const v = BigInt(t);
  if (v < 1n) return { value: null, error: `At least 1: enter ${range}.` };
  if (v > BigInt(max))
    return { value: null, error: `At most ${max.toLocaleString('en-US')} per gift: enter ${range}.` };
  return { value: Number(v), error: null };
}

const englishPlural = new Intl.PluralRules('en');

/** "1 gift", "2 gifts", "0 gifts": a count with its noun (`plural` when it is not noun + "s"). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en')} ${englishPlural.select(n) === 'one' ? noun : plural}`;
}

/** A profile's page: `/@handle` when it has one, else `/u/<address>`. */
export function profileHref(address: string, handle?: string | null): string {
  return handle ? `/@${handle}` : `/u/${address}`;
}

/** How a person is named: `@handle`, else the short address. */
export function personName(address: string, handle?: string | null): string {
  return handle ? `@${handle}` : shortAddress(address);
}

/** How a channel a raid names is called: its broadcaster's `@handle`, else the stream's title. */
export function channelName(s: { handle: string | null; title: string }): string {
  return s.handle ? `@${s.handle}` : s.title;
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
    abs < 60
      ? [abs, 's']
      : abs < 3600
        ? [Math.floor(abs / 60), 'min']
        : abs < 86400
          ? [Math.floor(abs / 3600), 'h']
          : [Math.floor(abs / 86400), 'd'];
  if (abs < 5) return 'now';
  return d < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** A recording's length: "0:42", "12:05", "1:02:03". */
export function formatDuration(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  const p = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  return h ? `${h}:${p(m)}:${p(t % 60)}` : `${m}:${p(t % 60)}`;
}

/**
 * A live preview's URL for the 30 s window `now` falls in: the query string changes every 30 s,
 * so the card fetches the new snapshot, and stays the same in between, so the cache serves it.
 */
export function previewSrc(url: string, now: number): string {
  return `${url}${url.includes('?') ? '&' : '?'}t=${Math.floor(now / 30_000)}`;
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
