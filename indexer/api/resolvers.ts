/**
 * Resolvers of the indexer's API. They only read: the indexer is the one writer. Rows are mapped
 * to GraphQL objects here (amounts as bigint, finality from the final block read once per request),
 * lists are cursor-paginated in chain order, and expected failures are GraphQLErrors with an
 * UPPER_SNAKE `extensions.code`.
 */
import type Database from 'better-sqlite3';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { filter, pipe, type PubSub } from 'graphql-yoga';
import { toHex41, ZERO_ADDRESS } from '../../lib/address.js';
import type { Indexer } from '../index.js';
import {
  earningsAt,
  finalityOf,
  finalNumber,
  periodStart,
  splitAt,
  topAccounts,
  type ChartKind,
  type ChartPeriod,
} from '../db/views.js';

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

export type ApiPubSub = PubSub<{ gift: [GiftNode]; ledger: [LedgerNode]; final: [{ final: number; indexed: number }] }>;

export type ApiContext = {
  db: Database.Database;
  indexer?: Indexer;
  pubsub: ApiPubSub;
  /** The final block, read once per request. */
  final(): number;
  /** The last indexed block's time (ms), the default 'now' of time-dependent views. */
  now(): number;
  /** The wall clock (ms) and when this operation must have finished: no resolver starts after it. */
  clock(): number;
  deadline: number;
};

/** An expected failure: a message for the client and its code. */
export function apiError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

// ------------------------------------------------------------------------------------ scalars

const BASE58 = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;

/** `s` if it is a valid base58 TRON address, else a BAD_ADDRESS error. */
export function parseAddress(s: unknown): string {
  if (typeof s === 'string' && BASE58.test(s) && toHex41(s) !== undefined) return s;
  throw apiError('BAD_ADDRESS', `not a base58 TRON address: ${JSON.stringify(s)}`);
}

function parseBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,80}$/.test(v)) return BigInt(v);
  throw apiError('BAD_BIGINT', `not an integer: ${JSON.stringify(v)}`);
}

function literal(node: ValueNode): unknown {
  return node.kind === Kind.STRING || node.kind === Kind.INT ? node.value : undefined;
}

export const scalars = {
  BigInt: new GraphQLScalarType({
    name: 'BigInt',
    description: 'An exact integer, serialised as a decimal string.',
    serialize: (v) => parseBigInt(v).toString(),
    parseValue: parseBigInt,
    parseLiteral: (node) => parseBigInt(literal(node)),
  }),
  Address: new GraphQLScalarType({
    name: 'Address',
    description: 'A TRON address in base58 (T...).',
    serialize: (v) => String(v),
    parseValue: parseAddress,
    parseLiteral: (node) => parseAddress(literal(node)),
  }),
};

// --------------------------------------------------------------------------------- pagination

/** The page size for `first` (default `def`); above MAX_PAGE is PAGE_TOO_LARGE. */
export function pageSize(first: number | null | undefined, def = DEFAULT_PAGE): number {
  if (first === null || first === undefined) return def;
  if (first > MAX_PAGE) throw apiError('PAGE_TOO_LARGE', `first must be at most ${MAX_PAGE}`);
  if (first < 0) throw apiError('BAD_ARGUMENT', 'first must not be negative');
  return first;
}

const WIDTHS = [12, 6, 6, 4];

/** The chain-order key of a row: fixed-width block, tx index, log index (and entry index), so keys sort in chain order. */
export function chainCursor(...parts: number[]): string {
  return parts.map((p, i) => String(p).padStart(WIDTHS[i]!, '0')).join(':');
}

function parseChainCursor(after: string, parts: number): number[] {
  const xs = after.split(':');
  if (xs.length !== parts || !xs.every((x, i) => x.length === WIDTHS[i] && /^\d+$/.test(x)))
    throw apiError('BAD_CURSOR', `not a cursor of this list: ${after}`);
  return xs.map(Number);
}

interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

function page<R, T>(rows: R[], n: number, map: (r: R) => T, cursorOf: (r: R) => string): Page<T> {
  const more = rows.length > n;
  const kept = rows.slice(0, n);
  const last = kept[kept.length - 1];
  return {
    nodes: kept.map(map),
    pageInfo: { endCursor: last === undefined ? null : cursorOf(last), hasNextPage: more },
  };
}

type Row = Record<string, any>;
type Param = string | number | bigint | null;

/** Statements by SQL text, per database. */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function all(db: Database.Database, sql: string, params: Param[]): Row[] {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s.all(...params) as Row[];
}

/** A chain-ordered page of `table`: `where` clauses joined with AND, after the cursor's key. */
function chainPage(
  ctx: ApiContext,
  table: string,
  keys: string[],
  where: [string, Param[]][],
  first: number,
  after: string | null | undefined,
): Row[] {
  const clauses = where.map(([c]) => c);
  const params: Param[] = where.flatMap(([, p]) => p);
  if (after) {
    clauses.push(`(${keys.join(', ')}) > (${keys.map(() => '?').join(', ')})`);
    params.push(...parseChainCursor(after, keys.length));
  }
  const sql = `SELECT * FROM ${table}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY ${keys.join(', ')} LIMIT ?`;
  return all(ctx.db, sql, [...params, first + 1]);
}

/**
 * The id bound equivalent to a chain-order cursor in a table whose ids grow in chain order
 * (gifts, ledger_entries): the id of the last row at or before the cursor's key, found through
 * the block index, so it holds even when the cursor's own row was since removed by a reorg.
 */
export function idAtOrBefore(db: Database.Database, table: string, keys: string[], cursor: number[]): number {
  const [block, ...rest] = cursor;
  const inBlock = all(
    db,
    `SELECT id FROM ${table} WHERE block_number = ? AND (${keys.slice(1).join(', ')}) <= (${rest.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT 1`,
    [block!, ...rest],
  )[0];
  if (inBlock) return inBlock.id as number;
  const before = all(db, `SELECT id FROM ${table} WHERE block_number < ? ORDER BY block_number DESC, id DESC LIMIT 1`, [
    block!,
  ])[0];
  return (before?.id as number | undefined) ?? 0;
}

/**
 * A chain-ordered page of a table whose ids grow in chain order: ordered by id, so a filter with
 * an (x, id) index is one index range instead of a sort, with the same chain-order cursors.
 */
function idPage(
  ctx: ApiContext,
  table: string,
  keys: string[],
  where: [string, Param[]][],
  first: number,
  after: string | null | undefined,
): Row[] {
  const clauses = where.map(([c]) => c);
  const params: Param[] = where.flatMap(([, p]) => p);
  if (after) {
    clauses.push('id > ?');
    params.push(idAtOrBefore(ctx.db, table, keys, parseChainCursor(after, keys.length)));
  }
  const sql = `SELECT * FROM ${table}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY id LIMIT ?`;
  return all(ctx.db, sql, [...params, first + 1]);
}

/**
 * A page of `table` keyed by a uint256 decimal id in TEXT, in numeric order: (length, text) sorts
 * decimals without leading zeros numerically; the cursor is the last id.
 */
function decimalIdPage(
  ctx: ApiContext,
  table: string,
  column: string,
  first: number,
  after: string | null | undefined,
): Row[] {
  const a = after ?? '';
  if (a && !/^\d{1,78}$/.test(a)) throw apiError('BAD_CURSOR', `not a cursor of this list: ${a}`);
  return all(
    ctx.db,
    `SELECT * FROM ${table} WHERE (length(${column}), ${column}) > (?, ?) ORDER BY length(${column}), ${column} LIMIT ?`,
    [a.length, a, first + 1],
  );
}

// ------------------------------------------------------------------------------------ mappers

const fin = (r: Row, final: number): 'FINAL' | 'PENDING' =>
  finalityOf(r.block_number as number, final) === 'final' ? 'FINAL' : 'PENDING';

export interface GiftNode extends Row {
  streamId: bigint;
  broadcaster: string;
}
export interface LedgerNode extends Row {
  account: string;
}

export function giftOf(r: Row, final: number): GiftNode {
  return {
    txId: r.tx_id,
    blockNumber: r.block_number,
    txIndex: r.tx_index,
    logIndex: r.log_index,
    timestamp: r.timestamp,
    finality: fin(r, final),
    sender: r.sender,
    broadcaster: r.broadcaster,
    giftId: BigInt(r.gift_id),
    quantity: r.quantity,
    token: r.token,
    total: BigInt(r.total),
    broadcasterAmount: BigInt(r.broadcaster_amount),
    poolAmount: BigInt(r.pool_amount),
    platformAmount: BigInt(r.platform_amount),
    streamId: BigInt(r.stream_id),
    releaseAt: r.release_at,
    paidFrom: r.paid_from,
    removed: false,
  };
}

export function ledgerOf(r: Row, final: number): LedgerNode {
  return {
    id: r.id,
    cursor: chainCursor(r.block_number, r.tx_index, r.log_index, r.entry_index),
    txId: r.tx_id,
    blockNumber: r.block_number,
    txIndex: r.tx_index,
    logIndex: r.log_index,
    entryIndex: r.entry_index,
    timestamp: r.timestamp,
    finality: fin(r, final),
    kind: r.kind,
    account: r.account,
    side: r.side,
    token: r.token,
    amount: BigInt(r.amount),
    removed: false,
  };
}

function profileOf(r: Row, final: number): Row {
  return {
    address: r.address,
    registered: r.registered === 1,
    handle: r.handle,
    profileUri: r.profile_uri,
    broadcaster: r.broadcaster === 1,
    registeredAt: r.registered_at,
    updatedAt: r.updated_at,
    followerCount: r.follower_count,
    followingCount: r.following_count,
    blockNumber: r.block_number,
    finality: fin(r, final),
  };
}

// ------------------------------------------------------------------------------------- ledger

/** The ledger accounts of a filter's `account`: a bare address means its wallet, vault and escrow. */
function ledgerAccounts(account: string): string[] {
  if (account.startsWith('T') && !account.includes(':')) {
    const a = parseAddress(account);
    return [`wallet:${a}`, `vault:${a}`, `escrow:${a}`];
  }
  const m = /^(wallet|vault|escrow):(.*)$/.exec(account);
  if (m) parseAddress(m[2]);
  return [account];
}

export interface LedgerFilter {
  account?: string | null;
  kind?: string | null;
  token?: string | null;
  from?: number | null;
  to?: number | null;
  txId?: string | null;
}

/** WHERE clauses of a ledger filter (shared by the query and the CSV export). */
export function ledgerWhere(f: LedgerFilter | null | undefined): [string, Param[]][] {
  const w: [string, Param[]][] = [];
  if (!f) return w;
  if (f.account) {
    // An address is its wallet:, vault: and escrow: accounts, all under one owner.
    const owner = 'owner_id = (SELECT id FROM ledger_owners WHERE owner = ?)';
    if (f.account.startsWith('T') && !f.account.includes(':')) w.push([owner, [parseAddress(f.account)]]);
    else {
      const m = /^(wallet|vault|escrow):(.*)$/.exec(f.account);
      if (m) w.push([`${owner} AND account = ?`, [parseAddress(m[2]), f.account]]);
      else w.push([owner, [f.account]]);
    }
  }
  if (f.kind) w.push(['kind = ?', [f.kind]]);
  if (f.token) w.push(['token = ?', [parseAddress(f.token)]]);
  if (f.from !== null && f.from !== undefined) w.push(['timestamp >= ?', [f.from]]);
  if (f.to !== null && f.to !== undefined) w.push(['timestamp <= ?', [f.to]]);
  if (f.txId) w.push(['tx_id = ?', [f.txId]]);
  return w;
}

export const LEDGER_KEYS = ['block_number', 'tx_index', 'log_index', 'entry_index'];
const EVENT_KEYS = ['block_number', 'tx_index', 'log_index'];

// ---------------------------------------------------------------------------------- resolvers

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

function followPage(ctx: ApiContext, address: string, dir: 'followers' | 'following', args: PageArgs): Page<Row> {
  const n = pageSize(args.first);
  const [mine, other] = dir === 'followers' ? ['target', 'follower'] : ['follower', 'target'];
  const rows = all(ctx.db, `SELECT * FROM follows WHERE ${mine} = ? AND ${other} > ? ORDER BY ${other} LIMIT ?`, [
    address,
    args.after ?? '',
    n + 1,
  ]);
  const final = ctx.final();
  return page(
    rows,
    n,
    (r) => ({
      follower: r.follower,
      target: r.target,
      since: r.since,
      blockNumber: r.block_number,
      finality: fin(r, final),
      profileAddress: r[other],
    }),
    (r) => r[other] as string,
  );
}

export const resolvers = {
  ...scalars,
  Profile: {
    followers: (p: Row, args: PageArgs, ctx: ApiContext) => followPage(ctx, p.address, 'followers', args),
    following: (p: Row, args: PageArgs, ctx: ApiContext) => followPage(ctx, p.address, 'following', args),
  },
  Follow: {
    profile: (f: Row, _: unknown, ctx: ApiContext) => {
      const r = all(ctx.db, 'SELECT * FROM profiles WHERE address = ?', [f.profileAddress])[0];
      return r
        ? profileOf(r, ctx.final())
        : {
            address: f.profileAddress,
            registered: false,
            broadcaster: false,
            followerCount: 0,
            followingCount: 0,
            blockNumber: f.blockNumber,
            finality: f.finality,
          };
    },
  },
  SplitPolicy: {
    history: (p: Row, args: PageArgs, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const rows = chainPage(ctx, 'split_history', EVENT_KEYS, [['broadcaster = ?', [p.broadcaster]]], n, args.after);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          kind: r.kind,
          broadcasterBps: r.broadcaster_bps,
          poolBps: r.pool_bps,
          platformBps: r.platform_bps,
          effectiveAt: r.effective_at,
          txId: r.tx_id,
          blockNumber: r.block_number,
          timestamp: r.timestamp,
          finality: fin(r, final),
        }),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index),
      );
    },
  },
  Query: {
    profile: (_: unknown, args: { address?: string | null; handle?: string | null }, ctx: ApiContext) => {
      if ((args.address ? 1 : 0) + (args.handle ? 1 : 0) !== 1)
        throw apiError('BAD_ARGUMENT', 'give exactly one of address and handle');
      const r = args.address
        ? all(ctx.db, 'SELECT * FROM profiles WHERE address = ?', [args.address])[0]
        : all(ctx.db, 'SELECT * FROM profiles WHERE handle = ?', [args.handle!])[0];
      return r ? profileOf(r, ctx.final()) : null;
    },
    profiles: (_: unknown, args: PageArgs & { search?: string | null }, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const prefix = (args.search ?? '').toLowerCase().replace(/[^a-z0-9_]/g, '');
      // Handles are [a-z0-9_]; a range scan on the unique index serves the prefix.
      const rows = all(
        ctx.db,
        'SELECT * FROM profiles WHERE handle IS NOT NULL AND handle >= ? AND handle < ? AND handle > ? ORDER BY handle LIMIT ?',
        [prefix, `${prefix}\u{10FFFF}`, args.after ?? '', n + 1],
      );
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => profileOf(r, final),
        (r) => r.handle as string,
      );
    },
    followers: (_: unknown, args: PageArgs & { address: string }, ctx: ApiContext) =>
      followPage(ctx, args.address, 'followers', args),
    following: (_: unknown, args: PageArgs & { address: string }, ctx: ApiContext) =>
      followPage(ctx, args.address, 'following', args),
    follows: (_: unknown, args: { follower: string; followee: string }, ctx: ApiContext) =>
      all(ctx.db, 'SELECT 1 FROM follows WHERE follower = ? AND target = ?', [args.follower, args.followee]).length > 0,
    giftCatalog: (_: unknown, args: PageArgs, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const rows = decimalIdPage(ctx, 'gift_catalog', 'gift_id', n, args.after);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          giftId: BigInt(r.gift_id),
          token: r.token,
          price: BigInt(r.price),
          enabled: Boolean(r.enabled),
          uri: r.uri,
          updatedAt: r.updated_at,
          blockNumber: r.block_number,
          finality: fin(r, final),
        }),
        (r) => r.gift_id as string,
      );
    },
    balances: (_: unknown, args: PageArgs & { address: string }, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const rows = all(ctx.db, 'SELECT * FROM vault_balances WHERE user = ? AND token > ? ORDER BY token LIMIT ?', [
        args.address,
        args.after ?? '',
        n + 1,
      ]);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          user: r.user,
          token: r.token,
          amount: BigInt(r.amount),
          blockNumber: r.block_number,
          finality: fin(r, final),
        }),
        (r) => r.token as string,
      );
    },
    gifts: (
      _: unknown,
      args: PageArgs & {
        filter?: {
          sender?: string | null;
          broadcaster?: string | null;
          streamId?: bigint | null;
          token?: string | null;
          from?: number | null;
          to?: number | null;
        } | null;
      },
      ctx: ApiContext,
    ) => {
      const n = pageSize(args.first);
      const f = args.filter ?? {};
      const w: [string, Param[]][] = [];
      if (f.sender) w.push(['sender = ?', [f.sender]]);
      if (f.broadcaster) w.push(['broadcaster = ?', [f.broadcaster]]);
      if (f.streamId !== null && f.streamId !== undefined) w.push(['stream_id = ?', [f.streamId.toString()]]);
      if (f.token) w.push(['token = ?', [f.token]]);
      if (f.from !== null && f.from !== undefined) w.push(['timestamp >= ?', [f.from]]);
      if (f.to !== null && f.to !== undefined) w.push(['timestamp <= ?', [f.to]]);
      const rows = idPage(ctx, 'gifts', EVENT_KEYS, w, n, args.after);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => giftOf(r, final),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index),
      );
    },
    streamTotals: (_: unknown, args: PageArgs & { streamId: bigint; broadcaster: string }, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const rows = all(
        ctx.db,
        'SELECT * FROM stream_totals WHERE broadcaster = ? AND stream_id = ? AND token > ? ORDER BY token LIMIT ?',
        [args.broadcaster, args.streamId.toString(), args.after ?? '', n + 1],
      );
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          streamId: BigInt(r.stream_id),
          broadcaster: r.broadcaster,
          token: r.token,
          total: BigInt(r.total),
          broadcasterAmount: BigInt(r.broadcaster_amount),
          giftCount: r.gift_count,
          firstGiftAt: r.first_gift_at,
          lastGiftAt: r.last_gift_at,
          blockNumber: r.block_number,
          finality: fin(r, final),
        }),
        (r) => r.token as string,
      );
    },
    leaderboard: (
      _: unknown,
      args: {
        kind: ChartKind;
        period: ChartPeriod;
        token: string;
        streamId?: bigint | null;
        broadcaster?: string | null;
        at?: number | null;
        first?: number | null;
      },
      ctx: ApiContext,
    ) => {
      const n = pageSize(args.first, 10);
      const stream = args.streamId === null || args.streamId === undefined ? undefined : args.streamId.toString();
      if (stream !== undefined && args.period !== 'ALL')
        throw apiError('BAD_ARGUMENT', 'per-stream charts exist for period ALL only');
      if (stream !== undefined && !args.broadcaster)
        throw apiError('BAD_ARGUMENT', "a per-stream chart needs the stream's broadcaster");
      if (stream === undefined && args.broadcaster)
        throw apiError('BAD_ARGUMENT', 'broadcaster picks a per-stream chart: give streamId too');
      const start = periodStart(args.period, args.at ?? ctx.now());
      const top = topAccounts(ctx.db, {
        kind: args.kind,
        period: args.period,
        periodStart: start,
        token: args.token,
        ...(stream === undefined ? {} : { stream: { broadcaster: args.broadcaster!, streamId: stream } }),
        limit: n,
      });
      const final = ctx.final();
      return {
        kind: args.kind,
        period: args.period,
        periodStart: start,
        token: args.token,
        streamId: stream === undefined ? null : BigInt(stream),
        broadcaster: stream === undefined ? null : args.broadcaster,
        entries: top.map((t, i) => ({
          rank: i + 1,
          account: t.account,
          amount: t.amount,
          giftCount: t.giftCount,
          blockNumber: t.blockNumber,
          finality: finalityOf(t.blockNumber, final) === 'final' ? 'FINAL' : 'PENDING',
        })),
      };
    },
    earnings: (_: unknown, args: PageArgs & { broadcaster: string; at?: number | null }, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const at = args.at ?? ctx.now();
      const rows = all(ctx.db, 'SELECT * FROM earnings WHERE broadcaster = ? AND token > ? ORDER BY token LIMIT ?', [
        args.broadcaster,
        args.after ?? '',
        n + 1,
      ]);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => {
          const e = earningsAt(ctx.db, args.broadcaster, r.token, at);
          return {
            token: r.token,
            pending: e.pending,
            claimable: e.claimable,
            claimed: e.claimedTotal,
            escrowedTotal: e.escrowedTotal,
            nextReleaseAt: e.nextReleaseAt || null,
            at,
            blockNumber: r.block_number,
            finality: fin(r, final),
          };
        },
        (r) => r.token as string,
      );
    },
    ledger: (_: unknown, args: PageArgs & { filter?: LedgerFilter | null }, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const rows = idPage(ctx, 'ledger_entries', LEDGER_KEYS, ledgerWhere(args.filter), n, args.after);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => ledgerOf(r, final),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index, r.entry_index),
      );
    },
    rewardEpochs: (_: unknown, args: PageArgs, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const rows = decimalIdPage(ctx, 'reward_epochs', 'epoch_id', n, args.after);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          epochId: BigInt(r.epoch_id),
          token: r.token,
          merkleRoot: r.merkle_root,
          total: BigInt(r.total),
          claimed: BigInt(r.claimed),
          claimCount: r.claim_count,
          claimDeadline: r.claim_deadline,
          uri: r.uri,
          publishedAt: r.published_at,
          txId: r.published_tx_id,
          swept: r.swept === 1,
          sweptAmount: BigInt(r.swept_amount),
          sweptAt: r.swept_at,
          cancelled: r.cancelled === 1,
          cancelledAt: r.cancelled_at,
          blockNumber: r.block_number,
          finality: fin(r, final),
        }),
        (r) => r.epoch_id as string,
      );
    },
    rewardClaims: (_: unknown, args: PageArgs & { account: string }, ctx: ApiContext) => {
      const n = pageSize(args.first);
      const rows = chainPage(ctx, 'reward_claims', EVENT_KEYS, [['account = ?', [args.account]]], n, args.after);
      const final = ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          epochId: BigInt(r.epoch_id),
          claimIndex: BigInt(r.claim_index),
          account: r.account,
          amount: BigInt(r.amount),
          category: r.category,
          txId: r.tx_id,
          blockNumber: r.block_number,
          timestamp: r.timestamp,
          finality: fin(r, final),
        }),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index),
      );
    },
    splitPolicy: (_: unknown, args: { broadcaster: string; at?: number | null }, ctx: ApiContext) => {
      const at = args.at ?? ctx.now();
      const now = Math.floor(at / 1000) * 1000;
      const policy = (b: string): Row | undefined =>
        all(ctx.db, 'SELECT * FROM split_policies WHERE broadcaster = ?', [b])[0];
      const o = policy(args.broadcaster);
      const due = (p: Row): boolean => p.has_next === 1 && p.effective_at <= now;
      const overridden = !!o && (due(o) ? o.next_active === 1 : o.active === 1);
      const upcoming = (p: Row | undefined): boolean => !!p && p.has_next === 1 && p.effective_at > now;
      // The override's announced change if it has one, else the default's (when no override applies).
      const src = upcoming(o) ? o : !overridden ? policy(ZERO_ADDRESS) : undefined;
      const pending =
        src && upcoming(src)
          ? {
              split:
                src.next_active === 1 || src.broadcaster === ZERO_ADDRESS
                  ? {
                      broadcasterBps: src.next_broadcaster_bps,
                      poolBps: src.next_pool_bps,
                      platformBps: src.next_platform_bps,
                    }
                  : null,
              effectiveAt: src.effective_at,
            }
          : null;
      return {
        broadcaster: args.broadcaster,
        overridden,
        current: splitAt(ctx.db, args.broadcaster, at) ?? null,
        pending,
        at,
      };
    },
    status: (_: unknown, __: unknown, ctx: ApiContext) => apiStatus(ctx.db, ctx.indexer),
  },
  Subscription: {
    giftSent: {
      subscribe: (_: unknown, args: { streamId?: bigint | null; broadcaster?: string | null }, ctx: ApiContext) =>
        pipe(
          ctx.pubsub.subscribe('gift'),
          filter(
            (g: GiftNode) =>
              (args.streamId === null || args.streamId === undefined || g.streamId === args.streamId) &&
              (!args.broadcaster || g.broadcaster === args.broadcaster),
          ),
        ),
      resolve: (g: GiftNode) => g,
    },
    ledgerEntries: {
      subscribe: (_: unknown, args: { address: string }, ctx: ApiContext) => {
        const mine = new Set(ledgerAccounts(args.address));
        return pipe(
          ctx.pubsub.subscribe('ledger'),
          filter((l: LedgerNode) => mine.has(l.account)),
        );
      },
      resolve: (l: LedgerNode) => l,
    },
    finalized: {
      subscribe: (_: unknown, __: unknown, ctx: ApiContext) => ctx.pubsub.subscribe('final'),
      resolve: (f: { final: number; indexed: number }) => f,
    },
  },
};

export interface ApiStatus {
  head: number;
  solidified: number;
  indexed: number;
  final: number;
  lag: number;
}

/** The sync's figures: from the indexer when it runs in this process, else from the cursor (head unknown: -1). */
export function apiStatus(db: Database.Database, indexer?: Indexer): ApiStatus {
  if (indexer) {
    const s = indexer.status();
    return { head: s.head, solidified: s.solidified, indexed: s.indexed, final: s.final, lag: s.lag };
  }
  const c = all(db, 'SELECT indexed_number, final_number FROM sync_state WHERE id = 1', [])[0];
  return {
    head: -1,
    solidified: -1,
    indexed: c?.indexed_number ?? -1,
    final: c?.final_number ?? finalNumber(db),
    lag: 0,
  };
}
