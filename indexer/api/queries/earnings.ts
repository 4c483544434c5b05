/** Reads of vault balances, earnings rows and split policies, and the time-dependent views of db/views.ts. */
import type { ApiDb } from '../apiDb.js';
import { ZERO_ADDRESS } from '../../../lib/address.js';
import type { earnings, splitHistory, splitPolicies, vaultBalances } from '../../db/schema.js';
import {
  EARNINGS_SQL,
  type EarningsAt,
  earningsFrom,
  ESCROW_SLOTS_SQL,
  type EarningsRow as ViewEarningsRow,
  type PolicyRow,
  SPLIT_POLICY_SQL,
  type SlotRow,
  type SplitBps,
  splitFrom,
} from '../../db/views.js';
import { all, chainPage, EVENT_KEYS, keyPage, one, type RowOf } from './sql.js';

export type BalanceRow = RowOf<typeof vaultBalances>;
export type EarningsRow = RowOf<typeof earnings>;
export type SplitPolicyRow = RowOf<typeof splitPolicies>;
export type SplitEventRow = RowOf<typeof splitHistory>;

export function balancesPage(
  db: ApiDb,
  user: string,
  first: number,
  after: string | null | undefined,
): Promise<BalanceRow[]> {
  return keyPage<BalanceRow>(db, 'vault_balances', [['"user" = ?', [user]]], 'token', first, after);
}

export function earningsPage(
  db: ApiDb,
  broadcaster: string,
  first: number,
  after: string | null | undefined,
): Promise<EarningsRow[]> {
  return keyPage<EarningsRow>(db, 'earnings', [['broadcaster = ?', [broadcaster]]], 'token', first, after);
}

/** The split policy row of `broadcaster` (the zero address: the default split). */
export function splitPolicyOf(db: ApiDb, broadcaster: string): Promise<SplitPolicyRow | undefined> {
  return one<SplitPolicyRow>(db, 'SELECT * FROM split_policies WHERE broadcaster = ?', [broadcaster]);
}

export function splitHistoryPage(
  db: ApiDb,
  broadcaster: string,
  first: number,
  after: string | null | undefined,
): Promise<SplitEventRow[]> {
  return chainPage<SplitEventRow>(db, 'split_history', EVENT_KEYS, [['broadcaster = ?', [broadcaster]]], first, after);
}

/** earningsAt (db/views.ts) read through the ApiDb. */
export async function earningsAtTime(db: ApiDb, broadcaster: string, token: string, at: number): Promise<EarningsAt> {
  const [e, slots] = await Promise.all([
    one<ViewEarningsRow>(db, EARNINGS_SQL, [broadcaster, token]),
    all<SlotRow>(db, ESCROW_SLOTS_SQL, [broadcaster, token]),
  ]);
  return earningsFrom(e, slots, at);
}

/** splitAt (db/views.ts) read through the ApiDb. */
export async function splitAtTime(db: ApiDb, broadcaster: string, at: number): Promise<SplitBps | undefined> {
  const [o, d] = await Promise.all([
    broadcaster === ZERO_ADDRESS ? undefined : one<PolicyRow>(db, SPLIT_POLICY_SQL, [broadcaster]),
    one<PolicyRow>(db, SPLIT_POLICY_SQL, [ZERO_ADDRESS]),
  ]);
  return splitFrom(o, d, at);
}

/** GiftVault's hold period now (seconds), as its events set it; undefined before the indexer saw one. */
export async function holdPeriodSeconds(db: ApiDb): Promise<number | undefined> {
  const r = await one<{ value: string }>(
    db,
    "SELECT value FROM contract_state WHERE contract = 'GiftVault' AND key = 'holdPeriod'",
    [],
  );
  return r ? Number(r.value) : undefined;
}
