/** The double-entry ledger and the ledgerEntries subscription. */
import { filter, pipe } from 'graphql-yoga';
import type { Resolvers, Side } from '../generated/types.js';
import type { LedgerEntryNode } from '../nodes.js';
import { chainCursor, fin, page, pageSize } from '../pagination.js';
import { ledgerPage, type LedgerRow } from '../queries/ledger.js';
import { parseAddress } from '../scalars.js';

export function ledgerOf(r: LedgerRow, final: number): LedgerEntryNode {
  return {
    id: r.id,
    cursor: chainCursor(r.block_number, r.tx_index, r.log_index, r.entry_index),
    txId: r.tx_id,
    blockNumber: r.block_number,
    txIndex: r.tx_index,
    logIndex: r.log_index,
    entryIndex: r.entry_index,
    timestamp: r.timestamp,
    finality: fin(r.block_number, final),
    kind: r.kind,
    account: r.account,
    // The handlers write only the enum's names.
    side: r.side as Side,
    token: r.token,
    amount: BigInt(r.amount),
    removed: false,
  };
}

/** The ledger accounts of a filter's `account`: a bare address means its wallet, vault, escrow and reserve. */
export function ledgerAccounts(account: string): string[] {
  if (account.startsWith('T') && !account.includes(':')) {
    const a = parseAddress(account);
    return [`wallet:${a}`, `vault:${a}`, `escrow:${a}`, `reserve:${a}`];
  }
  const m = /^(wallet|vault|escrow|reserve):(.*)$/.exec(account);
  if (m) parseAddress(m[2]);
  return [account];
}

export const ledgerResolvers: Resolvers = {
  Query: {
    ledger: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await ledgerPage(ctx.db, args.filter, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => ledgerOf(r, final),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index, r.entry_index),
      );
    },
  },
  Subscription: {
    ledgerEntries: {
      subscribe: async (_, args, ctx) => {
        const mine = new Set(ledgerAccounts(args.address));
        return pipe(
          ctx.pubsub.subscribe('ledger'),
          filter((l: LedgerEntryNode) => mine.has(l.account)),
        );
      },
      resolve: (l: LedgerEntryNode) => l,
    },
  },
};
