/** Reward epochs and claims. */
import type { Resolvers } from '../generated/types.js';
import { chainCursor, fin, page, pageSize } from '../pagination.js';
import { rewardClaimsPage, rewardEpochsPage, type RewardEpochRow } from '../queries/rewards.js';
import type { RewardEpoch } from '../generated/types.js';

function epochOf(r: RewardEpochRow, final: number): RewardEpoch {
  return {
    epochId: BigInt(r.epoch_id),
    token: r.token,
    merkleRoot: r.merkle_root,
    total: BigInt(r.total),
    claimed: BigInt(r.claimed),
    claimCount: r.claim_count,
    claimDeadline: r.claim_deadline,
    uri: r.uri,
    publishedAt: r.published_at,
    txId: r.published_tx_id,
    swept: r.swept === 1,
    sweptAmount: BigInt(r.swept_amount),
    sweptAt: r.swept_at,
    cancelled: r.cancelled === 1,
    cancelledAt: r.cancelled_at,
    blockNumber: r.block_number,
    finality: fin(r.block_number, final),
  };
}

export const rewardResolvers: Resolvers = {
  Query: {
    rewardEpochs: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await rewardEpochsPage(ctx.db, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => epochOf(r, final),
        (r) => r.epoch_id,
      );
    },
    rewardClaims: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await rewardClaimsPage(ctx.db, args.account, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          epochId: BigInt(r.epoch_id),
          claimIndex: BigInt(r.claim_index),
          account: r.account,
          amount: BigInt(r.amount),
          category: r.category,
          txId: r.tx_id,
          blockNumber: r.block_number,
          timestamp: r.timestamp,
          finality: fin(r.block_number, final),
        }),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index),
      );
    },
  },
};
