/**
 * The devnet chain's data shapes and options: what the HTTP layer, persistence and the chain's
 * modules exchange. chain.ts re-exports them, so callers import them from there.
 */
import type { TxRejected } from './errors.js';
import type { UndoLog } from './state.js';
import type { SignedTx } from './tx.js';
import type { ContractRet, InternalTx, VmLog } from './vm.js';

/** Settings of a chain; every field has a default in `resolveChainOptions`. */
export interface ChainOptions {
  /** Milliseconds between blocks; 0 seals a block for every accepted transaction. */
  blockTimeMs: number;
  /** How many blocks the solidified head trails the head. */
  solidityLag: number;
  /** Sun burned per unit of energy (java-tron's getEnergyFee). */
  energyPrice: bigint;
  /** CHAINID; by default the last 4 bytes of the genesis block id, as on TRON. */
  chainId?: bigint;
  /** Funded accounts at genesis (`41...` addresses) and their balance in sun. */
  genesisAccounts: { address: string; balance: bigint }[];
  /** Private key of the single block producer (a deterministic devnet key). */
  witnessKey: string;
  witnessAddress: string;
  maxFeeLimit: bigint;
  freeNetLimit: number;
  /** Sun per byte when free bandwidth is used up (getTransactionFee). */
  transactionFee: bigint;
  createAccountFee: bigint;
  createNewAccountFeeInSystemContract: bigint;
  /** Energy limit of constant calls (java-tron's maxEnergyLimitForConstant). */
  constantEnergyLimit: bigint;
  /** Energy the whole network's stake shares each 24 hours (getTotalEnergyLimit). */
  totalEnergyLimit: bigint;
  /** Bandwidth the whole network's stake shares each 24 hours (getTotalNetLimit). */
  totalNetLimit: bigint;
  /** Days an unfrozen amount waits before it can be withdrawn (getUnfreezeDelayDays). */
  unfreezeDelayDays: number;
  /** Wall clock in milliseconds; tests may replace it. */
  clock: () => number;
}

export const TRX = 1_000_000n;

export function resolveChainOptions(
  o: Partial<ChainOptions> & Pick<ChainOptions, 'witnessKey' | 'witnessAddress'>,
): ChainOptions {
  return {
    blockTimeMs: 3000,
    solidityLag: 1,
    energyPrice: 210n,
    genesisAccounts: [],
    maxFeeLimit: 15_000n * TRX,
    freeNetLimit: 600,
    transactionFee: 1000n,
    createAccountFee: 100_000n,
    createNewAccountFeeInSystemContract: TRX,
    constantEnergyLimit: 100_000_000n,
    totalEnergyLimit: 180_000_000_000n,
    totalNetLimit: 43_200_000_000n,
    unfreezeDelayDays: 14,
    clock: Date.now,
    ...o,
  };
}

/** java-tron's `TransactionInfo` JSON (hex addresses). */
export interface TxInfo {
  id: string;
  fee?: number;
  blockNumber: number;
  blockTimeStamp: number;
  contractResult: string[];
  contract_address?: string;
  receipt: Record<string, number | string>;
  log?: VmLog[];
  result?: 'FAILED';
  resMessage?: string;
  internal_transactions?: InternalTx[];
}

export interface TxRecord {
  tx: SignedTx;
  info: TxInfo;
  ret: ContractRet;
}

export interface Block {
  number: number;
  id: string;
  parentHash: string;
  timestamp: number;
  txTrieRoot: string;
  witness: string;
  witnessSignature: string;
  txs: TxRecord[];
  /** State changes made in this block, to undo it; dropped once no reorg or snapshot can reach it. */
  undo: UndoLog | undefined;
}

/** One contract event in chain order. */
export interface EventRecord {
  blockNumber: number;
  blockTimestamp: number;
  txID: string;
  txIndex: number;
  /** Index of the log within its transaction (TronGrid's `event_index`). */
  logIndex: number;
  /** `41...` address of the emitting contract. */
  contract: string;
  topics: string[];
  data: string;
}

export type BroadcastResult =
  | { ok: true; txid: string }
  | { ok: false; txid: string; code: TxRejected['code']; message: string };

export interface ReorgOptions {
  /** Transactions of the replaced blocks left out of the new branch. */
  drop?: string[];
  /** Order of the replayed transactions: as they were, reversed, or an explicit list of txIDs. */
  order?: 'same' | 'reverse' | string[];
  /** How many more blocks the new branch has than the replaced one (default 1, so it is longer). */
  extraBlocks?: number;
}

export interface ReorgResult {
  removed: string[];
  added: string[];
  replayed: string[];
  dropped: string[];
}

/** Arguments of a contract call, as the HTTP API decodes them. */
export interface CallArgs {
  owner: string;
  contract: string;
  data: string;
  callValue: bigint;
  callTokenValue?: bigint;
  tokenId?: bigint;
  feeLimit?: number;
  permissionId?: number;
}

export interface ConstantResult {
  ret: ContractRet;
  energyUsed: bigint;
  returnData: string;
  logs: VmLog[];
  message: string | undefined;
}
