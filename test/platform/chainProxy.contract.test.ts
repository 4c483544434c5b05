/**
 * Issue 13: the `/chain` proxy's contract with the browser and the node, pinned with exact values
 * (status, error code and message, headers) so that mutation testing finds nothing left unsaid.
 * A fake node on port 0 records exactly what reaches it (method, path, headers, body); its answer
 * is chosen by the query string (`status`, `ct` for the content type, `ct=` for none, `stall`).
 * The security view (cookies, CORS, the open-proxy paths) is in chainProxy.test.ts.
 */
import { strict as assert } from 'node:assert';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toBase58 } from '../../lib/address.js';
import { type ChainProxyOptions, createChainProxy } from '../../platform/chainProxy.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: { error?: { code: string; message: string; retryAfterMs?: number } };
}

const OURS = `41${'ab'.repeat(20)}`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A raw HTTP request (node:http, so a GET may carry a body and the path is sent as written). */
function send(
  base: string,
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      void readAll(res).then((text) => {
        let json: Answer['json'] = {};
        try {
          json = JSON.parse(text) as Answer['json'];
        } catch {
          // Not JSON: the test reads text.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      }, reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The headers every answer of the proxy's own (an error) carries. */
function assertOwnJson(a: Answer): void {
  assert.equal(a.headers['content-type'], 'application/json');
  assert.equal(a.headers['cache-control'], 'no-store');
  assert.equal(a.headers['content-length'], String(Buffer.byteLength(a.text)));
}

describe('platform: the /chain proxy, exactly what it forwards and answers', function () {
  this.timeout(30_000);
  const seen: Seen[] = [];
  const servers: Server[] = [];
  const closers: (() => void)[] = [];
  let nodeUrl: string;
  /** With the server key, a 64-byte body limit, a 300 ms timeout; the node URL given with a trailing slash. */
  let keyed: string;
  /** No key configured. */
  let keyless: string;
  /** Two requests per minute for everyone. */
  let limited: string;
  /** In front of a port nobody listens on. */
  let dead: string;

  async function proxy(opts: Partial<ChainProxyOptions> & { nodeUrl: string }): Promise<string> {
    const p = createChainProxy({ ours: new Set([OURS]), clientIp: (r) => r.socket.remoteAddress ?? '', ...opts });
    closers.push(p.close);
    const s = createServer((req, res) => void p.handle(req, res));
    servers.push(s);
    return listen(s);
  }

  before(async function () {
    const node = createServer((req, res) => {
      void readAll(req).then((body) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const q = new URL(req.url ?? '/', 'http://node.invalid').searchParams;
        if (q.has('stall')) return; // never answers
        const ct = q.get('ct');
        res.writeHead(Number(q.get('status') ?? 200), ct === '' ? {} : { 'content-type': ct ?? 'application/json' });
        res.end(q.get('reply') ?? '{"ok":true}');
      });
    });
    servers.push(node);
    nodeUrl = await listen(node);
    keyed = await proxy({ nodeUrl: `${nodeUrl}/`, apiKey: 'server-key', timeoutMs: 300, maxBodyBytes: 64 });
    keyless = await proxy({ nodeUrl });
    limited = await proxy({ nodeUrl, perMinute: 2, clientIp: () => 'one-client' });
    const gone = createServer();
    const goneUrl = await listen(gone);
    await new Promise<void>((r) => gone.close(() => r()));
    dead = await proxy({ nodeUrl: goneUrl });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  after(async function () {
    for (const c of closers) c();
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  it('refuses PUT with 405 METHOD_NOT_ALLOWED, "the node API takes GET and POST", allow: GET, POST, before looking at the path', async function () {
    for (const path of ['/chain/wallet/getnowblock', '/chain/tre']) {
      const a = await send(keyed, 'PUT', path, { body: '{}' });
      assert.equal(a.status, 405, path);
      assert.deepEqual(a.json, { error: { code: 'METHOD_NOT_ALLOWED', message: 'the node API takes GET and POST' } });
      assert.equal(a.headers.allow, 'GET, POST');
      assertOwnJson(a);
    }
    assert.deepEqual(seen, []);
  });

  it('answers an unforwarded endpoint with 404 CHAIN_ENDPOINT_NOT_FORWARDED naming the lowercased path', async function () {
    const a = await send(keyed, 'POST', '/chain/Wallet/CreateAccount', { body: '{}' });
    assert.equal(a.status, 404);
    assert.deepEqual(a.json, {
      error: {
        code: 'CHAIN_ENDPOINT_NOT_FORWARDED',
        message: "/chain forwards the node's read and broadcast endpoints only, not /wallet/createaccount",
      },
    });
    assertOwnJson(a);
    assert.equal(a.headers.allow, undefined);
    assert.deepEqual(seen, []);
  });

  it('cuts the path in the 404 message to its first 80 characters', async function () {
    const a = await send(keyed, 'GET', `/chain/${'x'.repeat(100)}`);
    assert.equal(a.status, 404);
    assert.equal(
      a.json.error?.message,
      `/chain forwards the node's read and broadcast endpoints only, not /${'x'.repeat(80)}`,
    );
  });

  it('normalises the path: /chain//x, one or more trailing slashes and upper case reach the node as /x, the query kept', async function () {
    const cases: [string, string][] = [
      ['/chain/wallet/getnowblock', '/wallet/getnowblock'],
      ['/chain//wallet/getnowblock', '/wallet/getnowblock'],
      ['/chain///wallet/getnowblock', '/wallet/getnowblock'],
      ['/chain/wallet/getnowblock/', '/wallet/getnowblock'],
      ['/chain/wallet/getnowblock//', '/wallet/getnowblock'],
      ['/chain/Wallet/GetNowBlock', '/wallet/getnowblock'],
      ['/chain/wallet/getblockbynum?visible=true', '/wallet/getblockbynum?visible=true'],
    ];
    for (const [path, forwarded] of cases) {
      seen.length = 0;
      const a = await send(keyed, 'GET', path);
      assert.equal(a.status, 200, path);
      assert.deepEqual(
        seen.map((s) => s.url),
        [forwarded],
        path,
      );
    }
  });

  it('forwards a GET without a body or content-type even when the browser sent a body with one', async function () {
    const a = await send(keyed, 'GET', '/chain/wallet/getnowblock', {
      body: '{"num":1}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(a.status, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.method, 'GET');
    assert.equal(seen[0]!.body, '');
    assert.equal(seen[0]!.headers['content-type'], undefined);
  });

  it('forwards a POST body byte for byte as application/json whatever content type the browser gave, with accept: application/json', async function () {
    const body = '{"value":"TJRabPrwbZy45sbavfcjinPJC18kjpRTv8","visible":true}';
    const a = await send(keyed, 'POST', '/chain/wallet/getaccount', {
      body,
      headers: { 'content-type': 'text/plain', accept: 'text/html' },
    });
    assert.equal(a.status, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.body, body);
    assert.equal(seen[0]!.headers['content-type'], 'application/json');
    assert.equal(seen[0]!.headers.accept, 'application/json');
  });

  it('forwards a POST with an empty body without a content-type', async function () {
    const a = await send(keyed, 'POST', '/chain/wallet/getnowblock', { body: '' });
    assert.equal(a.status, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.body, '');
    assert.equal(seen[0]!.headers['content-type'], undefined);
    assert.equal(seen[0]!.headers.accept, 'application/json');
  });

  it('forwards a body of exactly the limit (64 bytes) and refuses 65 bytes with 413 PAYLOAD_TOO_LARGE, unforwarded', async function () {
    const exact = `{"value":"${'a'.repeat(52)}"}`;
    assert.equal(exact.length, 64);
    const ok = await send(keyed, 'POST', '/chain/wallet/getaccount', { body: exact });
    assert.equal(ok.status, 200);
    assert.deepEqual(
      seen.map((s) => s.body),
      [exact],
    );
    seen.length = 0;
    const over = await send(keyed, 'POST', '/chain/wallet/getaccount', { body: `${exact} ` });
    assert.equal(over.status, 413);
    assert.deepEqual(over.json, {
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'node request bodies are limited to 64 bytes here' },
    });
    assertOwnJson(over);
    assert.deepEqual(seen, []);
  });

  it('adds tron-pro-api-key server-side when a key is configured, replacing the one the page sent', async function () {
    await send(keyed, 'POST', '/chain/wallet/getnowblock', {
      body: '{}',
      headers: { 'tron-pro-api-key': 'from-the-page', cookie: 'blive_session=secret' },
    });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers['tron-pro-api-key'], 'server-key');
    assert.equal(seen[0]!.headers.cookie, undefined);
  });

  it("sends no tron-pro-api-key at all when no key is configured (not even the page's), and no cookie", async function () {
    const a = await send(keyless, 'POST', '/chain/wallet/getnowblock', {
      body: '{}',
      headers: { 'tron-pro-api-key': 'from-the-page', cookie: 'blive_session=secret' },
    });
    assert.equal(a.status, 200);
    assert.equal(seen.length, 1);
    assert.equal('tron-pro-api-key' in seen[0]!.headers, false, JSON.stringify(seen[0]!.headers));
    assert.equal(seen[0]!.headers.cookie, undefined);
  });

  it("passes the node's status, body and content type back with cache-control: no-store", async function () {
    const a = await send(
      keyed,
      'GET',
      '/chain/wallet/getnowblock?status=400&ct=text/plain;%20charset=utf-8&reply=nope',
    );
    assert.equal(a.status, 400);
    assert.equal(a.text, 'nope');
    assert.equal(a.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(a.headers['cache-control'], 'no-store');
    assert.equal(a.headers['content-length'], '4');
  });

  it('answers with content-type application/json when the node gives none', async function () {
    const a = await send(keyed, 'GET', '/chain/wallet/getnowblock?ct=');
    assert.equal(a.status, 200);
    assert.equal(a.text, '{"ok":true}');
    assert.equal(a.headers['content-type'], 'application/json');
    assert.equal(a.headers['cache-control'], 'no-store');
  });

  it('answers 504 NODE_TIMEOUT "the TRON node did not answer within 300 ms" when the node stalls', async function () {
    const a = await send(keyed, 'GET', '/chain/wallet/getnowblock?stall=1');
    assert.equal(a.status, 504);
    assert.deepEqual(a.json, {
      error: { code: 'NODE_TIMEOUT', message: 'the TRON node did not answer within 300 ms' },
    });
    assertOwnJson(a);
  });

  it('answers 502 NODE_UNAVAILABLE "the TRON node did not answer: fetch failed" when the node refuses the connection', async function () {
    const a = await send(dead, 'GET', '/chain/wallet/getnowblock');
    assert.equal(a.status, 502);
    assert.deepEqual(a.json, {
      error: { code: 'NODE_UNAVAILABLE', message: 'the TRON node did not answer: fetch failed' },
    });
    assertOwnJson(a);
  });

  it('rate-limits per client over HTTP: refused paths spend nothing, the third forwarded call in a minute is 429 RATE_LIMITED with retry-after: 60', async function () {
    for (let i = 0; i < 3; i++) assert.equal((await send(limited, 'GET', '/chain/tre')).status, 404);
    assert.equal((await send(limited, 'PUT', '/chain/wallet/getnowblock')).status, 405);
    assert.equal((await send(limited, 'GET', '/chain/wallet/getnowblock')).status, 200);
    assert.equal((await send(limited, 'GET', '/chain/wallet/getnowblock')).status, 200);
    const a = await send(limited, 'GET', '/chain/wallet/getnowblock');
    assert.equal(a.status, 429);
    assert.equal(a.json.error?.code, 'RATE_LIMITED');
    assert.equal(a.json.error?.message, 'at most 2 node requests per minute');
    const wait = a.json.error?.retryAfterMs ?? 0;
    assert.ok(wait > 55_000 && wait <= 60_000, `retryAfterMs ${wait}`);
    assert.deepEqual(Object.keys(a.json.error ?? {}), ['code', 'message', 'retryAfterMs']);
    assert.equal(a.headers['retry-after'], '60');
    assertOwnJson(a);
    assert.equal(seen.length, 2, 'the refused call did not reach the node');
  });

  describe('the TRC-10 guard reads the query and the JSON body merged, the body winning', function () {
    const refusal = (path: string) => ({
      error: {
        code: 'TRC10_NOT_ACCEPTED',
        message: `${path} would send 5 units of a TRC-10 token to ${toBase58(OURS)}, a BLive contract that could never return them: send the call without call_token_value`,
      },
    });

    it('refuses a GET whose query sends call_token_value to our contract: 400 TRC10_NOT_ACCEPTED, unforwarded', async function () {
      const a = await send(
        keyless,
        'GET',
        `/chain/wallet/triggerconstantcontract?contract_address=${OURS}&call_token_value=5`,
      );
      assert.equal(a.status, 400);
      assert.deepEqual(a.json, refusal('wallet/triggerconstantcontract'));
      assertOwnJson(a);
      assert.deepEqual(seen, []);
    });

    it('refuses a POST whose body sends call_token_value to our contract', async function () {
      const a = await send(keyless, 'POST', '/chain/wallet/triggersmartcontract', {
        body: JSON.stringify({ contract_address: OURS, call_token_value: 5 }),
      });
      assert.equal(a.status, 400);
      assert.deepEqual(a.json, refusal('wallet/triggersmartcontract'));
      assert.deepEqual(seen, []);
    });

    it('refuses when the query names our contract and the body the amount', async function () {
      const a = await send(keyless, 'POST', `/chain/wallet/estimateenergy?contract_address=${OURS}`, {
        body: '{"call_token_value":5}',
      });
      assert.equal(a.status, 400);
      assert.deepEqual(a.json, refusal('wallet/estimateenergy'));
    });

    it('forwards when the body sets call_token_value to 0 over a query of 5', async function () {
      const a = await send(
        keyless,
        'POST',
        `/chain/wallet/triggerconstantcontract?contract_address=${OURS}&call_token_value=5`,
        { body: '{"call_token_value":0}' },
      );
      assert.equal(a.status, 200);
      assert.equal(seen.length, 1);
    });

    it('forwards a body that is not JSON to the node as it is (the node refuses it itself)', async function () {
      const a = await send(keyless, 'POST', '/chain/wallet/triggersmartcontract', { body: 'not json' });
      assert.equal(a.status, 200);
      assert.deepEqual(
        seen.map((s) => s.body),
        ['not json'],
      );
    });

    it('does not guard endpoints outside the guarded paths: wallet/getaccount is forwarded with the same body', async function () {
      const a = await send(keyless, 'POST', '/chain/wallet/getaccount', {
        body: JSON.stringify({ contract_address: OURS, call_token_value: 5 }),
      });
      assert.equal(a.status, 200);
      assert.equal(seen.length, 1);
    });
  });
});
