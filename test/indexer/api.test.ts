/**
 * The indexer's GraphQL API over an index of the scripted devnet traffic: queries through yoga's
 * fetch handler (no port), subscriptions over SSE through a real HTTP listener.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { getIntrospectionQuery } from 'graphql';
import { listenApi, type Listening } from '../../indexer/api/listen.js';
import { createIndexerApi, type IndexerApi } from '../../indexer/api/server.js';
import { earningsAt, finalNumber } from '../../indexer/db/views.js';
import type { Indexer } from '../../indexer/index.js';
import { openDatabase } from '../../indexer/db/open.js';
import { TRX_ADDRESS, type System } from '../helpers/contracts.js';
import { startDevnet, type Devnet } from '../helpers/devnet.js';
import {
  deployLagging,
  headNumber,
  indexerFor,
  primeSubscription,
  subscribeSse,
  tempDir,
  writeDeployments,
} from '../helpers/indexer.js';
import { gift, GIFT, prepareActors, scriptedTraffic, SUN, tx, type Actors } from '../helpers/traffic.js';

type Row = Record<string, any>;

describe('indexer: GraphQL API', function () {
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let tmp: ReturnType<typeof tempDir>;
  let ix: Indexer;
  let db: Database.Database;
  let api: IndexerApi;

  const rows = (sql: string, ...p: unknown[]): Row[] => db.prepare(sql).all(...p) as Row[];

  async function http(pathAndQuery: string, init?: RequestInit): Promise<Response> {
    return api.fetch(new Request(`http://api.test${pathAndQuery}`, init));
  }
  async function gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }> {
    const res = await http('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  }
  async function ok(query: string, variables?: Record<string, unknown>): Promise<any> {
    const r = await gql(query, variables);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data;
  }
  const codes = (r: { errors?: any[] }): string[] => (r.errors ?? []).map((e) => e.extensions?.code);

  before(async function () {
    devnet = await startDevnet({ solidityLag: 2 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    await scriptedTraffic(devnet, sys, a);
    tmp = tempDir();
    const deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    ix = indexerFor(deployments, path.join(tmp.dir, 'index.sqlite'));
    db = ix.db;
    api = createIndexerApi({ db, indexer: ix });
  });

  after(async function () {
    api?.close();
    await ix?.close();
    await devnet?.close();
    tmp?.cleanup();
  });

  describe('health and readiness', function () {
    it('is healthy at once, and ready (200) only once caught up with the head (503 before)', async function () {
      assert.equal((await http('/health')).status, 200);
      const before = await http('/ready');
      assert.equal(before.status, 503);
      await ix.sync();
      const after = await http('/ready');
      assert.equal(after.status, 200);
      const body = (await after.json()) as Row;
      assert.equal(body.indexed, ix.status().head);
    });
  });

  describe('queries', function () {
    it('serves profiles by address and handle, searches, followers and following', async function () {
      const d = await ok(
        `query($a: Address!) {
          byAddr: profile(address: $a) { handle broadcaster followerCount finality blockNumber }
          byHandle: profile(handle: "alice") { address profileUri }
          profiles(search: "a") { nodes { handle } }
          followers(address: $a) { nodes { follower finality profile { handle } } pageInfo { hasNextPage } }
          following(address: "${a.addr.bob}") { nodes { target } }
        }`,
        { a: a.addr.alice },
      );
      assert.deepEqual(d.byAddr, {
        handle: 'alice',
        broadcaster: true,
        followerCount: 2,
        finality: 'FINAL',
        blockNumber: d.byAddr.blockNumber,
      });
      assert.deepEqual(d.byHandle, { address: a.addr.alice, profileUri: 'ipfs://alice-v2' });
      assert.deepEqual(d.profiles.nodes, [{ handle: 'alice' }]);
      assert.deepEqual(d.followers.nodes.map((f: Row) => f.follower).sort(), [a.addr.bob, a.addr.dave].sort());
      assert.deepEqual(d.followers.nodes.find((f: Row) => f.follower === a.addr.bob).profile, { handle: 'bob' });
      assert.deepEqual(d.following.nodes.map((f: Row) => f.target).sort(), [a.addr.alice, a.addr.frank].sort());
    });

    it('answers whether one account follows another, and serves the gift catalog by id with pages', async function () {
      const d = await ok(`{
        yes: follows(follower: "${a.addr.bob}", followee: "${a.addr.alice}")
        no: follows(follower: "${a.addr.alice}", followee: "${a.addr.bob}")
      }`);
      assert.deepEqual(d, { yes: true, no: false });
      const expected = rows('SELECT * FROM gift_catalog').sort((x, y) =>
        BigInt(x.gift_id) < BigInt(y.gift_id) ? -1 : 1,
      );
      assert.ok(expected.length >= 2, 'the scripted traffic lists gifts');
      const first = await ok(
        '{ giftCatalog(first: 1) { nodes { giftId token price enabled uri } pageInfo { endCursor hasNextPage } } }',
      );
      assert.deepEqual(first.giftCatalog.nodes, [
        {
          giftId: expected[0]!.gift_id,
          token: expected[0]!.token,
          price: expected[0]!.price,
          enabled: Boolean(expected[0]!.enabled),
          uri: expected[0]!.uri,
        },
      ]);
      assert.equal(first.giftCatalog.pageInfo.hasNextPage, true);
      const rest = await ok(`{ giftCatalog(after: "${first.giftCatalog.pageInfo.endCursor}") { nodes { giftId } } }`);
      assert.deepEqual(
        rest.giftCatalog.nodes.map((n: Row) => n.giftId),
        expected.slice(1).map((r) => r.gift_id),
      );
      assert.deepEqual(codes(await gql('{ giftCatalog(after: "x") { nodes { giftId } } }')), ['BAD_CURSOR']);
    });

    it('serves balances and gifts with exact amounts as strings, filtered, in chain order', async function () {
      const d = await ok(`{ balances(address: "${a.addr.bob}") { nodes { token amount finality } } }`);
      assert.deepEqual(
        d.balances.nodes.map((b: Row) => [b.token, b.amount]),
        rows('SELECT token, amount FROM vault_balances WHERE user = ? ORDER BY token', a.addr.bob).map((b) => [
          b.token,
          b.amount,
        ]),
      );
      const g = await ok(`{ gifts(filter: { broadcaster: "${a.addr.alice}", streamId: "7" }, first: 100) {
        nodes { txId blockNumber timestamp finality sender total broadcasterAmount streamId paidFrom token giftId } } }`);
      const expected = rows("SELECT * FROM gifts WHERE broadcaster = ? AND stream_id = '7' ORDER BY id", a.addr.alice);
      assert.ok(expected.length >= 3);
      assert.deepEqual(
        g.gifts.nodes.map((n: Row) => [
          n.txId,
          n.blockNumber,
          n.timestamp,
          n.sender,
          n.total,
          n.broadcasterAmount,
          n.streamId,
          n.paidFrom,
          n.token,
        ]),
        expected.map((r) => [
          r.tx_id,
          r.block_number,
          r.timestamp,
          r.sender,
          r.total,
          r.broadcaster_amount,
          '7',
          r.paid_from,
          r.token,
        ]),
      );
      const btt = g.gifts.nodes.find((n: Row) => n.token === sys.btt);
      assert.equal(btt.total, '10000000000000000000', 'an 18-decimal amount beyond 2^53, exact');
      assert.ok(g.gifts.nodes.every((n: Row) => n.finality === 'FINAL' || n.finality === 'PENDING'));
    });

    it('serves stream totals, leaderboards and earnings', async function () {
      const lastTrxGift = rows(
        'SELECT broadcaster, timestamp FROM gifts WHERE token = ? ORDER BY id DESC LIMIT 1',
        TRX_ADDRESS,
      )[0]!;
      const d = await ok(`{
        streamTotals(streamId: "7", broadcaster: "${a.addr.alice}") { nodes { token total giftCount } }
        elevenOfFrank: streamTotals(streamId: "11", broadcaster: "${a.addr.frank}") { nodes { broadcaster total giftCount } }
        streamChart: leaderboard(kind: GIFTERS, period: ALL, token: "${TRX_ADDRESS}", streamId: "11", broadcaster: "${a.addr.frank}") { broadcaster entries { account giftCount } }
        leaderboard(kind: GIFTERS, period: ALL, token: "${TRX_ADDRESS}", first: 5) { periodStart entries { rank account amount giftCount } }
        day: leaderboard(kind: BROADCASTERS, period: DAY, token: "${TRX_ADDRESS}", at: ${lastTrxGift.timestamp}) { entries { account } }
        earnings(broadcaster: "${a.addr.alice}") { nodes { token pending claimable claimed nextReleaseAt at finality } }
      }`);
      assert.deepEqual(
        d.streamTotals.nodes,
        rows("SELECT token, total, gift_count FROM stream_totals WHERE stream_id = '7' ORDER BY token").map((r) => ({
          token: r.token,
          total: r.total,
          giftCount: r.gift_count,
        })),
      );
      // Stream 11 was tagged on one gift to frank and one to alice: frank's stream counts his alone.
      assert.deepEqual(d.elevenOfFrank.nodes, [{ broadcaster: a.addr.frank, total: String(2n * SUN), giftCount: 1 }]);
      assert.deepEqual(d.streamChart, { broadcaster: a.addr.frank, entries: [{ account: a.addr.bob, giftCount: 1 }] });
      const missing = await gql(
        `{ leaderboard(kind: GIFTERS, period: ALL, token: "${TRX_ADDRESS}", streamId: "11") { entries { account } } }`,
      );
      assert.deepEqual(codes(missing), ['BAD_ARGUMENT']);
      assert.equal(d.leaderboard.entries[0].account, a.addr.bob);
      assert.equal(d.leaderboard.entries[0].rank, 1);
      for (let i = 1; i < d.leaderboard.entries.length; i++)
        assert.ok(BigInt(d.leaderboard.entries[i - 1].amount) >= BigInt(d.leaderboard.entries[i].amount));
      assert.ok(
        d.day.entries.some((e: Row) => e.account === lastTrxGift.broadcaster),
        'the day of the last TRX gift has its broadcaster',
      );
      assert.ok(d.earnings.nodes.length >= 2);
      for (const e of d.earnings.nodes) {
        const v = earningsAt(db, a.addr.alice, e.token, e.at);
        assert.deepEqual(
          [e.pending, e.claimable, e.claimed],
          [String(v.pending), String(v.claimable), String(v.claimedTotal)],
        );
      }
    });

    it('serves the ledger with chain-order cursors, reward epochs and claims, split policies and status', async function () {
      const all: Row[] = [];
      let after: string | null = null;
      do {
        const d: any = await ok(
          `query($after: String) { ledger(filter: { account: "${a.addr.bob}" }, first: 7, after: $after) { nodes { id cursor txId kind account side token amount } pageInfo { endCursor hasNextPage } } }`,
          { after },
        );
        all.push(...d.ledger.nodes);
        after = d.ledger.pageInfo.hasNextPage ? d.ledger.pageInfo.endCursor : null;
      } while (after);
      const expected = rows(
        'SELECT * FROM ledger_entries WHERE account IN (?, ?, ?) ORDER BY id',
        `wallet:${a.addr.bob}`,
        `vault:${a.addr.bob}`,
        `escrow:${a.addr.bob}`,
      );
      assert.deepEqual(
        all.map((l) => [l.id, l.amount, l.account]),
        expected.map((l) => [l.id, l.amount, l.account]),
      );
      assert.match(all[0]!.cursor, /^\d{12}:\d{6}:\d{6}:\d{4}$/);
      const byTx = await ok(
        `{ ledger(filter: { txId: "${expected[0]!.tx_id}", kind: "${expected[0]!.kind}" }) { nodes { side amount } } }`,
      );
      assert.equal(
        byTx.ledger.nodes.length,
        rows('SELECT 1 FROM ledger_entries WHERE tx_id = ? AND kind = ?', expected[0]!.tx_id, expected[0]!.kind).length,
      );

      const d = await ok(`{
        rewardEpochs { nodes { epochId total claimed claimCount swept sweptAmount cancelled txId finality } }
        rewardClaims(account: "${a.addr.c1}") { nodes { epochId claimIndex amount category txId } }
        splitPolicy(broadcaster: "${a.addr.frank}") { overridden current { broadcasterBps poolBps platformBps } history { nodes { kind broadcasterBps effectiveAt txId } } }
        default: splitPolicy(broadcaster: "${TRX_ADDRESS}") { current { broadcasterBps } history(first: 1) { nodes { kind } pageInfo { hasNextPage } } }
        status { head solidified indexed final lag }
      }`);
      assert.deepEqual(
        d.rewardEpochs.nodes.map((e: Row) => [
          e.epochId,
          e.total,
          e.claimed,
          e.claimCount,
          e.swept,
          e.sweptAmount,
          e.cancelled,
        ]),
        [
          ['1', '5000007', '5000000', 2, true, '7', false],
          ['2', '5', '0', 0, false, '0', true],
        ],
      );
      assert.deepEqual(
        d.rewardClaims.nodes.map((c: Row) => [c.epochId, c.claimIndex, c.amount, c.category]),
        [['1', '0', '3000000', 0]],
      );
      assert.deepEqual(
        d.splitPolicy.history.nodes.map((h: Row) => h.kind),
        rows(
          'SELECT kind FROM split_history WHERE broadcaster = ? ORDER BY block_number, tx_index, log_index',
          a.addr.frank,
        ).map((h) => h.kind),
      );
      assert.equal(d.splitPolicy.overridden, false, "frank's override was cleared after its notice");
      assert.deepEqual(d.default.current, { broadcasterBps: 3000 });
      assert.deepEqual(d.default.history, { nodes: [{ kind: 'UPDATED' }], pageInfo: { hasNextPage: true } });
      const s = ix.status();
      assert.deepEqual(d.status, {
        head: s.head,
        solidified: s.solidified,
        indexed: s.indexed,
        final: s.final,
        lag: s.lag,
      });
      assert.equal(d.status.final, finalNumber(db));
    });
  });

  describe('pagination', function () {
    it('keeps an after-cursor page stable while new rows are indexed', async function () {
      const q = `query($after: String) { gifts(first: 3, after: $after) { nodes { txId logIndex total } pageInfo { endCursor hasNextPage } } }`;
      const p1 = (await ok(q)).gifts;
      const p2 = (await ok(q, { after: p1.pageInfo.endCursor })).gifts;
      const before = rows('SELECT count(*) AS n FROM gifts')[0]!.n as number;
      const sent = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 77n, false);
      await ix.sync();
      assert.equal(rows('SELECT count(*) AS n FROM gifts')[0]!.n, before + 1);
      assert.deepEqual((await ok(q, { after: p1.pageInfo.endCursor })).gifts, p2);
      assert.deepEqual((await ok(q)).gifts, p1);
      // The new gift is at the end of the list.
      let after: string | null = null;
      let last: Row | undefined;
      do {
        const d: any = await ok(
          `query($after: String) { gifts(first: 100, after: $after) { nodes { txId } pageInfo { endCursor hasNextPage } } }`,
          { after },
        );
        last = d.gifts.nodes[d.gifts.nodes.length - 1] ?? last;
        after = d.gifts.pageInfo.hasNextPage ? d.gifts.pageInfo.endCursor : null;
      } while (after);
      assert.equal(last!.txId, sent.txid);
    });

    it('resumes after a cursor whose own row no longer exists (a reorg removed it) in chain order', async function () {
      const all = rows('SELECT * FROM ledger_entries ORDER BY block_number, tx_index, log_index, entry_index');
      const key = (r: Row): number[] => [r.block_number, r.tx_index, r.log_index, r.entry_index];
      const cmp = (x: number[], y: number[]): number => x.reduce((acc, v, i) => acc || Math.sign(v - y[i]!), 0);
      const mid = all[Math.floor(all.length / 2)]!;
      // Keys that name no row: past the last entry of a log, and before the first row of a block.
      for (const cursor of [
        [mid.block_number, mid.tx_index, mid.log_index, 9999],
        [mid.block_number, 0, 0, 0],
        [mid.block_number + 1, 999999, 0, 0],
      ]) {
        if (all.some((r) => cmp(key(r), cursor) === 0)) continue;
        const after = cursor.map((v, i) => String(v).padStart([12, 6, 6, 4][i]!, '0')).join(':');
        const d = await ok(`{ ledger(after: "${after}", first: 5) { nodes { txId blockNumber logIndex } } }`);
        const expected = all.filter((r) => cmp(key(r), cursor) > 0).slice(0, 5);
        assert.deepEqual(
          d.ledger.nodes.map((n: Row) => [n.txId, n.blockNumber, n.logIndex]),
          expected.map((r) => [r.tx_id, r.block_number, r.log_index]),
          `after ${after}`,
        );
      }
    });

    it('rejects a malformed cursor with BAD_CURSOR', async function () {
      assert.deepEqual(codes(await gql('{ gifts(after: "nope") { nodes { txId } } }')), ['BAD_CURSOR']);
    });
  });

  describe('protection', function () {
    it('serves GraphiQL and lets its introspection query through the limits', async function () {
      const page = await http('/graphql', { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /graphiql/i);
      const r = await gql(getIntrospectionQuery());
      assert.equal(r.errors, undefined);
      assert.ok(r.data.__schema.types.some((t: Row) => t.name === 'BigInt'));
    });

    it('rejects deep nesting, many aliases, oversized pages and costly queries with codes', async function () {
      let deep = 'handle';
      for (let i = 0; i < 6; i++) deep = `followers(first: 1) { nodes { profile { ${deep} } } }`;
      const deepR = await gql(`{ profile(handle: "alice") { ${deep} } }`);
      assert.ok(codes(deepR).includes('QUERY_TOO_DEEP'), JSON.stringify(deepR));
      assert.equal(deepR.data, undefined);

      const aliases = Array.from({ length: 100 }, (_, i) => `s${i}: status { head }`).join(' ');
      assert.deepEqual(codes(await gql(`{ ${aliases} }`)), ['TOO_MANY_ALIASES']);

      const big = await gql('{ gifts(first: 1000) { nodes { txId } } }');
      assert.deepEqual(codes(big), ['PAGE_TOO_LARGE']);
      assert.equal(big.data, null);

      const costly = await gql(
        `{ profiles(first: 100) { nodes { followers(first: 100) { nodes { profile { handle } } } } } }`,
      );
      assert.deepEqual(codes(costly), ['QUERY_TOO_COSTLY']);
    });

    it('rejects a bad address with BAD_ADDRESS, inline or as a variable', async function () {
      const bad = a.addr.alice.slice(0, -1) + (a.addr.alice.endsWith('a') ? 'b' : 'a');
      assert.deepEqual(codes(await gql(`{ balances(address: "${bad}") { nodes { amount } } }`)), ['BAD_ADDRESS']);
      assert.deepEqual(
        codes(await gql('query($a: Address!) { balances(address: $a) { nodes { amount } } }', { a: '0xdeadbeef' })),
        ['BAD_ADDRESS'],
      );
      assert.deepEqual(codes(await gql('{ ledger(filter: { account: "vault:Tnope" }) { nodes { id } } }')), [
        'BAD_ADDRESS',
      ]);
    });

    it('masks unexpected errors', async function () {
      const { sqlite } = openDatabase(path.join(tmp.dir, 'closed.sqlite'));
      const broken = createIndexerApi({ db: sqlite });
      sqlite.close();
      const res = await broken.fetch(
        new Request('http://api.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: '{ status { indexed } }' }),
        }),
      );
      const body = (await res.json()) as { errors: any[] };
      assert.equal(body.errors[0].message, 'Unexpected error.');
      assert.equal(body.errors[0].extensions.code, 'INTERNAL_SERVER_ERROR');
      assert.doesNotMatch(JSON.stringify(body), /database|sqlite/i);
    });
  });

  describe('metrics and CSV', function () {
    it('exposes the sync figures and request counts in Prometheus text', async function () {
      const res = await http('/metrics');
      assert.equal(res.status, 200);
      const text = await res.text();
      const metric = (name: string): number => Number(new RegExp(`^${name} (-?\\d+)$`, 'm').exec(text)?.[1]);
      const s = ix.status();
      assert.equal(metric('blive_indexer_indexed_block'), s.indexed);
      assert.equal(metric('blive_indexer_head_block'), s.head);
      assert.equal(metric('blive_indexer_lag_blocks'), s.lag);
      assert.equal(metric('blive_indexer_events_processed_total'), rows('SELECT count(*) AS n FROM raw_events')[0]!.n);
      assert.match(text, /^blive_api_requests_total\{path="\/graphql",status="200"\} \d+$/m);
      assert.match(text, /^blive_api_requests_total\{path="\/ready",status="503"\} 1$/m);
    });

    it('streams the filtered ledger as CSV with exact amounts, matching the ledger query', async function () {
      const res = await http(`/ledger.csv?account=${a.addr.bob}&token=${sys.btt}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /text\/csv/);
      const lines = (await res.text()).trimEnd().split('\n');
      assert.equal(
        lines[0],
        'tx_id,block_number,tx_index,log_index,entry_index,timestamp,kind,account,side,token,amount,finality,energy_paid_by,caller,caller_energy,deployer_energy,energy_fee,bandwidth,bandwidth_fee,fee',
      );
      const d = await ok(
        `{ ledger(filter: { account: "${a.addr.bob}", token: "${sys.btt}" }, first: 100) { nodes { txId blockNumber logIndex timestamp kind account side token amount finality fees { energyPaidBy caller fee } } } }`,
      );
      assert.deepEqual(
        lines.slice(1).map((l) => {
          const c = l.split(',');
          return [
            c[0],
            Number(c[1]),
            Number(c[3]),
            Number(c[5]),
            c[6],
            c[7],
            c[8],
            c[9],
            c[10],
            c[11],
            c[12],
            c[13],
            c[19],
          ];
        }),
        d.ledger.nodes.map((n: Row) => [
          n.txId,
          n.blockNumber,
          n.logIndex,
          n.timestamp,
          n.kind,
          n.account,
          n.side,
          n.token,
          n.amount,
          n.finality,
          n.fees.energyPaidBy,
          n.fees.caller,
          n.fees.fee,
        ]),
      );
      assert.ok(
        lines.some((l) => l.includes(',500000000000000000000,')),
        'the 500 BTT deposit, exact',
      );
      assert.equal((await http('/ledger.csv?account=Tbad')).status, 400);
    });

    it('exports the same rows in token units for a reader: symbols, decimals applied, ISO times, the fee in TRX', async function () {
      const raw = (await (await http(`/ledger.csv?account=${a.addr.bob}`)).text()).trimEnd().split('\n');
      const res = await http(`/ledger.csv?account=${a.addr.bob}&units=token`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-disposition')!, /ledger-token-units\.csv/);
      const lines = (await res.text()).trimEnd().split('\n');
      assert.equal(
        lines[0],
        'time,tx_id,block_number,kind,account,side,amount,symbol,finality,energy_paid_by,caller,fee_trx,energy,bandwidth',
      );
      assert.ok(raw.length > 10, `bob's entries from the traffic above: ${raw.length - 1}`);
      assert.equal(lines.length, raw.length, 'one line per ledger entry, as the raw export');
      const symbols = new Map([
        [sys.btt, ['BTT', 18]],
        [sys.usdt, ['USDT', 6]],
        ['T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb', ['TRX', 6]],
      ] as const);
      lines.slice(1).forEach((line, i) => {
        const h = line.split(',');
        const r = raw[i + 1]!.split(',');
        assert.equal(h[0], new Date(Number(r[5])).toISOString(), 'the time in ISO 8601');
        assert.deepEqual([h[1], h[2], h[3], h[4], h[5], h[8]], [r[0], r[1], r[6], r[7], r[8], r[11]]);
        const [symbol, decimals] = symbols.get(r[9]!)!;
        assert.equal(h[7], symbol);
        // Back to base units exactly: no float, no rounding.
        const [whole, frac = ''] = h[6]!.split('.');
        assert.equal(
          BigInt(whole! + frac.padEnd(decimals, '0')),
          BigInt(r[10]!),
          `${h[6]} ${symbol} is ${r[10]} base units`,
        );
        if (r[19]) {
          const [w, f = ''] = h[11]!.split('.');
          assert.equal(BigInt(w! + f.padEnd(6, '0')), BigInt(r[19]), 'the fee in TRX');
          assert.equal(BigInt(h[12]!), BigInt(r[14]!) + BigInt(r[15]!), "energy: the caller's and the deployer's");
        }
      });
      assert.ok(
        lines.some((l) => l.includes(',500,BTT,')),
        'the 500 BTT deposit, in BTT',
      );
      const bad = await http('/ledger.csv?units=sun');
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).error.code, 'BAD_ARGUMENT');
    });
  });

  describe('subscriptions over SSE', function () {
    let server: Listening;
    before(async function () {
      server = await listenApi(api, { port: 0 });
    });
    after(async function () {
      await server?.close();
    });

    it('delivers a gift sent after subscribing, and only the ones its filter names', async function () {
      const sub = await subscribeSse(
        `${server.url}/graphql`,
        `subscription { giftSent(streamId: "4242", broadcaster: "${a.addr.alice}") { txId streamId total sender finality removed } }`,
      );
      try {
        await primeSubscription(
          sub,
          async () => {
            const probe = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 4242n, false);
            await ix.sync();
            return probe.txid;
          },
          (p) => p.data?.giftSent?.txId,
        );
        // A gift to another stream first: filtered out.
        const other = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 1n, 4241n, false);
        const sent = await gift(devnet, sys, a, 'bob', 'alice', GIFT.ROSE, 2n, 4242n, false);
        await ix.sync();
        const msg = await sub.next((p) => p.data.giftSent.txId === sent.txid);
        assert.deepEqual(msg.data.giftSent, {
          txId: sent.txid,
          streamId: '4242',
          total: '4000000',
          sender: a.addr.bob,
          finality: 'PENDING',
          removed: false,
        });
        assert.ok(
          !sub.received().some((p) => p.data.giftSent.txId === other.txid),
          'the gift to stream 4241 is filtered out',
        );
      } finally {
        sub.close();
      }
    });

    it("delivers an address's new ledger entries", async function () {
      const sub = await subscribeSse(
        `${server.url}/graphql`,
        `subscription { ledgerEntries(address: "${a.addr.carol}") { txId kind account side amount } }`,
      );
      try {
        await primeSubscription(
          sub,
          async () => {
            const probe = await tx(devnet, 'carol', sys.vault, 'depositTRX()', [], 1n);
            await ix.sync();
            return probe.txid;
          },
          (p) => p.data?.ledgerEntries?.txId,
        );
        const dep = await tx(devnet, 'carol', sys.vault, 'depositTRX()', [], 3n * SUN);
        await ix.sync();
        const msgs = [
          await sub.next((p) => p.data.ledgerEntries.txId === dep.txid),
          await sub.next((p) => p.data.ledgerEntries.txId === dep.txid),
        ];
        assert.deepEqual(
          msgs.map((m) => m.data.ledgerEntries),
          [
            { txId: dep.txid, kind: 'DEPOSIT', account: `wallet:${a.addr.carol}`, side: 'CREDIT', amount: '3000000' },
            { txId: dep.txid, kind: 'DEPOSIT', account: `vault:${a.addr.carol}`, side: 'DEBIT', amount: '3000000' },
          ],
        );
      } finally {
        sub.close();
      }
    });
  });
});
