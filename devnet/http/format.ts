/** java-tron's JSON shapes for blocks, transactions, accounts and contracts. */
import type { Block, Chain, TxRecord } from '../chain/chain.js';
import type { AccountRecord } from '../chain/state.js';
import { rawDataJson } from '../chain/tx.js';
import { bytesToHex } from '../chain/hex.js';
import { toBase58 } from '../../lib/address.js';
import { stakeAccountJson } from '../chain/stake.js';

type Json = Record<string, unknown>;

/** A transaction as it appears in blocks and `gettransactionbyid`. */
export function txJson(r: TxRecord): Json {
  return {
    ret: [{ contractRet: r.ret }],
    signature: r.tx.signatures,
    txID: r.tx.txID,
    raw_data: rawDataJson(r.tx.raw),
    raw_data_hex: r.tx.rawHex,
  };
}

/** A block; `detail: false` leaves the transactions out, as `wallet/getblock` does. */
export function blockJson(b: Block, detail = true): Json {
  return {
    blockID: b.id,
    block_header: {
      raw_data: {
        ...(b.number ? { number: b.number } : {}),
        txTrieRoot: b.txTrieRoot,
        witness_address: b.witness,
        parentHash: b.parentHash,
        version: 32,
        ...(b.timestamp ? { timestamp: b.timestamp } : {}),
      },
      witness_signature: b.witnessSignature,
    },
    ...(detail && b.txs.length ? { transactions: b.txs.map(txJson) } : {}),
  };
}

/** `getaccount`: `{}` for an account that does not exist. */
export function accountJson(chain: Chain, addr41: string, r: AccountRecord | undefined, solid: boolean): Json {
  if (!r) return {};
  const out: Json = { address: addr41 };
  if (r.balance) out.balance = Number(r.balance);
  if (r.createTime) out.create_time = r.createTime;
  if (r.latestOperationTime) out.latest_opration_time = r.latestOperationTime;
  const free = chain.freeNetAvailable(addr41, solid);
  if (free.used) out.free_net_usage = free.used;
  if (r.latestConsumeFreeTime) out.latest_consume_free_time = r.latestConsumeFreeTime * 3000;
  if (r.code?.length) {
    out.type = 'Contract';
    out.codeHash = bytesToHex(r.codeHash);
  }
  const stake = stakeAccountJson(r.stake);
  Object.assign(out, stake.top);
  out.net_window_size = 28_800_000;
  out.net_window_optimized = true;
  out.account_resource = { ...stake.resource, energy_window_size: 28_800_000, energy_window_optimized: true };
  out.owner_permission = { permission_name: 'owner', threshold: 1, keys: [{ address: addr41, weight: 1 }] };
  out.active_permission = [
    {
      type: 'Active',
      id: 2,
      permission_name: 'active',
      threshold: 1,
      operations: '7fff1fc0033efb0f000000000000000000000000000000000000000000000000',
      keys: [{ address: addr41, weight: 1 }],
    },
  ];
  return out;
}

/** `getcontract`: java-tron's SmartContract JSON. */
export function contractJson(addr41: string, r: AccountRecord): Json {
  const m = r.contract!;
  return {
    origin_address: m.origin,
    contract_address: addr41,
    abi: m.abi.length ? { entrys: m.abi } : {},
    bytecode: m.bytecode ?? bytesToHex(r.code ?? new Uint8Array()),
    ...(m.consumeUserResourcePercent ? { consume_user_resource_percent: m.consumeUserResourcePercent } : {}),
    ...(m.name ? { name: m.name } : {}),
    origin_energy_limit: Number(m.originEnergyLimit),
    code_hash: bytesToHex(r.codeHash),
    trx_hash: m.txID,
  };
}

const ADDRESS_KEYS = new Set([
  'owner_address',
  'to_address',
  'contract_address',
  'origin_address',
  'address',
  'witness_address',
  'caller_address',
  'transferTo_address',
  'receiver_address',
  // DelegatedResource (getdelegatedresourcev2).
  'from',
  'to',
  'account',
  'fromAccounts',
  'toAccounts',
]);
const TEXT_KEYS = new Set(['message', 'resMessage']);

/** Rewrites hex addresses as base58 and hex messages as text, as java-tron does for `visible=true`. */
export function toVisible(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => toVisible(v, key));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) out[k] = toVisible(v, k);
    if ('raw_data' in out) out.visible = true;
    return out;
  }
  if (typeof value === 'string') {
    if (ADDRESS_KEYS.has(key)) {
      if (/^41[0-9a-f]{40}$/.test(value)) return toBase58(value);
      if (key === 'address' && /^[0-9a-f]{40}$/.test(value)) return toBase58(`41${value}`);
    }
    if (TEXT_KEYS.has(key) && /^([0-9a-f]{2})*$/.test(value)) return Buffer.from(value, 'hex').toString('utf8');
  }
  return value;
}

/** Int32 fields that stay numbers under `int64_as_string`. */
const INT32_KEYS = new Set(['version', 'consume_user_resource_percent', 'id', 'threshold', 'weight', 'event_index']);

/** java-tron's `int64_as_string=true`: every int64 value printed as a string. */
export function int64AsString(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => int64AsString(v, key));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) out[k] = int64AsString(v, k);
    return out;
  }
  if (typeof value === 'number' && Number.isInteger(value) && !INT32_KEYS.has(key)) return String(value);
  return value;
}
