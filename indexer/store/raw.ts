/**
 * The raw store: blocks and decoded logs of the BLive contracts exactly as the chain gave them,
 * kept apart from the derived tables so those can be rebuilt without the chain, plus the sync
 * cursor. Every write here happens inside the batch transaction that also writes the derived rows.
 */
import type Database from 'better-sqlite3';
import type { ContractName } from '../../lib/deployments.js';

export interface RawBlock {
  number: number;
  /** Block id (64 hex). */
  hash: string;
  parentHash: string;
  /** Milliseconds. */
  timestamp: number;
}

/** Decoded event arguments: integers as decimal strings, addresses base58, bytes 0x-hex. */
export type EventArgs = Record<string, string | boolean>;

export interface RawEvent {
  blockNumber: number;
  txIndex: number;
  /** Index of the log within its transaction. */
  logIndex: number;
  txId: string;
  /** Block timestamp, milliseconds. */
  timestamp: number;
  contract: ContractName;
  /** base58 address of the emitting contract. */
  address: string;
  eventName: string;
  args: EventArgs;
}

export interface Cursor {
  /** Last block whose events are in the tables. */
  indexedNumber: number;
  indexedHash: string;
  /** Highest indexed block known to be solidified. */
  finalNumber: number;
}

/** Reads and writes the raw tables and the cursor (prepared once). */
export class RawStore {
  readonly #insertBlock: Database.Statement;
  readonly #insertEvent: Database.Statement;
  readonly #getCursor: Database.Statement;
  readonly #setCursor: Database.Statement;
  readonly #blockHash: Database.Statement;
  readonly #page: Database.Statement;
  readonly #deleteEvents: Database.Statement;
  readonly #deleteBlocks: Database.Statement;
  readonly #prune: Database.Statement;
  readonly #getMeta: Database.Statement;
  readonly #setMeta: Database.Statement;
  readonly #deleteMeta: Database.Statement;

  constructor(readonly db: Database.Database) {
    this.#insertBlock = db.prepare(
      'INSERT OR REPLACE INTO raw_blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?)',
    );
    this.#insertEvent = db.prepare(
      'INSERT INTO raw_events (block_number, tx_index, log_index, tx_id, timestamp, contract, address, event_name, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#getCursor = db.prepare('SELECT indexed_number, indexed_hash, final_number FROM sync_state WHERE id = 1');
    this.#setCursor = db.prepare(
      'INSERT INTO sync_state (id, indexed_number, indexed_hash, final_number) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET indexed_number = excluded.indexed_number, indexed_hash = excluded.indexed_hash, final_number = excluded.final_number',
    );
    this.#blockHash = db.prepare('SELECT hash FROM raw_blocks WHERE number = ?').pluck();
    this.#page = db
      .prepare(
        `SELECT block_number, tx_index, log_index, tx_id, timestamp, contract, address, event_name, args FROM raw_events
         WHERE (block_number, tx_index, log_index) > (?, ?, ?) ORDER BY block_number, tx_index, log_index LIMIT ?`,
      )
      .raw(true);
    this.#deleteEvents = db.prepare('DELETE FROM raw_events WHERE block_number > ?');
    this.#deleteBlocks = db.prepare('DELETE FROM raw_blocks WHERE number > ?');
    // Blocks below the final one are kept only if they have events; the final block itself stays
    // as the base of fork detection.
    this.#prune = db.prepare(
      'DELETE FROM raw_blocks WHERE number >= ? AND number < ? AND NOT EXISTS (SELECT 1 FROM raw_events e WHERE e.block_number = raw_blocks.number)',
    );
    this.#getMeta = db.prepare('SELECT value FROM indexer_meta WHERE key = ?').pluck();
    this.#setMeta = db.prepare(
      'INSERT INTO indexer_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#deleteMeta = db.prepare('DELETE FROM indexer_meta WHERE key = ?');
  }

  insertBlock(b: RawBlock): void {
    this.#insertBlock.run(b.number, b.hash, b.parentHash, b.timestamp);
  }

  insertEvent(e: RawEvent): void {
    this.#insertEvent.run(
      e.blockNumber,
      e.txIndex,
      e.logIndex,
      e.txId,
      e.timestamp,
      e.contract,
      e.address,
      e.eventName,
      JSON.stringify(e.args),
    );
  }

  cursor(): Cursor | undefined {
    const r = this.#getCursor.get() as
      | { indexed_number: number; indexed_hash: string; final_number: number }
      | undefined;
    return r && { indexedNumber: r.indexed_number, indexedHash: r.indexed_hash, finalNumber: r.final_number };
  }

  setCursor(c: Cursor): void {
    this.#setCursor.run(c.indexedNumber, c.indexedHash, c.finalNumber);
  }

  /** The stored hash of block `n`, if kept. */
  blockHash(n: number): string | undefined {
    return this.#blockHash.get(n) as string | undefined;
  }

  /** Up to `limit` events after (block, tx, log), in chain order. */
  eventsAfter(after: [number, number, number], limit: number): RawEvent[] {
    const rows = this.#page.all(after[0], after[1], after[2], limit) as [
      number,
      number,
      number,
      string,
      number,
      ContractName,
      string,
      string,
      string,
    ][];
    return rows.map(([blockNumber, txIndex, logIndex, txId, timestamp, contract, address, eventName, args]) => ({
      blockNumber,
      txIndex,
      logIndex,
      txId,
      timestamp,
      contract,
      address,
      eventName,
      args: JSON.parse(args) as EventArgs,
    }));
  }

  /** Deletes raw blocks and events above `n` (a reorg's fork point). */
  deleteAbove(n: number): void {
    this.#deleteEvents.run(n);
    this.#deleteBlocks.run(n);
  }

  /** Drops event-less blocks from `previousFinal` (those below it are gone already) to below `finalNumber`. */
  pruneBlocks(previousFinal: number, finalNumber: number): void {
    this.#prune.run(previousFinal, finalNumber);
  }

  meta(key: string): string | undefined {
    return this.#getMeta.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.#setMeta.run(key, value);
  }

  deleteMeta(key: string): void {
    this.#deleteMeta.run(key);
  }
}
