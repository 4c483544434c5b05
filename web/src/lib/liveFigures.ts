/**
 * Keeps a page's figures current without a reload. `reload` runs after a ledger entry of
 * `address` is committed (a gift received, a claim, a deposit from another tab or device) and,
 * while `due()` says something may have changed with time (an escrow release), after each advance
 * of the final block; bursts are coalesced, and reloads come at most once per `gapMs`.
 */
import { subscribeFinalized, subscribeLedger } from './api/indexer.js';

/** Entries of one batch arrive together: one reload after the last of them. */
const COALESCE_MS = 150;

export function keepCurrent(
  address: string,
  reload: () => void,
  opts: { due?: () => boolean; gapMs?: number } = {},
): () => void {
  const gap = opts.gapMs ?? 2000;
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = (): void => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        last = Date.now();
        reload();
      },
      Math.max(COALESCE_MS, last + gap - Date.now()),
    );
  };
  const subs = [subscribeLedger(address, soon)];
  const due = opts.due;
  if (due) subs.push(subscribeFinalized(() => due() && soon()));
  return () => {
    clearTimeout(timer);
    for (const s of subs) s.close();
  };
}
