/**
 * Rebuilds every derived table from the raw store alone, through the same handlers the sync uses,
 * in one transaction: after a crash the old tables are still there, never half of the new ones.
 * The tables start empty, so rows missing from the store's cache need no lookup until it is
 * evicted (see DerivedStore.clearAll).
 */
import type { SqlConnection } from '../db/sql.js';
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
export async function reindex(
  conn: SqlConnection,
  raw: RawStore,
  derived: DerivedStore,
  ctx: HandlerContext,
): Promise<ReindexResult> {
  const started = performance.now();
  let events = 0;
  try {
    await conn.transaction(async () => {
      // Rows of blocks that can still be reorged are journaled exactly as the sync would have.
      await derived.begin((await raw.cursor())?.finalNumber ?? -1);
      await derived.clearAll();
      // Building secondary indexes once at the end (a sort) is much faster than growing them row
      // by row; the DDL is part of the transaction (on both databases), so a crash leaves the old
      // tables and indexes.
      const indexes = await conn.indexesOf(derived.tableNames());
      for (const i of indexes) await conn.run(`DROP INDEX "${i.name}"`);
      let after: [number, number, number] = [-1, -1, -1];
      for (;;) {
        const page = await raw.eventsAfter(after, PAGE);
        if (page.length === 0) break;
        for (const e of page) {
          await applyEvent(e, ctx);
          await derived.checkpoint();
        }
        events += page.length;
        const last = page[page.length - 1]!;
        after = [last.blockNumber, last.txIndex, last.logIndex];
      }
      await derived.flush();
      for (const i of indexes) await conn.run(i.sql);
    });
  } catch (e) {
    derived.discard();
    throw e;
  }
  return { events, ms: performance.now() - started };
}
