/**
 * The index on Postgres (DATABASE_URL) against the devnet, end to end: the same traffic indexed
 * into Postgres and into SQLite gives the same rows; reindex, batches failing before they commit,
 * a SIGKILLed `npm run indexer` and reorgs all end at the tables a fresh index has. Postgres is a
 * real server (test/helpers/postgres.ts), one fresh database per index.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/config.js';
import { FatalError } from '../../lib/errors.js';
import type { Indexer, IndexerParams } from '../../indexer/index.js';
import { pendingPgMigration } from '../../scripts/pgMigrations.js';
import type { System } from '../helpers/contracts.js';
import { startDevnet, tre, waitFor, type Devnet } from '../helpers/devnet.js';
import { deployLagging, headNumber, indexerEnv, indexerFor, tempDir, writeDeployments } from '../helpers/indexer.js';
import { dumpIndex, dumpSqliteIndex, postgresReader } from '../helpers/indexDb.js';
import { type PostgresDatabase, postgresDatabase, postgresInstalled, requireServer } from '../helpers/postgres.js';
import {
  type Actors,
  gift,
  GIFT,
  prepareActors,
  randomTraffic,
  rng,
  SUN,
  scriptedTraffic,
  tx,
} from '../helpers/traffic.js';

type Reader = Awaited<ReturnType<typeof postgresReader>>;

/** Fresh databases and readers of them, dropped by `cleanup()`. */
function databases(): {
  fresh(): Promise<{ url: string; reader: Reader }>;
  cleanup(): Promise<void>;
} {
  const made: { db: PostgresDatabase; reader: Reader }[] = [];
  return {
    async fresh() {
      const db = await postgresDatabase();
      const reader = await postgresReader(db.url);
      made.push({ db, reader });
      return { url: db.url, reader };
    },
    async cleanup() {
      for (const m of made) {
        await m.reader.close();
        await m.db.stop();
      }
    },
  };
}

const dumpOf = (reader: Reader): Promise<string> => dumpIndex((sql) => reader.all(sql));

describe('indexer on Postgres: devnet traffic, crashes and faults', function () {
  this.timeout(300_000);
  let devnet: Devnet;
  let sys: System;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let reference: string;
  let head: number;
  const dbs = databases();

  const onPostgres = (url: string, params: IndexerParams = {}): Indexer =>
    indexerFor(deployments, path.join(tmp.dir, 'unused.sqlite'), {
      ...params,
      config: { databaseUrl: url, ...params.config },
    });

  before(async function () {
    requireServer(this, 'postgresql', postgresInstalled());
    devnet = await startDevnet({ solidityLag: 3 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    const a = await prepareActors(devnet, sys);
    await scriptedTraffic(devnet, sys, a);
    await randomTraffic(devnet, sys, a, 11, 80);
    head = await headNumber(devnet);
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    const ix = indexerFor(deployments, path.join(tmp.dir, 'reference.sqlite'));
    await ix.sync();
    reference = await dumpSqliteIndex(ix.db);
    await ix.close();
  });

  after(async function () {
    await dbs.cleanup();
    await devnet?.close();
    tmp?.cleanup();
  });

  it('has Postgres migrations that match schema.ts', async function () {
    assert.deepEqual((await pendingPgMigration()).statements, []);
  });

  it('indexes every event into the rows SQLite holds, and reindex rebuilds exactly them', async function () {
    const { url, reader } = await dbs.fresh();
    const ix = onPostgres(url);
    try {
      await ix.sync();
      assert.equal(ix.status().indexed, head);
      const dump = await dumpOf(reader);
      assert.ok(((await reader.all('SELECT count(*) AS n FROM gifts'))[0]!.n as number) > 0, 'gifts were indexed');
      assert.equal(dump, reference);
      const events = (await reader.all('SELECT count(*) AS n FROM raw_events'))[0]!.n as number;
      const r = await ix.reindex();
      assert.equal(r.events, events);
      assert.equal(await dumpOf(reader), reference);
    } finally {
      await ix.close();
    }
  });

  it('refuses a database built for another deployment', async function () {
    const { url, reader } = await dbs.fresh();
    const ix = onPostgres(url);
    await ix.ready();
    await ix.close();
    await reader.all("UPDATE indexer_meta SET value = 'TXYZ' WHERE key = 'GiftVault'");
    const other = onPostgres(url);
    try {
      await assert.rejects(
        other.ready(),
        (e: unknown) => e instanceof FatalError && /was built for GiftVault = TXYZ/.test(e.message),
      );
      await assert.rejects(other.sync(), /was built for GiftVault/);
    } finally {
      await other.close();
    }
  });

  it('rolls back batches that fail before they commit, and resumes to the same rows', async function () {
    const { url, reader } = await dbs.fresh();
    const rand = rng(7);
    let failures = 0;
    for (let attempt = 0; attempt < 100; attempt++) {
      const ix = onPostgres(url, {
        config: { batchSize: 1 + Math.floor(rand() * 7) },
        hooks: {
          beforeCommit: () => {
            if (rand() < 0.25) throw new Error('injected fault');
          },
        },
      });
      try {
        await ix.sync();
        break;
      } catch (e) {
        if ((e as Error).message !== 'injected fault') throw e;
        failures++;
      } finally {
        await ix.close();
      }
    }
    assert.ok(failures >= 3, `only ${failures} injected failures`);
    assert.equal(await dumpOf(reader), reference);
  });

  it('resumes after `npm run indexer` with DATABASE_URL is SIGKILLed mid-backfill', async function () {
    const { url, reader } = await dbs.fresh();
    const indexed = async (): Promise<number> => {
      const rows = await reader.all('SELECT indexed_number AS n FROM sync_state WHERE id = 1').catch(() => []);
      return (rows[0]?.n as number | undefined) ?? -1;
    };
    const rand = rng(20261203);
    const log: string[] = [];
    let killsMidBackfill = 0;
    for (let kill = 0; kill < 4; kill++) {
      const from = await indexed();
      const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'indexer/cli.ts'], {
        cwd: PROJECT_ROOT,
        env: indexerEnv(deployments, path.join(tmp.dir, 'unused.sqlite'), {
          DATABASE_URL: url,
          INDEXER_BATCH_SIZE: '3',
          INDEXER_FETCH_CONCURRENCY: '1',
        }),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const target = from + 1 + Math.floor(rand() * Math.max(1, (head - from) / 2));
      await waitFor(
        async () => ((await indexed()) >= target || child.exitCode !== null ? true : undefined),
        60_000,
        `block ${target}`,
      );
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 40)));
      child.kill('SIGKILL');
      await exited;
      assert.equal(child.signalCode, 'SIGKILL', `the child exited on its own: ${log.join('')}`);
      if ((await indexed()) < head) killsMidBackfill++;
      else break;
    }
    assert.ok(killsMidBackfill >= 2, `only ${killsMidBackfill} kills landed mid-backfill`);
    const ix = onPostgres(url);
    try {
      await ix.sync();
      assert.equal(await dumpOf(reader), reference);
    } finally {
      await ix.close();
    }
  });

  it('verifies against the contracts on Postgres: no difference, then the two a tampered balance makes (its balanceOf, the totalLiabilities of its token)', async function () {
    const { url, reader } = await dbs.fresh();
    const ix = onPostgres(url);
    try {
      const clean = await ix.verify();
      assert.ok(clean.checks > 20, `${clean.checks} checks`);
      assert.deepEqual(clean.differences, []);
      const [b] = await reader.all('SELECT "user", token, amount FROM vault_balances ORDER BY "user", token LIMIT 1');
      await reader.all('UPDATE vault_balances SET amount = ? WHERE "user" = ? AND token = ?', '1', b!.user, b!.token);
      const report = await ix.verify();
      assert.deepEqual(
        report.differences.map((d) => d.what),
        [`GiftVault.balanceOf(${b!.user}, ${b!.token})`, `GiftVault.totalLiabilities(${b!.token})`],
      );
      assert.deepEqual([report.differences[0]!.indexed, report.differences[0]!.chain], ['1', b!.amount]);
    } finally {
      await ix.close();
    }
  });
});

describe('indexer on Postgres: finality and reorgs', function () {
  this.timeout(300_000);
  const LAG = 6;
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let ix: Indexer;
  let reader: Reader;
  let fresh = 0;
  const dbs = databases();

  /** A new SQLite index of the same chain from scratch, dumped. */
  async function freshDump(): Promise<string> {
    const other = indexerFor(deployments, path.join(tmp.dir, `fresh-${fresh++}.sqlite`));
    try {
      await other.sync();
      return await dumpSqliteIndex(other.db);
    } finally {
      await other.close();
    }
  }
  const giftRow = async (txid: string): Promise<Record<string, unknown> | undefined> =>
    (await reader.all('SELECT * FROM gifts WHERE tx_id = ?', txid))[0];

  before(async function () {
    requireServer(this, 'postgresql', postgresInstalled());
    devnet = await startDevnet({ solidityLag: LAG });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    for (const v of ['bob', 'carol', 'dave'] as const) await tx(devnet, v, sys.vault, 'depositTRX()', [], 100n * SUN);
    await tx(devnet, 'carol', sys.vault, 'deposit(address,uint256)', [a.tok.BTT, 10n ** 20n]);
    await tre(devnet, 'tre_mine', [{ blocks: LAG }]);
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    const db = await dbs.fresh();
    reader = db.reader;
    ix = indexerFor(deployments, path.join(tmp.dir, 'unused.sqlite'), { config: { databaseUrl: db.url } });
    await ix.sync();
  });

  after(async function () {
    await ix?.close();
    await dbs.cleanup();
    await devnet?.close();
    tmp?.cleanup();
  });

  it('journals pending rows and prunes the journal as blocks turn final', async function () {
    const g = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 3n, false);
    await ix.sync();
    const block = (await giftRow(g.txid))!.block_number as number;
    assert.ok(ix.status().final < block, 'pending');
    const journaled = async (sql: string, n: number): Promise<number> =>
      (await reader.all(`SELECT count(*) AS n FROM reorg_journal WHERE ${sql}`, n))[0]!.n as number;
    assert.ok((await journaled('block_number = ?', block)) > 0, 'pending rows are journaled');
    await tre(devnet, 'tre_mine', [{ blocks: LAG }]);
    await ix.sync();
    assert.ok(ix.status().final >= block, 'final');
    assert.equal(await journaled('block_number <= ?', ix.status().final), 0, 'the journal of final blocks is pruned');
  });

  it('rolls back a branch that drops a gift and re-applies the new one: the rows of a fresh index', async function () {
    const g1 = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 4n, 5n, false);
    const g2 = await gift(devnet, sys, a, 'carol', 'frank', GIFT.ROCKET, 2n, 5n, false);
    await ix.sync();
    assert.ok(await giftRow(g1.txid), 'indexed before the reorg');
    const oldBlock = (await giftRow(g2.txid))!.block_number;
    const res = await tre<{ dropped: string[] }>(devnet, 'tre_reorg', [3, { drop: [g1.txid] }]);
    assert.deepEqual(res.dropped, [g1.txid]);
    await ix.sync();
    assert.equal(await giftRow(g1.txid), undefined, 'the dropped gift is gone');
    assert.equal((await reader.all('SELECT count(*) AS n FROM raw_events WHERE tx_id = ?', g1.txid))[0]!.n, 0);
    assert.notEqual((await giftRow(g2.txid))!.block_number, oldBlock, 're-applied in its new block');
    assert.equal(await dumpOf(reader), await freshDump());
  });

  it('follows a reordered branch of the same height after a reindex rebuilt the journal', async function () {
    const g1 = await gift(devnet, sys, a, 'bob', 'frank', GIFT.ROSE, 1n, 6n, false);
    const g2 = await gift(devnet, sys, a, 'carol', 'frank', GIFT.ROSE, 2n, 6n, true);
    await ix.sync();
    const journal = (): Promise<unknown[]> =>
      reader.all('SELECT block_number, table_name, key, old FROM reorg_journal ORDER BY seq');
    const before = await journal();
    assert.ok(before.length > 0);
    await ix.reindex();
    assert.deepEqual(await journal(), before, 'reindex journals the unsolidified blocks as the sync did');
    const blocks = [(await giftRow(g1.txid))!.block_number, (await giftRow(g2.txid))!.block_number];
    await tre(devnet, 'tre_reorg', [2, { order: 'reverse', extraBlocks: 0 }]);
    await ix.sync();
    assert.deepEqual(
      [(await giftRow(g1.txid))!.block_number, (await giftRow(g2.txid))!.block_number],
      [blocks[1], blocks[0]],
    );
    assert.equal(await dumpOf(reader), await freshDump());
  });

  it('ends with zero differences against the contracts once everything is final', async function () {
    await tre(devnet, 'tre_mine', [{ blocks: LAG }]);
    const report = await ix.verify();
    assert.deepEqual(report.differences, []);
    assert.equal((await reader.all('SELECT count(*) AS n FROM reorg_journal'))[0]!.n, 0);
    assert.equal(await dumpOf(reader), await freshDump());
  });
});
