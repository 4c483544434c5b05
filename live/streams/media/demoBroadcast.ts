/**
 * The demo broadcast: ffmpeg's own sources (testsrc2, a moving test picture, with the clock drawn
 * on it, and a sine tone that beeps once a second) encoded to H264 and Opus and sent as RTP over
 * loopback UDP to a werift WHIP client (whipClient.ts), which publishes them to a stream's ingest
 * URL exactly as a browser would. The media backend cannot tell it from a broadcaster, so the
 * whole real path (WHIP, WHEP fan-out, the HLS ladder) runs. Supervised: when ffmpeg dies or the
 * session drops, both are torn down and started again after a bounded backoff.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket, createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { type WhipClient, connectWhip } from './whipClient.js';

export interface DemoBroadcastOptions {
  /** The stream's WHIP ingest URL (its key in it). */
  readonly ingestUrl: string;
  /** Default 'ffmpeg'. */
  readonly ffmpegPath?: string;
  /** Default 1280x720. */
  readonly width?: number;
  readonly height?: number;
  /** Default 30. */
  readonly fps?: number;
  /** H264 bitrate, bits per second. Default 2_000_000. */
  readonly videoBitrate?: number;
  /** Text drawn above the clock. */
  readonly label?: string;
  readonly log: {
    info(msg: string, fields?: Record<string, unknown>): void;
    warn(msg: string, fields?: Record<string, unknown>): void;
  };
}

/** What the demo sends, measured over the last few seconds (bits per second). */
export interface DemoStats {
  readonly live: boolean;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly videoBitsPerSecond: number;
  readonly audioBitsPerSecond: number;
  /** Milliseconds from start() to the first RTP packet handed to the WHIP session. */
  readonly firstPacketAfterMs: number | null;
  readonly restarts: number;
}

export interface DemoBroadcast {
  stats(): DemoStats;
  /** Stops ffmpeg and closes the session; the stream goes idle once the backend sees packets stop. */
  stop(): Promise<void>;
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
const WINDOW_MS = 4000;

/** ffmpeg's arguments: two lavfi inputs in real time, RTP out to `videoPort` and `audioPort`. */
export function demoFfmpegArgs(o: {
  width: number;
  height: number;
  fps: number;
  videoBitrate: number;
  label: string;
  videoPort: number;
  audioPort: number;
  font: string | null;
}): string[] {
  // `localtime` without a format prints "%Y-%m-%d %H:%M:%S": no colons to escape in the filter.
  const size = Math.round(o.height / 12);
  const text = o.font
    ? `,drawtext=fontfile=${o.font}:text='${o.label.replace(/[':\\%]/g, '')}':x=(w-tw)/2:y=h/2-${size * 1.5}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=12` +
      `,drawtext=fontfile=${o.font}:text='%{localtime}':x=(w-tw)/2:y=h/2:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=12`
    : '';
  const rtp = (port: number): string => `udp://127.0.0.1:${port}?pkt_size=1200`;
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostats',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`,
    '-re',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:beep_factor=4:sample_rate=48000',
    '-filter_complex',
    `[0:v]format=yuv420p${text}[v]`,
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-level',
    '3.1',
    '-pix_fmt',
    'yuv420p',
    // A keyframe every second: ffmpeg cannot answer the server's keyframe requests (PLI), so a
    // new viewer or a restarted ladder waits at most a second for one.
    '-g',
    String(o.fps),
    '-keyint_min',
    String(o.fps),
    '-sc_threshold',
    '0',
    '-b:v',
    String(o.videoBitrate),
    '-maxrate',
    String(o.videoBitrate),
    '-bufsize',
    String(o.videoBitrate),
    // The RTP muxer moves SPS/PPS to the SDP; decoders downstream need them in band, on keyframes.
    '-bsf:v',
    'dump_extra=freq=keyframe',
    '-f',
    'rtp',
    '-payload_type',
    '102',
    rtp(o.videoPort),
    '-map',
    '1:a',
    '-c:a',
    'libopus',
    '-b:a',
    '64000',
    '-ac',
    '2',
    '-ar',
    '48000',
    '-f',
    'rtp',
    '-payload_type',
    '111',
    rtp(o.audioPort),
  ];
}

/** A UDP socket on a free loopback port (ffmpeg's RTP output lands there). */
export async function bindLoopback(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve());
  });
  return s;
}

/** RTCP (SR, RR, SDES, BYE, APP: payload types 200-204) shares the port over plain UDP; werift sends its own. */
const isRtcp = (b: Buffer): boolean => b.length > 1 && b[1]! >= 200 && b[1]! <= 204;

/** Starts the demo broadcast to `ingestUrl` and keeps it running until stop(). */
export function startDemoBroadcast(opts: DemoBroadcastOptions): DemoBroadcast {
  const width = opts.width ?? 1280;
  const height = opts.height ?? 720;
  const fps = opts.fps ?? 30;
  const videoBitrate = opts.videoBitrate ?? 2_000_000;
  const font = existsSync(FONT) ? FONT : null;
  const startedAt = Date.now();
  let firstPacketAt: number | null = null;
  let stopped = false;
  let restarts = 0;
  let child: ChildProcess | null = null;
  let client: WhipClient | null = null;
  let sockets: Socket[] = [];
  let retry: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  // Bytes sent per 250 ms bucket, for the rolling bitrate.
  const samples: { at: number; video: number; audio: number }[] = [];

  const count = (kind: 'video' | 'audio', bytes: number): void => {
    const now = Date.now();
    firstPacketAt ??= now;
    const last = samples.at(-1);
    if (last && now - last.at < 250) last[kind] += bytes;
    else samples.push({ at: now, video: kind === 'video' ? bytes : 0, audio: kind === 'audio' ? bytes : 0 });
    while (samples.length && now - samples[0]!.at > WINDOW_MS) samples.shift();
  };

  async function teardown(): Promise<void> {
    const c = child;
    child = null;
    if (c && c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
    for (const s of sockets) s.close();
    sockets = [];
    await client?.close();
    client = null;
  }

  /** One session: connect, run ffmpeg, resolve when either ends. */
  async function session(): Promise<void> {
    client = await connectWhip(opts.ingestUrl, { video: true });
    const [v, a] = [await bindLoopback(), await bindLoopback()];
    sockets = [v, a];
    const c = client;
    v.on('message', (b: Buffer) => {
      if (isRtcp(b)) return;
      c.video!.writeRtp(b);
      count('video', b.length);
    });
    a.on('message', (b: Buffer) => {
      if (isRtcp(b)) return;
      c.audio.writeRtp(b);
      count('audio', b.length);
    });
    const args = demoFfmpegArgs({
      width,
      height,
      fps,
      videoBitrate,
      label: opts.label ?? 'BLive demo',
      videoPort: v.address().port,
      audioPort: a.address().port,
      font,
    });
    const proc = spawn(opts.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    opts.log.info('demo broadcast started', { pid: proc.pid, width, height, fps, video_bitrate: videoBitrate });
    await new Promise<void>((resolve) => {
      wake = resolve;
      proc.once('exit', (code, signal) => {
        if (!stopped) opts.log.warn('demo ffmpeg exited', { code, signal, stderr_tail: stderr });
        resolve();
      });
      proc.once('error', (err) => {
        opts.log.warn('demo ffmpeg could not start', { error: err.message });
        resolve();
      });
      const watch = setInterval(() => {
        if (stopped || c.state === 'failed' || c.state === 'closed') {
          clearInterval(watch);
          resolve();
        }
      }, 500);
      proc.once('exit', () => clearInterval(watch));
    });
    wake = null;
  }

  async function run(): Promise<void> {
    let backoff = 1000;
    while (!stopped) {
      const began = Date.now();
      try {
        await session();
      } catch (err) {
        if (!stopped) opts.log.warn('demo broadcast could not connect', { error: (err as Error).message });
      }
      await teardown();
      if (stopped) return;
      restarts++;
      // A session that held a while starts the backoff over.
      backoff = Date.now() - began > 60_000 ? 1000 : Math.min(backoff * 2, 30_000);
      await new Promise<void>((r) => {
        retry = setTimeout(r, backoff);
        wake = r;
      });
      retry = null;
    }
  }
  const running = run();

  return {
    stats(): DemoStats {
      const now = Date.now();
      const recent = samples.filter((s) => now - s.at <= WINDOW_MS);
      const span = recent.length ? Math.max(1000, now - recent[0]!.at) : 1;
      const sum = (k: 'video' | 'audio'): number => recent.reduce((t, s) => t + s[k], 0);
      return {
        live: client?.state === 'connected' && recent.length > 0,
        width,
        height,
        fps,
        videoBitsPerSecond: Math.round((sum('video') * 8 * 1000) / span),
        audioBitsPerSecond: Math.round((sum('audio') * 8 * 1000) / span),
        firstPacketAfterMs: firstPacketAt === null ? null : firstPacketAt - startedAt,
        restarts,
      };
    },
    async stop() {
      if (stopped) return running;
      stopped = true;
      if (retry) clearTimeout(retry);
      wake?.();
      await running;
    },
  };
}
