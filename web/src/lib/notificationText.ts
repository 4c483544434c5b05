/**
 * What a notification says and where it leads, in plain words: the live service sends data
 * (lib/protocol/payloads.ts `notificationData`), the web writes the sentence, applying each
 * token's decimals and symbol.
 */
import type { Notification } from '../../../lib/protocol/payloads.js';
import { countOf, formatAmount, personName as who, shortAddress } from './format.js';

/** A token's symbol and decimals, or undefined when it is not one of the configured tokens. */
export type TokenLookup = (address: string) => { symbol: string; decimals: number } | undefined;

export interface NotificationText {
  title: string;
  body: string;
  /** A path of the app, or a transaction link. */
  href: string;
}

/** "12.5 TRX" (an unlisted token: its base units and address). */
export function amountText(amount: string, token: string, tokens: TokenLookup): string {
  const t = tokens(token);
  return t ? `${formatAmount(amount, t.decimals)} ${t.symbol}` : `${amount} base units of ${shortAddress(token)}`;
}

/** Sums amounts per token, in the order the tokens first appear: "30 TRX + 2 USDT". */
function totals(lines: { token: string; amount: string }[], tokens: TokenLookup): string {
  const by = new Map<string, bigint>();
  for (const l of lines) by.set(l.token, (by.get(l.token) ?? 0n) + BigInt(l.amount));
  return [...by].map(([token, v]) => amountText(String(v), token, tokens)).join(' + ');
}

/** The notification's sentence. `txLink` makes a transaction's link (the explorer's or the app's page). */
export function notificationText(
  n: Notification,
  tokens: TokenLookup,
  txLink: (txId: string) => string,
): NotificationText {
  const d = n.data;
  switch (d.kind) {
    case 'live':
      return { title: `${who(d.broadcaster, d.handle)} is live`, body: d.title, href: `/stream/${d.streamId}` };
    case 'gift': {
      const items = d.gifts.map((g) => `${g.quantity} × ${g.name}`).join(', ');
      const yours = totals(
        d.gifts.map((g) => ({ token: g.token, amount: g.broadcasterAmount })),
        tokens,
      );
      return {
        title: `${who(d.sender, d.senderHandle)} sent you ${items}`,
        body: `Your share: ${yours}, confirmed on chain.`,
        href: txLink(d.txId),
      };
    }
    case 'claimable':
      return {
        title: `${amountText(d.amount, d.token, tokens)} ready to claim`,
        body: `Your share of ${countOf(d.gifts, 'gift')} is no longer on hold.`,
        href: '/earnings',
      };
    case 'dm':
      return {
        title: d.count > 1 ? `${who(d.from, d.handle)} · ${countOf(d.count, 'new message')}` : who(d.from, d.handle),
        body: d.text,
        href: `/messages?with=${encodeURIComponent(d.from)}`,
      };
  }
}

/** What each kind is, for the settings. */
export const KIND_LABELS = {
  live: 'A channel I follow goes live',
  gift: 'Gifts I receive',
  claimable: 'Earnings ready to claim',
  dm: 'Direct messages',
} as const;
