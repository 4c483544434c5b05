/**
 * The WebTorrent tracker viewers on the HLS tier find each other through (p2p-media-loader in the
 * web player): bittorrent-tracker's server over WebSocket at `/tracker`, on the platform's own
 * origin. It only introduces peers (relays their WebRTC offers and answers); segments travel over
 * the peers' data channels, and whatever a peer cannot supply in time the player fetches over HTTP.
 *
 * Swarms: the player names its swarm after the stream's playback id, and p2p-media-loader hashes
 * that name with the rendition into the info hash it announces, so each stream and rendition is
 * one swarm here.
 *
 * Refused cheaply, before any work: an upgrade whose Origin is not one of ours (403: another site's
 * page must not use our tracker for its own swarms), more sockets per client IP or in all than the
 * caps (429 / 503), frames over `maxFrameBytes`, a socket that sends faster than its token bucket
 * allows (terminated), more swarms per socket than `swarmsPerSocket`, and new swarms beyond
 * `maxSwarms` (empty swarms are swept, so forged info hashes do not accumulate).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Server from 'bittorrent-tracker/server';
import { type WebSocket, WebSocketServer } from 'ws';
import { describeError } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/log.js';

/** The tracker's URL path on the platform's origin. */
export const TRACKER_PATH = '/tracker';

export interface TrackerLimits {
  /** Open tracker sockets per client IP. */
  socketsPerIp: number;
  /** Open tracker sockets in all. */
  maxSockets: number;
  /** Largest frame (an announce carries up to 5 SDP offers of about 1 KiB each). */
  maxFrameBytes: number;
  /** Frames a socket may send in a burst, and refilled per second (then it is terminated). */
  burst: number;
  perSecond: number;
  /** Swarms (stream renditions) one socket may join. */
  swarmsPerSocket: number;
  /** Swarms in all; announces that would open one more are refused. */
  maxSwarms: number;
}

export const DEFAULT_TRACKER_LIMITS: TrackerLimits = {
  socketsPerIp: 20,
  maxSockets: 5000,
  maxFrameBytes: 64 * 1024,
  burst: 40,
  perSecond: 10,
  swarmsPerSocket: 8,
  maxSwarms: 2000,
};

export interface TrackerParams {
  /** Origins whose pages may use the tracker (a browser always sends Origin with an upgrade). */
  origins: ReadonlySet<string>;
  /** The client's IP of a request (TRUST_PROXY decides whether X-Forwarded-For counts). */
  clientIp: (req: IncomingMessage) => string;
  limits?: Partial<TrackerLimits>;
  /** How often empty swarms are dropped (default 30 s). */
  sweepMs?: number;
  log?: Logger;
}

export interface TrackerStats {
  sockets: number;
  swarms: number;
  peers: number;
  /** Upgrades and sockets refused or cut off since start, by reason. */
  refused: Readonly<Record<'origin' | 'per_ip' | 'capacity' | 'flood' | 'swarms', number>>;
}

export interface Tracker {
  /** Accepts a WebSocket upgrade at /tracker; false (socket untouched) for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  stats(): TrackerStats;
  close(): Promise<void>;
}

type TrackerSocket = WebSocket & { upgradeReq?: IncomingMessage | null };

/** Builds the tracker (it listens through the platform's server: call handleUpgrade from its 'upgrade'). */
export function createTracker(p: TrackerParams): Tracker {
  const limits = { ...DEFAULT_TRACKER_LIMITS, ...p.limits };
  const refused = { origin: 0, per_ip: 0, capacity: 0, flood: 0, swarms: 0 };
  const perIp = new Map<string, number>();
  // The swarms each socket announced in (counted here at once: the server records them only after answering).
  const swarmsOf = new WeakMap<WebSocket, Set<string>>();
  let open = 0;

  const server = new Server({
    http: false,
    udp: false,
    ws: false,
    // Peers re-announce every 2 minutes (a fifth of this); a silent peer leaves when its socket closes.
    interval: 10 * 60_000,
    filter: (infoHash, params, cb) => {
      const socket = (params as { socket?: WebSocket }).socket;
      const joined = socket ? swarmsOf.get(socket) : undefined;
      if (!joined) return cb(new Error('not a tracker socket'));
      if (joined.has(infoHash)) return cb(null);
      if (joined.size >= limits.swarmsPerSocket) {
        refused.swarms++;
        return cb(new Error(`at most ${limits.swarmsPerSocket} swarms per socket`));
      }
      if (!(infoHash in server.torrents) && Object.keys(server.torrents).length >= limits.maxSwarms) {
        refused.swarms++;
        return cb(new Error('the tracker is full'));
      }
      joined.add(infoHash);
      cb(null);
    },
  });
  // A client's bad frame is its own problem (the server answers it with a failure reason): debug only.
  server.on('warning', (e: unknown) => p.log?.debug('tracker warning', { error: describeError(e) }));
  server.on('error', (e: unknown) => p.log?.error('tracker error', { error: describeError(e) }));

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false });
  const sweeper = setInterval(() => {
    for (const [hash, swarm] of Object.entries(server.torrents))
      if (swarm.peers.length === 0) delete server.torrents[hash];
  }, p.sweepMs ?? 30_000);
  sweeper.unref();

  const refuse = (socket: Duplex, status: string, code: string, message: string): true => {
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    return true;
  };

  /**
   * Terminates a socket that sends faster than its bucket refills. The gate sits on the socket's
   * emit: frames already buffered when it is cut off reach no listener, so the tracker never works
   * on a flood's tail.
   */
  const throttle = (ws: WebSocket): void => {
    let tokens = limits.burst;
    let at = Date.now();
    let cut = false;
    const emit = ws.emit.bind(ws);
    ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== 'message') return emit(event, ...args);
      if (cut) return false;
      const now = Date.now();
      tokens = Math.min(limits.burst, tokens + ((now - at) / 1000) * limits.perSecond);
      at = now;
      if (tokens >= 1) {
        tokens--;
        return emit(event, ...args);
      }
      cut = true;
      refused.flood++;
      ws.terminate();
      return false;
    }) as typeof ws.emit;
  };

  return {
    handleUpgrade(req, socket, head) {
      const pathname = (req.url ?? '/').split('?')[0];
      if (pathname !== TRACKER_PATH) return false;
      const origin = req.headers.origin;
      if (origin === undefined || !p.origins.has(origin)) {
        refused.origin++;
        return refuse(socket, '403 Forbidden', 'FORBIDDEN_ORIGIN', 'the tracker serves this site’s pages only');
      }
      const ip = p.clientIp(req);
      const mine = perIp.get(ip) ?? 0;
      if (mine >= limits.socketsPerIp) {
        refused.per_ip++;
        return refuse(
          socket,
          '429 Too Many Requests',
          'TOO_MANY_CONNECTIONS',
          `at most ${limits.socketsPerIp} tracker sockets per client address`,
        );
      }
      if (open >= limits.maxSockets) {
        refused.capacity++;
        return refuse(socket, '503 Service Unavailable', 'TRACKER_FULL', 'the tracker is full');
      }
      // Invariant: perIp and open count upgrading and open sockets; released once, when the TCP socket closes.
      perIp.set(ip, mine + 1);
      open++;
      socket.once('close', () => {
        open--;
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left <= 0) perIp.delete(ip);
        else perIp.set(ip, left);
      });
      wss.handleUpgrade(req, socket, head, (ws) => {
        throttle(ws);
        swarmsOf.set(ws, new Set());
        const s = ws as TrackerSocket;
        s.upgradeReq = req;
        server.onWebSocketConnection(s);
      });
      return true;
    },
    stats() {
      const swarms = Object.values(server.torrents);
      return {
        sockets: open,
        swarms: swarms.length,
        peers: swarms.reduce((n, s) => n + s.peers.length, 0),
        refused: { ...refused },
      };
    },
    async close() {
      clearInterval(sweeper);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
