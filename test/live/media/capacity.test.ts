/**
 * The embedded backend's WebRTC capacity: WHEP viewers are counted over every stream of the
 * process (`whepCapacity`) as well as per stream (`maxViewersPerStream`); beyond either a viewer
 * is sent to the HLS ladder (503 USE_HLS with its URL), or refused with 503 VIEWER_LIMIT when
 * there is no ladder. Real WHIP broadcasts (werift, Opus) and real SDP offers (werift) that hold
 * their slots until the connect timeout, since their answers are never applied.
 */
import assert from 'node:assert/strict';
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import type { MediaStream } from '../../../live/streams/media/backend.js';
import {
  type EmbeddedBackendOptions,
  type EmbeddedMediaBackend,
  createEmbeddedBackend,
} from '../../../live/streams/media/embedded/backend.js';
import type { UseHlsAnswer } from '../../../lib/protocol/http.js';
import { type MediaServer, startMediaServer, waitFor } from '../../helpers/media.js';
import { type WhipPublisher, publishWhip } from '../../helpers/whipPublisher.js';

/** A viewer's SDP offer (receive audio); never connected, so each answered copy holds a slot. */
async function viewerOffer(): Promise<string> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })] },
    iceUseIpv6: false,
  });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await waitFor('ICE gathering', () => pc.iceGatheringState === 'complete', 10_000, 20);
  const sdp = pc.localDescription!.sdp;
  await pc.close();
  return sdp;
}

interface Reply {
  status: number;
  location: string | null;
  body: string;
}

describe('embedded media backend: WebRTC capacity over all streams of the process', function () {
  this.timeout(60_000);
  const servers: MediaServer[] = [];
  const backends: EmbeddedMediaBackend[] = [];
  const publishers: WhipPublisher[] = [];
  let offer: string;

  before(async () => {
    offer = await viewerOffer();
  });

  after(async () => {
    for (const p of publishers) await p.close();
    for (const b of backends) await b.close();
    for (const s of servers) await s.close();
  });

  /** A server with its backend and two live (audio) streams. */
  async function serve(opts: Partial<EmbeddedBackendOptions>): Promise<{ url: string; streams: MediaStream[] }> {
    const server = await startMediaServer();
    // Answered offers never connect here: they must hold their slots for the whole test.
    const backend = createEmbeddedBackend({ publicBaseUrl: server.url, viewerConnectTimeoutMs: 60_000, ...opts });
    server.backend = backend;
    servers.push(server);
    backends.push(backend);
    const streams = await Promise.all(
      ['a', 'b'].map((name) => backend.createStream({ name, audioOnly: true, record: false })),
    );
    for (const s of streams) {
      publishers.push(await publishWhip(s.ingestUrl));
      await waitFor(`stream ${s.mediaId} live`, () => backend.status(s.mediaId)?.live, 20_000);
    }
    return { url: server.url, streams };
  }

  async function watch(url: string, s: MediaStream): Promise<Reply> {
    const r = await fetch(`${url}/media/webrtc/${s.playbackId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: offer,
    });
    return { status: r.status, location: r.headers.get('location'), body: await r.text() };
  }

  const errorOf = (r: Reply): UseHlsAnswer['error'] => (JSON.parse(r.body) as UseHlsAnswer).error;

  describe('with the HLS ladder', () => {
    let url: string;
    let a: MediaStream;
    let b: MediaStream;
    before(async () => {
      ({
        url,
        streams: [a, b],
      } = (await serve({ whepCapacity: 2, maxViewersPerStream: 10 })) as { url: string; streams: MediaStream[] } & {
        streams: [MediaStream, MediaStream];
      });
    });

    let first: Reply;
    it('answers one WHEP viewer on each of two streams (201)', async () => {
      first = await watch(url, a);
      assert.equal(first.status, 201, first.body);
      const second = await watch(url, b);
      assert.equal(second.status, 201, second.body);
    });

    it("sends the third viewer, on either stream, to that stream's HLS (503 USE_HLS, limit 'process')", async () => {
      for (const s of [b, a]) {
        const r = await watch(url, s);
        assert.equal(r.status, 503, r.body);
        assert.deepEqual(errorOf(r), {
          code: 'USE_HLS',
          message: 'WebRTC playback is at capacity: play the HLS source',
          hlsUrl: `${url}/media/hls/${s.playbackId}/index.m3u8`,
          limit: 'process',
        });
      }
    });

    it('takes a viewer again on the other stream once one leaves (DELETE): the count is over all streams', async () => {
      assert.equal((await fetch(`${url}${first.location}`, { method: 'DELETE' })).status, 200);
      const r = await watch(url, b);
      assert.equal(r.status, 201, r.body);
      assert.equal((await watch(url, a)).status, 503);
    });
  });

  describe("with the HLS ladder and a stream's own cap below the process's", () => {
    it("sends the viewer over the stream's cap to HLS (limit 'stream') while the other stream still takes one", async () => {
      const { url, streams } = await serve({ whepCapacity: 10, maxViewersPerStream: 1 });
      const [a, b] = streams as [MediaStream, MediaStream];
      assert.equal((await watch(url, a)).status, 201);
      const r = await watch(url, a);
      assert.equal(r.status, 503, r.body);
      assert.equal(errorOf(r).code, 'USE_HLS');
      assert.equal(errorOf(r).limit, 'stream');
      assert.equal((await watch(url, b)).status, 201);
    });
  });

  describe('without an HLS ladder', () => {
    it('refuses the viewer over the process capacity with 503 VIEWER_LIMIT and Retry-After', async () => {
      const { url, streams } = await serve({ whepCapacity: 1, hls: false });
      const [a, b] = streams as [MediaStream, MediaStream];
      assert.equal((await watch(url, a)).status, 201);
      const r = await fetch(`${url}/media/webrtc/${b.playbackId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp' },
        body: offer,
      });
      assert.equal(r.status, 503);
      assert.ok(Number(r.headers.get('retry-after')) > 0);
      assert.deepEqual(await r.json(), {
        error: { code: 'VIEWER_LIMIT', message: 'too many WebRTC viewers on this server' },
      });
    });

    it('with a capacity of 0, takes no WHEP viewer at all', async () => {
      const { url, streams } = await serve({ whepCapacity: 0, hls: false });
      const r = await watch(url, streams[0]!);
      assert.equal(r.status, 503);
      assert.equal(errorOf(r).code, 'VIEWER_LIMIT');
    });
  });
});
