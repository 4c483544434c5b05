/**
 * Raids for the whole tab: offers to raid the signed-in broadcaster's stream (`raid.offer`, answered
 * with `raid.answer`), the outcome of this account's own raid (`raid.result`), and sending one.
 */
import type { RaidStream } from '../../../../lib/protocol/payloads.js';
import { SentFrames, socket } from '../api/socket.js';
import { channelName } from '../format.js';

export interface RaidOffer {
  raidId: number;
  from: RaidStream;
  viewers: number;
  expiresAt: number;
}

class RaidState {
  #offers = $state<RaidOffer[]>([]);
  /** This account's last raid: waiting for the answer, or what became of it. */
  #mine = $state<{ to: string; status: 'waiting' | 'accepted' | 'declined' | 'expired'; name: string } | null>(null);
  #error = $state<string | null>(null);
  #frames = new SentFrames();

  constructor() {
    socket.on('raid.offer', (m) => {
      this.#offers = [...this.#offers.filter((o) => o.raidId !== m.raidId), m];
      setTimeout(
        () => (this.#offers = this.#offers.filter((o) => o.raidId !== m.raidId)),
        Math.max(0, m.expiresAt - Date.now()),
      );
    });
    socket.on('raid.result', (m) => {
      this.#mine = { to: m.to.streamId, status: m.status, name: channelName(m.to) };
    });
    socket.on('error', (m) => {
      if (this.#frames.answers(m)) {
        this.#error = String(m.message);
        if (this.#mine?.status === 'waiting') this.#mine = null;
      }
    });
  }

  get offers(): RaidOffer[] {
    return this.#offers;
  }
  get mine() {
    return this.#mine;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Offers to raid stream `to` from the live stream `from` (its room). */
  start(from: string, to: string, name: string): void {
    this.#error = null;
    this.#mine = { to, status: 'waiting', name };
    this.#frames.send({ type: 'raid.start', room: `stream:${from}`, to });
  }
  answer(raidId: number, accept: boolean): void {
    this.#offers = this.#offers.filter((o) => o.raidId !== raidId);
    this.#frames.send({ type: 'raid.answer', raidId, accept });
  }
}

/** The tab's raids. */
export const raids = new RaidState();
