/// <reference lib="dom" />
/**
 * bench:media — the embedded media backend on this machine, with real Chromium, werift and ffmpeg.
 *
 * 1. Glass-to-glass latency: the broadcaster page paints Date.now() into a 1280x720 canvas as a
 *    row of black/white blocks (survives compression and scaling), captures it at 30 fps and
 *    publishes over WHIP; a viewer page reads the blocks back from each presented frame and
 *    subtracts them from its own clock (same machine, same clock). Over WHEP (plain
 *    RTCPeerConnection) and over HLS (@livepeer/core-web's player, hls.js, default settings).
 * 2. Ingest quality: a camera-like 1280x720 30 fps canvas (test fixture busyStream) plus the fake
 *    microphone over WHIP; the broadcaster's sent resolution and bitrate each second for the first
 *    BENCH_QUALITY_MS, and what each of BENCH_VIEWERS WHEP viewers receives.
 * 3. Capacity: 1, 2, 3 concurrent broadcasts (Chromium fake camera, 1280x720 at 30 fps) each with
 *    its own 3-rung ladder; ffmpeg's `speed=` (1.0 = keeping up with real time), its CPU use, and
 *    what each broadcaster was sending meanwhile.
 *
 * 4. WHEP capacity (bench/whepCapacity.ts): werift viewers added step by step to one server
 *    process at 720p and 2.5 Mbit/s, the server's CPU per viewer and each viewer's bitrate, until
 *    delivery degrades. BENCH_MEDIA=whep runs this section alone.
 *
 * Env: BENCH_SAMPLES (default 100), BENCH_LADDERS (default 3), BENCH_SETTLE_MS (default 8000),
 * BENCH_WINDOW_MS (default 10000), BENCH_QUALITY_MS (default 20000), BENCH_VIEWERS (default 2),
 * BENCH_LADDER_SOURCE (camera, the default, or canvas).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { MediaStream as MediaStreamInfo } from '../live/streams/media/backend.js';
import { createEmbeddedBackend } from '../live/streams/media/embedded/backend.js';
import { launchBrowser, localContext } from '../test/helpers/browser.js';
import { type VideoSample, publishBusyCamera, startMediaServer, waitFor } from '../test/helpers/media.js';
import { whepCapacity } from './whepCapacity.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const MAX_LADDERS = Number(process.env.BENCH_LADDERS ?? 3);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 8000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 10_000);
const QUALITY_MS = Number(process.env.BENCH_QUALITY_MS ?? 20_000);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 2);
/** What feeds the ladders: Chromium's fake camera, or the camera-like canvas of section 2 (more detail, more bits). */
const LADDER_SOURCE = process.env.BENCH_LADDER_SOURCE === 'canvas' ? 'canvas' : 'camera';
const WIDTH = 1280;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const fmt = (xs: number[]): string =>
  xs.length
    ? `p50 ${pct(xs, 50).toFixed(0)} ms, p99 ${pct(xs, 99).toFixed(0)} ms, min ${Math.min(...xs)} ms, max ${Math.max(...xs)} ms (${xs.length} samples)`
    : 'no samples';

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const samplesLine = (xs: readonly VideoSample[]): string =>
  xs.map((x) => `${(x.atMs / 1000).toFixed(0)}s ${x.width}x${x.height} ${x.kbps}`).join(', ');

/**
 * 2. Ingest quality: what the broadcaster sends over its first QUALITY_MS, and what each WHEP
 * viewer (joining 2 s in) receives.
 */
async function quality(
  backend: ReturnType<typeof createEmbeddedBackend>,
  baseUrl: string,
  open: () => Promise<Page>,
  live: (s: MediaStreamInfo) => Promise<boolean>,
): Promise<void> {
  const stream = await backend.createStream({ name: 'quality', audioOnly: false });
  const broadcaster = await open();
  const pub = await publishBusyCamera(broadcaster, stream.ingestUrl);
  if (pub.status !== 201) throw new Error(`WHIP publish failed: ${pub.status} ${pub.body}`);
  await live(stream);
  await new Promise((r) => setTimeout(r, 2000));
  const viewers = await Promise.all(Array.from({ length: VIEWERS }, () => open()));
  await Promise.all(
    viewers.map((v) =>
      v.evaluate(async (url) => {
        const video = document.createElement('video');
        document.body.append(video);
        const r = await window.media.whepPlay(url, video);
        if (!r.pc) throw new Error(`WHEP ${r.status} ${r.body}`);
        (window as unknown as { recv: unknown }).recv = window.media.watchVideo(r.pc, 'receive');
      }, `${baseUrl}/media/webrtc/${stream.playbackId}`),
    ),
  );
  await waitFor(
    'the quality window',
    async () => {
      const xs = await broadcaster.evaluate(
        () => (window as unknown as { send: { samples: VideoSample[] } }).send.samples,
      );
      return (xs.at(-1)?.atMs ?? 0) >= QUALITY_MS;
    },
    QUALITY_MS + 30_000,
    500,
  );
  const sent = await broadcaster.evaluate(
    () => (window as unknown as { send: { samples: VideoSample[] } }).send.samples,
  );
  const received = await Promise.all(
    viewers.map((v) => v.evaluate(() => (window as unknown as { recv: { samples: VideoSample[] } }).recv.samples)),
  );
  const first720 = sent.find((x) => x.width >= 1280);
  const settled = sent.slice(-5);
  console.log(
    `\ningest quality (camera-like 1280x720 30 fps canvas + microphone, H264), first ${QUALITY_MS / 1000} s, kbit/s each second:`,
  );
  console.log(`  sent: ${samplesLine(sent)}`);
  console.log(
    `  1280x720 from ${first720 ? `${(first720.atMs / 1000).toFixed(0)} s` : 'never'}; last 5 s: ${mean(settled.map((x) => x.kbps)).toFixed(0)} kbit/s, ` +
      `limitation ${settled.at(-1)?.reason}, estimate ${Math.max(...sent.map((x) => x.estimateKbps ?? 0))} kbit/s`,
  );
  received.forEach((xs, i) => {
    const last = xs.slice(-5);
    console.log(
      `  viewer ${i + 1} (joined at 2 s): last 5 s ${last.at(-1)?.width}x${last.at(-1)?.height} at ${mean(last.map((x) => x.kbps)).toFixed(0)} kbit/s; ${samplesLine(xs)}`,
    );
  });
  await Promise.all([...viewers, broadcaster].map((p) => p.close()));
  await backend.deleteStream(stream.mediaId);
}

async function main(): Promise<void> {
  console.log(
    `bench:media on ${process.arch}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (the machine is shared)`,
  );
  if (process.env.BENCH_MEDIA === 'whep') {
    await whepCapacity();
    return;
  }
  const server = await startMediaServer();
  const backend = createEmbeddedBackend({ publicBaseUrl: server.url, idleTimeoutMs: 5000 });
  server.backend = backend;
  // The fake camera runs at 20 fps unless told otherwise.
  const browser = await launchBrowser(['--use-fake-device-for-media-stream=fps=30']);
  const context = await localContext(browser);
  const open = async (): Promise<Page> => {
    const p = await context.newPage();
    await p.goto(`${server.url}/page.html`);
    return p;
  };
  const live = (s: MediaStreamInfo): Promise<boolean> =>
    waitFor(`stream ${s.mediaId} live`, () => backend.status(s.mediaId)?.live ?? false, 20_000);

  try {
    // 1. Latency.
    const stream = await backend.createStream({ name: 'latency', audioOnly: false });
    const broadcaster = await open();
    const pub = await broadcaster.evaluate(
      async ({ url, width }) => {
        const canvas = window.media.stampedStream(width, (width * 9) / 16, 30);
        const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
        const s = new MediaStream([...canvas.getVideoTracks(), ...mic.getAudioTracks()]);
        const r = await window.media.whipPublish(url, s);
        return { status: r.status, body: r.body };
      },
      { url: stream.ingestUrl, width: WIDTH },
    );
    if (pub.status !== 201) throw new Error(`WHIP publish failed: ${pub.status} ${pub.body}`);
    await live(stream);

    const whepViewer = await open();
    const whep = await whepViewer.evaluate(
      async ({ url, n, width }) => {
        const video = document.createElement('video');
        document.body.append(video);
        const t0 = performance.now();
        const r = await window.media.whepPlay(url, video);
        if (r.status !== 201) throw new Error(`WHEP ${r.status} ${r.body}`);
        const connectedMs = performance.now() - t0;
        const first = await window.media.sampleLatency(video, {
          n: 1,
          spacingMs: 0,
          sourceWidth: width,
          timeoutMs: 10000,
        });
        const firstFrameMs = performance.now() - t0;
        const samples = await window.media.sampleLatency(video, {
          n,
          spacingMs: 50,
          sourceWidth: width,
          timeoutMs: 30000,
        });
        return { connectedMs, firstFrameMs, first, samples };
      },
      { url: `${server.url}/media/webrtc/${stream.playbackId}`, n: SAMPLES, width: WIDTH },
    );
    await whepViewer.close();
    console.log(
      `WHEP connected in ${whep.connectedMs.toFixed(0)} ms, first readable frame ${whep.firstFrameMs.toFixed(0)} ms after the offer`,
    );
    console.log(`WHEP glass-to-glass: ${fmt(whep.samples)}`);

    // hls.js defaults (3 segments behind the live edge), then 1 segment behind (what the web can
    // ask for with core-web's hlsConfig).
    for (const [label, hlsConfig] of [
      ['core-web/hls.js defaults', undefined],
      ['hlsConfig {liveSyncDurationCount: 1}', { liveSyncDurationCount: 1 }],
    ] as const) {
      const hlsViewer = await open();
      const hls = await hlsViewer.evaluate(
        async ({ url, n, width, config }) => {
          const info = await (await fetch(url)).json();
          const video = document.createElement('video');
          document.body.append(video);
          const t0 = performance.now();
          const player = window.coreWeb.play(info, video, false, config);
          await window.media.sampleLatency(video, { n: 1, spacingMs: 0, sourceWidth: width, timeoutMs: 30000 });
          const firstFrameMs = performance.now() - t0;
          // Let hls.js settle at its live edge before sampling.
          await new Promise((r) => setTimeout(r, 3000));
          const samples = await window.media.sampleLatency(video, {
            n,
            spacingMs: 100,
            sourceWidth: width,
            timeoutMs: 60000,
          });
          const height = video.videoHeight;
          player.destroy();
          return { firstFrameMs, samples, height };
        },
        { url: `${server.url}/media/playback/${stream.playbackId}`, n: SAMPLES, width: WIDTH, config: hlsConfig },
      );
      await hlsViewer.close();
      console.log(
        `HLS (1 s segments, ${label}) first frame ${hls.firstFrameMs.toFixed(0)} ms after load, playing ${hls.height}p`,
      );
      console.log(`HLS glass-to-glass: ${fmt(hls.samples)}`);
    }
    await broadcaster.close();
    await backend.deleteStream(stream.mediaId);

    await quality(backend, server.url, open, live);

    // 3. Capacity: N concurrent ladders fed by real broadcasts.
    console.log(
      `\nladders (1280x720 ${LADDER_SOURCE === 'canvas' ? 'camera-like canvas' : 'fake camera'} at 30 fps -> 720p/480p/360p x264 veryfast zerolatency + AAC), ${SETTLE_MS / 1000} s settle, ${WINDOW_MS / 1000} s window:`,
    );
    for (let n = 1; n <= MAX_LADDERS; n++) {
      const streams = await Promise.all(
        Array.from({ length: n }, (_, i) => backend.createStream({ name: `ladder ${i}`, audioOnly: false })),
      );
      const pages = await Promise.all(streams.map(() => open()));
      await Promise.all(
        pages.map((p, i) =>
          p.evaluate(
            async ({ url, source }) => {
              const s =
                source === 'canvas'
                  ? new MediaStream([
                      ...window.media.busyStream(1280, 720, 30).getVideoTracks(),
                      ...(await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks(),
                    ])
                  : await navigator.mediaDevices.getUserMedia({
                      audio: true,
                      video: { width: 1280, height: 720, frameRate: 30 },
                    });
              const r = await window.media.whipPublish(url, s);
              if (r.status !== 201 || !r.pc) throw new Error(`WHIP ${r.status} ${r.body}`);
              (window as unknown as { send: unknown }).send = window.media.watchVideo(r.pc, 'send');
            },
            { url: streams[i]!.ingestUrl, source: LADDER_SOURCE },
          ),
        ),
      );
      await Promise.all(
        streams.map((s) => waitFor(`ffmpeg of ${s.mediaId}`, () => backend.status(s.mediaId)?.ffmpegPid, 20_000)),
      );
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const pids = streams.map((s) => backend.status(s.mediaId)!.ffmpegPid!);
      const cpu0 = pids.map(cpuSeconds);
      const speeds: number[][] = streams.map(() => []);
      const t0 = Date.now();
      while (Date.now() - t0 < WINDOW_MS) {
        await new Promise((r) => setTimeout(r, 1000));
        streams.forEach((s, i) => {
          const v = backend.status(s.mediaId)?.ffmpegSpeed;
          if (v !== null && v !== undefined) speeds[i]!.push(v);
        });
      }
      const seconds = (Date.now() - t0) / 1000;
      const cpu = pids.map((pid, i) => (cpuSeconds(pid) - cpu0[i]!) / seconds);
      const restarts = streams.map((s) => backend.status(s.mediaId)!.ffmpegRestarts).reduce((a, b) => a + b, 0);
      const inputs = await Promise.all(
        pages.map((p) => p.evaluate(() => (window as unknown as { send: { samples: VideoSample[] } }).send.samples)),
      );
      const windowSamples = inputs.map((xs) => xs.slice(-Math.round(WINDOW_MS / 1000)));
      const meanSpeed = speeds.map((xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
      const minSpeed = Math.min(...speeds.flat());
      console.log(
        `  ${n} ladder(s): speed mean ${meanSpeed.map((v) => v.toFixed(2)).join(' / ')}x, lowest ${minSpeed.toFixed(2)}x; ` +
          `ffmpeg CPU ${cpu.map((c) => c.toFixed(2)).join(' + ')} cores; restarts ${restarts}; load ${loadavg()[0]!.toFixed(2)}; ` +
          `input ${windowSamples.map((xs) => `${xs.at(-1)?.width}x${xs.at(-1)?.height} ${mean(xs.map((x) => x.kbps)).toFixed(0)} kbit/s`).join(' / ')}`,
      );
      await Promise.all(pages.map((p) => p.close()));
      await Promise.all(streams.map((s) => backend.deleteStream(s.mediaId)));
    }
  } finally {
    await context.close();
    await browser.close();
    await backend.close();
    await server.close();
  }
  await whepCapacity();
}

await main();
