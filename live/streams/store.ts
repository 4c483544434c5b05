/**
 * Where streams are kept (live_streams, whose autoincrement id is the on-chain `streamId`): the
 * {@link StreamStore} interface `createStreams` calls, and its SQLite implementation.
 *
 * The methods are synchronous, as better-sqlite3 is. An asynchronous store would return
 * Promises: create, update, end, get and list are async already and would await each call;
 * `find`/`row`/`setChatSettings` (which chat calls on every message) would become async, and
 * their callers in live/chat await them in handlers that are async already.
 */
import type Database from 'better-sqlite3';
import type { StreamRow, StreamState } from './service.js';

/** A stream to insert: it starts idle. */
export interface NewStream {
  owner: string;
  title: string;
  category: string;
  /** JSON array of strings. */
  tags: string;
  language: string;
  thumbnail_url: string | null;
  audio_only: 0 | 1;
  record: 0 | 1;
  media_id: string;
  stream_key: string;
  playback_id: string;
  ingest_url: string;
  now: number;
}

/** The metadata columns an update may set (tags as a JSON array). */
export type StreamMetadataColumns = Partial<
  Pick<StreamRow, 'title' | 'category' | 'tags' | 'language' | 'thumbnail_url'>
>;

export interface StreamStore {
  byId(id: number): StreamRow | undefined;
  byMedia(mediaId: string): StreamRow | undefined;
  /** Inserts an idle stream; its id. */
  insert(s: NewStream): number;
  /** Sets the state of a stream not ended (and its start time, when it goes live). */
  setState(id: number, state: StreamState, at: number, startedAt: number): void;
  /** Raises a live stream's peak viewers to `viewers` when it is higher. */
  notePeak(id: number, viewers: number): void;
  /** Every live stream goes idle (a new process has seen no media yet). */
  idleAllLive(at: number): void;
  /** The streams not ended. */
  notEnded(): StreamRow[];
  /** Sets the ingest URL of a stream's media, when it differs. */
  setIngestUrl(mediaId: string, ingestUrl: string): void;
  /** Sets the given metadata columns (none: nothing is written). */
  updateMetadata(id: number, columns: StreamMetadataColumns, at: number): void;
  end(id: number, at: number): void;
  /** Up to `limit` streams, newest first, filtered by state, owner and an id they are below. */
  list(filter: { state?: string; owner?: string; before?: number }, limit: number): StreamRow[];
  setSlowMode(id: number, seconds: number, at: number): void;
  setFollowersOnly(id: number, on: boolean, at: number): void;
  setAcceptRaids(id: number, on: boolean, at: number): void;
  /** Shield mode on (`prev`: the settings it replaced, as JSON) or off (null). */
  setShield(id: number, prev: string | null, at: number): void;
  /** Whether the stream's broadcasts are kept as recordings. */
  setRecord(id: number, on: boolean, at: number): void;
  insertClip(clip: ClipRow): void;
  clip(clipId: string): ClipRow | undefined;
}

/** Who clipped which stream (live_clips). */
export interface ClipRow {
  clip_id: string;
  stream_id: number;
  created_by: string;
  created_at: number;
}

/** The stream store over the live database. */
export function createSqliteStreamStore(db: Database.Database): StreamStore {
  const byId = db.prepare('SELECT * FROM live_streams WHERE id = ?');
  const byMedia = db.prepare('SELECT * FROM live_streams WHERE media_id = ?');
  const insert =
    db.prepare(`INSERT INTO live_streams (owner, title, category, tags, language, thumbnail_url, audio_only, record, state, media_id, stream_key, playback_id, ingest_url, created_at, updated_at)
    VALUES (@owner, @title, @category, @tags, @language, @thumbnail_url, @audio_only, @record, 'idle', @media_id, @stream_key, @playback_id, @ingest_url, @now, @now)`);
  const setState = db.prepare(
    "UPDATE live_streams SET state = ?, updated_at = ?, started_at = CASE WHEN ? = 'live' THEN ? ELSE started_at END, first_live_at = coalesce(first_live_at, CASE WHEN ? = 'live' THEN ? END) WHERE id = ? AND state != 'ended'",
  );
  const notePeak = db.prepare(
    "UPDATE live_streams SET peak_viewers = ? WHERE id = ? AND state = 'live' AND peak_viewers < ?",
  );
  return {
    byId: (id) => byId.get(id) as StreamRow | undefined,
    byMedia: (mediaId) => byMedia.get(mediaId) as StreamRow | undefined,
    insert: (s) => Number(insert.run(s).lastInsertRowid),
    setState: (id, state, at, startedAt) => void setState.run(state, at, state, startedAt, state, startedAt, id),
    notePeak: (id, viewers) => void notePeak.run(viewers, id, viewers),
    idleAllLive: (at) =>
      void db.prepare("UPDATE live_streams SET state = 'idle', updated_at = ? WHERE state = 'live'").run(at),
    notEnded: () =>
      db
        .prepare(
          "SELECT id, title, audio_only, record, media_id, stream_key, playback_id, ingest_url FROM live_streams WHERE state != 'ended'",
        )
        .all() as StreamRow[],
    setIngestUrl: (mediaId, ingestUrl) =>
      void db
        .prepare('UPDATE live_streams SET ingest_url = ? WHERE media_id = ? AND ingest_url != ?')
        .run(ingestUrl, mediaId, ingestUrl),
    updateMetadata(id, columns, at) {
      const sets: string[] = [];
      const vals: unknown[] = [];
      for (const c of ['title', 'category', 'tags', 'language', 'thumbnail_url'] as const) {
        if (columns[c] === undefined) continue;
        sets.push(`${c} = ?`);
        vals.push(columns[c]);
      }
      if (sets.length)
        db.prepare(`UPDATE live_streams SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`).run(...vals, at, id);
    },
    end: (id, at) =>
      void db
        .prepare("UPDATE live_streams SET state = 'ended', ended_at = ?, updated_at = ? WHERE id = ?")
        .run(at, at, id),
    list(f, limit) {
      const where: string[] = [];
      const vals: unknown[] = [];
      if (f.state) {
        where.push('state = ?');
        vals.push(f.state);
      }
      if (f.owner) {
        where.push('owner = ?');
        vals.push(f.owner);
      }
      if (f.before !== undefined) {
        where.push('id < ?');
        vals.push(f.before);
      }
      return db
        .prepare(
          `SELECT * FROM live_streams ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
        )
        .all(...vals, limit) as StreamRow[];
    },
    setSlowMode: (id, seconds, at) =>
      void db
        .prepare('UPDATE live_streams SET slow_mode_seconds = ?, updated_at = ? WHERE id = ?')
        .run(seconds, at, id),
    setFollowersOnly: (id, on, at) =>
      void db
        .prepare('UPDATE live_streams SET followers_only = ?, updated_at = ? WHERE id = ?')
        .run(on ? 1 : 0, at, id),
    setAcceptRaids: (id, on, at) =>
      void db.prepare('UPDATE live_streams SET accept_raids = ?, updated_at = ? WHERE id = ?').run(on ? 1 : 0, at, id),
    setShield: (id, prev, at) =>
      void db.prepare('UPDATE live_streams SET shield_prev = ?, updated_at = ? WHERE id = ?').run(prev, at, id),
    setRecord: (id, on, at) =>
      void db.prepare('UPDATE live_streams SET record = ?, updated_at = ? WHERE id = ?').run(on ? 1 : 0, at, id),
    insertClip: (c) =>
      void db
        .prepare(
          'INSERT INTO live_clips (clip_id, stream_id, created_by, created_at) VALUES (@clip_id, @stream_id, @created_by, @created_at)',
        )
        .run(c),
    clip: (clipId) => db.prepare('SELECT * FROM live_clips WHERE clip_id = ?').get(clipId) as ClipRow | undefined,
  };
}
