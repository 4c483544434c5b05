/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type ChartKind =
  | 'BROADCASTERS'
  | 'GIFTERS';

export type ChartPeriod =
  | 'ALL'
  | 'DAY'
  | 'MONTH'
  | 'WEEK';

export type Finality =
  | 'FINAL'
  | 'PENDING';

export type GiftFilter = {
  broadcaster?: string | null | undefined;
  /** Times in ms, inclusive. */
  from?: number | null | undefined;
  sender?: string | null | undefined;
  streamId?: string | null | undefined;
  to?: number | null | undefined;
  token?: string | null | undefined;
};

export type LedgerFilter = {
  /** A ledger account (wallet:T..., vault:T..., escrow:T..., reserve:T..., treasury, ...) or a bare address (its wallet, vault, escrow and reserve accounts). */
  account?: string | null | undefined;
  from?: number | null | undefined;
  kind?: string | null | undefined;
  to?: number | null | undefined;
  token?: string | null | undefined;
  txId?: string | null | undefined;
};

export type PaidFrom =
  | 'VAULT'
  | 'WALLET';

export type Side =
  | 'CREDIT'
  | 'DEBIT';

export type GiftFieldsFragment = { txId: string, blockNumber: number, logIndex: number, timestamp: number, finality: Finality, sender: string, broadcaster: string, giftId: string, quantity: number, token: string, total: string, broadcasterAmount: string, streamId: string, releaseAt: number, paidFrom: PaidFrom, removed: boolean };

export type GiftTypeFieldsFragment = { giftId: string, token: string, price: string, enabled: boolean, uri: string };

export type ProfileFieldsFragment = { address: string, registered: boolean, handle: string | null, profileUri: string | null, broadcaster: boolean, registeredAt: number | null, followerCount: number, followingCount: number, finality: Finality };

export type LedgerFieldsFragment = { id: number, cursor: string, txId: string, blockNumber: number, logIndex: number, entryIndex: number, timestamp: number, finality: Finality, kind: string, account: string, side: Side, token: string, amount: string, removed: boolean };

export type FollowFieldsFragment = { follower: string, target: string, since: number, finality: Finality, profile: { address: string, handle: string | null, broadcaster: boolean, profileUri: string | null } };

export type ProfileQueryVariables = Exact<{
  a?: string | null | undefined;
  h?: string | null | undefined;
}>;


export type ProfileQuery = { profile: { address: string, registered: boolean, handle: string | null, profileUri: string | null, broadcaster: boolean, registeredAt: number | null, followerCount: number, followingCount: number, finality: Finality } | null };

export type ProfilesQueryVariables = Exact<{
  s?: string | null | undefined;
  f?: number | null | undefined;
  a?: string | null | undefined;
}>;


export type ProfilesQuery = { profiles: { nodes: Array<{ address: string, registered: boolean, handle: string | null, profileUri: string | null, broadcaster: boolean, registeredAt: number | null, followerCount: number, followingCount: number, finality: Finality }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type FollowersQueryVariables = Exact<{
  x: string;
  f?: number | null | undefined;
  a?: string | null | undefined;
}>;


export type FollowersQuery = { r: { nodes: Array<{ follower: string, target: string, since: number, finality: Finality, profile: { address: string, handle: string | null, broadcaster: boolean, profileUri: string | null } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type FollowingQueryVariables = Exact<{
  x: string;
  f?: number | null | undefined;
  a?: string | null | undefined;
}>;


export type FollowingQuery = { r: { nodes: Array<{ follower: string, target: string, since: number, finality: Finality, profile: { address: string, handle: string | null, broadcaster: boolean, profileUri: string | null } }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type FollowsQueryVariables = Exact<{
  a: string;
  b: string;
}>;


export type FollowsQuery = { follows: boolean };

export type CatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type CatalogQuery = { giftCatalog: { nodes: Array<{ giftId: string, token: string, price: string, enabled: boolean, uri: string }>, pageInfo: { hasNextPage: boolean } } };

export type BalancesQueryVariables = Exact<{
  a: string;
}>;


export type BalancesQuery = { balances: { nodes: Array<{ token: string, amount: string, finality: Finality }>, pageInfo: { hasNextPage: boolean } } };

export type GiftsQueryVariables = Exact<{
  f?: GiftFilter | null | undefined;
  n?: number | null | undefined;
  a?: string | null | undefined;
}>;


export type GiftsQuery = { gifts: { nodes: Array<{ txId: string, blockNumber: number, logIndex: number, timestamp: number, finality: Finality, sender: string, broadcaster: string, giftId: string, quantity: number, token: string, total: string, broadcasterAmount: string, streamId: string, releaseAt: number, paidFrom: PaidFrom, removed: boolean }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type SplitNowQueryVariables = Exact<{
  b: string;
}>;


export type SplitNowQuery = { splitPolicy: { holdSeconds: number | null, current: { broadcasterBps: number, poolBps: number, platformBps: number } | null } };

export type StreamTotalsQueryVariables = Exact<{
  s: string;
  b: string;
}>;


export type StreamTotalsQuery = { streamTotals: { nodes: Array<{ token: string, total: string, broadcasterAmount: string, giftCount: number, finality: Finality }> } };

export type LeaderboardQueryVariables = Exact<{
  k: ChartKind;
  p: ChartPeriod;
  t: string;
  s?: string | null | undefined;
  b?: string | null | undefined;
  f?: number | null | undefined;
}>;


export type LeaderboardQuery = { leaderboard: { periodStart: number, token: string, entries: Array<{ rank: number, account: string, amount: string, giftCount: number, finality: Finality }> } };

export type EarningsQueryVariables = Exact<{
  b: string;
}>;


export type EarningsQuery = { earnings: { nodes: Array<{ token: string, pending: string, claimable: string, claimed: string, escrowedTotal: string, nextReleaseAt: number | null, at: number, finality: Finality }>, pageInfo: { hasNextPage: boolean } } };

export type LedgerQueryVariables = Exact<{
  f?: LedgerFilter | null | undefined;
  n?: number | null | undefined;
  a?: string | null | undefined;
}>;


export type LedgerQuery = { ledger: { nodes: Array<{ id: number, cursor: string, txId: string, blockNumber: number, logIndex: number, entryIndex: number, timestamp: number, finality: Finality, kind: string, account: string, side: Side, token: string, amount: string, removed: boolean }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type RewardEpochsQueryVariables = Exact<{ [key: string]: never; }>;


export type RewardEpochsQuery = { rewardEpochs: { nodes: Array<{ epochId: string, token: string, merkleRoot: string, total: string, claimed: string, claimCount: number, claimDeadline: number, uri: string, publishedAt: number, txId: string, swept: boolean, finality: Finality }>, pageInfo: { hasNextPage: boolean } } };

export type RewardClaimsQueryVariables = Exact<{
  a: string;
}>;


export type RewardClaimsQuery = { rewardClaims: { nodes: Array<{ epochId: string, claimIndex: string, amount: string, txId: string, timestamp: number, finality: Finality }>, pageInfo: { hasNextPage: boolean } } };

export type StatusQueryVariables = Exact<{ [key: string]: never; }>;


export type StatusQuery = { status: { head: number, solidified: number, indexed: number, final: number, lag: number } };

export type GiftSentSubscriptionVariables = Exact<{
  s?: string | null | undefined;
  b?: string | null | undefined;
}>;


export type GiftSentSubscription = { giftSent: { txId: string, blockNumber: number, logIndex: number, timestamp: number, finality: Finality, sender: string, broadcaster: string, giftId: string, quantity: number, token: string, total: string, broadcasterAmount: string, streamId: string, releaseAt: number, paidFrom: PaidFrom, removed: boolean } };

export type LedgerEntriesSubscriptionVariables = Exact<{
  a: string;
}>;


export type LedgerEntriesSubscription = { ledgerEntries: { id: number, cursor: string, txId: string, blockNumber: number, logIndex: number, entryIndex: number, timestamp: number, finality: Finality, kind: string, account: string, side: Side, token: string, amount: string, removed: boolean } };

export type FinalizedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type FinalizedSubscription = { finalized: { final: number, indexed: number } };
