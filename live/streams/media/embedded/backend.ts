/**
 * The embedded media backend: no account, no internet. WHIP ingest and WHEP playback with werift
 * (viewers get the broadcaster's RTP as is), an ffmpeg HLS ladder per live broadcast, and
 * Livepeer Studio's playback-info JSON so `@livepeer/core-web` plays it like Studio.
 *
 * It composes three modules: routes.ts (the HTTP routes, listed there), sessions.ts (streams,
 * WHIP sessions and WHEP viewers) and lifecycle.ts (a broadcast from first packet to end, the HLS
 * ladder). This file keeps the options and the MediaBackend methods.
 *
 * Routes (all answer OPTIONS and carry CORS headers):
 * - `HEAD|POST /media/whip/:streamKey`: WHIP ingest (SDP offer in, 201 + Location + answer out)
 * - `DELETE /media/whip/:streamKey/:sessionId`: end the broadcast
 * - `HEAD|POST /media/webrtc/:playbackId` (alias `/media/whep/:playbackId`): WHEP playback
 * - `DELETE /media/webrtc/:playbackId/:viewerId`: leave
 * - `GET /media/playback/:playbackId`: playback info (Studio's shape)
 * - `GET|HEAD /media/hls/:playbackId/index.m3u8`, `.../:rendition/index.m3u8`, `.../:rendition/seg_N.ts`
 * - `GET|HEAD /media/preview/:playbackId.jpg`, `/media/rec/:recordingId/...`, `/media/clip/:clipId/...`
 *   (previews, recordings and clips: archive.ts)
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CreateMediaStreamInput,
  KnownMediaStream,
  MediaBackend,
  MediaClip,
  MediaRecording,
  MediaStream,
  PlaybackInfo,
} from '../backend.js';
import { CLIP_WINDOW_SECONDS, createArchive } from './archive.js';
import { DEFAULT_LADDER, type LadderConfig } from './ladder.js';
import { createLifecycle } from './lifecycle.js';
import { type MediaLogger, silentLogger } from './logger.js';
import { INGEST_START_KBPS, type IceOptions } from './peers.js';
import { createRoutes } from './routes.js';
import { type Entry, createSessions, hex } from './sessions.js';

export type { MediaLogger } from './logger.js';

export interface EmbeddedBackendOptions {
  /** Absolute URL the routes are reachable at from browsers, e.g. `http://127.0.0.1:8090`. */
  readonly publicBaseUrl: string;
  /** Where HLS files go; default a fresh temporary directory, removed on close. */
  readonly workDir?: string;
  /**
   * Where recordings and clips are kept; default `<workDir>/archive` (with no workDir, a fresh
   * temporary directory removed on close). Keep it on workDir's file system: segments are hard-linked.
   */
  readonly recordingsDir?: string;
  /** Recordings and clips older than this are deleted; 0 keeps them until deleted. Default 30 days. */
  readonly recordingRetentionMs?: number;
  /** Default 'ffmpeg' (from PATH). */
  readonly ffmpegPath?: string;
  /** HLS ladder; default 720p/480p/360p, 1 s segments, 30 fps, x264 veryfast. */
  readonly ladder?: Partial<LadderConfig>;
  /** No RTP from the broadcaster for this long ends the broadcast ('idle'). Default 5000 ms. */
  readonly idleTimeoutMs?: number;
  /** A WHEP viewer silent (no RTCP) this long is dropped. Default 10000 ms. */
  readonly viewerTimeoutMs?: number;
  /**
   * A WHEP viewer not connected (ICE + DTLS) this long after its answer is dropped, freeing its
   * slot: an offer that never connects must not hold one. Default 5000 ms.
   */
  readonly viewerConnectTimeoutMs?: number;
  /**
   * WHEP viewers per stream, counting offers being answered; more are sent to HLS (503 USE_HLS),
   * or refused with 503 VIEWER_LIMIT when there is no HLS ladder. Default 200.
   */
  readonly maxViewersPerStream?: number;
  /**
   * WHEP viewers over all streams of this process (the WebRTC capacity `npm run bench:media`
   * measures), counting offers being answered; more are sent to HLS like `maxViewersPerStream`.
   * Default `DEFAULT_WHEP_CAPACITY` (50).
   */
  readonly whepCapacity?: number;
  /** SDP offers (WHIP and WHEP POSTs) per client IP per minute; more get 429 RATE_LIMITED. Default 30. */
  readonly offersPerMinute?: number;
  /** WHEP viewers one client IP may hold at once, over all streams; more get 429 TOO_MANY_CONNECTIONS. Default 10. */
  readonly maxViewersPerIp?: number;
  /** The client's address of a request (behind a reverse proxy, TRUST_PROXY decides); default the socket's peer. */
  readonly clientIp?: (req: IncomingMessage) => string;
  /** Access-Control-Allow-Origin of every route; default '*' (no cookies are used). */
  readonly corsOrigin?: string;
  readonly ice?: IceOptions;
  /**
   * The bandwidth estimate (kbit/s) the broadcaster's browser is asked to start from
   * (`x-google-start-bitrate`); 0 leaves it to the browser. Default 1000 (see peers.ts).
   */
  readonly ingestStartKbps?: number;
  /** Set false to run WHIP/WHEP only, without ffmpeg (no HLS source in playback info). */
  readonly hls?: boolean;
  readonly log?: MediaLogger;
}

/** What the embedded backend knows about a stream right now (tests, bench, /metrics). */
export interface EmbeddedStreamStatus {
  readonly live: boolean;
  readonly viewers: number;
  /** ffmpeg's pid while the ladder runs. */
  readonly ffmpegPid: number | undefined;
  /** Directory of the current broadcast's HLS files. */
  readonly hlsDir: string | undefined;
  /** ffmpeg's last speed (1 = real time). */
  readonly ffmpegSpeed: number | null;
  readonly ffmpegRestarts: number;
}

export interface EmbeddedMediaBackend extends MediaBackend {
  readonly kind: 'embedded';
  /** Status of a stream by mediaId, or null when unknown. */
  status(mediaId: string): EmbeddedStreamStatus | null;
}

/**
 * WHEP viewers the process takes before it sends new viewers to HLS. werift runs on the process's
 * one JavaScript thread, so this is per process, not per core: `npm run bench:media` measured 50
 * viewers at 720p and 2.5 Mbit/s with every viewer at full bitrate, and 100 degraded (a core
 * saturated, 37% loss) on this machine (README, WebRTC capacity).
 */
export const DEFAULT_WHEP_CAPACITY = 50;

/** Creates the embedded backend (werift WHIP/WHEP, ffmpeg HLS ladder). */
export function createEmbeddedBackend(opts: EmbeddedBackendOptions): EmbeddedMediaBackend {
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base))
    throw new Error(`publicBaseUrl must be an absolute http(s) URL: ${opts.publicBaseUrl}`);
  // core-web would type the HLS URL as WebRTC (see `hex` in sessions.ts).
  if (/webrtc|sdp/i.test(base)) throw new Error(`publicBaseUrl must not contain "webrtc" or "sdp": ${base}`);
  const log = opts.log ?? silentLogger;
  const viewerTimeoutMs = opts.viewerTimeoutMs ?? 10_000;
  const viewerConnectTimeoutMs = opts.viewerConnectTimeoutMs ?? 5000;
  const sessions = createSessions(base, log);
  const archiveDir =
    opts.recordingsDir ??
    (opts.workDir ? join(opts.workDir, 'archive') : mkdtempSync(join(tmpdir(), 'blive-media-archive-')));
  const archive = createArchive({
    dir: archiveDir,
    base,
    retentionMs: opts.recordingRetentionMs ?? 30 * 24 * 3600 * 1000,
    log,
    now: Date.now,
  });
  const lifecycle = createLifecycle({
    archive,
    sessions,
    log,
    ffmpegPath: opts.ffmpegPath ?? 'ffmpeg',
    ladderConfig: { ...DEFAULT_LADDER, ...opts.ladder },
    hls: opts.hls !== false,
    workDir: opts.workDir,
    idleTimeoutMs: opts.idleTimeoutMs ?? 5000,
    viewerTimeoutMs,
    viewerConnectTimeoutMs,
  });
  const routes = createRoutes({
    sessions,
    lifecycle,
    log,
    base,
    corsOrigin: opts.corsOrigin ?? '*',
    ice: opts.ice ?? {},
    ingestStartKbps: opts.ingestStartKbps ?? INGEST_START_KBPS,
    maxViewers: opts.maxViewersPerStream ?? 200,
    whepCapacity: opts.whepCapacity ?? DEFAULT_WHEP_CAPACITY,
    maxViewersPerIp: opts.maxViewersPerIp ?? 10,
    offersPerMinute: opts.offersPerMinute ?? 30,
    viewerConnectTimeoutMs,
    clientIp: opts.clientIp ?? ((req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown'),
    archive,
  });
  const { byId, byKey, byPlayback } = sessions;

  return {
    kind: 'embedded',

    async createStream(input: CreateMediaStreamInput): Promise<MediaStream> {
      if (lifecycle.closed) throw new Error('media backend closed');
      const entry: Entry = {
        mediaId: hex(16),
        streamKey: hex(24),
        playbackId: hex(8),
        name: input.name,
        audioOnly: input.audioOnly,
        record: input.record ?? true,
        live: false,
        broadcast: null,
      };
      sessions.add(entry);
      return sessions.mediaStreamOf(entry);
    },

    // Keys and playback ids persist in the live database; a restart hands them back here.
    restoreStreams(streams: readonly KnownMediaStream[]): MediaStream[] {
      const taken: MediaStream[] = [];
      for (const s of streams) {
        // Ids this backend made: routes only match lowercase hex of these lengths.
        if (
          !/^[0-9a-f]{32}$/.test(s.mediaId) ||
          !/^[0-9a-f]{48}$/.test(s.streamKey) ||
          !/^[0-9a-f]{16}$/.test(s.playbackId)
        )
          continue;
        if (!byId.has(s.mediaId) && !byKey.has(s.streamKey) && !byPlayback.has(s.playbackId)) {
          sessions.add({
            mediaId: s.mediaId,
            streamKey: s.streamKey,
            playbackId: s.playbackId,
            name: s.name,
            audioOnly: s.audioOnly,
            record: s.record,
            live: false,
            broadcast: null,
          });
        }
        taken.push(sessions.mediaStreamOf(s));
      }
      return taken;
    },

    async deleteStream(mediaId: string): Promise<void> {
      const entry = byId.get(mediaId);
      if (!entry) return;
      sessions.remove(entry);
      await lifecycle.endBroadcast(entry, 'stream deleted');
    },

    async playbackInfo(playbackId: string): Promise<PlaybackInfo | null> {
      const entry = byPlayback.get(playbackId);
      return entry ? await routes.playbackInfoOf(entry) : null;
    },

    previewUrl(playbackId: string): string | null {
      const entry = byPlayback.get(playbackId);
      return entry?.live && entry.broadcast?.tap?.hasVideo ? `${base}/media/preview/${playbackId}.jpg` : null;
    },

    async setRecording(mediaId: string, on: boolean): Promise<void> {
      const entry = byId.get(mediaId);
      if (!entry) return;
      entry.record = on;
      if (entry.broadcast?.tap) entry.broadcast.tap.record = on;
    },

    recordings: async (playbackId: string): Promise<MediaRecording[]> => archive.recordings(playbackId),

    latestRecording: (playbackId: string): MediaRecording | null => archive.recordings(playbackId)[0] ?? null,

    deleteRecording: (playbackId: string, recordingId: string): Promise<boolean> =>
      archive.deleteRecording(playbackId, recordingId),

    async createClip(mediaId: string, seconds: number): Promise<MediaClip> {
      const tap = byId.get(mediaId)?.broadcast?.tap;
      if (!tap) throw new Error('the stream is not live (or its HLS ladder has not started)');
      const { clipId, dir } = archive.clipFolder();
      const meta = await tap.clip(dir, clipId, Math.min(Math.max(1, seconds), CLIP_WINDOW_SECONDS));
      return archive.addClip(meta);
    },

    clip: async (clipId: string): Promise<MediaClip | null> => archive.clip(clipId),

    onEvent: (listener) => lifecycle.onEvent(listener),

    status(mediaId: string): EmbeddedStreamStatus | null {
      const entry = byId.get(mediaId);
      if (!entry) return null;
      const b = entry.broadcast;
      return {
        live: entry.live,
        viewers: b?.viewers.size ?? 0,
        ffmpegPid: b?.ladder?.pid,
        hlsDir: b?.ladder?.dir,
        ffmpegSpeed: b?.ladder?.speed ?? null,
        ffmpegRestarts: b?.ladder?.restarts ?? 0,
      };
    },

    handle: (req: IncomingMessage, res: ServerResponse): Promise<boolean> => routes.handle(req, res),

    async close(): Promise<void> {
      if (lifecycle.closed) return;
      routes.stop();
      await lifecycle.close();
      archive.close();
      if (!opts.recordingsDir && !opts.workDir) await rm(archiveDir, { recursive: true, force: true });
    },
  };
}
