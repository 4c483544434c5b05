/**
 * 1-to-1 matching over /ws: pairing preferences, signal relay only between the two peers, next,
 * leave, reports, permanent blocks, and two headless Chromium contexts completing a WebRTC call
 * (fake camera) through this signaling.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { loadLiveConfig } from '../../live/internal/config.js';
import { launchBrowser, localContext } from '../helpers/browser.js';
import {
  signIn,
  startChain,
  startLive,
  WsClient,
  type ChainFixture,
  type LiveFixture,
  type Msg,
  type Person,
} from '../helpers/live.js';

describe('live: 1-to-1 matching', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  const token = {} as Record<Person, string>;
  const clients: WsClient[] = [];

  async function client(who: Person): Promise<WsClient> {
    const c = await WsClient.connect(fx, token[who]);
    clients.push(c);
    return c;
  }
  const found = (c: WsClient): Promise<Msg> => c.take((m) => m.type === 'match.found', 5000, 'match.found');
  const join = async (c: WsClient, prefs: Msg): Promise<void> => c.send({ type: 'match.join', prefs });

  before(async function () {
    chain = await startChain();
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'));
    for (const who of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank'] as const)
      token[who] = await signIn(fx, chain.key[who]);
  });

  after(async function () {
    for (const c of clients) await c.close();
    await fx?.close();
    await chain?.close();
  });

  it('refuses anonymous connections (UNAUTHENTICATED) and signals outside a match (NOT_MATCHED)', async function () {
    const anon = await WsClient.connect(fx);
    assert.equal((await anon.request({ type: 'match.join', prefs: {} })).code, 'UNAUTHENTICATED');
    await anon.close();
    const a = await client('alice');
    assert.equal((await a.request({ type: 'match.signal', data: { sdp: 'x' } })).code, 'NOT_MATCHED');
    assert.equal((await a.request({ type: 'match.join', prefs: { interests: 'music' } })).code, 'BAD_MESSAGE');
  });

  it('pairs two waiting users into a private room, sends the ICE servers, and relays signals only between them', async function () {
    const alice = await client('alice');
    const bob = await client('bob');
    const carol = await client('carol');
    await join(alice, { language: 'en', interests: ['music'] });
    assert.equal((await alice.take((m) => m.type === 'match.waiting')).waiting, 1);
    await join(bob, { language: 'en', interests: ['music'] });
    const fa = await found(alice);
    const fb = await found(bob);
    assert.equal(fa.room, fb.room);
    assert.match(fa.room, /^match:[0-9a-f-]{36}$/);
    assert.deepEqual(fa.peer, { address: chain.addr.bob, handle: 'bob', language: 'en', interests: ['music'] });
    assert.equal(fb.peer.address, chain.addr.alice);
    assert.deepEqual([fa.initiator, fb.initiator], [true, false], 'the one who waited longer offers');
    assert.deepEqual(fa.iceServers, []);

    alice.send({ type: 'match.signal', data: { description: { type: 'offer', sdp: 'v=0...' } } });
    assert.deepEqual(await bob.take((m) => m.type === 'match.signal'), {
      type: 'match.signal',
      room: fa.room,
      from: chain.addr.alice,
      data: { description: { type: 'offer', sdp: 'v=0...' } },
    });
    bob.send({
      type: 'match.signal',
      data: { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' } },
    });
    assert.equal((await alice.take((m) => m.type === 'match.signal')).from, chain.addr.bob);
    await carol.sync();
    await alice.sync();
    await bob.sync();
    assert.ok(!carol.messages.some((m) => m.type.startsWith('match.')), 'a third connection sees nothing');
    assert.ok(
      !alice.messages.some((m) => m.type === 'match.signal') && !bob.messages.some((m) => m.type === 'match.signal'),
      'nobody gets their own signal back',
    );

    // next: bob is told, alice looks again; leave takes alice out.
    alice.send({ type: 'match.next' });
    assert.equal((await bob.take((m) => m.type === 'match.ended')).reason, 'peer_left');
    await alice.take((m) => m.type === 'match.waiting');
    alice.send({ type: 'match.leave' });
    assert.equal((await alice.take((m) => m.type === 'match.ended')).reason, 'left');
    assert.equal(fx.service.matcher.waiting, 0);
    assert.equal((await bob.request({ type: 'match.signal', data: {} })).code, 'NOT_MATCHED');
  });

  it('prefers a shared language over shared interests, then the most shared interests', async function () {
    // Two connections of one user never meet each other, so both wait.
    const dave1 = await client('dave');
    const dave2 = await client('dave');
    await join(dave1, { language: 'es', interests: ['music', 'art', 'film'] });
    await join(dave2, { language: 'en', interests: [] });
    await dave2.take((m) => m.type === 'match.waiting');
    const erin = await client('erin');
    await join(erin, { language: 'en', interests: ['music', 'art', 'film'] });
    assert.equal((await found(erin)).peer.language, 'en');
    await found(dave2);
    // dave1 waits; give him a same-language rival pair to choose from.
    const dave3 = await client('dave');
    await join(dave3, { language: 'es', interests: ['chess'] });
    await dave3.take((m) => m.type === 'match.waiting');
    const frank = await client('frank');
    await join(frank, { language: 'es', interests: ['film', 'art'] });
    const ff = await found(frank);
    assert.deepEqual(ff.peer.interests, ['music', 'art', 'film']);
    await found(dave1);
    for (const c of [dave1, dave2, dave3, erin, frank]) c.send({ type: 'match.leave' });
    for (const c of [dave1, dave2, dave3, erin, frank]) await c.sync();
  });

  it('stores reports, and a block ends the pair and keeps the two apart for good', async function () {
    const gina = await client('gina');
    const hank = await client('hank');
    await join(gina, { language: 'en' });
    await join(hank, { language: 'en' });
    await found(gina);
    await found(hank);
    const rep = await gina.request({ type: 'match.report', reason: 'rude' });
    assert.equal(rep.reported, chain.addr.hank);
    const row = fx.service.db.prepare('SELECT reporter, reported, reason FROM live_reports').get();
    assert.deepEqual({ ...(row as object) }, { reporter: chain.addr.gina, reported: chain.addr.hank, reason: 'rude' });

    const blocked = await gina.request({ type: 'match.block' });
    assert.deepEqual([blocked.reason, blocked.user], ['blocked', chain.addr.hank]);
    assert.equal((await hank.take((m) => m.type === 'match.ended')).reason, 'peer_left');
    // Both look again, on new connections too: they wait rather than meet.
    await join(gina, { language: 'en' });
    const hank2 = await client('hank');
    await join(hank2, { language: 'en' });
    await hank2.take((m) => m.type === 'match.waiting');
    await gina.sync();
    assert.ok(!gina.messages.some((m) => m.type === 'match.found'));
    assert.equal(fx.service.matcher.waiting, 2);
    // Someone else still meets gina.
    const carol = await client('carol');
    await join(carol, { language: 'en' });
    assert.equal((await found(carol)).peer.address, chain.addr.gina);
    for (const c of [gina, hank2, carol]) c.send({ type: 'match.leave' });
    for (const c of [gina, hank2, carol]) await c.sync();
  });

  it('ends the pair when a peer disconnects', async function () {
    const a = await client('alice');
    const b = await client('bob');
    await join(a, {});
    await join(b, {});
    await found(a);
    await found(b);
    await b.close();
    assert.equal((await a.take((m) => m.type === 'match.ended')).reason, 'peer_left');
    a.send({ type: 'match.leave' });
    await a.sync();
  });

  it('reads ICE servers from LIVE_ICE_SERVERS', function () {
    const cfg = loadLiveConfig({ dbPath: ':memory:' }, { LIVE_ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]' });
    assert.deepEqual(cfg.iceServers, [{ urls: 'stun:stun.example.org:3478' }]);
    assert.throws(() => loadLiveConfig({}, { LIVE_ICE_SERVERS: '{"urls":1}' }), /LIVE_ICE_SERVERS/);
  });

  describe('in headless Chromium', function () {
    let browser: Browser;
    let page: Server;
    let pageUrl: string;
    // A live service that accepts the call page's origin: the page signs in with the session
    // cookie (cookies are per host, not per port), as the web app does.
    let callFx: LiveFixture;
    const callToken = {} as Record<Person, string>;

    before(async function () {
      browser = await launchBrowser();
      page = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(CALL_PAGE);
      });
      await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
      pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
      callFx = await startLive(chain, path.join(chain.tmp.dir, 'live-call.db'), {
        config: { publicOrigins: [new URL(pageUrl).origin] },
      });
      for (const who of ['erin', 'frank'] as const) callToken[who] = await signIn(callFx, chain.key[who]);
    });

    after(async function () {
      await browser?.close();
      await callFx?.close();
      await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
    });

    it('connects two browser contexts in a 1-to-1 call (fake camera) through /ws signaling', async function () {
      const pages = await Promise.all(
        (['erin', 'frank'] as const).map(async (who) => {
          const ctx = await localContext(browser);
          const p = await ctx.newPage();
          await p.goto(
            `${pageUrl}?ws=${encodeURIComponent(callFx.wsUrl)}&session=${encodeURIComponent(callToken[who])}`,
          );
          return p;
        }),
      );
      for (const p of pages) {
        // A deadline, not a speed target: with the suite's other workers and Chromium's encoders
        // on the two cores ICE and the first decoded frame can take a while. A miss says where it stood.
        await p
          .waitForFunction(
            () => (window as any).state.connection === 'connected' && (window as any).state.remoteWidth > 0,
            undefined,
            { timeout: 45_000 },
          )
          .catch(async (e: Error) => {
            throw new Error(
              `${e.message}; page state: ${JSON.stringify(await p.evaluate(() => (window as any).state))}`,
              { cause: e },
            );
          });
      }
      const states = await Promise.all(pages.map((p) => p.evaluate(() => (window as any).state)));
      assert.deepEqual(states.map((s) => s.peer).sort(), [chain.addr.erin, chain.addr.frank].sort());
      assert.ok(
        states.every((s) => s.errors.length === 0),
        JSON.stringify(states),
      );
      await Promise.all(pages.map((p) => p.context().close()));
    });
  });
});

/** A minimal call page: the server's match messages drive one RTCPeerConnection (trickle ICE). */
const CALL_PAGE = `<!doctype html><meta charset="utf-8"><video id="remote" autoplay muted playsinline></video>
<script>
const state = (window.state = { connection: 'new', remoteWidth: 0, peer: null, errors: [], sockets: 0 });
const q = new URLSearchParams(location.search);
document.cookie = 'blive_session=' + q.get('session') + '; path=/; SameSite=Lax';
let ws;
const send = (m) => ws.send(JSON.stringify(m));
const video = document.getElementById('remote');
let pc;
let chain = Promise.resolve();
// As the app's socket does: a socket that closes before the match is opened again (a loaded
// machine can drop an upgrade); each close is recorded, so a miss says what happened.
function connect() {
  state.sockets++;
  ws = new WebSocket(q.get('ws'));
  ws.onmessage = (ev) => { const m = JSON.parse(ev.data); chain = chain.then(() => handle(m)).catch((e) => state.errors.push(String(e))); };
  ws.onclose = (e) => {
    state.errors.push('socket closed ' + e.code);
    if (!state.peer && state.sockets < 10) setTimeout(connect, 500);
  };
}
connect();
async function handle(m) {
  if (m.type === 'hello') send({ type: 'match.join', prefs: { language: 'en', interests: ['webrtc'] } });
  else if (m.type === 'match.found') {
    state.peer = m.peer.address;
    pc = new RTCPeerConnection({ iceServers: m.iceServers });
    const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    for (const t of media.getTracks()) pc.addTrack(t, media);
    pc.onicecandidate = (e) => { if (e.candidate) send({ type: 'match.signal', data: { candidate: e.candidate.toJSON() } }); };
    pc.onconnectionstatechange = () => { state.connection = pc.connectionState; };
    pc.ontrack = (e) => { video.srcObject = e.streams[0]; };
    video.onresize = () => { state.remoteWidth = video.videoWidth; };
    if (m.initiator) {
      await pc.setLocalDescription(await pc.createOffer());
      send({ type: 'match.signal', data: { description: pc.localDescription.toJSON() } });
    }
  } else if (m.type === 'match.signal') {
    const d = m.data;
    if (d.description) {
      await pc.setRemoteDescription(d.description);
      if (d.description.type === 'offer') {
        await pc.setLocalDescription(await pc.createAnswer());
        send({ type: 'match.signal', data: { description: pc.localDescription.toJSON() } });
      }
    } else if (d.candidate) await pc.addIceCandidate(d.candidate);
  } else if (m.type === 'error') state.errors.push(m.code + ': ' + m.message);
}
</script>`;
