/**
 * A fake MediaBackend for live tests where media is not the subject: it hands out stream keys and
 * playback info, and fires `started`/`idle` when the test says so. Media itself is tested in
 * test/live/media against the real backends.
 */
import { randomBytes } from 'node:crypto';
import type {
  CreateMediaStreamInput,
  KnownMediaStream,
  MediaBackend,
  MediaClip,
  MediaEvent,
  MediaRecording,
  MediaStream,
  PlaybackInfo,
} from '../../live/streams/media/backend.js';

export class FakeMedia implements MediaBackend {
  readonly kind = 'embedded' as const;
  readonly streams = new Map<string, MediaStream & { input: CreateMediaStreamInput }>();
  readonly deleted: string[] = [];
  readonly #listeners = new Set<(e: MediaEvent) => void>();
  #next = 1;
  closed = false;

  constructor(private readonly base = 'http://127.0.0.1:0') {}

  async createStream(input: CreateMediaStreamInput): Promise<MediaStream> {
    const n = this.#next++;
    const s = {
      mediaId: `fake-${n}`,
      streamKey: randomBytes(12).toString('hex'),
      playbackId: `play-${n}`,
      ingestUrl: `${this.base}/media/whip/fake-${n}`,
      input,
    };
    this.streams.set(s.mediaId, s);
    return s;
  }

  restoreStreams(streams: readonly KnownMediaStream[]): MediaStream[] {
    for (const s of streams) this.streams.set(s.mediaId, { ...s, input: { name: s.name, audioOnly: s.audioOnly } });
    return [...streams];
  }

  async deleteStream(mediaId: string): Promise<void> {
    this.deleted.push(mediaId);
    this.streams.delete(mediaId);
  }

  async playbackInfo(playbackId: string): Promise<PlaybackInfo | null> {
    const s = [...this.streams.values()].find((x) => x.playbackId === playbackId);
    if (!s) return null;
    return {
      type: 'live',
      meta: {
        live: 1,
        source: [{ hrn: 'WebRTC (H264)', type: 'html5/video/h264', url: `${this.base}/media/whep/${playbackId}` }],
      },
    };
  }

  /** Recordings by playback id, as the test sets them. */
  readonly recordingsOf = new Map<string, MediaRecording[]>();
  readonly recording = new Map<string, boolean>();
  readonly clips = new Map<string, MediaClip>();

  previewUrl(playbackId: string): string | null {
    return `${this.base}/media/preview/${playbackId}.jpg`;
  }

  async setRecording(mediaId: string, on: boolean): Promise<void> {
    this.recording.set(mediaId, on);
  }

  async recordings(playbackId: string): Promise<MediaRecording[]> {
    return this.recordingsOf.get(playbackId) ?? [];
  }

  latestRecording(playbackId: string): MediaRecording | null {
    return this.recordingsOf.get(playbackId)?.[0] ?? null;
  }

  async deleteRecording(playbackId: string, recordingId: string): Promise<boolean> {
    const list = this.recordingsOf.get(playbackId) ?? [];
    const left = list.filter((r) => r.recordingId !== recordingId);
    this.recordingsOf.set(playbackId, left);
    return left.length < list.length;
  }

  async createClip(mediaId: string, seconds: number): Promise<MediaClip> {
    const s = this.streams.get(mediaId);
    if (!s) throw new Error('unknown stream');
    const clipId = `clip${this.clips.size + 1}`;
    const clip: MediaClip = {
      clipId,
      playbackId: s.playbackId,
      createdAt: Date.now(),
      durationSeconds: seconds,
      thumbnailUrl: null,
      playbackInfo: { type: 'vod', meta: { live: 0, source: [] } },
    };
    this.clips.set(clipId, clip);
    return clip;
  }

  async clip(clipId: string): Promise<MediaClip | null> {
    return this.clips.get(clipId) ?? null;
  }

  onEvent(listener: (e: MediaEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Fires a media event as a backend would when packets start or stop. */
  fire(type: MediaEvent['type'], mediaId: string): void {
    for (const l of this.#listeners) l({ type, mediaId, at: Date.now() });
  }

  async handle(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
