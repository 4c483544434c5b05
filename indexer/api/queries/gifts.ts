/** Reads of the gift catalog, gifts and stream totals. */
import type Database from 'better-sqlite3';
import type { giftCatalog, gifts, streamTotals } from '../../db/schema.js';
import type { GiftFilter } from '../generated/types.js';
import { all, decimalIdPage, EVENT_KEYS, idPage, keyPage, type RowOf, type Where } from './sql.js';

export type GiftRow = RowOf<typeof gifts>;
export type GiftTypeRow = RowOf<typeof giftCatalog>;
export type StreamTotalRow = RowOf<typeof streamTotals>;

export function giftCatalogPage(db: Database.Database, first: number, after: string | null | undefined): GiftTypeRow[] {
  return decimalIdPage<GiftTypeRow>(db, 'gift_catalog', 'gift_id', first, after);
}

function giftWhere(f: GiftFilter): Where[] {
  const w: Where[] = [];
  if (f.sender) w.push(['sender = ?', [f.sender]]);
  if (f.broadcaster) w.push(['broadcaster = ?', [f.broadcaster]]);
  if (f.streamId !== null && f.streamId !== undefined) w.push(['stream_id = ?', [f.streamId.toString()]]);
  if (f.token) w.push(['token = ?', [f.token]]);
  if (f.from !== null && f.from !== undefined) w.push(['timestamp >= ?', [f.from]]);
  if (f.to !== null && f.to !== undefined) w.push(['timestamp <= ?', [f.to]]);
  return w;
}

/** A chain-ordered page of gifts matching `filter`. */
export function giftsPage(
  db: Database.Database,
  filter: GiftFilter,
  first: number,
  after: string | null | undefined,
): GiftRow[] {
  return idPage<GiftRow>(db, 'gifts', EVENT_KEYS, giftWhere(filter), first, after);
}

/** A stream's totals per token, by token. */
export function streamTotalsPage(
  db: Database.Database,
  broadcaster: string,
  streamId: bigint,
  first: number,
  after: string | null | undefined,
): StreamTotalRow[] {
  const where: Where[] = [
    ['broadcaster = ?', [broadcaster]],
    ['stream_id = ?', [streamId.toString()]],
  ];
  return keyPage<StreamTotalRow>(db, 'stream_totals', where, 'token', first, after);
}

/** Gifts with an id above `id`, in id (chain) order. */
export function giftsAfterId(db: Database.Database, id: number): GiftRow[] {
  return all<GiftRow>(db, 'SELECT * FROM gifts WHERE id > ? ORDER BY id', [id]);
}

/** Gifts above block `forkPoint` with ids up to `maxId` (the ones a rollback removes that were published). */
export function giftsAboveBlock(db: Database.Database, forkPoint: number, maxId: number): GiftRow[] {
  return all<GiftRow>(db, 'SELECT * FROM gifts WHERE block_number > ? AND id <= ? ORDER BY id', [forkPoint, maxId]);
}
