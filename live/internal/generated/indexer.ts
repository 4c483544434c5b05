/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Finality =
  | 'FINAL'
  | 'PENDING';

export type PaidFrom =
  | 'VAULT'
  | 'WALLET';

export type GiftFieldsFragment = { txId: string, blockNumber: number, logIndex: number, timestamp: number, finality: Finality, sender: string, broadcaster: string, giftId: string, quantity: number, token: string, total: string, broadcasterAmount: string, streamId: string, releaseAt: number, paidFrom: PaidFrom, removed: boolean };

export type GiftTypeFieldsFragment = { giftId: string, token: string, price: string, enabled: boolean, uri: string };

export type ProfileQueryVariables = Exact<{
  a: string;
}>;


export type ProfileQuery = { profile: { registered: boolean, broadcaster: boolean, handle: string | null } | null };

export type FollowsQueryVariables = Exact<{
  f: string;
  t: string;
}>;


export type FollowsQuery = { follows: boolean };

export type GiftCatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type GiftCatalogQuery = { giftCatalog: { nodes: Array<{ giftId: string, token: string, price: string, enabled: boolean, uri: string }> } };

export type StreamGiftsQueryVariables = Exact<{
  s: string;
  b: string;
  from: number;
  to: number;
  after?: string | null | undefined;
}>;


export type StreamGiftsQuery = { gifts: { nodes: Array<{ txId: string, blockNumber: number, logIndex: number, timestamp: number, finality: Finality, sender: string, broadcaster: string, giftId: string, quantity: number, token: string, total: string, broadcasterAmount: string, streamId: string, releaseAt: number, paidFrom: PaidFrom, removed: boolean }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type FollowersQueryVariables = Exact<{
  a: string;
  after?: string | null | undefined;
}>;


export type FollowersQuery = { followers: { nodes: Array<{ follower: string }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type GiftsSinceQueryVariables = Exact<{
  from: number;
  after?: string | null | undefined;
}>;


export type GiftsSinceQuery = { gifts: { nodes: Array<{ txId: string, blockNumber: number, logIndex: number, timestamp: number, finality: Finality, sender: string, broadcaster: string, giftId: string, quantity: number, token: string, total: string, broadcasterAmount: string, streamId: string, releaseAt: number, paidFrom: PaidFrom, removed: boolean }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type FinalBlockQueryVariables = Exact<{ [key: string]: never; }>;


export type FinalBlockQuery = { status: { final: number, time: number | null } };

export type GiftSentSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type GiftSentSubscription = { giftSent: { txId: string, blockNumber: number, logIndex: number, timestamp: number, finality: Finality, sender: string, broadcaster: string, giftId: string, quantity: number, token: string, total: string, broadcasterAmount: string, streamId: string, releaseAt: number, paidFrom: PaidFrom, removed: boolean } };
