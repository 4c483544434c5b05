/**
 * One-tap gifting (issue 15): a gift session and the gifts tapped in it.
 *
 * "Start gifting" makes a session key in the browser (secp256k1, `generateSessionKey`), has the
 * wallet sign one TIP-712 OpenSession (viewer, key, token, cap, expiry) and hands it to the
 * relayer, which opens the session on chain at its own cost: the cap is reserved out of the
 * viewer's vault balance there. Each tap then signs a GiftIntent with the session key, in the page,
 * without any wallet prompt, and posts it; the relayer stores it before answering (`sent`), settles
 * it in a batch and the chat receipt goes sent -> confirmed -> final (or failed with the reason).
 *
 * The key lives in this tab's sessionStorage (gone when the tab closes). Whoever steals it can
 * spend what is left of the cap, on gifts to broadcasters, until the session expires, and nothing
 * else: not the vault balance beyond the cap, not the wallet. The intents go out one at a time, in
 * tap order, so their nonces arrive in order however fast the taps come.
 */
import {
  type CloseSession,
  type GiftIntent,
  type GiftVaultDomain,
  generateSessionKey,
  giftVaultDomain,
  NO_PREV,
  type OpenSession,
  signTyped,
  tronWebTypedData,
} from '../../../../lib/gifts/intents.js';
import { toWire } from '../../../../lib/protocol/gifts.js';
import { LiveError, relayerApi } from '../api/live.js';
import { getChainId, headTime } from '../chain/node.js';
import type { WalletConnection } from '../chain/wallets.js';
import { config } from '../config.js';

/** Taps on the same gift closer than this make one combo. */
export const COMBO_WINDOW_MS = 2500;
/** How long a signed intent (or session request) stays valid. */
const DEADLINE_SECONDS = 600n;

export interface SessionGift {
  giftId: string;
  name: string;
  /** Price per gift in the token's base units. */
  price: bigint;
  token: string;
}

export interface TappedGift {
  id: number;
  giftId: string;
  name: string;
  total: bigint;
  /** queued: waiting its turn; sent: the relayer stored it; refused: it said no (nothing will be paid); unknown: no answer. */
  status: 'queued' | 'sent' | 'refused' | 'unknown';
  intentHash?: string;
  error?: string;
}

interface Stored {
  viewer: string;
  vault: string;
  chainId: string;
  privateKey: string;
  sessionKey: string;
  token: string;
  cap: string;
  expiresAt: string;
  nextNonce: string;
  /**
   * The digest of the last intent the relayer took (the next one's `prev`): chained taps let a
   * batch carry one signature per run. Unknown after a lost answer, so the next goes unchained.
   */
  prev?: string;
  committed: string;
  /** False until the relayer said the session is open on chain. */
  open: boolean;
}

const storageKey = (vault: string, viewer: string) => `blive.giftSession.${vault}.${viewer}`;

/** What the user is told for a relayer refusal: what went wrong and what to do. */
export function refusalText(e: unknown): string {
  if (!(e instanceof LiveError)) return e instanceof Error ? e.message : String(e);
  switch (e.code) {
    case 'INTENT_OVER_CAP':
      return 'This gift is more than what is left in your gifting session. End the session and start a new one with a higher cap.';
    case 'SESSION_ENDED':
      return 'Your gifting session has ended. Start a new one to keep tapping.';
    case 'INTENT_TERMS_CHANGED':
      return 'The price of this gift changed. Check the catalog and tap again.';
    case 'INTENT_GIFT_DISABLED':
    case 'INTENT_UNKNOWN_GIFT':
      return 'This gift is no longer offered.';
    case 'NOT_BROADCASTER':
      return 'This channel cannot receive gifts (not a broadcaster).';
    case 'INTENT_SELF_GIFT':
      return 'You cannot gift yourself.';
    case 'RATE_LIMITED':
      return 'Too many gifts at once: wait a moment and tap again.';
    case 'RELAYER_UNAVAILABLE':
    case 'NETWORK':
      return `The gift relayer cannot be reached (${e.message}). Send with your wallet below, or try again later.`;
    case 'SESSION_REFUSED':
      return `The chain refused to open the session (${e.message}). Add to your BLive balance on the Wallet page first, or lower the cap.`;
    default:
      return e.message;
  }
}

export class GiftSession {
  /** none: no session; opening: the wallet or the relayer is at work; open; closing. */
  phase = $state<'none' | 'opening' | 'open' | 'closing'>('none');
  error = $state<string | null>(null);
  token = $state<string | null>(null);
  cap = $state(0n);
  /** Unix seconds (chain time). */
  expiresAt = $state(0n);
  /** What the relayer accepted in this session. */
  committed = $state(0n);
  /** Tapped and not answered yet. */
  inFlight = $state(0n);
  tapped = $state<TappedGift[]>([]);
  combo = $state<{ giftId: string; count: number; at: number } | null>(null);

  #stored: Stored | null = null;
  #queue: Promise<void> = Promise.resolve();
  #ids = 0;
  /** Chain time minus this machine's, in ms (the chain decides expiry). */
  #skew = 0;

  /** What the session can still pay, net of gifts in flight. */
  get left(): bigint {
    const l = this.cap - this.committed - this.inFlight;
    return l > 0n ? l : 0n;
  }

  /** Picks up this tab's session of `viewer` after a reload (the key is in sessionStorage). */
  restore(viewer: string | null): void {
    const vault = config().contracts.GiftVault;
    this.#stored = null;
    this.phase = 'none';
    this.token = null;
    if (!viewer) return;
    const raw = sessionStorage.getItem(storageKey(vault, viewer));
    if (!raw) return;
    const s = JSON.parse(raw) as Stored;
    if (BigInt(s.expiresAt) * 1000n <= BigInt(Date.now())) {
      sessionStorage.removeItem(storageKey(vault, viewer));
      return;
    }
    this.#load(s);
  }

  #load(s: Stored): void {
    this.#stored = s;
    this.token = s.token;
    this.cap = BigInt(s.cap);
    this.expiresAt = BigInt(s.expiresAt);
    this.committed = BigInt(s.committed);
    this.phase = s.open ? 'open' : 'opening';
  }

  #save(): void {
    const s = this.#stored;
    if (s) sessionStorage.setItem(storageKey(s.vault, s.viewer), JSON.stringify(s));
  }

  #clear(): void {
    const s = this.#stored;
    if (s) sessionStorage.removeItem(storageKey(s.vault, s.viewer));
    this.#stored = null;
    this.phase = 'none';
    this.token = null;
    this.cap = 0n;
    this.committed = 0n;
    this.inFlight = 0n;
  }

  async #domain(): Promise<GiftVaultDomain> {
    return giftVaultDomain(BigInt(await getChainId()), config().contracts.GiftVault);
  }

  async #nowSeconds(): Promise<bigint> {
    const head = await headTime().catch(() => 0);
    if (head > 0) this.#skew = head - Date.now();
    return BigInt(Math.floor((Date.now() + this.#skew) / 1000));
  }

  /** Opens a session of `cap` (base units of `token`) for `seconds`: one wallet signature, no fee. */
  async start(conn: WalletConnection, token: string, cap: bigint, seconds: number): Promise<boolean> {
    if (!conn.signTypedData) {
      this.error = `${conn.name} cannot sign typed data: send gifts one by one with your wallet below.`;
      return false;
    }
    if (cap <= 0n) {
      this.error = 'Enter a cap above 0.';
      return false;
    }
    this.error = null;
    this.phase = 'opening';
    try {
      const [domain, now] = await Promise.all([this.#domain(), this.#nowSeconds()]);
      const key = generateSessionKey();
      const request: OpenSession = {
        viewer: conn.address,
        sessionKey: key.address,
        token,
        cap,
        expiresAt: now + BigInt(seconds),
        deadline: now + DEADLINE_SECONDS,
      };
      const typed = tronWebTypedData(domain, 'OpenSession', request);
      const signature = await conn.signTypedData(typed);
      // Kept before the relayer hears of it: if the page goes away meanwhile, the key is not lost.
      this.#load({
        viewer: conn.address,
        vault: domain.verifyingContract,
        chainId: domain.chainId.toString(),
        privateKey: key.privateKey,
        sessionKey: key.address,
        token,
        cap: cap.toString(),
        expiresAt: request.expiresAt.toString(),
        nextNonce: '0',
        committed: '0',
        open: false,
      });
      this.#save();
      await relayerApi.openSession(toWire(request), signature);
      this.#stored!.open = true;
      this.#save();
      this.phase = 'open';
      return true;
    } catch (e) {
      // A refusal (or a declined signature) means nothing was opened. Without an answer the session
      // may be open: the key is kept and the first tap tells (the relayer knows no session: start again).
      const unanswered =
        this.#stored && e instanceof LiveError && (e.code === 'NETWORK' || e.code === 'RELAYER_UNAVAILABLE');
      if (unanswered) this.phase = 'open';
      else this.#clear();
      this.error = /declined|reject/i.test(String((e as Error)?.message))
        ? 'You declined the signature: no session was opened and nothing was spent.'
        : unanswered
          ? `${refusalText(e)} The session may be open: tap a gift to find out.`
          : refusalText(e);
      return false;
    }
  }

  /** Ends the session early (one more wallet signature); what is left returns after the grace period. */
  async end(conn: WalletConnection): Promise<boolean> {
    const s = this.#stored;
    if (!s || !conn.signTypedData) return false;
    this.phase = 'closing';
    this.error = null;
    try {
      const [domain, now] = await Promise.all([this.#domain(), this.#nowSeconds()]);
      const request: CloseSession = { viewer: s.viewer, sessionKey: s.sessionKey, deadline: now + DEADLINE_SECONDS };
      const signature = await conn.signTypedData(tronWebTypedData(domain, 'CloseSession', request));
      await relayerApi.closeSession(toWire(request), signature);
      this.#clear();
      return true;
    } catch (e) {
      this.phase = 'open';
      this.error = refusalText(e);
      return false;
    }
  }

  /** One tap: `quantity` × `gift` to `broadcaster` on `streamId`, queued behind earlier taps. */
  tap(gift: SessionGift, broadcaster: string, streamId: bigint, quantity = 1n): TappedGift | null {
    const s = this.#stored;
    if (!s || this.phase !== 'open' || gift.token !== s.token) return null;
    const total = gift.price * quantity;
    if (BigInt(s.expiresAt) * 1000n <= BigInt(Date.now() + this.#skew)) {
      this.error = refusalText(new LiveError('', 'SESSION_ENDED', 409));
      return null;
    }
    if (total > this.left) {
      this.error = refusalText(new LiveError('', 'INTENT_OVER_CAP', 409));
      return null;
    }
    this.error = null;
    const now = Date.now();
    const c = this.combo;
    this.combo =
      c && c.giftId === gift.giftId && now - c.at < COMBO_WINDOW_MS
        ? { giftId: gift.giftId, count: c.count + 1, at: now }
        : { giftId: gift.giftId, count: 1, at: now };
    this.inFlight += total;
    const entry: TappedGift = $state({
      id: ++this.#ids,
      giftId: gift.giftId,
      name: gift.name,
      total,
      status: 'queued',
    });
    this.tapped = [entry, ...this.tapped].slice(0, 50);
    this.#queue = this.#queue.then(() => this.#send(s, entry, gift, broadcaster, streamId, quantity));
    return entry;
  }

  /** Resolves once every tap so far has its answer. */
  settled(): Promise<void> {
    return this.#queue;
  }

  async #send(
    s: Stored,
    entry: TappedGift,
    gift: SessionGift,
    broadcaster: string,
    streamId: bigint,
    quantity: bigint,
  ): Promise<void> {
    const domain = giftVaultDomain(BigInt(s.chainId), s.vault);
    const deadline = BigInt(Math.floor((Date.now() + this.#skew) / 1000)) + DEADLINE_SECONDS;
    const total = gift.price * quantity;
    const attempt = async (nonce: bigint, prev: string) => {
      const intent: GiftIntent = {
        sender: s.viewer,
        broadcaster,
        giftId: BigInt(gift.giftId),
        quantity,
        streamId,
        token: gift.token,
        maxTotal: total,
        nonce,
        deadline,
        prev,
      };
      return relayerApi.submit(toWire(intent), signTyped(domain, 'GiftIntent', intent, s.privateKey));
    };
    try {
      let nonce = BigInt(s.nextNonce);
      let answer: Awaited<ReturnType<typeof attempt>> | undefined;
      try {
        answer = await attempt(nonce, s.prev ?? NO_PREV);
      } catch (e) {
        // The relayer knows the session's next nonce better (another tab, a lost answer): take it once.
        const next = e instanceof LiveError ? e.details.nextNonce : undefined;
        if (
          e instanceof LiveError &&
          (e.code === 'INTENT_NONCE_USED' || e.code === 'INTENT_NONCE_GAP') &&
          typeof next === 'string'
        ) {
          nonce = BigInt(next);
          // Not the intent before it that this tab knows: unchained, it keeps its own signature.
          answer = await attempt(nonce, NO_PREV);
        } else throw e;
      }
      s.nextNonce = (nonce + 1n).toString();
      s.prev = answer.intentHash;
      s.committed = (BigInt(s.committed) + total).toString();
      this.#save();
      this.committed += total;
      entry.status = 'sent';
      entry.intentHash = answer.intentHash;
    } catch (e) {
      const unknown = e instanceof LiveError && e.code === 'NETWORK';
      entry.status = unknown ? 'unknown' : 'refused';
      // Whether the relayer took it is unknown: the next tap names no intent before it.
      if (unknown) s.prev = undefined;
      entry.error = unknown
        ? 'No answer from the relayer: this gift may still arrive; check the chat before tapping again.'
        : refusalText(e);
      this.error = entry.error;
      if (e instanceof LiveError && e.code === 'BAD_SIGNATURE') {
        // The chain has no session for this key (never opened, or it ended): start again.
        this.#clear();
        this.error = 'Your gifting session is not open on chain any more: start a new one.';
      }
      if (e instanceof LiveError && e.code === 'SESSION_ENDED') this.#clear();
    } finally {
      this.inFlight -= total;
    }
  }
}

export const giftSession = new GiftSession();
