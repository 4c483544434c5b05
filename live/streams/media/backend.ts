/**
 * The media layer behind a stream, one interface with two implementations: Livepeer Studio (the
 * `livepeer` SDK, when LIVEPEER_API_KEY is set) and the embedded server (werift WHIP ingest, WHEP
 * passthrough, an ffmpeg HLS ladder). The streams service only talks to this interface, so the web
 * plays either backend with the same `@livepeer/core-web` code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a backend gives back for a new stream. `streamKey` is a secret for the broadcaster only. */
export interface MediaStream {
  /** The backend's own id for the stream (Livepeer's stream id, or ours). */
  readonly mediaId: string;
  /** Authorises ingest; shown only to the stream's owner. */
  readonly streamKey: string;
  /** Public id viewers play by. */
  readonly playbackId: string;
  /** The WHIP endpoint the broadcaster's browser posts its SDP offer to (absolute URL). */
  readonly ingestUrl: string;
}

import type { PlaybackInfo, PlaybackSource, Recording } from '../../../lib/protocol/http.js';

export type { PlaybackInfo, PlaybackSource, Recording };

/** A change of a stream's media state, as the backend saw it (packets started or stopped). */
export interface MediaEvent {
  readonly type: 'started' | 'idle';
  readonly mediaId: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export interface CreateMediaStreamInput {
  /** Human name (the stream's title); backends may use it for their dashboards. */
  readonly name: string;
  /** Audio only: no video track is expected and no video ladder is produced. */
  readonly audioOnly: boolean;
  /** Keep each broadcast as a recording (default true); `setRecording` changes it later. */
  readonly record?: boolean;
}

/**
 * A broadcast kept after it ended, playable as HLS VOD (`playbackInfo.type` 'vod', so the same
 * player plays it); times in milliseconds since the epoch.
 */
export interface MediaRecording extends Recording {
  /** The stream's playback id. */
  readonly playbackId: string;
}

/** The last seconds of a live broadcast, kept on their own. */
export interface MediaClip {
  readonly clipId: string;
  /** The stream's playback id. */
  readonly playbackId: string;
  readonly createdAt: number;
  readonly durationSeconds: number;
  readonly thumbnailUrl: string | null;
  readonly playbackInfo: PlaybackInfo;
}

/** A stream a backend created before a restart, as the live database kept it. */
export interface KnownMediaStream extends MediaStream {
  readonly name: string;
  readonly audioOnly: boolean;
  readonly record: boolean;
}

/** The contract every media backend fulfils. */
export interface MediaBackend {
  readonly kind: 'embedded' | 'livepeer';
  /** Provisions a stream; the returned key authorises ingest until `deleteStream`. */
  createStream(input: CreateMediaStreamInput): Promise<MediaStream>;
  /**
   * Takes back streams it created before a restart (the live database keeps their keys and
   * playback ids), so the same key ingests and the same playback id plays; returns those it took,
   * with their ingest URLs as they are now. None of them is live until media arrives.
   */
  restoreStreams(streams: readonly KnownMediaStream[]): MediaStream[];
  /** Stops ingest and playback for the stream and frees everything it held (processes, files). */
  deleteStream(mediaId: string): Promise<void>;
  /** Playback info for `playbackId`, or null when the backend does not know it. */
  playbackInfo(playbackId: string): Promise<PlaybackInfo | null>;
  /**
   * Where a JPEG snapshot of the live broadcast is served (refreshed about every 30 s), or null
   * when there is none (not live, audio only, or the backend has no previews).
   */
  previewUrl(playbackId: string): string | null;
  /** Turns recording of the stream's broadcasts on or off (from the next segment). */
  setRecording(mediaId: string, on: boolean): Promise<void>;
  /** The stream's recordings, newest first (kept until deleted or past the retention). */
  recordings(playbackId: string): Promise<MediaRecording[]>;
  /** The newest finished recording of the stream as last seen (no network), for stream lists. */
  latestRecording(playbackId: string): MediaRecording | null;
  /** Deletes a recording of the stream with its files; false when there is no such recording. */
  deleteRecording(playbackId: string, recordingId: string): Promise<boolean>;
  /** Clips the last `seconds` of the stream's live broadcast; throws when it is not live. */
  createClip(mediaId: string, seconds: number): Promise<MediaClip>;
  /** A clip by id, or null. */
  clip(clipId: string): Promise<MediaClip | null>;
  /** Subscribes to started/idle events; returns the unsubscribe function. */
  onEvent(listener: (event: MediaEvent) => void): () => void;
  /**
   * Serves the backend's HTTP routes (all under `/media/`: WHIP, WHEP, HLS files, playback info,
   * webhooks). Returns false, without touching `res`, when the request is not one of its routes.
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Releases everything (peer connections, ffmpeg processes, temp files). */
  close(): Promise<void>;
}
