/**
 * The BLive indexer: follows a TRON node (devnet, java-tron or TronGrid), mirrors the events of
 * Profiles, GiftVault and RewardPool into SQLite (or Postgres with DATABASE_URL), and keeps it
 * right through reorgs and crashes. `createIndexer` opens (and migrates) the database, at once for
 * SQLite and in the background for Postgres (`ready()`); `start()` runs the sync loop in the
 * background; `sync()` catches up once; `reindex()` rebuilds the derived tables from the raw
 * store; `verify()` reconciles them with the contracts' views.
 */
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { loadConfig, type IndexerConfig } from './internal/config.js';
import { CONTRACT_NAMES, type ContractName, type Deployment } from '../lib/deployments.js';
import { isStorageFull } from '../lib/diskFull.js';
import { describeError, FatalError, isRetryable } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/log.js';
import { openDatabase } from './db/open.js';
import { encodeChange, INDEX_CHANNEL, NOTIFY_SQL } from './db/notify.js';
import { openPostgres } from './db/openPg.js';
import { type SqlConnection, sqliteConnection } from './db/sql.js';
import { DerivedStore } from './store/derived.js';
import { RawStore } from './store/raw.js';
import { reindex, type ReindexResult } from './store/reindex.js';
import type { HandlerContext } from './handlers/context.js';
import { createDecoder } from './sync/decoder.js';
import {
  createFollower,
  type CommittedBatch,
  type Follower,
  type FollowerHooks,
  type StepResult,
} from './sync/follower.js';
import { createTronClient } from './sync/tronClient.js';
import { verifyIndex, type VerifyReport } from './verify.js';

export { loadConfig, type IndexerConfig } from './internal/config.js';
export type { VerifyReport, Difference } from './verify.js';
export type { ReindexResult } from './store/reindex.js';
export { indexNeedsRebuild, readIndexHead, type IndexHead } from './store/head.js';
export type { StepResult, FollowerHooks, CommittedBatch } from './sync/follower.js';

export interface IndexerParams {
  /** Overrides on top of the environment's configuration (see internal/config.ts). */
  config?: Partial<IndexerConfig>;
  /** Environment to read the configuration from (default process.env). */
  env?: Record<string, string | undefined>;
  log?: Logger;
  hooks?: FollowerHooks;
  /** Rows the write cache keeps before it is emptied (default 300,000). */
  cacheRows?: number;
}

export interface RollbackListener {
  before?(forkPoint: number): void;
  after?(rollback: { forkPoint: number; depth: number }): void;
}

export interface IndexerStatus {
  running: boolean;
  /** Node head and solidified head as last seen, -1 before the first poll. */
  head: number;
  solidified: number;
  indexed: number;
  final: number;
  /** Blocks between the head and the last indexed block. */
  lag: number;
  /** Events committed by this process since it started. */
  eventsProcessed: number;
  /** Why the loop stopped, if it did on its own. */
  error?: string;
  /** Why the last commit could not be written (a full disk); the loop retries until one is. */
  storage?: string;
}

export interface Indexer {
  readonly config: IndexerConfig;
  /**
   * The SQLite database, for the API (read only by convention: only the indexer writes). On
   * Postgres (DATABASE_URL) reading it throws: the API reads Postgres through its own pool
   * (`postgresApiDb(config.databaseUrl)`, api/apiDb.ts).
   */
  readonly db: Database.Database;
  /**
   * Resolves once the database is open, migrated, checked against the deployment and rebuilt if a
   * migration asked for it; rejects with what went wrong. Every other operation waits for it.
   */
  ready(): Promise<void>;
  /** Runs the sync loop in the background until stop(); retryable errors are retried with backoff. */
  start(): void;
  /** Stops the loop after the current step. */
  stop(): Promise<void>;
  /** Resolves when the loop ends; rejects with the fatal error that stopped it. */
  done(): Promise<void>;
  status(): IndexerStatus;
  /**
   * Calls `listener` synchronously after every committed batch of blocks, in commit order (the
   * API's subscriptions read the new rows from there). Returns the unsubscribe function.
   */
  onCommit(listener: (batch: CommittedBatch) => void): () => void;
  /**
   * Reorg listeners: `before` runs inside the rollback's transaction while the rows above
   * `forkPoint` still exist (read them then), `after` once it committed. Returns the unsubscribe.
   */
  onRollback(listener: RollbackListener): () => void;
  /** Calls `listener` with the new final block whenever finality advances. Returns the unsubscribe. */
  onFinality(listener: (finalNumber: number) => void): () => void;
  /** Catches up with the node's head and solidified head once, then returns. */
  sync(): Promise<StepResult>;
  /** Rebuilds every derived table from the raw store. */
  reindex(): Promise<ReindexResult>;
  /** Reconciles the index with the contracts' views at the solidified head. */
  verify(): Promise<VerifyReport>;
  /** stop() and close the database. */
  close(): Promise<void>;
}

/** indexer_meta key a migration sets when the derived tables must be rebuilt (its value says why). */
export const REBUILD_KEY = 'rebuild_required';

const META_KEYS = ['network', 'deployBlock', ...CONTRACT_NAMES] as const;

/** The indexer_meta rows that tie a database to deployment `d` (a writer sets them; an API replica checks them). */
export function deploymentMeta(d: Deployment): Record<(typeof META_KEYS)[number], string> {
  return {
    network: d.network,
    deployBlock: String(d.deployBlock),
    ...(Object.fromEntries(CONTRACT_NAMES.map((name) => [name, d.contracts[name].address])) as Record<
      ContractName,
      string
    >),
  };
}

interface Opened {
  conn: SqlConnection;
  raw: RawStore;
  derived: DerivedStore;
  ctx: HandlerContext;
  follower: Follower;
}

/** Opens the database and wires the sync; nothing runs until start() or sync(). */
export function createIndexer(params: IndexerParams = {}): Indexer {
  const config = loadConfig(params.config, params.env);
  const log = params.log ?? createLogger({ fields: { component: 'indexer', network: config.network } });
  // Read the ABIs before opening anything: a missing artifact is a configuration error.
  const decoder = createDecoder(config.deployment);
  const d = config.deployment;
  const where = config.databaseUrl ? 'this DATABASE_URL' : config.dbPath;

  // One database per deployment: refuse to mix two deployments' rows.
  const expected = deploymentMeta(d);
  const mismatch = (k: (typeof META_KEYS)[number], v: string): FatalError =>
    new FatalError(
      `${where} was built for ${k} = ${v}, not ${expected[k]}: use another ${config.databaseUrl ? 'database' : 'INDEXER_DB'}`,
    );

  // SQLite opens here, so a wrong file fails createIndexer itself; Postgres connects in open().
  let sqlite: Database.Database | undefined;
  if (!config.databaseUrl) {
    const fresh = config.dbPath !== ':memory:' && !existsSync(config.dbPath);
    sqlite = openDatabase(config.dbPath).sqlite;
    if (fresh)
      log.info('starting a new index for this deployment', {
        db: config.dbPath,
        network: d.network,
        gift_vault: d.contracts.GiftVault.address,
      });
    const getMeta = sqlite.prepare('SELECT value FROM indexer_meta WHERE key = ?').pluck();
    for (const k of META_KEYS) {
      const v = getMeta.get(k) as string | undefined;
      if (v !== undefined && v !== expected[k]) {
        sqlite.close();
        throw mismatch(k, v);
      }
    }
  }

  const client = createTronClient({
    nodeUrl: config.nodeUrl,
    solidityUrl: config.solidityUrl,
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    timeoutMs: config.requestTimeoutMs,
    attempts: config.requestAttempts,
    log,
  });
  const listeners = new Set<(batch: CommittedBatch) => void>();
  const rollbackListeners = new Set<RollbackListener>();
  const finalityListeners = new Set<(finalNumber: number) => void>();
  const guarded = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      log.warn(`${what} listener failed`, { error: describeError(e) });
    }
  };
  let eventsProcessed = 0;
  const afterCommit = (batch: CommittedBatch): void => {
    params.hooks?.afterCommit?.(batch);
    eventsProcessed += batch.events;
    for (const l of [...listeners]) {
      try {
        l(batch);
      } catch (e) {
        log.warn('commit listener failed', { error: describeError(e) });
      }
    }
  };
  const hooks: FollowerHooks = {
    ...params.hooks,
    afterCommit,
    afterFinality: (finalNumber) => {
      params.hooks?.afterFinality?.(finalNumber);
      for (const l of [...finalityListeners]) guarded('finality', () => l(finalNumber));
    },
    // Not guarded: a listener that cannot read the rows about to go aborts (and retries) the rollback.
    beforeRollback: (forkPoint) => {
      params.hooks?.beforeRollback?.(forkPoint);
      for (const l of [...rollbackListeners]) l.before?.(forkPoint);
    },
    afterRollback: (rb) => {
      params.hooks?.afterRollback?.(rb);
      for (const l of [...rollbackListeners]) guarded('rollback', () => l.after?.(rb));
    },
  };

  let parts: Opened | undefined;
  async function open(): Promise<Opened> {
    const conn = sqlite ? sqliteConnection(sqlite) : await openPostgres(config.databaseUrl!);
    try {
      const raw = new RawStore(conn);
      if (!sqlite)
        for (const k of META_KEYS) {
          const v = await raw.meta(k);
          if (v !== undefined && v !== expected[k]) throw mismatch(k, v);
        }
      await conn.transaction(async () => {
        for (const k of META_KEYS) await raw.setMeta(k, expected[k]);
      });
      const derived = new DerivedStore(conn, params.cacheRows === undefined ? {} : { maxCached: params.cacheRows });
      const ctx: HandlerContext = {
        store: derived,
        addresses: {
          Profiles: d.contracts.Profiles.address,
          GiftVault: d.contracts.GiftVault.address,
          RewardPool: d.contracts.RewardPool.address,
        },
      };
      const follower = createFollower({
        conn,
        raw,
        derived,
        client,
        decoder,
        ctx,
        deployBlock: d.deployBlock,
        batchSize: config.batchSize,
        fetchConcurrency: config.fetchConcurrency,
        log,
        hooks,
        // API replicas (--api-only) hear of each change when it commits.
        ...(conn.dialect === 'postgres'
          ? { announce: (c) => conn.run(NOTIFY_SQL, [INDEX_CHANNEL, encodeChange(c)]) }
          : {}),
      });
      await follower.load();
      // A migration that changed how handlers derive rows asks for them to be rebuilt from the raw
      // store before anything syncs; the marker goes only once the rebuild committed (a crash redoes it).
      const rebuildReason = await raw.meta(REBUILD_KEY);
      if (rebuildReason !== undefined) {
        const r = await reindex(conn, raw, derived, ctx);
        await raw.deleteMeta(REBUILD_KEY);
        log.info('rebuilt the derived tables from the raw store, as a migration asked', {
          reason: rebuildReason,
          events: r.events,
          ms: Math.round(r.ms),
        });
      }
      parts = { conn, raw, derived, ctx, follower };
      return parts;
    } catch (e) {
      await conn.close();
      throw e;
    }
  }
  const opened = open();
  // ready() and every operation report it; keep an unobserved rejection from crashing the process.
  opened.catch(() => undefined);

  // Steps, sync(), reindex() and verify() never interleave.
  let lock: Promise<unknown> = opened.catch(() => undefined);
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  };

  let loop: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  let lastError: string | undefined;
  let storageProblem: string | undefined;
  let closed = false;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function runLoop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const r = await exclusive(async () => (await opened).follower.step());
        failures = 0;
        if (storageProblem) {
          log.info('the database accepts writes again: indexing resumes', {});
          storageProblem = undefined;
        }
        if (!r.progressed) await pause(config.pollIntervalMs);
      } catch (e) {
        if (!isRetryable(e)) {
          lastError = describeError(e);
          log.error('sync stopped on a fatal error', {
            error: lastError,
            ...(e instanceof FatalError ? e.context : {}),
          });
          throw e;
        }
        failures++;
        if (isStorageFull(e)) {
          if (!storageProblem)
            log.error('the database cannot be written (disk full?): retrying until it can', {
              error: describeError(e),
              db: config.dbPath,
            });
          storageProblem = describeError(e);
        }
        // A full disk is checked again soon: space usually comes back by someone's hand, not by itself.
        const wait = storageProblem
          ? Math.min(5_000, 500 * failures)
          : Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        log.warn('sync step failed, retrying', { error: describeError(e), attempt: failures, wait_ms: wait });
        await pause(wait);
      }
    }
  }

  /** Steps until nothing is left to do, retrying retryable errors a few times. */
  async function catchUp(): Promise<StepResult> {
    let failures = 0;
    for (;;) {
      try {
        const r = await (await opened).follower.step();
        if (!r.progressed) return r;
      } catch (e) {
        if (!isRetryable(e) || ++failures > 5) throw e;
        log.warn('sync step failed, retrying', { error: describeError(e), attempt: failures });
        await new Promise((res) => setTimeout(res, 200 * 2 ** failures));
      }
    }
  }

  const indexer: Indexer = {
    config,
    get db(): Database.Database {
      if (!sqlite)
        throw new FatalError(
          'the index is in Postgres (DATABASE_URL): read it through postgresApiDb(config.databaseUrl), not indexer.db',
        );
      return sqlite;
    },
    async ready() {
      await opened;
    },
    start() {
      if (loop) return;
      stopping = false;
      lastError = undefined;
      loop = runLoop();
      // done() reports the error; keep an unobserved rejection from crashing the process.
      loop.catch(() => undefined);
    },
    async stop() {
      stopping = true;
      wake?.();
      try {
        await loop;
      } catch {
        // reported by done()
      }
      loop = undefined;
    },
    done() {
      return loop ?? Promise.resolve();
    },
    status() {
      const c = parts?.follower.cursor() ?? { indexedNumber: d.deployBlock - 1, indexedHash: '', finalNumber: -1 };
      const seen = parts?.follower.lastSeen() ?? {};
      const head = seen.head?.number ?? -1;
      return {
        running: loop !== undefined && !stopping,
        head,
        solidified: seen.solid?.number ?? -1,
        indexed: c.indexedNumber,
        final: c.finalNumber,
        lag: Math.max(0, head - c.indexedNumber),
        eventsProcessed,
        ...(lastError ? { error: lastError } : {}),
        ...(storageProblem ? { storage: storageProblem } : {}),
      };
    },
    onCommit(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    onRollback(listener) {
      rollbackListeners.add(listener);
      return () => {
        rollbackListeners.delete(listener);
      };
    },
    onFinality(listener) {
      finalityListeners.add(listener);
      return () => {
        finalityListeners.delete(listener);
      };
    },
    sync() {
      return exclusive(catchUp);
    },
    reindex() {
      return exclusive(async () => {
        const { conn, raw, derived, ctx } = await opened;
        const r = await reindex(conn, raw, derived, ctx);
        log.info('reindexed derived tables from the raw store', { events: r.events, ms: Math.round(r.ms) });
        return r;
      });
    },
    verify() {
      return exclusive(async () => {
        const { conn, raw, derived } = await opened;
        return verifyIndex({
          conn,
          raw,
          derived,
          client,
          deployment: d,
          log,
          catchUp: async () => {
            await catchUp();
          },
        });
      });
    },
    async close() {
      if (closed) return;
      await indexer.stop();
      await exclusive(async () => undefined);
      closed = true;
      await opened.then(
        (p) => p.conn.close(),
        () => undefined,
      );
    },
  };
  return indexer;
}
