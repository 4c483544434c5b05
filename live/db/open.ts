/**
 * Opens the live service's SQLite file: WAL mode, the drizzle migrations applied (tracked in
 * `live_migrations`, so the file could even be shared with the indexer's tables).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type LiveOrm = BetterSQLite3Database<typeof schema>;

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface LiveDatabase {
  sqlite: Database.Database;
  orm: LiveOrm;
}

/** Opens (creating if needed) and migrates the database at `file`. */
export function openLiveDatabase(file: string): LiveDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL survives a process crash with every committed message; only power loss may lose the last ones.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const orm = drizzle(sqlite, { schema });
  migrate(orm, { migrationsFolder: MIGRATIONS_FOLDER, migrationsTable: 'live_migrations' });
  return { sqlite, orm };
}
