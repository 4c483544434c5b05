/**
 * GiftVault's gift-session handlers fed synthetic events (no devnet), as handlers.test.ts does:
 * SessionOpened, GiftSettled from a session's reserve or a wallet intent,
 * IntentSkipped, SessionClosed, SessionReleased and SessionGraceUpdated, on both backends.
 */
import { strict as assert } from 'node:assert';
import type { HandlerContext } from '../../indexer/handlers/context.js';
import { applyEvent } from '../../indexer/handlers/registry.js';
import { DerivedStore } from '../../indexer/store/derived.js';
import type { EventArgs, RawEvent } from '../../indexer/store/raw.js';
import { toBase58 } from '../../lib/address.js';
import { FatalError } from '../../lib/errors.js';
import { packGiftSettled, SKIP_REASONS } from '../../lib/gifts/intents.js';
import { INDEX_BACKENDS, type TestIndexDb } from '../helpers/indexDb.js';
import { requireServer } from '../helpers/postgres.js';

type Row = Record<string, unknown>;

const addr = (byte: string): string => toBase58(`41${byte.repeat(20)}`);
const ALICE = addr('a1');
const BOB = addr('b0');
const KEY = addr('5e');
const KEY2 = addr('5f');
const BTT = addr('e1');
const USDT = addr('e2');
const VAULT = addr('f1');
const T0 = 1_700_006_400;
const HOUR = 3600;
const GRACE = 600;
const HASH1 = `0x${'11'.repeat(32)}`;
const HASH2 = `0x${'22'.repeat(32)}`;

interface At {
  t?: number;
  tx?: string;
  logIndex?: number;
}

for (const backend of INDEX_BACKENDS)
  describe(`indexer handlers (${backend.name}): gift sessions, relayed gifts and skipped intents`, function () {
    let db: TestIndexDb;
    let ctx: HandlerContext & { store: DerivedStore };
    let block: number;

    before(async function () {
      requireServer(this, 'postgresql', backend.installed());
      db = await backend.open();
    });
    after(async function () {
      await db?.close();
    });
    beforeEach(async function () {
      await db.reset();
      ctx = {
        store: new DerivedStore(db.conn),
        addresses: { Profiles: addr('f3'), GiftVault: VAULT, RewardPool: addr('f2') },
      };
      block = 100;
    });

    /** An event of the vault in the next block, unless `same` keeps the block (events of one transaction). */
    const vault = (eventName: string, args: EventArgs, at: At = {}, same = false): RawEvent => {
      const blockNumber = same ? block : ++block;
      return {
        blockNumber,
        txIndex: 0,
        logIndex: at.logIndex ?? 0,
        txId: at.tx ?? blockNumber.toString(16).padStart(64, '0'),
        timestamp: (at.t ?? T0) * 1000,
        contract: 'GiftVault',
        address: VAULT,
        eventName,
        args,
      };
    };
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
          if (!(e instanceof FatalError)) return false;
          assert.equal(e.message, message);
          return true;
        },
      );
    };
    const all = (sql: string, ...params: unknown[]): Promise<Row[]> => db.all(sql, ...params);
    const one = async (sql: string, ...params: unknown[]): Promise<Row | undefined> =>
      (await db.all(sql, ...params))[0];
    const ledger = async (): Promise<string[]> =>
      (await all('SELECT kind, side, account, amount FROM ledger_entries ORDER BY id')).map(
        (r) => `${r.kind} ${r.side} ${r.account} ${r.amount}`,
      );
    const balance = async (user = ALICE, token = BTT): Promise<unknown> =>
      (await one('SELECT amount FROM vault_balances WHERE "user" = ? AND token = ?', user, token))?.amount;
    const session = (key = KEY): Promise<Row | undefined> =>
      one(
        'SELECT viewer, token, cap, spent, reserved, gift_count, grace, expires_at, closed_at, releasable_at, released_amount, released_at, release_tx_id, status, opened_at, open_tx_id, open_block_number, block_number FROM gift_sessions WHERE session_key = ?',
        key,
      );

    const hold = (): RawEvent => vault('HoldPeriodUpdated', { holdPeriod: '0' });
    const deposit = (amount: bigint, token = BTT): RawEvent =>
      vault('Deposited', { user: ALICE, token, amount: String(amount) });
    const open = (cap: bigint, at: At = {}, key = KEY, token = BTT): RawEvent =>
      vault(
        'SessionOpened',
        {
          sessionKey: key,
          viewer: ALICE,
          token,
          cap: String(cap),
          expiresAt: String((at.t ?? T0) + HOUR),
          grace: String(GRACE),
        },
        at,
      );
    /** A GiftSettled (a gift of `total` to BOB, 30% to BOB and 10% to the pool, settled at once: hold 0). */
    const relayedGift = (signer: string, total: bigint, hash = HASH1, t = T0 + 60): RawEvent[] => {
      const tx = `${(block + 1).toString(16).padStart(4, '0')}${'ab'.repeat(30)}`;
      const w = packGiftSettled({
        sender: ALICE,
        giftId: 4n,
        quantity: 1n,
        broadcaster: BOB,
        streamId: 9n,
        signer,
        releaseAt: BigInt(t),
        broadcasterBps: 3000,
        poolBps: 1000,
        total,
      });
      const settled = vault(
        'GiftSettled',
        {
          intentHash: hash,
          senderGift: String(w.senderGift),
          broadcasterStream: String(w.broadcasterStream),
          signerTerms: String(w.signerTerms),
          token: BTT,
          total: String(total),
        },
        { t, tx, logIndex: 4 },
      );
      return [settled];
    };
    const skipped = (reason: number, nonce = '7', at: At = {}): RawEvent =>
      vault('IntentSkipped', { intentHash: HASH2, sender: ALICE, nonce, reason: String(reason) }, at);

    describe('when a session opens', function () {
      it('moves the cap from the vault balance to the session and books SESSION_OPEN; SessionGraceUpdated sets the grace', async function () {
        await apply(vault('SessionGraceUpdated', { grace: String(GRACE) }), deposit(1000n));
        await apply(open(400n, { t: T0 + 5, tx: 'cd'.repeat(32) }));
        assert.equal(await balance(), '600');
        assert.deepEqual(await session(), {
          viewer: ALICE,
          token: BTT,
          cap: '400',
          spent: '0',
          reserved: '400',
          gift_count: 0,
          grace: GRACE,
          expires_at: (T0 + 5 + HOUR) * 1000,
          closed_at: null,
          releasable_at: (T0 + 5 + HOUR + GRACE) * 1000,
          released_amount: null,
          released_at: null,
          release_tx_id: null,
          status: 'OPEN',
          opened_at: (T0 + 5) * 1000,
          open_tx_id: 'cd'.repeat(32),
          open_block_number: 103,
          block_number: 103,
        });
        assert.deepEqual(
          await all("SELECT value FROM contract_state WHERE contract = 'GiftVault' AND key = 'sessionGrace'"),
          [{ value: String(GRACE) }],
        );
        assert.deepEqual((await ledger()).slice(2), [
          `SESSION_OPEN CREDIT vault:${ALICE} 400`,
          `SESSION_OPEN DEBIT reserve:${ALICE} 400`,
        ]);
      });

      it('fails with a FatalError when the cap exceeds the mirrored balance or the key was opened before', async function () {
        await apply(deposit(100n));
        await assertFatal(
          [open(101n)],
          `GiftVault:SessionOpened: vault balance of ${ALICE} in ${BTT} would go negative (-1)`,
        );
        await apply(open(60n));
        await assertFatal([open(10n)], `GiftVault:SessionOpened: session key ${KEY} opened twice`);
        assert.equal(await balance(), '40');
      });
    });

    describe('when settleGifts applies intents', function () {
      it("pays a session key's gift from the session's reserve: the balance stays, the gift is relayed with its hash, signer and session", async function () {
        await apply(hold(), deposit(1000n), open(400n));
        await apply(...relayedGift(KEY, 150n), ...relayedGift(KEY, 50n, HASH2).map((e) => ({ ...e })));
        assert.equal(await balance(), '600');
        const s = await session();
        assert.deepEqual([s?.spent, s?.reserved, s?.gift_count], ['200', '200', 2]);
        assert.deepEqual(
          await all('SELECT total, paid_from, relayed, intent_hash, signer, session_key FROM gifts ORDER BY id'),
          [
            { total: '150', paid_from: 'VAULT', relayed: 1, intent_hash: HASH1, signer: KEY, session_key: KEY },
            { total: '50', paid_from: 'VAULT', relayed: 1, intent_hash: HASH2, signer: KEY, session_key: KEY },
          ],
        );
        assert.deepEqual((await ledger()).slice(4, 6), [
          `GIFT CREDIT reserve:${ALICE} 150`,
          `GIFT DEBIT escrow:${BOB} 45`,
        ]);
      });

      it('pays a wallet intent (signed by the sender) from the vault balance, relayed with no session', async function () {
        await apply(hold(), deposit(1000n), open(400n));
        await apply(...relayedGift(ALICE, 100n));
        assert.equal(await balance(), '500');
        assert.equal((await session())?.spent, '0');
        assert.deepEqual(await all('SELECT relayed, signer, session_key FROM gifts'), [
          { relayed: 1, signer: ALICE, session_key: null },
        ]);
        assert.equal((await ledger())[4], `GIFT CREDIT vault:${ALICE} 100`);
      });

      it('records every skipped intent with its reason by name, in chain order', async function () {
        await apply(...SKIP_REASONS.map((_, i) => skipped(i, String(2n ** 200n + BigInt(i)), { logIndex: i })));
        const rows = await all(
          'SELECT id, intent_hash, sender, nonce, reason, log_index FROM skipped_intents ORDER BY id',
        );
        assert.equal(rows.length, 17);
        assert.deepEqual(rows[0], {
          id: 1,
          intent_hash: HASH2,
          sender: ALICE,
          nonce: String(2n ** 200n),
          reason: 'BadSignature',
          log_index: 0,
        });
        assert.deepEqual(
          rows.map((r) => r.reason),
          [...SKIP_REASONS],
        );
        assert.equal(rows[16]?.reason, 'OutOfRange');
        await assertFatal([skipped(17)], 'GiftVault:IntentSkipped: IntentSkipped with an unknown reason 17');
      });

      it('fails with a FatalError on a session gift over what is left of its cap, or after its grace period', async function () {
        await apply(hold(), deposit(1000n), open(100n));
        await assertFatal(
          relayedGift(KEY, 101n),
          `GiftVault:GiftSettled: session ${KEY} pays 101 with 100 left of its cap`,
        );
        await assertFatal(
          relayedGift(KEY, 10n, HASH1, T0 + HOUR + GRACE),
          `GiftVault:GiftSettled: session ${KEY} paid a gift after its grace period`,
        );
        await apply(...relayedGift(KEY, 10n, HASH1, T0 + HOUR + GRACE - 1));
        assert.equal((await session())?.reserved, '90');
      });

      it('fails with a FatalError when the signer is neither a session of the sender nor the sender', async function () {
        await apply(hold(), deposit(1000n), open(100n));
        await assertFatal(
          relayedGift(BOB, 10n),
          `GiftVault:GiftSettled: relayed gift of ${ALICE} signed by ${BOB}, neither a session of theirs nor them`,
        );
      });
    });

    describe('when a session ends', function () {
      it('closes it early: ended now, releasable after the grace; releases what is left to the balance, booking SESSION_RELEASE', async function () {
        await apply(hold(), deposit(1000n), open(400n));
        await apply(...relayedGift(KEY, 150n));
        const closeAt = T0 + 100;
        await apply(
          vault(
            'SessionClosed',
            { sessionKey: KEY, viewer: ALICE, releasableAt: String(closeAt + GRACE) },
            { t: closeAt },
          ),
        );
        let s = await session();
        assert.deepEqual(
          [s?.status, s?.closed_at, s?.releasable_at],
          ['CLOSED', closeAt * 1000, (closeAt + GRACE) * 1000],
        );
        const release = (amount: bigint, t: number): RawEvent =>
          vault(
            'SessionReleased',
            { sessionKey: KEY, viewer: ALICE, token: BTT, amount: String(amount) },
            { t, tx: 'ef'.repeat(32) },
          );
        await assertFatal(
          [release(250n, closeAt + GRACE - 1)],
          `GiftVault:SessionReleased: session ${KEY} released before its grace period ended`,
        );
        await assertFatal(
          [release(251n, closeAt + GRACE)],
          `GiftVault:SessionReleased: session mirror releases 250 to ${ALICE}, the chain 251`,
        );
        await apply(release(250n, closeAt + GRACE));
        s = await session();
        assert.deepEqual(
          [s?.status, s?.spent, s?.reserved, s?.released_amount, s?.released_at, s?.release_tx_id],
          ['RELEASED', '150', '0', '250', (closeAt + GRACE) * 1000, 'ef'.repeat(32)],
        );
        assert.equal(await balance(), '850');
        assert.deepEqual((await ledger()).slice(-2), [
          `SESSION_RELEASE CREDIT reserve:${ALICE} 250`,
          `SESSION_RELEASE DEBIT vault:${ALICE} 250`,
        ]);
        await assertFatal([release(0n, closeAt + GRACE)], `GiftVault:SessionReleased: session ${KEY} released twice`);
      });

      it('releases an expired session after its grace, and refuses a close after the expiry or with another releasableAt', async function () {
        await apply(deposit(1000n), open(300n, {}, KEY), open(200n, {}, KEY2, BTT));
        await assertFatal(
          [vault('SessionClosed', { sessionKey: KEY, viewer: ALICE, releasableAt: '1' }, { t: T0 + HOUR })],
          `GiftVault:SessionClosed: session ${KEY} closed after it ended`,
        );
        await assertFatal(
          [
            vault(
              'SessionClosed',
              { sessionKey: KEY, viewer: ALICE, releasableAt: String(T0 + 1 + GRACE + 1) },
              { t: T0 + 1 },
            ),
          ],
          `GiftVault:SessionClosed: session mirror gives releasableAt ${T0 + 1 + GRACE}, the chain ${T0 + 1 + GRACE + 1}`,
        );
        await apply(
          vault(
            'SessionReleased',
            { sessionKey: KEY, viewer: ALICE, token: BTT, amount: '300' },
            { t: T0 + HOUR + GRACE },
          ),
        );
        assert.equal(await balance(), '800');
        assert.deepEqual(
          (await all('SELECT session_key, status, reserved FROM gift_sessions ORDER BY open_block_number')).map((r) => [
            r.session_key,
            r.status,
            r.reserved,
          ]),
          [
            [KEY, 'RELEASED', '0'],
            [KEY2, 'OPEN', '200'],
          ],
        );
        await assertFatal(
          [vault('SessionReleased', { sessionKey: USDT, viewer: ALICE, token: BTT, amount: '1' })],
          `GiftVault:SessionReleased: no session has key ${USDT}`,
        );
      });
    });
  });
