/**
 * Finality on the devnet: the solidified view trails the head by `solidityLag` blocks, and blocks
 * are produced either one per transaction or on an interval (`tre_blockTime` switches).
 */
import { strict as assert } from 'node:assert';
import type { TronWeb } from 'tronweb';
import { post, startDevnet, tre, tronWebFor, waitFor, type Devnet } from '../helpers/devnet.js';
import { deploy, store, transfer, uint, probeValue } from '../helpers/probe.js';

async function balanceOf(devnet: Devnet, prefix: 'wallet' | 'walletsolidity', address: string): Promise<number> {
  const acct = await post(devnet, `${prefix}/getaccount`, { address, visible: true });
  return acct.balance as number;
}

async function headNumber(devnet: Devnet, prefix: 'wallet' | 'walletsolidity' = 'wallet'): Promise<number> {
  const b = await post(devnet, `${prefix}/getnowblock`);
  return (b.block_header.raw_data.number as number | undefined) ?? 0;
}

describe('when the solidified head trails the head by 3 blocks', () => {
  let devnet: Devnet;
  let tw: TronWeb;

  before(async () => {
    devnet = await startDevnet({ blockTime: 0, solidityLag: 3 });
    tw = tronWebFor(devnet, 0);
    await tre(devnet, 'tre_mine', [5]);
  });

  after(() => devnet.close());

  it('serves a transfer on the full node only until 3 more blocks are sealed', async () => {
    const to = devnet.accounts[1]!.address;
    const before = await balanceOf(devnet, 'wallet', to);
    assert.equal(before, 1_000_000_000_000);

    const txid = await transfer(tw, to, 5_000_000);
    const head = await headNumber(devnet);

    assert.equal(await balanceOf(devnet, 'wallet', to), before + 5_000_000);
    assert.equal(await balanceOf(devnet, 'walletsolidity', to), before);
    const info = await post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
    assert.equal(info.id, txid);
    assert.equal(info.blockNumber, head);
    assert.deepEqual(await post(devnet, 'walletsolidity/gettransactioninfobyid', { value: txid }), {});
    assert.deepEqual(await post(devnet, 'walletsolidity/gettransactionbyid', { value: txid }), {});
    assert.equal(await headNumber(devnet, 'walletsolidity'), head - 3);

    const mined = await tre<{ blocks: number[] }>(devnet, 'tre_mine', [3]);
    assert.deepEqual(mined.blocks, [head + 1, head + 2, head + 3]);

    assert.equal(await headNumber(devnet, 'walletsolidity'), head);
    assert.equal(await balanceOf(devnet, 'walletsolidity', to), before + 5_000_000);
    assert.equal(await balanceOf(devnet, 'wallet', to), before + 5_000_000);
    assert.deepEqual(await post(devnet, 'walletsolidity/gettransactioninfobyid', { value: txid }), info);
    const solidTx = await post(devnet, 'walletsolidity/gettransactionbyid', { value: txid });
    assert.equal(solidTx.txID, txid);
  });

  it('answers walletsolidity/getblockbynum only up to the solidified head', async () => {
    const head = await headNumber(devnet);
    const solidBlock = await post(devnet, 'walletsolidity/getblockbynum', { num: head - 3 });
    assert.equal(solidBlock.block_header.raw_data.number, head - 3);
    assert.deepEqual(await post(devnet, 'walletsolidity/getblockbynum', { num: head - 2 }), {});
    const fullBlock = await post(devnet, 'wallet/getblockbynum', { num: head - 2 });
    assert.equal(fullBlock.block_header.raw_data.number, head - 2);
  });

  it('runs walletsolidity/triggerconstantcontract on the solidified state', async () => {
    const probe = await deploy(tw, 'DevnetProbe');
    await tre(devnet, 'tre_mine', [3]);
    assert.equal(await probeValue(devnet, 'walletsolidity', probe.address, 9), 0n);

    await store(tw, probe.address, 9, 4242, 'finality');

    assert.equal(await probeValue(devnet, 'wallet', probe.address, 9), 4242n);
    assert.equal(await probeValue(devnet, 'walletsolidity', probe.address, 9), 0n);

    await tre(devnet, 'tre_mine', [2]);
    assert.equal(await probeValue(devnet, 'walletsolidity', probe.address, 9), 0n);
    await tre(devnet, 'tre_mine', [1]);
    assert.equal(await probeValue(devnet, 'walletsolidity', probe.address, 9), 4242n);
  });

  it('refuses walletsolidity/triggerconstantcontract on a contract not yet solidified', async () => {
    const probe = await deploy(tw, 'DevnetProbe');
    const r = await post(devnet, 'walletsolidity/triggerconstantcontract', {
      owner_address: devnet.accounts[0]!.address,
      contract_address: probe.address,
      function_selector: 'valueOf(uint256)',
      parameter: uint(1),
      visible: true,
    });
    assert.equal(r.result.code, 'CONTRACT_VALIDATE_ERROR');
    assert.equal(r.result.message, 'No contract or not a smart contract');
    await tre(devnet, 'tre_mine', [3]);
    assert.equal(await probeValue(devnet, 'walletsolidity', probe.address, 1), 0n);
  });
});

describe('when blocks are produced every 0.2 s', () => {
  let devnet: Devnet;
  let tw: TronWeb;

  before(async () => {
    devnet = await startDevnet({ blockTime: 0.2, solidityLag: 0 });
    tw = tronWebFor(devnet, 0);
  });

  after(() => devnet.close());

  it('seals blocks without transactions', async () => {
    const start = await headNumber(devnet);
    const reached = await waitFor(
      async () => {
        const n = await headNumber(devnet);
        return n >= start + 3 ? n : undefined;
      },
      5000,
      'three blocks on the interval',
    );
    assert.ok(reached >= start + 3);
    const block = await post(devnet, 'wallet/getblockbynum', { num: start + 1 });
    assert.equal(block.transactions, undefined);
    const parent = await post(devnet, 'wallet/getblockbynum', { num: start });
    assert.equal(block.block_header.raw_data.parentHash, parent.blockID);
  });

  it('includes a broadcast transaction in a later block', async () => {
    const to = devnet.accounts[2]!.address;
    const before = await balanceOf(devnet, 'wallet', to);
    const headAtBroadcast = await headNumber(devnet);
    const txid = await transfer(tw, to, 7_000_000);

    const info = await waitFor(
      async () => {
        const i = await post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
        return i.id ? i : undefined;
      },
      5000,
      'the transfer to be sealed',
    );
    assert.equal(info.id, txid);
    assert.ok(info.blockNumber > headAtBroadcast, `block ${info.blockNumber} should follow ${headAtBroadcast}`);
    const block = await post(devnet, 'wallet/getblockbynum', { num: info.blockNumber });
    assert.deepEqual(
      (block.transactions as { txID: string }[]).map((t) => t.txID),
      [txid],
    );
    assert.equal(block.block_header.raw_data.timestamp, info.blockTimeStamp);
    assert.equal(await balanceOf(devnet, 'wallet', to), before + 7_000_000);
  });

  it('switches to a block per transaction and back with tre_blockTime', async () => {
    assert.deepEqual(await tre(devnet, 'tre_blockTime', [0]), { blockTime: 0 });
    const head = await headNumber(devnet);
    const txid = await transfer(tw, devnet.accounts[3]!.address, 1_000_000);
    // In instamine mode the broadcast itself seals the block: no waiting.
    const info = await post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
    assert.equal(info.id, txid);
    assert.equal(info.blockNumber, head + 1);
    assert.equal(await headNumber(devnet), head + 1);
    const second = await transfer(tw, devnet.accounts[3]!.address, 1_000_000);
    assert.equal((await post(devnet, 'wallet/gettransactioninfobyid', { value: second })).blockNumber, head + 2);
    assert.equal(await headNumber(devnet), head + 2);

    assert.deepEqual(await tre(devnet, 'tre_blockTime', [0.2]), { blockTime: 0.2 });
    await waitFor(
      async () => ((await headNumber(devnet)) >= head + 5 ? true : undefined),
      5000,
      'interval production to resume',
    );
  });

  it('rejects a negative block time', async () => {
    await assert.rejects(tre(devnet, 'tre_blockTime', [-1]), {
      message: 'tre_blockTime: seconds must be a non-negative number (-32602)',
    });
  });
});
