/// <reference lib="dom" />
/**
 * The embedded media backend against real parts: headless Chromium (fake camera and microphone)
 * broadcasting over WHIP and playing over WHEP, werift in between, ffmpeg writing the HLS ladder.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MediaEvent, MediaStream } from '../../../live/streams/media/backend.js';
import { type EmbeddedMediaBackend, createEmbeddedBackend } from '../../../live/streams/media/embedded/backend.js';
import { launchBrowser, localContext } from '../../helpers/browser.js';
import { type MediaServer, alive, probe, startMediaServer, waitFor } from '../../helpers/media.js';

const IDLE_MS = 2000;

describe('embedded media backend', function () {
  this.timeout(120_000);
  let server: MediaServer;
  let backend: EmbeddedMediaBackend;
  let browser: Browser;
  let context: BrowserContext;
  const events: MediaEvent[] = [];

  before(async () => {
    server = await startMediaServer();
    backend = createEmbeddedBackend({ publicBaseUrl: server.url, idleTimeoutMs: IDLE_MS, viewerTimeoutMs: 3000 });
    server.backend = backend;
    backend.onEvent((e) => events.push(e));
    browser = await launchBrowser();
    context = await localContext(browser);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await backend?.close();
    await server?.close();
  });

  async function page(): Promise<Page> {
    const p = await context.newPage();
    await p.goto(`${server.url}/page.html`);
    return p;
  }

  const eventOf = (type: MediaEvent['type'], s: MediaStream): Promise<MediaEvent> =>
    waitFor(`${type} event of ${s.mediaId}`, () => events.find((e) => e.type === type && e.mediaId === s.mediaId));

  /** Publishes the fake camera (720p) and microphone with a plain RTCPeerConnection. */
  async function publish(
    p: Page,
    ingestUrl: string,
    opts: { audioOnly?: boolean; videoCodec?: string } = {},
  ): Promise<{ status: number; location?: string; body?: string }> {
    return p.evaluate(
      async ({ url, audioOnly, videoCodec }) => {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: true,
          video: audioOnly ? false : { width: 1280, height: 720, frameRate: 30 },
        });
        const r = await window.media.whipPublish(url, stream, { videoCodec });
        return { status: r.status, location: r.location, body: r.body };
      },
      { url: ingestUrl, audioOnly: opts.audioOnly ?? false, videoCodec: opts.videoCodec },
    );
  }

  describe('routes', () => {
    let stream: MediaStream;
    before(async () => {
      stream = await backend.createStream({ name: 'routes', audioOnly: false });
    });

    it('answers OPTIONS and HEAD on WHIP and WHEP with CORS headers (core-web gives up silently without them)', async () => {
      const whep = `${server.url}/media/webrtc/${stream.playbackId}`;
      for (const url of [stream.ingestUrl, whep]) {
        const pre = await fetch(url, {
          method: 'OPTIONS',
          headers: {
            origin: 'http://elsewhere.test',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
        assert.equal(pre.status, 204);
        assert.equal(pre.headers.get('access-control-allow-origin'), '*');
        assert.match(pre.headers.get('access-control-allow-methods')!, /POST/);
        assert.match(pre.headers.get('access-control-allow-headers')!, /content-type/);
        const head = await fetch(url, { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(head.headers.get('access-control-allow-origin'), '*');
      }
    });

    it('answers each route with its allowed methods: 405 with allow, OPTIONS with allow, 404 for the rest', async () => {
      const code = async (res: Response): Promise<string> =>
        ((await res.json()) as { error: { code: string } }).error.code;
      const hex16 = 'ab'.repeat(8);
      const cases: [url: string, allow: string][] = [
        [stream.ingestUrl, 'HEAD, POST, OPTIONS'],
        [`${stream.ingestUrl}/${hex16}`, 'DELETE, OPTIONS'],
        [`${server.url}/media/whep/${stream.playbackId}`, 'HEAD, POST, OPTIONS'],
        [`${server.url}/media/webrtc/${stream.playbackId}/${hex16}`, 'DELETE, OPTIONS'],
        [`${server.url}/media/playback/${stream.playbackId}`, 'GET, HEAD, OPTIONS'],
        [`${server.url}/media/hls/${stream.playbackId}/index.m3u8`, 'GET, HEAD, OPTIONS'],
        [`${server.url}/media/hls/${stream.playbackId}/720p/seg_1.ts`, 'GET, HEAD, OPTIONS'],
      ];
      for (const [url, allow] of cases) {
        const pre = await fetch(url, { method: 'OPTIONS' });
        assert.equal(pre.status, 204, url);
        assert.equal(pre.headers.get('allow'), allow, url);
        const wrong = allow.startsWith('DELETE') ? 'PUT' : allow.startsWith('GET') ? 'DELETE' : 'GET';
        const refused = await fetch(url, { method: wrong });
        assert.equal(refused.status, 405, `${wrong} ${url}`);
        assert.equal(refused.headers.get('allow'), allow, url);
        assert.equal(refused.headers.get('access-control-allow-origin'), '*');
        assert.equal(await code(refused), 'METHOD_NOT_ALLOWED');
      }
      const whipGone = await fetch(`${stream.ingestUrl}/${hex16}`, { method: 'DELETE' });
      assert.equal(whipGone.status, 404);
      assert.equal(await code(whipGone), 'UNKNOWN_SESSION');
      const whepGone = await fetch(`${server.url}/media/webrtc/${stream.playbackId}/${hex16}`, { method: 'DELETE' });
      assert.equal(whepGone.status, 404);
      assert.equal(await code(whepGone), 'UNKNOWN_SESSION');
      const noPlayback = await fetch(`${server.url}/media/playback/${hex16}`);
      assert.equal(noPlayback.status, 404);
      assert.equal(await code(noPlayback), 'UNKNOWN_PLAYBACK_ID');
      assert.equal((await fetch(`${server.url}/media/whep/${hex16}`, { method: 'HEAD' })).status, 404);
      const unknown = await fetch(`${server.url}/media/nowhere`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.headers.get('access-control-allow-origin'), '*');
      assert.equal(await code(unknown), 'NOT_FOUND');
    });

    it('refuses a wrong stream key with 401 INVALID_STREAM_KEY', async () => {
      const res = await fetch(`${server.url}/media/whip/${'ab'.repeat(24)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp' },
        body: 'v=0\r\n',
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(((await res.json()) as { error: { code: string } }).error.code, 'INVALID_STREAM_KEY');
    });

    it('refuses a body that is not application/sdp with 415 and a non-SDP body with 400', async () => {
      const json = await fetch(stream.ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(json.status, 415);
      assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'UNSUPPORTED_MEDIA_TYPE');
      const bad = await fetch(stream.ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp' },
        body: 'hello',
      });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'BAD_SDP');
    });

    it('answers WHEP with 503 STREAM_NOT_LIVE before the broadcaster sends', async () => {
      const res = await fetch(`${server.url}/media/webrtc/${stream.playbackId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp' },
        body: 'v=0\r\n',
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'STREAM_NOT_LIVE');
    });

    it("serves playback info in Studio's shape, typed by core-web's getSrc as WebRTC and HLS", async () => {
      const res = await fetch(`${server.url}/media/playback/${stream.playbackId}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const info = await res.json();
      assert.deepEqual(info, await backend.playbackInfo(stream.playbackId));
      const { getSrc } = await import('@livepeer/core-web/external');
      const src = getSrc(info as Parameters<typeof getSrc>[0]);
      assert.deepEqual(src?.map((s) => s.type).sort(), ['hls', 'webrtc']);
      assert.equal((await fetch(`${server.url}/media/playback/${'0'.repeat(16)}`)).status, 404);
    });
  });

  describe('when a broadcaster publishes with @livepeer/core-web', () => {
    let stream: MediaStream;
    let broadcaster: Page;

    before(async () => {
      stream = await backend.createStream({ name: 'core-web', audioOnly: false });
      broadcaster = await page();
      await broadcaster.evaluate(async (url) => {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: true,
          video: { width: 1280, height: 720, frameRate: 30 },
        });
        await window.coreWeb.broadcast(url, stream);
      }, stream.ingestUrl);
    });

    after(async () => {
      await broadcaster?.close();
    });

    it("emits 'started' at the first packets and marks the playback info live", async () => {
      await eventOf('started', stream);
      assert.equal((await backend.playbackInfo(stream.playbackId))?.meta.live, 1);
    });

    it("plays over WHEP in core-web's player from the playback info (lowLatency: 'force'), video and audio decoded", async () => {
      const viewer = await page();
      try {
        const result = await viewer.evaluate(async (playbackUrl) => {
          const info = await (await fetch(playbackUrl)).json();
          const video = document.createElement('video');
          document.body.append(video);
          const counter = window.media.countFrames(video);
          const player = window.coreWeb.play(info, video, 'force');
          const deadline = Date.now() + 20000;
          while (counter.frames < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
          const srcType = player.store.getState().currentSource?.type;
          player.destroy();
          return { frames: counter.frames, width: counter.width, height: counter.height, srcType };
        }, `${server.url}/media/playback/${stream.playbackId}`);
        assert.equal(result.srcType, 'webrtc');
        assert.ok(result.frames >= 10, `frames presented: ${result.frames}`);
        assert.ok(result.height > 0);
      } finally {
        await viewer.close();
      }
    });

    /** PLIs the broadcaster's browser has received (its outbound video RTP stats). */
    const pliCount = (): Promise<number> =>
      broadcaster.evaluate(async () => {
        let n = 0;
        (await (window as unknown as { __whipPc: RTCPeerConnection }).__whipPc.getStats()).forEach((s) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') n += s.pliCount ?? 0;
        });
        return n;
      });

    it('forwards H264 and Opus to a plain WHEP viewer (passthrough) and requests a keyframe for it', async () => {
      const viewer = await page();
      const plisBefore = await pliCount();
      try {
        const result = await viewer.evaluate(async (url) => {
          const video = document.createElement('video');
          document.body.append(video);
          const r = await window.media.whepPlay(url, video);
          if (!r.pc) return { status: r.status };
          const deadline = Date.now() + 20000;
          let stats = await window.media.inbound(r.pc);
          while (
            !((stats.video?.framesDecoded ?? 0) > 0 && (stats.audio?.packetsReceived ?? 0) > 0) &&
            Date.now() < deadline
          ) {
            await new Promise((res) => setTimeout(res, 100));
            stats = await window.media.inbound(r.pc);
          }
          const codec = stats.video ? stats[stats.video.codecId] : undefined;
          r.pc.close();
          return { status: r.status, location: r.location, stats, codec };
        }, `${server.url}/media/webrtc/${stream.playbackId}`);
        assert.equal(result.status, 201);
        assert.match(result.location!, new RegExp(`^/media/webrtc/${stream.playbackId}/[0-9a-f]{16}$`));
        assert.ok((result.stats!.video?.framesDecoded ?? 0) > 0, JSON.stringify(result.stats));
        assert.ok((result.stats!.audio?.packetsReceived ?? 0) > 0, JSON.stringify(result.stats));
        assert.equal(result.codec, 'video/H264');
        assert.ok((await pliCount()) > plisBefore, 'the broadcaster got a PLI when the viewer joined');
        // The viewer closed its connection without a DELETE: the backend lets it go.
        await waitFor('the viewer to be released', () => backend.status(stream.mediaId)!.viewers === 0);
      } finally {
        await viewer.close();
      }
    });

    it('writes an HLS ladder: a master playlist with 3 renditions, each getting 720p/480p/360p H264 + AAC segments', async () => {
      const master = await waitFor('master playlist', async () => {
        const res = await fetch(`${server.url}/media/hls/${stream.playbackId}/index.m3u8`);
        return res.status === 200 ? res : null;
      });
      assert.equal(master.headers.get('content-type'), 'application/vnd.apple.mpegurl');
      assert.equal(master.headers.get('cache-control'), 'no-cache');
      assert.equal(master.headers.get('access-control-allow-origin'), '*');
      const text = await master.text();
      const renditions = text.split('\n').filter((l) => l.endsWith('.m3u8'));
      assert.deepEqual(renditions, ['720p/index.m3u8', '480p/index.m3u8', '360p/index.m3u8']);
      assert.equal(text.match(/#EXT-X-STREAM-INF/g)?.length, 3);
      const dir = backend.status(stream.mediaId)!.hlsDir!;
      for (const [rendition, height] of [
        ['720p', 720],
        ['480p', 480],
        ['360p', 360],
      ] as const) {
        const segment = await waitFor(`a segment of ${rendition}`, async () => {
          const res = await fetch(`${server.url}/media/hls/${stream.playbackId}/${rendition}/index.m3u8`);
          if (res.status !== 200) return null;
          return (await res.text()).split('\n').find((l) => l.endsWith('.ts'));
        });
        const res = await fetch(`${server.url}/media/hls/${stream.playbackId}/${rendition}/${segment}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'video/mp2t');
        const streams = await probe(join(dir, rendition, segment));
        assert.deepEqual(streams.map((s) => s.codec_name).sort(), ['aac', 'h264']);
        assert.equal(streams.find((s) => s.codec_type === 'video')?.height, height);
      }
    });

    it("plays the HLS ladder in core-web's player (lowLatency: false, hls.js)", async () => {
      const viewer = await page();
      try {
        const result = await viewer.evaluate(async (playbackUrl) => {
          const info = await (await fetch(playbackUrl)).json();
          const video = document.createElement('video');
          document.body.append(video);
          const counter = window.media.countFrames(video);
          const player = window.coreWeb.play(info, video, false);
          const deadline = Date.now() + 30000;
          while (counter.frames < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
          const srcType = player.store.getState().currentSource?.type;
          player.destroy();
          return { frames: counter.frames, height: counter.height, srcType };
        }, `${server.url}/media/playback/${stream.playbackId}`);
        assert.equal(result.srcType, 'hls');
        assert.ok(result.frames >= 10, `frames presented: ${result.frames}`);
        assert.ok([720, 480, 360].includes(result.height), `height ${result.height}`);
      } finally {
        await viewer.close();
      }
    });

    it('restarts ffmpeg when it is killed while the stream is live', async () => {
      const before = backend.status(stream.mediaId)!;
      assert.ok(before.ffmpegPid);
      process.kill(before.ffmpegPid, 'SIGKILL');
      const pid = await waitFor('a new ffmpeg', () => {
        const s = backend.status(stream.mediaId)!;
        return s.ffmpegPid && s.ffmpegPid !== before.ffmpegPid ? s.ffmpegPid : null;
      });
      assert.ok(alive(pid));
      assert.equal(backend.status(stream.mediaId)!.ffmpegRestarts, before.ffmpegRestarts + 1);
      // It produces again: a segment written after the restart.
      const playlist = join(before.hlsDir!, '360p', 'index.m3u8');
      const seen = new Set((await readFile(playlist, 'utf8')).split('\n').filter((l) => l.endsWith('.ts')));
      await waitFor('a segment from the restarted ffmpeg', async () =>
        (await readFile(playlist, 'utf8')).split('\n').some((l) => l.endsWith('.ts') && !seen.has(l)),
      );
    });

    it("emits 'idle' when packets stop (core-web sends no DELETE), after ffmpeg is gone and its files removed", async () => {
      const { ffmpegPid, hlsDir } = backend.status(stream.mediaId)!;
      await broadcaster.evaluate(() => (window as unknown as { __whipPc: RTCPeerConnection }).__whipPc.close());
      const idle = await eventOf('idle', stream);
      assert.ok(idle.at >= events.find((e) => e.type === 'started' && e.mediaId === stream.mediaId)!.at);
      assert.equal(alive(ffmpegPid!), false);
      assert.equal(existsSync(hlsDir!), false);
      assert.equal((await backend.playbackInfo(stream.playbackId))?.meta.live, 0);
      assert.equal((await fetch(`${server.url}/media/hls/${stream.playbackId}/index.m3u8`)).status, 404);
    });
  });

  describe('when a broadcaster offers no H264', () => {
    it('forwards VP8 to WHEP viewers too', async () => {
      const stream = await backend.createStream({ name: 'vp8', audioOnly: false });
      const p = await page();
      try {
        const r = await publish(p, stream.ingestUrl, { videoCodec: 'VP8' });
        assert.equal(r.status, 201);
        await eventOf('started', stream);
        const result = await p.evaluate(async (url) => {
          const video = document.createElement('video');
          document.body.append(video);
          const w = await window.media.whepPlay(url, video);
          const deadline = Date.now() + 20000;
          let stats = await window.media.inbound(w.pc!);
          while (!((stats.video?.framesDecoded ?? 0) > 0) && Date.now() < deadline) {
            await new Promise((res) => setTimeout(res, 100));
            stats = await window.media.inbound(w.pc!);
          }
          return {
            frames: stats.video?.framesDecoded ?? 0,
            codec: stats.video ? stats[stats.video.codecId] : undefined,
          };
        }, `${server.url}/media/webrtc/${stream.playbackId}`);
        assert.ok(result.frames > 0);
        assert.equal(result.codec, 'video/VP8');
        // ffmpeg reads VP8 RTP as well: the ladder gets H264 segments.
        const dir = await waitFor('the VP8 ladder', () => backend.status(stream.mediaId)?.hlsDir);
        // A deadline, not a speed target: ffmpeg starts its three x264 rungs on cores the suite's
        // other workers share (the clean clone's run met 20 s).
        const segment = await waitFor(
          'a 360p segment from VP8',
          async () => (await readdir(join(dir, '360p')).catch(() => [])).find((f) => f.endsWith('.ts')),
          60_000,
        );
        assert.equal(
          (await probe(join(dir, '360p', segment))).find((x) => x.codec_type === 'video')?.codec_name,
          'h264',
        );
      } finally {
        await p.close();
        await backend.deleteStream(stream.mediaId);
      }
    });

    it('refuses an offer with neither H264 nor VP8 with 406 UNSUPPORTED_CODEC', async () => {
      const stream = await backend.createStream({ name: 'vp9', audioOnly: false });
      const p = await page();
      try {
        const r = await publish(p, stream.ingestUrl, { videoCodec: 'VP9' });
        assert.equal(r.status, 406);
        assert.equal((JSON.parse(r.body!) as { error: { code: string } }).error.code, 'UNSUPPORTED_CODEC');
        assert.equal(backend.status(stream.mediaId)!.live, false);
      } finally {
        await p.close();
        await backend.deleteStream(stream.mediaId);
      }
    });
  });

  describe('when the stream is audio only', () => {
    it('writes one audio-only AAC rendition and deleteStream removes everything', async () => {
      const stream = await backend.createStream({ name: 'radio', audioOnly: true });
      const p = await page();
      try {
        assert.equal((await publish(p, stream.ingestUrl, { audioOnly: true })).status, 201);
        await eventOf('started', stream);
        const master = await waitFor('audio master playlist', async () => {
          const res = await fetch(`${server.url}/media/hls/${stream.playbackId}/index.m3u8`);
          return res.status === 200 ? res.text() : null;
        });
        assert.deepEqual(
          master.split('\n').filter((l) => l.endsWith('.m3u8')),
          ['audio/index.m3u8'],
        );
        const { hlsDir, ffmpegPid } = backend.status(stream.mediaId)!;
        const segment = await waitFor('an audio segment', async () =>
          (await readdir(join(hlsDir!, 'audio'))).find((f) => f.endsWith('.ts')),
        );
        assert.deepEqual(
          (await probe(join(hlsDir!, 'audio', segment))).map((s) => s.codec_name),
          ['aac'],
        );

        await backend.deleteStream(stream.mediaId);
        await eventOf('idle', stream);
        assert.equal(alive(ffmpegPid!), false);
        assert.equal(existsSync(hlsDir!), false);
        assert.equal(backend.status(stream.mediaId), null);
        assert.equal(await backend.playbackInfo(stream.playbackId), null);
        const again = await fetch(stream.ingestUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/sdp' },
          body: 'v=0\r\n',
        });
        assert.equal(again.status, 401);
      } finally {
        await p.close();
      }
    });
  });
});
