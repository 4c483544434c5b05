/**
 * Small HTTP helpers for the media routes: CORS (WHIP/WHEP clients are cross-origin and
 * @livepeer/core-web silently gives up when its HEAD request is refused by CORS), JSON errors with
 * an UPPER_SNAKE code, and a bounded body reader.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-methods': 'GET, HEAD, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization, if-match, livepeer-access-key, livepeer-jwt',
  'access-control-expose-headers': 'location, etag, link, content-length',
  'access-control-max-age': '600',
};

/** Writes the CORS headers for `origin` ('*' or one allowed origin). */
export function setCors(res: ServerResponse, origin: string): void {
  res.setHeader('access-control-allow-origin', origin);
  if (origin !== '*') res.setHeader('vary', 'origin');
  for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
}

/** A JSON error body `{ error: { code, message, ...extra } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): void {
  const body = JSON.stringify({ error: { code, message, ...extra } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** A JSON body with `no-cache`; `headOnly` sends the headers alone. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headOnly = false): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
  });
  res.end(headOnly ? undefined : body);
}

/** The request body is larger than the route accepts. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
