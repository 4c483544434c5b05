/**
 * The GraphQL schema of the indexer's API (SDL). Conventions:
 * - BigInt: an exact integer amount serialised as a decimal string; Address: base58 `T...`,
 *   validated on input (BAD_ADDRESS).
 * - Every list is a connection `{ nodes, pageInfo }` with `first` (default 20, at most 100: above
 *   that PAGE_TOO_LARGE) and `after` (the previous page's `pageInfo.endCursor`). Chain lists are in
 *   chain order, oldest first, and their cursor is the chain-order key, so rows added later never
 *   shift a page.
 * - Every item that comes from a block has `finality` (FINAL at or below the solidified head as
 *   last seen), `blockNumber`, and where it comes from one transaction `txId` and `timestamp` (ms).
 */
export const typeDefs = /* GraphQL */ `
  "An exact integer (amounts in base units), serialised as a decimal string."
  scalar BigInt
  "A TRON address in base58 (T...)."
  scalar Address

  enum Finality {
    PENDING
    FINAL
  }
  enum ChartKind {
    GIFTERS
    BROADCASTERS
  }
  enum ChartPeriod {
    DAY
    WEEK
    MONTH
    ALL
  }
  enum PaidFrom {
    VAULT
    WALLET
  }
  enum Side {
    DEBIT
    CREDIT
  }
  "Where a gift session stands at a time: OPEN (accepting intents), GRACE (ended, closed or expired, intents signed before still settle), RELEASABLE (what is left can be released), RELEASED."
  enum SessionStatus {
    OPEN
    GRACE
    RELEASABLE
    RELEASED
  }
  "Why settleGifts skipped an intent (IGiftSessions.SkipReason)."
  enum SkipReason {
    BadSignature
    Replayed
    NonceGap
    SessionEnded
    Expired
    WrongToken
    SelfGift
    NotBroadcaster
    UnknownGift
    GiftDisabled
    InvalidQuantity
    TokenNotAllowed
    TermsChanged
    GiftTooSmall
    OverCap
    InsufficientBalance
  }
  "Who paid a transaction's energy: the caller, the called contract's deployer (energy sharing), both, or nobody (no energy used)."
  enum EnergyPayer {
    CALLER
    DEPLOYER
    SHARED
    NONE
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
  }

  type Profile {
    address: Address!
    registered: Boolean!
    handle: String
    profileUri: String
    broadcaster: Boolean!
    registeredAt: Float
    updatedAt: Float
    followerCount: Int!
    followingCount: Int!
    blockNumber: Int!
    finality: Finality!
    followers(first: Int, after: String): FollowConnection!
    following(first: Int, after: String): FollowConnection!
  }
  type ProfileConnection {
    nodes: [Profile!]!
    pageInfo: PageInfo!
  }
  type Follow {
    follower: Address!
    target: Address!
    since: Float!
    blockNumber: Int!
    finality: Finality!
    "The follower's profile (followers) or the target's (following)."
    profile: Profile!
  }
  type FollowConnection {
    nodes: [Follow!]!
    pageInfo: PageInfo!
  }

  type Balance {
    user: Address!
    token: Address!
    amount: BigInt!
    blockNumber: Int!
    finality: Finality!
  }
  type BalanceConnection {
    nodes: [Balance!]!
    pageInfo: PageInfo!
  }

  type Gift {
    txId: String!
    blockNumber: Int!
    txIndex: Int!
    logIndex: Int!
    timestamp: Float!
    finality: Finality!
    sender: Address!
    broadcaster: Address!
    giftId: BigInt!
    quantity: Int!
    token: Address!
    total: BigInt!
    broadcasterAmount: BigInt!
    poolAmount: BigInt!
    platformAmount: BigInt!
    streamId: BigInt!
    releaseAt: Float!
    paidFrom: PaidFrom!
    "Settled by settleGifts from an intent the sender (or one of their session keys) signed, and relayed by someone else."
    relayed: Boolean!
    "Relayed gifts: the intent's TIP-712 digest."
    intentHash: String
    "Relayed gifts: who signed the intent (a session key, or the sender's wallet)."
    signer: Address
    "The gift session whose reserve paid it (the signer was its key); null when paid from the vault balance or the wallet."
    sessionKey: Address
    "True only in a subscription's notice that a reorg took this row back (like eth_subscribe's logs); queries never return removed rows."
    removed: Boolean!
  }
  "A catalog entry as of its last GiftUpdated. 'uri' is the deployer's JSON (name, animation)."
  type GiftType {
    giftId: BigInt!
    token: Address!
    price: BigInt!
    enabled: Boolean!
    uri: String!
    updatedAt: Float!
    blockNumber: Int!
    finality: Finality!
  }
  type GiftTypeConnection {
    nodes: [GiftType!]!
    pageInfo: PageInfo!
  }
  type GiftConnection {
    nodes: [Gift!]!
    pageInfo: PageInfo!
  }
  input GiftFilter {
    sender: Address
    broadcaster: Address
    streamId: BigInt
    token: Address
    "Times in ms, inclusive."
    from: Float
    to: Float
  }

  type StreamTotal {
    streamId: BigInt!
    broadcaster: Address!
    token: Address!
    total: BigInt!
    broadcasterAmount: BigInt!
    giftCount: Int!
    firstGiftAt: Float!
    lastGiftAt: Float!
    blockNumber: Int!
    finality: Finality!
  }
  type StreamTotalConnection {
    nodes: [StreamTotal!]!
    pageInfo: PageInfo!
  }

  type LeaderboardEntry {
    rank: Int!
    account: Address!
    amount: BigInt!
    giftCount: Int!
    blockNumber: Int!
    finality: Finality!
  }
  type Leaderboard {
    kind: ChartKind!
    period: ChartPeriod!
    periodStart: Float!
    token: Address!
    streamId: BigInt
    broadcaster: Address
    entries: [LeaderboardEntry!]!
  }

  type TokenEarnings {
    token: Address!
    pending: BigInt!
    claimable: BigInt!
    claimed: BigInt!
    escrowedTotal: BigInt!
    "Next release after 'at', in ms; null if nothing is pending."
    nextReleaseAt: Float
    at: Float!
    blockNumber: Int!
    finality: Finality!
  }
  type EarningsConnection {
    nodes: [TokenEarnings!]!
    pageInfo: PageInfo!
  }

  "Who paid for a transaction, from its receipt. Energy in units; fees in sun (TRX's base unit)."
  type TxFees {
    "The transaction's signer (owner_address)."
    caller: Address!
    "The contract called."
    contract: Address
    energyPaidBy: EnergyPayer!
    energyTotal: Int!
    "Energy out of the caller's stake."
    callerEnergy: Int!
    "Energy out of the contract deployer's stake (energy sharing)."
    deployerEnergy: Int!
    "Sun the caller burned for energy beyond its stake."
    energyFee: BigInt!
    "Bandwidth out of the caller's free or staked bandwidth."
    bandwidth: Int!
    "Sun the caller burned for bandwidth."
    bandwidthFee: BigInt!
    "All the sun the caller burned."
    fee: BigInt!
  }

  type LedgerEntry {
    id: Int!
    cursor: String!
    txId: String!
    blockNumber: Int!
    txIndex: Int!
    logIndex: Int!
    entryIndex: Int!
    timestamp: Float!
    finality: Finality!
    kind: String!
    account: String!
    side: Side!
    token: Address!
    amount: BigInt!
    "Who paid for the entry's transaction (null for transactions indexed before fees were recorded)."
    fees: TxFees
    "True only in a subscription's notice that a reorg took this row back (like eth_subscribe's logs); queries never return removed rows."
    removed: Boolean!
  }
  type LedgerConnection {
    nodes: [LedgerEntry!]!
    pageInfo: PageInfo!
  }
  input LedgerFilter {
    "A ledger account (wallet:T..., vault:T..., escrow:T..., reserve:T..., treasury, ...) or a bare address (its wallet, vault, escrow and reserve accounts)."
    account: String
    kind: String
    token: Address
    from: Float
    to: Float
    txId: String
  }

  "A gift session: a cap reserved out of the viewer's vault balance, spent by intents its key signs."
  type GiftSession {
    sessionKey: Address!
    viewer: Address!
    token: Address!
    cap: BigInt!
    "What its gifts cost."
    spent: BigInt!
    "What is still reserved (cap - spent), 0 once released."
    reserved: BigInt!
    giftCount: Int!
    "Grace period in seconds, fixed at opening."
    grace: Int!
    expiresAt: Float!
    "When it was closed early (ms), else null."
    closedAt: Float
    "When intents stop settling and what is left can be released (ms)."
    releasableAt: Float!
    releasedAmount: BigInt
    releasedAt: Float
    "As of 'at'."
    status: SessionStatus!
    at: Float!
    openedAt: Float!
    "The transaction that opened it."
    txId: String!
    blockNumber: Int!
    finality: Finality!
  }
  type GiftSessionConnection {
    nodes: [GiftSession!]!
    pageInfo: PageInfo!
  }
  "An intent settleGifts skipped: nothing of it applied."
  type SkippedIntent {
    intentHash: String!
    "The intent's sender as given (not necessarily its signer)."
    sender: Address!
    nonce: BigInt!
    reason: SkipReason!
    txId: String!
    blockNumber: Int!
    txIndex: Int!
    logIndex: Int!
    timestamp: Float!
    finality: Finality!
  }
  type SkippedIntentConnection {
    nodes: [SkippedIntent!]!
    pageInfo: PageInfo!
  }

  type RewardEpoch {
    epochId: BigInt!
    token: Address!
    merkleRoot: String!
    total: BigInt!
    claimed: BigInt!
    claimCount: Int!
    claimDeadline: Float!
    uri: String!
    publishedAt: Float!
    txId: String!
    swept: Boolean!
    sweptAmount: BigInt!
    sweptAt: Float
    "Withdrawn before any claim; its total went back to the pool's unallocated funds."
    cancelled: Boolean!
    cancelledAt: Float
    blockNumber: Int!
    finality: Finality!
  }
  type RewardEpochConnection {
    nodes: [RewardEpoch!]!
    pageInfo: PageInfo!
  }
  type RewardClaim {
    epochId: BigInt!
    claimIndex: BigInt!
    account: Address!
    amount: BigInt!
    category: Int!
    txId: String!
    blockNumber: Int!
    timestamp: Float!
    finality: Finality!
  }
  type RewardClaimConnection {
    nodes: [RewardClaim!]!
    pageInfo: PageInfo!
  }

  type Split {
    broadcasterBps: Int!
    poolBps: Int!
    platformBps: Int!
  }
  type PendingSplit {
    "Null when the announced change removes the override (the default then applies)."
    split: Split
    effectiveAt: Float!
  }
  type SplitEvent {
    kind: String!
    broadcasterBps: Int
    poolBps: Int
    platformBps: Int
    effectiveAt: Float!
    txId: String!
    blockNumber: Int!
    timestamp: Float!
    finality: Finality!
  }
  type SplitEventConnection {
    nodes: [SplitEvent!]!
    pageInfo: PageInfo!
  }
  type SplitPolicy {
    broadcaster: Address!
    "Whether a per-broadcaster override applies now (else the default)."
    overridden: Boolean!
    current: Split
    pending: PendingSplit
    "How long the broadcaster's share of a gift waits before it can be claimed: GiftVault's hold period now, in seconds (null before the indexer saw it)."
    holdSeconds: Int
    at: Float!
    history(first: Int, after: String): SplitEventConnection!
  }

  type Status {
    head: Int!
    solidified: Int!
    indexed: Int!
    final: Int!
    lag: Int!
    "The last indexed block's time (ms): the chain's clock, which time-dependent views (escrow releases) go by; null before the first block."
    time: Float
  }

  type Query {
    "By address or handle (one of them)."
    profile(address: Address, handle: String): Profile
    "Registered profiles by handle; 'search' is a handle prefix."
    profiles(search: String, first: Int, after: String): ProfileConnection!
    followers(address: Address!, first: Int, after: String): FollowConnection!
    following(address: Address!, first: Int, after: String): FollowConnection!
    "Whether 'follower' follows 'followee' as of the last indexed block."
    follows(follower: Address!, followee: Address!): Boolean!
    "The gift catalog (every gift id ever listed, enabled or not), by id."
    giftCatalog(first: Int, after: String): GiftTypeConnection!
    balances(address: Address!, first: Int, after: String): BalanceConnection!
    gifts(filter: GiftFilter, first: Int, after: String): GiftConnection!
    "A stream's totals per token: gifts to 'broadcaster' tagged with 'streamId' (a streamId anyone may put on a gift counts only with the broadcaster who owns the stream)."
    streamTotals(streamId: BigInt!, broadcaster: Address!, first: Int, after: String): StreamTotalConnection!
    "Top accounts; 'at' (ms, default the last indexed block's time) picks the period. A per-stream chart ('streamId', period ALL) needs the stream's 'broadcaster': it counts only gifts to them."
    leaderboard(kind: ChartKind!, period: ChartPeriod!, token: Address!, streamId: BigInt, broadcaster: Address, at: Float, first: Int): Leaderboard!
    "Per token, as the contract's views would say at 'at' (ms, default the last indexed block's time)."
    earnings(broadcaster: Address!, at: Float, first: Int, after: String): EarningsConnection!
    ledger(filter: LedgerFilter, first: Int, after: String): LedgerConnection!
    "A gift session by its key; 'at' (ms, default the last indexed block's time) sets its status."
    session(sessionKey: Address!, at: Float): GiftSession
    "A viewer's gift sessions in the order they were opened; 'at' as in session."
    sessions(viewer: Address!, at: Float, first: Int, after: String): GiftSessionConnection!
    "Intents of 'sender' that settleGifts skipped, in chain order."
    skippedIntents(sender: Address!, first: Int, after: String): SkippedIntentConnection!
    rewardEpochs(first: Int, after: String): RewardEpochConnection!
    rewardClaims(account: Address!, first: Int, after: String): RewardClaimConnection!
    splitPolicy(broadcaster: Address!, at: Float): SplitPolicy!
    status: Status!
  }

  "The final block moved: every row at or below 'final' is now FINAL."
  type FinalityUpdate {
    final: Int!
    indexed: Int!
  }

  type Subscription {
    """
    Gifts committed after subscribing, optionally for one stream and/or broadcaster. A gift a
    reorg takes back is sent again with removed: true; 'finalized' says when gifts turn final.
    """
    giftSent(streamId: BigInt, broadcaster: Address): Gift!
    "Ledger entries of an address's wallet, vault and escrow accounts committed after subscribing (again with removed: true if a reorg takes them back)."
    ledgerEntries(address: Address!): LedgerEntry!
    "Each advance of the final block."
    finalized: FinalityUpdate!
  }
`;
