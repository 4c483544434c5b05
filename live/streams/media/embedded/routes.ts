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
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { PlaybackInfo, PlaybackSource } from '../backend.js';
import { RateLimiter } from '../../../../lib/rateLimit.js';
import { BodyTooLargeError, readBody, sendError, sendJson, setCors } from './http.js';
import { MASTER_PLAYLIST } from './ladder.js';
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
  readonly maxViewersPerIp: number;
  readonly offersPerMinute: number;
  readonly viewerConnectTimeoutMs: number;
  readonly clientIp: (req: IncomingMessage) => string;
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

const ROUTES = {
  whip: /^\/media\/whip\/([0-9a-f]{16,128})$/,
  whipResource: /^\/media\/whip\/([0-9a-f]{16,128})\/([0-9a-f]{16})$/,
  whep: /^\/media\/(?:webrtc|whep)\/([0-9a-f]{16})$/,
  whepResource: /^\/media\/(?:webrtc|whep)\/([0-9a-f]{16})\/([0-9a-f]{16})$/,
  playback: /^\/media\/playback\/([0-9a-f]{16})$/,
  master: /^\/media\/hls\/([0-9a-f]{16})\/index\.m3u8$/,
  rendition: /^\/media\/hls\/([0-9a-f]{16})\/([a-z0-9]{1,16})\/(index\.m3u8|seg_\d{1,20}\.ts)$/,
};

export function createRoutes(opts: RoutesOptions): Routes {
  const { sessions, lifecycle, log, base, corsOrigin, ice, ingestStartKbps, clientIp } = opts;
  const { maxViewers, maxViewersPerIp, offersPerMinute, viewerConnectTimeoutMs } = opts;
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
    if (b.slots >= maxViewers)
      return sendError(res, 503, 'VIEWER_LIMIT', 'too many viewers on this stream', {
        'retry-after': String(Math.ceil(viewerConnectTimeoutMs / 1000)),
      });
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
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
      if (!entry || entry.broadcast?.id !== m[2]) {
        sendError(res, 404, 'UNKNOWN_SESSION', 'no such WHIP session');
        return true;
      }
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
      if (!entry || !b?.viewers.has(m[2]!)) {
        sendError(res, 404, 'UNKNOWN_SESSION', 'no such WHEP session');
        return true;
      }
      sessions.dropViewer(entry, b, m[2]!, 'WHEP DELETE');
      res.writeHead(200).end();
      return true;
    }
    if ((m = ROUTES.playback.exec(path))) {
      if (!allow('GET, HEAD')) return true;
      const entry = byPlayback.get(m[1]!);
      if (!entry) {
        sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id');
        return true;
      }
      sendJson(res, 200, await playbackInfoOf(entry), method === 'HEAD');
      return true;
    }
    if ((m = ROUTES.master.exec(path)) || (m = ROUTES.rendition.exec(path))) {
      if (!allow('GET, HEAD')) return true;
      const entry = byPlayback.get(m[1]!);
      if (!entry || !(await hls)) {
        sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id');
        return true;
      }
      const rel = m[2] ? join(m[2], m[3]!) : MASTER_PLAYLIST;
      await serveHls(res, entry, rel, method === 'HEAD');
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
