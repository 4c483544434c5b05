/**
 * Where the relayer keeps accepted intents and its batches (live_relay_intents, live_relay_batches,
 * live_relay_batch_intents): the {@link RelayerStore} interface the relayer calls, and its SQLite
 * implementation on the live database. Synchronous like better-sqlite3; an asynchronous store
 * returns Promises and takes an async `transaction` callback (an intent and its chat message are
 * written together; a batch and its intents' assignment too, before the broadcast).
 */
import type Database from 'better-sqlite3';
import type { RelayStatus } from '../../lib/protocol/gifts.js';

export type BatchStatus = 'pending' | 'confirmed' | 'final' | 'vanished' | 'failed';

/** A live_relay_intents row. */
export interface IntentRow {
  id: number;
  intent_hash: string;
  sender: string;
  signer: string;
  session_key: string | null;
  nonce: string;
  intent: string;
  signature: string;
  total: string;
  status: RelayStatus;
  reason: string | null;
  batch_id: number | null;
  tx_id: string | null;
  block_number: number | null;
  message_id: number | null;
  attempts: number;
  accepted_at: number;
}

/** A live_relay_batches row. */
export interface BatchRow {
  id: number;
  tx_id: string;
  tx: string;
  status: BatchStatus;
  block_number: number | null;
  created_at: number;
}

export type NewIntent = Omit<
  IntentRow,
  'id' | 'status' | 'reason' | 'batch_id' | 'tx_id' | 'block_number' | 'attempts'
>;

export interface RelayerStore {
  /** Runs `fn` atomically with the other live stores (never pass an async callback). */
  transaction<T>(fn: () => T): T;
  byHash(intentHash: string): IntentRow | undefined;
  /** Stores an accepted intent as `sent`; returns its id. */
  insert(row: NewIntent): number;
  setMessage(id: number, messageId: number): void;
  /** Up to `limit` intents waiting for a batch, in acceptance order. */
  queued(limit: number): IntentRow[];
  /** Records a batch about to be broadcast and assigns its intents to it; returns its id. */
  insertBatch(txId: string, tx: string, createdAt: number, intentIds: number[]): number;
  batches(status: BatchStatus): BatchRow[];
  setBatch(id: number, status: BatchStatus, blockNumber: number | null): void;
  /** The intents a batch carries now (not those that moved on to a later batch). */
  intentsOf(batchId: number): IntentRow[];
  /** Every batch that ever carried the intent, oldest first. */
  batchesOf(intentId: number): BatchRow[];
  setIntent(
    id: number,
    to: {
      status: RelayStatus;
      reason?: string | null;
      txId?: string | null;
      blockNumber?: number | null;
      batchId?: number | null;
    },
  ): void;
  /** A session's intents that did not fail, and the highest nonce of any of its intents. */
  sessionIntents(sessionKey: string): IntentRow[];
  /** The wallet-signed intents of `sender` still unsettled. */
  walletInFlight(sender: string): IntentRow[];
  /** Whether any batch ever had this transaction id (a GiftSent the indexer reports from a relayed batch). */
  isBatchTx(txId: string): boolean;
}

/** The relayer's store over the live database. */
export function createSqliteRelayerStore(db: Database.Database): RelayerStore {
  const s = {
    byHash: db.prepare('SELECT * FROM live_relay_intents WHERE intent_hash = ?'),
    insert: db.prepare(
      `INSERT INTO live_relay_intents (intent_hash, sender, signer, session_key, nonce, intent, signature, total, status, message_id, accepted_at)
       VALUES (@intent_hash, @sender, @signer, @session_key, @nonce, @intent, @signature, @total, 'sent', @message_id, @accepted_at)`,
    ),
    setMessage: db.prepare('UPDATE live_relay_intents SET message_id = ? WHERE id = ?'),
    queued: db.prepare(
      "SELECT * FROM live_relay_intents WHERE status = 'sent' AND batch_id IS NULL ORDER BY id LIMIT ?",
    ),
    insertBatch: db.prepare(
      "INSERT INTO live_relay_batches (tx_id, tx, status, created_at) VALUES (?, ?, 'pending', ?)",
    ),
    assign: db.prepare('UPDATE live_relay_intents SET batch_id = ?, tx_id = ?, attempts = attempts + 1 WHERE id = ?'),
    link: db.prepare('INSERT OR IGNORE INTO live_relay_batch_intents (batch_id, intent_id) VALUES (?, ?)'),
    batches: db.prepare('SELECT * FROM live_relay_batches WHERE status = ? ORDER BY id'),
    setBatch: db.prepare('UPDATE live_relay_batches SET status = ?, block_number = ? WHERE id = ?'),
    intentsOf: db.prepare('SELECT * FROM live_relay_intents WHERE batch_id = ? ORDER BY id'),
    batchesOf: db.prepare(
      'SELECT b.* FROM live_relay_batches b JOIN live_relay_batch_intents l ON l.batch_id = b.id WHERE l.intent_id = ? ORDER BY b.id',
    ),
    setIntent: db.prepare(
      `UPDATE live_relay_intents SET status = @status,
         reason = CASE WHEN @setReason THEN @reason ELSE reason END,
         tx_id = CASE WHEN @setTx THEN @txId ELSE tx_id END,
         block_number = CASE WHEN @setBlock THEN @blockNumber ELSE block_number END,
         batch_id = CASE WHEN @setBatch THEN @batchId ELSE batch_id END
       WHERE id = @id`,
    ),
    session: db.prepare("SELECT * FROM live_relay_intents WHERE session_key = ? AND status != 'failed' ORDER BY id"),
    wallet: db.prepare(
      "SELECT * FROM live_relay_intents WHERE sender = ? AND session_key IS NULL AND status = 'sent' ORDER BY id",
    ),
    isBatchTx: db.prepare('SELECT 1 FROM live_relay_batches WHERE tx_id = ?').pluck(),
  };
  return {
    transaction: (fn) => db.transaction(fn)(),
    byHash: (h) => s.byHash.get(h) as IntentRow | undefined,
    insert: (row) => Number(s.insert.run(row).lastInsertRowid),
    setMessage: (id, messageId) => void s.setMessage.run(messageId, id),
    queued: (limit) => s.queued.all(limit) as IntentRow[],
    insertBatch: (txId, tx, createdAt, ids) =>
      db.transaction(() => {
        const id = Number(s.insertBatch.run(txId, tx, createdAt).lastInsertRowid);
        for (const i of ids) {
          s.assign.run(id, txId, i);
          s.link.run(id, i);
        }
        return id;
      })(),
    batches: (status) => s.batches.all(status) as BatchRow[],
    setBatch: (id, status, blockNumber) => void s.setBatch.run(status, blockNumber, id),
    intentsOf: (batchId) => s.intentsOf.all(batchId) as IntentRow[],
    batchesOf: (intentId) => s.batchesOf.all(intentId) as BatchRow[],
    setIntent: (id, to) =>
      void s.setIntent.run({
        id,
        status: to.status,
        setReason: to.reason !== undefined ? 1 : 0,
        reason: to.reason ?? null,
        setTx: to.txId !== undefined ? 1 : 0,
        txId: to.txId ?? null,
        setBlock: to.blockNumber !== undefined ? 1 : 0,
        blockNumber: to.blockNumber ?? null,
        setBatch: to.batchId !== undefined ? 1 : 0,
        batchId: to.batchId ?? null,
      }),
    sessionIntents: (key) => s.session.all(key) as IntentRow[],
    walletInFlight: (sender) => s.wallet.all(sender) as IntentRow[],
    isBatchTx: (txId) => s.isBatchTx.get(txId) === 1,
  };
}
