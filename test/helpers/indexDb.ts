/**
 * The indexer's database for store and handler tests, on either backend: a migrated in-memory
 * SQLite database, or a migrated database on the test Postgres server (test/helpers/postgres.ts).
 * Tests read rows back as SQLite stores them (booleans as 0/1), so one expectation fits both.
 */
import type Database from 'better-sqlite3';
import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import * as schema from '../../indexer/db/schema.js';
import { openDatabase } from '../../indexer/db/open.js';
import { openPostgres } from '../../indexer/db/openPg.js';
import { type SqlConnection, sqliteConnection } from '../../indexer/db/sql.js';
import { type PostgresDatabase, postgresDatabase, postgresInstalled } from './postgres.js';

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
  /** Whether this machine can run it (Postgres needs its server binaries; see requireServer). */
  installed(): boolean;
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

export const SQLITE_BACKEND: IndexBackend = { name: 'SQLite', installed: () => true, open: openSqlite };
export const POSTGRES_BACKEND: IndexBackend = { name: 'Postgres', installed: postgresInstalled, open: openPg };
/** Both backends, for suites that run against each. */
export const INDEX_BACKENDS: IndexBackend[] = [SQLITE_BACKEND, POSTGRES_BACKEND];

/** Tables whose rows legitimately differ between two indexes of one chain (timing of finality, undo history). */
const NOT_COMPARED = new Set(['sync_state', 'reorg_journal']);

/**
 * Every row of every table of schema.ts but the bookkeeping ones, ordered by primary key, each a
 * JSON object with its columns sorted by name: the same text from SQLite and Postgres for the same
 * index (read booleans as 0/1), so two backends' tables can be compared whole.
 */
export async function dumpIndex(all: (sql: string) => Promise<Row[]>): Promise<string> {
  const out: string[] = [];
  const tables = Object.values(schema as Record<string, unknown>)
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .sort((a, b) => (getTableName(a) < getTableName(b) ? -1 : 1));
  for (const t of tables) {
    const name = getTableName(t);
    if (NOT_COMPARED.has(name)) continue;
    const config = getTableConfig(t);
    const pk =
      config.primaryKeys[0]?.columns.map((c) => c.name) ?? config.columns.filter((c) => c.primary).map((c) => c.name);
    out.push(`# ${name}`);
    for (const row of await all(`SELECT * FROM "${name}" ORDER BY ${pk.map((c) => `"${c}"`).join(', ')}`))
      out.push(JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))));
  }
  return `${out.join('\n')}\n`;
}

/** dumpIndex of a SQLite index. */
export function dumpSqliteIndex(db: Database.Database): Promise<string> {
  return dumpIndex(async (sql) => db.prepare(sql).all() as Row[]);
}

/** A reader of a Postgres index (int8 as numbers, booleans as 0/1), for dumpIndex and spot checks. */
export async function postgresReader(
  url: string,
): Promise<{ all(sql: string, ...params: unknown[]): Promise<Row[]>; close(): Promise<void> }> {
  const reader = new pg.Client({ connectionString: url, types: readerTypes });
  await reader.connect();
  return {
    async all(sql, ...params) {
      let n = 0;
      return (
        await reader.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as Row[];
    },
    close: () => reader.end(),
  };
}
