/**
 * Rebuilds every derived table from the raw store alone, through the same handlers the sync uses,
 * in one transaction: after a crash the old tables are still there, never half of the new ones.
 * The tables start empty, so rows missing from the store's cache need no lookup until it is
 * evicted (see DerivedStore.clearAll).
 */
import type Database from 'better-sqlite3';
import type { HandlerContext } from '../handlers/context.js';
import { applyEvent } from '../handlers/registry.js';
import type { DerivedStore } from './derived.js';
import type { RawStore } from './raw.js';

export interface ReindexResult {
  events: number;
  ms: number;
}

/** Events read per page. */
const PAGE = 5_000;

/** Clears the derived tables and replays `raw_events` in chain order. */
export function reindex(
  db: Database.Database,
  raw: RawStore,
  derived: DerivedStore,
  ctx: HandlerContext,
): ReindexResult {
  const started = performance.now();
  let events = 0;
  const run = db.transaction(() => {
    // Rows of blocks that can still be reorged are journaled exactly as the sync would have.
    derived.begin(raw.cursor()?.finalNumber ?? -1);
    derived.clearAll();
    // Building secondary indexes once at the end (a sort) is much faster than growing them row by
    // row; the DDL is part of the transaction, so a crash leaves the old tables and indexes.
    const indexes = db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${derived
          .tableNames()
          .map(() => '?')
          .join(', ')})`,
      )
      .all(...derived.tableNames()) as { name: string; sql: string }[];
    for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
    let after: [number, number, number] = [-1, -1, -1];
    for (;;) {
      const page = raw.eventsAfter(after, PAGE);
      if (page.length === 0) break;
      for (const e of page) applyEvent(e, ctx);
      events += page.length;
      const last = page[page.length - 1]!;
      after = [last.blockNumber, last.txIndex, last.logIndex];
    }
    derived.flush();
    for (const i of indexes) db.exec(i.sql);
  });
  try {
    run.immediate();
  } catch (e) {
    derived.discard();
    throw e;
  }
  return { events, ms: performance.now() - started };
}
