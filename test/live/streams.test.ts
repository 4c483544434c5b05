/**
 * Streams, against the real embedded media backend (werift WHIP, HLS off: HLS is not the subject)
 * and a real WebRTC broadcaster (a werift peer in this process): only broadcasters registered on
 * chain (per the indexer) create them; sequential streamIds; secrets only for the owner; RTP
 * arriving and stopping drives idle/live; ending frees the media; a restart on the same database
 * gives the backend back the keys; lists are paginated and capped; viewer counts come from the
 * chat rooms.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import type { CreateMediaStreamInput, MediaEvent, MediaStream } from '../../live/streams/media/backend.js';
import { type EmbeddedMediaBackend, createEmbeddedBackend } from '../../live/streams/media/embedded/backend.js';
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
import { publishWhip, type WhipPublisher } from '../helpers/whipPublisher.js';

/** No RTP for this long makes the backend report 'idle'. */
const IDLE_MS = 1000;

describe('live: streams (embedded media backend, werift broadcaster)', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture<EmbeddedMediaBackend>;
  let alice: string;
  let bob: string;
  /** Every stream the service asked the backend for, with what it asked. */
  const provisioned: (MediaStream & { input: CreateMediaStreamInput })[] = [];
  /** Every event the current backend emitted. */
  let events: MediaEvent[] = [];
  const publishers: WhipPublisher[] = [];

  /** The live service on live.db with a fresh embedded backend at its URL. */
  const start = (): Promise<LiveFixture<EmbeddedMediaBackend>> => {
    events = [];
    return startLive(chain, path.join(chain.tmp.dir, 'live.db'), {
      media: (publicBaseUrl) => {
        const backend = createEmbeddedBackend({ publicBaseUrl, hls: false, idleTimeoutMs: IDLE_MS });
        const create = backend.createStream.bind(backend);
        backend.createStream = async (input) => {
          const s = await create(input);
          provisioned.push({ ...s, input });
          return s;
        };
        backend.onEvent((e) => events.push(e));
        return backend;
      },
    });
  };

  /** Publishes with `key` on the current service; closed after the file. */
  const publish = async (ingestUrl: string): Promise<WhipPublisher> => {
    const p = await publishWhip(ingestUrl);
    publishers.push(p);
    return p;
  };

  /** Resolves when the backend has emitted `type` for `mediaId` (the service handles events synchronously). */
  const eventOf = async (type: MediaEvent['type'], mediaId: string, ms = 10_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!events.some((e) => e.type === type && e.mediaId === mediaId)) {
      if (Date.now() > deadline) throw new Error(`no ${type} event for ${mediaId} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  before(async function () {
    chain = await startChain();
    fx = await start();
    alice = await signIn(fx, chain.key.alice);
    bob = await signIn(fx, chain.key.bob);
  });

  after(async function () {
    await Promise.all(publishers.map((p) => p.close()));
    await fx?.close();
    await chain?.close();
  });

  const refused = (r: { status: number; body: Msg }, status: number, code: string, field?: string): void => {
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error?.code, code, JSON.stringify(r.body));
    if (field) assert.equal(r.body.error.field, field);
  };

  describe('creating', function () {
    it('refuses anonymous callers (UNAUTHENTICATED) and accounts that are not broadcasters on chain (NOT_BROADCASTER)', async function () {
      refused(await api(fx, 'POST', '/api/streams', { title: 'x' }), 401, 'UNAUTHENTICATED');
      refused(await api(fx, 'POST', '/api/streams', { title: 'bob tries' }, bob), 403, 'NOT_BROADCASTER');
      assert.equal(provisioned.length, 0, 'no media provisioned for a refused stream');
    });

    it('answers INDEXER_UNAVAILABLE (503) when the indexer cannot say who is a broadcaster', async function () {
      const down = await startLive(chain, path.join(chain.tmp.dir, 'down.db'), {
        config: { indexerUrl: 'http://127.0.0.1:9' },
        params: { giftReceipts: false },
      });
      try {
        const token = await signIn(down, chain.key.alice);
        refused(await api(down, 'POST', '/api/streams', { title: 'x' }, token), 503, 'INDEXER_UNAVAILABLE');
      } finally {
        await down.close();
      }
    });

    it('refuses bad fields with BAD_REQUEST naming the field', async function () {
      refused(await api(fx, 'POST', '/api/streams', {}, alice), 400, 'BAD_REQUEST', 'title');
      refused(await api(fx, 'POST', '/api/streams', { title: 'x'.repeat(141) }, alice), 400, 'BAD_REQUEST', 'title');
      refused(
        await api(fx, 'POST', '/api/streams', { title: 'ok', tags: ['has space'] }, alice),
        400,
        'BAD_REQUEST',
        'tags',
      );
      refused(
        await api(fx, 'POST', '/api/streams', { title: 'ok', language: 'English' }, alice),
        400,
        'BAD_REQUEST',
        'language',
      );
      refused(
        await api(fx, 'POST', '/api/streams', { title: 'ok', thumbnailUrl: 'javascript:alert(1)' }, alice),
        400,
        'BAD_REQUEST',
        'thumbnailUrl',
      );
      refused(
        await api(fx, 'POST', '/api/streams', { title: 'ok', audioOnly: 'yes' }, alice),
        400,
        'BAD_REQUEST',
        'audioOnly',
      );
      refused(
        await api(fx, 'POST', '/api/streams', { title: 'ok', owner: chain.addr.bob }, alice),
        400,
        'BAD_REQUEST',
        'owner',
      );
    });

    it('creates a stream for a broadcaster with streamId "1", provisions media, and shows the key and ingest URL only to the owner', async function () {
      const r = await api(
        fx,
        'POST',
        '/api/streams',
        {
          title: 'Morning coffee',
          category: 'Just chatting',
          tags: ['coffee', 'talk'],
          language: 'en',
          thumbnailUrl: 'https://example.com/t.png',
          audioOnly: true,
        },
        alice,
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.streamId, '1');
      assert.equal(r.body.owner, chain.addr.alice);
      assert.equal(r.body.state, 'idle');
      assert.equal(r.body.audioOnly, true);
      assert.deepEqual(r.body.tags, ['coffee', 'talk']);
      assert.equal(provisioned.length, 1);
      const media = provisioned[0]!;
      assert.deepEqual(media.input, { name: 'Morning coffee', audioOnly: true, record: true });
      assert.equal(r.body.streamKey, media.streamKey);
      assert.equal(r.body.ingestUrl, `${fx.url}/media/whip/${media.streamKey}`);
      assert.notEqual(fx.media.status(media.mediaId), null, 'the backend knows the stream');

      const anon = await api(fx, 'GET', '/api/streams/1');
      assert.equal(anon.status, 200);
      assert.equal(anon.body.streamKey, undefined);
      assert.equal(anon.body.ingestUrl, undefined);
      assert.equal(anon.body.ownerHandle, 'alice');
      const info = await fx.media.playbackInfo(media.playbackId);
      assert.deepEqual(
        info?.meta.source.map((x) => x.url),
        [`${fx.url}/media/webrtc/${media.playbackId}`],
        'WebRTC only: HLS is off',
      );
      assert.deepEqual(anon.body.playbackInfo, info);
      assert.equal((await api(fx, 'GET', '/api/streams/1', undefined, bob)).body.streamKey, undefined);
      assert.equal((await api(fx, 'GET', '/api/streams/1', undefined, alice)).body.streamKey, media.streamKey);
    });

    it('allocates streamIds sequentially', async function () {
      const a = await api(fx, 'POST', '/api/streams', { title: 'second' }, alice);
      const b = await api(fx, 'POST', '/api/streams', { title: 'third' }, alice);
      assert.deepEqual([a.body.streamId, b.body.streamId], ['2', '3']);
    });
  });

  describe('media events and viewers', function () {
    it("goes live when RTP arrives on the owner's key and idle when it stops, telling the room", async function () {
      const ws = await WsClient.connect(fx);
      await ws.join('stream:1');
      const own = await api(fx, 'GET', '/api/streams/1', undefined, alice);
      const before = Date.now();
      const p = await publish(own.body.ingestUrl);
      const live = await ws.take((m) => m.type === 'stream');
      assert.equal(live.stream.state, 'live');
      assert.equal(fx.media.status(fx.service.streams.row(1).media_id)?.live, true);
      const list = await api(fx, 'GET', '/api/streams?state=live');
      assert.deepEqual(
        list.body.nodes.map((s: Msg) => s.streamId),
        ['1'],
      );
      assert.ok(
        list.body.nodes[0].startedAt >= before && list.body.nodes[0].startedAt <= Date.now(),
        `startedAt ${list.body.nodes[0].startedAt} is when the RTP came`,
      );
      assert.equal(list.body.nodes[0].firstLiveAt, list.body.nodes[0].startedAt, 'the first go-live');
      p.pause();
      assert.equal((await ws.take((m) => m.type === 'stream', IDLE_MS + 5000)).stream.state, 'idle');
      assert.deepEqual((await api(fx, 'GET', '/api/streams?state=live')).body.nodes, []);
      await p.close();
      await ws.close();
    });

    it('keeps when a stream first went live and its peak viewers while live, through a stop and a restart of the broadcast', async function () {
      const first = (await api(fx, 'GET', '/api/streams/1')).body;
      const own = await api(fx, 'GET', '/api/streams/1', undefined, alice);
      const watchers = [await WsClient.connect(fx, bob), await WsClient.connect(fx), await WsClient.connect(fx, alice)];
      for (const w of watchers) await w.join('stream:1');
      const p = await publish(own.body.ingestUrl);
      await watchers[0]!.take((m) => m.type === 'stream' && m.stream.state === 'live', 10_000);
      // bob, the anonymous socket (one per IP) and alice: 3; the peak is what the room was told.
      await watchers[0]!.take((m) => m.type === 'viewers' && m.viewers === 3, 5000);
      const again = (await api(fx, 'GET', '/api/streams/1')).body;
      assert.equal(again.firstLiveAt, first.firstLiveAt, 'a restarted broadcast keeps the first go-live');
      assert.ok(again.startedAt > first.startedAt, 'while startedAt moves to the new start');
      await watchers.pop()!.close();
      await watchers.pop()!.close();
      await watchers[0]!.take((m) => m.type === 'viewers' && m.viewers === 1, 5000);
      const now = (await api(fx, 'GET', '/api/streams/1')).body;
      assert.equal(now.viewers, 1);
      assert.equal(now.peakViewers, 3, 'the peak stays');
      p.pause();
      await watchers[0]!.take((m) => m.type === 'stream' && m.stream.state === 'idle', IDLE_MS + 5000);
      await p.close();
      await watchers[0]!.close();
    });

    it('counts viewers (connections in the room) in the API and pushes viewer counts to the room', async function () {
      const a = await WsClient.connect(fx, bob);
      const b = await WsClient.connect(fx);
      await a.join('stream:2');
      await b.join('stream:2');
      const v = await a.take((m) => m.type === 'viewers' && m.viewers === 2);
      assert.deepEqual(v, { type: 'viewers', room: 'stream:2', viewers: 2, users: 1 });
      assert.equal((await api(fx, 'GET', '/api/streams/2')).body.viewers, 2);
      assert.equal((await api(fx, 'GET', '/api/streams/2')).body.peakViewers, 0, 'an idle stream keeps no peak');
      await b.close();
      assert.deepEqual(await a.take((m) => m.type === 'viewers' && m.viewers === 1), {
        type: 'viewers',
        room: 'stream:2',
        viewers: 1,
        users: 1,
      });
      // The room told us it has one viewer: the API counts the same room.
      assert.equal(
        (await api(fx, 'GET', '/api/streams?state=idle')).body.nodes.find((s: Msg) => s.streamId === '2')?.viewers,
        1,
      );
      await a.close();
    });
  });

  describe('updating and ending', function () {
    it('lets only the owner update metadata; audioOnly is fixed', async function () {
      refused(await api(fx, 'PATCH', '/api/streams/2', { title: 'mine now' }, bob), 403, 'NOT_OWNER');
      refused(await api(fx, 'PATCH', '/api/streams/2', { audioOnly: true }, alice), 400, 'BAD_REQUEST', 'audioOnly');
      const r = await api(fx, 'PATCH', '/api/streams/2', { title: 'Second, renamed', tags: ['x'] }, alice);
      assert.equal(r.status, 200);
      assert.equal(r.body.title, 'Second, renamed');
      assert.deepEqual(r.body.tags, ['x']);
    });

    it('ends a live stream (owner only), frees its media (the key no longer ingests), and refuses further changes with STREAM_ENDED', async function () {
      const own = await api(fx, 'GET', '/api/streams/3', undefined, alice);
      const mediaId = fx.service.streams.row(3).media_id;
      await publish(own.body.ingestUrl);
      await eventOf('started', mediaId);
      assert.equal((await api(fx, 'GET', '/api/streams/3')).body.state, 'live');
      refused(await api(fx, 'POST', '/api/streams/3/end', undefined, bob), 403, 'NOT_OWNER');
      assert.equal((await api(fx, 'GET', '/api/streams/3')).body.state, 'live', 'a refused end changes nothing');
      const r = await api(fx, 'POST', '/api/streams/3/end', undefined, alice);
      assert.equal(r.status, 200);
      assert.equal(r.body.state, 'ended');
      assert.equal(fx.media.status(mediaId), null, 'the backend forgot the stream');
      // Deleting the live broadcast made the backend report 'idle': it does not bring the stream back.
      await eventOf('idle', mediaId);
      assert.equal((await api(fx, 'GET', '/api/streams/3')).body.state, 'ended');
      await assert.rejects(publishWhip(own.body.ingestUrl), /WHIP POST answered 401: .*INVALID_STREAM_KEY/);
      refused(await api(fx, 'POST', '/api/streams/3/end', undefined, alice), 409, 'STREAM_ENDED');
      refused(await api(fx, 'PATCH', '/api/streams/3', { title: 'again' }, alice), 409, 'STREAM_ENDED');
    });

    it('answers STREAM_NOT_FOUND for unknown or malformed ids', async function () {
      refused(await api(fx, 'GET', '/api/streams/999'), 404, 'STREAM_NOT_FOUND');
      refused(await api(fx, 'GET', '/api/streams/abc'), 404, 'STREAM_NOT_FOUND');
      refused(await api(fx, 'POST', '/api/streams/999/end', undefined, alice), 404, 'STREAM_NOT_FOUND');
    });
  });

  describe('recordings and clips', function () {
    it('lets only the owner turn recording off and on; the stream and its backend entry follow', async function () {
      refused(await api(fx, 'PATCH', '/api/streams/2', { record: false }, bob), 403, 'NOT_OWNER');
      refused(await api(fx, 'PATCH', '/api/streams/2', { record: 'no' }, alice), 400, 'BAD_REQUEST', 'record');
      assert.equal((await api(fx, 'GET', '/api/streams/2')).body.record, true);
      const r = await api(fx, 'PATCH', '/api/streams/2', { record: false }, alice);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.record, false);
      assert.equal(fx.service.streams.row(2).record, 0);
      assert.equal((await api(fx, 'PATCH', '/api/streams/2', { record: true }, alice)).body.record, true);
    });

    it('lists no recording yet, and refuses deleting one to others (NOT_OWNER) and an unknown one (RECORDING_NOT_FOUND)', async function () {
      const r = await api(fx, 'GET', '/api/streams/2');
      assert.deepEqual([r.body.recordings, r.body.recording, r.body.previewUrl], [[], null, null]);
      refused(await api(fx, 'DELETE', '/api/streams/2/recordings/ffffffffffffffff', undefined, bob), 403, 'NOT_OWNER');
      refused(
        await api(fx, 'DELETE', '/api/streams/2/recordings/ffffffffffffffff', undefined, alice),
        404,
        'RECORDING_NOT_FOUND',
      );
    });

    it('clips only for signed-in viewers, 30 to 60 s, of a live stream; unknown clips are CLIP_NOT_FOUND', async function () {
      refused(await api(fx, 'POST', '/api/streams/2/clips', { seconds: 30 }), 401, 'UNAUTHENTICATED');
      refused(await api(fx, 'POST', '/api/streams/2/clips', { seconds: 10 }, bob), 400, 'BAD_REQUEST', 'seconds');
      refused(await api(fx, 'POST', '/api/streams/2/clips', { seconds: 61 }, bob), 400, 'BAD_REQUEST', 'seconds');
      refused(await api(fx, 'POST', '/api/streams/2/clips', { seconds: 30 }, bob), 409, 'STREAM_NOT_LIVE');
      refused(await api(fx, 'GET', '/api/clips/nope'), 404, 'CLIP_NOT_FOUND');
    });
  });

  describe('health', function () {
    it('answers /api/live/health with the number of open sockets', async function () {
      const health = async (): Promise<Msg> => {
        const r = await api(fx, 'GET', '/api/live/health');
        assert.equal(r.status, 200);
        assert.equal(r.body.ok, true);
        return r.body;
      };
      // The earlier tests' sockets are closed on our side; the service counts them out on its own.
      const deadline = Date.now() + 5000;
      while ((await health()).connections !== 0) {
        assert.ok(Date.now() < deadline, 'the closed sockets are still counted');
        await new Promise((r) => setTimeout(r, 50));
      }
      const a = await WsClient.connect(fx);
      assert.equal((await health()).connections, 1);
      const b = await WsClient.connect(fx, bob);
      assert.equal((await health()).connections, 2);
      await a.close();
      await b.close();
    });
  });

  describe('listing', function () {
    it('pages newest first with a capped first and an after cursor', async function () {
      const p1 = await api(fx, 'GET', '/api/streams?first=2');
      assert.deepEqual(
        p1.body.nodes.map((s: Msg) => s.streamId),
        ['3', '2'],
      );
      assert.deepEqual(p1.body.pageInfo, { endCursor: '2', hasNextPage: true });
      const p2 = await api(fx, 'GET', `/api/streams?first=2&after=${p1.body.pageInfo.endCursor}`);
      assert.deepEqual(
        p2.body.nodes.map((s: Msg) => s.streamId),
        ['1'],
      );
      assert.equal(p2.body.pageInfo.hasNextPage, false);
      assert.deepEqual(
        (await api(fx, 'GET', '/api/streams?state=ended')).body.nodes.map((s: Msg) => s.streamId),
        ['3'],
      );
      refused(await api(fx, 'GET', '/api/streams?first=101'), 400, 'BAD_REQUEST', 'first');
      refused(await api(fx, 'GET', '/api/streams?state=paused'), 400, 'BAD_REQUEST', 'state');
      for (const s of p1.body.nodes) assert.equal(s.streamKey, undefined, 'lists never carry secrets');
    });

    it('pages at the edges: exactly first items (no next page), first+1 (one left over), first=1, and an empty list', async function () {
      const all = await api(fx, 'GET', '/api/streams?first=3');
      assert.deepEqual(
        all.body.nodes.map((s: Msg) => s.streamId),
        ['3', '2', '1'],
      );
      assert.deepEqual(all.body.pageInfo, { endCursor: '1', hasNextPage: false });
      const past = await api(fx, 'GET', `/api/streams?first=3&after=${all.body.pageInfo.endCursor}`);
      assert.deepEqual(past.body, { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } });
      const ids: string[] = [];
      let after = '';
      for (let i = 0; i < 3; i++) {
        const p = await api(fx, 'GET', `/api/streams?first=1${after ? `&after=${after}` : ''}`);
        assert.equal(p.body.nodes.length, 1, `page ${i}`);
        ids.push(p.body.nodes[0].streamId);
        assert.deepEqual(p.body.pageInfo, { endCursor: p.body.nodes[0].streamId, hasNextPage: i < 2 }, `page ${i}`);
        after = p.body.pageInfo.endCursor;
      }
      assert.deepEqual(ids, ['3', '2', '1']);
      assert.deepEqual((await api(fx, 'GET', `/api/streams?owner=${chain.addr.bob}`)).body, {
        nodes: [],
        pageInfo: { endCursor: null, hasNextPage: false },
      });
    });
  });
  describe('after a restart on the same database', function () {
    it('gives the new backend the keys of open streams: the same key ingests at the new URL and the stream goes live; ended streams stay ended', async function () {
      const before = (await api(fx, 'GET', '/api/streams/1', undefined, alice)).body;
      const ended = fx.service.streams.row(3).media_id;
      const oldUrl = fx.url;
      await Promise.all(publishers.splice(0).map((p) => p.close()));
      await fx.close();
      fx = await start();
      assert.notEqual(fx.url, oldUrl);
      const after = (await api(fx, 'GET', '/api/streams/1', undefined, alice)).body;
      assert.equal(after.state, 'idle');
      assert.equal(after.streamKey, before.streamKey);
      assert.equal(after.playbackId, before.playbackId);
      assert.equal(after.ingestUrl, `${fx.url}/media/whip/${before.streamKey}`, "the ingest URL is the new backend's");
      assert.equal(fx.media.status(ended), null, 'an ended stream is not given back');
      const ws = await WsClient.connect(fx);
      await ws.join('stream:1');
      await publish(after.ingestUrl);
      assert.equal((await ws.take((m) => m.type === 'stream')).stream.state, 'live');
      assert.deepEqual(
        (await api(fx, 'GET', '/api/streams/1')).body.playbackInfo,
        await fx.media.playbackInfo(before.playbackId),
      );
      await ws.close();
    });
  });
});
