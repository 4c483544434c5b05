/**
 * The API's read handle on the index, whichever the database: SQLite (the indexer's better-sqlite3
 * handle, statements prepared once, answers already resolved) or Postgres (a pool of connections,
 * each statement named so the server plans it once per connection). The query modules write
 * their SQL once with `?` placeholders; rows come back in SQLite's shapes on both (int8 as
 * numbers, booleans as 0/1, amounts as decimal text), so the mapping above them is one.
 */
import type Database from 'better-sqlite3';
import pg from 'pg';
import { numbered, PG_TYPES } from '../db/openPg.js';
import type { Dialect } from '../db/sql.js';
import type { Logger } from '../../lib/log.js';

export type Param = string | number | bigint | null;

export interface ApiDb {
  readonly dialect: Dialect;
  /** The rows of `sql` as objects by column name; `R` is the caller's word for their shape. */
  all<R>(sql: string, params?: readonly Param[]): Promise<R[]>;
  /** Closes what this handle opened (a Postgres pool; never the indexer's SQLite handle). */
  close(): Promise<void>;
}

/** Whether `db` is an ApiDb rather than a better-sqlite3 handle. */
export function isApiDb(db: ApiDb | Database.Database): db is ApiDb {
  return typeof (db as Partial<ApiDb>).dialect === 'string' && typeof (db as Partial<ApiDb>).all === 'function';
}

/** An ApiDb over an open better-sqlite3 handle (its owner closes it). */
export function sqliteApiDb(db: Database.Database): ApiDb {
  const statements = new Map<string, Database.Statement>();
  return {
    dialect: 'sqlite',
    // Not async on purpose: the statement runs when called (a reader inside a writer's hook sees
    // the rows as they are then), and the promise is already settled.
    all<R>(sql: string, params: readonly Param[] = []): Promise<R[]> {
      try {
        let s = statements.get(sql);
        if (!s) statements.set(sql, (s = db.prepare(sql)));
        return Promise.resolve(s.all(...params) as R[]);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    async close() {},
  };
}

export interface PostgresApiDbOptions {
  /** Connections in the pool (default 8). */
  max?: number;
  /** Every transaction read-only (`default_transaction_read_only`): an API replica cannot write. */
  readOnly?: boolean;
  log?: Logger;
}

/** An ApiDb over a pool of connections to `url`; nothing is migrated or written. */
export function postgresApiDb(url: string, opts: PostgresApiDbOptions = {}): ApiDb {
  const pool = new pg.Pool({
    connectionString: url,
    types: PG_TYPES,
    max: opts.max ?? 8,
    ...(opts.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection the server dropped: the pool replaces it; the next query reports any lasting cause.
  pool.on('error', (e) => opts.log?.warn('an idle API connection to Postgres failed', { error: e.message }));
  const names = new Map<string, { name: string; text: string }>();
  return {
    dialect: 'postgres',
    async all<R>(sql: string, params: readonly Param[] = []): Promise<R[]> {
      let q = names.get(sql);
      if (!q) names.set(sql, (q = { name: `api${names.size}`, text: numbered(sql) }));
      const r = await pool.query({ ...q, values: params as unknown[] });
      const rows = r.rows as Record<string, unknown>[];
      for (const row of rows) for (const k in row) if (typeof row[k] === 'boolean') row[k] = row[k] ? 1 : 0;
      return rows as R[];
    },
    async close() {
      await pool.end();
    },
  };
}
