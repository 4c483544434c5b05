/**
 * The devnet's sealed blocks and their indexes: blocks by number and id, transactions by id, and
 * each contract's events in chain order. The producer (producer.ts) pushes a block when it seals
 * one and pops blocks for reverts and reorgs; applying a block's undo log to the state is its
 * caller's business.
 */
import type { Block, EventRecord } from './types.js';
import { DevnetError } from './errors.js';
import type { UndoLog } from './state.js';

export class BlockHistory {
  readonly #blocks: Block[] = [];
  readonly #blockIds = new Map<string, Block>();
  readonly #txIndex = new Map<string, { block: number; index: number }>();
  readonly #events = new Map<string, EventRecord[]>();

  /** Every block, oldest first, indexed by number (a live view; do not mutate). */
  get blocks(): readonly Block[] {
    return this.#blocks;
  }

  byId(id: string): Block | undefined {
    return this.#blockIds.get(id);
  }

  /** Where a sealed transaction is (its block number and index in it). */
  txAt(txid: string): { block: number; index: number } | undefined {
    return this.#txIndex.get(txid);
  }

  hasTx(txid: string): boolean {
    return this.#txIndex.has(txid);
  }

  /** Events of a contract in chain order (a live view; do not mutate). */
  eventsOf(addr41: string): readonly EventRecord[] | undefined {
    return this.#events.get(addr41);
  }

  /** Appends a sealed block and indexes its transactions and events. */
  push(block: Block): void {
    this.#blocks.push(block);
    this.#blockIds.set(block.id, block);
    block.txs.forEach((r, index) => {
      this.#txIndex.set(r.tx.txID, { block: block.number, index });
      (r.info.log ?? []).forEach((log, logIndex) => {
        const contract = `41${log.address}`;
        let list = this.#events.get(contract);
        if (!list) {
          list = [];
          this.#events.set(contract, list);
        }
        list.push({
          blockNumber: block.number,
          blockTimestamp: block.timestamp,
          txID: r.tx.txID,
          txIndex: index,
          logIndex,
          contract,
          topics: log.topics,
          data: log.data,
        });
      });
    });
  }

  /**
   * Removes the head block (never the genesis, nor one whose undo log was pruned): `undo` gets
   * its undo log to roll the state back, then its indexes go.
   */
  pop(undo: (log: UndoLog) => void): Block {
    const block = this.#blocks.pop();
    if (!block || block.number === 0) throw new DevnetError('cannot remove the genesis block');
    if (!block.undo) throw new DevnetError(`block ${block.number} can no longer be undone`);
    undo(block.undo);
    this.#blockIds.delete(block.id);
    for (const r of block.txs) {
      this.#txIndex.delete(r.tx.txID);
      for (const log of r.info.log ?? []) {
        const list = this.#events.get(`41${log.address}`);
        while (list?.length && list[list.length - 1]!.blockNumber >= block.number) list.pop();
      }
    }
    return block;
  }
}
