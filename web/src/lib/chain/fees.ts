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
  feeLimit: bigint;
  /** The sender pays every fee (the contracts do not share energy with callers). */
  payer: 'you';
}

/** The fee quote of a call: an expectation and a true upper bound. */
export function quoteFee(q: FeeQuoteInput): FeeQuote {
  const bandwidthSun = bandwidthCovers(q.bytes, q.bandwidth) ? 0n : BigInt(q.bytes) * q.prices.bandwidthPrice;
  const activation = q.activationSun ?? 0n;
  const left = q.balance - q.callValue - bandwidthSun - activation;
  // The chain caps the energy burn at min(fee_limit, what the balance still holds).
  const energyCap = left <= 0n ? 0n : left < q.feeLimit ? left : q.feeLimit;
  const energySun = BigInt(q.energy) * q.prices.energyPrice;
  return {
    // Uncapped: a balance below it cannot pay for the call (it would run out of energy).
    expectedSun: energySun + bandwidthSun + activation,
    maxSun: energyCap + bandwidthSun + activation,
    bandwidthBytes: q.bytes,
    bandwidthSun,
    feeLimit: q.feeLimit,
    payer: 'you',
  };
}

/** The fee a receipt says was charged (java-tron's `fee`: energy burned + bandwidth burned + activation). */
export function feePaid(info: { fee?: number; receipt?: { energy_fee?: number; net_fee?: number } }): bigint {
  if (typeof info.fee === 'number') return BigInt(info.fee);
  return BigInt(info.receipt?.energy_fee ?? 0) + BigInt(info.receipt?.net_fee ?? 0);
}
