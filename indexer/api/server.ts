/**
 * The indexer's HTTP API, built without listening (listen.ts listens; tests use `fetch`):
 * GraphQL (with GraphiQL) at /graphql, subscriptions over SSE, /health, /ready (503 until the
 * indexer has caught up with the head), /metrics (Prometheus text) and /ledger.csv (the filtered
 * ledger, streamed). New gifts and ledger entries are published to subscribers after each batch
 * the indexer commits (or, without an indexer in this process, by `publishNew()`).
 *
 * Abuse is refused cheaply: the query limits (limits.ts, introspection included), a request body
 * cap (413 BODY_TOO_LARGE, checked before parsing), a response cap (RESPONSE_TOO_LARGE) and an
 * execution deadline checked before every resolver (QUERY_TIMEOUT); introspection can be turned
 * off for public deployments.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';
import { GraphQLError } from 'graphql';
import { createPubSub, createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Indexer } from '../index.js';
import { finalNumber } from '../db/views.js';
import { intFrom } from '../../lib/config.js';
import { FatalError } from '../../lib/errors.js';
import { DEFAULT_LIMITS, noIntrospectionRule, queryLimitsRule, type QueryLimits } from './limits.js';
import {
  apiStatus,
  giftOf,
  ledgerOf,
  ledgerWhere,
  resolvers,
  type ApiContext,
  type ApiPubSub,
  type LedgerFilter,
} from './resolvers.js';
import { typeDefs } from './schema.js';

export interface IndexerApiOptions {
  db: Database.Database;
  /** The indexer running in this process: status, readiness and subscriptions follow its commits. */
  indexer?: Indexer;
  limits?: Partial<QueryLimits>;
  graphiql?: boolean;
  /**
   * Overrides readiness. Default with an indexer: not ready until it has seen the head and indexed
   * up to it; after that, ready while it lags by at most `readyLag` blocks (default 20) and has
   * not stopped on an error. Without one: the database has a cursor.
   */
  ready?: () => boolean;
  readyLag?: number;
  /** Whether `__schema` / `__type` are answered (and GraphiQL served); default true. */
  introspection?: boolean;
  /** Largest request body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Largest JSON result sent, in bytes (default 4 MiB). */
  maxResponseBytes?: number;
  /** Time an operation may take before its remaining resolvers fail with QUERY_TIMEOUT (default 5 s). */
  timeoutMs?: number;
  /** The clock the deadline reads (tests). */
  clock?: () => number;
}

/** The API's abuse limits: their defaults, and where the platform and the CLI read them from. */
export const API_GUARDS = { maxBodyBytes: 64 * 1024, maxResponseBytes: 4 * 1024 * 1024, timeoutMs: 5_000 } as const;

export interface IndexerApi {
  yoga: YogaServerInstance<Record<string, any>, ApiContext>;
  /** The fetch handler (tests call it directly). */
  fetch: (request: Request) => Promise<Response>;
  /** A node:http request listener. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Publishes gifts and ledger entries committed since the last call (called after each indexer commit). */
  publishNew(): void;
  /** Stops following the indexer's commits. */
  close(): void;
}

const CSV_COLUMNS = [
  'tx_id',
  'block_number',
  'tx_index',
  'log_index',
  'entry_index',
  'timestamp',
  'kind',
  'account',
  'side',
  'token',
  'amount',
  'finality',
];
const CSV_CHUNK = 500;

function csvField(v: unknown): string {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const errorBody = (code: string, message: string): unknown => ({ errors: [{ message, extensions: { code } }] });

/** Whether a request's body is longer than `max` bytes: its Content-Length, else counted from a copy. */
async function bodyTooLarge(request: Request, max: number): Promise<boolean> {
  const declared = request.headers.get('content-length');
  if (declared !== null) return Number(declared) > max;
  if (!request.body) return false;
  const reader = request.clone().body!.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    size += value.byteLength;
    if (size > max) {
      // A tee'd branch's cancel settles only once the other branch is cancelled too: don't wait.
      reader.cancel().catch(() => undefined);
      return true;
    }
  }
}

/** Wraps every query resolver so that none starts after `ctx.deadline`. */
function withDeadline<T extends Record<string, unknown>>(map: T): T {
  const timeout = (): GraphQLError =>
    new GraphQLError('the query took too long and was stopped', { extensions: { code: 'QUERY_TIMEOUT' } });
  const out: Record<string, unknown> = {};
  for (const [type, fields] of Object.entries(map)) {
    if (
      type === 'Subscription' ||
      typeof fields !== 'object' ||
      fields === null ||
      !Object.getPrototypeOf(fields) ||
      Object.getPrototypeOf(fields) !== Object.prototype
    ) {
      out[type] = fields;
      continue;
    }
    out[type] = Object.fromEntries(
      Object.entries(fields as Record<string, unknown>).map(([name, fn]) => [
        name,
        typeof fn === 'function'
          ? (parent: unknown, args: unknown, ctx: ApiContext, info: unknown) => {
              if (ctx.clock() > ctx.deadline) throw timeout();
              return (fn as (...a: unknown[]) => unknown)(parent, args, ctx, info);
            }
          : fn,
      ]),
    );
  }
  return out as T;
}

/**
 * The abuse limits from the environment: INDEXER_INTROSPECTION (0 turns introspection and GraphiQL
 * off), INDEXER_MAX_BODY_BYTES, INDEXER_MAX_RESPONSE_BYTES, INDEXER_QUERY_TIMEOUT_MS.
 */
export function apiGuardsFromEnv(
  env: Record<string, string | undefined> = process.env,
): Pick<IndexerApiOptions, 'introspection' | 'maxBodyBytes' | 'maxResponseBytes' | 'timeoutMs'> {
  const int = (name: string, def: number): number => intFrom(env, name, def, 1);
  const flag = env.INDEXER_INTROSPECTION;
  if (flag !== undefined && flag !== '' && flag !== '0' && flag !== '1')
    throw new FatalError(`INDEXER_INTROSPECTION must be 0 or 1, got "${flag}"`);
  return {
    introspection: flag !== '0',
    maxBodyBytes: int('INDEXER_MAX_BODY_BYTES', API_GUARDS.maxBodyBytes),
    maxResponseBytes: int('INDEXER_MAX_RESPONSE_BYTES', API_GUARDS.maxResponseBytes),
    timeoutMs: int('INDEXER_QUERY_TIMEOUT_MS', API_GUARDS.timeoutMs),
  };
}

/** The API over an indexer database. */
export function createIndexerApi(opts: IndexerApiOptions): IndexerApi {
  const { db, indexer } = opts;
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const introspection = opts.introspection ?? true;
  const maxBody = opts.maxBodyBytes ?? API_GUARDS.maxBodyBytes;
  const maxResponse = opts.maxResponseBytes ?? API_GUARDS.maxResponseBytes;
  const timeoutMs = opts.timeoutMs ?? API_GUARDS.timeoutMs;
  const clock = opts.clock ?? Date.now;
  const pubsub: ApiPubSub = createPubSub();
  const requests = new Map<string, number>();

  const maxId = (table: string): number =>
    (db.prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get() as number) ?? 0;
  let lastGift = maxId('gifts');
  let lastLedger = maxId('ledger_entries');

  function publishNew(): void {
    const final = finalNumber(db);
    // A reorg can remove rows: never wait for ids above what exists.
    lastGift = Math.min(lastGift, maxId('gifts'));
    lastLedger = Math.min(lastLedger, maxId('ledger_entries'));
    for (const r of db.prepare('SELECT * FROM gifts WHERE id > ? ORDER BY id').all(lastGift) as Record<string, any>[]) {
      lastGift = r.id;
      pubsub.publish('gift', giftOf(r, final));
    }
    for (const r of db.prepare('SELECT * FROM ledger_entries WHERE id > ? ORDER BY id').all(lastLedger) as Record<
      string,
      any
    >[]) {
      lastLedger = r.id;
      pubsub.publish('ledger', ledgerOf(r, final));
    }
  }
  // Finality: published whenever the final block moves (with a batch, or on its own).
  let lastFinal = finalNumber(db);
  function publishFinality(): void {
    const final = finalNumber(db);
    if (final <= lastFinal) return;
    lastFinal = final;
    pubsub.publish('final', { final, indexed: apiStatus(db, indexer).indexed });
  }

  // Reorgs: rows already published that the rollback is about to remove are read inside its
  // transaction and sent again, marked removed, once it committed.
  let removing: { gifts: Record<string, any>[]; ledger: Record<string, any>[] } | undefined;
  const rollbackListener = {
    before(forkPoint: number): void {
      removing = {
        gifts: db
          .prepare('SELECT * FROM gifts WHERE block_number > ? AND id <= ? ORDER BY id')
          .all(forkPoint, lastGift) as Record<string, any>[],
        ledger: db
          .prepare('SELECT * FROM ledger_entries WHERE block_number > ? AND id <= ? ORDER BY id')
          .all(forkPoint, lastLedger) as Record<string, any>[],
      };
    },
    after(): void {
      const r = removing;
      removing = undefined;
      if (!r) return;
      const final = finalNumber(db);
      for (const g of r.gifts) pubsub.publish('gift', { ...giftOf(g, final), removed: true });
      for (const l of r.ledger) pubsub.publish('ledger', { ...ledgerOf(l, final), removed: true });
      lastGift = Math.min(lastGift, maxId('gifts'));
      lastLedger = Math.min(lastLedger, maxId('ledger_entries'));
      lastFinal = Math.min(lastFinal, finalNumber(db));
    },
  };
  const unsubscribers = indexer
    ? [
        indexer.onCommit(() => {
          publishNew();
          publishFinality();
        }),
        indexer.onFinality(() => publishFinality()),
        indexer.onRollback(rollbackListener),
      ]
    : [];

  let caughtUp = false;
  const ready =
    opts.ready ??
    ((): boolean => {
      if (!indexer) return apiStatus(db).indexed >= 0;
      const s = indexer.status();
      if (s.head >= 0 && s.indexed >= s.head) caughtUp = true;
      return caughtUp && s.lag <= (opts.readyLag ?? 20) && s.error === undefined && s.storage === undefined;
    });

  function metrics(): Response {
    const s = apiStatus(db, indexer);
    const rawEvents = db.prepare('SELECT count(*) FROM raw_events').pluck().get() as number;
    const lines: string[] = [];
    const gauge = (name: string, help: string, value: number, type = 'gauge'): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    gauge('blive_indexer_head_block', 'Head block of the node as last seen (-1 unknown).', s.head);
    gauge('blive_indexer_solidified_block', 'Solidified block of the node as last seen (-1 unknown).', s.solidified);
    gauge('blive_indexer_indexed_block', 'Last indexed block.', s.indexed);
    gauge('blive_indexer_final_block', 'Highest final block.', s.final);
    gauge('blive_indexer_lag_blocks', 'Blocks between the head and the last indexed block.', s.lag);
    gauge(
      'blive_indexer_events_processed_total',
      'Events committed by the indexer in this process.',
      indexer?.status().eventsProcessed ?? 0,
      'counter',
    );
    gauge('blive_indexer_raw_events', 'Events in the raw store.', rawEvents);
    lines.push(
      '# HELP blive_api_requests_total HTTP requests by path and status.',
      '# TYPE blive_api_requests_total counter',
    );
    for (const [k, n] of [...requests].sort()) {
      const [path, status] = k.split(' ');
      lines.push(`blive_api_requests_total{path="${path}",status="${status}"} ${n}`);
    }
    return new Response(`${lines.join('\n')}\n`, { headers: { 'content-type': 'text/plain; version=0.0.4' } });
  }

  function ledgerCsv(url: URL): Response {
    const q = url.searchParams;
    const num = (k: string): number | null => {
      const v = q.get(k);
      if (v === null || v === '') return null;
      if (!/^\d+$/.test(v))
        throw new GraphQLError(`${k} must be a time in ms`, { extensions: { code: 'BAD_ARGUMENT' } });
      return Number(v);
    };
    let where: ReturnType<typeof ledgerWhere>;
    try {
      const f: LedgerFilter = {
        account: q.get('account'),
        kind: q.get('kind'),
        token: q.get('token'),
        from: num('from'),
        to: num('to'),
        txId: q.get('txId'),
      };
      where = ledgerWhere(f);
    } catch (e) {
      if (e instanceof GraphQLError) return json(400, { error: { code: e.extensions.code, message: e.message } });
      throw e;
    }
    const final = finalNumber(db);
    const clauses = where.map(([c]) => c);
    const params = where.flatMap(([, p]) => p);
    // Ids grow in chain order: keyset chunks by id follow the owner index without sorting.
    const sql = `SELECT * FROM ledger_entries WHERE ${[...clauses, 'id > ?'].join(' AND ')} ORDER BY id LIMIT ${CSV_CHUNK}`;
    const stmt = db.prepare(sql);
    let key = 0;
    let header = true;
    const encoder = new TextEncoder();
    // Keyset chunks: the connection is never held by an open iterator between pulls.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const out: string[] = [];
        if (header) {
          out.push(CSV_COLUMNS.join(','));
          header = false;
        }
        const rows = stmt.all(...params, key) as Record<string, any>[];
        for (const r of rows) {
          out.push(
            CSV_COLUMNS.map((c) =>
              csvField(c === 'finality' ? (r.block_number <= final ? 'FINAL' : 'PENDING') : r[c]),
            ).join(','),
          );
          key = r.id;
        }
        if (out.length) controller.enqueue(encoder.encode(`${out.join('\n')}\n`));
        if (rows.length < CSV_CHUNK) controller.close();
      },
    });
    return new Response(body, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="ledger.csv"',
      },
    });
  }

  const routes: Plugin = {
    async onRequest({ url, request, endResponse }) {
      if (request.method === 'POST') {
        if (await bodyTooLarge(request, maxBody))
          return endResponse(
            json(413, errorBody('BODY_TOO_LARGE', `the request body is larger than ${maxBody} bytes`)),
          );
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      switch (url.pathname) {
        case '/health': {
          // Unhealthy when the indexer in this process stopped, or cannot write (a full disk).
          const s = indexer?.status();
          const reason = s?.storage ?? s?.error;
          return endResponse(json(reason ? 503 : 200, reason ? { healthy: false, reason } : { healthy: true }));
        }
        case '/ready': {
          const ok = ready();
          return endResponse(json(ok ? 200 : 503, { ready: ok, ...apiStatus(db, indexer) }));
        }
        case '/metrics':
          return endResponse(metrics());
        case '/ledger.csv':
          return endResponse(ledgerCsv(url));
        default:
          return;
      }
    },
    onResponse({ request, response }) {
      const path = new URL(request.url).pathname;
      const known = ['/graphql', '/health', '/ready', '/metrics', '/ledger.csv'].includes(path) ? path : 'other';
      const k = `${known} ${response.status}`;
      requests.set(k, (requests.get(k) ?? 0) + 1);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(limits));
      if (!introspection) addValidationRule(noIntrospectionRule);
    },
    onResultProcess({ result, setResult }) {
      // Streams (SSE) are sent event by event; a single result is measured whole.
      if (Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      if (JSON.stringify(result).length > maxResponse)
        setResult(
          errorBody(
            'RESPONSE_TOO_LARGE',
            `the result is larger than ${maxResponse} bytes: ask for fewer fields or smaller pages`,
          ) as never,
        );
    },
  };

  const yoga = createYoga<Record<string, any>, ApiContext>({
    schema: createSchema<ApiContext>({ typeDefs, resolvers: withDeadline(resolvers) }),
    graphqlEndpoint: '/graphql',
    // /health is the routes plugin's (it knows the indexer); yoga's own check is kept out of the way.
    healthCheckEndpoint: '/_yoga/health',
    graphiql: (opts.graphiql ?? true) && introspection,
    landingPage: false,
    maskedErrors: true,
    logging: false,
    plugins: [routes],
    context: (): ApiContext => {
      let final: number | undefined;
      let now: number | undefined;
      return {
        db,
        ...(indexer ? { indexer } : {}),
        pubsub,
        clock,
        deadline: clock() + timeoutMs,
        final: () => (final ??= finalNumber(db)),
        now: () =>
          (now ??=
            (db.prepare('SELECT timestamp FROM raw_blocks ORDER BY number DESC LIMIT 1').pluck().get() as
              | number
              | undefined) ?? Date.now()),
      };
    },
  });

  return {
    yoga,
    fetch: (request) => Promise.resolve(yoga.fetch(request)),
    listener: yoga as unknown as (req: IncomingMessage, res: ServerResponse) => void,
    publishNew,
    close: () => {
      for (const u of unsubscribers) u();
    },
  };
}
