/**
 * `npm run bench:indexer`: throughput of the indexer and latency of its API.
 *
 * (a) reindex: BENCH_GIFTS synthetic GiftSent events (default 1,000,000; a few hundred senders, 50
 *     broadcasters, several streams, TRX/BTT/USDT, spread over 40 days, paid from the vault or the
 *     wallet, after the registrations, catalog and deposits they need) are written to the raw store
 *     of a temp database, then the indexer's own `reindex()` rebuilds every derived table from it.
 * (b) end to end: BENCH_E2E_GIFTS gifts (default 2000) sent through TronWeb to an in-process
 *     devnet (a block per transaction), then a fresh indexer syncs from the deploy block to the
 *     head; every event of our contracts counts.
 * (c) API: GraphQL leaderboard and ledger queries on the (a) database through createIndexerApi's
 *     fetch handler, BENCH_ITERATIONS times each (default 200) after a warm-up: p50 and p99.
 * BENCH_KEEP=1 keeps the temp databases; BENCH_PARTS (default abc) picks the parts to run.
 * BENCH_DATABASE_URL=postgres://... runs (a) and (b) on Postgres instead of SQLite (the bench
 * creates a database per part on that server and drops it afterwards); (c) needs SQLite, as the
 * API reads SQLite only for now.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createIndexer, type Indexer } from '../indexer/index.js';
import { createIndexerApi } from '../indexer/api/server.js';
import { toBase58, ZERO_ADDRESS } from '../lib/address.js';
import { silentLogger } from '../lib/log.js';
import { RawStore, type EventArgs, type RawBlock, type RawEvent } from '../indexer/store/raw.js';
import { openPostgres } from '../indexer/db/openPg.js';
import { type SqlConnection, sqliteConnection } from '../indexer/db/sql.js';
import pg from 'pg';
import { deploySystem, send, TRX_ADDRESS, type System } from '../test/helpers/contracts.js';
import { startDevnet, type Devnet } from '../test/helpers/devnet.js';
import { headNumber, tempDir, writeDeployments } from '../test/helpers/indexer.js';
import { rng } from '../test/helpers/traffic.js';

const GIFTS = Number(process.env.BENCH_GIFTS ?? 1_000_000);
const E2E_GIFTS = Number(process.env.BENCH_E2E_GIFTS ?? 2000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const KEEP = process.env.BENCH_KEEP === '1';
/** Which parts to run (default all): e.g. BENCH_PARTS=a for the reindex alone, when profiling. */
const PARTS = process.env.BENCH_PARTS ?? 'abc';
const PG_URL = process.env.BENCH_DATABASE_URL || undefined;
const BACKEND = PG_URL ? 'Postgres' : 'SQLite';
const pgDatabases: string[] = [];

/** A fresh database on the BENCH_DATABASE_URL server for one part (undefined on SQLite). */
async function benchDatabase(part: string): Promise<string | undefined> {
  if (!PG_URL) return undefined;
  const name = `blive_bench_${part}_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  pgDatabases.push(name);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropBenchDatabases(): Promise<void> {
  if (!PG_URL || KEEP || pgDatabases.length === 0) return;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const name of pgDatabases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

/** A connection of the bench's own to the indexer's database (the indexer keeps its own). */
async function benchConnection(indexer: Indexer, url: string | undefined): Promise<SqlConnection> {
  return url ? openPostgres(url) : sqliteConnection(indexer.db);
}

async function countRows(conn: SqlConnection, table: string): Promise<number> {
  const [r] = await conn.rows(`SELECT count(*) FROM ${table}`);
  return Number(r![0]);
}

const SENDERS = 400;
const BROADCASTERS = 50;
const STREAMS = 12;
const DAYS = 40;
const HOLD = 86_400;
const E18 = 10n ** 18n;
const SUN = 1_000_000n;
const DAY_MS = 86_400_000;

const rows: [string, string][] = [];
const row = (figure: string, value: string): void => {
  rows.push([figure, value]);
  console.log(`  ${figure}: ${value}`);
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A deterministic base58 address from a label. */
function address(kind: number, i: number): string {
  return toBase58(`41${kind.toString(16).padStart(8, '0')}${i.toString(16).padStart(32, '0')}`);
}

function writeSyntheticDeployments(
  file: string,
  c: { profiles: string; vault: string; rewardPool: string; btt: string; usdt: string },
): void {
  const abi = (name: string): string => `build/contracts/${name}.json`;
  const out = {
    network: 'bench',
    deployBlock: 0,
    contracts: {
      Profiles: { address: c.profiles, abi: abi('Profiles') },
      RewardPool: { address: c.rewardPool, abi: abi('RewardPool') },
      GiftVault: { address: c.vault, abi: abi('GiftVault') },
    },
    tokens: { TRX: TRX_ADDRESS, BTT: c.btt, USDT: c.usdt },
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
}

// ------------------------------------------------------------------------ (a) synthetic raw store

interface Synthetic {
  indexer: Indexer;
  conn: SqlConnection;
  tokens: { TRX: string; BTT: string; USDT: string };
  senders: string[];
  broadcasters: string[];
  events: number;
}

/** Fills the raw store with setup events and `n` gifts; returns the indexer on it (not reindexed). */
async function fillRawStore(dir: string, n: number): Promise<Synthetic> {
  const c = {
    profiles: address(1, 1),
    vault: address(1, 2),
    rewardPool: address(1, 3),
    btt: address(1, 4),
    usdt: address(1, 5),
  };
  const file = path.join(dir, 'bench-deployments.json');
  writeSyntheticDeployments(file, c);
  const indexer = createIndexer({
    log: silentLogger,
    env: {},
    config: {
      deploymentsFile: file,
      dbPath: path.join(dir, 'synthetic.sqlite'),
      ...(PG_URL ? { databaseUrl: await benchDatabase('a') } : {}),
    },
  });
  await indexer.ready();
  const conn = await benchConnection(indexer, indexer.config.databaseUrl);
  const raw = new RawStore(conn);
  const pendingBlocks: RawBlock[] = [];
  const pendingEvents: RawEvent[] = [];
  const drain = async (): Promise<void> => {
    await raw.insertBlocks(pendingBlocks.splice(0));
    await raw.insertEvents(pendingEvents.splice(0));
  };
  const tokens = { TRX: TRX_ADDRESS, BTT: c.btt, USDT: c.usdt };
  const senders = Array.from({ length: SENDERS }, (_, i) => address(2, i));
  const broadcasters = Array.from({ length: BROADCASTERS }, (_, i) => address(3, i));
  const catalog = [
    { giftId: '1', token: tokens.TRX, price: 2n * SUN },
    { giftId: '2', token: tokens.BTT, price: 10n * E18 },
    { giftId: '3', token: tokens.USDT, price: 5n * SUN },
    { giftId: '4', token: tokens.TRX, price: 50n * SUN },
  ];
  const rand = rng(42);
  const start = Date.UTC(2026, 0, 20);
  // One block every 3 s over DAYS days; gifts land in the blocks in order.
  const spanBlocks = (DAYS * DAY_MS) / 3000;
  const firstBlock = 1_000;
  let events = 0;
  let block = -1;
  let txIndex = 0;
  let parent = '0'.repeat(64);
  const hashOf = (b: number): string => b.toString(16).padStart(64, '0');
  const at = (b: number): number => start + (b - firstBlock) * 3000;
  const emit = (b: number, contract: RawEvent['contract'], addr: string, eventName: string, args: EventArgs): void => {
    if (b !== block) {
      block = b;
      txIndex = 0;
      pendingBlocks.push({ number: b, hash: hashOf(b), parentHash: parent, timestamp: at(b) });
      parent = hashOf(b);
    }
    pendingEvents.push({
      blockNumber: b,
      txIndex: txIndex,
      logIndex: 0,
      txId: `${b.toString(16).padStart(12, '0')}${txIndex.toString(16).padStart(52, '0')}`,
      timestamp: at(b),
      contract,
      address: addr,
      eventName,
      args,
    });
    txIndex++;
    events++;
  };

  await conn.transaction(async () => {
    // Setup in the first blocks: hold period, tokens, catalog, profiles, deposits.
    let b = firstBlock - 10;
    emit(b, 'GiftVault', c.vault, 'HoldPeriodUpdated', { holdPeriod: String(HOLD) });
    emit(b, 'GiftVault', c.vault, 'SplitUpdated', {
      broadcaster: ZERO_ADDRESS,
      broadcasterBps: '3000',
      poolBps: '1000',
      platformBps: '6000',
    });
    for (const t of [tokens.BTT, tokens.USDT])
      emit(b, 'GiftVault', c.vault, 'TokenAllowed', { token: t, allowed: true });
    for (const g of catalog)
      emit(b, 'GiftVault', c.vault, 'GiftUpdated', {
        giftId: g.giftId,
        token: g.token,
        price: String(g.price),
        enabled: true,
        uri: `ipfs://gift-${g.giftId}`,
      });
    b++;
    for (const [i, a] of broadcasters.entries()) {
      emit(b, 'Profiles', c.profiles, 'ProfileRegistered', {
        account: a,
        handle: `streamer_${i}`,
        profileURI: `ipfs://streamer-${i}`,
      });
      emit(b, 'Profiles', c.profiles, 'BroadcasterStatusChanged', { account: a, enabled: true });
    }
    b++;
    for (const [i, a] of senders.entries()) {
      emit(b, 'Profiles', c.profiles, 'ProfileRegistered', { account: a, handle: `viewer_${i}`, profileURI: '' });
      for (const g of catalog.slice(0, 3))
        emit(b, 'GiftVault', c.vault, 'Deposited', { user: a, token: g.token, amount: String(g.price * 1_000_000n) });
      if (i % 50 === 49) b++;
    }
    // The gifts.
    // EscrowLib.WIDTH: releases are bucketed by 6 hours (the handlers check the mirror against it).
    const width = 6 * 3600;
    for (let i = 0; i < n; i++) {
      const gb = firstBlock + Math.floor((i * spanBlocks) / n);
      // A few hundred senders, some much busier than others; 50 broadcasters, a dozen streams.
      const s = senders[Math.floor(rand() ** 2 * SENDERS)]!;
      const bi = Math.floor(rand() * BROADCASTERS);
      const g = catalog[Math.floor(rand() * catalog.length)]!;
      const quantity = 1 + Math.floor(rand() * 3);
      const total = g.price * BigInt(quantity);
      const toBroadcaster = (total * 3000n) / 10_000n;
      const toPool = (total * 1000n) / 10_000n;
      const now = Math.floor(at(gb) / 1000);
      const releaseAt = Math.floor((now + HOLD + width - 1) / width) * width;
      const streamId = rand() < 0.2 ? '0' : String(1 + ((bi * 7 + Math.floor(rand() * 3)) % STREAMS));
      emit(gb, 'GiftVault', c.vault, 'GiftSent', {
        sender: s,
        broadcaster: broadcasters[bi]!,
        giftId: g.giftId,
        quantity: String(quantity),
        token: g.token,
        total: String(total),
        broadcasterAmount: String(toBroadcaster),
        poolAmount: String(toPool),
        platformAmount: String(total - toBroadcaster - toPool),
        streamId,
        releaseAt: String(releaseAt),
        fromVault: rand() < 0.6,
      });
      if (pendingEvents.length >= 10_000) await drain();
    }
    await drain();
    await raw.setCursor({ indexedNumber: block, indexedHash: hashOf(block), finalNumber: block });
  });
  return { indexer, conn, tokens, senders, broadcasters, events };
}

// -------------------------------------------------------------------------------- (c) API latency

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function apiLatencies(s: Synthetic): Promise<void> {
  const api = createIndexerApi({ db: s.indexer.db, graphiql: false });
  const gql = async (query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const res = await api.fetch(
      new Request('http://bench/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      }),
    );
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
    return body.data;
  };
  const leaderboard = `query ($kind: ChartKind!, $period: ChartPeriod!, $token: Address!) {
    leaderboard(kind: $kind, period: $period, token: $token, first: 20) { periodStart entries { rank account amount giftCount finality } } }`;
  const ledger = `query ($filter: LedgerFilter, $after: String) {
    ledger(filter: $filter, first: 50, after: $after) { nodes { cursor txId kind account side token amount timestamp finality } pageInfo { endCursor hasNextPage } } }`;
  // A cursor half way through the table.
  const mid = s.indexer.db
    .prepare(
      'SELECT block_number, tx_index, log_index, entry_index FROM ledger_entries ORDER BY block_number, tx_index, log_index, entry_index LIMIT 1 OFFSET (SELECT count(*) / 2 FROM ledger_entries)',
    )
    .get() as { block_number: number; tx_index: number; log_index: number; entry_index: number } | undefined;
  if (!mid) throw new Error('no ledger entries');
  const after = [mid.block_number, mid.tx_index, mid.log_index, mid.entry_index]
    .map((p, i) => String(p).padStart([12, 6, 6, 4][i]!, '0'))
    .join(':');
  // The busiest sender (about 5% of the gifts) and one of median activity (about 0.2%).
  const busy = s.senders[0]!;
  const typical = s.senders[SENDERS / 2]!;
  const entriesOf = (a: string): number =>
    s.indexer.db
      .prepare('SELECT count(*) FROM ledger_entries WHERE owner_id = (SELECT id FROM ledger_owners WHERE owner = ?)')
      .pluck()
      .get(a) as number;
  const busyRows = fmt(entriesOf(busy));
  const typicalRows = fmt(entriesOf(typical));
  const cases: [string, string, Record<string, unknown>][] = [];
  for (const kind of ['GIFTERS', 'BROADCASTERS'])
    for (const period of ['WEEK', 'ALL'])
      cases.push([`leaderboard ${kind} ${period} (BTT, first 20)`, leaderboard, { kind, period, token: s.tokens.BTT }]);
  cases.push(['ledger page (first 50)', ledger, {}]);
  cases.push(['ledger page, after a cursor half way', ledger, { after }]);
  cases.push([`ledger page, median account (${typicalRows} entries)`, ledger, { filter: { account: typical } }]);
  cases.push([`ledger page, median account + cursor half way`, ledger, { filter: { account: typical }, after }]);
  cases.push([`ledger page, busiest account (${busyRows} entries)`, ledger, { filter: { account: busy } }]);
  cases.push([`ledger page, busiest account + cursor half way`, ledger, { filter: { account: busy }, after }]);
  const gifts = `query ($filter: GiftFilter, $after: String) {
    gifts(filter: $filter, first: 50, after: $after) { nodes { txId sender broadcaster giftId quantity total finality } pageInfo { endCursor hasNextPage } } }`;
  const busiestBroadcaster = s.indexer.db
    .prepare('SELECT broadcaster FROM broadcaster_totals ORDER BY gift_count DESC LIMIT 1')
    .pluck()
    .get() as string | undefined;
  if (busiestBroadcaster) {
    const giftCount = s.indexer.db
      .prepare('SELECT count(*) FROM gifts WHERE broadcaster = ?')
      .pluck()
      .get(busiestBroadcaster) as number;
    cases.push([
      `gifts page, busiest broadcaster (${fmt(giftCount)} gifts) + cursor half way`,
      gifts,
      { filter: { broadcaster: busiestBroadcaster }, after: after.split(':').slice(0, 3).join(':') },
    ]);
  }
  for (const [name, query, variables] of cases) {
    const first = await gql(query, variables);
    const n = first.leaderboard ? first.leaderboard.entries.length : (first.ledger ?? first.gifts).nodes.length;
    if (n === 0) throw new Error(`${name}: empty result`);
    for (let i = 0; i < 20; i++) await gql(query, variables);
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t0 = performance.now();
      await gql(query, variables);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    row(
      `${name}, p50 / p99`,
      `${percentile(times, 50).toFixed(2)} / ${percentile(times, 99).toFixed(2)} ms (${n} rows)`,
    );
  }
  api.close();
}

// ------------------------------------------------------------------------------- (b) end to end

/** Sends `k` gifts (TRX and BTT, from the vault and the wallet) on `lanes` senders in parallel. */
async function driveDevnet(dn: Devnet, sys: System, k: number, lanes: number): Promise<void> {
  const broadcasters = [1, 2];
  const senders = Array.from({ length: lanes }, (_, i) => 3 + i);
  for (const b of broadcasters) {
    await send(dn, b, sys.profiles, 'register(string,string)', [`streamer_${b}`, `ipfs://streamer-${b}`]);
    await send(dn, b, sys.profiles, 'setBroadcaster(bool)', [true]);
  }
  await send(dn, 0, sys.vault, 'setGift(uint256,address,uint256,bool,string)', [
    1,
    TRX_ADDRESS,
    2_000_000,
    true,
    'rose',
  ]);
  await send(dn, 0, sys.vault, 'setGift(uint256,address,uint256,bool,string)', [2, sys.btt, 10n * E18, true, 'rocket']);
  await Promise.all(
    senders.map(async (s) => {
      const a = dn.accounts[s]!.address;
      await send(dn, s, sys.btt, 'mint(address,uint256)', [a, 1_000_000n * E18]);
      await send(dn, s, sys.btt, 'approve(address,uint256)', [sys.vault, 1_000_000n * E18]);
      await send(dn, s, sys.vault, 'deposit(address,uint256)', [sys.btt, 100_000n * E18]);
      await send(dn, s, sys.vault, 'depositTRX()', [], { callValue: 20_000n * SUN });
    }),
  );
  let next = 0;
  await Promise.all(
    senders.map(async (s) => {
      while (next < k) {
        const i = next++;
        const b = dn.accounts[broadcasters[i % broadcasters.length]!]!.address;
        const giftId = i % 4 < 2 ? 1 : 2;
        const direct = i % 2 === 1;
        const sig = direct
          ? 'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)'
          : 'sendGift(address,uint256,uint256,uint256,address,uint256)';
        const [token, total] = giftId === 1 ? [TRX_ADDRESS, 2_000_000n] : [sys.btt, 10n * E18];
        await send(
          dn,
          s,
          sys.vault,
          sig,
          [b, giftId, 1, 1 + (i % 3), token, total],
          direct && giftId === 1 ? { callValue: 2_000_000 } : {},
        );
      }
    }),
  );
}

async function endToEnd(dir: string): Promise<void> {
  const lanes = 4;
  const dn = await startDevnet({ accounts: 3 + lanes });
  try {
    const deployBlock = await headNumber(dn);
    const sys = await deploySystem(dn);
    const t0 = performance.now();
    await driveDevnet(dn, sys, E2E_GIFTS, lanes);
    const trafficMs = performance.now() - t0;
    const head = await headNumber(dn);
    const file = writeDeployments(path.join(dir, 'e2e-deployments.json'), dn, sys, deployBlock);
    const indexer = createIndexer({
      log: silentLogger,
      env: {},
      config: {
        deploymentsFile: file,
        dbPath: path.join(dir, 'e2e.sqlite'),
        pollIntervalMs: 20,
        ...(PG_URL ? { databaseUrl: await benchDatabase('b') } : {}),
      },
    });
    await indexer.ready();
    const conn = await benchConnection(indexer, indexer.config.databaseUrl);
    try {
      const t1 = performance.now();
      await indexer.sync();
      const ms = performance.now() - t1;
      const st = indexer.status();
      if (st.indexed < head) throw new Error(`indexer stopped at ${st.indexed}, head ${head}`);
      const events = await countRows(conn, 'raw_events');
      const gifts = await countRows(conn, 'gifts');
      if (gifts !== E2E_GIFTS) throw new Error(`indexed ${gifts} gifts, sent ${E2E_GIFTS}`);
      row('(b) devnet traffic sent', `${E2E_GIFTS} gifts + setup, ${head - deployBlock} blocks, ${secs(trafficMs)}`);
      row(
        `(b) end to end on ${BACKEND}, deploy block to caught up`,
        `${fmt(events / (ms / 1000))} events/s (${fmt(events)} events, ${head - deployBlock} blocks, ${secs(ms)})`,
      );
    } finally {
      if (PG_URL) await conn.close();
      await indexer.close();
    }
  } finally {
    await dn.close();
  }
}

// ------------------------------------------------------------------------------------------- main

const started = performance.now();
const tmp = tempDir('blive-bench-indexer-');
try {
  console.log(
    `indexer bench: ${fmt(GIFTS)} synthetic gifts, ${fmt(E2E_GIFTS)} devnet gifts, ${ITERATIONS} API iterations`,
  );
  const t0 = performance.now();
  const s = await fillRawStore(tmp.dir, GIFTS);
  row('(a) raw store filled', `${fmt(s.events)} events in ${secs(performance.now() - t0)}`);
  try {
    const r = await s.indexer.reindex();
    const gifts = await countRows(s.conn, 'gifts');
    if (gifts !== GIFTS) throw new Error(`reindexed ${gifts} gifts, wrote ${GIFTS}`);
    const ledger = await countRows(s.conn, 'ledger_entries');
    row(
      `(a) reindex, handlers writing ${BACKEND} from the raw store`,
      `${fmt(r.events / (r.ms / 1000))} events/s (${fmt(r.events)} events, ${fmt(ledger)} ledger entries, ${secs(r.ms)})`,
    );
    if (PARTS.includes('c')) {
      if (PG_URL) console.log('  (c) skipped: the API reads SQLite only for now');
      else await apiLatencies(s);
    }
  } finally {
    if (PG_URL) await s.conn.close();
    await s.indexer.close();
  }
  if (PARTS.includes('b')) await endToEnd(tmp.dir);
  console.log(`\ndone in ${secs(performance.now() - started)}\n`);
  console.log('| figure | result |');
  console.log('|---|---|');
  for (const [f, v] of rows) console.log(`| ${f} | ${v} |`);
} finally {
  await dropBenchDatabases();
  if (KEEP) console.log(`kept ${tmp.dir}${pgDatabases.length ? ` and databases ${pgDatabases.join(', ')}` : ''}`);
  else tmp.cleanup();
}
