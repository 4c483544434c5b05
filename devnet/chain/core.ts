/**
 * What the chain's parts share: the options and the state, the sealed blocks, the open block, the
 * clock offset, the snapshots and the lock that serialises every write. BlockProducer
 * (producer.ts), ChainAdmin (admin.ts) and Chain's reads and transactions (chain.ts) all work over
 * one ChainCore, which is why it holds data and small derived reads and takes no lock itself.
 */
import { rewindTo } from './calls.js';
import { BlockHistory } from './history.js';
import { Mempool } from './mempool.js';
import { DevnetError } from './errors.js';
import type { AccountRecord, JournaledState } from './state.js';
import type { Block, ChainOptions } from './types.js';
import type { BlockContext } from './vm.js';

/** Serialises async work: one writer at a time over the state. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every earlier call has settled; a failure does not block later calls. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/** A chain position `revert` can return to. */
export interface Snapshot {
  id: number;
  height: number;
  timeOffsetMs: number;
}

export class ChainCore {
  readonly options: ChainOptions;
  readonly state: JournaledState;
  readonly history = new BlockHistory();
  readonly pool = new Mempool();
  /** Every change to the state, the blocks, the open block or the clock runs under it. */
  readonly lock = new Mutex();
  /** Accounts (41-prefixed hex, lower case) whose transactions need no valid signature (TRE's unlock). */
  readonly unlocked = new Set<string>();
  /** Called after each new block and after a revert (persistence, subscribers). */
  readonly listeners = new Set<(block: Block) => void>();
  /** What `increaseTime` added to the wall clock. */
  timeOffsetMs = 0;
  /** The highest block saved to disk; Infinity when the chain is not persisted. */
  durableNumber = Infinity;
  /** While set, broadcasts are refused with SERVER_BUSY and this reason. */
  refusing: string | undefined;
  /** Open snapshots, oldest first: blocks above the lowest one keep their undo logs. */
  snapshots: Snapshot[] = [];

  constructor(options: ChainOptions, state: JournaledState) {
    this.options = options;
    this.state = state;
  }

  /** Chain time in milliseconds: the wall clock plus what `increaseTime` added. */
  now(): number {
    return this.options.clock() + this.timeOffsetMs;
  }

  get head(): Block {
    return this.history.blocks[this.history.blocks.length - 1]!;
  }

  /** `solidityLag` blocks below the head, and never above the last block saved. */
  get solidifiedNumber(): number {
    return Math.max(0, Math.min(this.head.number - this.options.solidityLag, this.durableNumber));
  }

  /** An account now, or as of the solidified head (read through the undo logs above it). */
  account(addr41: string, solid = false): AccountRecord | undefined {
    const key = addr41.slice(2);
    if (!solid) return this.state.readAccount(key);
    return this.#valueAt(`a:${key}`, this.solidifiedNumber, () => this.state.readAccount(key)) as
      | AccountRecord
      | undefined;
  }

  #valueAt(key: string, height: number, current: () => unknown): unknown {
    for (let n = height + 1; n <= this.head.number; n++) {
      const log = this.history.blocks[n]!.undo;
      if (!log) throw new DevnetError(`history of block ${n} is no longer kept`);
      if (log.has(key)) return log.get(key);
    }
    if (this.state.openLog.has(key)) return this.state.openLog.get(key);
    return current();
  }

  /** The VM's view of block `number` at `timestamp`: BLOCKHASH reaches the 256 blocks below it. */
  contextAt(number: number, timestamp: number): BlockContext {
    return {
      number,
      timestamp,
      witness: this.options.witnessAddress,
      blockId: (n) => (n < number && n >= number - 256 ? this.history.blocks[n]?.id : undefined),
    };
  }

  /** Writes, inside the open checkpoint, the values the state had at `height`. */
  rewindTo(height: number): void {
    rewindTo(this.state, this.history.blocks, this.head.number, height);
  }

  /** Tells every listener about `block` (a new head). */
  notify(block: Block): void {
    for (const fn of this.listeners) fn(block);
  }
}
