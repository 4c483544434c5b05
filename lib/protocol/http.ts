/**
 * The live service's HTTP answers (`/api/auth/*`, `/api/streams*`, `/api/dms/*`, `/media/playback/*`),
 * defined once: live's services return these types and the web's API client reads them. Types only:
 * the service builds every answer itself (the inputs it takes are checked field by field where they
 * arrive), so there is nothing to parse on this side of the wire.
 */
import type { DirectMessage, Notification, NotificationKind, PageInfo } from './payloads.js';

// ------------------------------------------------------------------------------- sign-in

/** `POST /api/auth/nonce`: the exact message to sign and when it stops being accepted. */
export interface NonceAnswer {
  message: string;
  nonce: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** `POST /api/auth/verify`: the session opened (its token is also the HttpOnly cookie). */
export interface VerifyAnswer {
  token: string;
  address: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** `GET /api/auth/session`: who the cookie signs in. */
export interface SessionAnswer {
  address: string;
  /** The on-chain handle, when registered. */
  handle: string | null;
  /** Epoch ms. */
  expiresAt: number;
}

// ------------------------------------------------------------------------------- streams

export type StreamState = 'idle' | 'live' | 'ended';

/** A stream as everyone may see it. */
export interface PublicStream {
  streamId: string;
  owner: string;
  ownerHandle: string | null;
  title: string;
  category: string;
  tags: string[];
  language: string;
  thumbnailUrl: string | null;
  audioOnly: boolean;
  state: StreamState;
  playbackId: string;
  slowModeSeconds: number;
  followersOnly: boolean;
  /** Shield mode: followers-only, slow mode, and first-time chatters held for review. */
  shieldMode: boolean;
  /** Whether other broadcasters may offer to raid it (each raid still needs the broadcaster's yes). */
  acceptRaids: boolean;
  viewers: number;
  createdAt: number;
  updatedAt: number;
  /** When it last went live (ms). */
  startedAt: number | null;
  /** When it first went live (ms): a broadcast that stopped and started again keeps it. */
  firstLiveAt: number | null;
  endedAt: number | null;
  /** The most viewers it had at once while live. */
  peakViewers: number;
  /** A JPEG snapshot of the live broadcast, refreshed about every 30 s (null when not live or none). */
  previewUrl: string | null;
  /** Whether broadcasts are kept as recordings. */
  record: boolean;
  /** The newest finished recording, or null. */
  recording: Recording | null;
}

/** A broadcast kept after it ended. */
export interface Recording {
  recordingId: string;
  startedAt: number;
  endedAt: number | null;
  durationSeconds: number;
  thumbnailUrl: string | null;
  playbackInfo: PlaybackInfo;
}

/** `GET /api/clips/{id}` and `POST /api/streams/{id}/clips`: the last seconds of a live stream, on their own page. */
export interface Clip {
  clipId: string;
  streamId: string;
  title: string;
  owner: string;
  ownerHandle: string | null;
  /** Who clipped it. */
  createdBy: string;
  createdAt: number;
  durationSeconds: number;
  thumbnailUrl: string | null;
  playbackInfo: PlaybackInfo;
}

/** What only the owner sees on top. */
export interface OwnedStream extends PublicStream {
  mediaId: string;
  streamKey: string;
  ingestUrl: string;
}

/** `GET /api/streams/{id}`: the stream (the owner's view to its owner) and how to play it now. */
export type StreamDetail = (PublicStream | OwnedStream) & {
  playbackInfo: PlaybackInfo | null;
  /** Every finished recording, newest first. */
  recordings: Recording[];
};

/** `GET /api/streams`: a page of streams. */
export interface StreamList {
  nodes: PublicStream[];
  pageInfo: PageInfo;
}

/** `POST /api/streams` and `PATCH /api/streams/{id}` bodies. */
export interface StreamInput {
  title: string;
  category?: string;
  tags?: string[];
  language?: string;
  thumbnailUrl?: string;
  audioOnly?: boolean;
  /** Keep broadcasts as recordings (default true). */
  record?: boolean;
  /** Let other broadcasters offer raids (default true). */
  acceptRaids?: boolean;
}

/** One playable source, in Livepeer Studio's playback-info shape. */
export interface PlaybackSource {
  readonly hrn: string;
  readonly type: string;
  readonly url: string;
  readonly width?: number;
  readonly height?: number;
  readonly bitrate?: number;
}

/** Livepeer Studio's `GET /playback/{id}` JSON shape, which `@livepeer/core-web`'s getSrc() reads. */
export interface PlaybackInfo {
  /** 'vod' for a recording or a clip (an HLS playlist with an end). */
  readonly type: 'live' | 'vod';
  readonly meta: {
    readonly live: 0 | 1;
    readonly source: readonly PlaybackSource[];
  };
}

/**
 * The embedded backend's WHEP answer (503) when WebRTC is at capacity, for the process or the
 * stream, and the stream has an HLS ladder: the viewer plays `hlsUrl` instead (the web player
 * moves to its HLS tier without showing an error). Without HLS the answer is `VIEWER_LIMIT`.
 */
export interface UseHlsAnswer {
  readonly error: {
    readonly code: typeof USE_HLS;
    readonly message: string;
    /** The stream's HLS master playlist (absolute URL). */
    readonly hlsUrl: string;
    /** Which cap was reached: WHEP viewers of the whole process, or of this stream. */
    readonly limit: 'process' | 'stream';
  };
}

/** The code of `UseHlsAnswer`. */
export const USE_HLS = 'USE_HLS';

// ------------------------------------------------------------------------------- direct messages

/** `GET /api/dms?with=T...` and `dms.history`: a page of one conversation. */
export interface DmPage {
  /** Oldest first within the page. */
  nodes: DirectMessage[];
  /** Pass as `before` for the previous (older) page. */
  pageInfo: PageInfo;
}

/** One conversation in the list: the other party and the last message either way. */
export interface DmConversation {
  with: string;
  handle: string | null;
  last: DirectMessage;
}

/** `GET /api/dms/conversations`: the latest first. */
export interface DmConversationList {
  nodes: DmConversation[];
  pageInfo: PageInfo;
}

// ------------------------------------------------------------------------------- notifications

/** `GET /api/notifications?before=&first=`: the newest first, and how many are unread in all. */
export interface NotificationPage {
  nodes: Notification[];
  unread: number;
  /** Pass `endCursor` as `before` for older ones. */
  pageInfo: PageInfo;
}

/** `POST /api/notifications/read` body: some ids, or `all: true`. */
export interface NotificationReadInput {
  ids?: number[];
  all?: true;
}

/** `POST /api/notifications/read`: the unread count after it. */
export interface NotificationReadAnswer {
  unread: number;
}

/** `GET` and `PATCH /api/notifications/settings`: which kinds are on (every kind is on until switched off). */
export type NotificationSettings = Record<NotificationKind, boolean>;
