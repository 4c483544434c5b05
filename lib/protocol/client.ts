/**
 * Client-to-server frames of the live service's WebSocket (/ws): JSON text objects discriminated
 * on `type`; a client may add an `id` (any JSON value), which the answer (ack, error, joined...)
 * echoes.
 *
 * The hub checks every frame in two steps: {@link parseClientFrame} checks the envelope (not JSON,
 * or not an object with a string `type`, is BAD_MESSAGE; a type outside {@link clientFrame} is
 * UNKNOWN_TYPE), then {@link checkClientFrame} checks its fields against the schemas below, so a
 * handler receives a typed frame whose shape is already right. Each field carries the refusal it
 * answers with ({@link field}): its code, message and `field` (ROOM_NOT_FOUND for a bad room,
 * BAD_ADDRESS for a bad user, `text must be a string`...) are part of the protocol that clients
 * and tests rely on. A frame's fields are checked in the order they are listed, and the first
 * fault is the answer. What needs state (does the room exist, may this user moderate, rate
 * limits) and the chat text rules (live/chat/text.ts) stay with the handlers.
 */
import { z } from 'zod';
import { isBase58Address } from '../address.js';
import type { LiveErrorCode } from './errors.js';

/** The error a field's fault is answered with; a message may quote the value or the frame. */
export interface FieldRefusal {
  code: LiveErrorCode;
  message: string | ((value: unknown, frame: Record<string, unknown>) => string);
  /** Details of the error frame (`field`, ...). */
  details?: Record<string, unknown>;
}

/** The issue params a refused field leaves (read back by checkClientFrame). */
interface RefusalParams {
  refusal: FieldRefusal;
  value: unknown;
}

const refusalOf = (issues: z.ZodIssue[]): RefusalParams | undefined => {
  for (const i of issues) {
    const params = (i as { params?: { refusal?: FieldRefusal; value?: unknown } }).params;
    if (params?.refusal) return { refusal: params.refusal, value: params.value };
  }
  return undefined;
};

/**
 * A schema whose input type is what clients should send (`In`, the type the web sends with),
 * although any value reaches its check.
 */
type Checked<Out, In = Out> = z.ZodType<Out, z.ZodTypeDef, In>;

/**
 * `schema`, refused with `refusal` (a fault inside a nested field keeps the nested field's own
 * refusal).
 */
export function field<S extends z.ZodTypeAny>(schema: S, refusal: FieldRefusal): Checked<z.output<S>, z.input<S>> {
  return z.unknown().transform((value, ctx): z.output<S> => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const params: RefusalParams = refusalOf(r.error.issues) ?? { refusal, value };
    ctx.addIssue({ code: z.ZodIssueCode.custom, params });
    return z.NEVER;
  }) as unknown as Checked<z.output<S>, z.input<S>>;
}

const id = z.unknown().optional();
const frame = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), id, ...shape }).passthrough();

const bad = (message: string, name: string): FieldRefusal => ({
  code: 'BAD_MESSAGE',
  message,
  details: { field: name },
});
/** A whole number from what `Number()` makes of the value (the service always took "60" for 60). */
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER): Checked<number> =>
  z.unknown().transform(Number).pipe(z.number().int().min(min).max(max)) as unknown as Checked<number>;

/** A stream chat room: `stream:<streamId>`. */
const room = field(z.string().regex(/^stream:[1-9]\d{0,15}$/), {
  code: 'ROOM_NOT_FOUND',
  message: (v) => `rooms are named stream:<streamId>, got ${JSON.stringify(v)?.slice(0, 60)}`,
  details: { field: 'room' },
});
/** A base58 address (T...); `name` is the field, as the refusal names it. */
const address = (name: string) =>
  field(z.custom<string>(isBase58Address), {
    code: 'BAD_ADDRESS',
    message: `${name} must be a base58 TRON address (T...)`,
    details: { field: name },
  });
/** Chat and DM text; the text rules (controls, length) are live/chat/text.ts's. */
const text = field(z.string(), bad('text must be a string', 'text'));
/** A moderation reason: anything, kept as text (at most 200 characters). */
const modReason = z.unknown().transform((v) => String(v ?? '').slice(0, 200)) as unknown as Checked<
  string,
  string | undefined
>;

const MAX_TIMEOUT_S = 14 * 86_400;
/** Polls: 2 to 5 options, open 15 s to 30 min. */
export const MAX_POLL_OPTIONS = 5;
export const MIN_POLL_S = 15;
export const MAX_POLL_S = 1800;
const MAX_SLOW_S = 3600;

/** Matching preferences of match.join and match.next (what is not an object counts as none). */
export const matchPrefs = z.preprocess(
  (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {}),
  z.object({
    /** A language tag ("en"), or "" (or none) for any. */
    language: field(
      z
        .union([z.literal(''), z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)])
        .nullish()
        .transform((v) => v ?? ''),
      bad('prefs.language must be a language tag like "en"', 'prefs.language'),
    ),
    /** At most 10, each 1 to 30 characters. */
    interests: field(
      z.array(z.string().min(1).max(30)).max(10).default([]),
      bad('prefs.interests must be at most 10 strings of 1 to 30 characters', 'prefs.interests'),
    ),
  }),
) as unknown as Checked<{ language: string; interests: string[] }, { language?: string | null; interests?: string[] }>;

export const clientFrame = z.discriminatedUnion('type', [
  frame('ping', {}),
  // Stream chat rooms (`stream:<streamId>`).
  frame('join', { room }),
  frame('leave', { room }),
  frame('say', { room, text }),
  /** Older messages, before a message id (default: the newest); the `before` sent is echoed as sent. */
  frame('history', {
    room,
    before: field(
      z.custom<number | string>((v) => Number.isSafeInteger(Number(v)) && Number(v) >= 1).optional(),
      bad('before must be a message id', 'before'),
    ),
    limit: field(wholeNumber(1, 100).optional(), bad('limit must be 1 to 100', 'limit')),
  }),
  frame('presence', { room }),
  // Moderation (the broadcaster and their moderators).
  frame('mod.delete', {
    room,
    messageId: field(wholeNumber(Number.MIN_SAFE_INTEGER), {
      code: 'MESSAGE_NOT_FOUND',
      message: (v, f) => `no message ${String(v)} in ${String(f.room)}`,
      details: { field: 'messageId' },
    }),
  }),
  frame('mod.timeout', {
    room,
    user: address('user'),
    seconds: field(wholeNumber(1, MAX_TIMEOUT_S), bad(`seconds must be 1 to ${MAX_TIMEOUT_S}`, 'seconds')),
    reason: modReason,
  }),
  frame('mod.ban', { room, user: address('user'), reason: modReason }),
  frame('mod.unban', { room, user: address('user') }),
  frame('mod.slow', {
    room,
    seconds: field(wholeNumber(0, MAX_SLOW_S), bad(`seconds must be 0 (off) to ${MAX_SLOW_S}`, 'seconds')),
  }),
  frame('mod.followers', { room, enabled: field(z.boolean(), bad('enabled must be a boolean', 'enabled')) }),
  frame('mod.add', { room, user: address('user') }),
  frame('mod.remove', { room, user: address('user') }),
  /** Shield mode on or off (the broadcaster and moderators). */
  frame('mod.shield', { room, enabled: field(z.boolean(), bad('enabled must be a boolean', 'enabled')) }),
  /** One timeout or ban for many users at once (a raid of spammers, say): 1 to 50 of them. */
  frame('mod.bulk', {
    room,
    action: field(z.enum(['timeout', 'ban']), bad('action must be timeout or ban', 'action')),
    users: field(
      z.array(z.custom<string>(isBase58Address)).min(1).max(50),
      bad('users must be 1 to 50 base58 TRON addresses', 'users'),
    ),
    seconds: field(wholeNumber(1, MAX_TIMEOUT_S).optional(), bad(`seconds must be 1 to ${MAX_TIMEOUT_S}`, 'seconds')),
    reason: modReason,
  }),
  /** Shows a message held for review (deny it with mod.delete). */
  frame('mod.approve', {
    room,
    messageId: field(wholeNumber(Number.MIN_SAFE_INTEGER), {
      code: 'MESSAGE_NOT_FOUND',
      message: (v, f) => `no held message ${String(v)} in ${String(f.room)}`,
      details: { field: 'messageId' },
    }),
  }),
  /** Adds and removes blocked terms (each 2 to 50 characters); answered with `mod.terms`, the list after it. */
  frame('mod.terms', {
    room,
    add: field(z.array(z.string()).max(50).optional(), bad('add must be at most 50 strings', 'add')),
    remove: field(z.array(z.string()).max(50).optional(), bad('remove must be at most 50 strings', 'remove')),
  }),
  /** The messages held for review, answered with `mod.held`. */
  frame('mod.held', { room }),
  /** The moderation log, newest first, answered with `mod.log`. */
  frame('mod.log', {
    room,
    before: field(wholeNumber(1).optional(), bad('before must be a log entry id', 'before')),
    limit: field(wholeNumber(1, 100).optional(), bad('limit must be 1 to 100', 'limit')),
  }),
  // Polls (non-monetary; started and ended by the broadcaster and moderators, one at a time).
  frame('poll.start', {
    room,
    /** The text rules of chat apply (live/chat/text.ts), at most 140 characters. */
    question: field(z.string(), bad('question must be a string', 'question')),
    options: field(
      z.array(z.string()).min(2).max(MAX_POLL_OPTIONS),
      bad(`options must be 2 to ${MAX_POLL_OPTIONS} strings`, 'options'),
    ),
    seconds: field(
      wholeNumber(MIN_POLL_S, MAX_POLL_S),
      bad(`seconds must be ${MIN_POLL_S} to ${MAX_POLL_S}`, 'seconds'),
    ),
  }),
  /** One vote per account and poll: the option's index. */
  frame('poll.vote', {
    room,
    pollId: field(wholeNumber(1), {
      code: 'POLL_NOT_FOUND',
      message: 'pollId must be a poll id',
      details: { field: 'pollId' },
    }),
    option: field(wholeNumber(0, MAX_POLL_OPTIONS - 1), bad(`option must be 0 to ${MAX_POLL_OPTIONS - 1}`, 'option')),
  }),
  frame('poll.end', { room }),
  // Raids: the broadcaster of `room` offers to send its viewers to live stream `to`; that stream's broadcaster answers.
  frame('raid.start', {
    room,
    to: field(z.string().regex(/^[1-9]\d{0,15}$/), {
      code: 'STREAM_NOT_FOUND',
      message: (v) => `no stream ${JSON.stringify(v)?.slice(0, 20)}`,
      details: { field: 'to' },
    }),
  }),
  frame('raid.answer', {
    raidId: field(wholeNumber(1), {
      code: 'RAID_NOT_FOUND',
      message: 'raidId must be a raid id',
      details: { field: 'raidId' },
    }),
    accept: field(z.boolean(), bad('accept must be a boolean', 'accept')),
  }),
  // Direct messages.
  frame('dm', { to: address('to'), text }),
  frame('dm.block', { user: address('user') }),
  frame('dm.unblock', { user: address('user') }),
  frame('dm.blocks', {}),
  /**
   * A page of a conversation. `before` (the previous page's endCursor) and `limit` follow the
   * rules of GET /api/dms (Dms.page checks them for both).
   */
  frame('dms.history', {
    with: address('with'),
    before: z.custom<number | string>(() => true).optional(),
    limit: z.custom<number | string>(() => true).optional(),
  }),
  // 1-to-1 matching.
  /** Without prefs: any language, no interests. */
  frame('match.join', { prefs: matchPrefs.optional() }),
  /** New preferences, or (absent) the ones of the last match.join. */
  frame('match.next', { prefs: matchPrefs.optional() }),
  frame('match.leave', {}),
  frame('match.block', {}),
  /** What is wrong with the peer (at most 500 characters are kept). */
  frame('match.report', {
    reason: field(
      z.string().refine((v) => v.slice(0, 500).trim() !== ''),
      bad('match.report needs a reason', 'reason'),
    ),
  }),
  /** An SDP description or ICE candidate for the peer, relayed as is. */
  frame('match.signal', {
    data: field(
      z.unknown().refine((v) => v !== undefined),
      bad('match.signal needs data', 'data'),
    ),
  }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;
export type ClientFrameType = ClientFrame['type'];
/** Matching preferences as checked: a language tag or "" (any), at most 10 interests. */
export type MatchPrefsInput = z.output<typeof matchPrefs>;
/** The client frame of one type. */
export type ClientFrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;
/** The named fields of a frame (without the index signature of the unknown fields it may carry). */
type Named<F> = { [K in keyof F as string extends K ? never : K]: F[K] };
/** What a client passes to send a frame (the socket adds the `id`): the frames as they go out. */
export type OutgoingClientFrame =
  z.input<typeof clientFrame> extends infer F ? (F extends unknown ? Omit<Named<F>, 'id'> : never) : never;

/** Every client frame type. */
export const clientFrameTypes: ReadonlySet<string> = new Set(clientFrame.options.map((o) => o.shape.type.value));

/** The envelope every frame has (its fields are checkClientFrame's). */
export const clientEnvelope = z.object({ type: z.string(), id }).passthrough();
/** A frame after the envelope check: its type is known, its other fields not yet checked. */
export type ClientEnvelope = Record<string, unknown> & { type: ClientFrameType; id?: unknown };

/** Why a frame was refused: the code, message and details of the error frame that answers it. */
export interface FrameRefusal {
  code: LiveErrorCode;
  message: string;
  /** The error frame's details (`field`...), for a field's fault. */
  details?: Record<string, unknown>;
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

const optionOf = new Map(clientFrame.options.map((o) => [o.shape.type.value, o] as const));

/**
 * Checks the fields of a frame that passed {@link parseClientFrame}: the typed frame (the values
 * as the schemas give them: `seconds` a number...; unknown fields kept), or the refusal of its
 * first faulty field, in the order the schema lists them. With `only`, just those fields (a
 * handler's gate runs between them and the rest).
 */
export function checkClientFrame(
  envelope: ClientEnvelope,
  /** Check only these fields (and `type`, `id`); the others pass as sent. */
  only?: readonly string[],
): { ok: true; frame: ClientFrame } | { ok: false; refusal: FrameRefusal } {
  const option = optionOf.get(envelope.type)! as z.AnyZodObject;
  const schema = only
    ? option.pick(Object.fromEntries(['type', 'id', ...only].map((k) => [k, true])) as Record<string, true>)
    : option;
  const r = schema.safeParse(envelope);
  if (r.success) return { ok: true, frame: r.data as ClientFrame };
  const found = refusalOf(r.error.issues);
  const echo = envelope.id !== undefined ? { id: envelope.id } : {};
  if (!found) {
    // Only `type` and `id` have no refusal of their own, and the envelope check passed both.
    return { ok: false, refusal: { code: 'BAD_MESSAGE', message: r.error.issues[0]?.message ?? 'bad frame', ...echo } };
  }
  const { refusal, value } = found;
  return {
    ok: false,
    refusal: {
      code: refusal.code,
      message: typeof refusal.message === 'string' ? refusal.message : refusal.message(value, envelope),
      ...(refusal.details ? { details: refusal.details } : {}),
      ...echo,
    },
  };
}
