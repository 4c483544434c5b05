/**
 * Finality and reorgs against the devnet: rows above the solidified head are pending and turn
 * final as it passes them; a fork injected with tre_reorg (a dropped gift, reordered blocks, a
 * branch of the same height) rolls the derived rows back and re-applies the new branch, leaving
 * exactly the tables a fresh index of the new chain has.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { dumpTables } from '../helpers/dumpTables.js';
import { finalityOf, finalNumber, topAccounts } from '../../indexer/db/views.js';
import type { Indexer } from '../../indexer/index.js';
import { call, TRX_ADDRESS, type System, type TxResult } from '../helpers/contracts.js';
import { startDevnet, tre, type Devnet } from '../helpers/devnet.js';
import {
  deployLagging,
  headNumber,
  indexerFor,
  primeSubscription,
  subscribeSse,
  tempDir,
  writeDeployments,
} from '../helpers/indexer.js';
import { createIndexerApi } from '../../indexer/api/server.js';
import { listenApi } from '../../indexer/api/listen.js';
import { gift, GIFT, prepareActors, SUN, tx, type Actors } from '../helpers/traffic.js';

const LAG = 6;
type Row = Record<string, any>;

describe('indexer: finality and reorgs', function () {
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let ix: Indexer;
  let db: Database.Database;
  let fresh = 0;

  const row = (sql: string, ...p: unknown[]): Record<string, any> | undefined =>
    db.prepare(sql).get(...p) as Record<string, any> | undefined;
  const giftOf = (t: TxResult): Record<string, any> | undefined => row('SELECT * FROM gifts WHERE tx_id = ?', t.txid);
  const balance = (user: string, token: string): bigint =>
    BigInt(row('SELECT amount FROM vault_balances WHERE user = ? AND token = ?', user, token)?.amount ?? '0');
  const chartOf = (who: string): bigint =>
    topAccounts(db, { kind: 'GIFTERS', period: 'ALL', periodStart: 0, token: TRX_ADDRESS, limit: 100 }).find(
      (e) => e.account === who,
    )?.amount ?? 0n;

  /** A new index of the same chain from scratch, dumped. */
  async function freshDump(): Promise<string> {
    const other = indexerFor(deployments, path.join(tmp.dir, `fresh-${fresh++}.sqlite`));
    try {
      await other.sync();
      return dumpTables(other.db);
    } finally {
      await other.close();
    }
  }

  before(async function () {
    devnet = await startDevnet({ solidityLag: LAG });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    for (const v of ['bob', 'carol', 'dave'] as const) await tx(devnet, v, sys.vault, 'depositTRX()', [], 100n * SUN);
    await tx(devnet, 'carol', sys.vault, 'deposit(address,uint256)', [a.tok.BTT, 10n ** 20n]);
    await tre(devnet, 'tre_mine', [{ blocks: LAG }]);
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    ix = indexerFor(deployments, path.join(tmp.dir, 'index.sqlite'));
    db = ix.db;
    await ix.sync();
  });

  after(async function () {
    await ix?.close();
    await devnet?.close();
    tmp?.cleanup();
  });

  describe('when blocks are newer than the solidified head', function () {
    it('serves their rows as pending, then final once the solidified head passes them', async function () {
      const g = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 3n, false);
      await ix.sync();
      const block = giftOf(g)!.block_number as number;
      assert.equal(finalityOf(block, finalNumber(db)), 'pending');
      assert.ok(ix.status().final < block);
      assert.ok(
        Number(row('SELECT count(*) AS n FROM reorg_journal WHERE block_number = ?', block)!.n) > 0,
        'pending rows are journaled',
      );

      await tre(devnet, 'tre_mine', [{ blocks: LAG - 1 }]);
      await ix.sync();
      assert.equal(finalityOf(block, finalNumber(db)), 'pending', 'one block short');

      await tre(devnet, 'tre_mine', [{ blocks: 1 }]);
      await ix.sync();
      assert.equal(finalityOf(block, finalNumber(db)), 'final');
      const s = ix.status();
      assert.equal(s.final, s.solidified);
      assert.equal(s.final, s.head - LAG);
      assert.equal(
        Number(row('SELECT count(*) AS n FROM reorg_journal WHERE block_number <= ?', s.final)!.n),
        0,
        'the journal of final blocks is pruned',
      );
    });
  });

  describe('when the node switches to a branch that drops a gift', function () {
    it('rolls back the derived rows and re-applies the new branch', async function () {
      const g1 = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 4n, 5n, false);
      const g2 = await gift(devnet, sys, a, 'carol', 'frank', GIFT.ROCKET, 2n, 5n, false);
      const d = await tx(devnet, 'dave', sys.vault, 'depositTRX()', [], 7n * SUN);
      await ix.sync();
      const bobBefore = balance(a.addr.bob, TRX_ADDRESS);
      const chartBefore = chartOf(a.addr.bob);
      const g1Row = giftOf(g1);
      assert.ok(g1Row, 'the gift is indexed before the reorg');
      const oldBlock = giftOf(g2)!.block_number;

      const res = await tre<{ dropped: string[] }>(devnet, 'tre_reorg', [3, { drop: [g1.txid] }]);
      assert.deepEqual(res.dropped, [g1.txid]);
      await ix.sync();

      assert.equal(giftOf(g1), undefined, 'the dropped gift is gone');
      assert.equal(row('SELECT count(*) AS n FROM ledger_entries WHERE tx_id = ?', g1.txid)!.n, 0);
      assert.equal(row('SELECT count(*) AS n FROM raw_events WHERE tx_id = ?', g1.txid)!.n, 0);
      assert.ok(giftOf(g2), 'the other gift is re-applied');
      assert.notEqual(giftOf(g2)!.block_number, oldBlock, 'in its new block');
      assert.ok(row('SELECT * FROM ledger_entries WHERE tx_id = ?', d.txid));
      assert.equal(balance(a.addr.bob, TRX_ADDRESS), bobBefore + BigInt(g1Row.total));
      assert.equal(
        balance(a.addr.bob, TRX_ADDRESS),
        await call(devnet, sys.vault, 'balanceOf(address,address)', [a.addr.bob, TRX_ADDRESS]),
      );
      assert.equal(chartOf(a.addr.bob), chartBefore - BigInt(g1Row.total));
      assert.equal(dumpTables(db), await freshDump(), 'same tables as a fresh index of the new chain');
    });

    it('tells subscribers: the gift and its ledger entries again with removed: true, then finality as it advances', async function () {
      const api = createIndexerApi({ db, indexer: ix });
      const server = await listenApi(api, { port: 0 });
      const url = `${server.url}/graphql`;
      const gifts = await subscribeSse(
        url,
        `subscription { giftSent(broadcaster: "${a.addr.alice}") { txId total removed finality } }`,
      );
      const ledger = await subscribeSse(
        url,
        `subscription { ledgerEntries(address: "${a.addr.dave}") { txId kind account removed } }`,
      );
      const finality = await subscribeSse(url, 'subscription { finalized { final indexed } }');
      try {
        // Probe each subscription until it is live.
        const deposit = async (): Promise<string> => {
          const probe = await tx(devnet, 'dave', sys.vault, 'depositTRX()', [], 1n);
          await ix.sync();
          return probe.txid;
        };
        await primeSubscription(ledger, deposit, (p) => p.data?.ledgerEntries?.txId);
        await primeSubscription(
          gifts,
          async () => {
            const g = await gift(devnet, sys, a, 'carol', 'alice', GIFT.ROSE, 1n, 8n, false);
            await ix.sync();
            return g.txid;
          },
          (p) => p.data?.giftSent?.txId,
        );
        const g = await gift(devnet, sys, a, 'dave', 'alice', GIFT.ROSE, 1n, 8n, false);
        await ix.sync();
        const sent = await gifts.next((p) => p.data.giftSent.txId === g.txid);
        assert.deepEqual(sent.data.giftSent, {
          txId: g.txid,
          total: giftOf(g)!.total,
          removed: false,
          finality: 'PENDING',
        });
        const legs = db
          .prepare(
            'SELECT account FROM ledger_entries WHERE tx_id = ? AND owner_id = (SELECT id FROM ledger_owners WHERE owner = ?) ORDER BY id',
          )
          .all(g.txid, a.addr.dave) as Row[];
        assert.ok(legs.length > 0);

        await tre(devnet, 'tre_reorg', [2, { drop: [g.txid] }]);
        await ix.sync();
        assert.equal(giftOf(g), undefined);
        const removed = await gifts.next((p) => p.data.giftSent.txId === g.txid);
        assert.equal(removed.data.giftSent.removed, true, 'the same gift, marked removed');
        for (const leg of legs) {
          const m = await ledger.next(
            (p) => p.data.ledgerEntries.txId === g.txid && p.data.ledgerEntries.removed === true,
          );
          assert.equal(m.data.ledgerEntries.account, leg.account);
        }

        const before = finalNumber(db);
        await tre(devnet, 'tre_mine', [{ blocks: 2 }]);
        await ix.sync();
        const f = await finality.next((p) => p.data.finalized.final > before);
        assert.equal(f.data.finalized.final, finalNumber(db));
      } finally {
        gifts.close();
        ledger.close();
        finality.close();
        await server.close();
        api.close();
      }
    });

    it('follows a reordered branch of the same height (only the tip hash changes), after a reindex rebuilt the journal', async function () {
      const g1 = await gift(devnet, sys, a, 'bob', 'frank', GIFT.ROSE, 1n, 6n, false);
      const g2 = await gift(devnet, sys, a, 'carol', 'frank', GIFT.ROSE, 2n, 6n, true);
      await ix.sync();
      const journal = (): unknown[] =>
        db.prepare('SELECT block_number, table_name, key, old FROM reorg_journal ORDER BY seq').all();
      const journalBefore = journal();
      await ix.reindex();
      assert.deepEqual(journal(), journalBefore, 'reindex journals the unsolidified blocks as the sync did');
      const head = await headNumber(devnet);
      const before = [giftOf(g1)!.block_number, giftOf(g2)!.block_number];

      await tre(devnet, 'tre_reorg', [2, { order: 'reverse', extraBlocks: 0 }]);
      assert.equal(await headNumber(devnet), head);
      await ix.sync();

      assert.deepEqual([giftOf(g1)!.block_number, giftOf(g2)!.block_number], [before[1], before[0]]);
      assert.equal(ix.status().indexed, head);
      assert.equal(dumpTables(db), await freshDump());
    });

    it('ends with zero differences against the contracts once everything is final', async function () {
      await tre(devnet, 'tre_mine', [{ blocks: LAG }]);
      const report = await ix.verify();
      assert.deepEqual(report.differences, []);
      assert.equal(Number(row('SELECT count(*) AS n FROM reorg_journal')!.n), 0);
      assert.equal(dumpTables(db), await freshDump());
    });
  });
});
