/**
 * Execution of the three contract types the devnet supports (TransferContract,
 * TriggerSmartContract, CreateSmartContract) inside the block being built: their validation in
 * java-tron's order, the resources they are billed (resources.ts) and their receipts.
 */
import { hexToBytes, utf8ToHex } from './hex.js';
import type { ChainOptions, TxInfo, TxRecord } from './types.js';
import { TxRejected } from './errors.js';
import { chargeBandwidth, checkFeeLimit, type NetReceipt } from './resources.js';
import { type Sharing, callEnergyLimit, payEnergyBill, sharingOf, slotOf } from './energy.js';
import { type ContractMeta, type JournaledState, emptyRecord } from './state.js';
import { type CreateValue, type SignedTx, type TransferValue, type TriggerValue, deployedAddress } from './tx.js';
import type { BlockContext, ExecResult, TronVm } from './vm.js';
import { toBase58 } from '../../lib/address.js';

/** The block being built. */
export interface OpenBlock {
  number: number;
  timestamp: number;
  txs: TxRecord[];
}

/** What execution runs against: the chain's state, options and VM, and the open block's context. */
export interface Execution {
  readonly state: JournaledState;
  readonly options: ChainOptions;
  readonly vm: TronVm;
  blockContext(open: OpenBlock): BlockContext;
}

/**
 * A TransferContract in java-tron's order: bandwidth is billed (BandwidthProcessor.consume) before
 * TransferActuator.validate runs, so a missing owner or one that cannot pay for the bytes fails
 * first, and validation sees the balance left after the burn. A checkpoint undoes the bill when
 * validation then fails, as java-tron's session does.
 */
export async function executeTransfer(
  env: Execution,
  tx: SignedTx,
  v: TransferValue,
  open: OpenBlock,
): Promise<TxRecord> {
  if (v.owner.length !== 42 || !v.owner.startsWith('41')) throw TxRejected.validate('Invalid ownerAddress!');
  if (!env.state.readAccount(v.owner.slice(2)))
    throw TxRejected.validate(`account [${toBase58(v.owner)}] does not exist`);
  const to = env.state.readAccount(v.to.slice(2));
  await env.state.checkpoint();
  try {
    let receipt: NetReceipt;
    if (!to) {
      // Creating an account never uses free bandwidth: it burns getCreateAccountFee.
      const fee = env.options.createAccountFee;
      const owner = env.state.readAccount(v.owner.slice(2))!;
      if (owner.balance < fee) throw new TxRejected('BANDWITH_ERROR', 'Account resource insufficient error.');
      env.state.updateAccount(v.owner.slice(2), { balance: owner.balance - fee });
      receipt = { net_fee: Number(fee), burned: fee };
    } else {
      // Every contract type, transfers included, is billed 64 bytes of result room.
      receipt = chargeBandwidth(env.state, env.options, tx, v.owner, open.timestamp, 0n, true);
    }
    if (v.to.length !== 42 || !v.to.startsWith('41')) throw TxRejected.validate('Invalid toAddress!');
    if (v.owner === v.to) throw TxRejected.validate('Cannot transfer TRX to yourself.');
    if (v.amount <= 0n) throw TxRejected.validate('Amount must be greater than 0.');
    if (to?.code?.length) throw TxRejected.validate('Cannot transfer TRX to a smartContract.');
    const activation = to ? 0n : env.options.createNewAccountFeeInSystemContract;
    const o = env.state.readAccount(v.owner.slice(2))!;
    if (o.balance < v.amount + activation) {
      throw TxRejected.validate('Validate TransferContract error, balance is not sufficient.');
    }
    env.state.updateAccount(v.owner.slice(2), {
      balance: o.balance - v.amount - activation,
      latestOperationTime: open.timestamp,
    });
    const t = env.state.readAccount(v.to.slice(2)) ?? emptyRecord(open.timestamp);
    env.state.writeAccount(v.to.slice(2), { ...t, balance: t.balance + v.amount });
    await env.state.commit();
    const fee = receipt.burned + activation;
    const { burned: _b, ...rec } = receipt;
    return {
      tx,
      ret: 'SUCCESS',
      info: {
        id: tx.txID,
        ...(fee ? { fee: Number(fee) } : {}),
        blockNumber: open.number,
        blockTimeStamp: open.timestamp,
        contractResult: [''],
        receipt: rec as Record<string, number>,
      },
    };
  } catch (e) {
    await env.state.revert();
    throw e;
  }
}

export async function executeTrigger(
  env: Execution,
  tx: SignedTx,
  v: TriggerValue,
  open: OpenBlock,
): Promise<TxRecord> {
  if (v.tokenId || v.callTokenValue) throw TxRejected.validate('TRC-10 tokens are not supported by the devnet');
  const target = env.state.readAccount(v.contract.slice(2));
  if (!target?.code?.length) throw TxRejected.validate('No contract or not a smart contract');
  checkFeeLimit(env.options, tx.raw.feeLimit);
  if (v.callValue < 0n) throw TxRejected.validate('callValue must be >= 0');
  const owner = env.state.readAccount(v.owner.slice(2));
  if (!owner) throw TxRejected.validate(`account [${toBase58(v.owner)}] does not exist`);
  if (owner.balance < v.callValue)
    throw TxRejected.validate('Validate InternalTransfer error, balance is not sufficient.');
  const net = chargeBandwidth(env.state, env.options, tx, v.owner, open.timestamp, v.callValue, true);
  const sharing = sharingOf(target.contract, v.owner);
  const slot = slotOf(open.timestamp);
  const energyLimit = callEnergyLimit(env.state, env.options, v.owner, sharing, v.callValue, tx.raw.feeLimit, slot);
  const result = await inCheckpoint(env.state, () =>
    env.vm.call({
      txID: tx.txID,
      caller: v.owner,
      to: v.contract,
      value: v.callValue,
      data: hexToBytes(v.data),
      energyLimit,
      block: env.blockContext(open),
    }),
  );
  return contractRecord(env, tx, v.owner, v.contract, result, net, open, sharing);
}

export async function executeCreate(env: Execution, tx: SignedTx, v: CreateValue, open: OpenBlock): Promise<TxRecord> {
  if (v.tokenId || v.callTokenValue) throw TxRejected.validate('TRC-10 tokens are not supported by the devnet');
  if (v.owner !== v.origin) throw TxRejected.validate('OwnerAddress is not equals OriginAddress');
  if (Buffer.byteLength(v.name) > 32) throw TxRejected.validate("contractName's length cannot be greater than 32");
  if (v.consumeUserResourcePercent < 0 || v.consumeUserResourcePercent > 100)
    throw TxRejected.validate('percent must be >= 0 and <= 100');
  const address = deployedAddress(tx.txID, v.owner);
  if (env.state.readAccount(address.slice(2))?.code?.length) {
    throw TxRejected.validate(`Trying to create a contract with existing contract address: ${toBase58(address)}`);
  }
  checkFeeLimit(env.options, tx.raw.feeLimit);
  if (v.callValue < 0n) throw TxRejected.validate('callValue must be >= 0');
  if (v.originEnergyLimit <= 0n) throw TxRejected.validate('The originEnergyLimit must be > 0');
  const owner = env.state.readAccount(v.owner.slice(2));
  if (!owner) throw TxRejected.validate(`account [${toBase58(v.owner)}] does not exist`);
  if (owner.balance < v.callValue)
    throw TxRejected.validate('Validate InternalTransfer error, balance is not sufficient.');
  const net = chargeBandwidth(env.state, env.options, tx, v.owner, open.timestamp, v.callValue, true);
  // The deployer is the caller: it pays alone, staked energy first.
  const slot = slotOf(open.timestamp);
  const energyLimit = callEnergyLimit(env.state, env.options, v.owner, undefined, v.callValue, tx.raw.feeLimit, slot);
  const result = await inCheckpoint(env.state, async () => {
    const r = await env.vm.create({
      txID: tx.txID,
      caller: v.owner,
      address,
      value: v.callValue,
      initCode: hexToBytes(v.bytecode),
      energyLimit,
      block: env.blockContext(open),
    });
    if (r.ret === 'SUCCESS') {
      const meta: ContractMeta = {
        abi: v.abi,
        name: v.name,
        origin: v.origin,
        consumeUserResourcePercent: v.consumeUserResourcePercent,
        originEnergyLimit: v.originEnergyLimit,
        txID: tx.txID,
        bytecode: v.bytecode,
      };
      env.state.updateAccount(address.slice(2), { contract: meta });
    }
    return r;
  });
  return contractRecord(env, tx, v.owner, address, { ...result, returnData: new Uint8Array() }, net, open, undefined);
}

/** Runs `fn` in a checkpoint kept only when it succeeds. */
async function inCheckpoint(state: JournaledState, fn: () => Promise<ExecResult>): Promise<ExecResult> {
  await state.checkpoint();
  let r: ExecResult;
  try {
    r = await fn();
  } catch (e) {
    await state.revert();
    throw e;
  }
  if (r.ret === 'SUCCESS') await state.commit();
  else await state.revert();
  return r;
}

function contractRecord(
  env: Execution,
  tx: SignedTx,
  owner: string,
  contract: string,
  r: ExecResult,
  net: NetReceipt,
  open: OpenBlock,
  sharing: Sharing | undefined,
): TxRecord {
  const bill = payEnergyBill(env.state, env.options, owner, sharing, r.energyUsed, slotOf(open.timestamp));
  env.state.updateAccount(owner.slice(2), { latestOperationTime: open.timestamp });
  const energyFee = bill.energyFee;
  const fee = energyFee + net.burned;
  // java-tron's ResourceReceipt order; zero fields are left out as protobuf's JSON does.
  const receipt: Record<string, number | string> = {};
  if (bill.energyUsage) receipt.energy_usage = Number(bill.energyUsage);
  if (energyFee) receipt.energy_fee = Number(energyFee);
  if (bill.originEnergyUsage) receipt.origin_energy_usage = Number(bill.originEnergyUsage);
  if (r.energyUsed) receipt.energy_usage_total = Number(r.energyUsed);
  if (net.net_usage) receipt.net_usage = net.net_usage;
  if (net.net_fee) receipt.net_fee = net.net_fee;
  receipt.result = r.ret;
  const info: TxInfo = {
    id: tx.txID,
    ...(fee ? { fee: Number(fee) } : {}),
    blockNumber: open.number,
    blockTimeStamp: open.timestamp,
    contractResult: [Buffer.from(r.returnData).toString('hex')],
    contract_address: contract,
    receipt,
    ...(r.ret === 'SUCCESS' && r.logs.length ? { log: r.logs } : {}),
    ...(r.ret !== 'SUCCESS' ? { result: 'FAILED' as const, resMessage: utf8ToHex(r.message ?? r.ret) } : {}),
    ...(r.internal.length ? { internal_transactions: r.internal } : {}),
  };
  return { tx, info, ret: r.ret };
}
