/**
 * Where notifications are kept: the {@link NotificationStore} interface the notifier calls, and
 * its SQLite implementation over live_notifications, live_notification_settings,
 * live_notified_gifts and live_state.
 *
 * The methods are synchronous, as better-sqlite3 is; an asynchronous store would return Promises
 * from each, as live/chat/dmStore.ts says of the DM store.
 */
import type Database from 'better-sqlite3';
import type { NotificationKind } from '../../lib/protocol/payloads.js';

/** A live_notifications row. */
export interface NotificationRow {
  id: number;
  account: string;
  kind: NotificationKind;
  key: string;
  data: string;
  at: number;
  read_at: number | null;
  delivered: number;
}

export interface NotificationStore {
  /** Adds a notification unless one with this key exists; the new row, or undefined. */
  add(
    account: string,
    kind: NotificationKind,
    key: string,
    data: string,
    at: number,
    delivered: boolean,
  ): NotificationRow | undefined;
  /** The notification with this key, or undefined. */
  byKey(account: string, key: string): NotificationRow | undefined;
  /**
   * Replaces a notification by a new one (a new id, so it moves to the top) with this data and
   * time, unread.
   */
  replace(row: NotificationRow, data: string, at: number, delivered: boolean): NotificationRow;
  /** Up to `limit` delivered notifications of `account` with ids below `before`, newest first. */
  page(account: string, before: number, limit: number): NotificationRow[];
  /** How many of `account`'s delivered notifications are unread. */
  unread(account: string): number;
  /** Marks some of `account`'s delivered notifications read (all when `ids` is undefined); how many changed. */
  markRead(account: string, ids: number[] | undefined, at: number): number;
  /** Rows not delivered yet whose `at` is at or before `now`, oldest first (at most `limit`). */
  due(now: number, limit: number): NotificationRow[];
  setDelivered(id: number): void;
  /** The kinds `account` switched off or on (kinds never set are absent). */
  settings(account: string): Partial<Record<NotificationKind, boolean>>;
  setSetting(account: string, kind: NotificationKind, enabled: boolean): void;
  /** Remembers a gift as notified; false when it already was. */
  markGift(txId: string, logIndex: number, at: number): boolean;
  /** Forgets notified gifts older than `before` (ms). */
  sweepGifts(before: number): void;
  /** A named value of live_state. */
  getState(name: string): string | undefined;
  setState(name: string, value: string): void;
  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T;
}

/** The notification store over the live database. */
export function createSqliteNotificationStore(db: Database.Database): NotificationStore {
  const q = {
    add: db.prepare(
      `INSERT INTO live_notifications (account, kind, key, data, at, delivered) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, key) DO NOTHING RETURNING *`,
    ),
    byKey: db.prepare('SELECT * FROM live_notifications WHERE account = ? AND key = ?'),
    remove: db.prepare('DELETE FROM live_notifications WHERE id = ?'),
    page: db.prepare(
      'SELECT * FROM live_notifications WHERE account = ? AND id < ? AND delivered = 1 ORDER BY id DESC LIMIT ?',
    ),
    unread: db
      .prepare('SELECT count(*) FROM live_notifications WHERE account = ? AND read_at IS NULL AND delivered = 1')
      .pluck(),
    readAll: db.prepare(
      'UPDATE live_notifications SET read_at = ? WHERE account = ? AND read_at IS NULL AND delivered = 1',
    ),
    readOne: db.prepare(
      'UPDATE live_notifications SET read_at = ? WHERE account = ? AND id = ? AND read_at IS NULL AND delivered = 1',
    ),
    due: db.prepare('SELECT * FROM live_notifications WHERE delivered = 0 AND at <= ? ORDER BY at LIMIT ?'),
    delivered: db.prepare('UPDATE live_notifications SET delivered = 1 WHERE id = ?'),
    settings: db.prepare('SELECT kind, enabled FROM live_notification_settings WHERE account = ?'),
    setSetting: db.prepare(
      `INSERT INTO live_notification_settings (account, kind, enabled) VALUES (?, ?, ?)
       ON CONFLICT (account, kind) DO UPDATE SET enabled = excluded.enabled`,
    ),
    markGift: db.prepare('INSERT OR IGNORE INTO live_notified_gifts (tx_id, log_index, at) VALUES (?, ?, ?)'),
    sweepGifts: db.prepare('DELETE FROM live_notified_gifts WHERE at < ?'),
    getState: db.prepare('SELECT value FROM live_state WHERE name = ?').pluck(),
    setState: db.prepare(
      'INSERT INTO live_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),
  };
  const markMany = db.transaction((account: string, ids: number[], at: number): number => {
    let n = 0;
    for (const id of ids) n += q.readOne.run(at, account, id).changes;
    return n;
  });
  return {
    add: (account, kind, key, data, at, delivered) =>
      q.add.get(account, kind, key, data, at, delivered ? 1 : 0) as NotificationRow | undefined,
    byKey: (account, key) => q.byKey.get(account, key) as NotificationRow | undefined,
    replace: db.transaction((row: NotificationRow, data: string, at: number, delivered: boolean) => {
      q.remove.run(row.id);
      return q.add.get(row.account, row.kind, row.key, data, at, delivered ? 1 : 0) as NotificationRow;
    }),
    page: (account, before, limit) => q.page.all(account, before, limit) as NotificationRow[],
    unread: (account) => q.unread.get(account) as number,
    markRead: (account, ids, at) =>
      ids === undefined ? q.readAll.run(at, account).changes : markMany(account, ids, at),
    due: (now, limit) => q.due.all(now, limit) as NotificationRow[],
    setDelivered: (id) => void q.delivered.run(id),
    settings: (account) =>
      Object.fromEntries(
        (q.settings.all(account) as { kind: NotificationKind; enabled: number }[]).map((r) => [
          r.kind,
          r.enabled === 1,
        ]),
      ),
    setSetting: (account, kind, enabled) => void q.setSetting.run(account, kind, enabled ? 1 : 0),
    markGift: (txId, logIndex, at) => q.markGift.run(txId, logIndex, at).changes === 1,
    sweepGifts: (before) => void q.sweepGifts.run(before),
    getState: (name) => q.getState.get(name) as string | undefined,
    setState: (name, value) => void q.setState.run(name, value),
    transaction: (fn) => db.transaction(fn)(),
  };
}
