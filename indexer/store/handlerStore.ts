/**
 * The seam between the handlers and the database: what a handler may do to the derived tables.
 * Handlers are typed against this interface only; `DerivedStore` (derived.ts) implements it over
 * SQLite and over Postgres.
 */
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/** A row of a derived table as read (amounts as bigint, booleans as written). */
export type Row<T extends SQLiteTable> = T['$inferSelect'];
/** A row of a derived table as written (columns with defaults may be left out). */
export type NewRow<T extends SQLiteTable> = T['$inferInsert'];

/**
 * The handlers' view of the derived tables during a batch of events. Tables are named by their
 * schema object (indexer/db/schema.ts). Two kinds: keyed tables (state by primary key: `get`,
 * `put`, `remove`) and append-only tables (one row per event: `append`, numbered by `nextId`).
 * Whether a write is journaled for reorgs, when it reaches the database and inside which
 * transaction are the implementation's business, never the handler's.
 *
 * ## Synchronous writes, asynchronous reads (SQLite and Postgres)
 * better-sqlite3 answers a read in the calling tick; a Postgres driver cannot. So:
 * 1. Each batch (a block while following, a range during backfill) runs inside one database
 *    transaction, opened before `begin` and committed after `flush`; a failed batch rolls back
 *    whole, so a handler never sees a half-written block.
 * 2. Only a cache miss in `get` needs the database. The writes (`put`, `remove`, `append`) land
 *    in a write-back cache and reach the database at `flush`, and `nextId` is loaded once per
 *    batch at `begin`; so those stay synchronous, and `begin`, `flush` and `rollbackTo` (the
 *    orchestration around the handlers, not part of this interface) are async.
 * 3. `get` returns a promise (served from the cache without a round trip when the row is hot);
 *    handlers are async and `applyEvent` awaits them one at a time in chain order, which keeps
 *    them deterministic. On SQLite the promise is already settled: a microtask per read.
 *
 * Chosen over keeping `get` synchronous behind a per-block read cache filled ahead of the
 * handlers: that cache needs to know every key a handler will read before it runs, and the keys
 * depend on rows read earlier in the same event (a gift reads the vault's hold period, then the
 * escrow slot it points to), so it would mean a second, hand-kept copy of each handler's read
 * logic that drifts. Prefetching the predictable keys (leaderboards, totals) can be added later
 * inside the implementation as an optimisation, behind the same interface.
 */
export interface HandlerStore {
  /** Sets the block the next writes belong to (called once per event, before its handler). */
  at(blockNumber: number): void;
  /**
   * A keyed row by primary key (values in the key's column order, as stored), or undefined. Treat
   * the row as yours to change and `put()` back; the store keeps what it needs to undo the change.
   */
  get<T extends SQLiteTable>(table: T, ...pk: unknown[]): Promise<Row<T> | undefined>;
  /** Inserts or replaces a keyed row. */
  put<T extends SQLiteTable>(table: T, row: NewRow<T>): void;
  /** Deletes a keyed row (a no-op if absent). */
  remove<T extends SQLiteTable>(table: T, ...pk: unknown[]): void;
  /** Appends a row to an append-only table. */
  append<T extends SQLiteTable>(table: T, row: NewRow<T>): void;
  /**
   * The next `id` of a table numbered in chain order (gifts, ledger entries, ledger owners): the
   * id a fresh index from the raw store would give, also after a reorg's rollback.
   */
  nextId(table: SQLiteTable): number;
}
