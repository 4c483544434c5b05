/**
 * The one connection the indexer's writer uses, whichever the database: SQLite (better-sqlite3,
 * synchronous, its promises already resolved) or Postgres (node-postgres, one client). Statements
 * are written once with `?` placeholders and portable SQL (ON CONFLICT upserts, row-value
 * comparisons); the Postgres connection numbers the placeholders. See "Synchronous handlers,
 * asynchronous databases" in ARCHITECTURE.md for why the batch around the handlers is async.
 */
import type Database from 'better-sqlite3';

export type Dialect = 'sqlite' | 'postgres';

export interface SqlConnection {
  readonly dialect: Dialect;
  /** Rows of a query as arrays of column values, in select order. */
  rows(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /**
   * Rows of a query as objects by column name, booleans as 0/1 (as SQLite stores them), so a
   * reader written against SQLite's rows reads Postgres' too (verify).
   */
  objects(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs `fn` inside a transaction that is always rolled back (what-if reads: verify's rolled-back index). */
  rolledBack<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs a statement that returns no rows. */
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /**
   * Runs `fn` inside one transaction that takes the write lock first (SQLite BEGIN IMMEDIATE, a
   * Postgres advisory lock), committed when it resolves and rolled back whole when it throws.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Secondary indexes (not primary keys) of `tables`: each name and the statement that builds it again. */
  indexesOf(tables: readonly string[]): Promise<{ name: string; sql: string }[]>;
  /**
   * A number that changes when another connection commits (SQLite's data_version); undefined
   * where there is none to ask (Postgres: one writer, held to by the cursor check).
   */
  dataVersion(): number | undefined;
  close(): Promise<void>;
}

/** The SQLite connection over an open better-sqlite3 handle (statements prepared once each). */
export function sqliteConnection(db: Database.Database): SqlConnection {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return {
    dialect: 'sqlite',
    async rows(sql, params = []) {
      return prepared(sql)
        .raw(true)
        .all(...params) as unknown[][];
    },
    async objects(sql, params = []) {
      return prepared(sql)
        .raw(false)
        .all(...params) as Record<string, unknown>[];
    },
    async rolledBack(fn) {
      // A savepoint, which opens a transaction when none is open.
      db.exec('SAVEPOINT rolled_back');
      try {
        return await fn();
      } finally {
        db.exec('ROLLBACK TO rolled_back');
        db.exec('RELEASE rolled_back');
      }
    },
    async run(sql, params = []) {
      prepared(sql).run(...params);
    },
    async transaction(fn) {
      // Not db.transaction(): it cannot wait for a promise. Nothing else runs on this connection
      // meanwhile: with SQLite every await inside resolves without giving the event loop a turn.
      db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn();
        db.exec('COMMIT');
        return out;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    },
    async indexesOf(tables) {
      if (tables.length === 0) return [];
      return db
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`,
        )
        .all(...tables) as { name: string; sql: string }[];
    },
    dataVersion() {
      return db.pragma('data_version', { simple: true }) as number;
    },
    async close() {
      db.close();
    },
  };
}
