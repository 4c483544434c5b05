/**
 * Issue 12, item 12's chat and text findings, replayed against the real live service: a
 * moderator deleting the broadcaster's messages, match.report without a budget, stream titles and
 * handles carrying bidi overrides, zero-width characters and U+2028, and DMs that could not be
 * blocked. Sockets are opened the way the web app opens them (session cookie, our Origin).
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { createIndexerClient } from '../../live/internal/indexer.js';
import {
  api,
  signIn,
  startChain,
  startLive,
  WsClient,
  type ChainFixture,
  type LiveFixture,
  type Msg,
  type Person,
} from '../helpers/live.js';

const OURS = 'http://live.test';

describe('security: moderation, reports, invisible characters and DM blocks', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  const token = {} as Record<Person, string>;
  const clients: WsClient[] = [];

  async function client(who: Person, f: LiveFixture = fx): Promise<WsClient> {
    const c = await WsClient.connect(f, undefined, { cookie: `blive_session=${token[who]}`, origin: OURS });
    assert.equal(c.hello.address, chain.addr[who]);
    clients.push(c);
    return c;
  }

  before(async function () {
    chain = await startChain();
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'), {
      config: { publicOrigins: [OURS], reportsPerHour: 3 },
    });
    for (const who of ['alice', 'bob', 'carol', 'dave', 'erin'] as const) token[who] = await signIn(fx, chain.key[who]);
  });

  after(async function () {
    for (const c of clients) await c.close();
    await fx?.close();
    await chain?.close();
  });

  /** A new stream of alice's with bob and carol as its moderators and dave a viewer, all four in its room. */
  async function moderatedRoom(
    title: string,
  ): Promise<{ room: string; alice: WsClient; bob: WsClient; carol: WsClient; dave: WsClient }> {
    const s = await api(fx, 'POST', '/api/streams', { title }, token.alice);
    const room = `stream:${s.body.streamId}`;
    const [alice, bob, carol, dave] = (await Promise.all(
      (['alice', 'bob', 'carol', 'dave'] as const).map((w) => client(w)),
    )) as [WsClient, WsClient, WsClient, WsClient];
    for (const c of [alice, bob, carol, dave]) await c.join(room);
    for (const mod of [chain.addr.bob, chain.addr.carol])
      assert.equal((await alice.request({ type: 'mod.add', room, user: mod })).type, 'ack');
    return { room, alice, bob, carol, dave };
  }

  it("a moderator cannot delete the broadcaster's messages nor another moderator's (CANNOT_MODERATE), only viewers'", async function () {
    const { room, alice, bob, carol, dave } = await moderatedRoom('Moderated');
    const said = async (c: WsClient, text: string) =>
      (await c.request({ type: 'say', room, text })).messageId as number;
    const byAlice = await said(alice, 'welcome, from the broadcaster');
    const byCarol = await said(carol, 'a moderator speaks');
    const byDave = await said(dave, 'a viewer speaks');
    for (const id of [byAlice, byCarol]) {
      const r = await bob.request({ type: 'mod.delete', room, messageId: id });
      assert.equal(r.code, 'CANNOT_MODERATE', JSON.stringify(r));
    }
    assert.deepEqual(
      fx.service.rooms
        .messages(room, 10)
        .map((m) => m.id)
        .filter((id) => id === byAlice || id === byCarol),
      [byAlice, byCarol],
      'both still shown',
    );
    assert.equal((await bob.request({ type: 'mod.delete', room, messageId: byDave })).type, 'ack');
    // The broadcaster still deletes anyone's.
    assert.equal((await alice.request({ type: 'mod.delete', room, messageId: byCarol })).type, 'ack');
  });

  it('a moderator cannot time out or ban another moderator or the broadcaster (CANNOT_MODERATE); mod.remove takes their powers at once (NOT_MODERATOR)', async function () {
    const { room, alice, bob, carol, dave } = await moderatedRoom('Mods among mods');
    for (const user of [chain.addr.carol, chain.addr.alice]) {
      for (const act of [{ type: 'mod.timeout', seconds: 60 }, { type: 'mod.ban' }]) {
        const r = await bob.request({ ...act, room, user });
        assert.equal(r.code, 'CANNOT_MODERATE', `${act.type} on ${user}: ${JSON.stringify(r)}`);
      }
    }
    const carolSays = await carol.request({ type: 'say', room, text: 'still free to talk' });
    assert.equal(carolSays.type, 'ack', 'nothing happened to the other moderator');
    // A viewer is fair game while bob is a moderator...
    assert.equal((await bob.request({ type: 'mod.timeout', room, user: chain.addr.dave, seconds: 1 })).type, 'ack');
    assert.equal((await alice.request({ type: 'mod.unban', room, user: chain.addr.dave })).type, 'ack');
    // ...and no longer once removed, with no reconnection in between.
    assert.equal((await alice.request({ type: 'mod.remove', room, user: chain.addr.bob })).type, 'ack');
    assert.equal(
      (await bob.request({ type: 'mod.timeout', room, user: chain.addr.dave, seconds: 60 })).code,
      'NOT_MODERATOR',
    );
    const byDave = await dave.request({ type: 'say', room, text: 'a viewer speaks' });
    assert.equal(byDave.type, 'ack', 'dave was not timed out');
    assert.equal((await bob.request({ type: 'mod.delete', room, messageId: byDave.messageId })).code, 'NOT_MODERATOR');
    // The broadcaster may act on a moderator.
    assert.equal((await alice.request({ type: 'mod.timeout', room, user: chain.addr.carol, seconds: 60 })).type, 'ack');
  });

  it('limits match.report per account: beyond LIVE_REPORTS_PER_HOUR it is RATE_LIMITED, and reconnecting does not refill it', async function () {
    const erin = await client('erin');
    const dave = await client('dave');
    erin.send({ type: 'match.join', prefs: {} });
    dave.send({ type: 'match.join', prefs: {} });
    await erin.take((m) => m.type === 'match.found', 5000, 'match.found');
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await erin.request({ type: 'match.report', reason: `report ${i}` });
      answers.push(r.type === 'ack' ? 'ack' : String(r.code));
    }
    assert.deepEqual(answers, ['ack', 'ack', 'ack', 'RATE_LIMITED']);
    assert.equal(
      fx.service.db.prepare('SELECT count(*) FROM live_reports WHERE reporter = ?').pluck().get(chain.addr.erin),
      3,
    );
    // A new socket of the same account, matched again.
    await erin.close();
    const again = await client('erin');
    again.send({ type: 'match.join', prefs: {} });
    dave.send({ type: 'match.join', prefs: {} });
    await again.take((m) => m.type === 'match.found', 5000, 'match.found');
    const r = await again.request({ type: 'match.report', reason: 'once more' });
    assert.equal(r.code, 'RATE_LIMITED');
    assert.ok(r.retryAfterMs > 0);
  });

  describe('invisible characters', function () {
    const bad: [string, string][] = [
      ['a right-to-left override', 'Live \u202Eevil\u202C now'],
      ['a zero-width space', 'ali\u200Bce live'],
      ['a line separator', 'first line\u2028second line'],
      ['a bidi isolate', 'title \u2066x\u2069'],
      ['a byte order mark', '\uFEFFtitle'],
    ];

    for (const [what, title] of bad) {
      it(`refuses a stream title with ${what} (400 BAD_REQUEST on title), on create and on edit`, async function () {
        const created = await api(fx, 'POST', '/api/streams', { title }, token.alice);
        assert.equal(created.status, 400, JSON.stringify(created.body));
        assert.deepEqual([created.body.error.code, created.body.error.field], ['BAD_REQUEST', 'title']);
        const ok = await api(fx, 'POST', '/api/streams', { title: 'Plain title' }, token.alice);
        const edited = await api(fx, 'PATCH', `/api/streams/${ok.body.streamId}`, { category: title }, token.alice);
        assert.deepEqual([edited.status, edited.body.error?.field], [400, 'category']);
      });
    }

    it('keeps the joiners emoji and scripts need (ZWJ, ZWNJ)', async function () {
      const r = await api(
        fx,
        'POST',
        '/api/streams',
        { title: 'Family 👨\u200D👩\u200D👧 and می\u200Cخواهم' },
        token.alice,
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
    });

    it('strips them from chat and DMs', async function () {
      const s = await api(fx, 'POST', '/api/streams', { title: 'Stripped' }, token.alice);
      const room = `stream:${s.body.streamId}`;
      const bob = await client('bob');
      await bob.join(room);
      await bob.request({ type: 'say', room, text: 'ab\u200Bc\u2028d\u202Ee' });
      const m = await bob.take((x: Msg) => x.type === 'message' && x.room === room);
      assert.equal(m.text, 'abcde');
    });

    it('shows a handle from an indexer that carries them as no handle (the address is shown instead)', async function () {
      // Another deployment's indexer (Profiles allows only [a-z0-9_] here) names bob "\u202Eecila".
      const real = createIndexerClient({ baseUrl: chain.apiServer.url });
      const spoofing = {
        ...real,
        profile: async (a: string) => ({
          ...(await real.profile(a)),
          ...(a === chain.addr.bob ? { handle: '\u202Eecila' } : {}),
        }),
      };
      const other = await startLive(chain, path.join(chain.tmp.dir, 'live-spoof.db'), {
        config: { publicOrigins: [OURS] },
        params: { indexer: spoofing, giftReceipts: false },
      });
      try {
        const bobToken = await signIn(other, chain.key.bob);
        const bob = await WsClient.connect(other, undefined, { cookie: `blive_session=${bobToken}`, origin: OURS });
        const session = await api(other, 'GET', '/api/auth/session', undefined, bobToken);
        assert.equal(session.body.handle, null);
        await bob.request({ type: 'dm', to: chain.addr.alice, text: 'hi' });
        const dm = await bob.take((x: Msg) => x.type === 'dm');
        assert.equal(dm.handle, null);
        await bob.close();
      } finally {
        await other.close();
      }
    });
  });

  describe('DM blocks', function () {
    it('dm.block stops DMs both ways (DM_BLOCKED) until dm.unblock, and lists who one blocked', async function () {
      const bob = await client('bob');
      const carol = await client('carol');
      assert.equal((await carol.request({ type: 'dm', to: chain.addr.bob, text: 'hello bob' })).type, 'ack');
      const blocked = await bob.request({ type: 'dm.block', user: chain.addr.carol });
      assert.equal(blocked.type, 'ack', JSON.stringify(blocked));
      bob.drop((m) => m.type === 'dm');
      const refused = await carol.request({ type: 'dm', to: chain.addr.bob, text: 'you cannot hide' });
      assert.equal(refused.code, 'DM_BLOCKED');
      assert.equal((await bob.request({ type: 'dm', to: chain.addr.carol, text: 'neither way' })).code, 'DM_BLOCKED');
      await bob.sync();
      assert.equal(bob.messages.filter((m) => m.type === 'dm').length, 0, 'bob received nothing');
      assert.deepEqual((await bob.request({ type: 'dm.blocks' })).users, [chain.addr.carol]);
      assert.equal((await bob.request({ type: 'dm.unblock', user: chain.addr.carol })).type, 'ack');
      assert.equal((await carol.request({ type: 'dm', to: chain.addr.bob, text: 'friends again' })).type, 'ack');
    });
  });
});
