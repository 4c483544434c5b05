/**
 * The Livepeer Studio media backend: streams are created through the `livepeer` SDK with an ABR
 * ladder (720p/480p/360p), playback info comes from Studio, and Studio's `stream.started` /
 * `stream.idle` webhooks (signed, `Livepeer-Signature`) become MediaEvents.
 *
 * Routes: `POST /media/livepeer/webhook` (Studio's webhook), `GET /media/playback/:playbackId`
 * (Studio's playback info, passed through, so the web fetches it the same way for both backends).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Livepeer } from 'livepeer';
import { Profile } from 'livepeer/models/components/index.js';
import { ErrorT } from 'livepeer/models/errors/index.js';
import type {
  CreateMediaStreamInput,
  MediaBackend,
  MediaClip,
  MediaEvent,
  MediaRecording,
  MediaStream,
  PlaybackInfo,
} from './backend.js';
import type { MediaLogger } from './embedded/backend.js';
import { BodyTooLargeError, readBody, sendError, sendJson, setCors } from './embedded/http.js';

export interface LivepeerBackendOptions {
  readonly apiKey: string;
  /** The secret of the Studio webhook pointed at `/media/livepeer/webhook`. */
  readonly webhookSecret: string;
  /** Studio API base; default https://livepeer.studio/api (tests point it at a local fake). */
  readonly serverURL?: string;
  /** WHIP base the broadcaster posts to: `<ingestBaseUrl>/<streamKey>`. Default Studio's. */
  readonly ingestBaseUrl?: string;
  /** How far a webhook's signed timestamp may be from our clock. Default 5 minutes. */
  readonly webhookToleranceMs?: number;
  readonly log?: MediaLogger;
}

/** Studio's transcoding ladder for our streams (source is passed through as well). */
export const LIVEPEER_PROFILES = [
  { name: '720p', width: 1280, height: 720, bitrate: 2_500_000, fps: 30, gop: '2.0', profile: Profile.H264Baseline },
  { name: '480p', width: 854, height: 480, bitrate: 1_200_000, fps: 30, gop: '2.0', profile: Profile.H264Baseline },
  { name: '360p', width: 640, height: 360, bitrate: 700_000, fps: 30, gop: '2.0', profile: Profile.H264Baseline },
];

const DEFAULT_INGEST = 'https://playback.livepeer.studio/webrtc';
const WEBHOOK_LIMIT = 1024 * 1024;
/** Delivered event ids remembered to refuse a replay inside the tolerance window. */
const SEEN_EVENTS = 10_000;

/** Why a webhook was refused. */
export type WebhookRefusal = 'MISSING_SIGNATURE' | 'BAD_SIGNATURE' | 'STALE_TIMESTAMP' | 'BAD_BODY';

/**
 * Checks a Studio webhook. Studio sends `Livepeer-Signature: t=<ms>,v1=<hex>` where v1 is the
 * HMAC-SHA256 of the raw body alone (not "<t>.<body>"); `t` itself is not signed, so freshness is
 * judged from the body's signed `timestamp`, which must equal `t`. Returns the parsed body or the
 * reason for refusal.
 */
export function verifyLivepeerWebhook(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
  now: number,
  toleranceMs: number,
): { ok: true; body: Record<string, unknown> } | { ok: false; reason: WebhookRefusal } {
  if (!header) return { ok: false, reason: 'MISSING_SIGNATURE' };
  let t: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d+$/.test(v)) t = Number(v);
    else if (k === 'v1' && v) signatures.push(v.toLowerCase());
  }
  if (t === null || signatures.length === 0) return { ok: false, reason: 'MISSING_SIGNATURE' };
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const match = signatures.some((s) => /^[0-9a-f]{64}$/.test(s) && timingSafeEqual(Buffer.from(s, 'hex'), expected));
  if (!match) return { ok: false, reason: 'BAD_SIGNATURE' };
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'BAD_BODY' };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'BAD_BODY' };
  const signedTs = (body as { timestamp?: unknown }).timestamp;
  if (typeof signedTs !== 'number' || signedTs !== t) return { ok: false, reason: 'STALE_TIMESTAMP' };
  if (Math.abs(now - signedTs) > toleranceMs) return { ok: false, reason: 'STALE_TIMESTAMP' };
  return { ok: true, body: body as Record<string, unknown> };
}

// playback.get throws ErrorT only for 404; other calls throw SDKError carrying the status.
const isNotFound = (err: unknown): boolean =>
  err instanceof ErrorT || (err as { statusCode?: number })?.statusCode === 404;

/** Creates the Livepeer Studio backend. */
export function createLivepeerBackend(opts: LivepeerBackendOptions): MediaBackend {
  if (!opts.apiKey) throw new Error('LIVEPEER_API_KEY is empty');
  if (!opts.webhookSecret)
    throw new Error('LIVEPEER_WEBHOOK_SECRET is required with LIVEPEER_API_KEY (webhooks are how streams go live)');
  const sdk = new Livepeer({ apiKey: opts.apiKey, ...(opts.serverURL ? { serverURL: opts.serverURL } : {}) });
  const ingestBase = (opts.ingestBaseUrl ?? DEFAULT_INGEST).replace(/\/+$/, '');
  const tolerance = opts.webhookToleranceMs ?? 5 * 60_000;
  const log = opts.log;
  const listeners = new Set<(event: MediaEvent) => void>();
  const seen = new Set<string>();
  /** Playback id -> Studio stream id, of the streams this process created or took back. */
  const mediaIdOf = new Map<string, string>();
  const latest = new Map<string, MediaRecording | null>();
  const hidden = new Set<string>();
  const clips = new Map<string, MediaClip>();

  const emit = (event: MediaEvent): void => {
    log?.info(`stream ${event.type}`, { media_id: event.mediaId, backend: 'livepeer' });
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log?.error('media event listener threw', { media_id: event.mediaId, error: (err as Error).message });
      }
    }
  };

  async function playbackInfo(playbackId: string): Promise<PlaybackInfo | null> {
    let info: Awaited<ReturnType<typeof sdk.playback.get>>['playbackInfo'];
    try {
      info = (await sdk.playback.get(playbackId)).playbackInfo;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    if (!info) return null;
    return {
      type: 'live',
      meta: {
        live: info.meta.live === 1 ? 1 : 0,
        source: info.meta.source.map((s) => ({
          hrn: s.hrn,
          type: s.type,
          url: s.url,
          ...(s.width !== undefined ? { width: s.width } : {}),
          ...(s.height !== undefined ? { height: s.height } : {}),
          ...(s.bitrate !== undefined ? { bitrate: s.bitrate } : {}),
        })),
      },
    };
  }

  async function handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req, WEBHOOK_LIMIT);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendError(res, 413, 'PAYLOAD_TOO_LARGE', err.message);
      throw err;
    }
    const header = req.headers['livepeer-signature'];
    const verdict = verifyLivepeerWebhook(
      raw,
      Array.isArray(header) ? header[0] : header,
      opts.webhookSecret,
      Date.now(),
      tolerance,
    );
    if (!verdict.ok) {
      log?.warn('webhook refused', { reason: verdict.reason });
      return sendError(res, verdict.reason === 'BAD_BODY' ? 400 : 401, verdict.reason, 'webhook refused');
    }
    const { body } = verdict;
    const id = typeof body.id === 'string' ? body.id : null;
    if (id && seen.has(id)) return sendError(res, 409, 'DUPLICATE_EVENT', 'event already delivered');
    if (id) {
      seen.add(id);
      if (seen.size > SEEN_EVENTS) seen.delete(seen.values().next().value!);
    }
    const stream = body.stream as { id?: unknown; parentId?: unknown } | undefined;
    // A session object carries its parent stream in parentId; our mediaId is the parent's id.
    const mediaId =
      typeof stream?.parentId === 'string' ? stream.parentId : typeof stream?.id === 'string' ? stream.id : null;
    const type = body.event === 'stream.started' ? 'started' : body.event === 'stream.idle' ? 'idle' : null;
    if (type && mediaId) emit({ type, mediaId, at: body.timestamp as number });
    else log?.debug('webhook ignored', { event: body.event });
    res.writeHead(204).end();
  }

  return {
    kind: 'livepeer',

    async createStream(input: CreateMediaStreamInput): Promise<MediaStream> {
      const { stream } = await sdk.stream.create({
        name: input.name,
        // Audio-only streams need no video rungs; Studio passes the source through.
        profiles: input.audioOnly ? [] : LIVEPEER_PROFILES,
        // Studio records each session itself; recordings() lists them.
        record: input.record ?? true,
      });
      if (!stream?.id || !stream.streamKey || !stream.playbackId)
        throw new Error('Livepeer stream.create returned no id, streamKey or playbackId');
      mediaIdOf.set(stream.playbackId, stream.id);
      return {
        mediaId: stream.id,
        streamKey: stream.streamKey,
        playbackId: stream.playbackId,
        ingestUrl: `${ingestBase}/${stream.streamKey}`,
      };
    },

    // Studio keeps its streams and keys itself: nothing to take back but the ingest URL.
    restoreStreams(streams) {
      for (const s of streams) mediaIdOf.set(s.playbackId, s.mediaId);
      return streams.map((s) => ({
        mediaId: s.mediaId,
        streamKey: s.streamKey,
        playbackId: s.playbackId,
        ingestUrl: `${ingestBase}/${s.streamKey}`,
      }));
    },

    async deleteStream(mediaId: string): Promise<void> {
      try {
        await sdk.stream.delete(mediaId);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },

    playbackInfo,

    // Studio serves no snapshot of a live stream in playback info; cards show the title alone.
    previewUrl: () => null,

    async setRecording(mediaId: string, on: boolean): Promise<void> {
      await sdk.stream.update({ record: on }, mediaId);
    },

    async recordings(playbackId: string): Promise<MediaRecording[]> {
      const mediaId = mediaIdOf.get(playbackId);
      if (!mediaId) return [];
      const sessions = (await sdk.session.getRecorded(mediaId)).data ?? [];
      const list = sessions
        .filter((s) => s.id && s.recordingStatus === 'ready' && s.recordingUrl && !hidden.has(s.id))
        .map(
          (s): MediaRecording => ({
            recordingId: s.id!,
            playbackId,
            startedAt: s.createdAt ?? 0,
            endedAt: s.lastSeen ?? null,
            durationSeconds: s.sourceSegmentsDuration ?? 0,
            thumbnailUrl: null,
            playbackInfo: {
              type: 'vod',
              meta: {
                live: 0,
                source: [{ hrn: 'HLS (TS)', type: 'html5/application/vnd.apple.mpegurl', url: s.recordingUrl! }],
              },
            },
          }),
        )
        .sort((a, b) => b.startedAt - a.startedAt);
      latest.set(playbackId, list[0] ?? null);
      return list;
    },

    latestRecording: (playbackId: string): MediaRecording | null => latest.get(playbackId) ?? null,

    // Studio's API has no call that deletes a session's recording: it is hidden from our lists
    // (until a restart) and Studio's own retention removes it.
    async deleteRecording(playbackId: string, recordingId: string): Promise<boolean> {
      const known = (await this.recordings(playbackId)).some((r) => r.recordingId === recordingId);
      if (!known) return false;
      hidden.add(recordingId);
      if (latest.get(playbackId)?.recordingId === recordingId) latest.delete(playbackId);
      log?.warn('Livepeer recording hidden, not deleted (Studio has no API for it)', { recording_id: recordingId });
      return true;
    },

    async createClip(mediaId: string, seconds: number): Promise<MediaClip> {
      const playbackId = [...mediaIdOf].find(([, m]) => m === mediaId)?.[0];
      if (!playbackId) throw new Error(`unknown stream ${mediaId}`);
      const now = Date.now();
      const { data } = await sdk.stream.createClip({ playbackId, startTime: now - seconds * 1000, endTime: now });
      const clipPlayback = data?.asset.playbackId;
      if (!clipPlayback) throw new Error('Livepeer createClip returned no playback id');
      const clip: MediaClip = {
        clipId: clipPlayback,
        playbackId,
        createdAt: now,
        durationSeconds: seconds,
        thumbnailUrl: null,
        playbackInfo: { type: 'vod', meta: { live: 0, source: [] } },
      };
      clips.set(clip.clipId, clip);
      return clip;
    },

    async clip(clipId: string): Promise<MediaClip | null> {
      const known = clips.get(clipId);
      // Studio processes a clip as an asset; its playback info appears once it is ready.
      const info = await playbackInfo(clipId);
      if (!known && !info) return null;
      return {
        clipId,
        playbackId: known?.playbackId ?? '',
        createdAt: known?.createdAt ?? 0,
        durationSeconds: known?.durationSeconds ?? 0,
        thumbnailUrl: null,
        playbackInfo: info ? { ...info, type: 'vod' } : { type: 'vod', meta: { live: 0, source: [] } },
      };
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/media/livepeer/webhook') {
        if (req.method !== 'POST') {
          sendError(res, 405, 'METHOD_NOT_ALLOWED', 'POST only', { allow: 'POST' });
          return true;
        }
        await handleWebhook(req, res);
        return true;
      }
      const m = /^\/media\/playback\/([A-Za-z0-9_-]{1,64})$/.exec(path);
      if (m) {
        setCors(res, '*');
        if (req.method === 'OPTIONS') {
          res.writeHead(204).end();
          return true;
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendError(res, 405, 'METHOD_NOT_ALLOWED', 'GET only');
          return true;
        }
        const info = await playbackInfo(m[1]!);
        if (!info) {
          sendError(res, 404, 'UNKNOWN_PLAYBACK_ID', 'unknown playback id');
          return true;
        }
        sendJson(res, 200, info, req.method === 'HEAD');
        return true;
      }
      return false;
    },

    async close(): Promise<void> {
      listeners.clear();
    },
  };
}
