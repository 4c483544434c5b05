/** The devnet's HTTP layer: parses requests, routes them, and prints java-tron's JSON. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Chain } from '../chain/chain.js';
import { BadParam, walletHandler } from './wallet.js';
import { EventQueryError, eventsRoute } from './events.js';
import { handleRpc, type JsonRpcRequest } from './admin.js';
import { int64AsString, toVisible } from './format.js';

type Json = Record<string, unknown>;

const MAX_BODY = 2 * 1024 * 1024;

export interface HttpOptions {
  chain: Chain;
  /** Private keys served at `/admin/accounts-json` (deterministic devnet keys). */
  privateKeys: string[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'access-control-allow-origin': '*',
    'access-control-allow-headers': '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
  });
  res.end(text);
}

/** Query string values, with `true`/`false` and digits left as strings (handlers coerce). */
function queryOf(url: URL): Json {
  const q: Json = {};
  for (const [k, v] of url.searchParams) q[k] = v;
  return q;
}

/** Builds the request listener for a chain. */
export function createRequestListener(opts: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { chain } = opts;
  return (req, res) => {
    void (async () => {
      try {
        if (req.method === 'OPTIONS') return send(res, 204, '');
        const host = req.headers.host ?? '127.0.0.1';
        const url = new URL(req.url ?? '/', `http://${host}`);
        const path = url.pathname.replace(/^\/+/, '').replace(/\/+$/, '');
        const query = queryOf(url);
        let body: Json = {};
        if (req.method === 'POST') {
          const text = await readBody(req);
          if (text.trim()) {
            try {
              const parsed = JSON.parse(text) as unknown;
              body = parsed && typeof parsed === 'object' ? (parsed as Json) : {};
            } catch (e) {
              // java-tron answers unparseable input with 200 and {"Error": ...}.
              return send(res, 200, { Error: `class com.alibaba.fastjson.JSONException : ${(e as Error).message}` });
            }
          }
        }
        const params = { ...query, ...body };

        if (path === '' || path === 'healthcheck') return send(res, 200, { status: 'OK', head: chain.head.number });
        // The admin doors (mining, time, balances, code, keys) are for tools on this machine, never
        // for a web page: any page can POST text/plain here without a preflight, and a browser
        // always names the page's origin.
        if ((path === 'tre' || path.startsWith('admin/')) && req.headers.origin !== undefined)
          throw new HttpError(403, `/${path} does not take requests from web pages`);
        if (path === 'admin/accounts-json') return send(res, 200, { privateKeys: opts.privateKeys });
        if (path === 'tre') {
          if (req.method !== 'POST') throw new HttpError(405, '/tre takes JSON-RPC over POST');
          if (Array.isArray(body))
            return send(res, 200, await Promise.all((body as JsonRpcRequest[]).map((r) => handleRpc(chain, r))));
          return send(res, 200, await handleRpc(chain, body as JsonRpcRequest));
        }
        if (path.startsWith('v1/')) {
          try {
            const out = eventsRoute(chain, `http://${host}`, path, query);
            if (out) return send(res, 200, out);
          } catch (e) {
            if (e instanceof EventQueryError)
              return send(res, 400, { success: false, error: e.message, statusCode: 400 });
            throw e;
          }
          throw new HttpError(404, `no such endpoint: /${path}`);
        }
        const m = /^(wallet|walletsolidity)\/([A-Za-z0-9]+)$/.exec(path);
        const handler = m ? walletHandler(m[1] as 'wallet' | 'walletsolidity', m[2]!) : undefined;
        if (!m || !handler) throw new HttpError(404, `no such endpoint: /${path}`);
        const visible = params.visible === true || params.visible === 'true';
        let out: unknown;
        try {
          out = await handler(chain, { params, solid: m[1] === 'walletsolidity', visible });
        } catch (e) {
          if (e instanceof BadParam) return send(res, 200, { Error: e.message });
          throw e;
        }
        if (visible) out = toVisible(out);
        // java-tron reads the flag from the query string of GET requests only (java-tron#6699).
        if (req.method === 'GET' && query.int64_as_string === 'true') out = int64AsString(out);
        return send(res, 200, out);
      } catch (e) {
        if (e instanceof HttpError) return send(res, e.status, { Error: e.message });
        console.error('devnet: unexpected error', e);
        return send(res, 500, { Error: `internal error: ${(e as Error).message}` });
      }
    })();
  };
}
