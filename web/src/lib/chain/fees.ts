/**
 * What a contract call can cost its sender, before signing: pure arithmetic over the chain's
 * parameters and the account's resources (java-tron's model, which the devnet follows).
 *
 * - Energy: the caller burns `energy x getEnergyFee` sun, and never more than the transaction's
 *   `fee_limit` nor than the TRX left after the call value and the bandwidth burn.
 * - Bandwidth: the signed transaction's bytes (plus 64 bytes of result room for every contract)
 *   come from staked bandwidth, else the free daily allowance, else are burned at
 *   `getTransactionFee` sun per byte. A contract call never uses part of an allowance: it is
 *   covered whole or burned whole.
 * - Activation: a call from an account that does not exist is refused by the node; creating an
 *   account from inside a contract is paid in energy. `activationSun` is there for transfers.
 * - Sponsorship: BLive's contracts let their deployer pay `(100 - consume_user_resource_percent)%`
 *   of a call's energy, at most `origin_energy_limit`, from its staked energy left; the caller
 *   pays the rest. Bandwidth is never shared. The bound stays the caller's fee_limit: should the
 *   deployer's energy run out before the call lands, the caller pays the energy, within it.
 */

import { signedTxBytes } from '../../../../lib/txSize.js';

/** Bytes a signature adds to a transaction (r, s, v). */
export const SIGNATURE_BYTES = 65;
/** Result room java-tron bills on top of every contract transaction (MAX_RESULT_SIZE_IN_TX). */
export const RESULT_BYTES = 64;

/** Bandwidth a contract transaction uses once signed: its protobuf size with `signatures` signatures, plus the result room. */
export function txBandwidthBytes(rawDataHex: string, signatures = 1): number {
  return signedTxBytes(rawDataHex.length / 2, new Array<number>(signatures).fill(SIGNATURE_BYTES)) + RESULT_BYTES;
}

/** The chain's prices, from `wallet/getchainparameters`. */
export interface ChainPrices {
  /** Sun per unit of energy (getEnergyFee). */
  energyPrice: bigint;
  /** Sun per byte of burned bandwidth (getTransactionFee). */
  bandwidthPrice: bigint;
  /** Largest fee_limit the chain accepts (getMaxFeeLimit). */
  maxFeeLimit: bigint;
}

/** Reads the prices out of `getchainparameters`' list; java-tron's mainnet defaults where a key is missing. */
export function chainPrices(params: { key: string; value?: number | string }[]): ChainPrices {
  const get = (key: string, fallback: bigint) => {
    const p = params.find((x) => x.key === key);
    return p?.value !== undefined ? BigInt(p.value) : fallback;
  };
  return {
    energyPrice: get('getEnergyFee', 100n),
    bandwidthPrice: get('getTransactionFee', 1000n),
    maxFeeLimit: get('getMaxFeeLimit', 15_000_000_000n),
  };
}

/** An account's bandwidth, from `wallet/getaccountresource` (missing fields are 0, as java-tron omits them). */
export interface AccountBandwidth {
  freeNetLimit: number;
  freeNetUsed: number;
  /** Staked bandwidth. */
  netLimit: number;
  netUsed: number;
}

/** Reads `getaccountresource`'s answer. */
export function accountBandwidth(r: Record<string, unknown>): AccountBandwidth {
  const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  return {
    freeNetLimit: n('freeNetLimit'),
    freeNetUsed: n('freeNetUsed'),
    netLimit: n('NetLimit'),
    netUsed: n('NetUsed'),
  };
}

/** Whether staked or free bandwidth covers `bytes` (else they are burned). */
export function bandwidthCovers(bytes: number, b: AccountBandwidth): boolean {
  return b.netLimit - b.netUsed >= bytes || b.freeNetLimit - b.freeNetUsed >= bytes;
}

/**
 * The fee_limit for a call the simulation priced at `energy`: 25% above it plus 30,000 energy
 * (a storage slot or two the state may need by the time the call runs), within the chain's cap.
 * What is shown before signing is bounded by this limit, so it is kept close to the estimate.
 */
export function feeLimitFor(energy: number, prices: ChainPrices): bigint {
  const units = BigInt(Math.ceil(energy * 1.25)) + 30_000n;
  const limit = units * prices.energyPrice;
  return limit > prices.maxFeeLimit ? prices.maxFeeLimit : limit;
}

/** A contract's energy sharing as read before signing: its terms (getcontract) and its deployer's energy now. */
export interface Sponsorship {
  /** consume_user_resource_percent: the caller's share of the energy. */
  userFeePercent: number;
  /** origin_energy_limit: the most the deployer pays for one call. */
  originEnergyLimit: bigint;
  /** The deployer's staked energy left (EnergyLimit - EnergyUsed of getaccountresource). */
  originEnergyLeft: bigint;
}

const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * The energy the deployer pays for a call using `energy` (java-tron's payEnergyBill): its share,
 * at most its per-call limit and the energy it has left.
 */
export function sponsoredEnergy(energy: number, s: Sponsorship | undefined): bigint {
  if (!s || s.userFeePercent >= 100 || energy <= 0) return 0n;
  const share = (BigInt(energy) * BigInt(100 - s.userFeePercent)) / 100n;
  return minBig(share, minBig(s.originEnergyLeft, s.originEnergyLimit));
}

export interface FeeQuoteInput {
  /** Energy the simulation used. */
  energy: number;
  feeLimit: bigint;
  bytes: number;
  prices: ChainPrices;
  bandwidth: AccountBandwidth;
  /** The sender's TRX balance in sun. */
  balance: bigint;
  callValue: bigint;
  activationSun?: bigint;
  /** The contract's energy sharing; absent when the caller pays everything. */
  sponsorship?: Sponsorship;
}

/** Who pays what, before signing. Every figure in sun. */
export interface FeeQuote {
  /** The fee the simulation predicts: its energy at the energy price, plus any bandwidth burn and activation. */
  expectedSun: bigint;
  /** The most the sender can be charged in fees: the energy fee_limit (or the TRX left), the bandwidth burn and any activation. */
  maxSun: bigint;
  bandwidthBytes: number;
  /** Sun burned for bandwidth (0 when staked or free bandwidth covers it). */
  bandwidthSun: bigint;
  /** The sender's free daily bandwidth (bytes), which covers a call whole or not at all. */
  freeBandwidth: number;
  feeLimit: bigint;
  /** Energy the simulation used, and the part the contract's deployer (BLive) pays. */
  energy: number;
  sponsoredEnergy: bigint;
  /** Sun the sender is expected to burn for energy. */
  energySun: bigint;
  /**
   * Who pays the energy: BLive all of it, both, or the sender. The sender always pays bandwidth
   * (free daily bandwidth, then burned TRX).
   */
  payer: 'blive' | 'shared' | 'you';
  /** The contract shares energy but its deployer cannot cover its share now (its stake is used up). */
  sponsorExhausted: boolean;
}

/** The fee quote of a call: an expectation and a true upper bound. */
export function quoteFee(q: FeeQuoteInput): FeeQuote {
  const bandwidthSun = bandwidthCovers(q.bytes, q.bandwidth) ? 0n : BigInt(q.bytes) * q.prices.bandwidthPrice;
  const activation = q.activationSun ?? 0n;
  const left = q.balance - q.callValue - bandwidthSun - activation;
  // The chain caps the energy burn at min(fee_limit, what the balance still holds).
  const energyCap = left <= 0n ? 0n : left < q.feeLimit ? left : q.feeLimit;
  const sponsored = sponsoredEnergy(q.energy, q.sponsorship);
  const energySun = (BigInt(Math.max(q.energy, 0)) - sponsored) * q.prices.energyPrice;
  const s = q.sponsorship;
  const share =
    s && s.userFeePercent < 100 ? (BigInt(Math.max(q.energy, 0)) * BigInt(100 - s.userFeePercent)) / 100n : 0n;
  return {
    // Uncapped: a balance below it cannot pay for the call (it would run out of energy).
    expectedSun: energySun + bandwidthSun + activation,
    // The caller's own burn is capped by the fee_limit whoever else pays: a true bound either way.
    maxSun: energyCap + bandwidthSun + activation,
    bandwidthBytes: q.bytes,
    bandwidthSun,
    freeBandwidth: q.bandwidth.freeNetLimit,
    feeLimit: q.feeLimit,
    energy: q.energy,
    sponsoredEnergy: sponsored,
    energySun,
    payer: sponsored > 0n && energySun === 0n ? 'blive' : sponsored > 0n ? 'shared' : 'you',
    sponsorExhausted: share > 0n && sponsored < share,
  };
}

/** The fee a receipt says was charged (java-tron's `fee`: energy burned + bandwidth burned + activation). */
export function feePaid(info: { fee?: number; receipt?: { energy_fee?: number; net_fee?: number } }): bigint {
  if (typeof info.fee === 'number') return BigInt(info.fee);
  return BigInt(info.receipt?.energy_fee ?? 0) + BigInt(info.receipt?.net_fee ?? 0);
}
