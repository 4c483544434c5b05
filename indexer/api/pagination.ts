/** Connections: the capped page size, chain-order cursors, and a page built from `first + 1` rows. */
import { apiError } from './context.js';
import type { Finality, PageInfo } from './generated/types.js';
import { finalityOf } from '../db/views.js';

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

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

/** The key parts of a chain-order cursor of `parts` parts, else BAD_CURSOR. */
export function parseChainCursor(after: string, parts: number): number[] {
  const xs = after.split(':');
  if (xs.length !== parts || !xs.every((x, i) => x.length === WIDTHS[i] && /^\d+$/.test(x)))
    throw apiError('BAD_CURSOR', `not a cursor of this list: ${after}`);
  return xs.map(Number);
}

export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/** A page of `n` out of `rows` (fetched with `n + 1` to know whether there is more). */
export function page<R, T>(rows: R[], n: number, map: (r: R, i: number) => T, cursorOf: (r: R) => string): Page<T> {
  const more = rows.length > n;
  const kept = rows.slice(0, n);
  const last = kept[kept.length - 1];
  return {
    nodes: kept.map(map),
    pageInfo: { endCursor: last === undefined ? null : cursorOf(last), hasNextPage: more },
  };
}

/** FINAL or PENDING for a row that last changed in `blockNumber`. */
export const fin = (blockNumber: number, final: number): Finality =>
  finalityOf(blockNumber, final) === 'final' ? 'FINAL' : 'PENDING';
