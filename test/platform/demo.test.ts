/**
 * Something live on first start: `startPlatform` on a fresh data directory (as `npm start`) runs
 * the demo broadcast through the real WHIP ingest, so the stream list shows alice's stream live,
 * and a viewer decodes frames of it from the HLS ladder the ingest feeds. DEMO_STREAM=0 turns it off.
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

  it('stays off with DEMO_STREAM=0: restarted, the stream is idle and nothing broadcasts', async function () {
    await platform!.close();
    platform = undefined;
    platform = await startPlatform(opts({ DEMO_STREAM: '0' }));
    assert.equal(platform.demo, undefined);
    const streams = await api('/api/streams');
    assert.deepEqual(
      streams.nodes.map((s: Row) => s.state),
      ['idle'],
    );
  });
});
