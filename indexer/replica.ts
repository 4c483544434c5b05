/**
 * An API replica (`npm run indexer -- --api-only`): serves GraphQL, the CSV ledger and
 * subscriptions from a Postgres index that one writer (`npm run indexer` with the same
 * DATABASE_URL) keeps. It neither syncs nor writes: it asks no node anything, runs no migration
 * (it waits until the writer has applied the ones this code knows), and its connections are
 * read-only. Subscriptions follow the writer's notifications (db/notify.ts), so replicas can be
 * added behind a load balancer.
 */
import { tokensOf } from '../lib/webConfig.js';
import pg from 'pg';
import { deploymentMeta } from './index.js';
import { loadConfig, type IndexerConfig } from './internal/config.js';
import { type ApiDb, postgresApiDb } from './api/apiDb.js';
import { createIndexerApi, type IndexerApi, type IndexerApiOptions } from './api/server.js';
import { apiStatus } from './api/resolvers/status.js';
import { type ChangeListener, type ListenOptions, listenIndexChanges } from './db/notify.js';
import { appliedPgMigration, newestPgMigration } from './db/openPg.js';
import { describeError, FatalError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/log.js';

export interface ApiReplicaParams {
  /** Overrides on top of the environment's configuration (databaseUrl is required). */
  config?: Partial<IndexerConfig>;
  env?: Record<string, string | undefined>;
  log?: Logger;
  /** The API's limits and options (its database, indexer and changes are the replica's). */
  api?: Omit<IndexerApiOptions, 'db' | 'indexer' | 'changes' | 'log'>;
  listen?: ListenOptions;
  /** Pause between looks at a database the writer has not prepared yet (default 1 s). */
  waitMs?: number;
  /** Connections of the read pool (default 8). */
  poolSize?: number;
}

export interface ApiReplica {
  readonly config: IndexerConfig;
  readonly api: IndexerApi;
  readonly db: ApiDb;
  readonly changes: ChangeListener;
  close(): Promise<void>;
}

/** Why the database at `url` cannot be served yet (undefined: it can); throws when it never can. */
async function notServable(url: string, config: IndexerConfig): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (e) {
    return `cannot connect to DATABASE_URL (${describeError(e)})`;
  }
  try {
    const want = newestPgMigration();
    const applied = await appliedPgMigration(client);
    if (applied === undefined)
      return `DATABASE_URL holds no index schema yet (this replica needs migration ${want.tag}): start the writer, \`npm run indexer\` with the same DATABASE_URL`;
    if (applied < want.when)
      return `DATABASE_URL's index schema is older than this replica's (it needs migration ${want.tag}): the writer has not migrated it yet`;
    if (applied > want.when)
      throw new FatalError(
        `DATABASE_URL's index schema is newer than this replica's code (its newest migration is ${want.tag}): update the replica`,
      );
    const expected = deploymentMeta(config.deployment);
    const meta = new Map(
      (await client.query<{ key: string; value: string }>('SELECT key, value FROM indexer_meta')).rows.map((r) => [
        r.key,
        r.value,
      ]),
    );
    for (const [k, v] of Object.entries(expected)) {
      const got = meta.get(k);
      if (got === undefined) return 'the writer has not recorded its deployment in DATABASE_URL yet';
      if (got !== v)
        throw new FatalError(`DATABASE_URL was built for ${k} = ${got}, not ${v}: point the replica at its deployment`);
    }
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits until the writer has prepared the database (saying why while it waits), then serves it. */
export async function openApiReplica(params: ApiReplicaParams = {}): Promise<ApiReplica> {
  const config = loadConfig(params.config, params.env);
  const url = config.databaseUrl;
  if (!url)
    throw new FatalError('--api-only serves a Postgres index another process writes: set DATABASE_URL=postgres://...');
  const log = params.log ?? createLogger({ fields: { component: 'indexer-api', network: config.network } });
  let said: string | undefined;
  for (;;) {
    const why = await notServable(url, config);
    if (why === undefined) break;
    if (why !== said) log.warn(`waiting: ${why}`, {});
    said = why;
    await new Promise((r) => setTimeout(r, params.waitMs ?? 1_000));
  }
  const db = postgresApiDb(url, { readOnly: true, max: params.poolSize ?? 8, log });
  const changes = listenIndexChanges(url, { log, ...params.listen });
  const api = createIndexerApi({
    tokens: tokensOf(config.deployment),
    ...params.api,
    db,
    changes,
    log,
    // Ready while it hears the writer (else its subscriptions would lag) and the index has a cursor.
    ready: params.api?.ready ?? (async () => changes.connected() && (await apiStatus(db)).indexed >= 0),
  });
  await changes.ready();
  return {
    config,
    api,
    db,
    changes,
    async close() {
      await changes.close();
      await api.close();
      await db.close();
    },
  };
}
