/**
 * GiftVault and RewardPool handlers fed synthetic events inside each test (no devnet): every
 * event goes through `applyEvent` into a migrated database, one batch per `apply()` as the
 * follower commits them, and the rows are read back as stored (amounts as decimal TEXT,
 * booleans as 0/1, times in ms). The suite runs on both backends: in-memory SQLite and Postgres. Because the events are applied in the test bodies, perTest
 * mutation coverage sees which test reaches which handler line.
 */
import { strict as assert } from 'node:assert';
import type { HandlerContext } from '../../indexer/handlers/context.js';
import { periodsOf } from '../../indexer/handlers/GiftVault.js';
import { applyEvent } from '../../indexer/handlers/registry.js';
import { toBase58, ZERO_ADDRESS } from '../../lib/address.js';
import type { ContractName } from '../../lib/deployments.js';
import { FatalError } from '../../lib/errors.js';
import { DerivedStore } from '../../indexer/store/derived.js';
import type { EventArgs, RawEvent } from '../../indexer/store/raw.js';
import { INDEX_BACKENDS, type TestIndexDb } from '../helpers/indexDb.js';
import { requireServer } from '../helpers/postgres.js';

type Row = Record<string, unknown>;

const addr = (byte: string): string => toBase58(`41${byte.repeat(20)}`);
const ALICE = addr('a1');
const BOB = addr('b0');
const CAROL = addr('c0');
const BTT = addr('e1');
const TRX = ZERO_ADDRESS;
const VAULT = addr('f1');
const POOL = addr('f2');
const PROFILES = addr('f3');

/** EscrowLib.WIDTH. T0 is a bucket boundary: 1_700_006_400 = 78_704 * 21_600 (seconds). */
const W = 21_600;
const T0 = 1_700_006_400;
const DAY = 86_400;

interface At {
  /** Block time in seconds (default T0) and extra milliseconds. */
  t?: number;
  ms?: number;
  tx?: string;
  txIndex?: number;
  logIndex?: number;
}

for (const backend of INDEX_BACKENDS)
  describe(`indexer handlers (${backend.name}): GiftVault and RewardPool events applied in the test body`, function () {
    let db: TestIndexDb;
    /** The handlers see a HandlerStore; the test also drives the batch (begin, flush, discard). */
    let ctx: HandlerContext & { store: DerivedStore };
    let block: number;

    before(async function () {
      requireServer(this, 'postgresql', backend.installed());
      db = await backend.open();
    });
    after(async function () {
      // Unset when before() skipped the suite.
      await db?.close();
    });
    beforeEach(async function () {
      await db.reset();
      ctx = {
        store: new DerivedStore(db.conn),
        addresses: { Profiles: PROFILES, GiftVault: VAULT, RewardPool: POOL },
      };
      block = 100;
    });

    /** An event in the next block (tx id derived from the block unless given). */
    const ev = (contract: ContractName, eventName: string, args: EventArgs, at: At = {}): RawEvent => {
      const blockNumber = ++block;
      return {
        blockNumber,
        txIndex: at.txIndex ?? 0,
        logIndex: at.logIndex ?? 0,
        txId: at.tx ?? blockNumber.toString(16).padStart(64, '0'),
        timestamp: (at.t ?? T0) * 1000 + (at.ms ?? 0),
        contract,
        address: contract === 'GiftVault' ? VAULT : POOL,
        eventName,
        args,
      };
    };
    const vault = (eventName: string, args: EventArgs, at?: At): RawEvent => ev('GiftVault', eventName, args, at);
    const rp = (eventName: string, args: EventArgs, at?: At): RawEvent => ev('RewardPool', eventName, args, at);

    /** Applies events in one batch and commits it, as the follower does; a failed batch is discarded. */
    const apply = async (...events: RawEvent[]): Promise<void> => {
      try {
        await db.conn.transaction(async () => {
          await ctx.store.begin(Number.MAX_SAFE_INTEGER);
          for (const e of events) {
            await applyEvent(e, ctx);
            await ctx.store.checkpoint();
          }
          await ctx.store.flush();
        });
      } catch (err) {
        ctx.store.discard();
        throw err;
      }
    };
    const assertFatal = async (events: RawEvent[], message: string): Promise<void> => {
      await assert.rejects(
        () => apply(...events),
        (e: unknown) => {
          // Anything else than a FatalError fails assert.throws with that error.
          if (!(e instanceof FatalError)) return false;
          assert.equal(e.message, message);
          return true;
        },
      );
    };
    const all = (sql: string, ...params: unknown[]): Promise<Row[]> => db.all(sql, ...params);
    const one = async (sql: string, ...params: unknown[]): Promise<Row | undefined> =>
      (await db.all(sql, ...params))[0];
    /** Ledger entries as `KIND SIDE account amount token` in id order. */
    const ledger = async (): Promise<string[]> =>
      (await db.all('SELECT kind, side, account, amount, token FROM ledger_entries ORDER BY id')).map(
        (r) =>
          `${r.kind} ${r.side} ${r.account} ${r.amount} ${r.token === BTT ? 'BTT' : r.token === TRX ? 'TRX' : r.token}`,
      );
    const count = async (table: string): Promise<number> =>
      (await db.all(`SELECT count(*) AS n FROM ${table}`))[0]!.n as number;

    const hold = (seconds: number, at?: At): RawEvent =>
      vault('HoldPeriodUpdated', { holdPeriod: String(seconds) }, at);
    const deposit = (user: string, amount: bigint, token = BTT, at?: At): RawEvent =>
      vault('Deposited', { user, token, amount: String(amount) }, at);
    interface Gift {
      sender?: string;
      broadcaster?: string;
      token?: string;
      total: bigint;
      broadcasterAmount: bigint;
      poolAmount: bigint;
      platformAmount: bigint;
      streamId?: string;
      releaseAt: number;
      fromVault?: boolean | string;
    }
    const gift = (g: Gift, at?: At): RawEvent =>
      vault(
        'GiftSent',
        {
          sender: g.sender ?? ALICE,
          broadcaster: g.broadcaster ?? BOB,
          giftId: '4',
          quantity: '2',
          token: g.token ?? BTT,
          total: String(g.total),
          broadcasterAmount: String(g.broadcasterAmount),
          poolAmount: String(g.poolAmount),
          platformAmount: String(g.platformAmount),
          streamId: g.streamId ?? '9',
          releaseAt: String(g.releaseAt),
          fromVault: g.fromVault ?? true,
        },
        at,
      );
    /** A gift of `total` BTT to BOB with the default split (30% broadcaster, 10% pool, 60% platform). */
    const defaultGift = (total: bigint, releaseAt: number, at?: At, over: Partial<Gift> = {}): RawEvent =>
      gift(
        {
          total,
          broadcasterAmount: (total * 3000n) / 10_000n,
          poolAmount: (total * 1000n) / 10_000n,
          platformAmount: total - (total * 3000n) / 10_000n - (total * 1000n) / 10_000n,
          releaseAt,
          ...over,
        },
        at,
      );
    const earningsRow = (broadcaster = BOB, token = BTT): Promise<Row | undefined> =>
      one(
        'SELECT escrowed_total, claimed_total, held, settled, last_claim_at, block_number FROM earnings WHERE broadcaster = ? AND token = ?',
        broadcaster,
        token,
      );
    const slots = (broadcaster = BOB, token = BTT): Promise<Row[]> =>
      all(
        'SELECT slot, release_at, amount, block_number FROM escrow_slots WHERE broadcaster = ? AND token = ? ORDER BY slot',
        broadcaster,
        token,
      );
    const balance = (user: string, token = BTT): Promise<Row | undefined> =>
      one('SELECT amount, block_number FROM vault_balances WHERE "user" = ? AND token = ?', user, token);

    // ------------------------------------------------------------------------------- settings

    describe('settings', function () {
      it('keeps the current hold period in contract_state and every HoldPeriodUpdated in hold_periods', async function () {
        await apply(hold(DAY, { t: T0, txIndex: 1, logIndex: 2, tx: 'aa'.repeat(32) }));
        await apply(hold(3600, { t: T0 + 60, ms: 250 }));
        assert.deepEqual(await all('SELECT contract, key, value, block_number FROM contract_state'), [
          { contract: 'GiftVault', key: 'holdPeriod', value: '3600', block_number: 102 },
        ]);
        assert.deepEqual(
          await all(
            'SELECT block_number, tx_index, log_index, tx_id, timestamp, hold_period FROM hold_periods ORDER BY block_number',
          ),
          [
            {
              block_number: 101,
              tx_index: 1,
              log_index: 2,
              tx_id: 'aa'.repeat(32),
              timestamp: T0 * 1000,
              hold_period: DAY,
            },
            {
              block_number: 102,
              tx_index: 0,
              log_index: 0,
              tx_id: (102).toString(16).padStart(64, '0'),
              timestamp: (T0 + 60) * 1000 + 250,
              hold_period: 3600,
            },
          ],
        );
      });

      it('sets paused to "true" on Paused and back to "false" on Unpaused', async function () {
        await apply(vault('Paused', { account: ALICE }));
        assert.deepEqual(await all("SELECT value, block_number FROM contract_state WHERE key = 'paused'"), [
          { value: 'true', block_number: 101 },
        ]);
        await apply(vault('Unpaused', { account: ALICE }));
        assert.deepEqual(await all("SELECT contract, value, block_number FROM contract_state WHERE key = 'paused'"), [
          { contract: 'GiftVault', value: 'false', block_number: 102 },
        ]);
      });

      it("keeps the allow-list as of each token's last TokenAllowed", async function () {
        await apply(
          vault('TokenAllowed', { token: BTT, allowed: true }, { t: T0 }),
          vault('TokenAllowed', { token: CAROL, allowed: true }, { t: T0 + 1 }),
        );
        await apply(vault('TokenAllowed', { token: BTT, allowed: false }, { t: T0 + 2 }));
        assert.deepEqual(
          await all('SELECT token, allowed, updated_at, block_number FROM tokens_allowed ORDER BY block_number'),
          [
            { token: CAROL, allowed: 1, updated_at: (T0 + 1) * 1000, block_number: 102 },
            { token: BTT, allowed: 0, updated_at: (T0 + 2) * 1000, block_number: 103 },
          ],
        );
      });

      it('keeps each catalog entry as of its last GiftUpdated, price as decimal text', async function () {
        const price = 123_456_789_012_345_678_901n;
        await apply(
          vault('GiftUpdated', { giftId: '4', token: BTT, price: '5', enabled: true, uri: 'gift://rose' }, { t: T0 }),
        );
        await apply(
          vault(
            'GiftUpdated',
            { giftId: '4', token: TRX, price: String(price), enabled: false, uri: 'gift://rose2' },
            { t: T0 + 9 },
          ),
        );
        assert.deepEqual(
          await all('SELECT gift_id, token, price, enabled, uri, updated_at, block_number FROM gift_catalog'),
          [
            {
              gift_id: '4',
              token: TRX,
              price: String(price),
              enabled: 0,
              uri: 'gift://rose2',
              updated_at: (T0 + 9) * 1000,
              block_number: 102,
            },
          ],
        );
      });
    });

    // ------------------------------------------------------------------------------- custody

    describe('deposits and withdrawals', function () {
      it('credits Deposited and debits Withdrawn per user and token, booking DEPOSIT and WITHDRAW', async function () {
        await apply(deposit(ALICE, 1000n), deposit(ALICE, 7n, TRX));
        await apply(vault('Withdrawn', { user: ALICE, token: BTT, amount: '300' }));
        assert.deepEqual(await balance(ALICE), { amount: '700', block_number: 103 });
        assert.deepEqual(await balance(ALICE, TRX), { amount: '7', block_number: 102 });
        assert.deepEqual(await ledger(), [
          `DEPOSIT CREDIT wallet:${ALICE} 1000 BTT`,
          `DEPOSIT DEBIT vault:${ALICE} 1000 BTT`,
          `DEPOSIT CREDIT wallet:${ALICE} 7 TRX`,
          `DEPOSIT DEBIT vault:${ALICE} 7 TRX`,
          `WITHDRAW CREDIT vault:${ALICE} 300 BTT`,
          `WITHDRAW DEBIT wallet:${ALICE} 300 BTT`,
        ]);
      });

      it('keeps a balance row at 0 after withdrawing all of it', async function () {
        await apply(deposit(ALICE, 50n));
        await apply(vault('Withdrawn', { user: ALICE, token: BTT, amount: '50' }));
        assert.deepEqual(await balance(ALICE), { amount: '0', block_number: 102 });
      });

      it('fails with a FatalError when a withdrawal exceeds the mirrored balance, and writes nothing', async function () {
        await apply(deposit(ALICE, 50n));
        await assertFatal(
          [vault('Withdrawn', { user: ALICE, token: BTT, amount: '51' })],
          `GiftVault:Withdrawn: vault balance of ${ALICE} in ${BTT} would go negative (-1)`,
        );
        await assertFatal(
          [vault('Withdrawn', { user: BOB, token: BTT, amount: '1' })],
          `GiftVault:Withdrawn: vault balance of ${BOB} in ${BTT} would go negative (-1)`,
        );
        assert.deepEqual(await balance(ALICE), { amount: '50', block_number: 101 });
        assert.equal(await count('ledger_entries'), 2);
      });
    });

    // ---------------------------------------------------------------------------------- gifts

    describe('GiftSent', function () {
      it('records a vault-paid gift with the default 30/10/60 split in every table it feeds', async function () {
        // hold 1 day at T0 + 100 s: bucket ceil((T0 + 100 + 86400) / 21600) = 78709, slot 78709 % 29 = 3
        const releaseAt = T0 + 5 * W;
        await apply(hold(DAY), deposit(ALICE, 5000n));
        await apply(
          defaultGift(1000n, releaseAt, { t: T0 + 100, ms: 500, txIndex: 3, logIndex: 4, tx: 'cd'.repeat(32) }),
        );
        const ts = (T0 + 100) * 1000 + 500;
        assert.deepEqual(await all('SELECT * FROM gifts'), [
          {
            id: 1,
            tx_id: 'cd'.repeat(32),
            block_number: 103,
            tx_index: 3,
            log_index: 4,
            timestamp: ts,
            sender: ALICE,
            broadcaster: BOB,
            gift_id: '4',
            quantity: 2,
            token: BTT,
            total: '1000',
            broadcaster_amount: '300',
            pool_amount: '100',
            platform_amount: '600',
            stream_id: '9',
            release_at: releaseAt * 1000,
            paid_from: 'VAULT',
            relayed: 0,
            intent_hash: null,
            signer: null,
            session_key: null,
          },
        ]);
        assert.deepEqual(await balance(ALICE), { amount: '4000', block_number: 103 });
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '300',
          claimed_total: '0',
          held: '300',
          settled: '0',
          last_claim_at: null,
          block_number: 103,
        });
        assert.deepEqual(await slots(), [{ slot: 3, release_at: releaseAt * 1000, amount: '300', block_number: 103 }]);
        assert.deepEqual(await all('SELECT * FROM pool'), [
          {
            token: BTT,
            accrued: '100',
            flushed: '0',
            balance: '100',
            last_flush_tx_id: null,
            last_flush_amount: null,
            block_number: 103,
          },
        ]);
        assert.deepEqual(await all('SELECT * FROM treasury'), [
          { token: BTT, accrued: '600', withdrawn: '0', balance: '600', block_number: 103 },
        ]);
        assert.deepEqual(
          await all(
            'SELECT broadcaster, stream_id, token, total, broadcaster_amount, gift_count, first_gift_at, last_gift_at, block_number FROM stream_totals',
          ),
          [
            {
              broadcaster: BOB,
              stream_id: '9',
              token: BTT,
              total: '1000',
              broadcaster_amount: '300',
              gift_count: 1,
              first_gift_at: ts,
              last_gift_at: ts,
              block_number: 103,
            },
          ],
        );
        assert.deepEqual(
          await all(
            'SELECT broadcaster, token, total, broadcaster_amount, gift_count, first_gift_at, last_gift_at, block_number FROM broadcaster_totals',
          ),
          [
            {
              broadcaster: BOB,
              token: BTT,
              total: '1000',
              broadcaster_amount: '300',
              gift_count: 1,
              first_gift_at: ts,
              last_gift_at: ts,
              block_number: 103,
            },
          ],
        );
        // 2023-11-15 (a Wednesday): week from Monday 2023-11-13, month from 2023-11-01.
        const day = Date.UTC(2023, 10, 15);
        const week = Date.UTC(2023, 10, 13);
        const month = Date.UTC(2023, 10, 1);
        const chart = (
          kind: string,
          period: string,
          start: number,
          owner: string,
          stream: string,
          account: string,
        ): Row => ({
          kind,
          period,
          period_start: start,
          token: BTT,
          stream_owner: owner,
          stream_id: stream,
          account,
          amount: '1000',
          gift_count: 1,
          block_number: 103,
        });
        assert.deepEqual(
          await all(
            'SELECT kind, period, period_start, token, stream_owner, stream_id, account, amount, gift_count, block_number FROM leaderboards ORDER BY kind, period, stream_id',
          ),
          [
            chart('BROADCASTERS', 'ALL', 0, '', '', BOB),
            chart('BROADCASTERS', 'ALL', 0, BOB, '9', BOB),
            chart('BROADCASTERS', 'DAY', day, '', '', BOB),
            chart('BROADCASTERS', 'MONTH', month, '', '', BOB),
            chart('BROADCASTERS', 'WEEK', week, '', '', BOB),
            chart('GIFTERS', 'ALL', 0, '', '', ALICE),
            chart('GIFTERS', 'ALL', 0, BOB, '9', ALICE),
            chart('GIFTERS', 'DAY', day, '', '', ALICE),
            chart('GIFTERS', 'MONTH', month, '', '', ALICE),
            chart('GIFTERS', 'WEEK', week, '', '', ALICE),
          ],
        );
        assert.deepEqual((await ledger()).slice(2), [
          `GIFT CREDIT vault:${ALICE} 1000 BTT`,
          `GIFT DEBIT escrow:${BOB} 300 BTT`,
          'GIFT DEBIT pool_accrued 100 BTT',
          'GIFT DEBIT treasury 600 BTT',
        ]);
        assert.deepEqual(
          await all(
            'SELECT block_number, tx_index, log_index, entry_index, timestamp FROM ledger_entries WHERE kind = ? ORDER BY id',
            'GIFT',
          ),
          [0, 1, 2, 3].map((i) => ({ block_number: 103, tx_index: 3, log_index: 4, entry_index: i, timestamp: ts })),
        );
      });

      it('records a wallet-paid gift with an override split: no vault debit, a wallet credit, no stream rows for stream 0', async function () {
        // Override 50/20/30; hold 1 day at T0: the bucket ends exactly at T0 + 1 day (no extra bucket), slot 78708 % 29 = 2.
        await apply(hold(DAY));
        await apply(
          gift({
            total: 1000n,
            broadcasterAmount: 500n,
            poolAmount: 200n,
            platformAmount: 300n,
            streamId: '0',
            releaseAt: T0 + DAY,
            fromVault: false,
          }),
        );
        assert.deepEqual(
          await all(
            'SELECT paid_from, stream_id, broadcaster_amount, pool_amount, platform_amount, release_at FROM gifts',
          ),
          [
            {
              paid_from: 'WALLET',
              stream_id: '0',
              broadcaster_amount: '500',
              pool_amount: '200',
              platform_amount: '300',
              release_at: (T0 + DAY) * 1000,
            },
          ],
        );
        assert.equal(await count('vault_balances'), 0);
        assert.equal(await count('stream_totals'), 0);
        assert.deepEqual(await all('SELECT DISTINCT stream_owner, stream_id FROM leaderboards'), [
          { stream_owner: '', stream_id: '' },
        ]);
        assert.equal(await count('leaderboards'), 8);
        assert.deepEqual(await slots(), [{ slot: 2, release_at: (T0 + DAY) * 1000, amount: '500', block_number: 102 }]);
        assert.deepEqual(await ledger(), [
          `GIFT CREDIT wallet:${ALICE} 1000 BTT`,
          `GIFT DEBIT escrow:${BOB} 500 BTT`,
          'GIFT DEBIT pool_accrued 200 BTT',
          'GIFT DEBIT treasury 300 BTT',
        ]);
      });

      it('adds a second gift in the same bucket, stream and period to the slot, totals and charts', async function () {
        await apply(hold(DAY), deposit(ALICE, 5000n), deposit(CAROL, 5000n));
        await apply(defaultGift(1000n, T0 + 5 * W, { t: T0 + 100 }));
        await apply(defaultGift(2000n, T0 + 5 * W, { t: T0 + 200 }, { sender: CAROL }));
        await apply(defaultGift(10n, T0 + 5 * W, { t: T0 + 300 }));
        const last = (T0 + 300) * 1000;
        assert.deepEqual(await all('SELECT id, sender, total FROM gifts ORDER BY id'), [
          { id: 1, sender: ALICE, total: '1000' },
          { id: 2, sender: CAROL, total: '2000' },
          { id: 3, sender: ALICE, total: '10' },
        ]);
        assert.deepEqual(await slots(), [
          { slot: 3, release_at: (T0 + 5 * W) * 1000, amount: '903', block_number: 106 },
        ]);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '903',
          claimed_total: '0',
          held: '903',
          settled: '0',
          last_claim_at: null,
          block_number: 106,
        });
        assert.deepEqual(await all('SELECT accrued, balance, block_number FROM pool'), [
          { accrued: '301', balance: '301', block_number: 106 },
        ]);
        assert.deepEqual(await all('SELECT accrued, balance, block_number FROM treasury'), [
          { accrued: '1806', balance: '1806', block_number: 106 },
        ]);
        const totals = {
          total: '3010',
          broadcaster_amount: '903',
          gift_count: 3,
          first_gift_at: (T0 + 100) * 1000,
          last_gift_at: last,
          block_number: 106,
        };
        assert.deepEqual(
          await all(
            'SELECT total, broadcaster_amount, gift_count, first_gift_at, last_gift_at, block_number FROM stream_totals',
          ),
          [totals],
        );
        assert.deepEqual(
          await all(
            'SELECT total, broadcaster_amount, gift_count, first_gift_at, last_gift_at, block_number FROM broadcaster_totals',
          ),
          [totals],
        );
        assert.deepEqual(
          await all(
            "SELECT account, stream_id, amount, gift_count, block_number FROM leaderboards WHERE kind = 'GIFTERS' AND period = 'ALL' ORDER BY account, stream_id",
          ),
          [
            { account: ALICE, stream_id: '', amount: '1010', gift_count: 2, block_number: 106 },
            { account: ALICE, stream_id: '9', amount: '1010', gift_count: 2, block_number: 106 },
            { account: CAROL, stream_id: '', amount: '2000', gift_count: 1, block_number: 105 },
            { account: CAROL, stream_id: '9', amount: '2000', gift_count: 1, block_number: 105 },
          ],
        );
        assert.deepEqual(
          await all(
            "SELECT stream_id, amount, gift_count, block_number FROM leaderboards WHERE kind = 'BROADCASTERS' AND period IN ('ALL', 'DAY') ORDER BY period, stream_id",
          ),
          [
            { stream_id: '', amount: '3010', gift_count: 3, block_number: 106 },
            { stream_id: '9', amount: '3010', gift_count: 3, block_number: 106 },
            { stream_id: '', amount: '3010', gift_count: 3, block_number: 106 },
          ],
        );
      });

      it('counts a stream per broadcaster: the same stream id on a gift to another broadcaster is another row', async function () {
        await apply(hold(DAY));
        await apply(defaultGift(1000n, T0 + 5 * W, { t: T0 + 100 }, { fromVault: false }));
        await apply(defaultGift(100n, T0 + 5 * W, { t: T0 + 100 }, { fromVault: false, broadcaster: CAROL }));
        assert.deepEqual(
          await all('SELECT broadcaster, stream_id, total, gift_count FROM stream_totals ORDER BY total'),
          [
            { broadcaster: CAROL, stream_id: '9', total: '100', gift_count: 1 },
            { broadcaster: BOB, stream_id: '9', total: '1000', gift_count: 1 },
          ],
        );
      });

      it('creates no escrow slot for a zero broadcaster share and keeps its release time', async function () {
        await apply(hold(DAY));
        await apply(
          gift(
            {
              total: 10n,
              broadcasterAmount: 0n,
              poolAmount: 0n,
              platformAmount: 10n,
              releaseAt: T0 + 5 * W,
              fromVault: false,
            },
            { t: T0 + 100 },
          ),
        );
        assert.deepEqual(await slots(), []);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '0',
          claimed_total: '0',
          held: '0',
          settled: '0',
          last_claim_at: null,
          block_number: 102,
        });
        assert.deepEqual(await ledger(), [`GIFT CREDIT wallet:${ALICE} 10 BTT`, 'GIFT DEBIT treasury 10 BTT']);
      });

      it('fails with a FatalError when fromVault is not a boolean', async function () {
        await apply(hold(DAY));
        await assertFatal(
          [defaultGift(1000n, T0 + 5 * W, { t: T0 + 100 }, { fromVault: 'true' })],
          'GiftVault:GiftSent: GiftSent without a boolean fromVault (true)',
        );
        assert.equal(await count('gifts'), 0);
      });

      it('fails with a FatalError when the shares do not add up to the total', async function () {
        await apply(hold(DAY));
        await assertFatal(
          [
            gift(
              {
                total: 1000n,
                broadcasterAmount: 300n,
                poolAmount: 100n,
                platformAmount: 599n,
                releaseAt: T0 + 5 * W,
                fromVault: false,
              },
              { t: T0 + 100 },
            ),
          ],
          'GiftVault:GiftSent: GiftSent shares do not add up to 1000',
        );
        await assertFatal(
          [
            gift(
              {
                total: 1000n,
                broadcasterAmount: 300n,
                poolAmount: 101n,
                platformAmount: 600n,
                releaseAt: T0 + 5 * W,
                fromVault: false,
              },
              { t: T0 + 100 },
            ),
          ],
          'GiftVault:GiftSent: GiftSent shares do not add up to 1000',
        );
      });

      it("fails with a FatalError when the chain's releaseAt differs from the mirror's", async function () {
        await apply(hold(DAY));
        await assertFatal(
          [defaultGift(1000n, T0 + 5 * W + 1, { t: T0 + 100 }, { fromVault: false })],
          `GiftVault:GiftSent: escrow mirror gives releaseAt ${T0 + 5 * W}, the chain ${T0 + 5 * W + 1}`,
        );
        await assertFatal(
          [defaultGift(1000n, T0 + 6 * W, { t: T0 }, { fromVault: false })],
          `GiftVault:GiftSent: escrow mirror gives releaseAt ${T0 + 4 * W}, the chain ${T0 + 6 * W}`,
        );
        assert.deepEqual(await slots(), []);
      });

      it('fails with a FatalError on a gift before any HoldPeriodUpdated', async function () {
        await assertFatal(
          [defaultGift(1000n, T0 + 5 * W, { t: T0 + 100 }, { fromVault: false })],
          'GiftVault:GiftSent: GiftSent before any HoldPeriodUpdated: is deployBlock after the vault was deployed?',
        );
      });

      it("fails with a FatalError when a vault-paid gift exceeds the sender's mirrored balance", async function () {
        await apply(hold(DAY), deposit(ALICE, 999n));
        await assertFatal(
          [defaultGift(1000n, T0 + 5 * W, { t: T0 + 100 })],
          `GiftVault:GiftSent: vault balance of ${ALICE} in ${BTT} would go negative (-1)`,
        );
      });
    });

    // --------------------------------------------------------------------------------- escrow

    describe('escrow mirror and claims', function () {
      it('settles a gift at once when the hold period is 0: release time now, no slot, claimable in the same second', async function () {
        await apply(hold(0));
        await apply(defaultGift(1000n, T0 + 77, { t: T0 + 77, ms: 900 }, { fromVault: false }));
        assert.deepEqual(await slots(), []);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '300',
          claimed_total: '0',
          held: '300',
          settled: '300',
          last_claim_at: null,
          block_number: 102,
        });
        await apply(vault('EarningsClaimed', { broadcaster: BOB, token: BTT, amount: '300' }, { t: T0 + 77 }));
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '300',
          claimed_total: '300',
          held: '0',
          settled: '0',
          last_claim_at: (T0 + 77) * 1000,
          block_number: 103,
        });
      });

      it('claims settled earnings and every slot released by the claim time, leaving later slots, into the vault balance', async function () {
        await apply(hold(DAY));
        await apply(defaultGift(1000n, T0 + DAY, { t: T0 }, { fromVault: false })); // slot 2, released at T0 + 4W
        await apply(defaultGift(2000n, T0 + 5 * W, { t: T0 + W }, { fromVault: false })); // slot 3, released at T0 + 5W
        await assertFatal(
          [vault('EarningsClaimed', { broadcaster: BOB, token: BTT, amount: '300' }, { t: T0 + DAY - 1 })],
          `GiftVault:EarningsClaimed: escrow mirror releases 0 to ${BOB}, the chain claimed 300`,
        );
        await apply(
          vault('EarningsClaimed', { broadcaster: BOB, token: BTT, amount: '300' }, { t: T0 + DAY, ms: 999 }),
        );
        assert.deepEqual(await slots(), [
          { slot: 3, release_at: (T0 + 5 * W) * 1000, amount: '600', block_number: 103 },
        ]);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '900',
          claimed_total: '300',
          held: '600',
          settled: '0',
          last_claim_at: (T0 + DAY) * 1000 + 999,
          block_number: 105,
        });
        assert.deepEqual(await balance(BOB), { amount: '300', block_number: 105 });
        assert.deepEqual((await ledger()).slice(-2), [
          `CLAIM CREDIT escrow:${BOB} 300 BTT`,
          `CLAIM DEBIT vault:${BOB} 300 BTT`,
        ]);
        await apply(vault('EarningsClaimed', { broadcaster: BOB, token: BTT, amount: '600' }, { t: T0 + 5 * W }));
        assert.deepEqual(await slots(), []);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '900',
          claimed_total: '900',
          held: '0',
          settled: '0',
          last_claim_at: (T0 + 5 * W) * 1000,
          block_number: 106,
        });
        assert.deepEqual(await balance(BOB), { amount: '900', block_number: 106 });
      });

      it('fails with a FatalError when the claimed amount is not what the mirror releases', async function () {
        await apply(hold(DAY));
        await apply(defaultGift(1000n, T0 + DAY, { t: T0 }, { fromVault: false }));
        await assertFatal(
          [vault('EarningsClaimed', { broadcaster: BOB, token: BTT, amount: '301' }, { t: T0 + DAY })],
          `GiftVault:EarningsClaimed: escrow mirror releases 300 to ${BOB}, the chain claimed 301`,
        );
        await assertFatal(
          [vault('EarningsClaimed', { broadcaster: CAROL, token: BTT, amount: '1' }, { t: T0 + DAY })],
          `GiftVault:EarningsClaimed: escrow mirror releases 0 to ${CAROL}, the chain claimed 1`,
        );
        // The failed batches changed nothing.
        assert.deepEqual(await slots(), [{ slot: 2, release_at: (T0 + DAY) * 1000, amount: '300', block_number: 102 }]);
        assert.equal(await count('earnings'), 1);
      });

      it('moves a released slot to settled when a later bucket reuses it (29 slots), and claims it from there', async function () {
        await apply(hold(3600));
        // T0 + 1 h rounds up to bucket 78705 (slot 28), released at T0 + W.
        await apply(defaultGift(1000n, T0 + W, { t: T0 }, { fromVault: false }));
        assert.deepEqual(await slots(), [{ slot: 28, release_at: (T0 + W) * 1000, amount: '300', block_number: 102 }]);
        // 29 buckets later the same slot: bucket 78734, released at T0 + 30W.
        const later = T0 + 30 * W - 3600;
        await apply(defaultGift(2000n, T0 + 30 * W, { t: later }, { fromVault: false }));
        assert.deepEqual(await slots(), [
          { slot: 28, release_at: (T0 + 30 * W) * 1000, amount: '600', block_number: 103 },
        ]);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '900',
          claimed_total: '0',
          held: '900',
          settled: '300',
          last_claim_at: null,
          block_number: 103,
        });
        await apply(vault('EarningsClaimed', { broadcaster: BOB, token: BTT, amount: '300' }, { t: later }));
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '900',
          claimed_total: '300',
          held: '600',
          settled: '0',
          last_claim_at: later * 1000,
          block_number: 104,
        });
        assert.deepEqual(await slots(), [
          { slot: 28, release_at: (T0 + 30 * W) * 1000, amount: '600', block_number: 103 },
        ]);
      });

      it('empties a reused released slot when the new share is zero, keeping its amount as settled', async function () {
        await apply(hold(3600));
        await apply(defaultGift(1000n, T0 + W, { t: T0 }, { fromVault: false }));
        await apply(
          gift(
            {
              total: 10n,
              broadcasterAmount: 0n,
              poolAmount: 0n,
              platformAmount: 10n,
              releaseAt: T0 + 30 * W,
              fromVault: false,
            },
            { t: T0 + 30 * W - 3600 },
          ),
        );
        assert.deepEqual(await slots(), []);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '300',
          claimed_total: '0',
          held: '300',
          settled: '300',
          last_claim_at: null,
          block_number: 103,
        });
      });

      it('reuses a slot released exactly at the block time (EscrowLib asserts releaseAt <= now)', async function () {
        // A hold just above 28 buckets makes a gift at the release time of slot 28 land in slot 28 again.
        await apply(hold(3600));
        await apply(defaultGift(1000n, T0 + W, { t: T0 }, { fromVault: false }));
        await apply(hold(28 * W + 1));
        await apply(defaultGift(1000n, T0 + 30 * W, { t: T0 + W }, { fromVault: false }));
        assert.deepEqual(await slots(), [
          { slot: 28, release_at: (T0 + 30 * W) * 1000, amount: '300', block_number: 104 },
        ]);
        assert.deepEqual(await earningsRow(), {
          escrowed_total: '600',
          claimed_total: '0',
          held: '600',
          settled: '300',
          last_claim_at: null,
          block_number: 104,
        });
      });

      it('fails with a FatalError when a gift lands on a slot whose bucket is not released yet', async function () {
        await apply(hold(3600));
        await apply(defaultGift(1000n, T0 + W, { t: T0 }, { fromVault: false }));
        await apply(hold(29 * W));
        // T0 + 100 + 29W rounds up to bucket 78734: slot 28, still holding the bucket released at T0 + W.
        await assertFatal(
          [defaultGift(1000n, T0 + 30 * W, { t: T0 + 100 }, { fromVault: false })],
          `GiftVault:GiftSent: escrow slot 28 of ${BOB} holds an unreleased bucket at ${(T0 + W) * 1000}`,
        );
      });
    });

    // --------------------------------------------------------------------------------- freezes

    describe('freezes', function () {
      it('records ClaimsFrozen, and ClaimsUnfrozen ending the freeze at the block second, with both in the history', async function () {
        await apply(
          vault(
            'ClaimsFrozen',
            { broadcaster: BOB, until: String(T0 + DAY), reason: 'dispute #7' },
            { t: T0, ms: 5, txIndex: 1, logIndex: 2, tx: 'ef'.repeat(32) },
          ),
        );
        assert.deepEqual(await all('SELECT * FROM freezes'), [
          {
            broadcaster: BOB,
            until: (T0 + DAY) * 1000,
            reason: 'dispute #7',
            frozen_at: T0 * 1000 + 5,
            unfrozen_at: null,
            block_number: 101,
          },
        ]);
        await apply(vault('ClaimsUnfrozen', { broadcaster: BOB }, { t: T0 + 50, ms: 700 }));
        assert.deepEqual(await all('SELECT * FROM freezes'), [
          {
            broadcaster: BOB,
            until: (T0 + 50) * 1000,
            reason: 'dispute #7',
            frozen_at: T0 * 1000 + 5,
            unfrozen_at: (T0 + 50) * 1000 + 700,
            block_number: 102,
          },
        ]);
        assert.deepEqual(await all('SELECT * FROM freeze_history ORDER BY block_number'), [
          {
            block_number: 101,
            tx_index: 1,
            log_index: 2,
            tx_id: 'ef'.repeat(32),
            timestamp: T0 * 1000 + 5,
            broadcaster: BOB,
            kind: 'FROZEN',
            until: (T0 + DAY) * 1000,
            reason: 'dispute #7',
          },
          {
            block_number: 102,
            tx_index: 0,
            log_index: 0,
            tx_id: (102).toString(16).padStart(64, '0'),
            timestamp: (T0 + 50) * 1000 + 700,
            broadcaster: BOB,
            kind: 'UNFROZEN',
            until: (T0 + 50) * 1000,
            reason: null,
          },
        ]);
      });

      it('fails with a FatalError on ClaimsUnfrozen of a broadcaster never frozen', async function () {
        await assertFatal(
          [vault('ClaimsUnfrozen', { broadcaster: CAROL })],
          `GiftVault:ClaimsUnfrozen: ClaimsUnfrozen for ${CAROL}, who was never frozen`,
        );
      });
    });

    // ---------------------------------------------------------------------- treasury and pool

    describe('treasury, pool accrual and surplus', function () {
      beforeEach(async function () {
        await apply(hold(DAY));
        await apply(defaultGift(1000n, T0 + 5 * W, { t: T0 + 100 }, { fromVault: false })); // pool 100, treasury 600
      });

      it("lowers the treasury on TreasuryWithdrawn, down to 0, booking TREASURY_WITHDRAW to the recipient's wallet", async function () {
        await apply(vault('TreasuryWithdrawn', { token: BTT, to: CAROL, amount: '250' }));
        assert.deepEqual(await all('SELECT * FROM treasury'), [
          { token: BTT, accrued: '600', withdrawn: '250', balance: '350', block_number: 103 },
        ]);
        await apply(vault('TreasuryWithdrawn', { token: BTT, to: CAROL, amount: '350' }));
        assert.deepEqual(await all('SELECT * FROM treasury'), [
          { token: BTT, accrued: '600', withdrawn: '600', balance: '0', block_number: 104 },
        ]);
        assert.deepEqual((await ledger()).slice(-4), [
          'TREASURY_WITHDRAW CREDIT treasury 250 BTT',
          `TREASURY_WITHDRAW DEBIT wallet:${CAROL} 250 BTT`,
          'TREASURY_WITHDRAW CREDIT treasury 350 BTT',
          `TREASURY_WITHDRAW DEBIT wallet:${CAROL} 350 BTT`,
        ]);
      });

      it('fails with a FatalError when a treasury withdrawal exceeds its balance, also in a token with no revenue', async function () {
        await assertFatal(
          [vault('TreasuryWithdrawn', { token: BTT, to: CAROL, amount: '601' })],
          `GiftVault:TreasuryWithdrawn: treasury of ${BTT} would go negative`,
        );
        await assertFatal(
          [vault('TreasuryWithdrawn', { token: TRX, to: CAROL, amount: '1' })],
          `GiftVault:TreasuryWithdrawn: treasury of ${TRX} would go negative`,
        );
      });

      it('lowers the pool accrual on PoolFlushed, down to 0, remembering the flush and booking POOL_FLUSH', async function () {
        await apply(vault('PoolFlushed', { token: BTT, amount: '40' }, { tx: '11'.repeat(32) }));
        assert.deepEqual(await all('SELECT * FROM pool'), [
          {
            token: BTT,
            accrued: '100',
            flushed: '40',
            balance: '60',
            last_flush_tx_id: '11'.repeat(32),
            last_flush_amount: '40',
            block_number: 103,
          },
        ]);
        await apply(vault('PoolFlushed', { token: BTT, amount: '60' }, { tx: '22'.repeat(32) }));
        assert.deepEqual(await all('SELECT * FROM pool'), [
          {
            token: BTT,
            accrued: '100',
            flushed: '100',
            balance: '0',
            last_flush_tx_id: '22'.repeat(32),
            last_flush_amount: '60',
            block_number: 104,
          },
        ]);
        assert.deepEqual((await ledger()).slice(-2), [
          'POOL_FLUSH CREDIT pool_accrued 60 BTT',
          'POOL_FLUSH DEBIT reward_pool 60 BTT',
        ]);
      });

      it('fails with a FatalError when a flush exceeds the pool accrual', async function () {
        await assertFatal(
          [vault('PoolFlushed', { token: BTT, amount: '101' })],
          `GiftVault:PoolFlushed: pool accrual of ${BTT} would go negative`,
        );
        await assertFatal(
          [vault('PoolFlushed', { token: TRX, amount: '1' })],
          `GiftVault:PoolFlushed: pool accrual of ${TRX} would go negative`,
        );
      });

      it('books SurplusRecovered of the vault and of the pool from their surplus accounts, touching no balance', async function () {
        await apply(
          vault('SurplusRecovered', { token: TRX, to: CAROL, amount: '77' }),
          rp('SurplusRecovered', { token: BTT, to: ALICE, amount: '5' }),
        );
        assert.deepEqual((await ledger()).slice(-4), [
          `SURPLUS_RECOVER CREDIT surplus:vault 77 TRX`,
          `SURPLUS_RECOVER DEBIT wallet:${CAROL} 77 TRX`,
          `SURPLUS_RECOVER CREDIT surplus:pool 5 BTT`,
          `SURPLUS_RECOVER DEBIT wallet:${ALICE} 5 BTT`,
        ]);
        assert.deepEqual(await all('SELECT balance FROM treasury UNION ALL SELECT balance FROM pool'), [
          { balance: '600' },
          { balance: '100' },
        ]);
        assert.equal(await count('reward_pool'), 0);
      });
    });

    // ---------------------------------------------------------------------------------- splits

    describe('split policies', function () {
      const policy = (broadcaster: string): Promise<Row | undefined> =>
        one('SELECT * FROM split_policies WHERE broadcaster = ?', broadcaster);
      const history = (): Promise<Row[]> =>
        all(
          'SELECT block_number, tx_index, log_index, tx_id, timestamp, broadcaster, kind, broadcaster_bps, pool_bps, platform_bps, effective_at FROM split_history ORDER BY block_number',
        );
      const bps = (b: number, p: number, f: number): EventArgs => ({
        broadcasterBps: String(b),
        poolBps: String(p),
        platformBps: String(f),
      });
      const base = {
        broadcaster_bps: 0,
        pool_bps: 0,
        platform_bps: 0,
        active: 0,
        has_next: 0,
        next_broadcaster_bps: 0,
        next_pool_bps: 0,
        next_platform_bps: 0,
        next_active: 0,
        effective_at: 0,
      };

      it('applies SplitUpdated of the default (zero address) at once and keeps it in the history', async function () {
        await apply(
          vault(
            'SplitUpdated',
            { broadcaster: ZERO_ADDRESS, ...bps(3000, 1000, 6000) },
            { t: T0, ms: 1, txIndex: 2, logIndex: 3, tx: '33'.repeat(32) },
          ),
        );
        assert.deepEqual(await policy(ZERO_ADDRESS), {
          ...base,
          broadcaster: ZERO_ADDRESS,
          broadcaster_bps: 3000,
          pool_bps: 1000,
          platform_bps: 6000,
          active: 1,
          block_number: 101,
        });
        assert.deepEqual(await history(), [
          {
            block_number: 101,
            tx_index: 2,
            log_index: 3,
            tx_id: '33'.repeat(32),
            timestamp: T0 * 1000 + 1,
            broadcaster: ZERO_ADDRESS,
            kind: 'UPDATED',
            broadcaster_bps: 3000,
            pool_bps: 1000,
            platform_bps: 6000,
            effective_at: T0 * 1000 + 1,
          },
        ]);
      });

      it('keeps the default active and an override inactive until they take effect when a change is only announced', async function () {
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: ZERO_ADDRESS, ...bps(2000, 2000, 6000), effectiveAt: String(T0 + 7 * DAY) },
            { t: T0 },
          ),
        );
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: BOB, ...bps(4000, 1000, 5000), effectiveAt: String(T0 + DAY) },
            { t: T0 + 5 },
          ),
        );
        assert.deepEqual(await policy(ZERO_ADDRESS), {
          ...base,
          broadcaster: ZERO_ADDRESS,
          active: 1,
          has_next: 1,
          next_broadcaster_bps: 2000,
          next_pool_bps: 2000,
          next_platform_bps: 6000,
          next_active: 1,
          effective_at: (T0 + 7 * DAY) * 1000,
          block_number: 101,
        });
        assert.deepEqual(await policy(BOB), {
          ...base,
          broadcaster: BOB,
          has_next: 1,
          next_broadcaster_bps: 4000,
          next_pool_bps: 1000,
          next_platform_bps: 5000,
          next_active: 1,
          effective_at: (T0 + DAY) * 1000,
          block_number: 102,
        });
        assert.deepEqual(
          (await history()).map((h) => [
            h.broadcaster,
            h.kind,
            h.broadcaster_bps,
            h.pool_bps,
            h.platform_bps,
            h.effective_at,
          ]),
          [
            [ZERO_ADDRESS, 'ANNOUNCED', 2000, 2000, 6000, (T0 + 7 * DAY) * 1000],
            [BOB, 'ANNOUNCED', 4000, 1000, 5000, (T0 + DAY) * 1000],
          ],
        );
      });

      it('settles an announced change that is due (effectiveAt <= block second) before the next split event', async function () {
        await apply(vault('SplitUpdated', { broadcaster: BOB, ...bps(5000, 1000, 4000) }, { t: T0 }));
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: BOB, ...bps(4000, 1000, 5000), effectiveAt: String(T0 + DAY) },
            { t: T0 + 1 },
          ),
        );
        // Due exactly now: the announced split becomes current, then the clear is announced on top.
        await apply(
          vault(
            'SplitOverrideClearAnnounced',
            { broadcaster: BOB, effectiveAt: String(T0 + 8 * DAY) },
            { t: T0 + DAY, ms: 400 },
          ),
        );
        assert.deepEqual(await policy(BOB), {
          ...base,
          broadcaster: BOB,
          broadcaster_bps: 4000,
          pool_bps: 1000,
          platform_bps: 5000,
          active: 1,
          has_next: 1,
          next_active: 0,
          effective_at: (T0 + 8 * DAY) * 1000,
          block_number: 103,
        });
        assert.deepEqual((await history()).at(-1), {
          block_number: 103,
          tx_index: 0,
          log_index: 0,
          tx_id: (103).toString(16).padStart(64, '0'),
          timestamp: (T0 + DAY) * 1000 + 400,
          broadcaster: BOB,
          kind: 'OVERRIDE_CLEAR_ANNOUNCED',
          broadcaster_bps: null,
          pool_bps: null,
          platform_bps: null,
          effective_at: (T0 + 8 * DAY) * 1000,
        });
        // A due clear deactivates the override when the next event settles it.
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: BOB, ...bps(3000, 1000, 6000), effectiveAt: String(T0 + 20 * DAY) },
            { t: T0 + 8 * DAY },
          ),
        );
        assert.deepEqual(await policy(BOB), {
          ...base,
          broadcaster: BOB,
          has_next: 1,
          next_broadcaster_bps: 3000,
          next_pool_bps: 1000,
          next_platform_bps: 6000,
          next_active: 1,
          effective_at: (T0 + 20 * DAY) * 1000,
          block_number: 104,
        });
      });

      it('does not settle an announced change one second before it is due', async function () {
        await apply(vault('SplitUpdated', { broadcaster: BOB, ...bps(5000, 1000, 4000) }, { t: T0 }));
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: BOB, ...bps(4000, 1000, 5000), effectiveAt: String(T0 + DAY) },
            { t: T0 + 1 },
          ),
        );
        await apply(
          vault(
            'SplitOverrideClearAnnounced',
            { broadcaster: BOB, effectiveAt: String(T0 + 8 * DAY) },
            { t: T0 + DAY - 1, ms: 999 },
          ),
        );
        assert.deepEqual(await policy(BOB), {
          ...base,
          broadcaster: BOB,
          broadcaster_bps: 5000,
          pool_bps: 1000,
          platform_bps: 4000,
          active: 1,
          has_next: 1,
          effective_at: (T0 + 8 * DAY) * 1000,
          block_number: 103,
        });
      });

      it('replaces the current split and drops an announced one on SplitUpdated', async function () {
        await apply(vault('SplitUpdated', { broadcaster: BOB, ...bps(5000, 1000, 4000) }, { t: T0 }));
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: BOB, ...bps(4000, 1000, 5000), effectiveAt: String(T0 + DAY) },
            { t: T0 + 1 },
          ),
        );
        await apply(vault('SplitUpdated', { broadcaster: BOB, ...bps(6000, 1000, 3000) }, { t: T0 + 2 }));
        assert.deepEqual(await policy(BOB), {
          ...base,
          broadcaster: BOB,
          broadcaster_bps: 6000,
          pool_bps: 1000,
          platform_bps: 3000,
          active: 1,
          next_broadcaster_bps: 4000,
          next_pool_bps: 1000,
          next_platform_bps: 5000,
          next_active: 1,
          effective_at: (T0 + DAY) * 1000,
          block_number: 103,
        });
      });

      it('deactivates the override and drops an announced change on SplitOverrideCleared, effective at the event', async function () {
        await apply(vault('SplitUpdated', { broadcaster: BOB, ...bps(5000, 1000, 4000) }, { t: T0 }));
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: BOB, ...bps(4000, 1000, 5000), effectiveAt: String(T0 + DAY) },
            { t: T0 + 1 },
          ),
        );
        await apply(vault('SplitOverrideCleared', { broadcaster: BOB }, { t: T0 + 2, ms: 3 }));
        assert.deepEqual(await policy(BOB), {
          ...base,
          broadcaster: BOB,
          broadcaster_bps: 5000,
          pool_bps: 1000,
          platform_bps: 4000,
          next_broadcaster_bps: 4000,
          next_pool_bps: 1000,
          next_platform_bps: 5000,
          next_active: 1,
          effective_at: (T0 + DAY) * 1000,
          block_number: 103,
        });
        assert.deepEqual((await history()).at(-1), {
          block_number: 103,
          tx_index: 0,
          log_index: 0,
          tx_id: (103).toString(16).padStart(64, '0'),
          timestamp: (T0 + 2) * 1000 + 3,
          broadcaster: BOB,
          kind: 'OVERRIDE_CLEARED',
          broadcaster_bps: null,
          pool_bps: null,
          platform_bps: null,
          effective_at: (T0 + 2) * 1000 + 3,
        });
      });

      it('announces clearing an override as a next split of zeros, inactive, from effectiveAt', async function () {
        await apply(vault('SplitUpdated', { broadcaster: BOB, ...bps(5000, 1000, 4000) }, { t: T0 }));
        await apply(
          vault(
            'SplitChangeAnnounced',
            { broadcaster: BOB, ...bps(4000, 2000, 4000), effectiveAt: String(T0 + 3 * DAY) },
            { t: T0 + 1 },
          ),
        );
        await apply(
          vault('SplitOverrideClearAnnounced', { broadcaster: BOB, effectiveAt: String(T0 + 7 * DAY) }, { t: T0 + 2 }),
        );
        assert.deepEqual(await policy(BOB), {
          ...base,
          broadcaster: BOB,
          broadcaster_bps: 5000,
          pool_bps: 1000,
          platform_bps: 4000,
          active: 1,
          has_next: 1,
          effective_at: (T0 + 7 * DAY) * 1000,
          block_number: 103,
        });
      });
    });

    // ---------------------------------------------------------------------------- leaderboards

    it('puts a time in its UTC day, ISO week from Monday, month and all time', async function () {
      // Sunday 2024-03-03 23:59:59.999 UTC: the week began on Monday 2024-02-26 (in the previous month).
      assert.deepEqual(periodsOf(Date.UTC(2024, 2, 3, 23, 59, 59, 999)), [
        ['DAY', Date.UTC(2024, 2, 3)],
        ['WEEK', Date.UTC(2024, 1, 26)],
        ['MONTH', Date.UTC(2024, 2, 1)],
        ['ALL', 0],
      ]);
      // Monday 2024-03-04 00:00 UTC starts its own week.
      assert.deepEqual(periodsOf(Date.UTC(2024, 2, 4)), [
        ['DAY', Date.UTC(2024, 2, 4)],
        ['WEEK', Date.UTC(2024, 2, 4)],
        ['MONTH', Date.UTC(2024, 2, 1)],
        ['ALL', 0],
      ]);
      // The epoch's Thursday belongs to the week of Monday 1969-12-29.
      assert.deepEqual(periodsOf(12 * 3_600_000)[1], ['WEEK', Date.UTC(1969, 11, 29)]);
    });

    it('gives every day of 60 years its month and Monday, past the 10,000 days the month cache keeps', async function () {
      // More distinct days than the cache holds, so some are computed afresh whatever earlier tests cached.
      for (let day = 0; day < 60 * 366; day++) {
        const ts = day * 86_400_000 + 3_600_000;
        const d = new Date(ts);
        const [[, dayStart], [, weekStart], [, monthStart]] = periodsOf(ts) as [
          [string, number],
          [string, number],
          [string, number],
        ];
        assert.equal(dayStart, day * 86_400_000);
        assert.equal(monthStart, Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), `month of ${d.toISOString()}`);
        // getUTCDay: 0 Sunday .. 6 Saturday, so (getUTCDay() + 6) % 7 days since Monday.
        assert.equal(weekStart, dayStart - ((d.getUTCDay() + 6) % 7) * 86_400_000, `week of ${d.toISOString()}`);
      }
    });

    // ------------------------------------------------------------------------------ RewardPool

    describe('RewardPool', function () {
      const funds = (token = BTT): Promise<Row | undefined> =>
        one(
          'SELECT unallocated, outstanding, funded_total, claimed_total, swept_total, block_number FROM reward_pool WHERE token = ?',
          token,
        );
      const epoch = (id: string): Promise<Row | undefined> => one('SELECT * FROM reward_epochs WHERE epoch_id = ?', id);
      const root = `0x${'ab'.repeat(32)}`;
      const publish = (epochId: string, total: bigint, at?: At): RawEvent =>
        rp(
          'EpochPublished',
          {
            epochId,
            token: BTT,
            merkleRoot: root,
            total: String(total),
            claimDeadline: String(T0 + 30 * DAY),
            uri: `ipfs://epoch${epochId}`,
          },
          at,
        );
      const claim = (epochId: string, index: string, who: string, amount: bigint, at?: At): RawEvent =>
        rp('RewardClaimed', { epochId, index, account: who, amount: String(amount), category: '2' }, at);
      const fund = (funder: string, amount: bigint, at?: At): RawEvent =>
        rp('Funded', { funder, token: BTT, amount: String(amount) }, at);

      it('adds Funded by an account to the unallocated funds and books REWARD_FUND from its wallet', async function () {
        await apply(fund(CAROL, 500n));
        await apply(fund(CAROL, 20n));
        assert.deepEqual(await funds(), {
          unallocated: '520',
          outstanding: '0',
          funded_total: '520',
          claimed_total: '0',
          swept_total: '0',
          block_number: 102,
        });
        assert.deepEqual(await ledger(), [
          `REWARD_FUND CREDIT wallet:${CAROL} 500 BTT`,
          'REWARD_FUND DEBIT reward_pool 500 BTT',
          `REWARD_FUND CREDIT wallet:${CAROL} 20 BTT`,
          'REWARD_FUND DEBIT reward_pool 20 BTT',
        ]);
      });

      describe('when the vault flushes its pool accrual', function () {
        const FLUSH_TX = '44'.repeat(32);
        beforeEach(async function () {
          await apply(hold(DAY));
          await apply(defaultGift(1000n, T0 + 5 * W, { t: T0 + 100 }, { fromVault: false })); // pool accrual 100
        });

        it("books nothing more for the vault's Funded of the amount flushed in the same transaction", async function () {
          await apply(
            vault('PoolFlushed', { token: BTT, amount: '100' }, { tx: FLUSH_TX }),
            rp('Funded', { funder: VAULT, token: BTT, amount: '100' }, { tx: FLUSH_TX, logIndex: 1 }),
          );
          assert.deepEqual(await funds(), {
            unallocated: '100',
            outstanding: '0',
            funded_total: '100',
            claimed_total: '0',
            swept_total: '0',
            block_number: 104,
          });
          assert.deepEqual((await ledger()).slice(4), [
            'POOL_FLUSH CREDIT pool_accrued 100 BTT',
            'POOL_FLUSH DEBIT reward_pool 100 BTT',
          ]);
        });

        it('books the part of a flush that did not arrive (a fee-on-transfer token) as TRANSFER_FEE', async function () {
          await apply(
            vault('PoolFlushed', { token: BTT, amount: '100' }, { tx: FLUSH_TX }),
            rp('Funded', { funder: VAULT, token: BTT, amount: '97' }, { tx: FLUSH_TX, logIndex: 1 }),
          );
          assert.deepEqual(await funds(), {
            unallocated: '97',
            outstanding: '0',
            funded_total: '97',
            claimed_total: '0',
            swept_total: '0',
            block_number: 104,
          });
          assert.deepEqual((await ledger()).slice(4), [
            'POOL_FLUSH CREDIT pool_accrued 100 BTT',
            'POOL_FLUSH DEBIT reward_pool 100 BTT',
            'TRANSFER_FEE CREDIT reward_pool 3 BTT',
            'TRANSFER_FEE DEBIT token_fees 3 BTT',
          ]);
        });

        it('fails with a FatalError when the vault funds more than it flushed', async function () {
          await assertFatal(
            [
              vault('PoolFlushed', { token: BTT, amount: '60' }, { tx: FLUSH_TX }),
              rp('Funded', { funder: VAULT, token: BTT, amount: '61' }, { tx: FLUSH_TX, logIndex: 1 }),
            ],
            `RewardPool:Funded: the pool received 61 of ${BTT}, more than the 60 flushed`,
          );
        });

        it('fails with a FatalError when the vault funds without a PoolFlushed in the same transaction', async function () {
          const message = `RewardPool:Funded: the vault funded the pool with 50 of ${BTT} without a PoolFlushed in the same transaction`;
          // A pool row exists (from the gift) but was never flushed.
          await assertFatal([rp('Funded', { funder: VAULT, token: BTT, amount: '50' }, { tx: FLUSH_TX })], message);
          await apply(vault('PoolFlushed', { token: BTT, amount: '50' }, { tx: FLUSH_TX }));
          await assertFatal(
            [rp('Funded', { funder: VAULT, token: BTT, amount: '50' }, { tx: '55'.repeat(32) })],
            message,
          );
          await assertFatal(
            [rp('Funded', { funder: VAULT, token: TRX, amount: '50' }, { tx: FLUSH_TX })],
            `RewardPool:Funded: the vault funded the pool with 50 of ${TRX} without a PoolFlushed in the same transaction`,
          );
          assert.equal(await count('reward_pool'), 0);
        });
      });

      it('publishes an epoch: allocates its total from the unallocated funds, down to 0, and books EPOCH_PUBLISH', async function () {
        await apply(fund(CAROL, 1000n));
        await apply(publish('3', 1000n, { t: T0, ms: 8, tx: '66'.repeat(32) }));
        assert.deepEqual(await epoch('3'), {
          epoch_id: '3',
          token: BTT,
          merkle_root: root,
          total: '1000',
          claimed: '0',
          claim_count: 0,
          claim_deadline: (T0 + 30 * DAY) * 1000,
          uri: 'ipfs://epoch3',
          published_at: T0 * 1000 + 8,
          published_tx_id: '66'.repeat(32),
          swept: 0,
          swept_amount: '0',
          swept_at: null,
          cancelled: 0,
          cancelled_at: null,
          block_number: 102,
        });
        assert.deepEqual(await funds(), {
          unallocated: '0',
          outstanding: '1000',
          funded_total: '1000',
          claimed_total: '0',
          swept_total: '0',
          block_number: 102,
        });
        assert.deepEqual((await ledger()).slice(2), [
          'EPOCH_PUBLISH CREDIT reward_pool 1000 BTT',
          'EPOCH_PUBLISH DEBIT epoch:3 1000 BTT',
        ]);
      });

      it('fails with a FatalError when an epoch allocates more than the unallocated funds', async function () {
        await apply(fund(CAROL, 999n));
        await assertFatal(
          [publish('3', 1000n)],
          `RewardPool:EpochPublished: epoch 3 allocates more ${BTT} than the pool has unallocated`,
        );
        await assertFatal(
          [
            rp('EpochPublished', {
              epochId: '4',
              token: TRX,
              merkleRoot: root,
              total: '1',
              claimDeadline: '1',
              uri: '',
            }),
          ],
          `RewardPool:EpochPublished: epoch 4 allocates more ${TRX} than the pool has unallocated`,
        );
        assert.equal(await count('reward_epochs'), 0);
      });

      it('records each RewardClaimed against its epoch and the funds, booking REWARD_CLAIM to the wallet', async function () {
        await apply(fund(CAROL, 1000n), publish('3', 700n));
        await apply(claim('3', '0', ALICE, 300n, { t: T0 + 60, ms: 2, txIndex: 4, logIndex: 5, tx: '77'.repeat(32) }));
        await apply(claim('3', '1', BOB, 400n, { t: T0 + 61 }));
        assert.deepEqual(
          [(await epoch('3'))?.claimed, (await epoch('3'))?.claim_count, (await epoch('3'))?.block_number],
          ['700', 2, 104],
        );
        assert.deepEqual(await funds(), {
          unallocated: '300',
          outstanding: '0',
          funded_total: '1000',
          claimed_total: '700',
          swept_total: '0',
          block_number: 104,
        });
        assert.deepEqual(await all('SELECT * FROM reward_claims ORDER BY claim_index'), [
          {
            epoch_id: '3',
            claim_index: '0',
            account: ALICE,
            amount: '300',
            category: 2,
            tx_id: '77'.repeat(32),
            block_number: 103,
            tx_index: 4,
            log_index: 5,
            timestamp: (T0 + 60) * 1000 + 2,
          },
          {
            epoch_id: '3',
            claim_index: '1',
            account: BOB,
            amount: '400',
            category: 2,
            tx_id: (104).toString(16).padStart(64, '0'),
            block_number: 104,
            tx_index: 0,
            log_index: 0,
            timestamp: (T0 + 61) * 1000,
          },
        ]);
        assert.deepEqual((await ledger()).slice(4), [
          'REWARD_CLAIM CREDIT epoch:3 300 BTT',
          `REWARD_CLAIM DEBIT wallet:${ALICE} 300 BTT`,
          'REWARD_CLAIM CREDIT epoch:3 400 BTT',
          `REWARD_CLAIM DEBIT wallet:${BOB} 400 BTT`,
        ]);
      });

      it('fails with a FatalError on a claim of an unpublished epoch, beyond what is left of its epoch, or from a swept or cancelled one', async function () {
        await apply(fund(CAROL, 1000n), publish('3', 700n), publish('4', 100n), publish('5', 100n));
        await assertFatal(
          [claim('9', '0', ALICE, 1n)],
          'RewardPool:RewardClaimed: event for epoch 9, which was never published',
        );
        // 701 is within what the three epochs owe together (900), not within epoch 3's 700.
        await assertFatal(
          [claim('3', '0', ALICE, 701n)],
          'RewardPool:RewardClaimed: a claim of 701 from epoch 3 exceeds what is left of it (700)',
        );
        await apply(claim('3', '0', ALICE, 600n));
        await assertFatal(
          [claim('3', '1', BOB, 101n)],
          'RewardPool:RewardClaimed: a claim of 101 from epoch 3 exceeds what is left of it (100)',
        );
        await apply(
          rp('EpochSwept', { epochId: '4', amount: '100' }),
          rp('EpochCancelled', { epochId: '5', amount: '100' }),
        );
        await assertFatal(
          [claim('4', '0', ALICE, 1n)],
          'RewardPool:RewardClaimed: epoch 4 claimed from after it was swept',
        );
        await assertFatal(
          [claim('5', '0', ALICE, 1n)],
          'RewardPool:RewardClaimed: epoch 5 claimed from after it was cancelled',
        );
        assert.deepEqual(await all('SELECT epoch_id, amount FROM reward_claims'), [{ epoch_id: '3', amount: '600' }]);
      });

      it("sweeps an epoch's unclaimed rest back to the unallocated funds, booking EPOCH_SWEEP", async function () {
        await apply(fund(CAROL, 1000n), publish('3', 700n), claim('3', '0', ALICE, 300n));
        await apply(rp('EpochSwept', { epochId: '3', amount: '400' }, { t: T0 + 31 * DAY, ms: 6 }));
        const e = (await epoch('3'))!;
        assert.deepEqual(
          [e.swept, e.swept_amount, e.swept_at, e.claimed, e.cancelled, e.block_number],
          [1, '400', (T0 + 31 * DAY) * 1000 + 6, '300', 0, 104],
        );
        assert.deepEqual(await funds(), {
          unallocated: '700',
          outstanding: '0',
          funded_total: '1000',
          claimed_total: '300',
          swept_total: '400',
          block_number: 104,
        });
        assert.deepEqual((await ledger()).slice(-2), [
          'EPOCH_SWEEP CREDIT epoch:3 400 BTT',
          'EPOCH_SWEEP DEBIT reward_pool 400 BTT',
        ]);
      });

      it('fails with a FatalError on a sweep of an unpublished epoch, of other than its unclaimed rest, or a second time', async function () {
        await apply(fund(CAROL, 1000n), publish('3', 700n), claim('3', '0', ALICE, 300n));
        await assertFatal(
          [rp('EpochSwept', { epochId: '8', amount: '1' })],
          'RewardPool:EpochSwept: event for epoch 8, which was never published',
        );
        for (const amount of ['401', '399']) {
          await assertFatal(
            [rp('EpochSwept', { epochId: '3', amount })],
            `RewardPool:EpochSwept: epoch 3 swept with ${amount}, but 400 of it was unclaimed`,
          );
        }
        await apply(rp('EpochSwept', { epochId: '3', amount: '400' }));
        await assertFatal(
          [rp('EpochSwept', { epochId: '3', amount: '0' })],
          'RewardPool:EpochSwept: epoch 3 swept after it was swept',
        );
        assert.deepEqual(await funds(), {
          unallocated: '700',
          outstanding: '0',
          funded_total: '1000',
          claimed_total: '300',
          swept_total: '400',
          block_number: 107,
        });
      });

      it('cancels an unclaimed epoch: its total back to the unallocated funds, booking EPOCH_CANCEL', async function () {
        await apply(fund(CAROL, 1000n), publish('3', 700n));
        await apply(rp('EpochCancelled', { epochId: '3', amount: '700' }, { t: T0 + 9, ms: 1 }));
        const e = (await epoch('3'))!;
        assert.deepEqual(
          [e.cancelled, e.cancelled_at, e.swept, e.claimed, e.block_number],
          [1, (T0 + 9) * 1000 + 1, 0, '0', 103],
        );
        assert.deepEqual(await funds(), {
          unallocated: '1000',
          outstanding: '0',
          funded_total: '1000',
          claimed_total: '0',
          swept_total: '0',
          block_number: 103,
        });
        assert.deepEqual((await ledger()).slice(-2), [
          'EPOCH_CANCEL CREDIT epoch:3 700 BTT',
          'EPOCH_CANCEL DEBIT reward_pool 700 BTT',
        ]);
      });

      it('fails with a FatalError on cancelling an unpublished, claimed, partially returned, swept or already cancelled epoch', async function () {
        await apply(fund(CAROL, 1000n), publish('3', 700n), publish('4', 200n));
        await assertFatal(
          [rp('EpochCancelled', { epochId: '7', amount: '1' })],
          'RewardPool:EpochCancelled: event for epoch 7, which was never published',
        );
        await assertFatal(
          [rp('EpochCancelled', { epochId: '3', amount: '699' })],
          'RewardPool:EpochCancelled: epoch 3 cancelled with 699 after 0 claims of its 700',
        );
        await apply(claim('4', '0', ALICE, 1n));
        await assertFatal(
          [rp('EpochCancelled', { epochId: '4', amount: '200' })],
          'RewardPool:EpochCancelled: epoch 4 cancelled with 200 after 1 claims of its 200',
        );
        await apply(rp('EpochSwept', { epochId: '3', amount: '700' }));
        await assertFatal(
          [rp('EpochCancelled', { epochId: '3', amount: '700' })],
          'RewardPool:EpochCancelled: epoch 3 cancelled after it was swept',
        );
        await apply(publish('6', 50n));
        await apply(rp('EpochCancelled', { epochId: '6', amount: '50' }));
        await assertFatal(
          [rp('EpochCancelled', { epochId: '6', amount: '50' })],
          'RewardPool:EpochCancelled: epoch 6 cancelled after it was cancelled',
        );
        assert.deepEqual(await funds(), {
          unallocated: '800',
          outstanding: '199',
          funded_total: '1000',
          claimed_total: '1',
          swept_total: '700',
          block_number: 111,
        });
      });
    });
  });
