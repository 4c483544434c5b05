/**
 * The TronGrid-shaped event API of the devnet (`v1/...`), read through TronWeb's `event` module and
 * raw requests: paging with fingerprints, ordering, filters, the shape of each event, and the
 * confirmed/unconfirmed split that follows the solidified head.
 */
import { strict as assert } from 'node:assert';
import { TronWeb } from 'tronweb';
import { artifact, get, post, startDevnet, tre, tronWebFor, type Devnet } from '../helpers/devnet.js';

const FEE_LIMIT = 1_000_000_000;
const STORED = 'Stored(address indexed by, uint256 indexed slot, uint256 value, string note)';
const RECEIVED = 'Received(address indexed from, uint256 amount)';

type Json = Record<string, any>;

/** Deploys DevnetProbe without TronWeb's fixed wait; returns its base58 address. */
async function deployProbe(tw: TronWeb): Promise<string> {
  const a = artifact('DevnetProbe');
  const tx = await tw.transactionBuilder.createSmartContract(
    { abi: a.abi as never, bytecode: a.bytecode, feeLimit: FEE_LIMIT, name: a.contractName },
    tw.defaultAddress.hex as string,
  );
  const res = await tw.trx.sendRawTransaction(await tw.trx.sign(tx));
  assert.equal(res.result, true, JSON.stringify(res));
  return tw.address.fromHex((tx as unknown as { contract_address: string }).contract_address) as string;
}

/** Signs and broadcasts a call of `probe`; returns the txID. */
async function send(
  tw: TronWeb,
  probe: string,
  fn: string,
  params: { type: string; value: unknown }[],
  callValue = 0,
): Promise<string> {
  const { transaction } = await tw.transactionBuilder.triggerSmartContract(
    probe,
    fn,
    { feeLimit: FEE_LIMIT, callValue },
    params,
    tw.defaultAddress.hex as string,
  );
  const res = await tw.trx.sendRawTransaction(await tw.trx.sign(transaction));
  assert.equal(res.result, true, JSON.stringify(res));
  return transaction.txID;
}

/** `0x` + the 20-byte hex of an address, as TronGrid prints address values. */
function evmAddress(address: string): string {
  return `0x${(TronWeb.address.toHex(address) as string).slice(2).toLowerCase()}`;
}

describe('devnet event API', function () {
  let devnet: Devnet;
  let tw: TronWeb;
  let owner: string;
  /** Carries only the 250 events of emitMany. */
  let many: string;
  /** Carries one Stored and one Received event. */
  let probe: string;
  /** Blocks and timestamps of the three emitMany transactions (100, 100 and 50 events). */
  const batches: { txid: string; block: number; timestamp: number; count: number }[] = [];
  let storeTx: Json;
  let depositTx: Json;

  async function info(txid: string): Promise<Json> {
    return post(devnet, 'wallet/gettransactioninfobyid', { value: txid });
  }

  /** The chain-order position of every emitMany event, [block, event_index, slot]. */
  function expectedMany(): [number, number, string][] {
    return batches.flatMap((b) =>
      Array.from({ length: b.count }, (_, i): [number, number, string] => [b.block, i, String(i)]),
    );
  }

  const position = (e: Json): [number, number, string] => [e.block_number, e.event_index, e.result.slot];

  before(async () => {
    devnet = await startDevnet();
    tw = tronWebFor(devnet, 0);
    owner = devnet.accounts[0]!.address;
    many = await deployProbe(tw);
    probe = await deployProbe(tw);
    for (const count of [100, 100, 50]) {
      const txid = await send(tw, many, 'emitMany(uint256)', [{ type: 'uint256', value: count }]);
      const r = await info(txid);
      // A fee limit too low would cut the batch short with OUT_OF_ENERGY and no logs.
      assert.equal(r.receipt.result, 'SUCCESS', JSON.stringify(r.receipt));
      assert.ok(r.receipt.energy_fee < FEE_LIMIT, `energy fee ${r.receipt.energy_fee}`);
      assert.equal(r.log.length, count);
      batches.push({ txid, block: r.blockNumber, timestamp: r.blockTimeStamp, count });
    }
    storeTx = await info(
      await send(tw, probe, 'store(uint256,uint256,string)', [
        { type: 'uint256', value: 42 },
        { type: 'uint256', value: 777 },
        { type: 'string', value: 'first note' },
      ]),
    );
    depositTx = await info(await send(tw, probe, 'deposit()', [], 1234));
  });

  after(async () => {
    await devnet?.close();
  });

  describe('when 250 events are paged through with limit 100', () => {
    it('returns all of them once, in chain order, through TronWeb and fingerprints', async () => {
      const seen: Json[] = [];
      const sizes: number[] = [];
      let fingerprint: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = (await tw.event.getEventsByContractAddress(many, {
          limit: 100,
          orderBy: 'block_timestamp,asc',
          ...(fingerprint ? { fingerprint } : {}),
        })) as unknown as Json;
        assert.equal(res.success, true);
        assert.equal(res.meta.page_size, res.data.length);
        sizes.push(res.data.length);
        seen.push(...res.data);
        fingerprint = res.meta.fingerprint;
        if (!fingerprint) {
          assert.equal(res.meta.links, undefined);
          break;
        }
      }
      assert.deepEqual(sizes, [100, 100, 50]);
      assert.equal(new Set(seen.map((e) => `${e.transaction_id}:${e.event_index}`)).size, 250);
      assert.deepEqual(seen.map(position), expectedMany());
      assert.deepEqual(
        seen.map((e) => e.transaction_id),
        batches.flatMap((b) => Array(b.count).fill(b.txid)),
      );
    });

    it('returns them newest first by default, following meta.links.next', async () => {
      const seen: Json[] = [];
      let url: string | undefined = `${devnet.url}/v1/contracts/${many}/events?limit=100`;
      let pages = 0;
      while (url && pages < 10) {
        const res = (await (await fetch(url)).json()) as Json;
        assert.equal(res.success, true);
        seen.push(...res.data);
        url = res.meta.links?.next;
        assert.equal(url === undefined, res.meta.fingerprint === undefined);
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen.map(position), expectedMany().reverse());
    });

    it('rejects limit 201 with HTTP 400', async () => {
      const res = await get(devnet, `v1/contracts/${many}/events?limit=201`);
      assert.equal(res.status, 400);
      assert.equal(res.body.success, false);
      const max = await get(devnet, `v1/contracts/${many}/events?limit=200`);
      assert.equal(max.status, 200);
      assert.equal(max.body.data.length, 200);
    });
  });

  describe('when events are filtered', () => {
    it('keeps one block with block_number', async () => {
      const b = batches[1]!;
      const res = (await tw.event.getEventsByContractAddress(many, {
        blockNumber: b.block,
        limit: 200,
        orderBy: 'block_timestamp,asc',
      })) as unknown as Json;
      assert.deepEqual(
        res.data.map(position),
        Array.from({ length: 100 }, (_, i) => [b.block, i, String(i)]),
      );
      assert.equal(res.meta.fingerprint, undefined);
    });

    it('keeps a time window with min_block_timestamp and max_block_timestamp', async () => {
      const [b1, b2, b3] = batches as [(typeof batches)[0], (typeof batches)[0], (typeof batches)[0]];
      assert.ok(b1.timestamp < b2.timestamp && b2.timestamp < b3.timestamp, 'batches in distinct blocks');
      const blocksOf = (res: Json): number[] => [...new Set<number>(res.data.map((e: Json) => e.block_number))];
      const only = (await tw.event.getEventsByContractAddress(many, {
        minBlockTimestamp: b2.timestamp,
        maxBlockTimestamp: b2.timestamp,
        limit: 200,
      })) as unknown as Json;
      assert.equal(only.data.length, 100);
      assert.deepEqual(blocksOf(only), [b2.block]);
      const from = (
        await get(
          devnet,
          `v1/contracts/${many}/events?min_block_timestamp=${b2.timestamp}&limit=200&order_by=block_timestamp,asc`,
        )
      ).body;
      assert.equal(from.data.length, 150);
      assert.deepEqual(blocksOf(from), [b2.block, b3.block]);
      const until = (
        await get(
          devnet,
          `v1/contracts/${many}/events?max_block_timestamp=${b2.timestamp}&limit=200&order_by=block_timestamp,asc`,
        )
      ).body;
      assert.equal(until.data.length, 200);
      assert.deepEqual(blocksOf(until), [b1.block, b2.block]);
    });

    it('keeps one event with event_name', async () => {
      const received = (await tw.event.getEventsByContractAddress(probe, { eventName: 'Received' })) as unknown as Json;
      assert.deepEqual(
        received.data.map((e: Json) => e.event_name),
        ['Received'],
      );
      const stored = (await tw.event.getEventsByContractAddress(probe, { eventName: 'Stored' })) as unknown as Json;
      assert.deepEqual(
        stored.data.map((e: Json) => e.transaction_id),
        [storeTx.id],
      );
      const none = (await tw.event.getEventsByContractAddress(probe, { eventName: 'Nope' })) as unknown as Json;
      assert.deepEqual(none.data, []);
    });
  });

  describe('when an event is read', () => {
    it('carries positional and named results, their types and the event signature', async () => {
      const res = (await tw.event.getEventsByContractAddress(probe, {
        orderBy: 'block_timestamp,asc',
      })) as unknown as Json;
      assert.deepEqual(res.data, [
        {
          block_number: storeTx.blockNumber,
          block_timestamp: storeTx.blockTimeStamp,
          caller_contract_address: probe,
          contract_address: probe,
          event_index: 0,
          event_name: 'Stored',
          result: {
            0: evmAddress(owner),
            1: '42',
            2: '777',
            3: 'first note',
            by: evmAddress(owner),
            slot: '42',
            value: '777',
            note: 'first note',
          },
          result_type: { by: 'address', slot: 'uint256', value: 'uint256', note: 'string' },
          event: STORED,
          transaction_id: storeTx.id,
        },
        {
          block_number: depositTx.blockNumber,
          block_timestamp: depositTx.blockTimeStamp,
          caller_contract_address: probe,
          contract_address: probe,
          event_index: 0,
          event_name: 'Received',
          result: { 0: evmAddress(owner), 1: '1234', from: evmAddress(owner), amount: '1234' },
          result_type: { from: 'address', amount: 'uint256' },
          event: RECEIVED,
          transaction_id: depositTx.id,
        },
      ]);
      assert.match(res.data[0]!.result.by as string, /^0x[0-9a-f]{40}$/);
    });

    it('serves the events of one transaction from v1/transactions/{id}/events', async () => {
      const byTx = (await tw.event.getEventsByTransactionID(storeTx.id)) as unknown as Json;
      const all = (await tw.event.getEventsByContractAddress(probe, {
        orderBy: 'block_timestamp,asc',
      })) as unknown as Json;
      assert.deepEqual(byTx.data, [all.data[0]]);
      const batch = batches[2]!;
      const raw = await get(devnet, `v1/transactions/${batch.txid}/events`);
      assert.equal(raw.status, 200);
      assert.deepEqual(
        raw.body.data.map(position),
        Array.from({ length: 50 }, (_, i) => [batch.block, i, String(i)]),
      );
      const unknown = await get(devnet, `v1/transactions/${'ab'.repeat(32)}/events`);
      assert.deepEqual(unknown.body.data, []);
    });

    it('serves the events of one block from v1/blocks/{n}/events', async () => {
      const byBlock = (await tw.event.getEventsByBlockNumber(depositTx.blockNumber)) as unknown as Json;
      assert.deepEqual(
        byBlock.data.map((e: Json) => [e.event_name, e.transaction_id, e.result.amount]),
        [['Received', depositTx.id, '1234']],
      );
      const batch = batches[0]!;
      const raw = (await get(devnet, `v1/blocks/${batch.block}/events?limit=200`)).body;
      assert.deepEqual(
        raw.data.map(position),
        Array.from({ length: 100 }, (_, i) => [batch.block, i, String(i)]),
      );
      const latest = (await tw.event.getEventsOfLatestBlock()) as unknown as Json;
      assert.deepEqual(
        latest.data.map((e: Json) => e.transaction_id),
        [depositTx.id],
      );
    });
  });
});

describe('when events wait for 2 blocks of solidity lag', () => {
  let devnet: Devnet;
  let tw: TronWeb;
  let probe: string;
  let txid: string;

  async function events(query = ''): Promise<Json[]> {
    const res = await get(devnet, `v1/contracts/${probe}/events${query}`);
    assert.equal(res.status, 200);
    return res.body.data;
  }

  before(async () => {
    devnet = await startDevnet({ blockTime: 0, solidityLag: 2 });
    tw = tronWebFor(devnet, 0);
    probe = await deployProbe(tw);
    txid = await send(tw, probe, 'store(uint256,uint256,string)', [
      { type: 'uint256', value: 1 },
      { type: 'uint256', value: 2 },
      { type: 'string', value: 'pending' },
    ]);
  });

  after(async () => {
    await devnet?.close();
  });

  it('marks a new event _unconfirmed and hides it from only_confirmed', async () => {
    const [e] = await events();
    assert.equal(e?.transaction_id, txid);
    assert.equal(e?._unconfirmed, true);
    assert.deepEqual(await events('?only_confirmed=true'), []);
    assert.deepEqual(
      (await events('?only_unconfirmed=true')).map((x) => x.transaction_id),
      [txid],
    );
    const byTx = await get(devnet, `v1/transactions/${txid}/events`);
    assert.equal(byTx.body.data[0]._unconfirmed, true);
  });

  it('keeps it unconfirmed after one more block', async () => {
    await tre(devnet, 'tre_mine', [1]);
    assert.deepEqual(await events('?only_confirmed=true'), []);
    assert.equal((await events())[0]?._unconfirmed, true);
  });

  it('confirms it once 2 blocks are mined on top', async () => {
    await tre(devnet, 'tre_mine', [1]);
    const confirmed = await events('?only_confirmed=true');
    assert.deepEqual(
      confirmed.map((x) => x.transaction_id),
      [txid],
    );
    assert.equal('_unconfirmed' in confirmed[0]!, false);
    assert.deepEqual(await events('?only_unconfirmed=true'), []);
    const viaTronWeb = (await tw.event.getEventsByContractAddress(probe, { onlyConfirmed: true })) as unknown as Json;
    assert.deepEqual(viaTronWeb.data, confirmed);
  });
});
