/**
 * Feeds the subscriptions: gifts and ledger entries committed since the last publish, each advance
 * of the final block, and after a reorg the published rows it took back (marked removed).
 */
import type Database from 'better-sqlite3';
import type { Indexer } from '../index.js';
import { finalNumber } from '../db/views.js';
import type { ApiPubSub } from './context.js';
import { giftsAboveBlock, giftsAfterId, type GiftRow } from './queries/gifts.js';
import { ledgerAboveBlock, ledgerAfterId, type LedgerRow } from './queries/ledger.js';
import { maxId } from './queries/status.js';
import { giftOf } from './resolvers/gifts.js';
import { ledgerOf } from './resolvers/ledger.js';
import { apiStatus } from './resolvers/status.js';

export interface Publisher {
  /** Publishes gifts and ledger entries committed since the last call. */
  publishNew(): void;
  /** Publishes the final block if it moved. */
  publishFinality(): void;
  /** Stops following the indexer's commits. */
  close(): void;
}

/** A publisher over `db`; with an indexer in this process it follows its commits, rollbacks and finality. */
export function createPublisher(db: Database.Database, pubsub: ApiPubSub, indexer?: Indexer): Publisher {
  let lastGift = maxId(db, 'gifts');
  let lastLedger = maxId(db, 'ledger_entries');
  let lastFinal = finalNumber(db);

  function publishNew(): void {
    const final = finalNumber(db);
    // A reorg can remove rows: never wait for ids above what exists.
    lastGift = Math.min(lastGift, maxId(db, 'gifts'));
    lastLedger = Math.min(lastLedger, maxId(db, 'ledger_entries'));
    for (const r of giftsAfterId(db, lastGift)) {
      lastGift = r.id;
      pubsub.publish('gift', giftOf(r, final));
    }
    for (const r of ledgerAfterId(db, lastLedger)) {
      lastLedger = r.id;
      pubsub.publish('ledger', ledgerOf(r, final));
    }
  }

  // Finality: published whenever the final block moves (with a batch, or on its own).
  function publishFinality(): void {
    const final = finalNumber(db);
    if (final <= lastFinal) return;
    lastFinal = final;
    pubsub.publish('final', { final, indexed: apiStatus(db, indexer).indexed });
  }

  // Reorgs: rows already published that the rollback is about to remove are read inside its
  // transaction and sent again, marked removed, once it committed.
  let removing: { gifts: GiftRow[]; ledger: LedgerRow[] } | undefined;
  const rollbackListener = {
    before(forkPoint: number): void {
      removing = {
        gifts: giftsAboveBlock(db, forkPoint, lastGift),
        ledger: ledgerAboveBlock(db, forkPoint, lastLedger),
      };
    },
    after(): void {
      const r = removing;
      removing = undefined;
      if (!r) return;
      const final = finalNumber(db);
      for (const g of r.gifts) pubsub.publish('gift', { ...giftOf(g, final), removed: true });
      for (const l of r.ledger) pubsub.publish('ledger', { ...ledgerOf(l, final), removed: true });
      lastGift = Math.min(lastGift, maxId(db, 'gifts'));
      lastLedger = Math.min(lastLedger, maxId(db, 'ledger_entries'));
      lastFinal = Math.min(lastFinal, finalNumber(db));
    },
  };

  const unsubscribers = indexer
    ? [
        indexer.onCommit(() => {
          publishNew();
          publishFinality();
        }),
        indexer.onFinality(() => publishFinality()),
        indexer.onRollback(rollbackListener),
      ]
    : [];

  return {
    publishNew,
    publishFinality,
    close: () => {
      for (const u of unsubscribers) u();
    },
  };
}
