/** The gift catalog, gifts, stream totals and the giftSent subscription. */
import { filter, pipe } from 'graphql-yoga';
import type { Gift, PaidFrom, Resolvers } from '../generated/types.js';
import { chainCursor, fin, page, pageSize } from '../pagination.js';
import { giftCatalogPage, giftsPage, streamTotalsPage, type GiftRow } from '../queries/gifts.js';

export function giftOf(r: GiftRow, final: number): Gift {
  return {
    txId: r.tx_id,
    blockNumber: r.block_number,
    txIndex: r.tx_index,
    logIndex: r.log_index,
    timestamp: r.timestamp,
    finality: fin(r.block_number, final),
    sender: r.sender,
    broadcaster: r.broadcaster,
    giftId: BigInt(r.gift_id),
    quantity: r.quantity,
    token: r.token,
    total: BigInt(r.total),
    broadcasterAmount: BigInt(r.broadcaster_amount),
    poolAmount: BigInt(r.pool_amount),
    platformAmount: BigInt(r.platform_amount),
    streamId: BigInt(r.stream_id),
    releaseAt: r.release_at,
    // The handler writes only the enum's names.
    paidFrom: r.paid_from as PaidFrom,
    relayed: Boolean(r.relayed),
    intentHash: r.intent_hash,
    signer: r.signer,
    sessionKey: r.session_key,
    removed: false,
  };
}

export const giftResolvers: Resolvers = {
  Query: {
    giftCatalog: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await giftCatalogPage(ctx.db, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          giftId: BigInt(r.gift_id),
          token: r.token,
          price: BigInt(r.price),
          enabled: Boolean(r.enabled),
          uri: r.uri,
          updatedAt: r.updated_at,
          blockNumber: r.block_number,
          finality: fin(r.block_number, final),
        }),
        (r) => r.gift_id,
      );
    },
    gifts: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await giftsPage(ctx.db, args.filter ?? {}, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => giftOf(r, final),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index),
      );
    },
    streamTotals: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await streamTotalsPage(ctx.db, args.broadcaster, args.streamId, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          streamId: BigInt(r.stream_id),
          broadcaster: r.broadcaster,
          token: r.token,
          total: BigInt(r.total),
          broadcasterAmount: BigInt(r.broadcaster_amount),
          giftCount: r.gift_count,
          firstGiftAt: r.first_gift_at,
          lastGiftAt: r.last_gift_at,
          blockNumber: r.block_number,
          finality: fin(r.block_number, final),
        }),
        (r) => r.token,
      );
    },
  },
  Subscription: {
    giftSent: {
      subscribe: (_, args, ctx) =>
        pipe(
          ctx.pubsub.subscribe('gift'),
          filter(
            (g: Gift) =>
              (args.streamId === null || args.streamId === undefined || g.streamId === args.streamId) &&
              (!args.broadcaster || g.broadcaster === args.broadcaster),
          ),
        ),
      resolve: (g: Gift) => g,
    },
  },
};
