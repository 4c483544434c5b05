/**
 * Crash safety: the indexer killed mid-backfill at random points (a real SIGKILL of `npm run
 * indexer` in a child process) resumes and ends with exactly the tables of an uninterrupted run;
 * so does one whose batch transactions fail at random just before they commit.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dumpTables } from '../helpers/dumpTables.js';
import { REBUILD_KEY } from '../../indexer/index.js';
import { PROJECT_ROOT } from '../../lib/config.js';
import type { System } from '../helpers/contracts.js';
import { startDevnet, waitFor, type Devnet } from '../helpers/devnet.js';
import { deployLagging, headNumber, indexerEnv, indexerFor, tempDir, writeDeployments } from '../helpers/indexer.js';
import { prepareActors, randomTraffic, rng, scriptedTraffic } from '../helpers/traffic.js';

describe('indexer: crash safety', function () {
  this.timeout(300_000);
  let devnet: Devnet;
  let sys: System;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let reference: string;
  let head: number;

  before(async function () {
    devnet = await startDevnet({ solidityLag: 3 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    const a = await prepareActors(devnet, sys);
    await scriptedTraffic(devnet, sys, a);
    await randomTraffic(devnet, sys, a, 7, 150);
    head = await headNumber(devnet);
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    const ix = indexerFor(deployments, path.join(tmp.dir, 'reference.sqlite'));
    await ix.sync();
    reference = dumpTables(ix.db);
    await ix.close();
  });

  after(async function () {
    await devnet?.close();
    tmp?.cleanup();
  });

  /** The cursor of a database another process writes, or -1. */
  function indexedIn(file: string): number {
    if (!existsSync(file)) return -1;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (
        (db.prepare('SELECT indexed_number FROM sync_state WHERE id = 1').pluck().get() as number | undefined) ?? -1
      );
    } catch {
      return -1;
    } finally {
      db.close();
    }
  }

  function startChild(dbPath: string, log: string[]): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'indexer/cli.ts'], {
      cwd: PROJECT_ROOT,
      env: indexerEnv(deployments, dbPath, { INDEXER_BATCH_SIZE: '3', INDEXER_FETCH_CONCURRENCY: '1' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    return child;
  }

  describe('when the indexer process is killed at random points of the backfill', function () {
    it('resumes to byte-identical tables', async function () {
      const dbPath = path.join(tmp.dir, 'killed.sqlite');
      const rand = rng(20261125);
      const log: string[] = [];
      let killsMidBackfill = 0;
      for (let kill = 0; kill < 6; kill++) {
        const from = indexedIn(dbPath);
        const child = startChild(dbPath, log);
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // Wait for progress past a random block, then kill after a random extra delay: some kills
        // land between batches, most inside one (fetching, or in the middle of a transaction).
        const target = from + 1 + Math.floor(rand() * Math.max(1, (head - from) / 2));
        await waitFor(
          () => (indexedIn(dbPath) >= target || child.exitCode !== null ? true : undefined),
          60_000,
          `block ${target}`,
        );
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 40)));
        child.kill('SIGKILL');
        await exited;
        assert.equal(child.signalCode, 'SIGKILL', `the child exited on its own: ${log.join('')}`);
        const at = indexedIn(dbPath);
        if (at < head) killsMidBackfill++;
        if (at >= head) break;
      }
      assert.ok(killsMidBackfill >= 3, `only ${killsMidBackfill} kills landed mid-backfill`);

      const ix = indexerFor(deployments, dbPath);
      try {
        await ix.sync();
        assert.equal(dumpTables(ix.db), reference);
      } finally {
        await ix.close();
      }
    });
  });

  describe('when batch transactions fail at random just before committing', function () {
    it('resumes to byte-identical tables', async function () {
      const dbPath = path.join(tmp.dir, 'faulty.sqlite');
      const rand = rng(42);
      let failures = 0;
      for (let attempt = 0; attempt < 200; attempt++) {
        const ix = indexerFor(deployments, dbPath, {
          config: { batchSize: 1 + Math.floor(rand() * 7) },
          hooks: {
            beforeCommit: () => {
              if (rand() < 0.25) throw new Error('injected fault');
            },
          },
        });
        try {
          await ix.sync();
          assert.equal(dumpTables(ix.db), reference);
          break;
        } catch (e) {
          if ((e as Error).message !== 'injected fault') throw e;
          failures++;
        } finally {
          await ix.close();
        }
      }
      assert.ok(failures >= 5, `only ${failures} injected failures`);
    });
  });

  describe('when a migration asked for the derived tables to be rebuilt', function () {
    it('rebuilds them from the raw store at the next start, once, to the same tables', async function () {
      const dbPath = path.join(tmp.dir, 'rebuild.sqlite');
      const first = indexerFor(deployments, dbPath);
      await first.sync();
      // What migration 0003 leaves: per-stream rows dropped, the marker set.
      first.db.exec("DELETE FROM stream_totals; DELETE FROM leaderboards WHERE stream_id <> ''");
      first.db.prepare('INSERT INTO indexer_meta (key, value) VALUES (?, ?)').run(REBUILD_KEY, 'test');
      assert.notEqual(dumpTables(first.db), reference);
      await first.close();
      const second = indexerFor(deployments, dbPath);
      try {
        await second.ready();
        assert.equal(dumpTables(second.db), reference, 'rebuilt before any sync');
        assert.equal(second.db.prepare('SELECT count(*) FROM indexer_meta WHERE key = ?').pluck().get(REBUILD_KEY), 0);
      } finally {
        await second.close();
      }
    });
  });
});
