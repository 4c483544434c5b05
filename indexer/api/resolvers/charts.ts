/** Leaderboards: top gifters or broadcasters per token and period, or within one stream. */
import { periodStart } from '../../db/views.js';
import { apiError } from '../context.js';
import type { QueryLeaderboardArgs, Resolvers } from '../generated/types.js';
import { fin, pageSize } from '../pagination.js';
import { topAccountsOf } from '../queries/charts.js';

/** The stream a chart is about (a per-stream chart needs period ALL and the stream's broadcaster). */
function chartStream(args: QueryLeaderboardArgs): string | undefined {
  const stream = args.streamId === null || args.streamId === undefined ? undefined : args.streamId.toString();
  if (stream !== undefined && args.period !== 'ALL')
    throw apiError('BAD_ARGUMENT', 'per-stream charts exist for period ALL only');
  if (stream !== undefined && !args.broadcaster)
    throw apiError('BAD_ARGUMENT', "a per-stream chart needs the stream's broadcaster");
  if (stream === undefined && args.broadcaster)
    throw apiError('BAD_ARGUMENT', 'broadcaster picks a per-stream chart: give streamId too');
  return stream;
}

export const chartResolvers: Resolvers = {
  Query: {
    leaderboard: async (_, args, ctx) => {
      const n = pageSize(args.first, 10);
      const stream = chartStream(args);
      const start = periodStart(args.period, args.at ?? (await ctx.now()));
      const top = await topAccountsOf(ctx.db, {
        kind: args.kind,
        period: args.period,
        periodStart: start,
        token: args.token,
        ...(stream === undefined ? {} : { stream: { broadcaster: args.broadcaster!, streamId: stream } }),
        limit: n,
      });
      const final = await ctx.final();
      return {
        kind: args.kind,
        period: args.period,
        periodStart: start,
        token: args.token,
        streamId: stream === undefined ? null : BigInt(stream),
        broadcaster: stream === undefined ? null : (args.broadcaster ?? null),
        entries: top.map((t, i) => ({
          rank: i + 1,
          account: t.account,
          amount: t.amount,
          giftCount: t.giftCount,
          blockNumber: t.blockNumber,
          finality: fin(t.blockNumber, final),
        })),
      };
    },
  },
};
