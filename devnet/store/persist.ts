/**
 * Persistence of a devnet chain to a data directory: one JSON file, written atomically (temp file
 * then rename) after blocks arrive and when the node closes. Undo history, snapshots and the
 * block being built are not kept: after a restart, reorgs and reverts reach back only to blocks
 * made since.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Block, Chain, ChainOptions, TxRecord } from '../chain/chain.js';
import { Chain as ChainClass } from '../chain/chain.js';
import { JournaledState, type AccountRecord } from '../chain/state.js';
import { decodeRaw } from '../chain/tx.js';
import { bytesToHex, hexToBytes } from '../chain/hex.js';

const FILE = 'chain.json';
const FORMAT = 1;

interface SavedAccount {
  addr: string;
  balance: string;
  nonce: string;
  code?: string;
  createTime: number;
  netUsage: number;
  latestConsumeFreeTime: number;
  latestOperationTime: number;
  contract?: Omit<NonNullable<AccountRecord['contract']>, 'originEnergyLimit'> & { originEnergyLimit: string };
  storage: [string, string][];
}

interface SavedBlock extends Omit<Block, 'txs' | 'undo'> {
  txs: { rawHex: string; txID: string; signatures: string[]; info: TxRecord['info']; ret: TxRecord['ret'] }[];
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
      balance: r.balance.toString(),
      nonce: r.nonce.toString(),
      ...(r.code?.length ? { code: bytesToHex(r.code) } : {}),
      createTime: r.createTime,
      netUsage: r.netUsage,
      latestConsumeFreeTime: r.latestConsumeFreeTime,
      latestOperationTime: r.latestOperationTime,
      ...(r.contract ? { contract: { ...r.contract, originEnergyLimit: r.contract.originEnergyLimit.toString() } } : {}),
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
      txs: b.txs.map((r) => ({ rawHex: r.tx.rawHex, txID: r.tx.txID, signatures: r.tx.signatures, info: r.info, ret: r.ret })),
    })),
    accounts,
  };
}

/** Writes the chain's sealed state to `dir`. Call it when no block is being built (between blocks). */
export async function saveChain(chain: Chain, dir: string): Promise<void> {
  await chain.idle();
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snapshotOf(chain)));
  await rename(tmp, file);
}

/** Loads a chain saved in `dir`, or returns undefined when there is none. */
export async function loadChain(dir: string, options: ChainOptions): Promise<Chain | undefined> {
  const file = path.join(dir, FILE);
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(await readFile(file, 'utf8')) as Saved;
  if (saved.format !== FORMAT) throw new Error(`${file}: unknown format ${saved.format}`);
  const state = new JournaledState();
  for (const a of saved.accounts) {
    const code = a.code ? hexToBytes(a.code) : undefined;
    const { keccak_256 } = await import('@noble/hashes/sha3.js');
    const { KECCAK256_NULL } = await import('@ethereumjs/util');
    state.writeAccount(a.addr, {
      balance: BigInt(a.balance),
      nonce: BigInt(a.nonce),
      code,
      codeHash: code ? keccak_256(code) : KECCAK256_NULL,
      createTime: a.createTime,
      netUsage: a.netUsage,
      latestConsumeFreeTime: a.latestConsumeFreeTime,
      latestOperationTime: a.latestOperationTime,
      ...(a.contract ? { contract: { ...a.contract, originEnergyLimit: BigInt(a.contract.originEnergyLimit) } } : {}),
    });
    for (const [slot, value] of a.storage) state.writeStorage(a.addr, slot, hexToBytes(value));
  }
  state.takeBlockLog();
  const chain = await ChainClass.create({ ...options, chainId: options.chainId ?? BigInt(saved.chainId) }, state);
  if (chain.blocks[0]!.id !== saved.genesisId) {
    throw new Error(`${file} belongs to another devnet (genesis ${saved.genesisId}); use another data directory or the same seed`);
  }
  chain.restoreBlocks(
    saved.blocks.map((b) => ({
      ...b,
      undo: undefined,
      txs: b.txs.map((t) => ({ tx: { txID: t.txID, rawHex: t.rawHex, signatures: t.signatures, raw: decodeRaw(hexToBytes(t.rawHex)) }, info: t.info, ret: t.ret })),
    })),
    saved.timeOffsetMs,
  );
  return chain;
}
