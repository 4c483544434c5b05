/**
 * The background sync loop: it follows the head as blocks arrive, turns rows final as the
 * solidified head passes them, and rides out a node outage (every request answered 503) with
 * backoff, missing nothing: afterwards its tables equal a fresh index of the same chain.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { dumpTables } from '../helpers/dumpTables.js';
import { finalNumber } from '../../indexer/db/views.js';
import type { Indexer } from '../../indexer/index.js';
import { createLogger, type LogFields } from '../../lib/log.js';
import type { System } from '../helpers/contracts.js';
import { startDevnet, tre, waitFor, type Devnet } from '../helpers/devnet.js';
import {
  deployLagging,
  headNumber,
  indexerFor,
  startNodeProxy,
  tempDir,
  writeDeployments,
} from '../helpers/indexer.js';
import { gift, GIFT, prepareActors, SUN, tx, type Actors } from '../helpers/traffic.js';

describe('indexer: following the head', function () {
  this.timeout(120_000);
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let proxy: Awaited<ReturnType<typeof startNodeProxy>>;
  let mode: 'up' | 'error' = 'up';
  let ix: Indexer;
  const records: LogFields[] = [];

  before(async function () {
    devnet = await startDevnet({ solidityLag: 2 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    await tx(devnet, 'bob', sys.vault, 'depositTRX()', [], 50n * SUN);
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    // A node in front of the devnet that can be made to fail.
    proxy = await startNodeProxy(devnet, () =>
      mode === 'error' ? { answer: { status: 503, body: 'down for maintenance' } } : { forward: true },
    );
    const nodeUrl = proxy.url;
    ix = indexerFor(deployments, path.join(tmp.dir, 'index.sqlite'), {
      config: { nodeUrl, requestAttempts: 2 },
      log: createLogger({ level: 'debug', sink: (r) => records.push(r) }),
    });
    ix.start();
  });

  after(async function () {
    await ix?.close();
    await proxy?.close();
    await devnet?.close();
    tmp?.cleanup();
  });

  const giftRow = (txid: string): Record<string, any> | undefined =>
    ix.db.prepare('SELECT * FROM gifts WHERE tx_id = ?').get(txid) as Record<string, any> | undefined;

  it('indexes new blocks as they come, pending until the solidified head passes them', async function () {
    const g = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 2n, 1n, false);
    const row = await waitFor(() => giftRow(g.txid), 10_000, 'the gift');
    assert.ok(row.block_number > finalNumber(ix.db), 'pending at first');
    await tre(devnet, 'tre_mine', [{ blocks: 2 }]);
    await waitFor(() => (finalNumber(ix.db) >= row.block_number ? true : undefined), 10_000, 'finality');
    assert.equal(ix.status().running, true);
  });

  it('retries with backoff through a node outage and misses nothing', async function () {
    mode = 'error';
    const during = [];
    for (let i = 0; i < 3; i++) during.push(await gift(devnet, sys, a, 'bob', 'frank', GIFT.ROSE, 1n, 2n, false));
    await waitFor(
      () => (records.some((r) => r.msg === 'sync step failed, retrying') ? true : undefined),
      10_000,
      'a retry',
    );
    assert.equal(giftRow(during[0]!.txid), undefined);
    mode = 'up';
    for (const g of during) await waitFor(() => giftRow(g.txid), 20_000, `gift ${g.txid}`);
    await tre(devnet, 'tre_mine', [{ blocks: 2 }]);
    const head = await headNumber(devnet);
    await waitFor(
      () => (ix.status().indexed === head && ix.status().final === head - 2 ? true : undefined),
      20_000,
      'catching up',
    );
    assert.equal(ix.status().error, undefined);

    const fresh = indexerFor(deployments, path.join(tmp.dir, 'fresh.sqlite'));
    try {
      await fresh.sync();
      await ix.stop();
      assert.equal(dumpTables(ix.db), dumpTables(fresh.db));
    } finally {
      await fresh.close();
    }
  });
});
