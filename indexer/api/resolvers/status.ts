/** The sync's status and the finalized subscription. */
import type { Indexer } from '../../index.js';
import type { ApiDb } from '../apiDb.js';
import type { FinalityUpdate, Resolvers, Status } from '../generated/types.js';
import { finalBlock, lastBlockTime, syncCursor } from '../queries/status.js';

export type ApiStatus = Status;

/** The sync's figures: from the indexer when it runs in this process, else from the cursor (head unknown: -1). */
export async function apiStatus(db: ApiDb, indexer?: Indexer): Promise<ApiStatus> {
  const time = (await lastBlockTime(db)) ?? null;
  if (indexer) {
    const s = indexer.status();
    return { head: s.head, solidified: s.solidified, indexed: s.indexed, final: s.final, lag: s.lag, time };
  }
  const c = await syncCursor(db);
  return {
    head: -1,
    solidified: -1,
    indexed: c?.indexed_number ?? -1,
    final: c?.final_number ?? (await finalBlock(db)),
    lag: 0,
    time,
  };
}

export const statusResolvers: Resolvers = {
  Query: {
    status: (_, __, ctx) => apiStatus(ctx.db, ctx.indexer),
  },
  Subscription: {
    finalized: {
      subscribe: (_, __, ctx) => ctx.pubsub.subscribe('final'),
      resolve: (f: FinalityUpdate) => f,
    },
  },
};
