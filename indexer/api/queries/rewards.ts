/** Reads of reward epochs and claims. */
import type Database from 'better-sqlite3';
import type { rewardClaims, rewardEpochs } from '../../db/schema.js';
import { chainPage, decimalIdPage, EVENT_KEYS, type RowOf } from './sql.js';

export type RewardEpochRow = RowOf<typeof rewardEpochs>;
export type RewardClaimRow = RowOf<typeof rewardClaims>;

export function rewardEpochsPage(
  db: Database.Database,
  first: number,
  after: string | null | undefined,
): RewardEpochRow[] {
  return decimalIdPage<RewardEpochRow>(db, 'reward_epochs', 'epoch_id', first, after);
}

export function rewardClaimsPage(
  db: Database.Database,
  account: string,
  first: number,
  after: string | null | undefined,
): RewardClaimRow[] {
  return chainPage<RewardClaimRow>(db, 'reward_claims', EVENT_KEYS, [['account = ?', [account]]], first, after);
}
