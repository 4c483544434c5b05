/**
 * The indexer's database for store and handler tests, on either backend: a migrated in-memory
 * SQLite database, or a migrated database on the test Postgres server (test/helpers/postgres.ts).
 * Tests read rows back as SQLite stores them (booleans as 0/1), so one expectation fits both.
 */
import type Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../../indexer/db/open.js';
import { openPostgres } from '../../indexer/db/openPg.js';
import { type SqlConnection, sqliteConnection } from '../../indexer/db/sql.js';
import { type PostgresDatabase, postgresDatabase } from './postgres.js';

type Row = Record<string, unknown>;

export interface TestIndexDb {
  conn: SqlConnection;
  /** Rows of a query (`?` placeholders) as objects, booleans as 0/1. */
  all(sql: string, ...params: unknown[]): Promise<Row[]>;
  /** Empties every table (the next test starts on a fresh index). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface IndexBackend {
  name: 'SQLite' | 'Postgres';
  /** A migrated, empty index database. */
  open(): Promise<TestIndexDb>;
}

async function openSqlite(): Promise<TestIndexDb> {
  let db: Database.Database = openDatabase(':memory:').sqlite;
  let conn = sqliteConnection(db);
  const wrapper: TestIndexDb = {
    conn,
    async all(sql, ...params) {
      return db.prepare(sql).all(...params) as Row[];
    },
    async reset() {
      db.close();
      db = openDatabase(':memory:').sqlite;
      conn = sqliteConnection(db);
      wrapper.conn = conn;
    },
    async close() {
      db.close();
    },
  };
  return wrapper;
}

const INT8 = 20;
const BOOL = 16;
/** int8 as numbers (as the indexer reads them), booleans as 0/1 (as SQLite stores them). */
const readerTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (v: string) => Number(v)
      : oid === BOOL
        ? (v: string) => (v === 't' ? 1 : 0)
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function openPg(): Promise<TestIndexDb> {
  const database: PostgresDatabase = await postgresDatabase();
  const conn = await openPostgres(database.url);
  const reader = new pg.Client({ connectionString: database.url, types: readerTypes });
  await reader.connect();
  const tables = (
    await reader.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  ).rows.map((r) => `"${r.t}"`);
  return {
    conn,
    async all(sql, ...params) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      return (await reader.query(text, params)).rows as Row[];
    },
    async reset() {
      await reader.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
    },
    async close() {
      await reader.end();
      await conn.close();
      await database.stop();
    },
  };
}

export const SQLITE_BACKEND: IndexBackend = { name: 'SQLite', open: openSqlite };
export const POSTGRES_BACKEND: IndexBackend = { name: 'Postgres', open: openPg };
/** Both backends, for suites that run against each. */
export const INDEX_BACKENDS: IndexBackend[] = [SQLITE_BACKEND, POSTGRES_BACKEND];
