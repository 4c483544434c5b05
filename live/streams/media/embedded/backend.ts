/**
 * The embedded media backend: no account, no internet. WHIP ingest and WHEP playback with werift
 * (viewers get the broadcaster's RTP as is), an ffmpeg HLS ladder per live broadcast, and
 * Livepeer Studio's playback-info JSON so `@livepeer/core-web` plays it like Studio.
 *
 * Routes (all answer OPTIONS and carry CORS headers):
 * - `HEAD|POST /media/whip/:streamKey`: WHIP ingest (SDP offer in, 201 + Location + answer out)
 * - `DELETE /media/whip/:streamKey/:sessionId`: end the broadcast
 * - `HEAD|POST /media/webrtc/:playbackId` (alias `/media/whep/:playbackId`): WHEP playback
 * - `DELETE /media/webrtc/:playbackId/:viewerId`: leave
 * - `GET /media/playback/:playbackId`: playback info (Studio's shape)
 * - `GET|HEAD /media/hls/:playbackId/index.m3u8`, `.../:rendition/index.m3u8`, `.../:rendition/seg_N.ts`
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CreateMediaStreamInput,
  KnownMediaStream,
  MediaBackend,
  MediaEvent,
  MediaStream,
  PlaybackInfo,
  PlaybackSource,
} from '../backend.js';
import { RateLimiter } from '../../../../lib/rateLimit.js';
import { BodyTooLargeError, readBody, sendError, sendJson, setCors } from './http.js';
import { DEFAULT_LADDER, HlsLadder, type LadderConfig, MASTER_PLAYLIST } from './ladder.js';
import { INGEST_START_KBPS, type IceOptions, Ingest, Viewer } from './peers.js';
import { UnsupportedCodecError, offerProblem } from './sdp.js';

/** Structured logger (the shape of lib/log.ts's Logger). */
export interface MediaLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const silent: MediaLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface EmbeddedBackendOptions {
  /** Absolute URL the routes are reachable at from browsers, e.g. `http://127.0.0.1:8090`. */
  readonly publicBaseUrl: string;
  /** Where HLS files go; default a fresh temporary directory, removed on close. */
  readonly workDir?: string;
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
  /** WHEP viewers per stream, counting offers being answered; more get 503 VIEWER_LIMIT. Default 200. */
  readonly maxViewersPerStream?: number;
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

interface Broadcast {
  readonly id: string;
  readonly createdAt: number;
  readonly ingest: Ingest;
  ladder: HlsLadder | null;
  readonly viewers: Map<string, Viewer>;
  /**
   * Viewer slots taken: `viewers.size` plus the offers being answered. Taken before the first
   * await of an offer and given back on every path out, so concurrent offers cannot pass the cap.
   */
  slots: number;
}

interface Entry {
  readonly mediaId: string;
  readonly streamKey: string;
  readonly playbackId: string;
  readonly name: string;
  readonly audioOnly: boolean;
  /** Invariant: true between the 'started' and the 'idle' event we emitted. */
  live: boolean;
  broadcast: Broadcast | null;
}

const SDP_LIMIT = 64 * 1024;
// Ids are lowercase hex: core-web types a source URL as WebRTC when it contains "webrtc" or
// "sdp" anywhere, so an id must never spell "sdp" inside an HLS URL.
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

const ROUTES = {
  whip: /^\/media\/whip\/([0-9a-f]{16,128})$/,
  whipResource: /^\/media\/whip\/([0-9a-f]{16,128})\/([0-9a-f]{16})$/,
  whep: /^\/media\/(?:webrtc|whep)\/([0-9a-f]{16})$/,
  whepResource: /^\/media\/(?:webrtc|whep)\/([0-9a-f]{16})\/([0-9a-f]{16})$/,
  playback: /^\/media\/playback\/([0-9a-f]{16})$/,
  master: /^\/media\/hls\/([0-9a-f]{16})\/index\.m3u8$/,
  rendition: /^\/media\/hls\/([0-9a-f]{16})\/([a-z0-9]{1,16})\/(index\.m3u8|seg_\d{1,20}\.ts)$/,
};

/** Creates the embedded backend (werift WHIP/WHEP, ffmpeg HLS ladder). */
export function createEmbeddedBackend(opts: EmbeddedBackendOptions): EmbeddedMediaBackend {
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base))
    throw new Error(`publicBaseUrl must be an absolute http(s) URL: ${opts.publicBaseUrl}`);
  // core-web would type the HLS URL as WebRTC (see `hex` above).
  if (/webrtc|sdp/i.test(base)) throw new Error(`publicBaseUrl must not contain "webrtc" or "sdp": ${base}`);
  const log = opts.log ?? silent;
  const ffmpegPath = opts.ffmpegPath ?? 'ffmpeg';
  const ladderConfig: LadderConfig = { ...DEFAULT_LADDER, ...opts.ladder };
  const idleTimeoutMs = opts.idleTimeoutMs ?? 5000;
  const maxViewers = opts.maxViewersPerStream ?? 200;
  const viewerTimeoutMs = opts.viewerTimeoutMs ?? 10_000;
  const viewerConnectTimeoutMs = opts.viewerConnectTimeoutMs ?? 5000;
  const offersPerMinute = opts.offersPerMinute ?? 30;
  const offerLimiter = new RateLimiter();
  const maxViewersPerIp = opts.maxViewersPerIp ?? 10;
  const clientIp = opts.clientIp ?? ((req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown');
  /** WHEP viewers (and offers being answered) per client IP: one address cannot hold every slot. */
  const viewersByIp = new Map<string, number>();
  const viewerIps = new Map<Viewer, string>();
  /** Gives a viewer's per-IP slot back, once. */
  const releaseIp = (viewer: Viewer): void => {
    const ip = viewerIps.get(viewer);
    if (ip === undefined) return;
    viewerIps.delete(viewer);
    holdIp(ip, -1);
  };
  const holdIp = (ip: string, delta: number): void => {
    const n = (viewersByIp.get(ip) ?? 0) + delta;
    if (n > 0) viewersByIp.set(ip, n);
    else viewersByIp.delete(ip);
  };
  const corsOrigin = opts.corsOrigin ?? '*';
  const ice = opts.ice ?? {};
  const ingestStartKbps = opts.ingestStartKbps ?? INGEST_START_KBPS;
  // HLS needs ffmpeg: checked once now, so a missing one is said once, at start-up, and viewers
  // are never offered an HLS source that would only fail in their player.
  const hls: Promise<boolean> = opts.hls === false ? Promise.resolve(false) : checkFfmpeg(ffmpegPath, log);

  const byId = new Map<string, Entry>();
  const byKey = new Map<string, Entry>();
  const byPlayback = new Map<string, Entry>();
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
    for (const v of b.viewers.values()) releaseIp(v);
    await Promise.all([b.ingest.close(), ...[...b.viewers.values()].map((v) => v.close()), b.ladder?.stop()]);
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
      for (const entry of byId.values()) {
        const b = entry.broadcast;
        if (!b) continue;
        for (const [id, viewer] of b.viewers) {
          if (!viewer.connected && now - viewer.createdAt > viewerConnectTimeoutMs) {
            dropViewer(entry, b, id, 'WHEP viewer never connected');
          } else if (now - viewer.lastSeenAt > viewerTimeoutMs) {
            dropViewer(entry, b, id, 'WHEP viewer gone silent');
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

  /** Removes a viewer and gives its slot back (once: a second call finds it gone). */
  function dropViewer(entry: Entry, b: Broadcast, id: string, reason: string): void {
    const viewer = b.viewers.get(id);
    if (!viewer) return;
    b.viewers.delete(id);
    b.slots--;
    releaseIp(viewer);
    log.info(reason, { media_id: entry.mediaId, viewer_id: id });
    viewer
      .close()
      .catch((err: Error) => log.error('closing a viewer failed', { media_id: entry.mediaId, error: err.message }));
  }

  /** Refuses the request with 429 when its address has used its offers for this minute. */
  function limitOffers(req: IncomingMessage, res: ServerResponse): boolean {
    const wait = offerLimiter.take(clientIp(req), offersPerMinute, 60_000, Date.now());
    if (wait === 0) return true;
    sendError(
      res,
      429,
      'RATE_LIMITED',
      'too many SDP offers from this address',
      { 'retry-after': String(Math.ceil(wait / 1000)) },
      { retryAfterMs: wait },
    );
    return false;
  }
  const limiterSweep = setInterval(() => offerLimiter.sweep(60_000, Date.now()), 60_000);
  limiterSweep.unref();

  async function handleWhipPost(req: IncomingMessage, res: ServerResponse, entry: Entry): Promise<void> {
    const offer = await readSdp(req, res);
    if (offer === null) return;
    const problem = offerProblem(offer);
    if (problem) return sendError(res, 400, 'BAD_SDP', `not a usable WebRTC offer: ${problem}`);
    let accepted: Awaited<ReturnType<typeof Ingest.accept>>;
    try {
      accepted = await Ingest.accept(offer, ice, ingestStartKbps);
    } catch (err) {
      return refuseOffer(res, err as Error, entry);
    }
    if (entry.broadcast) await endBroadcast(entry, 'replaced by a new WHIP session', true);
    if (!byId.has(entry.mediaId) || closed) {
      await accepted.ingest.close();
      return sendError(res, 404, 'UNKNOWN_STREAM', 'the stream was deleted');
    }
    const b: Broadcast = {
      id: hex(8),
      createdAt: Date.now(),
      ingest: accepted.ingest,
      ladder: null,
      viewers: new Map(),
      slots: 0,
    };
    entry.broadcast = b;
    const off = b.ingest.onRtp(() => {
      off();
      onFirstPacket(entry, b);
    });
    b.ingest.onStateChange((state) => {
      if ((state === 'failed' || state === 'closed') && entry.broadcast === b) {
        endBroadcast(entry, `ingest ${state}`).catch((err: Error) =>
          log.error('ending broadcast failed', { media_id: entry.mediaId, error: err.message }),
        );
      }
    });
    log.info('WHIP session', {
      media_id: entry.mediaId,
      broadcast_id: b.id,
      video: b.ingest.codecs.video?.name,
      audio: b.ingest.codecs.audio?.name,
    });
    res.writeHead(201, {
      'content-type': 'application/sdp',
      location: `/media/whip/${entry.streamKey}/${b.id}`,
      etag: `"${b.id}"`,
    });
    res.end(accepted.answer);
  }

  async function handleWhepPost(req: IncomingMessage, res: ServerResponse, entry: Entry): Promise<void> {
    const offer = await readSdp(req, res);
    if (offer === null) return;
    const b = entry.broadcast;
    if (!b || !entry.live)
      return sendError(res, 503, 'STREAM_NOT_LIVE', 'the stream is not live', { 'retry-after': '2' });
    const problem = offerProblem(offer);
    if (problem) return sendError(res, 400, 'BAD_SDP', `not a usable WebRTC offer: ${problem}`);
    if (b.slots >= maxViewers)
      return sendError(res, 503, 'VIEWER_LIMIT', 'too many viewers on this stream', {
        'retry-after': String(Math.ceil(viewerConnectTimeoutMs / 1000)),
      });
    const ip = clientIp(req);
    if ((viewersByIp.get(ip) ?? 0) >= maxViewersPerIp) {
      return sendError(res, 429, 'TOO_MANY_CONNECTIONS', `at most ${maxViewersPerIp} WebRTC viewers from one address`, {
        'retry-after': String(Math.ceil(viewerConnectTimeoutMs / 1000)),
      });
    }
    // No await between the checks and these lines: the caps hold under concurrent offers.
    b.slots++;
    holdIp(ip, 1);
    let accepted: Awaited<ReturnType<typeof Viewer.accept>>;
    try {
      accepted = await Viewer.accept(offer, b.ingest, ice);
    } catch (err) {
      b.slots--;
      holdIp(ip, -1);
      return refuseOffer(res, err as Error, entry);
    }
    if (entry.broadcast !== b) {
      b.slots--;
      holdIp(ip, -1);
      await accepted.viewer.close();
      return sendError(res, 503, 'STREAM_NOT_LIVE', 'the broadcast ended');
    }
    const viewerId = hex(8);
    b.viewers.set(viewerId, accepted.viewer);
    viewerIps.set(accepted.viewer, ip);
    accepted.viewer.onStateChange((state) => {
      if (state === 'failed' || state === 'closed') dropViewer(entry, b, viewerId, `WHEP viewer ${state}`);
    });
    res.writeHead(201, {
      'content-type': 'application/sdp',
      location: `/media/webrtc/${entry.playbackId}/${viewerId}`,
      etag: `"${viewerId}"`,
    });
    res.end(accepted.answer);
  }

  function refuseOffer(res: ServerResponse, err: Error, entry: Entry): void {
    if (err instanceof UnsupportedCodecError) {
      log.warn('offer refused', { media_id: entry.mediaId, error: err.message });
      return sendError(res, 406, 'UNSUPPORTED_CODEC', err.message);
    }
    log.warn('bad SDP offer', { media_id: entry.mediaId, error: err.message });
    return sendError(res, 400, 'BAD_SDP', 'the SDP offer could not be negotiated');
  }

  async function readSdp(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp') {
      sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'the body must be application/sdp');
      return null;
    }
    try {
      const sdp = (await readBody(req, SDP_LIMIT)).toString('utf8');
      if (!sdp.startsWith('v=0')) {
        sendError(res, 400, 'BAD_SDP', 'the body is not an SDP offer');
        return null;
      }
      return sdp;
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendError(res, 413, 'PAYLOAD_TOO_LARGE', err.message);
        return null;
      }
      throw err;
    }
  }

  async function playbackInfoOf(entry: Entry): Promise<PlaybackInfo> {
    const source: PlaybackSource[] = [
      { hrn: 'WebRTC (H264)', type: 'html5/video/h264', url: `${base}/media/webrtc/${entry.playbackId}` },
    ];
    if (await hls) {
      source.push({
        hrn: 'HLS (TS)',
        type: 'html5/application/vnd.apple.mpegurl',
        url: `${base}/media/hls/${entry.playbackId}/index.m3u8`,
      });
    }
    return { type: 'live', meta: { live: entry.live ? 1 : 0, source } };
  }

  async function serveHls(res: ServerResponse, entry: Entry, relPath: string, headOnly: boolean): Promise<void> {
    const dir = entry.broadcast?.ladder?.dir;
    const file = dir ? join(dir, relPath) : undefined;
    let body: Buffer;
    try {
      if (!file) throw Object.assign(new Error('no ladder'), { code: 'ENOENT' });
      body = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return sendError(res, 404, 'NOT_FOUND', 'no such HLS file (yet)');
      throw err;
    }
    const playlist = relPath.endsWith('.m3u8');
    res.writeHead(200, {
      'content-type': playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
      'content-length': body.length,
      // Playlists change every segment; a segment never changes once listed.
      'cache-control': playlist ? 'no-cache' : 'public, max-age=60, immutable',
    });
    res.end(headOnly ? undefined : body);
  }

  const backend: EmbeddedMediaBackend = {
    kind: 'embedded',

    async createStream(input: CreateMediaStreamInput): Promise<MediaStream> {
      if (closed) throw new Error('media backend closed');
      const entry: Entry = {
        mediaId: hex(16),
        streamKey: hex(24),
        playbackId: hex(8),
        name: input.name,
        audioOnly: input.audioOnly,
        live: false,
        broadcast: null,
      };
      byId.set(entry.mediaId, entry);
      byKey.set(entry.streamKey, entry);
      byPlayback.set(entry.playbackId, entry);
      return {
        mediaId: entry.mediaId,
        streamKey: entry.streamKey,
        playbackId: entry.playbackId,
        ingestUrl: `${base}/media/whip/${entry.streamKey}`,
      };
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
          const entry: Entry = {
            mediaId: s.mediaId,
            streamKey: s.streamKey,
            playbackId: s.playbackId,
            name: s.name,
            audioOnly: s.audioOnly,
            live: false,
            broadcast: null,
          };
          byId.set(entry.mediaId, entry);
          byKey.set(entry.streamKey, entry);
          byPlayback.set(entry.playbackId, entry);
        }
        taken.push({
          mediaId: s.mediaId,
          streamKey: s.streamKey,
          playbackId: s.playbackId,
          ingestUrl: `${base}/media/whip/${s.streamKey}`,
        });
      }
      return taken;
    },

    async deleteStream(mediaId: string): Promise<void> {
      const entry = byId.get(mediaId);
      if (!entry) return;
      byId.delete(mediaId);
      byKey.delete(entry.streamKey);
      byPlayback.delete(entry.playbackId);
      await endBroadcast(entry, 'stream deleted');
    },

    async playbackInfo(playbackId: string): Promise<PlaybackInfo | null> {
      const entry = byPlayback.get(playbackId);
      return entry ? await playbackInfoOf(entry) : null;
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

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

    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const path = (req.url ?? '/').split('?')[0]!;
      if (!path.startsWith('/media/')) return false;
      const method = req.method ?? 'GET';
      let m: RegExpExecArray | null;
      const allow = (methods: string): boolean => {
        setCors(res, corsOrigin);
        if (method === 'OPTIONS') {
          res.writeHead(204, { allow: `${methods}, OPTIONS` });
          res.end();
          return false;
        }
        if (!methods.split(', ').includes(method)) {
          sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} not allowed here`, { allow: `${methods}, OPTIONS` });
          return false;
        }
        return true;
      };

      if ((m = ROUTES.whip.exec(path))) {
        if (!allow('HEAD, POST')) return true;
        const entry = byKey.get(m[1]!);
        if (!entry) {
          if (method === 'HEAD') res.writeHead(404).end();
          else sendError(res, 401, 'INVALID_STREAM_KEY', 'unknown stream key');
          return true;
        }
        if (method === 'HEAD') res.writeHead(200).end();
        else if (limitOffers(req, res)) await handleWhipPost(req, res, entry);
        return true;
      }
      if ((m = ROUTES.whipResource.exec(path))) {
        if (!allow('DELETE')) return true;
        const entry = byKey.get(m[1]!);
        if (!entry || entry.broadcast?.id !== m[2])
          return (sendError(res, 404, 'UNKNOWN_SESSION', 'no such WHIP session'), true);
        await endBroadcast(entry, 'WHIP DELETE');
        res.writeHead(200).end();
        return true;
      }
      if ((m = ROUTES.whep.exec(path))) {
        if (!allow('HEAD, POST')) return true;
        const entry = byPlayback.get(m[1]!);
        if (!entry) {
          if (method === 'HEAD') res.writeHead(404).end();
          else sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id');
          return true;
        }
        if (method === 'HEAD') res.writeHead(200).end();
        else if (limitOffers(req, res)) await handleWhepPost(req, res, entry);
        return true;
      }
      if ((m = ROUTES.whepResource.exec(path))) {
        if (!allow('DELETE')) return true;
        const entry = byPlayback.get(m[1]!);
        const b = entry?.broadcast;
        if (!entry || !b?.viewers.has(m[2]!))
          return (sendError(res, 404, 'UNKNOWN_SESSION', 'no such WHEP session'), true);
        dropViewer(entry, b, m[2]!, 'WHEP DELETE');
        res.writeHead(200).end();
        return true;
      }
      if ((m = ROUTES.playback.exec(path))) {
        if (!allow('GET, HEAD')) return true;
        const entry = byPlayback.get(m[1]!);
        if (!entry) return (sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id'), true);
        sendJson(res, 200, await playbackInfoOf(entry), method === 'HEAD');
        return true;
      }
      if ((m = ROUTES.master.exec(path)) || (m = ROUTES.rendition.exec(path))) {
        if (!allow('GET, HEAD')) return true;
        const entry = byPlayback.get(m[1]!);
        if (!entry || !(await hls)) return (sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id'), true);
        const rel = m[2] ? join(m[2], m[3]!) : MASTER_PLAYLIST;
        await serveHls(res, entry, rel, method === 'HEAD');
        return true;
      }
      setCors(res, corsOrigin);
      sendError(res, 404, 'NOT_FOUND', 'no such media route');
      return true;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(idleTimer);
      clearInterval(limiterSweep);
      await Promise.all([...byId.values()].map((e) => endBroadcast(e, 'backend closed')));
      byId.clear();
      byKey.clear();
      byPlayback.clear();
      if (workDir && !opts.workDir) await rm(await workDir, { recursive: true, force: true });
      listeners.clear();
    },
  };
  return backend;
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
