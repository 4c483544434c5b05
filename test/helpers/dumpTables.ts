/**
 * A deterministic text dump of tables (every row, ordered by primary key), to compare databases:
 * tests check that a resumed, reindexed or reorged database equals an uninterrupted one.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Bookkeeping that legitimately differs between runs (timing of finality, undo history). */
export const NOT_DUMPED = new Set(['sync_state', 'reorg_journal', '__drizzle_migrations', 'sqlite_sequence']);

/** Names of the dumped tables, sorted. */
export function dumpedTables(db: Database.Database): string[] {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return names.filter((n) => !NOT_DUMPED.has(n));
}

/** Every row of each table as a JSON line, tables by name, rows by primary key. */
export function dumpTables(db: Database.Database, tables = dumpedTables(db)): string {
  const out: string[] = [];
  for (const t of tables) {
    const cols = db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string; pk: number }[];
    const pk = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => `"${c.name}"`);
    const order = (pk.length ? pk : cols.map((c) => `"${c.name}"`)).join(', ');
    out.push(`# ${t}`);
    for (const row of db.prepare(`SELECT * FROM "${t}" ORDER BY ${order}`).raw(true).iterate())
      out.push(JSON.stringify(row));
  }
  return `${out.join('\n')}\n`;
}

/** sha256 of `dumpTables`. */
export function dumpHash(db: Database.Database, tables?: string[]): string {
  return createHash('sha256').update(dumpTables(db, tables)).digest('hex');
}
