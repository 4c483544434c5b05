/**
 * Contract writes: simulate (energy, revert decoded before anything is signed), build with a
 * fee_limit, quote the fee (an upper bound: energy at the fee_limit, bandwidth burn, activation),
 * let the user review it, sign in the wallet, keep the signed txID, broadcast, then follow the
 * receipt (pending -> confirmed) and the solidified view (final). A broadcast whose answer is lost
 * is looked for on chain until found or expired ("checking"), never reported as failed.
 */
import abis from 'virtual:blive-abis';
import { config, tokenByAddress } from '../config.js';
import { classifyError, maybeHexText, type AbiEntry, type TxErrorInfo } from './errors.js';
import { feeLimitFor, feePaid, quoteFee, txBandwidthBytes, type FeeQuote } from './fees.js';
import type { PendingJournal, PendingTx } from './pending.js';
import type { TxEvent } from './txMachine.js';
import {
  broadcastSigned,
  constantCall,
  getBandwidth,
  getChainPrices,
  getSponsorship,
  headTime,
  node,
  trxBalance,
  txInfo,
  txKnown,
  encodeParams,
  type Param,
  type TxInfo,
} from './node.js';
import type { WalletConnection, UnsignedTx } from './wallets.js';

const ALL_ABIS = Object.values(abis) as AbiEntry[][];

/** A write that failed, with its decoded reason. */
export class TxFailure extends Error {
  constructor(readonly info: TxErrorInfo) {
    super(info.message);
  }
}

/** Turns anything thrown into a TxFailure (decoding custom errors from revert data). */
export function toFailure(err: unknown): TxFailure {
  if (err instanceof TxFailure) return err;
  return new TxFailure(classifyError(err, ALL_ABIS, (a) => tokenByAddress(a)));
}

export interface WriteRequest {
  contract: string;
  /** `name(type,...)` */
  selector: string;
  params: Param[];
  /** TRX sent with the call (sun). Never a TRC-10 value: the app does not attach any. */
  callValue?: bigint;
}

/** What a write tells its caller, and asks of it, along the way. */
export interface WriteHooks {
  emit(e: TxEvent): void;
  /** Asked with the fee quote before the wallet is; resolves false to cancel. Absent: straight to the wallet. */
  confirm?: (quote: FeeQuote) => Promise<boolean>;
  /** Keeps the signed txID until the chain settles it, so a reload resumes checking. */
  journal?: PendingJournal;
  /** The button the write belongs to, kept in the journal. */
  key?: string;
  label?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Chain time past raw_data.expiration after which an unseen transaction can no longer land. */
const EXPIRY_MARGIN_MS = 30_000;
const POLL_MS = 1000;
const fmtTrx = (sun: bigint) => `${(Number(sun) / 1e6).toLocaleString('en-US', { maximumFractionDigits: 6 })} TRX`;

/** Runs one write through its whole life, reporting each step; resolves with the txId once final, or null if the user cancelled the review. */
export async function runWrite(req: WriteRequest, wallet: WalletConnection, hooks: WriteHooks): Promise<string | null> {
  const { emit } = hooks;
  const from = wallet.address;
  const callValue = req.callValue ?? 0n;
  // 1. Simulate: decode a revert before the user is asked to sign anything.
  const sim = await constantCall(req.contract, req.selector, req.params, from, { callValue });
  if (!sim.ok) throw toFailure({ revertData: sim.data, message: sim.message ?? 'reverted in simulation' });
  // 2. Build with a fee_limit close above the estimate: it caps what energy can cost.
  const prices = await getChainPrices();
  const feeLimit = feeLimitFor(sim.energy, prices);
  const built = await node<{ result?: { result?: boolean; message?: string }; transaction?: UnsignedTx }>(
    'wallet/triggersmartcontract',
    {
      owner_address: from,
      contract_address: req.contract,
      function_selector: req.selector,
      parameter: await encodeParams(req.params),
      fee_limit: Number(feeLimit),
      ...(callValue ? { call_value: Number(callValue) } : {}),
    },
  );
  if (!built.result?.result || !built.transaction)
    throw toFailure({ message: built.result?.message ?? 'the node refused to build the transaction' });
  // 3. Quote: the bound the user is shown before the wallet opens, and who pays the energy.
  const [balance, bandwidth, sponsorship] = await Promise.all([
    trxBalance(from),
    getBandwidth(from),
    getSponsorship(req.contract, from),
  ]);
  const quote = quoteFee({
    energy: sim.energy,
    feeLimit,
    bytes: txBandwidthBytes(built.transaction.raw_data_hex),
    prices,
    bandwidth,
    balance,
    callValue,
    ...(sponsorship ? { sponsorship } : {}),
  });
  if (balance < callValue + quote.expectedSun) {
    throw new TxFailure({
      kind: 'balance',
      message: `You need about ${fmtTrx(callValue + quote.expectedSun)} for this (${callValue ? `${fmtTrx(callValue)} sent + ` : ''}fees), you have ${fmtTrx(balance)}.`,
      action: 'Add TRX to your wallet (fees are paid in TRX), then retry.',
    });
  }
  emit({ type: 'estimated', energy: sim.energy, quote, review: !!hooks.confirm });
  if (hooks.confirm) {
    if (!(await hooks.confirm(quote))) {
      emit({ type: 'cancel' });
      return null;
    }
    emit({ type: 'confirm' });
  }
  // 4. Sign in the wallet (a rejection is classified as such). From here the txID is known.
  const signed = await wallet.signTransaction(built.transaction);
  const txId = signed.txID || built.transaction.txID;
  const expiration = Number((signed.raw_data as { expiration?: number } | undefined)?.expiration ?? 0);
  const entry: PendingTx = {
    txId,
    address: from,
    key: hooks.key ?? '',
    label: hooks.label ?? '',
    expiration,
    savedAt: Date.now(),
  };
  hooks.journal?.add(entry);
  emit({ type: 'signed', txId });
  // 5. Broadcast. A lost answer is not a failure: look for the transaction.
  const sent = await broadcastSigned(signed);
  let checking = false;
  if (!sent.answered) {
    checking = true;
    emit({ type: 'answerLost' });
  } else if (sent.result || sent.code === 'DUP_TRANSACTION_ERROR') {
    emit({ type: 'broadcast', txId });
  } else {
    // The node refused it: it will never be on chain.
    hooks.journal?.remove(txId);
    throw toFailure({ message: `${sent.code ?? 'BROADCAST_FAILED'}: ${maybeHexText(sent.message ?? '')}` });
  }
  return settle(entry, checking, hooks);
}

/** Resumes a journaled write after a reload: checking until the chain settles it. */
export async function resumeWrite(entry: PendingTx, hooks: WriteHooks): Promise<string> {
  hooks.emit({ type: 'resume', txId: entry.txId });
  return settle(entry, true, hooks);
}

/** Follows a sent (or maybe sent) transaction to its receipt and finality; removes it from the journal once settled. */
async function settle(entry: PendingTx, checking: boolean, hooks: WriteHooks): Promise<string> {
  const { txId } = entry;
  const { emit } = hooks;
  let info: TxInfo;
  try {
    info = await awaitReceipt(entry, checking, emit);
  } catch (e) {
    hooks.journal?.remove(txId);
    throw e;
  }
  hooks.journal?.remove(txId);
  const paid = feePaid(info);
  const result = info.receipt?.result ?? 'SUCCESS';
  if (result !== 'SUCCESS') {
    const f =
      result === 'OUT_OF_ENERGY'
        ? toFailure({ message: 'OUT_OF_ENERGY' })
        : toFailure({ revertData: info.contractResult?.[0], message: info.resMessage ?? result });
    throw new TxFailure({ ...f.info, action: `${f.info.action} The network fee (${fmtTrx(paid)}) was still charged.` });
  }
  emit({ type: 'included', blockNumber: info.blockNumber ?? 0, feePaidSun: paid });
  // Final once the solidified view has it.
  const finalDeadline = Date.now() + 10 * 60_000;
  // A failed poll counts as "not final yet" and is asked again; the receipt above already settled the money.
  while (!(await txInfo(txId, true).catch(() => null))) {
    if (Date.now() > finalDeadline) return txId;
    await sleep(1500);
  }
  emit({ type: 'finalized' });
  return txId;
}

/**
 * Polls for the receipt. While `checking` (the broadcast's answer was lost) a block holding the
 * transaction moves it to pending. It gives up only when the chain's clock has passed the
 * transaction's expiration (plus a margin) and no block has it: then it can never land and
 * nothing was charged. Network errors meanwhile only mean "ask again".
 */
async function awaitReceipt(entry: PendingTx, checking: boolean, emit: (e: TxEvent) => void): Promise<TxInfo> {
  const { txId, expiration } = entry;
  for (;;) {
    // undefined (the node did not answer) is not null (it answered "no such tx"): only the latter may lead to "not sent".
    const info = await txInfo(txId).catch(() => undefined);
    if (info) return info;
    // A failed look keeps us checking: the next turn of the loop asks again.
    if (checking && (await txKnown(txId).catch(() => false))) {
      checking = false;
      emit({ type: 'broadcast', txId });
      continue;
    }
    // No head time means no expiry decision this turn: never "nothing was sent" without the chain's clock.
    const head = info === null ? await headTime().catch(() => null) : null;
    if (head !== null && expiration > 0 && head > expiration + EXPIRY_MARGIN_MS) {
      // One last look now that it can no longer land.
      // As above: only the node's answer null (not a failed request) says it can never land.
      const last = await txInfo(txId).catch(() => undefined);
      if (last) return last;
      if (last === null) {
        throw new TxFailure({
          kind: 'not-sent',
          message: 'Not sent: the transaction expired without reaching the chain, so nothing was charged.',
          action: 'It is safe to retry.',
        });
      }
    }
    await sleep(POLL_MS);
  }
}

const c = () => config().contracts;
const addr = (value: string): Param => ({ type: 'address', value });
const uint = (value: bigint | string | number): Param => ({ type: 'uint256', value: value.toString() });

/** The writes the app makes, as requests. */
export const writes = {
  register: (handle: string, uri: string): WriteRequest => ({
    contract: c().Profiles,
    selector: 'register(string,string)',
    params: [
      { type: 'string', value: handle },
      { type: 'string', value: uri },
    ],
  }),
  updateProfile: (uri: string): WriteRequest => ({
    contract: c().Profiles,
    selector: 'updateProfile(string)',
    params: [{ type: 'string', value: uri }],
  }),
  setBroadcaster: (enabled: boolean): WriteRequest => ({
    contract: c().Profiles,
    selector: 'setBroadcaster(bool)',
    params: [{ type: 'bool', value: enabled }],
  }),
  follow: (target: string): WriteRequest => ({
    contract: c().Profiles,
    selector: 'follow(address)',
    params: [addr(target)],
  }),
  unfollow: (target: string): WriteRequest => ({
    contract: c().Profiles,
    selector: 'unfollow(address)',
    params: [addr(target)],
  }),
  approve: (token: string, amount: bigint): WriteRequest => ({
    contract: token,
    selector: 'approve(address,uint256)',
    params: [addr(c().GiftVault), uint(amount)],
  }),
  depositTRX: (amount: bigint): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'depositTRX()',
    params: [],
    callValue: amount,
  }),
  deposit: (token: string, amount: bigint): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'deposit(address,uint256)',
    params: [addr(token), uint(amount)],
  }),
  withdraw: (token: string, amount: bigint): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'withdraw(address,uint256)',
    params: [addr(token), uint(amount)],
  }),
  /** A gift from the vault balance, bound to the token and total the sender was shown (GiftTermsChanged otherwise). */
  sendGift: (
    broadcaster: string,
    giftId: string,
    quantity: number,
    streamId: string,
    shownToken: string,
    shownTotal: bigint,
  ): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'sendGift(address,uint256,uint256,uint256,address,uint256)',
    params: [addr(broadcaster), uint(giftId), uint(quantity), uint(streamId), addr(shownToken), uint(shownTotal)],
  }),
  /** A gift paid from the wallet: TRX as the exact call value, a token by transferFrom (within the allowance). */
  sendGiftDirect: (
    broadcaster: string,
    giftId: string,
    quantity: number,
    streamId: string,
    shownToken: string,
    shownTotal: bigint,
  ): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)',
    params: [addr(broadcaster), uint(giftId), uint(quantity), uint(streamId), addr(shownToken), uint(shownTotal)],
    callValue: shownToken === config().tokens.TRX?.address ? shownTotal : 0n,
  }),
  claim: (token: string): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'claim(address)',
    params: [addr(token)],
  }),
  /** Devnet only: the mock BTT/USDT have an open mint. */
  mintTest: (token: string, to: string, amount: bigint): WriteRequest => ({
    contract: token,
    selector: 'mint(address,uint256)',
    params: [addr(to), uint(amount)],
  }),
  rewardClaim: (
    epochId: string,
    index: number,
    account: string,
    amount: string,
    category: number,
    proof: string[],
  ): WriteRequest => ({
    contract: c().RewardPool,
    selector: 'claim(uint256,uint256,address,uint256,uint8,bytes32[])',
    params: [
      uint(epochId),
      uint(index),
      addr(account),
      uint(amount),
      { type: 'uint8', value: category },
      { type: 'bytes32[]', value: proof },
    ],
  }),
};
