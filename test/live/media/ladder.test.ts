/**
 * HlsLadder's supervision bounds, with a stand-in "ffmpeg" that always dies (a real process: a
 * shell script that writes to stderr and exits 3). The real ffmpeg is exercised in embedded.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LADDER, HlsLadder, ffmpegArgs } from '../../../live/streams/media/embedded/ladder.js';
import { waitFor } from '../../helpers/media.js';

const H264 = { payloadType: 102, name: 'H264', clockRate: 90000, fmtp: 'packetization-mode=1;profile-level-id=42e01f' };
const OPUS = { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2, fmtp: 'minptime=10;useinbandfec=1' };

describe('HLS ladder supervision', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'blive-ladder-test-'));
    await writeFile(join(tmp, 'dying-ffmpeg'), '#!/bin/sh\necho "stand-in ffmpeg dies" >&2\nexit 3\n');
    await chmod(join(tmp, 'dying-ffmpeg'), 0o755);
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  it('restarts a dying ffmpeg with backoff, gives up after maxRestarts in the window, logs the stderr tail, and stop() removes the files', async () => {
    const records: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    const rec = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
      records.push({ level, msg, ...(fields ? { fields } : {}) });
    let keyframes = 0;
    const dir = join(tmp, 'ladder');
    const ladder = new HlsLadder({
      ffmpegPath: join(tmp, 'dying-ffmpeg'),
      dir,
      codecs: { video: H264, audio: OPUS },
      config: DEFAULT_LADDER,
      log: { info: rec('info'), warn: rec('warn'), error: rec('error') },
      onNeedKeyframe: () => keyframes++,
      maxRestarts: 3,
      restartWindowMs: 60_000,
    });
    await ladder.start();
    assert.ok(existsSync(join(dir, 'stream.sdp')));
    const sdp = await readFile(join(dir, 'stream.sdp'), 'utf8');
    assert.match(sdp, /^m=video \d+ RTP\/AVP 102$/m);
    assert.match(sdp, /^a=rtpmap:111 opus\/48000\/2$/m);

    await waitFor('the ladder to give up', () => ladder.failed, 10_000);
    assert.equal(ladder.restarts, 3);
    const exits = records.filter((r) => r.msg === 'ffmpeg exited');
    assert.equal(exits.length, 4);
    assert.equal(exits[0]!.fields!.code, 3);
    assert.match(String(exits[0]!.fields!.stderr_tail), /stand-in ffmpeg dies/);
    assert.equal(records.filter((r) => r.msg === 'restarting ffmpeg').length, 3);
    assert.ok(records.some((r) => r.level === 'error' && /keeps dying/.test(r.msg)));
    assert.ok(keyframes >= 4, `keyframe requests: ${keyframes}`);
    assert.equal(ladder.pid, undefined);

    await ladder.stop();
    assert.equal(existsSync(dir), false);
  });

  it('builds one rendition per rung with aligned keyframes, or a single audio rendition', () => {
    const args = ffmpegArgs('/x/stream.sdp', '/x', { video: H264, audio: OPUS }, DEFAULT_LADDER);
    const at = (flag: string) => args[args.indexOf(flag) + 1];
    assert.equal(at('-var_stream_map'), 'v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p');
    assert.equal(at('-force_key_frames'), 'expr:gte(t,n_forced*1)');
    assert.equal(at('-g'), '30');
    assert.equal(at('-sc_threshold'), '0');
    assert.match(
      at('-filter_complex')!,
      /split=3\[s0\]\[s1\]\[s2\];\[s0\]scale=-2:720\[v0\];\[s1\]scale=-2:480\[v1\];\[s2\]scale=-2:360\[v2\]/,
    );
    const audio = ffmpegArgs('/x/stream.sdp', '/x', { audio: OPUS }, DEFAULT_LADDER);
    assert.equal(audio[audio.indexOf('-var_stream_map') + 1], 'a:0,name:audio');
    assert.equal(audio.includes('-filter_complex'), false);
  });
});
