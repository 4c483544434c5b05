/// <reference lib="dom" />
/**
 * Issue 12, items 6 and 9, replayed against the real embedded media backend (werift, ffmpeg or its
 * absence, headless Chromium as broadcaster and as the real viewer).
 *
 * Item 6: WHEP viewer slots could be exhausted. 200 fake offers (even `v=0`) were each answered
 * and held a slot until they went "silent" 10 s later, concurrent offers all passed the cap, and
 * nothing limited how many offers one address could send. The attacker here posts from other
 * loopback addresses (127.0.0.2 and up: Linux routes all of 127/8 to lo), the real viewer is
 * Chromium on 127.0.0.1.
 *
 * Item 9: without ffmpeg, every broadcast logged spawn failures and restarts while the playback
 * info still listed an HLS source that failed in the player ("unknown: Error with HLS.js").
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MediaStream as MediaStreamInfo } from '../../live/streams/media/backend.js';
import {
  type EmbeddedBackendOptions,
  type EmbeddedMediaBackend,
  createEmbeddedBackend,
} from '../../live/streams/media/embedded/backend.js';
import { launchBrowser, localContext } from '../helpers/browser.js';
import { tempDir } from '../helpers/indexer.js';
import { type MediaServer, startMediaServer, waitFor } from '../helpers/media.js';
import { startPlatform } from '../../platform/platform.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** POSTs an SDP body from `localAddress` (a loopback address other than the real viewer's). */
function postSdp(url: string, sdp: string, localAddress: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/sdp' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(sdp);
  });
}

const codeOf = (r: Reply): string | undefined => (JSON.parse(r.body) as { error?: { code?: string } }).error?.code;
const count = (xs: readonly Reply[], status: number): number => xs.filter((r) => r.status === status).length;

interface Record_ {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

describe('security: media backend abuse', function () {
  this.timeout(180_000);
  let browser: Browser;
  let context: BrowserContext;
  const servers: MediaServer[] = [];
  const backends: EmbeddedMediaBackend[] = [];

  before(async () => {
    browser = await launchBrowser();
    context = await localContext(browser);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    for (const b of backends) await b.close();
    for (const s of servers) await s.close();
  });

  async function serve(
    opts: Partial<EmbeddedBackendOptions>,
  ): Promise<{ server: MediaServer; backend: EmbeddedMediaBackend }> {
    const server = await startMediaServer();
    const backend = createEmbeddedBackend({ publicBaseUrl: server.url, hls: false, ...opts });
    server.backend = backend;
    servers.push(server);
    backends.push(backend);
    return { server, backend };
  }

  async function page(server: MediaServer): Promise<Page> {
    const p = await context.newPage();
    await p.goto(`${server.url}/page.html`);
    return p;
  }

  /** A live stream: Chromium's fake camera and microphone over WHIP (small, to spare the CPU). */
  async function broadcast(server: MediaServer, backend: EmbeddedMediaBackend): Promise<MediaStreamInfo> {
    const stream = await backend.createStream({ name: 'target', audioOnly: false });
    const p = await page(server);
    const status = await p.evaluate(async (url) => {
      const s = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: 640, height: 360, frameRate: 30 },
      });
      return (await window.media.whipPublish(url, s)).status;
    }, stream.ingestUrl);
    assert.equal(status, 201);
    await waitFor('the stream to go live', () => backend.status(stream.mediaId)?.live);
    return stream;
  }

  /** A real browser offer (recvonly audio and video, gathered candidates) whose peer is then closed. */
  async function deadOffer(server: MediaServer): Promise<string> {
    const p = await page(server);
    try {
      return await p.evaluate(async () => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        pc.addTransceiver('video', { direction: 'recvonly' });
        pc.addTransceiver('audio', { direction: 'recvonly' });
        await pc.setLocalDescription(await pc.createOffer());
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') return resolve();
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
          setTimeout(resolve, 3000);
        });
        const sdp = pc.localDescription!.sdp;
        pc.close();
        return sdp;
      });
    } finally {
      await p.close();
    }
  }

  /** Chromium plays the stream over WHEP from 127.0.0.1: the status, and whether frames decoded. */
  async function realViewer(server: MediaServer, stream: MediaStreamInfo): Promise<{ status: number; frames: number }> {
    const p = await page(server);
    try {
      return await p.evaluate(async (url) => {
        const video = document.createElement('video');
        document.body.append(video);
        const r = await window.media.whepPlay(url, video);
        if (!r.pc) return { status: r.status, frames: 0 };
        const deadline = Date.now() + 20_000;
        let frames = 0;
        while (frames === 0 && Date.now() < deadline) {
          await new Promise((res) => setTimeout(res, 100));
          frames = (await window.media.inbound(r.pc)).video?.framesDecoded ?? 0;
        }
        r.pc.close();
        return { status: r.status, frames };
      }, `${server.url}/media/webrtc/${stream.playbackId}`);
    } finally {
      await p.close();
    }
  }

  describe('when one address floods WHEP with offers (item 6)', () => {
    let server: MediaServer;
    let backend: EmbeddedMediaBackend;
    let stream: MediaStreamInfo;
    let offer: string;

    before(async () => {
      // The per-IP viewer cap (tested below) is lifted here: this is about the offer budget.
      ({ server, backend } = await serve({ maxViewersPerIp: 1000 }));
      stream = await broadcast(server, backend);
      offer = await deadOffer(server);
    });

    it('refuses an offer with no media, ICE credentials or fingerprint (`v=0`) with 400 BAD_SDP, holding no slot', async () => {
      const whep = `${server.url}/media/webrtc/${stream.playbackId}`;
      for (const body of [
        'v=0\r\n',
        offer.replace(/^a=fingerprint:.*\r\n/gm, ''),
        offer.replace(/^m=.*$/gm, (m) => m.replace(/ \d+ /, ' 0 ')),
      ]) {
        const r = await postSdp(whep, body, '127.0.0.2');
        assert.equal(r.status, 400, r.body);
        assert.equal(codeOf(r), 'BAD_SDP');
      }
      assert.equal(backend.status(stream.mediaId)!.viewers, 0);
    });

    it('answers at most 30 of 200 offers from one address a minute (429 RATE_LIMITED with Retry-After), and a real viewer still plays', async () => {
      const whep = `${server.url}/media/webrtc/${stream.playbackId}`;
      const replies = await Promise.all(Array.from({ length: 200 }, () => postSdp(whep, offer, '127.0.0.3')));
      assert.equal(count(replies, 201), 30, `201s: ${count(replies, 201)}, 503s: ${count(replies, 503)}`);
      const limited = replies.filter((r) => r.status === 429);
      assert.equal(limited.length, 170);
      assert.equal(codeOf(limited[0]!), 'RATE_LIMITED');
      const retryAfter = Number(limited[0]!.headers['retry-after']);
      assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.ok((JSON.parse(limited[0]!.body) as { error: { retryAfterMs: number } }).error.retryAfterMs > 0);
      const viewer = await realViewer(server, stream);
      assert.equal(viewer.status, 201);
      assert.ok(viewer.frames > 0, 'the real viewer decoded frames');
    });
  });

  describe('when the viewer cap is raced and held by offers that never connect (item 6)', () => {
    const CAP = 5;
    const CONNECT_MS = 2000;
    let server: MediaServer;
    let backend: EmbeddedMediaBackend;
    let stream: MediaStreamInfo;
    let offer: string;

    before(async () => {
      ({ server, backend } = await serve({ maxViewersPerStream: CAP, viewerConnectTimeoutMs: CONNECT_MS }));
      stream = await broadcast(server, backend);
      offer = await deadOffer(server);
    });

    it(`answers exactly ${CAP} of 20 concurrent offers from 20 addresses (the cap is atomic); the rest get 503 VIEWER_LIMIT`, async () => {
      const whep = `${server.url}/media/webrtc/${stream.playbackId}`;
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => postSdp(whep, offer, `127.0.1.${i + 1}`)));
      assert.equal(count(replies, 201), CAP);
      assert.equal(count(replies, 503), 20 - CAP);
      assert.ok(replies.filter((r) => r.status === 503).every((r) => codeOf(r) === 'VIEWER_LIMIT'));
      assert.equal(backend.status(stream.mediaId)!.viewers, CAP);
    });

    it(`frees the slots of offers not connected ${CONNECT_MS / 1000} s after their answer, and the real viewer gets in`, async () => {
      // The slots are still held by the offers of the previous test (answered, never connected).
      const refused = await postSdp(`${server.url}/media/webrtc/${stream.playbackId}`, offer, '127.0.2.1');
      assert.equal(refused.status, 503);
      await waitFor(
        'the never-connected viewers to be dropped',
        () => backend.status(stream.mediaId)!.viewers === 0,
        CONNECT_MS + 3000,
      );
      const viewer = await realViewer(server, stream);
      assert.equal(viewer.status, 201);
      assert.ok(viewer.frames > 0, 'the real viewer decoded frames');
    });
  });

  describe('when one address holds many WHEP viewers at once (item 7)', () => {
    const PER_IP = 3;
    let server: MediaServer;
    let backend: EmbeddedMediaBackend;
    let stream: MediaStreamInfo;
    let offer: string;

    before(async () => {
      ({ server, backend } = await serve({ maxViewersPerIp: PER_IP, viewerConnectTimeoutMs: 2000 }));
      stream = await broadcast(server, backend);
      offer = await deadOffer(server);
    });

    it(`answers ${PER_IP} concurrent offers from one address and refuses the rest with 429 TOO_MANY_CONNECTIONS, while another address gets in`, async () => {
      const whep = `${server.url}/media/webrtc/${stream.playbackId}`;
      const replies = await Promise.all(Array.from({ length: 10 }, () => postSdp(whep, offer, '127.0.3.1')));
      assert.equal(count(replies, 201), PER_IP);
      assert.equal(count(replies, 429), 10 - PER_IP);
      assert.ok(replies.filter((r) => r.status === 429).every((r) => codeOf(r) === 'TOO_MANY_CONNECTIONS'));
      const other = await postSdp(whep, offer, '127.0.3.2');
      assert.equal(other.status, 201);
      // Once the unconnected ones are dropped, the address may offer again.
      await waitFor('the unconnected viewers to be dropped', () => backend.status(stream.mediaId)!.viewers === 0, 6000);
      assert.equal((await postSdp(whep, offer, '127.0.3.1')).status, 201);
    });
  });

  describe('when ffmpeg is missing (item 9)', () => {
    const records: Record_[] = [];
    const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
      void records.push({ level, msg, ...(fields ? { fields } : {}) });
    let server: MediaServer;
    let backend: EmbeddedMediaBackend;
    const aboutFfmpeg = (): Record_[] =>
      records.filter((r) => /ffmpeg/i.test(r.msg) && r.level !== 'debug' && r.level !== 'info');

    before(async () => {
      ({ server, backend } = await serve({
        hls: true,
        ffmpegPath: '/nonexistent/ffmpeg',
        log: { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') },
      }));
    });

    it('says so once at start-up, as an error naming the install command', async () => {
      const [said] = await waitFor(
        'the start-up error about ffmpeg',
        () => (aboutFfmpeg().length ? aboutFfmpeg() : null),
        5000,
      );
      assert.equal(said!.level, 'error');
      assert.match(said!.msg, /ffmpeg not found/);
      assert.match(said!.msg, /apt-get install ffmpeg/);
      assert.match(said!.msg, /WebRTC .*still works/);
      assert.equal(said!.fields?.ffmpeg, '/nonexistent/ffmpeg');
    });

    it('lists no HLS source in the playback info, still plays over WebRTC, and says nothing more about ffmpeg', async () => {
      const stream = await broadcast(server, backend);
      const info = (await (await fetch(`${server.url}/media/playback/${stream.playbackId}`)).json()) as {
        meta: { source: { hrn: string; url: string }[] };
      };
      assert.deepEqual(
        info.meta.source.map((s) => s.hrn),
        ['WebRTC (H264)'],
      );
      const { getSrc } = await import('@livepeer/core-web/external');
      assert.deepEqual(
        getSrc(info as Parameters<typeof getSrc>[0])?.map((s) => s.type),
        ['webrtc'],
      );
      assert.equal((await fetch(`${server.url}/media/hls/${stream.playbackId}/index.m3u8`)).status, 404);
      const viewer = await realViewer(server, stream);
      assert.equal(viewer.status, 201);
      assert.ok(viewer.frames > 0, 'the viewer decoded frames');
      assert.equal(backend.status(stream.mediaId)!.ffmpegPid, undefined);
      assert.equal(aboutFfmpeg().length, 1, JSON.stringify(aboutFfmpeg()));
    });

    it('is said under the platform `npm start` runs, by the media logger on stderr', async () => {
      const tmp = tempDir('blive-media-start-');
      mkdirSync(path.join(tmp.dir, 'dist'), { recursive: true });
      writeFileSync(path.join(tmp.dir, 'dist', 'index.html'), '<!doctype html><title>BLive</title>');
      const lines: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      // The platform's loggers write JSON lines to stderr, as under `npm start`.
      process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        const line = String(chunk);
        if (line.includes('"component":"media"')) return lines.push(line) > 0;
        return write(chunk, ...rest);
      }) as typeof process.stderr.write;
      let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
      try {
        platform = await startPlatform({
          port: 0,
          devnetPort: 0,
          blockTime: 1,
          seed: false,
          dataDir: path.join(tmp.dir, 'data'),
          deploymentsFile: path.join(tmp.dir, 'deployments', 'development.json'),
          webDist: path.join(tmp.dir, 'dist'),
          env: { FFMPEG_PATH: '/nonexistent/ffmpeg' },
          log: () => {},
        });
        await waitFor('the media error on stderr', () => lines.length > 0, 10_000);
        const said = JSON.parse(lines[0]!) as { level: string; msg: string };
        assert.equal(said.level, 'error');
        assert.match(said.msg, /ffmpeg not found.*apt-get install ffmpeg/);
        assert.equal(lines.length, 1);
      } finally {
        process.stderr.write = write;
        await platform?.close();
        tmp.cleanup();
      }
    });
  });
});
