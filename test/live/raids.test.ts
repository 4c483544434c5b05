/**
 * Raids over /ws: a live broadcaster offers to send their viewers to another live stream; its
 * broadcaster accepts (the raiding room is sent over, the raided room told who came) or declines,
 * or the offer expires; streams that turned raids off, own streams and streams not live are
 * refused; a broadcaster raids once every 10 minutes.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import {
  api,
  codeOf as code,
  signIn,
  startChain,
  startLive,
  WsClient,
  type ChainFixture,
  type LiveFixture,
} from '../helpers/live.js';

describe('live: raids', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  const token: Record<string, string> = {};
  const clients: WsClient[] = [];

  async function client(who: 'alice' | 'bob' | 'carol' | null, room: string): Promise<WsClient> {
    const c = await WsClient.connect(fx, who ? token[who] : undefined);
    clients.push(c);
    await c.join(room);
    return c;
  }
  const live = (id: number) => fx.media.fire('started', fx.service.streams.row(id).media_id);

  before(async function () {
    chain = await startChain();
    await chain.tx('bob', chain.sys.profiles, 'setBroadcaster(bool)', [true]);
    await chain.tx('carol', chain.sys.profiles, 'register(string,string)', ['carol', '']);
    await chain.tx('carol', chain.sys.profiles, 'setBroadcaster(bool)', [true]);
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'), { params: { raidOfferMs: 1500 } });
    for (const who of ['alice', 'bob', 'carol'] as const) token[who] = await signIn(fx, chain.key[who]);
    for (const [who, title] of [
      ['alice', 'Alice live'],
      ['bob', 'Bob live'],
      ['carol', 'Carol, no raids'],
    ] as const)
      await api(fx, 'POST', '/api/streams', { title }, token[who]);
    await api(fx, 'PATCH', '/api/streams/3', { acceptRaids: false }, token.carol);
  });

  after(async function () {
    for (const c of clients) await c.close();
    await fx?.close();
    await chain?.close();
  });

  it('refuses raids from others, from a stream not live, to one’s own, to a stream not live or not accepting raids', async function () {
    const alice = await client('alice', 'stream:1');
    const bob = await client('bob', 'stream:1');
    assert.equal(code(await alice.request({ type: 'raid.start', room: 'stream:1', to: '2' })), 'STREAM_NOT_LIVE');
    live(1);
    assert.equal(code(await bob.request({ type: 'raid.start', room: 'stream:1', to: '2' })), 'NOT_OWNER');
    assert.equal(
      code(await alice.request({ type: 'raid.start', room: 'stream:1', to: '2' })),
      'RAID_REFUSED',
      'bob is not live',
    );
    live(2);
    live(3);
    const noRaids = await alice.request({ type: 'raid.start', room: 'stream:1', to: '3' });
    assert.deepEqual([code(noRaids), noRaids.message], ['RAID_REFUSED', 'that stream does not accept raids']);
    assert.equal(code(await alice.request({ type: 'raid.start', room: 'stream:1', to: '99' })), 'STREAM_NOT_FOUND');
    const s = await api(fx, 'GET', '/api/streams/3');
    assert.equal(s.body.acceptRaids, false);
  });

  it('offers the raid to the other broadcaster, who declines; the offer after that expires unanswered', async function () {
    const alice = await client('alice', 'stream:1');
    const bob = await client('bob', 'stream:2');
    const ack = await alice.request({ type: 'raid.start', room: 'stream:1', to: '2' });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const offer = await bob.take((m) => m.type === 'raid.offer');
    assert.deepEqual(
      [offer.raidId, offer.from.streamId, offer.from.handle, offer.to.streamId],
      [ack.messageId, '1', 'alice', '2'],
    );
    assert.equal(
      code(await alice.request({ type: 'raid.answer', raidId: offer.raidId, accept: true })),
      'RAID_NOT_FOUND',
      'only the raided broadcaster answers',
    );
    assert.equal((await bob.request({ type: 'raid.answer', raidId: offer.raidId, accept: false })).type, 'ack');
    assert.equal((await alice.take((m) => m.type === 'raid.result')).status, 'declined');
    // A declined raid does not count against alice's one raid in 10 minutes.
    const again = await alice.request({ type: 'raid.start', room: 'stream:1', to: '2' });
    assert.equal(again.type, 'ack');
    const expired = await alice.take((m) => m.type === 'raid.result', 5000, 'the expiry');
    assert.deepEqual([expired.raidId, expired.status], [again.messageId, 'expired']);
    assert.equal(
      code(await bob.request({ type: 'raid.answer', raidId: again.messageId, accept: true })),
      'RAID_NOT_FOUND',
    );
  });

  it('sends the raiding room over once accepted and tells the raided room; one raid every 10 minutes', async function () {
    const alice = await client('alice', 'stream:1');
    const viewer = await client(null, 'stream:1');
    const bob = await client('bob', 'stream:2');
    const ack = await alice.request({ type: 'raid.start', room: 'stream:1', to: '2' });
    const offer = await bob.take((m) => m.type === 'raid.offer' && m.raidId === ack.messageId);
    assert.ok(offer.viewers >= 2, `the raiding room's viewers: ${offer.viewers}`);
    await bob.request({ type: 'raid.answer', raidId: offer.raidId, accept: true });
    const sent = await viewer.take((m) => m.type === 'raid');
    assert.deepEqual([sent.to.streamId, sent.to.title, sent.by], ['2', 'Bob live', chain.addr.alice]);
    const told = await bob.take((m) => m.type === 'message' && m.kind === 'system');
    assert.equal(told.text, `@alice is raiding with ${offer.viewers} viewers!`);
    assert.equal((await alice.take((m) => m.type === 'raid.result')).status, 'accepted');
    const soon = await alice.request({ type: 'raid.start', room: 'stream:1', to: '2' });
    assert.equal(code(soon), 'RATE_LIMITED');
    assert.ok(soon.retryAfterMs > 9 * 60_000);
  });
});
