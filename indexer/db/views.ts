/**
 * Read helpers over the derived tables for the API and verify: finality, earnings at a time
 * (pending vs claimable), the split that applies at a time, and top-N charts. The functions here
 * read a SQLite handle synchronously (tests, benchmarks); the API reads the same statements
 * (exported below) through its ApiDb on either database (api/queries/).
 */
import type Database from 'better-sqlite3';
import { ZERO_ADDRESS } from '../../lib/address.js';

export type Finality = 'final' | 'pending';

export const FINAL_NUMBER_SQL = 'SELECT final_number FROM sync_state WHERE id = 1';
export const EARNINGS_SQL =
  'SELECT settled, escrowed_total, claimed_total FROM earnings WHERE broadcaster = ? AND token = ?';
export const ESCROW_SLOTS_SQL = 'SELECT release_at, amount FROM escrow_slots WHERE broadcaster = ? AND token = ?';
export const SPLIT_POLICY_SQL = 'SELECT * FROM split_policies WHERE broadcaster = ?';
export const TOP_ACCOUNTS_SQL = `SELECT account, amount, gift_count, block_number FROM leaderboards
       WHERE kind = ? AND period = ? AND period_start = ? AND token = ? AND stream_owner = ? AND stream_id = ?
       ORDER BY amount_sort DESC, account DESC LIMIT ?`;

/** The highest final block (rows at or below it are final), or -1 before the first batch. */
export function finalNumber(db: Database.Database): number {
  const r = db.prepare(FINAL_NUMBER_SQL).pluck().get() as number | undefined;
  return r ?? -1;
}

/** Whether a row last changed in `blockNumber` is final, given the final block. */
export function finalityOf(blockNumber: number, final: number): Finality {
  return blockNumber <= final ? 'final' : 'pending';
}

export interface EarningsAt {
  /** Still held at `at`. */
  pending: bigint;
  /** Released at `at` and not claimed. */
  claimable: bigint;
  /** Next release after `at`, in ms (0 if none). */
  nextReleaseAt: number;
  escrowedTotal: bigint;
  claimedTotal: bigint;
}

/**
 * A broadcaster's earnings in `token` as the contract's views would report them at time `at`
 * (ms; compared at second resolution like block.timestamp): earningsOf's claimable, pending and
 * next release.
 */
export function earningsAt(db: Database.Database, broadcaster: string, token: string, at: number): EarningsAt {
  const e = db.prepare(EARNINGS_SQL).get(broadcaster, token) as EarningsRow | undefined;
  const slots = db.prepare(ESCROW_SLOTS_SQL).all(broadcaster, token) as SlotRow[];
  return earningsFrom(e, slots, at);
}

/** The earnings row and escrow slots earningsAt reads (by whatever reader). */
export interface EarningsRow {
  settled: string;
  escrowed_total: string;
  claimed_total: string;
}
export interface SlotRow {
  release_at: number;
  amount: string;
}

/** earningsAt from rows already read. */
export function earningsFrom(e: EarningsRow | undefined, slots: readonly SlotRow[], at: number): EarningsAt {
  const now = Math.floor(at / 1000) * 1000;
  let claimable = BigInt(e?.settled ?? '0');
  let pending = 0n;
  let nextReleaseAt = 0;
  for (const s of slots) {
    const amount = BigInt(s.amount);
    if (amount === 0n) continue;
    if (s.release_at <= now) claimable += amount;
    else {
      pending += amount;
      if (nextReleaseAt === 0 || s.release_at < nextReleaseAt) nextReleaseAt = s.release_at;
    }
  }
  return {
    pending,
    claimable,
    nextReleaseAt,
    escrowedTotal: BigInt(e?.escrowed_total ?? '0'),
    claimedTotal: BigInt(e?.claimed_total ?? '0'),
  };
}

export interface SplitBps {
  broadcasterBps: number;
  poolBps: number;
  platformBps: number;
}

/** A split_policies row as stored (booleans as 0/1). */
export interface PolicyRow {
  broadcaster_bps: number;
  pool_bps: number;
  platform_bps: number;
  active: number;
  has_next: number;
  next_broadcaster_bps: number;
  next_pool_bps: number;
  next_platform_bps: number;
  next_active: number;
  effective_at: number;
}

/** The split GiftVault.splitOf(broadcaster) returns at time `at` (ms); the zero address gives the default. */
export function splitAt(db: Database.Database, broadcaster: string, at: number): SplitBps | undefined {
  const get = db.prepare(SPLIT_POLICY_SQL);
  const o = broadcaster === ZERO_ADDRESS ? undefined : (get.get(broadcaster) as PolicyRow | undefined);
  return splitFrom(o, get.get(ZERO_ADDRESS) as PolicyRow | undefined, at);
}

/** splitAt from the broadcaster's override row (none for the zero address) and the default row. */
export function splitFrom(o: PolicyRow | undefined, d: PolicyRow | undefined, at: number): SplitBps | undefined {
  const now = Math.floor(at / 1000) * 1000;
  const due = (p: PolicyRow): boolean => p.has_next === 1 && p.effective_at <= now;
  const current = (p: PolicyRow): SplitBps =>
    due(p)
      ? { broadcasterBps: p.next_broadcaster_bps, poolBps: p.next_pool_bps, platformBps: p.next_platform_bps }
      : { broadcasterBps: p.broadcaster_bps, poolBps: p.pool_bps, platformBps: p.platform_bps };
  if (o && (due(o) ? o.next_active === 1 : o.active === 1)) return current(o);
  return d && current(d);
}

export type ChartKind = 'GIFTERS' | 'BROADCASTERS';
export type ChartPeriod = 'DAY' | 'WEEK' | 'MONTH' | 'ALL';

const DAY_MS = 86_400_000;

/** First millisecond of the period containing `at` (UTC; weeks start on Monday; 0 for ALL). */
export function periodStart(period: ChartPeriod, at: number): number {
  const day = Math.floor(at / DAY_MS);
  switch (period) {
    case 'DAY':
      return day * DAY_MS;
    case 'WEEK':
      return (day - ((day + 3) % 7)) * DAY_MS;
    case 'MONTH': {
      const d = new Date(at);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    case 'ALL':
      return 0;
  }
}

export interface ChartEntry {
  account: string;
  amount: bigint;
  giftCount: number;
  blockNumber: number;
}

export interface ChartQuery {
  kind: ChartKind;
  period: ChartPeriod;
  periodStart: number;
  token: string;
  stream?: { broadcaster: string; streamId: string };
  limit: number;
}

/** The parameters of TOP_ACCOUNTS_SQL for `q`. */
export function topAccountsParams(q: ChartQuery): (string | number)[] {
  return [q.kind, q.period, q.periodStart, q.token, q.stream?.broadcaster ?? '', q.stream?.streamId ?? '', q.limit];
}

/** A leaderboards row as TOP_ACCOUNTS_SQL selects it. */
export interface ChartRow {
  account: string;
  amount: string;
  gift_count: number;
  block_number: number;
}

/** Top accounts of a chart, largest amount first (ties: account descending), served by the leaderboards_top index. */
export function topAccounts(db: Database.Database, q: ChartQuery): ChartEntry[] {
  return chartEntries(db.prepare(TOP_ACCOUNTS_SQL).all(...topAccountsParams(q)) as ChartRow[]);
}

/** Chart entries from rows TOP_ACCOUNTS_SQL read (by whatever reader). */
export function chartEntries(rows: readonly ChartRow[]): ChartEntry[] {
  return rows.map((r) => ({
    account: r.account,
    amount: BigInt(r.amount),
    giftCount: r.gift_count,
    blockNumber: r.block_number,
  }));
}
