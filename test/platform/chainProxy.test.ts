/**
 * Issue 12, item 10, on a public network's terms: the platform's `/chain` proxy in front of a
 * node that stands in for TronGrid (it records what reaches it, answers with CORS `*` like a
 * public node, and stalls on request). The proxy must forward only the endpoints the web uses,
 * add the server's TronGrid key itself and only there, pass nothing of the browser's (cookies,
 * its own key header), drop the node's CORS headers, and give up on a node that does not answer.
 * The same proxy against the real devnet is in platform.test.ts.
 */
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChainProxy } from '../../platform/chainProxy.js';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('security: the /chain proxy in front of a public node', function () {
  this.timeout(30_000);
  const seen: Seen[] = [];
  let node: Server;
  let platform: Server;
  let url: string;
  let closeProxy: () => void;

  before(async function () {
    node = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      if (req.url === '/wallet/getaccount') return; // never answers
      res.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'set-cookie': 'node=1',
      });
      res.end('{"blockID":"00","ok":true}');
    });
    const nodeUrl = await listen(node);
    const proxy = createChainProxy({
      nodeUrl,
      apiKey: 'server-trongrid-key',
      ours: new Set(),
      clientIp: (r) => r.socket.remoteAddress ?? '',
      timeoutMs: 500,
      perMinute: 1000,
    });
    closeProxy = proxy.close;
    platform = createServer((req, res) => void proxy.handle(req, res));
    url = `${await listen(platform)}/chain`;
  });

  after(async function () {
    closeProxy?.();
    for (const s of [platform, node]) {
      s?.closeAllConnections();
      await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
    }
  });

  it('forwards a read with the server key added, nothing of the browser passed on (cookie, Authorization, its key), and no CORS header or key back', async function () {
    seen.length = 0;
    const r = await fetch(`${url}/wallet/getnowblock`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: 'blive_session=secret',
        authorization: 'Bearer page-token',
        'tron-pro-api-key': 'from-the-page',
        origin: 'http://evil.example',
      },
      body: '{}',
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('set-cookie'), null);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.path, '/wallet/getnowblock');
    assert.equal(seen[0]!.headers['tron-pro-api-key'], 'server-trongrid-key');
    assert.equal(seen[0]!.headers.cookie, undefined);
    assert.equal(seen[0]!.headers.origin, undefined);
    assert.equal(seen[0]!.headers.authorization, undefined);
    assert.ok(
      !JSON.stringify(seen[0]!.headers).includes('secret') && !JSON.stringify(seen[0]!.headers).includes('page-token'),
      JSON.stringify(seen[0]!.headers),
    );
    const back = JSON.stringify([...r.headers]) + (await r.text());
    assert.equal(back.includes('server-trongrid-key'), false, `the key reached the browser: ${back}`);
  });

  it('is no open proxy: other paths, dot segments and other methods never reach the node (the key is not spent on them)', async function () {
    seen.length = 0;
    const cases: [string, string, number][] = [
      ['POST', '/tre', 404],
      ['GET', '/admin/accounts-json', 404],
      ['GET', '/v1/accounts/TJRabPrwbZy45sbavfcjinPJC18kjpRTv8/transactions', 404],
      ['POST', '/wallet/createaccount', 404],
      ['POST', '/wallet/getnowblock/../../tre', 404],
      ['POST', '/wallet/getnowblock%2F..%2F..%2Ftre', 404],
      ['GET', '//evil.example/wallet/getnowblock', 404],
      ['PUT', '/wallet/getnowblock', 405],
      ['OPTIONS', '/wallet/getnowblock', 405],
    ];
    for (const [method, p, status] of cases) {
      const r = await fetch(`${url}${p}`, { method, ...(method === 'POST' || method === 'PUT' ? { body: '{}' } : {}) });
      assert.equal(r.status, status, `${method} ${p}`);
      assert.equal(r.headers.get('access-control-allow-origin'), null);
    }
    assert.deepEqual(seen, [], 'nothing reached the node');
  });

  it('gives up on a node that does not answer: 504 NODE_TIMEOUT after CHAIN_PROXY_TIMEOUT_MS', async function () {
    const t0 = Date.now();
    const r = await fetch(`${url}/wallet/getaccount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"address":"T"}',
    });
    assert.equal(r.status, 504);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'NODE_TIMEOUT');
    assert.ok(Date.now() - t0 < 3000, `answered after ${Date.now() - t0} ms`);
  });

  it('refuses bodies over the limit (413) without forwarding them', async function () {
    seen.length = 0;
    const r = await fetch(`${url}/wallet/broadcasthex`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transaction: 'ab'.repeat(600_000) }),
    });
    assert.equal(r.status, 413);
    assert.deepEqual(seen, []);
  });
});
