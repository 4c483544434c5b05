/**
 * The peer-to-peer HLS tracker (live/streams/media/tracker.ts) on a real HTTP server with real
 * WebSocket clients: it refuses other sites' pages, caps sockets per IP and floods, and relays a
 * WebRTC offer from one peer of a swarm to another (what p2p-media-loader's peers do through it).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createTracker, type Tracker } from '../../../live/streams/media/tracker.js';
import { waitFor } from '../../helpers/media.js';

const OURS = 'http://app.example';

/** Opens a socket to the tracker; resolves with it once open, or with the refusal's status and body. */
function open(
  url: string,
  origin?: string,
): Promise<{ ws: WebSocket; status?: undefined } | { ws?: undefined; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { headers: { origin } } : {});
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

/** A 20-character string (the wire form of info hashes and peer ids). */
const id20 = (c: string): string => c.repeat(20);

function nextMessage(ws: WebSocket, pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData): void => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (!pred(m)) return;
      ws.off('message', on);
      resolve(m);
    };
    ws.on('message', on);
  });
}

describe('p2p HLS tracker', () => {
  let server: Server;
  let tracker: Tracker;
  let url: string;
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    tracker = createTracker({
      origins: new Set([OURS]),
      clientIp: (req) => req.socket.remoteAddress ?? '',
      limits: { socketsPerIp: 3, burst: 5, perSecond: 1, swarmsPerSocket: 2 },
    });
    server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => {
      if (!tracker.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/tracker`;
  });

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate();
    await tracker.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const mustOpen = async (origin = OURS): Promise<WebSocket> => {
    const r = await open(url, origin);
    assert.ok(r.ws, `refused: ${r.status}`);
    sockets.push(r.ws);
    return r.ws;
  };

  it('refuses an upgrade from another origin, or without one, with 403 FORBIDDEN_ORIGIN', async () => {
    for (const origin of ['http://evil.example', 'http://app.example.evil.example', undefined]) {
      const r = await open(url, origin);
      assert.equal(r.status, 403, `origin ${origin}`);
      assert.equal(JSON.parse(r.body!).error.code, 'FORBIDDEN_ORIGIN');
    }
    assert.equal(tracker.stats().refused.origin, 3);
    assert.equal(tracker.stats().sockets, 0);
    // The same upgrade from our origin is served.
    await mustOpen();
    assert.equal(tracker.stats().sockets, 1);
  });

  it('leaves other paths to the next handler', async () => {
    await assert.rejects(open(url.replace('/tracker', '/ws'), OURS));
  });

  it('caps sockets per client address with 429 TOO_MANY_CONNECTIONS, and frees the slot on close', async () => {
    const first = await mustOpen();
    await mustOpen();
    await mustOpen();
    const r = await open(url, OURS);
    assert.equal(r.status, 429);
    assert.equal(JSON.parse(r.body!).error.code, 'TOO_MANY_CONNECTIONS');
    first.close();
    await waitFor('the slot to be freed', () => tracker.stats().sockets === 2, 5000);
    await mustOpen();
  });

  it('relays an offer between two peers of a swarm, and answers the announce', async () => {
    const a = await mustOpen();
    const b = await mustOpen();
    const infoHash = id20('h');
    const announced = nextMessage(a, (m) => m.action === 'announce' && 'interval' in m);
    a.send(
      JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: id20('a'), numwant: 0, event: 'started' }),
    );
    const answer = await announced;
    assert.equal(answer.info_hash, infoHash);
    assert.equal(answer.interval, 120);
    const offer = nextMessage(a, (m) => 'offer' in m);
    b.send(
      JSON.stringify({
        action: 'announce',
        info_hash: infoHash,
        peer_id: id20('b'),
        numwant: 1,
        event: 'started',
        offers: [{ offer: { type: 'offer', sdp: 'v=0' }, offer_id: id20('o') }],
      }),
    );
    const got = await offer;
    assert.equal(got.peer_id, id20('b'));
    assert.equal(got.offer_id, id20('o'));
    assert.deepEqual(tracker.stats(), { ...tracker.stats(), swarms: 1, peers: 2 });
  });

  it('refuses a third swarm on one socket', async () => {
    const a = await mustOpen();
    const reasons: unknown[] = [];
    a.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Record<string, unknown>;
      if (m['failure reason']) reasons.push(m['failure reason']);
    });
    for (const c of ['x', 'y', 'z'])
      a.send(JSON.stringify({ action: 'announce', info_hash: id20(c), peer_id: id20('a'), numwant: 0 }));
    await waitFor('the refusal', () => reasons.length === 1, 5000);
    assert.match(String(reasons[0]), /at most 2 swarms/);
    assert.equal(tracker.stats().swarms, 2);
  });

  it('terminates a socket that floods it', async () => {
    const a = await mustOpen();
    const closed = new Promise<void>((r) => a.once('close', () => r()));
    for (let i = 0; i < 50; i++)
      a.send(JSON.stringify({ action: 'announce', info_hash: id20('f'), peer_id: id20('a'), numwant: 0 }));
    await closed;
    assert.equal(tracker.stats().refused.flood, 1);
  });
});
