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
import { bearerOf, originAllowed, parseCookies } from '../internal/http.js';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import {
  type ClientFrame,
  type ClientFrameOf,
  type ClientFrameType,
  type FrameRefusal,
  checkClientFrame,
  parseClientFrame,
} from '../../lib/protocol/client.js';
import type { ServerFrame } from '../../lib/protocol/server.js';
import { type Bus, createLocalBus } from './bus.js';

/**
 * A client message after the hub's checks (lib/protocol/client.ts): a known `type`, an optional
 * `id`, and fields of the right shape; its handler checks what needs state.
 */
export type ClientMessage<T extends ClientFrameType = ClientFrameType> = ClientFrameOf<T>;

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
  /** Whether the client sent a frame since its session was last checked (a use slides the session). */
  used = false;

  constructor(
    readonly ws: WebSocket,
    readonly address: string | null,
    private readonly limits: ChatLimits,
    now: number,
    /** The session that authenticated it (null: anonymous); logout and expiry close it. */
    readonly sessionId: string | null = null,
    /** The client's IP (per-IP caps and viewer counts). */
    readonly ip = 'unknown',
  ) {
    this.#tokens = limits.frameBurst;
    this.#refilledAt = now;
  }

  /** Sends a server message (dropped if the socket is not open; a client too slow to drain is cut off). */
  send(msg: ServerFrame): void {
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
    this.#tokens = Math.min(
      this.limits.frameBurst,
      this.#tokens + ((now - this.#refilledAt) / 1000) * this.limits.framesPerSecond,
    );
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
      this.error(
        new LiveError('FLOOD', `too many messages: at most ${this.limits.framesPerSecond} per second`, {
          retryAfterMs: Math.ceil(1000 / this.limits.framesPerSecond),
        }),
      );
    }
    return 'drop';
  }

  enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task);
  }
}

/**
 * What runs before a frame's field checks, to keep the order in which a handler refused a frame
 * with two faults: `fields` are checked first (the room a check needs...), then `check` (sign in
 * first, moderators only...); after the gates, the other fields.
 */
export interface Gate<T extends ClientFrameType, K extends keyof ClientMessage<T> = never> {
  fields?: readonly K[];
  check(conn: Connection, msg: Pick<ClientMessage<T>, 'type' | 'id' | K>): void;
}

/** A registered handler and its gate, for any type. */
interface Registration {
  handler: (conn: Connection, msg: ClientFrame) => Promise<void> | void;
  gates: { fields?: readonly PropertyKey[]; check(conn: Connection, msg: unknown): void }[];
}

/** The LiveError a refused frame is answered with. */
const refusalError = (r: FrameRefusal): LiveError => new LiveError(r.code, r.message, r.details);

/** What handles a family of client messages (`say`, `mod.ban`, `match.join`...). */
export type MessageHandler<T extends ClientFrameType = ClientFrameType> = (
  conn: Connection,
  msg: ClientMessage<T>,
) => Promise<void> | void;

export interface HubParams {
  limits: ChatLimits;
  log: Logger;
  now: () => number;
  /** The session of a token (undefined: unknown or expired). */
  sessionOf: (token: string) => { id: string; address: string } | undefined;
  /** Whether a session is still open; `used`: its socket sent frames since the last check (slides it). */
  sessionAlive: (id: string, used: boolean) => boolean;
  /** How often open sockets are checked against their sessions. */
  sessionCheckMs: number;
  cookieName: string;
  viewersThrottleMs: number;
  /** Origins whose pages may open sockets (a browser always sends Origin with an upgrade). */
  origins: ReadonlySet<string>;
  /** The client's IP of a request (TRUST_PROXY decides whether X-Forwarded-For counts). */
  clientIp: (req: IncomingMessage) => string;
  /** Open sockets per client IP. */
  wsPerIp: number;
  /** Viewers one IP adds to a room's count at most. */
  viewersPerIp: number;
  /** Told about every failed handler (a full disk turns the service's health red). */
  onFailure?: (e: unknown) => void;
  /** What room and account frames fan out through (default: in-process). */
  bus?: Bus;
  /** Told each room count the hub pushes as `viewers` (the streams keep their peak). */
  onViewers?: (room: string, count: RoomCount) => void;
}

export interface RoomCount {
  /** Connections in the room. */
  connections: number;
  /**
   * Viewers: each signed-in account once, and each IP's anonymous connections once, with at most
   * `viewersPerIp` from one IP, so one client cannot inflate a stream's count by opening sockets.
   */
  viewers: number;
  /** Distinct signed-in addresses among them. */
  users: number;
}

/** The bus topic of every connection of an account. */
const userTopic = (address: string): string => `user:${address}`;

/** Close code of a socket whose session ended (logout or expiry); the client may reconnect anonymously. */
export const SESSION_ENDED = 4001;

/**
 * The hub. Handlers are registered by type; rooms are plain strings (`stream:1`, `match:...`).
 * Frames for a room or an account go through the bus: the hub subscribes to a room's topic while
 * one of its sockets is in the room, and to `user:<address>` while one of its sockets is that
 * account's, and delivers what the bus brings to those sockets.
 */
export class Hub {
  readonly wss: WebSocketServer;
  readonly #handlers = new Map<ClientFrameType, Registration>();
  readonly #rooms = new Map<string, Set<Connection>>();
  readonly #byAddress = new Map<string, Set<Connection>>();
  readonly #bus: Bus;
  /** Invariant: a subscription for each room in #rooms and each `user:<address>` of #byAddress. */
  readonly #subscriptions = new Map<string, () => void>();
  readonly #connections = new Set<Connection>();
  readonly #viewerTimers = new Map<string, NodeJS.Timeout>();
  readonly #viewersPushedAt = new Map<string, number>();
  #closing = false;
  readonly #closeListeners: ((c: Connection) => void)[] = [];
  /** Sockets corked in this turn of the event loop (uncorked together at its end). */
  readonly #corked = new Map<Connection, { uncork(): void }>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #sessionCheck: NodeJS.Timeout;
  /** Invariant: the number of open or upgrading sockets of each IP (absent: 0). */
  readonly #perIp = new Map<string, number>();

  constructor(private readonly p: HubParams) {
    this.#bus = p.bus ?? createLocalBus();
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
    this.#sessionCheck = setInterval(() => this.#checkSessions(), p.sessionCheckMs);
    this.#sessionCheck.unref();
  }

  /** Closes the sockets of sessions that expired or were deleted; slides the sessions of active ones. */
  #checkSessions(): void {
    const verdicts = new Map<string, boolean>();
    for (const c of this.#connections) {
      if (!c.sessionId) continue;
      const used = c.used;
      c.used = false;
      // One lookup per session per check, however many tabs it has open.
      let alive = verdicts.get(c.sessionId);
      if (alive === undefined || (used && alive))
        verdicts.set(c.sessionId, (alive = this.p.sessionAlive(c.sessionId, used)));
      if (!alive) this.#endConnection(c, 'session expired');
    }
  }

  #endConnection(c: Connection, reason: string): void {
    c.ws.close(SESSION_ENDED, reason);
    // A client that does not answer the close handshake is cut off.
    setTimeout(() => c.ws.terminate(), 2000).unref();
  }

  /** Closes every socket of a session (it logged out). */
  endSession(sessionId: string): void {
    for (const c of this.#connections) if (c.sessionId === sessionId) this.#endConnection(c, 'signed out');
  }

  #refuse(socket: Duplex, status: string, code: string, message: string): true {
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    return true;
  }

  /** Handles frames of `type`: they reach `handler` checked against their schema, after the gates in turn. */
  on<T extends ClientFrameType, K extends keyof ClientMessage<T> = never, L extends keyof ClientMessage<T> = never>(
    type: T,
    handler: MessageHandler<T>,
    ...gates: [Gate<T, K>?, Gate<T, K | L>?]
  ): void {
    this.#handlers.set(type, { handler, gates: gates.filter((g) => g !== undefined) } as Registration);
  }

  /** Runs when a connection closes (after it left its rooms). */
  onClose(listener: (c: Connection) => void): void {
    this.#closeListeners.push(listener);
  }

  /**
   * Accepts a WebSocket upgrade at /ws; false (socket untouched) for other paths. A browser page
   * can open a socket to any origin with our cookie attached, so the upgrade is refused unless its
   * Origin is ours (403 FORBIDDEN_ORIGIN); the cookie counts only with an Origin, and the session
   * token is never read from the URL (where logs, history and Referer would keep it).
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://live.invalid');
    if (url.pathname !== '/ws') return false;
    if (!originAllowed(req, this.p.origins))
      return this.#refuse(socket, '403 Forbidden', 'FORBIDDEN_ORIGIN', 'sockets from this origin are not accepted');
    if (url.searchParams.has('token')) {
      return this.#refuse(
        socket,
        '400 Bad Request',
        'BAD_REQUEST',
        'the session token does not go in the URL: send the session cookie, or Authorization: Bearer',
      );
    }
    const bearer = bearerOf(req);
    const cookie =
      req.headers.origin !== undefined ? parseCookies(req.headers.cookie).get(this.p.cookieName) : undefined;
    let session: { id: string; address: string } | undefined;
    if (bearer) {
      session = this.p.sessionOf(bearer);
      // A bearer that opens no session is refused rather than silently made anonymous.
      if (!session) return this.#refuse(socket, '401 Unauthorized', 'UNAUTHENTICATED', 'unknown or expired session');
    } else if (cookie) {
      // A stale cookie is normal (the browser keeps it after expiry): the socket opens anonymous,
      // and its hello says so.
      session = this.p.sessionOf(cookie);
    }
    const ip = this.p.clientIp(req);
    const open = this.#perIp.get(ip) ?? 0;
    if (open >= this.p.wsPerIp) {
      return this.#refuse(
        socket,
        '429 Too Many Requests',
        'TOO_MANY_CONNECTIONS',
        `at most ${this.p.wsPerIp} sockets per client address`,
      );
    }
    this.#perIp.set(ip, open + 1);
    let counted = true;
    const release = (): void => {
      if (!counted) return;
      counted = false;
      const left = (this.#perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.#perIp.delete(ip);
      else this.#perIp.set(ip, left);
    };
    // ws ends a bad handshake by destroying the socket; the count follows the TCP socket.
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once('close', release);
      this.#accept(ws, session ?? null, ip);
    });
    return true;
  }

  #accept(ws: WebSocket, session: { id: string; address: string } | null, ip: string): void {
    const address = session?.address ?? null;
    const conn = new Connection(ws, address, this.p.limits, this.p.now(), session?.id ?? null, ip);
    this.#connections.add(conn);
    if (address) {
      let set = this.#byAddress.get(address);
      if (!set) {
        this.#byAddress.set(address, (set = new Set()));
        this.#subscribe(userTopic(address), (f) => this.#deliverToAddress(address, f));
      }
      set.add(conn);
    }
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(conn, data, isBinary));
    ws.on('error', (e) => this.p.log.debug('ws error', { connection: conn.id, error: describeError(e) }));
    ws.on('close', () => this.#onClose(conn));
    conn.send({ type: 'hello', connectionId: conn.id, address });
  }

  #onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    conn.used = true;
    const verdict = conn.allowFrame(this.p.now());
    if (verdict === 'close') {
      conn.ws.close(1008, 'flooding');
      return;
    }
    if (verdict === 'drop') return;
    const parsed = parseClientFrame(isBinary ? null : data.toString(), (type) => this.#handlers.has(type));
    if (!parsed.ok) {
      conn.error(refusalError(parsed.refusal), parsed.refusal.id);
      return;
    }
    const m = parsed.frame;
    // parseClientFrame accepted only types with a handler.
    const { handler, gates } = this.#handlers.get(m.type)!;
    conn.enqueue(async () => {
      try {
        // Field faults are answered in turn, like the handlers' other refusals.
        const fields: string[] = [];
        for (const gate of gates) {
          fields.push(...((gate.fields ?? []) as string[]));
          const first = checkClientFrame(m, fields);
          if (!first.ok) throw refusalError(first.refusal);
          gate.check(conn, first.frame);
        }
        const checked = checkClientFrame(m);
        if (!checked.ok) throw refusalError(checked.refusal);
        await handler(conn, checked.frame);
      } catch (e) {
        this.p.onFailure?.(e);
        if (!(e instanceof LiveError))
          this.p.log.error('ws handler failed', { type: m.type, connection: conn.id, error: describeError(e) });
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
      if (set?.size === 0) {
        this.#byAddress.delete(conn.address);
        this.#unsubscribe(userTopic(conn.address));
      }
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
    if (!set) {
      this.#rooms.set(room, (set = new Set()));
      this.#subscribe(room, (f) => this.#deliverToRoom(room, f));
    }
    if (set.has(conn)) return;
    set.add(conn);
    conn.rooms.add(room);
    this.#viewersChanged(room);
  }

  leave(conn: Connection, room: string): void {
    const set = this.#rooms.get(room);
    conn.rooms.delete(room);
    if (!set?.delete(conn)) return;
    if (set.size === 0) {
      this.#rooms.delete(room);
      this.#unsubscribe(room);
    }
    this.#viewersChanged(room);
  }

  #subscribe(topic: string, listener: (f: ServerFrame) => void): void {
    this.#subscriptions.set(topic, this.#bus.subscribe(topic, listener));
  }

  #unsubscribe(topic: string): void {
    this.#subscriptions.get(topic)?.();
    this.#subscriptions.delete(topic);
  }

  /** Sends to every connection in the room, through the bus. */
  broadcast(room: string, msg: ServerFrame): void {
    this.#bus.publish(room, msg);
  }

  /** Delivers a room's frame to this hub's connections in the room (serialised once). */
  #deliverToRoom(room: string, msg: ServerFrame): void {
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

  /** Sends to every connection of an address, through the bus. */
  sendTo(address: string, msg: ServerFrame): void {
    this.#bus.publish(userTopic(address), msg);
  }

  #deliverToAddress(address: string, msg: ServerFrame): void {
    const set = this.#byAddress.get(address);
    if (!set) return;
    const text = JSON.stringify(msg);
    for (const c of set) c.sendText(text);
  }

  count(room: string): RoomCount {
    const set = this.#rooms.get(room);
    if (!set) return { connections: 0, viewers: 0, users: 0 };
    // An account counts once (at the first IP it is seen from), each IP's anonymous connections once.
    const accountIp = new Map<string, string>();
    const perIp = new Map<string, number>();
    const anonymous = new Set<string>();
    for (const c of set) {
      if (c.address ? accountIp.has(c.address) : anonymous.has(c.ip)) continue;
      if (c.address) accountIp.set(c.address, c.ip);
      else anonymous.add(c.ip);
      perIp.set(c.ip, (perIp.get(c.ip) ?? 0) + 1);
    }
    let viewers = 0;
    for (const n of perIp.values()) viewers += Math.min(n, this.p.viewersPerIp);
    return { connections: set.size, viewers, users: accountIp.size };
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
    // Closing: the connections leaving their rooms say nothing more (the stores close next).
    if (this.#closing || !room.startsWith('stream:') || this.#viewerTimers.has(room)) return;
    const wait = Math.max(0, (this.#viewersPushedAt.get(room) ?? 0) + this.p.viewersThrottleMs - this.p.now());
    const t = setTimeout(() => {
      this.#viewerTimers.delete(room);
      this.#viewersPushedAt.set(room, this.p.now());
      const c = this.count(room);
      this.broadcast(room, { type: 'viewers', room, viewers: c.viewers, users: c.users });
      this.p.onViewers?.(room, c);
      if (c.connections === 0) this.#viewersPushedAt.delete(room);
    }, wait);
    this.#viewerTimers.set(room, t);
  }

  /** Closes every connection (1001 going away) and stops timers. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#sessionCheck);
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
