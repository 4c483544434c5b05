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

import type { PlaybackInfo, PlaybackSource } from '../../../lib/protocol/http.js';

export type { PlaybackInfo, PlaybackSource };

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
}

/** A stream a backend created before a restart, as the live database kept it. */
export interface KnownMediaStream extends MediaStream {
  readonly name: string;
  readonly audioOnly: boolean;
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
