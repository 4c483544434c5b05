/**
 * Stake 2.0 resource accounting, after java-tron's EnergyProcessor, BandwidthProcessor (the
 * staked part) and ReceiptCapsule.payEnergyBill:
 * - an account's limit is its share of the network's staked weight (whole TRX) times the total
 *   limit, recomputed at each use, so staking by others shrinks it;
 * - usage recovers linearly over a 24-hour window of 3-second slots (ResourceProcessor.increase);
 * - a call may use the caller's energy (staked, then what its TRX and fee limit buy) plus the
 *   contract deployer's share, and its bill splits the same way: the deployer pays
 *   `(100 - consume_user_resource_percent)%` up to `origin_energy_limit`, from staked energy only,
 *   the caller the rest, staked energy first, then burned TRX.
 *
 * Pure functions over the state and the chain options; amounts are bigint throughout (java-tron
 * uses doubles in a few places; exact integer arithmetic differs from them by at most one unit).
 */
import type { ChainOptions } from './types.js';
import type { AccountRecord, ContractMeta, JournaledState, StakeRecord } from './state.js';

/** Milliseconds per slot: usage times are kept in slots, as java-tron's head slot. */
export const SLOT_MS = 3000;
const WINDOW = 28_800n;
const PRECISION = 1_000_000n;
const TRX_PRECISION = 1_000_000n;

/** The slot of a chain time in milliseconds. */
export function slotOf(ms: number): number {
  return Math.floor(ms / SLOT_MS);
}

function divCeil(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * java-tron's ResourceProcessor.increase in integers: the average usage of the window decays
 * linearly with the slots elapsed since the last use, then `usage` is added.
 */
export function increaseUsage(lastUsage: bigint, usage: bigint, lastSlot: number, nowSlot: number): bigint {
  let avgLast = divCeil(lastUsage * PRECISION, WINDOW);
  const avgNew = divCeil(usage * PRECISION, WINDOW);
  if (lastSlot !== nowSlot) {
    const elapsed = BigInt(nowSlot - lastSlot);
    // Math.round(avg * (W - elapsed) / W), rounding half up.
    avgLast = elapsed < WINDOW ? (2n * avgLast * (WINDOW - elapsed) + WINDOW) / (2n * WINDOW) : 0n;
  }
  return ((avgLast + avgNew) * WINDOW) / PRECISION;
}

/**
 * The network's staked weights: whole TRX frozen for each resource, counted at the staker (what it
 * delegates out included, as java-tron's getFrozenV2BalanceWithDelegated), so delegating moves
 * limits between accounts without changing the total.
 */
export interface Totals {
  energyWeight: bigint;
  netWeight: bigint;
}

/** Sums the weights over accounts (java-tron keeps the same sums in its dynamic properties). */
export function totalsOf(records: Iterable<AccountRecord | undefined>): Totals {
  let energyWeight = 0n;
  let netWeight = 0n;
  for (const r of records) {
    const s = r?.stake;
    if (!s) continue;
    energyWeight += (s.frozenEnergy + s.delegatedEnergy) / TRX_PRECISION;
    netWeight += (s.frozenNet + s.delegatedNet) / TRX_PRECISION;
  }
  return { energyWeight, netWeight };
}

/** The totals of the current state. */
export function stateTotals(state: JournaledState): Totals {
  function* records(): Generator<AccountRecord | undefined> {
    for (const k of state.accountKeys()) yield state.readAccount(k);
  }
  return totalsOf(records());
}

/** Whole TRX an account's energy limit is computed from: its own stake and what it was delegated. */
export function energyWeightOf(s: StakeRecord): bigint {
  return (s.frozenEnergy + s.acquiredEnergy) / TRX_PRECISION;
}

/** Whole TRX an account's bandwidth limit is computed from. */
export function netWeightOf(s: StakeRecord): bigint {
  return (s.frozenNet + s.acquiredNet) / TRX_PRECISION;
}

/** Energy an account's stake gives it per 24 hours (calculateGlobalEnergyLimit). */
export function energyLimit(s: StakeRecord, totals: () => Totals, options: ChainOptions): bigint {
  const w = energyWeightOf(s);
  if (w === 0n) return 0n;
  const total = totals().energyWeight;
  return total === 0n ? 0n : (w * options.totalEnergyLimit) / total;
}

/** Bandwidth an account's stake gives it per 24 hours (calculateGlobalNetLimit). */
export function netLimit(s: StakeRecord, totals: () => Totals, options: ChainOptions): bigint {
  const w = netWeightOf(s);
  if (w === 0n) return 0n;
  const total = totals().netWeight;
  return total === 0n ? 0n : (w * options.totalNetLimit) / total;
}

/** Energy used, recovered up to `slot`. */
export function energyUsedAt(s: StakeRecord, slot: number): bigint {
  return increaseUsage(s.energyUsage, 0n, s.latestConsumeTimeForEnergy, slot);
}

/** Staked bandwidth used, recovered up to `slot`. */
export function netUsedAt(s: StakeRecord, slot: number): bigint {
  return increaseUsage(s.netUsage, 0n, s.latestConsumeTime, slot);
}

/** Energy left from an account's stake at `slot` (getAccountLeftEnergyFromFreeze). */
export function energyLeft(s: StakeRecord, slot: number, totals: () => Totals, options: ChainOptions): bigint {
  const limit = energyLimit(s, totals, options);
  if (limit === 0n) return 0n;
  const left = limit - energyUsedAt(s, slot);
  return left > 0n ? left : 0n;
}

/** Records `energy` used by an account at `slot` (EnergyProcessor.useEnergy). */
export function useEnergy(state: JournaledState, addr41: string, energy: bigint, slot: number): void {
  const r = state.readAccount(addr41.slice(2));
  if (!r?.stake) {
    if (energy === 0n) return;
    throw new Error(`account ${addr41} has no stake to use energy from`);
  }
  const s = r.stake;
  state.updateAccount(addr41.slice(2), {
    stake: {
      ...s,
      energyUsage: increaseUsage(s.energyUsage, energy, s.latestConsumeTimeForEnergy, slot),
      latestConsumeTimeForEnergy: slot,
    },
  });
}

/**
 * Uses staked bandwidth for `bytes` when the account has enough left (useAccountNet); returns
 * whether it did. An account without stake costs no totals computation.
 */
export function useStakedNet(
  state: JournaledState,
  options: ChainOptions,
  addr41: string,
  bytes: number,
  timestamp: number,
): boolean {
  const r = state.readAccount(addr41.slice(2));
  const s = r?.stake;
  if (!s || netWeightOf(s) === 0n) return false;
  const slot = slotOf(timestamp);
  const limit = netLimit(s, () => stateTotals(state), options);
  const need = BigInt(bytes);
  if (need > limit - netUsedAt(s, slot)) return false;
  state.updateAccount(addr41.slice(2), {
    stake: { ...s, netUsage: increaseUsage(s.netUsage, need, s.latestConsumeTime, slot), latestConsumeTime: slot },
    latestOperationTime: timestamp,
  });
  return true;
}

/** Who pays for a contract's energy: its deployer's terms; undefined when the caller pays all. */
export interface Sharing {
  origin: string;
  consumeUserResourcePercent: number;
  originEnergyLimit: bigint;
}

/** The sharing terms of a contract for a caller (none when the caller is the deployer). */
export function sharingOf(meta: ContractMeta | undefined, caller: string): Sharing | undefined {
  if (!meta || meta.origin === caller) return undefined;
  return {
    origin: meta.origin,
    consumeUserResourcePercent: meta.consumeUserResourcePercent,
    originEnergyLimit: meta.originEnergyLimit,
  };
}

/**
 * The energy a caller may use (getAccountEnergyLimitWithFixRatio): staked energy left plus what
 * the balance less the call value buys, capped by what the fee limit buys.
 */
export function callerEnergyLimit(
  state: JournaledState,
  options: ChainOptions,
  caller: string,
  callValue: bigint,
  feeLimit: number,
  slot: number,
): bigint {
  const r = state.readAccount(caller.slice(2));
  const balance = r?.balance ?? 0n;
  const spendable = balance - callValue > 0n ? balance - callValue : 0n;
  const staked = r?.stake ? energyLeft(r.stake, slot, () => stateTotals(state), options) : 0n;
  const available = staked + spendable / options.energyPrice;
  const byFee = BigInt(feeLimit) / options.energyPrice;
  return available < byFee ? available : byFee;
}

/** The deployer's staked energy a call may draw on, capped by `origin_energy_limit`. */
function originAvailable(state: JournaledState, options: ChainOptions, sharing: Sharing, slot: number): bigint {
  const r = state.readAccount(sharing.origin.slice(2));
  const left = r?.stake ? energyLeft(r.stake, slot, () => stateTotals(state), options) : 0n;
  return left < sharing.originEnergyLimit ? left : sharing.originEnergyLimit;
}

/**
 * The energy limit of a call (getTotalEnergyLimitWithFixRatio): the caller's, plus the deployer's
 * share in proportion to the caller's as the percent says, bounded by what the deployer has.
 */
export function callEnergyLimit(
  state: JournaledState,
  options: ChainOptions,
  caller: string,
  sharing: Sharing | undefined,
  callValue: bigint,
  feeLimit: number,
  slot: number,
): bigint {
  const own = callerEnergyLimit(state, options, caller, callValue, feeLimit, slot);
  if (!sharing || sharing.consumeUserResourcePercent >= 100) return own;
  const origin = originAvailable(state, options, sharing, slot);
  if (sharing.consumeUserResourcePercent <= 0) return own + origin;
  const p = BigInt(sharing.consumeUserResourcePercent);
  const proportional = (own * (100n - p)) / p;
  return own + (proportional < origin ? proportional : origin);
}

/** How a call's energy was paid: the receipt's fields, and the sun burned. */
export interface EnergyBill {
  /** Caller's staked energy. */
  energyUsage: bigint;
  /** Caller's burned TRX in sun. */
  energyFee: bigint;
  /** Deployer's staked energy. */
  originEnergyUsage: bigint;
}

/**
 * Pays `total` energy (ReceiptCapsule.payEnergyBill): the deployer's share from its staked energy
 * (at most its limit), then the caller's from staked energy, then from its balance at the energy
 * price. The caller's balance always covers it, because the call's limit was what it could pay.
 */
export function payEnergyBill(
  state: JournaledState,
  options: ChainOptions,
  caller: string,
  sharing: Sharing | undefined,
  total: bigint,
  slot: number,
): EnergyBill {
  const bill: EnergyBill = { energyUsage: 0n, energyFee: 0n, originEnergyUsage: 0n };
  if (total <= 0n) return bill;
  let callerPart = total;
  if (sharing) {
    const share = (total * BigInt(100 - sharing.consumeUserResourcePercent)) / 100n;
    const available = originAvailable(state, options, sharing, slot);
    const originPart = share < available ? share : available;
    if (originPart > 0n) useEnergy(state, sharing.origin, originPart, slot);
    bill.originEnergyUsage = originPart;
    callerPart = total - originPart;
  }
  const r = state.readAccount(caller.slice(2))!;
  const left = r.stake ? energyLeft(r.stake, slot, () => stateTotals(state), options) : 0n;
  const fromStake = left < callerPart ? left : callerPart;
  if (r.stake) useEnergy(state, caller, fromStake, slot);
  bill.energyUsage = fromStake;
  bill.energyFee = (callerPart - fromStake) * options.energyPrice;
  if (bill.energyFee > 0n) {
    const acct = state.readAccount(caller.slice(2))!;
    if (acct.balance < bill.energyFee) throw new Error(`caller ${caller} cannot pay the energy it was allowed`);
    state.updateAccount(caller.slice(2), { balance: acct.balance - bill.energyFee });
  }
  return bill;
}
