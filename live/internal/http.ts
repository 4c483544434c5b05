/** Small node:http helpers: JSON bodies with a size cap, JSON answers, error answers, cookies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LiveError, errorBody } from './errors.js';

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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new LiveError('BAD_REQUEST', 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Sends `body` as JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends `{error: {code, message, ...}}` with the error's status (500 and a masked message for bugs). */
export function sendError(res: ServerResponse, e: unknown): void {
  const status = e instanceof LiveError ? e.status : 500;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(e);
  const retry = (body as { retryAfterMs?: unknown }).retryAfterMs;
  sendJson(res, status, { error: body }, typeof retry === 'number' && status === 429 ? { 'retry-after': String(Math.max(1, Math.ceil(retry / 1000))) } : {});
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

/** A bearer token from `Authorization`, or the session cookie. */
export function tokenOf(req: IncomingMessage, cookieName: string): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  return parseCookies(req.headers.cookie).get(cookieName) || undefined;
}
