/**
 * Where gift receipts are remembered (live_gift_receipts: which chain gift was posted as which
 * chat message, and how final it is): the {@link GiftReceiptStore} interface `GiftReceipts`
 * calls, and its SQLite implementation.
 *
 * The methods are synchronous, as better-sqlite3 is, and `transaction` runs its callback
 * synchronously (a receipt and its chat message are written together: the room store shares the
 * database). An asynchronous store would return Promises from each method and take an async
 * callback in `transaction`, handing it a transaction-bound room store as well; `GiftReceipts`
 * already runs in async functions and would await each call.
 */
import type Database from 'better-sqlite3';

export type Finality = 'pending' | 'final' | 'dropped';

/** A live_gift_receipts row. */
export interface ReceiptRow {
  tx_id: string;
  log_index: number;
  stream_id: number;
  message_id: number;
  block_number: number;
  timestamp: number;
  finality: Finality;
}

/** A stream whose gifts may need catching up, with the time of its last receipt. */
export interface CatchUpStream {
  id: number;
  owner: string;
  created_at: number;
  last: number | null;
}

export interface GiftReceiptStore {
  /** Runs `fn` atomically with the other live stores (never pass an async callback). */
  transaction<T>(fn: () => T): T;
  find(txId: string, logIndex: number): ReceiptRow | undefined;
  insert(r: ReceiptRow): void;
  /** Sets a receipt's finality, and its block and time when given. */
  setFinality(
    txId: string,
    logIndex: number,
    finality: Finality,
    blockNumber: number | null,
    timestamp: number | null,
  ): void;
  /** Every final receipt. */
  finals(): ReceiptRow[];
  /** Up to `limit` pending receipts, lowest block first. */
  pending(limit: number): ReceiptRow[];
  /** Streams not ended, or ended after `endedAfter`, newest first (at most 500). */
  catchUpStreams(endedAfter: number): CatchUpStream[];
}

/** The receipt store over the live database. */
export function createSqliteGiftReceiptStore(db: Database.Database): GiftReceiptStore {
  return {
    transaction: (fn) => db.transaction(fn)(),
    find: (txId, logIndex) =>
      db.prepare('SELECT * FROM live_gift_receipts WHERE tx_id = ? AND log_index = ?').get(txId, logIndex) as
        | ReceiptRow
        | undefined,
    insert: (r) =>
      void db
        .prepare(
          'INSERT INTO live_gift_receipts (tx_id, log_index, stream_id, message_id, block_number, timestamp, finality) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(r.tx_id, r.log_index, r.stream_id, r.message_id, r.block_number, r.timestamp, r.finality),
    setFinality: (txId, logIndex, finality, blockNumber, timestamp) =>
      void db
        .prepare(
          'UPDATE live_gift_receipts SET finality = ?, block_number = coalesce(?, block_number), timestamp = coalesce(?, timestamp) WHERE tx_id = ? AND log_index = ?',
        )
        .run(finality, blockNumber, timestamp, txId, logIndex),
    finals: () => db.prepare("SELECT * FROM live_gift_receipts WHERE finality = 'final'").all() as ReceiptRow[],
    pending: (limit) =>
      db
        .prepare("SELECT * FROM live_gift_receipts WHERE finality = 'pending' ORDER BY block_number LIMIT ?")
        .all(limit) as ReceiptRow[],
    catchUpStreams: (endedAfter) =>
      db
        .prepare(
          `SELECT s.id, s.owner, s.created_at, (SELECT max(timestamp) FROM live_gift_receipts r WHERE r.stream_id = s.id) AS last
           FROM live_streams s WHERE s.state != 'ended' OR s.ended_at > ? ORDER BY s.id DESC LIMIT 500`,
        )
        .all(endedAfter) as CatchUpStream[],
  };
}
