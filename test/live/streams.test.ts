/**
 * Streams: only broadcasters registered on chain (per the indexer) create them; sequential
 * streamIds; secrets only for the owner; media events drive idle/live; ending frees the media;
 * lists are paginated and capped; viewer counts come from the chat rooms.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { waitFor } from '../helpers/devnet.js';
import { api, signIn, startChain, startLive, WsClient, type ChainFixture, type LiveFixture, type Msg } from '../helpers/live.js';

describe('live: streams', function () {
  this.timeout(60_000);
  let chain: ChainFixture;
  let fx: LiveFixture;
  let alice: string;
  let bob: string;

  before(async function () {
    chain = await startChain();
    fx = await startLive(chain, path.join(chain.tmp.dir, 'live.db'));
    alice = await signIn(fx, chain.key.alice);
    bob = await signIn(fx, chain.key.bob);
  });

  after(async function () {
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
      assert.equal(fx.media.streams.size, 0, 'no media provisioned for a refused stream');
    });

    it('answers INDEXER_UNAVAILABLE (503) when the indexer cannot say who is a broadcaster', async function () {
      const down = await startLive(chain, path.join(chain.tmp.dir, 'down.db'), { config: { indexerUrl: 'http://127.0.0.1:9' }, params: { giftReceipts: false } });
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
      refused(await api(fx, 'POST', '/api/streams', { title: 'ok', tags: ['has space'] }, alice), 400, 'BAD_REQUEST', 'tags');
      refused(await api(fx, 'POST', '/api/streams', { title: 'ok', language: 'English' }, alice), 400, 'BAD_REQUEST', 'language');
      refused(await api(fx, 'POST', '/api/streams', { title: 'ok', thumbnailUrl: 'javascript:alert(1)' }, alice), 400, 'BAD_REQUEST', 'thumbnailUrl');
      refused(await api(fx, 'POST', '/api/streams', { title: 'ok', audioOnly: 'yes' }, alice), 400, 'BAD_REQUEST', 'audioOnly');
      refused(await api(fx, 'POST', '/api/streams', { title: 'ok', owner: chain.addr.bob }, alice), 400, 'BAD_REQUEST', 'owner');
    });

    it('creates a stream for a broadcaster with streamId "1", provisions media, and shows the key only to the owner', async function () {
      const r = await api(fx, 'POST', '/api/streams', { title: 'Morning coffee', category: 'Just chatting', tags: ['coffee', 'talk'], language: 'en', thumbnailUrl: 'https://example.com/t.png', audioOnly: true }, alice);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.streamId, '1');
      assert.equal(r.body.owner, chain.addr.alice);
      assert.equal(r.body.state, 'idle');
      assert.equal(r.body.audioOnly, true);
      assert.deepEqual(r.body.tags, ['coffee', 'talk']);
      const media = fx.media.streams.get(r.body.mediaId)!;
      assert.deepEqual(media.input, { name: 'Morning coffee', audioOnly: true });
      assert.equal(r.body.streamKey, media.streamKey);
      assert.equal(r.body.ingestUrl, media.ingestUrl);

      const anon = await api(fx, 'GET', '/api/streams/1');
      assert.equal(anon.status, 200);
      assert.equal(anon.body.streamKey, undefined);
      assert.equal(anon.body.ingestUrl, undefined);
      assert.equal(anon.body.ownerHandle, 'alice');
      assert.equal(anon.body.playbackInfo.meta.source[0].url.endsWith(`/media/whep/${media.playbackId}`), true);
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
    it('goes live when media starts and idle when it stops, telling the room', async function () {
      const ws = await WsClient.connect(fx);
      await ws.join('stream:1');
      const mediaId = fx.service.streams.row(1).media_id;
      fx.media.fire('started', mediaId);
      const live = await ws.take((m) => m.type === 'stream');
      assert.equal(live.stream.state, 'live');
      const list = await api(fx, 'GET', '/api/streams?state=live');
      assert.deepEqual(list.body.nodes.map((s: Msg) => s.streamId), ['1']);
      assert.equal(typeof list.body.nodes[0].startedAt, 'number');
      fx.media.fire('idle', mediaId);
      assert.equal((await ws.take((m) => m.type === 'stream')).stream.state, 'idle');
      assert.deepEqual((await api(fx, 'GET', '/api/streams?state=live')).body.nodes, []);
      await ws.close();
    });

    it('counts viewers (connections in the room) in the API and pushes viewer counts to the room', async function () {
      const a = await WsClient.connect(fx, bob);
      const b = await WsClient.connect(fx);
      await a.join('stream:2');
      await b.join('stream:2');
      const v = await a.take((m) => m.type === 'viewers' && m.viewers === 2);
      assert.deepEqual(v, { type: 'viewers', room: 'stream:2', viewers: 2, users: 1 });
      assert.equal((await api(fx, 'GET', '/api/streams/2')).body.viewers, 2);
      await b.close();
      await a.take((m) => m.type === 'viewers' && m.viewers === 1);
      await waitFor(async () => ((await api(fx, 'GET', '/api/streams?state=idle')).body.nodes.find((s: Msg) => s.streamId === '2')?.viewers === 1 ? true : undefined));
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

    it('ends a stream (owner only), frees its media, and refuses further changes with STREAM_ENDED', async function () {
      refused(await api(fx, 'POST', '/api/streams/3/end', undefined, bob), 403, 'NOT_OWNER');
      const mediaId = fx.service.streams.row(3).media_id;
      const r = await api(fx, 'POST', '/api/streams/3/end', undefined, alice);
      assert.equal(r.status, 200);
      assert.equal(r.body.state, 'ended');
      assert.deepEqual(fx.media.deleted, [mediaId]);
      refused(await api(fx, 'POST', '/api/streams/3/end', undefined, alice), 409, 'STREAM_ENDED');
      refused(await api(fx, 'PATCH', '/api/streams/3', { title: 'again' }, alice), 409, 'STREAM_ENDED');
      // A late media event does not bring it back.
      fx.media.fire('started', mediaId);
      assert.equal((await api(fx, 'GET', '/api/streams/3')).body.state, 'ended');
    });

    it('answers STREAM_NOT_FOUND for unknown or malformed ids', async function () {
      refused(await api(fx, 'GET', '/api/streams/999'), 404, 'STREAM_NOT_FOUND');
      refused(await api(fx, 'GET', '/api/streams/abc'), 404, 'STREAM_NOT_FOUND');
      refused(await api(fx, 'POST', '/api/streams/999/end', undefined, alice), 404, 'STREAM_NOT_FOUND');
    });
  });

  describe('health', function () {
    it('answers /api/live/health with the connection count', async function () {
      const ws = await WsClient.connect(fx);
      const r = await api(fx, 'GET', '/api/live/health');
      assert.equal(r.status, 200);
      assert.equal(r.body.ok, true);
      assert.ok(r.body.connections >= 1);
      await ws.close();
    });
  });

  describe('listing', function () {
    it('pages newest first with a capped first and an after cursor', async function () {
      const p1 = await api(fx, 'GET', '/api/streams?first=2');
      assert.deepEqual(p1.body.nodes.map((s: Msg) => s.streamId), ['3', '2']);
      assert.deepEqual(p1.body.pageInfo, { endCursor: '2', hasNextPage: true });
      const p2 = await api(fx, 'GET', `/api/streams?first=2&after=${p1.body.pageInfo.endCursor}`);
      assert.deepEqual(p2.body.nodes.map((s: Msg) => s.streamId), ['1']);
      assert.equal(p2.body.pageInfo.hasNextPage, false);
      assert.deepEqual((await api(fx, 'GET', '/api/streams?state=ended')).body.nodes.map((s: Msg) => s.streamId), ['3']);
      refused(await api(fx, 'GET', '/api/streams?first=101'), 400, 'BAD_REQUEST', 'first');
      refused(await api(fx, 'GET', '/api/streams?state=paused'), 400, 'BAD_REQUEST', 'state');
      for (const s of p1.body.nodes) assert.equal(s.streamKey, undefined, 'lists never carry secrets');
    });

    it('pages at the edges: exactly first items (no next page), first+1 (one left over), first=1, and an empty list', async function () {
      const all = await api(fx, 'GET', '/api/streams?first=3');
      assert.deepEqual(all.body.nodes.map((s: Msg) => s.streamId), ['3', '2', '1']);
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
      assert.deepEqual((await api(fx, 'GET', `/api/streams?owner=${chain.addr.bob}`)).body, { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } });
    });
  });
});
