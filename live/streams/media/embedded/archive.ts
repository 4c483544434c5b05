/**
 * Recordings, clips and previews of the embedded backend, all cut from the HLS ladder's own
 * segments (nothing is encoded twice):
 *
 * - A `Tap` follows one live broadcast's ladder: once a second it reads each rendition's live
 *   playlist and hard-links every new segment into the broadcast's archive folder (ffmpeg deletes
 *   segments that leave its short live playlist; the link keeps the data). With recording off it
 *   keeps only the last CLIP_WINDOW seconds, for clips. About every 30 s it grabs a JPEG preview
 *   from the newest segment. When the broadcast ends it writes VOD playlists (with ENDLIST), a
 *   thumbnail and `recording.json`, or, recording off, removes the folder.
 * - The `Archive` is the index of what is on disk under `recordingsDir` (recordings by stream,
 *   clips by id), loaded at start, swept for retention, and served under `/media/rec/` and
 *   `/media/clip/`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { copyFile, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { MediaClip, MediaRecording, PlaybackInfo } from '../backend.js';
import { sendError } from './http.js';
import { AUDIO_RENDITION, MASTER_PLAYLIST } from './ladder.js';
import type { MediaLogger } from './logger.js';
import { hex } from './sessions.js';

/** Seconds of segments a broadcast keeps even with recording off, so a clip can reach back this far. */
export const CLIP_WINDOW_SECONDS = 60;
export const PREVIEW_EVERY_MS = 30_000;
/** How soon a failed preview grab is tried again. */
export const PREVIEW_RETRY_MS = 3_000;
const POLL_MS = 1000;
const PREVIEW_FILE = 'preview.jpg';
const THUMBNAIL_FILE = 'thumbnail.jpg';

/** One segment of a rendition, as listed in its playlist. */
export interface Segment {
  readonly file: string;
  readonly seconds: number;
  /** ffmpeg restarted before this segment (the numbering jumped). */
  readonly discontinuity: boolean;
}

/** The segments of an HLS media playlist (EXTINF + URI pairs). */
export function parsePlaylist(text: string): { file: string; seconds: number }[] {
  const out: { file: string; seconds: number }[] = [];
  let seconds: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^#EXTINF:([\d.]+)/.exec(line);
    if (m) seconds = Number(m[1]);
    else if (line && !line.startsWith('#') && seconds !== null) {
      out.push({ file: line, seconds });
      seconds = null;
    }
  }
  return out;
}

/** A VOD media playlist of `segments` (ENDLIST: players know it is complete and can seek). */
export function vodPlaylist(segments: readonly Segment[]): string {
  const target = Math.max(1, ...segments.map((s) => Math.ceil(s.seconds)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  segments.forEach((s, i) => {
    if (s.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXTINF:${s.seconds.toFixed(6)},`, s.file);
  });
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

const segmentNumber = (file: string): number => Number(/(\d+)\.ts$/.exec(file)?.[1] ?? Number.NaN);

/** Grabs one frame of `segment` as a JPEG at `out` (written aside, then renamed: readers never see half a file). */
export function grabJpeg(ffmpegPath: string, segment: string, out: string): Promise<void> {
  const tmp = `${out}.${hex(4)}.tmp.jpg`;
  return new Promise<void>((resolve, reject) => {
    execFile(
      ffmpegPath,
      ['-hide_banner', '-loglevel', 'error', '-y', '-i', segment, '-frames:v', '1', '-q:v', '5', '-f', 'image2', tmp],
      { timeout: 10_000 },
      (err) => (err ? reject(err) : resolve()),
    );
  }).then(
    () => rename(tmp, out),
    async (err: Error) => {
      await rm(tmp, { force: true });
      throw err;
    },
  );
}

/** Links `from` to `to` (same file system), else copies it. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'EXDEV' || code === 'EPERM') await copyFile(from, to);
    else throw err;
  }
}

/** What `recording.json` and `clip.json` hold. */
interface Meta {
  readonly id: string;
  readonly playbackId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly durationSeconds: number;
  readonly thumbnail: boolean;
}

export interface TapOptions {
  readonly ffmpegPath: string;
  /** The ladder's folder (its renditions' playlists and segments). */
  readonly ladderDir: string;
  /** This broadcast's archive folder (created now). */
  readonly dir: string;
  readonly playbackId: string;
  readonly recordingId: string;
  /** Rendition names, best first ('audio' alone for audio-only streams). */
  readonly renditions: readonly string[];
  readonly record: boolean;
  readonly log: MediaLogger;
  readonly now: () => number;
}

/** Follows one broadcast's ladder: keeps its segments (all, or the clip window), previews it. */
export class Tap {
  private readonly kept = new Map<string, Segment[]>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private lastPreviewAt = 0;
  private finished = false;
  readonly startedAt: number;
  /** Whether the broadcast is kept as a recording (changes take effect from the next poll). */
  record: boolean;

  constructor(private readonly opts: TapOptions) {
    this.record = opts.record;
    this.startedAt = opts.now();
    for (const r of opts.renditions) this.kept.set(r, []);
  }

  /** The preview JPEG of the broadcast, once one was grabbed. */
  get previewPath(): string {
    return join(this.opts.ladderDir, PREVIEW_FILE);
  }

  get hasVideo(): boolean {
    return !this.opts.renditions.includes(AUDIO_RENDITION);
  }

  start(): void {
    mkdirSync(this.opts.dir, { recursive: true });
    for (const r of this.opts.renditions) mkdirSync(join(this.opts.dir, r), { recursive: true });
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch((err: Error) => this.warn('archive poll failed', err));
    }, POLL_MS);
  }

  private warn(msg: string, err: Error): void {
    this.opts.log.warn(msg, { playback_id: this.opts.playbackId, error: err.message });
  }

  /** Links the segments new in each playlist, prunes beyond the clip window when not recording, previews. */
  private async poll(): Promise<void> {
    if (this.finished) return;
    const { ladderDir, dir } = this.opts;
    for (const [name, kept] of this.kept) {
      let listed: { file: string; seconds: number }[];
      try {
        listed = parsePlaylist(await readFile(join(ladderDir, name, 'index.m3u8'), 'utf8'));
      } catch {
        continue;
      }
      const last = kept.at(-1);
      const lastNo = last ? segmentNumber(last.file) : Number.NEGATIVE_INFINITY;
      for (const s of listed) {
        const no = segmentNumber(s.file);
        if (!(no > lastNo) || kept.some((k) => k.file === s.file)) continue;
        try {
          await linkOrCopy(join(ladderDir, name, s.file), join(dir, name, s.file));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw err;
        }
        const prev = kept.at(-1);
        kept.push({ ...s, discontinuity: prev !== undefined && no !== segmentNumber(prev.file) + 1 });
      }
      if (!this.record) await this.prune(name, kept);
    }
    if (this.hasVideo && this.opts.now() - this.lastPreviewAt >= PREVIEW_EVERY_MS) {
      const newest = this.kept.get(this.opts.renditions.at(-1)!)?.at(-1);
      if (newest) {
        this.lastPreviewAt = this.opts.now();
        await grabJpeg(
          this.opts.ffmpegPath,
          join(dir, this.opts.renditions.at(-1)!, newest.file),
          join(ladderDir, PREVIEW_FILE),
        ).catch((err: Error) => {
          // Tried again in PREVIEW_RETRY_MS, not a whole PREVIEW_EVERY_MS, so a card is not left
          // without a picture for half a minute by one slow or undecodable segment.
          this.lastPreviewAt -= PREVIEW_EVERY_MS - PREVIEW_RETRY_MS;
          this.warn('preview failed', err);
        });
      }
    }
  }

  private async prune(name: string, kept: Segment[]): Promise<void> {
    let total = kept.reduce((t, s) => t + s.seconds, 0);
    while (kept.length > 1 && total - kept[0]!.seconds >= CLIP_WINDOW_SECONDS) {
      const old = kept.shift()!;
      total -= old.seconds;
      await rm(join(this.opts.dir, name, old.file), { force: true });
    }
  }

  /** Writes the last `seconds` (at most the clip window) of every rendition as a clip in `clipDir`. */
  async clip(clipDir: string, clipId: string, seconds: number): Promise<Meta> {
    await this.polling;
    await this.poll();
    const { dir, renditions } = this.opts;
    const chosen = new Map<string, Segment[]>();
    for (const name of renditions) {
      const kept = this.kept.get(name)!;
      const pick: Segment[] = [];
      let total = 0;
      for (let i = kept.length - 1; i >= 0 && total < seconds; i--) {
        pick.unshift(kept[i]!);
        total += kept[i]!.seconds;
      }
      chosen.set(name, pick);
    }
    const primary = chosen.get(renditions[0]!)!;
    this.opts.log.info('clip', {
      playback_id: this.opts.playbackId,
      kept: Object.fromEntries([...this.kept].map(([n, k]) => [n, k.length])),
      chosen: primary.length,
    });
    if (primary.length === 0) throw new Error('nothing to clip yet');
    await mkdir(clipDir, { recursive: true });
    for (const [name, segs] of chosen) {
      await mkdir(join(clipDir, name), { recursive: true });
      for (const s of segs) await linkOrCopy(join(dir, name, s.file), join(clipDir, name, s.file));
      await writeFile(
        join(clipDir, name, 'index.m3u8'),
        vodPlaylist(segs.map((s, i) => (i ? s : { ...s, discontinuity: false }))),
      );
    }
    await this.copyMaster(clipDir);
    const thumbnail = await this.thumbnail(clipDir, chosen.get(renditions.at(-1)!)!);
    const now = this.opts.now();
    const durationSeconds = primary.reduce((t, s) => t + s.seconds, 0);
    const meta: Meta = {
      id: clipId,
      playbackId: this.opts.playbackId,
      startedAt: now - Math.round(durationSeconds * 1000),
      endedAt: now,
      durationSeconds,
      thumbnail,
    };
    await writeFile(join(clipDir, 'clip.json'), JSON.stringify(meta));
    return meta;
  }

  private async copyMaster(to: string): Promise<void> {
    const master = join(this.opts.ladderDir, MASTER_PLAYLIST);
    if (existsSync(master)) await copyFile(master, join(to, MASTER_PLAYLIST));
    else {
      // Audio only, or ffmpeg has not written it yet: a master naming the renditions.
      const lines = ['#EXTM3U', '#EXT-X-VERSION:3'];
      for (const r of this.opts.renditions) lines.push('#EXT-X-STREAM-INF:BANDWIDTH=1000000', `${r}/index.m3u8`);
      await writeFile(join(to, MASTER_PLAYLIST), `${lines.join('\n')}\n`);
    }
  }

  /** A JPEG from a segment a third of the way in (past a black start), when there is video. */
  private async thumbnail(to: string, segments: readonly Segment[]): Promise<boolean> {
    if (!this.hasVideo || segments.length === 0) return false;
    const s = segments[Math.floor(segments.length / 3)]!;
    try {
      await grabJpeg(this.opts.ffmpegPath, join(to, this.opts.renditions.at(-1)!, s.file), join(to, THUMBNAIL_FILE));
      return true;
    } catch (err) {
      this.warn('thumbnail failed', err as Error);
      return false;
    }
  }

  /**
   * The broadcast ended (call before the ladder's files go): takes the last segments, then writes
   * the recording (VOD playlists, thumbnail, recording.json) and returns it; recording off, it
   * removes the folder and returns null.
   */
  async finish(): Promise<Meta | null> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    await this.poll().catch((err: Error) => this.warn('archive poll failed', err));
    this.finished = true;
    const { dir, renditions } = this.opts;
    const primary = this.kept.get(renditions[0]!)!;
    if (!this.record || primary.length === 0) {
      await rm(dir, { recursive: true, force: true });
      return null;
    }
    for (const [name, segs] of this.kept) await writeFile(join(dir, name, 'index.m3u8'), vodPlaylist(segs));
    await this.copyMaster(dir);
    const meta: Meta = {
      id: this.opts.recordingId,
      playbackId: this.opts.playbackId,
      startedAt: this.startedAt,
      endedAt: this.opts.now(),
      durationSeconds: primary.reduce((t, s) => t + s.seconds, 0),
      thumbnail: await this.thumbnail(dir, this.kept.get(renditions.at(-1)!)!),
    };
    await writeFile(join(dir, 'recording.json'), JSON.stringify(meta));
    return meta;
  }
}

export interface ArchiveOptions {
  /** Where recordings (`rec/<id>/`) and clips (`clip/<id>/`) are kept. */
  readonly dir: string;
  /** publicBaseUrl without its trailing slashes. */
  readonly base: string;
  /** Recordings and clips older than this are deleted (0: kept until deleted). */
  readonly retentionMs: number;
  readonly log: MediaLogger;
  readonly now: () => number;
}

/** The recordings and clips on disk. */
export interface Archive {
  /** A new broadcast's archive folder and recording id. */
  folderFor(): { recordingId: string; dir: string };
  /** A new clip's folder and id. */
  clipFolder(): { clipId: string; dir: string };
  /** Registers a finished recording (what Tap.finish returned). */
  addRecording(meta: Meta): void;
  addClip(meta: Meta): MediaClip;
  recordings(playbackId: string): MediaRecording[];
  deleteRecording(playbackId: string, recordingId: string): Promise<boolean>;
  clip(clipId: string): MediaClip | null;
  /** Serves `/media/rec/...` and `/media/clip/...`; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  close(): void;
}

const ID = /^[0-9a-f]{16}$/;
const FILE =
  /^\/media\/(rec|clip)\/([0-9a-f]{16})\/((?:[a-z0-9]{1,16}\/)?(?:index\.m3u8|seg_\d{1,20}\.ts)|thumbnail\.jpg)$/;

export function createArchive(opts: ArchiveOptions): Archive {
  const { dir, base, log } = opts;
  const recDir = join(dir, 'rec');
  const clipDir = join(dir, 'clip');
  mkdirSync(recDir, { recursive: true });
  mkdirSync(clipDir, { recursive: true });
  const recordings = new Map<string, Meta>();
  const clips = new Map<string, Meta>();
  // Folders of broadcasts a crash interrupted have no recording.json: they are not listed.
  for (const [folder, into, file] of [
    [recDir, recordings, 'recording.json'],
    [clipDir, clips, 'clip.json'],
  ] as const) {
    for (const id of readdirSync(folder)) {
      const f = join(folder, id, file);
      if (!ID.test(id) || !existsSync(f)) continue;
      try {
        into.set(id, JSON.parse(readFileSync(f, 'utf8')) as Meta);
      } catch (err) {
        log.warn('unreadable archive entry', { file: f, error: (err as Error).message });
      }
    }
  }

  const vod = (kind: 'rec' | 'clip', id: string): PlaybackInfo => ({
    type: 'vod',
    meta: {
      live: 0,
      source: [
        { hrn: 'HLS (TS)', type: 'html5/application/vnd.apple.mpegurl', url: `${base}/media/${kind}/${id}/index.m3u8` },
      ],
    },
  });
  const thumb = (kind: 'rec' | 'clip', m: Meta): string | null =>
    m.thumbnail ? `${base}/media/${kind}/${m.id}/thumbnail.jpg` : null;
  const recordingOf = (m: Meta): MediaRecording => ({
    recordingId: m.id,
    playbackId: m.playbackId,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    durationSeconds: m.durationSeconds,
    thumbnailUrl: thumb('rec', m),
    playbackInfo: vod('rec', m.id),
  });
  const clipOf = (m: Meta): MediaClip => ({
    clipId: m.id,
    playbackId: m.playbackId,
    createdAt: m.endedAt,
    durationSeconds: m.durationSeconds,
    thumbnailUrl: thumb('clip', m),
    playbackInfo: vod('clip', m.id),
  });

  async function sweep(): Promise<void> {
    if (opts.retentionMs <= 0) return;
    const cutoff = opts.now() - opts.retentionMs;
    for (const [map, folder] of [
      [recordings, recDir],
      [clips, clipDir],
    ] as const) {
      for (const [id, m] of map) {
        if (m.endedAt >= cutoff) continue;
        map.delete(id);
        await rm(join(folder, id), { recursive: true, force: true });
        log.info('archive entry past retention deleted', { id, ended_at: m.endedAt });
      }
    }
  }
  const sweepTimer = setInterval(
    () => void sweep().catch((err: Error) => log.warn('retention sweep failed', { error: err.message })),
    Math.max(1000, Math.min(3_600_000, opts.retentionMs / 10 || 3_600_000)),
  );
  sweepTimer.unref();
  void sweep().catch((err: Error) => log.warn('retention sweep failed', { error: err.message }));

  return {
    folderFor() {
      const recordingId = hex(8);
      return { recordingId, dir: join(recDir, recordingId) };
    },
    clipFolder() {
      const clipId = hex(8);
      return { clipId, dir: join(clipDir, clipId) };
    },
    addRecording(meta) {
      recordings.set(meta.id, meta);
    },
    addClip(meta) {
      clips.set(meta.id, meta);
      return clipOf(meta);
    },
    recordings(playbackId) {
      return [...recordings.values()]
        .filter((m) => m.playbackId === playbackId)
        .sort((a, b) => b.startedAt - a.startedAt)
        .map(recordingOf);
    },
    async deleteRecording(playbackId, recordingId) {
      const m = recordings.get(recordingId);
      if (!m || m.playbackId !== playbackId) return false;
      recordings.delete(recordingId);
      await rm(join(recDir, recordingId), { recursive: true, force: true });
      return true;
    },
    clip(clipId) {
      const m = clips.get(clipId);
      return m ? clipOf(m) : null;
    },
    async handle(req, res, path) {
      const m = FILE.exec(path);
      if (!m) return false;
      const [, kind, id, rel] = m as unknown as [string, 'rec' | 'clip', string, string];
      if (!(kind === 'rec' ? recordings : clips).has(id)) {
        sendError(res, 404, 'NOT_FOUND', `no such ${kind === 'rec' ? 'recording' : 'clip'}`);
        return true;
      }
      let body: Buffer;
      try {
        body = await readFile(join(kind === 'rec' ? recDir : clipDir, id, rel));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        sendError(res, 404, 'NOT_FOUND', 'no such file');
        return true;
      }
      const type = rel.endsWith('.m3u8')
        ? 'application/vnd.apple.mpegurl'
        : rel.endsWith('.jpg')
          ? 'image/jpeg'
          : 'video/mp2t';
      // A finished recording or clip never changes (a deleted one answers 404 from the index).
      res.writeHead(200, {
        'content-type': type,
        'content-length': body.length,
        'cache-control': 'public, max-age=3600',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
    close: () => clearInterval(sweepTimer),
  };
}
