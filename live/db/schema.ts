/**
 * The live service's SQLite schema (drizzle): off-chain state only, every table prefixed `live_`
 * so nobody mistakes it for chain truth. Migrations in ./migrations are generated from this file
 * with `npx drizzle-kit generate --config drizzle.live.config.ts` and applied at startup.
 *
 * Times are integer milliseconds since the epoch; addresses base58 `T...`.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Sign-in nonces. Invariant: a nonce signs in at most once (`used_at` set in the same transaction as the session). */
export const liveNonces = sqliteTable('live_nonces', {
  nonce: text('nonce').primaryKey(),
  address: text('address').notNull(),
  /** The exact message issued; the signed one must equal it. */
  message: text('message').notNull(),
  issuedAt: integer('issued_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/** Sessions by the sha256 of their token (the token itself is never stored). */
export const liveSessions = sqliteTable(
  'live_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    address: text('address').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('live_sessions_address').on(t.address)],
);

/** Streams. `id` is the streamId gifts carry on chain: sequential from 1, never reused (AUTOINCREMENT). */
export const liveStreams = sqliteTable(
  'live_streams',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    owner: text('owner').notNull(),
    title: text('title').notNull(),
    category: text('category').notNull().default(''),
    /** JSON array of strings. */
    tags: text('tags').notNull().default('[]'),
    language: text('language').notNull().default(''),
    thumbnailUrl: text('thumbnail_url'),
    audioOnly: integer('audio_only', { mode: 'boolean' }).notNull().default(false),
    /** idle (no media yet or paused), live (media flowing), ended (final). */
    state: text('state', { enum: ['idle', 'live', 'ended'] }).notNull(),
    mediaId: text('media_id').notNull(),
    streamKey: text('stream_key').notNull(),
    playbackId: text('playback_id').notNull(),
    ingestUrl: text('ingest_url').notNull(),
    /** Chat settings: seconds between two messages of a user (0: off); followers-only mode. */
    slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
    followersOnly: integer('followers_only', { mode: 'boolean' }).notNull().default(false),
    /** Keep each broadcast as a recording (the broadcaster may turn it off). */
    record: integer('record', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** When it last went live (a broadcast that stopped and started again moves it). */
    startedAt: integer('started_at'),
    /** When it first went live (the end-of-stream summary's start). */
    firstLiveAt: integer('first_live_at'),
    endedAt: integer('ended_at'),
    /** The most viewers it had at once while live (the hub's count, as `viewers` frames say it). */
    peakViewers: integer('peak_viewers').notNull().default(0),
    /**
     * Shield mode: null when off; when on, the chat settings it replaced, as JSON
     * (`{"slowModeSeconds","followersOnly"}`), given back when it is turned off.
     */
    shieldPrev: text('shield_prev'),
    /** Whether other broadcasters may offer to raid this stream (the broadcaster still accepts each). */
    acceptRaids: integer('accept_raids', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    index('live_streams_state').on(t.state, t.id),
    index('live_streams_media').on(t.mediaId),
    index('live_streams_owner').on(t.owner),
  ],
);

/** Clips: who cut which stream's last seconds (the media backend keeps the clip itself, by `clip_id`). */
export const liveClips = sqliteTable(
  'live_clips',
  {
    clipId: text('clip_id').primaryKey(),
    streamId: integer('stream_id').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('live_clips_stream').on(t.streamId)],
);

/** Chat messages of stream rooms: user messages and system messages (gift receipts). */
export const liveMessages = sqliteTable(
  'live_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    room: text('room').notNull(),
    /** chat (a user's), gift (a receipt), system. */
    kind: text('kind', { enum: ['chat', 'gift', 'system'] }).notNull(),
    /** Null for system messages. */
    sender: text('sender'),
    handle: text('handle'),
    text: text('text').notNull(),
    /** JSON of kind-specific data (a gift receipt's fields). */
    data: text('data'),
    createdAt: integer('created_at').notNull(),
    deletedAt: integer('deleted_at'),
    deletedBy: text('deleted_by'),
    /** Held for review (it matched a blocked term): shown to moderators only until one approves it. */
    heldAt: integer('held_at'),
  },
  (t) => [index('live_messages_room').on(t.room, t.id)],
);

/** Direct messages. `pair` is the two addresses sorted and joined by `:` (one conversation). */
export const liveDms = sqliteTable(
  'live_dms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pair: text('pair').notNull(),
    sender: text('sender').notNull(),
    recipient: text('recipient').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('live_dms_pair').on(t.pair, t.id),
    index('live_dms_sender').on(t.sender, t.id),
    index('live_dms_recipient').on(t.recipient, t.id),
  ],
);

/** Moderators a broadcaster appointed for one stream's room. */
export const liveRoomMods = sqliteTable(
  'live_room_mods',
  {
    streamId: integer('stream_id').notNull(),
    address: text('address').notNull(),
    appointedBy: text('appointed_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.streamId, t.address] })],
);

/** Bans and timeouts in one stream's room: `until` null is a ban, else a timeout ending then. */
export const liveBans = sqliteTable(
  'live_bans',
  {
    streamId: integer('stream_id').notNull(),
    address: text('address').notNull(),
    until: integer('until'),
    by: text('by').notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.streamId, t.address] })],
);

/** Gift receipts posted to rooms, by the gift's chain position (so none is posted twice). */
export const liveGiftReceipts = sqliteTable(
  'live_gift_receipts',
  {
    txId: text('tx_id').notNull(),
    logIndex: integer('log_index').notNull(),
    streamId: integer('stream_id').notNull(),
    messageId: integer('message_id').notNull(),
    blockNumber: integer('block_number').notNull(),
    timestamp: integer('timestamp').notNull(),
    /** pending, final, or dropped (a reorg removed it). */
    finality: text('finality', { enum: ['pending', 'final', 'dropped'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.txId, t.logIndex] }), index('live_gift_receipts_finality').on(t.finality)],
);

/** Matching blocks: `blocker` is never matched with `blocked` again (either way round). */
export const liveMatchBlocks = sqliteTable(
  'live_match_blocks',
  {
    blocker: text('blocker').notNull(),
    blocked: text('blocked').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blocker, t.blocked] }), index('live_match_blocks_blocked').on(t.blocked)],
);

/** Reports of users (from matching, or chat). */
export const liveReports = sqliteTable('live_reports', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  reporter: text('reporter').notNull(),
  reported: text('reported').notNull(),
  /** Where it happened: a match room id or a chat room. */
  context: text('context').notNull(),
  reason: text('reason').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** DM blocks: `blocker` receives no direct message from `blocked`, and neither can message the other. */
export const liveDmBlocks = sqliteTable(
  'live_dm_blocks',
  {
    blocker: text('blocker').notNull(),
    blocked: text('blocked').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blocker, t.blocked] }), index('live_dm_blocks_blocked').on(t.blocked)],
);

/**
 * p2p peer ids of signed-in viewers (relay rewards): the id a player announces to the tracker,
 * bound to its address before the announce. Invariant: a peer id is bound once, to one address.
 */
export const liveRelayPeers = sqliteTable(
  'live_relay_peers',
  {
    peerId: text('peer_id').primaryKey(),
    address: text('address').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('live_relay_peers_address').on(t.address, t.createdAt)],
);

/**
 * Relay claims: `bytes` of segment data the uploader peer gave to the downloader peer, as one side
 * says (`side` gave: the uploader's report; received: the downloader's). The reporter's own peer
 * (the uploader of a gave row, the downloader of a received row) is bound to the signed-in
 * reporter; `at` is the service's clock when the report arrived.
 */
export const liveRelayReports = sqliteTable(
  'live_relay_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    streamId: integer('stream_id').notNull(),
    side: text('side', { enum: ['gave', 'received'] }).notNull(),
    uploaderPeer: text('uploader_peer').notNull(),
    downloaderPeer: text('downloader_peer').notNull(),
    bytes: integer('bytes').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('live_relay_reports_at').on(t.at)],
);

/**
 * Gift intents the relayer accepted (live/relayer): stored before the client hears "accepted", so
 * a crash loses none. `status` goes sent -> confirmed (its GiftSent is in a block) -> final
 * (solidified), or failed with `reason` (an IntentSkipped reason, or the batch transaction's
 * failure). `batch_id` is the batch now carrying it (null: waiting for one).
 */
export const liveRelayIntents = sqliteTable(
  'live_relay_intents',
  {
    /** Acceptance order, which is also each session's nonce order: batches take intents by id. */
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The intent's TIP-712 digest (0x + hex), GiftSettled's and IntentSkipped's `intentHash`. */
    intentHash: text('intent_hash').notNull().unique(),
    sender: text('sender').notNull(),
    /** The session key that signed it, or the sender's wallet. */
    signer: text('signer').notNull(),
    /** The session key (null: a wallet-signed intent). */
    sessionKey: text('session_key'),
    nonce: text('nonce').notNull(),
    /** The intent in its wire form (JSON, lib/protocol/gifts.ts) and its signature, as received. */
    intent: text('intent').notNull(),
    signature: text('signature').notNull(),
    /** What it costs at the price checked when it was accepted (base units, decimal). */
    total: text('total').notNull(),
    status: text('status', { enum: ['sent', 'confirmed', 'final', 'failed'] }).notNull(),
    reason: text('reason'),
    batchId: integer('batch_id'),
    /** The transaction that settled it (or last tried to). */
    txId: text('tx_id'),
    blockNumber: integer('block_number'),
    /** Its receipt in the stream's chat (null: no live stream of the broadcaster). */
    messageId: integer('message_id'),
    /** How many batches carried it (NonceGap puts an intent back in the queue). */
    attempts: integer('attempts').notNull().default(0),
    acceptedAt: integer('accepted_at').notNull(),
  },
  (t) => [
    index('live_relay_intents_queue').on(t.status, t.batchId, t.id),
    index('live_relay_intents_session').on(t.sessionKey),
  ],
);

/**
 * The relayer's settleGifts transactions, written before each is broadcast (a crash after the
 * broadcast still knows its id). `status`: pending (broadcast, not yet seen in a block), confirmed,
 * final, vanished (never landed, or a reorg took it out: its intents were queued again), failed.
 */
export const liveRelayBatches = sqliteTable(
  'live_relay_batches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    txId: text('tx_id').notNull().unique(),
    /** The signed transaction (JSON), broadcast again after a restart. */
    tx: text('tx').notNull(),
    status: text('status', { enum: ['pending', 'confirmed', 'final', 'vanished', 'failed'] }).notNull(),
    blockNumber: integer('block_number'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('live_relay_batches_status').on(t.status)],
);

/** Which batches carried which intent (a resubmitted intent is in several: a Replayed skip is resolved by the earlier ones). */
export const liveRelayBatchIntents = sqliteTable(
  'live_relay_batch_intents',
  {
    batchId: integer('batch_id').notNull(),
    intentId: integer('intent_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.intentId] }), index('live_relay_batch_intents_intent').on(t.intentId)],
);

/**
 * Notifications per account (live/notify). `key` names what a notification is about, so each is
 * made once (`gift:<tx>:<sender>`, `live:<streamId>`) or updated in place while unread
 * (`dm:<sender>`). A row shows once `delivered` (pushed to the account's sockets): at once for
 * most, while a claimable one is written when its gifts turn final and delivered when the chain's
 * clock passes `at`, the end of their hold.
 */
export const liveNotifications = sqliteTable(
  'live_notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    account: text('account').notNull(),
    kind: text('kind', { enum: ['live', 'gift', 'claimable', 'dm'] }).notNull(),
    key: text('key').notNull(),
    /** The notification's data (lib/protocol/payloads.ts notificationData), as JSON. */
    data: text('data').notNull(),
    at: integer('at').notNull(),
    readAt: integer('read_at'),
    delivered: integer('delivered').notNull().default(0),
  },
  (t) => [
    uniqueIndex('live_notifications_account_key').on(t.account, t.key),
    index('live_notifications_account_id').on(t.account, t.id),
    index('live_notifications_due').on(t.delivered, t.at),
  ],
);

/** Kinds of notification an account switched off (a kind without a row is on). */
export const liveNotificationSettings = sqliteTable(
  'live_notification_settings',
  {
    account: text('account').notNull(),
    kind: text('kind').notNull(),
    enabled: integer('enabled').notNull(),
  },
  (t) => [primaryKey({ columns: [t.account, t.kind] })],
);

/** Gifts already turned into notifications, by chain position; `at` is the gift's time (old rows are swept). */
export const liveNotifiedGifts = sqliteTable(
  'live_notified_gifts',
  {
    txId: text('tx_id').notNull(),
    logIndex: integer('log_index').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.txId, t.logIndex] }), index('live_notified_gifts_at').on(t.at)],
);

/** Small named values of the service (the notifier's gift cursor). */
export const liveState = sqliteTable('live_state', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** Polls in stream rooms (non-monetary). Invariant: at most one poll of a stream is open (ended_at null and ends_at ahead). */
export const livePolls = sqliteTable(
  'live_polls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    streamId: integer('stream_id').notNull(),
    question: text('question').notNull(),
    /** JSON array of the option texts. */
    options: text('options').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [index('live_polls_stream').on(t.streamId, t.id), index('live_polls_open').on(t.endedAt)],
);

/** One vote per account and poll. */
export const livePollVotes = sqliteTable(
  'live_poll_votes',
  {
    pollId: integer('poll_id').notNull(),
    voter: text('voter').notNull(),
    option: integer('option').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voter] })],
);

/** Terms a channel's moderators blocked: a message containing one is held for review. */
export const liveBlockedTerms = sqliteTable(
  'live_blocked_terms',
  {
    streamId: integer('stream_id').notNull(),
    /** Lowercase, as matched. */
    term: text('term').notNull(),
    addedBy: text('added_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.streamId, t.term] })],
);

/** What the broadcaster and moderators did in a room, and what was held for review: the moderation log. */
export const liveModLog = sqliteTable(
  'live_mod_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    streamId: integer('stream_id').notNull(),
    at: integer('at').notNull(),
    /** Who acted ("automod" for a message held on a blocked term). */
    by: text('by').notNull(),
    action: text('action').notNull(),
    /** The user or message acted on, if any. */
    target: text('target'),
    detail: text('detail').notNull().default(''),
  },
  (t) => [index('live_mod_log_stream').on(t.streamId, t.id)],
);

/** Raids: a broadcaster sending their viewers to another live stream, offered and then accepted, declined or expired. */
export const liveRaids = sqliteTable(
  'live_raids',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fromStream: integer('from_stream').notNull(),
    toStream: integer('to_stream').notNull(),
    by: text('by').notNull(),
    /** The raiding room's viewers when it was offered. */
    viewers: integer('viewers').notNull(),
    /** offered, accepted, declined, expired. */
    status: text('status', { enum: ['offered', 'accepted', 'declined', 'expired'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    decidedAt: integer('decided_at'),
  },
  (t) => [index('live_raids_by').on(t.by, t.createdAt), index('live_raids_to').on(t.toStream, t.createdAt)],
);
