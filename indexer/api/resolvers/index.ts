/**
 * Resolvers of the indexer's API, one module per domain, combined. They only read (the indexer is
 * the one writer) through the query modules in ../queries, and map rows to the GraphQL types
 * generated from the SDL (amounts as bigint, finality from the final block read once per request).
 * Lists are cursor-paginated in chain order, and expected failures are GraphQLErrors with an
 * UPPER_SNAKE `extensions.code`.
 */
import type { Resolvers } from '../generated/types.js';
import { scalars } from '../scalars.js';
import { chartResolvers } from './charts.js';
import { earningsResolvers } from './earnings.js';
import { giftResolvers } from './gifts.js';
import { ledgerResolvers } from './ledger.js';
import { profileResolvers } from './profiles.js';
import { rewardResolvers } from './rewards.js';
import { sessionResolvers } from './sessions.js';
import { statusResolvers } from './status.js';

const domains: Resolvers[] = [
  profileResolvers,
  giftResolvers,
  chartResolvers,
  earningsResolvers,
  ledgerResolvers,
  rewardResolvers,
  sessionResolvers,
  statusResolvers,
];

/** The domains' resolvers merged type by type (no two domains resolve the same field). */
function merge(parts: Resolvers[]): Resolvers {
  const out: Record<string, Record<string, unknown>> = {};
  for (const part of parts)
    for (const [type, fields] of Object.entries(part)) out[type] = { ...out[type], ...(fields as object) };
  return out as Resolvers;
}

export const resolvers: Resolvers = { ...scalars, ...merge(domains) };
