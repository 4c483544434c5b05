/**
 * The live service's errors. Expected refusals are a `LiveError` with an UPPER_SNAKE `code`, an
 * HTTP status and optional details (e.g. the offending `field`); they reach clients as
 * `{error: {code, message}}` over HTTP and `{type: "error", code, message}` over the WebSocket.
 * Anything else is a bug and is masked as INTERNAL.
 */
import { isStorageFull } from '../../lib/diskFull.js';
import type { LiveErrorCode } from '../../lib/protocol/errors.js';

/** Every code a client can see (one list, shared with the web: lib/protocol/errors.ts). */
export type { LiveErrorCode };

const STATUS: Partial<Record<LiveErrorCode, number>> = {
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  UNAUTHENTICATED: 401,
  NONCE_UNKNOWN: 401,
  NONCE_USED: 401,
  MESSAGE_EXPIRED: 401,
  MESSAGE_MISMATCH: 401,
  WRONG_DOMAIN: 401,
  WRONG_CHAIN: 401,
  SIGNATURE_MISMATCH: 401,
  INDEXER_UNAVAILABLE: 503,
  NODE_UNAVAILABLE: 503,
  MEDIA_UNAVAILABLE: 503,
  NOT_BROADCASTER: 403,
  NOT_OWNER: 403,
  NOT_MODERATOR: 403,
  CANNOT_MODERATE: 403,
  STREAM_NOT_FOUND: 404,
  ROOM_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  STREAM_ENDED: 409,
  STREAM_NOT_LIVE: 409,
  RECORDING_NOT_FOUND: 404,
  CLIP_NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SLOW_MODE: 429,
  FLOOD: 429,
  FORBIDDEN_ORIGIN: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_CONNECTIONS: 429,
  DM_BLOCKED: 403,
  STORAGE_FULL: 503,
  PEER_ID_TAKEN: 409,
  PEER_NOT_BOUND: 403,
  RELAYER_UNAVAILABLE: 503,
  BAD_SIGNATURE: 401,
  SIGNATURE_EXPIRED: 401,
  SESSION_UNKNOWN: 404,
  SESSION_ENDED: 409,
  SESSION_REFUSED: 409,
  INTENT_REPLAYED: 409,
  INTENT_NONCE_USED: 409,
  INTENT_NONCE_GAP: 409,
  INTENT_EXPIRED: 409,
  INTENT_OVER_CAP: 409,
  INTENT_WRONG_TOKEN: 409,
  INTENT_TERMS_CHANGED: 409,
  INTENT_UNKNOWN_GIFT: 409,
  INTENT_GIFT_DISABLED: 409,
  INTENT_INVALID_QUANTITY: 409,
  INTENT_SELF_GIFT: 409,
  INTENT_INSUFFICIENT_BALANCE: 409,
  INTENT_NOT_FOUND: 404,
};

/** An expected refusal, shown to the client as is. */
export class LiveError extends Error {
  readonly code: LiveErrorCode;
  readonly status: number;
  /** Extra fields sent with the error (`field`, `retryAfterMs`, `until`). */
  readonly details: Record<string, unknown>;

  constructor(
    code: LiveErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    opts: { cause?: unknown; status?: number } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LiveError';
    this.code = code;
    this.status = opts.status ?? STATUS[code] ?? 400;
    this.details = details;
  }
}

/** A BAD_REQUEST naming the offending field. */
export function badField(field: string, message: string): LiveError {
  return new LiveError('BAD_REQUEST', message, { field });
}

/** What a client is told about `e`: a LiveError as it is; a full disk as STORAGE_FULL; else undefined (a bug). */
export function asLiveError(e: unknown): LiveError | undefined {
  if (e instanceof LiveError) return e;
  if (isStorageFull(e)) {
    return new LiveError(
      'STORAGE_FULL',
      'the service cannot save anything right now (its disk is full): nothing was stored, try again in a moment',
      { retryAfterMs: 5000 },
      { cause: e },
    );
  }
  return undefined;
}

/** The client-facing body of any error: LiveErrors as they are, a full disk as STORAGE_FULL, anything else masked. */
export function errorBody(e: unknown): { code: LiveErrorCode; message: string; [k: string]: unknown } {
  const le = asLiveError(e);
  if (le) return { ...le.details, code: le.code, message: le.message };
  return { code: 'INTERNAL', message: 'internal error' };
}
