/**
 * Persistence of the devnet in a data directory: a restarted node serves the same blocks, state,
 * receipts and events, and builds on them.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { get, post, startDevnet, tre, tronWebFor, utf8, waitFor, type Devnet } from '../helpers/devnet.js';
import { smallDisk, smallDiskUnavailable } from '../helpers/disk.js';
import { TRX, deploy, store, transfer, probeValue } from '../helpers/probe.js';

async function balanceOf(
  devnet: Devnet,
  address: string,
  prefix: 'wallet' | 'walletsolidity' = 'wallet',
): Promise<number | undefined> {
  return (await post(devnet, `${prefix}/getaccount`, { address, visible: true })).balance as number | undefined;
}

async function headNumber(devnet: Devnet): Promise<number> {
  return (await post(devnet, 'wallet/getnowblock')).block_header.raw_data.number as number;
}

async function blockIds(devnet: Devnet, upTo: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n <= upTo; n++) ids.push((await post(devnet, 'wallet/getblockbynum', { num: n })).blockID as string);
  return ids;
}

async function events(devnet: Devnet, contract: string): Promise<unknown[]> {
  const { status, body } = await get(devnet, `v1/contracts/${contract}/events?order_by=block_timestamp,asc`);
  assert.equal(status, 200);
  return body.data as unknown[];
}

describe('when a devnet with a data directory restarts', () => {
  let dir: string;
  let devnet: Devnet | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'blive-devnet-'));
  });

  afterEach(async () => {
    await devnet?.close();
    devnet = undefined;
  });

  after(() => rm(dir, { recursive: true, force: true }));

  // Filled by the first test, checked by the next ones.
  const saved = {} as {
    head: number;
    ids: string[];
    balances: (number | undefined)[];
    probe: string;
    storeTx: string;
    storeInfo: Record<string, unknown>;
    transferInfo: Record<string, unknown>;
    transferTx: string;
    events: unknown[];
  };

  it('keeps blocks, balances, storage, receipts and events', async () => {
    devnet = await startDevnet({ dataDir: dir, solidityLag: 1 });
    const tw = tronWebFor(devnet, 0);
    saved.probe = (await deploy(tw, 'DevnetProbe')).address;
    saved.storeTx = await store(tw, saved.probe, 3, 33, 'persisted');
    saved.transferTx = await transfer(tw, devnet.accounts[1]!.address, 12 * TRX);
    await tre(devnet, 'tre_mine', [1]);
    // Blocks solidify once saved (a crash must not lose what was reported solidified).
    await waitFor(
      async () =>
        (await post(devnet!, 'walletsolidity/gettransactioninfobyid', { value: saved.transferTx })).id
          ? true
          : undefined,
      10_000,
      'the save',
    );
    saved.head = await headNumber(devnet);
    saved.ids = await blockIds(devnet, saved.head);
    saved.balances = await Promise.all(devnet.accounts.slice(0, 3).map((a) => balanceOf(devnet!, a.address)));
    saved.storeInfo = await post(devnet, 'wallet/gettransactioninfobyid', { value: saved.storeTx });
    saved.transferInfo = await post(devnet, 'wallet/gettransactioninfobyid', { value: saved.transferTx });
    saved.events = await events(devnet, saved.probe);
    assert.equal(saved.events.length, 1);
    assert.equal(saved.balances[1], 1_000_012 * TRX);
    await devnet.close();

    devnet = await startDevnet({ dataDir: dir, solidityLag: 1 });
    assert.equal(await headNumber(devnet), saved.head);
    assert.deepEqual(await blockIds(devnet, saved.head), saved.ids);
    assert.deepEqual(
      await Promise.all(devnet.accounts.slice(0, 3).map((a) => balanceOf(devnet!, a.address))),
      saved.balances,
    );
    assert.equal(await probeValue(devnet, 'wallet', saved.probe, 3), 33n);
    assert.deepEqual(await post(devnet, 'wallet/gettransactioninfobyid', { value: saved.storeTx }), saved.storeInfo);
    assert.deepEqual(
      await post(devnet, 'wallet/gettransactioninfobyid', { value: saved.transferTx }),
      saved.transferInfo,
    );
    assert.deepEqual(await events(devnet, saved.probe), saved.events);
    const contract = await post(devnet, 'wallet/getcontract', { value: saved.probe, visible: true });
    assert.equal(contract.name, 'DevnetProbe');
  });

  it('serves the solidified view of the restored blocks', async () => {
    devnet = await startDevnet({ dataDir: dir, solidityLag: 1 });
    const solid = await post(devnet, 'walletsolidity/getnowblock');
    assert.equal(solid.blockID, saved.ids[saved.head - 1]);
    assert.equal(await balanceOf(devnet, devnet.accounts[1]!.address, 'walletsolidity'), saved.balances[1]);
    assert.equal(await probeValue(devnet, 'walletsolidity', saved.probe, 3), 33n);
    assert.deepEqual(
      await post(devnet, 'walletsolidity/gettransactioninfobyid', { value: saved.storeTx }),
      saved.storeInfo,
    );
  });

  it('builds new blocks and transactions on the restored head', async () => {
    devnet = await startDevnet({ dataDir: dir, solidityLag: 1 });
    const tw = tronWebFor(devnet, 2);
    const txid = await transfer(tw, devnet.accounts[1]!.address, 5 * TRX);
    const info = await post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
    assert.equal(info.blockNumber, saved.head + 1);
    const block = await post(devnet, 'wallet/getnowblock');
    assert.equal(block.block_header.raw_data.number, saved.head + 1);
    assert.equal(block.block_header.raw_data.parentHash, saved.ids[saved.head]);
    assert.equal(await balanceOf(devnet, devnet.accounts[1]!.address), saved.balances[1]! + 5 * TRX);
    // A replayed old transaction is still known.
    const again = await post(devnet, 'wallet/gettransactionbyid', { value: saved.transferTx });
    assert.equal(again.txID, saved.transferTx);

    const writer = tronWebFor(devnet, 0);
    const storeTx = await store(writer, saved.probe, 4, 44, 'after restart');
    assert.equal((await post(devnet, 'wallet/gettransactioninfobyid', { value: storeTx })).receipt.result, 'SUCCESS');
    assert.equal(await probeValue(devnet, 'wallet', saved.probe, 4), 44n);
    assert.equal(await probeValue(devnet, 'wallet', saved.probe, 3), 33n);
    assert.equal((await events(devnet, saved.probe)).length, 2);
    await devnet.close();

    devnet = await startDevnet({ dataDir: dir, solidityLag: 1 });
    assert.equal(await headNumber(devnet), saved.head + 2);
    assert.equal(await probeValue(devnet, 'wallet', saved.probe, 4), 44n);
  });

  it('refuses a data directory written by a devnet of another seed', async () => {
    await assert.rejects(startDevnet({ dataDir: dir, seed: 'another seed' }), {
      message: `${path.join(dir, 'chain.json')} belongs to another devnet (genesis ${saved.ids[0]}); use another data directory or the same seed`,
    });
    // The refused start left the directory usable by its own devnet.
    devnet = await startDevnet({ dataDir: dir, solidityLag: 1 });
    assert.equal(await headNumber(devnet), saved.head + 2);
  });
});

describe('when a restarted devnet reorganises blocks made before the restart', () => {
  let dir: string;
  let devnet: Devnet | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'blive-devnet-'));
  });

  after(async () => {
    await devnet?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces unsolidified blocks and keeps the clock offset', async () => {
    devnet = await startDevnet({ dataDir: dir, solidityLag: 3 });
    const tw = tronWebFor(devnet, 0);
    const [b, c] = [devnet.accounts[1]!.address, devnet.accounts[2]!.address];
    await tre(devnet, 'tre_mine', [3]);
    const t1 = await transfer(tw, b, 10 * TRX);
    const t2 = await transfer(tw, c, 20 * TRX);
    assert.deepEqual(await tre(devnet, 'tre_increaseTime', [600]), { offsetSeconds: 600 });
    const head = await headNumber(devnet);
    const solidC = await balanceOf(devnet, c, 'walletsolidity');
    assert.equal(solidC, 1_000_000 * TRX);
    await devnet.close();

    devnet = await startDevnet({ dataDir: dir, solidityLag: 3 });
    assert.deepEqual(await tre(devnet, 'tre_increaseTime', [0]), { offsetSeconds: 600 });
    assert.equal(await balanceOf(devnet, c, 'walletsolidity'), solidC);
    const r = await tre<{ replayed: string[]; dropped: string[] }>(devnet, 'tre_reorg', [2, { drop: [t1] }]);
    assert.deepEqual(r.replayed, [t2]);
    assert.deepEqual(r.dropped, [t1]);
    assert.equal(await headNumber(devnet), head + 1);
    assert.deepEqual(await post(devnet, 'wallet/gettransactioninfobyid', { value: t1 }), {});
    assert.equal(await balanceOf(devnet, b), 1_000_000 * TRX);
    assert.equal(await balanceOf(devnet, c), 1_000_020 * TRX);
    await assert.rejects(tre(devnet, 'tre_reorg', [4]), {
      message: `tre_reorg: cannot reorg 4 blocks: only 3 are above the solidified head ${head + 1 - 3} (-32000)`,
    });
  });
});

describe('when a devnet producing blocks on an interval restarts', () => {
  let dir: string;
  let devnet: Devnet | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'blive-devnet-'));
  });

  after(async () => {
    await devnet?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a transaction accepted just before close, with its effect', async () => {
    devnet = await startDevnet({ dataDir: dir, blockTime: 0.5, solidityLag: 1 });
    const tw = tronWebFor(devnet, 0);
    const to = devnet.accounts[4]!.address;
    // Wait for a fresh block so the transfer most likely sits in an open block at close.
    const start = await headNumber(devnet);
    await waitFor(async () => ((await headNumber(devnet!)) > start ? true : undefined), 5000, 'a block');
    const txid = await transfer(tw, to, 9 * TRX);
    await devnet.close();

    devnet = await startDevnet({ dataDir: dir, blockTime: 0, solidityLag: 1 });
    const info = await post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
    const balance = await balanceOf(devnet, to);
    // close() seals the open block, so the accepted transfer and its effect both survive.
    assert.equal(info.id, txid);
    assert.equal(balance, 1_000_009 * TRX);
  });
});

// Issue 12, items 8 and 11: a hard kill lost blocks the devnet had already reported solidified, so
// an index (and the chat's gift receipts) called final what no longer existed; and on a full disk
// it kept confirming transactions it could not save.
describe('when a devnet with a data directory may crash or run out of disk', () => {
  it('reports a transaction solidified only once it is saved, so a crash keeps every solidified one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'blive-devnet-'));
    const first = await startDevnet({ dataDir: dir, blockTime: 0, solidityLag: 0 });
    let second: Devnet | undefined;
    try {
      const txid = await transfer(tronWebFor(first, 1), first.accounts[2]!.address, 1_000_000);
      assert.ok((await post(first, 'wallet/gettransactioninfobyid', { value: txid })).id, 'in a block at once');
      const solid = (await post(first, 'walletsolidity/gettransactioninfobyid', { value: txid })).id;
      assert.equal(solid, undefined, 'not solidified before the devnet saved it');
      await waitFor(
        async () =>
          (await post(first, 'walletsolidity/gettransactioninfobyid', { value: txid })).id ? true : undefined,
        10_000,
        'the save',
      );
      // A crash now: a second node from what is on disk, the first never closed.
      second = await startDevnet({ dataDir: dir, blockTime: 0, solidityLag: 0 });
      assert.equal(
        (await post(second, 'walletsolidity/gettransactioninfobyid', { value: txid })).id,
        txid,
        'what was solidified survives',
      );
    } finally {
      await second?.close();
      await first.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses transactions with SERVER_BUSY while it cannot save, and accepts them again once space returns', async function () {
    const why = smallDiskUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    const disk = smallDisk('4m');
    const devnet = await startDevnet({ dataDir: disk.dir, blockTime: 0, solidityLag: 0 });
    try {
      const tw = tronWebFor(devnet, 1);
      disk.fill();
      // Accepted (it fits in memory) but never saved: never solidified.
      const unsaved = await transfer(tw, devnet.accounts[2]!.address, 1_000_000);
      const refusal = await waitFor(
        async () => {
          const tx = await tw.transactionBuilder.sendTrx(
            devnet.accounts[3]!.address,
            1_000_000,
            devnet.accounts[1]!.address,
          );
          const r = (await tw.trx.sendRawTransaction(await tw.trx.sign(tx))) as {
            result?: boolean;
            code?: string;
            message?: string;
          };
          return r.result ? undefined : r;
        },
        15_000,
        'a refusal once the save failed',
      );
      assert.equal(refusal.code, 'SERVER_BUSY');
      assert.match(utf8(refusal.message), /cannot save the chain .*ENOSPC/);
      assert.equal(
        (await post(devnet, 'walletsolidity/gettransactioninfobyid', { value: unsaved })).id,
        undefined,
        'an unsaved block is not solidified',
      );
      disk.free();
      await waitFor(
        async () =>
          (await post(devnet, 'walletsolidity/gettransactioninfobyid', { value: unsaved })).id ? true : undefined,
        15_000,
        'the save once space returned',
      );
      const again = await transfer(tw, devnet.accounts[3]!.address, 1_000_000);
      assert.ok((await post(devnet, 'wallet/gettransactioninfobyid', { value: again })).id);
    } finally {
      await devnet.close().catch(() => undefined);
      disk.close();
    }
  });
});
