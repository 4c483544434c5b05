/**
 * Relay reports for relay rewards (issue 16): what this viewer's p2p peer gave to and received
 * from each other peer, sent to the live service every RELAY_REPORT_MS while signed in. The peer
 * id is this page's own (p2p-media-loader announces it: see p2pHls.ts), bound to the account
 * before the player announces it, so no other account can claim it first.
 *
 * Anonymous viewers report nothing: the bind answers UNAUTHENTICATED and what was counted is
 * dropped (anonymous relay earns nothing); the bind is tried again at most once a minute, so a
 * viewer who signs in while watching starts earning without reloading.
 */
import { PEER_ID, RELAY_MAX_BYTES, RELAY_MAX_PEERS, RELAY_REPORT_MS } from '../../../lib/protocol/relay.js';
import { LiveError, relayApi } from './api/live.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const REBIND_MS = 60_000;

/** This page's p2p peer id: one per page load (the loader keeps one id per swarm for the page anyway). */
export const PAGE_PEER_ID = ((): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  // 256 % 62 skews the first 8 symbols slightly; the id only needs to be unguessable, not uniform.
  const id = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
  if (!PEER_ID.test(id)) throw new Error('bad peer id');
  return id;
})();

interface Pending {
  gave: number;
  received: number;
}

/** Counts one stream's relay per peer and reports it. */
export class RelayReporter {
  readonly #streamId: string;
  readonly #pending = new Map<string, Pending>();
  #bound: 'yes' | 'no' | 'unknown' = 'unknown';
  #lastBindAt = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #sending = false;
  readonly #onPageHide = (): void => void this.flush(true);

  constructor(streamId: string) {
    this.#streamId = streamId;
  }

  /** Binds the peer id (before the loader announces it); false when not signed in. */
  async bind(): Promise<boolean> {
    this.#lastBindAt = Date.now();
    try {
      await relayApi.bind(PAGE_PEER_ID);
      this.#bound = 'yes';
    } catch (e) {
      // Signed out, or the id taken (a collision of 20 random symbols: not worth a new player).
      this.#bound = e instanceof LiveError && e.status !== 0 && e.status < 500 ? 'no' : 'unknown';
    }
    return this.#bound === 'yes';
  }

  gave(peerId: string, bytes: number): void {
    this.#add(peerId).gave += bytes;
  }

  received(peerId: string, bytes: number): void {
    this.#add(peerId).received += bytes;
  }

  /** Reports every RELAY_REPORT_MS, and once more when the page goes. */
  start(): void {
    this.#timer ??= setInterval(() => void this.flush(), RELAY_REPORT_MS);
    addEventListener('pagehide', this.#onPageHide);
  }

  /** Stops reporting after one last report. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    removeEventListener('pagehide', this.#onPageHide);
    void this.flush(true);
  }

  /** Sends what was counted since the last report (in bodies of at most RELAY_MAX_PEERS peers). */
  async flush(keepalive = false): Promise<void> {
    if (this.#sending || this.#pending.size === 0) return;
    if (this.#bound !== 'yes') {
      if (Date.now() - this.#lastBindAt < REBIND_MS || keepalive || !(await this.bind())) {
        if (this.#bound === 'no') this.#pending.clear();
        return;
      }
    }
    this.#sending = true;
    const taken = [...this.#pending];
    this.#pending.clear();
    let sent = 0;
    try {
      for (; sent < taken.length; sent += RELAY_MAX_PEERS) {
        const peers = taken
          .slice(sent, sent + RELAY_MAX_PEERS)
          .map(([peerId, p]) => ({
            peerId,
            gave: Math.min(p.gave, RELAY_MAX_BYTES),
            received: Math.min(p.received, RELAY_MAX_BYTES),
          }))
          .filter((p) => p.gave > 0 || p.received > 0);
        if (peers.length) await relayApi.report({ streamId: this.#streamId, peerId: PAGE_PEER_ID, peers }, keepalive);
      }
    } catch (e) {
      if (e instanceof LiveError && e.code === 'UNAUTHENTICATED') this.#bound = 'unknown';
      // What was not sent is kept for the next report when the service was busy or unreachable;
      // a refusal of the body drops it.
      else if (!(e instanceof LiveError) || e.status === 0 || e.status === 429 || e.status >= 500)
        for (const [peerId, p] of taken.slice(sent)) {
          this.gave(peerId, p.gave);
          this.received(peerId, p.received);
        }
    } finally {
      this.#sending = false;
    }
  }

  #add(peerId: string): Pending {
    let p = this.#pending.get(peerId);
    if (!p) this.#pending.set(peerId, (p = { gave: 0, received: 0 }));
    return p;
  }
}
