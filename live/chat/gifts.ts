/**
 * Gift receipts: follows the indexer's `giftSent` subscription (SSE) and posts a system message
 * to `stream:<streamId>` for each gift to a stream this service knows, first as `pending`; a poll
 * flips it to `final` once the indexer's solidified block passes it (or `dropped` if a reorg
 * removed it), with a `message.update` so clients can change the badge. A gift is posted once:
 * live_gift_receipts remembers its chain position.
 */
import type { Directory } from '../internal/directory.js';
import type { CatalogGift, IndexedGift, IndexerClient } from '../internal/indexer.js';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { Streams } from '../streams/service.js';
import type { Rooms } from './rooms.js';
import type { GiftReceipt } from '../../lib/protocol/payloads.js';
import type { Finality, GiftReceiptStore, ReceiptRow } from './giftReceiptStore.js';

export interface GiftReceiptsParams {
  /** The receipts (SQLite: createSqliteGiftReceiptStore, on the rooms' database). */
  store: GiftReceiptStore;
  indexer: IndexerClient;
  /** Gift names (shared with the notifier). */
  names: GiftCatalogNames;
  directory: Directory;
  streams: Streams;
  rooms: Rooms;
  pollMs: number;
  log: Logger;
  /** Gifts of these transactions are posted by someone else (the relayer's batches). */
  skip?: (txId: string) => boolean;
}

/** The gift's display name from its catalog uri: JSON (or a data: URI of JSON) with `name`, else the string itself. */
export function giftName(uri: string | undefined, giftId: string): string {
  if (!uri) return `Gift #${giftId}`;
  let body = uri;
  const data = /^data:application\/json(?:;[^,]*)?,(.*)$/s.exec(uri);
  if (data) {
    try {
      body = decodeURIComponent(data[1]!);
    } catch {
      body = data[1]!;
    }
  }
  if (body.trimStart().startsWith('{')) {
    try {
      const name = (JSON.parse(body) as { name?: unknown }).name;
      if (typeof name === 'string' && name.trim()) return name.trim().slice(0, 60);
    } catch {
      // not JSON after all: fall through to the plain string
    }
  }
  return uri.trim().slice(0, 60) || `Gift #${giftId}`;
}

/** Gift names from the indexer's catalog, fetched again (at most every 2 s) when an id is unknown. */
export class GiftCatalogNames {
  #catalog = new Map<string, CatalogGift>();
  #catalogAt = 0;

  constructor(
    private readonly indexer: IndexerClient,
    private readonly log: Logger,
  ) {}

  /** The display name of a catalog gift (`Gift #<id>` when the catalog is unavailable). */
  async name(giftId: string): Promise<string> {
    if (!this.#catalog.has(giftId) && Date.now() - this.#catalogAt > 2000) {
      try {
        this.#catalog = new Map((await this.indexer.giftCatalog()).map((g) => [g.giftId, g]));
        this.#catalogAt = Date.now();
      } catch (e) {
        this.log.warn('gift catalog unavailable', { error: describeError(e) });
      }
    }
    return giftName(this.#catalog.get(giftId)?.uri, giftId);
  }
}

/** Gift receipts from the indexer into the stream rooms. */
export class GiftReceipts {
  readonly #abort = new AbortController();
  #queue: Promise<void> = Promise.resolve();
  #poller: NodeJS.Timeout | undefined;
  #polling = false;
  #subscription: Promise<void> | undefined;
  /** How many times the SSE stream has opened (reconnections add one). */
  connectionCount = 0;
  /** Resolves once the SSE stream is open (tests wait on it before sending gifts). */
  readonly connected: Promise<void>;
  #markConnected!: () => void;

  constructor(private readonly p: GiftReceiptsParams) {
    this.connected = new Promise((r) => (this.#markConnected = r));
  }

  start(): void {
    this.#subscription = this.p.indexer.subscribeGifts(
      (g) => (this.#queue = this.#queue.then(() => this.#receive(g))),
      {
        signal: this.#abort.signal,
        onOpen: () => {
          this.connectionCount++;
          this.#queue = this.#queue.then(() => this.#catchUp());
          this.#markConnected();
        },
        log: this.p.log,
      },
    );
    this.#poller = setInterval(() => void this.poll(), this.p.pollMs);
    this.#poller.unref();
  }

  /**
   * The index was rebuilt (after a devnet lost blocks, say): no receipt is final on the old
   * index's word. Every final receipt goes back to pending, and the finality poll confirms each
   * against the new index (final again, or dropped when the gift is no longer there).
   */
  recheckAll(): number {
    const rows = this.p.store.finals();
    for (const r of rows) this.#setFinality(r, 'pending', {});
    if (rows.length) this.p.log.info('gift receipts to check again against a rebuilt index', { receipts: rows.length });
    return rows.length;
  }

  async close(): Promise<void> {
    this.#abort.abort();
    clearInterval(this.#poller);
    await this.#subscription;
    await this.#queue;
  }

  /**
   * Gifts sent while the subscription was down (or the service was): each open stream's gifts
   * since its last receipt (or since shortly before it was created), posted if not yet posted.
   */
  async #catchUp(): Promise<void> {
    try {
      const streams = this.p.store.catchUpStreams(Date.now() - 3_600_000);
      for (const s of streams) {
        // Chain time and this clock differ a little: start five minutes before the stream existed.
        const from = s.last ?? s.created_at - 300_000;
        for (const g of await this.p.indexer.gifts(String(s.id), s.owner, from, Number.MAX_SAFE_INTEGER, 1000))
          await this.#receive(g);
      }
    } catch (e) {
      this.p.log.warn('gift catch-up failed', { error: describeError(e) });
    }
  }

  async #receive(g: IndexedGift): Promise<void> {
    try {
      if (!/^[1-9]\d{0,15}$/.test(g.streamId)) return;
      const streamId = Number(g.streamId);
      // A streamId is a tag anyone can put on a gift: only gifts to the stream's owner belong in its room.
      const stream = this.p.streams.find(streamId);
      if (!stream || stream.owner !== g.broadcaster) return;
      if (this.p.skip?.(g.txId)) return;
      const known = this.p.store.find(g.txId, g.logIndex);
      if (g.removed) {
        // A reorg took it back: the badge says so at once (the transaction may come back in a new block).
        if (known && known.finality !== 'dropped') this.#setFinality(known, 'dropped', {});
        return;
      }
      if (known) {
        if (known.finality === 'dropped')
          this.#setFinality(known, g.finality === 'FINAL' ? 'final' : 'pending', {
            blockNumber: g.blockNumber,
            timestamp: g.timestamp,
          });
        return;
      }
      const [name, handle] = await Promise.all([this.p.names.name(g.giftId), this.p.directory.handle(g.sender)]);
      const finality = g.finality === 'FINAL' ? 'final' : 'pending';
      const data: GiftReceipt = {
        txId: g.txId,
        logIndex: g.logIndex,
        blockNumber: g.blockNumber,
        sender: g.sender,
        senderHandle: handle,
        broadcaster: g.broadcaster,
        giftId: g.giftId,
        name,
        quantity: g.quantity,
        token: g.token,
        total: g.total,
        finality,
      };
      const room = `stream:${streamId}`;
      const text = `${handle ?? g.sender} sent ${g.quantity} × ${name}`;
      this.p.store.transaction(() => {
        const msg = this.p.rooms.post(room, 'gift', g.sender, handle, text, data);
        this.p.store.insert({
          tx_id: g.txId,
          log_index: g.logIndex,
          stream_id: streamId,
          message_id: msg.id,
          block_number: g.blockNumber,
          timestamp: g.timestamp,
          finality,
        });
      });
    } catch (e) {
      this.p.log.error('gift receipt failed', { tx_id: g.txId, log_index: g.logIndex, error: describeError(e) });
    }
  }

  /** Records a receipt's new finality (and block, when it moved) and tells its room. */
  #setFinality(r: ReceiptRow, finality: Finality, moved: { blockNumber?: number; timestamp?: number }): void {
    // The receipt as posted (a message without one is not a gift's: nothing for clients to update).
    const data = {
      ...(this.p.rooms.giftOf(r.message_id) ?? ({} as GiftReceipt)),
      finality,
      ...(moved.blockNumber !== undefined ? { blockNumber: moved.blockNumber } : {}),
    };
    this.p.store.transaction(() => {
      this.p.store.setFinality(r.tx_id, r.log_index, finality, moved.blockNumber ?? null, moved.timestamp ?? null);
      this.p.rooms.updateData(r.message_id, data);
    });
  }

  /** Flips pending receipts the solidified head has passed (exported for tests to call directly). */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const pending = this.p.store.pending(200);
      if (!pending.length) return;
      const final = await this.p.indexer.finalBlock();
      for (const r of pending) {
        if (r.block_number > final) continue;
        // Past the solidified head: confirm the gift is still there (a reorg may have replaced it).
        const owner = this.p.streams.find(r.stream_id)?.owner;
        const found = owner
          ? (await this.p.indexer.gifts(String(r.stream_id), owner, r.timestamp, r.timestamp)).find(
              (g) => g.txId === r.tx_id && g.logIndex === r.log_index,
            )
          : undefined;
        if (found && found.finality !== 'FINAL') continue;
        this.#setFinality(
          r,
          found ? 'final' : 'dropped',
          found ? { blockNumber: found.blockNumber, timestamp: found.timestamp } : {},
        );
      }
    } catch (e) {
      this.p.log.warn('gift finality poll failed', { error: describeError(e) });
    } finally {
      this.#polling = false;
    }
  }
}
