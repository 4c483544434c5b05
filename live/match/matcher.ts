/**
 * 1-to-1 matching over /ws: signed-in connections queue with preferences, and are paired with a
 * shared language first, then the most shared interests, then the longest wait. A pair gets a
 * private room; `match.signal` payloads (SDP offers and answers, ICE candidates) are relayed to
 * the peer only. A block is permanent (live_match_blocks, either way round); reports go to
 * live_reports.
 */
import { randomUUID } from 'node:crypto';
import type { Directory } from '../internal/directory.js';
import { LiveError } from '../internal/errors.js';
import type { ClientMessage, Connection, Hub } from '../chat/hub.js';
import { RateLimiter } from '../../lib/rateLimit.js';
import type { MatchStore } from './store.js';

export interface MatchPrefs {
  /** A language tag ("en"), or "" for any. */
  language: string;
  /** Lowercased, at most 10. */
  interests: string[];
}

interface Entry {
  conn: Connection;
  address: string;
  prefs: MatchPrefs;
  since: number;
  state: 'idle' | 'waiting' | 'paired';
  peer?: Entry;
  room?: string;
  /** The last peer (for report and block after the pair ended). */
  lastPeer?: string;
  lastRoom?: string;
}

export interface MatcherParams {
  /** Blocks and reports (SQLite: createSqliteMatchStore). */
  store: MatchStore;
  hub: Hub;
  directory: Directory;
  iceServers: unknown[];
  /** Reports one user may file per hour (each is a row someone has to read). */
  reportsPerHour: number;
  now: () => number;
}

const HOUR = 3_600_000;

/** The `prefs` of match.join and match.next (checked by lib/protocol/client.ts), as matching compares them. */
export function normalizePrefs(p: MatchPrefs): MatchPrefs {
  return {
    language: p.language.toLowerCase(),
    interests: [...new Set(p.interests.map((i) => i.trim().toLowerCase()))],
  };
}

/** How well two preferences fit: a shared language outweighs any interest overlap. */
export function score(a: MatchPrefs, b: MatchPrefs): number {
  const lang = a.language !== '' && a.language === b.language ? 1000 : 0;
  const shared = a.interests.filter((i) => b.interests.includes(i)).length;
  return lang + shared * 10;
}

/** The matching queue and the pairs it made (in memory; blocks and reports in the database). */
export class Matcher {
  readonly #entries = new Map<Connection, Entry>();
  /** Waiting entries in arrival order. */
  #queue: Entry[] = [];
  readonly #reports = new RateLimiter();
  #reported = 0;

  constructor(private readonly p: MatcherParams) {}

  register(hub: Hub): void {
    // The gates: the state checks come before the fields (prefs, data, reason), as they always did.
    hub.on('match.join', (c, m) => this.join(c, m), { check: (c) => void this.#signedIn(c) });
    hub.on('match.signal', (c, m) => this.signal(c, m), { check: (c) => void this.#paired(c) });
    hub.on('match.next', (c, m) => this.next(c, m), { check: (c) => void this.#queued(c) });
    hub.on('match.leave', (c, m) => this.leave(c, m));
    hub.on('match.block', (c, m) => this.block(c, m));
    hub.on('match.report', (c, m) => this.report(c, m), { check: (c) => void this.#lastPeer(c, 'report') });
    hub.onClose((c) => this.#drop(c));
  }

  /** Waiting connections (for tests and metrics). */
  get waiting(): number {
    return this.#queue.length;
  }

  #signedIn(c: Connection): string {
    if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to use matching');
    return c.address;
  }

  #entry(c: Connection): Entry {
    const address = this.#signedIn(c);
    let e = this.#entries.get(c);
    if (!e) {
      e = { conn: c, address, prefs: { language: '', interests: [] }, since: 0, state: 'idle' };
      this.#entries.set(c, e);
    }
    return e;
  }

  #blocked(a: string, b: string): boolean {
    return this.p.store.blocked(a, b);
  }

  /** Ends `e`'s pair; the peer is told `peerReason`. Neither is queued again by this. */
  #unpair(e: Entry, peerReason: 'peer_left'): void {
    const peer = e.peer;
    if (!peer || e.state !== 'paired') return;
    for (const [x, y] of [
      [e, peer],
      [peer, e],
    ] as const) {
      x.lastPeer = y.address;
      x.lastRoom = x.room;
      x.peer = undefined;
      x.room = undefined;
      x.state = 'idle';
    }
    // The peer chooses to look again (match.join or match.next).
    peer.conn.send({ type: 'match.ended', reason: peerReason });
  }

  #dequeue(e: Entry): void {
    this.#queue = this.#queue.filter((x) => x !== e);
    if (e.state === 'waiting') e.state = 'idle';
  }

  #enqueue(e: Entry): void {
    e.state = 'waiting';
    e.since = this.p.now();
    if (!this.#queue.includes(e)) this.#queue.push(e);
    this.#tryMatch(e);
  }

  #tryMatch(e: Entry): void {
    let best: Entry | undefined;
    let bestScore = -Infinity;
    for (const o of this.#queue) {
      if (o === e || o.address === e.address || this.#blocked(e.address, o.address)) continue;
      // Right after "next", the same two people would meet again: only when nobody else waits.
      const s = score(e.prefs, o.prefs) - (o.address === e.lastPeer || e.address === o.lastPeer ? 100_000 : 0);
      if (s > bestScore) {
        best = o;
        bestScore = s;
      }
    }
    if (!best) {
      e.conn.send({ type: 'match.waiting', waiting: this.#queue.length });
      return;
    }
    this.#queue = this.#queue.filter((x) => x !== e && x !== best);
    const room = `match:${randomUUID()}`;
    const a = best;
    const b = e;
    a.state = b.state = 'paired';
    a.peer = b;
    b.peer = a;
    a.room = b.room = room;
    const found = (x: Entry, y: Entry, handle: string | null, initiator: boolean): void =>
      x.conn.send({
        type: 'match.found',
        room,
        peer: { address: y.address, handle, language: y.prefs.language, interests: y.prefs.interests },
        initiator,
        iceServers: this.p.iceServers,
      });
    // Both hear of the match in the same tick, so the initiator's offer can never overtake the
    // answerer's match.found. The one who waited longer makes the offer.
    void Promise.all([this.p.directory.handle(a.address), this.p.directory.handle(b.address)]).then(([ha, hb]) => {
      if (a.room !== room || b.room !== room) return;
      found(a, b, hb, true);
      found(b, a, ha, false);
    });
  }

  /** The entry of a paired connection, or NOT_MATCHED. */
  #paired(c: Connection): Entry & { peer: Entry } {
    const e = this.#entries.get(c);
    if (e?.state !== 'paired' || !e.peer) throw new LiveError('NOT_MATCHED', 'not in a match');
    return e as Entry & { peer: Entry };
  }

  /** The entry of a connection that joined the queue, or NOT_MATCHED. */
  #queued(c: Connection): Entry {
    const e = this.#entries.get(c);
    if (!e) throw new LiveError('NOT_MATCHED', 'join the queue first (match.join)');
    return e;
  }

  /** The entry and its current (or last) peer, or NOT_MATCHED. */
  #lastPeer(c: Connection, what: 'block' | 'report'): { e: Entry; other: string } {
    const e = this.#entries.get(c);
    const other = e?.peer?.address ?? e?.lastPeer;
    if (!e || !other) throw new LiveError('NOT_MATCHED', `nobody to ${what}: not matched yet`);
    return { e, other };
  }

  join(c: Connection, m: ClientMessage<'match.join'>): void {
    const e = this.#entry(c);
    e.prefs = normalizePrefs(m.prefs ?? { language: '', interests: [] });
    this.#unpair(e, 'peer_left');
    this.#enqueue(e);
  }

  signal(c: Connection, m: ClientMessage<'match.signal'>): void {
    const e = this.#paired(c);
    e.peer.conn.send({ type: 'match.signal', room: e.room, from: e.address, data: m.data });
  }

  next(c: Connection, m: ClientMessage<'match.next'>): void {
    const e = this.#queued(c);
    if (m.prefs !== undefined) e.prefs = normalizePrefs(m.prefs ?? { language: '', interests: [] });
    this.#unpair(e, 'peer_left');
    this.#enqueue(e);
  }

  leave(c: Connection, m: ClientMessage<'match.leave'>): void {
    const e = this.#entries.get(c);
    if (e) {
      this.#unpair(e, 'peer_left');
      this.#dequeue(e);
    }
    c.send({ type: 'match.ended', reason: 'left', ...(m.id !== undefined ? { id: m.id } : {}) });
  }

  /** Blocks the current (or last) peer for good and ends the pair. */
  block(c: Connection, m: ClientMessage<'match.block'>): void {
    const { e, other } = this.#lastPeer(c, 'block');
    this.p.store.block(e.address, other, this.p.now());
    this.#unpair(e, 'peer_left');
    this.#dequeue(e);
    c.send({ type: 'match.ended', reason: 'blocked', user: other, ...(m.id !== undefined ? { id: m.id } : {}) });
  }

  /** Reports the current (or last) peer; the pair goes on. */
  report(c: Connection, m: ClientMessage<'match.report'>): void {
    const { e, other } = this.#lastPeer(c, 'report');
    const reason = m.reason.slice(0, 500);
    const now = this.p.now();
    if (++this.#reported % 1000 === 0) this.#reports.sweep(HOUR, now);
    // Per account, not per connection: reconnecting does not refill it.
    const wait = this.#reports.take(e.address, this.p.reportsPerHour, HOUR, now);
    if (wait > 0)
      throw new LiveError('RATE_LIMITED', `at most ${this.p.reportsPerHour} reports per hour`, { retryAfterMs: wait });
    this.p.store.report(e.address, other, e.room ?? e.lastRoom ?? 'match', reason, now);
    c.send({ type: 'ack', ...(m.id !== undefined ? { id: m.id } : {}), reported: other });
  }

  #drop(c: Connection): void {
    const e = this.#entries.get(c);
    if (!e) return;
    this.#unpair(e, 'peer_left');
    this.#dequeue(e);
    this.#entries.delete(c);
  }
}
