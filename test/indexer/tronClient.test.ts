/**
 * The node client against a real HTTP server that misbehaves on purpose: 5xx and 429 are retried
 * with backoff (honouring Retry-After), slow answers time out and are retried, other 4xx and
 * java-tron's `{"Error": ...}` are fatal at once, and the TronGrid key goes in TRON-PRO-API-KEY.
 */
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FatalError, RetryableError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/log.js';
import { createTronClient, type TronClient } from '../../indexer/sync/tronClient.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

const BLOCK = {
  blockID: `${'00'.repeat(7)}05${'ab'.repeat(24)}`,
  block_header: { raw_data: { number: 5, timestamp: 1_700_000_000_000, parentHash: '11'.repeat(32) } },
};
const ok: Reply = (_req, res) => res.end(JSON.stringify(BLOCK));
const status =
  (code: number, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(code, headers);
    res.end('nope');
  };

describe('indexer: node client', function () {
  let server: Server;
  let url: string;
  let replies: Reply[];
  let seen: IncomingMessage[];

  before(async function () {
    server = createServer((req, res) => {
      seen.push(req);
      req.resume();
      (replies.shift() ?? ok)(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(function () {
    replies = [];
    seen = [];
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (opts: { attempts?: number; apiKey?: string; timeoutMs?: number } = {}): TronClient =>
    createTronClient({
      nodeUrl: url,
      solidityUrl: url,
      timeoutMs: opts.timeoutMs ?? 2000,
      attempts: opts.attempts ?? 4,
      log: silentLogger,
      baseBackoffMs: 5,
      maxBackoffMs: 20,
      ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    });

  it('retries 5xx and 429 with backoff until the node answers', async function () {
    replies = [status(503), status(429, { 'retry-after': '0' }), status(500)];
    const b = await client().nowBlock();
    assert.deepEqual(b, { number: 5, hash: BLOCK.blockID, parentHash: '11'.repeat(32), timestamp: 1_700_000_000_000 });
    assert.equal(seen.length, 4);
    assert.equal(seen[0]!.url, '/wallet/getnowblock');
  });

  it('retries a request that timed out', async function () {
    replies = [(_req, res) => setTimeout(() => res.end(JSON.stringify(BLOCK)), 300)];
    const b = await client({ timeoutMs: 100 }).solidBlock();
    assert.equal(b.number, 5);
    assert.equal(seen.length, 2);
    assert.equal(seen[1]!.url, '/walletsolidity/getnowblock');
  });

  it('gives up with a RetryableError after its attempts, for the sync loop to wait on', async function () {
    replies = [status(502), status(502), status(502)];
    await assert.rejects(
      client({ attempts: 3 }).nowBlock(),
      (e: unknown) => e instanceof RetryableError && /after 3 attempts/.test(e.message),
    );
    assert.equal(seen.length, 3);
  });

  it('fails at once with a FatalError on other 4xx and on java-tron errors', async function () {
    replies = [status(401)];
    await assert.rejects(client().nowBlock(), FatalError);
    assert.equal(seen.length, 1);
    replies = [(_req, res) => res.end(JSON.stringify({ Error: 'class java.lang.IllegalArgumentException : bad num' }))];
    await assert.rejects(
      client().blockByNumber(-1),
      (e: unknown) => e instanceof FatalError && /bad num/.test(e.message),
    );
    assert.equal(seen.length, 2);
  });

  it('sends the TronGrid API key', async function () {
    await client({ apiKey: 'k-123' }).nowBlock();
    assert.equal(seen[0]!.headers['tron-pro-api-key'], 'k-123');
    await client().nowBlock();
    assert.equal(seen[1]!.headers['tron-pro-api-key'], undefined);
  });
});
