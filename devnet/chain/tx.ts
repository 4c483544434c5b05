// biome-ignore-all lint/suspicious/noExplicitAny: tronweb's protobuf classes (google-protobuf JS on globalThis.TronWebProto) ship no type declarations
/**
 * TRON transactions in and out of protobuf, through tronweb's own generated classes so the bytes
 * (and therefore the txID a client computes) match what TronWeb builds and checks.
 */
import { utils as tronUtils } from 'tronweb';
import { sha256 } from '@noble/hashes/sha2.js';
import secp256k1 from 'secp256k1';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { signedTxBytes } from '../../lib/txSize.js';
import { type StakeValue, decodeStakeValue, stakeKindOf, stakeValueJson } from './stakeTx.js';

// Importing tronweb registers its protobuf classes on globalThis.TronWebProto.
const P = (globalThis as any).TronWebProto as Record<string, any>;
if (!P?.Transaction) throw new Error('tronweb did not register its protobuf classes');

/** Contract type numbers of the contracts the devnet executes. */
export const ContractType = {
  TransferContract: 1,
  CreateSmartContract: 30,
  TriggerSmartContract: 31,
} as const;

const TYPE_NAMES: Record<number, string> = {
  0: 'AccountCreateContract',
  1: 'TransferContract',
  2: 'TransferAssetContract',
  4: 'VoteWitnessContract',
  5: 'WitnessCreateContract',
  6: 'AssetIssueContract',
  8: 'WitnessUpdateContract',
  9: 'ParticipateAssetIssueContract',
  10: 'AccountUpdateContract',
  11: 'FreezeBalanceContract',
  12: 'UnfreezeBalanceContract',
  13: 'WithdrawBalanceContract',
  15: 'UpdateAssetContract',
  16: 'ProposalCreateContract',
  17: 'ProposalApproveContract',
  18: 'ProposalDeleteContract',
  19: 'SetAccountIdContract',
  30: 'CreateSmartContract',
  31: 'TriggerSmartContract',
  33: 'UpdateSettingContract',
  41: 'ExchangeCreateContract',
  42: 'ExchangeInjectContract',
  43: 'ExchangeWithdrawContract',
  44: 'ExchangeTransactionContract',
  45: 'UpdateEnergyLimitContract',
  46: 'AccountPermissionUpdateContract',
  48: 'ClearABIContract',
  49: 'UpdateBrokerageContract',
  54: 'FreezeBalanceV2Contract',
  55: 'UnfreezeBalanceV2Contract',
  56: 'WithdrawExpireUnfreezeContract',
  57: 'DelegateResourceContract',
  58: 'UnDelegateResourceContract',
  59: 'CancelAllUnfreezeV2Contract',
};

export interface AbiParam {
  indexed?: boolean;
  name?: string;
  type: string;
}

export interface AbiEntry {
  anonymous?: boolean;
  constant?: boolean;
  name?: string;
  inputs?: AbiParam[];
  outputs?: AbiParam[];
  type?: string;
  payable?: boolean;
  stateMutability?: string;
}

export interface TransferValue {
  kind: 'TransferContract';
  owner: string;
  to: string;
  amount: bigint;
}

export interface TriggerValue {
  kind: 'TriggerSmartContract';
  owner: string;
  contract: string;
  callValue: bigint;
  data: string;
  callTokenValue: bigint;
  tokenId: bigint;
}

export interface CreateValue {
  kind: 'CreateSmartContract';
  owner: string;
  origin: string;
  abi: AbiEntry[];
  bytecode: string;
  callValue: bigint;
  consumeUserResourcePercent: number;
  originEnergyLimit: bigint;
  name: string;
  callTokenValue: bigint;
  tokenId: bigint;
}

export interface UnsupportedValue {
  kind: 'Unsupported';
  typeName: string;
  owner: string;
}

export type ContractValue = TransferValue | TriggerValue | CreateValue | StakeValue | UnsupportedValue;

/** A decoded `Transaction.raw`. Addresses are 21-byte hex (`41...`). */
export interface DecodedRaw {
  refBlockBytes: string;
  refBlockHash: string;
  expiration: number;
  timestamp: number;
  feeLimit: number;
  data: string;
  permissionId: number;
  typeCode: number;
  value: ContractValue;
}

/** A signed transaction as the devnet stores it. */
export interface SignedTx {
  txID: string;
  rawHex: string;
  signatures: string[];
  raw: DecodedRaw;
}

const ENTRY_TYPES = ['UnknownEntryType', 'Constructor', 'Function', 'Event', 'Fallback', 'Receive', 'Error'];
const MUTABILITY = ['UnknownMutabilityType', 'Pure', 'View', 'Nonpayable', 'Payable'];

function hex(u8: Uint8Array): string {
  return bytesToHex(u8);
}

function big(v: number | string | undefined): bigint {
  return BigInt(v ?? 0);
}

function decodeAbi(abiPb: any): AbiEntry[] {
  if (!abiPb) return [];
  const param = (p: any): AbiParam => {
    const out: AbiParam = { type: p.getType() };
    if (p.getIndexed()) out.indexed = true;
    if (p.getName()) out.name = p.getName();
    return out;
  };
  return abiPb.getEntrysList().map((e: any): AbiEntry => {
    const out: AbiEntry = {};
    if (e.getAnonymous()) out.anonymous = true;
    if (e.getConstant()) out.constant = true;
    if (e.getName()) out.name = e.getName();
    const inputs = e.getInputsList();
    if (inputs.length) out.inputs = inputs.map(param);
    const outputs = e.getOutputsList();
    if (outputs.length) out.outputs = outputs.map(param);
    if (e.getType()) out.type = ENTRY_TYPES[e.getType()] ?? 'UnknownEntryType';
    if (e.getPayable()) out.payable = true;
    if (e.getStatemutability()) out.stateMutability = MUTABILITY[e.getStatemutability()] ?? 'UnknownMutabilityType';
    return out;
  });
}

function decodeValue(typeCode: number, bytes: Uint8Array): ContractValue {
  switch (typeCode) {
    case ContractType.TransferContract: {
      const m = P.TransferContract.deserializeBinary(bytes);
      return {
        kind: 'TransferContract',
        owner: hex(m.getOwnerAddress_asU8()),
        to: hex(m.getToAddress_asU8()),
        amount: big(m.getAmount()),
      };
    }
    case ContractType.TriggerSmartContract: {
      const m = P.TriggerSmartContract.deserializeBinary(bytes);
      return {
        kind: 'TriggerSmartContract',
        owner: hex(m.getOwnerAddress_asU8()),
        contract: hex(m.getContractAddress_asU8()),
        callValue: big(m.getCallValue()),
        data: hex(m.getData_asU8()),
        callTokenValue: big(m.getCallTokenValue()),
        tokenId: big(m.getTokenId()),
      };
    }
    case ContractType.CreateSmartContract: {
      const m = P.CreateSmartContract.deserializeBinary(bytes);
      const sc = m.getNewContract();
      return {
        kind: 'CreateSmartContract',
        owner: hex(m.getOwnerAddress_asU8()),
        origin: hex(sc?.getOriginAddress_asU8() ?? new Uint8Array()),
        abi: decodeAbi(sc?.getAbi()),
        bytecode: hex(sc?.getBytecode_asU8() ?? new Uint8Array()),
        callValue: big(sc?.getCallValue()),
        consumeUserResourcePercent: Number(sc?.getConsumeUserResourcePercent() ?? 0),
        originEnergyLimit: big(sc?.getOriginEnergyLimit()),
        name: sc?.getName() ?? '',
        callTokenValue: big(m.getCallTokenValue()),
        tokenId: big(m.getTokenId()),
      };
    }
    default: {
      const stakeKind = stakeKindOf(typeCode);
      if (stakeKind) return decodeStakeValue(stakeKind, bytes);
      const typeName = TYPE_NAMES[typeCode] ?? `ContractType(${typeCode})`;
      let owner = '';
      const cls = P[typeName];
      if (cls?.deserializeBinary) {
        try {
          owner = hex(cls.deserializeBinary(bytes).getOwnerAddress_asU8());
        } catch {
          owner = '';
        }
      }
      return { kind: 'Unsupported', typeName, owner };
    }
  }
}

/** Error raised when bytes or JSON do not form a transaction. */
export class TxFormatError extends Error {}

/** Decodes `Transaction.raw` bytes. */
export function decodeRaw(rawBytes: Uint8Array): DecodedRaw {
  let raw: any;
  try {
    raw = P.Transaction.raw.deserializeBinary(rawBytes);
  } catch (e) {
    throw new TxFormatError(`cannot decode raw_data: ${(e as Error).message}`);
  }
  const contracts = raw.getContractList();
  if (contracts.length !== 1) throw new TxFormatError('a transaction must carry exactly one contract');
  const c = contracts[0];
  const any = c.getParameter();
  const typeCode = c.getType();
  return {
    refBlockBytes: hex(raw.getRefBlockBytes_asU8()),
    refBlockHash: hex(raw.getRefBlockHash_asU8()),
    expiration: Number(raw.getExpiration()),
    timestamp: Number(raw.getTimestamp()),
    feeLimit: Number(raw.getFeeLimit()),
    data: hex(raw.getData_asU8()),
    permissionId: c.getPermissionId(),
    typeCode,
    value: decodeValue(typeCode, any ? any.getValue_asU8() : new Uint8Array()),
  };
}

/** Builds a signed transaction from the JSON a client broadcasts (`raw_data` is authoritative, as in java-tron). */
export function signedTxFromJson(json: any): SignedTx {
  if (!json || typeof json !== 'object' || !json.raw_data?.contract?.[0]) {
    throw new TxFormatError('transaction has no raw_data.contract');
  }
  let rawBytes: Uint8Array;
  try {
    rawBytes = tronUtils.transaction.txJsonToPb(json).getRawData().serializeBinary();
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    throw new TxFormatError(
      msg.startsWith('Unsupported transaction type')
        ? `contract type ${json.raw_data.contract[0].type} is not supported by the devnet`
        : `invalid transaction JSON: ${msg}`,
    );
  }
  const signatures = Array.isArray(json.signature)
    ? json.signature.map((s: unknown) => String(s).replace(/^0x/, '').toLowerCase())
    : [];
  return fromRaw(rawBytes, signatures);
}

/** Builds a signed transaction from a hex-encoded protobuf `Transaction`. */
export function signedTxFromHex(txHex: string): SignedTx {
  let tx: any;
  try {
    tx = P.Transaction.deserializeBinary(hexToBytes(txHex));
  } catch (e) {
    throw new TxFormatError(`cannot decode transaction: ${(e as Error).message}`);
  }
  const raw = tx.getRawData();
  if (!raw) throw new TxFormatError('transaction has no raw_data');
  const signatures: string[] = tx.getSignatureList_asU8().map((s: Uint8Array) => hex(s));
  return fromRaw(raw.serializeBinary(), signatures);
}

function fromRaw(rawBytes: Uint8Array, signatures: string[]): SignedTx {
  return { txID: hex(sha256(rawBytes)), rawHex: hex(rawBytes), signatures, raw: decodeRaw(rawBytes) };
}

/** Serialized size of the signed transaction, as java-tron counts bandwidth (without `ret`). */
export function signedTxSize(tx: SignedTx): number {
  return signedTxBytes(
    tx.rawHex.length / 2,
    tx.signatures.map((s) => s.length / 2),
  );
}

function varintHex(n: number): string {
  let out = '';
  while (n >= 0x80) {
    out += ((n % 128) | 0x80).toString(16).padStart(2, '0');
    n = Math.floor(n / 128);
  }
  return out + n.toString(16).padStart(2, '0');
}

/** Hex protobuf of the whole signed transaction (`raw_data` = field 1, `signature` = field 2). */
export function signedTxHex(tx: SignedTx): string {
  let out = `0a${varintHex(tx.rawHex.length / 2)}${tx.rawHex}`;
  for (const s of tx.signatures) out += `12${varintHex(s.length / 2)}${s}`;
  return out;
}

/**
 * Recovers the `41...` address that produced a 65-byte `r||s||v` signature over a txID.
 * Returns undefined for a malformed signature.
 */
export function recoverSigner(txID: string, signature: string): string | undefined {
  try {
    const sig = hexToBytes(signature);
    if (sig.length !== 65) return undefined;
    let v = sig[64]!;
    if (v >= 27) v -= 27;
    if (v > 3) return undefined;
    const pub = secp256k1.ecdsaRecover(sig.slice(0, 64), v, hexToBytes(txID), false);
    return `41${hex(keccak_256(pub.slice(1))).slice(24)}`;
  } catch {
    return undefined;
  }
}

/** Signs a txID with a private key, as TronWeb does (`r||s||v`, v 27/28). */
export function signTxID(txID: string, privateKey: string): string {
  const { signature, recid } = secp256k1.ecdsaSign(hexToBytes(txID), hexToBytes(privateKey));
  return hex(signature) + (27 + recid).toString(16).padStart(2, '0');
}

function abiToJson(abi: AbiEntry[]): { entrys?: AbiEntry[] } {
  return abi.length ? { entrys: abi } : {};
}

/** The java-tron JSON of a contract parameter value (hex addresses, protobuf defaults omitted). */
export function contractValueJson(v: ContractValue): Record<string, unknown> {
  switch (v.kind) {
    case 'TransferContract':
      return { amount: Number(v.amount), owner_address: v.owner, to_address: v.to };
    case 'TriggerSmartContract':
      return {
        ...(v.data ? { data: v.data } : {}),
        owner_address: v.owner,
        contract_address: v.contract,
        ...(v.callValue ? { call_value: Number(v.callValue) } : {}),
        ...(v.callTokenValue ? { call_token_value: Number(v.callTokenValue) } : {}),
        ...(v.tokenId ? { token_id: Number(v.tokenId) } : {}),
      };
    case 'CreateSmartContract':
      return {
        owner_address: v.owner,
        new_contract: {
          ...(v.bytecode ? { bytecode: v.bytecode } : {}),
          ...(v.consumeUserResourcePercent ? { consume_user_resource_percent: v.consumeUserResourcePercent } : {}),
          ...(v.name ? { name: v.name } : {}),
          origin_address: v.origin,
          abi: abiToJson(v.abi),
          ...(v.originEnergyLimit ? { origin_energy_limit: Number(v.originEnergyLimit) } : {}),
          ...(v.callValue ? { call_value: Number(v.callValue) } : {}),
        },
        ...(v.callTokenValue ? { call_token_value: Number(v.callTokenValue) } : {}),
        ...(v.tokenId ? { token_id: Number(v.tokenId) } : {}),
      };
    case 'Unsupported':
      return { owner_address: v.owner };
    default:
      return stakeValueJson(v);
  }
}

/** The java-tron JSON of `raw_data`. */
export function rawDataJson(raw: DecodedRaw): Record<string, unknown> {
  const typeName = raw.value.kind === 'Unsupported' ? raw.value.typeName : raw.value.kind;
  return {
    contract: [
      {
        parameter: { value: contractValueJson(raw.value), type_url: `type.googleapis.com/protocol.${typeName}` },
        type: typeName,
        ...(raw.permissionId ? { Permission_id: raw.permissionId } : {}),
      },
    ],
    ref_block_bytes: raw.refBlockBytes,
    ref_block_hash: raw.refBlockHash,
    expiration: raw.expiration,
    ...(raw.feeLimit ? { fee_limit: raw.feeLimit } : {}),
    ...(raw.data ? { data: raw.data } : {}),
    ...(raw.timestamp ? { timestamp: raw.timestamp } : {}),
  };
}

/**
 * Builds an unsigned transaction the way java-tron's `wallet/triggersmartcontract` does, returning
 * the JSON TronWeb expects (its `txCheckWithArgs` re-encodes it from the request arguments).
 */
export function buildUnsignedJson(
  typeName: 'TriggerSmartContract' | 'TransferContract' | StakeValue['kind'],
  value: Record<string, unknown>,
  header: { refBlockBytes: string; refBlockHash: string; expiration: number; timestamp: number; feeLimit?: number },
  permissionId?: number,
): { visible: false; txID: string; raw_data: Record<string, unknown>; raw_data_hex: string } {
  const raw_data: Record<string, unknown> = {
    contract: [
      {
        parameter: { value, type_url: `type.googleapis.com/protocol.${typeName}` },
        type: typeName,
        ...(permissionId ? { Permission_id: permissionId } : {}),
      },
    ],
    ref_block_bytes: header.refBlockBytes,
    ref_block_hash: header.refBlockHash,
    expiration: header.expiration,
    ...(header.feeLimit ? { fee_limit: header.feeLimit } : {}),
    timestamp: header.timestamp,
  };
  const tx = { visible: false as const, txID: '', raw_data, raw_data_hex: '' };
  const pb = tronUtils.transaction.txJsonToPb(tx);
  tx.raw_data_hex = tronUtils.transaction.txPbToRawDataHex(pb).toLowerCase();
  tx.txID = tronUtils.transaction.txPbToTxID(pb).replace(/^0x/, '');
  return tx;
}

/** TRON's deployment address: `41` + last 20 bytes of keccak256(txID || owner). */
export function deployedAddress(txID: string, owner: string): string {
  return `41${hex(keccak_256(hexToBytes(txID + owner))).slice(24)}`;
}

/** Internal CREATE address: keccak256(root txID || 8-byte nonce), as TVM derives it. */
export function internalCreateAddress(txID: string, nonce: number): string {
  return `41${hex(keccak_256(hexToBytes(txID + nonce.toString(16).padStart(16, '0')))).slice(24)}`;
}
