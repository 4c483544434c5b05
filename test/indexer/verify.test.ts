/**
 * `verify` against the devnet: after rounds of seeded random traffic (reverts included) the index
 * reconciles with every contract view at the solidified head, also while traffic keeps moving it;
 * `npm run indexer -- verify` exits 0, and after a row is tampered with it prints the difference
 * and exits 1.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/config.js';
import type { Indexer } from '../../indexer/index.js';
import { TRX_ADDRESS, type System } from '../helpers/contracts.js';
import { startDevnet, tre, type Devnet } from '../helpers/devnet.js';
import { createLogger, type LogFields } from '../../lib/log.js';
import { deployLagging, headNumber, indexerEnv, indexerFor, tempDir, writeDeployments } from '../helpers/indexer.js';
import { prepareActors, randomTraffic, type Actors } from '../helpers/traffic.js';

describe('indexer: verify', function () {
  this.timeout(300_000);
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let dbPath: string;
  let ix: Indexer;
  const records: LogFields[] = [];

  before(async function () {
    devnet = await startDevnet({ solidityLag: 2 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    dbPath = path.join(tmp.dir, 'index.sqlite');
    ix = indexerFor(deployments, dbPath, { log: createLogger({ level: 'debug', sink: (r) => records.push(r) }) });
  });

  after(async function () {
    await ix?.close();
    await devnet?.close();
    tmp?.cleanup();
  });

  /** Runs `npm run indexer -- verify` in a child process; resolves with its exit code and output. */
  function cliVerify(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'indexer/cli.ts', 'verify'], {
        cwd: PROJECT_ROOT,
        env: indexerEnv(deployments, dbPath),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  describe('after random traffic', function () {
    for (const seed of [1, 2, 3, 4]) {
      it(`finds zero differences (seed ${seed})`, async function () {
        const { ok, reverted } = await randomTraffic(devnet, sys, a, seed, 40);
        assert.ok(ok > 20, `${ok} transactions went through, ${reverted} reverted`);
        const report = await ix.verify();
        assert.deepEqual(report.differences, []);
        assert.ok(report.checks >= 30, `${report.checks} checks`);
      });
    }

    it('finds zero differences while new blocks move the solidified head during the checks', async function () {
      await tre(devnet, 'tre_blockTime', [0.05]);
      try {
        for (let i = 0; i < 3; i++) {
          const report = await ix.verify();
          assert.deepEqual(report.differences, []);
        }
      } finally {
        await tre(devnet, 'tre_blockTime', [0]);
      }
      assert.ok(
        records.some((r) => r.msg === 'verify: retrying checks made while the solidified head moved'),
        'some checks were made while the solidified head moved, and were made again',
      );
    });

    it('exits 0 from the command line', async function () {
      const r = await cliVerify();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, / 0 difference\(s\)/);
    });
  });

  describe('when a row was tampered with', function () {
    it('prints each difference and exits 1', async function () {
      const victim = ix.db
        .prepare('SELECT user, token, amount FROM vault_balances WHERE token = ? ORDER BY user LIMIT 1')
        .get(TRX_ADDRESS) as { user: string; token: string; amount: string };
      ix.db
        .prepare('UPDATE vault_balances SET amount = ? WHERE user = ? AND token = ?')
        .run(String(BigInt(victim.amount) + 1n), victim.user, victim.token);

      const report = await ix.verify();
      assert.deepEqual(
        report.differences.map((d) => [d.what, d.indexed, d.chain]),
        [
          [`GiftVault.balanceOf(${victim.user}, ${TRX_ADDRESS})`, String(BigInt(victim.amount) + 1n), victim.amount],
          [
            `GiftVault.totalLiabilities(${TRX_ADDRESS})`,
            String(BigInt(report.differences[1]?.chain ?? 0) + 1n),
            report.differences[1]?.chain,
          ],
        ],
      );

      const r = await cliVerify();
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        new RegExp(
          `DIFF GiftVault\\.balanceOf\\(${victim.user}, ${TRX_ADDRESS}\\): indexed ${BigInt(victim.amount) + 1n}, chain ${victim.amount}`,
        ),
      );
      assert.match(r.stdout, / 2 difference\(s\)/);
    });

    it('reports a tampered escrow slot as an earningsOf difference of that amount', async function () {
      const slot = ix.db
        .prepare(
          'SELECT broadcaster, token, slot, amount FROM escrow_slots WHERE amount != ? ORDER BY broadcaster, token, slot LIMIT 1',
        )
        .get('0') as { broadcaster: string; token: string; slot: number; amount: string };
      ix.db
        .prepare('UPDATE escrow_slots SET amount = ? WHERE broadcaster = ? AND token = ? AND slot = ?')
        .run(String(BigInt(slot.amount) * 2n), slot.broadcaster, slot.token, slot.slot);
      const report = await ix.verify();
      const d = report.differences.find((x) => x.what === `GiftVault.earningsOf(${slot.broadcaster}, ${slot.token})`);
      assert.ok(d, JSON.stringify(report.differences));
      const fields = (t: string) => Object.fromEntries(t.split(' ').map((kv) => kv.split('=') as [string, string]));
      const [indexed, chain] = [fields(d.indexed), fields(d.chain)];
      const off = (['claimable', 'pending'] as const).map((k) => BigInt(indexed[k]!) - BigInt(chain[k]!));
      assert.equal(
        off[0]! + off[1]!,
        BigInt(slot.amount),
        `the doubled slot shows as ${slot.amount} more: ${d.indexed} vs ${d.chain}`,
      );
      assert.ok(off.includes(0n), 'in claimable or in pending, not both');
    });
  });
});
