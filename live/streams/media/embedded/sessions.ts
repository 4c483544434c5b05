/**
 * WHIP/WHEP session bookkeeping of the embedded backend: the streams it knows (by media id, stream
 * key and playback id), each stream's current broadcast (one WHIP session) with its WHEP viewers,
 * and the viewer slots per client IP. No HTTP and no ffmpeg here: routes.ts answers requests,
 * lifecycle.ts starts and stops broadcasts.
 */
import { randomBytes } from 'node:crypto';
import type { MediaStream } from '../backend.js';
import type { Tap } from './archive.js';
import type { HlsLadder } from './ladder.js';
import type { MediaLogger } from './logger.js';
import type { Ingest, Viewer } from './peers.js';

/** One WHIP session: the broadcaster's peer connection, its HLS ladder and its WHEP viewers. */
export interface Broadcast {
  readonly id: string;
  readonly createdAt: number;
  readonly ingest: Ingest;
  ladder: HlsLadder | null;
  /** Keeps the ladder's segments (recording, clips) and grabs previews; set with the ladder. */
  tap: Tap | null;
  readonly viewers: Map<string, Viewer>;
  /**
   * Viewer slots taken: `viewers.size` plus the offers being answered. Taken before the first
   * await of an offer and given back on every path out, so concurrent offers cannot pass the cap.
   */
  slots: number;
}

/** A stream the backend knows. */
export interface Entry {
  readonly mediaId: string;
  readonly streamKey: string;
  readonly playbackId: string;
  readonly name: string;
  readonly audioOnly: boolean;
  /** Keep broadcasts as recordings (the running broadcast's tap follows changes). */
  record: boolean;
  /** Invariant: true between the 'started' and the 'idle' event we emitted. */
  live: boolean;
  broadcast: Broadcast | null;
}

// Ids are lowercase hex: core-web types a source URL as WebRTC when it contains "webrtc" or
// "sdp" anywhere, so an id must never spell "sdp" inside an HLS URL.
export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** The streams, broadcasts and viewer slots of one backend. */
export interface Sessions {
  readonly byId: ReadonlyMap<string, Entry>;
  readonly byKey: ReadonlyMap<string, Entry>;
  readonly byPlayback: ReadonlyMap<string, Entry>;
  /** Registers a stream under its three ids. */
  add(entry: Entry): void;
  /** Forgets a stream (its broadcast is the caller's to end). */
  remove(entry: Entry): void;
  /** Forgets every stream. */
  clear(): void;
  /** What the backend hands out for a stream: its ids and WHIP ingest URL under `base`. */
  mediaStreamOf(entry: Pick<Entry, 'mediaId' | 'streamKey' | 'playbackId'>): MediaStream;
  /** WHEP viewers (and offers being answered) of a client IP. */
  viewersOf(ip: string): number;
  /** WHEP viewer slots taken over every stream of this backend (the process's WebRTC load). */
  whepSlots(): number;
  /** Adds `delta` to a client IP's viewer count. */
  holdIp(ip: string, delta: number): void;
  /** Records which IP holds an accepted viewer's slot, for `releaseIp`. */
  assignIp(viewer: Viewer, ip: string): void;
  /** Gives a viewer's per-IP slot back, once. */
  releaseIp(viewer: Viewer): void;
  /** Removes a viewer and gives its slot back (once: a second call finds it gone). */
  dropViewer(entry: Entry, b: Broadcast, id: string, reason: string): void;
}

export function createSessions(base: string, log: MediaLogger): Sessions {
  const byId = new Map<string, Entry>();
  const byKey = new Map<string, Entry>();
  const byPlayback = new Map<string, Entry>();
  /** WHEP viewers (and offers being answered) per client IP: one address cannot hold every slot. */
  const viewersByIp = new Map<string, number>();
  const viewerIps = new Map<Viewer, string>();

  const holdIp = (ip: string, delta: number): void => {
    const n = (viewersByIp.get(ip) ?? 0) + delta;
    if (n > 0) viewersByIp.set(ip, n);
    else viewersByIp.delete(ip);
  };
  const releaseIp = (viewer: Viewer): void => {
    const ip = viewerIps.get(viewer);
    if (ip === undefined) return;
    viewerIps.delete(viewer);
    holdIp(ip, -1);
  };

  return {
    byId,
    byKey,
    byPlayback,
    add(entry) {
      byId.set(entry.mediaId, entry);
      byKey.set(entry.streamKey, entry);
      byPlayback.set(entry.playbackId, entry);
    },
    remove(entry) {
      byId.delete(entry.mediaId);
      byKey.delete(entry.streamKey);
      byPlayback.delete(entry.playbackId);
    },
    clear() {
      byId.clear();
      byKey.clear();
      byPlayback.clear();
    },
    mediaStreamOf: ({ mediaId, streamKey, playbackId }) => ({
      mediaId,
      streamKey,
      playbackId,
      ingestUrl: `${base}/media/whip/${streamKey}`,
    }),
    viewersOf: (ip) => viewersByIp.get(ip) ?? 0,
    whepSlots() {
      let n = 0;
      for (const entry of byId.values()) n += entry.broadcast?.slots ?? 0;
      return n;
    },
    holdIp,
    assignIp: (viewer, ip) => viewerIps.set(viewer, ip),
    releaseIp,
    dropViewer(entry, b, id, reason) {
      const viewer = b.viewers.get(id);
      if (!viewer) return;
      b.viewers.delete(id);
      b.slots--;
      releaseIp(viewer);
      log.info(reason, { media_id: entry.mediaId, viewer_id: id });
      viewer
        .close()
        .catch((err: Error) => log.error('closing a viewer failed', { media_id: entry.mediaId, error: err.message }));
    },
  };
}
