/**
 * Feeds the subscriptions: gifts and ledger entries committed since the last publish, each advance
 * of the final block, and after a reorg the published rows it took back (marked removed).
 *
 * What drives it: the indexer in this process (its commit, finality and rollback listeners), or,
 * on an API replica, the writer's changes as Postgres notifications (IndexChanges, db/notify.ts),
 * or nothing (then `publishNew()` is called on a timer). Whatever drives it, every step reads the
 * rows as they are when it runs, one step at a time:
 * - after a commit, the rows with ids above the last published one are sent (ids grow in chain
 *   order);
 * - after a rollback, a reconnected feed, or a poll, the published rows that are not final yet
 *   (kept here, the only ones a reorg can take back) are compared with the rows now above the
 *   last final one: each published row that is gone is sent again marked removed, each row not
 *   sent yet is sent.
 * So a subscriber gets every row that exists once, and a removal for each row it got that a reorg
 * took back, however late a step runs (a step that runs after several commits sends them at once).
 */
import type { Indexer } from '../index.js';
import type { IndexChanges } from '../db/notify.js';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { ApiDb } from './apiDb.js';
import type { ApiPubSub } from './context.js';
import { giftsAboveBlock, giftsAfterId, type GiftRow } from './queries/gifts.js';
import { ledgerAboveBlock, ledgerAfterId, type LedgerRow } from './queries/ledger.js';
import { finalBlock, maxId } from './queries/status.js';
import { giftOf } from './resolvers/gifts.js';
import { ledgerOf } from './resolvers/ledger.js';
import { apiStatus } from './resolvers/status.js';

export interface Publisher {
  /** Publishes what changed since the last step, reorgs included; resolves once it is published. */
  publishNew(): Promise<void>;
  /** Resolves when every step asked for so far has run (tests). */
  settled(): Promise<void>;
  /** Stops following the indexer's commits or the feed. */
  close(): Promise<void>;
}

export interface PublisherOptions {
  /** The indexer in this process. */
  indexer?: Indexer | undefined;
  /** The writer's changes, when it runs in another process (an API replica). */
  changes?: IndexChanges | undefined;
  log?: Logger | undefined;
}

interface Row {
  id: number;
  block_number: number;
}

/** One table's published rows: the last id sent and the sent rows not final yet, in id order. */
class Published<R extends Row> {
  last = 0;
  /** Sent rows above the final block when last pruned; every id at or below `floor` is final and sent. */
  pending: R[] = [];
  floor = 0;

  constructor(
    readonly send: (r: R, final: number, removed: boolean) => void,
    readonly after: (db: ApiDb, id: number) => Promise<R[]>,
  ) {}

  /** Sends rows with ids above the last sent one. */
  async advance(db: ApiDb, final: number): Promise<void> {
    for (const r of await this.after(db, this.last)) {
      this.send(r, final, false);
      this.pending.push(r);
      this.last = r.id;
    }
  }

  /** Rows above the floor now; sent rows no longer among them go out removed; rows not sent yet go out. */
  async reconcile(db: ApiDb, final: number): Promise<void> {
    const now = await this.after(db, this.floor);
    const key = (r: R): string => JSON.stringify(r);
    const current = new Set(now.map(key));
    const sent = new Set(this.pending.map(key));
    for (const r of this.pending) if (!current.has(key(r))) this.send(r, final, true);
    for (const r of now) if (!sent.has(key(r))) this.send(r, final, false);
    this.pending = now;
    this.last = now[now.length - 1]?.id ?? this.floor;
  }

  /** Final rows leave `pending` (no reorg can take them back); ids grow in chain order, so they lead it. */
  prune(final: number): void {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.block_number <= final) this.floor = this.pending[n++]!.id;
    if (n) this.pending = this.pending.slice(n);
  }
}

/** A publisher over `db`, driven by the indexer in this process, the writer's changes, or publishNew(). */
export function createPublisher(db: ApiDb, pubsub: ApiPubSub, opts: PublisherOptions = {}): Publisher {
  const { indexer, changes, log } = opts;
  const gifts = new Published<GiftRow>(
    (r, final, removed) => pubsub.publish('gift', { ...giftOf(r, final), removed }),
    giftsAfterId,
  );
  const ledger = new Published<LedgerRow>(
    (r, final, removed) => pubsub.publish('ledger', { ...ledgerOf(r, final), removed }),
    ledgerAfterId,
  );
  let lastFinal = -1;
  // Set when a step failed: whatever it left unsent, the next step compares everything again.
  let stale = false;

  async function start(): Promise<void> {
    lastFinal = await finalBlock(db);
    gifts.last = await maxId(db, 'gifts');
    ledger.last = await maxId(db, 'ledger_entries');
    // What exists is not news; the rows a reorg can still take back are kept to compare with.
    gifts.pending = await giftsAboveBlock(db, lastFinal, gifts.last);
    ledger.pending = await ledgerAboveBlock(db, lastFinal, ledger.last);
    gifts.floor = gifts.pending[0] ? gifts.pending[0].id - 1 : gifts.last;
    ledger.floor = ledger.pending[0] ? ledger.pending[0].id - 1 : ledger.last;
  }

  async function finality(final: number): Promise<void> {
    gifts.prune(final);
    ledger.prune(final);
    if (final <= lastFinal) return;
    lastFinal = final;
    pubsub.publish('final', { final, indexed: (await apiStatus(db, indexer)).indexed });
  }

  async function advance(): Promise<void> {
    const final = await finalBlock(db);
    await gifts.advance(db, final);
    await ledger.advance(db, final);
    await finality(final);
  }

  async function reconcile(): Promise<void> {
    const final = await finalBlock(db);
    await gifts.reconcile(db, final);
    await ledger.reconcile(db, final);
    // A rollback may take the final block back (never below a solidified one).
    lastFinal = Math.min(lastFinal, final);
    await finality(final);
  }

  let queue: Promise<void> = start().catch((e: unknown) => {
    stale = true;
    log?.warn('the subscriptions could not read the index', { error: describeError(e) });
  });
  const step = (what: 'advance' | 'reconcile'): Promise<void> => {
    queue = queue.then(async () => {
      const full = stale || what === 'reconcile';
      stale = false;
      try {
        await (full ? reconcile() : advance());
      } catch (e) {
        stale = true;
        log?.warn('the subscriptions could not read the index: the next step compares again', {
          error: describeError(e),
        });
      }
    });
    return queue;
  };

  const unsubscribers: (() => void)[] = [];
  if (indexer)
    unsubscribers.push(
      indexer.onCommit(() => void step('advance')),
      indexer.onFinality(() => void step('advance')),
      indexer.onRollback({ after: () => void step('reconcile') }),
    );
  if (changes)
    unsubscribers.push(
      changes.subscribe((c) => void step(c.kind === 'commit' || c.kind === 'final' ? 'advance' : 'reconcile')),
    );

  return {
    publishNew: () => step('reconcile'),
    settled: () => queue,
    close: async () => {
      for (const u of unsubscribers) u();
      await queue;
    },
  };
}
