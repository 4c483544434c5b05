/** Reads of the double-entry ledger: filtered pages, the CSV export's chunks, and new entries. */
import type { ApiDb } from '../apiDb.js';
import type { ledgerEntries } from '../../db/schema.js';
import type { LedgerFilter } from '../generated/types.js';
import { parseAddress } from '../scalars.js';
import { all, idPage, LEDGER_KEYS, type Param, type RowOf, type Where } from './sql.js';

export type LedgerRow = RowOf<typeof ledgerEntries>;

/** WHERE clauses of a ledger filter (shared by the query and the CSV export). */
export function ledgerWhere(f: LedgerFilter | null | undefined): Where[] {
  const w: Where[] = [];
  if (!f) return w;
  if (f.account) {
    // An address is its wallet:, vault:, escrow: and reserve: accounts, all under one owner.
    const owner = 'owner_id = (SELECT id FROM ledger_owners WHERE owner = ?)';
    if (f.account.startsWith('T') && !f.account.includes(':')) w.push([owner, [parseAddress(f.account)]]);
    else {
      const m = /^(wallet|vault|escrow|reserve):(.*)$/.exec(f.account);
      if (m) w.push([`${owner} AND account = ?`, [parseAddress(m[2]), f.account]]);
      else w.push([owner, [f.account]]);
    }
  }
  if (f.kind) w.push(['kind = ?', [f.kind]]);
  if (f.token) w.push(['token = ?', [parseAddress(f.token)]]);
  if (f.from !== null && f.from !== undefined) w.push(['timestamp >= ?', [f.from]]);
  if (f.to !== null && f.to !== undefined) w.push(['timestamp <= ?', [f.to]]);
  if (f.txId) w.push(['tx_id = ?', [f.txId]]);
  return w;
}

/** A chain-ordered page of ledger entries matching `filter`. */
export function ledgerPage(
  db: ApiDb,
  filter: LedgerFilter | null | undefined,
  first: number,
  after: string | null | undefined,
): Promise<LedgerRow[]> {
  return idPage<LedgerRow>(db, 'ledger_entries', LEDGER_KEYS, ledgerWhere(filter), first, after);
}

/**
 * The entries matching `where` in chunks of `size` by id: `next(key)` gives the chunk after id
 * `key` (ids grow in chain order, so keyset chunks follow the owner index without sorting).
 */
export function ledgerChunks(db: ApiDb, where: Where[], size: number): (key: number) => Promise<LedgerRow[]> {
  const clauses = where.map(([c]) => c);
  const params: Param[] = where.flatMap(([, p]) => p);
  const sql = `SELECT * FROM ledger_entries WHERE ${[...clauses, 'id > ?'].join(' AND ')} ORDER BY id LIMIT ${size}`;
  return (key) => db.all<LedgerRow>(sql, [...params, key]);
}

/** Entries with an id above `id`, in id (chain) order. */
export function ledgerAfterId(db: ApiDb, id: number): Promise<LedgerRow[]> {
  return all<LedgerRow>(db, 'SELECT * FROM ledger_entries WHERE id > ? ORDER BY id', [id]);
}

/** Entries above block `forkPoint` with ids up to `maxId` (the ones a rollback removes that were published). */
export function ledgerAboveBlock(db: ApiDb, forkPoint: number, maxId: number): Promise<LedgerRow[]> {
  return all<LedgerRow>(db, 'SELECT * FROM ledger_entries WHERE block_number > ? AND id <= ? ORDER BY id', [
    forkPoint,
    maxId,
  ]);
}
