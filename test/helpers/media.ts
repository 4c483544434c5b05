/// <reference lib="dom" />
/**
 * A media test server: one HTTP server on 127.0.0.1 serving a media backend's routes and, on the
 * same origin, the test pages (test/live/media/fixtures: plain WHIP/WHEP helpers, and
 * @livepeer/core-web bundled with esbuild the way the web app will load it).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { MediaBackend } from '../../live/streams/media/backend.js';

const FIXTURES = fileURLToPath(new URL('../live/media/fixtures/', import.meta.url));

let coreWebBundle: Promise<string> | null = null;

/** @livepeer/core-web bundled for the browser (built once per process). */
export function coreWebScript(): Promise<string> {
  coreWebBundle ??= build({
    entryPoints: [`${FIXTURES}coreWebEntry.js`],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return coreWebBundle;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>media test</title></head>
<body><script src="/page.js"></script><script src="/coreweb.js"></script></body></html>`;

export interface MediaServer {
  readonly url: string;
  readonly server: Server;
  /** The backend serving /media/ (set once created, see startMediaServer). */
  backend: MediaBackend | null;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (ephemeral port); `setBackend` may be called once the URL is known. */
export async function startMediaServer(): Promise<MediaServer> {
  const pageJs = await readFile(`${FIXTURES}page.js`, 'utf8');
  const state: { backend: MediaBackend | null } = { backend: null };
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (state.backend && (await state.backend.handle(req, res))) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    } else if (path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageJs);
    } else if (path === '/coreweb.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(await coreWebScript());
    } else {
      res.writeHead(404).end();
    }
  };
  const server = createServer((req, res) => {
    handler(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err.stack);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    get backend() {
      return state.backend;
    },
    set backend(b) {
      state.backend = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a truthy value or `ms` pass (then throws with `what`). */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  ms = 20_000,
  every = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

const run = promisify(execFile);

/** ffprobe's streams of a media file: codec, width/height. */
export async function probe(
  path: string,
): Promise<{ codec_type: string; codec_name: string; width?: number; height?: number }[]> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name,width,height',
    '-of',
    'json',
    path,
  ]);
  return (
    JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] }
  ).streams;
}

/** True while a process with `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

type Inbound = { packetsReceived?: number; framesDecoded?: number; codecId: string };
type Publish = { status: number; location?: string; body?: string; pc?: RTCPeerConnection };

/**
 * Publishes a busy 720p30 camera and the fake microphone from `page` (a test page) to `ingestUrl`
 * over WHIP, and watches what it sends as `window.send` (samples of watchVideo).
 */
export function publishBusyCamera(page: Page, ingestUrl: string): Promise<{ status: number; body?: string }> {
  return page.evaluate(async (url) => {
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    const camera = window.media.busyStream(1280, 720, 30);
    const r = await window.media.whipPublish(
      url,
      new MediaStream([...camera.getVideoTracks(), ...mic.getAudioTracks()]),
    );
    if (r.pc) (window as unknown as { send: unknown }).send = window.media.watchVideo(r.pc, 'send');
    return { status: r.status, body: r.body };
  }, ingestUrl);
}

/** One sample of watchVideo (test/live/media/fixtures/page.js). */
export interface VideoSample {
  readonly atMs: number;
  readonly width: number;
  readonly height: number;
  /** kbit/s over the period before the sample (0 for the first). */
  readonly kbps: number;
  readonly fps: number;
  /** The sender's qualityLimitationReason ('none', 'bandwidth', 'cpu'); receivers: undefined. */
  readonly reason?: string;
  /** The sender's bandwidth estimate (availableOutgoingBitrate), kbit/s. */
  readonly estimateKbps?: number;
  readonly framesDecoded?: number;
}

/** What test/live/media/fixtures/page.js and coreWebEntry.js put on `window` in the test pages. */
declare global {
  interface Window {
    media: {
      stampedStream(width: number, height: number, fps: number): globalThis.MediaStream;
      busyStream(width: number, height: number, fps: number): globalThis.MediaStream;
      watchVideo(
        pc: RTCPeerConnection,
        direction: 'send' | 'receive',
        everyMs?: number,
      ): { samples: VideoSample[]; stop(): void };
      whipPublish(url: string, stream: globalThis.MediaStream, opts?: { videoCodec?: string }): Promise<Publish>;
      whepPlay(url: string, video: HTMLVideoElement): Promise<Publish>;
      inbound(
        pc: RTCPeerConnection,
      ): Promise<Record<string, Inbound | string | undefined> & { video?: Inbound; audio?: Inbound }>;
      countFrames(video: HTMLVideoElement): { frames: number; width: number; height: number };
      sampleLatency(
        video: HTMLVideoElement,
        opts: { n: number; spacingMs: number; sourceWidth: number; timeoutMs: number },
      ): Promise<number[]>;
    };
    coreWeb: {
      broadcast(ingestUrl: string, stream: globalThis.MediaStream): Promise<unknown>;
      play(
        info: unknown,
        video: HTMLVideoElement,
        lowLatency: boolean | 'force',
        hlsConfig?: Record<string, unknown>,
      ): { store: { getState(): { currentSource?: { type: string } | null } }; destroy(): void };
    };
  }
}
