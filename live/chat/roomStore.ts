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
}

export interface NewMessage {
  room: string;
  kind: MessageRow['kind'];
  sender: string | null;
  handle: string | null;
  text: string;
  data: string | null;
  at: number;
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
      'INSERT INTO live_messages (room, kind, sender, handle, text, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    history: db.prepare(
      'SELECT * FROM live_messages WHERE room = ? AND deleted_at IS NULL AND id < ? ORDER BY id DESC LIMIT ?',
    ),
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
      Number(stmt.insert.run(m.room, m.kind, m.sender, m.handle, m.text, m.data, m.at).lastInsertRowid),
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
