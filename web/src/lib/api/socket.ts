/**
 * The live service's WebSocket (/ws): one connection per tab, reconnecting with backoff
 * (250 ms doubling to 10 s), rejoining its rooms after each reconnection. Messages are plain JSON
 * objects with a `type`, typed by the protocol the service shares (lib/protocol/); listeners
 * subscribe per type ("*" for all). The upgrade is authenticated
 * by the session cookie the browser attaches (never a token in the URL); the server says who the
 * socket is in `hello`, and closes it with 4001 when the session ends (logout or expiry).
 */
import type { OutgoingClientFrame } from '../../../../lib/protocol/client.js';
import type { ServerFrame, ServerFrameOf, ServerFrameType } from '../../../../lib/protocol/server.js';

/** A frame from the service. */
export type ServerMessage = ServerFrame;
type Listener = (m: ServerMessage) => void;

export class LiveSocket {
  #ws: WebSocket | null = null;
  #identity: string | null = null;
  #rooms = new Set<string>();
  #listeners = new Map<string, Set<Listener>>();
  #queue: string[] = [];
  #delay = 250;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #nextId = 1;
  #wanted = false;
  #statusListeners = new Set<(open: boolean) => void>();
  open = false;

  /** Connects, or reconnects after the session changed (`identity`: the signed-in address, null = anonymous). */
  connect(identity: string | null): void {
    this.#identity = identity;
    this.#wanted = true;
    this.#ws?.close(1000, 'reconnect');
    this.#open();
  }

  #open() {
    if (this.#timer) clearTimeout(this.#timer);
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${proto}://${location.host}/ws`;
    const ws = new WebSocket(url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#delay = 250;
      this.#setOpen(true);
      for (const room of this.#rooms) ws.send(JSON.stringify({ type: 'join', room }));
      for (const m of this.#queue.splice(0)) ws.send(m);
    };
    ws.onmessage = (ev) => {
      // A socket being replaced (the session changed) speaks for the old session.
      if (this.#ws !== ws) return;
      let m: ServerMessage;
      try {
        // The service sends only protocol frames (it types them with the same schemas).
        m = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      for (const l of this.#listeners.get(m.type) ?? []) l(m);
      for (const l of this.#listeners.get('*') ?? []) l(m);
    };
    ws.onclose = (ev: { code?: number }) => {
      if (this.#ws !== ws) return;
      this.#setOpen(false);
      if (!this.#wanted) return;
      // The session ended: come back at once, anonymous (the next hello says so).
      if (ev.code === 4001) this.#delay = 250;
      this.#timer = setTimeout(() => this.#open(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, 10_000);
    };
  }

  #setOpen(v: boolean) {
    this.open = v;
    for (const l of this.#statusListeners) l(v);
  }

  /** Sends a message (queued while disconnected); returns the id it carries. */
  send(msg: OutgoingClientFrame): number {
    const id = this.#nextId++;
    const text = JSON.stringify({ ...msg, id });
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(text);
    else {
      this.#queue.push(text);
      if (!this.#wanted) this.connect(this.#identity);
    }
    return id;
  }

  /** Joins a room now and after every reconnection. */
  join(room: string): void {
    if (this.#rooms.has(room)) return;
    this.#rooms.add(room);
    // While connecting, the room is joined by the replay on open: queueing it too would join twice.
    if (this.#ws?.readyState === WebSocket.OPEN) this.send({ type: 'join', room });
    else if (!this.#wanted) this.connect(this.#identity);
  }

  /** Leaves a room. */
  leave(room: string): void {
    if (!this.#rooms.delete(room)) return;
    if (this.#ws?.readyState === WebSocket.OPEN) this.send({ type: 'leave', room });
  }

  /** Listens to one message type ("*": all); returns the unsubscribe function. */
  on<T extends ServerFrameType>(type: T, l: (m: ServerFrameOf<T>) => void): () => void;
  on(type: '*', l: Listener): () => void;
  on(type: string, l: Listener): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(l);
    return () => set.delete(l);
  }

  /** Listens to connection status changes. */
  onStatus(l: (open: boolean) => void): () => void {
    this.#statusListeners.add(l);
    return () => this.#statusListeners.delete(l);
  }
}

/** The tab's one socket. */
export const socket = new LiveSocket();

/**
 * The frames one part of the app sent. The service's error frames carry no room or topic, only the
 * `id` of the frame they refuse, so each part shows the errors that answer its own frames.
 */
export class SentFrames {
  #ids: number[] = [];

  /** Sends `msg` on the tab's socket and remembers its id. */
  send(msg: OutgoingClientFrame): number {
    const id = socket.send(msg);
    this.#ids.push(id);
    // Errors answer within a round trip: the last few ids are all that can still be answered.
    if (this.#ids.length > 64) this.#ids.shift();
    return id;
  }

  /** Whether `m` (an error or an ack) answers one of these frames. */
  answers(m: ServerFrameOf<'error'> | ServerFrameOf<'ack'>): boolean {
    return typeof m.id === 'number' && this.#ids.includes(m.id);
  }
}
