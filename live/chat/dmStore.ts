/**
 * Where direct messages and DM blocks are kept: the {@link DmStore} interface the `Dms` domain
 * class calls, and its SQLite implementation over live_dms and live_dm_blocks.
 *
 * The methods are synchronous, as better-sqlite3 is. An asynchronous store (Postgres) would
 * implement the same methods returning Promises: the interface then becomes `Promise<T>` for
 * each return, and `Dms` awaits each call (its handlers and HTTP routes are already async).
 */
import type Database from 'better-sqlite3';

/** A live_dms row. */
export interface DmRow {
  id: number;
  sender: string;
  recipient: string;
  text: string;
  created_at: number;
}

export interface DmStore {
  /** Stores a message of the conversation `pair` (its two addresses, sorted, joined by ":"); its id. */
  insert(pair: string, sender: string, recipient: string, text: string, at: number): number;
  /** Up to `limit` messages of a conversation before id `before`, newest first. */
  page(pair: string, before: number, limit: number): DmRow[];
  /** The last message of each of `me`'s conversations older than id `before`, newest first. */
  conversations(me: string, before: number, limit: number): DmRow[];
  /** Whether either of two addresses blocked the other: a blocker (either, when both did), or undefined. */
  blocker(a: string, b: string): string | undefined;
  block(blocker: string, blocked: string, at: number): void;
  unblock(blocker: string, blocked: string): void;
  /** The addresses `blocker` blocked, latest first (at most 1000). */
  blocked(blocker: string): string[];
}

/** The DM store over the live database. */
export function createSqliteDmStore(db: Database.Database): DmStore {
  // The last message of each of my conversations: my sent and received messages come off the
  // (sender, id) and (recipient, id) indexes, newest first.
  const conversations = db.prepare(
    `SELECT d.* FROM live_dms d JOIN (
       SELECT pair, max(id) AS last FROM live_dms WHERE sender = ? OR recipient = ? GROUP BY pair
     ) c ON d.id = c.last WHERE d.id < ? ORDER BY d.id DESC LIMIT ?`,
  );
  const insert = db.prepare('INSERT INTO live_dms (pair, sender, recipient, text, created_at) VALUES (?, ?, ?, ?, ?)');
  const page = db.prepare('SELECT * FROM live_dms WHERE pair = ? AND id < ? ORDER BY id DESC LIMIT ?');
  const blocks = {
    either: db
      .prepare(
        'SELECT blocker FROM live_dm_blocks WHERE (blocker = ? AND blocked = ?) OR (blocker = ? AND blocked = ?) LIMIT 1',
      )
      .pluck(),
    add: db.prepare('INSERT OR IGNORE INTO live_dm_blocks (blocker, blocked, created_at) VALUES (?, ?, ?)'),
    remove: db.prepare('DELETE FROM live_dm_blocks WHERE blocker = ? AND blocked = ?'),
    list: db
      .prepare('SELECT blocked FROM live_dm_blocks WHERE blocker = ? ORDER BY created_at DESC LIMIT 1000')
      .pluck(),
  };
  return {
    insert: (pair, sender, recipient, text, at) =>
      Number(insert.run(pair, sender, recipient, text, at).lastInsertRowid),
    page: (pair, before, limit) => page.all(pair, before, limit) as DmRow[],
    conversations: (me, before, limit) => conversations.all(me, me, before, limit) as DmRow[],
    blocker: (a, b) => blocks.either.get(a, b, b, a) as string | undefined,
    block: (blocker, blocked, at) => void blocks.add.run(blocker, blocked, at),
    unblock: (blocker, blocked) => void blocks.remove.run(blocker, blocked),
    blocked: (blocker) => blocks.list.all(blocker) as string[],
  };
}
