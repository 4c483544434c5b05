import { Account, type Address, KECCAK256_NULL, bytesToHex } from '@ethereumjs/util';
import type { AccountFields, StateManagerInterface, StorageDump } from '@ethereumjs/common';
import { keccak_256 } from '@noble/hashes/sha3.js';

/**
 * One account of the world state. Records are immutable: every write replaces the record, so an
 * undo entry can hold the previous record by reference.
 */
export interface AccountRecord {
  readonly balance: bigint;
  readonly nonce: bigint;
  readonly code: Uint8Array | undefined;
  readonly codeHash: Uint8Array;
  /** TRON account metadata (milliseconds and bandwidth units), not visible to the EVM. */
  readonly createTime: number;
  readonly netUsage: number;
  readonly latestConsumeFreeTime: number;
  readonly latestOperationTime: number;
  /** Set on contract accounts created by CreateSmartContract. */
  readonly contract?: ContractMeta;
  /** Stake 2.0: frozen TRX, delegations and staked resource usage; absent until the account stakes. */
  readonly stake?: StakeRecord;
}

/** A resource TRX can be frozen for. */
export type Resource = 'BANDWIDTH' | 'ENERGY';

/** An unfrozen amount waiting for its expiry (java-tron's `unfrozenV2`). */
export interface Unfreezing {
  readonly resource: Resource;
  readonly amount: bigint;
  /** Milliseconds of chain time from which `withdrawexpireunfreeze` returns it. */
  readonly expireTime: number;
}

/** What one account delegates to one receiver for one resource (java-tron's DelegatedResource). */
export interface Delegation {
  readonly to: string;
  readonly resource: Resource;
  /** Undelegatable at any time. */
  readonly amount: bigint;
  /** Delegated with `lock`: undelegatable from `lockExpireTime` on. */
  readonly locked: bigint;
  readonly lockExpireTime: number;
}

/**
 * An account's Stake 2.0 state. Amounts in sun; usages in resource units; times in 3-second
 * slots like `latestConsumeFreeTime`. Invariant: frozen amounts exclude what is delegated out,
 * which `delegated*` holds and the receiver's `acquired*` mirrors.
 */
export interface StakeRecord {
  readonly frozenEnergy: bigint;
  readonly frozenNet: bigint;
  readonly delegatedEnergy: bigint;
  readonly delegatedNet: bigint;
  readonly acquiredEnergy: bigint;
  readonly acquiredNet: bigint;
  readonly unfreezing: readonly Unfreezing[];
  /** Outgoing delegations, one per receiver and resource. */
  readonly delegations: readonly Delegation[];
  readonly energyUsage: bigint;
  readonly latestConsumeTimeForEnergy: number;
  /** Staked bandwidth used (free bandwidth is `netUsage` on the account). */
  readonly netUsage: bigint;
  readonly latestConsumeTime: number;
}

export const EMPTY_STAKE: StakeRecord = {
  frozenEnergy: 0n,
  frozenNet: 0n,
  delegatedEnergy: 0n,
  delegatedNet: 0n,
  acquiredEnergy: 0n,
  acquiredNet: 0n,
  unfreezing: [],
  delegations: [],
  energyUsage: 0n,
  latestConsumeTimeForEnergy: 0,
  netUsage: 0n,
  latestConsumeTime: 0,
};

/** The stake of an account, empty when it has none. */
export function stakeOf(r: AccountRecord | undefined): StakeRecord {
  return r?.stake ?? EMPTY_STAKE;
}

/** What java-tron keeps about a deployed contract besides its code. */
export interface ContractMeta {
  readonly abi: import('./tx.js').AbiEntry[];
  readonly name: string;
  readonly origin: string;
  readonly consumeUserResourcePercent: number;
  readonly originEnergyLimit: bigint;
  readonly txID: string;
  /** Creation bytecode as deployed: java-tron's SmartContract.bytecode (the runtime code is kept apart). */
  readonly bytecode?: string;
}

/** Key of a state entry in an undo log: `a:<addr>` for an account, `s:<addr>:<slot>` for storage. */
type UndoKey = string;
/** Previous value of an entry; `undefined` means the entry did not exist. */
type UndoValue = AccountRecord | Uint8Array | undefined;
/** Map from entry to its value before the first write inside one journal level. */
export type UndoLog = Map<UndoKey, UndoValue>;

/** Reads of a state at some point in history, used for solidified views. */
export interface StateReader {
  account(addr: string): AccountRecord | undefined;
  storage(addr: string, slot: string): Uint8Array | undefined;
}

const EMPTY = new Uint8Array(0);

/** Lower-case 40-hex form of an EVM address, the key of every state map. */
export function addrKey(address: Address): string {
  return bytesToHex(address.bytes).slice(2);
}

export function emptyRecord(createTime: number): AccountRecord {
  return {
    balance: 0n,
    nonce: 0n,
    code: undefined,
    codeHash: KECCAK256_NULL,
    createTime,
    netUsage: 0,
    latestConsumeFreeTime: 0,
    latestOperationTime: 0,
  };
}

/**
 * The devnet's world state: accounts and storage in maps, with a stack of undo logs.
 *
 * The bottom log belongs to the block being built; the chain takes it when the block is sealed so
 * blocks can be undone later (snapshots, reorgs, solidified reads). Every level above it is an EVM
 * checkpoint. Invariant: a key appears in a log only with the value it had before the first write
 * made while that log was on top.
 */
export class JournaledState implements StateManagerInterface {
  readonly #accounts = new Map<string, AccountRecord>();
  readonly #storage = new Map<string, Map<string, Uint8Array>>();
  #logs: UndoLog[] = [new Map()];
  /** Values at the start of the current transaction, for EIP-2200 style SSTORE pricing. */
  #txOriginal = new Map<string, Uint8Array>();
  /** Creation time given to accounts the EVM creates (the current block's timestamp). */
  now = 0;

  readonly originalStorageCache = {
    get: async (address: Address, key: Uint8Array): Promise<Uint8Array> => {
      const a = addrKey(address);
      const k = slotKey(key);
      return this.#txOriginal.get(`${a}:${k}`) ?? this.readStorage(a, k) ?? EMPTY;
    },
    clear: (): void => {
      this.#txOriginal = new Map();
    },
  };

  // ---- direct access (chain side) ----

  readAccount(addr: string): AccountRecord | undefined {
    return this.#accounts.get(addr);
  }

  readStorage(addr: string, slot: string): Uint8Array | undefined {
    return this.#storage.get(addr)?.get(slot);
  }

  writeAccount(addr: string, record: AccountRecord | undefined): void {
    this.#remember(`a:${addr}`, this.#accounts.get(addr));
    if (record === undefined) this.#accounts.delete(addr);
    else this.#accounts.set(addr, record);
  }

  writeStorage(addr: string, slot: string, value: Uint8Array): void {
    const prev = this.readStorage(addr, slot);
    this.#remember(`s:${addr}:${slot}`, prev);
    const origKey = `${addr}:${slot}`;
    if (!this.#txOriginal.has(origKey)) this.#txOriginal.set(origKey, prev ?? EMPTY);
    let slots = this.#storage.get(addr);
    if (value.length === 0) {
      slots?.delete(slot);
      return;
    }
    if (!slots) {
      slots = new Map();
      this.#storage.set(addr, slots);
    }
    slots.set(slot, value);
  }

  /** Applies a change to an account, creating it (at `now`) when missing. */
  updateAccount(addr: string, change: Partial<AccountRecord>): AccountRecord {
    const prev = this.#accounts.get(addr) ?? emptyRecord(this.now);
    const next = { ...prev, ...change };
    this.writeAccount(addr, next);
    return next;
  }

  /** Every account key, for persistence and listings. */
  accountKeys(): IterableIterator<string> {
    return this.#accounts.keys();
  }

  storageOf(addr: string): ReadonlyMap<string, Uint8Array> {
    return this.#storage.get(addr) ?? new Map();
  }

  // ---- journal ----

  #remember(key: UndoKey, prev: UndoValue): void {
    const top = this.#logs[this.#logs.length - 1]!;
    if (!top.has(key)) top.set(key, prev);
  }

  #apply(log: UndoLog): void {
    for (const [key, prev] of log) {
      if (key.startsWith('a:')) {
        const addr = key.slice(2);
        if (prev === undefined) this.#accounts.delete(addr);
        else this.#accounts.set(addr, prev as AccountRecord);
      } else {
        const [, addr, slot] = key.split(':') as [string, string, string];
        let slots = this.#storage.get(addr);
        if (prev === undefined) {
          slots?.delete(slot);
        } else {
          if (!slots) {
            slots = new Map();
            this.#storage.set(addr, slots);
          }
          slots.set(slot, prev as Uint8Array);
        }
      }
    }
  }

  /** Depth of the journal; 1 when only the block log is open. */
  get depth(): number {
    return this.#logs.length;
  }

  async checkpoint(): Promise<void> {
    this.#logs.push(new Map());
  }

  async commit(): Promise<void> {
    if (this.#logs.length < 2) throw new Error('commit without checkpoint');
    const top = this.#logs.pop()!;
    const below = this.#logs[this.#logs.length - 1]!;
    for (const [key, prev] of top) if (!below.has(key)) below.set(key, prev);
  }

  async revert(): Promise<void> {
    if (this.#logs.length < 2) throw new Error('revert without checkpoint');
    this.#apply(this.#logs.pop()!);
  }

  /** Closes the block log and starts a new one; returns the closed log. */
  takeBlockLog(): UndoLog {
    if (this.#logs.length !== 1) throw new Error('block sealed inside an open checkpoint');
    const log = this.#logs[0]!;
    this.#logs = [new Map()];
    return log;
  }

  /** Undoes the current (unsealed) block log. */
  discardBlockLog(): void {
    if (this.#logs.length !== 1) throw new Error('discard inside an open checkpoint');
    this.#apply(this.#logs[0]!);
    this.#logs = [new Map()];
  }

  /** Undoes a sealed block's log; blocks must be undone newest first, with no open changes. */
  undoBlock(log: UndoLog): void {
    if (this.#logs.length !== 1 || this.#logs[0]!.size !== 0) {
      throw new Error('undo of a sealed block with unsealed changes');
    }
    this.#apply(log);
  }

  /** Current block log, read-only, for historical reads. */
  get openLog(): ReadonlyMap<UndoKey, UndoValue> {
    return this.#logs[0]!;
  }

  // ---- StateManagerInterface (EVM side) ----

  async getAccount(address: Address): Promise<Account | undefined> {
    const r = this.#accounts.get(addrKey(address));
    if (!r) return undefined;
    return new Account(r.nonce, r.balance, undefined, r.codeHash, r.code?.length ?? 0);
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    const addr = addrKey(address);
    if (account === undefined) {
      this.writeAccount(addr, undefined);
      return;
    }
    const prev = this.#accounts.get(addr) ?? emptyRecord(this.now);
    if (prev.balance === account.balance && prev.nonce === account.nonce) {
      if (!this.#accounts.has(addr)) this.writeAccount(addr, prev);
      return;
    }
    this.writeAccount(addr, { ...prev, balance: account.balance, nonce: account.nonce });
  }

  async deleteAccount(address: Address): Promise<void> {
    const addr = addrKey(address);
    this.writeAccount(addr, undefined);
    for (const slot of [...this.storageOf(addr).keys()]) this.writeStorage(addr, slot, EMPTY);
  }

  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const addr = addrKey(address);
    const prev = this.#accounts.get(addr) ?? emptyRecord(this.now);
    this.writeAccount(addr, {
      ...prev,
      ...(fields.balance !== undefined ? { balance: fields.balance } : {}),
      ...(fields.nonce !== undefined ? { nonce: fields.nonce } : {}),
    });
  }

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    this.updateAccount(addrKey(address), { code: value, codeHash: keccak_256(value) });
  }

  async getCode(address: Address): Promise<Uint8Array> {
    return this.#accounts.get(addrKey(address))?.code ?? EMPTY;
  }

  async getCodeSize(address: Address): Promise<number> {
    return this.#accounts.get(addrKey(address))?.code?.length ?? 0;
  }

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return this.readStorage(addrKey(address), slotKey(key)) ?? EMPTY;
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    this.writeStorage(addrKey(address), slotKey(key), stripZeros(value));
  }

  async clearStorage(address: Address): Promise<void> {
    const addr = addrKey(address);
    for (const slot of [...this.storageOf(addr).keys()]) this.writeStorage(addr, slot, EMPTY);
  }

  async dumpStorage(address: Address): Promise<StorageDump> {
    const out: StorageDump = {};
    for (const [slot, value] of this.storageOf(addrKey(address))) out[`0x${slot}`] = bytesToHex(value);
    return out;
  }

  async getStateRoot(): Promise<Uint8Array> {
    // TRON blocks carry no state root; the EVM never asks for one during execution.
    return new Uint8Array(32);
  }

  async setStateRoot(): Promise<void> {
    throw new Error('the devnet state has no state roots: use tre_snapshot and tre_revert');
  }

  async hasStateRoot(): Promise<boolean> {
    return false;
  }

  clearCaches(): void {}

  shallowCopy(): StateManagerInterface {
    return this;
  }
}

/** 64-hex key of a storage slot. */
function slotKey(key: Uint8Array): string {
  return bytesToHex(key).slice(2).padStart(64, '0');
}

function stripZeros(value: Uint8Array): Uint8Array {
  let i = 0;
  while (i < value.length && value[i] === 0) i++;
  return i === 0 ? value : value.slice(i);
}
