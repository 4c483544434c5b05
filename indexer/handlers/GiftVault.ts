/**
 * GiftVault: custody (balances), the catalog, gifts with their split, escrow and claims, split
 * policy, freezes, treasury and pool accrual. The escrow is mirrored slot by slot (EscrowLib's
 * 29-slot ring of 6-hour buckets) so pending and claimable earnings are exact at any time, and every mirrored result
 * the chain also reports (a gift's releaseAt, a claim's amount) is checked against it.
 */
import {
  broadcasterTotals,
  contractState,
  earnings,
  escrowSlots,
  freezeHistory,
  freezes,
  giftCatalog,
  gifts,
  holdPeriods,
  leaderboards,
  pool,
  splitHistory,
  splitPolicies,
  streamTotals,
  tokensAllowed,
  treasury,
} from '../db/schema.js';
import { ZERO_ADDRESS } from '../../lib/address.js';
import { FatalError } from '../../lib/errors.js';
import { unpackGiftSettled } from '../../lib/gifts/intents.js';
import type { Row } from '../store/handlerStore.js';
import type { RawEvent } from '../store/raw.js';
import { accessControlHandlers } from './accessControl.js';
import { big, bool, num, str, type HandlerContext, type HandlerMap } from './context.js';
import { type Relayed, sessionHandlers, spendFromSession } from './giftSessions.js';
import { account, recordMovement, transfer } from './ledger.js';
import { addBalance } from './vaultBalances.js';

const VAULT = 'GiftVault';
/** EscrowLib.WIDTH and EscrowLib.SLOTS. */
const BUCKET = 6 * 3600;
const SLOTS = 29;
const DAY_MS = 86_400_000;

/** Seconds of the block, as the contracts see `block.timestamp`. */
const nowSec = (e: RawEvent): number => Math.floor(e.timestamp / 1000);

async function treasuryOf(ctx: HandlerContext, token: string, e: RawEvent): Promise<Row<typeof treasury>> {
  return (
    (await ctx.store.get(treasury, token)) ?? {
      token,
      accrued: 0n,
      withdrawn: 0n,
      balance: 0n,
      blockNumber: e.blockNumber,
    }
  );
}

async function poolOf(ctx: HandlerContext, token: string, e: RawEvent): Promise<Row<typeof pool>> {
  return (
    (await ctx.store.get(pool, token)) ?? {
      token,
      accrued: 0n,
      flushed: 0n,
      balance: 0n,
      lastFlushTxId: null,
      lastFlushAmount: null,
      blockNumber: e.blockNumber,
    }
  );
}

async function earningsOf(
  ctx: HandlerContext,
  broadcaster: string,
  token: string,
  e: RawEvent,
): Promise<Row<typeof earnings>> {
  return (
    (await ctx.store.get(earnings, broadcaster, token)) ?? {
      broadcaster,
      token,
      escrowedTotal: 0n,
      claimedTotal: 0n,
      held: 0n,
      settled: 0n,
      lastClaimAt: null,
      blockNumber: e.blockNumber,
    }
  );
}

async function holdPeriodNow(ctx: HandlerContext): Promise<number> {
  const row = await ctx.store.get(contractState, VAULT, 'holdPeriod');
  if (!row) throw new FatalError('GiftSent before any HoldPeriodUpdated: is deployBlock after the vault was deployed?');
  return Number(row.value);
}

// -------------------------------------------------------------------------------------- escrow

/**
 * EscrowLib.credit on the mirror: adds `amount` released after `hold` seconds and returns the
 * release time in seconds (moving `earn.settled` when a released slot is reused).
 */
async function escrowCredit(
  ctx: HandlerContext,
  e: RawEvent,
  earn: Row<typeof earnings>,
  amount: bigint,
  now: number,
  hold: number,
): Promise<number> {
  if (hold === 0) {
    earn.settled += amount;
    return now;
  }
  const bucket = Math.floor((now + hold + BUCKET - 1) / BUCKET);
  const releaseAt = bucket * BUCKET;
  const index = bucket % SLOTS;
  const slot = await ctx.store.get(escrowSlots, earn.broadcaster, earn.token, index);
  // An empty slot has no row: EscrowLib treats amount 0 as empty whatever its releaseAt.
  if (!slot || slot.releaseAt === releaseAt * 1000) {
    if (amount === 0n) return releaseAt;
    const total = (slot?.amount ?? 0n) + amount;
    ctx.store.put(escrowSlots, {
      broadcaster: earn.broadcaster,
      token: earn.token,
      slot: index,
      releaseAt: releaseAt * 1000,
      amount: total,
      blockNumber: e.blockNumber,
    });
  } else {
    // EscrowLib's ring never holds two unreleased buckets in one slot (it asserts so).
    if (slot.releaseAt / 1000 > now)
      throw new FatalError(
        `escrow slot ${index} of ${earn.broadcaster} holds an unreleased bucket at ${slot.releaseAt}`,
      );
    earn.settled += slot.amount;
    if (amount === 0n) ctx.store.remove(escrowSlots, earn.broadcaster, earn.token, index);
    else
      ctx.store.put(escrowSlots, {
        broadcaster: earn.broadcaster,
        token: earn.token,
        slot: index,
        releaseAt: releaseAt * 1000,
        amount,
        blockNumber: e.blockNumber,
      });
  }
  return releaseAt;
}

/** EscrowLib.take on the mirror: removes and returns everything released by `now`. */
async function escrowTake(ctx: HandlerContext, earn: Row<typeof earnings>, now: number): Promise<bigint> {
  let amount = earn.settled;
  earn.settled = 0n;
  for (let i = 0; i < SLOTS; i++) {
    const slot = await ctx.store.get(escrowSlots, earn.broadcaster, earn.token, i);
    if (slot && slot.releaseAt / 1000 <= now) {
      amount += slot.amount;
      ctx.store.remove(escrowSlots, earn.broadcaster, earn.token, i);
    }
  }
  return amount;
}

// ---------------------------------------------------------------------------------- leaderboards

const monthStarts = new Map<number, number>();

/** First millisecond of the UTC month of the day starting at `dayStart`. */
function monthStartOf(dayStart: number): number {
  let m = monthStarts.get(dayStart);
  if (m === undefined) {
    const d = new Date(dayStart);
    m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (monthStarts.size > 10_000) monthStarts.clear();
    monthStarts.set(dayStart, m);
  }
  return m;
}

/** [period, start] of the day, ISO week (Monday), month and all time containing `ts`. */
export function periodsOf(ts: number): [string, number][] {
  const day = Math.floor(ts / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is days since Monday.
  const weekStart = (day - ((day + 3) % 7)) * DAY_MS;
  return [
    ['DAY', day * DAY_MS],
    ['WEEK', weekStart],
    ['MONTH', monthStartOf(day * DAY_MS)],
    ['ALL', 0],
  ];
}

async function bump(
  ctx: HandlerContext,
  e: RawEvent,
  kind: string,
  period: string,
  periodStart: number,
  token: string,
  streamOwner: string,
  streamId: string,
  who: string,
  value: bigint,
): Promise<void> {
  const row = await ctx.store.get(leaderboards, kind, period, periodStart, token, streamOwner, streamId, who);
  if (row) {
    row.amount += value;
    row.giftCount += 1;
    row.blockNumber = e.blockNumber;
    ctx.store.put(leaderboards, row);
  } else {
    ctx.store.put(leaderboards, {
      kind,
      period,
      periodStart,
      token,
      streamOwner,
      streamId,
      account: who,
      amount: value,
      giftCount: 1,
      blockNumber: e.blockNumber,
    });
  }
}

// ---------------------------------------------------------------------------------------- splits

type Policy = Row<typeof splitPolicies>;

async function policyOf(ctx: HandlerContext, broadcaster: string, e: RawEvent): Promise<Policy> {
  return (
    (await ctx.store.get(splitPolicies, broadcaster)) ?? {
      broadcaster,
      broadcasterBps: 0,
      poolBps: 0,
      platformBps: 0,
      active: broadcaster === ZERO_ADDRESS,
      hasNext: false,
      nextBroadcasterBps: 0,
      nextPoolBps: 0,
      nextPlatformBps: 0,
      nextActive: false,
      effectiveAt: 0,
      blockNumber: e.blockNumber,
    }
  );
}

/** GiftVault._settle: a due announced change becomes the current one. */
function settle(p: Policy, now: number): void {
  if (p.hasNext && p.effectiveAt / 1000 <= now) {
    p.broadcasterBps = p.nextBroadcasterBps;
    p.poolBps = p.nextPoolBps;
    p.platformBps = p.nextPlatformBps;
    p.active = p.nextActive;
    p.hasNext = false;
  }
}

function splitEvent(ctx: HandlerContext, e: RawEvent, kind: string, withSplit: boolean, effectiveAt: number): void {
  ctx.store.append(splitHistory, {
    blockNumber: e.blockNumber,
    txIndex: e.txIndex,
    logIndex: e.logIndex,
    txId: e.txId,
    timestamp: e.timestamp,
    broadcaster: str(e.args, 'broadcaster'),
    kind,
    broadcasterBps: withSplit ? num(e.args, 'broadcasterBps') : null,
    poolBps: withSplit ? num(e.args, 'poolBps') : null,
    platformBps: withSplit ? num(e.args, 'platformBps') : null,
    effectiveAt,
  });
}

// -------------------------------------------------------------------------------------- handlers

/** A gift as GiftSent reports it (GiftSettled's unpacked to the same fields). */
interface GiftFields {
  sender: string;
  broadcaster: string;
  giftId: string;
  quantity: number;
  token: string;
  total: bigint;
  broadcasterAmount: bigint;
  poolAmount: bigint;
  platformAmount: bigint;
  streamId: string;
  /** Unix seconds. */
  releaseAt: number;
  fromVault: boolean;
}

/**
 * Books a gift: the payer's balance or session reserve, the broadcaster's escrow (checked against
 * the chain's releaseAt), the pool, the treasury, the gift row, the stream's totals and the ledger.
 * `relayed` is the intent and signer of a settleGifts receipt.
 */
async function bookGift(e: RawEvent, ctx: HandlerContext, g: GiftFields, relayed?: Relayed): Promise<void> {
  const { sender, broadcaster, token, total, streamId, releaseAt } = g;
  const toBroadcaster = g.broadcasterAmount;
  const toPool = g.poolAmount;
  const toPlatform = g.platformAmount;
  const paidFrom = g.fromVault ? 'vault' : 'wallet';
  if (toBroadcaster + toPool + toPlatform !== total) throw new FatalError(`GiftSent shares do not add up to ${total}`);

  // A relayed gift signed by a session key is paid from that session's reserve, not the balance.
  const sessionKey = relayed && (await spendFromSession(e, ctx, relayed, sender, token, total));
  if (relayed && !g.fromVault) throw new FatalError('a relayed gift paid from the wallet');
  if (paidFrom === 'vault' && !sessionKey) await addBalance(ctx, e, sender, token, -total);

  const earn = await earningsOf(ctx, broadcaster, token, e);
  const mirrored = await escrowCredit(ctx, e, earn, toBroadcaster, nowSec(e), await holdPeriodNow(ctx));
  if (mirrored !== releaseAt) throw new FatalError(`escrow mirror gives releaseAt ${mirrored}, the chain ${releaseAt}`);
  earn.escrowedTotal += toBroadcaster;
  earn.held += toBroadcaster;
  earn.blockNumber = e.blockNumber;
  ctx.store.put(earnings, earn);

  const p = await poolOf(ctx, token, e);
  p.accrued += toPool;
  p.balance += toPool;
  p.blockNumber = e.blockNumber;
  ctx.store.put(pool, p);

  const t = await treasuryOf(ctx, token, e);
  t.accrued += toPlatform;
  t.balance += toPlatform;
  t.blockNumber = e.blockNumber;
  ctx.store.put(treasury, t);

  ctx.store.append(gifts, {
    id: ctx.store.nextId(gifts),
    txId: e.txId,
    blockNumber: e.blockNumber,
    txIndex: e.txIndex,
    logIndex: e.logIndex,
    timestamp: e.timestamp,
    sender,
    broadcaster,
    giftId: g.giftId,
    quantity: g.quantity,
    token,
    total,
    broadcasterAmount: toBroadcaster,
    poolAmount: toPool,
    platformAmount: toPlatform,
    streamId,
    releaseAt: releaseAt * 1000,
    paidFrom: paidFrom === 'vault' ? 'VAULT' : 'WALLET',
    relayed: relayed !== undefined,
    intentHash: relayed?.intentHash ?? null,
    signer: relayed?.signer ?? null,
    sessionKey: sessionKey ?? null,
  });

  // A stream is counted with the broadcaster its gifts went to: the streamId alone is a tag anyone can put on a gift.
  if (streamId !== '0') {
    const s = await ctx.store.get(streamTotals, broadcaster, streamId, token);
    if (s) {
      s.total += total;
      s.broadcasterAmount += toBroadcaster;
      s.giftCount += 1;
      s.lastGiftAt = e.timestamp;
      s.blockNumber = e.blockNumber;
      ctx.store.put(streamTotals, s);
    } else {
      ctx.store.put(streamTotals, {
        broadcaster,
        streamId,
        token,
        total,
        broadcasterAmount: toBroadcaster,
        giftCount: 1,
        firstGiftAt: e.timestamp,
        lastGiftAt: e.timestamp,
        blockNumber: e.blockNumber,
      });
    }
  }

  const b = await ctx.store.get(broadcasterTotals, broadcaster, token);
  if (b) {
    b.total += total;
    b.broadcasterAmount += toBroadcaster;
    b.giftCount += 1;
    b.lastGiftAt = e.timestamp;
    b.blockNumber = e.blockNumber;
    ctx.store.put(broadcasterTotals, b);
  } else {
    ctx.store.put(broadcasterTotals, {
      broadcaster,
      token,
      total,
      broadcasterAmount: toBroadcaster,
      giftCount: 1,
      firstGiftAt: e.timestamp,
      lastGiftAt: e.timestamp,
      blockNumber: e.blockNumber,
    });
  }

  for (const [period, start] of periodsOf(e.timestamp)) {
    await bump(ctx, e, 'GIFTERS', period, start, token, '', '', sender, total);
    await bump(ctx, e, 'BROADCASTERS', period, start, token, '', '', broadcaster, total);
  }
  if (streamId !== '0') {
    await bump(ctx, e, 'GIFTERS', 'ALL', 0, token, broadcaster, streamId, sender, total);
    await bump(ctx, e, 'BROADCASTERS', 'ALL', 0, token, broadcaster, streamId, broadcaster, total);
  }

  await recordMovement(e, ctx, 'GIFT', token, [
    {
      account: sessionKey
        ? account.reserve(sender)
        : paidFrom === 'vault'
          ? account.vault(sender)
          : account.wallet(sender),
      side: 'CREDIT',
      amount: total,
    },
    { account: account.escrow(broadcaster), side: 'DEBIT', amount: toBroadcaster },
    { account: account.poolAccrued, side: 'DEBIT', amount: toPool },
    { account: account.treasury, side: 'DEBIT', amount: toPlatform },
  ]);
}

export const handlers: HandlerMap = {
  ...accessControlHandlers(VAULT),
  ...sessionHandlers,

  'GiftVault:Paused': async (e, ctx) => {
    ctx.store.put(contractState, { contract: VAULT, key: 'paused', value: 'true', blockNumber: e.blockNumber });
  },

  'GiftVault:Unpaused': async (e, ctx) => {
    ctx.store.put(contractState, { contract: VAULT, key: 'paused', value: 'false', blockNumber: e.blockNumber });
  },

  'GiftVault:TokenAllowed': async (e, ctx) => {
    ctx.store.put(tokensAllowed, {
      token: str(e.args, 'token'),
      allowed: bool(e.args, 'allowed'),
      updatedAt: e.timestamp,
      blockNumber: e.blockNumber,
    });
  },

  'GiftVault:GiftUpdated': async (e, ctx) => {
    ctx.store.put(giftCatalog, {
      giftId: str(e.args, 'giftId'),
      token: str(e.args, 'token'),
      price: big(e.args, 'price'),
      enabled: bool(e.args, 'enabled'),
      uri: str(e.args, 'uri'),
      updatedAt: e.timestamp,
      blockNumber: e.blockNumber,
    });
  },

  'GiftVault:HoldPeriodUpdated': async (e, ctx) => {
    const hold = num(e.args, 'holdPeriod');
    ctx.store.put(contractState, {
      contract: VAULT,
      key: 'holdPeriod',
      value: String(hold),
      blockNumber: e.blockNumber,
    });
    ctx.store.append(holdPeriods, {
      blockNumber: e.blockNumber,
      txIndex: e.txIndex,
      logIndex: e.logIndex,
      txId: e.txId,
      timestamp: e.timestamp,
      holdPeriod: hold,
    });
  },

  'GiftVault:Deposited': async (e, ctx) => {
    const user = str(e.args, 'user');
    const token = str(e.args, 'token');
    const amount = big(e.args, 'amount');
    await addBalance(ctx, e, user, token, amount);
    await transfer(e, ctx, 'DEPOSIT', token, account.wallet(user), account.vault(user), amount);
  },

  'GiftVault:Withdrawn': async (e, ctx) => {
    const user = str(e.args, 'user');
    const token = str(e.args, 'token');
    const amount = big(e.args, 'amount');
    await addBalance(ctx, e, user, token, -amount);
    await transfer(e, ctx, 'WITHDRAW', token, account.vault(user), account.wallet(user), amount);
  },

  'GiftVault:GiftSent': async (e, ctx) => {
    const a = e.args;
    if (typeof a.fromVault !== 'boolean')
      throw new FatalError(`GiftSent without a boolean fromVault (${String(a.fromVault)})`);
    await bookGift(e, ctx, {
      sender: str(a, 'sender'),
      broadcaster: str(a, 'broadcaster'),
      giftId: str(a, 'giftId'),
      quantity: num(a, 'quantity'),
      token: str(a, 'token'),
      total: big(a, 'total'),
      broadcasterAmount: big(a, 'broadcasterAmount'),
      poolAmount: big(a, 'poolAmount'),
      platformAmount: big(a, 'platformAmount'),
      streamId: str(a, 'streamId'),
      releaseAt: num(a, 'releaseAt'),
      fromVault: a.fromVault,
    });
  },

  // settleGifts' receipt of a relayed gift: GiftSent's fields packed, with the intent and its signer.
  'GiftVault:GiftSettled': async (e, ctx) => {
    const a = e.args;
    const g = unpackGiftSettled({
      senderGift: big(a, 'senderGift'),
      broadcasterStream: big(a, 'broadcasterStream'),
      signerTerms: big(a, 'signerTerms'),
      total: big(a, 'total'),
    });
    await bookGift(
      e,
      ctx,
      {
        sender: g.sender,
        broadcaster: g.broadcaster,
        giftId: g.giftId.toString(),
        quantity: Number(g.quantity),
        token: str(a, 'token'),
        total: g.total,
        broadcasterAmount: g.broadcasterAmount,
        poolAmount: g.poolAmount,
        platformAmount: g.platformAmount,
        streamId: g.streamId.toString(),
        releaseAt: Number(g.releaseAt),
        fromVault: true,
      },
      { intentHash: str(a, 'intentHash'), signer: g.signer },
    );
  },

  'GiftVault:EarningsClaimed': async (e, ctx) => {
    const broadcaster = str(e.args, 'broadcaster');
    const token = str(e.args, 'token');
    const amount = big(e.args, 'amount');
    const earn = await earningsOf(ctx, broadcaster, token, e);
    const taken = await escrowTake(ctx, earn, nowSec(e));
    if (taken !== amount)
      throw new FatalError(`escrow mirror releases ${taken} to ${broadcaster}, the chain claimed ${amount}`);
    earn.claimedTotal += amount;
    earn.held -= amount;
    earn.lastClaimAt = e.timestamp;
    earn.blockNumber = e.blockNumber;
    ctx.store.put(earnings, earn);
    await addBalance(ctx, e, broadcaster, token, amount);
    await transfer(e, ctx, 'CLAIM', token, account.escrow(broadcaster), account.vault(broadcaster), amount);
  },

  'GiftVault:ClaimsFrozen': async (e, ctx) => {
    const broadcaster = str(e.args, 'broadcaster');
    const until = num(e.args, 'until') * 1000;
    const reason = str(e.args, 'reason');
    ctx.store.put(freezes, {
      broadcaster,
      until,
      reason,
      frozenAt: e.timestamp,
      unfrozenAt: null,
      blockNumber: e.blockNumber,
    });
    ctx.store.append(freezeHistory, {
      blockNumber: e.blockNumber,
      txIndex: e.txIndex,
      logIndex: e.logIndex,
      txId: e.txId,
      timestamp: e.timestamp,
      broadcaster,
      kind: 'FROZEN',
      until,
      reason,
    });
  },

  'GiftVault:ClaimsUnfrozen': async (e, ctx) => {
    const broadcaster = str(e.args, 'broadcaster');
    const f = await ctx.store.get(freezes, broadcaster);
    if (!f) throw new FatalError(`ClaimsUnfrozen for ${broadcaster}, who was never frozen`);
    // The contract ends the freeze now: until = block.timestamp.
    f.until = nowSec(e) * 1000;
    f.unfrozenAt = e.timestamp;
    f.blockNumber = e.blockNumber;
    ctx.store.put(freezes, f);
    ctx.store.append(freezeHistory, {
      blockNumber: e.blockNumber,
      txIndex: e.txIndex,
      logIndex: e.logIndex,
      txId: e.txId,
      timestamp: e.timestamp,
      broadcaster,
      kind: 'UNFROZEN',
      until: f.until,
      reason: null,
    });
  },

  'GiftVault:TreasuryWithdrawn': async (e, ctx) => {
    const token = str(e.args, 'token');
    const to = str(e.args, 'to');
    const amount = big(e.args, 'amount');
    const t = await treasuryOf(ctx, token, e);
    t.withdrawn += amount;
    t.balance -= amount;
    if (t.balance < 0n) throw new FatalError(`treasury of ${token} would go negative`);
    t.blockNumber = e.blockNumber;
    ctx.store.put(treasury, t);
    await transfer(e, ctx, 'TREASURY_WITHDRAW', token, account.treasury, account.wallet(to), amount);
  },

  'GiftVault:SurplusRecovered': async (e, ctx) => {
    await transfer(
      e,
      ctx,
      'SURPLUS_RECOVER',
      str(e.args, 'token'),
      account.surplus('vault'),
      account.wallet(str(e.args, 'to')),
      big(e.args, 'amount'),
    );
  },

  'GiftVault:PoolFlushed': async (e, ctx) => {
    const token = str(e.args, 'token');
    const amount = big(e.args, 'amount');
    const p = await poolOf(ctx, token, e);
    p.flushed += amount;
    p.balance -= amount;
    if (p.balance < 0n) throw new FatalError(`pool accrual of ${token} would go negative`);
    // RewardPool:Funded in the same transaction pairs with this flush.
    p.lastFlushTxId = e.txId;
    p.lastFlushAmount = amount;
    p.blockNumber = e.blockNumber;
    ctx.store.put(pool, p);
    await transfer(e, ctx, 'POOL_FLUSH', token, account.poolAccrued, account.rewardPool, amount);
  },

  'GiftVault:SplitUpdated': async (e, ctx) => {
    const broadcaster = str(e.args, 'broadcaster');
    const p = await policyOf(ctx, broadcaster, e);
    settle(p, nowSec(e));
    p.broadcasterBps = num(e.args, 'broadcasterBps');
    p.poolBps = num(e.args, 'poolBps');
    p.platformBps = num(e.args, 'platformBps');
    p.active = true;
    p.hasNext = false;
    p.blockNumber = e.blockNumber;
    ctx.store.put(splitPolicies, p);
    splitEvent(ctx, e, 'UPDATED', true, e.timestamp);
  },

  'GiftVault:SplitChangeAnnounced': async (e, ctx) => {
    const broadcaster = str(e.args, 'broadcaster');
    const effectiveAt = num(e.args, 'effectiveAt') * 1000;
    const p = await policyOf(ctx, broadcaster, e);
    settle(p, nowSec(e));
    p.nextBroadcasterBps = num(e.args, 'broadcasterBps');
    p.nextPoolBps = num(e.args, 'poolBps');
    p.nextPlatformBps = num(e.args, 'platformBps');
    p.nextActive = true;
    p.hasNext = true;
    p.effectiveAt = effectiveAt;
    p.blockNumber = e.blockNumber;
    ctx.store.put(splitPolicies, p);
    splitEvent(ctx, e, 'ANNOUNCED', true, effectiveAt);
  },

  'GiftVault:SplitOverrideCleared': async (e, ctx) => {
    const broadcaster = str(e.args, 'broadcaster');
    const p = await policyOf(ctx, broadcaster, e);
    settle(p, nowSec(e));
    p.active = false;
    p.hasNext = false;
    p.blockNumber = e.blockNumber;
    ctx.store.put(splitPolicies, p);
    splitEvent(ctx, e, 'OVERRIDE_CLEARED', false, e.timestamp);
  },

  'GiftVault:SplitOverrideClearAnnounced': async (e, ctx) => {
    const broadcaster = str(e.args, 'broadcaster');
    const effectiveAt = num(e.args, 'effectiveAt') * 1000;
    const p = await policyOf(ctx, broadcaster, e);
    settle(p, nowSec(e));
    p.nextBroadcasterBps = 0;
    p.nextPoolBps = 0;
    p.nextPlatformBps = 0;
    p.nextActive = false;
    p.hasNext = true;
    p.effectiveAt = effectiveAt;
    p.blockNumber = e.blockNumber;
    ctx.store.put(splitPolicies, p);
    splitEvent(ctx, e, 'OVERRIDE_CLEAR_ANNOUNCED', false, effectiveAt);
  },
};
