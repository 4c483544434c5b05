/**
 * Where polls and their votes are kept: the {@link PollStore} interface the `Polls` domain class
 * calls, and its SQLite implementation over live_polls and live_poll_votes (synchronous, as
 * better-sqlite3 is; see live/chat/dmStore.ts on an asynchronous store).
 */
import type Database from 'better-sqlite3';

/** A live_polls row (`options` a JSON array of texts). */
export interface PollRow {
  id: number;
  stream_id: number;
  question: string;
  options: string;
  created_by: string;
  created_at: number;
  ends_at: number;
  ended_at: number | null;
}

export interface PollStore {
  insert(p: Omit<PollRow, 'id' | 'ended_at'>): number;
  byId(id: number): PollRow | undefined;
  /** The stream's newest poll. */
  latest(streamId: number): PollRow | undefined;
  /** Every poll not marked ended (open ones, and ones whose time ran out while the service was down). */
  unended(): PollRow[];
  end(id: number, at: number): void;
  /** Records a vote; false when this voter already voted in this poll. */
  vote(pollId: number, voter: string, option: number, at: number): boolean;
  /** Votes per option index. */
  tally(pollId: number): Map<number, number>;
  /** The option `voter` voted for, or undefined. */
  voteOf(pollId: number, voter: string): number | undefined;
}

/** The poll store over the live database. */
export function createSqlitePollStore(db: Database.Database): PollStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO live_polls (stream_id, question, options, created_by, created_at, ends_at)
       VALUES (@stream_id, @question, @options, @created_by, @created_at, @ends_at)`,
    ),
    byId: db.prepare('SELECT * FROM live_polls WHERE id = ?'),
    latest: db.prepare('SELECT * FROM live_polls WHERE stream_id = ? ORDER BY id DESC LIMIT 1'),
    unended: db.prepare('SELECT * FROM live_polls WHERE ended_at IS NULL'),
    end: db.prepare('UPDATE live_polls SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    vote: db.prepare('INSERT OR IGNORE INTO live_poll_votes (poll_id, voter, option, created_at) VALUES (?, ?, ?, ?)'),
    tally: db.prepare('SELECT option, count(*) AS n FROM live_poll_votes WHERE poll_id = ? GROUP BY option'),
    voteOf: db.prepare('SELECT option FROM live_poll_votes WHERE poll_id = ? AND voter = ?').pluck(),
  };
  return {
    insert: (p) => Number(q.insert.run(p).lastInsertRowid),
    byId: (id) => q.byId.get(id) as PollRow | undefined,
    latest: (streamId) => q.latest.get(streamId) as PollRow | undefined,
    unended: () => q.unended.all() as PollRow[],
    end: (id, at) => void q.end.run(at, id),
    vote: (pollId, voter, option, at) => q.vote.run(pollId, voter, option, at).changes === 1,
    tally: (pollId) => new Map((q.tally.all(pollId) as { option: number; n: number }[]).map((r) => [r.option, r.n])),
    voteOf: (pollId, voter) => q.voteOf.get(pollId, voter) as number | undefined,
  };
}
