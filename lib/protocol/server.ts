/**
 * Server-to-client frames of the live service's WebSocket (/ws), discriminated on `type`. Frames
 * that answer a client frame echo its `id`; room frames name their `room`. The service types
 * every frame it sends with {@link ServerFrame}; the web reads them with the same types.
 */
import { z } from 'zod';
import { errorFrame } from './errors.js';
import {
  chatMessage,
  directMessage,
  giftReceipt,
  matchPeer,
  modLogEntry,
  notification,
  notificationKind,
  pageInfo,
  poll,
  raidStream,
  role,
  roomMember,
} from './payloads.js';

const id = z.unknown().optional();
const frame = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });
const room = z.string();

/** Who one is in a room and how it speaks (`joined`). */
export const roomState = z.object({
  role,
  slowModeSeconds: z.number(),
  followersOnly: z.boolean(),
  /** Shield mode (followers-only, slow mode, first-time chatters held for review). */
  shieldMode: z.boolean(),
  /** The stream's state (`live`, `idle`, `ended`...). */
  state: z.string(),
  /** Present (true) when one is banned from the room. */
  banned: z.literal(true).optional(),
  /** Present when one is timed out: until when (ms). */
  timedOutUntil: z.number().optional(),
});
export type RoomState = z.infer<typeof roomState>;

export const serverFrame = z.discriminatedUnion('type', [
  /** The first frame of every connection: who the socket is (null: anonymous). */
  frame('hello', { connectionId: z.string(), address: z.string().nullable() }),
  errorFrame,
  frame('pong', { id, at: z.number() }),
  /** Any success answer to a frame with an id; the extra fields depend on the frame. */
  frame('ack', {
    id,
    messageId: z.number().optional(),
    at: z.number().optional(),
    user: z.string().optional(),
    until: z.number().optional(),
    blocked: z.boolean().optional(),
    reported: z.string().optional(),
    /** A `say` whose message matched a blocked term: held for the moderators' review. */
    held: z.boolean().optional(),
  }),
  // Stream rooms.
  frame('joined', { room, id, ...roomState.shape }),
  frame('left', { room, id }),
  frame('history', {
    room,
    id,
    /** The `before` of the request (null: the newest); absent in the history sent on join. */
    before: z.unknown().optional(),
    messages: z.array(chatMessage),
  }),
  frame('presence', { room, id, viewers: z.number(), users: z.number(), members: z.array(roomMember) }),
  frame('viewers', { room, viewers: z.number(), users: z.number() }),
  /** The stream changed (state, title...): its public view, as GET /api/streams/:id returns it. */
  frame('stream', { room, stream: z.record(z.string(), z.unknown()) }),
  chatMessage.extend({ type: z.literal('message') }),
  frame('message.update', { room, id: z.number(), gift: giftReceipt }),
  frame('message.deleted', { room, id: z.number(), by: z.string() }),
  frame('moderation', {
    room,
    action: z.enum(['timeout', 'ban', 'unban', 'mod', 'unmod']),
    user: z.string(),
    by: z.string(),
    seconds: z.number().optional(),
    until: z.number().optional(),
  }),
  frame('room', {
    room,
    slowModeSeconds: z.number(),
    followersOnly: z.boolean(),
    shieldMode: z.boolean(),
    by: z.string(),
  }),
  /** To the broadcaster and moderators: a message held for review (it matched a blocked term). */
  frame('message.held', { room, message: chatMessage }),
  frame('mod.terms', { room, id, terms: z.array(z.string()) }),
  frame('mod.held', { room, id, messages: z.array(chatMessage) }),
  frame('mod.log', { room, id, entries: z.array(modLogEntry) }),
  /** The answer to mod.bulk: who was timed out or banned, and who could not be (with the code a single action would have had). */
  frame('mod.bulk', {
    room,
    id,
    done: z.array(z.string()),
    refused: z.array(z.object({ user: z.string(), code: z.string() })),
  }),
  /**
   * The room's poll: on join (the open one or the last result), when it starts, as votes come
   * (at most one a second), and when it ends. `mine` (only to the voter's own connections) is
   * the option this account voted for.
   */
  frame('poll', { room, poll, mine: z.number().optional() }),
  // Raids.
  /** To the broadcaster of the stream raided: the offer, to answer with raid.answer before `expiresAt`. */
  frame('raid.offer', {
    raidId: z.number(),
    from: raidStream,
    to: raidStream,
    viewers: z.number(),
    expiresAt: z.number(),
  }),
  /** To the raiding broadcaster: what became of the offer. */
  frame('raid.result', { raidId: z.number(), to: raidStream, status: z.enum(['accepted', 'declined', 'expired']) }),
  /** To the raiding room once accepted: its viewers are sent to `to`. */
  frame('raid', { room, raidId: z.number(), to: raidStream, by: z.string() }),
  // Direct messages.
  directMessage.extend({ type: z.literal('dm'), handle: z.string().nullable() }),
  frame('dms', { id, with: z.string(), messages: z.array(directMessage), pageInfo }),
  frame('dm.blocks', { id, users: z.array(z.string()) }),
  // Notifications, to every connection of the account.
  /** A new notification (or one that was updated: more messages from the same sender), and the unread count after it. */
  frame('notification', {
    notification,
    unread: z.number(),
    /** The id of the notification this one replaces (the list shows the new one in its place, at the top). */
    replaces: z.number().optional(),
  }),
  /** Notifications were marked read (in this tab or another): the unread count now. */
  frame('notifications.read', { ids: z.array(z.number()).nullable(), unread: z.number() }),
  /** The account's notification settings changed (in another tab). */
  frame('notifications.settings', { settings: z.record(notificationKind, z.boolean()) }),
  // 1-to-1 matching.
  frame('match.waiting', { waiting: z.number() }),
  frame('match.found', { room, peer: matchPeer, initiator: z.boolean(), iceServers: z.array(z.unknown()) }),
  frame('match.signal', { room: z.string().optional(), from: z.string(), data: z.unknown() }),
  frame('match.ended', {
    id,
    reason: z.enum(['left', 'blocked', 'peer_left']),
    /** The blocked user (`reason: "blocked"`). */
    user: z.string().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof serverFrame>;
export type ServerFrameType = ServerFrame['type'];
/** The server frame of one type. */
export type ServerFrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
