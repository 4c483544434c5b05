/** Reads of the sync's own tables: its cursor, the final block, the last block's time, table sizes. */
import type { syncState } from '../../db/schema.js';
import { FINAL_NUMBER_SQL } from '../../db/views.js';
import type { ApiDb } from '../apiDb.js';
import { one, type RowOf } from './sql.js';

export type SyncCursor = Pick<RowOf<typeof syncState>, 'indexed_number' | 'final_number'>;

export function syncCursor(db: ApiDb): Promise<SyncCursor | undefined> {
  return one<SyncCursor>(db, 'SELECT indexed_number, final_number FROM sync_state WHERE id = 1', []);
}

/** The highest final block (rows at or below it are final), or -1 before the first batch. */
export async function finalBlock(db: ApiDb): Promise<number> {
  return (await one<{ final_number: number }>(db, FINAL_NUMBER_SQL, []))?.final_number ?? -1;
}

/** The time (ms) of the last block the sync stored, if any. */
export async function lastBlockTime(db: ApiDb): Promise<number | undefined> {
  return (await one<{ timestamp: number }>(db, 'SELECT timestamp FROM raw_blocks ORDER BY number DESC LIMIT 1', []))
    ?.timestamp;
}

export async function rawEventCount(db: ApiDb): Promise<number> {
  return (await one<{ n: number }>(db, 'SELECT count(*) AS n FROM raw_events', []))?.n ?? 0;
}

/** The highest id of `table` (gifts or ledger_entries), 0 when empty. */
export async function maxId(db: ApiDb, table: 'gifts' | 'ledger_entries'): Promise<number> {
  return (await one<{ n: number }>(db, `SELECT coalesce(max(id), 0) AS n FROM ${table}`, []))?.n ?? 0;
}
