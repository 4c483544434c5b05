/**
 * Where the stream chat rooms keep their messages, bans and moderators: the {@link RoomStore}
 * interface the `Rooms` domain class calls, and its SQLite implementation over live_messages,
 * live_bans and live_room_mods.
 *
 * The methods are synchronous, as better-sqlite3 is. An asynchronous store (Postgres) would
 * implement the same methods returning Promises: the interface then becomes `Promise<T>` for
 * each return, and `Rooms` awaits each call (its message handlers are already async, the hub
 * awaits them one after another per connection).
 */
import type Database from 'better-sqlite3';

/** A live_messages row. */
export interface MessageRow {
  id: number;
  room: string;
  kind: 'chat' | 'gift' | 'system';
  sender: string | null;
  handle: string | null;
  text: string;
  /** The gift receipt of a gift message, as JSON. */
  data: string | null;
  created_at: number;
  deleted_at: number | null;
  /** Set while the message is held for review. */
  held_at: number | null;
}

/** A live_mod_log row. */
export interface ModLogRow {
  id: number;
  stream_id: number;
  at: number;
  by: string;
  action: string;
  target: string | null;
  detail: string;
}

export interface NewMessage {
  room: string;
  kind: MessageRow['kind'];
  sender: string | null;
  handle: string | null;
  text: string;
  data: string | null;
  at: number;
  /** Held for review (not shown until a moderator approves it). */
  held?: boolean;
}

export interface RoomStore {
  /** Stores a message; its id. */
  insertMessage(m: NewMessage): number;
  /** The last `limit` visible messages of a room before message id `before`, newest first. */
  history(room: string, before: number, limit: number): MessageRow[];
  /** A message, deleted or not. */
  message(id: number): MessageRow | undefined;
  /** Marks a message deleted (no-op when it already is). */
  deleteMessage(id: number, at: number, by: string): void;
  setMessageData(id: number, data: string): void;
  /** Up to `limit` messages of `room` held for review, oldest first (deleted ones left out). */
  held(room: string, limit: number): MessageRow[];
  /** Whether `sender` has a shown chat message in `room` (shield mode holds a first one). */
  hasSpoken(room: string, sender: string): boolean;
  /** Shows a held message; false when it was not held. */
  approve(id: number): boolean;
  /** The channel's blocked terms, in the order added. */
  terms(streamId: number): string[];
  addTerms(streamId: number, terms: string[], by: string, at: number): void;
  removeTerms(streamId: number, terms: string[]): void;
  /** Appends to the moderation log. */
  log(e: Omit<ModLogRow, 'id'>): void;
  /** Up to `limit` log entries of a stream with ids below `before`, newest first. */
  logPage(streamId: number, before: number, limit: number): ModLogRow[];
  /** The ban or timeout of an address in a stream's room (until null: banned for good). */
  ban(streamId: number, address: string): { until: number | null } | undefined;
  /** Sets (or replaces) a ban or timeout. */
  putBan(streamId: number, address: string, until: number | null, by: string, reason: string, at: number): void;
  unban(streamId: number, address: string): void;
  /** The moderators a broadcaster appointed. */
  mods(streamId: number): string[];
  addMod(streamId: number, address: string, by: string, at: number): void;
  removeMod(streamId: number, address: string): void;
}

/** The room store over the live database. */
export function createSqliteRoomStore(db: Database.Database): RoomStore {
  const stmt = {
    insert: db.prepare(
      'INSERT INTO live_messages (room, kind, sender, handle, text, data, created_at, held_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    history: db.prepare(
      'SELECT * FROM live_messages WHERE room = ? AND deleted_at IS NULL AND held_at IS NULL AND id < ? ORDER BY id DESC LIMIT ?',
    ),
    held: db.prepare(
      'SELECT * FROM live_messages WHERE room = ? AND deleted_at IS NULL AND held_at IS NOT NULL ORDER BY id LIMIT ?',
    ),
    hasSpoken: db
      .prepare(
        "SELECT 1 FROM live_messages WHERE room = ? AND sender = ? AND kind = 'chat' AND held_at IS NULL AND deleted_at IS NULL LIMIT 1",
      )
      .pluck(),
    approve: db.prepare(
      'UPDATE live_messages SET held_at = NULL WHERE id = ? AND held_at IS NOT NULL AND deleted_at IS NULL',
    ),
    terms: db.prepare('SELECT term FROM live_blocked_terms WHERE stream_id = ? ORDER BY created_at, term').pluck(),
    addTerm: db.prepare(
      'INSERT OR IGNORE INTO live_blocked_terms (stream_id, term, added_by, created_at) VALUES (?, ?, ?, ?)',
    ),
    removeTerm: db.prepare('DELETE FROM live_blocked_terms WHERE stream_id = ? AND term = ?'),
    log: db.prepare(
      'INSERT INTO live_mod_log (stream_id, at, by, action, target, detail) VALUES (@stream_id, @at, @by, @action, @target, @detail)',
    ),
    logPage: db.prepare('SELECT * FROM live_mod_log WHERE stream_id = ? AND id < ? ORDER BY id DESC LIMIT ?'),
    message: db.prepare('SELECT * FROM live_messages WHERE id = ?'),
    del: db.prepare('UPDATE live_messages SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL'),
    setData: db.prepare('UPDATE live_messages SET data = ? WHERE id = ?'),
    ban: db.prepare('SELECT until FROM live_bans WHERE stream_id = ? AND address = ?'),
    putBan: db.prepare(
      'INSERT INTO live_bans (stream_id, address, until, by, reason, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (stream_id, address) DO UPDATE SET until = excluded.until, by = excluded.by, reason = excluded.reason, created_at = excluded.created_at',
    ),
    unban: db.prepare('DELETE FROM live_bans WHERE stream_id = ? AND address = ?'),
    mods: db.prepare('SELECT address FROM live_room_mods WHERE stream_id = ?').pluck(),
    addMod: db.prepare(
      'INSERT OR IGNORE INTO live_room_mods (stream_id, address, appointed_by, created_at) VALUES (?, ?, ?, ?)',
    ),
    removeMod: db.prepare('DELETE FROM live_room_mods WHERE stream_id = ? AND address = ?'),
  };
  return {
    insertMessage: (m) =>
      Number(
        stmt.insert.run(m.room, m.kind, m.sender, m.handle, m.text, m.data, m.at, m.held ? m.at : null).lastInsertRowid,
      ),
    held: (room, limit) => stmt.held.all(room, limit) as MessageRow[],
    approve: (id) => stmt.approve.run(id).changes === 1,
    hasSpoken: (room, sender) => stmt.hasSpoken.get(room, sender) !== undefined,
    terms: (streamId) => stmt.terms.all(streamId) as string[],
    addTerms: db.transaction((streamId: number, terms: string[], by: string, at: number) => {
      for (const t of terms) stmt.addTerm.run(streamId, t, by, at);
    }),
    removeTerms: db.transaction((streamId: number, terms: string[]) => {
      for (const t of terms) stmt.removeTerm.run(streamId, t);
    }),
    log: (e) => void stmt.log.run(e),
    logPage: (streamId, before, limit) => stmt.logPage.all(streamId, before, limit) as ModLogRow[],
    history: (room, before, limit) => stmt.history.all(room, before, limit) as MessageRow[],
    message: (id) => stmt.message.get(id) as MessageRow | undefined,
    deleteMessage: (id, at, by) => void stmt.del.run(at, by, id),
    setMessageData: (id, data) => void stmt.setData.run(data, id),
    ban: (streamId, address) => stmt.ban.get(streamId, address) as { until: number | null } | undefined,
    putBan: (streamId, address, until, by, reason, at) =>
      void stmt.putBan.run(streamId, address, until, by, reason, at),
    unban: (streamId, address) => void stmt.unban.run(streamId, address),
    mods: (streamId) => stmt.mods.all(streamId) as string[],
    addMod: (streamId, address, by, at) => void stmt.addMod.run(streamId, address, by, at),
    removeMod: (streamId, address) => void stmt.removeMod.run(streamId, address),
  };
}
