/**
 * Polls in stream rooms (issue 18, item 5): non-monetary questions with 2 to 5 options that the
 * broadcaster or a moderator starts (`poll.start`), one open at a time per stream, for 15 s to
 * 30 min or until they end it (`poll.end`); every signed-in member of the room votes once
 * (`poll.vote`). The room sees the tally as votes come (at most one `poll` frame a second, the
 * last always sent) and the result at the end; a connection that joins gets the open poll, or the
 * last result, with its own vote. Polls and votes are kept in live_polls and live_poll_votes, so a
 * restart loses none, and a poll whose time ran out while the service was down ends when it comes
 * back.
 */
import { LiveError } from '../internal/errors.js';
import type { Poll } from '../../lib/protocol/payloads.js';
import type { Streams } from '../streams/service.js';
import type { ClientMessage, Connection, Hub } from './hub.js';
import type { PollRow, PollStore } from './pollStore.js';
import type { Rooms } from './rooms.js';
import { cleanText } from './text.js';

export interface PollsParams {
  store: PollStore;
  hub: Hub;
  rooms: Rooms;
  streams: Streams;
  now: () => number;
  /** At most one tally a second per room (tests shorten it). */
  tallyThrottleMs?: number;
}

const QUESTION_MAX = 140;
const OPTION_MAX = 60;
/** A result stays shown to those who join for this long after the poll ended. */
const RESULT_SHOWN_MS = 10 * 60_000;

const streamIdOf = (room: string): number => Number(room.slice('stream:'.length));

/** Checked text of a poll field (the chat's rules), refused with the field's name. */
function pollText(v: string, max: number, field: string): string {
  try {
    return cleanText(v, max);
  } catch (e) {
    if (e instanceof LiveError)
      throw new LiveError('BAD_MESSAGE', `${field} must be 1 to ${max} characters of text`, { field });
    throw e;
  }
}

/** Polls over the hub, the rooms' roles and the live database. */
export class Polls {
  readonly #timers = new Map<number, NodeJS.Timeout>();
  readonly #tallies = new Map<number, NodeJS.Timeout>();

  constructor(private readonly p: PollsParams) {
    // Polls open before a restart: end the overdue ones, time the others again.
    for (const r of p.store.unended()) this.#schedule(r);
  }

  register(hub: Hub): void {
    hub.on('poll.start', (c, m) => this.start(c, m));
    hub.on('poll.vote', (c, m) => this.vote(c, m));
    hub.on('poll.end', (c, m) => this.end(c, m));
  }

  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    for (const t of this.#tallies.values()) clearTimeout(t);
    this.#timers.clear();
    this.#tallies.clear();
  }

  /** The poll a connection joining a stream's room is shown: the open one, or a recent result. */
  shownOnJoin(c: Connection, streamId: number): void {
    const r = this.p.store.latest(streamId);
    if (!r) return;
    if (r.ended_at !== null && this.p.now() - r.ended_at > RESULT_SHOWN_MS) return;
    const mine = c.address ? this.p.store.voteOf(r.id, c.address) : undefined;
    c.send({ type: 'poll', room: `stream:${streamId}`, poll: this.view(r), ...(mine !== undefined ? { mine } : {}) });
  }

  view(r: PollRow): Poll {
    const tally = this.p.store.tally(r.id);
    return {
      id: r.id,
      question: r.question,
      options: (JSON.parse(r.options) as string[]).map((text, i) => ({ text, votes: tally.get(i) ?? 0 })),
      by: r.created_by,
      createdAt: r.created_at,
      endsAt: r.ends_at,
      endedAt: r.ended_at,
    };
  }

  #open(streamId: number): PollRow | undefined {
    const r = this.p.store.latest(streamId);
    return r && r.ended_at === null && r.ends_at > this.p.now() ? r : undefined;
  }

  /** The caller, who must be the stream's broadcaster or one of its moderators. */
  #moderator(c: Connection, room: string): string {
    if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to run polls');
    const role = this.p.rooms.roleOf(c.address, this.p.streams.row(streamIdOf(room)));
    if (role !== 'owner' && role !== 'moderator')
      throw new LiveError('NOT_MODERATOR', `only the broadcaster and moderators of ${room} run polls`);
    return c.address;
  }

  start(c: Connection, m: ClientMessage<'poll.start'>): void {
    const streamId = streamIdOf(m.room);
    const room = `stream:${streamId}`;
    const me = this.#moderator(c, room);
    if (this.p.streams.row(streamId).state === 'ended')
      throw new LiveError('STREAM_ENDED', `stream ${streamId} has ended`);
    const question = pollText(m.question, QUESTION_MAX, 'question');
    const options = m.options.map((o) => pollText(o, OPTION_MAX, 'options'));
    if (new Set(options.map((o) => o.toLowerCase())).size !== options.length)
      throw new LiveError('BAD_MESSAGE', 'the options must differ from each other', { field: 'options' });
    const open = this.#open(streamId);
    if (open)
      throw new LiveError(
        'POLL_ACTIVE',
        `a poll is open in ${room} until ${new Date(open.ends_at).toISOString()}: end it first`,
        {
          pollId: open.id,
        },
      );
    const now = this.p.now();
    const id = this.p.store.insert({
      stream_id: streamId,
      question,
      options: JSON.stringify(options),
      created_by: me,
      created_at: now,
      ends_at: now + m.seconds * 1000,
    });
    const r = this.p.store.byId(id)!;
    this.#schedule(r);
    this.#broadcast(r);
    if (m.id !== undefined) c.send({ type: 'ack', id: m.id, messageId: id, at: now });
  }

  vote(c: Connection, m: ClientMessage<'poll.vote'>): void {
    const streamId = streamIdOf(m.room);
    const room = `stream:${streamId}`;
    if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to vote');
    if (!c.rooms.has(room)) throw new LiveError('NOT_IN_ROOM', `join ${room} first`);
    const r = this.p.store.byId(m.pollId);
    if (!r || r.stream_id !== streamId)
      throw new LiveError('POLL_NOT_FOUND', `no poll ${m.pollId} in ${room}`, { field: 'pollId' });
    if (r.ended_at !== null || r.ends_at <= this.p.now()) throw new LiveError('POLL_ENDED', 'this poll has ended');
    const count = (JSON.parse(r.options) as string[]).length;
    if (m.option >= count) throw new LiveError('BAD_MESSAGE', `option must be 0 to ${count - 1}`, { field: 'option' });
    if (!this.p.store.vote(r.id, c.address, m.option, this.p.now())) {
      throw new LiveError('POLL_VOTED', 'you already voted in this poll', {
        option: this.p.store.voteOf(r.id, c.address),
      });
    }
    if (m.id !== undefined) c.send({ type: 'ack', id: m.id, at: this.p.now() });
    // The voter's tabs learn their vote at once; the room gets the tally, throttled.
    this.p.hub.sendTo(c.address, { type: 'poll', room, poll: this.view(r), mine: m.option });
    this.#tallySoon(r.id);
  }

  end(c: Connection, m: ClientMessage<'poll.end'>): void {
    const streamId = streamIdOf(m.room);
    const room = `stream:${streamId}`;
    this.#moderator(c, room);
    const open = this.#open(streamId);
    if (!open) throw new LiveError('POLL_NOT_FOUND', `no poll is open in ${room}`);
    this.#finish(open.id, this.p.now());
    if (m.id !== undefined) c.send({ type: 'ack', id: m.id, at: this.p.now() });
  }

  #schedule(r: PollRow): void {
    const wait = r.ends_at - this.p.now();
    if (wait <= 0) {
      this.#finish(r.id, r.ends_at);
      return;
    }
    const t = setTimeout(() => this.#finish(r.id, r.ends_at), wait);
    t.unref();
    this.#timers.set(r.id, t);
  }

  #finish(id: number, at: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    clearTimeout(this.#tallies.get(id));
    this.#tallies.delete(id);
    this.p.store.end(id, at);
    const r = this.p.store.byId(id);
    if (r) this.#broadcast(r);
  }

  #tallySoon(id: number): void {
    if (this.#tallies.has(id)) return;
    const t = setTimeout(() => {
      this.#tallies.delete(id);
      const r = this.p.store.byId(id);
      if (r && r.ended_at === null) this.#broadcast(r);
    }, this.p.tallyThrottleMs ?? 1000);
    t.unref();
    this.#tallies.set(id, t);
  }

  #broadcast(r: PollRow): void {
    const room = `stream:${r.stream_id}`;
    this.p.hub.broadcast(room, { type: 'poll', room, poll: this.view(r) });
  }
}
