/**
 * The journal of signed transactions whose outcome the app does not know yet, kept in
 * localStorage from the moment the wallet signed (the txID is known then) until the chain
 * settles it (a receipt, or expiry without it). A reload reads it and resumes checking instead
 * of inviting a second payment.
 */

/** One signed, unsettled transaction. */
export interface PendingTx {
  txId: string;
  /** The sender. */
  address: string;
  /** Which button it belongs to (`gift`, `deposit`...), so that button stays busy after a reload. */
  key: string;
  label: string;
  /** raw_data.expiration (chain time, ms): unseen after it, the transaction can never land. */
  expiration: number;
  savedAt: number;
}

export interface PendingJournal {
  add(p: PendingTx): void;
  remove(txId: string): void;
  list(address: string): PendingTx[];
}

const PREFIX = 'blive.pendingTx.';

/** A journal over a Storage (localStorage in the browser; an in-memory one in tests). */
export function createPendingJournal(
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>,
): PendingJournal {
  const read = (k: string): PendingTx | null => {
    try {
      const v = JSON.parse(storage.getItem(k) ?? 'null') as PendingTx | null;
      return v && typeof v.txId === 'string' && typeof v.address === 'string' ? v : null;
    } catch {
      return null;
    }
  };
  return {
    add: (p) => storage.setItem(PREFIX + p.txId, JSON.stringify(p)),
    remove: (txId) => storage.removeItem(PREFIX + txId),
    list(address) {
      const out: PendingTx[] = [];
      for (let i = 0; i < storage.length; i++) {
        const k = storage.key(i);
        if (!k?.startsWith(PREFIX)) continue;
        const p = read(k);
        if (p && p.address === address) out.push(p);
      }
      return out.sort((a, b) => a.savedAt - b.savedAt);
    },
  };
}
