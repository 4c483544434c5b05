/**
 * Block production: opening the block transactions execute in, sealing it into a signed block,
 * the block interval's timer, mining on demand, the chain clock and the solidity lag. It works over
 * the ChainCore it shares with ChainAdmin and Chain. The public methods take the core's lock; the
 * building blocks (`openBlock`, `seal`, `pushBlock`, `popBlock`, `prune`) do not, and are for
 * callers that already hold it.
 */
import { blockIdOf, signHeader, txTrieRoot, type HeaderFields } from './block.js';
import type { ChainCore } from './core.js';
import { DevnetError } from './errors.js';
import type { OpenBlock } from './execute.js';
import { signedTxHex } from './tx.js';
import type { Block, ChainOptions } from './types.js';

const VERSION = 32;
const ZERO_PARENT = '00'.repeat(32);

/** The genesis block of a chain with these options: number 0, time 0, no transactions. */
export function genesisBlock(options: ChainOptions): Block {
  const header: HeaderFields = {
    number: 0,
    timestamp: 0,
    parentHash: ZERO_PARENT,
    txTrieRoot: ZERO_PARENT,
    witness: options.witnessAddress,
    version: VERSION,
  };
  return {
    number: 0,
    id: blockIdOf(header),
    parentHash: ZERO_PARENT,
    timestamp: 0,
    txTrieRoot: ZERO_PARENT,
    witness: options.witnessAddress,
    witnessSignature: signHeader(header, options.witnessKey),
    txs: [],
    undo: undefined,
  };
}

export class BlockProducer {
  readonly #core: ChainCore;
  #timer: NodeJS.Timeout | undefined;

  constructor(core: ChainCore) {
    this.#core = core;
  }

  /** Starts sealing a block every `blockTimeMs` (no-op in instamine mode), replacing any timer. */
  start(): void {
    this.stop();
    if (this.#core.options.blockTimeMs > 0) {
      this.#timer = setInterval(() => {
        void this.#core.lock.run(() => this.seal()).catch(() => undefined);
      }, this.#core.options.blockTimeMs);
      this.#timer.unref();
    }
  }

  /** Stops the block interval's timer. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Changes the solidity lag; a larger one mines empty blocks first so the solidified head holds. */
  async setSolidityLag(lag: number): Promise<void> {
    if (!Number.isSafeInteger(lag) || lag < 0)
      throw new DevnetError(`solidity lag must be a non-negative integer, got ${lag}`);
    const before = this.#core.solidifiedNumber;
    (this.#core.options as { solidityLag: number }).solidityLag = lag;
    if (this.#core.solidifiedNumber < before) await this.mine(before - this.#core.solidifiedNumber);
  }

  /** Runs `fn` with a block per transaction, solidified at once, then restores both settings. */
  async instantly<T>(fn: () => Promise<T>): Promise<T> {
    const { blockTimeMs, solidityLag } = this.#core.options;
    await this.setBlockTime(0);
    await this.setSolidityLag(0);
    try {
      return await fn();
    } finally {
      await this.setSolidityLag(solidityLag);
      await this.setBlockTime(blockTimeMs);
    }
  }

  /** Changes the block interval (0: a block per transaction, sealing any open block first). */
  async setBlockTime(ms: number): Promise<void> {
    await this.#core.lock.run(() => {
      if (ms === 0 && this.#core.pool.open) this.seal();
    });
    (this.#core.options as { blockTimeMs: number }).blockTimeMs = ms;
    this.start();
  }

  /** Adds a listener called after each new block; returns its removal. */
  onBlock(fn: (block: Block) => void): () => void {
    this.#core.listeners.add(fn);
    return () => this.#core.listeners.delete(fn);
  }

  /** The open block, opened now (after the head, at the chain time) if there is none. */
  openBlock(): OpenBlock {
    const { pool } = this.#core;
    const open = pool.open;
    if (open) return open;
    const head = this.#core.head;
    return pool.openAt(head.number + 1, Math.max(this.#core.now(), head.timestamp + 1));
  }

  /** Seals the open block (an empty one if none is open) on top of the head and announces it. */
  seal(timestampOverride?: number): Block {
    const { options, pool, state } = this.#core;
    const open = this.openBlock();
    if (timestampOverride !== undefined) open.timestamp = timestampOverride;
    pool.take();
    const parent = this.#core.head;
    const header: HeaderFields = {
      number: open.number,
      timestamp: open.timestamp,
      parentHash: parent.id,
      txTrieRoot: txTrieRoot(open.txs.map((r) => signedTxHex(r.tx))),
      witness: options.witnessAddress,
      version: VERSION,
    };
    const block: Block = {
      number: header.number,
      id: blockIdOf(header),
      parentHash: header.parentHash,
      timestamp: header.timestamp,
      txTrieRoot: header.txTrieRoot,
      witness: header.witness,
      witnessSignature: signHeader(header, options.witnessKey),
      txs: open.txs,
      undo: state.takeBlockLog(),
    };
    pool.clearIds();
    this.pushBlock(block);
    this.prune();
    this.#core.notify(block);
    return block;
  }

  /** Appends a sealed block to the history. */
  pushBlock(block: Block): void {
    this.#core.history.push(block);
  }

  /** Removes the head block and rolls the state back with its undo log. */
  popBlock(): Block {
    return this.#core.history.pop((undo) => this.#core.state.undoBlock(undo));
  }

  /** Drops undo logs no reorg or snapshot can reach any more. */
  prune(): void {
    let keepAbove = this.#core.solidifiedNumber;
    for (const s of this.#core.snapshots) keepAbove = Math.min(keepAbove, s.height);
    for (let n = keepAbove; n >= 1; n--) {
      const b = this.#core.history.blocks[n];
      if (!b || b.undo === undefined) break;
      b.undo = undefined;
    }
  }

  /** Seals `count` blocks (the first one carries any pending transactions). */
  mine(count = 1, timestamp?: number): Promise<Block[]> {
    return this.#core.lock.run(() => {
      const out: Block[] = [];
      for (let i = 0; i < count; i++) out.push(this.seal(i === 0 ? timestamp : undefined));
      return out;
    });
  }

  /** Moves the clock forward, sealing an open block that holds transactions first. */
  increaseTime(seconds: number): Promise<number> {
    if (!Number.isFinite(seconds) || seconds < 0) throw new DevnetError('seconds must be a non-negative number');
    return this.#core.lock.run(() => {
      const core = this.#core;
      if (core.pool.open?.txs.length) this.seal();
      core.timeOffsetMs += Math.round(seconds * 1000);
      const open = core.pool.open;
      if (open) open.timestamp = Math.max(core.now(), core.head.timestamp + 1);
      return core.timeOffsetMs / 1000;
    });
  }

  /** Seals the open block if it holds transactions. */
  sealPending(): Promise<Block | undefined> {
    return this.#core.lock.run(() => (this.#core.pool.open?.txs.length ? this.seal() : undefined));
  }

  /** Waits for every queued write to finish. */
  idle(): Promise<void> {
    return this.#core.lock.run(() => undefined);
  }
}
