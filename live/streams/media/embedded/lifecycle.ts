/**
 * Broadcast lifecycle of the embedded backend: a broadcast goes live on its first packet (and
 * starts its HLS ladder when ffmpeg is there), and ends when its packets stop, its ingest fails,
 * a new WHIP session replaces it, its stream is deleted or the backend closes. Emits the
 * 'started' and 'idle' events, sweeps silent viewers, and owns the HLS work directory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaEvent } from '../backend.js';
import { type Archive, Tap } from './archive.js';
import { AUDIO_RENDITION, HlsLadder, type LadderConfig } from './ladder.js';
import type { MediaLogger } from './logger.js';
import type { Broadcast, Entry, Sessions } from './sessions.js';

export interface LifecycleOptions {
  readonly sessions: Sessions;
  readonly log: MediaLogger;
  readonly ffmpegPath: string;
  readonly ladderConfig: LadderConfig;
  /** false: no HLS, and no ffmpeg check. */
  readonly hls: boolean;
  /** Where HLS files go; undefined: a fresh temporary directory, removed on close. */
  readonly workDir: string | undefined;
  readonly idleTimeoutMs: number;
  readonly viewerTimeoutMs: number;
  readonly viewerConnectTimeoutMs: number;
  /** Where finished recordings are registered. */
  readonly archive: Archive;
}

export interface Lifecycle {
  /** Whether ffmpeg can run the HLS ladder (checked once, at creation). */
  readonly hls: Promise<boolean>;
  readonly closed: boolean;
  onEvent(listener: (event: MediaEvent) => void): () => boolean;
  /** Call on a broadcast's first RTP packet: the stream goes live and its ladder starts. */
  onFirstPacket(entry: Entry, b: Broadcast): void;
  /** Ends the current broadcast of `entry`; emits 'idle' unless a new broadcast replaces it. */
  endBroadcast(entry: Entry, reason: string, replaced?: boolean): Promise<void>;
  /** Ends every broadcast, forgets every stream and listener, removes the temporary directory. */
  close(): Promise<void>;
}

export function createLifecycle(opts: LifecycleOptions): Lifecycle {
  const { sessions, log, ffmpegPath, ladderConfig, idleTimeoutMs, viewerTimeoutMs, viewerConnectTimeoutMs } = opts;
  // HLS needs ffmpeg: checked once now, so a missing one is said once, at start-up, and viewers
  // are never offered an HLS source that would only fail in their player.
  const hls: Promise<boolean> = opts.hls === false ? Promise.resolve(false) : checkFfmpeg(ffmpegPath, log);
  const listeners = new Set<(event: MediaEvent) => void>();
  let workDir: Promise<string> | null = null;
  let closed = false;
  const getWorkDir = (): Promise<string> =>
    (workDir ??= opts.workDir ? Promise.resolve(opts.workDir) : mkdtemp(join(tmpdir(), 'blive-media-')));

  const emit = (type: MediaEvent['type'], entry: Entry): void => {
    const event: MediaEvent = { type, mediaId: entry.mediaId, at: Date.now() };
    log.info(`stream ${type}`, { media_id: entry.mediaId });
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log.error('media event listener threw', {
          media_id: entry.mediaId,
          event: type,
          error: (err as Error).message,
        });
      }
    }
  };

  /** Ends the current broadcast of `entry`; emits 'idle' unless a new broadcast replaces it. */
  async function endBroadcast(entry: Entry, reason: string, replaced = false): Promise<void> {
    const b = entry.broadcast;
    if (!b) return;
    entry.broadcast = null;
    log.info('broadcast ended', { media_id: entry.mediaId, broadcast_id: b.id, reason });
    for (const v of b.viewers.values()) sessions.releaseIp(v);
    const keep = async (): Promise<void> => {
      // The tap takes the ladder's last segments before the ladder removes its files.
      const meta = await b.tap?.finish().catch((err: Error) => {
        log.error('recording could not be written', { media_id: entry.mediaId, error: err.message });
        return null;
      });
      if (meta) {
        opts.archive.addRecording(meta);
        log.info('recording kept', { media_id: entry.mediaId, recording_id: meta.id, seconds: meta.durationSeconds });
      }
      await b.ladder?.stop();
    };
    await Promise.all([b.ingest.close(), ...[...b.viewers.values()].map((v) => v.close()), keep()]);
    if (!replaced && entry.live) {
      entry.live = false;
      emit('idle', entry);
    }
  }

  async function startLadder(entry: Entry, b: Broadcast): Promise<void> {
    const { audio, video } = b.ingest.codecs;
    // An audio-only stream gets an audio ladder even if the browser sends video too.
    const codecs = { ...(audio ? { audio } : {}), ...(video && !entry.audioOnly ? { video } : {}) };
    if (!codecs.audio && !codecs.video) return;
    const ladder = new HlsLadder({
      ffmpegPath,
      dir: join(await getWorkDir(), `${entry.playbackId}-${b.id}`),
      codecs,
      config: ladderConfig,
      log,
      onNeedKeyframe: () => b.ingest.requestKeyframe(),
    });
    if (entry.broadcast !== b) return;
    b.ladder = ladder;
    b.ingest.onRtp((kind, packet) => ladder.send(kind, packet));
    b.ingest.onSenderReport((kind, packet) => ladder.sendRtcp(kind, packet));
    await ladder.start();
    if (entry.broadcast !== b) return;
    const { recordingId, dir } = opts.archive.folderFor();
    b.tap = new Tap({
      ffmpegPath,
      ladderDir: ladder.dir,
      dir,
      playbackId: entry.playbackId,
      recordingId,
      renditions: codecs.video ? ladderConfig.renditions.map((r) => r.name) : [AUDIO_RENDITION],
      record: entry.record,
      log,
      now: Date.now,
    });
    b.tap.start();
  }

  function onFirstPacket(entry: Entry, b: Broadcast): void {
    if (entry.broadcast !== b) return;
    if (!entry.live) {
      entry.live = true;
      emit('started', entry);
    }
    hls
      .then((ok) => (ok ? startLadder(entry, b) : undefined))
      .catch((err: Error) => log.error('HLS ladder did not start', { media_id: entry.mediaId, error: err.message }));
  }

  // Browsers (and core-web) send no DELETE when a broadcast ends: the end is when packets stop.
  const idleTimer = setInterval(
    () => {
      const now = Date.now();
      for (const entry of sessions.byId.values()) {
        const b = entry.broadcast;
        if (!b) continue;
        for (const [id, viewer] of b.viewers) {
          if (!viewer.connected && now - viewer.createdAt > viewerConnectTimeoutMs) {
            sessions.dropViewer(entry, b, id, 'WHEP viewer never connected');
          } else if (now - viewer.lastSeenAt > viewerTimeoutMs) {
            sessions.dropViewer(entry, b, id, 'WHEP viewer gone silent');
          }
        }
        const last = b.ingest.lastPacketAt;
        // A broadcast that never sent a packet gets the same grace, counted from its creation.
        if (now - (last || b.createdAt) > idleTimeoutMs) {
          endBroadcast(entry, last ? 'packets stopped' : 'no packets').catch((err: Error) =>
            log.error('ending broadcast failed', { media_id: entry.mediaId, error: err.message }),
          );
        }
      }
    },
    Math.max(50, Math.min(1000, idleTimeoutMs / 4, viewerTimeoutMs / 4, viewerConnectTimeoutMs / 4)),
  );
  idleTimer.unref();

  return {
    hls,
    get closed() {
      return closed;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onFirstPacket,
    endBroadcast,
    async close() {
      closed = true;
      clearInterval(idleTimer);
      await Promise.all([...sessions.byId.values()].map((e) => endBroadcast(e, 'backend closed')));
      sessions.clear();
      if (workDir && !opts.workDir) await rm(await workDir, { recursive: true, force: true });
      listeners.clear();
    },
  };
}

const FFMPEG_INSTALL = 'apt-get install ffmpeg';

/**
 * Whether `ffmpegPath` runs and has the encoders the ladder uses (libx264, aac). Says why not,
 * once, as an error with the install command: the backend then runs WebRTC only.
 */
async function checkFfmpeg(ffmpegPath: string, log: MediaLogger): Promise<boolean> {
  const off = 'HLS is off; WebRTC (WHIP/WHEP) still works';
  const result = await new Promise<{ error?: NodeJS.ErrnoException; code: number | null; out: string }>((resolve) => {
    let out = '';
    const child = spawn(ffmpegPath, ['-hide_banner', '-encoders'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ error, code: null, out });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
  if (result.error) {
    const why = result.error.code === 'ENOENT' ? 'not found' : `could not be run (${result.error.message})`;
    log.error(
      `ffmpeg ${why}: ${off}. Install it with \`${FFMPEG_INSTALL}\` or set FFMPEG_PATH (MEDIA_HLS=0 turns HLS off without this message)`,
      {
        ffmpeg: ffmpegPath,
        install: FFMPEG_INSTALL,
      },
    );
    return false;
  }
  const missing = [
    ['libx264', /^\s*V\S*\s+libx264\s/m],
    ['aac', /^\s*A\S*\s+aac\s/m],
  ]
    .filter(([, re]) => !(re as RegExp).test(result.out))
    .map(([name]) => name as string);
  if (result.code !== 0 || missing.length > 0) {
    const why =
      result.code !== 0
        ? `exited with ${result.code} when asked for its encoders`
        : `has no ${missing.join(' or ')} encoder`;
    log.error(
      `ffmpeg ${why}: ${off}. Install Debian's (\`${FFMPEG_INSTALL}\`) or set FFMPEG_PATH to one with libx264 and aac`,
      {
        ffmpeg: ffmpegPath,
        install: FFMPEG_INSTALL,
      },
    );
    return false;
  }
  log.info('ffmpeg ready for the HLS ladder', { ffmpeg: ffmpegPath });
  return true;
}
