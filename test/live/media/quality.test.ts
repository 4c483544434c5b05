/// <reference lib="dom" />
/**
 * Issue 12 item 13: a 1280x720 30 fps browser broadcast reaches the embedded server at camera
 * quality, and WHEP viewers get what the ingest receives. Before the fix the server sent Chromium
 * no usable congestion feedback (werift's transport-cc generator, one per m-section, reported the
 * bundle's shared sequence numbers wrongly), so Chromium's estimate sank to about 100 kbit/s and
 * it sent 320x180 at about 90 kbit/s.
 *
 * Real parts: headless Chromium publishing a camera-like canvas with the fake microphone over
 * WHIP, werift, a second page playing over WHEP. The HLS ladder is off here (it is tested in
 * embedded.test.ts) so ffmpeg does not compete for the two cores while the browser encodes 720p.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MediaStream as MediaStreamInfo } from '../../../live/streams/media/backend.js';
import { type EmbeddedMediaBackend, createEmbeddedBackend } from '../../../live/streams/media/embedded/backend.js';
import { launchBrowser, localContext } from '../../helpers/browser.js';
import {
  type MediaServer,
  type VideoSample,
  publishBusyCamera,
  startMediaServer,
  waitFor,
} from '../../helpers/media.js';

/** What the issue asks for, with the test's floor below it. */
const MIN_WIDTH = 960;
const MIN_KBPS = 1000;
/** Samples in a row (1 s each) that must meet the floor: a sustained rate, not a burst. */
const SUSTAINED = 3;
/** The aim is 10 s on loopback; other jobs share the two cores, so the deadline is generous. */
const RAMP_DEADLINE_MS = 30_000;

const meets = (s: VideoSample): boolean => s.width >= MIN_WIDTH && s.kbps >= MIN_KBPS;
const describe_ = (xs: readonly VideoSample[]): string =>
  xs
    .map(
      (s) =>
        `${(s.atMs / 1000).toFixed(0)}s ${s.width}x${s.height} ${s.kbps}kbps${s.reason === undefined ? '' : ` ${s.reason} est=${s.estimateKbps ?? '-'}`}`,
    )
    .join('; ');

/** The first index where SUSTAINED samples in a row meet the floor, or -1. */
function sustainedAt(samples: readonly VideoSample[]): number {
  for (let i = 0; i + SUSTAINED <= samples.length; i++) {
    if (samples.slice(i, i + SUSTAINED).every(meets)) return i;
  }
  return -1;
}

describe('broadcast quality (issue 12 item 13)', function () {
  this.timeout(120_000);
  let server: MediaServer;
  let backend: EmbeddedMediaBackend;
  let browser: Browser;
  let context: BrowserContext;
  let stream: MediaStreamInfo;
  let broadcaster: Page;

  before(async () => {
    server = await startMediaServer();
    backend = createEmbeddedBackend({ publicBaseUrl: server.url, hls: false });
    server.backend = backend;
    browser = await launchBrowser();
    context = await localContext(browser);
    stream = await backend.createStream({ name: 'quality', audioOnly: false });
    broadcaster = await context.newPage();
    await broadcaster.goto(`${server.url}/page.html`);
    const r = await publishBusyCamera(broadcaster, stream.ingestUrl);
    assert.equal(r.status, 201, r.body);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await backend?.close();
    await server?.close();
  });

  const sent = (): Promise<VideoSample[]> =>
    broadcaster.evaluate(() => (window as unknown as { send: { samples: VideoSample[] } }).send.samples);

  it(`ramps a 1280x720 30 fps broadcast to at least ${MIN_WIDTH} wide and ${MIN_KBPS} kbit/s, sustained`, async () => {
    const samples = await waitFor(
      `${SUSTAINED} s in a row at >= ${MIN_WIDTH} px wide and >= ${MIN_KBPS} kbit/s`,
      async () => {
        const xs = await sent();
        return sustainedAt(xs) >= 0 ? xs : null;
      },
      RAMP_DEADLINE_MS,
      500,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; sent: ${describe_(await sent())}`);
    });
    const at = samples[sustainedAt(samples)]!;
    console.log(`      sent: ${describe_(samples)}`);
    console.log(`      camera quality from ${(at.atMs / 1000).toFixed(0)} s after connecting`);
    // The estimate is what the server's feedback drives: it must leave room for 720p.
    assert.ok(
      Math.max(...samples.map((s) => s.estimateKbps ?? 0)) >= 2000,
      `bandwidth estimate: ${describe_(samples)}`,
    );
  });

  it('keeps a WHEP viewer at the quality the ingest receives, from a keyframe it asked for', async () => {
    const viewer = await context.newPage();
    try {
      await viewer.goto(`${server.url}/page.html`);
      const r = await viewer.evaluate(async (url) => {
        const video = document.createElement('video');
        document.body.append(video);
        const played = await window.media.whepPlay(url, video);
        if (played.pc) (window as unknown as { recv: unknown }).recv = window.media.watchVideo(played.pc, 'receive');
        return { status: played.status, body: played.body };
      }, `${server.url}/media/webrtc/${stream.playbackId}`);
      assert.equal(r.status, 201, r.body);
      const received = (): Promise<VideoSample[]> =>
        viewer.evaluate(() => (window as unknown as { recv: { samples: VideoSample[] } }).recv.samples);
      const samples = await waitFor(
        `the viewer receiving ${SUSTAINED} s in a row at >= ${MIN_WIDTH} px wide and >= ${MIN_KBPS} kbit/s`,
        async () => {
          const xs = await received();
          return sustainedAt(xs) >= 0 ? xs : null;
        },
        30_000,
        500,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}; received: ${describe_(await received())}; sent: ${describe_(await sent())}`);
      });
      console.log(`      received: ${describe_(samples)}`);
      // Decoding at all means the viewer got a keyframe (the backend asks the broadcaster on join).
      assert.ok((samples.at(-1)!.framesDecoded ?? 0) > 30, `frames decoded: ${samples.at(-1)!.framesDecoded}`);
    } finally {
      await viewer.close();
    }
  });
});
