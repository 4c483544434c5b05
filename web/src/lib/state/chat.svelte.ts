/** One stream's chat room over the live socket: messages, gift receipts, viewers, moderation. */
import type { ChatMessage, GiftReceipt, ModLogEntry, Poll, RoomMember } from '../../../../lib/protocol/payloads.js';
import { SentFrames, socket } from '../api/socket.js';
import { channelName, shortAddress } from '../format.js';
import { durationWords } from '../plainWords.js';

/** A moderation frame in words: "TJRab…RTv8 was timed out for 10 minutes". */
export function moderationWords(action: string, user: string, seconds?: number): string {
  const who = shortAddress(user);
  switch (action) {
    case 'timeout':
      return `${who} was timed out${seconds ? ` for ${durationWords(seconds)}` : ''}.`;
    case 'ban':
      return `${who} was banned from this chat.`;
    case 'unban':
      return `${who} may chat again.`;
    case 'mod':
      return `${who} is now a moderator.`;
    case 'unmod':
      return `${who} is no longer a moderator.`;
    default:
      return `${action}: ${who}`;
  }
}

export type { ChatMessage, GiftReceipt, ModLogEntry, Poll };

export class ChatRoom {
  readonly room: string;
  #messages = $state<ChatMessage[]>([]);
  #role = $state<string>('anonymous');
  #viewers = $state(0);
  #users = $state(0);
  #members = $state<RoomMember[]>([]);
  #poll = $state<Poll | null>(null);
  /** Moderators: messages held for review, the blocked terms, the moderation log. */
  #held = $state<ChatMessage[]>([]);
  #terms = $state<string[] | null>(null);
  #log = $state<ModLogEntry[] | null>(null);
  /** My messages that were held for review (by message id). */
  #myHeld = $state<number[]>([]);
  /** The option this account voted for in #poll, or null. */
  #mine = $state<number | null>(null);
  #slow = $state(0);
  #followersOnly = $state(false);
  #shield = $state(false);
  /** The last mod.bulk answer: who was acted on and who could not be. */
  #bulk = $state<{ done: string[]; refused: { user: string; code: string }[] } | null>(null);
  #error = $state<string | null>(null);
  #notice = $state<string | null>(null);
  #connected = $state(socket.open);
  #offs: (() => void)[] = [];
  #frames = new SentFrames();
  /** Gift receipts as they arrive (for the animation layer). */
  ongift: ((m: ChatMessage) => void) | null = null;
  onstream: ((s: Record<string, unknown>) => void) | null = null;
  /** The room is being raided over to another stream (`raid`). */
  #raid = $state<{ streamId: string; name: string } | null>(null);

  constructor(streamId: string) {
    this.room = `stream:${streamId}`;
    const mine = (m: { room: string }) => m.room === this.room;
    this.#offs.push(
      socket.onStatus((o) => (this.#connected = o)),
      socket.on('joined', (m) => {
        if (!mine(m)) return;
        this.#role = m.role;
        this.#slow = Number(m.slowModeSeconds ?? 0);
        this.#followersOnly = !!m.followersOnly;
        this.#shield = !!m.shieldMode;
        this.#notice = m.banned
          ? 'You are banned from this chat.'
          : m.timedOutUntil
            ? `You are timed out until ${new Date(Number(m.timedOutUntil)).toLocaleTimeString()}.`
            : null;
        // After a reconnection (the service may have restarted) the room says what state the
        // stream is in now: a stream that stopped while we were away is not played any more.
        if (typeof m.state === 'string') this.onstream?.({ state: m.state });
        if (m.role === 'owner' || m.role === 'moderator') this.#frames.send({ type: 'mod.held', room: this.room });
      }),
      socket.on('history', (m) => {
        if (!mine(m)) return;
        const older = m.messages ?? [];
        const ids = new Set(this.#messages.map((x) => x.id));
        this.#messages = [...older.filter((x) => !ids.has(x.id)), ...this.#messages].sort((a, b) => a.id - b.id);
      }),
      socket.on('message', (m) => {
        if (!mine(m)) return;
        const msg: ChatMessage = m;
        if (this.#messages.some((x) => x.id === msg.id)) return;
        this.#held = this.#held.filter((x) => x.id !== msg.id);
        this.#myHeld = this.#myHeld.filter((id) => id !== msg.id);
        this.#messages.push(msg);
        if (this.#messages.length > 300) this.#messages.splice(0, this.#messages.length - 300);
        if (msg.kind === 'gift') this.ongift?.(msg);
      }),
      socket.on('message.update', (m) => {
        if (!mine(m)) return;
        const x = this.#messages.find((y) => y.id === m.id);
        if (x && m.gift) x.gift = m.gift;
      }),
      socket.on('message.deleted', (m) => {
        if (!mine(m)) return;
        this.#messages = this.#messages.filter((x) => x.id !== m.id);
        this.#held = this.#held.filter((x) => x.id !== m.id);
      }),
      socket.on('viewers', (m) => {
        if (!mine(m)) return;
        this.#viewers = Number(m.viewers);
        this.#users = Number(m.users);
      }),
      socket.on('message.held', (m) => {
        if (mine(m) && !this.#held.some((x) => x.id === m.message.id)) this.#held = [...this.#held, m.message];
      }),
      socket.on('mod.held', (m) => {
        if (mine(m)) this.#held = m.messages;
      }),
      socket.on('mod.terms', (m) => {
        if (mine(m)) this.#terms = m.terms;
      }),
      socket.on('mod.log', (m) => {
        if (mine(m)) this.#log = m.entries;
      }),
      socket.on('ack', (m) => {
        if (m.held && typeof m.messageId === 'number' && this.#frames.answers(m))
          this.#myHeld = [...this.#myHeld, m.messageId];
      }),
      socket.on('poll', (m) => {
        if (!mine(m)) return;
        if (this.#poll?.id !== m.poll.id) this.#mine = null;
        this.#poll = m.poll;
        if (m.mine !== undefined) this.#mine = m.mine;
      }),
      socket.on('presence', (m) => {
        if (!mine(m)) return;
        this.#viewers = m.viewers;
        this.#users = m.users;
        this.#members = m.members;
      }),
      socket.on('room', (m) => {
        if (!mine(m)) return;
        this.#slow = Number(m.slowModeSeconds ?? 0);
        this.#followersOnly = !!m.followersOnly;
        this.#shield = !!m.shieldMode;
      }),
      socket.on('raid', (m) => {
        if (mine(m)) this.#raid = { streamId: m.to.streamId, name: channelName(m.to) };
      }),
      socket.on('mod.bulk', (m) => {
        if (mine(m)) this.#bulk = { done: m.done, refused: m.refused };
      }),
      socket.on('moderation', (m) => {
        if (!mine(m)) return;
        this.#notice = moderationWords(m.action, m.user, m.seconds);
      }),
      socket.on('stream', (m) => {
        if (mine(m)) this.onstream?.(m.stream);
      }),
      socket.on('error', (m) => {
        if (!this.#frames.answers(m)) return;
        this.#error = `${String(m.message)}${m.retryAfterMs ? ` (retry in ${Math.ceil(Number(m.retryAfterMs) / 1000)} s)` : ''}`;
      }),
    );
    socket.join(this.room);
  }

  get messages(): ChatMessage[] {
    return this.#messages;
  }
  get role(): string {
    return this.#role;
  }
  get canModerate(): boolean {
    return this.#role === 'owner' || this.#role === 'moderator';
  }
  get viewers(): number {
    return this.#viewers;
  }
  /** Signed-in accounts in the room. */
  get users(): number {
    return this.#users;
  }
  /** The signed-in members of the last `presence` answer (up to 100). */
  get members(): RoomMember[] {
    return this.#members;
  }
  /** Where a raid of this room goes (null: none, or the viewer chose to stay). */
  get raid(): { streamId: string; name: string } | null {
    return this.#raid;
  }
  stayHere(): void {
    this.#raid = null;
  }
  /** Shield mode: followers-only, slow mode, first-time chatters held for review. */
  get shieldMode(): boolean {
    return this.#shield;
  }
  setShield(enabled: boolean): void {
    this.#frames.send({ type: 'mod.shield', room: this.room, enabled });
  }
  /** Times out (10 min) or bans several users at once. */
  bulk(action: 'timeout' | 'ban', users: string[]): void {
    this.#bulk = null;
    this.#frames.send({
      type: 'mod.bulk',
      room: this.room,
      action,
      users,
      ...(action === 'timeout' ? { seconds: 600 } : {}),
    });
  }
  get bulkResult(): { done: string[]; refused: { user: string; code: string }[] } | null {
    return this.#bulk;
  }
  /** Moderators: the messages held for review, oldest first. */
  get held(): ChatMessage[] {
    return this.#held;
  }
  /** Moderators: the channel's blocked terms (null until asked). */
  get terms(): string[] | null {
    return this.#terms;
  }
  /** Moderators: the moderation log, newest first (null until asked). */
  get modLog(): ModLogEntry[] | null {
    return this.#log;
  }
  /** How many of my messages wait for a moderator's review. */
  get myHeldCount(): number {
    return this.#myHeld.length;
  }
  approve(messageId: number): void {
    this.#frames.send({ type: 'mod.approve', room: this.room, messageId });
  }
  loadTerms(): void {
    this.#frames.send({ type: 'mod.terms', room: this.room });
  }
  setTerms(add: string[], remove: string[]): void {
    this.#error = null;
    this.#frames.send({ type: 'mod.terms', room: this.room, add, remove });
  }
  loadModLog(): void {
    this.#frames.send({ type: 'mod.log', room: this.room, limit: 50 });
  }
  /** The room's open poll, or its last result (null: none). */
  get poll(): Poll | null {
    return this.#poll;
  }
  /** The option this account voted for in `poll`, or null. */
  get myVote(): number | null {
    return this.#mine;
  }
  startPoll(question: string, options: string[], seconds: number): void {
    this.#error = null;
    this.#frames.send({ type: 'poll.start', room: this.room, question, options, seconds });
  }
  vote(option: number): void {
    if (!this.#poll) return;
    this.#error = null;
    this.#frames.send({ type: 'poll.vote', room: this.room, pollId: this.#poll.id, option });
  }
  endPoll(): void {
    this.#frames.send({ type: 'poll.end', room: this.room });
  }
  /** Asks who is in the room (answered by `presence`). */
  presence(): void {
    this.#frames.send({ type: 'presence', room: this.room });
  }
  get slowModeSeconds(): number {
    return this.#slow;
  }
  get followersOnly(): boolean {
    return this.#followersOnly;
  }
  get error(): string | null {
    return this.#error;
  }
  get notice(): string | null {
    return this.#notice;
  }
  get connected(): boolean {
    return this.#connected;
  }

  say(text: string): void {
    this.#error = null;
    this.#frames.send({ type: 'say', room: this.room, text });
  }
  loadOlder(): void {
    const first = this.#messages[0];
    this.#frames.send({ type: 'history', room: this.room, before: first?.id, limit: 50 });
  }
  deleteMessage(id: number): void {
    this.#frames.send({ type: 'mod.delete', room: this.room, messageId: id });
  }
  timeout(user: string, seconds = 600): void {
    this.#frames.send({ type: 'mod.timeout', room: this.room, user, seconds });
  }
  ban(user: string): void {
    this.#frames.send({ type: 'mod.ban', room: this.room, user });
  }
  setSlow(seconds: number): void {
    this.#frames.send({ type: 'mod.slow', room: this.room, seconds });
  }
  setFollowersOnly(enabled: boolean): void {
    this.#frames.send({ type: 'mod.followers', room: this.room, enabled });
  }
  /** Rejoins (after signing in, the role changes). */
  rejoin(): void {
    socket.leave(this.room);
    socket.join(this.room);
  }
  close(): void {
    for (const off of this.#offs) off();
    socket.leave(this.room);
  }
}
