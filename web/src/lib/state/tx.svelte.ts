/**
 * Contract writes as reactive state: one TxTracker per button (no double submission), the toast
 * list, and the writes resumed after a reload (signed, sent, outcome unknown: still checking).
 */
import { canSubmit, isBusy, txReduce, type TxEvent, type TxState } from '../chain/txMachine.js';
import type { FeeQuote } from '../chain/fees.js';
import { createPendingJournal, type PendingJournal, type PendingTx } from '../chain/pending.js';
import { resumeWrite, runWrite, toFailure, type WriteRequest } from '../chain/write.js';
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

let journalInstance: PendingJournal | null = null;
/** The journal of signed, unsettled transactions (localStorage). */
function journal(): PendingJournal {
  journalInstance ??= createPendingJournal(localStorage);
  return journalInstance;
}

/** What the user reviews before the wallet opens: what the write does, and its fee bound. */
export interface TxReview {
  /** Lines describing the write ("Deposit 1,5 TRX"), shown as they are. */
  summary: string[];
  quote: FeeQuote;
}

/** Options of one run. */
export interface RunOptions {
  /** Called with the txId once final. */
  onFinal?: (txId: string) => void;
  /** Lines to show in an in-app confirmation step before the wallet (absent: straight to the wallet). */
  review?: string[];
}

/** Writes resumed after a reload, by button key (a TxTracker with that key shows their state). */
class ResumedWrites {
  #byKey = $state<Record<string, TxState>>({});
  #watching = new Set<string>();

  stateOf(key: string | undefined): TxState | undefined {
    return key ? this.#byKey[key] : undefined;
  }

  /** Resumes checking every journaled transaction of `address` (each once per page). */
  resume(address: string): void {
    for (const p of journal().list(address)) {
      if (this.#watching.has(p.txId)) continue;
      this.#watching.add(p.txId);
      this.#follow(p);
    }
  }

  #follow(p: PendingTx): void {
    const toast = txToasts.add(p.label || 'Transaction');
    let local: TxState = { phase: 'idle' };
    const emit = (e: TxEvent) => {
      local = txReduce(local, e);
      toast.state = local;
      if (p.key) this.#byKey = { ...this.#byKey, [p.key]: local };
    };
    resumeWrite(p, { emit, journal: journal() })
      .catch((err: unknown) => {
        const f = toFailure(err);
        emit({
          type: 'fail',
          error: {
            kind: f.info.kind,
            message: f.info.message,
            action: f.info.action,
            ...(f.info.revert ? { revert: f.info.revert } : {}),
          },
        });
      })
      .finally(() => {
        if (p.key && !isBusy(local.phase)) {
          const { [p.key]: _done, ...rest } = this.#byKey;
          this.#byKey = rest;
        }
      });
  }
}
/** Writes a reload found unsettled, being checked. */
export const resumedWrites = new ResumedWrites();

/** The state of one write button. `key` names it in the journal, so after a reload it stays busy while its write is checked. */
/** How long a toast stays once its write is final or failed (the ✕ closes it sooner). */
export const TOAST_MS = { final: 8000, failed: 15_000 };

export class TxTracker {
  #state = $state<TxState>({ phase: 'idle' });
  #review = $state<TxReview | null>(null);
  #answer: ((ok: boolean) => void) | null = null;
  readonly #key: string | undefined;

  constructor(key?: string) {
    this.#key = key;
  }

  get state(): TxState {
    const resumed = resumedWrites.stateOf(this.#key);
    // A write resumed after a reload speaks for this button until it settles.
    if (resumed && isBusy(resumed.phase) && !isBusy(this.#state.phase)) return resumed;
    return this.#state;
  }
  get busy(): boolean {
    return isBusy(this.state.phase);
  }
  /** The confirmation the user is asked for, while in the review phase. */
  get review(): TxReview | null {
    return this.state.phase === 'review' ? this.#review : null;
  }

  /** Answers the review: true signs in the wallet, false cancels (nothing is signed). */
  answerReview(ok: boolean): void {
    const a = this.#answer;
    this.#answer = null;
    a?.(ok);
  }

  #run = 0;

  /** Runs a write unless one is already in flight; resolves true once confirmed (not waiting for final). */
  run(label: string, req: WriteRequest, opts: RunOptions | ((txId: string) => void) = {}): Promise<boolean> {
    const o: RunOptions = typeof opts === 'function' ? { onFinal: opts } : opts;
    const phase = this.state.phase;
    if (!canSubmit(phase) && phase !== 'confirmed') return Promise.resolve(false);
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
        if (local.phase === 'final') setTimeout(() => txToasts.dismiss(toast.key), TOAST_MS.final);
        // The button that started the write keeps saying what failed and what to do (TxButton).
        if (local.phase === 'failed') setTimeout(() => txToasts.dismiss(toast.key), TOAST_MS.failed);
        if (e.type === 'cancel') txToasts.dismiss(toast.key);
        if (run === this.#run) this.#state = local;
        if (e.type === 'included' && !confirmed) {
          confirmed = true;
          resolve(true);
        }
      };
      const confirm = o.review
        ? (quote: FeeQuote) =>
            new Promise<boolean>((answer) => {
              this.#review = { summary: o.review!, quote };
              this.#answer = answer;
            })
        : undefined;
      emit({ type: 'start' });
      runWrite(req, conn, {
        emit,
        journal: journal(),
        label,
        ...(this.#key ? { key: this.#key } : {}),
        ...(confirm ? { confirm } : {}),
      })
        .then((txId) => {
          if (txId === null) return resolve(false);
          if (!confirmed) resolve(true);
          o.onFinal?.(txId);
        })
        .catch((err: unknown) => {
          const f = toFailure(err);
          emit({
            type: 'fail',
            error: {
              kind: f.info.kind,
              message: f.info.message,
              action: f.info.action,
              ...(f.info.revert ? { revert: f.info.revert } : {}),
            },
          });
          if (!confirmed) resolve(false);
        });
    });
  }

  reset(): void {
    this.#state = txReduce(this.#state, { type: 'reset' });
  }
}
