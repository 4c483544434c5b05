/**
 * One stream's gifts as they happen, for the viewer page and the broadcaster's studio: the gifts
 * tagged with the stream (loaded, then pushed by the indexer's `giftSent` subscription, caught up
 * after each reconnection, a reorg's `removed` taken out), their catalog names and animations, and
 * the bursts the video shows. A combo is one pill that counts up: the same sender's same gift within
 * 8 s of the last one replaces its pill (a new key restarts the animation) instead of stacking
 * another.
 */
import { fetchCatalog, fetchGifts, subscribeFinalized, subscribeGifts, type Gift } from '../api/indexer.js';
import type { GiftBurst } from '../components/GiftAnimations.svelte';
import { parseGiftUri, type GiftMeta } from '../format.js';

export type Burst = GiftBurst & { combo: number; at: number };

const COMBO_MS = 8000;
const BURST_MS = 4000;
const keyOf = (g: Gift): string => `${g.txId}:${g.logIndex}`;

export class StreamGifts {
  /** Gifts tagged with this stream's id, in arrival order; only those to its owner count (see `to`). */
  tagged = $state<Gift[]>([]);
  bursts = $state<Burst[]>([]);
  /** The last failed load of the stream's gifts (null once one succeeds). */
  error = $state<unknown>(null);
  /** Bumped by each new gift and by each of them turning final (charts reload on it). */
  version = $state(0);
  finalBlock = $state(0);
  readonly #names = new Map<string, GiftMeta>();
  /** The running combo of each sender and gift (not state: only the bursts render). */
  readonly #combos = new Map<string, { combo: number; at: number }>();

  constructor(readonly streamId: string) {}

  /** The gifts to `owner`, the stream's broadcaster (anyone can tag a gift with any stream id). */
  to(owner: string | undefined): Gift[] {
    return owner ? this.tagged.filter((g) => g.broadcaster === owner) : [];
  }

  /** A gift's catalog name and animation ("Gift #id" until the catalog loads). */
  meta(giftId: string): GiftMeta {
    return this.#names.get(giftId) ?? { name: `Gift #${giftId}`, animation: 'default' };
  }

  /** Loads the catalog and the gifts so far and follows new ones; returns the stop. */
  start(): () => void {
    fetchCatalog()
      .then((c) => {
        for (const g of c) this.#names.set(g.giftId, parseGiftUri(g.uri, g.giftId));
      })
      // Safe to ignore: the names only decorate bursts and receipts, which fall back to "Gift #id";
      // the gift panel loads the same catalog and shows its failure with a Retry.
      .catch(() => undefined);
    void this.catchUp();
    const sub = subscribeGifts({ streamId: this.streamId }, (g) => this.#receive(g), this.catchUp);
    const fin = subscribeFinalized((u) => {
      if (
        this.tagged.some((g) => g.finality !== 'FINAL' && g.blockNumber > this.finalBlock && g.blockNumber <= u.final)
      )
        this.version++;
      this.finalBlock = u.final;
    });
    return () => {
      sub.close();
      fin.close();
    };
  }

  /** This stream's gifts so far (on load and after the subscription reconnects), merged with the ones pushed. */
  catchUp = async (): Promise<void> => {
    try {
      const p = await fetchGifts({ streamId: this.streamId }, 100);
      const known = new Set(this.tagged.map(keyOf));
      this.tagged = [...this.tagged, ...p.nodes.filter((g) => !known.has(keyOf(g)))];
      this.error = null;
    } catch (e) {
      this.error = e;
    }
  };

  #receive(g: Gift): void {
    const key = keyOf(g);
    if (g.removed) {
      this.tagged = this.tagged.filter((x) => keyOf(x) !== key);
      return;
    }
    const existing = this.tagged.findIndex((x) => keyOf(x) === key);
    if (existing >= 0) {
      this.tagged[existing] = g;
      return;
    }
    this.tagged.push(g);
    this.version++;
    const now = Date.now();
    const comboId = `${g.sender}:${g.giftId}`;
    const last = this.#combos.get(comboId);
    const combo = last && now - last.at < COMBO_MS ? last.combo + 1 : 1;
    this.#combos.set(comboId, { combo, at: now });
    for (const [id, c] of this.#combos) if (now - c.at >= COMBO_MS) this.#combos.delete(id);
    const burst = {
      key,
      sender: g.sender,
      giftId: g.giftId,
      quantity: g.quantity,
      ...this.meta(g.giftId),
      combo,
      at: now,
    };
    const others = this.bursts.filter(
      (b) => now - b.at < BURST_MS && !(b.sender === g.sender && b.giftId === g.giftId),
    );
    this.bursts = [...others, burst].slice(-4);
    setTimeout(() => (this.bursts = this.bursts.filter((b) => b.key !== key)), BURST_MS + 200);
  }
}
