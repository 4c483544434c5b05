/**
 * Notifications: what happened to an account while it looked elsewhere, stored with read state
 * and pushed over the socket to every connection of the account (`notification` frames).
 *
 * - **live**: a channel one follows (on chain, from the indexer) went live; once per stream.
 * - **gift**: gifts one received, made when they are final on chain (never taken back by a
 *   reorg). The notifier reads the indexer's gifts in chain order from a stored cursor, so gifts
 *   final while the service was down are notified when it comes back, and none twice
 *   (live_notified_gifts). One sender's gifts in one transaction are one notification.
 * - **claimable**: the broadcaster's share of those gifts once their escrow hold ends: written
 *   with the gift, shown and pushed once the chain's clock (the last indexed block's time, the
 *   clock the contract's release goes by) has passed the minute its holds end in.
 * - **dm**: direct messages, one notification per sender, updated while it is unread.
 *
 * Each kind can be switched off per account; a kind that is off makes no notification.
 */
import type { Directory } from '../internal/directory.js';
import type { IndexedGift, IndexerClient } from '../internal/indexer.js';
import { badField } from '../internal/errors.js';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { PublicStream } from '../../lib/protocol/http.js';
import {
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationData,
  type NotificationKind,
} from '../../lib/protocol/payloads.js';
import type { NotificationPage, NotificationReadAnswer, NotificationSettings } from '../../lib/protocol/http.js';
import type { ServerFrame } from '../../lib/protocol/server.js';
import type { GiftCatalogNames } from '../chat/gifts.js';
import type { NotificationRow, NotificationStore } from './store.js';

export type { NotificationPage, NotificationReadAnswer, NotificationSettings };

export interface NotificationsParams {
  store: NotificationStore;
  /** Sends a frame to every connection of an address (the hub). */
  sendTo: (address: string, frame: ServerFrame) => void;
  indexer: IndexerClient;
  directory: Directory;
  names: GiftCatalogNames;
  /** How often the indexer's final gifts are read and due notifications pushed. */
  pollMs: number;
  /** Read the indexer's gifts (false: gift and claimable notifications are not made). */
  readGifts: boolean;
  log: Logger;
  now: () => number;
  /** Followers told of a go-live at most (default 10,000). */
  maxFollowers?: number;
}

/** live_state's name for the time (ms) from which gifts are read. */
const GIFT_CURSOR = 'notify.gifts.from';
/** Claimable notifications gather the holds that end in the same minute. */
const CLAIM_BUCKET_MS = 60_000;
/** A DM notification quotes this much of the latest message. */
const DM_QUOTE = 140;
/** Pages of gifts read per poll at most (100 each). */
const GIFT_PAGES = 10;

const toWire = (r: NotificationRow, now: number): Notification => ({
  id: r.id,
  at: Math.min(r.at, now),
  read: r.read_at !== null,
  data: JSON.parse(r.data) as NotificationData,
});

/** Notifications over the live database and the hub. */
export class Notifications {
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #closed = false;
  /** Streams whose go-live was announced in this process (the store dedupes across restarts). */
  readonly #announced = new Set<string>();

  constructor(private readonly p: NotificationsParams) {
    if (p.store.getState(GIFT_CURSOR) === undefined) p.store.setState(GIFT_CURSOR, String(p.now()));
  }

  start(): void {
    // Without the indexer's gifts there is nothing to read or to come due.
    if (!this.p.readGifts) return;
    this.#timer = setInterval(() => void this.tick(), this.p.pollMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#ticking;
  }

  /** Reads newly final gifts and pushes claimable notifications that came due (exported for tests to call). */
  tick(): Promise<void> {
    if (!this.p.readGifts) return Promise.resolve();
    this.#ticking ??= (async () => {
      try {
        const chainNow = await this.p.indexer.chainTime();
        if (chainNow === undefined) return;
        await this.#readGifts(chainNow);
        this.#deliverDue(chainNow);
      } catch (e) {
        this.p.log.warn('notifications: reading gifts failed', { error: describeError(e) });
      }
    })().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  // ------------------------------------------------------------------------------- sources

  /** A stream changed: when it is live and was not announced, its owner's followers are told. */
  async streamChanged(s: PublicStream): Promise<void> {
    if (s.state !== 'live' || this.#announced.has(s.streamId)) return;
    this.#announced.add(s.streamId);
    let followers: string[];
    try {
      followers = await this.p.indexer.followers(s.owner, this.p.maxFollowers ?? 10_000);
    } catch (e) {
      this.#announced.delete(s.streamId);
      this.p.log.warn('notifications: followers unavailable for a go-live', {
        stream_id: s.streamId,
        error: describeError(e),
      });
      return;
    }
    const data: NotificationData = {
      kind: 'live',
      streamId: s.streamId,
      title: s.title,
      broadcaster: s.owner,
      handle: s.ownerHandle,
    };
    const at = s.startedAt ?? this.p.now();
    if (this.#closed) return;
    // One transaction for all the followers (10,000 rows commit once, not 10,000 times).
    this.p.store.transaction(() => {
      for (const f of followers) if (f !== s.owner) this.#put(f, `live:${s.streamId}`, at, () => data, { once: true });
    });
  }

  /** A direct message was stored: its recipient's notification from this sender counts it. */
  dm(to: string, from: string, handle: string | null, text: string, at: number): void {
    const quote = text.length > DM_QUOTE ? `${text.slice(0, DM_QUOTE - 1)}…` : text;
    this.#put(to, `dm:${from}`, at, (prev) => ({
      kind: 'dm',
      from,
      handle,
      count: (prev?.kind === 'dm' ? prev.count : 0) + 1,
      text: quote,
    }));
  }

  /** Final gifts after the cursor, in chain order, until the first one that is not final yet. */
  async #readGifts(chainNow: number): Promise<void> {
    const from = Number(this.p.store.getState(GIFT_CURSOR));
    let cursor = from;
    let after: string | null = null;
    for (let page = 0; page < GIFT_PAGES && !this.#closed; page++) {
      const got = await this.p.indexer.giftsSince(from, after);
      let pending = false;
      for (const g of got.nodes) {
        if (g.removed) continue;
        if (g.finality !== 'FINAL') {
          pending = true;
          break;
        }
        await this.#gift(g, chainNow);
        cursor = Math.max(cursor, g.timestamp);
      }
      if (pending || !got.hasNextPage) break;
      after = got.endCursor;
    }
    if (cursor > from) {
      this.p.store.setState(GIFT_CURSOR, String(cursor));
      // Gifts read again are those at the cursor's time: older marks are no longer needed.
      this.p.store.sweepGifts(cursor - 3_600_000);
    }
  }

  async #gift(g: IndexedGift, chainNow: number): Promise<void> {
    if (g.sender === g.broadcaster) return;
    const [name, senderHandle] = await Promise.all([this.p.names.name(g.giftId), this.p.directory.handle(g.sender)]);
    const line = {
      giftId: g.giftId,
      name,
      quantity: g.quantity,
      token: g.token,
      total: g.total,
      broadcasterAmount: g.broadcasterAmount,
    };
    this.p.store.transaction(() => {
      if (!this.p.store.markGift(g.txId, g.logIndex, g.timestamp)) return;
      this.#put(g.broadcaster, `gift:${g.txId}:${g.sender}`, g.timestamp, (prev) => {
        const gifts = prev?.kind === 'gift' ? [...prev.gifts] : [];
        const same = gifts.findIndex((x) => x.giftId === g.giftId && x.token === g.token);
        if (same < 0) gifts.push(line);
        else {
          const x = gifts[same]!;
          gifts[same] = {
            ...x,
            quantity: x.quantity + g.quantity,
            total: String(BigInt(x.total) + BigInt(g.total)),
            broadcasterAmount: String(BigInt(x.broadcasterAmount) + BigInt(g.broadcasterAmount)),
          };
        }
        return { kind: 'gift', txId: g.txId, sender: g.sender, senderHandle, streamId: g.streamId, gifts };
      });
      // A share on hold becomes claimable when the hold ends: gathered per token and minute.
      if (g.releaseAt > g.timestamp && BigInt(g.broadcasterAmount) > 0n) {
        const due = Math.ceil(g.releaseAt / CLAIM_BUCKET_MS) * CLAIM_BUCKET_MS;
        this.#put(
          g.broadcaster,
          `claimable:${g.token}:${due}`,
          due,
          (prev) => ({
            kind: 'claimable',
            token: g.token,
            amount: String((prev?.kind === 'claimable' ? BigInt(prev.amount) : 0n) + BigInt(g.broadcasterAmount)),
            gifts: (prev?.kind === 'claimable' ? prev.gifts : 0) + 1,
          }),
          { due: due <= chainNow },
        );
      }
    });
  }

  /**
   * Writes the notification `key` of `account`: new, or (`once` unset) updated while unread with
   * `make` of its data, or started afresh from `make(undefined)` once read. It is pushed at once
   * (`due`, the default), or by the tick that finds it due.
   */
  #put(
    account: string,
    key: string,
    at: number,
    make: (prev: NotificationData | undefined) => NotificationData,
    opts: { once?: boolean; due?: boolean } = {},
  ): void {
    const first = make(undefined);
    if (this.settings(account)[first.kind] === false) return;
    const now = this.p.now();
    const due = opts.due ?? true;
    const old = this.p.store.byKey(account, key);
    if (old && opts.once) return;
    let row: NotificationRow | undefined;
    if (!old) row = this.p.store.add(account, first.kind, key, JSON.stringify(first), at, due);
    else {
      const prev = old.read_at === null ? (JSON.parse(old.data) as NotificationData) : undefined;
      row = this.p.store.replace(old, JSON.stringify(prev ? make(prev) : first), at, due);
    }
    // A replaced notification the account has seen is taken off its list when the new one comes.
    if (row && due) this.#push(row, now, old?.delivered ? old.id : undefined);
  }

  #push(row: NotificationRow, now: number, replaces?: number): void {
    this.p.sendTo(row.account, {
      type: 'notification',
      notification: toWire(row, now),
      unread: this.p.store.unread(row.account),
      ...(replaces !== undefined ? { replaces } : {}),
    });
  }

  #deliverDue(chainNow: number): void {
    const now = this.p.now();
    for (const r of this.p.store.due(chainNow, 500)) {
      this.p.store.setDelivered(r.id);
      this.#push({ ...r, delivered: 1 }, now);
    }
  }

  // ------------------------------------------------------------------------------- reads

  /** A page of `account`'s notifications, newest first; `before` is the previous page's endCursor. */
  page(account: string, before: string | null, first: string | null): NotificationPage {
    const n = first === null || first === '' ? 30 : Number(first);
    if (!Number.isSafeInteger(n) || n < 1 || n > 100) throw badField('first', 'first must be 1 to 100');
    const b = before === null || before === '' ? Number.MAX_SAFE_INTEGER : Number(before);
    if (!Number.isSafeInteger(b) || b < 1)
      throw badField('before', 'before must be the endCursor of the previous page');
    const now = this.p.now();
    const rows = this.p.store.page(account, b, n + 1);
    const nodes = rows.slice(0, n).map((r) => toWire(r, now));
    return {
      nodes,
      unread: this.p.store.unread(account),
      pageInfo: { endCursor: nodes.length ? String(nodes.at(-1)!.id) : null, hasNextPage: rows.length > n },
    };
  }

  /** Marks notifications read: `{ids: [...]}` or `{all: true}`; tells the account's other tabs. */
  markRead(account: string, body: Record<string, unknown>): NotificationReadAnswer {
    let ids: number[] | undefined;
    if (body.all === true) ids = undefined;
    else if (Array.isArray(body.ids) && body.ids.length >= 1 && body.ids.length <= 100) {
      if (!body.ids.every((i) => Number.isSafeInteger(i) && (i as number) > 0))
        throw badField('ids', 'ids must be notification ids (whole numbers)');
      ids = body.ids as number[];
    } else throw badField('ids', 'send {"ids": [1 to 100 notification ids]} or {"all": true}');
    this.p.store.markRead(account, ids, this.p.now());
    const unread = this.p.store.unread(account);
    this.p.sendTo(account, { type: 'notifications.read', ids: ids ?? null, unread });
    return { unread };
  }

  /** Which kinds are on for `account`. */
  settings(account: string): NotificationSettings {
    const set = this.p.store.settings(account);
    return Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, set[k] ?? true])) as NotificationSettings;
  }

  /** Switches kinds on or off (`{"gift": false, ...}`); the settings after it. */
  updateSettings(account: string, body: Record<string, unknown>): NotificationSettings {
    const entries = Object.entries(body);
    if (!entries.length) throw badField('kind', `send the kinds to switch, e.g. {"gift": false}`);
    for (const [k, v] of entries) {
      if (!(NOTIFICATION_KINDS as readonly string[]).includes(k))
        throw badField(
          k,
          `unknown kind ${JSON.stringify(k).slice(0, 40)}: the kinds are ${NOTIFICATION_KINDS.join(', ')}`,
        );
      if (typeof v !== 'boolean') throw badField(k, `${k} must be true or false`);
    }
    this.p.store.transaction(() => {
      for (const [k, v] of entries) this.p.store.setSetting(account, k as NotificationKind, v as boolean);
    });
    const settings = this.settings(account);
    this.p.sendTo(account, { type: 'notifications.settings', settings });
    return settings;
  }
}
