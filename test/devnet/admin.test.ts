/**
 * TRE's developer API on the devnet: `/admin/accounts-json` and the `/tre` JSON-RPC (mining,
 * state overrides, impersonation, time travel, snapshots and injected forks).
 */
import { strict as assert } from 'node:assert';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { TronWeb } from 'tronweb';
import { TronWeb as TronWebClass } from 'tronweb';
import {
  artifact,
  freshAccount,
  get,
  post,
  startDevnet,
  tre,
  tronWebFor,
  utf8,
  type Devnet,
} from '../helpers/devnet.js';
import { TRX, deploy, store, transfer, uint } from '../helpers/probe.js';

/** A constant call by selector; returns the 32-byte words of the result. */
async function call(devnet: Devnet, contract: string, selector: string, parameter = ''): Promise<bigint[]> {
  const r = await post(devnet, 'wallet/triggerconstantcontract', {
    owner_address: devnet.accounts[0]!.address,
    contract_address: contract,
    function_selector: selector,
    parameter,
    visible: true,
  });
  assert.deepEqual(r.result, { result: true }, JSON.stringify(r));
  const out = r.constant_result[0] as string;
  return (out.match(/.{64}/g) ?? []).map((w) => BigInt(`0x${w}`));
}

async function balanceOf(devnet: Devnet, address: string): Promise<number | undefined> {
  return (await post(devnet, 'wallet/getaccount', { address, visible: true })).balance as number | undefined;
}

async function head(devnet: Devnet): Promise<{ number: number; id: string; timestamp: number }> {
  const b = await post(devnet, 'wallet/getnowblock');
  return {
    number: b.block_header.raw_data.number ?? 0,
    id: b.blockID,
    timestamp: b.block_header.raw_data.timestamp ?? 0,
  };
}

async function blockId(devnet: Devnet, num: number): Promise<string> {
  return (await post(devnet, 'wallet/getblockbynum', { num })).blockID as string;
}

async function txInfo(devnet: Devnet, txid: string): Promise<Record<string, any>> {
  return post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
}

/** A base58 address no key is known for, from a repeated byte. */
function addressOf(tw: TronWeb, byte: string): string {
  return tw.address.fromHex(`41${byte.repeat(20)}`);
}

describe('when a client asks for the devnet accounts', () => {
  let devnet: Devnet;

  before(async () => {
    devnet = await startDevnet();
  });

  after(() => devnet.close());

  it('serves the funded private keys at /admin/accounts-json', async () => {
    const tw = tronWebFor(devnet);
    const { status, body } = await get<{ privateKeys: string[] }>(devnet, 'admin/accounts-json');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['privateKeys']);
    assert.equal(body.privateKeys.length, 10);
    for (const [i, key] of body.privateKeys.entries()) {
      assert.match(key, /^[0-9a-f]{64}$/);
      const address = tw.address.fromPrivateKey(key);
      assert.equal(address, devnet.accounts[i]!.address);
      assert.equal(await balanceOf(devnet, address as string), 1_000_000 * TRX);
    }
  });
});

describe('when blocks are mined on demand with tre_mine', () => {
  let devnet: Devnet;

  before(async () => {
    devnet = await startDevnet();
  });

  after(() => devnet.close());

  it('mines one block, a count, or {blocks: n}', async () => {
    const h = (await head(devnet)).number;
    assert.deepEqual(await tre(devnet, 'tre_mine'), { blocks: [h + 1] });
    assert.deepEqual(await tre(devnet, 'tre_mine', [3]), { blocks: [h + 2, h + 3, h + 4] });
    assert.deepEqual(await tre(devnet, 'tre_mine', [{ blocks: 2 }]), { blocks: [h + 5, h + 6] });
    assert.deepEqual(await tre(devnet, 'tre_mine', [0]), { blocks: [] });
    const now = await head(devnet);
    assert.equal(now.number, h + 6);
    const parent = await post(devnet, 'wallet/getblockbynum', { num: h + 5 });
    assert.equal((await post(devnet, 'wallet/getnowblock')).block_header.raw_data.parentHash, parent.blockID);
  });

  it('rejects a block count that is not a non-negative integer', async () => {
    await assert.rejects(tre(devnet, 'tre_mine', ['x']), {
      message: 'tre_mine: blocks must be a non-negative integer (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_mine', [{ blocks: -1 }]), {
      message: 'tre_mine: blocks must be a non-negative integer (-32602)',
    });
  });
});

describe('when the JSON-RPC request is wrong', () => {
  let devnet: Devnet;

  before(async () => {
    devnet = await startDevnet();
  });

  after(() => devnet.close());

  it('answers an unknown method with -32601', async () => {
    const body = await post(devnet, 'tre', { jsonrpc: '2.0', id: 7, method: 'tre_nope', params: [] });
    assert.deepEqual(body, { jsonrpc: '2.0', id: 7, error: { code: -32601, message: 'method not found: tre_nope' } });
  });

  it('answers bad parameters with -32602', async () => {
    const body = await post(devnet, 'tre', {
      jsonrpc: '2.0',
      id: 8,
      method: 'tre_setAccountBalance',
      params: ['nope', '1'],
    });
    assert.deepEqual(body, { jsonrpc: '2.0', id: 8, error: { code: -32602, message: 'invalid address: "nope"' } });
    const a = devnet.accounts[1]!.address;
    await assert.rejects(tre(devnet, 'tre_setAccountBalance', [a]), {
      message: 'tre_setAccountBalance: missing parameter 1: balance (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_setAccountBalance', [a, '-5']), {
      message: 'tre_setAccountBalance: balance must not be negative (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_setAccountBalance', [a, '1.5']), {
      message: 'tre_setAccountBalance: balance must be an integer amount of sun (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_setAccountCode', [a, 'xyz']), {
      message: 'tre_setAccountCode: code must be hex (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_setAccountStorageAt', [a, 'zz', '0x01']), {
      message: 'tre_setAccountStorageAt: slot must be hex of at most 32 bytes (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_setAccountStorageAt', [a, '0x1', `0x${'11'.repeat(33)}`]), {
      message: 'tre_setAccountStorageAt: value must be at most 32 bytes (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_unlockedAccounts', [a]), {
      message: 'tre_unlockedAccounts: addresses must be an array (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_increaseTime', [-1]), {
      message: 'tre_increaseTime: seconds must be a non-negative number (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_revert', ['snap']), {
      message: 'tre_revert: id must be a snapshot id (-32602)',
    });
    await assert.rejects(tre(devnet, 'tre_revert', ['0x99']), {
      message: 'tre_revert: no snapshot with id 0x99 (-32000)',
    });
  });

  it('leaves the balance untouched after a refused override', async () => {
    assert.equal(await balanceOf(devnet, devnet.accounts[1]!.address), 1_000_000 * TRX);
  });
});

describe('when account state is overridden', () => {
  let devnet: Devnet;
  let tw: TronWeb;

  before(async () => {
    devnet = await startDevnet();
    tw = tronWebFor(devnet, 0);
  });

  after(() => devnet.close());

  it('sets the balance of an existing and of a new account with tre_setAccountBalance', async () => {
    const existing = devnet.accounts[5]!.address;
    assert.equal(await tre(devnet, 'tre_setAccountBalance', [existing, '2000000']), true);
    assert.equal(await balanceOf(devnet, existing), 2 * TRX);

    const fresh = addressOf(tw, 'a1');
    assert.deepEqual(await post(devnet, 'wallet/getaccount', { address: fresh, visible: true }), {});
    assert.equal(await tre(devnet, 'tre_setAccountBalance', [fresh, '123456789']), true);
    const acct = await post(devnet, 'wallet/getaccount', { address: fresh, visible: true });
    assert.equal(acct.address, fresh);
    assert.equal(acct.balance, 123_456_789);
  });

  it('makes transactions see the overridden balance', async () => {
    const poor = tronWebFor(devnet, 5);
    const tx = await poor.transactionBuilder.sendTrx(devnet.accounts[6]!.address, 3 * TRX);
    const res = await poor.trx.sendRawTransaction(await poor.trx.sign(tx));
    assert.equal(res.code, 'CONTRACT_VALIDATE_ERROR');
    assert.equal(
      utf8(res.message),
      'Contract validate error : Validate TransferContract error, balance is not sufficient.',
    );
    await transfer(poor, devnet.accounts[6]!.address, TRX);
    assert.equal(await balanceOf(devnet, devnet.accounts[5]!.address), TRX);
  });

  it('runs DevnetProbe runtime code set with tre_setAccountCode on the storage set with tre_setAccountStorageAt', async () => {
    const probe = await deploy(tw, 'DevnetProbe');
    // getcontract holds the creation code, as java-tron's SmartContract.bytecode; the runtime
    // code is getcontractinfo's runtimecode.
    const creation = artifact('DevnetProbe').bytecode;
    const contract = await post(devnet, 'wallet/getcontract', { value: probe.address, visible: true });
    assert.equal(contract.bytecode, creation);
    const runtime = (await post(devnet, 'wallet/getcontractinfo', { value: probe.address, visible: true }))
      .runtimecode as string;
    assert.match(runtime, /^[0-9a-f]+$/);
    // Without immutables, the runtime code sits verbatim inside the creation code.
    assert.ok(runtime.length < creation.length);
    assert.ok(creation.includes(runtime));

    const target = addressOf(tw, 'c0');
    assert.equal(await tre(devnet, 'tre_setAccountCode', [target, `0x${runtime}`]), true);
    // Layout: `_values` (mapping) is slot 0, `counter` slot 1; `_values[k]` is at keccak256(k . 0).
    assert.equal(await tre(devnet, 'tre_setAccountStorageAt', [target, '0x1', `0x${uint(77)}`]), true);
    const slot5 = Buffer.from(keccak_256(Buffer.from(uint(5) + uint(0), 'hex'))).toString('hex');
    assert.equal(await tre(devnet, 'tre_setAccountStorageAt', [target, `0x${slot5}`, '0x022b']), true);

    assert.deepEqual(await call(devnet, target, 'counter()'), [77n]);
    assert.deepEqual(await call(devnet, target, 'valueOf(uint256)', uint(5)), [555n]);
    assert.deepEqual(await call(devnet, target, 'valueOf(uint256)', uint(6)), [0n]);
    const acct = await post(devnet, 'wallet/getaccount', { address: target, visible: true });
    assert.equal(acct.type, 'Contract');
    assert.equal(acct.codeHash, Buffer.from(keccak_256(Buffer.from(runtime, 'hex'))).toString('hex'));

    // A transaction runs the injected code on the injected storage.
    const txid = await store(tw, target, 6, 66, 'injected');
    assert.equal((await txInfo(devnet, txid)).receipt.result, 'SUCCESS');
    assert.deepEqual(await call(devnet, target, 'valueOf(uint256)', uint(6)), [66n]);
    assert.deepEqual(await call(devnet, target, 'counter()'), [77n]);

    // Zero clears the slot.
    assert.equal(await tre(devnet, 'tre_setAccountStorageAt', [target, '0x01', '0x00']), true);
    assert.deepEqual(await call(devnet, target, 'counter()'), [0n]);
  });

  it('accepts an unsigned transaction only from an unlocked address', async () => {
    const unlocked = addressOf(tw, 'd1');
    const locked = addressOf(tw, 'd2');
    const to = devnet.accounts[7]!.address;
    await tre(devnet, 'tre_setAccountBalance', [unlocked, String(100 * TRX)]);
    await tre(devnet, 'tre_setAccountBalance', [locked, String(100 * TRX)]);
    assert.equal(await tre(devnet, 'tre_unlockedAccounts', [[unlocked]]), true);

    const lockedTx = await post(devnet, 'wallet/createtransaction', {
      owner_address: locked,
      to_address: to,
      amount: TRX,
      visible: true,
    });
    const refused = await post(devnet, 'wallet/broadcasttransaction', { ...lockedTx, signature: [] });
    // With visible=true the message comes back as text.
    assert.deepEqual(refused, {
      code: 'SIGERROR',
      message: 'Validate signature error: miss sig or contract',
      txid: lockedTx.txID,
    });
    assert.equal(await balanceOf(devnet, locked), 100 * TRX);

    const toBefore = (await balanceOf(devnet, to))!;
    const tx = await post(devnet, 'wallet/createtransaction', {
      owner_address: unlocked,
      to_address: to,
      amount: TRX,
      visible: true,
    });
    const accepted = await post(devnet, 'wallet/broadcasttransaction', { ...tx, signature: [] });
    assert.deepEqual(accepted, { result: true, txid: tx.txID });
    const info = await txInfo(devnet, tx.txID);
    assert.equal(info.id, tx.txID);
    assert.equal(info.fee, undefined);
    assert.equal(await balanceOf(devnet, unlocked), 99 * TRX);
    assert.equal(await balanceOf(devnet, to), toBefore + TRX);
    const stored = await post(devnet, 'wallet/gettransactionbyid', { value: tx.txID });
    assert.deepEqual(stored.signature, []);
  });
});

describe('when time is moved forward with tre_increaseTime', () => {
  let devnet: Devnet;
  let tw: TronWeb;
  let probe: string;

  before(async () => {
    devnet = await startDevnet();
    tw = tronWebFor(devnet, 0);
    probe = (await deploy(tw, 'DevnetProbe')).address;
  });

  after(() => devnet.close());

  it('stamps the next block and block.timestamp at least a day later', async () => {
    const t0 = (await head(devnet)).timestamp;
    const [, before] = await call(devnet, probe, 'context()');
    assert.ok(before! < BigInt(Math.floor(t0 / 1000) + 86_400));

    assert.deepEqual(await tre(devnet, 'tre_increaseTime', [86_400]), { offsetSeconds: 86_400 });
    const mined = await tre<{ blocks: number[] }>(devnet, 'tre_mine');
    const block = await post(devnet, 'wallet/getblockbynum', { num: mined.blocks[0] });
    const ts = block.block_header.raw_data.timestamp as number;
    assert.ok(ts >= t0 + 86_400_000, `${ts} should be a day after ${t0}`);
    assert.ok(ts <= Date.now() + 86_400_000, `${ts} should be at most a day ahead of the wall clock`);

    const [, time] = await call(devnet, probe, 'context()');
    assert.ok(
      time! >= BigInt(Math.floor(t0 / 1000) + 86_400),
      `block.timestamp ${time} should be a day after ${t0 / 1000}`,
    );
    assert.ok(time! <= BigInt(Math.ceil(Date.now() / 1000) + 86_400));

    const txid = await store(tw, probe, 1, 1, 'later');
    assert.ok((await txInfo(devnet, txid)).blockTimeStamp >= t0 + 86_400_000);
  });

  it('adds up successive increases', async () => {
    assert.deepEqual(await tre(devnet, 'tre_increaseTime', [3600]), { offsetSeconds: 90_000 });
  });
});

describe('when time is moved forward on a devnet producing blocks every few seconds', () => {
  let devnet: Devnet;

  before(async () => {
    devnet = await startDevnet({ blockTime: 3 });
  });

  after(() => devnet.close());

  // Issue 12, item 15: a refused transaction opened a block and left it empty; that block kept its
  // old time, so the block mined right after tre_increaseTime(86400) was a second later, not a day.
  it('stamps the block tre_mine seals after tre_increaseTime a day later, even after a refused transaction', async () => {
    const t0 = (await head(devnet)).timestamp;
    const empty = freshAccount('increaseTime/empty');
    const pauper = new TronWebClass({ fullHost: devnet.url, privateKey: empty.privateKey });
    const tx = await pauper.transactionBuilder.sendTrx(devnet.accounts[1]!.address, 1, empty.base58);
    const refused = (await pauper.trx.sendRawTransaction(await pauper.trx.sign(tx))) as { code?: string };
    assert.equal(refused.code, 'CONTRACT_VALIDATE_ERROR');
    await tre(devnet, 'tre_increaseTime', [86_400]);
    const mined = await tre<{ blocks: number[] }>(devnet, 'tre_mine');
    const block = await post(devnet, 'wallet/getblockbynum', { num: mined.blocks[0] });
    const ts = block.block_header.raw_data.timestamp as number;
    assert.ok(
      ts >= t0 + 86_400_000,
      `block ${mined.blocks[0]} at ${ts}, ${(ts - t0) / 1000} s after ${t0}: it should be a day later`,
    );
  });
});

describe('when the chain is snapshotted and reverted', () => {
  let devnet: Devnet;
  let tw0: TronWeb;
  let tw1: TronWeb;

  before(async () => {
    devnet = await startDevnet();
    tw0 = tronWebFor(devnet, 0);
    tw1 = tronWebFor(devnet, 1);
  });

  after(() => devnet.close());

  async function balances(): Promise<(number | undefined)[]> {
    return Promise.all(devnet.accounts.slice(0, 3).map((a) => balanceOf(devnet, a.address)));
  }

  it('restores balances and the head, and forgets the transactions and contracts', async () => {
    const start = await head(devnet);
    const startBalances = await balances();
    const id = await tre<string>(devnet, 'tre_snapshot');
    assert.match(id, /^0x[0-9a-f]+$/);
    assert.equal((await head(devnet)).number, start.number);

    const t1 = await transfer(tw0, devnet.accounts[1]!.address, 3 * TRX);
    const t2 = await transfer(tw1, devnet.accounts[2]!.address, 4 * TRX);
    const probe = await deploy(tw0, 'DevnetProbe');
    assert.equal((await head(devnet)).number, start.number + 3);
    assert.notDeepEqual(await balances(), startBalances);

    assert.equal(await tre(devnet, 'tre_revert', [id]), true);
    const now = await head(devnet);
    assert.equal(now.number, start.number);
    assert.equal(now.id, start.id);
    assert.deepEqual(await balances(), startBalances);
    for (const txid of [t1, t2, probe.txid]) {
      assert.deepEqual(await post(devnet, 'wallet/gettransactionbyid', { value: txid }), {});
      assert.deepEqual(await txInfo(devnet, txid), {});
    }
    assert.deepEqual(await post(devnet, 'wallet/getcontract', { value: probe.address, visible: true }), {
      Error: 'class java.lang.NullPointerException : null',
    });
    assert.deepEqual(await post(devnet, 'wallet/getaccount', { address: probe.address, visible: true }), {});
    assert.deepEqual(await post(devnet, 'wallet/getblockbynum', { num: start.number + 1 }), {});

    await assert.rejects(tre(devnet, 'tre_revert', [id]), {
      message: `tre_revert: no snapshot with id ${id} (-32000)`,
    });

    // The chain goes on from the restored head.
    const t3 = await transfer(tw0, devnet.accounts[1]!.address, TRX);
    assert.equal((await txInfo(devnet, t3)).blockNumber, start.number + 1);
    assert.equal((await post(devnet, 'wallet/getnowblock')).block_header.raw_data.parentHash, start.id);
  });

  it('reverts nested snapshots innermost first', async () => {
    const b0 = await balances();
    const outer = await tre<string>(devnet, 'tre_snapshot');
    const tA = await transfer(tw0, devnet.accounts[2]!.address, 5 * TRX);
    const b1 = await balances();
    const inner = await tre<string>(devnet, 'tre_snapshot');
    assert.notEqual(inner, outer);
    const tB = await transfer(tw1, devnet.accounts[2]!.address, 6 * TRX);
    assert.equal(b1[2]! + 6 * TRX, (await balances())[2]);

    assert.equal(await tre(devnet, 'tre_revert', [inner]), true);
    assert.deepEqual(await balances(), b1);
    assert.equal((await txInfo(devnet, tA)).id, tA);
    assert.deepEqual(await txInfo(devnet, tB), {});

    assert.equal(await tre(devnet, 'tre_revert', [outer]), true);
    assert.deepEqual(await balances(), b0);
    assert.deepEqual(await txInfo(devnet, tA), {});
  });

  it('discards the inner snapshots when reverting an outer one', async () => {
    const outer = await tre<string>(devnet, 'tre_snapshot');
    await transfer(tw0, devnet.accounts[2]!.address, TRX);
    const inner = await tre<string>(devnet, 'tre_snapshot');
    assert.equal(await tre(devnet, 'tre_revert', [outer]), true);
    await assert.rejects(tre(devnet, 'tre_revert', [inner]), {
      message: `tre_revert: no snapshot with id ${inner} (-32000)`,
    });
  });

  it('restores the clock moved after the snapshot', async () => {
    const id = await tre<string>(devnet, 'tre_snapshot');
    assert.deepEqual(await tre(devnet, 'tre_increaseTime', [1000]), { offsetSeconds: 1000 });
    await tre(devnet, 'tre_revert', [id]);
    assert.deepEqual(await tre(devnet, 'tre_increaseTime', [0]), { offsetSeconds: 0 });
  });
});

describe('when a fork is injected with tre_reorg', () => {
  let devnet: Devnet;
  let tw0: TronWeb;
  let tw1: TronWeb;
  let probe: string;

  before(async () => {
    devnet = await startDevnet({ solidityLag: 5 });
    tw0 = tronWebFor(devnet, 0);
    tw1 = tronWebFor(devnet, 1);
    probe = (await deploy(tw0, 'DevnetProbe')).address;
    await tre(devnet, 'tre_mine', [5]);
  });

  after(() => devnet.close());

  async function events(): Promise<Record<string, any>[]> {
    const { status, body } = await get(devnet, `v1/contracts/${probe}/events?order_by=block_timestamp,asc`);
    assert.equal(status, 200);
    return body.data as Record<string, any>[];
  }

  it('drops a transaction and replays the others on a longer branch', async () => {
    const [a, b, c] = devnet.accounts.map((x) => x.address) as [string, string, string];
    const h0 = (await head(devnet)).number;
    const [a0, b0, c0] = [(await balanceOf(devnet, a))!, (await balanceOf(devnet, b))!, (await balanceOf(devnet, c))!];

    const t1 = await transfer(tw0, b, 10 * TRX);
    const t2 = await store(tw0, probe, 1, 11, 'reorg');
    const t3 = await transfer(tw0, c, 20 * TRX);
    const removed = [await blockId(devnet, h0 + 1), await blockId(devnet, h0 + 2), await blockId(devnet, h0 + 3)];
    const before = await events();
    assert.equal(before.length, 1);
    assert.equal(before[0]!.block_number, h0 + 2);

    const r = await tre<{ removed: string[]; added: string[]; replayed: string[]; dropped: string[] }>(
      devnet,
      'tre_reorg',
      [3, { drop: [t1] }],
    );
    assert.deepEqual(r.removed, removed);
    assert.deepEqual(r.replayed, [t2, t3]);
    assert.deepEqual(r.dropped, [t1]);
    assert.equal(r.added.length, 4);
    assert.equal((await head(devnet)).number, h0 + 4);
    const added = [];
    for (let n = h0 + 1; n <= h0 + 4; n++) added.push(await blockId(devnet, n));
    assert.deepEqual(r.added, added);
    for (const id of removed) {
      assert.ok(!added.includes(id), `block ${id} should have been replaced`);
      assert.deepEqual(await post(devnet, 'wallet/getblockbyid', { value: id }), {});
    }
    assert.equal(
      (await post(devnet, 'wallet/getblockbynum', { num: h0 + 1 })).block_header.raw_data.parentHash,
      await blockId(devnet, h0),
    );

    assert.deepEqual(await txInfo(devnet, t1), {});
    assert.deepEqual(await post(devnet, 'wallet/gettransactionbyid', { value: t1 }), {});
    const i2 = await txInfo(devnet, t2);
    const i3 = await txInfo(devnet, t3);
    assert.equal(i2.blockNumber, h0 + 1);
    assert.equal(i3.blockNumber, h0 + 2);
    assert.equal(i2.receipt.result, 'SUCCESS');
    const txsOf = async (num: number): Promise<string[]> =>
      (((await post(devnet, 'wallet/getblockbynum', { num })).transactions ?? []) as { txID: string }[]).map(
        (t) => t.txID,
      );
    assert.deepEqual(await txsOf(h0 + 1), [t2]);
    assert.deepEqual(await txsOf(h0 + 2), [t3]);
    assert.deepEqual(await txsOf(h0 + 3), []);
    assert.deepEqual(await txsOf(h0 + 4), []);

    assert.equal(await balanceOf(devnet, b), b0);
    assert.equal(await balanceOf(devnet, c), c0 + 20 * TRX);
    assert.equal(await balanceOf(devnet, a), a0 - 20 * TRX - (i2.fee ?? 0) - (i3.fee ?? 0));

    const after = await events();
    assert.equal(after.length, 1);
    assert.equal(after[0]!.transaction_id, t2);
    assert.equal(after[0]!.block_number, h0 + 1);
    assert.equal(after[0]!.block_timestamp, i2.blockTimeStamp);
    assert.equal(after[0]!.result.value, '11');
    assert.equal(after[0]!._unconfirmed, true);
  });

  it('replays in reverse order with {order: "reverse"} and extra blocks', async () => {
    const h = (await head(devnet)).number;
    const t4 = await store(tw0, probe, 2, 22, 'first');
    const t5 = await store(tw1, probe, 2, 33, 'second');
    assert.deepEqual(await call(devnet, probe, 'valueOf(uint256)', uint(2)), [33n]);

    const r = await tre<{ added: string[]; replayed: string[]; dropped: string[] }>(devnet, 'tre_reorg', [
      2,
      { order: 'reverse', extraBlocks: 2 },
    ]);
    assert.deepEqual(r.replayed, [t5, t4]);
    assert.deepEqual(r.dropped, []);
    assert.equal(r.added.length, 4);
    assert.equal((await head(devnet)).number, h + 4);
    assert.equal((await txInfo(devnet, t5)).blockNumber, h + 1);
    assert.equal((await txInfo(devnet, t4)).blockNumber, h + 2);
    assert.deepEqual(await call(devnet, probe, 'valueOf(uint256)', uint(2)), [22n]);

    const evs = await events();
    assert.deepEqual(
      evs.slice(-2).map((e) => [e.transaction_id, e.block_number, e.result.value]),
      [
        [t5, h + 1, '33'],
        [t4, h + 2, '22'],
      ],
    );
  });

  it('drops a contract call and its event', async () => {
    const t6 = await store(tw0, probe, 3, 44, 'doomed');
    assert.equal((await events()).at(-1)!.transaction_id, t6);
    const count = (await events()).length;
    await tre(devnet, 'tre_reorg', [1, { drop: [t6], extraBlocks: 0 }]);
    const evs = await events();
    assert.equal(evs.length, count - 1);
    assert.ok(!evs.some((e) => e.transaction_id === t6));
    assert.deepEqual(await call(devnet, probe, 'valueOf(uint256)', uint(3)), [0n]);
  });

  it('refuses a reorg that reaches solidified blocks', async () => {
    const h = (await head(devnet)).number;
    await assert.rejects(tre(devnet, 'tre_reorg', [6]), {
      message: `tre_reorg: cannot reorg 6 blocks: only 5 are above the solidified head ${h - 5} (-32000)`,
    });
    assert.equal((await head(devnet)).number, h);
  });

  it('refuses to drop a transaction outside the replaced blocks', async () => {
    const h = await head(devnet);
    const unknown = 'ab'.repeat(32);
    await assert.rejects(tre(devnet, 'tre_reorg', [1, { drop: [unknown] }]), {
      message: `tre_reorg: transaction ${unknown} is not in the replaced blocks (-32000)`,
    });
    assert.deepEqual(await head(devnet), h);
    await assert.rejects(tre(devnet, 'tre_reorg', [1, { drop: unknown }]), {
      message: 'tre_reorg: drop must be an array of transaction ids (-32602)',
    });
    assert.deepEqual(await head(devnet), h);
  });
});
