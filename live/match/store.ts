/**
 * What matching keeps beyond the in-memory queue: permanent blocks (live_match_blocks) and
 * reports (live_reports). The {@link MatchStore} interface the `Matcher` calls, and its SQLite
 * implementation.
 *
 * The methods are synchronous, as better-sqlite3 is. An asynchronous store would return
 * Promises: `block` and `report` are awaited by handlers that are async already; `blocked` is
 * asked for each queued candidate while pairing, so an async store would load a waiting user's
 * blocks once when they join the queue and keep them with the queue entry.
 */
import type Database from 'better-sqlite3';

export interface MatchStore {
  /** Whether either address blocked the other. */
  blocked(a: string, b: string): boolean;
  /** Records that `blocker` never wants to meet `blocked` again (idempotent). */
  block(blocker: string, blocked: string, at: number): void;
  /** Files a report for someone to read. */
  report(reporter: string, reported: string, context: string, reason: string, at: number): void;
}

/** The match store over the live database. */
export function createSqliteMatchStore(db: Database.Database): MatchStore {
  const stmt = {
    blocked: db.prepare(
      'SELECT 1 FROM live_match_blocks WHERE (blocker = ? AND blocked = ?) OR (blocker = ? AND blocked = ?)',
    ),
    block: db.prepare('INSERT OR IGNORE INTO live_match_blocks (blocker, blocked, created_at) VALUES (?, ?, ?)'),
    report: db.prepare(
      'INSERT INTO live_reports (reporter, reported, context, reason, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
  };
  return {
    blocked: (a, b) => stmt.blocked.get(a, b, b, a) !== undefined,
    block: (blocker, blocked, at) => void stmt.block.run(blocker, blocked, at),
    report: (reporter, reported, context, reason, at) => void stmt.report.run(reporter, reported, context, reason, at),
  };
}
