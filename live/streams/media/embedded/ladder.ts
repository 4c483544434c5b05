/**
 * The HLS ladder of one live broadcast: the ingest's RTP forwarded over loopback UDP to an ffmpeg
 * process that reads a plain SDP file and writes 720p/480p/360p (or audio-only) HLS renditions and
 * a master playlist. ffmpeg is supervised: restarted with a bounded backoff if it dies while the
 * broadcast is live, killed and its files removed when the ladder stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket, createSocket } from 'node:dgram';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type MediaKind, type RtpInput, type SdpCodec, ffmpegSdp } from './sdp.js';

/** One video rung. */
export interface Rendition {
  /** Directory and HLS NAME, e.g. '720p'. */
  readonly name: string;
  readonly height: number;
  /** Target video bitrate, bits per second. */
  readonly videoBitrate: number;
}

export interface LadderConfig {
  readonly renditions: readonly Rendition[];
  /** Target segment duration; keyframes are forced on these boundaries in every rung. */
  readonly segmentSeconds: number;
  /** Output frame rate (WebRTC input has a variable one). */
  readonly fps: number;
  /** AAC bitrate, bits per second. */
  readonly audioBitrate: number;
  /** x264 preset. */
  readonly preset: string;
  /** Segments kept in each rendition playlist. */
  readonly listSize: number;
}

export const DEFAULT_LADDER: LadderConfig = {
  renditions: [
    { name: '720p', height: 720, videoBitrate: 2_500_000 },
    { name: '480p', height: 480, videoBitrate: 1_200_000 },
    { name: '360p', height: 360, videoBitrate: 700_000 },
  ],
  segmentSeconds: 1,
  fps: 30,
  audioBitrate: 128_000,
  preset: 'veryfast',
  listSize: 6,
};

/** Name of the audio-only rendition. */
export const AUDIO_RENDITION = 'audio';
/** Master playlist file name, in the ladder's directory. */
export const MASTER_PLAYLIST = 'index.m3u8';

export interface LadderLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LadderOptions {
  readonly ffmpegPath: string;
  /** Directory owned by this ladder; created on start, removed on stop. */
  readonly dir: string;
  readonly codecs: Partial<Record<MediaKind, SdpCodec>>;
  readonly config: LadderConfig;
  readonly log: LadderLog;
  /** Called whenever ffmpeg (re)starts and needs a keyframe to begin decoding. */
  readonly onNeedKeyframe: () => void;
  /** Restarts allowed within `restartWindowMs` before the ladder gives up. */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
}

const STDERR_TAIL_LINES = 20;
/**
 * Browsers send keyframes only when asked, and ffmpeg can decode nothing before one (with its
 * SPS/PPS). A request may arrive before ffmpeg has opened its sockets or finished probing, so we
 * ask every second until ffmpeg reports output, for at most this long.
 */
const KEYFRAME_EVERY_MS = 1000;
const KEYFRAME_FOR_MS = 30_000;

/** Binds an even UDP port whose successor (RTCP) is also free, then releases both for ffmpeg. */
async function freeRtpPort(): Promise<number> {
  const bind = (port: number): Promise<Socket | null> =>
    new Promise((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(null);
      });
      s.bind(port, '127.0.0.1', () => resolve(s));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = await bind(0);
    if (!a) continue;
    const port = a.address().port;
    if (port % 2 !== 0 || port >= 65535) {
      a.close();
      continue;
    }
    const b = await bind(port + 1);
    a.close();
    if (!b) continue;
    b.close();
    return port;
  }
  throw new Error('no free UDP port pair on 127.0.0.1');
}

/** ffmpeg's arguments for the ladder; exported for the bench and for reading. */
export function ffmpegArgs(
  sdpPath: string,
  dir: string,
  codecs: Partial<Record<MediaKind, SdpCodec>>,
  config: LadderConfig,
): string[] {
  const input = [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-nostats',
    '-progress',
    'pipe:1',
    '-protocol_whitelist',
    'file,udp,rtp',
    '-fflags',
    '+genpts+nobuffer',
    '-reorder_queue_size',
    '128',
    '-max_delay',
    '200000',
    '-i',
    sdpPath,
  ];
  const audio = codecs.audio ? ['-c:a', 'aac', '-b:a', String(config.audioBitrate), '-ac', '2', '-ar', '48000'] : [];
  const hls = (streamMap: string): string[] => [
    '-f',
    'hls',
    '-hls_time',
    String(config.segmentSeconds),
    '-hls_list_size',
    String(config.listSize),
    '-hls_flags',
    'delete_segments+independent_segments',
    // Sequence numbers from the clock keep growing across ffmpeg restarts, so players never see
    // a playlist go backwards.
    '-hls_start_number_source',
    'epoch',
    '-master_pl_name',
    MASTER_PLAYLIST,
    '-var_stream_map',
    streamMap,
    '-hls_segment_filename',
    join(dir, '%v', 'seg_%d.ts'),
    join(dir, '%v', 'index.m3u8'),
  ];
  if (!codecs.video) {
    return [...input, '-map', '0:a', ...audio, ...hls(`a:0,name:${AUDIO_RENDITION}`)];
  }
  const n = config.renditions.length;
  const split = config.renditions.map((_, i) => `[s${i}]`).join('');
  const scales = config.renditions.map((r, i) => `[s${i}]scale=-2:${r.height}[v${i}]`).join(';');
  const filter = `[0:v]fps=${config.fps},split=${n}${split};${scales}`;
  const maps = config.renditions.flatMap((_, i) => ['-map', `[v${i}]`, ...(codecs.audio ? ['-map', '0:a'] : [])]);
  const rates = config.renditions.flatMap((r, i) => [
    `-b:v:${i}`,
    String(r.videoBitrate),
    `-maxrate:v:${i}`,
    String(Math.round(r.videoBitrate * 1.1)),
    `-bufsize:v:${i}`,
    String(r.videoBitrate * 2),
  ]);
  const gop = Math.round(config.fps * config.segmentSeconds);
  const video = [
    '-c:v',
    'libx264',
    '-preset',
    config.preset,
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    // Keyframes on the same boundaries in every rung, so segments align across renditions.
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    '-force_key_frames',
    `expr:gte(t,n_forced*${config.segmentSeconds})`,
    ...rates,
  ];
  const streamMap = config.renditions.map((r, i) => `v:${i}${codecs.audio ? `,a:${i}` : ''},name:${r.name}`).join(' ');
  return [...input, '-filter_complex', filter, ...maps, ...video, ...audio, ...hls(streamMap)];
}

/** One supervised ffmpeg process turning forwarded RTP into HLS. */
export class HlsLadder {
  private child: ChildProcess | null = null;
  private socket: Socket | null = null;
  private ports: Partial<Record<MediaKind, number>> = {};
  private stopped = false;
  private restartTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | null = null;
  private keyframeTimer: NodeJS.Timeout | null = null;
  private stderrTail: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  /** ffmpeg's last reported `speed=` (1 = real time); null before the first progress report. */
  speed: number | null = null;
  /** How many times ffmpeg was restarted after dying. */
  restarts = 0;
  /** True when ffmpeg died too often and the ladder gave up until the next broadcast. */
  failed = false;

  constructor(private readonly opts: LadderOptions) {}

  /** The directory holding this ladder's playlists and segments. */
  get dir(): string {
    return this.opts.dir;
  }

  /** The pid of the running ffmpeg, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Creates the directory, picks the ports, writes the SDP file and starts ffmpeg. */
  async start(): Promise<void> {
    const { dir, codecs, config } = this.opts;
    await mkdir(dir, { recursive: true });
    const inputs: Partial<Record<MediaKind, RtpInput>> = {};
    for (const kind of ['video', 'audio'] as const) {
      const codec = codecs[kind];
      if (!codec) continue;
      const port = await freeRtpPort();
      this.ports[kind] = port;
      inputs[kind] = { codec, port };
    }
    const names = codecs.video ? config.renditions.map((r) => r.name) : [AUDIO_RENDITION];
    await Promise.all(names.map((n) => mkdir(join(dir, n), { recursive: true })));
    await writeFile(join(dir, 'stream.sdp'), ffmpegSdp(inputs));
    if (this.stopped) {
      // stop() ran while we were setting up: its cleanup may have run before our mkdir.
      await rm(dir, { recursive: true, force: true });
      return;
    }
    this.socket = createSocket('udp4');
    // Until ffmpeg binds its port, sends are refused (ICMP); that is expected, not an error.
    this.socket.on('error', () => undefined);
    this.spawn();
  }

  /** Forwards one RTP packet of `kind` to ffmpeg. */
  send(kind: MediaKind, packet: Buffer): void {
    const port = this.ports[kind];
    if (!port || !this.socket || this.stopped) return;
    this.socket.send(packet, port, '127.0.0.1');
  }

  /** Forwards one RTCP packet of `kind` to ffmpeg's RTCP port (RTP port + 1). */
  sendRtcp(kind: MediaKind, packet: Buffer): void {
    const port = this.ports[kind];
    if (!port || !this.socket || this.stopped) return;
    this.socket.send(packet, port + 1, '127.0.0.1');
  }

  private spawn(): void {
    const { ffmpegPath, dir, codecs, config, log } = this.opts;
    const args = ffmpegArgs(join(dir, 'stream.sdp'), dir, codecs, config);
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.stderrTail = [];
    const startedAt = Date.now();
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const m = /speed=\s*([\d.]+)x/.exec(
        chunk
          .split('\n')
          .filter((l) => l.startsWith('speed='))
          .pop() ?? '',
      );
      if (m) this.speed = Number(m[1]);
      // Video output (frame=) or, audio only, time written (out_time_us=): ffmpeg is decoding.
      const producing = codecs.video ? /^frame=\s*[1-9]/m.test(chunk) : /^out_time_us=\s*[1-9]/m.test(chunk);
      if (producing && this.keyframeTimer && this.child === child) {
        clearInterval(this.keyframeTimer);
        this.keyframeTimer = null;
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail.push(...chunk.split('\n').filter((l) => l.trim()));
      if (this.stderrTail.length > STDERR_TAIL_LINES)
        this.stderrTail.splice(0, this.stderrTail.length - STDERR_TAIL_LINES);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) {
          this.child = null;
          if (this.keyframeTimer) clearInterval(this.keyframeTimer);
          this.keyframeTimer = null;
        }
        resolve();
        if (this.stopped) return;
        log.error('ffmpeg exited', {
          pid: child.pid,
          code,
          signal,
          ran_ms: Date.now() - startedAt,
          stderr_tail: this.stderrTail.join('\n'),
        });
        this.scheduleRestart();
      });
    });
    child.once('error', (err) => log.error('ffmpeg could not start', { ffmpeg: ffmpegPath, error: err.message }));
    log.info('ffmpeg started', { pid: child.pid, dir });
    if (this.keyframeTimer) clearInterval(this.keyframeTimer);
    const until = Date.now() + KEYFRAME_FOR_MS;
    this.keyframeTimer = setInterval(() => {
      if (Date.now() > until && this.keyframeTimer) {
        clearInterval(this.keyframeTimer);
        this.keyframeTimer = null;
        log.warn('ffmpeg produced nothing yet after keyframe requests', { pid: child.pid, window_ms: KEYFRAME_FOR_MS });
        return;
      }
      this.opts.onNeedKeyframe();
    }, KEYFRAME_EVERY_MS);
    this.opts.onNeedKeyframe();
  }

  private scheduleRestart(): void {
    const { log, maxRestarts = 5, restartWindowMs = 60_000 } = this.opts;
    const now = Date.now();
    this.restartTimes = this.restartTimes.filter((t) => now - t < restartWindowMs);
    if (this.restartTimes.length >= maxRestarts) {
      this.failed = true;
      log.error('ffmpeg keeps dying; HLS off until the next broadcast', {
        restarts: this.restartTimes.length,
        window_ms: restartWindowMs,
      });
      return;
    }
    const delay = Math.min(250 * 2 ** this.restartTimes.length, 8000);
    this.restartTimes.push(now);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.restarts++;
      log.warn('restarting ffmpeg', { attempt: this.restartTimes.length, delay_ms: delay });
      this.spawn();
    }, delay);
  }

  /** Kills ffmpeg (SIGTERM, then SIGKILL after 2 s), closes the socket and removes the files. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.keyframeTimer) clearInterval(this.keyframeTimer);
    this.socket?.close();
    this.socket = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(kill);
    }
    this.child = null;
    await rm(this.opts.dir, { recursive: true, force: true });
  }
}
