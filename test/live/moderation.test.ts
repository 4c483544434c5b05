/**
 * Moderation that scales with a channel (issue 18 item 6, in part): blocked terms per channel,
 * messages that contain one held for the moderators' review (approved into the room, or denied),
 * and a moderation log of what the broadcaster and moderators did and what was held.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import {
  api,
  signIn,
  startChain,
  startLive,
  WsClient,
  codeOf,
  roomClients,
  type ChainFixture,
  type LiveFixture,
  type Msg,
} from '../helpers/live.js';

describe('live: blocked terms, held messages and the moderation log', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  const token: Record<string, string> = {};
  const ROOM = 'stream:1';
  const room = roomClients(() => fx, ROOM, token);
  const clients = room.open;
  const client = room.client;
  const code = codeOf;

  before(async function () {
    chain = await startChain();
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'), { config: { chat: { frameBurst: 40 } } });
    for (const who of ['alice', 'bob', 'carol', 'dave'] as const) token[who] = await signIn(fx, chain.key[who]);
    assert.equal((await api(fx, 'POST', '/api/streams', { title: 'Moderated' }, token.alice)).body.streamId, '1');
  });

  after(async function () {
    await room.closeAll();
    await fx?.close();
    await chain?.close();
  });

  it('lets only moderators set blocked terms, case-folded, each 2 to 50 characters', async function () {
    const alice = await client('alice');
    const bob = await client('bob');
    assert.equal(code(await bob.request({ type: 'mod.terms', room: ROOM, add: ['spam'] })), 'NOT_MODERATOR');
    const short = await alice.request({ type: 'mod.terms', room: ROOM, add: ['x'] });
    assert.deepEqual([code(short), short.field], ['BAD_MESSAGE', 'add']);
    const set = await alice.request({ type: 'mod.terms', room: ROOM, add: ['Buy Followers', 'ＳＣＡＭ', 'temp'] });
    assert.deepEqual(set.terms, ['buy followers', 'scam', 'temp']);
    const less = await alice.request({ type: 'mod.terms', room: ROOM, remove: ['temp'] });
    assert.deepEqual(less.terms, ['buy followers', 'scam']);
  });

  it('holds a message with a blocked term for review: the room sees nothing until a moderator approves it', async function () {
    const alice = await client('alice');
    const bob = await client('bob');
    const viewer = await client();
    const ack = await bob.request({ type: 'say', room: ROOM, text: 'cheap way to BUY FOLLOWERS here' });
    assert.deepEqual([ack.type, ack.held], ['ack', true]);
    const held = await alice.take((m) => m.type === 'message.held', 5000, 'the held message');
    assert.deepEqual(
      [held.message.id, held.message.from, held.message.text],
      [ack.messageId, chain.addr.bob, 'cheap way to BUY FOLLOWERS here'],
    );
    await viewer.sync();
    assert.equal(viewer.messages.filter((m) => m.type === 'message').length, 0, 'the room saw nothing');
    const late = await WsClient.connect(fx);
    clients.push(late);
    assert.equal(
      (await late.join(ROOM)).some((m) => m.id === ack.messageId),
      false,
      'nor does the history',
    );
    const list = await alice.request({ type: 'mod.held', room: ROOM });
    assert.deepEqual(
      list.messages.map((m: Msg) => m.id),
      [ack.messageId],
    );
    // The broadcaster's own words are never held; a viewer cannot approve.
    assert.equal((await alice.request({ type: 'say', room: ROOM, text: 'no scam here' })).held, undefined);
    assert.equal(
      code(await bob.request({ type: 'mod.approve', room: ROOM, messageId: ack.messageId })),
      'NOT_MODERATOR',
    );
    assert.equal((await alice.request({ type: 'mod.approve', room: ROOM, messageId: ack.messageId })).type, 'ack');
    const shown = await viewer.take(
      (m) => m.type === 'message' && m.id === ack.messageId,
      5000,
      'the approved message',
    );
    assert.equal(shown.text, 'cheap way to BUY FOLLOWERS here');
    assert.equal(
      code(await alice.request({ type: 'mod.approve', room: ROOM, messageId: ack.messageId })),
      'MESSAGE_NOT_FOUND',
    );

    // Denied: deleted while held, never shown.
    const carol = await client('carol');
    const other = await carol.request({ type: 'say', room: ROOM, text: 'total scam' });
    assert.equal(other.held, true);
    assert.equal((await alice.request({ type: 'mod.delete', room: ROOM, messageId: other.messageId })).type, 'ack');
    assert.deepEqual((await alice.request({ type: 'mod.held', room: ROOM })).messages, []);
  });

  it("shield mode: followers-only and slow mode at once, a first-time chatter's message held, the settings given back when off", async function () {
    const alice = await client('alice');
    const viewer = await client();
    await chain.tx('dave', chain.sys.profiles, 'follow(address)', [chain.addr.alice]);
    await chain.tx('bob', chain.sys.profiles, 'follow(address)', [chain.addr.alice]);
    const dave = await client('dave');
    assert.equal((await alice.request({ type: 'mod.shield', room: ROOM, enabled: true })).type, 'ack');
    const on = await viewer.take((m) => m.type === 'room');
    assert.deepEqual([on.shieldMode, on.followersOnly, on.slowModeSeconds], [true, true, 10]);
    // dave follows but has never had a message shown here: his first one waits for review.
    const first = await dave.request({ type: 'say', room: ROOM, text: 'hello everyone' });
    assert.equal(first.held, true, JSON.stringify(first));
    const held = await alice.take((m) => m.type === 'message.held' && m.message.id === first.messageId);
    assert.equal(held.message.text, 'hello everyone');
    // bob has spoken here before (his approved message): he is not held (past the slow mode's 10 s).
    const bob = await client('bob');
    fx.clock.offset += 11_000;
    const said = await bob.request({ type: 'say', room: ROOM, text: 'good evening' });
    assert.deepEqual([said.type, said.held], ['ack', undefined]);
    assert.equal((await alice.request({ type: 'mod.shield', room: ROOM, enabled: false })).type, 'ack');
    const off = await viewer.take((m) => m.type === 'room' && m.shieldMode === false);
    assert.deepEqual([off.followersOnly, off.slowModeSeconds], [false, 0], 'the settings from before');
    await alice.request({ type: 'mod.delete', room: ROOM, messageId: first.messageId });
  });

  it('times out several users at once, saying who could not be', async function () {
    const alice = await client('alice');
    const viewer = await client();
    const r = await alice.request({
      type: 'mod.bulk',
      room: ROOM,
      action: 'timeout',
      users: [chain.addr.bob, chain.addr.carol, chain.addr.alice],
      seconds: 60,
      reason: 'raid',
    });
    assert.deepEqual(r.done, [chain.addr.bob, chain.addr.carol]);
    assert.deepEqual(r.refused, [{ user: chain.addr.alice, code: 'CANNOT_MODERATE' }]);
    const seen = [
      await viewer.take((m) => m.type === 'moderation' && m.user === chain.addr.bob),
      await viewer.take((m) => m.type === 'moderation' && m.user === chain.addr.carol),
    ];
    assert.deepEqual(
      seen.map((m) => [m.action, m.seconds]),
      [
        ['timeout', 60],
        ['timeout', 60],
      ],
    );
    const bob = await client('bob');
    assert.equal(code(await bob.request({ type: 'say', room: ROOM, text: 'hi' })), 'TIMED_OUT');
    const bad = await alice.request({ type: 'mod.bulk', room: ROOM, action: 'kick', users: [chain.addr.bob] });
    assert.deepEqual([code(bad), bad.field], ['BAD_MESSAGE', 'action']);
    for (const u of [chain.addr.bob, chain.addr.carol]) await alice.request({ type: 'mod.unban', room: ROOM, user: u });
  });

  it('keeps a moderation log, newest first, that only moderators read', async function () {
    const alice = await client('alice');
    const bob = await client('bob');
    await alice.request({ type: 'mod.timeout', room: ROOM, user: chain.addr.carol, seconds: 60, reason: 'spam' });
    assert.equal(code(await bob.request({ type: 'mod.log', room: ROOM })), 'NOT_MODERATOR');
    const log = await alice.request({ type: 'mod.log', room: ROOM, limit: 100 });
    assert.deepEqual(
      log.entries.map((e: Msg) => [e.action, e.by === chain.addr.alice ? 'alice' : e.by]),
      [
        ['timeout', 'alice'],
        // The bulk timeout and its undoing, and shield mode.
        ['unban', 'alice'],
        ['unban', 'alice'],
        ['timeout', 'alice'],
        ['timeout', 'alice'],
        ['deny', 'alice'],
        ['shield', 'alice'],
        ['held', 'automod'],
        ['shield', 'alice'],
        ['deny', 'alice'],
        ['held', 'automod'],
        ['approve', 'alice'],
        ['held', 'automod'],
        ['terms', 'alice'],
        ['terms', 'alice'],
      ],
    );
    assert.equal(log.entries[0].target, chain.addr.carol);
    assert.equal(log.entries[0].detail, '60 s: spam');
    assert.equal(log.entries[4].detail, 'bulk 60 s: raid');
    assert.equal(log.entries[7].detail, 'shield mode: a first message here');
    assert.equal(log.entries[10].detail, 'scam', 'what the held message matched');
    const older = await alice.request({ type: 'mod.log', room: ROOM, before: log.entries[12].id, limit: 10 });
    assert.deepEqual(
      older.entries.map((e: Msg) => e.action),
      ['terms', 'terms'],
    );
  });
});
