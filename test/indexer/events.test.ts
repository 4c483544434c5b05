/**
 * The indexer against the devnet: a scripted sequence that emits every event of Profiles,
 * GiftVault and RewardPool is indexed into a real SQLite file, and each event's rows are checked,
 * along with the invariants that tie the tables together (ledger balance, totals and charts as
 * aggregates of gifts, balances as ledger sums), verify, and reindex.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { dumpTables } from '../helpers/dumpTables.js';
import { earningsAt, finalNumber, periodStart, splitAt, topAccounts } from '../../indexer/db/views.js';
import { openDatabase, type OpenedDatabase } from '../../indexer/db/open.js';
import { big, bool, num, str, type HandlerContext } from '../../indexer/handlers/context.js';
import { ownerOf, recordMovement } from '../../indexer/handlers/ledger.js';
import { applyEvent, HANDLERS } from '../../indexer/handlers/registry.js';
import { sqliteConnection } from '../../indexer/db/sql.js';
import { DerivedStore } from '../../indexer/store/derived.js';
import type { RawEvent } from '../../indexer/store/raw.js';
import type { Indexer } from '../../indexer/index.js';
import { ZERO_ADDRESS } from '../../lib/address.js';
import { FatalError } from '../../lib/errors.js';
import { call, TRX_ADDRESS, type System, type TxResult } from '../helpers/contracts.js';
import { get, post, startDevnet, type Devnet } from '../helpers/devnet.js';
import { deployLagging, headNumber, indexerFor, tempDir, writeDeployments } from '../helpers/indexer.js';
import { E18, prepareActors, scriptedTraffic, SUN, type Actors } from '../helpers/traffic.js';

type Row = Record<string, any>;

describe('indexer: events to rows', function () {
  let devnet: Devnet;
  let sys: System;
  let a: Actors;
  let r: Record<string, TxResult>;
  let tmp: ReturnType<typeof tempDir>;
  let deployments: string;
  let ix: Indexer;
  let db: Database.Database;

  const rows = (sql: string, ...p: unknown[]): Row[] => db.prepare(sql).all(...p) as Row[];
  const row = (sql: string, ...p: unknown[]): Row | undefined => db.prepare(sql).get(...p) as Row | undefined;
  const ledgerOf = (t: TxResult): Row[] =>
    rows('SELECT kind, account, side, token, amount FROM ledger_entries WHERE tx_id = ? ORDER BY id', t.txid);

  before(async function () {
    devnet = await startDevnet({ solidityLag: 2 });
    const start = await headNumber(devnet);
    sys = await deployLagging(devnet);
    a = await prepareActors(devnet, sys);
    r = await scriptedTraffic(devnet, sys, a);
    tmp = tempDir();
    deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
    ix = indexerFor(deployments, path.join(tmp.dir, 'index.sqlite'));
    db = ix.db;
    await ix.sync();
  });

  after(async function () {
    await ix?.close();
    await devnet?.close();
    tmp?.cleanup();
  });

  describe('when the scripted traffic is indexed', function () {
    it('keeps every log of the three contracts in the raw store, as the devnet event API reports them', async function () {
      const raw = rows(
        'SELECT block_number, tx_id, log_index, contract, address, event_name FROM raw_events ORDER BY block_number, tx_index, log_index',
      );
      const fromApi: Row[] = [];
      for (const address of [sys.profiles, sys.vault, sys.rewardPool]) {
        let fingerprint: string | undefined;
        do {
          const { body } = await get(
            devnet,
            `v1/contracts/${address}/events?limit=200&order_by=block_timestamp,asc${fingerprint ? `&fingerprint=${fingerprint}` : ''}`,
          );
          fromApi.push(
            ...(body.data as Row[]).map((e) => ({
              block_number: e.block_number,
              tx_id: e.transaction_id,
              log_index: e.event_index,
              address,
              event_name: e.event_name,
            })),
          );
          fingerprint = body.meta?.fingerprint;
        } while (fingerprint);
      }
      const key = (e: Row): string =>
        `${String(e.block_number).padStart(8, '0')} ${e.tx_id} ${String(e.log_index).padStart(4, '0')} ${e.address} ${e.event_name}`;
      assert.deepEqual(raw.map(key), fromApi.map(key).sort());
    });

    it('emitted every event the handlers know (so every handler ran)', function () {
      const seen = new Set(
        rows('SELECT DISTINCT contract, event_name FROM raw_events').map((e) => `${e.contract}:${e.event_name}`),
      );
      // No function of the deployed contracts changes a role's admin; gift sessions' events are
      // emitted and checked in sessions.test.ts.
      const never = new Set([
        'GiftVault:RoleAdminChanged',
        'RewardPool:RoleAdminChanged',
        'GiftVault:SessionGraceUpdated',
        'GiftVault:SessionOpened',
        'GiftVault:SessionClosed',
        'GiftVault:SessionReleased',
        'GiftVault:GiftSettled',
        'GiftVault:IntentSkipped',
      ]);
      assert.deepEqual(
        Object.keys(HANDLERS).filter((k) => !seen.has(k) && !never.has(k)),
        [],
      );
    });

    it('stores addresses in base58 and amounts as decimal text', function () {
      const g = row('SELECT * FROM gifts LIMIT 1')!;
      assert.match(g.sender, /^T[1-9A-HJ-NP-Za-km-z]{33}$/);
      assert.equal(typeof g.total, 'string');
      assert.match(g.total, /^\d+$/);
      assert.equal(typeof g.timestamp, 'number');
    });
  });

  describe('Profiles', function () {
    it('records profiles, handles, URIs and broadcaster status', function () {
      const alice = row('SELECT * FROM profiles WHERE address = ?', a.addr.alice)!;
      assert.equal(alice.handle, 'alice');
      assert.equal(alice.registered, 1);
      assert.equal(alice.broadcaster, 1);
      assert.equal(alice.profile_uri, 'ipfs://alice-v2', 'ProfileUpdated replaced the URI');
      assert.equal(row('SELECT broadcaster FROM profiles WHERE address = ?', a.addr.bob)!.broadcaster, 0);
    });

    it('keeps follows as a set with counts, including an unregistered follower', function () {
      assert.deepEqual(
        rows('SELECT follower, target FROM follows ORDER BY follower, target'),
        [
          { follower: a.addr.bob, target: a.addr.alice },
          { follower: a.addr.bob, target: a.addr.frank },
          { follower: a.addr.dave, target: a.addr.alice },
        ].sort((x, y) => (x.follower + x.target < y.follower + y.target ? -1 : 1)),
      );
      const count = (who: string): Row =>
        row('SELECT follower_count, following_count, registered, handle FROM profiles WHERE address = ?', who)!;
      assert.deepEqual(count(a.addr.alice), { follower_count: 2, following_count: 0, registered: 1, handle: 'alice' });
      assert.deepEqual(count(a.addr.frank), { follower_count: 1, following_count: 0, registered: 1, handle: 'frank' });
      assert.deepEqual(count(a.addr.bob), { follower_count: 0, following_count: 2, registered: 1, handle: 'bob' });
      assert.deepEqual(count(a.addr.dave), { follower_count: 0, following_count: 1, registered: 0, handle: null });
      assert.equal(count(a.addr.carol).following_count, 0, 'an unfollow of a never-followed target changes nothing');
    });
  });

  describe('GiftVault', function () {
    it('records every gift as its full receipt, with how it was paid', function () {
      const cases: [string, string][] = [
        ['giftVaultTRX', 'VAULT'],
        ['giftDirectTRX', 'WALLET'],
        ['giftVaultBTT', 'VAULT'],
        ['giftDirectBTT', 'WALLET'],
      ];
      for (const [name, paidFrom] of cases) {
        const t = r[name]!;
        const e = t.events.find((x) => x.name === 'GiftSent')!.args;
        const g = row('SELECT * FROM gifts WHERE tx_id = ?', t.txid)!;
        assert.deepEqual(
          {
            sender: g.sender,
            broadcaster: g.broadcaster,
            gift_id: g.gift_id,
            quantity: g.quantity,
            token: g.token,
            total: g.total,
            broadcaster_amount: g.broadcaster_amount,
            pool_amount: g.pool_amount,
            platform_amount: g.platform_amount,
            stream_id: g.stream_id,
            release_at: g.release_at,
            paid_from: g.paid_from,
            block_number: g.block_number,
          },
          {
            sender: e.sender,
            broadcaster: e.broadcaster,
            gift_id: String(e.giftId),
            quantity: Number(e.quantity),
            token: e.token,
            total: String(e.total),
            broadcaster_amount: String(e.broadcasterAmount),
            pool_amount: String(e.poolAmount),
            platform_amount: String(e.platformAmount),
            stream_id: String(e.streamId),
            release_at: Number(e.releaseAt) * 1000,
            paid_from: paidFrom,
            block_number: t.info.blockNumber,
          },
          name,
        );
      }
    });

    it('records a gift as balanced ledger entries from the vault or the wallet', function () {
      const e = r.giftVaultTRX!.events.find((x) => x.name === 'GiftSent')!.args;
      assert.deepEqual(ledgerOf(r.giftVaultTRX!), [
        { kind: 'GIFT', account: `vault:${a.addr.bob}`, side: 'CREDIT', token: TRX_ADDRESS, amount: String(e.total) },
        {
          kind: 'GIFT',
          account: `escrow:${a.addr.alice}`,
          side: 'DEBIT',
          token: TRX_ADDRESS,
          amount: String(e.broadcasterAmount),
        },
        { kind: 'GIFT', account: 'pool_accrued', side: 'DEBIT', token: TRX_ADDRESS, amount: String(e.poolAmount) },
        { kind: 'GIFT', account: 'treasury', side: 'DEBIT', token: TRX_ADDRESS, amount: String(e.platformAmount) },
      ]);
      assert.equal(ledgerOf(r.giftDirectBTT!)[0]!.account, `wallet:${a.addr.carol}`);
    });

    it('records deposits, withdrawals, claims, treasury withdrawals and flushes in the ledger', function () {
      assert.deepEqual(ledgerOf(r.depositTRX!), [
        {
          kind: 'DEPOSIT',
          account: `wallet:${a.addr.bob}`,
          side: 'CREDIT',
          token: TRX_ADDRESS,
          amount: String(100n * SUN),
        },
        {
          kind: 'DEPOSIT',
          account: `vault:${a.addr.bob}`,
          side: 'DEBIT',
          token: TRX_ADDRESS,
          amount: String(100n * SUN),
        },
      ]);
      assert.deepEqual(
        ledgerOf(r.withdraw!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['WITHDRAW', `vault:${a.addr.bob}`, 'CREDIT', String(10n * SUN)],
          ['WITHDRAW', `wallet:${a.addr.bob}`, 'DEBIT', String(10n * SUN)],
        ],
      );
      const claimed = String(r.claimTRX!.events.find((x) => x.name === 'EarningsClaimed')!.args.amount);
      assert.deepEqual(
        ledgerOf(r.claimTRX!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['CLAIM', `escrow:${a.addr.alice}`, 'CREDIT', claimed],
          ['CLAIM', `vault:${a.addr.alice}`, 'DEBIT', claimed],
        ],
      );
      assert.deepEqual(
        ledgerOf(r.treasury!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['TREASURY_WITHDRAW', 'treasury', 'CREDIT', String(SUN)],
          ['TREASURY_WITHDRAW', `wallet:${a.addr.treasurer}`, 'DEBIT', String(SUN)],
        ],
      );
      // The vault's flush and the pool's Funded are one movement, recorded once.
      const flushed = String(r.flushTRX!.events.find((x) => x.name === 'PoolFlushed')!.args.amount);
      assert.deepEqual(
        ledgerOf(r.flushTRX!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['POOL_FLUSH', 'pool_accrued', 'CREDIT', flushed],
          ['POOL_FLUSH', 'reward_pool', 'DEBIT', flushed],
        ],
      );
      // A fee-on-transfer token delivers less to the pool than the vault flushed: the difference is a fee.
      const sent = BigInt(r.flushFee!.events.find((x) => x.name === 'PoolFlushed')!.args.amount as bigint);
      const arrived = BigInt(r.flushFee!.events.find((x) => x.name === 'Funded')!.args.amount as bigint);
      assert.ok(arrived < sent);
      assert.deepEqual(
        ledgerOf(r.flushFee!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['POOL_FLUSH', 'pool_accrued', 'CREDIT', String(sent)],
          ['POOL_FLUSH', 'reward_pool', 'DEBIT', String(sent)],
          ['TRANSFER_FEE', 'reward_pool', 'CREDIT', String(sent - arrived)],
          ['TRANSFER_FEE', 'token_fees', 'DEBIT', String(sent - arrived)],
        ],
      );
      assert.equal(row('SELECT unallocated FROM reward_pool WHERE token = ?', a.tok.FEE)!.unallocated, String(arrived));
    });

    it('keeps the split policies and their full history, announced changes included', async function () {
      const history = rows(
        'SELECT tx_id, broadcaster, kind, broadcaster_bps, effective_at FROM split_history ORDER BY block_number, tx_index, log_index',
      );
      const of = (t: TxResult): Row => history.find((h) => h.tx_id === t.txid)!;
      assert.deepEqual(of(r.splitDefaultUp!), {
        tx_id: r.splitDefaultUp!.txid,
        broadcaster: ZERO_ADDRESS,
        kind: 'UPDATED',
        broadcaster_bps: 3500,
        effective_at: row('SELECT timestamp FROM raw_blocks WHERE number = ?', r.splitDefaultUp!.info.blockNumber)!
          .timestamp,
      });
      const announced = r.splitDefaultDown!.events.find((x) => x.name === 'SplitChangeAnnounced')!.args;
      assert.deepEqual(of(r.splitDefaultDown!), {
        tx_id: r.splitDefaultDown!.txid,
        broadcaster: ZERO_ADDRESS,
        kind: 'ANNOUNCED',
        broadcaster_bps: 3000,
        effective_at: Number(announced.effectiveAt) * 1000,
      });
      assert.equal(of(r.splitOverrideDown!).kind, 'ANNOUNCED');
      assert.equal(of(r.clearAnnounced!).kind, 'OVERRIDE_CLEAR_ANNOUNCED');
      assert.equal(of(r.clearNow!).kind, 'OVERRIDE_CLEARED');
      assert.equal(history[0]!.kind, 'UPDATED', "the constructor's default split is the first entry");
      // The split that applies now, from the mirrored policy, is the contract's.
      const now = Number((await headBlock()).timestamp);
      for (const who of [ZERO_ADDRESS, a.addr.alice, a.addr.frank, a.addr.dave]) {
        const s = splitAt(db, who, now)!;
        const chain = (await call(
          devnet,
          sys.vault,
          'splitOf(address)',
          [who],
          ['uint16', 'uint16', 'uint16'],
        )) as bigint[];
        assert.deepEqual([s.broadcasterBps, s.poolBps, s.platformBps], chain.map(Number), who);
      }
    });

    it('keeps the hold period history, freezes, the catalog, the allow-list, pause and roles', function () {
      assert.deepEqual(
        rows('SELECT hold_period FROM hold_periods ORDER BY block_number').map((h) => h.hold_period),
        [86_400, 0, 259_200],
      );
      assert.equal(
        row("SELECT value FROM contract_state WHERE contract = 'GiftVault' AND key = 'holdPeriod'")!.value,
        '259200',
      );
      const f = row('SELECT * FROM freezes WHERE broadcaster = ?', a.addr.alice)!;
      assert.equal(f.reason, 'dispute #1');
      assert.equal(f.until, Math.floor(f.unfrozen_at / 1000) * 1000, 'an early unfreeze ends the freeze at its block');
      assert.deepEqual(
        rows('SELECT kind FROM freeze_history ORDER BY block_number').map((h) => h.kind),
        ['FROZEN', 'UNFROZEN'],
      );
      assert.equal(row("SELECT uri FROM gift_catalog WHERE gift_id = '1'")!.uri, 'rose v2');
      assert.equal(row("SELECT enabled FROM gift_catalog WHERE gift_id = '5'")!.enabled, 0);
      assert.equal(row('SELECT allowed FROM tokens_allowed WHERE token = ?', a.tok.FEE)!.allowed, 0);
      assert.equal(row('SELECT allowed FROM tokens_allowed WHERE token = ?', a.tok.BTT)!.allowed, 1);
      assert.equal(
        row("SELECT value FROM contract_state WHERE contract = 'GiftVault' AND key = 'paused'")!.value,
        'false',
      );
      assert.equal(
        rows("SELECT * FROM roles WHERE contract = 'GiftVault' AND account = ?", a.addr.carol).length,
        0,
        'granted then revoked',
      );
      assert.equal(rows("SELECT * FROM roles WHERE contract = 'GiftVault' AND account = ?", a.addr.admin).length, 6);
      assert.equal(rows("SELECT * FROM roles WHERE contract = 'RewardPool' AND account = ?", a.addr.admin).length, 2);
    });

    it('mirrors the escrow: pending and claimable at any time equal the contract views', async function () {
      const now = Number((await headBlock()).timestamp);
      for (const e of rows('SELECT broadcaster, token FROM earnings')) {
        const mine = earningsAt(db, e.broadcaster, e.token, now);
        const [claimable, pending] = (await call(
          devnet,
          sys.vault,
          'earningsOf(address,address)',
          [e.broadcaster, e.token],
          ['uint256', 'uint256', 'uint64'],
        )) as [bigint, bigint, bigint];
        assert.deepEqual([mine.pending, mine.claimable], [pending, claimable], `${e.broadcaster} ${e.token}`);
      }
      const alice = row('SELECT * FROM earnings WHERE broadcaster = ? AND token = ?', a.addr.alice, TRX_ADDRESS)!;
      assert.equal(BigInt(alice.held), BigInt(alice.escrowed_total) - BigInt(alice.claimed_total));
    });
  });

  describe('RewardPool', function () {
    it('records funding, the epoch, its claims and its sweep', function () {
      const ep = row("SELECT * FROM reward_epochs WHERE epoch_id = '1'")!;
      assert.deepEqual(
        {
          total: ep.total,
          claimed: ep.claimed,
          claim_count: ep.claim_count,
          swept: ep.swept,
          swept_amount: ep.swept_amount,
          uri: ep.uri,
        },
        { total: '5000007', claimed: '5000000', claim_count: 2, swept: 1, swept_amount: '7', uri: 'ipfs://epoch-1' },
      );
      assert.deepEqual(
        rows(
          "SELECT claim_index, account, amount, category FROM reward_claims WHERE epoch_id = '1' ORDER BY claim_index",
        ),
        [
          { claim_index: '0', account: a.addr.c1, amount: String(3n * SUN), category: 0 },
          { claim_index: '1', account: a.addr.c2, amount: String(2n * SUN), category: 1 },
        ],
      );
      const flushed = BigInt(r.flushTRX!.events.find((x) => x.name === 'PoolFlushed')!.args.amount as bigint);
      const pool = row('SELECT * FROM reward_pool WHERE token = ?', TRX_ADDRESS)!;
      assert.deepEqual(
        { unallocated: pool.unallocated, outstanding: pool.outstanding },
        { unallocated: String(flushed + 40n * SUN - 5n * SUN), outstanding: '0' },
      );
      assert.deepEqual(
        ledgerOf(r.fundTRX!).map((l) => [l.kind, l.account, l.side]),
        [
          ['REWARD_FUND', `wallet:${a.addr.funder}`, 'CREDIT'],
          ['REWARD_FUND', 'reward_pool', 'DEBIT'],
        ],
      );
      assert.deepEqual(
        ledgerOf(r.publish!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['EPOCH_PUBLISH', 'reward_pool', 'CREDIT', '5000007'],
          ['EPOCH_PUBLISH', 'epoch:1', 'DEBIT', '5000007'],
        ],
      );
      assert.deepEqual(
        ledgerOf(r.sweep!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['EPOCH_SWEEP', 'epoch:1', 'CREDIT', '7'],
          ['EPOCH_SWEEP', 'reward_pool', 'DEBIT', '7'],
        ],
      );
    });

    it('records a cancelled epoch: its total back to the unallocated funds', function () {
      const ep = row("SELECT * FROM reward_epochs WHERE epoch_id = '2'")!;
      assert.deepEqual(
        { total: ep.total, claim_count: ep.claim_count, swept: ep.swept, cancelled: ep.cancelled },
        { total: '5', claim_count: 0, swept: 0, cancelled: 1 },
      );
      assert.equal(ep.cancelled_at, Number(r.cancel!.info.blockTimeStamp));
      assert.deepEqual(
        ledgerOf(r.cancel!).map((l) => [l.kind, l.account, l.side, l.amount]),
        [
          ['EPOCH_CANCEL', 'epoch:2', 'CREDIT', '5'],
          ['EPOCH_CANCEL', 'reward_pool', 'DEBIT', '5'],
        ],
      );
    });
  });

  describe('surplus recovery', function () {
    it('books what the vault and the pool held above their liabilities as surplus sent out', function () {
      assert.deepEqual(
        ledgerOf(r.recoverVault!).map((l) => [l.kind, l.account, l.side, l.token, l.amount]),
        [
          ['SURPLUS_RECOVER', 'surplus:vault', 'CREDIT', a.tok.BTT, String(3n * E18)],
          ['SURPLUS_RECOVER', `wallet:${a.addr.bob}`, 'DEBIT', a.tok.BTT, String(3n * E18)],
        ],
      );
      assert.deepEqual(
        ledgerOf(r.recoverPool!).map((l) => [l.kind, l.account, l.side, l.token, l.amount]),
        [
          ['SURPLUS_RECOVER', 'surplus:pool', 'CREDIT', a.tok.USDT, String(2n * SUN)],
          ['SURPLUS_RECOVER', `wallet:${a.addr.bob}`, 'DEBIT', a.tok.USDT, String(2n * SUN)],
        ],
      );
    });
  });

  describe('invariants across tables', function () {
    it('balances every ledger movement per transaction, log and token', function () {
      const sums = new Map<string, bigint>();
      for (const l of rows('SELECT tx_id, log_index, token, side, amount FROM ledger_entries')) {
        const k = `${l.tx_id}/${l.log_index}/${l.token}`;
        sums.set(k, (sums.get(k) ?? 0n) + (l.side === 'DEBIT' ? 1n : -1n) * BigInt(l.amount));
      }
      assert.deepEqual(
        [...sums].filter(([, v]) => v !== 0n),
        [],
      );
      const ids = rows('SELECT id FROM ledger_entries ORDER BY block_number, tx_index, log_index, entry_index').map(
        (l) => l.id,
      );
      assert.deepEqual(
        ids,
        ids.map((_, i) => i + 1),
        'ids number entries in chain order',
      );
      for (const l of rows(
        'SELECT e.account, o.owner FROM ledger_entries e JOIN ledger_owners o ON o.id = e.owner_id',
      )) {
        const m = /^(?:wallet|vault|escrow):(T\w+)$/.exec(l.account);
        assert.equal(l.owner, m ? m[1] : l.account, `owner of ${l.account}`);
      }
      assert.equal(
        rows('SELECT count(*) AS n FROM ledger_entries WHERE owner_id NOT IN (SELECT id FROM ledger_owners)')[0]!.n,
        0,
        'every entry has its owner',
      );
      const owners = rows(
        'SELECT id, (SELECT min(e.id) FROM ledger_entries e WHERE e.owner_id = o.id) AS first FROM ledger_owners o ORDER BY id',
      );
      assert.deepEqual(
        owners.map((o) => o.first),
        [...owners.map((o) => o.first)].sort((x, y) => x - y),
        'owners are numbered by their first entry',
      );
      const giftIds = rows('SELECT id FROM gifts ORDER BY block_number, tx_index, log_index').map((g) => g.id);
      assert.deepEqual(
        giftIds,
        giftIds.map((_, i) => i + 1),
        'ids number gifts in chain order',
      );
    });

    it('derives balances, escrow, treasury and pool from the ledger', function () {
      const ledger = new Map<string, bigint>();
      for (const l of rows('SELECT account, token, side, amount FROM ledger_entries')) {
        const k = `${l.account}|${l.token}`;
        ledger.set(k, (ledger.get(k) ?? 0n) + (l.side === 'DEBIT' ? 1n : -1n) * BigInt(l.amount));
      }
      const at = (k: string): bigint => ledger.get(k) ?? 0n;
      for (const b of rows('SELECT * FROM vault_balances'))
        assert.equal(BigInt(b.amount), at(`vault:${b.user}|${b.token}`), `vault ${b.user}`);
      for (const e of rows('SELECT * FROM earnings'))
        assert.equal(BigInt(e.held), at(`escrow:${e.broadcaster}|${e.token}`));
      for (const t of rows('SELECT * FROM treasury')) assert.equal(BigInt(t.balance), at(`treasury|${t.token}`));
      for (const p of rows('SELECT * FROM pool')) assert.equal(BigInt(p.balance), at(`pool_accrued|${p.token}`));
      for (const p of rows('SELECT * FROM reward_pool'))
        assert.equal(BigInt(p.unallocated), at(`reward_pool|${p.token}`));
    });

    it('keeps totals and charts equal to aggregates of the gifts', function () {
      const gifts = rows('SELECT * FROM gifts');
      const expect = new Map<string, { amount: bigint; count: number }>();
      const add = (k: string, v: bigint): void => {
        const e = expect.get(k) ?? { amount: 0n, count: 0 };
        expect.set(k, { amount: e.amount + v, count: e.count + 1 });
      };
      for (const g of gifts) {
        for (const [kind, who] of [
          ['GIFTERS', g.sender],
          ['BROADCASTERS', g.broadcaster],
        ] as const) {
          for (const period of ['DAY', 'WEEK', 'MONTH', 'ALL'] as const)
            add(`${kind}|${period}|${periodStart(period, g.timestamp)}|${g.token}|||${who}`, BigInt(g.total));
          if (g.stream_id !== '0')
            add(`${kind}|ALL|0|${g.token}|${g.broadcaster}|${g.stream_id}|${who}`, BigInt(g.total));
        }
      }
      const charts = rows('SELECT * FROM leaderboards');
      assert.equal(charts.length, expect.size);
      for (const c of charts) {
        const e = expect.get(
          `${c.kind}|${c.period}|${c.period_start}|${c.token}|${c.stream_owner}|${c.stream_id}|${c.account}`,
        );
        assert.deepEqual({ amount: BigInt(c.amount), count: c.gift_count }, e);
        assert.equal(c.amount_sort, c.amount.padStart(78, '0'));
      }
      for (const s of rows('SELECT * FROM stream_totals')) {
        const of = gifts.filter(
          (g) => g.broadcaster === s.broadcaster && g.stream_id === s.stream_id && g.token === s.token,
        );
        assert.equal(
          BigInt(s.total),
          of.reduce((x, g) => x + BigInt(g.total), 0n),
        );
        assert.equal(s.gift_count, of.length);
      }
      assert.equal(rows("SELECT * FROM stream_totals WHERE stream_id = '0'").length, 0);

      for (const b of rows('SELECT * FROM broadcaster_totals')) {
        const of = gifts.filter((g) => g.broadcaster === b.broadcaster && g.token === b.token);
        assert.equal(
          BigInt(b.total),
          of.reduce((x, g) => x + BigInt(g.total), 0n),
        );
        assert.equal(
          BigInt(b.broadcaster_amount),
          of.reduce((x, g) => x + BigInt(g.broadcaster_amount), 0n),
        );
      }
    });

    // Issue 12, item 5: stream 11 is tagged on a gift to frank and on one to alice; each counts
    // with its own broadcaster, so neither inflates the other's stream totals or per-stream chart.
    it('counts a streamId only with the broadcaster the gift went to', function () {
      const eleven = rows(
        "SELECT broadcaster, token, total, gift_count FROM stream_totals WHERE stream_id = '11' ORDER BY broadcaster",
      );
      assert.deepEqual(
        eleven.map((s) => [s.broadcaster, s.gift_count]).sort(),
        [
          [a.addr.alice, 1],
          [a.addr.frank, 1],
        ].sort(),
      );
      const chart = topAccounts(db, {
        kind: 'BROADCASTERS',
        period: 'ALL',
        periodStart: 0,
        token: TRX_ADDRESS,
        stream: { broadcaster: a.addr.frank, streamId: '11' },
        limit: 10,
      });
      assert.deepEqual(
        chart.map((t) => t.account),
        [a.addr.frank],
      );
    });

    it('serves top-N charts largest first', function () {
      const top = topAccounts(db, { kind: 'GIFTERS', period: 'ALL', periodStart: 0, token: TRX_ADDRESS, limit: 10 });
      assert.ok(top.length >= 2);
      for (let i = 1; i < top.length; i++) assert.ok(top[i - 1]!.amount >= top[i]!.amount);
      assert.equal(top[0]!.account, a.addr.bob);
      const stream7 = topAccounts(db, {
        kind: 'GIFTERS',
        period: 'ALL',
        periodStart: 0,
        token: sys.btt,
        stream: { broadcaster: a.addr.alice, streamId: '7' },
        limit: 10,
      });
      assert.deepEqual(
        stream7.map((t) => [t.account, t.amount]),
        [[a.addr.carol, 10n * E18]],
      );
      const plan = rows(
        "EXPLAIN QUERY PLAN SELECT account FROM leaderboards WHERE kind = 'GIFTERS' AND period = 'DAY' AND period_start = 0 AND token = 'x' AND stream_owner = '' AND stream_id = '' ORDER BY amount_sort DESC, account DESC LIMIT 10",
      );
      assert.ok(
        plan.some((p) => String(p.detail).includes('leaderboards_top')) &&
          !plan.some((p) => String(p.detail).includes('TEMP B-TREE')),
        JSON.stringify(plan),
      );
    });

    it('marks rows above the solidified head pending and the rest final', async function () {
      const final = finalNumber(db);
      const s = ix.status();
      assert.equal(final, s.solidified);
      assert.ok(s.indexed > final, 'the devnet trails by two blocks');
      const lastGift = row('SELECT block_number FROM gifts ORDER BY id DESC LIMIT 1')!;
      assert.ok(lastGift.block_number <= final);
      assert.ok(
        rows('SELECT * FROM roles WHERE block_number > ?', final).length +
          rows('SELECT * FROM gift_catalog WHERE block_number > ?', final).length >
          0,
      );
    });
  });

  describe('verify and reindex', function () {
    it('finds no difference with the contract views', async function () {
      const report = await ix.verify();
      assert.deepEqual(report.differences, []);
      assert.ok(report.checks > 40, `${report.checks} checks`);
    });

    it('rebuilds identical derived tables from the raw store', async function () {
      const before = dumpTables(db);
      const schema = (): Row[] =>
        rows("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
      const schemaBefore = schema();
      const result = await ix.reindex();
      assert.equal(result.events, row('SELECT count(*) AS n FROM raw_events')!.n as number);
      assert.equal(dumpTables(db), before);
      assert.deepEqual(schema(), schemaBefore, 'the indexes dropped for the rebuild are back');
    });
  });

  describe('when the database was built for another deployment', function () {
    it('refuses to start', async function () {
      const other = JSON.parse(readFileSync(deployments, 'utf8')) as { contracts: { GiftVault: { address: string } } };
      other.contracts.GiftVault.address = sys.profiles;
      const file = path.join(tmp.dir, 'other-deployments.json');
      writeFileSync(file, JSON.stringify(other));
      assert.throws(
        () => indexerFor(file, path.join(tmp.dir, 'index.sqlite')),
        (e: unknown) => e instanceof FatalError && /was built for GiftVault/.test(e.message),
      );
    });
  });

  describe('with a tiny write cache (emptied every few rows, mid-event included)', function () {
    it('builds the same tables, by sync and by reindex', async function () {
      const small = indexerFor(deployments, path.join(tmp.dir, 'small-cache.sqlite'), {
        cacheRows: 5,
        config: { batchSize: 7 },
      });
      try {
        await small.sync();
        assert.equal(dumpTables(small.db), dumpTables(db));
        await small.reindex();
        assert.equal(dumpTables(small.db), dumpTables(db));
      } finally {
        await small.close();
      }
    });
  });

  async function headBlock(): Promise<{ number: number; timestamp: number }> {
    const h = (await post(devnet, 'wallet/getnowblock')).block_header.raw_data;
    return { number: Number(h.number), timestamp: Number(h.timestamp) };
  }
});

describe('indexer: handler building blocks', function () {
  const event = (over: Partial<RawEvent> = {}): RawEvent => ({
    blockNumber: 7,
    txIndex: 2,
    logIndex: 3,
    txId: 'ab'.repeat(32),
    timestamp: 1_700_000_000_000,
    contract: 'Profiles',
    address: ZERO_ADDRESS,
    eventName: 'ProfileRegistered',
    args: {},
    ...over,
  });
  let opened: OpenedDatabase;
  /** The handlers see a HandlerStore; the test also drives the batch (begin, flush, discard). */
  let ctx: HandlerContext & { store: DerivedStore };

  beforeEach(async function () {
    opened = openDatabase(':memory:');
    ctx = {
      store: new DerivedStore(sqliteConnection(opened.sqlite)),
      addresses: { Profiles: ZERO_ADDRESS, GiftVault: ZERO_ADDRESS, RewardPool: ZERO_ADDRESS },
    };
    await ctx.store.begin(Number.MAX_SAFE_INTEGER);
  });
  afterEach(function () {
    opened.sqlite.close();
  });

  it('reads uint, small-number, string and bool arguments, and names a missing one', async function () {
    const args = {
      amount: '123456789012345678901234567890',
      bps: '250',
      who: 'TAddr',
      on: true,
      off: 'false',
      yes: 'true',
    };
    assert.equal(big(args, 'amount'), 123456789012345678901234567890n);
    assert.equal(num(args, 'bps'), 250);
    assert.equal(str(args, 'who'), 'TAddr');
    assert.equal(bool(args, 'on'), true);
    assert.equal(bool(args, 'yes'), true);
    assert.equal(bool(args, 'off'), false);
    await assert.rejects(
      async () => str(args, 'nope'),
      (e: unknown) => e instanceof FatalError && e.message === 'event has no argument nope',
    );
    await assert.rejects(
      async () => num({ big: '9007199254740993' }, 'big'),
      (e: unknown) => e instanceof FatalError && e.message === 'argument big is not a safe integer: 9007199254740993',
    );
    assert.equal(num({ max: '9007199254740991' }, 'max'), 9007199254740991);
  });

  it('names the owner of wallet, vault and escrow accounts and keeps the others whole', async function () {
    assert.equal(ownerOf('wallet:TA'), 'TA');
    assert.equal(ownerOf('vault:TB'), 'TB');
    assert.equal(ownerOf('escrow:TC'), 'TC');
    assert.equal(ownerOf('epoch:3'), 'epoch:3');
    assert.equal(ownerOf('surplus:vault'), 'surplus:vault');
    assert.equal(ownerOf('treasury'), 'treasury');
  });

  it('refuses a negative leg and legs that do not balance, naming the movement', async function () {
    await assert.rejects(
      async () => recordMovement(event(), ctx, 'GIFT', 'T0', [{ account: 'wallet:TA', side: 'CREDIT', amount: -1n }]),
      (e: unknown) => e instanceof FatalError && e.message === 'negative GIFT leg for wallet:TA',
    );
    await assert.rejects(
      async () =>
        await recordMovement(event(), ctx, 'CLAIM', 'T0', [
          { account: 'wallet:TA', side: 'CREDIT', amount: 5n },
          { account: 'escrow:TB', side: 'DEBIT', amount: 4n },
        ]),
      (e: unknown) => e instanceof FatalError && e.message === 'CLAIM does not balance: debits 4, credits 5',
    );
  });

  it('writes the non-zero legs in order with the event position, numbering each new owner once', async function () {
    await recordMovement(event(), ctx, 'GIFT', 'T0', [
      { account: 'wallet:TA', side: 'CREDIT', amount: 10n },
      { account: 'treasury', side: 'DEBIT', amount: 0n },
      { account: 'escrow:TB', side: 'DEBIT', amount: 7n },
      { account: 'vault:TA', side: 'DEBIT', amount: 3n },
    ]);
    await ctx.store.flush();
    const entries = opened.sqlite
      .prepare(
        'SELECT block_number, tx_index, log_index, entry_index, kind, account, owner_id, side, token, amount FROM ledger_entries ORDER BY id',
      )
      .all();
    assert.deepEqual(entries, [
      {
        block_number: 7,
        tx_index: 2,
        log_index: 3,
        entry_index: 0,
        kind: 'GIFT',
        account: 'wallet:TA',
        owner_id: 1,
        side: 'CREDIT',
        token: 'T0',
        amount: '10',
      },
      {
        block_number: 7,
        tx_index: 2,
        log_index: 3,
        entry_index: 1,
        kind: 'GIFT',
        account: 'escrow:TB',
        owner_id: 2,
        side: 'DEBIT',
        token: 'T0',
        amount: '7',
      },
      {
        block_number: 7,
        tx_index: 2,
        log_index: 3,
        entry_index: 2,
        kind: 'GIFT',
        account: 'vault:TA',
        owner_id: 1,
        side: 'DEBIT',
        token: 'T0',
        amount: '3',
      },
    ]);
  });

  it('fails on an event without a handler and wraps a handler error with the event position', async function () {
    await assert.rejects(
      async () => applyEvent(event({ eventName: 'Unknown' }), ctx),
      (e: unknown) =>
        e instanceof FatalError &&
        e.message === 'no handler for Profiles:Unknown' &&
        deepEqualContext(e, {
          block_number: 7,
          tx_id: 'ab'.repeat(32),
          tx_index: 2,
          log_index: 3,
          event: 'Profiles:Unknown',
        }),
    );
    await assert.rejects(
      async () => applyEvent(event({ args: { handle: 'x', profileURI: 'u' } }), ctx),
      (e: unknown) =>
        e instanceof FatalError &&
        e.message === 'Profiles:ProfileRegistered: event has no argument account' &&
        e.cause instanceof FatalError &&
        deepEqualContext(e, {
          block_number: 7,
          tx_id: 'ab'.repeat(32),
          tx_index: 2,
          log_index: 3,
          event: 'Profiles:ProfileRegistered',
        }),
    );
  });

  it('applies Profiles events in the test body: registration, updates, status, and follows as a set with counts', async function () {
    const at = (blockNumber: number, eventName: string, args: Record<string, string | boolean>): Promise<void> =>
      applyEvent(event({ blockNumber, timestamp: blockNumber * 1000, eventName, args }), ctx);
    const profile = (address: string): unknown =>
      opened.sqlite
        .prepare(
          'SELECT registered, handle, profile_uri, broadcaster, registered_at, updated_at, follower_count, following_count, block_number FROM profiles WHERE address = ?',
        )
        .get(address);
    await at(1, 'ProfileRegistered', { account: 'TA', handle: 'alice', profileURI: 'ipfs://a' });
    await at(2, 'ProfileUpdated', { account: 'TA', profileURI: 'ipfs://b' });
    await at(3, 'BroadcasterStatusChanged', { account: 'TA', enabled: true });
    await at(4, 'Followed', { follower: 'TF', target: 'TA' });
    await at(5, 'Followed', { follower: 'TF', target: 'TA' });
    await ctx.store.flush();
    assert.deepEqual(profile('TA'), {
      registered: 1,
      handle: 'alice',
      profile_uri: 'ipfs://b',
      broadcaster: 1,
      registered_at: 1000,
      updated_at: 3000,
      follower_count: 1,
      following_count: 0,
      block_number: 4,
    });
    // The follower need not be registered; the repeated Followed changed nothing.
    assert.deepEqual(profile('TF'), {
      registered: 0,
      handle: null,
      profile_uri: null,
      broadcaster: 0,
      registered_at: null,
      updated_at: null,
      follower_count: 0,
      following_count: 1,
      block_number: 4,
    });
    await at(6, 'Unfollowed', { follower: 'TF', target: 'TA' });
    await at(7, 'Unfollowed', { follower: 'TF', target: 'TA' });
    await at(8, 'Unfollowed', { follower: 'TA', target: 'TF' });
    await ctx.store.flush();
    assert.equal(opened.sqlite.prepare('SELECT count(*) FROM follows').pluck().get(), 0);
    assert.deepEqual(
      [
        (profile('TA') as Row).follower_count,
        (profile('TF') as Row).following_count,
        (profile('TF') as Row).block_number,
      ],
      [0, 0, 6],
    );
  });

  it('keeps granted roles until revoked, and role admins', async function () {
    const role = `0x${'11'.repeat(32)}`;
    const at = (blockNumber: number, eventName: string, args: Record<string, string>): Promise<void> =>
      applyEvent(event({ blockNumber, timestamp: blockNumber * 1000, contract: 'GiftVault', eventName, args }), ctx);
    await at(1, 'RoleGranted', { role, account: 'TA', sender: 'TZ' });
    await at(2, 'RoleGranted', { role, account: 'TB', sender: 'TZ' });
    await at(3, 'RoleRevoked', { role, account: 'TA', sender: 'TZ' });
    await at(4, 'RoleAdminChanged', {
      role,
      previousAdminRole: `0x${'00'.repeat(32)}`,
      newAdminRole: `0x${'22'.repeat(32)}`,
    });
    await ctx.store.flush();
    assert.deepEqual(opened.sqlite.prepare('SELECT contract, role, account, granted_at FROM roles').all(), [
      { contract: 'GiftVault', role, account: 'TB', granted_at: 2000 },
    ]);
    assert.deepEqual(opened.sqlite.prepare('SELECT contract, role, admin_role FROM role_admins').all(), [
      { contract: 'GiftVault', role, admin_role: `0x${'22'.repeat(32)}` },
    ]);
  });

  const deepEqualContext = (e: FatalError, expected: Record<string, unknown>): boolean => {
    assert.deepEqual(e.context, expected);
    return true;
  };
});
