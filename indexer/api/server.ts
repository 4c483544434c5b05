/**
 * The indexer's HTTP API, built without listening (listen.ts listens; tests use `fetch`):
 * GraphQL (with GraphiQL) at /graphql, subscriptions over SSE, /health, /ready (503 until the
 * indexer has caught up with the head), /metrics (Prometheus text) and /ledger.csv (the filtered
 * ledger, streamed; routes.ts, csv.ts). It reads SQLite or Postgres through an ApiDb (apiDb.ts).
 * New gifts and ledger entries are published to subscribers after each batch the indexer in this
 * process commits, or after each change the writer announces (`changes`, an API replica on
 * Postgres), or by `publishNew()` (publisher.ts).
 *
 * Abuse is refused cheaply (guards.ts): the query limits (limits.ts, introspection included), a
 * request body cap (413 BODY_TOO_LARGE, checked before parsing), a response cap
 * (RESPONSE_TOO_LARGE) and an execution deadline checked before every resolver (QUERY_TIMEOUT);
 * introspection can be turned off for public deployments. This module composes them.
 */
import type { CsvToken } from './csv.js';
import { tokensOf } from '../../lib/webConfig.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';
import { createPubSub, createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Indexer } from '../index.js';
import type { IndexChanges } from '../db/notify.js';
import { intFrom } from '../../lib/config.js';
import { FatalError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { type ApiDb, isApiDb, sqliteApiDb } from './apiDb.js';
import type { ApiContext, ApiPubSub } from './context.js';
import { guardsPlugin, withDeadline } from './guards.js';
import { DEFAULT_LIMITS, type QueryLimits } from './limits.js';
import { createPublisher } from './publisher.js';
import { finalBlock, lastBlockTime } from './queries/status.js';
import { resolvers } from './resolvers/index.js';
import { apiStatus } from './resolvers/status.js';
import { routesPlugin } from './routes.js';
import { typeDefs } from './schema.js';

export interface IndexerApiOptions {
  /** The index: the indexer's SQLite handle, or an ApiDb (Postgres: postgresApiDb). */
  db: Database.Database | ApiDb;
  /** The indexer running in this process: status, readiness and subscriptions follow its commits. */
  indexer?: Indexer;
  /** The changes of a writer in another process (db/notify.ts): subscriptions follow them. */
  changes?: IndexChanges;
  log?: Logger;
  limits?: Partial<QueryLimits>;
  graphiql?: boolean;
  /**
   * Overrides readiness. Default with an indexer: not ready until it has seen the head and indexed
   * up to it; after that, ready while it lags by at most `readyLag` blocks (default 20) and has
   * not stopped on an error. Without one: the database has a cursor.
   */
  ready?: () => boolean | Promise<boolean>;
  readyLag?: number;
  /**
   * Token symbols and decimals for `/ledger.csv?units=token`; default: the indexer's deployment
   * (lib/webConfig.ts tokensOf), else none (every token then by address, in base units).
   */
  tokens?: readonly CsvToken[];
  /** Whether `__schema` / `__type` are answered (and GraphiQL served); default true. */
  introspection?: boolean;
  /** Largest request body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Largest JSON result sent, in bytes (default 4 MiB). */
  maxResponseBytes?: number;
  /** Time an operation may take before its remaining resolvers fail with QUERY_TIMEOUT (default 5 s). */
  timeoutMs?: number;
  /** The clock the deadline reads (tests). */
  clock?: () => number;
}

/** The API's abuse limits: their defaults, and where the platform and the CLI read them from. */
export const API_GUARDS = { maxBodyBytes: 64 * 1024, maxResponseBytes: 4 * 1024 * 1024, timeoutMs: 5_000 } as const;

export interface IndexerApi {
  /** What it reads. */
  db: ApiDb;
  yoga: YogaServerInstance<object, ApiContext>;
  /** The fetch handler (tests call it directly). */
  fetch: (request: Request) => Promise<Response>;
  /** A node:http request listener. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Publishes what changed since the last call, reorgs included (when nothing drives the subscriptions). */
  publishNew(): Promise<void>;
  /** Resolves once the subscriptions published every change seen so far. */
  settled(): Promise<void>;
  /** Stops following the indexer's commits or the writer's changes. */
  close(): Promise<void>;
}

/**
 * The abuse limits from the environment: INDEXER_INTROSPECTION (0 turns introspection and GraphiQL
 * off), INDEXER_MAX_BODY_BYTES, INDEXER_MAX_RESPONSE_BYTES, INDEXER_QUERY_TIMEOUT_MS.
 */
export function apiGuardsFromEnv(
  env: Record<string, string | undefined> = process.env,
): Pick<IndexerApiOptions, 'introspection' | 'maxBodyBytes' | 'maxResponseBytes' | 'timeoutMs'> {
  const int = (name: string, def: number): number => intFrom(env, name, def, 1);
  const flag = env.INDEXER_INTROSPECTION;
  if (flag !== undefined && flag !== '' && flag !== '0' && flag !== '1')
    throw new FatalError(`INDEXER_INTROSPECTION must be 0 or 1, got "${flag}"`);
  return {
    introspection: flag !== '0',
    maxBodyBytes: int('INDEXER_MAX_BODY_BYTES', API_GUARDS.maxBodyBytes),
    maxResponseBytes: int('INDEXER_MAX_RESPONSE_BYTES', API_GUARDS.maxResponseBytes),
    timeoutMs: int('INDEXER_QUERY_TIMEOUT_MS', API_GUARDS.timeoutMs),
  };
}

/** Readiness with an indexer: not before it has seen the head and indexed up to it, then while it keeps up. */
function readiness(db: ApiDb, indexer: Indexer | undefined, readyLag: number): () => boolean | Promise<boolean> {
  if (!indexer) return async () => (await apiStatus(db)).indexed >= 0;
  let caughtUp = false;
  return () => {
    const s = indexer.status();
    if (s.head >= 0 && s.indexed >= s.head) caughtUp = true;
    return caughtUp && s.lag <= readyLag && s.error === undefined && s.storage === undefined;
  };
}

/** The per-request context: the final block and the last block's time are read at most once. */
function contextFactory(
  db: ApiDb,
  indexer: Indexer | undefined,
  pubsub: ApiPubSub,
  clock: () => number,
  timeoutMs: number,
): () => ApiContext {
  return () => {
    let final: Promise<number> | undefined;
    let now: Promise<number> | undefined;
    return {
      db,
      ...(indexer ? { indexer } : {}),
      pubsub,
      clock,
      deadline: clock() + timeoutMs,
      final: () => (final ??= finalBlock(db)),
      now: () => (now ??= lastBlockTime(db).then((t) => t ?? Date.now())),
    };
  };
}

/** The API over an indexer database. */
export function createIndexerApi(opts: IndexerApiOptions): IndexerApi {
  const { indexer } = opts;
  const db = isApiDb(opts.db) ? opts.db : sqliteApiDb(opts.db);
  const introspection = opts.introspection ?? true;
  const pubsub: ApiPubSub = createPubSub();
  const publisher = createPublisher(db, pubsub, { indexer, changes: opts.changes, log: opts.log });
  const guards = guardsPlugin({
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    introspection,
    maxBodyBytes: opts.maxBodyBytes ?? API_GUARDS.maxBodyBytes,
    maxResponseBytes: opts.maxResponseBytes ?? API_GUARDS.maxResponseBytes,
  });
  const routes = routesPlugin({
    db,
    indexer,
    tokens: opts.tokens ?? (indexer ? tokensOf(indexer.config.deployment) : []),
    ready: opts.ready ?? readiness(db, indexer, opts.readyLag ?? 20),
  });
  const yoga = createYoga<object, ApiContext>({
    schema: createSchema<ApiContext>({ typeDefs, resolvers: withDeadline(resolvers) }),
    graphqlEndpoint: '/graphql',
    // /health is the routes plugin's (it knows the indexer); yoga's own check is kept out of the way.
    healthCheckEndpoint: '/_yoga/health',
    graphiql: (opts.graphiql ?? true) && introspection,
    landingPage: false,
    maskedErrors: true,
    logging: false,
    plugins: [guards, routes],
    context: contextFactory(db, indexer, pubsub, opts.clock ?? Date.now, opts.timeoutMs ?? API_GUARDS.timeoutMs),
  });
  return {
    db,
    yoga,
    fetch: (request) => Promise.resolve(yoga.fetch(request)),
    listener: yoga as unknown as (req: IncomingMessage, res: ServerResponse) => void,
    publishNew: publisher.publishNew,
    settled: publisher.settled,
    close: publisher.close,
  };
}
