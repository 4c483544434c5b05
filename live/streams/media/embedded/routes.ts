/**
 * The embedded backend's HTTP routing: WHIP ingest, WHEP playback, playback info and HLS files.
 * Session state lives in sessions.ts, broadcast start and end in lifecycle.ts.
 *
 * Routes (all answer OPTIONS and carry CORS headers):
 * - `HEAD|POST /media/whip/:streamKey`: WHIP ingest (SDP offer in, 201 + Location + answer out)
 * - `DELETE /media/whip/:streamKey/:sessionId`: end the broadcast
 * - `HEAD|POST /media/webrtc/:playbackId` (alias `/media/whep/:playbackId`): WHEP playback
 * - `DELETE /media/webrtc/:playbackId/:viewerId`: leave
 * - `GET /media/playback/:playbackId`: playback info (Studio's shape)
 * - `GET|HEAD /media/hls/:playbackId/index.m3u8`, `.../:rendition/index.m3u8`, `.../:rendition/seg_N.ts`
 * - `GET|HEAD /media/preview/:playbackId.jpg`: the live broadcast's snapshot (archive.ts grabs it)
 * - `GET|HEAD /media/rec/:recordingId/...`, `/media/clip/:clipId/...`: recordings and clips (archive.ts)
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { PlaybackInfo, PlaybackSource } from '../backend.js';
import { USE_HLS, type UseHlsAnswer } from '../../../../lib/protocol/http.js';
import { RateLimiter } from '../../../../lib/rateLimit.js';
import { BodyTooLargeError, readBody, sendError, sendJson, setCors } from './http.js';
import { MASTER_PLAYLIST } from './ladder.js';
import type { Archive } from './archive.js';
import type { Lifecycle } from './lifecycle.js';
import type { MediaLogger } from './logger.js';
import { type IceOptions, Ingest, Viewer } from './peers.js';
import { UnsupportedCodecError, offerProblem } from './sdp.js';
import { type Broadcast, type Entry, type Sessions, hex } from './sessions.js';

export interface RoutesOptions {
  readonly sessions: Sessions;
  readonly lifecycle: Lifecycle;
  readonly log: MediaLogger;
  /** publicBaseUrl without its trailing slashes. */
  readonly base: string;
  readonly corsOrigin: string;
  readonly ice: IceOptions;
  readonly ingestStartKbps: number;
  readonly maxViewers: number;
  /** WHEP viewers over all streams of the process; beyond it (or `maxViewers`) viewers are sent to HLS. */
  readonly whepCapacity: number;
  readonly maxViewersPerIp: number;
  readonly offersPerMinute: number;
  readonly viewerConnectTimeoutMs: number;
  readonly clientIp: (req: IncomingMessage) => string;
  readonly archive: Archive;
}

export interface Routes {
  /** Answers a `/media/` request (true), or leaves any other path to the caller (false). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Playback info of a stream, in Livepeer Studio's shape. */
  playbackInfoOf(entry: Entry): Promise<PlaybackInfo>;
  /** Stops the offer limiter's sweep. */
  stop(): void;
}

const SDP_LIMIT = 64 * 1024;

/** One media route: the methods it allows (OPTIONS is answered for each) and its path pattern. */
interface Route {
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  /** Answers a request whose method is allowed; `params` are the pattern's groups. */
  readonly handler: (req: IncomingMessage, res: ServerResponse, params: readonly string[]) => Promise<void>;
}

const PATTERNS = {
  whip: /^\/media\/whip\/([0-9a-f]{16,128})$/,
  whipResource: /^\/media\/whip\/([0-9a-f]{16,128})\/([0-9a-f]{16})$/,
  whep: /^\/media\/(?:webrtc|whep)\/([0-9a-f]{16})$/,
  whepResource: /^\/media\/(?:webrtc|whep)\/([0-9a-f]{16})\/([0-9a-f]{16})$/,
  playback: /^\/media\/playback\/([0-9a-f]{16})$/,
  master: /^\/media\/hls\/([0-9a-f]{16})\/index\.m3u8$/,
  rendition: /^\/media\/hls\/([0-9a-f]{16})\/([a-z0-9]{1,16})\/(index\.m3u8|seg_\d{1,20}\.ts)$/,
  preview: /^\/media\/preview\/([0-9a-f]{16})\.jpg$/,
  archive: /^\/media\/(?:rec|clip)\/[0-9a-f]{16}\//,
};

export function createRoutes(opts: RoutesOptions): Routes {
  const { sessions, lifecycle, log, base, corsOrigin, ice, ingestStartKbps, clientIp } = opts;
  const { maxViewers, whepCapacity, maxViewersPerIp, offersPerMinute, viewerConnectTimeoutMs } = opts;
  const { byKey, byPlayback } = sessions;
  const { hls, endBroadcast } = lifecycle;
  const offerLimiter = new RateLimiter();

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
    if (!sessions.byId.has(entry.mediaId) || lifecycle.closed) {
      await accepted.ingest.close();
      return sendError(res, 404, 'UNKNOWN_STREAM', 'the stream was deleted');
    }
    const b: Broadcast = {
      id: hex(8),
      createdAt: Date.now(),
      ingest: accepted.ingest,
      ladder: null,
      tap: null,
      viewers: new Map(),
      slots: 0,
    };
    entry.broadcast = b;
    const off = b.ingest.onRtp(() => {
      off();
      lifecycle.onFirstPacket(entry, b);
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
    // Awaited before the checks: nothing may await between a check and taking the slot.
    const withHls = await hls;
    if (entry.broadcast !== b) return sendError(res, 503, 'STREAM_NOT_LIVE', 'the broadcast ended');
    const limit = b.slots >= maxViewers ? 'stream' : sessions.whepSlots() >= whepCapacity ? 'process' : null;
    if (limit) return refuseCapacity(res, entry, limit, withHls);
    const ip = clientIp(req);
    if (sessions.viewersOf(ip) >= maxViewersPerIp) {
      return sendError(res, 429, 'TOO_MANY_CONNECTIONS', `at most ${maxViewersPerIp} WebRTC viewers from one address`, {
        'retry-after': String(Math.ceil(viewerConnectTimeoutMs / 1000)),
      });
    }
    // No await between the checks and these lines: the caps hold under concurrent offers.
    b.slots++;
    sessions.holdIp(ip, 1);
    let accepted: Awaited<ReturnType<typeof Viewer.accept>>;
    try {
      accepted = await Viewer.accept(offer, b.ingest, ice);
    } catch (err) {
      b.slots--;
      sessions.holdIp(ip, -1);
      return refuseOffer(res, err as Error, entry);
    }
    if (entry.broadcast !== b) {
      b.slots--;
      sessions.holdIp(ip, -1);
      await accepted.viewer.close();
      return sendError(res, 503, 'STREAM_NOT_LIVE', 'the broadcast ended');
    }
    const viewerId = hex(8);
    b.viewers.set(viewerId, accepted.viewer);
    sessions.assignIp(accepted.viewer, ip);
    accepted.viewer.onStateChange((state) => {
      if (state === 'failed' || state === 'closed') sessions.dropViewer(entry, b, viewerId, `WHEP viewer ${state}`);
    });
    res.writeHead(201, {
      'content-type': 'application/sdp',
      location: `/media/webrtc/${entry.playbackId}/${viewerId}`,
      etag: `"${viewerId}"`,
    });
    res.end(accepted.answer);
  }

  /**
   * WebRTC is full (this stream's cap or the process's capacity): with an HLS ladder the viewer is
   * told to play it (503 USE_HLS and its URL: the web player moves to HLS, with peers when
   * MEDIA_P2P is on, and shows no error); without one, 503 VIEWER_LIMIT.
   */
  function refuseCapacity(res: ServerResponse, entry: Entry, limit: 'stream' | 'process', withHls: boolean): void {
    const retryAfter = { 'retry-after': String(Math.ceil(viewerConnectTimeoutMs / 1000)) };
    if (!withHls) {
      const what = limit === 'stream' ? 'on this stream' : 'on this server';
      sendError(res, 503, 'VIEWER_LIMIT', `too many WebRTC viewers ${what}`, retryAfter);
      return;
    }
    const extra: Omit<UseHlsAnswer['error'], 'code' | 'message'> = {
      hlsUrl: `${base}/media/hls/${entry.playbackId}/index.m3u8`,
      limit,
    };
    sendError(res, 503, USE_HLS, 'WebRTC playback is at capacity: play the HLS source', retryAfter, extra);
  }

  function refuseOffer(res: ServerResponse, err: Error, entry: Entry): void {
    if (err instanceof UnsupportedCodecError) {
      log.warn('offer refused', { media_id: entry.mediaId, error: err.message });
      sendError(res, 406, 'UNSUPPORTED_CODEC', err.message);
      return;
    }
    log.warn('bad SDP offer', { media_id: entry.mediaId, error: err.message });
    sendError(res, 400, 'BAD_SDP', 'the SDP offer could not be negotiated');
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

  async function whip(req: IncomingMessage, res: ServerResponse, [key]: readonly string[]): Promise<void> {
    const entry = byKey.get(key!);
    const head = req.method === 'HEAD';
    if (!entry) {
      if (head) res.writeHead(404).end();
      else sendError(res, 401, 'INVALID_STREAM_KEY', 'unknown stream key');
      return;
    }
    if (head) res.writeHead(200).end();
    else if (limitOffers(req, res)) await handleWhipPost(req, res, entry);
  }

  async function whipResource(_req: IncomingMessage, res: ServerResponse, [key, id]: readonly string[]): Promise<void> {
    const entry = byKey.get(key!);
    if (!entry || entry.broadcast?.id !== id) return sendError(res, 404, 'UNKNOWN_SESSION', 'no such WHIP session');
    await endBroadcast(entry, 'WHIP DELETE');
    res.writeHead(200).end();
  }

  async function whep(req: IncomingMessage, res: ServerResponse, [playbackId]: readonly string[]): Promise<void> {
    const entry = byPlayback.get(playbackId!);
    const head = req.method === 'HEAD';
    if (!entry) {
      if (head) res.writeHead(404).end();
      else sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id');
      return;
    }
    if (head) res.writeHead(200).end();
    else if (limitOffers(req, res)) await handleWhepPost(req, res, entry);
  }

  async function whepResource(
    _req: IncomingMessage,
    res: ServerResponse,
    [playbackId, viewerId]: readonly string[],
  ): Promise<void> {
    const entry = byPlayback.get(playbackId!);
    const b = entry?.broadcast;
    if (!entry || !b?.viewers.has(viewerId!)) return sendError(res, 404, 'UNKNOWN_SESSION', 'no such WHEP session');
    sessions.dropViewer(entry, b, viewerId!, 'WHEP DELETE');
    res.writeHead(200).end();
  }

  async function playback(req: IncomingMessage, res: ServerResponse, [playbackId]: readonly string[]): Promise<void> {
    const entry = byPlayback.get(playbackId!);
    if (!entry) return sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id');
    sendJson(res, 200, await playbackInfoOf(entry), req.method === 'HEAD');
  }

  /** Serves `relPath` of a stream's HLS folder, or 404 when the stream or HLS is unknown. */
  async function hlsFile(
    req: IncomingMessage,
    res: ServerResponse,
    playbackId: string,
    relPath: string,
  ): Promise<void> {
    const entry = byPlayback.get(playbackId);
    if (!entry || !(await hls)) return sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id');
    await serveHls(res, entry, relPath, req.method === 'HEAD');
  }

  const master = (req: IncomingMessage, res: ServerResponse, [playbackId]: readonly string[]): Promise<void> =>
    hlsFile(req, res, playbackId!, MASTER_PLAYLIST);

  const rendition = (req: IncomingMessage, res: ServerResponse, [id, name, file]: readonly string[]): Promise<void> =>
    hlsFile(req, res, id!, join(name!, file!));

  async function preview(req: IncomingMessage, res: ServerResponse, [playbackId]: readonly string[]): Promise<void> {
    const path = byPlayback.get(playbackId!)?.broadcast?.tap?.previewPath;
    let body: Buffer;
    try {
      if (!path) throw Object.assign(new Error('not live'), { code: 'ENOENT' });
      body = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return sendError(res, 404, 'NOT_FOUND', 'no preview (the stream is not live, or none was taken yet)');
      throw err;
    }
    res.writeHead(200, {
      'content-type': 'image/jpeg',
      'content-length': body.length,
      // A new snapshot comes about every 30 s; cards ask again with a new query string.
      'cache-control': 'public, max-age=15',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const archived = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!(await opts.archive.handle(req, res, path))) sendError(res, 404, 'NOT_FOUND', 'no such media route');
  };

  const routes: readonly Route[] = [
    { methods: ['HEAD', 'POST'], pattern: PATTERNS.whip, handler: whip },
    { methods: ['DELETE'], pattern: PATTERNS.whipResource, handler: whipResource },
    { methods: ['HEAD', 'POST'], pattern: PATTERNS.whep, handler: whep },
    { methods: ['DELETE'], pattern: PATTERNS.whepResource, handler: whepResource },
    { methods: ['GET', 'HEAD'], pattern: PATTERNS.playback, handler: playback },
    { methods: ['GET', 'HEAD'], pattern: PATTERNS.master, handler: master },
    { methods: ['GET', 'HEAD'], pattern: PATTERNS.rendition, handler: rendition },
    { methods: ['GET', 'HEAD'], pattern: PATTERNS.preview, handler: preview },
    { methods: ['GET', 'HEAD'], pattern: PATTERNS.archive, handler: archived },
  ];

  /** Answers OPTIONS and refuses a method the route does not allow (both false), else true. */
  function allow(req: IncomingMessage, res: ServerResponse, route: Route): boolean {
    const method = req.method ?? 'GET';
    const allowed = `${route.methods.join(', ')}, OPTIONS`;
    setCors(res, corsOrigin);
    if (method === 'OPTIONS') {
      res.writeHead(204, { allow: allowed });
      res.end();
      return false;
    }
    if (!route.methods.includes(method)) {
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} not allowed here`, { allow: allowed });
      return false;
    }
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!path.startsWith('/media/')) return false;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (allow(req, res, route)) await route.handler(req, res, m.slice(1));
      return true;
    }
    setCors(res, corsOrigin);
    sendError(res, 404, 'NOT_FOUND', 'no such media route');
    return true;
  }

  return {
    handle,
    playbackInfoOf,
    stop: () => clearInterval(limiterSweep),
  };
}
