/**
 * Catch-up in block ranges: the follower fetches solidified blocks 100 at a time
 * (getblockbylimitnext) and the next batch while one commits. Through a proxy in front of the
 * devnet that answers ranges in full, shorter than asked, not at all, or with a 503 now and then,
 * each index ends equal to one built block by block, and the node's requests say which path ran.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { dumpTables } from '../helpers/dumpTables.js';
import type { Indexer } from '../../indexer/index.js';
import { createLogger, type LogFields } from '../../lib/log.js';
import type { System } from '../helpers/contracts.js';
import { startDevnet, tre, type Devnet } from '../helpers/devnet.js';
import {
  deployLagging,
  headNumber,
  indexerFor,
  startNodeProxy,
  tempDir,
  writeDeployments,
} from '../helpers/indexer.js';
import { gift, GIFT, prepareActors, SUN, tx } from '../helpers/traffic.js';

type Mode = 'full' | 'short' | 'none' | 'flaky';

describe('indexer: catching up in block ranges', function () {
  this.timeout(120_000);
  let devnet: Devnet;
  let sys: System;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let proxy: Awaited<ReturnType<typeof startNodeProxy>>;
  let nodeUrl: string;
  let mode: Mode = 'full';
  /** Requests the proxy saw, by endpoint. */
  const asked = new Map<string, number>();
  let ranges = 0;
  let reference: string;
  let runs = 0;

  before(async function () {
    devnet = await startDevnet({ solidityLag: 2 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    const a = await prepareActors(devnet, sys);
    await tx(devnet, 'bob', sys.vault, 'depositTRX()', [], 50n * SUN);
    // Gifts spread over about 300 blocks: several ranges, and batches of more than one.
    for (let i = 0; i < 6; i++) {
      await gift(devnet, sys, a, 'bob', i % 2 ? 'frank' : 'alice', GIFT.ROSE, 1n, BigInt(1 + i), i % 2 === 0);
      await tre(devnet, 'tre_mine', [{ blocks: 50 }]);
    }
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    proxy = await startNodeProxy(devnet, (path) => {
      const endpoint = path.split('/').pop()!;
      asked.set(endpoint, (asked.get(endpoint) ?? 0) + 1);
      if (endpoint !== 'getblockbylimitnext') return { forward: true };
      if (mode === 'none') return { answer: { status: 200, body: '{}' } };
      if (mode === 'flaky' && ++ranges % 3 === 0) return { answer: { status: 503, body: 'busy' } };
      if (mode !== 'short') return { forward: true };
      return {
        forward: true,
        rewrite: (text) => {
          const body = JSON.parse(text) as { block?: unknown[] };
          return body.block ? JSON.stringify({ block: body.block.slice(0, 7) }) : text;
        },
      };
    });
    nodeUrl = proxy.url;
    // Block by block (no ranges), as the follower did before: what every other way must equal.
    reference = (await indexThrough('none')).tables;
    assert.match(reference, /gifts/);
  });

  after(async function () {
    await proxy?.close();
    await devnet?.close();
    tmp?.cleanup();
  });

  /** Indexes the chain through the proxy in `m`; returns its tables, the requests and the log. */
  async function indexThrough(m: Mode): Promise<{ tables: string; records: LogFields[] }> {
    mode = m;
    asked.clear();
    ranges = 0;
    const records: LogFields[] = [];
    const ix: Indexer = indexerFor(deployments, path.join(tmp.dir, `${m}-${++runs}.sqlite`), {
      config: { nodeUrl, batchSize: 120, fetchConcurrency: 3 },
      log: createLogger({ level: 'debug', sink: (r) => records.push(r) }),
    });
    try {
      await ix.sync();
      assert.equal(ix.status().indexed, await headNumber(devnet));
      return { tables: dumpTables(ix.db), records };
    } finally {
      await ix.close();
    }
  }

  it('asks for solidified blocks 100 at a time, and for no block one by one below the solidified head', async function () {
    const { tables } = await indexThrough('full');
    assert.equal(tables, reference);
    const head = await headNumber(devnet);
    const rangeCalls = asked.get('getblockbylimitnext') ?? 0;
    assert.ok(
      rangeCalls >= Math.ceil((head - 300) / 100) && rangeCalls <= Math.ceil(head / 100) + 6,
      `${rangeCalls} ranges`,
    );
    // Only the blocks above the solidified head (solidityLag 2) come one at a time.
    assert.ok((asked.get('getblockbynum') ?? 0) <= 3, `${asked.get('getblockbynum')} single blocks`);
  });

  it('a node answering shorter ranges gets the rest block by block, then smaller ranges', async function () {
    const { tables, records } = await indexThrough('short');
    assert.equal(tables, reference);
    const warn = records.find(
      (r) => r.msg === 'the node answers shorter block ranges: asking for fewer blocks per request',
    );
    assert.ok(warn, 'said so once');
    assert.deepEqual([warn.asked, warn.answered], [100, 7]);
    assert.equal(records.filter((r) => r.msg === warn.msg).length, 1);
  });

  it('a node answering no ranges is read block by block, and the log says so', async function () {
    const { tables, records } = await indexThrough('none');
    assert.equal(tables, reference);
    assert.ok(records.some((r) => String(r.msg).startsWith('the node answers no block ranges')));
    assert.ok(
      (asked.get('getblockbynum') ?? 0) > 300,
      `${asked.get('getblockbynum')} single blocks, ${JSON.stringify([...asked])}`,
    );
  });

  it('a range request that fails (fetched ahead or not) is asked again, and nothing is missed', async function () {
    const { tables } = await indexThrough('flaky');
    assert.equal(tables, reference);
    assert.ok(ranges >= 3, 'some range requests failed');
  });
});
