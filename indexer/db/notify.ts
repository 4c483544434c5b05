/**
 * How the one indexer writer tells API replicas (`npm run indexer -- --api-only`) that the index
 * changed, on Postgres: LISTEN/NOTIFY on channel `blive_index`.
 *
 * The writer runs `SELECT pg_notify('blive_index', payload)` inside each transaction that changes
 * what the API serves, so a notification is delivered only if, and when, its transaction commits,
 * and notifications arrive in commit order. The payload is small JSON, never rows (replicas read
 * the rows themselves):
 * - `{"kind":"commit","from":F,"to":T,"final":N}`: blocks F..T were indexed (final block N);
 * - `{"kind":"final","final":N}`: the final block advanced to N without new blocks;
 * - `{"kind":"rollback","forkPoint":P,"final":N}`: a reorg removed everything above block P.
 *
 * Notifications are not stored: one sent while a replica was not listening is lost. So after
 * every (re)connection the listener emits `{"kind":"resync"}` (never sent by the writer), and the
 * replica compares what it published with the rows (api/publisher.ts): nothing is missed or sent
 * twice across a lost connection.
 */
import pg from 'pg';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';

/** The channel the writer notifies and replicas listen on. */
export const INDEX_CHANNEL = 'blive_index';

/** The statement the writer runs inside a transaction: delivered at its commit, in commit order. */
export const NOTIFY_SQL = 'SELECT pg_notify(?, ?)';

/** A change to the index, as the writer announces it; `resync` is the listener's own (it may have missed some). */
export type IndexChange =
  | { kind: 'commit'; from: number; to: number; final: number }
  | { kind: 'final'; final: number }
  | { kind: 'rollback'; forkPoint: number; final: number }
  | { kind: 'resync' };

/** A feed of the writer's changes, in commit order. */
export interface IndexChanges {
  /** Calls `listener` with every change from now on; returns the unsubscribe function. */
  subscribe(listener: (change: IndexChange) => void): () => void;
}

/** The payload of a change (never `resync`). */
export function encodeChange(c: Exclude<IndexChange, { kind: 'resync' }>): string {
  return JSON.stringify(c);
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

/** The change a payload announces, or undefined for one this code does not know (a newer writer). */
export function decodeChange(payload: string | undefined): IndexChange | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(payload ?? '') as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (v.kind === 'commit' && isInt(v.from) && isInt(v.to) && isInt(v.final))
    return { kind: 'commit', from: v.from, to: v.to, final: v.final };
  if (v.kind === 'final' && isInt(v.final)) return { kind: 'final', final: v.final };
  if (v.kind === 'rollback' && isInt(v.forkPoint) && isInt(v.final))
    return { kind: 'rollback', forkPoint: v.forkPoint, final: v.final };
  return undefined;
}

/** The application_name of the listening connection (operators and tests find it in pg_stat_activity). */
export const LISTEN_APPLICATION = 'blive-api-listen';

export interface ListenOptions {
  log?: Logger;
  /** First pause before reconnecting, doubled up to `maxRetryMs` (default 250 ms, 5 s). */
  retryMs?: number;
  maxRetryMs?: number;
  /** A connection that answers no `SELECT 1` within this is dropped and opened again (default 10 s, checked as often). */
  pingMs?: number;
}

export interface ChangeListener extends IndexChanges {
  /** Whether the LISTEN is in place now. */
  connected(): boolean;
  /** Resolves once the first LISTEN is in place. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Listens on INDEX_CHANNEL of `url`, reconnecting whenever the connection drops. */
export function listenIndexChanges(url: string, opts: ListenOptions = {}): ChangeListener {
  const listeners = new Set<(c: IndexChange) => void>();
  const emit = (c: IndexChange): void => {
    for (const l of [...listeners]) {
      try {
        l(c);
      } catch (e) {
        opts.log?.warn('an index change listener failed', { error: describeError(e) });
      }
    }
  };
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let ping: NodeJS.Timeout | undefined;
  let firstReady: () => void = () => undefined;
  const first = new Promise<void>((resolve) => {
    firstReady = resolve;
  });

  function retry(): void {
    if (closed || timer) return;
    const wait = Math.min(opts.maxRetryMs ?? 5_000, (opts.retryMs ?? 250) * 2 ** Math.min(failures++, 10));
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, wait);
  }

  /** Drops `c` (if it is still the current one) and schedules a new connection. */
  function lost(c: pg.Client, why: string): void {
    if (client !== c) return;
    client = undefined;
    listening = false;
    clearInterval(ping);
    if (!closed) opts.log?.warn('lost the connection that listens to the writer: reconnecting', { error: why });
    c.end().catch(() => undefined);
    retry();
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: LISTEN_APPLICATION, keepAlive: true });
    c.on('error', (e) => lost(c, e.message));
    c.on('end', () => lost(c, 'the connection ended'));
    c.on('notification', (n) => {
      if (n.channel !== INDEX_CHANNEL) return;
      const change = decodeChange(n.payload);
      if (change) emit(change);
      // A change this version cannot read: compare everything instead of guessing.
      else emit({ kind: 'resync' });
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${INDEX_CHANNEL}`);
    } catch (e) {
      lost(c, describeError(e));
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    failures = 0;
    listening = true;
    const every = opts.pingMs ?? 10_000;
    ping = setInterval(() => {
      const t = setTimeout(() => lost(c, `no answer to a ping within ${every} ms`), every);
      t.unref();
      c.query('SELECT 1').then(
        () => clearTimeout(t),
        (e: unknown) => {
          clearTimeout(t);
          lost(c, describeError(e));
        },
      );
    }, every);
    ping.unref();
    // Whatever was committed before this LISTEN (or while it was down) was not heard: compare.
    emit({ kind: 'resync' });
    firstReady();
  }

  void connect();
  return {
    subscribe(l) {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
    connected: () => listening,
    ready: () => first,
    async close() {
      closed = true;
      listening = false;
      clearTimeout(timer);
      clearInterval(ping);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
