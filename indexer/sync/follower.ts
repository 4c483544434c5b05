/**
 * The sync: reads the head and the solidified head, fetches blocks in order, decodes them and
 * commits each batch (raw rows, handler writes, cursor) in one database transaction (SQLite or
 * Postgres). Solidified blocks come in ranges of 100 (getblockbylimitnext, several in parallel) with
 * gettransactioninfobyblocknum for each block that has transactions, many blocks per transaction,
 * and the next batch is fetched while one commits; blocks above the solidified head come one at a
 * time (getblockbynum, checked against getblock so both calls describe one block).
 *
 * Reorgs: a block whose parent hash is not the stored hash of the previous block (or a tip whose
 * hash changed) means the node switched branches. The fork point is the highest stored block the
 * node still has; derived rows are restored from the reorg journal, raw rows above it deleted,
 * and the sync continues on the new branch from there.
 */
import type { SqlConnection } from '../db/sql.js';
import { FatalError, RetryableError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { HandlerContext } from '../handlers/context.js';
import { applyEvent } from '../handlers/registry.js';
import type { DerivedStore } from '../store/derived.js';
import type { Cursor, RawBlock, RawEvent, RawStore, RawTxFees } from '../store/raw.js';
import type { Decoder, FetchedBlock } from './decoder.js';
import { BLOCK_RANGE_LIMIT, type BlockRef, type NodeBlock, type TronClient } from './tronClient.js';
import { mapLimit } from '../internal/async.js';
import type { IndexChange } from '../db/notify.js';

export interface FollowerHooks {
  /** Runs inside every batch transaction just before it commits; a throw rolls the batch back (tests inject faults here). */
  beforeCommit?: (batch: { from: number; to: number }) => void;
  /** Runs after a batch of blocks committed, in commit order (the API publishes new rows from here); a throw is not the sync's concern. */
  afterCommit?: (batch: CommittedBatch) => void;
  /** Runs after the final block advanced without new blocks (a batch's own finality is in afterCommit). */
  afterFinality?: (finalNumber: number) => void;
  /**
   * Runs inside a reorg's transaction before rows above `forkPoint` are removed, so listeners can
   * read what is about to go; a throw aborts the rollback (it is retried).
   */
  beforeRollback?: (forkPoint: number) => void;
  /** Runs after a reorg's rollback committed. */
  afterRollback?: (rollback: { forkPoint: number; depth: number }) => void;
}

/** A committed batch: its blocks and how many events it stored. */
export interface CommittedBatch {
  from: number;
  to: number;
  events: number;
}

export interface FollowerDeps {
  conn: SqlConnection;
  raw: RawStore;
  derived: DerivedStore;
  client: TronClient;
  decoder: Decoder;
  ctx: HandlerContext;
  deployBlock: number;
  batchSize: number;
  fetchConcurrency: number;
  log: Logger;
  hooks?: FollowerHooks;
  /**
   * Runs inside each transaction that changes what the API serves (a batch, finality, a
   * rollback), after its writes: the Postgres writer NOTIFYs API replicas from here (db/notify.ts),
   * so they hear of a change exactly when it commits.
   */
  announce?: (change: Exclude<IndexChange, { kind: 'resync' }>) => Promise<void>;
}

export interface StepResult {
  /** Something was written: blocks, a rollback or finality. */
  progressed: boolean;
  head: number;
  solid: number;
  indexed: number;
  final: number;
  reorg?: { forkPoint: number; depth: number };
}

export interface Follower {
  /** One round: a batch of blocks, a fork resolution, or a finality update. */
  step(): Promise<StepResult>;
  /** Reads the cursor (writing the initial one on a new database); call once before step() or cursor(). */
  load(): Promise<Cursor>;
  /** The cursor as last committed by this follower (load() first). */
  cursor(): Cursor;
  /** Heads seen by the last step. */
  lastSeen(): { head?: BlockRef; solid?: BlockRef };
}

interface DecodedBlock {
  block: RawBlock;
  events: RawEvent[];
  fees: RawTxFees[];
}

/** Creates the follower over an opened database. */
export function createFollower(deps: FollowerDeps): Follower {
  const { conn, raw, derived, client, decoder, log } = deps;
  let seen: { head?: BlockRef; solid?: BlockRef } = {};
  let current: Cursor | undefined;

  async function load(): Promise<Cursor> {
    let c = await raw.cursor();
    if (!c) {
      const initial = { indexedNumber: deps.deployBlock - 1, indexedHash: '', finalNumber: deps.deployBlock - 1 };
      await conn.transaction(() => raw.setCursor(initial));
      c = initial;
    }
    current = c;
    return c;
  }

  function cursor(): Cursor {
    if (!current) throw new Error('follower.load() must run before cursor()');
    return current;
  }

  /** Blocks per getblockbylimitnext request: lowered to what a node answers, 0 once it answers none. */
  let rangeCap = BLOCK_RANGE_LIMIT;
  /** The next solidified batch, fetched while the current one commits. */
  let ahead: { from: number; to: number; blocks: Promise<FetchedBlock[] | null> } | null = null;

  async function nodeBlock(n: number): Promise<NodeBlock> {
    const block = await client.blockByNumber(n);
    if (!block) throw new RetryableError(`block ${n} is not available yet`, { context: { block_number: n } });
    return block;
  }

  /**
   * Solidified blocks `from` to `to` with their transaction infos: the blocks in ranges of
   * `rangeCap` (one request per range), the infos per block that has transactions. A node that
   * answers a range with fewer blocks (a lower cap) or none (no getblockbylimitnext) gets the rest
   * asked one block at a time, and smaller or no ranges from then on.
   */
  async function fetchSolid(from: number, to: number): Promise<FetchedBlock[]> {
    // Chunks of the range cap (of 100 once the node answers no ranges: then each block is asked alone).
    const cap = rangeCap || BLOCK_RANGE_LIMIT;
    const ranges: [number, number][] = [];
    for (let a = from; a <= to; a += cap) ranges.push([a, Math.min(to + 1, a + cap)]);
    const lists = await mapLimit(ranges, deps.fetchConcurrency, async ([a, b]) => {
      const got = rangeCap ? await client.blocksByRange(a, b) : [];
      if (rangeCap && got.length < b - a && got.length < rangeCap) {
        rangeCap = got.length;
        log.warn(
          rangeCap === 0
            ? 'the node answers no block ranges (getblockbylimitnext): fetching blocks one at a time'
            : 'the node answers shorter block ranges: asking for fewer blocks per request',
          { asked: b - a, answered: got.length, from_block: a },
        );
      }
      for (let n = a + got.length; n < b; n++) got.push(await nodeBlock(n));
      return got;
    });
    const blocks = lists.flat();
    return mapLimit(blocks, deps.fetchConcurrency, async (block) => ({
      block,
      infos: block.txs.length ? await client.txInfos(block.number) : [],
    }));
  }

  /** Starts fetching the solidified batch after `to` while this one commits (solidified blocks cannot change). */
  function fetchAhead(to: number, solid: number): void {
    if (to >= solid) return;
    const from = to + 1;
    const last = Math.min(solid, to + deps.batchSize);
    const blocks = fetchSolid(from, last).catch((e: unknown) => {
      // The next step fetches them again, with its own retries and errors.
      log.debug('fetching ahead failed', { from_block: from, error: e instanceof Error ? e.message : String(e) });
      return null;
    });
    ahead = { from, to: last, blocks };
  }

  /** A block above the solidified head, with its transaction infos. */
  async function fetchHeadBlock(n: number): Promise<FetchedBlock> {
    const block = await nodeBlock(n);
    const infos = block.txs.length ? await client.txInfos(n) : [];
    // An unsolidified block can be replaced between the two calls; make sure both describe one block.
    const again = await client.blockHeader(n);
    if (again?.hash !== block.hash)
      throw new RetryableError(`block ${n} changed while it was fetched`, { context: { block_number: n } });
    return { block, infos };
  }

  /** Writes decoded blocks, their events' derived rows and the cursor in one transaction. */
  async function commit(blocks: DecodedBlock[], prev: Cursor, solid: number): Promise<Cursor> {
    const last = blocks[blocks.length - 1]!.block;
    const finalNumber = Math.max(prev.finalNumber, Math.min(solid, last.number));
    const next: Cursor = { indexedNumber: last.number, indexedHash: last.hash, finalNumber };
    try {
      // The transaction takes the write lock first, so no other connection commits while the batch is built.
      await conn.transaction(async () => {
        const now = await raw.cursor();
        if (now?.indexedNumber !== prev.indexedNumber || now.indexedHash !== prev.indexedHash) {
          throw new RetryableError('the cursor moved under this batch: is another indexer writing this database?');
        }
        // Blocks at or below the solidified head cannot be reorged: their writes need no journal.
        await derived.begin(Math.max(solid, prev.finalNumber));
        for (const { block, events, fees } of blocks) {
          if (events.length || block.number >= finalNumber) await raw.insertBlock(block);
          await raw.insertEvents(events);
          await raw.insertTxFees(fees);
          for (const e of events) {
            await applyEvent(e, deps.ctx);
            await derived.checkpoint();
          }
        }
        await derived.flush();
        await raw.setCursor(next);
        if (finalNumber > prev.finalNumber) {
          await derived.pruneJournal(finalNumber);
          await raw.pruneBlocks(prev.finalNumber, finalNumber);
        }
        await deps.announce?.({ kind: 'commit', from: blocks[0]!.block.number, to: last.number, final: finalNumber });
        deps.hooks?.beforeCommit?.({ from: blocks[0]!.block.number, to: last.number });
      });
    } catch (e) {
      derived.discard();
      throw e;
    }
    current = next;
    if (deps.hooks?.afterCommit) {
      const events = blocks.reduce((n, b) => n + b.events.length, 0);
      notify('afterCommit', () =>
        deps.hooks?.afterCommit?.({ from: blocks[0]!.block.number, to: last.number, events }),
      );
    }
    return next;
  }

  /** Runs an after-the-fact hook: what was committed stays committed whatever the hook does. */
  function notify(hook: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      log.warn(`${hook} hook failed`, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  async function commitFinality(prev: Cursor, finalNumber: number): Promise<Cursor> {
    const next = { ...prev, finalNumber };
    await conn.transaction(async () => {
      await raw.setCursor(next);
      await derived.pruneJournal(finalNumber);
      await raw.pruneBlocks(prev.finalNumber, finalNumber);
      await deps.announce?.({ kind: 'final', final: finalNumber });
    });
    current = next;
    notify('afterFinality', () => deps.hooks?.afterFinality?.(finalNumber));
    return next;
  }

  /** Finds the highest block both we and the node have, and rolls everything above it back. */
  async function resolveFork(prev: Cursor): Promise<{ cursor: Cursor; forkPoint: number; depth: number }> {
    let forkPoint: number | undefined;
    for (let n = prev.indexedNumber; n > prev.finalNumber; n--) {
      const stored = await raw.blockHash(n);
      if (!stored) throw new FatalError(`block ${n} is above the final block but its hash was not kept`);
      const node = await client.blockHeader(n);
      if (node?.hash === stored) {
        forkPoint = n;
        break;
      }
    }
    if (forkPoint === undefined) {
      const stored = await raw.blockHash(prev.finalNumber);
      if (stored) {
        const node = await client.blockHeader(prev.finalNumber);
        if (node?.hash !== stored) {
          throw new FatalError(
            `the node's chain differs at or below the final block ${prev.finalNumber}: a solidified block changed`,
            {
              context: { block_number: prev.finalNumber },
            },
          );
        }
      }
      forkPoint = prev.finalNumber;
    }
    const f = forkPoint;
    const next: Cursor = {
      indexedNumber: f,
      indexedHash: (await raw.blockHash(f)) ?? '',
      finalNumber: Math.min(prev.finalNumber, f),
    };
    try {
      await conn.transaction(async () => {
        const now = await raw.cursor();
        if (now?.indexedNumber !== prev.indexedNumber || now.indexedHash !== prev.indexedHash) {
          throw new RetryableError('the cursor moved under this rollback: is another indexer writing this database?');
        }
        deps.hooks?.beforeRollback?.(f);
        await derived.rollbackTo(f);
        await raw.deleteAbove(f);
        await raw.setCursor(next);
        await deps.announce?.({ kind: 'rollback', forkPoint: f, final: next.finalNumber });
      });
    } catch (e) {
      derived.discard();
      throw e;
    }
    current = next;
    const depth = prev.indexedNumber - f;
    notify('afterRollback', () => deps.hooks?.afterRollback?.({ forkPoint: f, depth }));
    log.warn('reorg: rolled back to the fork point', {
      fork_point: f,
      depth,
      old_tip: prev.indexedNumber,
      old_tip_hash: prev.indexedHash,
    });
    return { cursor: next, forkPoint: f, depth };
  }

  async function step(): Promise<StepResult> {
    const [head, solidSeen] = await Promise.all([client.nowBlock(), client.solidBlock()]);
    const solid = solidSeen.number > head.number ? head : solidSeen;
    seen = { head, solid };
    // Read again each step (as a commit checks it): another writer may have moved it.
    let cur = await load();
    const result = (progressed: boolean, c: Cursor, reorg?: StepResult['reorg']): StepResult => ({
      progressed,
      head: head.number,
      solid: solid.number,
      indexed: c.indexedNumber,
      final: c.finalNumber,
      ...(reorg ? { reorg } : {}),
    });

    if (cur.indexedNumber >= head.number) {
      // Caught up: make sure our tip is still the node's, then move finality.
      if (cur.indexedHash) {
        // A node behind us (a lagging replica) is no fork as long as its head is on our chain.
        const ours = head.number === cur.indexedNumber ? cur.indexedHash : await raw.blockHash(head.number);
        if (ours !== undefined && head.hash !== ours) {
          const r = await resolveFork(cur);
          return result(true, r.cursor, { forkPoint: r.forkPoint, depth: r.depth });
        }
      }
      const finalNumber = Math.min(solid.number, cur.indexedNumber);
      if (finalNumber > cur.finalNumber) {
        cur = await commitFinality(cur, finalNumber);
        log.debug('finality advanced', { final_number: finalNumber });
        return result(true, cur);
      }
      return result(false, cur);
    }

    const from = cur.indexedNumber + 1;
    const solidified = from <= solid.number;
    let to = solidified ? Math.min(solid.number, cur.indexedNumber + deps.batchSize) : from;
    const early = ahead?.from === from ? ahead : null;
    ahead = null;
    let fetched = early ? await early.blocks : null;
    if (fetched && early) to = early.to;
    else fetched = solidified ? await fetchSolid(from, to) : [await fetchHeadBlock(from)];

    if (cur.indexedHash && fetched[0]!.block.parentHash !== cur.indexedHash) {
      const r = await resolveFork(cur);
      return result(true, r.cursor, { forkPoint: r.forkPoint, depth: r.depth });
    }
    for (let i = 1; i < fetched.length; i++) {
      if (fetched[i]!.block.parentHash !== fetched[i - 1]!.block.hash) {
        throw new RetryableError(
          `blocks ${from + i - 1} and ${from + i} do not chain (the node switched branches mid-fetch)`,
        );
      }
    }
    const decoded = fetched.map((f) => decoder.decodeBlock(f));
    const events = decoded.reduce((s, d) => s + d.events.length, 0);
    if (solidified) fetchAhead(to, solid.number);
    cur = await commit(decoded, cur, solid.number);
    log.info('indexed blocks', {
      from_block: from,
      to_block: to,
      events,
      head_block: head.number,
      solid_block: solid.number,
      final_number: cur.finalNumber,
    });
    return result(true, cur);
  }

  return { step, load, cursor, lastSeen: () => seen };
}
