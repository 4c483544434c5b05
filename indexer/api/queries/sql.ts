/**
 * The SQL toolkit of the query modules: the typed row of a drizzle table as the ApiDb returns it
 * (snake_case columns, amounts as decimal TEXT, booleans as 0/1, on SQLite and Postgres alike),
 * and the keyset pages every list uses. The SQL is portable: `?` placeholders, row-value
 * comparisons, quoted identifiers where Postgres reserves the word ("user").
 */
import type { Table } from 'drizzle-orm';
import type { ApiDb, Param } from '../apiDb.js';
import { apiError } from '../context.js';
import { parseChainCursor } from '../pagination.js';

type Columns<T extends Table> = T['_']['columns'];
type Driver<D> = [D] extends [bigint] ? string : [D] extends [boolean] ? number : D;

/** A row of drizzle table `T` as `SELECT *` returns it through better-sqlite3. */
export type RowOf<T extends Table> = {
  [K in keyof Columns<T> as Columns<T>[K]['_']['name']]: Columns<T>[K]['_']['notNull'] extends true
    ? Driver<Columns<T>[K]['_']['data']>
    : Driver<Columns<T>[K]['_']['data']> | null;
};

export type { Param } from '../apiDb.js';
/** A WHERE clause and its parameters. */
export type Where = [string, Param[]];

/** The rows of `sql`; `R` is the caller's word for their shape. */
export function all<R>(db: ApiDb, sql: string, params: Param[]): Promise<R[]> {
  return db.all<R>(sql, params);
}

/** The first row of `sql`, if any. */
export async function one<R>(db: ApiDb, sql: string, params: Param[]): Promise<R | undefined> {
  return (await db.all<R>(sql, params))[0];
}

export const EVENT_KEYS = ['block_number', 'tx_index', 'log_index'];
export const LEDGER_KEYS = ['block_number', 'tx_index', 'log_index', 'entry_index'];

const whereSql = (clauses: string[]): string => (clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '');

/** A chain-ordered page of `table`: `where` clauses joined with AND, after the cursor's key. */
export function chainPage<R>(
  db: ApiDb,
  table: string,
  keys: string[],
  where: Where[],
  first: number,
  after: string | null | undefined,
): Promise<R[]> {
  const clauses = where.map(([c]) => c);
  const params: Param[] = where.flatMap(([, p]) => p);
  if (after) {
    clauses.push(`(${keys.join(', ')}) > (${keys.map(() => '?').join(', ')})`);
    params.push(...parseChainCursor(after, keys.length));
  }
  const sql = `SELECT * FROM ${table}${whereSql(clauses)} ORDER BY ${keys.join(', ')} LIMIT ?`;
  return all<R>(db, sql, [...params, first + 1]);
}

/**
 * The id bound equivalent to a chain-order cursor in a table whose ids grow in chain order
 * (gifts, ledger_entries): the id of the last row at or before the cursor's key, found through
 * the block index, so it holds even when the cursor's own row was since removed by a reorg.
 */
export async function idAtOrBefore(db: ApiDb, table: string, keys: string[], cursor: number[]): Promise<number> {
  const [block, ...rest] = cursor;
  const inBlock = await one<{ id: number }>(
    db,
    `SELECT id FROM ${table} WHERE block_number = ? AND (${keys.slice(1).join(', ')}) <= (${rest.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT 1`,
    [block!, ...rest],
  );
  if (inBlock) return inBlock.id;
  const before = await one<{ id: number }>(
    db,
    `SELECT id FROM ${table} WHERE block_number < ? ORDER BY block_number DESC, id DESC LIMIT 1`,
    [block!],
  );
  return before?.id ?? 0;
}

/**
 * A chain-ordered page of a table whose ids grow in chain order: ordered by id, so a filter with
 * an (x, id) index is one index range instead of a sort, with the same chain-order cursors.
 */
export async function idPage<R>(
  db: ApiDb,
  table: string,
  keys: string[],
  where: Where[],
  first: number,
  after: string | null | undefined,
): Promise<R[]> {
  const clauses = where.map(([c]) => c);
  const params: Param[] = where.flatMap(([, p]) => p);
  if (after) {
    clauses.push('id > ?');
    params.push(await idAtOrBefore(db, table, keys, parseChainCursor(after, keys.length)));
  }
  const sql = `SELECT * FROM ${table}${whereSql(clauses)} ORDER BY id LIMIT ?`;
  return all<R>(db, sql, [...params, first + 1]);
}

/**
 * A page of `table` keyed by a uint256 decimal id in TEXT, in numeric order: (length, text) sorts
 * decimals without leading zeros numerically; the cursor is the last id.
 */
export function decimalIdPage<R>(
  db: ApiDb,
  table: string,
  column: string,
  first: number,
  after: string | null | undefined,
): Promise<R[]> {
  const a = after ?? '';
  if (a && !/^\d{1,78}$/.test(a)) throw apiError('BAD_CURSOR', `not a cursor of this list: ${a}`);
  return all<R>(
    db,
    `SELECT * FROM ${table} WHERE (length(${column}), ${column}) > (?, ?) ORDER BY length(${column}), ${column} LIMIT ?`,
    [a.length, a, first + 1],
  );
}

/** A page of `table` keyed by a text column (`WHERE <eq> = ? AND key > after ORDER BY key`). */
export function keyPage<R>(
  db: ApiDb,
  table: string,
  where: Where[],
  key: string,
  first: number,
  after: string | null | undefined,
): Promise<R[]> {
  const clauses = [...where.map(([c]) => c), `${key} > ?`];
  const params = [...where.flatMap(([, p]) => p), after ?? '', first + 1];
  return all<R>(db, `SELECT * FROM ${table}${whereSql(clauses)} ORDER BY ${key} LIMIT ?`, params);
}
