/**
 * The gift relayer (issue 15, item 6): takes signed gift intents through the live service, checks
 * each (signature by native recovery, session open and not expired, the cap net of intents in
 * flight, the nonce, the deadline, the price), stores it before answering, posts it in the
 * stream's chat as `sent`, and settles what it accepted in settleGifts batches (every `batchMs` or
 * `batchSize` intents) paid from its own account. It follows each batch to confirmed (in a block),
 * final (solidified) or failed, and queues again what a vanished batch carried (never landed, a
 * reorg took it out, or the process died in between: the store says what is unsettled). GiftVault's
 * nonces make settlement exactly-once: an intent skipped as Replayed was settled by an earlier
 * batch, which is looked up. The relayer can delay an intent, never forge or alter one: the vault
 * checks every signature.
 */
import { describeError } from '../../lib/errors.js';
import {
  chainBatch,
  digestOf,
  domainSeparator,
  type GiftIntent,
  giftVaultDomain,
  hex0x,
  NO_PREV,
  recoverSigner,
  SKIP_REASONS,
  structHash,
  typedDigest,
  type CloseSession,
  type OpenSession,
} from '../../lib/gifts/intents.js';
import { recoverSignerNative } from '../../lib/gifts/recoverNative.js';
import {
  type RelayIntentAnswer,
  type RelaySessionAnswer,
  type SignedGiftIntent,
  toWire,
} from '../../lib/protocol/gifts.js';
import type { Logger } from '../../lib/log.js';
import type { GiftReceipt } from '../../lib/protocol/payloads.js';
import type { Rooms } from '../chat/rooms.js';
import type { Directory } from '../internal/directory.js';
import { LiveError } from '../internal/errors.js';
import type { Streams } from '../streams/service.js';
import { GIFT_SETTLED, INTENT_SKIPPED, type RelayerChain, SessionTxError, type TxOutcome } from './chain.js';
import type { BatchRow, IntentRow, RelayerStore } from './store.js';

/** GiftVault.MAX_BATCH and MAX_QUANTITY. */
const MAX_BATCH = 100;
const MAX_QUANTITY = 10_000n;

export interface RelayerOptions {
  /** Milliseconds between batches (default 300). */
  batchMs: number;
  /** A batch leaves at once when this many intents wait (1-100, default 50). */
  batchSize: number;
  /** Milliseconds between follow-ups of batches in flight (default 300). */
  followMs: number;
  /** A broadcast batch not seen in a block after this long is taken as vanished (default 30 s). */
  pendingTimeoutMs: number;
  /** At most this many batches broadcast and not yet in a block (default 8). */
  maxInFlight: number;
  /** Seconds an intent's deadline must leave for settling (default 5). */
  minDeadlineSeconds: number;
  /** Times an intent skipped as NonceGap (an earlier nonce not settled yet) is queued again (default 5). */
  maxAttempts: number;
}

export const DEFAULT_RELAYER_OPTIONS: RelayerOptions = {
  batchMs: 300,
  batchSize: 50,
  followMs: 300,
  pendingTimeoutMs: 30_000,
  maxInFlight: 8,
  minDeadlineSeconds: 5,
  maxAttempts: 5,
};

export interface RelayerParams {
  store: RelayerStore;
  chain: RelayerChain;
  /** The chain's CHAINID and the vault: the domain every intent must be signed under. */
  chainId: bigint;
  vault: string;
  rooms: Rooms;
  streams: Streams;
  directory: Directory;
  log: Logger;
  /** The clock, ms. */
  now: () => number;
  /** A catalog gift's display name (the indexer's, from GiftUpdated). */
  giftName: (giftId: string) => Promise<string>;
  options?: Partial<RelayerOptions>;
}

/** A session as the relayer tracks it: the chain's figures plus what it accepted and has not settled. */
interface SessionState {
  viewer: string;
  token: string;
  cap: bigint;
  endsAt: bigint;
  /** Closed through the relayer (the chain may not know yet). */
  closed: boolean;
  /** The nonce the next intent must carry. */
  nextNonce: bigint;
  /** Spent on chain plus the totals of accepted intents not yet settled. */
  committed: bigint;
  checkedAt: number;
}

interface Cached<T> {
  value: T;
  at: number;
  refreshing?: boolean;
}

const fail = (code: ConstructorParameters<typeof LiveError>[0], message: string, details = {}): never => {
  throw new LiveError(code, message, details);
};

/** The relayer: intake, batches, follow-up. */
export class Relayer {
  readonly o: RelayerOptions;
  readonly #separator: Uint8Array;
  readonly #sessions = new Map<string, Promise<SessionState | undefined>>();
  readonly #gifts = new Map<
    string,
    Cached<{ token: string; price: bigint; enabled: boolean; name: string } | undefined>
  >();
  readonly #broadcasters = new Map<string, Cached<boolean>>();
  /** Wallet intents' nonces in flight, per sender (the chain's bitmap does not know them yet). */
  readonly #walletNonces = new Map<string, Set<string>>();
  #batchTimer: NodeJS.Timeout | undefined;
  #followTimer: NodeJS.Timeout | undefined;
  #batching: Promise<void> | undefined;
  #following: Promise<void> | undefined;
  #queuedHint = 0;
  #started = false;
  #closed = false;
  /** Figures for /metrics. */
  readonly counts = { accepted: 0, refused: 0, batches: 0, confirmed: 0, final: 0, failed: 0, resubmitted: 0 };

  constructor(private readonly p: RelayerParams) {
    this.o = { ...DEFAULT_RELAYER_OPTIONS, ...p.options };
    if (this.o.batchSize < 1 || this.o.batchSize > MAX_BATCH) throw new RangeError(`batchSize must be 1-${MAX_BATCH}`);
    this.#separator = domainSeparator(giftVaultDomain(p.chainId, p.vault));
  }

  /** Starts batching and following; batches broadcast before a crash are broadcast again (the node ignores a duplicate). */
  async start(): Promise<void> {
    this.#started = true;
    for (const b of this.p.store.batches('pending')) {
      try {
        await this.p.chain.broadcast(b.tx);
      } catch (e) {
        this.p.log.warn('relayer: rebroadcast failed', { tx_id: b.tx_id, error: describeError(e) });
      }
    }
    this.#batchTimer = setInterval(() => void this.settleNow(), this.o.batchMs);
    this.#followTimer = setInterval(() => void this.followNow(), this.o.followMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#batchTimer);
    clearInterval(this.#followTimer);
    await this.#batching;
    await this.#following;
  }

  // ------------------------------------------------------------------ intake

  /** Checks a signed intent, stores it and posts it in the stream's chat; throws a LiveError with the refusal's code. */
  async submit(signed: SignedGiftIntent): Promise<RelayIntentAnswer> {
    try {
      const answer = await this.#submit(signed);
      this.counts.accepted++;
      return answer;
    } catch (e) {
      this.counts.refused++;
      throw e;
    }
  }

  async #submit({ intent, signature }: SignedGiftIntent): Promise<RelayIntentAnswer> {
    if (this.#closed) fail('RELAYER_UNAVAILABLE', 'the relayer is stopping');
    const digest = digestOf(this.#separator, structHash('GiftIntent', intent));
    const intentHash = hex0x(digest);
    const signer = recoverSignerNative(digest, signature);
    if (!signer) fail('BAD_SIGNATURE', 'the signature is malformed');
    const nowS = BigInt(Math.floor(this.p.now() / 1000));
    if (intent.deadline < nowS + BigInt(this.o.minDeadlineSeconds))
      fail('INTENT_EXPIRED', `the intent's deadline ${intent.deadline} leaves no time to settle it`);
    if (intent.broadcaster === intent.sender) fail('INTENT_SELF_GIFT', 'a viewer cannot gift itself');
    if (intent.quantity === 0n || intent.quantity > MAX_QUANTITY)
      fail('INTENT_INVALID_QUANTITY', `the quantity must be 1-${MAX_QUANTITY}`);
    // What the intent needs from the chain, read (or taken from the caches) before anything is decided.
    const [session, gift, broadcaster] = await Promise.all([
      this.#session(signer!),
      this.#gift(intent.giftId),
      this.#isBroadcaster(intent.broadcaster),
    ]);
    const viaSession = session !== undefined && session.viewer === intent.sender;
    // Forged, altered, or signed for another chain or vault: the digest recovers someone else.
    if (!viaSession && signer !== intent.sender)
      fail('BAD_SIGNATURE', "the signature is not the sender's nor one of its sessions'");
    const known = this.p.store.byHash(intentHash);
    if (known) fail('INTENT_REPLAYED', 'this intent was submitted already', { intentHash, status: known.status });
    if (!broadcaster) fail('NOT_BROADCASTER', `${intent.broadcaster} is not a broadcaster`);
    if (!gift) fail('INTENT_UNKNOWN_GIFT', `no gift ${intent.giftId}`);
    if (!gift!.enabled) fail('INTENT_GIFT_DISABLED', `gift ${intent.giftId} is disabled`);
    const total = gift!.price * intent.quantity;
    if (gift!.token !== intent.token || total > intent.maxTotal)
      fail('INTENT_TERMS_CHANGED', `gift ${intent.giftId} now costs ${total} of ${gift!.token}`, {
        total: total.toString(),
        token: gift!.token,
      });
    const handle = await this.p.directory.handle(intent.sender).catch(() => null);
    const wallet = viaSession ? undefined : await this.#walletRoom(intent, total);
    // From here on nothing awaits: the checks that depend on other intents and the write run together.
    if (viaSession) this.#checkSession(session!, intent, total, nowS);
    else wallet!();
    const row = this.#store(intent, signature, intentHash, signer!, viaSession, total, gift!.name, handle);
    if (viaSession) {
      session!.nextNonce++;
      session!.committed += total;
    }
    if (++this.#queuedHint >= this.o.batchSize && this.#started) void this.settleNow();
    return this.#answer(row);
  }

  #checkSession(s: SessionState, intent: GiftIntent, total: bigint, nowS: bigint): void {
    if (s.closed || s.endsAt <= nowS) fail('SESSION_ENDED', 'the session is closed or expired');
    if (intent.token !== s.token) fail('INTENT_WRONG_TOKEN', `the session spends ${s.token} only`);
    if (intent.nonce < s.nextNonce)
      fail('INTENT_NONCE_USED', `nonce ${intent.nonce} was used; the next is ${s.nextNonce}`, {
        nextNonce: s.nextNonce.toString(),
      });
    if (intent.nonce > s.nextNonce)
      fail('INTENT_NONCE_GAP', `nonce ${intent.nonce} skips ahead; the next is ${s.nextNonce}`, {
        nextNonce: s.nextNonce.toString(),
      });
    const left = s.cap - s.committed;
    if (total > left)
      fail('INTENT_OVER_CAP', `the session has ${left} left, net of gifts in flight`, { left: left.toString() });
  }

  /** A wallet-signed intent's checks: unused nonce, the balance net of its gifts in flight. Returns the synchronous part. */
  async #walletRoom(intent: GiftIntent, total: bigint): Promise<() => void> {
    const nonce = intent.nonce.toString();
    const [used, balance] = await Promise.all([
      this.p.chain.walletNonceUsed(intent.sender, intent.nonce),
      this.p.chain.balanceOf(intent.sender, intent.token),
    ]);
    return () => {
      const inFlight = this.p.store.walletInFlight(intent.sender);
      const nonces = this.#walletNonces.get(intent.sender) ?? new Set(inFlight.map((r) => r.nonce));
      if (used || nonces.has(nonce)) fail('INTENT_NONCE_USED', `wallet nonce ${nonce} was used`);
      const pending = inFlight
        .filter((r) => (JSON.parse(r.intent) as { token: string }).token === intent.token)
        .reduce((a, r) => a + BigInt(r.total), 0n);
      if (balance - pending < total)
        fail('INTENT_INSUFFICIENT_BALANCE', `the vault balance is ${balance - pending} net of gifts in flight`);
      nonces.add(nonce);
      this.#walletNonces.set(intent.sender, nonces);
    };
  }

  /** Stores the intent and posts its receipt in one transaction; the chat sees it as `sent`. */
  #store(
    intent: GiftIntent,
    signature: string,
    intentHash: string,
    signer: string,
    viaSession: boolean,
    total: bigint,
    name: string,
    handle: string | null,
  ): IntentRow {
    const streamId = /^[1-9]\d{0,15}$/.test(intent.streamId.toString()) ? Number(intent.streamId) : undefined;
    const stream = streamId !== undefined ? this.p.streams.find(streamId) : undefined;
    const room = stream && stream.owner === intent.broadcaster ? `stream:${streamId}` : undefined;
    return this.p.store.transaction(() => {
      const id = this.p.store.insert({
        intent_hash: intentHash,
        sender: intent.sender,
        signer,
        session_key: viaSession ? signer : null,
        nonce: intent.nonce.toString(),
        intent: JSON.stringify(toWire(intent)),
        signature,
        total: total.toString(),
        message_id: null,
        accepted_at: this.p.now(),
      });
      if (room) {
        const receipt: GiftReceipt = {
          txId: null,
          logIndex: null,
          blockNumber: null,
          sender: intent.sender,
          senderHandle: handle,
          broadcaster: intent.broadcaster,
          giftId: intent.giftId.toString(),
          name,
          quantity: Number(intent.quantity),
          token: intent.token,
          total: total.toString(),
          finality: 'sent',
          intentHash,
        };
        const msg = this.p.rooms.post(
          room,
          'gift',
          intent.sender,
          handle,
          `${handle ?? intent.sender} sent ${intent.quantity} × ${name}`,
          receipt,
        );
        this.p.store.setMessage(id, msg.id);
      }
      return this.p.store.byHash(intentHash)!;
    });
  }

  /** Where an accepted intent is (INTENT_NOT_FOUND when the relayer never accepted it). */
  status(intentHash: string): RelayIntentAnswer {
    const row = this.p.store.byHash(intentHash.toLowerCase());
    if (!row) fail('INTENT_NOT_FOUND', 'the relayer has no such intent');
    return this.#answer(row!);
  }

  #answer(r: IntentRow): RelayIntentAnswer {
    return {
      intentHash: r.intent_hash,
      status: r.status,
      reason: r.reason,
      txId: r.tx_id,
      blockNumber: r.block_number,
    };
  }

  // ------------------------------------------------------------------ sessions

  /** Relays a viewer's signed OpenSession and answers once it is in a block. */
  async openSession(request: OpenSession, signature: string): Promise<RelaySessionAnswer> {
    this.#checkRequest(
      typedDigest(giftVaultDomain(this.p.chainId, this.p.vault), 'OpenSession', request),
      signature,
      request.viewer,
      request.deadline,
    );
    const r = await this.#relay(() => this.p.chain.openSession(request, signature));
    this.#sessions.delete(request.sessionKey);
    return { sessionKey: request.sessionKey, ...r };
  }

  /** Relays a viewer's signed CloseSession; the relayer refuses the session's intents from now on. */
  async closeSession(request: CloseSession, signature: string): Promise<RelaySessionAnswer> {
    this.#checkRequest(
      typedDigest(giftVaultDomain(this.p.chainId, this.p.vault), 'CloseSession', request),
      signature,
      request.viewer,
      request.deadline,
    );
    const s = await this.#session(request.sessionKey);
    if (!s || s.viewer !== request.viewer) fail('SESSION_UNKNOWN', 'the viewer has no session with this key');
    s!.closed = true;
    return {
      sessionKey: request.sessionKey,
      ...(await this.#relay(() => this.p.chain.closeSession(request, signature))),
    };
  }

  #checkRequest(digest: Uint8Array, signature: string, viewer: string, deadline: bigint): void {
    if (recoverSigner(digest, signature) !== viewer) fail('BAD_SIGNATURE', 'the request is not signed by the viewer');
    if (deadline < BigInt(Math.floor(this.p.now() / 1000))) fail('SIGNATURE_EXPIRED', "the request's deadline passed");
  }

  async #relay<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SessionTxError) fail('SESSION_REFUSED', e.message, { error: e.errorName });
      throw new LiveError('RELAYER_UNAVAILABLE', 'the relayer could not reach the chain', {}, { cause: e });
    }
  }

  // ------------------------------------------------------------------ chain reads, cached

  /** The session whose key is `key` (undefined: none), loaded once and then kept current by the relayer. */
  #session(key: string): Promise<SessionState | undefined> {
    let p = this.#sessions.get(key);
    const cached = p;
    if (!p) {
      p = this.#loadSession(key);
      this.#sessions.set(key, p);
      // An unknown key is not remembered: the session may be opened a moment later.
      p.then(
        (s) => s ?? this.#sessions.delete(key),
        () => this.#sessions.delete(key),
      );
      return p;
    }
    return cached!.then((s) => {
      // The viewer may close it directly on chain: its end is read again now and then, in the
      // background (the vault refuses an intent of an ended session anyway).
      if (s && this.p.now() - s.checkedAt > 5000) {
        s.checkedAt = this.p.now();
        this.p.chain.sessionOf(key).then(
          (c) => void (c.viewer && (s.endsAt = c.endsAt)),
          () => {},
        );
      }
      return s;
    });
  }

  async #loadSession(key: string): Promise<SessionState | undefined> {
    const c = await this.#chainRead(() => this.p.chain.sessionOf(key));
    if (!c.viewer) return undefined;
    // After a restart the store knows what this relayer accepted and the chain has not settled yet.
    const rows = this.p.store.sessionIntents(key);
    let nextNonce = c.nextNonce;
    let inFlight = 0n;
    for (const r of rows) {
      if (BigInt(r.nonce) >= nextNonce) nextNonce = BigInt(r.nonce) + 1n;
      if (r.status === 'sent') inFlight += BigInt(r.total);
    }
    return {
      viewer: c.viewer,
      token: c.token,
      cap: c.cap,
      endsAt: c.endsAt,
      closed: false,
      nextNonce,
      committed: c.spent + inFlight,
      checkedAt: this.p.now(),
    };
  }

  #gift(giftId: bigint) {
    const k = giftId.toString();
    return this.#cached(this.#gifts, k, 2000, async () => {
      const g = await this.p.chain.giftInfo(giftId);
      return g && { token: g.token, price: g.price, enabled: g.enabled, name: await this.p.giftName(k) };
    });
  }

  #isBroadcaster(account: string): Promise<boolean> {
    return this.#cached(this.#broadcasters, account, 10_000, () => this.p.chain.isBroadcaster(account));
  }

  /**
   * A chain read kept `ttl` ms; an older answer is still used while a fresh one is read in the
   * background, so a tap never waits on the node for what it read a moment ago (the vault checks
   * price and recipient again when it settles: a stale answer can only make an intent fail later).
   */
  async #cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const c = map.get(key);
    if (c) {
      if (this.p.now() - c.at >= ttl && !c.refreshing) {
        c.refreshing = true;
        load().then(
          (value) => map.set(key, { value, at: this.p.now() }),
          () => (c.refreshing = false),
        );
      }
      return c.value;
    }
    const value = await this.#chainRead(load);
    map.set(key, { value, at: this.p.now() });
    return value;
  }

  async #chainRead<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new LiveError('RELAYER_UNAVAILABLE', 'the relayer cannot read the chain now', {}, { cause: e });
    }
  }

  // ------------------------------------------------------------------ batches

  /** Sends one batch of what waits, unless one is being built or too many are in flight. */
  settleNow(): Promise<void> {
    this.#batching ??= this.#settle().finally(() => (this.#batching = undefined));
    return this.#batching;
  }

  async #settle(): Promise<void> {
    if (this.#closed) return;
    try {
      while (this.p.store.batches('pending').length < this.o.maxInFlight) {
        const rows = this.p.store.queued(this.o.batchSize);
        this.#queuedHint = 0;
        if (!rows.length) return;
        await this.#send(rows);
        if (rows.length < this.o.batchSize) return;
      }
    } catch (e) {
      this.p.log.warn('relayer: batch not sent', { error: describeError(e) });
    }
  }

  async #send(rows: IntentRow[]): Promise<void> {
    // Each signer's intents together in nonce order, and a signature only where a run of chained
    // intents ends: the vault recovers one per run.
    const { items, signatures } = chainBatch(
      rows.map((r) => ({
        intent: parseStored(r.intent),
        signature: r.signature,
        digest: r.intent_hash,
        signer: r.signer,
      })),
      (x) => x.signer,
    );
    const { txId, tx } = await this.p.chain.buildSettle(
      items.map((x) => x.intent),
      signatures,
    );
    // Written before the broadcast: a crash right after it still knows which transaction carries them.
    const id = this.p.store.insertBatch(
      txId,
      tx,
      this.p.now(),
      rows.map((r) => r.id),
    );
    this.counts.batches++;
    const sent = await this.p.chain.broadcast(tx).catch((e: unknown) => ({ ok: false, code: describeError(e) }));
    if (!sent.ok) {
      this.p.log.warn('relayer: broadcast refused', { tx_id: txId, code: sent.code });
      this.#vanish({ id, tx_id: txId } as BatchRow);
    }
  }

  /** Follows every batch in flight once (tests call it to step the relayer). */
  followNow(): Promise<void> {
    this.#following ??= this.#follow().finally(() => (this.#following = undefined));
    return this.#following;
  }

  async #follow(): Promise<void> {
    try {
      for (const b of this.p.store.batches('pending')) {
        const o = await this.p.chain.outcome(b.tx_id);
        if (o) await this.#landed(b, o);
        else if (this.p.now() - b.created_at > this.o.pendingTimeoutMs) this.#vanish(b);
      }
      for (const b of this.p.store.batches('confirmed')) {
        const o = await this.p.chain.outcome(b.tx_id);
        if (!o) this.#vanish(b);
        else if (await this.p.chain.solidified(b.tx_id)) this.#final(b, o.blockNumber);
        else if (o.blockNumber !== b.block_number) this.#moved(b, o.blockNumber);
      }
    } catch (e) {
      this.p.log.warn('relayer: follow-up failed', { error: describeError(e) });
    }
  }

  /** A batch in a block: each intent confirmed, failed with its skip reason, or queued again (NonceGap). */
  async #landed(b: BatchRow, o: TxOutcome): Promise<void> {
    const rows = this.p.store.intentsOf(b.id);
    if (o.result !== 'SUCCESS') {
      this.p.store.transaction(() => {
        this.p.store.setBatch(b.id, 'failed', o.blockNumber);
        for (const r of rows)
          this.#setStatus(r, { status: 'failed', reason: `TxFailed:${o.result}`, blockNumber: o.blockNumber });
      });
      return;
    }
    const { relayed, skipped } = outcomesOf(o);
    // Replayed: settled (or skipped) by an earlier batch of this intent; read those first.
    const earlier = new Map<number, { batch: BatchRow; outcome: TxOutcome | undefined }[]>();
    for (const r of rows)
      if (skipped.get(r.intent_hash) === 'Replayed') {
        const list = [];
        for (const e of this.p.store.batchesOf(r.id))
          if (e.id !== b.id) list.push({ batch: e, outcome: await this.p.chain.outcome(e.tx_id) });
        earlier.set(r.id, list);
      }
    this.p.store.transaction(() => {
      this.p.store.setBatch(b.id, 'confirmed', o.blockNumber);
      for (const r of rows) {
        const reason = skipped.get(r.intent_hash);
        if (relayed.has(r.intent_hash) || reason === undefined)
          this.#setStatus(r, { status: 'confirmed', txId: b.tx_id, blockNumber: o.blockNumber });
        else if (reason === 'Replayed') this.#replayed(r, b, o, earlier.get(r.id) ?? []);
        else if (reason === 'NonceGap' && r.attempts < this.o.maxAttempts) this.#requeue(r);
        else this.#failed(r, reason, b, o);
      }
    });
  }

  /** An intent the vault calls replayed: the earlier batch that settled it is its settlement. */
  #replayed(
    r: IntentRow,
    b: BatchRow,
    o: TxOutcome,
    earlier: { batch: BatchRow; outcome: TxOutcome | undefined }[],
  ): void {
    for (const { batch, outcome } of earlier) {
      if (outcome?.result !== 'SUCCESS') continue;
      const { relayed, skipped } = outcomesOf(outcome);
      const why = skipped.get(r.intent_hash);
      if (relayed.has(r.intent_hash) || (why !== undefined && why !== 'Replayed')) {
        // That batch is followed again to finality (it may have been written off as vanished).
        if (batch.status !== 'confirmed' && batch.status !== 'final')
          this.p.store.setBatch(batch.id, 'confirmed', outcome.blockNumber);
        if (relayed.has(r.intent_hash))
          this.#setStatus(r, {
            status: 'confirmed',
            txId: batch.tx_id,
            blockNumber: outcome.blockNumber,
            batchId: batch.id,
          });
        else this.#failed(r, why!, batch, outcome);
        return;
      }
    }
    // Nothing this relayer sent settled it, yet its nonce is spent: settled elsewhere; it follows this batch.
    this.p.log.warn('relayer: intent replayed by a transaction it did not send', { intent_hash: r.intent_hash });
    this.#setStatus(r, { status: 'confirmed', txId: b.tx_id, blockNumber: o.blockNumber, reason: 'Replayed' });
  }

  #failed(r: IntentRow, reason: string, b: BatchRow, o: TxOutcome): void {
    this.#setStatus(r, { status: 'failed', reason, txId: b.tx_id, blockNumber: o.blockNumber });
  }

  /** A batch that never landed or that a reorg took out: what it carried waits for the next batch. */
  #vanish(b: Pick<BatchRow, 'id' | 'tx_id'>): void {
    this.p.store.transaction(() => {
      this.p.store.setBatch(b.id, 'vanished', null);
      for (const r of this.p.store.intentsOf(b.id))
        if (r.status === 'sent' || r.status === 'confirmed') this.#requeue(r);
    });
    this.counts.resubmitted++;
    this.p.log.info('relayer: batch vanished, its intents are queued again', { tx_id: b.tx_id });
  }

  #requeue(r: IntentRow): void {
    this.#setStatus(r, { status: 'sent', batchId: null, blockNumber: null });
  }

  #moved(b: BatchRow, blockNumber: number): void {
    this.p.store.transaction(() => {
      this.p.store.setBatch(b.id, 'confirmed', blockNumber);
      for (const r of this.p.store.intentsOf(b.id))
        if (r.status === 'confirmed') this.#setStatus(r, { status: 'confirmed', blockNumber });
    });
  }

  #final(b: BatchRow, blockNumber: number): void {
    this.p.store.transaction(() => {
      this.p.store.setBatch(b.id, 'final', blockNumber);
      for (const r of this.p.store.intentsOf(b.id))
        if (r.status === 'confirmed') this.#setStatus(r, { status: 'final' });
    });
  }

  /** Records an intent's new state and updates its chat receipt; keeps the session's figures in step. */
  #setStatus(r: IntentRow, to: Parameters<RelayerStore['setIntent']>[1]): void {
    this.p.store.setIntent(r.id, to);
    if (to.status !== r.status) {
      if (to.status === 'confirmed') this.counts.confirmed++;
      if (to.status === 'final') this.counts.final++;
      if (to.status === 'failed') {
        this.counts.failed++;
        this.#released(r);
      }
    }
    if (r.message_id === null) return;
    const posted = this.p.rooms.giftOf(r.message_id);
    if (!posted) return;
    const txId = to.txId !== undefined ? to.txId : to.status === 'sent' ? null : r.tx_id;
    const blockNumber = to.blockNumber !== undefined ? to.blockNumber : r.block_number;
    const reason = to.status === 'failed' ? (to.reason ?? r.reason ?? undefined) : undefined;
    const { reason: _old, ...rest } = posted;
    this.p.rooms.updateData(r.message_id, {
      ...rest,
      finality: to.status,
      txId: to.status === 'sent' ? null : txId,
      blockNumber: to.status === 'sent' ? null : blockNumber,
      ...(reason ? { reason } : {}),
    });
  }

  /** A failed intent no longer counts against its session's cap (its nonce stays spent) nor its wallet's nonces. */
  #released(r: IntentRow): void {
    if (r.session_key) {
      void this.#sessions.get(r.session_key)?.then((s) => {
        if (s) s.committed -= BigInt(r.total);
      });
    } else this.#walletNonces.get(r.sender)?.delete(r.nonce);
  }

  /** Whether a transaction is one of the relayer's batches (the indexer's receipts leave those to it). */
  isBatchTx(txId: string): boolean {
    return this.p.store.isBatchTx(txId);
  }
}

/** A stored intent (its wire JSON) back in bigint form. */
function parseStored(json: string): GiftIntent {
  const w = JSON.parse(json) as Record<keyof GiftIntent, string>;
  return {
    sender: w.sender,
    broadcaster: w.broadcaster,
    giftId: BigInt(w.giftId),
    quantity: BigInt(w.quantity),
    streamId: BigInt(w.streamId),
    token: w.token,
    maxTotal: BigInt(w.maxTotal),
    nonce: BigInt(w.nonce),
    deadline: BigInt(w.deadline),
    prev: w.prev ?? NO_PREV,
  };
}

/** The intents a settleGifts receipt relayed, and those it skipped with their reasons, by intent hash. */
export function outcomesOf(o: TxOutcome): { relayed: Set<string>; skipped: Map<string, string> } {
  const relayed = new Set<string>();
  const skipped = new Map<string, string>();
  for (const l of o.logs) {
    const [t0, t1] = l.topics;
    if (!t1) continue;
    if (t0 === GIFT_SETTLED) relayed.add(`0x${t1}`);
    else if (t0 === INTENT_SKIPPED) {
      const reason = Number.parseInt(l.data.slice(64, 128), 16);
      skipped.set(`0x${t1}`, SKIP_REASONS[reason] ?? `Reason${reason}`);
    }
  }
  return { relayed, skipped };
}
