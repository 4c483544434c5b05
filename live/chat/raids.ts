/**
 * Raids (issue 18, item 5): at the end of a broadcast, its broadcaster sends the room's viewers to
 * another live stream. The raid is an offer (`raid.start`) the other broadcaster accepts or
 * declines (`raid.answer`) within 30 s; a stream that turned raids off (`acceptRaids: false`)
 * refuses them all. Rate-limited: a broadcaster raids at most once every 10 minutes, and a stream
 * receives at most one offer at a time and one raid every 2 minutes. Once accepted, the raiding
 * room gets `raid` (the web sends its viewers over) and the raided room a system message saying
 * who came. Offers and answers are kept in live_raids.
 */
import type { Directory } from '../internal/directory.js';
import { LiveError } from '../internal/errors.js';
import type { RaidStream } from '../../lib/protocol/payloads.js';
import type { StreamRow, Streams } from '../streams/service.js';
import type { ClientMessage, Connection, Hub } from './hub.js';
import type { RaidRow, RaidStore } from './raidStore.js';
import type { Rooms } from './rooms.js';

export interface RaidsParams {
  /** Offers and answers (SQLite: createSqliteRaidStore). */
  store: RaidStore;
  hub: Hub;
  rooms: Rooms;
  streams: Streams;
  directory: Directory;
  now: () => number;
  /** How long an offer waits (default RAID_OFFER_MS; tests shorten it). */
  offerMs?: number;
}

/** How long an offer waits for its answer, and the rate limits. */
export const RAID_OFFER_MS = 30_000;
const RAID_EVERY_MS = 10 * 60_000;
const RAIDED_EVERY_MS = 2 * 60_000;

/** Raids over the hub and the live database. */
export class Raids {
  readonly #timers = new Map<number, NodeJS.Timeout>();
  get #offerMs(): number {
    return this.p.offerMs ?? RAID_OFFER_MS;
  }

  constructor(private readonly p: RaidsParams) {
    // Offers open before a restart expire on their own time.
    for (const r of p.store.open()) this.#expireAt(r);
  }

  register(hub: Hub): void {
    hub.on('raid.start', (c, m) => this.start(c, m));
    hub.on('raid.answer', (c, m) => this.answer(c, m));
  }

  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  async #named(s: StreamRow): Promise<RaidStream> {
    return { streamId: String(s.id), title: s.title, owner: s.owner, handle: await this.p.directory.handle(s.owner) };
  }

  async start(c: Connection, m: ClientMessage<'raid.start'>): Promise<void> {
    if (!c.address) throw new LiveError('UNAUTHENTICATED', 'sign in to raid');
    const fromId = Number(m.room.slice('stream:'.length));
    const from = this.p.streams.row(fromId);
    if (from.owner !== c.address) throw new LiveError('NOT_OWNER', 'only the broadcaster raids from their stream');
    if (from.state !== 'live')
      throw new LiveError('STREAM_NOT_LIVE', 'raid while your stream is live: it sends its viewers');
    const to = this.p.streams.find(Number(m.to));
    if (!to) throw new LiveError('STREAM_NOT_FOUND', `no stream ${m.to}`, { field: 'to' });
    if (to.owner === from.owner) throw new LiveError('RAID_REFUSED', 'raid another broadcaster’s stream, not your own');
    if (to.state !== 'live') throw new LiveError('RAID_REFUSED', 'that stream is not live', { field: 'to' });
    if (to.accept_raids !== 1)
      throw new LiveError('RAID_REFUSED', 'that stream does not accept raids', { field: 'to' });
    const now = this.p.now();
    const mine = this.p.store.lastBy(c.address);
    if (mine && now - mine.created_at < RAID_EVERY_MS)
      throw new LiveError('RATE_LIMITED', 'one raid every 10 minutes', {
        retryAfterMs: mine.created_at + RAID_EVERY_MS - now,
      });
    const theirs = this.p.store.lastTo(to.id);
    if (theirs?.status === 'offered' || (theirs && now - (theirs.decided_at ?? theirs.created_at) < RAIDED_EVERY_MS)) {
      const free =
        theirs.status === 'offered' ? theirs.created_at + this.#offerMs : (theirs.decided_at ?? 0) + RAIDED_EVERY_MS;
      throw new LiveError('RATE_LIMITED', 'that stream was just raided or has an offer waiting: try again shortly', {
        retryAfterMs: Math.max(1000, free - now),
      });
    }
    const viewers = this.p.hub.count(`stream:${from.id}`).viewers;
    const id = this.p.store.offer(from.id, to.id, c.address, viewers, now);
    this.p.hub.sendTo(to.owner, {
      type: 'raid.offer',
      raidId: id,
      from: await this.#named(from),
      to: await this.#named(to),
      viewers,
      expiresAt: now + this.#offerMs,
    });
    this.#expireAt(this.p.store.byId(id)!);
    if (m.id !== undefined) c.send({ type: 'ack', id: m.id, messageId: id, at: now });
  }

  async answer(c: Connection, m: ClientMessage<'raid.answer'>): Promise<void> {
    const r = this.p.store.byId(m.raidId);
    const to = r ? this.p.streams.find(r.to_stream) : undefined;
    if (!r || !to || to.owner !== c.address)
      throw new LiveError('RAID_NOT_FOUND', `no raid ${m.raidId} offered to you`, { field: 'raidId' });
    if (r.status !== 'offered' || this.p.now() >= r.created_at + this.#offerMs)
      throw new LiveError('RAID_NOT_FOUND', 'this raid offer is no longer open', { field: 'raidId' });
    await this.#decide(r, m.accept ? 'accepted' : 'declined');
    if (m.id !== undefined) c.send({ type: 'ack', id: m.id, at: this.p.now() });
  }

  #expireAt(r: RaidRow): void {
    const t = setTimeout(
      () => void this.#decide(r, 'expired'),
      Math.max(0, r.created_at + this.#offerMs - this.p.now()),
    );
    t.unref();
    this.#timers.set(r.id, t);
  }

  async #decide(r: RaidRow, status: 'accepted' | 'declined' | 'expired'): Promise<void> {
    clearTimeout(this.#timers.get(r.id));
    this.#timers.delete(r.id);
    if (!this.p.store.decide(r.id, status, this.p.now())) return;
    const from = this.p.streams.find(r.from_stream);
    const to = this.p.streams.find(r.to_stream);
    if (!from || !to) return;
    const named = await this.#named(to);
    this.p.hub.sendTo(r.by, { type: 'raid.result', raidId: r.id, to: named, status });
    if (status !== 'accepted') return;
    const room = `stream:${from.id}`;
    this.p.hub.broadcast(room, { type: 'raid', room, raidId: r.id, to: named, by: r.by });
    const handle = await this.p.directory.handle(r.by);
    const who = handle ? `@${handle}` : r.by;
    this.p.rooms.post(
      `stream:${to.id}`,
      'system',
      null,
      null,
      `${who} is raiding with ${r.viewers} ${r.viewers === 1 ? 'viewer' : 'viewers'}!`,
    );
  }
}
