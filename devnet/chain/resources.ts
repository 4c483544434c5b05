/**
 * The devnet's resource accounting, after java-tron's: free bandwidth that decays over a 24-hour
 * window, the burn when it runs out, the fee limit, and the energy a call may use. Pure functions
 * over the state and the chain options; chain.ts calls them while it executes a transaction.
 */
import type { ChainOptions } from './types.js';
import { TxRejected } from './errors.js';
import type { AccountRecord, JournaledState } from './state.js';
import { type SignedTx, signedTxSize } from './tx.js';
import { toBase58 } from '../../lib/address.js';
import { SLOT_MS, useStakedNet } from './energy.js';

export { SLOT_MS };
const WINDOW_SLOTS = 28_800;
const PRECISION = 1_000_000;
/** Bytes of result room every contract is billed on top of the signed transaction. */
export const RESULT_SIZE = 64;

/** What a transaction's bandwidth cost: the receipt fields, and the sun burned. */
export interface NetReceipt {
  net_usage?: number;
  net_fee?: number;
  burned: bigint;
}

/** java-tron's ResourceProcessor.increase: usage decayed over a 24-hour window of 3-second slots. */
export function increase(lastUsage: number, usage: number, lastSlot: number, nowSlot: number): number {
  let avgLast = Math.ceil((lastUsage * PRECISION) / WINDOW_SLOTS);
  const avgNew = Math.ceil((usage * PRECISION) / WINDOW_SLOTS);
  if (lastSlot !== nowSlot) {
    avgLast =
      lastSlot + WINDOW_SLOTS > nowSlot
        ? Math.round((avgLast * (WINDOW_SLOTS - (nowSlot - lastSlot))) / WINDOW_SLOTS)
        : 0;
  }
  return Math.floor(((avgLast + avgNew) * WINDOW_SLOTS) / PRECISION);
}

/** Free bandwidth an account has used, decayed to `timestamp` (ms). */
export function freeNetUsed(r: AccountRecord, timestamp: number): number {
  const nowSlot = Math.floor(timestamp / SLOT_MS);
  return increase(r.netUsage, 0, r.latestConsumeFreeTime, nowSlot);
}

/**
 * Bandwidth for a transaction in the block at `timestamp`: staked bandwidth first, then free
 * bandwidth, else burn (BandwidthProcessor.consume); returns the receipt fields.
 */
export function chargeBandwidth(
  state: JournaledState,
  options: ChainOptions,
  tx: SignedTx,
  owner: string,
  timestamp: number,
  extraBalanceNeeded: bigint,
  isContract: boolean,
): NetReceipt {
  const bytes = signedTxSize(tx) + (isContract ? RESULT_SIZE : 0);
  const acct = state.readAccount(owner.slice(2));
  if (!acct) throw TxRejected.validate(`account [${toBase58(owner)}] does not exist`);
  if (useStakedNet(state, options, owner, bytes, timestamp)) return { net_usage: bytes, burned: 0n };
  const nowSlot = Math.floor(timestamp / SLOT_MS);
  const used = increase(acct.netUsage, 0, acct.latestConsumeFreeTime, nowSlot);
  if (bytes <= options.freeNetLimit - used) {
    state.updateAccount(owner.slice(2), {
      netUsage: increase(acct.netUsage, bytes, acct.latestConsumeFreeTime, nowSlot),
      latestConsumeFreeTime: nowSlot,
      latestOperationTime: timestamp,
    });
    return { net_usage: bytes, burned: 0n };
  }
  const fee = BigInt(bytes) * options.transactionFee;
  if (acct.balance < fee + extraBalanceNeeded)
    throw new TxRejected('BANDWITH_ERROR', 'Account resource insufficient error.');
  state.updateAccount(owner.slice(2), { balance: acct.balance - fee, latestOperationTime: timestamp });
  return { net_fee: Number(fee), burned: fee };
}

/** Refuses a fee limit outside 0..maxFeeLimit. */
export function checkFeeLimit(options: ChainOptions, feeLimit: number): void {
  if (feeLimit < 0 || BigInt(feeLimit) > options.maxFeeLimit) {
    throw TxRejected.validate(`feeLimit must be >= 0 and <= ${options.maxFeeLimit}`);
  }
}
