/** Contract writes as reactive state: one TxTracker per button (no double submission) and the toast list. */
import { canSubmit, isBusy, txReduce, type TxEvent, type TxState } from '../chain/txMachine.js';
import { runWrite, toFailure, type WriteRequest } from '../chain/write.js';
import { wallet } from './wallet.svelte.js';

export interface TxEntry {
  key: number;
  label: string;
  state: TxState;
}

class TxToasts {
  #items = $state<TxEntry[]>([]);
  #next = 1;
  get items(): TxEntry[] {
    return this.#items;
  }
  add(label: string): TxEntry {
    const entry: TxEntry = { key: this.#next++, label, state: { phase: 'estimating' } };
    this.#items.push(entry);
    if (this.#items.length > 5) this.#items.shift();
    return this.#items[this.#items.length - 1]!;
  }
  dismiss(key: number): void {
    this.#items = this.#items.filter((t) => t.key !== key);
  }
}
/** The toasts of recent writes. */
export const txToasts = new TxToasts();

/** The state of one write button. */
export class TxTracker {
  #state = $state<TxState>({ phase: 'idle' });
  get state(): TxState {
    return this.#state;
  }
  get busy(): boolean {
    return isBusy(this.#state.phase);
  }

  #run = 0;

  /** Runs a write unless one is already in flight; resolves true once confirmed (not waiting for final). */
  run(label: string, req: WriteRequest, onFinal?: (txId: string) => void): Promise<boolean> {
    if (!canSubmit(this.#state.phase) && this.#state.phase !== 'confirmed') return Promise.resolve(false);
    const conn = wallet.connection;
    if (!conn) {
      wallet.openPicker();
      return Promise.resolve(false);
    }
    // Each run keeps its own state (its toast follows it to final); the button shows the latest run.
    const run = ++this.#run;
    let local: TxState = { phase: 'idle' };
    const toast = txToasts.add(label);
    let confirmed = false;
    return new Promise<boolean>((resolve) => {
      const emit = (e: TxEvent) => {
        local = txReduce(local, e);
        toast.state = local;
        if (local.phase === 'final') setTimeout(() => txToasts.dismiss(toast.key), 8000);
        if (run === this.#run) this.#state = local;
        if (e.type === 'included' && !confirmed) {
          confirmed = true;
          resolve(true);
        }
      };
      emit({ type: 'start' });
      runWrite(req, conn, emit)
        .then((txId) => {
          if (!confirmed) resolve(true);
          onFinal?.(txId);
        })
        .catch((err: unknown) => {
          const f = toFailure(err);
          emit({ type: 'fail', error: { kind: f.info.kind, message: f.info.message, action: f.info.action } });
          if (!confirmed) resolve(false);
        });
    });
  }

  reset(): void {
    this.#state = txReduce(this.#state, { type: 'reset' });
  }
}
