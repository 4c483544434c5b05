/**
 * Issue 12, item 8: a full disk stops writes honestly and recovers by itself. The indexer's
 * database lives on a small tmpfs (test/helpers/disk.ts; root only, as CI runs); the disk is filled
 * while gifts keep coming: indexing stops, /health and /ready turn 503 with the reason, and once
 * the space is freed the indexer resumes on its own and catches up.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { createIndexerApi, type IndexerApi } from '../../indexer/api/server.js';
import type { Indexer } from '../../indexer/index.js';
import type { System } from '../helpers/contracts.js';
import { startDevnet, waitFor, type Devnet } from '../helpers/devnet.js';
import { smallDisk, smallDiskUnavailable, type SmallDisk } from '../helpers/disk.js';
import { deployLagging, headNumber, indexerFor, tempDir, writeDeployments } from '../helpers/indexer.js';
import { api, signIn, startChain, startLive, WsClient, type ChainFixture, type LiveFixture } from '../helpers/live.js';
import { gift, GIFT, prepareActors, type Actors } from '../helpers/traffic.js';

describe('security: a full disk under the indexer', function () {
  this.timeout(120_000);
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let disk: SmallDisk | undefined;
  let tmp: ReturnType<typeof tempDir>;
  let ix: Indexer | undefined;
  let api: IndexerApi | undefined;

  before(async function () {
    const why = smallDiskUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    devnet = await startDevnet({ solidityLag: 1 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    tmp = tempDir('blive-disk-test-');
    const deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    disk = smallDisk('16m');
    ix = indexerFor(deployments, path.join(disk.dir, 'index.sqlite'), { config: { pollIntervalMs: 50 } });
    api = createIndexerApi({ db: ix.db, indexer: ix });
    ix.start();
    const head = await headNumber(devnet);
    await waitFor(() => (ix!.status().indexed >= head ? true : undefined), 30_000, 'the first sync');
  });

  after(async function () {
    api?.close();
    await ix?.close().catch(() => undefined);
    await devnet?.close();
    disk?.close();
    tmp?.cleanup();
  });

  const status = async (p: string): Promise<{ status: number; body: any }> => {
    const res = await api!.fetch(new Request(`http://api.test${p}`));
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  it('stops indexing with /health and /ready at 503 while the disk is full, and resumes by itself once space returns', async function () {
    assert.equal((await status('/health')).status, 200);
    disk!.fill();
    for (let i = 0; i < 30; i++) await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 1n, true);
    const stuck = await waitFor(() => ix!.status().storage, 30_000, 'the indexer to report the full disk');
    assert.match(stuck, /SQLITE_FULL|disk|full/i);
    const health = await status('/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.healthy, false);
    assert.equal((await status('/ready')).status, 503);
    const behind = ix!.status().indexed;
    assert.ok(behind < (await headNumber(devnet)), 'blocks are waiting');

    disk!.free();
    const head = await headNumber(devnet);
    await waitFor(
      () => (ix!.status().indexed >= head ? true : undefined),
      30_000,
      'the indexer to catch up after space returned',
    );
    assert.equal(ix!.status().storage, undefined);
    assert.equal((await status('/health')).status, 200);
    await waitFor(async () => ((await status('/ready')).status === 200 ? true : undefined), 10_000, '/ready');
    const gifts = ix!.db.prepare('SELECT count(*) FROM gifts').pluck().get() as number;
    assert.ok(gifts >= 30, `${gifts} gifts indexed`);
  });
});

describe('security: a full disk under the live service', function () {
  this.timeout(120_000);
  let chain: ChainFixture;
  let disk: SmallDisk | undefined;
  let fx: LiveFixture | undefined;
  let bob: WsClient | undefined;

  before(async function () {
    const why = smallDiskUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    chain = await startChain();
    disk = smallDisk('16m');
    // Generous chat budgets: this test writes until the disk refuses, not until the rate limit does.
    fx = await startLive(chain, path.join(disk.dir, 'live.db'), {
      config: { chat: { userMessages: 10_000, framesPerSecond: 1000, frameBurst: 1000 } },
    });
    const alice = await signIn(fx, chain.key.alice);
    await api(fx, 'POST', '/api/streams', { title: 'Disk test' }, alice);
    bob = await WsClient.connect(fx, await signIn(fx, chain.key.bob));
    await bob.join('stream:1');
  });

  after(async function () {
    await bob?.close();
    await fx?.close();
    await chain?.close();
    disk?.close();
  });

  const health = async (): Promise<number> => (await fetch(`${fx!.url}/api/live/health`)).status;

  it('answers STORAGE_FULL (nothing stored) and a red health while the disk is full, and takes messages again once space returns', async function () {
    assert.equal(await health(), 200);
    assert.equal((await bob!.request({ type: 'say', room: 'stream:1', text: 'before' })).type, 'ack');
    disk!.fill();
    // A chat line needs a page or two: write until SQLite runs out of room.
    let refused: Record<string, unknown> | undefined;
    for (let i = 0; i < 2000 && !refused; i++) {
      const r = await bob!.request({ type: 'say', room: 'stream:1', text: `while full ${i} ${'x'.repeat(400)}` });
      if (r.type === 'error') refused = r;
    }
    assert.ok(refused, 'a write was refused');
    assert.equal(refused.code, 'STORAGE_FULL', JSON.stringify(refused));
    assert.equal(await health(), 503);
    disk!.free();
    await waitFor(async () => ((await health()) === 200 ? true : undefined), 15_000, 'the health to turn green');
    const ack = await bob!.request({ type: 'say', room: 'stream:1', text: 'after' });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
  });
});
