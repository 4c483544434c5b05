/**
 * The devnet's admin (TRE's evm_* and tre_* methods, persistence hooks): snapshots and reverts,
 * reorgs, balance, code and storage overrides, unlocked accounts, and what persistence tells the
 * chain (which blocks are durable, when to refuse writes, the blocks read back from disk). It works
 * over the ChainCore it shares with BlockProducer and Chain, and seals through the producer.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { ChainCore } from './core.js';
import { DevnetError, TxRejected } from './errors.js';
import type { BlockProducer } from './producer.js';
import type { SignedTx } from './tx.js';
import type { Block, ReorgOptions, ReorgResult } from './types.js';

export class ChainAdmin {
  readonly #core: ChainCore;
  readonly #producer: BlockProducer;
  /** Executes a transaction again into the open block, without TaPoS and envelope checks. */
  readonly #replay: (tx: SignedTx) => Promise<void>;
  #nextSnapshotId = 1;

  constructor(core: ChainCore, producer: BlockProducer, replay: (tx: SignedTx) => Promise<void>) {
    this.#core = core;
    this.#producer = producer;
    this.#replay = replay;
  }

  /** Lets these accounts' transactions through without a valid signature. */
  unlock(addresses: string[]): void {
    for (const a of addresses) this.#core.unlocked.add(a.toLowerCase());
  }

  get unlockedAccounts(): string[] {
    return [...this.#core.unlocked];
  }

  /** Overrides an account's balance. */
  setBalance(addr41: string, balance: bigint): Promise<void> {
    return this.#core.lock.run(() => {
      const { state } = this.#core;
      state.now = this.#core.now();
      state.updateAccount(addr41.slice(2), { balance });
    });
  }

  /** Overrides an account's code. */
  setCode(addr41: string, code: Uint8Array): Promise<void> {
    return this.#core.lock.run(() => {
      const { state } = this.#core;
      state.now = this.#core.now();
      state.updateAccount(addr41.slice(2), { code, codeHash: keccak_256(code) });
    });
  }

  /** Overrides one storage slot of a contract (the value stored without its leading zero bytes). */
  setStorageAt(addr41: string, slot: string, value: Uint8Array): Promise<void> {
    return this.#core.lock.run(() => {
      let i = 0;
      while (i < value.length && value[i] === 0) i++;
      const key = slot.replace(/^0x/, '').toLowerCase().padStart(64, '0');
      this.#core.state.writeStorage(addr41.slice(2), key, value.slice(i));
    });
  }

  /** Seals pending work, then records the head and the clock so `revert` can return to them. */
  snapshot(): Promise<number> {
    return this.#core.lock.run(() => {
      const core = this.#core;
      if (core.pool.open || core.state.openLog.size) this.#producer.seal();
      const s = { id: this.#nextSnapshotId++, height: core.head.number, timeOffsetMs: core.timeOffsetMs };
      core.snapshots.push(s);
      return s.id;
    });
  }

  /** Returns to a snapshot, removing it and every later one; false when there is no such snapshot. */
  revert(id: number): Promise<boolean> {
    return this.#core.lock.run(() => {
      const core = this.#core;
      const idx = core.snapshots.findIndex((s) => s.id === id);
      if (idx < 0) return false;
      const s = core.snapshots[idx]!;
      this.#discardOpen();
      while (core.head.number > s.height) this.#producer.popBlock();
      core.timeOffsetMs = s.timeOffsetMs;
      core.snapshots = core.snapshots.slice(0, idx);
      core.notify(core.head);
      return true;
    });
  }

  /** Drops the open block and its state changes; returns its transactions for a replay. */
  #discardOpen(): SignedTx[] {
    const txs = this.#core.pool.discard();
    this.#core.state.discardBlockLog();
    return txs;
  }

  /** Replaces the last `depth` unsolidified blocks with a branch that replays their transactions. */
  reorg(depth: number, opts: ReorgOptions = {}): Promise<ReorgResult> {
    return this.#core.lock.run(async () => {
      const dropSet = this.#checkReorg(depth, opts);
      const pending = this.#discardOpen();
      const removed: Block[] = [];
      for (let i = 0; i < depth; i++) removed.unshift(this.#producer.popBlock());
      let txs = [...removed.flatMap((b) => b.txs.map((r) => r.tx)), ...pending];
      const dropped = txs.filter((t) => dropSet.has(t.txID)).map((t) => t.txID);
      txs = txs.filter((t) => !dropSet.has(t.txID));
      if (opts.order === 'reverse') txs.reverse();
      else if (Array.isArray(opts.order)) {
        const pos = new Map(opts.order.map((t, i) => [t.toLowerCase(), i]));
        txs.sort((a, b) => (pos.get(a.txID) ?? Infinity) - (pos.get(b.txID) ?? Infinity));
      }
      const count = depth + (opts.extraBlocks ?? 1);
      const perBlock = Math.ceil(txs.length / count);
      const added: string[] = [];
      const replayed: string[] = [];
      for (let i = 0; i < count; i++) {
        const head = this.#core.head;
        const base = removed[i]?.timestamp ?? head.timestamp + 1;
        // A different timestamp gives the replacement block a different id even with the same txs.
        this.#core.pool.openAt(head.number + 1, Math.max(base + 1, head.timestamp + 1));
        for (const tx of txs.slice(i * perBlock, (i + 1) * perBlock)) {
          try {
            await this.#replay(tx);
            replayed.push(tx.txID);
          } catch (e) {
            if (!(e instanceof TxRejected)) throw e;
            dropped.push(tx.txID);
          }
        }
        added.push(this.#producer.seal().id);
      }
      return { removed: removed.map((b) => b.id), added, replayed, dropped };
    });
  }

  /**
   * Checks a reorg's arguments before it touches the chain (a refused reorg leaves every block in
   * place) and returns the ids to drop, in lower case.
   */
  #checkReorg(depth: number, opts: ReorgOptions): Set<string> {
    const core = this.#core;
    const unsolid = core.head.number - core.solidifiedNumber;
    if (!Number.isInteger(depth) || depth < 1) throw new DevnetError('depth must be a positive integer');
    if (depth > unsolid) {
      throw new DevnetError(
        `cannot reorg ${depth} blocks: only ${unsolid} are above the solidified head ${core.solidifiedNumber}`,
      );
    }
    const extra = opts.extraBlocks ?? 1;
    if (!Number.isInteger(extra) || extra < 0) throw new DevnetError('extraBlocks must be a non-negative integer');
    const dropSet = new Set((opts.drop ?? []).map((t) => t.toLowerCase()));
    const replaced = new Set(
      [...core.history.blocks.slice(-depth).flatMap((b) => b.txs), ...(core.pool.open?.txs ?? [])].map(
        (r) => r.tx.txID,
      ),
    );
    for (const t of dropSet) {
      if (!replaced.has(t)) throw new DevnetError(`transaction ${t} is not in the replaced blocks`);
    }
    return dropSet;
  }

  /** Appends blocks read from disk after the head (each must extend it) and restores the clock. */
  restoreBlocks(blocks: Block[], timeOffsetMs: number): void {
    for (const b of blocks) {
      const head = this.#core.head;
      if (b.number !== head.number + 1 || b.parentHash !== head.id) {
        throw new DevnetError(`saved block ${b.number} does not extend block ${head.number}`);
      }
      this.#producer.pushBlock(b);
    }
    this.#core.timeOffsetMs = timeOffsetMs;
    this.#producer.prune();
  }

  /** Blocks up to `n` are saved: they may become solidified. */
  markDurable(n: number): void {
    const core = this.#core;
    core.durableNumber = Math.max(core.durableNumber === Infinity ? n : core.durableNumber, n);
  }

  /** From now on only blocks marked durable may solidify; `n` is saved already. */
  requireDurability(n: number): void {
    this.#core.durableNumber = n;
  }

  /** Refuses new transactions with SERVER_BUSY and this reason while set (undefined lifts it). */
  refuseWrites(reason: string | undefined): void {
    this.#core.refusing = reason;
  }

  get refusingWrites(): string | undefined {
    return this.#core.refusing;
  }
}
