// biome-ignore-all lint/suspicious/noExplicitAny: tronweb's protobuf classes (google-protobuf JS on globalThis.TronWebProto) ship no type declarations
/**
 * The Stake 2.0 and contract-setting transactions in and out of protobuf and java-tron's JSON:
 * FreezeBalanceV2, UnfreezeBalanceV2, WithdrawExpireUnfreeze, DelegateResource,
 * UnDelegateResource, CancelAllUnfreezeV2, UpdateSetting and UpdateEnergyLimit. tx.ts decodes
 * through here.
 */
import { bytesToHex } from './hex.js';

const P = (globalThis as any).TronWebProto as Record<string, any>;

/** Contract type numbers of these transactions. */
export const StakeContractType = {
  UpdateSettingContract: 33,
  UpdateEnergyLimitContract: 45,
  FreezeBalanceV2Contract: 54,
  UnfreezeBalanceV2Contract: 55,
  WithdrawExpireUnfreezeContract: 56,
  DelegateResourceContract: 57,
  UnDelegateResourceContract: 58,
  CancelAllUnfreezeV2Contract: 59,
} as const;

export type StakeKind = keyof typeof StakeContractType;

const RESOURCE_NAMES = ['BANDWIDTH', 'ENERGY', 'TRON_POWER'];

/** A resource code as java-tron prints it; unknown codes keep their number. */
function resourceName(code: number): string {
  return RESOURCE_NAMES[code] ?? String(code);
}

export interface FreezeV2Value {
  kind: 'FreezeBalanceV2Contract';
  owner: string;
  amount: bigint;
  resource: string;
}

export interface UnfreezeV2Value {
  kind: 'UnfreezeBalanceV2Contract';
  owner: string;
  amount: bigint;
  resource: string;
}

export interface WithdrawExpireValue {
  kind: 'WithdrawExpireUnfreezeContract';
  owner: string;
}

export interface DelegateValue {
  kind: 'DelegateResourceContract';
  owner: string;
  receiver: string;
  amount: bigint;
  resource: string;
  lock: boolean;
  /** Blocks (3 s each) the delegation stays locked; 0 means java-tron's default of 3 days. */
  lockPeriod: number;
}

export interface UndelegateValue {
  kind: 'UnDelegateResourceContract';
  owner: string;
  receiver: string;
  amount: bigint;
  resource: string;
}

export interface CancelUnfreezeValue {
  kind: 'CancelAllUnfreezeV2Contract';
  owner: string;
}

export interface UpdateSettingValue {
  kind: 'UpdateSettingContract';
  owner: string;
  contract: string;
  consumeUserResourcePercent: bigint;
}

export interface UpdateEnergyLimitValue {
  kind: 'UpdateEnergyLimitContract';
  owner: string;
  contract: string;
  originEnergyLimit: bigint;
}

export type StakeValue =
  | FreezeV2Value
  | UnfreezeV2Value
  | WithdrawExpireValue
  | DelegateValue
  | UndelegateValue
  | CancelUnfreezeValue
  | UpdateSettingValue
  | UpdateEnergyLimitValue;

const KINDS = new Map<number, StakeKind>(
  Object.entries(StakeContractType).map(([k, v]) => [v, k as StakeKind] as [number, StakeKind]),
);

/** The kind of a contract type number, when it is one of these. */
export function stakeKindOf(typeCode: number): StakeKind | undefined {
  return KINDS.get(typeCode);
}

/** Decodes the parameter bytes of one of these contracts. */
export function decodeStakeValue(kind: StakeKind, bytes: Uint8Array): StakeValue {
  const m = P[kind].deserializeBinary(bytes);
  const owner = bytesToHex(m.getOwnerAddress_asU8());
  switch (kind) {
    case 'FreezeBalanceV2Contract':
      return { kind, owner, amount: BigInt(m.getFrozenBalance()), resource: resourceName(m.getResource()) };
    case 'UnfreezeBalanceV2Contract':
      return { kind, owner, amount: BigInt(m.getUnfreezeBalance()), resource: resourceName(m.getResource()) };
    case 'WithdrawExpireUnfreezeContract':
    case 'CancelAllUnfreezeV2Contract':
      return { kind, owner };
    case 'DelegateResourceContract':
      return {
        kind,
        owner,
        receiver: bytesToHex(m.getReceiverAddress_asU8()),
        amount: BigInt(m.getBalance()),
        resource: resourceName(m.getResource()),
        lock: m.getLock(),
        lockPeriod: Number(m.getLockPeriod()),
      };
    case 'UnDelegateResourceContract':
      return {
        kind,
        owner,
        receiver: bytesToHex(m.getReceiverAddress_asU8()),
        amount: BigInt(m.getBalance()),
        resource: resourceName(m.getResource()),
      };
    case 'UpdateSettingContract':
      return {
        kind,
        owner,
        contract: bytesToHex(m.getContractAddress_asU8()),
        consumeUserResourcePercent: BigInt(m.getConsumeUserResourcePercent()),
      };
    case 'UpdateEnergyLimitContract':
      return {
        kind,
        owner,
        contract: bytesToHex(m.getContractAddress_asU8()),
        originEnergyLimit: BigInt(m.getOriginEnergyLimit()),
      };
  }
}

/** java-tron's printing of a resource field: BANDWIDTH is the default and left out. */
function resourceJson(resource: string): Record<string, unknown> {
  if (resource === 'BANDWIDTH') return {};
  return { resource: /^\d+$/.test(resource) ? Number(resource) : resource };
}

/** The java-tron JSON of one of these contracts (hex addresses, protobuf defaults omitted). */
export function stakeValueJson(v: StakeValue): Record<string, unknown> {
  switch (v.kind) {
    case 'FreezeBalanceV2Contract':
      return {
        owner_address: v.owner,
        ...(v.amount ? { frozen_balance: Number(v.amount) } : {}),
        ...resourceJson(v.resource),
      };
    case 'UnfreezeBalanceV2Contract':
      return {
        owner_address: v.owner,
        ...(v.amount ? { unfreeze_balance: Number(v.amount) } : {}),
        ...resourceJson(v.resource),
      };
    case 'WithdrawExpireUnfreezeContract':
    case 'CancelAllUnfreezeV2Contract':
      return { owner_address: v.owner };
    case 'DelegateResourceContract':
      return {
        owner_address: v.owner,
        ...resourceJson(v.resource),
        ...(v.amount ? { balance: Number(v.amount) } : {}),
        receiver_address: v.receiver,
        ...(v.lock ? { lock: true } : {}),
        ...(v.lockPeriod ? { lock_period: v.lockPeriod } : {}),
      };
    case 'UnDelegateResourceContract':
      return {
        owner_address: v.owner,
        ...resourceJson(v.resource),
        ...(v.amount ? { balance: Number(v.amount) } : {}),
        receiver_address: v.receiver,
      };
    case 'UpdateSettingContract':
      return {
        owner_address: v.owner,
        contract_address: v.contract,
        ...(v.consumeUserResourcePercent
          ? { consume_user_resource_percent: Number(v.consumeUserResourcePercent) }
          : {}),
      };
    case 'UpdateEnergyLimitContract':
      return {
        owner_address: v.owner,
        contract_address: v.contract,
        ...(v.originEnergyLimit ? { origin_energy_limit: Number(v.originEnergyLimit) } : {}),
      };
  }
}
