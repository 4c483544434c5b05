/** Vault balances, a broadcaster's earnings, and split policies with their history. */
import { ZERO_ADDRESS } from '../../../lib/address.js';
import type { ApiContext } from '../context.js';
import type { PendingSplit, Resolvers } from '../generated/types.js';
import type { SplitPolicyNode } from '../nodes.js';
import { chainCursor, fin, page, pageSize } from '../pagination.js';
import {
  balancesPage,
  earningsPage,
  splitHistoryPage,
  splitPolicyOf,
  earningsAtTime,
  holdPeriodSeconds,
  splitAtTime,
  type SplitPolicyRow,
} from '../queries/earnings.js';

/** The split policy of a broadcaster at `at` (ms): whether an override applies, and what change is announced. */
async function splitPolicy(ctx: ApiContext, broadcaster: string, at: number): Promise<SplitPolicyNode> {
  const now = Math.floor(at / 1000) * 1000;
  const o = await splitPolicyOf(ctx.db, broadcaster);
  const due = (p: SplitPolicyRow): boolean => p.has_next === 1 && p.effective_at <= now;
  const overridden = !!o && (due(o) ? o.next_active === 1 : o.active === 1);
  const upcoming = (p: SplitPolicyRow | undefined): p is SplitPolicyRow =>
    !!p && p.has_next === 1 && p.effective_at > now;
  // The override's announced change if it has one, else the default's (when no override applies).
  const src = upcoming(o) ? o : !overridden ? await splitPolicyOf(ctx.db, ZERO_ADDRESS) : undefined;
  return {
    broadcaster,
    overridden,
    current: (await splitAtTime(ctx.db, broadcaster, at)) ?? null,
    pending: upcoming(src) ? pendingSplit(src) : null,
    holdSeconds: (await holdPeriodSeconds(ctx.db)) ?? null,
    at,
  };
}

function pendingSplit(src: SplitPolicyRow): PendingSplit {
  return {
    split:
      src.next_active === 1 || src.broadcaster === ZERO_ADDRESS
        ? { broadcasterBps: src.next_broadcaster_bps, poolBps: src.next_pool_bps, platformBps: src.next_platform_bps }
        : null,
    effectiveAt: src.effective_at,
  };
}

export const earningsResolvers: Resolvers = {
  SplitPolicy: {
    history: async (p, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await splitHistoryPage(ctx.db, p.broadcaster, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          kind: r.kind,
          broadcasterBps: r.broadcaster_bps,
          poolBps: r.pool_bps,
          platformBps: r.platform_bps,
          effectiveAt: r.effective_at,
          txId: r.tx_id,
          blockNumber: r.block_number,
          timestamp: r.timestamp,
          finality: fin(r.block_number, final),
        }),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index),
      );
    },
  },
  Query: {
    balances: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await balancesPage(ctx.db, args.address, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          user: r.user,
          token: r.token,
          amount: BigInt(r.amount),
          blockNumber: r.block_number,
          finality: fin(r.block_number, final),
        }),
        (r) => r.token,
      );
    },
    earnings: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const at = args.at ?? (await ctx.now());
      const rows = await earningsPage(ctx.db, args.broadcaster, n, args.after);
      const final = await ctx.final();
      const views = await Promise.all(
        rows.slice(0, n).map((r) => earningsAtTime(ctx.db, args.broadcaster, r.token, at)),
      );
      return page(
        rows,
        n,
        (r, i) => {
          const e = views[i]!;
          return {
            token: r.token,
            pending: e.pending,
            claimable: e.claimable,
            claimed: e.claimedTotal,
            escrowedTotal: e.escrowedTotal,
            nextReleaseAt: e.nextReleaseAt || null,
            at,
            blockNumber: r.block_number,
            finality: fin(r.block_number, final),
          };
        },
        (r) => r.token,
      );
    },
    splitPolicy: async (_, args, ctx) => splitPolicy(ctx, args.broadcaster, args.at ?? (await ctx.now())),
  },
};
