import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ProfileNode, FollowNode, SplitPolicyNode, LedgerEntryNode } from '../nodes.js';
import type { ApiContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A TRON address in base58 (T...). */
  Address: { input: string; output: string; }
  /** An exact integer (amounts in base units), serialised as a decimal string. */
  BigInt: { input: bigint; output: bigint; }
};

export type Balance = {
  __typename?: 'Balance';
  amount: Scalars['BigInt']['output'];
  blockNumber: Scalars['Int']['output'];
  finality: Finality;
  token: Scalars['Address']['output'];
  user: Scalars['Address']['output'];
};

export type BalanceConnection = {
  __typename?: 'BalanceConnection';
  nodes: Array<Balance>;
  pageInfo: PageInfo;
};

export type ChartKind =
  | 'BROADCASTERS'
  | 'GIFTERS';

export type ChartPeriod =
  | 'ALL'
  | 'DAY'
  | 'MONTH'
  | 'WEEK';

export type EarningsConnection = {
  __typename?: 'EarningsConnection';
  nodes: Array<TokenEarnings>;
  pageInfo: PageInfo;
};

/** Who paid a transaction's energy: the caller, the called contract's deployer (energy sharing), both, or nobody (no energy used). */
export type EnergyPayer =
  | 'CALLER'
  | 'DEPLOYER'
  | 'NONE'
  | 'SHARED';

export type Finality =
  | 'FINAL'
  | 'PENDING';

/** The final block moved: every row at or below 'final' is now FINAL. */
export type FinalityUpdate = {
  __typename?: 'FinalityUpdate';
  final: Scalars['Int']['output'];
  indexed: Scalars['Int']['output'];
};

export type Follow = {
  __typename?: 'Follow';
  blockNumber: Scalars['Int']['output'];
  finality: Finality;
  follower: Scalars['Address']['output'];
  /** The follower's profile (followers) or the target's (following). */
  profile: Profile;
  since: Scalars['Float']['output'];
  target: Scalars['Address']['output'];
};

export type FollowConnection = {
  __typename?: 'FollowConnection';
  nodes: Array<Follow>;
  pageInfo: PageInfo;
};

export type Gift = {
  __typename?: 'Gift';
  blockNumber: Scalars['Int']['output'];
  broadcaster: Scalars['Address']['output'];
  broadcasterAmount: Scalars['BigInt']['output'];
  finality: Finality;
  giftId: Scalars['BigInt']['output'];
  /** Relayed gifts: the intent's TIP-712 digest. */
  intentHash: Maybe<Scalars['String']['output']>;
  logIndex: Scalars['Int']['output'];
  paidFrom: PaidFrom;
  platformAmount: Scalars['BigInt']['output'];
  poolAmount: Scalars['BigInt']['output'];
  quantity: Scalars['Int']['output'];
  /** Settled by settleGifts from an intent the sender (or one of their session keys) signed, and relayed by someone else. */
  relayed: Scalars['Boolean']['output'];
  releaseAt: Scalars['Float']['output'];
  /** True only in a subscription's notice that a reorg took this row back (like eth_subscribe's logs); queries never return removed rows. */
  removed: Scalars['Boolean']['output'];
  sender: Scalars['Address']['output'];
  /** The gift session whose reserve paid it (the signer was its key); null when paid from the vault balance or the wallet. */
  sessionKey: Maybe<Scalars['Address']['output']>;
  /** Relayed gifts: who signed the intent (a session key, or the sender's wallet). */
  signer: Maybe<Scalars['Address']['output']>;
  streamId: Scalars['BigInt']['output'];
  timestamp: Scalars['Float']['output'];
  token: Scalars['Address']['output'];
  total: Scalars['BigInt']['output'];
  txId: Scalars['String']['output'];
  txIndex: Scalars['Int']['output'];
};

export type GiftConnection = {
  __typename?: 'GiftConnection';
  nodes: Array<Gift>;
  pageInfo: PageInfo;
};

export type GiftFilter = {
  broadcaster?: InputMaybe<Scalars['Address']['input']>;
  /** Times in ms, inclusive. */
  from?: InputMaybe<Scalars['Float']['input']>;
  sender?: InputMaybe<Scalars['Address']['input']>;
  streamId?: InputMaybe<Scalars['BigInt']['input']>;
  to?: InputMaybe<Scalars['Float']['input']>;
  token?: InputMaybe<Scalars['Address']['input']>;
};

/** A gift session: a cap reserved out of the viewer's vault balance, spent by intents its key signs. */
export type GiftSession = {
  __typename?: 'GiftSession';
  at: Scalars['Float']['output'];
  blockNumber: Scalars['Int']['output'];
  cap: Scalars['BigInt']['output'];
  /** When it was closed early (ms), else null. */
  closedAt: Maybe<Scalars['Float']['output']>;
  expiresAt: Scalars['Float']['output'];
  finality: Finality;
  giftCount: Scalars['Int']['output'];
  /** Grace period in seconds, fixed at opening. */
  grace: Scalars['Int']['output'];
  openedAt: Scalars['Float']['output'];
  /** When intents stop settling and what is left can be released (ms). */
  releasableAt: Scalars['Float']['output'];
  releasedAmount: Maybe<Scalars['BigInt']['output']>;
  releasedAt: Maybe<Scalars['Float']['output']>;
  /** What is still reserved (cap - spent), 0 once released. */
  reserved: Scalars['BigInt']['output'];
  sessionKey: Scalars['Address']['output'];
  /** What its gifts cost. */
  spent: Scalars['BigInt']['output'];
  /** As of 'at'. */
  status: SessionStatus;
  token: Scalars['Address']['output'];
  /** The transaction that opened it. */
  txId: Scalars['String']['output'];
  viewer: Scalars['Address']['output'];
};

export type GiftSessionConnection = {
  __typename?: 'GiftSessionConnection';
  nodes: Array<GiftSession>;
  pageInfo: PageInfo;
};

/** A catalog entry as of its last GiftUpdated. 'uri' is the deployer's JSON (name, animation). */
export type GiftType = {
  __typename?: 'GiftType';
  blockNumber: Scalars['Int']['output'];
  enabled: Scalars['Boolean']['output'];
  finality: Finality;
  giftId: Scalars['BigInt']['output'];
  price: Scalars['BigInt']['output'];
  token: Scalars['Address']['output'];
  updatedAt: Scalars['Float']['output'];
  uri: Scalars['String']['output'];
};

export type GiftTypeConnection = {
  __typename?: 'GiftTypeConnection';
  nodes: Array<GiftType>;
  pageInfo: PageInfo;
};

export type Leaderboard = {
  __typename?: 'Leaderboard';
  broadcaster: Maybe<Scalars['Address']['output']>;
  entries: Array<LeaderboardEntry>;
  kind: ChartKind;
  period: ChartPeriod;
  periodStart: Scalars['Float']['output'];
  streamId: Maybe<Scalars['BigInt']['output']>;
  token: Scalars['Address']['output'];
};

export type LeaderboardEntry = {
  __typename?: 'LeaderboardEntry';
  account: Scalars['Address']['output'];
  amount: Scalars['BigInt']['output'];
  blockNumber: Scalars['Int']['output'];
  finality: Finality;
  giftCount: Scalars['Int']['output'];
  rank: Scalars['Int']['output'];
};

export type LedgerConnection = {
  __typename?: 'LedgerConnection';
  nodes: Array<LedgerEntry>;
  pageInfo: PageInfo;
};

export type LedgerEntry = {
  __typename?: 'LedgerEntry';
  account: Scalars['String']['output'];
  amount: Scalars['BigInt']['output'];
  blockNumber: Scalars['Int']['output'];
  cursor: Scalars['String']['output'];
  entryIndex: Scalars['Int']['output'];
  /** Who paid for the entry's transaction (null for transactions indexed before fees were recorded). */
  fees: Maybe<TxFees>;
  finality: Finality;
  id: Scalars['Int']['output'];
  kind: Scalars['String']['output'];
  logIndex: Scalars['Int']['output'];
  /** True only in a subscription's notice that a reorg took this row back (like eth_subscribe's logs); queries never return removed rows. */
  removed: Scalars['Boolean']['output'];
  side: Side;
  timestamp: Scalars['Float']['output'];
  token: Scalars['Address']['output'];
  txId: Scalars['String']['output'];
  txIndex: Scalars['Int']['output'];
};

export type LedgerFilter = {
  /** A ledger account (wallet:T..., vault:T..., escrow:T..., reserve:T..., treasury, ...) or a bare address (its wallet, vault, escrow and reserve accounts). */
  account?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['Float']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['Float']['input']>;
  token?: InputMaybe<Scalars['Address']['input']>;
  txId?: InputMaybe<Scalars['String']['input']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PaidFrom =
  | 'VAULT'
  | 'WALLET';

export type PendingSplit = {
  __typename?: 'PendingSplit';
  effectiveAt: Scalars['Float']['output'];
  /** Null when the announced change removes the override (the default then applies). */
  split: Maybe<Split>;
};

export type Profile = {
  __typename?: 'Profile';
  address: Scalars['Address']['output'];
  blockNumber: Scalars['Int']['output'];
  broadcaster: Scalars['Boolean']['output'];
  finality: Finality;
  followerCount: Scalars['Int']['output'];
  followers: FollowConnection;
  following: FollowConnection;
  followingCount: Scalars['Int']['output'];
  handle: Maybe<Scalars['String']['output']>;
  profileUri: Maybe<Scalars['String']['output']>;
  registered: Scalars['Boolean']['output'];
  registeredAt: Maybe<Scalars['Float']['output']>;
  updatedAt: Maybe<Scalars['Float']['output']>;
};


export type ProfileFollowersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type ProfileFollowingArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ProfileConnection = {
  __typename?: 'ProfileConnection';
  nodes: Array<Profile>;
  pageInfo: PageInfo;
};

export type Query = {
  __typename?: 'Query';
  balances: BalanceConnection;
  /** Per token, as the contract's views would say at 'at' (ms, default the last indexed block's time). */
  earnings: EarningsConnection;
  followers: FollowConnection;
  following: FollowConnection;
  /** Whether 'follower' follows 'followee' as of the last indexed block. */
  follows: Scalars['Boolean']['output'];
  /** The gift catalog (every gift id ever listed, enabled or not), by id. */
  giftCatalog: GiftTypeConnection;
  gifts: GiftConnection;
  /** Top accounts; 'at' (ms, default the last indexed block's time) picks the period. A per-stream chart ('streamId', period ALL) needs the stream's 'broadcaster': it counts only gifts to them. */
  leaderboard: Leaderboard;
  ledger: LedgerConnection;
  /** By address or handle (one of them). */
  profile: Maybe<Profile>;
  /** Registered profiles by handle; 'search' is a handle prefix. */
  profiles: ProfileConnection;
  rewardClaims: RewardClaimConnection;
  rewardEpochs: RewardEpochConnection;
  /** A gift session by its key; 'at' (ms, default the last indexed block's time) sets its status. */
  session: Maybe<GiftSession>;
  /** A viewer's gift sessions in the order they were opened; 'at' as in session. */
  sessions: GiftSessionConnection;
  /** Intents of 'sender' that settleGifts skipped, in chain order. */
  skippedIntents: SkippedIntentConnection;
  splitPolicy: SplitPolicy;
  status: Status;
  /** A stream's totals per token: gifts to 'broadcaster' tagged with 'streamId' (a streamId anyone may put on a gift counts only with the broadcaster who owns the stream). */
  streamTotals: StreamTotalConnection;
};


export type QueryBalancesArgs = {
  address: Scalars['Address']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryEarningsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  at?: InputMaybe<Scalars['Float']['input']>;
  broadcaster: Scalars['Address']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryFollowersArgs = {
  address: Scalars['Address']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryFollowingArgs = {
  address: Scalars['Address']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryFollowsArgs = {
  followee: Scalars['Address']['input'];
  follower: Scalars['Address']['input'];
};


export type QueryGiftCatalogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryGiftsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<GiftFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryLeaderboardArgs = {
  at?: InputMaybe<Scalars['Float']['input']>;
  broadcaster?: InputMaybe<Scalars['Address']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind: ChartKind;
  period: ChartPeriod;
  streamId?: InputMaybe<Scalars['BigInt']['input']>;
  token: Scalars['Address']['input'];
};


export type QueryLedgerArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<LedgerFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryProfileArgs = {
  address?: InputMaybe<Scalars['Address']['input']>;
  handle?: InputMaybe<Scalars['String']['input']>;
};


export type QueryProfilesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};


export type QueryRewardClaimsArgs = {
  account: Scalars['Address']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryRewardEpochsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySessionArgs = {
  at?: InputMaybe<Scalars['Float']['input']>;
  sessionKey: Scalars['Address']['input'];
};


export type QuerySessionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  at?: InputMaybe<Scalars['Float']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  viewer: Scalars['Address']['input'];
};


export type QuerySkippedIntentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  sender: Scalars['Address']['input'];
};


export type QuerySplitPolicyArgs = {
  at?: InputMaybe<Scalars['Float']['input']>;
  broadcaster: Scalars['Address']['input'];
};


export type QueryStreamTotalsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  broadcaster: Scalars['Address']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  streamId: Scalars['BigInt']['input'];
};

export type RewardClaim = {
  __typename?: 'RewardClaim';
  account: Scalars['Address']['output'];
  amount: Scalars['BigInt']['output'];
  blockNumber: Scalars['Int']['output'];
  category: Scalars['Int']['output'];
  claimIndex: Scalars['BigInt']['output'];
  epochId: Scalars['BigInt']['output'];
  finality: Finality;
  timestamp: Scalars['Float']['output'];
  txId: Scalars['String']['output'];
};

export type RewardClaimConnection = {
  __typename?: 'RewardClaimConnection';
  nodes: Array<RewardClaim>;
  pageInfo: PageInfo;
};

export type RewardEpoch = {
  __typename?: 'RewardEpoch';
  blockNumber: Scalars['Int']['output'];
  /** Withdrawn before any claim; its total went back to the pool's unallocated funds. */
  cancelled: Scalars['Boolean']['output'];
  cancelledAt: Maybe<Scalars['Float']['output']>;
  claimCount: Scalars['Int']['output'];
  claimDeadline: Scalars['Float']['output'];
  claimed: Scalars['BigInt']['output'];
  epochId: Scalars['BigInt']['output'];
  finality: Finality;
  merkleRoot: Scalars['String']['output'];
  publishedAt: Scalars['Float']['output'];
  swept: Scalars['Boolean']['output'];
  sweptAmount: Scalars['BigInt']['output'];
  sweptAt: Maybe<Scalars['Float']['output']>;
  token: Scalars['Address']['output'];
  total: Scalars['BigInt']['output'];
  txId: Scalars['String']['output'];
  uri: Scalars['String']['output'];
};

export type RewardEpochConnection = {
  __typename?: 'RewardEpochConnection';
  nodes: Array<RewardEpoch>;
  pageInfo: PageInfo;
};

/** Where a gift session stands at a time: OPEN (accepting intents), GRACE (ended, closed or expired, intents signed before still settle), RELEASABLE (what is left can be released), RELEASED. */
export type SessionStatus =
  | 'GRACE'
  | 'OPEN'
  | 'RELEASABLE'
  | 'RELEASED';

export type Side =
  | 'CREDIT'
  | 'DEBIT';

/** Why settleGifts skipped an intent (IGiftSessions.SkipReason). */
export type SkipReason =
  | 'BadSignature'
  | 'Expired'
  | 'GiftDisabled'
  | 'GiftTooSmall'
  | 'InsufficientBalance'
  | 'InvalidQuantity'
  | 'NonceGap'
  | 'NotBroadcaster'
  | 'OverCap'
  | 'Replayed'
  | 'SelfGift'
  | 'SessionEnded'
  | 'TermsChanged'
  | 'TokenNotAllowed'
  | 'UnknownGift'
  | 'WrongToken';

/** An intent settleGifts skipped: nothing of it applied. */
export type SkippedIntent = {
  __typename?: 'SkippedIntent';
  blockNumber: Scalars['Int']['output'];
  finality: Finality;
  intentHash: Scalars['String']['output'];
  logIndex: Scalars['Int']['output'];
  nonce: Scalars['BigInt']['output'];
  reason: SkipReason;
  /** The intent's sender as given (not necessarily its signer). */
  sender: Scalars['Address']['output'];
  timestamp: Scalars['Float']['output'];
  txId: Scalars['String']['output'];
  txIndex: Scalars['Int']['output'];
};

export type SkippedIntentConnection = {
  __typename?: 'SkippedIntentConnection';
  nodes: Array<SkippedIntent>;
  pageInfo: PageInfo;
};

export type Split = {
  __typename?: 'Split';
  broadcasterBps: Scalars['Int']['output'];
  platformBps: Scalars['Int']['output'];
  poolBps: Scalars['Int']['output'];
};

export type SplitEvent = {
  __typename?: 'SplitEvent';
  blockNumber: Scalars['Int']['output'];
  broadcasterBps: Maybe<Scalars['Int']['output']>;
  effectiveAt: Scalars['Float']['output'];
  finality: Finality;
  kind: Scalars['String']['output'];
  platformBps: Maybe<Scalars['Int']['output']>;
  poolBps: Maybe<Scalars['Int']['output']>;
  timestamp: Scalars['Float']['output'];
  txId: Scalars['String']['output'];
};

export type SplitEventConnection = {
  __typename?: 'SplitEventConnection';
  nodes: Array<SplitEvent>;
  pageInfo: PageInfo;
};

export type SplitPolicy = {
  __typename?: 'SplitPolicy';
  at: Scalars['Float']['output'];
  broadcaster: Scalars['Address']['output'];
  current: Maybe<Split>;
  history: SplitEventConnection;
  /** How long the broadcaster's share of a gift waits before it can be claimed: GiftVault's hold period now, in seconds (null before the indexer saw it). */
  holdSeconds: Maybe<Scalars['Int']['output']>;
  /** Whether a per-broadcaster override applies now (else the default). */
  overridden: Scalars['Boolean']['output'];
  pending: Maybe<PendingSplit>;
};


export type SplitPolicyHistoryArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type Status = {
  __typename?: 'Status';
  final: Scalars['Int']['output'];
  head: Scalars['Int']['output'];
  indexed: Scalars['Int']['output'];
  lag: Scalars['Int']['output'];
  solidified: Scalars['Int']['output'];
  /** The last indexed block's time (ms): the chain's clock, which time-dependent views (escrow releases) go by; null before the first block. */
  time: Maybe<Scalars['Float']['output']>;
};

export type StreamTotal = {
  __typename?: 'StreamTotal';
  blockNumber: Scalars['Int']['output'];
  broadcaster: Scalars['Address']['output'];
  broadcasterAmount: Scalars['BigInt']['output'];
  finality: Finality;
  firstGiftAt: Scalars['Float']['output'];
  giftCount: Scalars['Int']['output'];
  lastGiftAt: Scalars['Float']['output'];
  streamId: Scalars['BigInt']['output'];
  token: Scalars['Address']['output'];
  total: Scalars['BigInt']['output'];
};

export type StreamTotalConnection = {
  __typename?: 'StreamTotalConnection';
  nodes: Array<StreamTotal>;
  pageInfo: PageInfo;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Each advance of the final block. */
  finalized: FinalityUpdate;
  /**
   * Gifts committed after subscribing, optionally for one stream and/or broadcaster. A gift a
   * reorg takes back is sent again with removed: true; 'finalized' says when gifts turn final.
   */
  giftSent: Gift;
  /** Ledger entries of an address's wallet, vault and escrow accounts committed after subscribing (again with removed: true if a reorg takes them back). */
  ledgerEntries: LedgerEntry;
};


export type SubscriptionGiftSentArgs = {
  broadcaster?: InputMaybe<Scalars['Address']['input']>;
  streamId?: InputMaybe<Scalars['BigInt']['input']>;
};


export type SubscriptionLedgerEntriesArgs = {
  address: Scalars['Address']['input'];
};

export type TokenEarnings = {
  __typename?: 'TokenEarnings';
  at: Scalars['Float']['output'];
  blockNumber: Scalars['Int']['output'];
  claimable: Scalars['BigInt']['output'];
  claimed: Scalars['BigInt']['output'];
  escrowedTotal: Scalars['BigInt']['output'];
  finality: Finality;
  /** Next release after 'at', in ms; null if nothing is pending. */
  nextReleaseAt: Maybe<Scalars['Float']['output']>;
  pending: Scalars['BigInt']['output'];
  token: Scalars['Address']['output'];
};

/** Who paid for a transaction, from its receipt. Energy in units; fees in sun (TRX's base unit). */
export type TxFees = {
  __typename?: 'TxFees';
  /** Bandwidth out of the caller's free or staked bandwidth. */
  bandwidth: Scalars['Int']['output'];
  /** Sun the caller burned for bandwidth. */
  bandwidthFee: Scalars['BigInt']['output'];
  /** The transaction's signer (owner_address). */
  caller: Scalars['Address']['output'];
  /** Energy out of the caller's stake. */
  callerEnergy: Scalars['Int']['output'];
  /** The contract called. */
  contract: Maybe<Scalars['Address']['output']>;
  /** Energy out of the contract deployer's stake (energy sharing). */
  deployerEnergy: Scalars['Int']['output'];
  /** Sun the caller burned for energy beyond its stake. */
  energyFee: Scalars['BigInt']['output'];
  energyPaidBy: EnergyPayer;
  energyTotal: Scalars['Int']['output'];
  /** All the sun the caller burned. */
  fee: Scalars['BigInt']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Address: ResolverTypeWrapper<Scalars['Address']['output']>;
  Balance: ResolverTypeWrapper<Balance>;
  BalanceConnection: ResolverTypeWrapper<BalanceConnection>;
  BigInt: ResolverTypeWrapper<Scalars['BigInt']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ChartKind: ChartKind;
  ChartPeriod: ChartPeriod;
  EarningsConnection: ResolverTypeWrapper<EarningsConnection>;
  EnergyPayer: EnergyPayer;
  Finality: Finality;
  FinalityUpdate: ResolverTypeWrapper<FinalityUpdate>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Follow: ResolverTypeWrapper<FollowNode>;
  FollowConnection: ResolverTypeWrapper<Omit<FollowConnection, 'nodes'> & { nodes: Array<ResolversTypes['Follow']> }>;
  Gift: ResolverTypeWrapper<Gift>;
  GiftConnection: ResolverTypeWrapper<GiftConnection>;
  GiftFilter: GiftFilter;
  GiftSession: ResolverTypeWrapper<GiftSession>;
  GiftSessionConnection: ResolverTypeWrapper<GiftSessionConnection>;
  GiftType: ResolverTypeWrapper<GiftType>;
  GiftTypeConnection: ResolverTypeWrapper<GiftTypeConnection>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Leaderboard: ResolverTypeWrapper<Leaderboard>;
  LeaderboardEntry: ResolverTypeWrapper<LeaderboardEntry>;
  LedgerConnection: ResolverTypeWrapper<Omit<LedgerConnection, 'nodes'> & { nodes: Array<ResolversTypes['LedgerEntry']> }>;
  LedgerEntry: ResolverTypeWrapper<LedgerEntryNode>;
  LedgerFilter: LedgerFilter;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PaidFrom: PaidFrom;
  PendingSplit: ResolverTypeWrapper<PendingSplit>;
  Profile: ResolverTypeWrapper<ProfileNode>;
  ProfileConnection: ResolverTypeWrapper<Omit<ProfileConnection, 'nodes'> & { nodes: Array<ResolversTypes['Profile']> }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RewardClaim: ResolverTypeWrapper<RewardClaim>;
  RewardClaimConnection: ResolverTypeWrapper<RewardClaimConnection>;
  RewardEpoch: ResolverTypeWrapper<RewardEpoch>;
  RewardEpochConnection: ResolverTypeWrapper<RewardEpochConnection>;
  SessionStatus: SessionStatus;
  Side: Side;
  SkipReason: SkipReason;
  SkippedIntent: ResolverTypeWrapper<SkippedIntent>;
  SkippedIntentConnection: ResolverTypeWrapper<SkippedIntentConnection>;
  Split: ResolverTypeWrapper<Split>;
  SplitEvent: ResolverTypeWrapper<SplitEvent>;
  SplitEventConnection: ResolverTypeWrapper<SplitEventConnection>;
  SplitPolicy: ResolverTypeWrapper<SplitPolicyNode>;
  Status: ResolverTypeWrapper<Status>;
  StreamTotal: ResolverTypeWrapper<StreamTotal>;
  StreamTotalConnection: ResolverTypeWrapper<StreamTotalConnection>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  TokenEarnings: ResolverTypeWrapper<TokenEarnings>;
  TxFees: ResolverTypeWrapper<TxFees>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Address: Scalars['Address']['output'];
  Balance: Balance;
  BalanceConnection: BalanceConnection;
  BigInt: Scalars['BigInt']['output'];
  Boolean: Scalars['Boolean']['output'];
  EarningsConnection: EarningsConnection;
  FinalityUpdate: FinalityUpdate;
  Float: Scalars['Float']['output'];
  Follow: FollowNode;
  FollowConnection: Omit<FollowConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Follow']> };
  Gift: Gift;
  GiftConnection: GiftConnection;
  GiftFilter: GiftFilter;
  GiftSession: GiftSession;
  GiftSessionConnection: GiftSessionConnection;
  GiftType: GiftType;
  GiftTypeConnection: GiftTypeConnection;
  Int: Scalars['Int']['output'];
  Leaderboard: Leaderboard;
  LeaderboardEntry: LeaderboardEntry;
  LedgerConnection: Omit<LedgerConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['LedgerEntry']> };
  LedgerEntry: LedgerEntryNode;
  LedgerFilter: LedgerFilter;
  PageInfo: PageInfo;
  PendingSplit: PendingSplit;
  Profile: ProfileNode;
  ProfileConnection: Omit<ProfileConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Profile']> };
  Query: Record<PropertyKey, never>;
  RewardClaim: RewardClaim;
  RewardClaimConnection: RewardClaimConnection;
  RewardEpoch: RewardEpoch;
  RewardEpochConnection: RewardEpochConnection;
  SkippedIntent: SkippedIntent;
  SkippedIntentConnection: SkippedIntentConnection;
  Split: Split;
  SplitEvent: SplitEvent;
  SplitEventConnection: SplitEventConnection;
  SplitPolicy: SplitPolicyNode;
  Status: Status;
  StreamTotal: StreamTotal;
  StreamTotalConnection: StreamTotalConnection;
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  TokenEarnings: TokenEarnings;
  TxFees: TxFees;
};

export interface AddressScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Address'], any> {
  name: 'Address';
}

export type BalanceResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Balance'] = ResolversParentTypes['Balance']> = {
  amount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
};

export type BalanceConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['BalanceConnection'] = ResolversParentTypes['BalanceConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['Balance']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export interface BigIntScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['BigInt'], any> {
  name: 'BigInt';
}

export type EarningsConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['EarningsConnection'] = ResolversParentTypes['EarningsConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['TokenEarnings']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type FinalityUpdateResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['FinalityUpdate'] = ResolversParentTypes['FinalityUpdate']> = {
  final?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  indexed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type FollowResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Follow'] = ResolversParentTypes['Follow']> = {
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  follower?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  profile?: Resolver<ResolversTypes['Profile'], ParentType, ContextType>;
  since?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
};

export type FollowConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['FollowConnection'] = ResolversParentTypes['FollowConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['Follow']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type GiftResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Gift'] = ResolversParentTypes['Gift']> = {
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  broadcaster?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  broadcasterAmount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  giftId?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  intentHash?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  logIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  paidFrom?: Resolver<ResolversTypes['PaidFrom'], ParentType, ContextType>;
  platformAmount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  poolAmount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  relayed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  releaseAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  removed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  sender?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  sessionKey?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  signer?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  streamId?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  txId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  txIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type GiftConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['GiftConnection'] = ResolversParentTypes['GiftConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['Gift']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type GiftSessionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['GiftSession'] = ResolversParentTypes['GiftSession']> = {
  at?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cap?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  closedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  giftCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  grace?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  openedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  releasableAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  releasedAmount?: Resolver<Maybe<ResolversTypes['BigInt']>, ParentType, ContextType>;
  releasedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  reserved?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  sessionKey?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  spent?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SessionStatus'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  txId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  viewer?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
};

export type GiftSessionConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['GiftSessionConnection'] = ResolversParentTypes['GiftSessionConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['GiftSession']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type GiftTypeResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['GiftType'] = ResolversParentTypes['GiftType']> = {
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  giftId?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  uri?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type GiftTypeConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['GiftTypeConnection'] = ResolversParentTypes['GiftTypeConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['GiftType']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type LeaderboardResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Leaderboard'] = ResolversParentTypes['Leaderboard']> = {
  broadcaster?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  entries?: Resolver<Array<ResolversTypes['LeaderboardEntry']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['ChartKind'], ParentType, ContextType>;
  period?: Resolver<ResolversTypes['ChartPeriod'], ParentType, ContextType>;
  periodStart?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  streamId?: Resolver<Maybe<ResolversTypes['BigInt']>, ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
};

export type LeaderboardEntryResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['LeaderboardEntry'] = ResolversParentTypes['LeaderboardEntry']> = {
  account?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  amount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  giftCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  rank?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type LedgerConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['LedgerConnection'] = ResolversParentTypes['LedgerConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['LedgerEntry']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type LedgerEntryResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['LedgerEntry'] = ResolversParentTypes['LedgerEntry']> = {
  account?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  amount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  entryIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  fees?: Resolver<Maybe<ResolversTypes['TxFees']>, ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  logIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  removed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  side?: Resolver<ResolversTypes['Side'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  txId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  txIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PendingSplitResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['PendingSplit'] = ResolversParentTypes['PendingSplit']> = {
  effectiveAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  split?: Resolver<Maybe<ResolversTypes['Split']>, ParentType, ContextType>;
};

export type ProfileResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Profile'] = ResolversParentTypes['Profile']> = {
  address?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  broadcaster?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  followerCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  followers?: Resolver<ResolversTypes['FollowConnection'], ParentType, ContextType, Partial<ProfileFollowersArgs>>;
  following?: Resolver<ResolversTypes['FollowConnection'], ParentType, ContextType, Partial<ProfileFollowingArgs>>;
  followingCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  handle?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  profileUri?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  registered?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  registeredAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  updatedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type ProfileConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['ProfileConnection'] = ResolversParentTypes['ProfileConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['Profile']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  balances?: Resolver<ResolversTypes['BalanceConnection'], ParentType, ContextType, RequireFields<QueryBalancesArgs, 'address'>>;
  earnings?: Resolver<ResolversTypes['EarningsConnection'], ParentType, ContextType, RequireFields<QueryEarningsArgs, 'broadcaster'>>;
  followers?: Resolver<ResolversTypes['FollowConnection'], ParentType, ContextType, RequireFields<QueryFollowersArgs, 'address'>>;
  following?: Resolver<ResolversTypes['FollowConnection'], ParentType, ContextType, RequireFields<QueryFollowingArgs, 'address'>>;
  follows?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<QueryFollowsArgs, 'followee' | 'follower'>>;
  giftCatalog?: Resolver<ResolversTypes['GiftTypeConnection'], ParentType, ContextType, Partial<QueryGiftCatalogArgs>>;
  gifts?: Resolver<ResolversTypes['GiftConnection'], ParentType, ContextType, Partial<QueryGiftsArgs>>;
  leaderboard?: Resolver<ResolversTypes['Leaderboard'], ParentType, ContextType, RequireFields<QueryLeaderboardArgs, 'kind' | 'period' | 'token'>>;
  ledger?: Resolver<ResolversTypes['LedgerConnection'], ParentType, ContextType, Partial<QueryLedgerArgs>>;
  profile?: Resolver<Maybe<ResolversTypes['Profile']>, ParentType, ContextType, Partial<QueryProfileArgs>>;
  profiles?: Resolver<ResolversTypes['ProfileConnection'], ParentType, ContextType, Partial<QueryProfilesArgs>>;
  rewardClaims?: Resolver<ResolversTypes['RewardClaimConnection'], ParentType, ContextType, RequireFields<QueryRewardClaimsArgs, 'account'>>;
  rewardEpochs?: Resolver<ResolversTypes['RewardEpochConnection'], ParentType, ContextType, Partial<QueryRewardEpochsArgs>>;
  session?: Resolver<Maybe<ResolversTypes['GiftSession']>, ParentType, ContextType, RequireFields<QuerySessionArgs, 'sessionKey'>>;
  sessions?: Resolver<ResolversTypes['GiftSessionConnection'], ParentType, ContextType, RequireFields<QuerySessionsArgs, 'viewer'>>;
  skippedIntents?: Resolver<ResolversTypes['SkippedIntentConnection'], ParentType, ContextType, RequireFields<QuerySkippedIntentsArgs, 'sender'>>;
  splitPolicy?: Resolver<ResolversTypes['SplitPolicy'], ParentType, ContextType, RequireFields<QuerySplitPolicyArgs, 'broadcaster'>>;
  status?: Resolver<ResolversTypes['Status'], ParentType, ContextType>;
  streamTotals?: Resolver<ResolversTypes['StreamTotalConnection'], ParentType, ContextType, RequireFields<QueryStreamTotalsArgs, 'broadcaster' | 'streamId'>>;
};

export type RewardClaimResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['RewardClaim'] = ResolversParentTypes['RewardClaim']> = {
  account?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  amount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  category?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  claimIndex?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  epochId?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  txId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RewardClaimConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['RewardClaimConnection'] = ResolversParentTypes['RewardClaimConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['RewardClaim']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type RewardEpochResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['RewardEpoch'] = ResolversParentTypes['RewardEpoch']> = {
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cancelled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  cancelledAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  claimCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  claimDeadline?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  claimed?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  epochId?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  merkleRoot?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  publishedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  swept?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  sweptAmount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  sweptAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  txId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uri?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RewardEpochConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['RewardEpochConnection'] = ResolversParentTypes['RewardEpochConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['RewardEpoch']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type SkippedIntentResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['SkippedIntent'] = ResolversParentTypes['SkippedIntent']> = {
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  intentHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  logIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  nonce?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['SkipReason'], ParentType, ContextType>;
  sender?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  txId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  txIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SkippedIntentConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['SkippedIntentConnection'] = ResolversParentTypes['SkippedIntentConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['SkippedIntent']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type SplitResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Split'] = ResolversParentTypes['Split']> = {
  broadcasterBps?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  platformBps?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  poolBps?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SplitEventResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['SplitEvent'] = ResolversParentTypes['SplitEvent']> = {
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  broadcasterBps?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  effectiveAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  platformBps?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  poolBps?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  txId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SplitEventConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['SplitEventConnection'] = ResolversParentTypes['SplitEventConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['SplitEvent']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type SplitPolicyResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['SplitPolicy'] = ResolversParentTypes['SplitPolicy']> = {
  at?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  broadcaster?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  current?: Resolver<Maybe<ResolversTypes['Split']>, ParentType, ContextType>;
  history?: Resolver<ResolversTypes['SplitEventConnection'], ParentType, ContextType, Partial<SplitPolicyHistoryArgs>>;
  holdSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  overridden?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  pending?: Resolver<Maybe<ResolversTypes['PendingSplit']>, ParentType, ContextType>;
};

export type StatusResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Status'] = ResolversParentTypes['Status']> = {
  final?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  head?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  indexed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lag?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  solidified?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  time?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type StreamTotalResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['StreamTotal'] = ResolversParentTypes['StreamTotal']> = {
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  broadcaster?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  broadcasterAmount?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  firstGiftAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  giftCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastGiftAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  streamId?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
};

export type StreamTotalConnectionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['StreamTotalConnection'] = ResolversParentTypes['StreamTotalConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['StreamTotal']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  finalized?: SubscriptionResolver<ResolversTypes['FinalityUpdate'], "finalized", ParentType, ContextType>;
  giftSent?: SubscriptionResolver<ResolversTypes['Gift'], "giftSent", ParentType, ContextType, Partial<SubscriptionGiftSentArgs>>;
  ledgerEntries?: SubscriptionResolver<ResolversTypes['LedgerEntry'], "ledgerEntries", ParentType, ContextType, RequireFields<SubscriptionLedgerEntriesArgs, 'address'>>;
};

export type TokenEarningsResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['TokenEarnings'] = ResolversParentTypes['TokenEarnings']> = {
  at?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  blockNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  claimable?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  claimed?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  escrowedTotal?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  finality?: Resolver<ResolversTypes['Finality'], ParentType, ContextType>;
  nextReleaseAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  pending?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
};

export type TxFeesResolvers<ContextType = ApiContext, ParentType extends ResolversParentTypes['TxFees'] = ResolversParentTypes['TxFees']> = {
  bandwidth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  bandwidthFee?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  caller?: Resolver<ResolversTypes['Address'], ParentType, ContextType>;
  callerEnergy?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  contract?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  deployerEnergy?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  energyFee?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  energyPaidBy?: Resolver<ResolversTypes['EnergyPayer'], ParentType, ContextType>;
  energyTotal?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  fee?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
};

export type Resolvers<ContextType = ApiContext> = {
  Address?: GraphQLScalarType;
  Balance?: BalanceResolvers<ContextType>;
  BalanceConnection?: BalanceConnectionResolvers<ContextType>;
  BigInt?: GraphQLScalarType;
  EarningsConnection?: EarningsConnectionResolvers<ContextType>;
  FinalityUpdate?: FinalityUpdateResolvers<ContextType>;
  Follow?: FollowResolvers<ContextType>;
  FollowConnection?: FollowConnectionResolvers<ContextType>;
  Gift?: GiftResolvers<ContextType>;
  GiftConnection?: GiftConnectionResolvers<ContextType>;
  GiftSession?: GiftSessionResolvers<ContextType>;
  GiftSessionConnection?: GiftSessionConnectionResolvers<ContextType>;
  GiftType?: GiftTypeResolvers<ContextType>;
  GiftTypeConnection?: GiftTypeConnectionResolvers<ContextType>;
  Leaderboard?: LeaderboardResolvers<ContextType>;
  LeaderboardEntry?: LeaderboardEntryResolvers<ContextType>;
  LedgerConnection?: LedgerConnectionResolvers<ContextType>;
  LedgerEntry?: LedgerEntryResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PendingSplit?: PendingSplitResolvers<ContextType>;
  Profile?: ProfileResolvers<ContextType>;
  ProfileConnection?: ProfileConnectionResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RewardClaim?: RewardClaimResolvers<ContextType>;
  RewardClaimConnection?: RewardClaimConnectionResolvers<ContextType>;
  RewardEpoch?: RewardEpochResolvers<ContextType>;
  RewardEpochConnection?: RewardEpochConnectionResolvers<ContextType>;
  SkippedIntent?: SkippedIntentResolvers<ContextType>;
  SkippedIntentConnection?: SkippedIntentConnectionResolvers<ContextType>;
  Split?: SplitResolvers<ContextType>;
  SplitEvent?: SplitEventResolvers<ContextType>;
  SplitEventConnection?: SplitEventConnectionResolvers<ContextType>;
  SplitPolicy?: SplitPolicyResolvers<ContextType>;
  Status?: StatusResolvers<ContextType>;
  StreamTotal?: StreamTotalResolvers<ContextType>;
  StreamTotalConnection?: StreamTotalConnectionResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  TokenEarnings?: TokenEarningsResolvers<ContextType>;
  TxFees?: TxFeesResolvers<ContextType>;
};

