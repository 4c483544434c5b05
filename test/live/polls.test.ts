/**
 * Polls in a stream's room over /ws with real ws clients: only the broadcaster and moderators
 * start and end them, one open at a time; each signed-in member votes once; the room sees the
 * tally and the result; a joiner sees the open poll with its own vote; polls and votes survive a
 * restart, and a poll whose time runs out while the service is down, or after it came back, ends.
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

describe('live: polls', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let dbPath: string;
  const token: Record<string, string> = {};
  const ROOM = 'stream:1';
  const room = roomClients(() => fx, ROOM, token);
  const clients = room.open;
  const client = room.client;
  const code = codeOf;
  const start = async (): Promise<void> => {
    fx = await startLive(chain, dbPath);
    for (const who of ['alice', 'bob', 'carol'] as const) token[who] = await signIn(fx, chain.key[who]);
  };
  const question = { type: 'poll.start', room: ROOM, question: 'Next song?', options: ['Jazz', 'Folk', 'Blues'] };

  before(async function () {
    chain = await startChain();
    dbPath = path.join(chain.tmp.dir, 'live.db');
    await start();
    assert.equal((await api(fx, 'POST', '/api/streams', { title: 'Polls' }, token.alice)).body.streamId, '1');
  });

  after(async function () {
    await room.closeAll();
    await fx?.close();
    await chain?.close();
  });

  it('lets only the broadcaster (or a moderator) start a poll, with checked fields, one at a time', async function () {
    const alice = await client('alice');
    const bob = await client('bob');
    const anon = await client();
    assert.equal(code(await bob.request({ ...question, seconds: 60 })), 'NOT_MODERATOR');
    assert.equal(code(await anon.request({ ...question, seconds: 60 })), 'UNAUTHENTICATED');
    const bad = async (frame: Msg, field: string) => {
      const r = await alice.request(frame);
      assert.deepEqual([r.code, r.field], ['BAD_MESSAGE', field], JSON.stringify(r));
    };
    await bad({ ...question, options: ['Only one'], seconds: 60 }, 'options');
    await bad({ ...question, options: ['Jazz', 'jazz'], seconds: 60 }, 'options');
    await bad({ ...question, seconds: 5 }, 'seconds');
    await bad({ ...question, question: '   ', seconds: 60 }, 'question');

    const ack = await alice.request({ ...question, seconds: 60 });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const p = await bob.take((m) => m.type === 'poll');
    assert.equal(p.poll.id, ack.messageId);
    assert.deepEqual(p.poll.options, [
      { text: 'Jazz', votes: 0 },
      { text: 'Folk', votes: 0 },
      { text: 'Blues', votes: 0 },
    ]);
    assert.equal(p.poll.by, chain.addr.alice);
    assert.equal(p.poll.endedAt, null);
    assert.equal(p.poll.endsAt - p.poll.createdAt, 60_000);
    const again = await alice.request({ ...question, seconds: 60 });
    assert.equal(code(again), 'POLL_ACTIVE');
    assert.equal(again.pollId, ack.messageId);
  });

  it('counts one vote per account: the voter learns their vote, the room the tally, a joiner both', async function () {
    const bob = await client('bob');
    const carol = await client('carol');
    const anon = await client();
    const pollId = (await anon.take((m) => m.type === 'poll')).poll.id as number;
    assert.equal((await bob.request({ type: 'poll.vote', room: ROOM, pollId, option: 1 })).type, 'ack');
    const mine = await bob.take((m) => m.type === 'poll' && m.mine !== undefined);
    assert.equal(mine.mine, 1);
    const twice = await bob.request({ type: 'poll.vote', room: ROOM, pollId, option: 2 });
    assert.deepEqual([code(twice), twice.option], ['POLL_VOTED', 1]);
    assert.equal(code(await anon.request({ type: 'poll.vote', room: ROOM, pollId, option: 0 })), 'UNAUTHENTICATED');
    const out = await carol.request({ type: 'poll.vote', room: ROOM, pollId, option: 3 });
    assert.deepEqual([code(out), out.field], ['BAD_MESSAGE', 'option']);
    assert.equal(
      code(await carol.request({ type: 'poll.vote', room: ROOM, pollId: pollId + 99, option: 0 })),
      'POLL_NOT_FOUND',
    );
    assert.equal((await carol.request({ type: 'poll.vote', room: ROOM, pollId, option: 1 })).type, 'ack');
    // The room's tally (throttled to one a second) has both votes.
    const tally = await anon.take(
      (m) => m.type === 'poll' && m.mine === undefined && m.poll.options[1].votes === 2,
      5000,
      'the tally',
    );
    assert.deepEqual(
      tally.poll.options.map((o: Msg) => o.votes),
      [0, 2, 0],
    );
    // Another tab of bob's, joining now, is shown the open poll and bob's vote.
    const bob2 = await WsClient.connect(fx, token.bob);
    clients.push(bob2);
    await bob2.join(ROOM);
    const shown = await bob2.take((m) => m.type === 'poll');
    assert.deepEqual([shown.poll.id, shown.mine, shown.poll.options[1].votes], [pollId, 1, 2]);
  });

  it('ends when the broadcaster ends it, with the result to the room; no vote after', async function () {
    const alice = await client('alice');
    const anon = await client();
    const pollId = (await anon.take((m) => m.type === 'poll')).poll.id as number;
    const bob = await client('bob');
    assert.equal(code(await bob.request({ type: 'poll.end', room: ROOM })), 'NOT_MODERATOR');
    assert.equal((await alice.request({ type: 'poll.end', room: ROOM })).type, 'ack');
    const result = await anon.take((m) => m.type === 'poll' && m.poll.endedAt !== null);
    assert.equal(result.poll.id, pollId);
    assert.deepEqual(
      result.poll.options.map((o: Msg) => o.votes),
      [0, 2, 0],
    );
    const carol = await client('carol');
    assert.equal(code(await carol.request({ type: 'poll.vote', room: ROOM, pollId, option: 0 })), 'POLL_ENDED');
    assert.equal(code(await alice.request({ type: 'poll.end', room: ROOM })), 'POLL_NOT_FOUND');
  });

  it('keeps polls and votes through a restart, and ends one whose time runs out after it', async function () {
    const alice = await client('alice');
    const ack = await alice.request({ ...question, question: 'Encore?', options: ['Yes', 'No'], seconds: 15 });
    const createdAt = (await alice.take((m) => m.type === 'poll' && m.poll.id === ack.messageId)).poll
      .createdAt as number;
    const bob = await client('bob');
    await bob.request({ type: 'poll.vote', room: ROOM, pollId: ack.messageId, option: 0 });
    for (const c of clients.splice(0)) await c.close();
    await fx.close();
    // Back with the clock 12 s into the 15 s poll: its timer ends it 3 s after the restart.
    const offset = createdAt + 12_000 - Date.now();
    fx = await startLive(chain, dbPath, { params: { now: () => Date.now() + offset } });
    for (const who of ['alice', 'bob', 'carol'] as const) token[who] = await signIn(fx, chain.key[who]);
    const watcher = await WsClient.connect(fx, token.bob);
    clients.push(watcher);
    await watcher.join(ROOM);
    const open = await watcher.take((m) => m.type === 'poll');
    assert.deepEqual([open.poll.id, open.mine, open.poll.endedAt], [ack.messageId, 0, null], "open, with bob's vote");
    const ended = await watcher.take((m) => m.type === 'poll' && m.poll.endedAt !== null, 8000, 'the timed end');
    assert.equal(ended.poll.endedAt, ended.poll.endsAt, 'ended when its time ran out');
    assert.deepEqual(
      ended.poll.options.map((o: Msg) => o.votes),
      [1, 0],
    );
  });
});
