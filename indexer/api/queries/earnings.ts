/** Reads of vault balances, earnings rows and split policies (the time-dependent views are db/views.ts). */
import type Database from 'better-sqlite3';
import type { earnings, splitHistory, splitPolicies, vaultBalances } from '../../db/schema.js';
import { chainPage, EVENT_KEYS, keyPage, one, type RowOf } from './sql.js';

export type BalanceRow = RowOf<typeof vaultBalances>;
export type EarningsRow = RowOf<typeof earnings>;
export type SplitPolicyRow = RowOf<typeof splitPolicies>;
export type SplitEventRow = RowOf<typeof splitHistory>;

export function balancesPage(
  db: Database.Database,
  user: string,
  first: number,
  after: string | null | undefined,
): BalanceRow[] {
  return keyPage<BalanceRow>(db, 'vault_balances', [['user = ?', [user]]], 'token', first, after);
}

export function earningsPage(
  db: Database.Database,
  broadcaster: string,
  first: number,
  after: string | null | undefined,
): EarningsRow[] {
  return keyPage<EarningsRow>(db, 'earnings', [['broadcaster = ?', [broadcaster]]], 'token', first, after);
}

/** The split policy row of `broadcaster` (the zero address: the default split). */
export function splitPolicyOf(db: Database.Database, broadcaster: string): SplitPolicyRow | undefined {
  return one<SplitPolicyRow>(db, 'SELECT * FROM split_policies WHERE broadcaster = ?', [broadcaster]);
}

export function splitHistoryPage(
  db: Database.Database,
  broadcaster: string,
  first: number,
  after: string | null | undefined,
): SplitEventRow[] {
  return chainPage<SplitEventRow>(db, 'split_history', EVENT_KEYS, [['broadcaster = ?', [broadcaster]]], first, after);
}
