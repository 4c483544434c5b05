/** Reads of the gift catalog, gifts and stream totals. */
import type { ApiDb } from '../apiDb.js';
import type { giftCatalog, gifts, streamTotals } from '../../db/schema.js';
import type { GiftFilter } from '../generated/types.js';
import { all, decimalIdPage, EVENT_KEYS, idPage, keyPage, type RowOf, type Where } from './sql.js';

export type GiftRow = RowOf<typeof gifts>;
export type GiftTypeRow = RowOf<typeof giftCatalog>;
export type StreamTotalRow = RowOf<typeof streamTotals>;

export function giftCatalogPage(db: ApiDb, first: number, after: string | null | undefined): Promise<GiftTypeRow[]> {
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
  db: ApiDb,
  filter: GiftFilter,
  first: number,
  after: string | null | undefined,
): Promise<GiftRow[]> {
  return idPage<GiftRow>(db, 'gifts', EVENT_KEYS, giftWhere(filter), first, after);
}

/** A stream's totals per token, by token. */
export function streamTotalsPage(
  db: ApiDb,
  broadcaster: string,
  streamId: bigint,
  first: number,
  after: string | null | undefined,
): Promise<StreamTotalRow[]> {
  const where: Where[] = [
    ['broadcaster = ?', [broadcaster]],
    ['stream_id = ?', [streamId.toString()]],
  ];
  return keyPage<StreamTotalRow>(db, 'stream_totals', where, 'token', first, after);
}

/** Gifts with an id above `id`, in id (chain) order. */
export function giftsAfterId(db: ApiDb, id: number): Promise<GiftRow[]> {
  return all<GiftRow>(db, 'SELECT * FROM gifts WHERE id > ? ORDER BY id', [id]);
}

/** Gifts above block `forkPoint` with ids up to `maxId` (the ones a rollback removes that were published). */
export function giftsAboveBlock(db: ApiDb, forkPoint: number, maxId: number): Promise<GiftRow[]> {
  return all<GiftRow>(db, 'SELECT * FROM gifts WHERE block_number > ? AND id <= ? ORDER BY id', [forkPoint, maxId]);
}
