/**
 * Opens the indexer's SQLite file: WAL mode, the drizzle migrations applied, and both handles
 * (better-sqlite3 for the hot paths, drizzle for typed queries in the API).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Orm = BetterSQLite3Database<Schema>;

/** The generated migrations next to this file. */
export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenedDatabase {
  sqlite: Database.Database;
  orm: Orm;
}

export interface OpenOptions {
  /** Open without writing (no migrations); for readers in other processes. */
  readonly?: boolean;
}

/** Opens (creating if needed) and migrates the database at `file`. */
export function openDatabase(file: string, opts: OpenOptions = {}): OpenedDatabase {
  if (!opts.readonly && file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, opts.readonly ? { readonly: true, fileMustExist: true } : {});
  sqlite.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    // 16 KiB pages (a new file only; an existing WAL database keeps its size): append-heavy
    // tables split and spill fewer pages; measured about 15% faster reindex than 4 KiB.
    sqlite.pragma('page_size = 16384');
    sqlite.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses no committed transaction when the process dies (only on power
    // loss may the last ones roll back, and the sync then re-fetches them), and it is much faster.
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const orm = drizzle(sqlite, { schema });
  if (!opts.readonly) migrate(orm, { migrationsFolder: MIGRATIONS_FOLDER });
  return { sqlite, orm };
}
