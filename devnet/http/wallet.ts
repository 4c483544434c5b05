/** `wallet/*` and `walletsolidity/*`: java-tron's HTTP API translated onto the chain. */
import type { Block, CallArgs, Chain } from '../chain/chain.js';
import { TxRejected } from '../chain/errors.js';
import { utf8ToHex } from '../chain/hex.js';
import { toHex41 } from '../../lib/address.js';
import {
  signedTxFromHex,
  signedTxFromJson,
  TxFormatError,
  buildUnsignedJson,
  rawDataJson,
  contractValueJson,
  type SignedTx,
} from '../chain/tx.js';
import { accountJson, blockJson, contractJson, toVisible, txJson } from './format.js';
import type { StakeValue } from '../chain/stakeTx.js';
import {
  availableUnfreezeCount,
  delegatableBalance,
  undelegatable,
  validateStake,
  withdrawable,
} from '../chain/stake.js';
import { stakeOf } from '../chain/state.js';
import { energyLimit, energyUsedAt, netLimit, netUsedAt, slotOf, totalsOf, type Totals } from '../chain/energy.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '../chain/hex.js';

type Json = Record<string, unknown>;

/** What a handler gets: the merged query and body, and which view it serves. */
export interface WalletRequest {
  params: Json;
  solid: boolean;
  visible: boolean;
}

export type WalletHandler = (chain: Chain, req: WalletRequest) => Promise<unknown> | unknown;

/** An input the endpoint cannot use, answered as java-tron does with `{"Error": ...}`. */
export class BadParam extends Error {}

function intParam(p: Json, name: string, opts: { required?: boolean; def?: number } = {}): number {
  const v = p[name];
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw new BadParam(`${name} isn't set.`);
    return opts.def ?? 0;
  }
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new BadParam(`${name} must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

function bigParam(p: Json, name: string): bigint {
  const v = p[name];
  if (v === undefined || v === null || v === '') return 0n;
  try {
    return BigInt(v as string | number);
  } catch {
    throw new BadParam(`${name} must be an integer, got ${JSON.stringify(v)}`);
  }
}

function addrParam(p: Json, name: string, required = true): string {
  const v = p[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new BadParam(`${name} isn't set.`);
    return '';
  }
  const a = toHex41(v);
  if (!a) throw new BadParam(`Invalid ${name}: ${JSON.stringify(v)}`);
  return a;
}

function hexParam(p: Json, name: string): string {
  const v = p[name];
  if (v === undefined || v === null || v === '') return '';
  const h = String(v).replace(/^0x/, '').toLowerCase();
  if (!/^([0-9a-f]{2})*$/.test(h)) throw new BadParam(`${name} must be hex`);
  return h;
}

function headOf(chain: Chain, solid: boolean): Block {
  return solid ? chain.solidifiedBlock : chain.head;
}

function visibleBlock(chain: Chain, n: number, solid: boolean): Block | undefined {
  const b = chain.blockByNumber(n);
  return b && b.number <= headOf(chain, solid).number ? b : undefined;
}

/** Decodes the arguments of a contract call as java-tron's trigger servlets do. */
function callArgs(p: Json): CallArgs {
  const owner = addrParam(p, 'owner_address');
  const contract = addrParam(p, 'contract_address');
  let data = hexParam(p, 'data');
  const selector = p.function_selector;
  if (typeof selector === 'string' && selector.length) {
    const sig = selector.replace(/\s+/g, '');
    data = bytesToHex(keccak_256(Buffer.from(sig))).slice(0, 8) + hexParam(p, 'parameter');
  }
  return {
    owner,
    contract,
    data,
    callValue: bigParam(p, 'call_value'),
    callTokenValue: bigParam(p, 'call_token_value'),
    tokenId: bigParam(p, 'token_id'),
    feeLimit: intParam(p, 'fee_limit'),
    permissionId: intParam(p, 'Permission_id'),
  };
}

function rejected(e: TxRejected): Json {
  return { result: { code: e.code, message: utf8ToHex(e.message.replace(/^Contract validate error : /, '')) } };
}

async function broadcast(chain: Chain, tx: SignedTx): Promise<Json> {
  const r = await chain.broadcast(tx);
  if (r.ok) return { result: true, txid: r.txid };
  return { code: r.code, message: utf8ToHex(r.message), txid: r.txid };
}

const RESOURCE_CODES = ['BANDWIDTH', 'ENERGY', 'TRON_POWER'];

/** A resource field as java-tron's JSON parser takes it: the enum's name or number; BANDWIDTH when absent. */
function resourceParam(p: Json, name = 'resource'): string {
  const v = p[name];
  if (v === undefined || v === null || v === '') return 'BANDWIDTH';
  if (typeof v === 'number' || /^\d+$/.test(String(v))) {
    const code = RESOURCE_CODES[Number(v)];
    if (code) return code;
  } else if (RESOURCE_CODES.includes(String(v))) return String(v);
  throw new BadParam(`Invalid ${name}: ${JSON.stringify(v)}`);
}

function boolParam(p: Json, name: string): boolean {
  const v = p[name];
  return v === true || v === 'true';
}

/** The reference block and expiry a node-built transaction carries. */
function headerOf(c: Chain): { refBlockBytes: string; refBlockHash: string; expiration: number; timestamp: number } {
  const head = c.head;
  return {
    refBlockBytes: head.number.toString(16).padStart(16, '0').slice(12, 16),
    refBlockHash: head.id.slice(16, 32),
    expiration: head.timestamp + 60_000,
    timestamp: c.now(),
  };
}

/**
 * Builds an unsigned Stake 2.0 or contract-setting transaction after running its checks, as
 * java-tron's servlets do (a refusal is `{"Error": ...}`, which TronWeb throws).
 */
function buildStake(c: Chain, p: Json, v: StakeValue): unknown {
  try {
    validateStake(c.state, c.options, v, c.head.timestamp);
  } catch (e) {
    if (e instanceof TxRejected)
      return {
        Error: `class org.tron.core.exception.ContractValidateException : ${e.message.replace(/^Contract validate error : /, '')}`,
      };
    throw e;
  }
  return buildUnsignedJson(v.kind, contractValueJson(v), headerOf(c), intParam(p, 'Permission_id'));
}

/** The network's staked weights as of the head, or of the solidified head. */
function totalsAt(c: Chain, solid: boolean): Totals {
  function* records() {
    for (const k of c.state.accountKeys()) yield c.account(`41${k}`, solid);
  }
  return totalsOf(records());
}

const CHAIN_PARAMETERS = (chain: Chain): { key: string; value?: number }[] => {
  const o = chain.options;
  const params: [string, number | bigint][] = [
    ['getMaintenanceTimeInterval', 21_600_000],
    ['getAccountUpgradeCost', 9_999_000_000],
    ['getCreateAccountFee', o.createAccountFee],
    ['getTransactionFee', o.transactionFee],
    ['getAssetIssueFee', 1_024_000_000],
    ['getWitnessPayPerBlock', 16_000_000],
    ['getWitnessStandbyAllowance', 115_200_000_000],
    ['getCreateNewAccountFeeInSystemContract', o.createNewAccountFeeInSystemContract],
    ['getCreateNewAccountBandwidthRate', 1],
    ['getAllowCreationOfContracts', 1],
    ['getRemoveThePowerOfTheGr', -1],
    ['getEnergyFee', o.energyPrice],
    ['getExchangeCreateFee', 1_024_000_000],
    ['getMaxCpuTimeOfOneTx', 80],
    ['getAllowUpdateAccountName', 0],
    ['getAllowSameTokenName', 1],
    ['getAllowDelegateResource', 1],
    ['getTotalEnergyLimit', o.totalEnergyLimit],
    ['getAllowTvmTransferTrc10', 1],
    ['getTotalEnergyCurrentLimit', o.totalEnergyLimit],
    ['getAllowMultiSign', 1],
    ['getAllowAdaptiveEnergy', 0],
    ['getUpdateAccountPermissionFee', 100_000_000],
    ['getMultiSignFee', 1_000_000],
    ['getAllowTvmConstantinople', 1],
    ['getAllowTvmSolidity059', 1],
    ['getAllowTvmIstanbul', 1],
    // The devnet refuses TRX sent to a contract by a TransferContract, as this parameter at 1 does.
    ['getForbidTransferToContract', 1],
    ['getMaxFeeLimit', o.maxFeeLimit],
    ['getAllowTvmFreeze', 0],
    ['getAllowTvmVote', 0],
    ['getAllowTvmLondon', 1],
    ['getAllowTvmCompatibleEvm', 0],
    ['getFreeNetLimit', o.freeNetLimit],
    ['getTotalNetLimit', o.totalNetLimit],
    ['getUnfreezeDelayDays', o.unfreezeDelayDays],
    ['getMemoFee', 1_000_000],
    ['getAllowOptimizedReturnValueOfChainId', 1],
    ['getAllowDynamicEnergy', 0],
    ['getAllowTvmShangHai', 1],
    ['getAllowTvmCancun', 0],
  ];
  return params.map(([key, value]) => (Number(value) === 0 ? { key } : { key, value: Number(value) }));
};

function latestBlocks(chain: Chain, solid: boolean, num: number): Block[] {
  const top = headOf(chain, solid).number;
  const out: Block[] = [];
  for (let n = Math.max(0, top - num + 1); n <= top; n++) out.push(chain.blockByNumber(n)!);
  return out;
}

/** Handlers shared by `wallet/` and `walletsolidity/`. */
const shared: Record<string, WalletHandler> = {
  getnowblock: (c, r) => blockJson(headOf(c, r.solid)),
  getblockbynum: (c, r) => {
    const b = visibleBlock(c, intParam(r.params, 'num', { required: true }), r.solid);
    return b ? blockJson(b) : {};
  },
  getblockbyid: (c, r) => {
    const b = c.blockById(String(r.params.value ?? ''));
    return b && b.number <= headOf(c, r.solid).number ? blockJson(b) : {};
  },
  getblock: (c, r) => {
    const idOrNum = String(r.params.id_or_num ?? '');
    const detail = r.params.detail === true || r.params.detail === 'true';
    let b: Block | undefined;
    if (idOrNum === '') b = headOf(c, r.solid);
    else if (/^[0-9a-fA-F]{64}$/.test(idOrNum)) b = c.blockById(idOrNum);
    else if (/^\d+$/.test(idOrNum)) b = c.blockByNumber(Number(idOrNum));
    else throw new BadParam(`id_or_num must be a block number or a 64-hex block id, got ${JSON.stringify(idOrNum)}`);
    return b && b.number <= headOf(c, r.solid).number ? blockJson(b, detail) : {};
  },
  getblockbylimitnext: (c, r) => {
    const start = intParam(r.params, 'startNum', { required: true });
    const end = intParam(r.params, 'endNum', { required: true });
    if (start < 0 || end - start <= 0 || end - start > 100) return {};
    const blocks: Json[] = [];
    for (let n = start; n < end; n++) {
      const b = visibleBlock(c, n, r.solid);
      if (!b) break;
      blocks.push(blockJson(b));
    }
    return blocks.length ? { block: blocks } : {};
  },
  getblockbylatestnum: (c, r) => {
    const num = intParam(r.params, 'num', { required: true });
    if (num <= 0 || num >= 100) return {};
    return { block: latestBlocks(c, r.solid, num).map((b) => blockJson(b)) };
  },
  gettransactionbyid: (c, r) => {
    const found = c.txRecord(String(r.params.value ?? ''), r.solid);
    return found ? txJson(found.record) : {};
  },
  gettransactioninfobyid: (c, r) => {
    const found = c.txRecord(String(r.params.value ?? ''), r.solid);
    return found ? found.record.info : {};
  },
  gettransactioninfobyblocknum: (c, r) => {
    const b = visibleBlock(c, intParam(r.params, 'num', { required: true }), r.solid);
    return b ? b.txs.map((t) => t.info) : [];
  },
  getaccount: (c, r) => {
    const a = addrParam(r.params, 'address');
    return accountJson(c, a, c.account(a, r.solid), r.solid);
  },
  getaccountnet: (c, r) => {
    const a = addrParam(r.params, 'address');
    const acct = c.account(a, r.solid);
    if (!acct) return {};
    const free = c.freeNetAvailable(a, r.solid);
    const s = stakeOf(acct);
    const totals = totalsAt(c, r.solid);
    const used = netUsedAt(s, slotOf(headOf(c, r.solid).timestamp));
    const limit = netLimit(s, () => totals, c.options);
    return {
      ...(free.used ? { freeNetUsed: free.used } : {}),
      freeNetLimit: free.limit,
      ...(used ? { NetUsed: Number(used) } : {}),
      ...(limit ? { NetLimit: Number(limit) } : {}),
      TotalNetLimit: Number(c.options.totalNetLimit),
      ...(totals.netWeight ? { TotalNetWeight: Number(totals.netWeight) } : {}),
    };
  },
  getaccountresource: (c, r) => {
    const a = addrParam(r.params, 'address');
    const acct = c.account(a, r.solid);
    if (!acct) return {};
    const free = c.freeNetAvailable(a, r.solid);
    const s = stakeOf(acct);
    const slot = slotOf(headOf(c, r.solid).timestamp);
    const totals = totalsAt(c, r.solid);
    const netUsed = netUsedAt(s, slot);
    const net = netLimit(s, () => totals, c.options);
    const energyUsed = energyUsedAt(s, slot);
    const energy = energyLimit(s, () => totals, c.options);
    // Votes are not modelled, but the voting power staking gives is: every whole TRX it holds.
    const power = (s.frozenEnergy + s.frozenNet + s.delegatedEnergy + s.delegatedNet) / 1_000_000n;
    // java-tron's AccountResourceMessage in field order; zero fields are left out.
    return {
      ...(free.used ? { freeNetUsed: free.used } : {}),
      freeNetLimit: free.limit,
      ...(netUsed ? { NetUsed: Number(netUsed) } : {}),
      ...(net ? { NetLimit: Number(net) } : {}),
      TotalNetLimit: Number(c.options.totalNetLimit),
      ...(totals.netWeight ? { TotalNetWeight: Number(totals.netWeight) } : {}),
      ...(power ? { tronPowerLimit: Number(power) } : {}),
      ...(energyUsed ? { EnergyUsed: Number(energyUsed) } : {}),
      ...(energy ? { EnergyLimit: Number(energy) } : {}),
      TotalEnergyLimit: Number(c.options.totalEnergyLimit),
      ...(totals.energyWeight ? { TotalEnergyWeight: Number(totals.energyWeight) } : {}),
    };
  },
  getdelegatedresourcev2: (c, r) => {
    const from = addrParam(r.params, 'fromAddress');
    const to = addrParam(r.params, 'toAddress');
    const s = stakeOf(c.account(from, r.solid));
    const now = headOf(c, r.solid).timestamp;
    const out: Json[] = [];
    const mine = s.delegations.filter((d) => d.to === to);
    const pick = (resource: 'ENERGY' | 'BANDWIDTH', locked: boolean) =>
      mine
        .filter((d) => d.resource === resource)
        .reduce((sum, d) => sum + (locked ? (d.lockExpireTime > now ? d.locked : 0n) : undelegatable(d, now)), 0n);
    for (const locked of [false, true]) {
      const net = pick('BANDWIDTH', locked);
      const energy = pick('ENERGY', locked);
      if (!net && !energy) continue;
      const expire = (resource: 'ENERGY' | 'BANDWIDTH') =>
        mine.find((d) => d.resource === resource && d.locked > 0n && d.lockExpireTime > now)?.lockExpireTime ?? 0;
      out.push({
        from,
        to,
        ...(net ? { frozen_balance_for_bandwidth: Number(net) } : {}),
        ...(energy ? { frozen_balance_for_energy: Number(energy) } : {}),
        ...(locked && expire('BANDWIDTH') ? { expire_time_for_bandwidth: expire('BANDWIDTH') } : {}),
        ...(locked && expire('ENERGY') ? { expire_time_for_energy: expire('ENERGY') } : {}),
      });
    }
    return out.length ? { delegatedResource: out } : {};
  },
  getdelegatedresourceaccountindexv2: (c, r) => {
    const a = addrParam(r.params, 'value');
    const to = new Set(stakeOf(c.account(a, r.solid)).delegations.map((d) => d.to));
    const from = new Set<string>();
    for (const k of c.state.accountKeys()) {
      if (stakeOf(c.account(`41${k}`, r.solid)).delegations.some((d) => d.to === a)) from.add(`41${k}`);
    }
    if (!to.size && !from.size) return {};
    return {
      account: a,
      ...(from.size ? { fromAccounts: [...from] } : {}),
      ...(to.size ? { toAccounts: [...to] } : {}),
    };
  },
  getcandelegatedmaxsize: (c, r) => {
    const a = addrParam(r.params, 'owner_address');
    const type = intParam(r.params, 'type');
    if (type !== 0 && type !== 1) throw new BadParam(`type must be 0 (BANDWIDTH) or 1 (ENERGY), got ${type}`);
    const now = headOf(c, r.solid).timestamp;
    const max = delegatableBalance(
      stakeOf(c.account(a, r.solid)),
      type === 1 ? 'ENERGY' : 'BANDWIDTH',
      now,
      totalsAt(c, r.solid),
      c.options,
    );
    return max ? { max_size: Number(max) } : {};
  },
  getavailableunfreezecount: (c, r) => {
    const a = addrParam(r.params, 'owner_address');
    return { count: availableUnfreezeCount(stakeOf(c.account(a, r.solid)), headOf(c, r.solid).timestamp) };
  },
  getcanwithdrawunfreezeamount: (c, r) => {
    const a = addrParam(r.params, 'owner_address');
    const ts = intParam(r.params, 'timestamp', { def: headOf(c, r.solid).timestamp });
    const amount = withdrawable(stakeOf(c.account(a, r.solid)), ts);
    return amount ? { amount: Number(amount) } : {};
  },
  triggerconstantcontract: async (c, r) => {
    const a = callArgs(r.params);
    try {
      const res = await c.constantCall(a, r.solid);
      if (res.ret !== 'SUCCESS' && res.ret !== 'REVERT') {
        return {
          result: {
            code: 'OTHER_ERROR',
            message: utf8ToHex(`class org.tron.core.vm.program.Program$${res.ret} : ${res.message ?? res.ret}`),
          },
        };
      }
      const tx = c.buildTrigger({ ...a, feeLimit: 0 });
      return {
        result: { result: true, ...(res.ret === 'REVERT' ? { message: utf8ToHex('REVERT opcode executed') } : {}) },
        energy_used: Number(res.energyUsed),
        constant_result: [res.returnData],
        ...(res.logs.length && res.ret === 'SUCCESS' ? { logs: res.logs } : {}),
        transaction: { ret: [res.ret === 'REVERT' ? { ret: 'FAILED' } : {}], ...tx },
      };
    } catch (e) {
      if (e instanceof TxRejected) return rejected(e);
      throw e;
    }
  },
  estimateenergy: async (c, r) => {
    const a = callArgs(r.params);
    try {
      const res = await c.estimateEnergy(a);
      if (res.ok) return { result: { result: true }, energy_required: Number(res.energy) };
      if (res.result.ret === 'REVERT')
        return {
          result: { result: true, message: utf8ToHex('REVERT opcode executed') },
          constant_result: [res.result.returnData],
        };
      return { result: { code: 'CONTRACT_EXE_ERROR', message: utf8ToHex(res.result.message ?? res.result.ret) } };
    } catch (e) {
      if (e instanceof TxRejected) return rejected(e);
      throw e;
    }
  },
};

/** Handlers only the full node serves. */
const fullOnly: Record<string, WalletHandler> = {
  triggersmartcontract: (c, r) => {
    const a = callArgs(r.params);
    try {
      return { result: { result: true }, transaction: c.buildTrigger(a) };
    } catch (e) {
      if (e instanceof TxRejected) return rejected(e);
      throw e;
    }
  },
  createtransaction: (c, r) => {
    const owner = addrParam(r.params, 'owner_address');
    const to = addrParam(r.params, 'to_address');
    const amount = intParam(r.params, 'amount', { required: true });
    return buildUnsignedJson('TransferContract', { to_address: to, owner_address: owner, amount }, headerOf(c));
  },
  freezebalancev2: (c, r) =>
    buildStake(c, r.params, {
      kind: 'FreezeBalanceV2Contract',
      owner: addrParam(r.params, 'owner_address'),
      amount: bigParam(r.params, 'frozen_balance'),
      resource: resourceParam(r.params),
    }),
  unfreezebalancev2: (c, r) =>
    buildStake(c, r.params, {
      kind: 'UnfreezeBalanceV2Contract',
      owner: addrParam(r.params, 'owner_address'),
      amount: bigParam(r.params, 'unfreeze_balance'),
      resource: resourceParam(r.params),
    }),
  withdrawexpireunfreeze: (c, r) =>
    buildStake(c, r.params, { kind: 'WithdrawExpireUnfreezeContract', owner: addrParam(r.params, 'owner_address') }),
  cancelallunfreezev2: (c, r) =>
    buildStake(c, r.params, { kind: 'CancelAllUnfreezeV2Contract', owner: addrParam(r.params, 'owner_address') }),
  delegateresource: (c, r) =>
    buildStake(c, r.params, {
      kind: 'DelegateResourceContract',
      owner: addrParam(r.params, 'owner_address'),
      receiver: addrParam(r.params, 'receiver_address'),
      amount: bigParam(r.params, 'balance'),
      resource: resourceParam(r.params),
      lock: boolParam(r.params, 'lock'),
      lockPeriod: intParam(r.params, 'lock_period'),
    }),
  undelegateresource: (c, r) =>
    buildStake(c, r.params, {
      kind: 'UnDelegateResourceContract',
      owner: addrParam(r.params, 'owner_address'),
      receiver: addrParam(r.params, 'receiver_address'),
      amount: bigParam(r.params, 'balance'),
      resource: resourceParam(r.params),
    }),
  updatesetting: (c, r) =>
    buildStake(c, r.params, {
      kind: 'UpdateSettingContract',
      owner: addrParam(r.params, 'owner_address'),
      contract: addrParam(r.params, 'contract_address'),
      consumeUserResourcePercent: bigParam(r.params, 'consume_user_resource_percent'),
    }),
  updateenergylimit: (c, r) =>
    buildStake(c, r.params, {
      kind: 'UpdateEnergyLimitContract',
      owner: addrParam(r.params, 'owner_address'),
      contract: addrParam(r.params, 'contract_address'),
      originEnergyLimit: bigParam(r.params, 'origin_energy_limit'),
    }),
  broadcasttransaction: async (c, r) => {
    let tx: SignedTx;
    try {
      tx = signedTxFromJson(r.params);
    } catch (e) {
      if (e instanceof TxFormatError) return { code: 'OTHER_ERROR', message: utf8ToHex(`Error: ${e.message}`) };
      throw e;
    }
    return broadcast(c, tx);
  },
  broadcasthex: async (c, r) => {
    let tx: SignedTx;
    try {
      tx = signedTxFromHex(String(r.params.transaction ?? ''));
    } catch (e) {
      if (e instanceof TxFormatError)
        return { result: false, code: 'OTHER_ERROR', message: `Error: ${e.message}`, transaction: '', txid: '' };
      throw e;
    }
    const res = await c.broadcast(tx);
    const txJsonText = JSON.stringify(
      toVisible({
        visible: true,
        txID: tx.txID,
        raw_data: rawDataJson(tx.raw),
        raw_data_hex: tx.rawHex,
        signature: tx.signatures,
      }),
    );
    if (res.ok) return { result: true, code: 'SUCCESS', message: '', transaction: txJsonText, txid: tx.txID };
    return { result: false, code: res.code, message: res.message, transaction: txJsonText, txid: tx.txID };
  },
  getcontract: (c, r) => {
    const a = addrParam(r.params, 'value');
    const acct = c.account(a);
    if (!acct?.contract) return { Error: 'class java.lang.NullPointerException : null' };
    return contractJson(a, acct);
  },
  getcontractinfo: (c, r) => {
    const a = addrParam(r.params, 'value');
    const acct = c.account(a);
    if (!acct?.contract) return { Error: 'class java.lang.NullPointerException : null' };
    return {
      smart_contract: contractJson(a, acct),
      runtimecode: bytesToHex(acct.code ?? new Uint8Array()),
      contract_state: { energy_factor: 0, update_cycle: 0 },
    };
  },
  getchainparameters: (c) => ({ chainParameter: CHAIN_PARAMETERS(c) }),
  getbandwidthprices: (c) => ({ prices: `0:${c.options.transactionFee}` }),
  getenergyprices: (c) => ({ prices: `0:${c.options.energyPrice}` }),
  listnodes: () => ({ nodes: [] }),
  getnodeinfo: (c) => ({
    beginSyncNum: c.head.number,
    block: `Num:${c.head.number},ID:${c.head.id}`,
    solidityBlock: `Num:${c.solidifiedNumber},ID:${c.solidifiedBlock.id}`,
    currentConnectCount: 0,
    activeConnectCount: 0,
    passiveConnectCount: 0,
    totalFlow: 0,
    peerList: [],
    configNodeInfo: {
      codeVersion: 'blive-devnet',
      p2pVersion: String(c.chainId),
      listenPort: 0,
      discoverEnable: false,
      activeNodeSize: 0,
      passiveNodeSize: 0,
      sendNodeSize: 0,
      maxConnectCount: 0,
      sameIpMaxConnectCount: 0,
      backupListenPort: 0,
      backupMemberSize: 0,
      backupPriority: 0,
      dbVersion: 2,
      minParticipationRate: 0,
      supportConstant: true,
      minTimeRatio: 0,
      maxTimeRatio: 5,
      allowCreationOfContracts: 1,
      allowAdaptiveEnergy: 0,
    },
    machineInfo: {
      threadCount: 1,
      cpuCount: 2,
      totalMemory: process.memoryUsage().rss,
      freeMemory: 0,
      javaVersion: `node ${process.version}`,
      osName: process.platform,
      memoryDescInfoList: [],
      deadLockThreadInfoList: [],
    },
    cheatWitnessInfoMap: {},
  }),
};

/** Looks up a handler for `wallet/<name>` or `walletsolidity/<name>`. */
export function walletHandler(prefix: 'wallet' | 'walletsolidity', name: string): WalletHandler | undefined {
  const key = name.toLowerCase();
  return shared[key] ?? (prefix === 'wallet' ? fullOnly[key] : undefined);
}
