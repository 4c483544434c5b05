/**
 * The `/chain` proxy: the TRON node's HTTP API on the platform's origin, so TronWeb in the page
 * needs no CORS. It is not a way into the node: only the read, simulate and broadcast endpoints
 * the web app (and the wallets it drives) use are forwarded, never the devnet's `/tre` and
 * `/admin` nor any other path; each request is bounded in size and time and budgeted per client
 * IP; the node's answer goes back with its status and content type only (no
 * `Access-Control-Allow-Origin: *`: other sites' pages cannot read it). On a public network the
 * TronGrid key is added here, server-side, and only to these endpoints. Calls that would send
 * TRC-10 tokens to our contracts are refused (trc10.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiter } from '../lib/rateLimit.js';
import { GUARDED_PATHS, trc10Refusal } from './trc10.js';

/** The endpoints forwarded (after `/chain/`, lowercase). Everything else is 404 CHAIN_ENDPOINT_NOT_FORWARDED. */
export const CHAIN_ENDPOINTS: ReadonlySet<string> = new Set([
  // Reads the web app makes (lib/chain/node.ts) and TronWeb makes for it and the wallets.
  'wallet/getaccount',
  'wallet/getaccountresource',
  'wallet/getchainparameters',
  'wallet/getnowblock',
  'wallet/getblockbynum',
  'wallet/getblockbyid',
  'wallet/gettransactionbyid',
  'wallet/gettransactioninfobyid',
  'wallet/getcontract',
  'wallet/getcontractinfo',
  'wallet/getnodeinfo',
  'wallet/getenergyprices',
  'wallet/getbandwidthprices',
  // Simulations, and building an unsigned call (nothing happens until it is signed and broadcast).
  'wallet/triggerconstantcontract',
  'wallet/estimateenergy',
  'wallet/triggersmartcontract',
  // Broadcasts of transactions the user's wallet signed.
  'wallet/broadcasttransaction',
  'wallet/broadcasthex',
  // The solidified view (finality).
  'walletsolidity/getaccount',
  'walletsolidity/getnowblock',
  'walletsolidity/getblockbynum',
  'walletsolidity/gettransactionbyid',
  'walletsolidity/gettransactioninfobyid',
  'walletsolidity/triggerconstantcontract',
]);

export interface ChainProxyOptions {
  /** The node's base URL (the devnet's, or a public network's). */
  nodeUrl: string;
  /** TronGrid's key, sent as TRON-PRO-API-KEY to the node and never to the browser. */
  apiKey?: string;
  /** Our contracts (41-hex), which must never receive TRC-10 tokens. */
  ours: ReadonlySet<string>;
  /** The client's IP of a request (TRUST_PROXY applies). */
  clientIp: (req: IncomingMessage) => string;
  /** The node must answer within this (default 15 s); 504 NODE_TIMEOUT otherwise. */
  timeoutMs?: number;
  /** Largest request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Requests per client IP per minute (default 1200). */
  perMinute?: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Builds the proxy's request handler (for paths under `/chain/`). */
export function createChainProxy(opts: ChainProxyOptions): {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): void;
} {
  const base = opts.nodeUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBody = opts.maxBodyBytes ?? 1 << 20;
  const perMinute = opts.perMinute ?? 1200;
  const limiter = new RateLimiter();
  const sweeper = setInterval(() => limiter.sweep(60_000, Date.now()), 60_000);
  sweeper.unref();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://platform.invalid');
    // Resolved like a URL (dot segments gone), then compared as a whole: no prefix matching.
    const path = url.pathname
      .replace(/^\/chain\/+/, '')
      .replace(/\/+$/, '')
      .toLowerCase();
    if (req.method !== 'GET' && req.method !== 'POST')
      return sendJson(
        res,
        405,
        { error: { code: 'METHOD_NOT_ALLOWED', message: 'the node API takes GET and POST' } },
        { allow: 'GET, POST' },
      );
    if (!CHAIN_ENDPOINTS.has(path))
      return sendJson(res, 404, {
        error: {
          code: 'CHAIN_ENDPOINT_NOT_FORWARDED',
          message: `/chain forwards the node's read and broadcast endpoints only, not /${path.slice(0, 80)}`,
        },
      });
    const wait = limiter.take(opts.clientIp(req), perMinute, 60_000, Date.now());
    if (wait > 0) {
      return sendJson(
        res,
        429,
        {
          error: { code: 'RATE_LIMITED', message: `at most ${perMinute} node requests per minute`, retryAfterMs: wait },
        },
        { 'retry-after': String(Math.ceil(wait / 1000)) },
      );
    }
    const body = req.method === 'POST' ? await readBody(req, maxBody) : Buffer.alloc(0);
    if (body === null)
      return sendJson(res, 413, {
        error: { code: 'PAYLOAD_TOO_LARGE', message: `node request bodies are limited to ${maxBody} bytes here` },
      });
    if (GUARDED_PATHS.has(path)) {
      let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
      if (body.length > 0) {
        try {
          const parsed = JSON.parse(body.toString('utf8')) as unknown;
          if (parsed && typeof parsed === 'object') params = { ...params, ...(parsed as Record<string, unknown>) };
        } catch {
          // Not JSON: the node refuses it on its own.
        }
      }
      const refusal = trc10Refusal(path, params, opts.ours);
      if (refusal) return sendJson(res, 400, { error: refusal });
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body.length > 0) headers['content-type'] = 'application/json';
    if (opts.apiKey) headers['tron-pro-api-key'] = opts.apiKey;
    let upstream: Response;
    let text: ArrayBuffer;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      upstream = await fetch(`${base}/${path}${url.search}`, {
        method: req.method,
        headers,
        ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
        signal,
        redirect: 'error',
      });
      text = await upstream.arrayBuffer();
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      return sendJson(res, timedOut ? 504 : 502, {
        error: {
          code: timedOut ? 'NODE_TIMEOUT' : 'NODE_UNAVAILABLE',
          message: timedOut
            ? `the TRON node did not answer within ${timeoutMs} ms`
            : `the TRON node did not answer: ${(e as Error).message}`,
        },
      });
    }
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
      'content-length': text.byteLength,
      'cache-control': 'no-store',
    });
    res.end(Buffer.from(text));
  }

  return { handle, close: () => clearInterval(sweeper) };
}
