/**
 * The errors every stage raises on purpose: one base class with a short message, a `cause` and
 * context fields, split into retryable (network, busy database: try again later) and fatal (bad
 * config, decode failure, a broken invariant: stop and tell someone). Only retryable errors are
 * retried. Client-facing refusals with codes are each service's own (live's LiveError).
 */
import { isStorageFull } from './diskFull.js';

/** Context attached to an error: where in the chain it happened. */
export interface ErrorContext {
  block_number?: number;
  tx_id?: string;
  tx_index?: number;
  log_index?: number;
  [key: string]: unknown;
}

/** Base of every error BLive raises on purpose. */
export class BliveError extends Error {
  readonly retryable: boolean;
  readonly context: ErrorContext;

  constructor(message: string, opts: { cause?: unknown; retryable?: boolean; context?: ErrorContext } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.retryable = opts.retryable ?? false;
    this.context = opts.context ?? {};
  }
}

/** Worth retrying after a pause: the network, a node's 5xx or 429, a busy database. */
export class RetryableError extends BliveError {
  constructor(message: string, opts: { cause?: unknown; context?: ErrorContext } = {}) {
    super(message, { ...opts, retryable: true });
  }
}

/** Not worth retrying: bad configuration, an undecodable log, a broken invariant. */
export class FatalError extends BliveError {
  constructor(message: string, opts: { cause?: unknown; context?: ErrorContext } = {}) {
    super(message, { ...opts, retryable: false });
  }
}

/** Whether `e` should be retried; unknown errors (bugs) are not. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof BliveError) return e.retryable;
  // better-sqlite3 reports a locked database with these codes; another process holds the write lock.
  // A full disk is retried too: the batch rolled back, and it commits once space returns.
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || isStorageFull(e);
}

/** A one-line description of an error and its causes, for logs. */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    parts.push(cur instanceof Error ? `${cur.name}: ${cur.message}` : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(' <- ');
}
