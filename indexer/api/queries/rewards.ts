/** Reads of reward epochs and claims. */
import type { ApiDb } from '../apiDb.js';
import type { rewardClaims, rewardEpochs } from '../../db/schema.js';
import { chainPage, decimalIdPage, EVENT_KEYS, type RowOf } from './sql.js';

export type RewardEpochRow = RowOf<typeof rewardEpochs>;
export type RewardClaimRow = RowOf<typeof rewardClaims>;

export function rewardEpochsPage(
  db: ApiDb,
  first: number,
  after: string | null | undefined,
): Promise<RewardEpochRow[]> {
  return decimalIdPage<RewardEpochRow>(db, 'reward_epochs', 'epoch_id', first, after);
}

export function rewardClaimsPage(
  db: ApiDb,
  account: string,
  first: number,
  after: string | null | undefined,
): Promise<RewardClaimRow[]> {
  return chainPage<RewardClaimRow>(db, 'reward_claims', EVENT_KEYS, [['account = ?', [account]]], first, after);
}
