/**
 * Stream chat rooms (`stream:<streamId>`): join with history, say with Twitch-like limits,
 * moderation by the broadcaster and the moderators they appoint (delete, timeout, ban, slow mode,
 * followers-only), and system messages (gift receipts). Messages persist in live_messages; a
 * deleted message stays in the table (deleted_at set) but never reaches history again.
 */
import type { ChatLimits } from '../internal/config.js';
import type { Directory } from '../internal/directory.js';
import { LiveError } from '../internal/errors.js';
import type { Streams, StreamRow } from '../streams/service.js';
import type { ClientMessage, Connection, Hub } from './hub.js';
import { RateLimiter } from '../../lib/rateLimit.js';
import { cleanText } from './text.js';
import type { MessageRow, RoomStore } from './roomStore.js';
import type { ChatMessage, GiftReceipt, Role } from '../../lib/protocol/payloads.js';
import type { RoomState } from '../../lib/protocol/server.js';

export interface RoomsParams {
  /** Messages, bans and moderators (SQLite: createSqliteRoomStore). */
  store: RoomStore;
  hub: Hub;
  streams: Streams;
  directory: Directory;
  limits: ChatLimits;
  now: () => number;
  /** After a connection joined a stream's room (the polls send the room's poll). */
  onJoin?: (c: Connection, streamId: number) => void;
}

/** Slow mode's longest period (lib/protocol/client.ts bounds `mod.slow`'s seconds to it). */
const MAX_SLOW_S = 3600;

const MOD_TYPES = [
  'mod.delete',
  'mod.timeout',
  'mod.ban',
  'mod.unban',
  'mod.slow',
  'mod.followers',
  'mod.add',
  'mod.remove',
  'mod.shield',
  'mod.bulk',
  'mod.approve',
  'mod.terms',
  'mod.held',
  'mod.log',
] as const;
/** Blocked terms per channel at most, and each term's length. */
const MAX_TERMS = 200;
const TERM_MIN = 2;
const TERM_MAX = 50;
/** How a term and a message are compared: case-folded, compatibility-normalized (ｆｏｏ is foo). */
const fold = (t: string): string => t.normalize('NFKC').toLowerCase();
type ModFrame = ClientMessage<(typeof MOD_TYPES)[number]>;

/** A checked frame's room (`stream:<id>`, lib/protocol/client.ts) to the stream's id. */
const streamIdOf = (room: string): number => Number(room.slice('stream:'.length));

/** A message row as clients see it. */
export function messageOf(r: MessageRow): ChatMessage {
  return {
    id: r.id,
    room: r.room,
    kind: r.kind,
    from: r.sender,
    handle: r.handle,
    text: r.text,
    at: r.created_at,
    ...(r.data ? { gift: JSON.parse(r.data) as GiftReceipt } : {}),
  };
}

/** The stream chat rooms over the hub and the live database. */
export class Rooms {
  /** Blocked terms per stream, read once from the store. */
  readonly #termCache = new Map<number, string[]>();
  readonly #limiter = new RateLimiter();
  readonly #lastSaid = new Map<string, number>();
  readonly #mods = new Map<number, Set<string>>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(private readonly p: RoomsParams) {
    this.#sweeper = setInterval(() => {
      const now = p.now();
      this.#limiter.sweep(p.limits.rateWindowMs, now);
      for (const [k, at] of this.#lastSaid) if (at < now - MAX_SLOW_S * 1000) this.#lastSaid.delete(k);
    }, 60_000);
    this.#sweeper.unref();
  }

  /** Registers the chat message types on the hub. */
  register(hub: Hub): void {
    hub.on('join', (c, m) => this.join(c, m));
    hub.on('leave', (c, m) => this.leave(c, m));
    hub.on('say', (c, m) => this.say(c, m), { fields: ['room'], check: (c, m) => this.#speaker(c, m.room) });
    hub.on('history', (c, m) => this.history(c, m));
    hub.on('presence', (c, m) => this.presence(c, m));
    const moderator = {
      fields: ['room'] as const,
      check: (c: Connection, m: Pick<ModFrame, 'room' | 'type'>) => void this.#moderator(c, m.room, m.type),
    };
    for (const type of MOD_TYPES) {
      if (type === 'mod.timeout') {
        // The target is refused (CANNOT_MODERATE) before the seconds are checked.
        hub.on(type, (c, m) => this.moderate(c, m), moderator, {
          fields: ['user'],
          check: (c, m) => void this.#target(this.#moderator(c, m.room, m.type), m.user),
        });
      } else hub.on(type, (c, m) => this.moderate(c, m), moderator);
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
  }

  modsOf(streamId: number): Set<string> {
    let set = this.#mods.get(streamId);
    if (!set) {
      set = new Set(this.p.store.mods(streamId));
      this.#mods.set(streamId, set);
    }
    return set;
  }

  roleOf(address: string | null, s: StreamRow): Role {
    if (!address) return 'anonymous';
    if (address === s.owner) return 'owner';
    return this.modsOf(s.id).has(address) ? 'moderator' : 'viewer';
  }

  /** The last `limit` visible messages of a room before message `before`, oldest first. */
  messages(room: string, limit: number, before = Number.MAX_SAFE_INTEGER): ChatMessage[] {
    return this.p.store.history(room, before, limit).reverse().map(messageOf);
  }

  /** Stores a message and sends it to the room. */
  post(
    room: string,
    kind: ChatMessage['kind'],
    sender: string | null,
    handle: string | null,
    text: string,
    data?: GiftReceipt,
  ): ChatMessage {
    const at = this.p.now();
    const id = this.p.store.insertMessage({
      room,
      kind,
      sender,
      handle,
      text,
      data: data ? JSON.stringify(data) : null,
      at,
    });
    const msg: ChatMessage = { id, room, kind, from: sender, handle, text, at, ...(data ? { gift: data } : {}) };
    this.p.hub.broadcast(room, { type: 'message', ...msg });
    return msg;
  }

  /** A message's gift receipt (undefined: no such message, or not a gift's). */
  giftOf(messageId: number): GiftReceipt | undefined {
    const data = this.p.store.message(messageId)?.data;
    return data ? (JSON.parse(data) as GiftReceipt) : undefined;
  }

  /** Replaces a message's data (a gift turning final) and tells the room. */
  updateData(messageId: number, data: GiftReceipt): void {
    this.p.store.setMessageData(messageId, JSON.stringify(data));
    const r = this.p.store.message(messageId);
    if (r) this.p.hub.broadcast(r.room, { type: 'message.update', room: r.room, id: r.id, gift: data });
  }

  #state(address: string | null, s: StreamRow): RoomState {
    const out: RoomState = {
      role: this.roleOf(address, s),
      slowModeSeconds: s.slow_mode_seconds,
      followersOnly: s.followers_only === 1,
      shieldMode: s.shield_prev !== null,
      state: s.state,
    };
    if (address) {
      const until = this.#banUntil(s.id, address);
      if (until === null) out.banned = true;
      else if (until !== undefined) out.timedOutUntil = until;
    }
    return out;
  }

  /** undefined: free to speak; null: banned; a time: timed out until then. */
  #banUntil(streamId: number, address: string): number | null | undefined {
    const r = this.p.store.ban(streamId, address);
    if (!r) return undefined;
    if (r.until !== null && r.until <= this.p.now()) return undefined;
    return r.until;
  }

  join(c: Connection, m: ClientMessage<'join'>): void {
    const streamId = streamIdOf(m.room);
    const s = this.p.streams.find(streamId);
    if (!s) throw new LiveError('ROOM_NOT_FOUND', `no stream ${streamId}`, { field: 'room' });
    const room = `stream:${streamId}`;
    if (
      !c.rooms.has(room) &&
      [...c.rooms].filter((r) => r.startsWith('stream:')).length >= this.p.limits.maxRoomsPerConnection
    ) {
      throw new LiveError('BAD_MESSAGE', `at most ${this.p.limits.maxRoomsPerConnection} rooms per connection`);
    }
    this.p.hub.join(c, room);
    c.send({ type: 'joined', room, ...this.#state(c.address, s), ...(m.id !== undefined ? { id: m.id } : {}) });
    c.send({ type: 'history', room, messages: this.messages(room, this.p.limits.historySize) });
    this.p.onJoin?.(c, streamId);
  }

  leave(c: Connection, m: ClientMessage<'leave'>): void {
    const room = `stream:${streamIdOf(m.room)}`;
    if (!c.rooms.has(room)) throw new LiveError('NOT_IN_ROOM', `not in ${room}`);
    this.p.hub.leave(c, room);
    c.send({ type: 'left', room, ...(m.id !== undefined ? { id: m.id } : {}) });
  }

  /** Older messages: `{type: "history", room, before: <message id>, limit?}`. */
  history(c: Connection, m: ClientMessage<'history'>): void {
    const streamId = streamIdOf(m.room);
    const room = `stream:${streamId}`;
    if (!this.p.streams.find(streamId))
      throw new LiveError('ROOM_NOT_FOUND', `no stream ${streamId}`, { field: 'room' });
    const before = m.before === undefined ? Number.MAX_SAFE_INTEGER : Number(m.before);
    const limit = m.limit ?? this.p.limits.historySize;
    c.send({
      type: 'history',
      room,
      before: m.before ?? null,
      messages: this.messages(room, limit, before),
      ...(m.id !== undefined ? { id: m.id } : {}),
    });
  }

  /** Who is here: `{type: "presence", room}` answers counts and up to 100 signed-in members. */
  async presence(c: Connection, m: ClientMessage<'presence'>): Promise<void> {
    const room = `stream:${streamIdOf(m.room)}`;
    const count = this.p.hub.count(room);
    const members = this.p.hub.members(room, 100);
    const users = await Promise.all(
      members.map(async (address) => ({ address, handle: await this.p.directory.handle(address) })),
    );
    c.send({
      type: 'presence',
      room,
      viewers: count.viewers,
      users: count.users,
      members: users,
      ...(m.id !== undefined ? { id: m.id } : {}),
    });
  }

  /**
   * Who says something in `room`: UNAUTHENTICATED, NOT_IN_ROOM. The hub runs this before it checks
   * the text (the gate of `say`), and say again.
   */
  #speaker(c: Connection, room: string): string {
    if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to chat (anonymous connections may only read)');
    if (!c.rooms.has(room)) throw new LiveError('NOT_IN_ROOM', `join ${room} first`);
    return c.address;
  }

  async say(c: Connection, m: ClientMessage<'say'>): Promise<void> {
    const streamId = streamIdOf(m.room);
    const room = `stream:${streamId}`;
    const me = this.#speaker(c, room);
    const text = cleanText(m.text, this.p.limits.maxMessageLength);
    const s = this.p.streams.row(streamId);
    if (s.state === 'ended') throw new LiveError('STREAM_ENDED', `stream ${streamId} has ended`);
    const until = this.#banUntil(streamId, me);
    if (until === null) throw new LiveError('BANNED', 'you are banned from this room');
    if (until !== undefined)
      throw new LiveError('TIMED_OUT', `you are timed out until ${new Date(until).toISOString()}`, {
        until,
        retryAfterMs: until - this.p.now(),
      });
    const role = this.roleOf(me, s);
    const privileged = role === 'owner' || role === 'moderator';
    if (!privileged && s.followers_only === 1 && !(await this.p.directory.follows(me, s.owner))) {
      throw new LiveError('FOLLOWERS_ONLY', 'this room is in followers-only mode: follow the broadcaster to chat');
    }
    const now = this.p.now();
    const key = `${room}:${me}`;
    if (!privileged && s.slow_mode_seconds > 0) {
      const last = this.#lastSaid.get(key);
      if (last !== undefined && now - last < s.slow_mode_seconds * 1000) {
        throw new LiveError('SLOW_MODE', `slow mode: one message every ${s.slow_mode_seconds} s`, {
          retryAfterMs: last + s.slow_mode_seconds * 1000 - now,
        });
      }
    }
    const limit = privileged ? this.p.limits.modMessages : this.p.limits.userMessages;
    const wait = this.#limiter.take(key, limit, this.p.limits.rateWindowMs, now);
    if (wait > 0)
      throw new LiveError('RATE_LIMITED', `at most ${limit} messages per ${this.p.limits.rateWindowMs / 1000} s`, {
        retryAfterMs: wait,
      });
    this.#lastSaid.set(key, now);
    const handle = await this.p.directory.handle(me);
    const term = privileged
      ? undefined
      : (this.#blockedTerm(streamId, text) ??
        (s.shield_prev !== null && !this.p.store.hasSpoken(room, me)
          ? 'shield mode: a first message here'
          : undefined));
    if (term !== undefined) {
      // Held for review: the moderators see it, the room does not until one approves it.
      const id = this.p.store.insertMessage({
        room,
        kind: 'chat',
        sender: me,
        handle,
        text,
        data: null,
        at: now,
        held: true,
      });
      const message: ChatMessage = { id, room, kind: 'chat', from: me, handle, text, at: now };
      this.#log(streamId, 'automod', 'held', String(id), term);
      for (const mod of [s.owner, ...this.modsOf(streamId)])
        this.p.hub.sendTo(mod, { type: 'message.held', room, message });
      if (m.id !== undefined) c.send({ type: 'ack', id: m.id, messageId: id, at: now, held: true });
      return;
    }
    const msg = this.post(room, 'chat', me, handle, text);
    if (m.id !== undefined) c.send({ type: 'ack', id: m.id, messageId: msg.id, at: msg.at });
  }

  /** The channel's blocked terms, case-folded (cached; moderators change them with mod.terms). */
  #terms(streamId: number): string[] {
    let t = this.#termCache.get(streamId);
    if (!t) {
      t = this.p.store.terms(streamId);
      this.#termCache.set(streamId, t);
    }
    return t;
  }

  /** The first blocked term `text` contains, or undefined. */
  #blockedTerm(streamId: number, text: string): string | undefined {
    const terms = this.#terms(streamId);
    if (!terms.length) return undefined;
    const t = fold(text);
    return terms.find((term) => t.includes(term));
  }

  #log(streamId: number, by: string, action: string, target: string | null, detail = ''): void {
    this.p.store.log({ stream_id: streamId, at: this.p.now(), by, action, target, detail });
  }

  /**
   * Times `user` out for `seconds` (null: bans them), logs it (`note` first in the detail: "bulk")
   * and tells the room; the timeout's end, or null for a ban.
   */
  #restrict(
    streamId: number,
    by: string,
    user: string,
    seconds: number | null,
    reason: string,
    note: string,
  ): number | null {
    const now = this.p.now();
    const until = seconds === null ? null : now + seconds * 1000;
    const room = `stream:${streamId}`;
    this.p.store.putBan(streamId, user, until, by, reason, now);
    const detail = [note, seconds === null ? '' : `${seconds} s`].filter(Boolean).join(' ');
    this.#log(
      streamId,
      by,
      seconds === null ? 'ban' : 'timeout',
      user,
      reason ? (detail ? `${detail}: ${reason}` : reason) : detail,
    );
    this.p.hub.broadcast(room, {
      type: 'moderation',
      room,
      action: seconds === null ? 'ban' : 'timeout',
      user,
      by,
      ...(seconds !== null && until !== null ? { seconds, until } : {}),
    });
    return until;
  }

  /**
   * Who moderates `room` with a frame of `type`: UNAUTHENTICATED, NOT_MODERATOR, NOT_OWNER (to
   * appoint). The hub runs this before it checks the frame's other fields (the gate of mod.*),
   * and moderate again.
   */
  #moderator(c: Connection, room: string, type: ModFrame['type']): { me: string; s: StreamRow; role: Role } {
    if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to moderate');
    const s = this.p.streams.row(streamIdOf(room));
    const role = this.roleOf(c.address, s);
    if (role !== 'owner' && role !== 'moderator')
      throw new LiveError('NOT_MODERATOR', `only the broadcaster and moderators of ${room} may do this`);
    if ((type === 'mod.add' || type === 'mod.remove') && role !== 'owner')
      throw new LiveError('NOT_OWNER', 'only the broadcaster appoints moderators');
    return { me: c.address, s, role };
  }

  /** A user a moderator may time out, ban or unban: CANNOT_MODERATE for the broadcaster, and for moderators unless the broadcaster acts. */
  #target(by: { s: StreamRow; role: Role }, user: string): string {
    if (user === by.s.owner)
      throw new LiveError('CANNOT_MODERATE', 'the broadcaster cannot be moderated in their own room');
    if (by.role === 'moderator' && this.modsOf(by.s.id).has(user))
      throw new LiveError('CANNOT_MODERATE', 'only the broadcaster may act on a moderator');
    return user;
  }

  async moderate(c: Connection, m: ModFrame): Promise<void> {
    const streamId = streamIdOf(m.room);
    const room = `stream:${streamId}`;
    const { me, s, role } = this.#moderator(c, room, m.type);
    const now = this.p.now();
    const ack = (extra: Record<string, unknown> = {}): void => {
      if (m.id !== undefined) c.send({ type: 'ack', id: m.id, ...extra });
    };
    const target = (user: string): string => this.#target({ s, role }, user);
    switch (m.type) {
      case 'mod.delete': {
        const id = m.messageId;
        const r = this.p.store.message(id);
        if (!r || r.room !== room || r.deleted_at !== null)
          throw new LiveError('MESSAGE_NOT_FOUND', `no message ${id} in ${room}`, {
            field: 'messageId',
          });
        // The same rule as for timeouts and bans: a moderator acts on viewers only.
        if (
          role === 'moderator' &&
          r.sender !== null &&
          (r.sender === s.owner || this.modsOf(streamId).has(r.sender))
        ) {
          throw new LiveError(
            'CANNOT_MODERATE',
            r.sender === s.owner
              ? "moderators cannot delete the broadcaster's messages"
              : "only the broadcaster may delete a moderator's messages",
          );
        }
        this.p.store.deleteMessage(id, now, me);
        this.#log(streamId, me, r.held_at !== null ? 'deny' : 'delete', String(id), r.text.slice(0, 200));
        this.p.hub.broadcast(room, { type: 'message.deleted', room, id, by: me });
        ack({ messageId: id });
        return;
      }
      case 'mod.timeout': {
        const user = target(m.user);
        const until = this.#restrict(streamId, me, user, m.seconds, m.reason, '');
        ack({ user, until });
        return;
      }
      case 'mod.ban': {
        const user = target(m.user);
        this.#restrict(streamId, me, user, null, m.reason, '');
        ack({ user });
        return;
      }
      case 'mod.unban': {
        const user = target(m.user);
        this.p.store.unban(streamId, user);
        this.#log(streamId, me, 'unban', user);
        this.p.hub.broadcast(room, { type: 'moderation', room, action: 'unban', user, by: me });
        ack({ user });
        return;
      }
      case 'mod.slow':
      case 'mod.followers':
      case 'mod.shield': {
        const v = this.p.streams.setChatSettings(
          streamId,
          m.type === 'mod.slow'
            ? { slowModeSeconds: m.seconds }
            : m.type === 'mod.followers'
              ? { followersOnly: m.enabled }
              : { shield: m.enabled },
        );
        if (m.type === 'mod.slow') this.#log(streamId, me, 'slow', null, m.seconds ? `${m.seconds} s` : 'off');
        else
          this.#log(streamId, me, m.type === 'mod.followers' ? 'followers' : 'shield', null, m.enabled ? 'on' : 'off');
        this.p.hub.broadcast(room, {
          type: 'room',
          room,
          slowModeSeconds: v.slowModeSeconds,
          followersOnly: v.followersOnly,
          shieldMode: v.shieldMode,
          by: me,
        });
        ack();
        return;
      }
      case 'mod.bulk': {
        // Each user as a single timeout or ban would be; those that cannot be are said, not fatal.
        const done: string[] = [];
        const refused: { user: string; code: string }[] = [];
        const seconds = m.action === 'timeout' ? (m.seconds ?? 600) : null;
        for (const u of new Set(m.users)) {
          let user: string;
          try {
            user = target(u);
          } catch (e) {
            refused.push({ user: u, code: e instanceof LiveError ? e.code : 'INTERNAL' });
            continue;
          }
          this.#restrict(streamId, me, user, seconds, m.reason, 'bulk');
          done.push(user);
        }
        if (m.id !== undefined) c.send({ type: 'mod.bulk', room, id: m.id, done, refused });
        return;
      }
      case 'mod.add':
      case 'mod.remove': {
        const user = m.user;
        if (user === s.owner)
          throw new LiveError('CANNOT_MODERATE', 'the broadcaster is always a moderator of their room');
        if (m.type === 'mod.add') {
          this.p.store.addMod(streamId, user, me, now);
          this.modsOf(streamId).add(user);
        } else {
          this.p.store.removeMod(streamId, user);
          this.modsOf(streamId).delete(user);
        }
        this.#log(streamId, me, m.type === 'mod.add' ? 'mod' : 'unmod', user);
        this.p.hub.broadcast(room, {
          type: 'moderation',
          room,
          action: m.type === 'mod.add' ? 'mod' : 'unmod',
          user,
          by: me,
        });
        ack({ user });
        return;
      }
      case 'mod.approve': {
        const r = this.p.store.message(m.messageId);
        if (!r || r.room !== room || r.held_at === null || r.deleted_at !== null || !this.p.store.approve(r.id))
          throw new LiveError('MESSAGE_NOT_FOUND', `no held message ${m.messageId} in ${room}`, { field: 'messageId' });
        this.#log(streamId, me, 'approve', String(r.id), r.text.slice(0, 200));
        this.p.hub.broadcast(room, { type: 'message', ...messageOf({ ...r, held_at: null }) });
        ack({ messageId: r.id });
        return;
      }
      case 'mod.terms': {
        const clean = (list: string[] | undefined, name: string): string[] =>
          (list ?? []).map((t) => {
            const v = fold(t).trim().replace(/\s+/g, ' ');
            if ([...v].length < TERM_MIN || [...v].length > TERM_MAX)
              throw new LiveError('BAD_MESSAGE', `each term is ${TERM_MIN} to ${TERM_MAX} characters`, { field: name });
            return v;
          });
        const add = clean(m.add, 'add');
        const remove = clean(m.remove, 'remove');
        const have = new Set(this.#terms(streamId));
        const grown = new Set([...have, ...add].filter((t) => !remove.includes(t)));
        if (grown.size > MAX_TERMS)
          throw new LiveError('BAD_MESSAGE', `at most ${MAX_TERMS} blocked terms per channel`, { field: 'add' });
        if (add.length) this.p.store.addTerms(streamId, add, me, now);
        if (remove.length) this.p.store.removeTerms(streamId, remove);
        this.#termCache.delete(streamId);
        if (add.length || remove.length)
          this.#log(streamId, me, 'terms', null, [...add.map((t) => `+${t}`), ...remove.map((t) => `-${t}`)].join(' '));
        c.send({ type: 'mod.terms', room, terms: this.#terms(streamId), ...(m.id !== undefined ? { id: m.id } : {}) });
        return;
      }
      case 'mod.held': {
        const messages = this.p.store.held(room, 100).map(messageOf);
        c.send({ type: 'mod.held', room, messages, ...(m.id !== undefined ? { id: m.id } : {}) });
        return;
      }
      case 'mod.log': {
        const entries = this.p.store
          .logPage(streamId, m.before ?? Number.MAX_SAFE_INTEGER, m.limit ?? 50)
          .map((e) => ({ id: e.id, at: e.at, by: e.by, action: e.action, target: e.target, detail: e.detail }));
        c.send({ type: 'mod.log', room, entries, ...(m.id !== undefined ? { id: m.id } : {}) });
        return;
      }
    }
  }
}
