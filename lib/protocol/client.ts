/**
 * Client-to-server frames of the live service's WebSocket (/ws): JSON text objects discriminated
 * on `type`; a client may add an `id` (any JSON value), which the answer (ack, error, joined...)
 * echoes.
 *
 * The hub validates every frame's envelope with {@link parseClientFrame}: not JSON, or not an
 * object with a string `type`, is BAD_MESSAGE; a type outside {@link clientFrame} is UNKNOWN_TYPE.
 * The fields below are the frames as clients send them (the web sends exactly these); the
 * handlers check them one by one, because each refusal's code, message and `field`
 * (ROOM_NOT_FOUND for a bad room, BAD_ADDRESS for a bad user, `text must be a string`...) is
 * part of the protocol that clients and tests rely on.
 */
import { z } from 'zod';
import { matchPrefs } from './payloads.js';

const id = z.unknown().optional();
const frame = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), id, ...shape }).passthrough();

const room = z.string();
const address = z.string();

export const clientFrame = z.discriminatedUnion('type', [
  frame('ping', {}),
  // Stream chat rooms (`stream:<streamId>`).
  frame('join', { room }),
  frame('leave', { room }),
  frame('say', { room, text: z.string() }),
  /** Older messages, before a message id (default: the newest). */
  frame('history', { room, before: z.number().optional(), limit: z.number().optional() }),
  frame('presence', { room }),
  // Moderation (the broadcaster and their moderators).
  frame('mod.delete', { room, messageId: z.number() }),
  frame('mod.timeout', { room, user: address, seconds: z.number(), reason: z.string().optional() }),
  frame('mod.ban', { room, user: address, reason: z.string().optional() }),
  frame('mod.unban', { room, user: address }),
  frame('mod.slow', { room, seconds: z.number() }),
  frame('mod.followers', { room, enabled: z.boolean() }),
  frame('mod.add', { room, user: address }),
  frame('mod.remove', { room, user: address }),
  // Direct messages.
  frame('dm', { to: address, text: z.string() }),
  frame('dm.block', { user: address }),
  frame('dm.unblock', { user: address }),
  frame('dm.blocks', {}),
  frame('dms.history', {
    with: address,
    before: z.union([z.number(), z.string()]).optional(),
    limit: z.number().optional(),
  }),
  // 1-to-1 matching.
  frame('match.join', { prefs: matchPrefs.optional() }),
  frame('match.next', { prefs: matchPrefs.optional() }),
  frame('match.leave', {}),
  frame('match.block', {}),
  frame('match.report', { reason: z.string() }),
  /** An SDP description or ICE candidate for the peer, relayed as is. */
  frame('match.signal', { data: z.unknown() }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;
export type ClientFrameType = ClientFrame['type'];
/** The client frame of one type. */
export type ClientFrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;
/** What a client passes to send a frame (the socket adds the `id`). */
export type OutgoingClientFrame = ClientFrame extends infer F ? (F extends unknown ? Omit<F, 'id'> : never) : never;

/** Every client frame type. */
export const clientFrameTypes: ReadonlySet<string> = new Set(clientFrame.options.map((o) => o.shape.type.value));

/** The envelope every frame has; the rest of its fields are left to the frame's handler. */
export const clientEnvelope = z.object({ type: z.string(), id }).passthrough();
/** A frame after the envelope check: its type is known, its other fields not yet checked. */
export type ClientEnvelope = Record<string, unknown> & { type: ClientFrameType; id?: unknown };

/** Why a frame was refused: the code and message of the error frame that answers it. */
export interface FrameRefusal {
  code: 'BAD_MESSAGE' | 'UNKNOWN_TYPE';
  message: string;
  /** The refused frame's id, when it had one (echoed). */
  id?: unknown;
}

/**
 * Checks a frame (`text` null: a binary frame): the frame (the parsed object itself, not a copy)
 * or the refusal to send. `known` narrows the accepted types further (the types a hub has
 * handlers for).
 */
export function parseClientFrame(
  text: string | null,
  known: (type: ClientFrameType) => boolean = () => true,
): { ok: true; frame: ClientEnvelope } | { ok: false; refusal: FrameRefusal } {
  let msg: unknown;
  try {
    if (text === null) throw new Error('binary');
    msg = JSON.parse(text);
  } catch {
    return { ok: false, refusal: { code: 'BAD_MESSAGE', message: 'frames must be JSON text objects with a "type"' } };
  }
  if (!clientEnvelope.safeParse(msg).success || Array.isArray(msg)) {
    const id = (msg as { id?: unknown } | null)?.id;
    return {
      ok: false,
      refusal: {
        code: 'BAD_MESSAGE',
        message: 'frames must be JSON objects with a string "type"',
        ...(id !== undefined ? { id } : {}),
      },
    };
  }
  const m = msg as Record<string, unknown> & { type: string; id?: unknown };
  if (!clientFrameTypes.has(m.type) || !known(m.type as ClientFrameType)) {
    return {
      ok: false,
      refusal: {
        code: 'UNKNOWN_TYPE',
        message: `unknown message type ${JSON.stringify(m.type).slice(0, 60)}`,
        ...(m.id !== undefined ? { id: m.id } : {}),
      },
    };
  }
  return { ok: true, frame: m as ClientEnvelope };
}
