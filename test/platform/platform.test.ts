/**
 * The platform `npm start` runs, on a temp data directory and free ports: the devnet deployed
 * through the real tronbox migrations, the demo seeded with real transactions and indexed, every
 * stage on one origin (/config.json, /devnet/accounts, /chain, /graphql, /api, the web app with
 * client-route fallback), and a restart that keeps everything without deploying or seeding again.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TronWeb } from 'tronweb';
import { startPlatform, type Platform } from '../../platform/platform.js';
import { tempDir } from '../helpers/indexer.js';
import { waitFor } from '../helpers/devnet.js';

type Row = Record<string, any>;

describe('web: the platform behind npm start', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof tempDir>;
  let platform: Platform | undefined;
  const opts = (): Parameters<typeof startPlatform>[0] => ({
    port: 0,
    devnetPort: 0,
    blockTime: 1,
    dataDir: path.join(tmp.dir, 'data'),
    deploymentsFile: path.join(tmp.dir, 'deployments', 'development.json'),
    webDist: path.join(tmp.dir, 'dist'),
    env: {},
    log: () => {},
    // The demo broadcast has its own test (demo.test.ts); here stream 1 stays idle.
    demo: false,
  });

  async function gql(query: string): Promise<any> {
    const res = await fetch(`${platform!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  }

  before(async function () {
    tmp = tempDir('blive-platform-');
    mkdirSync(path.join(tmp.dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(path.join(tmp.dir, 'dist', 'index.html'), '<!doctype html><title>BLive</title><p>test shell</p>');
    writeFileSync(path.join(tmp.dir, 'dist', 'assets', 'app-abc123.js'), 'console.log("app")');
    platform = await startPlatform(opts());
  });

  after(async function () {
    await platform?.close();
    tmp?.cleanup();
  });

  it('serves the web app configuration with the deployed contracts, and the devnet keys', async function () {
    const config = (await (await fetch(`${platform!.url}/config.json`)).json()) as Row;
    const d = platform!.deployments;
    assert.deepEqual(config.contracts, {
      Profiles: d.contracts.Profiles!.address,
      GiftVault: d.contracts.GiftVault!.address,
      RewardPool: d.contracts.RewardPool!.address,
    });
    assert.deepEqual(config.tokens.BTT, { address: d.tokens.BTT, symbol: 'BTT', decimals: 18 });
    assert.deepEqual(config.tokens.USDT, { address: d.tokens.USDT, symbol: 'USDT', decimals: 6 });
    assert.equal(config.network, 'devnet');
    assert.equal(config.devWallet, true);
    assert.equal(config.fullHost, '/chain');
    const accounts = (await (await fetch(`${platform!.url}/devnet/accounts`)).json()) as Row[];
    assert.deepEqual(
      accounts.map((a) => a.address),
      platform!.accounts.map((a) => a.address),
    );
  });

  it('seeds the demo through real transactions, indexed: a broadcaster, followers, deposits, a stream with gifts', async function () {
    const alice = platform!.accounts[1]!.address;
    const bob = platform!.accounts[2]!.address;
    const d = await gql(`{
      profile(address: "${alice}") { handle broadcaster followerCount }
      gifts(filter: { broadcaster: "${alice}", streamId: "1" }) { nodes { sender giftId quantity paidFrom } }
      balances(address: "${bob}") { nodes { token amount } }
    }`);
    assert.deepEqual(d.profile, { handle: 'alice', broadcaster: true, followerCount: 2 });
    assert.equal(d.gifts.nodes.length, 5);
    assert.deepEqual(
      d.gifts.nodes.map((g: Row) => g.paidFrom),
      ['VAULT', 'VAULT', 'VAULT', 'WALLET', 'VAULT'],
    );
    assert.ok(d.balances.nodes.some((b: Row) => b.token === platform!.deployments.tokens.BTT && BigInt(b.amount) > 0n));
    const streams = (await (await fetch(`${platform!.url}/api/streams`)).json()) as Row;
    assert.deepEqual(
      streams.nodes.map((s: Row) => [s.streamId, s.owner, s.ownerHandle]),
      [['1', alice, 'alice']],
    );
  });

  it('proxies the TRON node at /chain, so TronWeb works from the same origin', async function () {
    const tw = new TronWeb({ fullHost: `${platform!.url}/chain` });
    const bob = platform!.accounts[2]!.address;
    const direct = new TronWeb({ fullHost: platform!.devnet!.url });
    const balance = await tw.trx.getBalance(bob);
    assert.ok(balance > 0);
    assert.equal(balance, await direct.trx.getBalance(bob));
    const block = await tw.trx.getCurrentBlock();
    assert.ok(Math.abs(block.block_header.raw_data.number - platform!.devnet!.chain.head.number) <= 1);
    const res = await fetch(`${platform!.url}/chain/wallet/getaccount`, {
      method: 'POST',
      body: JSON.stringify({ address: bob, visible: true }),
    });
    assert.equal(((await res.json()) as Row).address, bob);
  });

  it('the /chain proxy refuses, with 400 TRC10_NOT_ACCEPTED, any request that would call our contracts with a TRC-10 value, and relays the rest', async function () {
    const bob = platform!.accounts[2]!;
    const vault = platform!.deployments.contracts.GiftVault!.address;
    const post = async (path: string, body: Row) => {
      const res = await fetch(`${platform!.url}/chain/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Row };
    };
    const call = {
      owner_address: bob.address,
      contract_address: vault,
      function_selector: 'depositTRX()',
      call_value: 1_000_000,
      fee_limit: 100_000_000,
      visible: true,
    };
    const trc10 = { call_token_value: 5, token_id: 1000001 };
    for (const path of ['wallet/triggersmartcontract', 'wallet/triggerconstantcontract', 'wallet/estimateenergy']) {
      const refused = await post(path, { ...call, ...trc10 });
      assert.equal(refused.status, 400, path);
      assert.equal(refused.body.error.code, 'TRC10_NOT_ACCEPTED', path);
      assert.match(refused.body.error.message, new RegExp(`5 units of a TRC-10 token to ${vault}`));
      // Hex addresses (visible: false) are read too.
      const hexCall = {
        ...call,
        ...trc10,
        visible: false,
        owner_address: TronWeb.address.toHex(bob.address),
        contract_address: TronWeb.address.toHex(vault),
      };
      assert.equal((await post(path, hexCall)).body.error?.code, 'TRC10_NOT_ACCEPTED', `${path} (hex)`);
    }
    const fine = await post('wallet/triggersmartcontract', call);
    assert.equal(fine.status, 200);
    assert.equal(fine.body.result?.result, true);
    // A transaction built around the proxy (straight on the node) with a TRC-10 value, signed: not relayed, in JSON or hex.
    const direct = new TronWeb({ fullHost: platform!.devnet!.url, privateKey: bob.privateKey });
    const built = (await (
      await fetch(`${platform!.devnet!.url}/wallet/triggersmartcontract`, {
        method: 'POST',
        body: JSON.stringify({ ...call, ...trc10 }),
      })
    ).json()) as Row;
    assert.ok(built.transaction?.txID, 'the node builds it (it would refuse it only when run)');
    const signed = (await direct.trx.sign(built.transaction)) as unknown as Row;
    const json = await post('wallet/broadcasttransaction', signed);
    assert.deepEqual([json.status, json.body.error?.code], [400, 'TRC10_NOT_ACCEPTED']);
    const { utils } = await import('tronweb');
    const hex = Buffer.from(utils.transaction.txJsonToPb(signed as never).serializeBinary()).toString('hex');
    const hexed = await post('wallet/broadcasthex', { transaction: hex });
    assert.deepEqual([hexed.status, hexed.body.error?.code], [400, 'TRC10_NOT_ACCEPTED']);
    const seen = (await (
      await fetch(`${platform!.devnet!.url}/wallet/gettransactionbyid`, {
        method: 'POST',
        body: JSON.stringify({ value: signed.txID }),
      })
    ).json()) as Row;
    assert.deepEqual(seen, {}, 'the node never saw it');
    // The same call without the TRC-10 value goes through the proxy and lands.
    const ok = (await direct.trx.sign(fine.body.transaction)) as unknown as Row;
    const sent = await post('wallet/broadcasttransaction', ok);
    assert.deepEqual([sent.status, sent.body.result], [200, true]);
  });

  it('serves the built app: fingerprinted assets cached for good, client routes fall back to index.html, unknown files 404', async function () {
    const asset = await fetch(`${platform!.url}/assets/app-abc123.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type')!, /javascript/);
    assert.match(asset.headers.get('cache-control')!, /immutable/);
    const route = await fetch(`${platform!.url}/stream/1`);
    assert.equal(route.status, 200);
    assert.match(await route.text(), /test shell/);
    assert.equal(route.headers.get('cache-control'), 'no-cache');
    assert.equal((await fetch(`${platform!.url}/assets/missing.js`)).status, 404);
    const api = await fetch(`${platform!.url}/api/nope`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as Row).error.code, 'NOT_FOUND');
    assert.equal((await fetch(`${platform!.url}/ready`)).status, 200);
    const metrics = await (await fetch(`${platform!.url}/metrics`)).text();
    assert.match(metrics, /^blive_indexer_indexed_block \d+$/m, 'the indexer figures');
    assert.match(metrics, /^blive_live_streams\{state="idle"\} 1$/m, 'the live service figures: the seeded stream');
    // The platform account staked for energy at start (sponsored calls, issue 15).
    const left = /^blive_platform_energy_left (\d+)$/m.exec(metrics);
    assert.ok(left && BigInt(left[1]!) > 0n, "the platform account has energy left to pay users' calls");
    assert.match(metrics, /^blive_platform_energy_limit [1-9]\d*$/m);
  });

  it('restarts on the same data without deploying or seeding again, and keeps everything', async function () {
    const before = platform!.deployments;
    const gifts = (await gql('{ gifts(first: 100) { nodes { txId } } }')).gifts.nodes.length;
    await platform!.close();
    platform = undefined;
    platform = await startPlatform(opts());
    assert.deepEqual(platform.deployments, before, 'the same deployment');
    const after = (await gql('{ gifts(first: 100) { nodes { txId } } }')).gifts.nodes.length;
    assert.equal(after, gifts, 'no second demo');
    const streams = (await (await fetch(`${platform.url}/api/streams`)).json()) as Row;
    assert.equal(streams.nodes.length, 1);
  });

  it("rebuilds an index that is ahead of the devnet (a hard kill loses the chain's last blocks) instead of refusing to start", async function () {
    const gifts = (await gql('{ gifts(first: 100) { nodes { txId } } }')).gifts.nodes.length;
    await platform!.close();
    platform = undefined;
    const file = path.join(tmp.dir, 'data', 'indexer.sqlite');
    const db = new Database(file);
    const head = (db.prepare('SELECT indexed_number FROM sync_state WHERE id = 1').pluck().get() as number) + 50;
    // As if the index had seen 50 more final blocks that the chain no longer has.
    db.prepare('UPDATE sync_state SET indexed_number = ?, final_number = ? WHERE id = 1').run(head, head);
    db.prepare('INSERT INTO raw_blocks (number, hash, parent_hash, timestamp) VALUES (?, ?, ?, 0)').run(
      head,
      'ff'.repeat(32),
      'ee'.repeat(32),
    );
    db.close();
    const logs: string[] = [];
    platform = await startPlatform({ ...opts(), log: (m) => logs.push(m) });
    assert.ok(
      logs.some((l) => /rebuilding it from the chain/.test(l)),
      logs.join('\n'),
    );
    await waitFor(
      async () =>
        (await gql('{ gifts(first: 100) { nodes { txId } } }')).gifts.nodes.length === gifts ? true : undefined,
      60_000,
      'the rebuilt index has every gift',
    );
    assert.equal(
      (await gql('{ status { indexed } }')).status.indexed <= platform.devnet!.chain.head.number,
      true,
      'the index follows the chain it has',
    );
  });
});
