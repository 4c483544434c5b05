/**
 * Something live on first start: `startPlatform` on a fresh data directory (as `npm start`) runs
 * the demo broadcast through the real WHIP ingest, so the stream list shows alice's stream live,
 * and a viewer decodes frames of it from the HLS ladder the ingest feeds; its card has a preview, a
 * viewer clips it, and after a restart it is a recording. DEMO_STREAM=0 turns it off.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Platform, startPlatform } from '../../platform/platform.js';
import { tempDir } from '../helpers/indexer.js';
import { waitFor } from '../helpers/media.js';

type Row = Record<string, any>;
const run = promisify(execFile);

describe('platform: the demo broadcast on first start', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof tempDir>;
  let platform: Platform | undefined;
  let startedAt = 0;
  const opts = (env: Record<string, string>): Parameters<typeof startPlatform>[0] => ({
    port: 0,
    devnetPort: 0,
    blockTime: 1,
    dataDir: path.join(tmp.dir, 'data'),
    deploymentsFile: path.join(tmp.dir, 'deployments', 'development.json'),
    webDist: path.join(tmp.dir, 'dist'),
    env,
    log: () => {},
  });

  before(async function () {
    tmp = tempDir('demo-recordings-platform-');
    mkdirSync(path.join(tmp.dir, 'dist'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'dist', 'index.html'), '<!doctype html><title>BLive</title>');
    startedAt = Date.now();
    platform = await startPlatform(opts({}));
  });

  after(async function () {
    await platform?.close();
    tmp?.cleanup();
  });

  /** ffprobe over HTTP: the first video stream's size and the frames it decoded. */
  async function decode(url: string): Promise<{ width: number; height: number; frames: number }> {
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=width,height,nb_read_frames', '-of', 'json', url],
    ]);
    const v = (JSON.parse(stdout) as { streams: Row[] }).streams[0]!;
    return { width: v.width, height: v.height, frames: Number(v.nb_read_frames) };
  }

  const api = async (p: string): Promise<Row> => (await (await fetch(`${platform!.url}${p}`)).json()) as Row;

  it('lists the demo broadcaster live, and a viewer decodes 1280x720 frames of it from the HLS ladder', async function () {
    const alice = platform!.accounts[1]!.address;
    const live = await waitFor('a live stream', async () => (await api('/api/streams?state=live')).nodes[0], 60_000);
    const liveAfterMs = Date.now() - startedAt;
    assert.equal(live.owner, alice);
    assert.equal(live.ownerHandle, 'alice');
    assert.equal(live.streamId, platform!.demo!.streamId);
    const detail = await api(`/api/streams/${live.streamId}`);
    const hls = (detail.playbackInfo.meta.source as Row[]).find((s) => s.hrn === 'HLS (TS)');
    assert.ok(hls, JSON.stringify(detail.playbackInfo));
    const playlist = `${new URL(hls.url).origin}/media/hls/${live.playbackId}/720p/index.m3u8`;
    const segment = await waitFor(
      'a 720p segment',
      async () => {
        const res = await fetch(playlist);
        return res.ok ? /^seg_\d+\.ts$/m.exec(await res.text())?.[0] : undefined;
      },
      30_000,
    );
    const file = path.join(tmp.dir, 'seg.ts');
    writeFileSync(file, Buffer.from(await (await fetch(playlist.replace('index.m3u8', segment))).arrayBuffer()));
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file],
    ]);
    const [video] = (JSON.parse(stdout) as { streams: Row[] }).streams;
    assert.equal(video!.codec_name, 'h264');
    assert.deepEqual([video!.width, video!.height], [1280, 720]);
    assert.ok(Number(video!.nb_read_frames) >= 15, `frames decoded from one 1 s segment: ${video!.nb_read_frames}`);
    const stats = platform!.demo!.broadcast.stats();
    assert.ok(stats.live);
    assert.ok(stats.videoBitsPerSecond > 500_000, `the demo sends real video: ${stats.videoBitsPerSecond} bit/s`);
    console.log(
      `      demo: ${stats.width}x${stats.height}@${stats.fps}, video ${Math.round(stats.videoBitsPerSecond / 1000)} kbit/s, audio ${Math.round(stats.audioBitsPerSecond / 1000)} kbit/s; live ${liveAfterMs} ms after startPlatform began (first packet ${stats.firstPacketAfterMs} ms after the demo started); ${video!.nb_read_frames} frames in one segment`,
    );
  });

  it('shows a preview on the live card, and a signed-in viewer clips the demo into a clip page that plays', async function () {
    const [card] = (await api('/api/streams?state=live')).nodes as Row[];
    const preview = await waitFor(
      'the preview',
      async () => {
        const r = await fetch(card!.previewUrl);
        return r.ok ? Buffer.from(await r.arrayBuffer()) : undefined;
      },
      40_000,
    );
    assert.deepEqual([...preview.subarray(0, 2)], [0xff, 0xd8]);
    const bob = platform!.accounts[2]!.address;
    // Some seconds of broadcast to clip (the clip takes what there is, up to the 30 s asked): the
    // ladder's live playlist lists its last 6 segments, all of which the archive keeps.
    const detail = await api(`/api/streams/${card!.streamId}`);
    const hls = (detail.playbackInfo.meta.source as Row[]).find((x) => x.hrn === 'HLS (TS)')!.url as string;
    await waitFor(
      'five segments',
      async () =>
        ((await (await fetch(hls.replace('index.m3u8', '720p/index.m3u8'))).text()).match(/\.ts$/gm)?.length ?? 0) >= 5,
      60_000,
    );
    const clip = await platform!.live.streams.clip(bob, Number(card!.streamId), { seconds: 30 });
    const page = await api(`/api/clips/${clip.clipId}`);
    assert.equal(page.createdBy, bob);
    assert.equal(page.streamId, card!.streamId);
    assert.equal(page.ownerHandle, 'alice');
    const decoded = await decode(page.playbackInfo.meta.source[0].url);
    assert.deepEqual([decoded.width, decoded.height], [1280, 720]);
    assert.ok(page.durationSeconds >= 5, `clip of ${page.durationSeconds} s`);
    assert.ok(decoded.frames >= page.durationSeconds * 30 * 0.8, `${decoded.frames} frames`);
    console.log(
      `      clip: ${page.durationSeconds.toFixed(1)} s, ${decoded.frames} frames; preview ${preview.length} bytes`,
    );
  });

  it('stays off with DEMO_STREAM=0: restarted, the stream is idle, and the demo broadcast is a recording that plays until deleted', async function () {
    await platform!.close();
    platform = undefined;
    platform = await startPlatform(opts({ DEMO_STREAM: '0' }));
    assert.equal(platform.demo, undefined);
    const streams = await api('/api/streams');
    assert.deepEqual(
      streams.nodes.map((s: Row) => s.state),
      ['idle'],
    );
    const [card] = streams.nodes as Row[];
    assert.ok(card!.recording, 'the card offers the recording');
    const detail = await api(`/api/streams/${card!.streamId}`);
    const [rec] = detail.recordings as Row[];
    assert.deepEqual(rec, card!.recording);
    const url = rec!.playbackInfo.meta.source[0].url as string;
    assert.match(await (await fetch(url.replace('index.m3u8', '360p/index.m3u8'))).text(), /#EXT-X-ENDLIST/);
    const decoded = await decode(url);
    assert.ok(decoded.frames >= 30, `${decoded.frames} frames`);
    const alice = platform.accounts[1]!.address;
    await platform.live.streams.deleteRecording(alice, Number(card!.streamId), rec!.recordingId);
    assert.deepEqual((await api(`/api/streams/${card!.streamId}`)).recordings, []);
    assert.equal((await fetch(url)).status, 404);
  });
});
