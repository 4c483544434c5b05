/**
 * Where sign-in keeps its state: single-use nonces (live_nonces) and sessions (live_sessions,
 * named by the sha256 of their token). The {@link AuthStore} interface `createAuth` calls, and
 * its SQLite implementation.
 *
 * The methods are synchronous, as better-sqlite3 is, and so is `transaction`. An asynchronous
 * store would return Promises: nonce and verify are async already and would await each call;
 * session lookups (every request and socket upgrade) would become async too, which their
 * callers (the HTTP routes and the hub's upgrade) would then await; `transaction` would take
 * an async callback run inside a database transaction.
 */
import type Database from 'better-sqlite3';

export interface NonceRow {
  nonce: string;
  address: string;
  /** The exact message issued for signing. */
  message: string;
  issued_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SessionRow {
  address: string;
  created_at: number;
  expires_at: number;
}

export interface AuthStore {
  /** Runs `fn` atomically (never pass an async callback). */
  transaction<T>(fn: () => T): T;
  insertNonce(n: Omit<NonceRow, 'used_at'>): void;
  nonce(nonce: string): NonceRow | undefined;
  /** Marks a nonce used; false when it was already (or does not exist). */
  useNonce(nonce: string, at: number): boolean;
  /** Deletes nonces that expired before `before`. */
  purgeNonces(before: number): void;
  insertSession(id: string, address: string, createdAt: number, expiresAt: number): void;
  session(id: string): SessionRow | undefined;
  slideSession(id: string, expiresAt: number): void;
  /** Deletes a session; whether there was one. */
  deleteSession(id: string): boolean;
  /** Deletes sessions that expired before `before`. */
  purgeSessions(before: number): void;
}

/** The auth store over the live database. */
export function createSqliteAuthStore(db: Database.Database): AuthStore {
  const insertNonce = db.prepare(
    'INSERT INTO live_nonces (nonce, address, message, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const getNonce = db.prepare('SELECT * FROM live_nonces WHERE nonce = ?');
  const useNonce = db.prepare('UPDATE live_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL');
  const insertSession = db.prepare(
    'INSERT INTO live_sessions (token_hash, address, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const getSession = db.prepare('SELECT address, created_at, expires_at FROM live_sessions WHERE token_hash = ?');
  const slideSession = db.prepare('UPDATE live_sessions SET expires_at = ? WHERE token_hash = ?');
  const deleteSession = db.prepare('DELETE FROM live_sessions WHERE token_hash = ?');
  const purge = db.prepare('DELETE FROM live_nonces WHERE expires_at < ?');
  const purgeSessions = db.prepare('DELETE FROM live_sessions WHERE expires_at < ?');
  return {
    transaction: (fn) => db.transaction(fn)(),
    insertNonce: (n) => void insertNonce.run(n.nonce, n.address, n.message, n.issued_at, n.expires_at),
    nonce: (nonce) => getNonce.get(nonce) as NonceRow | undefined,
    useNonce: (nonce, at) => useNonce.run(at, nonce).changes === 1,
    purgeNonces: (before) => void purge.run(before),
    insertSession: (id, address, createdAt, expiresAt) => void insertSession.run(id, address, createdAt, expiresAt),
    session: (id) => getSession.get(id) as SessionRow | undefined,
    slideSession: (id, expiresAt) => void slideSession.run(expiresAt, id),
    deleteSession: (id) => deleteSession.run(id).changes > 0,
    purgeSessions: (before) => void purgeSessions.run(before),
  };
}
