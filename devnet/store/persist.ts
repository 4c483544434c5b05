/**
 * Persistence of a devnet chain to a data directory: one JSON file, written atomically (temp file
 * then rename) after blocks arrive and when the node closes. The state saved is the one of the
 * sealed head, with the undo logs of the unsolidified blocks (solidified reads and reorgs need
 * them). Snapshots are not kept: after a restart, reverts reach back only to snapshots taken since.
 * `Devnet.close()` seals the block being built first, so accepted transactions survive a restart;
 * a crash loses what the last save (two seconds after a block) had not written, which is why a
 * persisting devnet solidifies only blocks already saved (Chain.markDurable).
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { KECCAK256_NULL } from '@ethereumjs/util';
import type { Block, Chain, ChainOptions, TxRecord } from '../chain/chain.js';
import { Chain as ChainClass } from '../chain/chain.js';
import { JournaledState, type AccountRecord, type StakeRecord, type UndoLog } from '../chain/state.js';
import { decodeRaw } from '../chain/tx.js';
import { bytesToHex, hexToBytes } from '../chain/hex.js';

const FILE = 'chain.json';
const FORMAT = 1;

interface SavedRecord {
  balance: string;
  nonce: string;
  code?: string;
  createTime: number;
  netUsage: number;
  latestConsumeFreeTime: number;
  latestOperationTime: number;
  contract?: Omit<NonNullable<AccountRecord['contract']>, 'originEnergyLimit'> & { originEnergyLimit: string };
  stake?: SavedStake;
}

/** A StakeRecord with its bigints as decimal strings. */
type SavedStake = {
  [K in keyof StakeRecord]: StakeRecord[K] extends bigint
    ? string
    : K extends 'unfreezing' | 'delegations'
      ? Record<string, string | number>[]
      : StakeRecord[K];
};

/** Writes every bigint of a plain object (one level) as a string. */
function bigintsToStrings(o: object): Record<string, string | number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));
}

function stakeJson(s: StakeRecord): SavedStake {
  return {
    ...(bigintsToStrings(s) as unknown as SavedStake),
    unfreezing: s.unfreezing.map(bigintsToStrings),
    delegations: s.delegations.map(bigintsToStrings),
  };
}

function stakeOfSaved(s: SavedStake): StakeRecord {
  return {
    frozenEnergy: BigInt(s.frozenEnergy),
    frozenNet: BigInt(s.frozenNet),
    delegatedEnergy: BigInt(s.delegatedEnergy),
    delegatedNet: BigInt(s.delegatedNet),
    acquiredEnergy: BigInt(s.acquiredEnergy),
    acquiredNet: BigInt(s.acquiredNet),
    unfreezing: s.unfreezing.map((u) => ({
      resource: u.resource as 'ENERGY' | 'BANDWIDTH',
      amount: BigInt(u.amount!),
      expireTime: Number(u.expireTime),
    })),
    delegations: s.delegations.map((d) => ({
      to: String(d.to),
      resource: d.resource as 'ENERGY' | 'BANDWIDTH',
      amount: BigInt(d.amount!),
      locked: BigInt(d.locked!),
      lockExpireTime: Number(d.lockExpireTime),
    })),
    energyUsage: BigInt(s.energyUsage),
    latestConsumeTimeForEnergy: s.latestConsumeTimeForEnergy,
    netUsage: BigInt(s.netUsage),
    latestConsumeTime: s.latestConsumeTime,
  };
}

interface SavedAccount extends SavedRecord {
  addr: string;
  storage: [string, string][];
}

/** An undo entry: `a:` keys hold an account record, `s:` keys a storage value; null for none. */
type SavedUndo = [string, SavedRecord | string | null][];

interface SavedBlock extends Omit<Block, 'txs' | 'undo'> {
  txs: { rawHex: string; txID: string; signatures: string[]; info: TxRecord['info']; ret: TxRecord['ret'] }[];
  undo?: SavedUndo;
}

function recordJson(r: AccountRecord): SavedRecord {
  return {
    balance: r.balance.toString(),
    nonce: r.nonce.toString(),
    ...(r.code?.length ? { code: bytesToHex(r.code) } : {}),
    createTime: r.createTime,
    netUsage: r.netUsage,
    latestConsumeFreeTime: r.latestConsumeFreeTime,
    latestOperationTime: r.latestOperationTime,
    ...(r.contract ? { contract: { ...r.contract, originEnergyLimit: r.contract.originEnergyLimit.toString() } } : {}),
    ...(r.stake ? { stake: stakeJson(r.stake) } : {}),
  };
}

function recordOf(a: SavedRecord): AccountRecord {
  const code = a.code ? hexToBytes(a.code) : undefined;
  return {
    balance: BigInt(a.balance),
    nonce: BigInt(a.nonce),
    code,
    codeHash: code ? keccak_256(code) : KECCAK256_NULL,
    createTime: a.createTime,
    netUsage: a.netUsage,
    latestConsumeFreeTime: a.latestConsumeFreeTime,
    latestOperationTime: a.latestOperationTime,
    ...(a.contract ? { contract: { ...a.contract, originEnergyLimit: BigInt(a.contract.originEnergyLimit) } } : {}),
    ...(a.stake ? { stake: stakeOfSaved(a.stake) } : {}),
  };
}

function undoJson(log: UndoLog): SavedUndo {
  return [...log].map(([key, prev]) => [
    key,
    prev === undefined
      ? null
      : key.startsWith('a:')
        ? recordJson(prev as AccountRecord)
        : bytesToHex(prev as Uint8Array),
  ]);
}

function undoOf(saved: SavedUndo): UndoLog {
  return new Map(
    saved.map(([key, prev]) => [
      key,
      prev === null ? undefined : key.startsWith('a:') ? recordOf(prev as SavedRecord) : hexToBytes(prev as string),
    ]),
  );
}

interface Saved {
  format: number;
  genesisId: string;
  chainId: string;
  timeOffsetMs: number;
  blocks: SavedBlock[];
  accounts: SavedAccount[];
}

function snapshotOf(chain: Chain): Saved {
  const accounts: SavedAccount[] = [];
  for (const addr of chain.state.accountKeys()) {
    const r = chain.state.readAccount(addr)!;
    accounts.push({
      addr,
      ...recordJson(r),
      storage: [...chain.state.storageOf(addr)].map(([k, v]) => [k, bytesToHex(v)]),
    });
  }
  return {
    format: FORMAT,
    genesisId: chain.blocks[0]!.id,
    chainId: chain.chainId.toString(),
    timeOffsetMs: chain.timeOffsetMs,
    blocks: chain.blocks.slice(1).map((b) => ({
      number: b.number,
      id: b.id,
      parentHash: b.parentHash,
      timestamp: b.timestamp,
      txTrieRoot: b.txTrieRoot,
      witness: b.witness,
      witnessSignature: b.witnessSignature,
      txs: b.txs.map((r) => ({
        rawHex: r.tx.rawHex,
        txID: r.tx.txID,
        signatures: r.tx.signatures,
        info: r.info,
        ret: r.ret,
      })),
      ...(b.undo ? { undo: undoJson(b.undo) } : {}),
    })),
    accounts,
  };
}

/** Writes the chain as of its sealed head to `dir`; transactions in the open block are left out. */
/** Saves the chain and returns the number of the head block saved. */
export async function saveChain(chain: Chain, dir: string): Promise<number> {
  // Taken inside the chain's lock, so no transaction is half executed, and without the open block,
  // so the state agrees with the blocks.
  const [text, head] = await chain.atSealedHead(() => [JSON.stringify(snapshotOf(chain)), chain.head.number] as const);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    // A half-written temp file (a full disk) must not keep the space the next attempt needs.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  return head;
}

/** Loads a chain saved in `dir`, or returns undefined when there is none. */
export async function loadChain(dir: string, options: ChainOptions): Promise<Chain | undefined> {
  const file = path.join(dir, FILE);
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(await readFile(file, 'utf8')) as Saved;
  if (saved.format !== FORMAT) throw new Error(`${file}: unknown format ${saved.format}`);
  const state = new JournaledState();
  for (const a of saved.accounts) {
    state.writeAccount(a.addr, recordOf(a));
    for (const [slot, value] of a.storage) state.writeStorage(a.addr, slot, hexToBytes(value));
  }
  state.takeBlockLog();
  const chain = await ChainClass.create({ ...options, chainId: options.chainId ?? BigInt(saved.chainId) }, state);
  if (chain.blocks[0]!.id !== saved.genesisId) {
    throw new Error(
      `${file} belongs to another devnet (genesis ${saved.genesisId}); use another data directory or the same seed`,
    );
  }
  chain.restoreBlocks(
    saved.blocks.map((b) => ({
      ...b,
      undo: b.undo ? undoOf(b.undo) : undefined,
      txs: b.txs.map((t) => ({
        tx: { txID: t.txID, rawHex: t.rawHex, signatures: t.signatures, raw: decodeRaw(hexToBytes(t.rawHex)) },
        info: t.info,
        ret: t.ret,
      })),
    })),
    saved.timeOffsetMs,
  );
  return chain;
}
