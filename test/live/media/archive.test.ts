/**
 * Previews, recordings and clips of the embedded backend against real parts: the demo broadcast
 * (ffmpeg's test picture and tone, published over WHIP by werift) into the backend, ffmpeg's HLS
 * ladder, and ffprobe decoding what the backend serves.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MediaEvent, MediaStream } from '../../../live/streams/media/backend.js';
import { type DemoBroadcast, startDemoBroadcast } from '../../../live/streams/media/demoBroadcast.js';
import { PREVIEW_EVERY_MS, Tap } from '../../../live/streams/media/embedded/archive.js';
import { type EmbeddedMediaBackend, createEmbeddedBackend } from '../../../live/streams/media/embedded/backend.js';
import { type MediaServer, startMediaServer, waitFor } from '../../helpers/media.js';

const run = promisify(execFile);
const quiet = { info: () => {}, warn: () => {} };

/** ffprobe of a URL or file: the first video stream's size and the frames it decoded. */
async function decode(url: string): Promise<{ width: number; height: number; frames: number }> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=width,height,nb_read_frames', '-of', 'json', url],
  ]);
  const s = (JSON.parse(stdout) as { streams: { width: number; height: number; nb_read_frames: string }[] })
    .streams[0]!;
  return { width: s.width, height: s.height, frames: Number(s.nb_read_frames) };
}

describe('embedded media backend: previews, recordings and clips', function () {
  this.timeout(120_000);
  let server: MediaServer;
  let backend: EmbeddedMediaBackend;
  let work: string;
  const events: MediaEvent[] = [];
  /** Recording folders of the recorded broadcast (the unrecorded one must leave none). */
  const recorded = new Set<string>();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'demo-recordings-archive-'));
    server = await startMediaServer();
    backend = createEmbeddedBackend({
      publicBaseUrl: server.url,
      workDir: work,
      idleTimeoutMs: 1500,
      // One rung keeps the test light on two cores; the archive treats every rung alike.
      ladder: { renditions: [{ name: '360p', height: 360, videoBitrate: 700_000 }] },
    });
    server.backend = backend;
    backend.onEvent((e) => events.push(e));
  });

  after(async () => {
    await backend?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  // 60 s: ffmpeg's encoder, the WHIP handshake and the ladder start slowly when the parallel suite
  // loads both cores (20 s was seen to run out there; alone it takes about 2 s).
  const eventOf = (type: MediaEvent['type'], s: MediaStream, after = 0): Promise<MediaEvent> =>
    waitFor(
      `${type} event`,
      () => events.find((e, i) => i >= after && e.type === type && e.mediaId === s.mediaId),
      60_000,
    );

  /** The demo broadcast, 640x360, into `s`, until it is live. */
  async function broadcast(s: MediaStream): Promise<DemoBroadcast> {
    const from = events.length;
    const demo = startDemoBroadcast({
      ingestUrl: s.ingestUrl,
      width: 640,
      height: 360,
      videoBitrate: 600_000,
      log: quiet,
    });
    await eventOf('started', s, from);
    return demo;
  }

  describe('a recorded broadcast', () => {
    let stream: MediaStream;
    let demo: DemoBroadcast;

    before(async () => {
      stream = await backend.createStream({ name: 'recorded', audioOnly: false });
      demo = await broadcast(stream);
    });
    after(() => demo?.stop());

    it('serves a JPEG preview of the live picture at the stream size, with cache headers, and names it in previewUrl', async () => {
      const url = await waitFor('a preview URL', () => backend.previewUrl(stream.playbackId), 20_000);
      assert.equal(url, `${server.url}/media/preview/${stream.playbackId}.jpg`);
      const res = await waitFor(
        'the preview',
        async () => {
          const r = await fetch(url);
          return r.ok ? r : undefined;
        },
        20_000,
      );
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=15');
      const body = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...body.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG (SOI marker)');
      const file = join(work, 'preview.jpg');
      await import('node:fs/promises').then((fs) => fs.writeFile(file, body));
      const { width, height } = await decode(file);
      assert.deepEqual([width, height], [640, 360]);
      console.log(`      preview: ${width}x${height}, ${body.length} bytes`);
    });

    it('clips the last seconds of the live broadcast into a VOD playlist that decodes', async () => {
      // Some seconds of segments to clip: the live playlist lists its last segments, all kept.
      await waitFor(
        'four segments',
        async () =>
          ((await (await fetch(`${server.url}/media/hls/${stream.playbackId}/360p/index.m3u8`)).text()).match(/\.ts$/gm)
            ?.length ?? 0) >= 4,
        30_000,
      );
      const clip = await backend.createClip(stream.mediaId, 30);
      assert.match(clip.clipId, /^[0-9a-f]{16}$/);
      assert.equal(clip.playbackInfo.type, 'vod');
      assert.ok(clip.durationSeconds >= 3 && clip.durationSeconds <= 60, String(clip.durationSeconds));
      const master = clip.playbackInfo.meta.source[0]!.url;
      const rendition = await (await fetch(master.replace('index.m3u8', '360p/index.m3u8'))).text();
      assert.match(rendition, /#EXT-X-ENDLIST/);
      const decoded = await decode(master);
      assert.deepEqual([decoded.width, decoded.height], [640, 360]);
      assert.ok(
        decoded.frames >= clip.durationSeconds * 30 * 0.8,
        `${decoded.frames} frames in ${clip.durationSeconds} s`,
      );
      assert.deepEqual(await backend.clip(clip.clipId), clip);
      assert.equal((await fetch(clip.thumbnailUrl!)).headers.get('content-type'), 'image/jpeg');
    });

    it('keeps the broadcast as a recording when it ends: a VOD playlist with ENDLIST whose segments decode, a duration and a thumbnail', async () => {
      const from = events.length;
      await demo.stop();
      await eventOf('idle', stream, from);
      assert.equal(backend.previewUrl(stream.playbackId), null, 'no preview once not live');
      const [rec, ...more] = await waitFor('the recording', async () => {
        const list = await backend.recordings(stream.playbackId);
        return list.length ? list : undefined;
      });
      assert.equal(more.length, 0);
      assert.deepEqual(backend.latestRecording(stream.playbackId), rec);
      assert.ok(rec!.durationSeconds >= 3, `duration ${rec!.durationSeconds}`);
      assert.ok(rec!.endedAt! > rec!.startedAt);
      const master = rec!.playbackInfo.meta.source[0]!.url;
      const playlist = await (await fetch(master.replace('index.m3u8', '360p/index.m3u8'))).text();
      assert.match(playlist, /#EXT-X-PLAYLIST-TYPE:VOD/);
      assert.match(playlist, /#EXT-X-ENDLIST\n$/);
      const decoded = await decode(master);
      assert.deepEqual([decoded.width, decoded.height], [640, 360]);
      assert.ok(
        decoded.frames >= rec!.durationSeconds * 30 * 0.8,
        `${decoded.frames} frames in ${rec!.durationSeconds} s`,
      );
      const thumb = await fetch(rec!.thumbnailUrl!);
      assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
      console.log(`      recording: ${rec!.durationSeconds.toFixed(1)} s, ${decoded.frames} frames decoded`);
    });

    it('is still listed by a new backend on the same folder, and gone after deletion (its files and URLs too)', async () => {
      const [rec] = await backend.recordings(stream.playbackId);
      recorded.add(rec!.recordingId);
      const again = createEmbeddedBackend({ publicBaseUrl: server.url, workDir: work, hls: false });
      assert.deepEqual(
        (await again.recordings(stream.playbackId)).map((r) => r.recordingId),
        [rec!.recordingId],
      );
      await again.close();
      assert.equal(await backend.deleteRecording(stream.playbackId, 'ffffffffffffffff'), false);
      assert.equal(await backend.deleteRecording(stream.playbackId, rec!.recordingId), true);
      assert.deepEqual(await backend.recordings(stream.playbackId), []);
      assert.equal(backend.latestRecording(stream.playbackId), null);
      assert.equal((await fetch(rec!.playbackInfo.meta.source[0]!.url)).status, 404);
      assert.equal(existsSync(join(work, 'archive', 'rec', rec!.recordingId)), false);
    });
  });

  it('keeps no recording of a stream with recording off', async () => {
    const stream = await backend.createStream({ name: 'unrecorded', audioOnly: false, record: false });
    const demo = await broadcast(stream);
    // A preview was grabbed: segments were flowing into the tap, which would have kept them.
    await waitFor(
      'a preview',
      async () => (await fetch(`${server.url}/media/preview/${stream.playbackId}.jpg`)).ok,
      20_000,
    );
    const from = events.length;
    await demo.stop();
    await eventOf('idle', stream, from);
    // The 'idle' event comes after the tap finished (endBroadcast awaits it before emitting).
    assert.deepEqual(await backend.recordings(stream.playbackId), []);
    assert.deepEqual(
      readdirSync(join(work, 'archive', 'rec')).filter((d) => !recorded.has(d)),
      [],
      'no folder left',
    );
  });
});

describe('embedded media backend: a preview grab that fails', function () {
  it('is tried again within seconds, not at the next 30 s snapshot', async function () {
    this.timeout(60_000);
    const work = mkdtempSync(join(tmpdir(), 'blive-preview-retry-'));
    try {
      const ladder = join(work, 'ladder');
      mkdirSync(join(ladder, '360p'), { recursive: true });
      // One real 1 s segment of ffmpeg's test picture, listed the way the ladder lists its own.
      await run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30', '-t', '1'],
        ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mpegts', join(ladder, '360p', 'seg_1.ts')],
      ]);
      writeFileSync(
        join(ladder, '360p', 'index.m3u8'),
        '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:1.000,\nseg_1.ts\n',
      );
      // An ffmpeg whose first run fails, as a grab on a segment it cannot decode would.
      const calls = join(work, 'calls');
      const ffmpeg = join(work, 'ffmpeg-once-broken');
      writeFileSync(
        ffmpeg,
        `#!/bin/sh\necho x >> '${calls}'\n[ "$(wc -l < '${calls}')" -eq 1 ] && exit 1\nexec ffmpeg "$@"\n`,
      );
      chmodSync(ffmpeg, 0o755);
      const warned: string[] = [];
      const tap = new Tap({
        ffmpegPath: ffmpeg,
        ladderDir: ladder,
        dir: join(work, 'archive'),
        playbackId: '0123456789abcdef',
        recordingId: 'r',
        renditions: ['360p'],
        record: false,
        log: { debug: () => {}, info: () => {}, error: () => {}, warn: (msg: string) => void warned.push(msg) },
        now: Date.now,
      });
      tap.start();
      try {
        const started = Date.now();
        await waitFor('the preview after a failed grab', () => existsSync(tap.previewPath), 15_000);
        assert.deepEqual(warned, ['preview failed'], 'the failed grab was reported');
        assert.ok(Date.now() - started < PREVIEW_EVERY_MS / 2, 'long before the next regular snapshot');
      } finally {
        await tap.finish();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
