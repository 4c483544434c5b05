/** Reads of gift sessions, skipped intents and who paid each transaction (raw_tx_fees). */
import type { giftSessions, rawTxFees, skippedIntents } from '../../db/schema.js';
import type { ApiDb } from '../apiDb.js';
import { all, chainPage, EVENT_KEYS, idPage, one, type RowOf } from './sql.js';

export type GiftSessionRow = RowOf<typeof giftSessions>;
export type SkippedIntentRow = RowOf<typeof skippedIntents>;
export type TxFeesRow = RowOf<typeof rawTxFees>;

/** The key of the sessions' pages: where each was opened, in chain order. */
export const OPEN_KEYS = ['open_block_number', 'open_tx_index', 'open_log_index'];

/** A session by key. */
export function sessionOf(db: ApiDb, key: string): Promise<GiftSessionRow | undefined> {
  return one<GiftSessionRow>(db, 'SELECT * FROM gift_sessions WHERE session_key = ?', [key]);
}

/** A viewer's sessions in the order they were opened. */
export function sessionsPage(
  db: ApiDb,
  viewer: string,
  first: number,
  after: string | null | undefined,
): Promise<GiftSessionRow[]> {
  return chainPage<GiftSessionRow>(db, 'gift_sessions', OPEN_KEYS, [['viewer = ?', [viewer]]], first, after);
}

/** A chain-ordered page of the intents of `sender` that were skipped. */
export function skippedIntentsPage(
  db: ApiDb,
  sender: string,
  first: number,
  after: string | null | undefined,
): Promise<SkippedIntentRow[]> {
  return idPage<SkippedIntentRow>(db, 'skipped_intents', EVENT_KEYS, [['sender = ?', [sender]]], first, after);
}

/** Who paid for transaction `txId`, if recorded. */
export function txFeesOf(db: ApiDb, txId: string): Promise<TxFeesRow | undefined> {
  return one<TxFeesRow>(db, 'SELECT * FROM raw_tx_fees WHERE tx_id = ?', [txId]);
}

/** Who paid for each of `txIds` that is recorded (the CSV export's chunks). */
export async function txFeesIn(db: ApiDb, txIds: string[]): Promise<Map<string, TxFeesRow>> {
  const unique = [...new Set(txIds)];
  const out = new Map<string, TxFeesRow>();
  for (let i = 0; i < unique.length; i += 200) {
    const part = unique.slice(i, i + 200);
    const rows = await all<TxFeesRow>(
      db,
      `SELECT * FROM raw_tx_fees WHERE tx_id IN (${part.map(() => '?').join(', ')})`,
      part,
    );
    for (const r of rows) out.set(r.tx_id, r);
  }
  return out;
}
