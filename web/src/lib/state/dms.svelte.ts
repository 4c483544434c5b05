/**
 * Direct messages for the whole tab: the live service pushes `dm` to every connection of both
 * parties, so listening from page load keeps the conversation list and unread counts current.
 * Each time the socket signs in (`hello` with an address, reconnects included), the conversation
 * list is loaded from the service, so messages that came while this tab was closed show up too.
 * What was read is kept per browser (localStorage): a conversation whose last message came from
 * the other side after the last one read counts as unread.
 */
import { dmsApi } from '../api/live.js';
import type { DirectMessage } from '../../../../lib/protocol/payloads.js';
import { SentFrames, socket } from '../api/socket.js';
import { wallet } from './wallet.svelte.js';

/** A direct message; those pushed live (`dm`) also carry the sender's handle. */
export type Dm = DirectMessage & { handle?: string | null };
export interface DmPeer {
  address: string;
  handle: string | null;
  unread: number;
  /** Id of the last message seen in an open conversation. */
  readId?: number;
}

const KEY = 'blive.dm.peers';

class DmInbox {
  #peers = $state<DmPeer[]>(JSON.parse(localStorage.getItem(KEY) ?? '[]') as DmPeer[]);
  #threads = $state<Record<string, Dm[]>>({});
  #more = $state<Record<string, string | null>>({});
  #open = $state<string | null>(null);
  #error = $state<string | null>(null);
  #frames = new SentFrames();

  constructor() {
    socket.on('dm', (m) => {
      const d = m;
      const me = wallet.address;
      const peer = d.from === me ? d.to : d.from;
      this.#add(peer, [d]);
      this.remember(peer, d.from === me ? null : d.handle, d.from !== me && this.#open !== peer);
    });
    socket.on('dms', (m) => {
      const w = String(m.with);
      this.#add(w, m.messages ?? []);
      const pi = m.pageInfo as typeof m.pageInfo | undefined;
      this.#more = { ...this.#more, [w]: pi?.hasNextPage ? pi.endCursor : null };
    });
    socket.on('hello', (m) => {
      if (typeof m.address === 'string') void this.sync();
    });
    socket.on('error', (m) => {
      if (this.#frames.answers(m)) this.#error = String(m.message);
    });
  }

  get peers(): DmPeer[] {
    return this.#peers;
  }
  get unread(): number {
    return this.#peers.reduce((n, p) => n + p.unread, 0);
  }
  get error(): string | null {
    return this.#error;
  }
  /** The conversation open on the Messages page, or null. */
  get openPeer(): string | null {
    return this.#open;
  }
  thread(peer: string): Dm[] {
    return this.#threads[peer] ?? [];
  }
  hasMore(peer: string): boolean {
    return !!this.#more[peer];
  }

  #add(peer: string, ds: Dm[]) {
    const t = this.#threads[peer] ?? [];
    const ids = new Set(t.map((x) => x.id));
    const fresh = ds.filter((d) => !ids.has(d.id));
    if (fresh.length) this.#threads = { ...this.#threads, [peer]: [...t, ...fresh].sort((a, b) => a.id - b.id) };
    if (this.#open === peer && fresh.length) this.#markRead(peer);
  }

  /** Remembers the newest message of an open conversation as read. */
  #markRead(peer: string): void {
    const last = (this.#threads[peer] ?? []).at(-1)?.id ?? 0;
    this.#peers = this.#peers.map((p) =>
      p.address === peer ? { ...p, unread: 0, readId: Math.max(p.readId ?? 0, last) } : p,
    );
    localStorage.setItem(KEY, JSON.stringify(this.#peers));
  }

  /** Loads the conversation list from the live service and merges it in, latest first. */
  async sync(): Promise<void> {
    const me = wallet.address;
    if (!me) return;
    let list: Awaited<ReturnType<typeof dmsApi.conversations>>;
    try {
      list = await dmsApi.conversations();
    } catch {
      return; // The list is a convenience: live messages still arrive over the socket.
    }
    if (wallet.address !== me) return;
    const known = new Map(this.#peers.map((p) => [p.address, p]));
    const merged: DmPeer[] = list.nodes.map((c) => {
      const prev = known.get(c.with);
      const unseen = c.last.from !== me && c.last.id > (prev?.readId ?? 0) && this.#open !== c.with;
      return {
        address: c.with,
        handle: c.handle ?? prev?.handle ?? null,
        unread: unseen ? Math.max(prev?.unread ?? 0, 1) : 0,
        ...(prev?.readId ? { readId: prev.readId } : {}),
      };
    });
    const listed = new Set(merged.map((p) => p.address));
    this.#peers = [...merged, ...this.#peers.filter((p) => !listed.has(p.address))].slice(0, 50);
    localStorage.setItem(KEY, JSON.stringify(this.#peers));
  }

  /** Keeps a partner at the top of the list. */
  remember(address: string, handle: string | null, unread = false): void {
    if (address === wallet.address) return;
    const prev = this.#peers.find((p) => p.address === address);
    const next: DmPeer = {
      ...prev,
      address,
      handle: handle ?? prev?.handle ?? null,
      unread: (prev?.unread ?? 0) + (unread ? 1 : 0),
    };
    this.#peers = [next, ...this.#peers.filter((p) => p.address !== address)].slice(0, 50);
    localStorage.setItem(KEY, JSON.stringify(this.#peers));
  }

  /** Opens a conversation: loads its latest page and clears its unread count. */
  open(peer: string | null): void {
    this.#open = peer;
    if (!peer) return;
    this.#markRead(peer);
    this.#frames.send({ type: 'dms.history', with: peer, limit: 50 });
  }
  older(peer: string): void {
    this.#frames.send({ type: 'dms.history', with: peer, before: Number(this.#more[peer]), limit: 50 });
  }
  send(to: string, text: string): void {
    this.#error = null;
    this.#frames.send({ type: 'dm', to, text });
  }
}

/** The tab's DM inbox. */
export const dms = new DmInbox();
