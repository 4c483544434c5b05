/**
 * Streams: created by registered broadcasters (per the chain, through the indexer), each with a
 * numeric `streamId` (the uint256 gifts carry on chain) allocated sequentially by the stream store (live/streams/store.ts). State
 * follows the media backend: idle (no media), live (media started), ended (final).
 */
import type { MediaBackend, MediaEvent, PlaybackInfo } from './media/backend.js';
import type { Directory } from '../internal/directory.js';
import { LiveError, badField } from '../internal/errors.js';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { INVISIBLE } from '../chat/text.js';
import type { StreamStore } from './store.js';
import type {
  Clip,
  Recording,
  OwnedStream,
  PublicStream,
  StreamDetail,
  StreamInput,
  StreamList,
  StreamState,
} from '../../lib/protocol/http.js';

export type { OwnedStream, PublicStream, StreamDetail, StreamList, StreamState };

export interface StreamRow {
  id: number;
  owner: string;
  title: string;
  category: string;
  tags: string;
  language: string;
  thumbnail_url: string | null;
  audio_only: number;
  record: number;
  state: StreamState;
  media_id: string;
  stream_key: string;
  playback_id: string;
  ingest_url: string;
  slow_mode_seconds: number;
  followers_only: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  first_live_at: number | null;
  ended_at: number | null;
  peak_viewers: number;
  /** Shield mode's saved settings (JSON), or null when it is off. */
  shield_prev: string | null;
  accept_raids: number;
}

export interface StreamsParams {
  /** The streams (SQLite: createSqliteStreamStore). */
  store: StreamStore;
  media: MediaBackend;
  directory: Directory;
  now: () => number;
  log: Logger;
  /** Viewers in the stream's room (the chat hub counts them). */
  viewers: (streamId: number) => number;
  /** Called after a stream's state or settings changed (the hub tells its room). */
  onChange?: (stream: PublicStream) => void;
}

export interface Streams {
  create(owner: string, input: Record<string, unknown>): Promise<OwnedStream>;
  update(caller: string, streamId: number, input: Record<string, unknown>): Promise<PublicStream>;
  end(caller: string, streamId: number): Promise<PublicStream>;
  /** The row, or STREAM_NOT_FOUND. */
  row(streamId: number): StreamRow;
  /** The row, or undefined. */
  find(streamId: number): StreamRow | undefined;
  /** A live stream's room counted `viewers`: its peak rises to it when higher. */
  noteViewers(streamId: number, viewers: number): void;
  get(streamId: number, caller?: string): Promise<StreamDetail>;
  list(filter: {
    state?: string | null;
    owner?: string | null;
    first?: string | null;
    after?: string | null;
  }): StreamList;
  /** Deletes one of the stream's recordings (its owner only). */
  deleteRecording(caller: string, streamId: number, recordingId: string): Promise<void>;
  /** Clips the last `seconds` (30 to 60) of a live stream, for any signed-in caller. */
  clip(caller: string, streamId: number, input: Record<string, unknown>): Promise<Clip>;
  /** A clip by id, or CLIP_NOT_FOUND. */
  getClip(clipId: string): Promise<Clip>;
  /** Sets chat settings (the hub checks who may). */
  /**
   * Chat settings. Shield mode on turns followers-only on and slow mode to at least
   * SHIELD_SLOW_S, keeping what they were; off gives them back.
   */
  setChatSettings(
    streamId: number,
    s: { slowModeSeconds?: number; followersOnly?: boolean; shield?: boolean },
  ): PublicStream;
  view(row: StreamRow): PublicStream;
  close(): void;
}

/** Shield mode's slow mode at least (seconds). */
export const SHIELD_SLOW_S = 10;

/** The seconds a clip may reach back (the embedded backend keeps 60 s for this). */
export const CLIP_SECONDS = { min: 30, max: 60, default: 30 } as const;
const TAG = /^[\p{L}\p{N}_-]{1,25}$/u;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const MAX_PAGE = 100;

/** Parses a positive decimal stream id (STREAM_NOT_FOUND for anything else). */
export function parseStreamId(s: string | undefined): number {
  if (!s || !/^[1-9]\d{0,15}$/.test(s)) throw new LiveError('STREAM_NOT_FOUND', `no stream ${JSON.stringify(s ?? '')}`);
  return Number(s);
}

function text(input: Record<string, unknown>, field: string, max: number, required: boolean): string | undefined {
  const v = input[field];
  if (v === undefined) {
    if (required) throw badField(field, `${field} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw badField(field, `${field} must be a string`);
  // Refused rather than stripped: the broadcaster should see that what they typed is not shown as typed.
  if (INVISIBLE.test(v))
    throw badField(field, `${field} must not contain bidi controls, zero-width characters or line separators`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const s = v.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (required && s === '') throw badField(field, `${field} must not be empty`);
  if ([...s].length > max) throw badField(field, `${field} must be at most ${max} characters`);
  return s;
}

/** The metadata fields of a create or update body, validated. */
function metadata(
  input: Record<string, unknown>,
  creating: boolean,
): Partial<Required<Omit<StreamInput, 'thumbnailUrl'>> & { thumbnailUrl: string | null }> {
  const out: ReturnType<typeof metadata> = {};
  const title = text(input, 'title', 140, creating);
  if (title !== undefined) {
    if (title === '') throw badField('title', 'title must not be empty');
    out.title = title;
  }
  const category = text(input, 'category', 50, false);
  if (category !== undefined) out.category = category;
  if (input.tags !== undefined) {
    if (
      !Array.isArray(input.tags) ||
      input.tags.length > 10 ||
      !input.tags.every((t) => typeof t === 'string' && TAG.test(t))
    ) {
      throw badField('tags', 'tags must be at most 10 words of letters, digits, _ or - (25 characters each)');
    }
    out.tags = [...new Set(input.tags as string[])];
  }
  if (input.language !== undefined) {
    if (typeof input.language !== 'string' || (input.language !== '' && !LANGUAGE.test(input.language)))
      throw badField('language', 'language must be a BCP 47 tag like "en" or "pt-BR"');
    out.language = input.language;
  }
  if (input.thumbnailUrl !== undefined) {
    const u = input.thumbnailUrl;
    if (u !== null && (typeof u !== 'string' || u.length > 2048 || !/^https?:\/\/[^\s]+$/.test(u)))
      throw badField('thumbnailUrl', 'thumbnailUrl must be an http(s) URL or null');
    out.thumbnailUrl = u as string | null;
  }
  if (input.audioOnly !== undefined) {
    if (!creating) throw badField('audioOnly', 'audioOnly is fixed when the stream is created');
    if (typeof input.audioOnly !== 'boolean') throw badField('audioOnly', 'audioOnly must be a boolean');
    out.audioOnly = input.audioOnly;
  }
  if (input.record !== undefined) {
    if (typeof input.record !== 'boolean') throw badField('record', 'record must be a boolean');
    out.record = input.record;
  }
  if (input.acceptRaids !== undefined) {
    if (typeof input.acceptRaids !== 'boolean') throw badField('acceptRaids', 'acceptRaids must be a boolean');
    out.acceptRaids = input.acceptRaids;
  }
  const known = new Set([
    'title',
    'category',
    'tags',
    'language',
    'thumbnailUrl',
    'audioOnly',
    'record',
    'acceptRaids',
  ]);
  const unknown = Object.keys(input).find((k) => !known.has(k));
  if (unknown) throw badField(unknown, `unknown field ${unknown}`);
  return out;
}

/** The streams service. */
export function createStreams(p: StreamsParams): Streams {
  const { store } = p;

  // A new process has seen no media yet: streams left live by the last one are idle until the
  // backend reports `started` again.
  store.idleAllLive(p.now());
  restoreMedia();

  /**
   * Hands the backend the keys and playback ids of every stream that has not ended (this table is
   * where they persist), so the same key ingests and viewers play the same playback id after a
   * restart. The ingest URL is the backend's as it is now (the public URL may have changed).
   */
  function restoreMedia(): void {
    const open = store.notEnded();
    if (!open.length) return;
    const restored = p.media.restoreStreams(
      open.map((r) => ({
        mediaId: r.media_id,
        streamKey: r.stream_key,
        playbackId: r.playback_id,
        ingestUrl: r.ingest_url,
        name: r.title,
        audioOnly: r.audio_only === 1,
        record: r.record === 1,
      })),
    );
    for (const m of restored) store.setIngestUrl(m.mediaId, m.ingestUrl);
    if (restored.length < open.length)
      p.log.warn('media backend did not take back some streams', { streams: open.length, restored: restored.length });
  }

  const find = (id: number): StreamRow | undefined => store.byId(id);
  const row = (id: number): StreamRow => {
    const r = find(id);
    if (!r) throw new LiveError('STREAM_NOT_FOUND', `no stream ${id}`);
    return r;
  };

  function view(r: StreamRow): PublicStream {
    return {
      streamId: String(r.id),
      owner: r.owner,
      ownerHandle: p.directory.cachedHandle(r.owner) ?? null,
      title: r.title,
      category: r.category,
      tags: JSON.parse(r.tags) as string[],
      language: r.language,
      thumbnailUrl: r.thumbnail_url,
      audioOnly: r.audio_only === 1,
      state: r.state,
      playbackId: r.playback_id,
      slowModeSeconds: r.slow_mode_seconds,
      followersOnly: r.followers_only === 1,
      shieldMode: r.shield_prev !== null,
      acceptRaids: r.accept_raids === 1,
      viewers: p.viewers(r.id),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      startedAt: r.started_at,
      firstLiveAt: r.first_live_at,
      endedAt: r.ended_at,
      peakViewers: r.peak_viewers,
      previewUrl: r.state === 'live' ? p.media.previewUrl(r.playback_id) : null,
      record: r.record === 1,
      recording: recordingView(p.media.latestRecording(r.playback_id)),
    };
  }
  /** A recording as clients see it (the backend's playback id left out). */
  const recordingView = (m: Recording | null): Recording | null =>
    m && {
      recordingId: m.recordingId,
      startedAt: m.startedAt,
      endedAt: m.endedAt,
      durationSeconds: m.durationSeconds,
      thumbnailUrl: m.thumbnailUrl,
      playbackInfo: m.playbackInfo,
    };
  const owned = (r: StreamRow): OwnedStream => ({
    ...view(r),
    mediaId: r.media_id,
    streamKey: r.stream_key,
    ingestUrl: r.ingest_url,
  });

  function owns(caller: string, r: StreamRow): void {
    if (r.owner !== caller) throw new LiveError('NOT_OWNER', `stream ${r.id} belongs to ${r.owner}`);
  }

  const offMedia = p.media.onEvent((e: MediaEvent) => {
    const r = store.byMedia(e.mediaId);
    if (!r || r.state === 'ended') return;
    const state: StreamState = e.type === 'started' ? 'live' : 'idle';
    if (r.state === state) return;
    store.setState(r.id, state, p.now(), e.at);
    // Those already in the room when it goes live count toward the peak (the room's count did not change).
    if (state === 'live') store.notePeak(r.id, p.viewers(r.id));
    p.log.info('stream state', { stream_id: r.id, state });
    p.onChange?.(view(row(r.id)));
  });

  return {
    async create(owner, input) {
      const m = metadata(input, true);
      const prof = await p.directory.profile(owner);
      if (!prof.registered || !prof.broadcaster)
        throw new LiveError(
          'NOT_BROADCASTER',
          `${owner} is not a registered broadcaster on chain (Profiles.register, then setBroadcaster(true))`,
        );
      let ms: Awaited<ReturnType<typeof p.media.createStream>>;
      try {
        ms = await p.media.createStream({ name: m.title!, audioOnly: m.audioOnly ?? false, record: m.record ?? true });
      } catch (e) {
        p.log.error('media createStream failed', { error: describeError(e) });
        throw new LiveError('MEDIA_UNAVAILABLE', 'the media backend could not create the stream', {}, { cause: e });
      }
      const now = p.now();
      const id = store.insert({
        owner,
        title: m.title!,
        category: m.category ?? '',
        tags: JSON.stringify(m.tags ?? []),
        language: m.language ?? '',
        thumbnail_url: m.thumbnailUrl ?? null,
        audio_only: m.audioOnly ? 1 : 0,
        record: m.record === false ? 0 : 1,
        media_id: ms.mediaId,
        stream_key: ms.streamKey,
        playback_id: ms.playbackId,
        ingest_url: ms.ingestUrl,
        now,
      });
      p.log.info('stream created', { stream_id: id, owner });
      return owned(row(id));
    },

    async update(caller, id, input) {
      const r = row(id);
      owns(caller, r);
      if (r.state === 'ended') throw new LiveError('STREAM_ENDED', `stream ${id} has ended`);
      const m = metadata(input, false);
      store.updateMetadata(
        id,
        {
          title: m.title,
          category: m.category,
          tags: m.tags === undefined ? undefined : JSON.stringify(m.tags),
          language: m.language,
          thumbnail_url: m.thumbnailUrl,
        },
        p.now(),
      );
      if (m.record !== undefined && (m.record ? 1 : 0) !== r.record) {
        store.setRecord(id, m.record, p.now());
        await p.media.setRecording(r.media_id, m.record);
      }
      if (m.acceptRaids !== undefined) store.setAcceptRaids(id, m.acceptRaids, p.now());
      const v = view(row(id));
      p.onChange?.(v);
      return v;
    },

    async end(caller, id) {
      const r = row(id);
      owns(caller, r);
      if (r.state === 'ended') throw new LiveError('STREAM_ENDED', `stream ${id} has already ended`);
      const now = p.now();
      store.end(id, now);
      try {
        await p.media.deleteStream(r.media_id);
      } catch (e) {
        // The stream is over for us either way; the backend frees what it still holds on close.
        p.log.error('media deleteStream failed', { stream_id: id, error: describeError(e) });
      }
      p.log.info('stream ended', { stream_id: id });
      const v = view(row(id));
      p.onChange?.(v);
      return v;
    },

    row,
    find,
    noteViewers: (id, viewers) => store.notePeak(id, viewers),

    async get(id, caller) {
      const r = row(id);
      await p.directory.handle(r.owner);
      let playbackInfo: PlaybackInfo | null = null;
      if (r.state !== 'ended') {
        try {
          playbackInfo = await p.media.playbackInfo(r.playback_id);
        } catch (e) {
          p.log.warn('media playbackInfo failed', { stream_id: id, error: describeError(e) });
        }
      }
      let recordings: Recording[] = [];
      try {
        recordings = (await p.media.recordings(r.playback_id)).map((m) => recordingView(m)!);
      } catch (e) {
        p.log.warn('media recordings failed', { stream_id: id, error: describeError(e) });
      }
      return { ...(caller === r.owner ? owned(r) : view(r)), playbackInfo, recordings };
    },

    async deleteRecording(caller, id, recordingId) {
      const r = row(id);
      owns(caller, r);
      if (!(await p.media.deleteRecording(r.playback_id, recordingId)))
        throw new LiveError('RECORDING_NOT_FOUND', `stream ${id} has no recording ${recordingId}`);
      p.log.info('recording deleted', { stream_id: id, recording_id: recordingId });
      p.onChange?.(view(row(id)));
    },

    async clip(caller, id, input) {
      const r = row(id);
      const seconds = input.seconds ?? CLIP_SECONDS.default;
      if (
        typeof seconds !== 'number' ||
        !Number.isInteger(seconds) ||
        seconds < CLIP_SECONDS.min ||
        seconds > CLIP_SECONDS.max
      )
        throw badField('seconds', `seconds must be a whole number from ${CLIP_SECONDS.min} to ${CLIP_SECONDS.max}`);
      const unknown = Object.keys(input).find((k) => k !== 'seconds');
      if (unknown) throw badField(unknown, `unknown field ${unknown}`);
      if (r.state !== 'live') throw new LiveError('STREAM_NOT_LIVE', `stream ${id} is not live`);
      let clip: Awaited<ReturnType<typeof p.media.createClip>>;
      try {
        clip = await p.media.createClip(r.media_id, seconds);
      } catch (e) {
        p.log.warn('media createClip failed', { stream_id: id, error: describeError(e) });
        throw new LiveError('MEDIA_UNAVAILABLE', 'the stream could not be clipped now', {}, { cause: e });
      }
      store.insertClip({ clip_id: clip.clipId, stream_id: id, created_by: caller, created_at: p.now() });
      p.log.info('clip created', { stream_id: id, clip_id: clip.clipId, by: caller });
      return this.getClip(clip.clipId);
    },

    async getClip(clipId) {
      const c = /^[A-Za-z0-9_-]{1,64}$/.test(clipId) ? store.clip(clipId) : undefined;
      const media = c ? await p.media.clip(clipId) : null;
      if (!c || !media) throw new LiveError('CLIP_NOT_FOUND', `no clip ${JSON.stringify(clipId)}`);
      const r = row(c.stream_id);
      await p.directory.handle(r.owner);
      return {
        clipId,
        streamId: String(r.id),
        title: r.title,
        owner: r.owner,
        ownerHandle: p.directory.cachedHandle(r.owner) ?? null,
        createdBy: c.created_by,
        createdAt: c.created_at,
        durationSeconds: media.durationSeconds,
        thumbnailUrl: media.thumbnailUrl,
        playbackInfo: media.playbackInfo,
      };
    },

    list(f) {
      const first = f.first === undefined || f.first === null || f.first === '' ? 20 : Number(f.first);
      if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE)
        throw badField('first', `first must be 1 to ${MAX_PAGE}`);
      if (f.state && !['idle', 'live', 'ended'].includes(f.state))
        throw badField('state', 'state must be idle, live or ended');
      if (f.after && !/^\d{1,16}$/.test(f.after))
        throw badField('after', 'after must be the endCursor of the previous page');
      const rows = store.list(
        {
          ...(f.state ? { state: f.state } : {}),
          ...(f.owner ? { owner: f.owner } : {}),
          ...(f.after ? { before: Number(f.after) } : {}),
        },
        first + 1,
      );
      const page = rows.slice(0, first);
      return {
        nodes: page.map(view),
        pageInfo: {
          endCursor: page.length ? String(page[page.length - 1]!.id) : null,
          hasNextPage: rows.length > first,
        },
      };
    },

    setChatSettings(id, s) {
      if (s.slowModeSeconds !== undefined) store.setSlowMode(id, s.slowModeSeconds, p.now());
      if (s.followersOnly !== undefined) store.setFollowersOnly(id, s.followersOnly, p.now());
      const r = row(id);
      if (s.shield === true && r.shield_prev === null) {
        const prev = { slowModeSeconds: r.slow_mode_seconds, followersOnly: r.followers_only === 1 };
        store.setShield(id, JSON.stringify(prev), p.now());
        store.setSlowMode(id, Math.max(r.slow_mode_seconds, SHIELD_SLOW_S), p.now());
        store.setFollowersOnly(id, true, p.now());
      } else if (s.shield === false && r.shield_prev !== null) {
        const prev = JSON.parse(r.shield_prev) as { slowModeSeconds: number; followersOnly: boolean };
        store.setShield(id, null, p.now());
        store.setSlowMode(id, prev.slowModeSeconds, p.now());
        store.setFollowersOnly(id, prev.followersOnly, p.now());
      }
      return view(row(id));
    },

    view,
    close: offMedia,
  };
}
