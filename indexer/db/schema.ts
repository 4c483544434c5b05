/**
 * The indexer's SQLite schema (drizzle). Migrations in ./migrations are generated from this file
 * with `npx drizzle-kit generate` (drizzle.config.ts at the project root) and applied at startup.
 *
 * Conventions:
 * - Amounts are exact integers: `bigint` in TypeScript, decimal TEXT in SQLite (`amount()`).
 *   A column named `<x>_sort` holds `<x>` zero-padded to 78 digits (every uint256 fits), so
 *   `ORDER BY <x>_sort DESC` sorts amounts numerically; the store fills it on every write.
 * - Times are integer milliseconds since the epoch (UTC); the contracts' second-resolution times
 *   (releaseAt, effectiveAt, deadlines) are stored times 1000.
 * - Addresses are base58 `T...`; TRX is the zero address T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb, and
 *   so is "the default split" in split tables.
 * - Every derived row carries `block_number`: the last block that changed it. A row is final when
 *   `block_number <= sync_state.final_number` (the solidified head as last seen), else pending.
 *
 * Raw tables (`raw_*`, `sync_state`, `indexer_meta`, `reorg_journal`) are the sync's; every other
 * table is derived and can be rebuilt from `raw_events` alone (`npm run indexer -- reindex`).
 */
import { customType, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** An exact integer amount: bigint in TypeScript, decimal TEXT in SQLite. */
export const amount = customType<{ data: bigint; driverData: string }>({
  dataType: () => 'text',
  toDriver: (v) => v.toString(),
  fromDriver: (v) => BigInt(v),
});

const blockNumber = () => integer('block_number').notNull();
const sortOf = (name: string) => text(name).notNull().default('');

// ------------------------------------------------------------------------------------------ raw

/** Blocks the sync has seen: every block above the final one (fork detection) and every block with events. */
export const rawBlocks = sqliteTable('raw_blocks', {
  number: integer('number').primaryKey(),
  hash: text('hash').notNull(),
  parentHash: text('parent_hash').notNull(),
  timestamp: integer('timestamp').notNull(),
});

/**
 * Decoded logs of the BLive contracts, in chain order. `log_index` is the log's index within its
 * transaction (TronGrid's `event_index`). `args` is JSON keyed by the ABI's parameter names:
 * integers as decimal strings, addresses base58, bytes as 0x-hex, booleans as booleans.
 */
export const rawEvents = sqliteTable(
  'raw_events',
  {
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    txId: text('tx_id').notNull(),
    timestamp: integer('timestamp').notNull(),
    contract: text('contract').notNull(),
    address: text('address').notNull(),
    eventName: text('event_name').notNull(),
    args: text('args').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockNumber, t.txIndex, t.logIndex] }), index('raw_events_tx_id').on(t.txId)],
);

/**
 * Who paid for each transaction that emitted events of ours, from its receipt as the node gave it
 * (gettransactioninfobyblocknum's `receipt` and `fee`), so the ledger can say it per entry. The
 * caller (`owner_address`) pays `caller_energy` out of its staked energy, burns `energy_fee` sun
 * for the energy beyond that and pays bandwidth (`net_usage` out of its free or staked bandwidth,
 * or `net_fee` sun burned); `deployer_energy` (origin_energy_usage) came out of the called
 * contract's deployer's staked energy (energy sharing). `fee` is all the sun the caller burned.
 * Energy is in units, fees in sun (exact integers, as amounts). Rows of blocks above a fork point
 * go with their events.
 */
export const rawTxFees = sqliteTable(
  'raw_tx_fees',
  {
    txId: text('tx_id').primaryKey(),
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    caller: text('caller').notNull(),
    contract: text('contract'),
    energyTotal: integer('energy_total').notNull(),
    callerEnergy: integer('caller_energy').notNull(),
    deployerEnergy: integer('deployer_energy').notNull(),
    energyFee: amount('energy_fee').notNull(),
    netUsage: integer('net_usage').notNull(),
    netFee: amount('net_fee').notNull(),
    fee: amount('fee').notNull(),
  },
  (t) => [index('raw_tx_fees_block').on(t.blockNumber)],
);

/** One row (id 1): how far the sync got. */
export const syncState = sqliteTable('sync_state', {
  id: integer('id').primaryKey(),
  indexedNumber: integer('indexed_number').notNull(),
  indexedHash: text('indexed_hash').notNull(),
  /** Highest block known to be solidified and indexed; rows at or below it are final. */
  finalNumber: integer('final_number').notNull(),
});

/** What the database was built for (network, contract addresses); a mismatch refuses to start. */
export const indexerMeta = sqliteTable('indexer_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Prior images of derived rows changed by blocks above the final block, so a reorg can restore
 * them. `key` is the JSON array of the row's primary key values, `old` the JSON row before the
 * block first changed it, or NULL if it did not exist. Pruned as finality advances.
 */
export const reorgJournal = sqliteTable(
  'reorg_journal',
  {
    seq: integer('seq').primaryKey(),
    blockNumber: blockNumber(),
    tableName: text('table_name').notNull(),
    key: text('key').notNull(),
    old: text('old'),
  },
  (t) => [index('reorg_journal_block').on(t.blockNumber)],
);

// -------------------------------------------------------------------------------------- profiles

/**
 * Profiles, and every account that follows or is followed (`registered` false until it registers,
 * with no handle): the follow counts live here.
 */
export const profiles = sqliteTable(
  'profiles',
  {
    address: text('address').primaryKey(),
    registered: integer('registered', { mode: 'boolean' }).notNull(),
    handle: text('handle'),
    profileUri: text('profile_uri'),
    broadcaster: integer('broadcaster', { mode: 'boolean' }).notNull(),
    registeredAt: integer('registered_at'),
    updatedAt: integer('updated_at'),
    followerCount: integer('follower_count').notNull(),
    followingCount: integer('following_count').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [uniqueIndex('profiles_handle').on(t.handle)],
);

/** The follow graph as a set: a row per (follower, target) currently following. */
export const follows = sqliteTable(
  'follows',
  {
    follower: text('follower').notNull(),
    target: text('target').notNull(),
    since: integer('since').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.follower, t.target] }), index('follows_target').on(t.target, t.since)],
);

// ------------------------------------------------------------------------------------ vault state

/** A user's vault balance per token (rows stay at 0 after a full withdrawal). */
export const vaultBalances = sqliteTable(
  'vault_balances',
  {
    user: text('user').notNull(),
    token: text('token').notNull(),
    amount: amount('amount').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.user, t.token] })],
);

/** The allow-list (TRX is always allowed and has no row). */
export const tokensAllowed = sqliteTable('tokens_allowed', {
  token: text('token').primaryKey(),
  allowed: integer('allowed', { mode: 'boolean' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
  blockNumber: blockNumber(),
});

/** The gift catalog as of the last GiftUpdated of each id. */
export const giftCatalog = sqliteTable('gift_catalog', {
  giftId: text('gift_id').primaryKey(),
  token: text('token').notNull(),
  price: amount('price').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  uri: text('uri').notNull(),
  updatedAt: integer('updated_at').notNull(),
  blockNumber: blockNumber(),
});

/**
 * Small per-contract settings: GiftVault `paused` ("true"/"false"), `holdPeriod` and
 * `sessionGrace` (seconds).
 */
export const contractState = sqliteTable(
  'contract_state',
  {
    contract: text('contract').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.contract, t.key] })],
);

/** AccessControl members of each contract (a row while the role is held). */
export const roles = sqliteTable(
  'roles',
  {
    contract: text('contract').notNull(),
    role: text('role').notNull(),
    account: text('account').notNull(),
    grantedAt: integer('granted_at').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.contract, t.role, t.account] })],
);

/** AccessControl admin role of each role, when changed from the default. */
export const roleAdmins = sqliteTable(
  'role_admins',
  {
    contract: text('contract').notNull(),
    role: text('role').notNull(),
    adminRole: text('admin_role').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.contract, t.role] })],
);

// ------------------------------------------------------------------------------------------ gifts

/**
 * Every GiftSent: the full receipt. `id` numbers gifts in chain order (block, tx index, log
 * index), so it serves as a pagination cursor. `paid_from` is VAULT (sendGift) or WALLET
 * (sendGiftDirect), from the event's `fromVault`. A transaction's gifts: look its block and index up in raw_events (tx_id).
 */
export const gifts = sqliteTable(
  'gifts',
  {
    id: integer('id').primaryKey(),
    txId: text('tx_id').notNull(),
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    timestamp: integer('timestamp').notNull(),
    sender: text('sender').notNull(),
    broadcaster: text('broadcaster').notNull(),
    giftId: text('gift_id').notNull(),
    quantity: integer('quantity').notNull(),
    token: text('token').notNull(),
    total: amount('total').notNull(),
    broadcasterAmount: amount('broadcaster_amount').notNull(),
    poolAmount: amount('pool_amount').notNull(),
    platformAmount: amount('platform_amount').notNull(),
    streamId: text('stream_id').notNull(),
    releaseAt: integer('release_at').notNull(),
    paidFrom: text('paid_from').notNull(),
    /** Settled from a signed intent by `settleGifts` (a GiftSettled receipt). */
    relayed: integer('relayed', { mode: 'boolean' }).notNull().default(false),
    /** Relayed gifts: the intent's TIP-712 digest and who signed it (a session key or the sender's wallet). */
    intentHash: text('intent_hash'),
    signer: text('signer'),
    /** Paid out of this gift session's reserve (the signer was the key of one of the sender's sessions), else null. */
    sessionKey: text('session_key'),
  },
  (t) => [
    index('gifts_sender').on(t.sender, t.id),
    index('gifts_broadcaster').on(t.broadcaster, t.id),
    index('gifts_stream').on(t.streamId, t.id),
    index('gifts_block').on(t.blockNumber),
  ],
);

/**
 * Gift sessions (IGiftSessions), one row per session key (keys are single-use). `cap` was moved
 * out of the viewer's vault balance at opening; `reserved` = cap - spent until the release, 0
 * after it: the reserve stays among the vault's liabilities (verify adds it to the user
 * balances). `spent` and `gift_count` count the gifts paid from the reserve. The session's next
 * nonce is not kept: IntentSkipped does not name the signer, so a skip that consumed a session's
 * nonce cannot be told from a wallet intent's. Times in ms: the session stops accepting intents at
 * `expires_at`, or at `closed_at` if closed before; `releasable_at` = that end + `grace` seconds,
 * when intents stop settling and what is left can be released. `status` OPEN, CLOSED (closed
 * early) or RELEASED, as the events say; whether an open session has expired is a question of the
 * time asked (the API answers it). `open_*` place the SessionOpened in chain order (the pages' key).
 */
export const giftSessions = sqliteTable(
  'gift_sessions',
  {
    sessionKey: text('session_key').primaryKey(),
    viewer: text('viewer').notNull(),
    token: text('token').notNull(),
    cap: amount('cap').notNull(),
    spent: amount('spent').notNull(),
    reserved: amount('reserved').notNull(),
    giftCount: integer('gift_count').notNull(),
    grace: integer('grace').notNull(),
    expiresAt: integer('expires_at').notNull(),
    closedAt: integer('closed_at'),
    releasableAt: integer('releasable_at').notNull(),
    releasedAmount: amount('released_amount'),
    releasedAt: integer('released_at'),
    releaseTxId: text('release_tx_id'),
    status: text('status').notNull(),
    openedAt: integer('opened_at').notNull(),
    openTxId: text('open_tx_id').notNull(),
    openBlockNumber: integer('open_block_number').notNull(),
    openTxIndex: integer('open_tx_index').notNull(),
    openLogIndex: integer('open_log_index').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [
    index('gift_sessions_viewer').on(t.viewer, t.openBlockNumber, t.openTxIndex, t.openLogIndex),
    index('gift_sessions_token').on(t.token),
  ],
);

/**
 * Every IntentSkipped: an intent `settleGifts` did not apply (nothing of it moved). `reason` is the
 * SkipReason's name (BadSignature, Replayed, ...); `sender` is the intent's as given, not
 * necessarily its signer; `nonce` a decimal uint256. `id` numbers them in chain order.
 */
export const skippedIntents = sqliteTable(
  'skipped_intents',
  {
    id: integer('id').primaryKey(),
    txId: text('tx_id').notNull(),
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    timestamp: integer('timestamp').notNull(),
    intentHash: text('intent_hash').notNull(),
    sender: text('sender').notNull(),
    nonce: text('nonce').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [index('skipped_intents_sender').on(t.sender, t.id), index('skipped_intents_block').on(t.blockNumber)],
);

/** Totals per stream (stream id 0, "no stream", has no row) and token. */
export const streamTotals = sqliteTable(
  'stream_totals',
  {
    /**
     * Streams are the live service's (off chain): a streamId counts only together with the
     * broadcaster its gifts went to, so a gift to B tagged with A's stream never reaches A's totals.
     */
    broadcaster: text('broadcaster').notNull(),
    streamId: text('stream_id').notNull(),
    token: text('token').notNull(),
    total: amount('total').notNull(),
    totalSort: sortOf('total_sort'),
    broadcasterAmount: amount('broadcaster_amount').notNull(),
    giftCount: integer('gift_count').notNull(),
    firstGiftAt: integer('first_gift_at').notNull(),
    lastGiftAt: integer('last_gift_at').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.broadcaster, t.streamId, t.token] })],
);

/** Totals received per broadcaster and token: gift value (`total`) and their share of it. */
export const broadcasterTotals = sqliteTable(
  'broadcaster_totals',
  {
    broadcaster: text('broadcaster').notNull(),
    token: text('token').notNull(),
    total: amount('total').notNull(),
    totalSort: sortOf('total_sort'),
    broadcasterAmount: amount('broadcaster_amount').notNull(),
    giftCount: integer('gift_count').notNull(),
    firstGiftAt: integer('first_gift_at').notNull(),
    lastGiftAt: integer('last_gift_at').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.broadcaster, t.token] }), index('broadcaster_totals_rank').on(t.token, t.totalSort)],
);

/**
 * Top-user charts, maintained per gift. `kind` GIFTERS (account = sender) or BROADCASTERS
 * (account = broadcaster); `amount` is gift value (`total`) in `token`. `period` DAY, WEEK (ISO,
 * from Monday 00:00 UTC), MONTH or ALL with `period_start` the period's first millisecond (0 for
 * ALL). `stream_id` is '' across streams, or a stream id (then `period` is ALL).
 */
export const leaderboards = sqliteTable(
  'leaderboards',
  {
    kind: text('kind').notNull(),
    period: text('period').notNull(),
    periodStart: integer('period_start').notNull(),
    token: text('token').notNull(),
    /** Per-stream charts: the broadcaster the gifts went to ('' for the global charts), as in stream_totals. */
    streamOwner: text('stream_owner').notNull(),
    streamId: text('stream_id').notNull(),
    account: text('account').notNull(),
    amount: amount('amount').notNull(),
    amountSort: sortOf('amount_sort'),
    giftCount: integer('gift_count').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.period, t.periodStart, t.token, t.streamOwner, t.streamId, t.account] }),
    index('leaderboards_top').on(
      t.kind,
      t.period,
      t.periodStart,
      t.token,
      t.streamOwner,
      t.streamId,
      t.amountSort,
      t.account,
    ),
  ],
);

// ------------------------------------------------------------------------------ escrow, earnings

/**
 * Earnings per broadcaster and token. `held` = escrowed_total - claimed_total is what the escrow
 * holds; it splits into pending and claimable only at a given time, from `settled` and the
 * `escrow_slots` (a mirror of the contract's EscrowLib ring): claimable(t) = settled + slots with
 * release_at <= t, pending(t) = the other slots. See db/views.ts `earningsAt`.
 */
export const earnings = sqliteTable(
  'earnings',
  {
    broadcaster: text('broadcaster').notNull(),
    token: text('token').notNull(),
    escrowedTotal: amount('escrowed_total').notNull(),
    claimedTotal: amount('claimed_total').notNull(),
    held: amount('held').notNull(),
    settled: amount('settled').notNull(),
    lastClaimAt: integer('last_claim_at'),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.broadcaster, t.token] })],
);

/** The 29-slot escrow ring of each broadcaster and token, as EscrowLib keeps it (empty slots have no row). */
export const escrowSlots = sqliteTable(
  'escrow_slots',
  {
    broadcaster: text('broadcaster').notNull(),
    token: text('token').notNull(),
    slot: integer('slot').notNull(),
    releaseAt: integer('release_at').notNull(),
    amount: amount('amount').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [primaryKey({ columns: [t.broadcaster, t.token, t.slot] })],
);

/** Claim freezes (disputes) as the contract holds them: claims are frozen while `until` is in the future. */
export const freezes = sqliteTable('freezes', {
  broadcaster: text('broadcaster').primaryKey(),
  until: integer('until').notNull(),
  reason: text('reason').notNull(),
  frozenAt: integer('frozen_at').notNull(),
  unfrozenAt: integer('unfrozen_at'),
  blockNumber: blockNumber(),
});

/** Every ClaimsFrozen (FROZEN) and ClaimsUnfrozen (UNFROZEN). */
export const freezeHistory = sqliteTable(
  'freeze_history',
  {
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    txId: text('tx_id').notNull(),
    timestamp: integer('timestamp').notNull(),
    broadcaster: text('broadcaster').notNull(),
    kind: text('kind').notNull(),
    until: integer('until'),
    reason: text('reason'),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.txIndex, t.logIndex] }),
    index('freeze_history_broadcaster').on(t.broadcaster),
  ],
);

// --------------------------------------------------------------------------- treasury and pool

/** Platform revenue per token: `balance` = accrued - withdrawn (the contract's treasuryBalance). */
export const treasury = sqliteTable('treasury', {
  token: text('token').primaryKey(),
  accrued: amount('accrued').notNull(),
  withdrawn: amount('withdrawn').notNull(),
  balance: amount('balance').notNull(),
  blockNumber: blockNumber(),
});

/**
 * Pool shares accrued in the vault per token: `balance` = accrued - flushed (the contract's
 * poolAccrued). `last_flush_*` pair a PoolFlushed with the RewardPool's Funded in the same tx.
 */
export const pool = sqliteTable('pool', {
  token: text('token').primaryKey(),
  accrued: amount('accrued').notNull(),
  flushed: amount('flushed').notNull(),
  balance: amount('balance').notNull(),
  lastFlushTxId: text('last_flush_tx_id'),
  lastFlushAmount: amount('last_flush_amount'),
  blockNumber: blockNumber(),
});

// ------------------------------------------------------------------------------------- splits

/**
 * Split policies as the contract holds them: the default (broadcaster = zero address) and each
 * broadcaster's override. The current split applies until `effective_at`, then the announced
 * `next_*` one (when `has_next`); `active`/`next_active` say whether an override applies at all
 * (the default is always active). splitOf(b) at time t: see db/views.ts `splitAt`.
 */
export const splitPolicies = sqliteTable('split_policies', {
  broadcaster: text('broadcaster').primaryKey(),
  broadcasterBps: integer('broadcaster_bps').notNull(),
  poolBps: integer('pool_bps').notNull(),
  platformBps: integer('platform_bps').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  hasNext: integer('has_next', { mode: 'boolean' }).notNull(),
  nextBroadcasterBps: integer('next_broadcaster_bps').notNull(),
  nextPoolBps: integer('next_pool_bps').notNull(),
  nextPlatformBps: integer('next_platform_bps').notNull(),
  nextActive: integer('next_active', { mode: 'boolean' }).notNull(),
  effectiveAt: integer('effective_at').notNull(),
  blockNumber: blockNumber(),
});

/**
 * Every split event: UPDATED (SplitUpdated, effective at once), ANNOUNCED (SplitChangeAnnounced),
 * OVERRIDE_CLEARED, OVERRIDE_CLEAR_ANNOUNCED; `effective_at` is when it applies.
 */
export const splitHistory = sqliteTable(
  'split_history',
  {
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    txId: text('tx_id').notNull(),
    timestamp: integer('timestamp').notNull(),
    broadcaster: text('broadcaster').notNull(),
    kind: text('kind').notNull(),
    broadcasterBps: integer('broadcaster_bps'),
    poolBps: integer('pool_bps'),
    platformBps: integer('platform_bps'),
    effectiveAt: integer('effective_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.txIndex, t.logIndex] }),
    index('split_history_broadcaster').on(t.broadcaster),
  ],
);

/** Every HoldPeriodUpdated (seconds); the current one is also contract_state GiftVault/holdPeriod. */
export const holdPeriods = sqliteTable(
  'hold_periods',
  {
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    txId: text('tx_id').notNull(),
    timestamp: integer('timestamp').notNull(),
    holdPeriod: integer('hold_period').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockNumber, t.txIndex, t.logIndex] })],
);

// --------------------------------------------------------------------------------- reward pool

/** The RewardPool's funds per token: unallocated, and `outstanding` = what open epochs still owe. */
export const rewardPool = sqliteTable('reward_pool', {
  token: text('token').primaryKey(),
  unallocated: amount('unallocated').notNull(),
  outstanding: amount('outstanding').notNull(),
  fundedTotal: amount('funded_total').notNull(),
  claimedTotal: amount('claimed_total').notNull(),
  sweptTotal: amount('swept_total').notNull(),
  blockNumber: blockNumber(),
});

/** Published reward epochs. */
export const rewardEpochs = sqliteTable('reward_epochs', {
  epochId: text('epoch_id').primaryKey(),
  token: text('token').notNull(),
  merkleRoot: text('merkle_root').notNull(),
  total: amount('total').notNull(),
  claimed: amount('claimed').notNull(),
  claimCount: integer('claim_count').notNull(),
  claimDeadline: integer('claim_deadline').notNull(),
  uri: text('uri').notNull(),
  publishedAt: integer('published_at').notNull(),
  publishedTxId: text('published_tx_id').notNull(),
  swept: integer('swept', { mode: 'boolean' }).notNull(),
  sweptAmount: amount('swept_amount').notNull(),
  sweptAt: integer('swept_at'),
  /** Withdrawn before any claim (EpochCancelled): its total went back to the unallocated funds. */
  cancelled: integer('cancelled', { mode: 'boolean' }).notNull().default(false),
  cancelledAt: integer('cancelled_at'),
  blockNumber: blockNumber(),
});

/** Every RewardClaimed. */
export const rewardClaims = sqliteTable(
  'reward_claims',
  {
    epochId: text('epoch_id').notNull(),
    claimIndex: text('claim_index').notNull(),
    account: text('account').notNull(),
    amount: amount('amount').notNull(),
    category: integer('category').notNull(),
    txId: text('tx_id').notNull(),
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    timestamp: integer('timestamp').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.epochId, t.claimIndex] }),
    index('reward_claims_account').on(t.account),
    index('reward_claims_block').on(t.blockNumber),
  ],
);

// ------------------------------------------------------------------------------------- ledger

/**
 * Owners of ledger entries (an address, or a system account such as `treasury`), numbered 1, 2, ...
 * in the order of their first entry, so a reindex gives the same numbers.
 */
export const ledgerOwners = sqliteTable(
  'ledger_owners',
  {
    owner: text('owner').primaryKey(),
    id: integer('id').notNull(),
    blockNumber: blockNumber(),
  },
  (t) => [uniqueIndex('ledger_owners_id').on(t.id)],
);

/**
 * The double-entry ledger: every value movement as DEBIT rows (where value went) and CREDIT rows
 * (where it came from), summing to the same amount per (tx_id, log_index, token). `id` numbers
 * entries in chain order (block, tx index, log index, entry index). Accounts: `wallet:T…`
 * (outside the contracts), `vault:T…` (a user's vault balance), `escrow:T…` (a broadcaster's
 * held earnings), `treasury`, `pool_accrued` (the vault's pool shares), `reward_pool` (unallocated
 * pool funds), `epoch:<id>` (allocated to an epoch), `token_fees` (lost to a fee-on-transfer
 * token), `reserve:T…` (a viewer's gift sessions' reserves, still owed to the viewer). Kinds:
 * DEPOSIT, WITHDRAW, GIFT, CLAIM, TREASURY_WITHDRAW, POOL_FLUSH, TRANSFER_FEE, REWARD_FUND,
 * EPOCH_PUBLISH, REWARD_CLAIM, EPOCH_SWEEP, EPOCH_CANCEL, SURPLUS_RECOVER, SESSION_OPEN (vault to
 * reserve), SESSION_RELEASE (reserve back to the vault). Who paid each transaction's energy and
 * bandwidth is in raw_tx_fees by tx_id. Ids grow in chain order (handlers run
 * in chain order and a rollback only removes the newest rows), which the API's pages rely on.
 */
export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    id: integer('id').primaryKey(),
    txId: text('tx_id').notNull(),
    blockNumber: blockNumber(),
    txIndex: integer('tx_index').notNull(),
    logIndex: integer('log_index').notNull(),
    entryIndex: integer('entry_index').notNull(),
    timestamp: integer('timestamp').notNull(),
    kind: text('kind').notNull(),
    account: text('account').notNull(),
    /**
     * Whose entry it is (`ledger_owners.id`): the address behind a wallet:, vault: or escrow:
     * account, else the account itself. With ids in chain order, (owner_id, id) makes an address's
     * ledger page one index range; a small integer keeps that index a fraction of a text one.
     */
    ownerId: integer('owner_id').notNull(),
    side: text('side').notNull(),
    token: text('token').notNull(),
    amount: amount('amount').notNull(),
  },
  (t) => [index('ledger_owner').on(t.ownerId, t.id), index('ledger_block').on(t.blockNumber)],
);
