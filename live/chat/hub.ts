/**
 * The WebSocket hub at /ws (ws in noServer mode): connections, their rooms and identities,
 * flood control, and the dispatch of client messages to chat, DMs and matching. Every client
 * message is a JSON object with a `type`; a client may add an `id`, which errors and acks echo.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { ChatLimits } from '../internal/config.js';
import { LiveError, errorBody } from '../internal/errors.js';
import { parseCookies } from '../internal/http.js';
import { describeError, type Logger } from '../internal/log.js';

/** A client message after JSON parsing. */
export type ClientMessage = Record<string, unknown> & { type: string; id?: unknown };

/** One WebSocket connection. */
export class Connection {
  readonly id = randomUUID();
  readonly rooms = new Set<string>();
  /** Frames the token bucket still allows (refills at `framesPerSecond`). */
  #tokens: number;
  #refilledAt: number;
  #dropped: number[] = [];
  #lastFloodError = 0;
  /** Client messages run one after another, in arrival order. */
  #queue: Promise<void> = Promise.resolve();
  alive = true;

  constructor(
    readonly ws: WebSocket,
    readonly address: string | null,
    private readonly limits: ChatLimits,
    now: number,
  ) {
    this.#tokens = limits.frameBurst;
    this.#refilledAt = now;
  }

  /** Sends a server message (dropped if the socket is not open; a client too slow to drain is cut off). */
  send(msg: Record<string, unknown>): void {
    this.sendText(JSON.stringify(msg));
  }

  /** Sends a serialised message; a Buffer (encoded once for a whole room) goes out as a text frame as is. */
  sendText(text: string | Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.ws.close(1013, 'too slow: messages are piling up');
      // A client that does not read will not answer the close handshake either.
      setTimeout(() => this.ws.terminate(), 2000).unref();
      return;
    }
    this.ws.send(text, { binary: false, compress: false });
  }

  /** An error for the client, echoing the id of the message that caused it. */
  error(e: unknown, id?: unknown): void {
    this.send({ type: 'error', ...errorBody(e), ...(id !== undefined ? { id } : {}) });
  }

  /** Whether one more frame is allowed now; counts the refusals. */
  allowFrame(now: number): 'ok' | 'drop' | 'close' {
    this.#tokens = Math.min(this.limits.frameBurst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.limits.framesPerSecond);
    this.#refilledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 'ok';
    }
    this.#dropped.push(now);
    while (this.#dropped.length && this.#dropped[0]! < now - 60_000) this.#dropped.shift();
    if (this.#dropped.length > this.limits.floodCloseAfter) return 'close';
    if (now - this.#lastFloodError >= 1000) {
      this.#lastFloodError = now;
      this.error(new LiveError('FLOOD', `too many messages: at most ${this.limits.framesPerSecond} per second`, { retryAfterMs: Math.ceil(1000 / this.limits.framesPerSecond) }));
    }
    return 'drop';
  }

  enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task);
  }
}

/** What handles a family of client messages (`say`, `mod.ban`, `match.join`...). */
export type MessageHandler = (conn: Connection, msg: ClientMessage) => Promise<void> | void;

export interface HubParams {
  limits: ChatLimits;
  log: Logger;
  now: () => number;
  /** The session address of a token (undefined: unknown or expired). */
  sessionOf: (token: string) => string | undefined;
  cookieName: string;
  viewersThrottleMs: number;
}

export interface RoomCount {
  /** Connections in the room. */
  connections: number;
  /** Distinct signed-in addresses among them. */
  users: number;
}

/** The hub. Handlers are registered by type; rooms are plain strings (`stream:1`, `match:...`). */
export class Hub {
  readonly wss: WebSocketServer;
  readonly #handlers = new Map<string, MessageHandler>();
  readonly #rooms = new Map<string, Set<Connection>>();
  readonly #byAddress = new Map<string, Set<Connection>>();
  readonly #connections = new Set<Connection>();
  readonly #viewerTimers = new Map<string, NodeJS.Timeout>();
  readonly #viewersPushedAt = new Map<string, number>();
  readonly #closeListeners: ((c: Connection) => void)[] = [];
  /** Sockets corked in this turn of the event loop (uncorked together at its end). */
  readonly #corked = new Map<Connection, { uncork(): void }>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(private readonly p: HubParams) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: p.limits.maxFrameBytes, perMessageDeflate: false });
    this.#heartbeat = setInterval(() => {
      for (const c of this.#connections) {
        if (!c.alive) {
          c.ws.terminate();
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
    }, 30_000);
    this.#heartbeat.unref();
  }

  on(type: string, handler: MessageHandler): void {
    this.#handlers.set(type, handler);
  }

  /** Runs when a connection closes (after it left its rooms). */
  onClose(listener: (c: Connection) => void): void {
    this.#closeListeners.push(listener);
  }

  /** Accepts a WebSocket upgrade at /ws; false (socket untouched) for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://live.invalid');
    if (url.pathname !== '/ws') return false;
    const token = url.searchParams.get('token') ?? parseCookies(req.headers.cookie).get(this.p.cookieName);
    let address: string | null = null;
    if (token) {
      const a = this.p.sessionOf(token);
      // A token that does not open a session is refused rather than silently made anonymous.
      if (!a) {
        socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":{"code":"UNAUTHENTICATED","message":"unknown or expired session"}}');
        return true;
      }
      address = a;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, address));
    return true;
  }

  #accept(ws: WebSocket, address: string | null): void {
    const conn = new Connection(ws, address, this.p.limits, this.p.now());
    this.#connections.add(conn);
    if (address) {
      let set = this.#byAddress.get(address);
      if (!set) this.#byAddress.set(address, (set = new Set()));
      set.add(conn);
    }
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(conn, data, isBinary));
    ws.on('error', (e) => this.p.log.debug('ws error', { connection: conn.id, error: describeError(e) }));
    ws.on('close', () => this.#onClose(conn));
    conn.send({ type: 'hello', connectionId: conn.id, address });
  }

  #onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    const verdict = conn.allowFrame(this.p.now());
    if (verdict === 'close') {
      conn.ws.close(1008, 'flooding');
      return;
    }
    if (verdict === 'drop') return;
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(data.toString());
    } catch {
      conn.error(new LiveError('BAD_MESSAGE', 'frames must be JSON text objects with a "type"'));
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || typeof (msg as { type?: unknown }).type !== 'string') {
      conn.error(new LiveError('BAD_MESSAGE', 'frames must be JSON objects with a string "type"'), (msg as { id?: unknown } | null)?.id);
      return;
    }
    const m = msg as ClientMessage;
    const handler = this.#handlers.get(m.type);
    if (!handler) {
      conn.error(new LiveError('UNKNOWN_TYPE', `unknown message type ${JSON.stringify(m.type).slice(0, 60)}`), m.id);
      return;
    }
    conn.enqueue(async () => {
      try {
        await handler(conn, m);
      } catch (e) {
        if (!(e instanceof LiveError)) this.p.log.error('ws handler failed', { type: m.type, connection: conn.id, error: describeError(e) });
        conn.error(e, m.id);
      }
    });
  }

  #onClose(conn: Connection): void {
    if (!this.#connections.delete(conn)) return;
    for (const room of [...conn.rooms]) this.leave(conn, room);
    if (conn.address) {
      const set = this.#byAddress.get(conn.address);
      set?.delete(conn);
      if (set?.size === 0) this.#byAddress.delete(conn.address);
    }
    for (const l of this.#closeListeners) {
      try {
        l(conn);
      } catch (e) {
        this.p.log.error('close listener failed', { error: describeError(e) });
      }
    }
  }

  join(conn: Connection, room: string): void {
    let set = this.#rooms.get(room);
    if (!set) this.#rooms.set(room, (set = new Set()));
    if (set.has(conn)) return;
    set.add(conn);
    conn.rooms.add(room);
    this.#viewersChanged(room);
  }

  leave(conn: Connection, room: string): void {
    const set = this.#rooms.get(room);
    conn.rooms.delete(room);
    if (!set?.delete(conn)) return;
    if (set.size === 0) this.#rooms.delete(room);
    this.#viewersChanged(room);
  }

  /** Sends to every connection in the room (serialised once). */
  broadcast(room: string, msg: Record<string, unknown>): void {
    const set = this.#rooms.get(room);
    if (!set) return;
    // Encoded once: ws would otherwise turn the string into bytes again for every socket.
    const bytes = Buffer.from(JSON.stringify(msg));
    for (const c of set) {
      this.#cork(c);
      c.sendText(bytes);
    }
  }

  /**
   * Holds a connection's writes until the end of this turn of the event loop. A room fan-out is
   * one write syscall per socket; when the service falls behind, several messages are sent to the
   * same sockets within one turn and then leave in one write instead of several. Nothing is
   * delayed beyond the turn, and the order of frames on a socket is unchanged.
   */
  #cork(c: Connection): void {
    if (this.#corked.has(c)) return;
    const socket = (c.ws as unknown as { _socket?: { cork?(): void; uncork?(): void } })._socket;
    if (!socket?.cork || !socket.uncork) return;
    socket.cork();
    this.#corked.set(c, socket as { uncork(): void });
    if (this.#corked.size === 1) {
      setImmediate(() => {
        for (const s of this.#corked.values()) s.uncork();
        this.#corked.clear();
      });
    }
  }

  /** Sends to every connection of an address. */
  sendTo(address: string, msg: Record<string, unknown>): void {
    const set = this.#byAddress.get(address);
    if (!set) return;
    const text = JSON.stringify(msg);
    for (const c of set) c.sendText(text);
  }

  count(room: string): RoomCount {
    const set = this.#rooms.get(room);
    if (!set) return { connections: 0, users: 0 };
    const users = new Set<string>();
    for (const c of set) if (c.address) users.add(c.address);
    return { connections: set.size, users: users.size };
  }

  /** Signed-in members of a room (at most `max`). */
  members(room: string, max: number): string[] {
    const out = new Set<string>();
    for (const c of this.#rooms.get(room) ?? []) {
      if (c.address) out.add(c.address);
      if (out.size >= max) break;
    }
    return [...out];
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Pushes `viewers` for a room at most once per throttle period, trailing (the last count always goes out). */
  #viewersChanged(room: string): void {
    if (!room.startsWith('stream:') || this.#viewerTimers.has(room)) return;
    const wait = Math.max(0, (this.#viewersPushedAt.get(room) ?? 0) + this.p.viewersThrottleMs - this.p.now());
    const t = setTimeout(() => {
      this.#viewerTimers.delete(room);
      this.#viewersPushedAt.set(room, this.p.now());
      const c = this.count(room);
      this.broadcast(room, { type: 'viewers', room, viewers: c.connections, users: c.users });
      if (c.connections === 0) this.#viewersPushedAt.delete(room);
    }, wait);
    this.#viewerTimers.set(room, t);
  }

  /** Closes every connection (1001 going away) and stops timers. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const t of this.#viewerTimers.values()) clearTimeout(t);
    this.#viewerTimers.clear();
    for (const c of this.#connections) c.ws.close(1001, 'server shutting down');
    const closed = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // Clients get a moment to answer the close handshake; the rest are cut off.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, 500)))]);
    clearTimeout(timer);
    for (const c of this.#connections) c.ws.terminate();
    await closed;
  }
}
