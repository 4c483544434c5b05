/**
 * The shapes the live service's frames carry (and its HTTP API returns): chat messages and their
 * gift receipts, direct messages, room members, match peers. One definition for live/ and web/.
 */
import { z } from 'zod';

/** A gift receipt: the `gift` of a `kind: "gift"` chat message, updated by `message.update`. */
export const giftReceipt = z.object({
  /** The transaction (null while a relayed gift waits for its batch). */
  txId: z.string().nullable(),
  logIndex: z.number().nullable(),
  blockNumber: z.number().nullable(),
  sender: z.string(),
  senderHandle: z.string().nullable(),
  broadcaster: z.string(),
  giftId: z.string(),
  /** The display name from the gift catalog. */
  name: z.string(),
  quantity: z.number(),
  /** The token's base58 address. */
  token: z.string(),
  /** The amount paid, in the token's smallest unit (a decimal string: amounts are never JS numbers). */
  total: z.string(),
  /**
   * A gift sent on chain (from the indexer): `pending` until the solidified block passes it,
   * `final`, or `dropped` when a reorg took it back. A relayed gift (a signed intent, with
   * `intentHash`): `sent` once the relayer stored it, `confirmed` when its batch is in a block,
   * `final` once solidified, or `failed` with `reason`.
   */
  finality: z.enum(['pending', 'final', 'dropped', 'sent', 'confirmed', 'failed']),
  /** A relayed gift's intent digest (lib/gifts/intents.ts). */
  intentHash: z.string().optional(),
  /** Why a relayed gift failed: an IntentSkipped reason (lib/gifts/intents.ts SKIP_REASONS) or `TxFailed:<result>`. */
  reason: z.string().optional(),
});
export type GiftReceipt = z.infer<typeof giftReceipt>;

/** A chat message as clients receive it (`type: "message"`, in `history`). */
export const chatMessage = z.object({
  id: z.number(),
  room: z.string(),
  kind: z.enum(['chat', 'gift', 'system']),
  /** The sender's address (null: a system message). */
  from: z.string().nullable(),
  handle: z.string().nullable(),
  text: z.string(),
  at: z.number(),
  /** A gift message's receipt. */
  gift: giftReceipt.optional(),
});
export type ChatMessage = z.infer<typeof chatMessage>;

/** A direct message as stored and paged (`dms`, GET /api/dms). */
export const directMessage = z.object({
  id: z.number(),
  from: z.string(),
  to: z.string(),
  text: z.string(),
  at: z.number(),
});
export type DirectMessage = z.infer<typeof directMessage>;

/** A page cursor (`endCursor` is passed back as `before`). */
export const pageInfo = z.object({ endCursor: z.string().nullable(), hasNextPage: z.boolean() });
export type PageInfo = z.infer<typeof pageInfo>;

/** A signed-in member of a room (`presence`). */
export const roomMember = z.object({ address: z.string(), handle: z.string().nullable() });
export type RoomMember = z.infer<typeof roomMember>;

/** One's role in a stream's room. */
export const role = z.enum(['owner', 'moderator', 'viewer', 'anonymous']);
export type Role = z.infer<typeof role>;

/** The peer of a match (`match.found`). */
export const matchPeer = z.object({
  address: z.string(),
  handle: z.string().nullable(),
  language: z.string(),
  interests: z.array(z.string()),
});
export type MatchPeer = z.infer<typeof matchPeer>;

/** The kinds of notification, each of which a user can switch off. */
export const NOTIFICATION_KINDS = ['live', 'gift', 'claimable', 'dm'] as const;
export const notificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKind>;

/** One gift line of a gift notification: a catalog gift and its amounts in the token's smallest unit. */
const notifiedGift = z.object({
  giftId: z.string(),
  name: z.string(),
  quantity: z.number(),
  token: z.string(),
  /** What the sender paid (decimal string). */
  total: z.string(),
  /** The broadcaster's share (decimal string). */
  broadcasterAmount: z.string(),
});

/** What each kind of notification says; the web writes the words (and applies token decimals). */
export const notificationData = z.discriminatedUnion('kind', [
  /** A channel one follows went live. */
  z.object({
    kind: z.literal('live'),
    streamId: z.string(),
    title: z.string(),
    broadcaster: z.string(),
    handle: z.string().nullable(),
  }),
  /**
   * Gifts one received, once final on chain: those of one sender in one transaction (a relayed
   * batch holds many), so a combo is one notification rather than twenty.
   */
  z.object({
    kind: z.literal('gift'),
    txId: z.string(),
    sender: z.string(),
    senderHandle: z.string().nullable(),
    /** The stream the gifts were tagged with ("0": none). */
    streamId: z.string(),
    gifts: z.array(notifiedGift),
  }),
  /** Gift earnings whose escrow hold ended: the broadcaster's shares released in one minute. */
  z.object({
    kind: z.literal('claimable'),
    token: z.string(),
    /** The broadcaster's shares that became claimable (decimal string, the token's smallest unit). */
    amount: z.string(),
    gifts: z.number(),
  }),
  /** Direct messages from one sender since one last read their notification. */
  z.object({
    kind: z.literal('dm'),
    from: z.string(),
    handle: z.string().nullable(),
    count: z.number(),
    /** The latest message's text. */
    text: z.string(),
  }),
]);
export type NotificationData = z.infer<typeof notificationData>;

/** A notification as stored for its account (`notification` frames, GET /api/notifications). */
export const notification = z.object({
  id: z.number(),
  /** When it happened (ms); a claimable notification's is when the hold ended. */
  at: z.number(),
  read: z.boolean(),
  data: notificationData,
});
export type Notification = z.infer<typeof notification>;

/** A poll in a stream's room (`poll` frames): the votes so far, or the result once ended. */
export const poll = z.object({
  id: z.number(),
  question: z.string(),
  options: z.array(z.object({ text: z.string(), votes: z.number() })),
  /** Who started it. */
  by: z.string(),
  createdAt: z.number(),
  /** When it closes by itself (ms). */
  endsAt: z.number(),
  /** When it closed (its time ran out, or a moderator ended it), else null. */
  endedAt: z.number().nullable(),
});
export type Poll = z.infer<typeof poll>;

/** An entry of a room's moderation log (`mod.log`). */
export const modLogEntry = z.object({
  id: z.number(),
  at: z.number(),
  /** Who acted: an address, or "automod" for a message held on a blocked term. */
  by: z.string(),
  /** timeout, ban, unban, delete, approve, held, slow, followers, mod, unmod, terms. */
  action: z.string(),
  target: z.string().nullable(),
  detail: z.string(),
});
export type ModLogEntry = z.infer<typeof modLogEntry>;

/** A stream as a raid names it. */
export const raidStream = z.object({
  streamId: z.string(),
  title: z.string(),
  owner: z.string(),
  handle: z.string().nullable(),
});
export type RaidStream = z.infer<typeof raidStream>;
