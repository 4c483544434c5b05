/** Reads of the sync's own tables: its cursor, the last block's time, table sizes. */
import type Database from 'better-sqlite3';
import type { syncState } from '../../db/schema.js';
import { one, type RowOf } from './sql.js';

export type SyncCursor = Pick<RowOf<typeof syncState>, 'indexed_number' | 'final_number'>;

export function syncCursor(db: Database.Database): SyncCursor | undefined {
  return one<SyncCursor>(db, 'SELECT indexed_number, final_number FROM sync_state WHERE id = 1', []);
}

/** The time (ms) of the last block the sync stored, if any. */
export function lastBlockTime(db: Database.Database): number | undefined {
  return db.prepare('SELECT timestamp FROM raw_blocks ORDER BY number DESC LIMIT 1').pluck().get() as
    | number
    | undefined;
}

export function rawEventCount(db: Database.Database): number {
  return db.prepare('SELECT count(*) FROM raw_events').pluck().get() as number;
}

/** The highest id of `table` (gifts or ledger_entries), 0 when empty. */
export function maxId(db: Database.Database, table: 'gifts' | 'ledger_entries'): number {
  return (db.prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get() as number) ?? 0;
}
