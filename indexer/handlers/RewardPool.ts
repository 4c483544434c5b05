/**
 * RewardPool: funding, epochs, claims and sweeps. The vault's flushes arrive here as Funded with
 * the vault as funder; that movement is already in the ledger as the vault's POOL_FLUSH, so it is
 * not recorded twice (only a shortfall, a fee-on-transfer token's cut, is).
 */
import { pool, rewardClaims, rewardEpochs, rewardPool } from '../db/schema.js';
import { FatalError } from '../../lib/errors.js';
import type { Row } from '../store/handlerStore.js';
import type { RawEvent } from '../store/raw.js';
import { accessControlHandlers } from './accessControl.js';
import { big, num, str, type HandlerContext, type HandlerMap } from './context.js';
import { account, transfer } from './ledger.js';

async function fundsOf(ctx: HandlerContext, token: string, e: RawEvent): Promise<Row<typeof rewardPool>> {
  return (
    (await ctx.store.get(rewardPool, token)) ?? {
      token,
      unallocated: 0n,
      outstanding: 0n,
      fundedTotal: 0n,
      claimedTotal: 0n,
      sweptTotal: 0n,
      blockNumber: e.blockNumber,
    }
  );
}

async function epochOf(ctx: HandlerContext, epochId: string): Promise<Row<typeof rewardEpochs>> {
  const ep = await ctx.store.get(rewardEpochs, epochId);
  if (!ep) throw new FatalError(`event for epoch ${epochId}, which was never published`);
  return ep;
}

/** The contract refuses every claim, sweep and cancel of an epoch already swept or cancelled. */
function closedCheck(ep: Row<typeof rewardEpochs>, epochId: string, what: string): void {
  if (ep.swept || ep.cancelled)
    throw new FatalError(`epoch ${epochId} ${what} after it was ${ep.swept ? 'swept' : 'cancelled'}`);
}

export const handlers: HandlerMap = {
  ...accessControlHandlers('RewardPool'),

  'RewardPool:Funded': async (e, ctx) => {
    const funder = str(e.args, 'funder');
    const token = str(e.args, 'token');
    const amount = big(e.args, 'amount');
    const f = await fundsOf(ctx, token, e);
    f.unallocated += amount;
    f.fundedTotal += amount;
    f.blockNumber = e.blockNumber;
    ctx.store.put(rewardPool, f);
    if (funder !== ctx.addresses.GiftVault) {
      await transfer(e, ctx, 'REWARD_FUND', token, account.wallet(funder), account.rewardPool, amount);
      return;
    }
    const flush = await ctx.store.get(pool, token);
    if (!flush || flush.lastFlushTxId !== e.txId || flush.lastFlushAmount === null) {
      throw new FatalError(
        `the vault funded the pool with ${amount} of ${token} without a PoolFlushed in the same transaction`,
      );
    }
    const shortfall = flush.lastFlushAmount - amount;
    if (shortfall < 0n)
      throw new FatalError(`the pool received ${amount} of ${token}, more than the ${flush.lastFlushAmount} flushed`);
    if (shortfall > 0n) await transfer(e, ctx, 'TRANSFER_FEE', token, account.rewardPool, account.tokenFees, shortfall);
  },

  'RewardPool:EpochPublished': async (e, ctx) => {
    const epochId = str(e.args, 'epochId');
    const token = str(e.args, 'token');
    const total = big(e.args, 'total');
    ctx.store.put(rewardEpochs, {
      epochId,
      token,
      merkleRoot: str(e.args, 'merkleRoot'),
      total,
      claimed: 0n,
      claimCount: 0,
      claimDeadline: num(e.args, 'claimDeadline') * 1000,
      uri: str(e.args, 'uri'),
      publishedAt: e.timestamp,
      publishedTxId: e.txId,
      swept: false,
      sweptAmount: 0n,
      sweptAt: null,
      cancelled: false,
      cancelledAt: null,
      blockNumber: e.blockNumber,
    });
    const f = await fundsOf(ctx, token, e);
    f.unallocated -= total;
    if (f.unallocated < 0n)
      throw new FatalError(`epoch ${epochId} allocates more ${token} than the pool has unallocated`);
    f.outstanding += total;
    f.blockNumber = e.blockNumber;
    ctx.store.put(rewardPool, f);
    await transfer(e, ctx, 'EPOCH_PUBLISH', token, account.rewardPool, account.epoch(epochId), total);
  },

  'RewardPool:RewardClaimed': async (e, ctx) => {
    const epochId = str(e.args, 'epochId');
    const who = str(e.args, 'account');
    const amount = big(e.args, 'amount');
    const ep = await epochOf(ctx, epochId);
    closedCheck(ep, epochId, 'claimed from');
    if (ep.claimed + amount > ep.total)
      throw new FatalError(
        `a claim of ${amount} from epoch ${epochId} exceeds what is left of it (${ep.total - ep.claimed})`,
      );
    ep.claimed += amount;
    ep.claimCount += 1;
    ep.blockNumber = e.blockNumber;
    ctx.store.put(rewardEpochs, ep);
    const f = await fundsOf(ctx, ep.token, e);
    f.outstanding -= amount;
    if (f.outstanding < 0n) throw new FatalError(`claims of ${ep.token} exceed what epochs allocated`);
    f.claimedTotal += amount;
    f.blockNumber = e.blockNumber;
    ctx.store.put(rewardPool, f);
    ctx.store.append(rewardClaims, {
      epochId,
      claimIndex: str(e.args, 'index'),
      account: who,
      amount,
      category: num(e.args, 'category'),
      txId: e.txId,
      blockNumber: e.blockNumber,
      txIndex: e.txIndex,
      logIndex: e.logIndex,
      timestamp: e.timestamp,
    });
    await transfer(e, ctx, 'REWARD_CLAIM', ep.token, account.epoch(epochId), account.wallet(who), amount);
  },

  'RewardPool:EpochCancelled': async (e, ctx) => {
    const epochId = str(e.args, 'epochId');
    const amount = big(e.args, 'amount');
    const ep = await epochOf(ctx, epochId);
    closedCheck(ep, epochId, 'cancelled');
    if (ep.claimCount !== 0 || amount !== ep.total)
      throw new FatalError(
        `epoch ${epochId} cancelled with ${amount} after ${ep.claimCount} claims of its ${ep.total}`,
      );
    ep.cancelled = true;
    ep.cancelledAt = e.timestamp;
    ep.blockNumber = e.blockNumber;
    ctx.store.put(rewardEpochs, ep);
    const f = await fundsOf(ctx, ep.token, e);
    f.outstanding -= amount;
    if (f.outstanding < 0n) throw new FatalError(`cancelling epoch ${epochId} returns more than epochs allocated`);
    f.unallocated += amount;
    f.blockNumber = e.blockNumber;
    ctx.store.put(rewardPool, f);
    await transfer(e, ctx, 'EPOCH_CANCEL', ep.token, account.epoch(epochId), account.rewardPool, amount);
  },

  'RewardPool:SurplusRecovered': async (e, ctx) => {
    await transfer(
      e,
      ctx,
      'SURPLUS_RECOVER',
      str(e.args, 'token'),
      account.surplus('pool'),
      account.wallet(str(e.args, 'to')),
      big(e.args, 'amount'),
    );
  },

  'RewardPool:EpochSwept': async (e, ctx) => {
    const epochId = str(e.args, 'epochId');
    const amount = big(e.args, 'amount');
    const ep = await epochOf(ctx, epochId);
    closedCheck(ep, epochId, 'swept');
    if (amount !== ep.total - ep.claimed)
      throw new FatalError(`epoch ${epochId} swept with ${amount}, but ${ep.total - ep.claimed} of it was unclaimed`);
    ep.swept = true;
    ep.sweptAmount = amount;
    ep.sweptAt = e.timestamp;
    ep.blockNumber = e.blockNumber;
    ctx.store.put(rewardEpochs, ep);
    const f = await fundsOf(ctx, ep.token, e);
    f.outstanding -= amount;
    if (f.outstanding < 0n) throw new FatalError(`sweep of epoch ${epochId} exceeds what it allocated`);
    f.unallocated += amount;
    f.sweptTotal += amount;
    f.blockNumber = e.blockNumber;
    ctx.store.put(rewardPool, f);
    await transfer(e, ctx, 'EPOCH_SWEEP', ep.token, account.epoch(epochId), account.rewardPool, amount);
  },
};
