/** Reads of the leaderboards (the chart statement is db/views.ts'). */
import {
  type ChartEntry,
  chartEntries,
  type ChartQuery,
  type ChartRow,
  TOP_ACCOUNTS_SQL,
  topAccountsParams,
} from '../../db/views.js';
import type { ApiDb } from '../apiDb.js';
import { all } from './sql.js';

/** topAccounts (db/views.ts) read through the ApiDb. */
export async function topAccountsOf(db: ApiDb, q: ChartQuery): Promise<ChartEntry[]> {
  return chartEntries(await all<ChartRow>(db, TOP_ACCOUNTS_SQL, topAccountsParams(q)));
}
