/**
 * Stake 2.0 and the deployer's settings, after java-tron's FreezeBalanceV2Actuator,
 * UnfreezeBalanceV2Actuator, WithdrawExpireUnfreezeActuator, DelegateResourceActuator,
 * UnDelegateResourceActuator, UpdateSettingContractActuator and UpdateEnergyLimitContractActuator:
 * each kind's checks (with java-tron's messages) apart from its effects, so the HTTP builders can
 * run the checks alone, as java-tron's do. Stake lives on the account record (`stake`), which
 * makes it journaled, persisted and rewound with the rest of the state.
 */
import type { ChainOptions, TxInfo, TxRecord } from './types.js';
import { TxRejected } from './errors.js';
import { chargeBandwidth } from './resources.js';
import {
  type AccountRecord,
  type Delegation,
  type JournaledState,
  type Resource,
  type StakeRecord,
  EMPTY_STAKE,
  stakeOf,
} from './state.js';
import type { SignedTx } from './tx.js';
import type { StakeValue } from './stakeTx.js';
import { type Totals, energyUsedAt, netUsedAt, slotOf, stateTotals } from './energy.js';
import type { Execution, OpenBlock } from './execute.js';

const TRX_PRECISION = 1_000_000n;
const DAY_MS = 86_400_000;
/** Unexpired unfreezings an account may have at once (UNFREEZE_MAX_TIMES). */
const MAX_UNFREEZINGS = 32;
/** Default lock of a locked delegation, in 3-second blocks: 3 days. */
const DEFAULT_LOCK_BLOCKS = 86_400;
/** Longest lock a delegation may ask for, in blocks (getMaxDelegateLockPeriod's default: 365 days). */
const MAX_LOCK_BLOCKS = 10_512_000;

/** What a check or an effect sees: the state, the options and the block's time. */
interface StakeContext {
  state: JournaledState;
  options: ChainOptions;
  /** The block's timestamp (ms). */
  now: number;
  totals(): Totals;
}

/** An effect's result for the receipt. */
interface Applied {
  withdrawExpireAmount?: bigint;
  /** What CancelAllUnfreezeV2 returned to the stake, per resource. */
  cancelled?: Record<Resource, bigint>;
}

function readable(addr41: string): string {
  return addr41;
}

function fail(message: string): never {
  throw TxRejected.validate(message);
}

function accountOrFail(ctx: StakeContext, addr41: string, message = 'does not exist'): AccountRecord {
  if (addr41.length !== 42 || !addr41.startsWith('41')) fail('Invalid address');
  const r = ctx.state.readAccount(addr41.slice(2));
  if (!r) fail(`Account[${readable(addr41)}] ${message}`);
  return r;
}

function resourceOrFail(resource: string, message: string): Resource {
  if (resource === 'BANDWIDTH' || resource === 'ENERGY') return resource;
  fail(message);
}

function setStake(ctx: StakeContext, addr41: string, stake: StakeRecord, change: Partial<AccountRecord> = {}): void {
  ctx.state.updateAccount(addr41.slice(2), { ...change, stake });
}

/** Usage in sun of frozen balance: what part of the stake the usage stands for (DelegateResourceActuator). */
function usageInSun(usage: bigint, totalWeight: bigint, totalLimit: bigint): bigint {
  return totalLimit === 0n ? 0n : (usage * TRX_PRECISION * totalWeight) / totalLimit;
}

/** Frozen balance of `resource` an account may still delegate: its own frozen less what its usage stands for. */
export function delegatableBalance(
  s: StakeRecord,
  resource: Resource,
  now: number,
  totals: Totals,
  options: ChainOptions,
): bigint {
  const slot = slotOf(now);
  const used =
    resource === 'ENERGY'
      ? usageInSun(energyUsedAt(s, slot), totals.energyWeight, options.totalEnergyLimit)
      : usageInSun(netUsedAt(s, slot), totals.netWeight, options.totalNetLimit);
  const frozen = resource === 'ENERGY' ? s.frozenEnergy : s.frozenNet;
  return frozen - used > 0n ? frozen - used : 0n;
}

/** Unexpired unfreezings an account may still add. */
export function availableUnfreezeCount(s: StakeRecord, now: number): number {
  return MAX_UNFREEZINGS - s.unfreezing.filter((u) => u.expireTime > now).length;
}

/** Sum of unfrozen amounts whose wait is over at `now`. */
export function withdrawable(s: StakeRecord, now: number): bigint {
  let sum = 0n;
  for (const u of s.unfreezing) if (u.expireTime <= now) sum += u.amount;
  return sum;
}

/** The part of a delegation the owner may take back at `now`: unlocked, plus locked once its lock is over. */
export function undelegatable(d: Delegation, now: number): bigint {
  return d.amount + (d.lockExpireTime <= now ? d.locked : 0n);
}

interface Actuator<V extends StakeValue> {
  validate(ctx: StakeContext, v: V): void;
  apply(ctx: StakeContext, v: V): Applied;
}

const freeze: Actuator<Extract<StakeValue, { kind: 'FreezeBalanceV2Contract' }>> = {
  validate(ctx, v) {
    const owner = accountOrFail(ctx, v.owner, 'not exists');
    if (v.amount <= 0n) fail('frozenBalance must be positive');
    if (v.amount < TRX_PRECISION) fail('frozenBalance must be greater than or equal to 1 TRX');
    if (v.amount > owner.balance) fail('frozenBalance must be less than or equal to accountBalance');
    resourceOrFail(v.resource, 'ResourceCode error, valid ResourceCode[BANDWIDTH、ENERGY]');
  },
  apply(ctx, v) {
    const owner = ctx.state.readAccount(v.owner.slice(2))!;
    const s = stakeOf(owner);
    const next =
      v.resource === 'ENERGY'
        ? { ...s, frozenEnergy: s.frozenEnergy + v.amount }
        : { ...s, frozenNet: s.frozenNet + v.amount };
    setStake(ctx, v.owner, next, { balance: owner.balance - v.amount });
    return {};
  },
};

const unfreeze: Actuator<Extract<StakeValue, { kind: 'UnfreezeBalanceV2Contract' }>> = {
  validate(ctx, v) {
    const s = stakeOf(accountOrFail(ctx, v.owner));
    const resource = resourceOrFail(v.resource, 'ResourceCode error.valid ResourceCode[BANDWIDTH、Energy]');
    const frozen = resource === 'ENERGY' ? s.frozenEnergy : s.frozenNet;
    if (frozen === 0n) fail(resource === 'ENERGY' ? 'no frozenBalance(Energy)' : 'no frozenBalance(BANDWIDTH)');
    if (v.amount <= 0n || v.amount > frozen) fail(`Invalid unfreeze_balance, [${v.amount}] is error`);
    if (availableUnfreezeCount(s, ctx.now) <= 0) fail('Invalid unfreeze operation, unfreezing times is over limit');
  },
  apply(ctx, v) {
    const owner = ctx.state.readAccount(v.owner.slice(2))!;
    const s = stakeOf(owner);
    // java-tron returns what has already expired to the balance on every unfreeze.
    const expired = withdrawable(s, ctx.now);
    const unfreezing = [
      ...s.unfreezing.filter((u) => u.expireTime > ctx.now),
      {
        resource: v.resource as Resource,
        amount: v.amount,
        expireTime: ctx.now + ctx.options.unfreezeDelayDays * DAY_MS,
      },
    ];
    const next =
      v.resource === 'ENERGY'
        ? { ...s, frozenEnergy: s.frozenEnergy - v.amount, unfreezing }
        : { ...s, frozenNet: s.frozenNet - v.amount, unfreezing };
    setStake(ctx, v.owner, next, { balance: owner.balance + expired });
    return expired ? { withdrawExpireAmount: expired } : {};
  },
};

const withdrawExpire: Actuator<Extract<StakeValue, { kind: 'WithdrawExpireUnfreezeContract' }>> = {
  validate(ctx, v) {
    const s = stakeOf(accountOrFail(ctx, v.owner));
    if (withdrawable(s, ctx.now) === 0n) fail('no unFreeze balance to withdraw ');
  },
  apply(ctx, v) {
    const owner = ctx.state.readAccount(v.owner.slice(2))!;
    const s = stakeOf(owner);
    const amount = withdrawable(s, ctx.now);
    setStake(
      ctx,
      v.owner,
      { ...s, unfreezing: s.unfreezing.filter((u) => u.expireTime > ctx.now) },
      { balance: owner.balance + amount },
    );
    return { withdrawExpireAmount: amount };
  },
};

const cancelUnfreeze: Actuator<Extract<StakeValue, { kind: 'CancelAllUnfreezeV2Contract' }>> = {
  validate(ctx, v) {
    const s = stakeOf(accountOrFail(ctx, v.owner));
    if (s.unfreezing.length === 0) fail('No unfreezeV2 list to cancel');
  },
  apply(ctx, v) {
    const owner = ctx.state.readAccount(v.owner.slice(2))!;
    const s = stakeOf(owner);
    // What has expired is withdrawn; what still waits goes back to the stake.
    const expired = withdrawable(s, ctx.now);
    const cancelled: Record<Resource, bigint> = { BANDWIDTH: 0n, ENERGY: 0n };
    for (const u of s.unfreezing) if (u.expireTime > ctx.now) cancelled[u.resource] += u.amount;
    setStake(
      ctx,
      v.owner,
      {
        ...s,
        frozenEnergy: s.frozenEnergy + cancelled.ENERGY,
        frozenNet: s.frozenNet + cancelled.BANDWIDTH,
        unfreezing: [],
      },
      { balance: owner.balance + expired },
    );
    return { withdrawExpireAmount: expired, cancelled };
  },
};

function findDelegation(s: StakeRecord, to: string, resource: Resource): Delegation | undefined {
  return s.delegations.find((d) => d.to === to && d.resource === resource);
}

const delegate: Actuator<Extract<StakeValue, { kind: 'DelegateResourceContract' }>> = {
  validate(ctx, v) {
    const s = stakeOf(accountOrFail(ctx, v.owner, 'not exists'));
    if (v.amount < TRX_PRECISION) fail('delegateBalance must be greater than or equal to 1 TRX');
    const resource = resourceOrFail(v.resource, 'ResourceCode error, valid ResourceCode[BANDWIDTH、ENERGY]');
    if (delegatableBalance(s, resource, ctx.now, ctx.totals(), ctx.options) < v.amount) {
      fail(
        `delegateBalance must be less than or equal to available ${resource === 'ENERGY' ? 'FreezeEnergyV2' : 'FreezeBandwidthV2'} balance`,
      );
    }
    if (v.receiver.length !== 42 || !v.receiver.startsWith('41')) fail('Invalid receiverAddress');
    if (v.receiver === v.owner) fail('receiverAddress must not be the same as ownerAddress');
    const receiver = accountOrFail(ctx, v.receiver, 'not exists');
    if (receiver.code?.length) fail('Do not allow delegate resources to contract addresses');
    if (v.lock) {
      const blocks = v.lockPeriod || DEFAULT_LOCK_BLOCKS;
      if (v.lockPeriod < 0 || blocks > MAX_LOCK_BLOCKS) {
        fail(`The lock period of delegate resource cannot be less than 0 and cannot exceed ${MAX_LOCK_BLOCKS}!`);
      }
      const prev = findDelegation(s, v.receiver, resource);
      const remaining = prev && prev.locked > 0n ? prev.lockExpireTime - ctx.now : 0;
      if (remaining > blocks * 3000) {
        fail(
          `The lock period for ${resource} this time cannot be less than the remaining time[${remaining}ms] of the last lock period for ${resource}!`,
        );
      }
    }
  },
  apply(ctx, v) {
    const resource = v.resource as Resource;
    const owner = ctx.state.readAccount(v.owner.slice(2))!;
    const s = stakeOf(owner);
    const prev = findDelegation(s, v.receiver, resource) ?? {
      to: v.receiver,
      resource,
      amount: 0n,
      locked: 0n,
      lockExpireTime: 0,
    };
    const nextDelegation: Delegation = v.lock
      ? {
          ...prev,
          // A lock that is over becomes plain delegation before a new lock starts.
          amount: prev.lockExpireTime <= ctx.now ? prev.amount + prev.locked : prev.amount,
          locked: (prev.lockExpireTime <= ctx.now ? 0n : prev.locked) + v.amount,
          lockExpireTime: ctx.now + (v.lockPeriod || DEFAULT_LOCK_BLOCKS) * 3000,
        }
      : { ...prev, amount: prev.amount + v.amount };
    const delegations = [...s.delegations.filter((d) => d !== findDelegation(s, v.receiver, resource)), nextDelegation];
    setStake(
      ctx,
      v.owner,
      resource === 'ENERGY'
        ? { ...s, frozenEnergy: s.frozenEnergy - v.amount, delegatedEnergy: s.delegatedEnergy + v.amount, delegations }
        : { ...s, frozenNet: s.frozenNet - v.amount, delegatedNet: s.delegatedNet + v.amount, delegations },
    );
    const rs = stakeOf(ctx.state.readAccount(v.receiver.slice(2)));
    setStake(
      ctx,
      v.receiver,
      resource === 'ENERGY'
        ? { ...rs, acquiredEnergy: rs.acquiredEnergy + v.amount }
        : { ...rs, acquiredNet: rs.acquiredNet + v.amount },
    );
    return {};
  },
};

const undelegate: Actuator<Extract<StakeValue, { kind: 'UnDelegateResourceContract' }>> = {
  validate(ctx, v) {
    const s = stakeOf(accountOrFail(ctx, v.owner));
    if (v.receiver.length !== 42 || !v.receiver.startsWith('41')) fail('Invalid receiverAddress');
    if (v.receiver === v.owner) fail('receiverAddress must not be the same as ownerAddress');
    if (!s.delegations.some((d) => d.to === v.receiver)) fail('delegated Resource does not exist');
    if (v.amount <= 0n) fail('unDelegateBalance must be more than 0 TRX');
    const resource = resourceOrFail(v.resource, 'ResourceCode error.valid ResourceCode[BANDWIDTH、Energy]');
    const d = findDelegation(s, v.receiver, resource);
    const free = d ? undelegatable(d, ctx.now) : 0n;
    if (free < v.amount) {
      // java-tron's two messages differ by more than the resource name.
      fail(
        resource === 'ENERGY'
          ? `insufficient delegateFrozenBalance(Energy), request=${v.amount}, unlock_balance=${free}`
          : `insufficient delegatedFrozenBalance(BANDWIDTH), request=${v.amount}, unlock_balance=${free}`,
      );
    }
  },
  apply(ctx, v) {
    const resource = v.resource as Resource;
    const slot = slotOf(ctx.now);
    // The receiver's usage moves back with the stake in proportion, so delegating and taking back
    // cannot mint fresh energy.
    let moved = 0n;
    const receiver = ctx.state.readAccount(v.receiver.slice(2));
    const totals = ctx.totals();
    // At most the usage the undelegated stake could have produced.
    const cap = (totalLimit: bigint, totalWeight: bigint): bigint =>
      totalWeight > 0n ? (v.amount * totalLimit) / (TRX_PRECISION * totalWeight) : v.amount * totalLimit;
    const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
    if (receiver) {
      const rs = stakeOf(receiver);
      if (resource === 'ENERGY') {
        const used = energyUsedAt(rs, slot);
        const all = rs.frozenEnergy + rs.acquiredEnergy;
        moved = min(all > 0n ? (used * v.amount) / all : 0n, cap(ctx.options.totalEnergyLimit, totals.energyWeight));
        setStake(ctx, v.receiver, {
          ...rs,
          acquiredEnergy: rs.acquiredEnergy - v.amount,
          energyUsage: used - moved,
          latestConsumeTimeForEnergy: slot,
        });
      } else {
        const used = netUsedAt(rs, slot);
        const all = rs.frozenNet + rs.acquiredNet;
        moved = min(all > 0n ? (used * v.amount) / all : 0n, cap(ctx.options.totalNetLimit, totals.netWeight));
        setStake(ctx, v.receiver, {
          ...rs,
          acquiredNet: rs.acquiredNet - v.amount,
          netUsage: used - moved,
          latestConsumeTime: slot,
        });
      }
    }
    const s = stakeOf(ctx.state.readAccount(v.owner.slice(2)));
    const d = findDelegation(s, v.receiver, resource)!;
    const expired = d.lockExpireTime <= ctx.now;
    const plain = (expired ? d.amount + d.locked : d.amount) - v.amount;
    const locked = expired ? 0n : d.locked;
    const rest = s.delegations.filter((x) => x !== d);
    const delegations =
      plain > 0n || locked > 0n
        ? [...rest, { ...d, amount: plain, locked, lockExpireTime: locked > 0n ? d.lockExpireTime : 0 }]
        : rest;
    setStake(
      ctx,
      v.owner,
      resource === 'ENERGY'
        ? {
            ...s,
            frozenEnergy: s.frozenEnergy + v.amount,
            delegatedEnergy: s.delegatedEnergy - v.amount,
            delegations,
            energyUsage: energyUsedAt(s, slot) + moved,
            latestConsumeTimeForEnergy: slot,
          }
        : {
            ...s,
            frozenNet: s.frozenNet + v.amount,
            delegatedNet: s.delegatedNet - v.amount,
            delegations,
            netUsage: netUsedAt(s, slot) + moved,
            latestConsumeTime: slot,
          },
    );
    return {};
  },
};

function contractOrFail(ctx: StakeContext, owner: string, contract: string): void {
  const meta = ctx.state.readAccount(contract.slice(2))?.contract;
  if (!meta) fail('Contract does not exist');
  if (meta.origin !== owner) fail(`Account[${readable(owner)}] is not the owner of the contract`);
}

const updateSetting: Actuator<Extract<StakeValue, { kind: 'UpdateSettingContract' }>> = {
  validate(ctx, v) {
    accountOrFail(ctx, v.owner);
    if (v.consumeUserResourcePercent < 0n || v.consumeUserResourcePercent > 100n) fail('percent not in [0, 100]');
    contractOrFail(ctx, v.owner, v.contract);
  },
  apply(ctx, v) {
    const r = ctx.state.readAccount(v.contract.slice(2))!;
    ctx.state.updateAccount(v.contract.slice(2), {
      contract: { ...r.contract!, consumeUserResourcePercent: Number(v.consumeUserResourcePercent) },
    });
    return {};
  },
};

const updateEnergyLimit: Actuator<Extract<StakeValue, { kind: 'UpdateEnergyLimitContract' }>> = {
  validate(ctx, v) {
    accountOrFail(ctx, v.owner);
    if (v.originEnergyLimit <= 0n) fail('origin energy limit must be > 0');
    contractOrFail(ctx, v.owner, v.contract);
  },
  apply(ctx, v) {
    const r = ctx.state.readAccount(v.contract.slice(2))!;
    ctx.state.updateAccount(v.contract.slice(2), {
      contract: { ...r.contract!, originEnergyLimit: v.originEnergyLimit },
    });
    return {};
  },
};

const ACTUATORS: { [K in StakeValue['kind']]: Actuator<Extract<StakeValue, { kind: K }>> } = {
  FreezeBalanceV2Contract: freeze,
  UnfreezeBalanceV2Contract: unfreeze,
  WithdrawExpireUnfreezeContract: withdrawExpire,
  DelegateResourceContract: delegate,
  UnDelegateResourceContract: undelegate,
  CancelAllUnfreezeV2Contract: cancelUnfreeze,
  UpdateSettingContract: updateSetting,
  UpdateEnergyLimitContract: updateEnergyLimit,
};

function actuatorOf(v: StakeValue): Actuator<StakeValue> {
  return ACTUATORS[v.kind] as Actuator<StakeValue>;
}

function contextOf(state: JournaledState, options: ChainOptions, now: number): StakeContext {
  let totals: Totals | undefined;
  return { state, options, now, totals: () => (totals ??= stateTotals(state)) };
}

/** Runs a kind's checks alone against the state at `now` (what java-tron's HTTP builders do). */
export function validateStake(state: JournaledState, options: ChainOptions, v: StakeValue, now: number): void {
  actuatorOf(v).validate(contextOf(state, options, now), v);
}

/**
 * Executes one of these transactions in the open block: bandwidth first, as for a transfer, then
 * the checks against the state it left, then the effects; a refusal undoes the bandwidth bill.
 */
export async function executeStake(env: Execution, tx: SignedTx, v: StakeValue, open: OpenBlock): Promise<TxRecord> {
  await env.state.checkpoint();
  try {
    const net = chargeBandwidth(env.state, env.options, tx, v.owner, open.timestamp, 0n, true);
    const actuator = actuatorOf(v);
    actuator.validate(contextOf(env.state, env.options, open.timestamp), v);
    const applied = actuator.apply(contextOf(env.state, env.options, open.timestamp), v);
    env.state.updateAccount(v.owner.slice(2), { latestOperationTime: open.timestamp });
    await env.state.commit();
    const { burned, ...receipt } = net;
    const info: TxInfo & { withdraw_expire_amount?: number; cancel_unfreezeV2_amount?: unknown[] } = {
      id: tx.txID,
      ...(burned ? { fee: Number(burned) } : {}),
      blockNumber: open.number,
      blockTimeStamp: open.timestamp,
      contractResult: [''],
      receipt: receipt as Record<string, number>,
      ...(applied.withdrawExpireAmount ? { withdraw_expire_amount: Number(applied.withdrawExpireAmount) } : {}),
      ...(applied.cancelled
        ? {
            cancel_unfreezeV2_amount: [
              { key: 'BANDWIDTH', value: Number(applied.cancelled.BANDWIDTH) },
              { key: 'ENERGY', value: Number(applied.cancelled.ENERGY) },
              { key: 'TRON_POWER', value: 0 },
            ],
          }
        : {}),
    };
    return { tx, ret: 'SUCCESS', info };
  } catch (e) {
    await env.state.revert();
    throw e;
  }
}

/** The stake of an account as java-tron's `getaccount` prints it (frozenV2, unfrozenV2, delegations). */
export function stakeAccountJson(s: StakeRecord | undefined): {
  top: Record<string, unknown>;
  resource: Record<string, unknown>;
} {
  if (!s || s === EMPTY_STAKE) return { top: {}, resource: {} };
  const top: Record<string, unknown> = {};
  const resource: Record<string, unknown> = {};
  if (s.netUsage) top.net_usage = Number(s.netUsage);
  if (s.latestConsumeTime) top.latest_consume_time = s.latestConsumeTime * 3000;
  if (s.delegatedNet) top.delegated_frozenV2_balance_for_bandwidth = Number(s.delegatedNet);
  if (s.acquiredNet) top.acquired_delegated_frozenV2_balance_for_bandwidth = Number(s.acquiredNet);
  top.frozenV2 = [
    s.frozenNet ? { amount: Number(s.frozenNet) } : {},
    { type: 'ENERGY', ...(s.frozenEnergy ? { amount: Number(s.frozenEnergy) } : {}) },
    { type: 'TRON_POWER' },
  ];
  if (s.unfreezing.length) {
    top.unfrozenV2 = s.unfreezing.map((u) => ({
      ...(u.resource === 'ENERGY' ? { type: 'ENERGY' } : {}),
      unfreeze_amount: Number(u.amount),
      unfreeze_expire_time: u.expireTime,
    }));
  }
  if (s.energyUsage) resource.energy_usage = Number(s.energyUsage);
  if (s.latestConsumeTimeForEnergy) resource.latest_consume_time_for_energy = s.latestConsumeTimeForEnergy * 3000;
  if (s.delegatedEnergy) resource.delegated_frozenV2_balance_for_energy = Number(s.delegatedEnergy);
  if (s.acquiredEnergy) resource.acquired_delegated_frozenV2_balance_for_energy = Number(s.acquiredEnergy);
  return { top, resource };
}
