/**
 * The derived tables' write path: a write-back cache over prepared statements, with a reorg
 * journal. Handlers read and write rows through it during a batch; `flush()` writes what changed
 * inside the caller's transaction. Rows of blocks above the final block are journaled (their prior
 * image, once per block and row) so `rollbackTo()` can restore them after a reorg.
 *
 * Two kinds of tables:
 * - keyed: state rows by primary key (balances, totals, ...), read and overwritten; journaled.
 * - append: one row per event (gifts, ledger, histories), never updated; a rollback deletes
 *   rows with block_number above the fork point, so they need no journal.
 *
 * Caching within a batch is what makes backfill and reindex fast: a gift touches about twenty
 * rows, most of them (leaderboards, totals) the same few again and again, and each is written
 * once per batch. Results are the same as writing through, since nothing else writes meanwhile.
 *
 * Both databases run the same store over a SqlConnection (db/sql.ts): SQLite with the schema.ts
 * tables, Postgres with their twins from db/pgSchema.ts (same names, so the same statements).
 * Only a cache miss in `get` and the batch's edges (`begin`, `flush`, `rollbackTo`) reach the
 * database, so those are async; `put`, `remove`, `append` and `nextId` stay in memory.
 */
import { type Column, getTableColumns, getTableName } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { pgTwin } from '../db/pgSchema.js';
import * as schema from '../db/schema.js';
import type { SqlConnection } from '../db/sql.js';
import { FatalError } from '../../lib/errors.js';
import type { HandlerStore, NewRow, Row } from './handlerStore.js';

type AnyRow = Record<string, unknown>;
type DriverValue = string | number | bigint | boolean | null;

/** Keyed tables: state by primary key, journaled for reorgs. */
export const KEYED_TABLES: SQLiteTable[] = [
  schema.profiles,
  schema.follows,
  schema.vaultBalances,
  schema.tokensAllowed,
  schema.giftCatalog,
  schema.contractState,
  schema.roles,
  schema.roleAdmins,
  schema.streamTotals,
  schema.broadcasterTotals,
  schema.leaderboards,
  schema.earnings,
  schema.escrowSlots,
  schema.freezes,
  schema.treasury,
  schema.pool,
  schema.splitPolicies,
  schema.rewardPool,
  schema.rewardEpochs,
  schema.ledgerOwners,
  schema.giftSessions,
];

/** Append-only tables: a row per event, removed by block number on rollback. */
export const APPEND_TABLES: SQLiteTable[] = [
  schema.gifts,
  schema.freezeHistory,
  schema.splitHistory,
  schema.holdPeriods,
  schema.rewardClaims,
  schema.ledgerEntries,
  schema.skippedIntents,
];

/** Width of `*_sort` columns: every uint256 has at most 78 decimal digits. */
export const SORT_WIDTH = 78;

/** The zero-padded form of an amount that sorts numerically as text. */
export function sortKey(v: bigint): string {
  return v.toString().padStart(SORT_WIDTH, '0');
}

/** Column types whose driver value is the JS value (drizzle's mapping would be the identity). */
const IDENTITY = new Set(['SQLiteText', 'SQLiteInteger', 'PgText', 'PgBigInt53', 'PgBoolean']);
const INTEGER = new Set(['SQLiteInteger', 'PgBigInt53']);

interface ColumnInfo {
  key: string;
  name: string;
  column: Column;
  /** Conversion to and from the driver; undefined where drizzle's is the identity (plain text and integers). */
  toDriver: ((v: unknown) => unknown) | undefined;
  fromDriver: ((v: unknown) => unknown) | undefined;
  /** Index of the amount column this `*_sort` column mirrors. */
  sortOf?: number;
  hasDefault: boolean;
  notNull: boolean;
}

/**
 * Rows per multi-row INSERT: few calls into SQLite; for Postgres each statement is a round trip,
 * so as many rows as its 65,535 parameters allow, up to a thousand.
 */
const multiOf = (conn: SqlConnection, cols: number): number =>
  conn.dialect === 'sqlite' ? 32 : Math.min(1000, Math.floor(65_535 / cols));

/** A table's columns and statements. */
class TableSpec {
  readonly name: string;
  readonly cols: ColumnInfo[];
  readonly pk: number[];
  /** Whether each key column is a plain integer (cache keys as numbers) or not (as strings). */
  readonly #pkInteger: boolean[];
  readonly append: boolean;
  readonly #conn: SqlConnection;
  readonly upsert: string;
  /** The same as `upsert` for `#multi` rows at once. */
  readonly #upsertMany: string;
  readonly #multi: number;
  readonly select: string;
  readonly remove: string;
  readonly deleteAbove: string | undefined;
  readonly hasBlockNumber: boolean;

  /** `table` names the table (schema.ts); its columns and conversions come from `columns` (the dialect's twin). */
  constructor(conn: SqlConnection, table: SQLiteTable, append: boolean) {
    this.#conn = conn;
    this.name = getTableName(table);
    this.append = append;
    const byKey = getTableColumns(conn.dialect === 'sqlite' ? table : pgTwin(table)) as Record<string, Column>;
    this.cols = Object.entries(byKey).map(([key, column]) => {
      const identity = IDENTITY.has(column.columnType);
      return {
        key,
        name: column.name,
        column,
        toDriver: identity ? undefined : (v: unknown) => column.mapToDriverValue(v),
        fromDriver: identity ? undefined : (v: unknown) => column.mapFromDriverValue(v),
        hasDefault: column.hasDefault,
        notNull: column.notNull,
      };
    });
    for (const c of this.cols) {
      if (!c.name.endsWith('_sort')) continue;
      const src = this.cols.findIndex((x) => x.name === c.name.slice(0, -'_sort'.length));
      if (src < 0) throw new Error(`${this.name}.${c.name} has no amount column to mirror`);
      c.sortOf = src;
    }
    const config = getTableConfig(table);
    const pkNames =
      config.primaryKeys[0]?.columns.map((c) => c.name) ?? this.cols.filter((c) => c.column.primary).map((c) => c.name);
    this.pk = pkNames.map((n) => this.cols.findIndex((c) => c.name === n));
    this.#pkInteger = this.pk.map((i) => INTEGER.has(this.cols[i]!.column.columnType));
    this.hasBlockNumber = this.cols.some((c) => c.name === 'block_number');
    const q = (n: string): string => `"${n}"`;
    const names = this.cols.map((c) => q(c.name));
    const pkCols = this.pk.map((i) => q(this.cols[i]!.name));
    const nonPk = this.cols.filter((_, i) => !this.pk.includes(i)).map((c) => q(c.name));
    const where = pkCols.map((c) => `${c} = ?`).join(' AND ');
    const values = `(${names.map(() => '?').join(', ')})`;
    const upsert = (rows: number): string =>
      `INSERT INTO ${q(this.name)} (${names.join(', ')}) VALUES ${Array.from({ length: rows }, () => values).join(', ')}` +
      (append || nonPk.length === 0
        ? ''
        : ` ON CONFLICT (${pkCols.join(', ')}) DO UPDATE SET ${nonPk.map((c) => `${c} = excluded.${c}`).join(', ')}`);
    this.#multi = multiOf(conn, this.cols.length);
    this.upsert = upsert(1);
    this.#upsertMany = upsert(this.#multi);
    this.select = `SELECT ${names.join(', ')} FROM ${q(this.name)} WHERE ${where}`;
    this.remove = `DELETE FROM ${q(this.name)} WHERE ${where}`;
    this.deleteAbove = this.hasBlockNumber ? `DELETE FROM ${q(this.name)} WHERE block_number > ?` : undefined;
  }

  /** The stored row (driver values) with primary key `pk`, if any. */
  async read(pk: readonly unknown[]): Promise<DriverValue[] | undefined> {
    const rows = await this.#conn.rows(this.select, pk);
    return rows[0] as DriverValue[] | undefined;
  }

  /** Driver values of a row, in column order; `*_sort` columns filled from their amounts. */
  toDriver(row: AnyRow): DriverValue[] {
    const out: DriverValue[] = new Array(this.cols.length);
    for (let i = 0; i < this.cols.length; i++) {
      const c = this.cols[i]!;
      if (c.sortOf !== undefined) {
        const v = row[this.cols[c.sortOf]!.key];
        out[i] = typeof v === 'bigint' ? sortKey(v) : '';
        continue;
      }
      const v = row[c.key];
      if (v === undefined || v === null) {
        if (c.notNull && !c.hasDefault) throw new FatalError(`${this.name}.${c.name} is required`);
        out[i] = null;
      } else out[i] = (c.toDriver ? c.toDriver(v) : v) as DriverValue;
    }
    return out;
  }

  fromDriver(values: DriverValue[]): AnyRow {
    const row: AnyRow = {};
    for (let i = 0; i < this.cols.length; i++) {
      const v = values[i];
      const c = this.cols[i]!;
      row[c.key] = v === null || v === undefined ? null : c.fromDriver ? c.fromDriver(v) : v;
    }
    return row;
  }

  /** Writes rows (driver values) with multi-row statements. */
  async writeAll(rows: DriverValue[][]): Promise<void> {
    const multi = this.#multi;
    let i = 0;
    if (rows.length >= multi) {
      const flat: DriverValue[] = new Array(multi * this.cols.length);
      for (; i + multi <= rows.length; i += multi) {
        let k = 0;
        for (let r = i; r < i + multi; r++) {
          const row = rows[r]!;
          for (let c = 0; c < row.length; c++) flat[k++] = row[c]!;
        }
        await this.#conn.run(this.#upsertMany, flat);
      }
    }
    for (; i < rows.length; i++) await this.#conn.run(this.upsert, rows[i]);
  }

  /**
   * The cache's key for value `v` of key column `i`: one canonical JS value per stored value, so
   * get(t, 5) and get(t, '5') on an integer column, or a bigint and its decimal string on a text
   * column, find the same entry (as the joined string keys did).
   */
  cacheKey(i: number, v: unknown): unknown {
    if (this.#pkInteger[i]) return typeof v === 'number' ? v : Number(v);
    return typeof v === 'string' ? v : String(v);
  }

  keyOf(values: readonly unknown[]): string {
    // join() builds the key natively, in one flat string (cheaper to hash than a concatenation chain).
    return values.length === 1 ? String(values[0]) : values.join('\u0000');
  }

  pkValuesOfRow(row: AnyRow): unknown[] {
    const out = new Array<unknown>(this.pk.length);
    for (let j = 0; j < this.pk.length; j++) {
      const c = this.cols[this.pk[j]!]!;
      const v = row[c.key];
      out[j] = v === undefined || v === null || !c.toDriver ? v : c.toDriver(v);
    }
    return out;
  }
}

interface CacheEntry {
  spec: TableSpec;
  row: AnyRow | null;
  dirty: boolean;
  pk: unknown[];
  /** The cache generation it belongs to; a flush starts a new one. */
  gen: number;
}

/**
 * Rows handed out by get() carry their cache entry under this (non-enumerable) key, so put() of
 * the same object skips rebuilding its key. Copies made with spread do not carry it.
 */
const ENTRY = Symbol('entry');

function tag(row: AnyRow, e: CacheEntry): void {
  Object.defineProperty(row, ENTRY, { value: e, enumerable: false, writable: true, configurable: true });
}

interface JournalEntry {
  block: number;
  spec: TableSpec;
  pk: unknown[];
  /**
   * The row before the block first changed it (JSON of driver values), null if absent, or
   * undefined when a put or remove met a row the cache had not read: flush reads it then, before
   * writing anything (until then the database still holds the image from before the batch).
   */
  old: string | null | undefined;
}

/** Counts of what a flush wrote, for logs and benchmarks. */
export interface FlushStats {
  rows: number;
  appended: number;
  journaled: number;
}

/**
 * The handlers' store over SQLite or Postgres, and the batch, journal and reindex operations the
 * sync loop calls around the handlers.
 */
export class DerivedStore implements HandlerStore {
  readonly #conn: SqlConnection;
  readonly #specs = new Map<SQLiteTable, TableSpec>();
  readonly #byName = new Map<string, TableSpec>();
  /**
   * Rows by table, then by primary key as nested maps, one level per key column (the last level
   * holds entries); kept across batches (it mirrors what is committed) until it grows too big.
   * Nested small maps beat one map of joined string keys: no key string to build and hash per
   * lookup, and the levels near the root stay in the CPU cache.
   */
  readonly #cache = new Map<TableSpec, Map<unknown, unknown>>();
  /** Entries changed since the last flush, in first-change order. */
  #dirty: CacheEntry[] = [];
  readonly #appends = new Map<TableSpec, DriverValue[][]>();
  #appendCount = 0;
  readonly #journal: JournalEntry[] = [];
  #journaled = new Set<string>();
  #journaledBlock = -1;
  #cached = 0;
  #gen = 0;
  /** Tables known to be empty apart from what the cache holds (after clearAll, until an eviction). */
  #knownEmpty = new Set<TableSpec>();
  #final = Number.MAX_SAFE_INTEGER;
  #block = 0;
  /** Next id of the tables numbered in chain order, loaded by begin(); undefined outside a batch. */
  #nextIds: Map<TableSpec, number> | undefined;
  #dataVersion: number | undefined = -1;

  /** Cached rows beyond which a flush also empties the cache, to bound memory (default). */
  static readonly MAX_CACHED = 300_000;
  readonly #maxCached: number;
  /** Pending appends beyond which they are written mid-batch (written young, they cost the GC little). */
  static readonly MAX_APPENDS = 5_000;

  /** `maxCached`: rows kept in the cache before it is emptied (tests make it tiny to exercise that). */
  constructor(conn: SqlConnection, opts: { maxCached?: number } = {}) {
    this.#conn = conn;
    this.#maxCached = opts.maxCached ?? DerivedStore.MAX_CACHED;
    for (const t of KEYED_TABLES) this.#register(t, false);
    for (const t of APPEND_TABLES) this.#register(t, true);
  }

  #register(t: SQLiteTable, append: boolean): void {
    const spec = new TableSpec(this.#conn, t, append);
    this.#specs.set(t, spec);
    this.#byName.set(spec.name, spec);
    this.#cache.set(spec, new Map());
    this.#appends.set(spec, []);
  }

  #spec(t: SQLiteTable): TableSpec {
    const s = this.#specs.get(t);
    if (!s) throw new Error(`${getTableName(t)} is not a derived table`);
    return s;
  }

  /** Tables numbered by an `id` column (nextId). */
  #numbered(): TableSpec[] {
    return [...this.#specs.values()].filter((s) => s.cols.some((c) => c.name === 'id'));
  }

  /**
   * Starts a batch: rows changed by blocks above `finalNumber` are journaled, and the next ids
   * are loaded. Call inside the transaction that will also call `flush()`; if that transaction
   * fails, call `discard()`.
   */
  async begin(finalNumber: number): Promise<void> {
    // Another connection committed since our last batch: the cache may be stale.
    const version = this.#conn.dataVersion();
    if (version !== this.#dataVersion) this.discard();
    this.#dataVersion = version;
    this.#resetBatch();
    this.#final = finalNumber;
    const numbered = this.#numbered();
    const [maxes] = await this.#conn.rows(
      `SELECT ${numbered.map((s) => `(SELECT coalesce(max(id), 0) FROM "${s.name}")`).join(', ')}`,
    );
    this.#nextIds = new Map(numbered.map((s, i) => [s, Number(maxes![i]) + 1]));
  }

  /** Sets the block the next writes belong to. */
  at(blockNumber: number): void {
    if (blockNumber !== this.#journaledBlock) {
      this.#journaled = new Set();
      this.#journaledBlock = blockNumber;
    }
    this.#block = blockNumber;
  }

  /** Whether writes of the current block are journaled (it can still be reorged away). */
  get journaling(): boolean {
    return this.#block > this.#final;
  }

  /** The cache's last level for `pk` (levels created on the way) and the key in it. */
  #level(spec: TableSpec, pk: readonly unknown[]): [Map<unknown, unknown>, unknown] {
    let level = this.#cache.get(spec)!;
    const last = pk.length - 1;
    for (let i = 0; i < last; i++) {
      const k = spec.cacheKey(i, pk[i]);
      let next = level.get(k) as Map<unknown, unknown> | undefined;
      if (!next) level.set(k, (next = new Map()));
      level = next;
    }
    return [level, spec.cacheKey(last, pk[last])];
  }

  #add(level: Map<unknown, unknown>, key: unknown, e: CacheEntry): CacheEntry {
    level.set(key, e);
    this.#cached++;
    return e;
  }

  /** The entry for `pk`, read from the database on a miss. */
  async #load(spec: TableSpec, pk: readonly unknown[]): Promise<CacheEntry> {
    const [level, key] = this.#level(spec, pk);
    const hit = level.get(key) as CacheEntry | undefined;
    if (hit) return hit;
    const values = this.#knownEmpty.has(spec) ? undefined : await spec.read(pk);
    const e: CacheEntry = { spec, row: null, dirty: false, pk: pk as unknown[], gen: this.#gen };
    if (values) {
      e.row = spec.fromDriver(values);
      tag(e.row, e);
    }
    return this.#add(level, key, e);
  }

  /**
   * The entry for `pk` without reading: on a miss a new one, whose prior image `journalBefore`
   * leaves for flush to read (unless the table is known to be empty).
   */
  #touch(spec: TableSpec, pk: readonly unknown[]): [CacheEntry, boolean] {
    const [level, key] = this.#level(spec, pk);
    const hit = level.get(key) as CacheEntry | undefined;
    if (hit) return [hit, true];
    const e: CacheEntry = { spec, row: null, dirty: false, pk: pk as unknown[], gen: this.#gen };
    return [this.#add(level, key, e), this.#knownEmpty.has(spec)];
  }

  /**
   * {@inheritDoc HandlerStore.get}
   * While journaling the row is a copy, so the journal keeps the image from before the change.
   */
  async get<T extends SQLiteTable>(table: T, ...pk: unknown[]): Promise<Row<T> | undefined> {
    const e = await this.#load(this.#spec(table), pk);
    if (!e.row) return undefined;
    return (this.journaling ? { ...e.row } : e.row) as Row<T>;
  }

  /** Journals `e`'s image before the current block's first change to it; `known`: whether `e.row` is that image. */
  #journalBefore(spec: TableSpec, e: CacheEntry, known: boolean): void {
    if (!this.journaling) return;
    const jk = `${spec.name}\u0001${spec.keyOf(e.pk)}`;
    if (this.#journaled.has(jk)) return;
    this.#journaled.add(jk);
    this.#journal.push({
      block: this.#block,
      spec,
      pk: e.pk,
      old: !known ? undefined : e.row ? JSON.stringify(spec.toDriver(e.row)) : null,
    });
  }

  #markDirty(e: CacheEntry): void {
    if (e.dirty) return;
    e.dirty = true;
    this.#dirty.push(e);
  }

  /** Inserts or replaces a keyed row. */
  put<T extends SQLiteTable>(table: T, row: NewRow<T>): void {
    const spec = this.#spec(table);
    if (spec.append) throw new Error(`${spec.name} is append-only: use append()`);
    const r = row as AnyRow;
    let e = (r as { [ENTRY]?: CacheEntry })[ENTRY];
    let known = true;
    if (!e || e.spec !== spec || e.gen !== this.#gen) {
      [e, known] = this.#touch(spec, spec.pkValuesOfRow(r));
      if (e.row !== r) tag(r, e);
    }
    this.#journalBefore(spec, e, known);
    e.row = r;
    this.#markDirty(e);
  }

  /** Deletes a keyed row (a no-op if absent). */
  remove<T extends SQLiteTable>(table: T, ...pk: unknown[]): void {
    const spec = this.#spec(table);
    const [e, known] = this.#touch(spec, pk);
    if (known && !e.row) return;
    this.#journalBefore(spec, e, known);
    e.row = null;
    this.#markDirty(e);
  }

  /** Appends a row to an append-only table. */
  append<T extends SQLiteTable>(table: T, row: NewRow<T>): void {
    const spec = this.#spec(table);
    if (!spec.append) throw new Error(`${spec.name} is keyed: use put()`);
    this.#appends.get(spec)!.push(spec.toDriver(row as AnyRow));
    this.#appendCount++;
  }

  /**
   * Between two events: writes what the batch holds so far when the cache or the pending appends
   * grew past their bounds (inside the batch's transaction, as flush does).
   */
  async checkpoint(): Promise<void> {
    if (this.#cached > this.#maxCached) await this.flush();
    else if (this.#appendCount > DerivedStore.MAX_APPENDS) await this.#writeAppends();
  }

  /** Writes pending appends (order within a table is kept; tables are independent). */
  async #writeAppends(): Promise<void> {
    for (const [spec, rows] of this.#appends) {
      if (rows.length) await spec.writeAll(rows);
      rows.length = 0;
    }
    this.#appendCount = 0;
  }

  /**
   * The next `id` of a table numbered in chain order (gifts, ledger entries, ledger owners): max +
   * 1, so ids after a rollback's deletions are the ones a fresh index would give. Loaded by
   * begin(), counted in memory after that.
   */
  nextId(table: SQLiteTable): number {
    const spec = this.#spec(table);
    const next = this.#nextIds?.get(spec);
    if (next === undefined) throw new Error(`nextId(${spec.name}) outside a batch, or the table has no id`);
    this.#nextIds!.set(spec, next + 1);
    return next;
  }

  /**
   * Writes every change of the batch so far (inside the caller's transaction). The cache stays,
   * as it now matches the database, unless it grew past MAX_CACHED.
   */
  async flush(): Promise<FlushStats> {
    const stats: FlushStats = {
      rows: this.#dirty.length,
      appended: this.#appendCount,
      journaled: this.#journal.length,
    };
    // Prior images still unknown are read before any write changes them.
    for (const j of this.#journal) {
      if (j.old !== undefined) continue;
      const values = await j.spec.read(j.pk);
      j.old = values ? JSON.stringify(values) : null;
    }
    for (const j of this.#journal)
      await this.#conn.run('INSERT INTO reorg_journal (block_number, table_name, key, old) VALUES (?, ?, ?, ?)', [
        j.block,
        j.spec.name,
        JSON.stringify(j.pk),
        j.old,
      ]);
    this.#journal.length = 0;
    const upserts = new Map<TableSpec, DriverValue[][]>();
    for (const e of this.#dirty) {
      e.dirty = false;
      if (e.row) {
        let list = upserts.get(e.spec);
        if (!list) upserts.set(e.spec, (list = []));
        list.push(e.spec.toDriver(e.row));
      } else await this.#conn.run(e.spec.remove, e.pk);
    }
    this.#dirty = [];
    for (const [spec, rows] of upserts) await spec.writeAll(rows);
    await this.#writeAppends();
    if (this.#cached > this.#maxCached) this.#evict();
    return stats;
  }

  #evict(): void {
    for (const cache of this.#cache.values()) cache.clear();
    this.#cached = 0;
    this.#gen++;
    this.#knownEmpty.clear();
  }

  /** Drops the cache and every unflushed change (after a failed transaction, or writes made elsewhere). */
  discard(): void {
    this.#evict();
    this.#resetBatch();
  }

  /** Forgets the batch's unflushed changes and journal bookkeeping (the cache stays). */
  #resetBatch(): void {
    this.#dirty = [];
    for (const rows of this.#appends.values()) rows.length = 0;
    this.#appendCount = 0;
    this.#journal.length = 0;
    this.#journaled = new Set();
    this.#journaledBlock = -1;
    this.#nextIds = undefined;
  }

  /**
   * Restores every derived table to its state after block `forkPoint`: journaled rows back to
   * their prior images (newest first), append rows above it deleted. Call inside a transaction,
   * outside a batch.
   */
  async rollbackTo(forkPoint: number): Promise<{ restored: number }> {
    this.discard();
    const entries = (await this.#conn.rows(
      'SELECT table_name, key, old FROM reorg_journal WHERE block_number > ? ORDER BY seq DESC',
      [forkPoint],
    )) as [string, string, string | null][];
    for (const [table, key, old] of entries) {
      const spec = this.#byName.get(table);
      if (!spec) throw new FatalError(`reorg journal names unknown table ${table}`);
      if (old === null) await this.#conn.run(spec.remove, JSON.parse(key) as DriverValue[]);
      else await this.#conn.run(spec.upsert, JSON.parse(old) as DriverValue[]);
    }
    await this.#conn.run('DELETE FROM reorg_journal WHERE block_number > ?', [forkPoint]);
    for (const spec of this.#specs.values())
      if (spec.append && spec.deleteAbove) await this.#conn.run(spec.deleteAbove, [forkPoint]);
    return { restored: entries.length };
  }

  /** Forgets journal entries of blocks that became final: they can no longer be reorged. */
  async pruneJournal(finalNumber: number): Promise<void> {
    await this.#conn.run('DELETE FROM reorg_journal WHERE block_number <= ?', [finalNumber]);
  }

  /** Names of the derived tables. */
  tableNames(): string[] {
    return [...this.#specs.values()].map((s) => s.name);
  }

  /** Empties every derived table and the journal (reindex); until the cache is evicted, misses need no lookup. */
  async clearAll(): Promise<void> {
    this.#evict();
    this.#dirty = [];
    for (const spec of this.#specs.values()) {
      await this.#conn.run(`DELETE FROM "${spec.name}"`);
      this.#knownEmpty.add(spec);
    }
    for (const spec of this.#numbered()) this.#nextIds?.set(spec, 1);
    await this.#conn.run('DELETE FROM reorg_journal');
  }
}
