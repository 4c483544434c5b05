/**
 * The Livepeer Studio backend against a local HTTP server standing in for Studio's REST API (the
 * real `livepeer` SDK talks to it through `serverURL`), and Studio-signed webhooks.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MediaBackend, MediaEvent } from '../../../live/streams/media/backend.js';
import { createMediaBackend } from '../../../live/streams/media/index.js';
import {
  LIVEPEER_PROFILES,
  createLivepeerBackend,
  verifyLivepeerWebhook,
} from '../../../live/streams/media/livepeer.js';

const API_KEY = 'test-api-key';
const SECRET = 'whsec-test';

interface FakeStudio {
  url: string;
  requests: { method: string; path: string; auth: string | undefined; body: unknown }[];
  streams: Map<string, { id: string; name: string; streamKey: string; playbackId: string; isActive: boolean }>;
  close(): Promise<void>;
}

/** Studio's API as far as the backend uses it: POST /stream, DELETE /stream/:id, GET /playback/:id. */
async function fakeStudio(): Promise<FakeStudio> {
  const requests: FakeStudio['requests'] = [];
  const streams: FakeStudio['streams'] = new Map();
  let n = 0;
  const json = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '').replace(/^\/api/, '');
      requests.push({
        method: req.method!,
        path,
        auth: req.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
      });
      if (req.headers.authorization !== `Bearer ${API_KEY}`) return json(res, 401, { errors: ['unauthorized'] });
      let m: RegExpExecArray | null;
      if (req.method === 'POST' && path === '/stream') {
        n++;
        const s = {
          id: `stream-${n}`,
          name: (JSON.parse(text) as { name: string }).name,
          streamKey: `key-${n}`,
          playbackId: `play${n}`,
          isActive: false,
        };
        streams.set(s.id, s);
        return json(res, 201, { ...s, createdAt: Date.now() });
      }
      if (req.method === 'DELETE' && (m = /^\/stream\/([^/]+)$/.exec(path))) {
        if (!streams.delete(m[1]!)) return json(res, 404, { errors: ['not found'] });
        return res.writeHead(204).end();
      }
      if (req.method === 'GET' && (m = /^\/playback\/([^/]+)$/.exec(path))) {
        const s = [...streams.values()].find((x) => x.playbackId === m![1]);
        if (!s) return json(res, 404, { errors: ['not found'] });
        return json(res, 200, {
          type: 'live',
          meta: {
            live: s.isActive ? 1 : 0,
            source: [
              {
                hrn: 'HLS (TS)',
                type: 'html5/application/vnd.apple.mpegurl',
                url: `https://livepeercdn.studio/hls/${s.playbackId}/index.m3u8`,
              },
              {
                hrn: 'WebRTC (H264)',
                type: 'html5/video/h264',
                url: `https://livepeercdn.studio/webrtc/${s.playbackId}`,
              },
            ],
          },
        });
      }
      json(res, 404, { errors: ['no route'] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    requests,
    streams,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A webhook as Studio's webhook cannon sends it: body with `timestamp`, HMAC of the raw body. */
function studioWebhook(
  event: string,
  streamId: string,
  opts: { secret?: string; timestamp?: number; headerT?: number; id?: string } = {},
) {
  const timestamp = opts.timestamp ?? Date.now();
  const body = JSON.stringify({
    id: opts.id ?? `evt-${Math.random()}`,
    webhookId: 'wh-1',
    createdAt: timestamp,
    timestamp,
    event,
    stream: { id: streamId, name: 'x' },
    payload: {},
  });
  const v1 = createHmac('sha256', opts.secret ?? SECRET)
    .update(body)
    .digest('hex');
  return {
    body,
    headers: { 'content-type': 'application/json', 'livepeer-signature': `t=${opts.headerT ?? timestamp},v1=${v1}` },
  };
}

/** Serves `backend.handle` on an ephemeral port. */
async function serve(backend: MediaBackend): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    backend.handle(req, res).then(
      (handled) => handled || res.writeHead(404).end(),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('Livepeer Studio media backend', () => {
  let studio: FakeStudio;
  let backend: MediaBackend;
  let http: { url: string; close(): Promise<void> };
  const events: MediaEvent[] = [];

  before(async () => {
    studio = await fakeStudio();
    backend = createLivepeerBackend({ apiKey: API_KEY, webhookSecret: SECRET, serverURL: studio.url });
    backend.onEvent((e) => events.push(e));
    http = await serve(backend);
  });

  after(async () => {
    await http?.close();
    await backend?.close();
    await studio?.close();
  });

  beforeEach(() => {
    events.length = 0;
  });

  it('creates a stream with the 720p/480p/360p ABR ladder and a Studio WHIP ingest URL', async () => {
    const s = await backend.createStream({ name: 'my show', audioOnly: false });
    assert.deepEqual(s, {
      mediaId: 'stream-1',
      streamKey: 'key-1',
      playbackId: 'play1',
      ingestUrl: 'https://playback.livepeer.studio/webrtc/key-1',
    });
    const req = studio.requests.find((r) => r.method === 'POST' && r.path === '/stream')!;
    assert.equal(req.auth, `Bearer ${API_KEY}`);
    const body = req.body as {
      name: string;
      profiles: { name: string; width: number; height: number; bitrate: number }[];
    };
    assert.equal(body.name, 'my show');
    assert.deepEqual(
      body.profiles.map((p) => [p.name, p.width, p.height, p.bitrate]),
      LIVEPEER_PROFILES.map((p) => [p.name, p.width, p.height, p.bitrate]),
    );
  });

  it('creates an audio-only stream without video rungs', async () => {
    await backend.createStream({ name: 'radio', audioOnly: true });
    const req = studio.requests.filter((r) => r.method === 'POST' && r.path === '/stream').pop()!;
    assert.deepEqual((req.body as { profiles: unknown[] }).profiles, []);
  });

  it("returns Studio's playback info, and null for an unknown playback id", async () => {
    const info = await backend.playbackInfo('play1');
    assert.equal(info?.type, 'live');
    assert.deepEqual(
      info?.meta.source.map((s) => s.hrn),
      ['HLS (TS)', 'WebRTC (H264)'],
    );
    assert.equal(await backend.playbackInfo('nope'), null);
    const res = await fetch(`${http.url}/media/playback/play1`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), info);
  });

  it('deletes the stream at Studio (and tolerates one already gone)', async () => {
    await backend.deleteStream('stream-2');
    assert.equal(studio.streams.has('stream-2'), false);
    await backend.deleteStream('stream-2');
  });

  describe('webhooks', () => {
    const post = (w: { body: string; headers: Record<string, string> }) =>
      fetch(`${http.url}/media/livepeer/webhook`, { method: 'POST', headers: w.headers, body: w.body });
    const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

    it("turns signed stream.started and stream.idle into 'started' and 'idle' events", async () => {
      const t = Date.now();
      assert.equal((await post(studioWebhook('stream.started', 'stream-1', { timestamp: t }))).status, 204);
      assert.equal((await post(studioWebhook('stream.idle', 'stream-1', { timestamp: t + 1 }))).status, 204);
      assert.deepEqual(events, [
        { type: 'started', mediaId: 'stream-1', at: t },
        { type: 'idle', mediaId: 'stream-1', at: t + 1 },
      ]);
    });

    it('acknowledges events it does not use without emitting', async () => {
      assert.equal((await post(studioWebhook('recording.ready', 'stream-1'))).status, 204);
      assert.deepEqual(events, []);
    });

    it('refuses a signature made with another secret (401 BAD_SIGNATURE)', async () => {
      const res = await post(studioWebhook('stream.started', 'stream-1', { secret: 'other' }));
      assert.equal(res.status, 401);
      assert.equal(await code(res), 'BAD_SIGNATURE');
      assert.deepEqual(events, []);
    });

    it('refuses a tampered body (401 BAD_SIGNATURE)', async () => {
      const w = studioWebhook('stream.started', 'stream-1');
      const res = await post({ ...w, body: w.body.replace('stream-1', 'stream-9') });
      assert.equal(res.status, 401);
      assert.equal(await code(res), 'BAD_SIGNATURE');
    });

    it('refuses a missing header (401 MISSING_SIGNATURE)', async () => {
      const w = studioWebhook('stream.started', 'stream-1');
      const res = await post({ body: w.body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 401);
      assert.equal(await code(res), 'MISSING_SIGNATURE');
    });

    it('refuses a signed timestamp outside the tolerance, and a header t that is not the signed one (STALE_TIMESTAMP)', async () => {
      const old = await post(studioWebhook('stream.started', 'stream-1', { timestamp: Date.now() - 6 * 60_000 }));
      assert.equal(old.status, 401);
      assert.equal(await code(old), 'STALE_TIMESTAMP');
      const moved = await post(
        studioWebhook('stream.started', 'stream-1', { timestamp: Date.now() - 6 * 60_000, headerT: Date.now() }),
      );
      assert.equal(moved.status, 401);
      assert.equal(await code(moved), 'STALE_TIMESTAMP');
      assert.deepEqual(events, []);
    });

    it('refuses a replay of a delivered event (409 DUPLICATE_EVENT)', async () => {
      const w = studioWebhook('stream.started', 'stream-1', { id: 'evt-once' });
      assert.equal((await post(w)).status, 204);
      const again = await post(w);
      assert.equal(again.status, 409);
      assert.equal(await code(again), 'DUPLICATE_EVENT');
      assert.equal(events.length, 1);
    });

    it('verifyLivepeerWebhook accepts any of several v1 signatures', () => {
      const w = studioWebhook('stream.idle', 'stream-1');
      const header = w.headers['livepeer-signature'].replace('v1=', `v1=${'0'.repeat(64)},v1=`);
      const r = verifyLivepeerWebhook(Buffer.from(w.body), header, SECRET, Date.now(), 60_000);
      assert.equal(r.ok, true);
    });
  });
});

describe('createMediaBackend', () => {
  it('picks Livepeer when LIVEPEER_API_KEY is set, embedded otherwise', async () => {
    const lp = createMediaBackend(
      { LIVEPEER_API_KEY: 'k', LIVEPEER_WEBHOOK_SECRET: 's' },
      { publicBaseUrl: 'http://127.0.0.1:1' },
    );
    assert.equal(lp.kind, 'livepeer');
    await lp.close();
    const em = createMediaBackend({}, { publicBaseUrl: 'http://127.0.0.1:1' });
    assert.equal(em.kind, 'embedded');
    await em.close();
  });

  it('refuses LIVEPEER_API_KEY without LIVEPEER_WEBHOOK_SECRET', () => {
    assert.throws(
      () => createMediaBackend({ LIVEPEER_API_KEY: 'k' }, { publicBaseUrl: 'http://127.0.0.1:1' }),
      /LIVEPEER_WEBHOOK_SECRET/,
    );
  });
});
