/** Small node:http helpers: JSON bodies with a size cap, JSON answers, error answers, cookies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LiveError, asLiveError, errorBody } from './errors.js';

const MAX_BODY = 64 * 1024;

/** Reads a JSON object body (at most 64 KiB); BAD_REQUEST if it is not one. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new LiveError('PAYLOAD_TOO_LARGE', `request body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LiveError('BAD_REQUEST', 'request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new LiveError('BAD_REQUEST', 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Sends `body` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Sends `{error: {code, message, ...}}` with the error's status (500 and a masked message for bugs). */
export function sendError(res: ServerResponse, e: unknown): void {
  const status = asLiveError(e)?.status ?? 500;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(e);
  const retry = (body as { retryAfterMs?: unknown }).retryAfterMs;
  sendJson(
    res,
    status,
    { error: body },
    typeof retry === 'number' && status === 429 ? { 'retry-after': String(Math.max(1, Math.ceil(retry / 1000))) } : {},
  );
}

/** The cookies of a request. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    try {
      out.set(k, decodeURIComponent(v));
    } catch {
      out.set(k, v);
    }
  }
  return out;
}

/** A bearer token from `Authorization`, or undefined. */
export function bearerOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() || undefined : undefined;
}

/** A bearer token from `Authorization`, or the session cookie. */
export function tokenOf(req: IncomingMessage, cookieName: string): string | undefined {
  return bearerOf(req) ?? (parseCookies(req.headers.cookie).get(cookieName) || undefined);
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses a cross-site write before it runs. Browsers attach the session cookie to requests that
 * any page makes, also pages on another port of the same host (SameSite does not separate ports),
 * and a `text/plain` or form POST needs no preflight. So a write under /api/:
 * - whose `Origin` is not one of `origins` is refused (403 FORBIDDEN_ORIGIN);
 * - that would be authenticated by the cookie must carry an allowed `Origin` (browsers send one
 *   with every POST, PATCH and DELETE; clients without one use `Authorization: Bearer`);
 * - with a body must say `content-type: application/json` (415 UNSUPPORTED_MEDIA_TYPE), the one
 *   type a page cannot send to another origin without a CORS preflight, which we never grant.
 */
export function checkWrite(req: IncomingMessage, origins: ReadonlySet<string>, cookieName: string): void {
  if (!WRITES.has(req.method ?? 'GET')) return;
  const origin = req.headers.origin;
  if (origin !== undefined && !origins.has(origin))
    throw new LiveError('FORBIDDEN_ORIGIN', `requests from ${origin.slice(0, 100)} are not accepted here`);
  if (origin === undefined && !bearerOf(req) && parseCookies(req.headers.cookie).has(cookieName)) {
    throw new LiveError(
      'FORBIDDEN_ORIGIN',
      'a write authenticated by the session cookie must come from a BLive page (Origin); other clients send Authorization: Bearer',
    );
  }
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (hasBody && type !== 'application/json')
    throw new LiveError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
}

/** Whether a WebSocket upgrade's `Origin` may open a socket: absent (not a browser) or one of `origins`. */
export function originAllowed(req: IncomingMessage, origins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origins.has(origin);
}
