/**
 * The devnet's mempool: the open block, i.e. the transactions accepted since the last seal. They
 * have already executed (java-tron pre-executes against its pending state the same way), so the
 * pool only keeps them in order until the producer seals them, and their ids for the duplicate
 * check. A reorg or a revert discards it.
 */
import type { TxRecord } from './types.js';
import type { OpenBlock } from './execute.js';
import type { SignedTx } from './tx.js';

export class Mempool {
  #open: OpenBlock | undefined;
  readonly #ids = new Set<string>();

  /** The open block, or undefined when nothing was accepted since the last seal. */
  get open(): OpenBlock | undefined {
    return this.#open;
  }

  /** Opens an empty block with this number and time (replacing any open one) and returns it. */
  openAt(number: number, timestamp: number): OpenBlock {
    this.#open = { number, timestamp, txs: [] };
    return this.#open;
  }

  /** Adds an executed transaction to the open block. */
  add(open: OpenBlock, record: TxRecord): void {
    open.txs.push(record);
    this.#ids.add(record.tx.txID);
  }

  /** Whether a transaction is in the open block. */
  has(txid: string): boolean {
    return this.#ids.has(txid);
  }

  /** Detaches the open block for sealing (its ids stay until `clearIds`, once the block is pushed). */
  take(): void {
    this.#open = undefined;
  }

  clearIds(): void {
    this.#ids.clear();
  }

  /** Drops the open block; returns its transactions, in order, for a replay. */
  discard(): SignedTx[] {
    const txs = this.#open?.txs.map((r) => r.tx) ?? [];
    this.#open = undefined;
    this.#ids.clear();
    return txs;
  }
}
