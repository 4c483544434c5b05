/**
 * The raw store: blocks and decoded logs of the BLive contracts exactly as the chain gave them,
 * kept apart from the derived tables so those can be rebuilt without the chain, plus the sync
 * cursor. Every write here happens inside the batch transaction that also writes the derived rows.
 */
import type { SqlConnection } from '../db/sql.js';
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

/** Who paid for a transaction that emitted events of ours (a raw_tx_fees row). */
export interface RawTxFees {
  txId: string;
  blockNumber: number;
  txIndex: number;
  /** base58: the transaction's owner_address. */
  caller: string;
  /** base58 of the contract called, if a contract call. */
  contract: string | null;
  energyTotal: number;
  callerEnergy: number;
  deployerEnergy: number;
  energyFee: bigint;
  netUsage: number;
  netFee: bigint;
  fee: bigint;
}

export interface Cursor {
  /** Last block whose events are in the tables. */
  indexedNumber: number;
  indexedHash: string;
  /** Highest indexed block known to be solidified. */
  finalNumber: number;
}

type EventRow = [number, number, number, string, number, ContractName, string, string, string];

const SQL = {
  insertBlock:
    'INSERT INTO raw_blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp',
  insertEvent:
    'INSERT INTO raw_events (block_number, tx_index, log_index, tx_id, timestamp, contract, address, event_name, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  getCursor: 'SELECT indexed_number, indexed_hash, final_number FROM sync_state WHERE id = 1',
  setCursor:
    'INSERT INTO sync_state (id, indexed_number, indexed_hash, final_number) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET indexed_number = excluded.indexed_number, indexed_hash = excluded.indexed_hash, final_number = excluded.final_number',
  blockHash: 'SELECT hash FROM raw_blocks WHERE number = ?',
  page: `SELECT block_number, tx_index, log_index, tx_id, timestamp, contract, address, event_name, args FROM raw_events
         WHERE (block_number, tx_index, log_index) > (?, ?, ?) ORDER BY block_number, tx_index, log_index LIMIT ?`,
  deleteEvents: 'DELETE FROM raw_events WHERE block_number > ?',
  insertTxFees:
    'INSERT INTO raw_tx_fees (tx_id, block_number, tx_index, caller, contract, energy_total, caller_energy, deployer_energy, energy_fee, net_usage, net_fee, fee) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tx_id) DO NOTHING',
  deleteTxFees: 'DELETE FROM raw_tx_fees WHERE block_number > ?',
  deleteBlocks: 'DELETE FROM raw_blocks WHERE number > ?',
  // Blocks below the final one are kept only if they have events; the final block itself stays
  // as the base of fork detection.
  prune:
    'DELETE FROM raw_blocks WHERE number >= ? AND number < ? AND NOT EXISTS (SELECT 1 FROM raw_events e WHERE e.block_number = raw_blocks.number)',
  getMeta: 'SELECT value FROM indexer_meta WHERE key = ?',
  setMeta: 'INSERT INTO indexer_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  deleteMeta: 'DELETE FROM indexer_meta WHERE key = ?',
} as const;

/** Events per multi-row INSERT (Postgres: a round trip each; 9 parameters an event). */
const EVENTS_PER_INSERT = 500;

/** Reads and writes the raw tables and the cursor, on SQLite or Postgres. */
export class RawStore {
  constructor(readonly conn: SqlConnection) {}

  async insertBlock(b: RawBlock): Promise<void> {
    await this.conn.run(SQL.insertBlock, [b.number, b.hash, b.parentHash, b.timestamp]);
  }

  async insertEvent(e: RawEvent): Promise<void> {
    await this.conn.run(SQL.insertEvent, eventValues(e));
  }

  /** Inserts many blocks (multi-row statements on Postgres, where each statement is a round trip). */
  async insertBlocks(blocks: readonly RawBlock[]): Promise<void> {
    let i = 0;
    if (this.conn.dialect === 'postgres') {
      const head = SQL.insertBlock.slice(0, SQL.insertBlock.indexOf('VALUES') + 'VALUES'.length);
      const tail = SQL.insertBlock.slice(SQL.insertBlock.indexOf(' ON CONFLICT'));
      for (; i + EVENTS_PER_INSERT <= blocks.length; i += EVENTS_PER_INSERT) {
        const sql = `${head} ${Array.from({ length: EVENTS_PER_INSERT }, () => '(?, ?, ?, ?)').join(', ')}${tail}`;
        await this.conn.run(
          sql,
          blocks.slice(i, i + EVENTS_PER_INSERT).flatMap((b) => [b.number, b.hash, b.parentHash, b.timestamp]),
        );
      }
    }
    for (; i < blocks.length; i++) await this.insertBlock(blocks[i]!);
  }

  /** Inserts many events with multi-row statements (backfills, benchmarks). */
  async insertEvents(events: readonly RawEvent[]): Promise<void> {
    let i = 0;
    if (this.conn.dialect === 'postgres') {
      const head = SQL.insertEvent.slice(0, SQL.insertEvent.indexOf('VALUES') + 'VALUES'.length);
      const one = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
      for (; i + EVENTS_PER_INSERT <= events.length; i += EVENTS_PER_INSERT) {
        const sql = `${head} ${Array.from({ length: EVENTS_PER_INSERT }, () => one).join(', ')}`;
        await this.conn.run(sql, events.slice(i, i + EVENTS_PER_INSERT).flatMap(eventValues));
      }
    }
    for (; i < events.length; i++) await this.insertEvent(events[i]!);
  }

  /** Records who paid for each of a block's transactions with events of ours. */
  async insertTxFees(fees: readonly RawTxFees[]): Promise<void> {
    for (const f of fees)
      await this.conn.run(SQL.insertTxFees, [
        f.txId,
        f.blockNumber,
        f.txIndex,
        f.caller,
        f.contract,
        f.energyTotal,
        f.callerEnergy,
        f.deployerEnergy,
        f.energyFee.toString(),
        f.netUsage,
        f.netFee.toString(),
        f.fee.toString(),
      ]);
  }

  async cursor(): Promise<Cursor | undefined> {
    const [r] = (await this.conn.rows(SQL.getCursor)) as [number, string, number][];
    return r && { indexedNumber: r[0], indexedHash: r[1], finalNumber: r[2] };
  }

  async setCursor(c: Cursor): Promise<void> {
    await this.conn.run(SQL.setCursor, [c.indexedNumber, c.indexedHash, c.finalNumber]);
  }

  /** The stored hash of block `n`, if kept. */
  async blockHash(n: number): Promise<string | undefined> {
    const [r] = await this.conn.rows(SQL.blockHash, [n]);
    return r?.[0] as string | undefined;
  }

  /** Up to `limit` events after (block, tx, log), in chain order. */
  async eventsAfter(after: [number, number, number], limit: number): Promise<RawEvent[]> {
    const rows = (await this.conn.rows(SQL.page, [after[0], after[1], after[2], limit])) as EventRow[];
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

  /** Deletes raw blocks, events and transaction fees above `n` (a reorg's fork point). */
  async deleteAbove(n: number): Promise<void> {
    await this.conn.run(SQL.deleteEvents, [n]);
    await this.conn.run(SQL.deleteTxFees, [n]);
    await this.conn.run(SQL.deleteBlocks, [n]);
  }

  /** Drops event-less blocks from `previousFinal` (those below it are gone already) to below `finalNumber`. */
  async pruneBlocks(previousFinal: number, finalNumber: number): Promise<void> {
    await this.conn.run(SQL.prune, [previousFinal, finalNumber]);
  }

  async meta(key: string): Promise<string | undefined> {
    const [r] = await this.conn.rows(SQL.getMeta, [key]);
    return r?.[0] as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.conn.run(SQL.setMeta, [key, value]);
  }

  async deleteMeta(key: string): Promise<void> {
    await this.conn.run(SQL.deleteMeta, [key]);
  }
}

function eventValues(e: RawEvent): unknown[] {
  return [
    e.blockNumber,
    e.txIndex,
    e.logIndex,
    e.txId,
    e.timestamp,
    e.contract,
    e.address,
    e.eventName,
    JSON.stringify(e.args),
  ];
}
