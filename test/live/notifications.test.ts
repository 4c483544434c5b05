/**
 * Notifications on the devnet and its indexer: a followed channel going live (once per stream),
 * gifts received once final on chain (one per sender and transaction), the broadcaster's share
 * when its hold ends, direct messages counted per sender while unread; pushed to every
 * connection of the account, listed with read state over HTTP, switched off per kind, and made
 * again by nobody after a restart.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { TRX_ADDRESS, type TxResult } from '../helpers/contracts.js';
import { tre } from '../helpers/devnet.js';
import {
  api,
  signIn,
  startChain,
  startLive,
  WsClient,
  type ChainFixture,
  type LiveFixture,
  type Msg,
} from '../helpers/live.js';

const SUN = 1_000_000n;
const DAY_MS = 86_400_000;

describe('live: notifications', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let dbPath: string;
  const token: Record<string, string> = {};
  const clients: WsClient[] = [];

  async function client(who: 'alice' | 'bob' | 'carol'): Promise<WsClient> {
    const c = await WsClient.connect(fx, token[who]);
    clients.push(c);
    return c;
  }
  const list = async (who: string): Promise<Msg> => {
    const r = await api(fx, 'GET', '/api/notifications', undefined, token[who]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const giftTo = (quantity: bigint): Promise<TxResult> =>
    chain.tx(
      'bob',
      chain.sys.vault,
      'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)',
      [chain.addr.alice, 9n, quantity, 1n, TRX_ADDRESS, 10n * SUN * quantity],
      10n * SUN * quantity,
    );
  const start = async (): Promise<void> => {
    fx = await startLive(chain, dbPath, {
      // A test moves the service's clock two days on: sessions outlive it.
      config: { sessionTtlMs: 10 * DAY_MS, sessionMaxMs: 10 * DAY_MS },
    });
    for (const who of ['alice', 'bob', 'carol'] as const) token[who] = await signIn(fx, chain.key[who]);
  };

  before(async function () {
    chain = await startChain();
    await chain.tx('admin', chain.sys.vault, 'setGift(uint256,address,uint256,bool,string)', [
      9n,
      TRX_ADDRESS,
      10n * SUN,
      true,
      'data:application/json,{"name":"Coffee","animation":"coffee"}',
    ]);
    await chain.tx('carol', chain.sys.profiles, 'follow(address)', [chain.addr.alice]);
    await chain.tx('bob', chain.sys.profiles, 'follow(address)', [chain.addr.alice]);
    dbPath = path.join(chain.tmp.dir, 'live.db');
    await start();
  });

  after(async function () {
    for (const c of clients) await c.close();
    await fx?.close();
    await chain?.close();
  });

  it('tells each follower (every tab) once when a channel goes live, and lists it unread', async function () {
    const carol1 = await client('carol');
    const carol2 = await client('carol');
    const bob = await client('bob');
    const s = await api(fx, 'POST', '/api/streams', { title: 'Morning coffee' }, token.alice);
    const mediaId = fx.service.streams.row(1).media_id;
    fx.media.fire('started', mediaId);
    for (const c of [carol1, carol2]) {
      const n = await c.take((m) => m.type === 'notification', 5000, 'the go-live notification');
      assert.deepEqual(n.notification.data, {
        kind: 'live',
        streamId: s.body.streamId,
        title: 'Morning coffee',
        broadcaster: chain.addr.alice,
        handle: 'alice',
      });
      assert.equal(n.notification.read, false);
      assert.equal(n.unread, 1);
    }
    await bob.take((m) => m.type === 'notification' && m.notification.data.kind === 'live');
    // Back from a dropped connection: the same stream is not announced again.
    fx.media.fire('idle', mediaId);
    fx.media.fire('started', mediaId);
    await carol1.sync();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(carol1.messages.filter((m) => m.type === 'notification').length, 0);
    const page = await list('carol');
    assert.equal(page.unread, 1);
    assert.equal(page.nodes.length, 1);
    assert.equal(page.nodes[0].data.kind, 'live');
    // The broadcaster is not told of her own go-live.
    assert.equal((await list('alice')).nodes.length, 0);
  });

  it('marks read one or all, tells the other tabs, and refuses bad requests with typed errors', async function () {
    const carol = await client('carol');
    const page = await list('carol');
    const r = await api(fx, 'POST', '/api/notifications/read', { ids: [page.nodes[0].id] }, token.carol);
    assert.deepEqual(r.body, { unread: 0 });
    const frame = await carol.take((m) => m.type === 'notifications.read');
    assert.deepEqual(frame.ids, [page.nodes[0].id]);
    assert.equal((await list('carol')).nodes[0].read, true);
    // Someone else's id changes nothing.
    assert.deepEqual((await api(fx, 'POST', '/api/notifications/read', { all: true }, token.bob)).body, { unread: 0 });
    assert.equal((await list('bob')).nodes[0].read, true);

    const bad = await api(fx, 'POST', '/api/notifications/read', { ids: ['x'] }, token.carol);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'BAD_REQUEST');
    assert.equal(bad.body.error.field, 'ids');
    assert.equal((await api(fx, 'POST', '/api/notifications/read', {}, token.carol)).status, 400);
    const anon = await api(fx, 'GET', '/api/notifications');
    assert.equal(anon.status, 401);
    assert.equal(anon.body.error.code, 'UNAUTHENTICATED');
    const page2 = await api(fx, 'GET', '/api/notifications?first=0', undefined, token.carol);
    assert.equal(page2.body.error.field, 'first');
  });

  it('makes a gift notification only once the gift is final, one per sender and transaction, then the claimable share when the hold ends', async function () {
    const alice = await client('alice');
    const sent = await giftTo(3n);
    await alice.sync();
    await fx.service.notifications.tick();
    assert.equal(
      alice.messages.filter((m) => m.type === 'notification').length,
      0,
      'nothing while the gift is not final',
    );
    // Two more blocks solidify it (the devnet trails by two).
    await tre(chain.devnet, 'tre_mine', [2]);
    const n = await alice.take(
      (m) => m.type === 'notification' && m.notification.data.kind === 'gift',
      15_000,
      'the gift notification',
    );
    const block = chain.ix.db.prepare('SELECT block_number FROM gifts WHERE tx_id = ?').pluck().get(sent.txid);
    assert.ok(chain.ix.status().final >= (block as number), 'made after the gift turned final');
    const gift = fx.service.db
      .prepare("SELECT count(*) FROM live_notifications WHERE account = ? AND kind = 'gift'")
      .pluck()
      .get(chain.addr.alice);
    assert.equal(gift, 1);
    const indexed = chain.ix.db
      .prepare('SELECT broadcaster_amount, release_at FROM gifts WHERE tx_id = ?')
      .get(sent.txid) as {
      broadcaster_amount: string;
      release_at: number;
    };
    assert.deepEqual(n.notification.data, {
      kind: 'gift',
      txId: sent.txid,
      sender: chain.addr.bob,
      senderHandle: 'bob',
      streamId: '1',
      gifts: [
        {
          giftId: '9',
          name: 'Coffee',
          quantity: 3,
          token: TRX_ADDRESS,
          total: '30000000',
          broadcasterAmount: indexed.broadcaster_amount,
        },
      ],
    });

    // The share is on hold for a day: the claimable notification waits for it.
    await fx.service.notifications.tick();
    assert.equal((await list('alice')).nodes.filter((x: Msg) => x.data.kind === 'claimable').length, 0);
    // The chain's clock, not the service's, says when a hold ends.
    fx.clock.offset = 2 * DAY_MS;
    await fx.service.notifications.tick();
    assert.equal((await list('alice')).nodes.filter((x: Msg) => x.data.kind === 'claimable').length, 0);
    fx.clock.offset = 0;
    const ahead = Math.ceil((Number(indexed.release_at) - Date.now()) / 1000) + 61;
    await tre(chain.devnet, 'tre_increaseTime', [ahead]);
    await chain.tx('admin', chain.sys.profiles, 'register(string,string)', ['admin', '']);
    await fx.service.notifications.tick();
    const c = await alice.take((m) => m.type === 'notification' && m.notification.data.kind === 'claimable');
    assert.deepEqual(c.notification.data, {
      kind: 'claimable',
      token: TRX_ADDRESS,
      amount: indexed.broadcaster_amount,
      gifts: 1,
    });
    assert.equal((await list('alice')).unread, c.unread);
  });

  it('counts direct messages per sender while unread, and starts afresh once read', async function () {
    const alice = await client('alice');
    const bob = await client('bob');
    await bob.request({ type: 'dm', to: chain.addr.alice, text: 'hi' });
    const first = await alice.take((m) => m.type === 'notification' && m.notification.data.kind === 'dm');
    assert.deepEqual(first.notification.data, {
      kind: 'dm',
      from: chain.addr.bob,
      handle: 'bob',
      count: 1,
      text: 'hi',
    });
    await bob.request({ type: 'dm', to: chain.addr.alice, text: 'are you live today?' });
    const second = await alice.take((m) => m.type === 'notification' && m.notification.data.kind === 'dm');
    assert.equal(second.notification.data.count, 2);
    assert.equal(second.notification.data.text, 'are you live today?');
    assert.equal(second.replaces, first.notification.id, 'it takes the place of the first');
    assert.ok(second.notification.id > first.notification.id, 'and moves to the top');
    const dms = (await list('alice')).nodes.filter((x: Msg) => x.data.kind === 'dm');
    assert.equal(dms.length, 1);
    await api(fx, 'POST', '/api/notifications/read', { ids: [second.notification.id] }, token.alice);
    await bob.request({ type: 'dm', to: chain.addr.alice, text: 'ok' });
    const third = await alice.take((m) => m.type === 'notification' && m.notification.data.kind === 'dm');
    assert.equal(third.notification.data.count, 1);
  });

  it('makes nothing of a kind the user switched off, and says which kinds there are', async function () {
    assert.deepEqual((await api(fx, 'GET', '/api/notifications/settings', undefined, token.alice)).body, {
      live: true,
      gift: true,
      claimable: true,
      dm: true,
    });
    const off = await api(fx, 'PATCH', '/api/notifications/settings', { dm: false }, token.alice);
    assert.equal(off.body.dm, false);
    const bad = await api(fx, 'PATCH', '/api/notifications/settings', { dms: false }, token.alice);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /the kinds are live, gift, claimable, dm/);
    assert.equal((await api(fx, 'PATCH', '/api/notifications/settings', { gift: 'no' }, token.alice)).status, 400);
    const before = (await list('alice')).nodes.length;
    const bob = await client('bob');
    await bob.request({ type: 'dm', to: chain.addr.alice, text: 'muted' });
    assert.equal((await list('alice')).nodes.length, before);
    await api(fx, 'PATCH', '/api/notifications/settings', { dm: true }, token.alice);
  });

  it('after a restart, notifies gifts that turned final while it was down, and none twice', async function () {
    const before = fx.service.db
      .prepare("SELECT count(*) FROM live_notifications WHERE kind = 'gift'")
      .pluck()
      .get() as number;
    for (const c of clients.splice(0)) await c.close();
    await fx.close();
    const sent = await giftTo(2n);
    await tre(chain.devnet, 'tre_mine', [3]);
    await start();
    const alice = await client('alice');
    const n = await alice.take(
      (m) => m.type === 'notification' && m.notification.data.kind === 'gift',
      15_000,
      'the gift made while down',
    );
    assert.equal(n.notification.data.txId, sent.txid);
    assert.equal(n.notification.data.gifts[0].quantity, 2);
    await fx.service.notifications.tick();
    const after = fx.service.db
      .prepare("SELECT count(*) FROM live_notifications WHERE kind = 'gift'")
      .pluck()
      .get() as number;
    assert.equal(after, before + 1);
  });
});
