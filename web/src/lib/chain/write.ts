/**
 * Contract writes: simulate (energy + fee estimate, revert decoded before anything is signed),
 * check the TRX for fees, build, sign in the wallet, broadcast, then follow the receipt
 * (pending -> confirmed) and the solidified view (final).
 */
import abis from 'virtual:blive-abis';
import { config, tokenByAddress } from '../config.js';
import { classifyError, type AbiEntry, type TxErrorInfo } from './errors.js';
import type { TxEvent } from './txMachine.js';
import { constantCall, getEnergyPrice, node, trxBalance, txInfo, encodeParams, type Param } from './node.js';
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
  callValue?: bigint;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Bandwidth a contract call may burn when the free allowance is spent (sun). */
const BANDWIDTH_SUN = 400_000n;

/** Runs one write through its whole life, reporting each step through `emit`; resolves with the txId once final. */
export async function runWrite(req: WriteRequest, wallet: WalletConnection, emit: (e: TxEvent) => void): Promise<string> {
  const from = wallet.address;
  const callValue = req.callValue ?? 0n;
  // 1. Simulate: decode a revert before the user is asked to sign anything.
  const sim = await constantCall(req.contract, req.selector, req.params, from, { callValue });
  if (!sim.ok) throw toFailure({ revertData: sim.data, message: sim.message ?? 'reverted in simulation' });
  const price = BigInt(await getEnergyPrice());
  const energy = BigInt(Math.ceil(sim.energy * 1.1));
  const feeSun = energy * price;
  const trx = await trxBalance(from);
  if (trx < callValue + feeSun + BANDWIDTH_SUN) {
    throw new TxFailure({
      kind: 'balance',
      message: `You need about ${Number(callValue + feeSun + BANDWIDTH_SUN) / 1e6} TRX for this (value + energy fee), you have ${Number(trx) / 1e6} TRX.`,
      action: 'Add TRX to your wallet (energy is paid in TRX), then retry.',
    });
  }
  emit({ type: 'estimated', energy: sim.energy, feeSun });
  // 2. Build with a fee limit above the estimate (capped at 1000 TRX).
  let feeLimit = feeSun * 2n + 1_000_000n;
  if (feeLimit > 1_000_000_000n) feeLimit = 1_000_000_000n;
  const built = await node<{ result?: { result?: boolean; message?: string }; transaction?: UnsignedTx }>('wallet/triggersmartcontract', {
    owner_address: from,
    contract_address: req.contract,
    function_selector: req.selector,
    parameter: await encodeParams(req.params),
    fee_limit: Number(feeLimit),
    ...(callValue ? { call_value: Number(callValue) } : {}),
  });
  if (!built.result?.result || !built.transaction) throw toFailure({ message: built.result?.message ?? 'the node refused to build the transaction' });
  // 3. Sign in the wallet (a rejection is classified as such).
  const signed = await wallet.signTransaction(built.transaction);
  emit({ type: 'signed' });
  // 4. Broadcast.
  const sent = await node<{ result?: boolean; txid?: string; code?: string; message?: string }>('wallet/broadcasttransaction', signed);
  if (!sent.result) throw toFailure({ message: `${sent.code ?? 'BROADCAST_FAILED'}: ${sent.message ?? ''}` });
  const txId = sent.txid ?? built.transaction.txID;
  emit({ type: 'broadcast', txId });
  // 5. Receipt.
  const deadline = Date.now() + 90_000;
  let info = null;
  while (!(info = await txInfo(txId).catch(() => null))) {
    if (Date.now() > deadline) throw new TxFailure({ kind: 'network', message: 'Not included after 90 s; it may have expired.', action: `Check the transaction ${txId} before retrying.` });
    await sleep(1000);
  }
  const result = info.receipt?.result ?? 'SUCCESS';
  if (result !== 'SUCCESS') {
    if (result === 'OUT_OF_ENERGY') throw toFailure({ message: 'OUT_OF_ENERGY' });
    throw toFailure({ revertData: info.contractResult?.[0], message: info.resMessage ?? result });
  }
  emit({ type: 'included', blockNumber: info.blockNumber ?? 0 });
  // 6. Final once the solidified view has it.
  const finalDeadline = Date.now() + 10 * 60_000;
  while (!(await txInfo(txId, true).catch(() => null))) {
    if (Date.now() > finalDeadline) return txId;
    await sleep(1500);
  }
  emit({ type: 'finalized' });
  return txId;
}

const c = () => config().contracts;
const addr = (value: string): Param => ({ type: 'address', value });
const uint = (value: bigint | string | number): Param => ({ type: 'uint256', value: value.toString() });

/** The writes the app makes, as requests. */
export const writes = {
  register: (handle: string, uri: string): WriteRequest => ({ contract: c().Profiles, selector: 'register(string,string)', params: [{ type: 'string', value: handle }, { type: 'string', value: uri }] }),
  updateProfile: (uri: string): WriteRequest => ({ contract: c().Profiles, selector: 'updateProfile(string)', params: [{ type: 'string', value: uri }] }),
  setBroadcaster: (enabled: boolean): WriteRequest => ({ contract: c().Profiles, selector: 'setBroadcaster(bool)', params: [{ type: 'bool', value: enabled }] }),
  follow: (target: string): WriteRequest => ({ contract: c().Profiles, selector: 'follow(address)', params: [addr(target)] }),
  unfollow: (target: string): WriteRequest => ({ contract: c().Profiles, selector: 'unfollow(address)', params: [addr(target)] }),
  approve: (token: string, amount: bigint): WriteRequest => ({ contract: token, selector: 'approve(address,uint256)', params: [addr(c().GiftVault), uint(amount)] }),
  depositTRX: (amount: bigint): WriteRequest => ({ contract: c().GiftVault, selector: 'depositTRX()', params: [], callValue: amount }),
  deposit: (token: string, amount: bigint): WriteRequest => ({ contract: c().GiftVault, selector: 'deposit(address,uint256)', params: [addr(token), uint(amount)] }),
  withdraw: (token: string, amount: bigint): WriteRequest => ({ contract: c().GiftVault, selector: 'withdraw(address,uint256)', params: [addr(token), uint(amount)] }),
  sendGift: (broadcaster: string, giftId: string, quantity: number, streamId: string): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'sendGift(address,uint256,uint256,uint256)',
    params: [addr(broadcaster), uint(giftId), uint(quantity), uint(streamId)],
  }),
  sendGiftDirect: (broadcaster: string, giftId: string, quantity: number, streamId: string, trxValue: bigint): WriteRequest => ({
    contract: c().GiftVault,
    selector: 'sendGiftDirect(address,uint256,uint256,uint256)',
    params: [addr(broadcaster), uint(giftId), uint(quantity), uint(streamId)],
    callValue: trxValue,
  }),
  claim: (token: string): WriteRequest => ({ contract: c().GiftVault, selector: 'claim(address)', params: [addr(token)] }),
  /** Devnet only: the mock BTT/USDT have an open mint. */
  mintTest: (token: string, to: string, amount: bigint): WriteRequest => ({ contract: token, selector: 'mint(address,uint256)', params: [addr(to), uint(amount)] }),
  rewardClaim: (epochId: string, index: number, account: string, amount: string, category: number, proof: string[]): WriteRequest => ({
    contract: c().RewardPool,
    selector: 'claim(uint256,uint256,address,uint256,uint8,bytes32[])',
    params: [uint(epochId), uint(index), addr(account), uint(amount), { type: 'uint8', value: category }, { type: 'bytes32[]', value: proof }],
  }),
};
