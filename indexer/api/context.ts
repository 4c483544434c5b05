/** What every resolver gets: the database, the pubsub of subscriptions, and per-request reads. */
import { GraphQLError } from 'graphql';
import type { PubSub } from 'graphql-yoga';
import type { Indexer } from '../index.js';
import type { ApiDb } from './apiDb.js';
import type { FinalityUpdate, Gift } from './generated/types.js';
import type { LedgerEntryNode } from './nodes.js';

export type ApiPubSub = PubSub<{ gift: [Gift]; ledger: [LedgerEntryNode]; final: [FinalityUpdate] }>;

export type ApiContext = {
  db: ApiDb;
  indexer?: Indexer;
  pubsub: ApiPubSub;
  /** The final block, read once per request. */
  final(): Promise<number>;
  /** The last indexed block's time (ms), the default 'now' of time-dependent views. */
  now(): Promise<number>;
  /** The wall clock (ms) and when this operation must have finished: no resolver starts after it. */
  clock(): number;
  deadline: number;
};

/** An expected failure: a message for the client and its code. */
export function apiError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}
