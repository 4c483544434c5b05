/**
 * Chat over /ws with real ws clients: history on join, plain-text messages with Twitch-like
 * limits, flood and frame protection, moderation by the broadcaster and appointed moderators
 * (followers-only checked against the chain through the indexer), DMs between several clients,
 * and a restart of the service on the same database file.
 */
import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { cleanText } from '../../live/chat/text.js';
import { LiveError } from '../../live/internal/errors.js';
import { waitFor } from '../helpers/devnet.js';
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

describe('live: chat', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let dbPath: string;
  const token: Record<string, string> = {};
  const clients: WsClient[] = [];
  const ROOM = 'stream:1';

  /** A signed-in (or anonymous) client, closed after the file. */
  async function client(who?: 'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'frank'): Promise<WsClient> {
    const c = await WsClient.connect(fx, who ? token[who] : undefined);
    clients.push(c);
    return c;
  }
  const say = (c: WsClient, text: string, room = ROOM): Promise<Msg> => c.request({ type: 'say', room, text });
  const code = (m: Msg): string => (m.type === 'error' ? m.code : m.type);
  /** Sends a request and resolves with its answer less the request id, which it checks was echoed. */
  const ask = async (c: WsClient, m: Msg): Promise<Msg> => {
    const r = await c.request(m);
    assert.equal(typeof r.id, 'string', `${m.type} answers its request id`);
    const { id: _id, ...rest } = r;
    return rest;
  };
  /** An error frame as the service sends it (without the request id). */
  const err = (code: string, message: string, field?: string): Msg => ({
    type: 'error',
    code,
    message,
    ...(field ? { field } : {}),
  });

  before(async function () {
    chain = await startChain();
    dbPath = path.join(chain.tmp.dir, 'live.db');
    // A burst large enough for the rate-limit tests' back-to-back messages; flooding is tested past it.
    fx = await startLive(chain, dbPath, { config: { chat: { frameBurst: 40 } } });
    for (const who of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const)
      token[who] = await signIn(fx, chain.key[who]);
    const s = await api(fx, 'POST', '/api/streams', { title: 'Chat test' }, token.alice);
    assert.equal(s.body.streamId, '1');
  });

  after(async function () {
    for (const c of clients) await c.close();
    await fx?.close();
    await chain?.close();
  });

  describe('messages and history', function () {
    it('delivers a message to everyone in the room with the sender handle, acks it, and stores plain text', async function () {
      const bob = await client('bob');
      const anon = await client();
      assert.deepEqual(await bob.join(ROOM), []);
      await anon.join(ROOM);
      const ack = await say(bob, '  <b>hi</b>\u0000 there\u202e\n ');
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      const got = await anon.take((m) => m.type === 'message');
      assert.deepEqual(got, {
        type: 'message',
        id: ack.messageId,
        room: ROOM,
        kind: 'chat',
        from: chain.addr.bob,
        handle: 'bob',
        text: '<b>hi</b> there',
        at: ack.at,
      });
      assert.equal((await bob.take((m) => m.type === 'message')).id, ack.messageId);
    });

    it('lets anonymous connections read only (UNAUTHENTICATED on say), and requires joining first (NOT_IN_ROOM)', async function () {
      const anon = await client();
      await anon.join(ROOM);
      assert.equal(code(await say(anon, 'hello')), 'UNAUTHENTICATED');
      const carol = await client('carol');
      assert.equal(code(await say(carol, 'not joined')), 'NOT_IN_ROOM');
      assert.equal(code(await carol.request({ type: 'join', room: 'stream:999' })), 'ROOM_NOT_FOUND');
      assert.equal(code(await carol.request({ type: 'join', room: 'lobby' })), 'ROOM_NOT_FOUND');
    });

    it('sends the last messages as history on join, oldest first, and older pages on request', async function () {
      const carol = await client('carol');
      await carol.join(ROOM);
      for (let i = 0; i < 3; i++) assert.equal((await say(carol, `history ${i}`)).type, 'ack');
      const late = await client();
      const history = await late.join(ROOM);
      assert.deepEqual(
        history.slice(-3).map((m) => m.text),
        ['history 0', 'history 1', 'history 2'],
      );
      const older = await late.request({
        type: 'history',
        room: ROOM,
        before: history[history.length - 1]!.id,
        limit: 2,
      });
      assert.deepEqual(
        older.messages.map((m: Msg) => m.text),
        ['history 0', 'history 1'],
      );
    });
  });

  describe('presence', function () {
    it('answers who is in the room (viewers: an account once however many tabs, signed-in users and their handles) and updates on leave', async function () {
      await api(fx, 'POST', '/api/streams', { title: 'Presence' }, token.alice);
      const room = 'stream:2';
      const bob = await client('bob');
      const bob2 = await client('bob');
      const anon = await client();
      for (const c of [bob, bob2, anon]) await c.join(room);
      const p = await anon.request({ type: 'presence', room });
      assert.deepEqual(p, {
        type: 'presence',
        room,
        viewers: 2,
        users: 1,
        members: [{ address: chain.addr.bob, handle: 'bob' }],
        id: p.id,
      });
      const left = await bob2.request({ type: 'leave', room });
      assert.equal(left.type, 'left');
      assert.equal((await bob.request({ type: 'leave', room })).type, 'left');
      assert.equal((await anon.take((m) => m.type === 'viewers' && m.room === room && m.viewers === 1)).users, 0);
      assert.equal((await bob2.request({ type: 'leave', room })).code, 'NOT_IN_ROOM');
      assert.equal((await bob2.request({ type: 'say', room, text: 'gone' })).code, 'NOT_IN_ROOM');
    });
  });

  describe('limits', function () {
    it('accepts 500 characters and refuses 501 (MESSAGE_TOO_LONG) and empty text (EMPTY_MESSAGE)', async function () {
      const dave = await client('dave');
      await dave.join(ROOM);
      assert.equal((await say(dave, '€'.repeat(500))).type, 'ack');
      const long = await say(dave, 'a'.repeat(501));
      assert.equal(code(long), 'MESSAGE_TOO_LONG');
      assert.equal(long.max, 500);
      assert.equal(code(await say(dave, ' \u0001\n ')), 'EMPTY_MESSAGE');
      assert.equal(code(await dave.request({ type: 'say', room: ROOM, text: 42 })), 'BAD_MESSAGE');
    });

    it('allows 20 messages per 30 s per user, then RATE_LIMITED with retryAfterMs, and frees up after the window', async function () {
      const erin = await client('erin');
      await erin.join(ROOM);
      for (let i = 0; i < 20; i++) assert.equal((await say(erin, `m${i}`)).type, 'ack', `message ${i}`);
      const limited = await say(erin, 'one too many');
      assert.equal(code(limited), 'RATE_LIMITED');
      assert.ok(limited.retryAfterMs > 0 && limited.retryAfterMs <= 30_000);
      fx.clock.offset += 30_001;
      assert.equal((await say(erin, 'after the window')).type, 'ack');
    });

    it('allows the broadcaster 100 messages per 30 s, then RATE_LIMITED', async function () {
      const alice = await client('alice');
      await alice.join(ROOM);
      for (let i = 0; i < 100; i++) {
        assert.equal((await say(alice, `b${i}`)).type, 'ack', `message ${i}`);
        // A second of service time per 10 messages refills the frame budget (10 frames/s); the
        // 100 messages still fall within one 30 s window.
        if (i % 10 === 9) fx.clock.offset += 1000;
      }
      const limited = await say(alice, 'the 101st');
      assert.equal(code(limited), 'RATE_LIMITED');
      assert.ok(limited.retryAfterMs > 0 && limited.retryAfterMs <= 30_000, JSON.stringify(limited));
      fx.clock.offset += 30_001;
    });

    it('answers malformed frames with an error (echoing the id) and keeps the connection', async function () {
      const c = await client('bob');
      c.send('this is not json');
      assert.equal((await c.take((m) => m.type === 'error')).code, 'BAD_MESSAGE');
      c.send('[1,2,3]');
      assert.equal((await c.take((m) => m.type === 'error')).code, 'BAD_MESSAGE');
      c.send({ type: 7, id: 'x1' });
      assert.deepEqual(await c.take((m) => m.type === 'error'), {
        type: 'error',
        code: 'BAD_MESSAGE',
        message: 'frames must be JSON objects with a string "type"',
        id: 'x1',
      });
      c.send({ type: 'teleport', id: 'x2' });
      const unknown = await c.take((m) => m.type === 'error');
      assert.equal(unknown.code, 'UNKNOWN_TYPE');
      assert.equal(unknown.id, 'x2');
      c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      assert.equal((await c.take((m) => m.type === 'error')).code, 'BAD_MESSAGE');
      await c.sync();
    });

    it('closes the connection with 1009 on an oversized frame, and the service carries on', async function () {
      const c = await client('bob');
      c.send({ type: 'say', room: ROOM, text: 'x'.repeat(9000) });
      assert.equal(await c.closed, 1009);
      const other = await client();
      await other.sync();
    });

    it('drops frames beyond the per-connection budget with FLOOD, and closes (1008) a connection that keeps flooding', async function () {
      const c = await client('dave');
      for (let i = 0; i < 100; i++) c.send({ type: 'ping' });
      const flood = await c.take((m) => m.type === 'error' && m.code === 'FLOOD');
      assert.ok(flood.retryAfterMs > 0);
      assert.equal(c.closeCode, undefined);
      const worse = await client('dave');
      for (let i = 0; i < 400; i++) worse.send({ type: 'ping' });
      assert.equal(await worse.closed, 1008);
    });
  });

  describe('moderation', function () {
    let alice: WsClient;
    let bob: WsClient;
    let carol: WsClient;
    let dave: WsClient;

    before(async function () {
      fx.clock.offset += 30_001;
      alice = await client('alice');
      bob = await client('bob');
      carol = await client('carol');
      dave = await client('dave');
      for (const c of [alice, bob, carol, dave]) await c.join(ROOM);
    });

    it('refuses moderation from a viewer (NOT_MODERATOR)', async function () {
      const m = await say(carol, 'delete me');
      assert.equal(
        code(await carol.request({ type: 'mod.delete', room: ROOM, messageId: m.messageId })),
        'NOT_MODERATOR',
      );
      assert.equal(code(await carol.request({ type: 'mod.ban', room: ROOM, user: chain.addr.dave })), 'NOT_MODERATOR');
    });

    it('deletes a message: the room is told and history no longer has it', async function () {
      const m = await say(carol, 'something rude');
      dave.drop(() => true);
      assert.equal((await alice.request({ type: 'mod.delete', room: ROOM, messageId: m.messageId })).type, 'ack');
      assert.deepEqual(await dave.take((x) => x.type === 'message.deleted'), {
        type: 'message.deleted',
        room: ROOM,
        id: m.messageId,
        by: chain.addr.alice,
      });
      const fresh = await client();
      assert.ok(!(await fresh.join(ROOM)).some((x) => x.id === m.messageId));
      assert.equal(
        code(await alice.request({ type: 'mod.delete', room: ROOM, messageId: m.messageId })),
        'MESSAGE_NOT_FOUND',
      );
    });

    it('times a user out (TIMED_OUT until the end), then lets them speak again', async function () {
      const r = await alice.request({ type: 'mod.timeout', room: ROOM, user: chain.addr.carol, seconds: 60 });
      assert.equal(r.type, 'ack');
      const note = await carol.take((m) => m.type === 'moderation' && m.action === 'timeout');
      assert.equal(note.user, chain.addr.carol);
      const refused = await say(carol, 'can I talk?');
      assert.equal(code(refused), 'TIMED_OUT');
      assert.equal(refused.until, r.until);
      fx.clock.offset += 61_000;
      assert.equal((await say(carol, 'back')).type, 'ack');
    });

    it('bans a user (BANNED, reading still allowed) and unbans them', async function () {
      assert.equal(
        (await alice.request({ type: 'mod.ban', room: ROOM, user: chain.addr.dave, reason: 'spam' })).type,
        'ack',
      );
      assert.equal(code(await say(dave, 'hello?')), 'BANNED');
      const m = await say(carol, 'dave still reads this');
      assert.equal(
        (await dave.take((x) => x.type === 'message' && x.id === m.messageId)).text,
        'dave still reads this',
      );
      // The ban outlives a reconnection.
      const again = await client('dave');
      const seen = await again.join(ROOM);
      assert.ok(
        seen.some((x) => x.id === m.messageId),
        'a banned user still reads the history after reconnecting',
      );
      assert.equal(code(await say(again, 'new connection')), 'BANNED');
      assert.equal((await alice.request({ type: 'mod.unban', room: ROOM, user: chain.addr.dave })).type, 'ack');
      assert.equal((await say(dave, 'thanks')).type, 'ack');
    });

    it('lets an appointed moderator delete and time out viewers, but not act on the broadcaster or appoint mods', async function () {
      assert.equal(
        code(await bob.request({ type: 'mod.timeout', room: ROOM, user: chain.addr.carol, seconds: 10 })),
        'NOT_MODERATOR',
      );
      assert.equal((await alice.request({ type: 'mod.add', room: ROOM, user: chain.addr.bob })).type, 'ack');
      const m = await say(carol, 'bob will delete this');
      assert.equal((await bob.request({ type: 'mod.delete', room: ROOM, messageId: m.messageId })).type, 'ack');
      assert.equal(
        (await bob.request({ type: 'mod.timeout', room: ROOM, user: chain.addr.carol, seconds: 5 })).type,
        'ack',
      );
      assert.equal(code(await bob.request({ type: 'mod.ban', room: ROOM, user: chain.addr.alice })), 'CANNOT_MODERATE');
      assert.equal(code(await bob.request({ type: 'mod.add', room: ROOM, user: chain.addr.dave })), 'NOT_OWNER');
      assert.equal(
        code(await carol.request({ type: 'mod.timeout', room: ROOM, user: 'not-an-address', seconds: 5 })),
        'NOT_MODERATOR',
      );
      assert.equal(
        code(await bob.request({ type: 'mod.timeout', room: ROOM, user: 'not-an-address', seconds: 5 })),
        'BAD_ADDRESS',
      );
      fx.clock.offset += 6000;
    });

    it('enforces slow mode on viewers (SLOW_MODE with retryAfterMs) but not on moderators', async function () {
      assert.equal((await alice.request({ type: 'mod.slow', room: ROOM, seconds: 10 })).type, 'ack');
      const note = await carol.take((m) => m.type === 'room' && m.slowModeSeconds === 10);
      assert.equal(note.followersOnly, false);
      fx.clock.offset += 11_000;
      assert.equal((await say(carol, 'first')).type, 'ack');
      const slow = await say(carol, 'second');
      assert.equal(code(slow), 'SLOW_MODE');
      assert.ok(slow.retryAfterMs > 0 && slow.retryAfterMs <= 10_000);
      assert.equal((await say(bob, 'mod one')).type, 'ack');
      assert.equal((await say(bob, 'mod two')).type, 'ack');
      fx.clock.offset += 10_001;
      assert.equal((await say(carol, 'after the wait')).type, 'ack');
      assert.equal((await alice.request({ type: 'mod.slow', room: ROOM, seconds: 0 })).type, 'ack');
    });

    it('enforces followers-only mode against follows on chain', async function () {
      await chain.tx('carol', chain.sys.profiles, 'follow(address)', [chain.addr.alice]);
      assert.equal((await alice.request({ type: 'mod.followers', room: ROOM, enabled: true })).type, 'ack');
      const joined = await (await client('dave')).request({ type: 'join', room: ROOM });
      assert.equal(joined.followersOnly, true);
      assert.equal(code(await say(dave, 'not a follower')), 'FOLLOWERS_ONLY');
      assert.equal((await say(carol, 'a follower')).type, 'ack');
      assert.equal((await say(bob, 'a moderator')).type, 'ack');
      assert.equal((await alice.request({ type: 'mod.followers', room: ROOM, enabled: false })).type, 'ack');
      assert.equal((await say(dave, 'open again')).type, 'ack');
    });
  });

  describe('direct messages', function () {
    it('delivers a DM to every connection of the recipient and the sender, and to nobody else', async function () {
      const bob1 = await client('bob');
      const bob2 = await client('bob');
      const carol1 = await client('carol');
      const carol2 = await client('carol');
      const dave = await client('dave');
      const ack = await carol1.request({ type: 'dm', to: chain.addr.bob, text: 'hi bob' });
      assert.equal(ack.type, 'ack');
      const expected = {
        type: 'dm',
        id: ack.messageId,
        from: chain.addr.carol,
        handle: null,
        to: chain.addr.bob,
        text: 'hi bob',
        at: ack.at,
      };
      for (const c of [bob1, bob2, carol1, carol2]) assert.deepEqual(await c.take((m) => m.type === 'dm'), expected);
      const reply = await bob2.request({ type: 'dm', to: chain.addr.carol, text: 'hi carol' });
      assert.equal((await carol2.take((m) => m.type === 'dm')).id, reply.messageId);
      await dave.sync();
      assert.ok(!dave.messages.some((m) => m.type === 'dm'), 'a third party sees nothing');
    });

    it('refuses DMs from anonymous connections, to bad addresses and to oneself', async function () {
      const anon = await client();
      assert.equal(code(await anon.request({ type: 'dm', to: chain.addr.bob, text: 'hey' })), 'UNAUTHENTICATED');
      const bob = await client('bob');
      assert.equal(code(await bob.request({ type: 'dm', to: 'Tnope', text: 'hey' })), 'BAD_ADDRESS');
      assert.equal(code(await bob.request({ type: 'dm', to: chain.addr.bob, text: 'me' })), 'BAD_MESSAGE');
    });

    it('every DM refusal says what is wrong, in which field, answering the request id, over the socket and HTTP', async function () {
      const anon = await client();
      const bob = await client('bob');
      const carol = await client('carol');
      assert.deepEqual(
        await ask(anon, { type: 'dm.block', user: chain.addr.carol }),
        err('UNAUTHENTICATED', 'sign in to block users'),
      );
      assert.deepEqual(
        await ask(anon, { type: 'dms.history', with: chain.addr.carol }),
        err('UNAUTHENTICATED', 'sign in to read direct messages'),
      );
      assert.deepEqual(
        await ask(anon, { type: 'dm', to: chain.addr.carol, text: 'hi' }),
        err('UNAUTHENTICATED', 'sign in to send direct messages'),
      );
      assert.deepEqual(
        await ask(bob, { type: 'dm.block', user: chain.addr.bob }),
        err('BAD_MESSAGE', 'you cannot block yourself', 'user'),
      );
      assert.deepEqual(
        await ask(bob, { type: 'dm.block', user: 'Tnope' }),
        err('BAD_ADDRESS', 'user must be a base58 TRON address (T...)', 'user'),
      );
      assert.deepEqual(
        await ask(bob, { type: 'dm', to: chain.addr.bob, text: 'me' }),
        err('BAD_MESSAGE', 'you cannot message yourself', 'to'),
      );
      assert.deepEqual(
        await ask(bob, { type: 'dm', to: 'Tnope', text: 'me' }),
        err('BAD_ADDRESS', 'to must be a base58 TRON address (T...)', 'to'),
      );
      for (const limit of [0, 101]) {
        assert.deepEqual(
          await ask(bob, { type: 'dms.history', with: chain.addr.carol, limit }),
          err('BAD_REQUEST', 'first must be 1 to 100', 'first'),
          `limit ${limit}`,
        );
      }
      assert.deepEqual(
        await ask(bob, { type: 'dms.history', with: chain.addr.carol, before: 0 }),
        err('BAD_REQUEST', 'before must be the endCursor of the previous page', 'before'),
      );
      for (const q of [`/api/dms?with=${chain.addr.carol}&first=0`, `/api/dms?with=${chain.addr.carol}&first=101`]) {
        assert.deepEqual(
          (await api(fx, 'GET', q, undefined, token.bob)).body,
          { error: { code: 'BAD_REQUEST', message: 'first must be 1 to 100', field: 'first' } },
          q,
        );
      }
      for (const q of [
        `/api/dms?with=${chain.addr.carol}&before=0`,
        '/api/dms/conversations?before=0',
        '/api/dms/conversations?before=x',
      ]) {
        assert.deepEqual(
          (await api(fx, 'GET', q, undefined, token.bob)).body,
          {
            error: {
              code: 'BAD_REQUEST',
              message: 'before must be the endCursor of the previous page',
              field: 'before',
            },
          },
          q,
        );
      }
      assert.deepEqual((await api(fx, 'GET', '/api/dms/conversations?first=0', undefined, token.bob)).body, {
        error: { code: 'BAD_REQUEST', message: 'first must be 1 to 100', field: 'first' },
      });
      // Blocking answers with who and which way, and both sides hear why a DM is refused.
      assert.deepEqual(await ask(bob, { type: 'dm.block', user: chain.addr.carol }), {
        type: 'ack',
        user: chain.addr.carol,
        blocked: true,
      });
      assert.deepEqual(await ask(bob, { type: 'dm.blocks' }), { type: 'dm.blocks', users: [chain.addr.carol] });
      assert.deepEqual(
        await ask(bob, { type: 'dm', to: chain.addr.carol, text: 'x' }),
        err('DM_BLOCKED', 'you blocked this user: unblock them to send a message', 'to'),
      );
      assert.deepEqual(
        await ask(carol, { type: 'dm', to: chain.addr.bob, text: 'x' }),
        err('DM_BLOCKED', 'this user does not accept your messages', 'to'),
      );
      assert.deepEqual(await ask(bob, { type: 'dm.unblock', user: chain.addr.carol }), {
        type: 'ack',
        user: chain.addr.carol,
        blocked: false,
      });
      assert.deepEqual(await ask(bob, { type: 'dm.blocks' }), { type: 'dm.blocks', users: [] });
      const sent = await bob.request({ type: 'dm', to: chain.addr.carol, text: 'unblocked' });
      assert.deepEqual(Object.keys(sent).sort(), ['at', 'id', 'messageId', 'type']);
      // A DM sent without a request id is delivered and not acknowledged.
      bob.send({ type: 'dm', to: chain.addr.carol, text: 'no id' });
      assert.equal((await carol.take((m) => m.type === 'dm' && m.text === 'no id')).from, chain.addr.bob);
      await bob.sync();
      assert.ok(!bob.messages.some((m) => m.type === 'ack' && m.id === undefined), 'no ack without an id');
    });

    it('a frame that is not a JSON object with a string type, or of an unknown type, is refused and says so', async function () {
      const bob = await client('bob');
      assert.deepEqual(await ask(bob, { type: 'nope.nope' }), err('UNKNOWN_TYPE', 'unknown message type "nope.nope"'));
      bob.send('not json');
      assert.deepEqual(await bob.take((m) => m.type === 'error'), {
        type: 'error',
        code: 'BAD_MESSAGE',
        message: 'frames must be JSON text objects with a "type"',
      });
      bob.send(JSON.stringify({ no: 'type', id: 'q1' }));
      assert.deepEqual(await bob.take((m) => m.type === 'error' && m.id === 'q1'), {
        type: 'error',
        code: 'BAD_MESSAGE',
        message: 'frames must be JSON objects with a string "type"',
        id: 'q1',
      });
      // The connection stays usable.
      assert.deepEqual(Object.keys(await bob.request({ type: 'dm.blocks' })).sort(), ['id', 'type', 'users']);
    });

    it('pages a conversation over HTTP and the WebSocket, only for its two parties', async function () {
      const erin = await client('erin');
      for (let i = 0; i < 5; i++) await erin.request({ type: 'dm', to: chain.addr.dave, text: `dm ${i}` });
      const p1 = await api(fx, 'GET', `/api/dms?with=${chain.addr.erin}&first=3`, undefined, token.dave);
      assert.equal(p1.status, 200);
      assert.deepEqual(
        p1.body.nodes.map((m: Msg) => m.text),
        ['dm 2', 'dm 3', 'dm 4'],
      );
      assert.equal(p1.body.pageInfo.hasNextPage, true);
      const p2 = await api(
        fx,
        'GET',
        `/api/dms?with=${chain.addr.erin}&first=3&before=${p1.body.pageInfo.endCursor}`,
        undefined,
        token.dave,
      );
      assert.deepEqual(
        p2.body.nodes.map((m: Msg) => m.text),
        ['dm 0', 'dm 1'],
      );
      assert.equal(p2.body.pageInfo.hasNextPage, false);
      // Bob asking about erin sees his own (empty) conversation with her, not dave's.
      assert.deepEqual((await api(fx, 'GET', `/api/dms?with=${chain.addr.erin}`, undefined, token.bob)).body.nodes, []);
      assert.equal((await api(fx, 'GET', `/api/dms?with=${chain.addr.erin}`)).body.error.code, 'UNAUTHENTICATED');
      const ws = await erin.request({ type: 'dms.history', with: chain.addr.dave, limit: 2 });
      assert.deepEqual(
        ws.messages.map((m: Msg) => m.text),
        ['dm 3', 'dm 4'],
      );
    });

    it("lists one's conversations, the latest first, with the last message either way, in pages", async function () {
      const frank = await client('frank');
      const erin = await client('erin');
      const toErin = await frank.request({ type: 'dm', to: chain.addr.erin, text: 'frank to erin' });
      const toDave = await frank.request({ type: 'dm', to: chain.addr.dave, text: 'frank to dave' });
      const reply = await erin.request({ type: 'dm', to: chain.addr.frank, text: 'erin to frank' });
      const list = await api(fx, 'GET', '/api/dms/conversations', undefined, token.frank);
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.nodes.map((c: Msg) => [c.with, c.last.id, c.last.from, c.last.text]),
        [
          [chain.addr.erin, reply.messageId, chain.addr.erin, 'erin to frank'],
          [chain.addr.dave, toDave.messageId, chain.addr.frank, 'frank to dave'],
        ],
      );
      assert.ok(toErin.messageId < reply.messageId);
      const p1 = await api(fx, 'GET', '/api/dms/conversations?first=1', undefined, token.frank);
      assert.deepEqual(
        p1.body.nodes.map((c: Msg) => c.with),
        [chain.addr.erin],
      );
      assert.equal(p1.body.pageInfo.hasNextPage, true);
      const p2 = await api(
        fx,
        'GET',
        `/api/dms/conversations?first=1&before=${p1.body.pageInfo.endCursor}`,
        undefined,
        token.frank,
      );
      assert.deepEqual(
        p2.body.nodes.map((c: Msg) => c.with),
        [chain.addr.dave],
      );
      assert.equal(p2.body.pageInfo.hasNextPage, false);
      // Erin's list holds frank (and dave, from the test above), never frank's talk with dave.
      const erinList = await api(fx, 'GET', '/api/dms/conversations', undefined, token.erin);
      assert.ok(
        erinList.body.nodes.every((c: Msg) => c.last.from === chain.addr.erin || c.last.to === chain.addr.erin),
      );
      assert.equal((await api(fx, 'GET', '/api/dms/conversations')).body.error.code, 'UNAUTHENTICATED');
      assert.equal(
        (await api(fx, 'GET', '/api/dms/conversations?first=500', undefined, token.frank)).body.error.code,
        'BAD_REQUEST',
      );
    });

    it('pages conversations at the edges: exactly first (no next page), first=1 to the end with the right cursors, and an empty list', async function () {
      const all = await api(fx, 'GET', '/api/dms/conversations?first=100', undefined, token.frank);
      const ids = all.body.nodes.map((c: Msg) => c.last.id as number);
      assert.equal(ids.length, 2);
      const exact = await api(fx, 'GET', '/api/dms/conversations?first=2', undefined, token.frank);
      assert.deepEqual(exact.body, {
        nodes: all.body.nodes,
        pageInfo: { endCursor: String(ids[1]), hasNextPage: false },
      });
      let before = '';
      for (let i = 0; i < 2; i++) {
        const p = await api(
          fx,
          'GET',
          `/api/dms/conversations?first=1${before ? `&before=${before}` : ''}`,
          undefined,
          token.frank,
        );
        assert.deepEqual(
          p.body,
          { nodes: [all.body.nodes[i]], pageInfo: { endCursor: String(ids[i]), hasNextPage: i === 0 } },
          `page ${i}`,
        );
        before = p.body.pageInfo.endCursor;
      }
      const past = await api(fx, 'GET', `/api/dms/conversations?first=1&before=${before}`, undefined, token.frank);
      assert.deepEqual(past.body, { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } });
      const gina = await signIn(fx, chain.key.gina);
      assert.deepEqual((await api(fx, 'GET', '/api/dms/conversations', undefined, gina)).body, {
        nodes: [],
        pageInfo: { endCursor: null, hasNextPage: false },
      });
    });

    it('pages a conversation at the edges: exactly first (no next page), first+1 (the next page holds the one left), first=1, and an empty one', async function () {
      const dave = await client('dave');
      const sent: number[] = [];
      for (let i = 0; i < 5; i++)
        sent.push((await dave.request({ type: 'dm', to: chain.addr.alice, text: `edge ${i}` })).messageId as number);
      const page = (q: string) =>
        api(fx, 'GET', `/api/dms?with=${chain.addr.dave}&${q}`, undefined, token.alice).then((r) => r.body);
      const texts = (b: Msg) => b.nodes.map((m: Msg) => m.text);
      const exact = await page('first=5');
      assert.deepEqual(texts(exact), ['edge 0', 'edge 1', 'edge 2', 'edge 3', 'edge 4']);
      assert.deepEqual(exact.pageInfo, { endCursor: String(sent[0]), hasNextPage: false });
      const four = await page('first=4');
      assert.deepEqual(texts(four), ['edge 1', 'edge 2', 'edge 3', 'edge 4']);
      assert.deepEqual(four.pageInfo, { endCursor: String(sent[1]), hasNextPage: true });
      const rest = await page(`first=4&before=${four.pageInfo.endCursor}`);
      assert.deepEqual(
        rest.nodes.map((m: Msg) => [m.id, m.text]),
        [[sent[0], 'edge 0']],
      );
      assert.deepEqual(rest.pageInfo, { endCursor: String(sent[0]), hasNextPage: false });
      const one = await page('first=1');
      assert.deepEqual(texts(one), ['edge 4']);
      assert.deepEqual(one.pageInfo, { endCursor: String(sent[4]), hasNextPage: true });
      assert.deepEqual(await page(`first=1&before=${sent[0]}`), {
        nodes: [],
        pageInfo: { endCursor: null, hasNextPage: false },
      });
      assert.deepEqual((await api(fx, 'GET', `/api/dms?with=${chain.addr.carol}`, undefined, token.alice)).body, {
        nodes: [],
        pageInfo: { endCursor: null, hasNextPage: false },
      });
    });

    it('delivers 20 DMs per 30 s from one sender, refuses the 21st with RATE_LIMITED (nothing delivered), and takes DMs again after the window', async function () {
      const alice = await client('alice');
      const bob = await client('bob');
      for (let i = 0; i < 20; i++)
        assert.equal(
          (await alice.request({ type: 'dm', to: chain.addr.bob, text: `burst ${i}` })).type,
          'ack',
          `DM ${i}`,
        );
      const limited = await alice.request({ type: 'dm', to: chain.addr.bob, text: 'the 21st' });
      assert.equal(limited.code, 'RATE_LIMITED', JSON.stringify(limited));
      assert.ok(limited.retryAfterMs > 0 && limited.retryAfterMs <= 30_000, JSON.stringify(limited));
      await bob.sync();
      const got = bob.messages.filter((m) => m.type === 'dm' && m.from === chain.addr.alice).map((m) => m.text);
      assert.deepEqual(
        got,
        Array.from({ length: 20 }, (_, i) => `burst ${i}`),
      );
      const stored = await api(fx, 'GET', `/api/dms?with=${chain.addr.alice}&first=100`, undefined, token.bob);
      assert.equal(stored.body.nodes.length, 20, 'the refused DM is not stored');
      fx.clock.offset += 30_001;
      assert.equal((await alice.request({ type: 'dm', to: chain.addr.bob, text: 'after the window' })).type, 'ack');
    });
  });

  describe('refusals and answers in a room', function () {
    it('each refusal names its code, message and field; each answer its exact frame; moderation is announced to the room', async function () {
      const st = await api(fx, 'POST', '/api/streams', { title: 'Refusals' }, token.alice);
      const room = `stream:${st.body.streamId}`;
      const [owner, carol, anon] = [await client('alice'), await client('carol'), await client()];
      const joined = (role: string): Msg => ({
        type: 'joined',
        room,
        role,
        slowModeSeconds: 0,
        followersOnly: false,
        shieldMode: false,
        state: 'idle',
      });
      assert.deepEqual(
        await ask(owner, { type: 'join', room: 'lobby' }),
        err('ROOM_NOT_FOUND', 'rooms are named stream:<streamId>, got "lobby"', 'room'),
      );
      assert.deepEqual(
        await ask(owner, { type: 'join', room: 'stream:999999' }),
        err('ROOM_NOT_FOUND', 'no stream 999999', 'room'),
      );
      assert.deepEqual(await ask(owner, { type: 'join', room }), joined('owner'));
      assert.deepEqual(await ask(carol, { type: 'join', room }), joined('viewer'));
      assert.deepEqual(await ask(anon, { type: 'join', room }), joined('anonymous'));
      assert.deepEqual(
        await ask(carol, { type: 'leave', room: 'stream:999999' }),
        err('NOT_IN_ROOM', 'not in stream:999999'),
      );
      assert.deepEqual(
        await ask(carol, { type: 'history', room: 'stream:999999' }),
        err('ROOM_NOT_FOUND', 'no stream 999999', 'room'),
      );
      assert.deepEqual(
        await ask(carol, { type: 'history', room, before: 0 }),
        err('BAD_MESSAGE', 'before must be a message id', 'before'),
      );
      for (const limit of [0, 101])
        assert.deepEqual(
          await ask(carol, { type: 'history', room, limit }),
          err('BAD_MESSAGE', 'limit must be 1 to 100', 'limit'),
          `limit ${limit}`,
        );
      assert.deepEqual(await ask(carol, { type: 'history', room, limit: 2 }), {
        type: 'history',
        room,
        before: null,
        messages: [],
      });
      assert.deepEqual(await ask(carol, { type: 'presence', room }), {
        type: 'presence',
        room,
        viewers: 3,
        users: 2,
        members: [
          { address: chain.addr.alice, handle: 'alice' },
          { address: chain.addr.carol, handle: null },
        ],
      });
      assert.deepEqual(
        await ask(anon, { type: 'say', room, text: 'x' }),
        err('UNAUTHENTICATED', 'sign in to chat (anonymous connections may only read)'),
      );
      assert.deepEqual(
        await ask(anon, { type: 'mod.slow', room, seconds: 1 }),
        err('UNAUTHENTICATED', 'sign in to moderate'),
      );
      const notMod = err('NOT_MODERATOR', `only the broadcaster and moderators of ${room} may do this`);
      assert.deepEqual(await ask(carol, { type: 'mod.slow', room, seconds: 1 }), notMod);
      assert.deepEqual(await ask(carol, { type: 'mod.add', room, user: chain.addr.dave }), notMod);
      for (const seconds of [-1, 100_000])
        assert.deepEqual(
          await ask(owner, { type: 'mod.slow', room, seconds }),
          err('BAD_MESSAGE', 'seconds must be 0 (off) to 3600', 'seconds'),
          `slow ${seconds}`,
        );
      assert.deepEqual(
        await ask(owner, { type: 'mod.followers', room, enabled: 'yes' }),
        err('BAD_MESSAGE', 'enabled must be a boolean', 'enabled'),
      );
      assert.deepEqual(
        await ask(owner, { type: 'mod.timeout', room, user: chain.addr.carol, seconds: 0 }),
        err('BAD_MESSAGE', 'seconds must be 1 to 1209600', 'seconds'),
      );
      assert.deepEqual(
        await ask(owner, { type: 'mod.timeout', room, user: chain.addr.alice, seconds: 5 }),
        err('CANNOT_MODERATE', 'the broadcaster cannot be moderated in their own room'),
      );
      assert.deepEqual(
        await ask(owner, { type: 'mod.add', room, user: chain.addr.alice }),
        err('CANNOT_MODERATE', 'the broadcaster is always a moderator of their room'),
      );
      assert.deepEqual(
        await ask(owner, { type: 'mod.add', room, user: 'Tnope' }),
        err('BAD_ADDRESS', 'user must be a base58 TRON address (T...)', 'user'),
      );
      assert.deepEqual(
        await ask(owner, { type: 'mod.delete', room, messageId: 999999 }),
        err('MESSAGE_NOT_FOUND', `no message 999999 in ${room}`, 'messageId'),
      );
      // The answers, and what the room hears.
      assert.deepEqual(await ask(owner, { type: 'mod.add', room, user: chain.addr.carol }), {
        type: 'ack',
        user: chain.addr.carol,
      });
      assert.deepEqual(await ask(owner, { type: 'mod.remove', room, user: chain.addr.carol }), {
        type: 'ack',
        user: chain.addr.carol,
      });
      assert.deepEqual(await ask(owner, { type: 'mod.ban', room, user: chain.addr.dave, reason: 'x' }), {
        type: 'ack',
        user: chain.addr.dave,
      });
      assert.deepEqual(await ask(owner, { type: 'mod.unban', room, user: chain.addr.dave }), {
        type: 'ack',
        user: chain.addr.dave,
      });
      assert.deepEqual(await ask(owner, { type: 'mod.slow', room, seconds: 0 }), { type: 'ack' });
      assert.deepEqual(await ask(owner, { type: 'leave', room }), { type: 'left', room });
      await carol.sync();
      const by = chain.addr.alice;
      assert.deepEqual(
        carol.messages.filter((m) => m.room === room && (m.type === 'moderation' || m.type === 'room')),
        [
          { type: 'moderation', room, action: 'mod', user: chain.addr.carol, by },
          { type: 'moderation', room, action: 'unmod', user: chain.addr.carol, by },
          { type: 'moderation', room, action: 'ban', user: chain.addr.dave, by },
          { type: 'moderation', room, action: 'unban', user: chain.addr.dave, by },
          { type: 'room', room, slowModeSeconds: 0, followersOnly: false, shieldMode: false, by },
        ],
      );
    });
  });

  describe('history on join', function () {
    it('holds exactly the last 50 messages (historySize), oldest first, however many the room has', async function () {
      const s = await api(fx, 'POST', '/api/streams', { title: 'Long history' }, token.alice);
      const room = `stream:${s.body.streamId}`;
      const posted = Array.from({ length: 57 }, (_, i) =>
        fx.service.rooms.post(room, 'system', null, null, `line ${i}`),
      );
      const history = await (await client()).join(room);
      assert.equal(history.length, 50);
      assert.deepEqual(
        history.map((m) => m.id),
        posted.slice(-50).map((m) => m.id),
      );
      assert.equal(history[0]!.text, 'line 7');
      assert.equal(history[49]!.text, 'line 56');
    });
  });

  describe('when a client stops reading', function () {
    const MAX_BUFFERED = 64 * 1024;
    let slowFx: LiveFixture;
    let room: string;

    before(async function () {
      slowFx = await startLive(chain, path.join(chain.tmp.dir, 'slow.db'), {
        config: { chat: { maxBufferedBytes: MAX_BUFFERED } },
      });
      const s = await api(
        slowFx,
        'POST',
        '/api/streams',
        { title: 'Slow readers' },
        await signIn(slowFx, chain.key.alice),
      );
      room = `stream:${s.body.streamId}`;
    });

    after(async function () {
      await slowFx?.close();
    });

    it('closes it with 1013 once more than maxBufferedBytes pile up for it, and the others in the room keep receiving', async function () {
      const fast = await WsClient.connect(slowFx);
      const slow = await WsClient.connect(slowFx);
      clients.push(fast, slow);
      await fast.join(room);
      await slow.join(room);
      const tcp = (slow.ws as unknown as { _socket: Socket })._socket;
      tcp.pause();
      const serverSide = [...slowFx.service.hub.wss.clients];
      assert.equal(serverSide.length, 2);
      const closing = () => serverSide.find((ws) => ws.readyState === WebSocket.CLOSING);
      // Past the kernel's socket buffers (a few MB on loopback), the server's own queue grows.
      const big = 'x'.repeat(16 * 1024);
      const posted: number[] = [];
      while (!closing()) {
        assert.ok(posted.length < 2500, 'the server still queues for the slow client after 40 MB');
        posted.push(slowFx.service.rooms.post(room, 'system', null, null, big).id);
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(closing()!.bufferedAmount > MAX_BUFFERED, true);
      // Read again before the server gives up on the close handshake (2 s): the close frame
      // comes after everything queued.
      tcp.resume();
      assert.equal(await slow.closed, 1013);
      await waitFor(
        () => (slowFx.service.hub.count(room).connections === 1 ? true : undefined),
        5000,
        'the slow socket to leave the room',
      );
      const after = slowFx.service.rooms.post(room, 'system', null, null, 'still here');
      assert.equal((await fast.take((m) => m.type === 'message' && m.id === after.id)).text, 'still here');
      const got = fast.messages.filter((m) => m.type === 'message').map((m) => m.id as number);
      assert.deepEqual(got, posted, 'the reading client got every message');
    });
  });

  describe('after a restart on the same database', function () {
    it('loses no stored message, DM, session, setting or ban', async function () {
      const before = fx.service.rooms.messages(ROOM, 500);
      const dmsBefore = (await api(fx, 'GET', `/api/dms?with=${chain.addr.erin}&first=100`, undefined, token.dave)).body
        .nodes;
      const alice = await client('alice');
      await alice.join(ROOM);
      await alice.request({ type: 'mod.ban', room: ROOM, user: chain.addr.erin });
      await alice.request({ type: 'mod.slow', room: ROOM, seconds: 3 });
      for (const c of clients.splice(0)) await c.close();
      await fx.close();

      fx = await startLive(chain, dbPath);
      const bob = await client('bob');
      const history = await bob.join(ROOM);
      assert.deepEqual(history, before.slice(-50));
      assert.deepEqual(fx.service.rooms.messages(ROOM, 500), before);
      assert.deepEqual(
        (await api(fx, 'GET', `/api/dms?with=${chain.addr.erin}&first=100`, undefined, token.dave)).body.nodes,
        dmsBefore,
      );
      const erin = await client('erin');
      const joined = await erin.request({ type: 'join', room: ROOM });
      assert.equal(joined.banned, true);
      assert.equal(joined.slowModeSeconds, 3);
      assert.equal(code(await say(erin, 'still banned?')), 'BANNED');
      assert.equal((await say(bob, 'moderator after restart')).type, 'ack');
      assert.equal(
        (await bob.request({ type: 'mod.slow', room: ROOM, seconds: 0 })).type,
        'ack',
        'bob is still a moderator',
      );
      // Message ids keep growing: nothing is overwritten.
      assert.ok(fx.service.rooms.messages(ROOM, 1)[0]!.id > before[before.length - 1]!.id);
    });
  });

  describe('when the stream has ended', function () {
    it('refuses new messages with STREAM_ENDED but still serves history', async function () {
      const bob = await client('bob');
      const history = await bob.join(ROOM);
      assert.ok(history.length > 0, 'the room had messages before the end');
      assert.equal((await api(fx, 'POST', '/api/streams/1/end', undefined, token.alice)).status, 200);
      assert.equal(code(await say(bob, 'anyone?')), 'STREAM_ENDED');
      const later = await client('carol');
      assert.deepEqual(
        (await later.join(ROOM)).map((x) => x.id),
        history.map((x) => x.id),
        'a viewer joining after the end reads the same history',
      );
    });
  });
});

describe('live: chat text rules', function () {
  const refuses = (v: unknown, max: number, code: string, message: string, details: Record<string, unknown>): void => {
    assert.throws(
      () => cleanText(v, max),
      (e: unknown) => {
        assert.ok(e instanceof LiveError);
        assert.deepEqual([e.code, e.message, e.details], [code, message, details]);
        return true;
      },
    );
  };

  it('strips controls and invisible characters, trims, and counts code points', function () {
    assert.equal(cleanText('  a\u0000b\u200bc\n ', 5), 'abc');
    assert.equal(cleanText('\u{1F600}'.repeat(5), 5), '\u{1F600}'.repeat(5));
  });

  it('refuses non-text, empty and too long text with their codes, messages and details', function () {
    refuses(42, 5, 'BAD_MESSAGE', 'text must be a string', { field: 'text' });
    refuses(' \u0000 ', 5, 'EMPTY_MESSAGE', 'the message is empty', {});
    refuses('abcdef', 5, 'MESSAGE_TOO_LONG', 'messages are at most 5 characters', { max: 5 });
    // The cheap bound on UTF-16 units comes first: 21 units for 5 characters is refused before
    // stripping, 20 (all stripped away) are not.
    refuses('\u0000'.repeat(21), 5, 'MESSAGE_TOO_LONG', 'messages are at most 5 characters', { max: 5 });
    refuses('\u0000'.repeat(20), 5, 'EMPTY_MESSAGE', 'the message is empty', {});
  });
});
