/**
 * Gift sessions end to end on the devnet: viewers open sessions (directly and relayed), a relayer
 * settles one batch with settleGifts (session intents, a wallet intent and intents the vault skips),
 * a session closes and is released after its grace; the index then agrees with the chain (the
 * receipts, every view `verify` reads, custody), records who paid each transaction's energy as the
 * node's receipts say, serves it all over GraphQL and the CSV, and a reindex gives the same tables.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { createIndexerApi, type IndexerApi } from '../../indexer/api/server.js';
import type { Indexer } from '../../indexer/index.js';
import {
  generateSessionKey,
  giftIntentDigest,
  giftVaultDomain,
  hex0x,
  intentTuple,
  messageTuple,
  signTyped,
  type GiftIntent,
  type GiftVaultDomain,
  type OpenSession,
  NO_PREV,
} from '../../lib/gifts/intents.js';
import { call, TRX_ADDRESS, trxBalance, type System, type TxResult } from '../helpers/contracts.js';
import { post, startDevnet, tre, type Devnet } from '../helpers/devnet.js';
import { dumpTables } from '../helpers/dumpTables.js';
import { deployLagging, headNumber, indexerFor, tempDir, writeDeployments } from '../helpers/indexer.js';
import { ACTORS, GIFT, PRICE, prepareActors, tx, type Actor, type Actors } from '../helpers/traffic.js';

type Row = Record<string, any>;

const SETTLE =
  'settleGifts((address,address,uint256,uint256,uint256,address,uint256,uint256,uint256,bytes32)[],bytes[])';
const OPEN = 'openSession((address,address,address,uint256,uint256,uint256),bytes)';
const GRACE = 120;

describe('indexer: gift sessions, relayed gifts and skipped intents on the devnet', function () {
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let tmp: ReturnType<typeof tempDir>;
  let ix: Indexer;
  let db: Database.Database;
  let api: IndexerApi;
  let domain: GiftVaultDomain;
  const r: Record<string, TxResult> = {};
  const keys = { bob: generateSessionKey(), carol: generateSessionKey() };
  const intents: Record<string, GiftIntent> = {};

  const rows = (sql: string, ...p: unknown[]): Row[] => db.prepare(sql).all(...p) as Row[];
  const now = (): bigint => BigInt(Math.floor(devnet.chain.now() / 1000));
  const privateKey = (who: Actor): string => devnet.accounts[ACTORS[who]]!.privateKey;
  const vault = (who: Actor, signature: string, args: unknown[] = [], callValue?: bigint): Promise<TxResult> =>
    tx(devnet, who, sys.vault, signature, args, callValue);
  async function gql(query: string): Promise<any> {
    const res = await api.fetch(
      new Request('http://api.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query }),
      }),
    );
    const body = (await res.json()) as { data?: any; errors?: any[] };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  }
  /** A rose (TRX) from `sender` to alice. */
  const rose = (sender: Actor, nonce: bigint, over: Partial<GiftIntent> = {}): GiftIntent => ({
    sender: a.addr[sender],
    broadcaster: a.addr.alice,
    giftId: GIFT.ROSE,
    quantity: 1n,
    streamId: 7n,
    token: TRX_ADDRESS,
    maxTotal: PRICE.ROSE,
    nonce,
    deadline: now() + 600n,
    prev: NO_PREV,
    ...over,
  });

  before(async function () {
    this.timeout(300_000);
    devnet = await startDevnet({ solidityLag: 2 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    domain = giftVaultDomain(devnet.chain.chainId, sys.vault);
    for (const v of ['bob', 'carol'] as const) await vault(v, 'depositTRX()', [], 20n * PRICE.ROSE);
    r.grace = await vault('admin', 'setSessionGrace(uint256)', [GRACE]);
    // bob opens his session himself; carol signs hers and the relayer (funder) submits it.
    r.openBob = await vault('bob', 'openSessionDirect(address,address,uint256,uint256)', [
      keys.bob.address,
      TRX_ADDRESS,
      5n * PRICE.ROSE,
      now() + 3600n,
    ]);
    const req: OpenSession = {
      viewer: a.addr.carol,
      sessionKey: keys.carol.address,
      token: TRX_ADDRESS,
      cap: 2n * PRICE.ROSE,
      expiresAt: now() + 3600n,
      deadline: now() + 600n,
    };
    r.openCarol = await vault('funder', OPEN, [
      messageTuple('OpenSession', req),
      signTyped(domain, 'OpenSession', req, privateKey('carol')),
    ]);
    const batch: [string, GiftIntent, string][] = [];
    const add = (name: string, i: GiftIntent, signer: string): void => {
      intents[name] = i;
      batch.push([name, i, signer]);
    };
    add('bob0', rose('bob', 0n), keys.bob.privateKey);
    add('bob1', rose('bob', 1n, { quantity: 2n, maxTotal: 2n * PRICE.ROSE }), keys.bob.privateKey);
    add('bobWallet', rose('bob', 77n), privateKey('bob'));
    add('carol0', rose('carol', 0n), keys.carol.privateKey);
    add('bobReplay', rose('bob', 0n), keys.bob.privateKey);
    add('carolOverCap', rose('carol', 1n, { quantity: 2n, maxTotal: 2n * PRICE.ROSE }), keys.carol.privateKey);
    // Signed by carol's key for bob: neither bob's session nor bob.
    add('forged', rose('bob', 2n), keys.carol.privateKey);
    r.settle = await vault('funder', SETTLE, [
      batch.map(([, i]) => intentTuple(i)),
      batch.map(([, i, k]) => signTyped(domain, 'GiftIntent', i, k)),
    ]);
    r.close = await vault('bob', 'closeSessionDirect(address)', [keys.bob.address]);
    await tre(devnet, 'tre_increaseTime', [GRACE + 1]);
    await tre(devnet, 'tre_mine');
    r.release = await vault('dave', 'releaseSession(address)', [keys.bob.address]);
    tmp = tempDir('blive-sessions-');
    const deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    ix = indexerFor(deployments, path.join(tmp.dir, 'index.sqlite'));
    db = ix.db;
    await ix.sync();
    api = createIndexerApi({ db, indexer: ix });
  });

  after(async function () {
    api?.close();
    await ix?.close();
    await devnet?.close();
    tmp?.cleanup();
  });

  const digest = (name: string): string => hex0x(giftIntentDigest(domain, intents[name]!));

  it('keeps each session as sessionOf says: cap, spent, reserve, end, release', async function () {
    const sessions = rows('SELECT * FROM gift_sessions ORDER BY open_block_number');
    assert.deepEqual(
      sessions.map((s) => [s.session_key, s.viewer, s.cap, s.spent, s.reserved, s.gift_count, s.status, s.grace]),
      [
        [keys.bob.address, a.addr.bob, String(5n * PRICE.ROSE), String(3n * PRICE.ROSE), '0', 2, 'RELEASED', GRACE],
        [
          keys.carol.address,
          a.addr.carol,
          String(2n * PRICE.ROSE),
          String(PRICE.ROSE),
          String(PRICE.ROSE),
          1,
          'OPEN',
          GRACE,
        ],
      ],
    );
    const bob = sessions[0]!;
    assert.equal(bob.open_tx_id, r.openBob!.txid);
    assert.equal(bob.release_tx_id, r.release!.txid);
    assert.equal(bob.released_amount, String(2n * PRICE.ROSE));
    const closed = r.close!.events.find((e) => e.name === 'SessionClosed')!.args.releasableAt as bigint;
    assert.equal(bob.releasable_at, Number(closed) * 1000);
    const onChain = (await call(
      devnet,
      sys.vault,
      'sessionOf(address)',
      [keys.bob.address],
      ['address', 'address', 'uint256', 'uint256', 'uint256', 'uint64', 'uint64', 'bool'],
    )) as unknown as unknown[];
    assert.equal(BigInt(bob.closed_at / 1000), onChain[5]);
    assert.equal(onChain[7], true);
    assert.equal(sessions[1]!.open_tx_id, r.openCarol!.txid);
  });

  it('marks the relayed gifts with their intent hash and signer, paid from the session or the balance', function () {
    const gifts = rows('SELECT sender, total, relayed, intent_hash, signer, session_key, tx_id FROM gifts ORDER BY id');
    assert.deepEqual(
      gifts,
      [
        { name: 'bob0', total: PRICE.ROSE, signer: keys.bob.address, session: keys.bob.address },
        { name: 'bob1', total: 2n * PRICE.ROSE, signer: keys.bob.address, session: keys.bob.address },
        { name: 'bobWallet', total: PRICE.ROSE, signer: a.addr.bob, session: null },
        { name: 'carol0', total: PRICE.ROSE, signer: keys.carol.address, session: keys.carol.address },
      ].map((g) => ({
        sender: intents[g.name]!.sender,
        total: String(g.total),
        relayed: 1,
        intent_hash: digest(g.name),
        signer: g.signer,
        session_key: g.session,
        tx_id: r.settle!.txid,
      })),
    );
    // The wallet intent came out of bob's balance, the session gifts out of the reserve.
    assert.deepEqual(
      rows('SELECT amount FROM vault_balances WHERE "user" = ? AND token = ?', a.addr.bob, TRX_ADDRESS),
      [{ amount: String(20n * PRICE.ROSE - 5n * PRICE.ROSE - PRICE.ROSE + 2n * PRICE.ROSE) }],
    );
  });

  it('records the skipped intents with the reasons the receipt gives', function () {
    assert.deepEqual(
      rows('SELECT intent_hash, sender, nonce, reason, tx_id FROM skipped_intents ORDER BY id'),
      [
        ['bobReplay', 'Replayed'],
        ['carolOverCap', 'OverCap'],
        ['forged', 'BadSignature'],
      ].map(([name, reason]) => ({
        intent_hash: digest(name!),
        sender: intents[name!]!.sender,
        nonce: String(intents[name!]!.nonce),
        reason,
        tx_id: r.settle!.txid,
      })),
    );
  });

  it("records who paid each transaction's energy and bandwidth, as the node's receipt says", async function () {
    for (const t of [r.settle!, r.openCarol!, r.release!]) {
      const info = await post(devnet, 'wallet/gettransactioninfobyid', { value: t.txid });
      const receipt = info.receipt ?? {};
      const [f] = rows('SELECT * FROM raw_tx_fees WHERE tx_id = ?', t.txid);
      assert.deepEqual(f, {
        tx_id: t.txid,
        block_number: info.blockNumber,
        tx_index: f?.tx_index,
        caller: t === r.release ? a.addr.dave : a.addr.funder,
        contract: sys.vault,
        energy_total: receipt.energy_usage_total ?? 0,
        caller_energy: receipt.energy_usage ?? 0,
        deployer_energy: receipt.origin_energy_usage ?? 0,
        energy_fee: String(receipt.energy_fee ?? 0),
        net_usage: receipt.net_usage ?? 0,
        net_fee: String(receipt.net_fee ?? 0),
        fee: String(info.fee ?? 0),
      });
      assert.ok(f.energy_total > 0, 'a contract call uses energy');
    }
    // Every transaction with events of ours has its row, and no other.
    assert.deepEqual(
      rows('SELECT tx_id FROM raw_tx_fees ORDER BY tx_id').map((x) => x.tx_id),
      rows('SELECT DISTINCT tx_id FROM raw_events ORDER BY tx_id').map((x) => x.tx_id),
    );
  });

  it('serves sessions, relayed gifts, skipped intents and the fees over GraphQL and the CSV', async function () {
    const d = await gql(`{
      sessions(viewer: "${a.addr.bob}") { nodes { sessionKey cap spent reserved status releasedAmount txId finality } pageInfo { hasNextPage } }
      carol: session(sessionKey: "${keys.carol.address}") { status reserved giftCount }
      later: session(sessionKey: "${keys.carol.address}", at: ${(Number(now()) + 7200) * 1000}) { status }
      none: session(sessionKey: "${a.addr.dave}") { status }
      gifts(filter: { sender: "${a.addr.bob}" }) { nodes { relayed intentHash signer sessionKey } }
      skippedIntents(sender: "${a.addr.bob}", first: 1) { nodes { reason nonce intentHash } pageInfo { hasNextPage endCursor } }
      ledger(filter: { txId: "${r.settle!.txid}" }, first: 1) { nodes { kind account fees { caller energyPaidBy energyTotal callerEnergy deployerEnergy energyFee fee } } }
    }`);
    assert.deepEqual(d.sessions.nodes, [
      {
        sessionKey: keys.bob.address,
        cap: String(5n * PRICE.ROSE),
        spent: String(3n * PRICE.ROSE),
        reserved: '0',
        status: 'RELEASED',
        releasedAmount: String(2n * PRICE.ROSE),
        txId: r.openBob!.txid,
        finality: d.sessions.nodes[0].finality,
      },
    ]);
    assert.deepEqual(d.carol, { status: 'OPEN', reserved: String(PRICE.ROSE), giftCount: 1 });
    assert.deepEqual(d.later, { status: 'RELEASABLE' });
    assert.equal(d.none, null);
    assert.deepEqual(
      d.gifts.nodes.map((g: Row) => g.sessionKey),
      [keys.bob.address, keys.bob.address, null],
    );
    assert.ok(d.gifts.nodes.every((g: Row) => g.relayed && g.intentHash.startsWith('0x')));
    assert.deepEqual(d.skippedIntents.nodes, [{ reason: 'Replayed', nonce: '0', intentHash: digest('bobReplay') }]);
    const next = await gql(
      `{ skippedIntents(sender: "${a.addr.bob}", after: "${d.skippedIntents.pageInfo.endCursor}") { nodes { reason } pageInfo { hasNextPage } } }`,
    );
    assert.deepEqual(next.skippedIntents, { nodes: [{ reason: 'BadSignature' }], pageInfo: { hasNextPage: false } });
    const f = rows('SELECT * FROM raw_tx_fees WHERE tx_id = ?', r.settle!.txid)[0]!;
    const entry = d.ledger.nodes[0];
    assert.equal(entry.kind, 'GIFT');
    assert.deepEqual(entry.fees, {
      caller: a.addr.funder,
      energyPaidBy:
        f.deployer_energy > 0 ? (f.caller_energy > 0 || f.energy_fee !== '0' ? 'SHARED' : 'DEPLOYER') : 'CALLER',
      energyTotal: f.energy_total,
      callerEnergy: f.caller_energy,
      deployerEnergy: f.deployer_energy,
      energyFee: f.energy_fee,
      fee: f.fee,
    });
    const csv = await (await api.fetch(new Request(`http://api.test/ledger.csv?txId=${r.settle!.txid}`))).text();
    const [header, first] = csv.split('\n');
    assert.equal(
      header,
      'tx_id,block_number,tx_index,log_index,entry_index,timestamp,kind,account,side,token,amount,finality,energy_paid_by,caller,caller_energy,deployer_energy,energy_fee,bandwidth,bandwidth_fee,fee',
    );
    assert.deepEqual(first!.split(',').slice(12), [
      entry.fees.energyPaidBy,
      a.addr.funder,
      String(f.caller_energy),
      String(f.deployer_energy),
      f.energy_fee,
      String(f.net_usage),
      f.net_fee,
      f.fee,
    ]);
  });

  it('books the reserve in the ledger: opened, spent on gifts, released, summing to what is left', function () {
    const sum = (acct: string): bigint =>
      rows('SELECT side, amount FROM ledger_entries WHERE account = ?', acct).reduce(
        (s, e) => s + (e.side === 'DEBIT' ? BigInt(e.amount) : -BigInt(e.amount)),
        0n,
      );
    assert.equal(sum(`reserve:${a.addr.bob}`), 0n);
    assert.equal(sum(`reserve:${a.addr.carol}`), PRICE.ROSE);
    assert.deepEqual(
      rows("SELECT DISTINCT kind FROM ledger_entries WHERE account LIKE 'reserve:%' ORDER BY kind").map((e) => e.kind),
      ['GIFT', 'SESSION_OPEN', 'SESSION_RELEASE'],
    );
  });

  it('agrees with every contract view (reserves among the liabilities) and with custody', async function () {
    const report = await ix.verify();
    assert.deepEqual(report.differences, []);
    const [liabilities] = rows(
      'SELECT (SELECT count(*) FROM gift_sessions) AS sessions, (SELECT sum(CAST(reserved AS INTEGER)) FROM gift_sessions WHERE token = ?) AS reserved',
      TRX_ADDRESS,
    );
    assert.deepEqual(liabilities, { sessions: 2, reserved: Number(PRICE.ROSE) });
    // The vault holds what it owes, reserves included.
    const owed = (await call(devnet, sys.vault, 'totalLiabilities(address)', [TRX_ADDRESS])) as bigint;
    assert.equal(await trxBalance(devnet, sys.vault), owed);
    assert.ok(report.checks > 20);
  });

  it('rebuilds the same tables from the raw store', async function () {
    const before = dumpTables(db);
    await ix.reindex();
    assert.equal(dumpTables(db), before);
  });
});
