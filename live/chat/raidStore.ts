/**
 * Where raids are kept: the {@link RaidStore} interface the `Raids` domain class calls, and its
 * SQLite implementation over live_raids (synchronous, as better-sqlite3 is; see
 * live/chat/dmStore.ts on an asynchronous store).
 */
import type Database from 'better-sqlite3';

export type RaidStatus = 'offered' | 'accepted' | 'declined' | 'expired';

/** A live_raids row. */
export interface RaidRow {
  id: number;
  from_stream: number;
  to_stream: number;
  by: string;
  viewers: number;
  status: RaidStatus;
  created_at: number;
  decided_at: number | null;
}

export interface RaidStore {
  /** Records an offer; its id. */
  offer(fromStream: number, toStream: number, by: string, viewers: number, at: number): number;
  byId(id: number): RaidRow | undefined;
  /** `by`'s latest raid that was not declined or expired (the one that counts for the rate limit). */
  lastBy(by: string): RaidRow | undefined;
  /** The latest offer or accepted raid to a stream. */
  lastTo(toStream: number): RaidRow | undefined;
  /** Decides an open offer; false when it was no longer open. */
  decide(id: number, status: Exclude<RaidStatus, 'offered'>, at: number): boolean;
  /** The offers still open (after a restart: their expiry is timed again). */
  open(): RaidRow[];
}

/** The raid store over the live database. */
export function createSqliteRaidStore(db: Database.Database): RaidStore {
  const q = {
    insert: db.prepare(
      "INSERT INTO live_raids (from_stream, to_stream, by, viewers, status, created_at) VALUES (?, ?, ?, ?, 'offered', ?)",
    ),
    byId: db.prepare('SELECT * FROM live_raids WHERE id = ?'),
    lastBy: db.prepare(
      "SELECT * FROM live_raids WHERE by = ? AND status IN ('offered', 'accepted') ORDER BY id DESC LIMIT 1",
    ),
    lastTo: db.prepare(
      "SELECT * FROM live_raids WHERE to_stream = ? AND status IN ('offered', 'accepted') ORDER BY id DESC LIMIT 1",
    ),
    decide: db.prepare("UPDATE live_raids SET status = ?, decided_at = ? WHERE id = ? AND status = 'offered'"),
    open: db.prepare("SELECT * FROM live_raids WHERE status = 'offered'"),
  };
  return {
    offer: (fromStream, toStream, by, viewers, at) =>
      Number(q.insert.run(fromStream, toStream, by, viewers, at).lastInsertRowid),
    byId: (id) => q.byId.get(id) as RaidRow | undefined,
    lastBy: (by) => q.lastBy.get(by) as RaidRow | undefined,
    lastTo: (toStream) => q.lastTo.get(toStream) as RaidRow | undefined,
    decide: (id, status, at) => q.decide.run(status, at, id).changes === 1,
    open: () => q.open.all() as RaidRow[],
  };
}
