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
