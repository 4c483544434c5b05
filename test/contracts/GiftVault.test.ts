/**
 * GiftVault on the devnet through TronWeb: custody, the catalog, gifts and their split, escrow and
 * claims, the split policy, dispute freezes, treasury and pool, pause and reentrancy.
 *
 * One fixture deploys the system and seeds accounts; every test starts from a snapshot of it and
 * is reverted afterwards. Balance assertions go through a ledger: a test reads every quantity of
 * the accounts and tokens it touches before acting and states the exact change of each one; every
 * quantity it does not name must stay the same. After each passing test the custody invariant is
 * checked for every token: the vault's real balance equals `totalLiabilities` (or exceeds it when
 * the test sent tokens to the vault outside a deposit).
 */
import assert from 'node:assert/strict';
import { TronWeb, utils as tronUtils } from 'tronweb';
import { artifact, startDevnet, tre, tronWebFor, type Devnet } from '../helpers/devnet.js';
import {
  DAY,
  DEFAULT_PARAMS,
  RevertError,
  TRX_ADDRESS,
  call,
  deploy,
  deploySystem,
  eventOf,
  expectRevert,
  send,
  trxBalance,
  type System,
  type TxResult,
} from '../helpers/contracts.js';

const HOUR = 3_600;
const E18 = 10n ** 18n;
const MAX_UINT = 2n ** 256n - 1n;

/** Account roles: admin holds every vault role; alice and frank broadcast; dave is registered only. */
const ACCOUNTS = { admin: 0, alice: 1, bob: 2, carol: 3, dave: 4, frank: 5, mallory: 6, payee: 7 } as const;
type Name = keyof typeof ACCOUNTS;

const TOKENS = ['TRX', 'BTT', 'USDT', 'FEE', 'REE'] as const;
type Tok = (typeof TOKENS)[number];

const GIFT = { TRX: 1n, SUN: 2n, BTT: 10n, USDT: 20n, FEE: 30n, REE: 40n, DISABLED: 99n, UNKNOWN: 777n } as const;
const PRICE = { TRX: 1_000_000n, SUN: 1n, BTT: 5n * E18, USDT: 2_000_000n, FEE: E18, REE: E18 } as const;

const ROLE = {
  DEFAULT_ADMIN: `0x${'00'.repeat(32)}`,
  CATALOG: tronUtils.ethersUtils.id('CATALOG_ROLE'),
  POLICY: tronUtils.ethersUtils.id('POLICY_ROLE'),
  DISPUTE: tronUtils.ethersUtils.id('DISPUTE_ROLE'),
  TREASURY: tronUtils.ethersUtils.id('TREASURY_ROLE'),
  PAUSER: tronUtils.ethersUtils.id('PAUSER_ROLE'),
};

type SplitBps = [number, number, number];
const DEFAULT_SPLIT = DEFAULT_PARAMS.split;
const HOLD = DEFAULT_PARAMS.holdPeriod;
const NOTICE = DEFAULT_PARAMS.noticePeriod;
const MAX_HOLD = 7 * DAY;
const MAX_FREEZE = 14 * DAY;
const FREEZE_COOLDOWN = 7 * DAY;

const vaultAbi = new tronUtils.ethersUtils.Interface(artifact('GiftVault').abi as never);

/** A varied hold period for step `i`: from an hour to six days. */
const rngHold = (i: number): number => [HOUR, DAY, 2 * DAY + 5 * HOUR, 6 * DAY, 0, 3 * HOUR][i % 6]!;

/** `0x` + the 20-byte EVM form of a base58 address, for ABI encoding. */
function evm(address: string): string {
  return `0x${(TronWeb.address.toHex(address) as string).slice(2)}`;
}

/** What a split pays out of `total`: floor for broadcaster and pool, the remainder to the platform. */
function splitAmounts(total: bigint, split: SplitBps): { b: bigint; p: bigint; f: bigint } {
  const b = (total * BigInt(split[0])) / 10_000n;
  const p = (total * BigInt(split[1])) / 10_000n;
  return { b, p, f: total - b - p };
}

/** Width of an escrow bucket (EscrowLib.WIDTH), whatever the hold period. */
const BUCKET = 6 * HOUR;

/** The release time EscrowLib gives a credit at `t` (no slot collision): now + hold rounded up to a bucket. */
function releaseOf(t: number, hold: number): number {
  if (hold === 0) return t;
  return Math.ceil((t + hold) / BUCKET) * BUCKET;
}

/** Block time (seconds) of a transaction, mined or reverted. */
function timeOf(r: TxResult | RevertError): number {
  const info = r.info;
  assert.ok(info, 'no receipt');
  return Math.floor(Number(info.blockTimeStamp) / 1000);
}

/** Sun burned by a transaction, mined or reverted. */
function feeOf(r: TxResult | RevertError): bigint {
  return BigInt(r.info?.fee ?? 0);
}

describe('GiftVault', function () {
  let dn: Devnet;
  let sys: System;
  let vault: string;
  const addr = {} as Record<Name, string>;
  const tok = {} as Record<Tok, string>;
  /** Tokens sent to the vault outside deposits in the current test: custody may exceed liabilities. */
  const donated = new Set<Tok>();
  let snapshot = '';

  // ---------------------------------------------------------------- helpers

  const tx = (
    from: Name,
    contract: string,
    signature: string,
    args: unknown[] = [],
    callValue?: bigint,
  ): Promise<TxResult> =>
    send(dn, ACCOUNTS[from], contract, signature, args, callValue === undefined ? {} : { callValue });

  const v = (from: Name, signature: string, args: unknown[] = [], callValue?: bigint): Promise<TxResult> =>
    tx(from, vault, signature, args, callValue);

  /** earningsOf's claimable (0), pending (1) or next release (2). */
  const earning = async (i: 0 | 1 | 2, args: unknown[]): Promise<bigint> =>
    ((await view('earningsOf(address,address)', args, ['uint256', 'uint256', 'uint64'])) as bigint[])[i]!;
  const view = (signature: string, args: unknown[] = [], outputs: string[] = ['uint256']): Promise<any> =>
    call(dn, vault, signature, args, outputs);

  /**
   * What the app shows for a gift: its token and price as the catalog lists them now (TRX and the
   * largest total for an id the catalog does not have, so the checks before the price guard decide).
   */
  async function shown(giftId: bigint, quantity: bigint): Promise<[string, bigint]> {
    try {
      const [token, price] = (await view('giftInfo(uint256)', [giftId], ['address', 'uint256', 'bool'])) as [
        string,
        bigint,
      ];
      return [token, price * quantity];
    } catch (e) {
      if (e instanceof RevertError && e.errorName === 'UnknownGift') return [TRX_ADDRESS, MAX_UINT];
      throw e;
    }
  }

  type GiftArgs = [broadcaster: string, giftId: bigint, quantity: bigint, streamId: bigint];
  const SEND_GIFT = 'sendGift(address,uint256,uint256,uint256,address,uint256)';
  const SEND_GIFT_DIRECT = 'sendGiftDirect(address,uint256,uint256,uint256,address,uint256)';

  /** sendGift at the price shown now (or at `terms`: the token and maximum total the sender agreed to). */
  const gift = async (from: Name, args: GiftArgs, terms?: [string, bigint]): Promise<TxResult> =>
    v(from, SEND_GIFT, [...args, ...(terms ?? (await shown(args[1], args[2])))]);

  /** sendGiftDirect at the price shown now (or at `terms`). */
  const giftDirect = async (
    from: Name,
    args: GiftArgs,
    callValue?: bigint,
    terms?: [string, bigint],
  ): Promise<TxResult> =>
    v(from, SEND_GIFT_DIRECT, [...args, ...(terms ?? (await shown(args[1], args[2])))], callValue);

  /** Real balance of `holder` in a token: account balance for TRX, balanceOf otherwise. */
  async function realBalance(holder: string, t: Tok): Promise<bigint> {
    return t === 'TRX' ? trxBalance(dn, holder) : ((await call(dn, tok[t], 'balanceOf(address)', [holder])) as bigint);
  }

  /** Expects a transaction to revert with `name(args)` and returns the error (with its receipt). */
  async function reverts(p: Promise<unknown>, name: string, args: unknown[]): Promise<RevertError> {
    const e = await expectRevert(p, name, args);
    assert.equal(e.info?.result, 'FAILED', 'a reverted transaction carries a FAILED receipt');
    return e;
  }

  interface Ledger {
    users: Name[];
    tokens: Tok[];
    values: Map<string, bigint>;
  }

  /**
   * Reads, for each token: the vault's real balance (`custody`), `liabilities`, `treasury`,
   * `pool` (accrued), the RewardPool's `rewardPool` (unallocated) and `rewardPoolWallet` (real
   * balance); and for each user: `vault` balance, `wallet` balance, escrow `pending` and `claimable`.
   */
  async function ledger(users: Name[], tokens: Tok[]): Promise<Ledger> {
    const reads: [string, Promise<bigint>][] = [];
    for (const t of tokens) {
      const a = tok[t];
      reads.push([`custody.${t}`, realBalance(vault, t)]);
      reads.push([`liabilities.${t}`, view('totalLiabilities(address)', [a])]);
      reads.push([`treasury.${t}`, view('treasuryBalance(address)', [a])]);
      reads.push([`pool.${t}`, view('poolAccrued(address)', [a])]);
      reads.push([`rewardPool.${t}`, call(dn, sys.rewardPool, 'unallocated(address)', [a])]);
      reads.push([`rewardPoolWallet.${t}`, realBalance(sys.rewardPool, t)]);
      for (const u of users) {
        reads.push([`${u}.vault.${t}`, view('balanceOf(address,address)', [addr[u], a])]);
        reads.push([`${u}.wallet.${t}`, realBalance(addr[u], t)]);
        reads.push([`${u}.pending.${t}`, earning(1, [addr[u], a])]);
        reads.push([`${u}.claimable.${t}`, earning(0, [addr[u], a])]);
      }
    }
    const values = await Promise.all(reads.map(([, p]) => p));
    return { users, tokens, values: new Map(reads.map(([k], i) => [k, values[i]!])) };
  }

  /** Asserts that every ledger quantity changed by exactly `changes[key]` (zero when not named). */
  async function expectLedger(before: Ledger, changes: Record<string, bigint>): Promise<void> {
    const after = await ledger(before.users, before.tokens);
    for (const k of Object.keys(changes)) assert.ok(after.values.has(k), `unknown ledger key ${k}`);
    const wrong: string[] = [];
    for (const [k, value] of after.values) {
      const d = value - before.values.get(k)!;
      const want = changes[k] ?? 0n;
      if (d !== want) wrong.push(`${k} changed by ${d}, expected ${want}`);
    }
    assert.deepEqual(wrong, [], wrong.join('; '));
  }

  /** The custody invariant for every token. */
  async function expectCustody(): Promise<void> {
    for (const t of TOKENS) {
      const [real, owed] = await Promise.all([
        realBalance(vault, t),
        view('totalLiabilities(address)', [tok[t]]) as Promise<bigint>,
      ]);
      if (donated.has(t)) assert.ok(real >= owed, `${t}: vault holds ${real} < liabilities ${owed}`);
      else assert.equal(real, owed, `${t}: vault holds ${real}, liabilities ${owed}`);
    }
  }

  /** Chain time in seconds the next block will carry (at least). */
  const chainNow = (): number => Math.floor(dn.chain.now() / 1000);

  /** Moves the clock so the next block is at `ts` or later, and mines a block so views see it. */
  async function advanceTo(ts: number): Promise<void> {
    const d = ts - dn.chain.now() / 1000;
    if (d > 0) await tre(dn, 'tre_increaseTime', [Math.ceil(d)]);
    await tre(dn, 'tre_mine');
  }

  async function advance(seconds: number): Promise<void> {
    await tre(dn, 'tre_increaseTime', [seconds]);
    await tre(dn, 'tre_mine');
  }

  const splitOf = (b: string): Promise<bigint[]> => view('splitOf(address)', [b], ['(uint16,uint16,uint16)']);
  const pendingSplitOf = (b: string): Promise<[boolean, bigint[], bigint]> =>
    view('pendingSplitOf(address)', [b], ['bool', '(uint16,uint16,uint16)', 'uint64']);
  const bps = (s: SplitBps): bigint[] => s.map(BigInt);

  /** Asserts the GiftSent event of `r`, every field, for a gift split by `split` and held for `hold`. */
  function expectGiftSent(
    r: TxResult,
    g: {
      sender: Name;
      broadcaster: Name;
      giftId: bigint;
      quantity: bigint;
      token: Tok;
      total: bigint;
      streamId: bigint;
      split: SplitBps;
      hold?: number;
      direct?: boolean;
    },
  ): { b: bigint; p: bigint; f: bigint; releaseAt: number } {
    const hold = g.hold ?? HOLD;
    const { b, p, f } = splitAmounts(g.total, g.split);
    assert.equal(b + p + f, g.total);
    const t = timeOf(r);
    const e = eventOf(r, 'GiftSent');
    const releaseAt = Number(e.releaseAt as bigint);
    assert.ok(releaseAt >= t + hold, `released at ${releaseAt}, before ${t} + hold ${hold}`);
    if (hold > 0)
      assert.ok(releaseAt < t + hold + BUCKET, `released at ${releaseAt}, a bucket or more after ${t} + hold`);
    assert.deepEqual(e, {
      sender: addr[g.sender],
      broadcaster: addr[g.broadcaster],
      giftId: g.giftId,
      quantity: g.quantity,
      token: tok[g.token],
      total: g.total,
      broadcasterAmount: b,
      poolAmount: p,
      platformAmount: f,
      streamId: g.streamId,
      releaseAt: BigInt(releaseOf(t, hold)),
      fromVault: !g.direct,
    });
    return { b, p, f, releaseAt };
  }

  // ---------------------------------------------------------------- fixture

  before(async function () {
    dn = await startDevnet();
    sys = await deploySystem(dn);
    vault = sys.vault;
    for (const [n, i] of Object.entries(ACCOUNTS)) addr[n as Name] = dn.accounts[i]!.address;
    const tw = tronWebFor(dn, 0);
    Object.assign(tok, {
      TRX: TRX_ADDRESS,
      BTT: sys.btt,
      USDT: sys.usdt,
      FEE: await deploy(tw, 'FeeOnTransferToken'),
      REE: await deploy(tw, 'ReentrantToken'),
    });
    await v('admin', 'setTokenAllowed(address,bool)', [tok.FEE, true]);
    await v('admin', 'setTokenAllowed(address,bool)', [tok.REE, true]);

    for (const n of ['alice', 'frank', 'dave'] as const) await tx(n, sys.profiles, 'register(string,string)', [n, '']);
    for (const n of ['alice', 'frank'] as const) await tx(n, sys.profiles, 'setBroadcaster(bool)', [true]);

    const gifts: [bigint, Tok, bigint, boolean, string][] = [
      [GIFT.TRX, 'TRX', PRICE.TRX, true, 'rose'],
      [GIFT.SUN, 'TRX', PRICE.SUN, true, 'sun'],
      [GIFT.BTT, 'BTT', PRICE.BTT, true, 'rocket'],
      [GIFT.USDT, 'USDT', PRICE.USDT, true, 'crown'],
      [GIFT.FEE, 'FEE', PRICE.FEE, true, 'leaky'],
      [GIFT.REE, 'REE', PRICE.REE, true, 'hostile'],
      [GIFT.DISABLED, 'TRX', PRICE.TRX, false, 'retired'],
    ];
    for (const [id, t, price, enabled, uri] of gifts)
      await v('admin', 'setGift(uint256,address,uint256,bool,string)', [id, tok[t], price, enabled, uri]);

    for (const n of ['bob', 'carol'] as const) {
      for (const t of ['BTT', 'USDT', 'FEE', 'REE'] as const) {
        await tx(n, tok[t], 'mint(address,uint256)', [addr[n], t === 'USDT' ? 1_000_000_000n : 1_000n * E18]);
        await tx(n, tok[t], 'approve(address,uint256)', [vault, MAX_UINT]);
      }
    }
  });

  after(async function () {
    await dn?.close();
  });

  beforeEach(async function () {
    donated.clear();
    snapshot = await tre<string>(dn, 'tre_snapshot');
  });

  afterEach(async function () {
    try {
      if (this.currentTest?.state === 'passed') await expectCustody();
    } finally {
      await tre(dn, 'tre_revert', [snapshot]);
    }
  });

  // ---------------------------------------------------------------- deployment

  describe('when deployed', function () {
    it('holds the parameters it was deployed with', async function () {
      assert.deepEqual(await splitOf(addr.alice), bps(DEFAULT_SPLIT));
      assert.equal(await view('holdPeriod()'), BigInt(HOLD));
      assert.equal(await view('broadcasterFloorBps()', [], ['uint16']), 3000n);
      assert.equal(await view('noticePeriod()', [], ['uint64']), BigInt(NOTICE));
      assert.equal(await view('MAX_QUANTITY()'), 10_000n);
      assert.deepEqual(await pendingSplitOf(addr.alice), [false, [0n, 0n, 0n], 0n]);
      for (const [name, role] of Object.entries(ROLE)) {
        assert.equal(await view('hasRole(bytes32,address)', [role, addr.admin], ['bool']), true, name);
        assert.equal(await view('hasRole(bytes32,address)', [role, addr.mallory], ['bool']), false, name);
      }
      for (const t of TOKENS) assert.equal(await view('totalLiabilities(address)', [tok[t]]), 0n, t);
    });
  });

  // ---------------------------------------------------------------- allow-list

  describe('when the admin manages the allow-list', function () {
    it('adds and removes a token with TokenAllowed', async function () {
      const other = await deploy(tronWebFor(dn, 0), 'MockBTT');
      assert.equal(await view('isTokenAllowed(address)', [other], ['bool']), false);
      let r = await v('admin', 'setTokenAllowed(address,bool)', [other, true]);
      assert.deepEqual(eventOf(r, 'TokenAllowed'), { token: other, allowed: true });
      assert.equal(await view('isTokenAllowed(address)', [other], ['bool']), true);
      r = await v('admin', 'setTokenAllowed(address,bool)', [other, false]);
      assert.deepEqual(eventOf(r, 'TokenAllowed'), { token: other, allowed: false });
      assert.equal(await view('isTokenAllowed(address)', [other], ['bool']), false);
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller is not the admin', async function () {
      await reverts(
        v('mallory', 'setTokenAllowed(address,bool)', [tok.BTT, false]),
        'AccessControlUnauthorizedAccount',
        [addr.mallory, ROLE.DEFAULT_ADMIN],
      );
      assert.equal(await view('isTokenAllowed(address)', [tok.BTT], ['bool']), true);
    });

    it('reverts with ZeroAddress when the token is TRX, which is always allowed', async function () {
      await reverts(v('admin', 'setTokenAllowed(address,bool)', [TRX_ADDRESS, false]), 'ZeroAddress', []);
      assert.equal(await view('isTokenAllowed(address)', [TRX_ADDRESS], ['bool']), true);
    });
  });

  // ---------------------------------------------------------------- deposits

  describe('when a user deposits', function () {
    it('credits TRX with Deposited', async function () {
      const before = await ledger(['bob'], ['TRX']);
      const r = await v('bob', 'depositTRX()', [], 5_000_000n);
      assert.deepEqual(eventOf(r, 'Deposited'), { user: addr.bob, token: TRX_ADDRESS, amount: 5_000_000n });
      await expectLedger(before, {
        'bob.vault.TRX': 5_000_000n,
        'bob.wallet.TRX': -5_000_000n - feeOf(r),
        'custody.TRX': 5_000_000n,
        'liabilities.TRX': 5_000_000n,
      });
    });

    it('credits BTT pulled with transferFrom', async function () {
      const amount = 123n * E18;
      const before = await ledger(['bob'], ['BTT']);
      const r = await v('bob', 'deposit(address,uint256)', [tok.BTT, amount]);
      assert.deepEqual(eventOf(r, 'Deposited'), { user: addr.bob, token: tok.BTT, amount });
      await expectLedger(before, {
        'bob.vault.BTT': amount,
        'bob.wallet.BTT': -amount,
        'custody.BTT': amount,
        'liabilities.BTT': amount,
      });
    });

    it('credits a USDT-like token', async function () {
      const before = await ledger(['bob'], ['USDT']);
      const r = await v('bob', 'deposit(address,uint256)', [tok.USDT, 7_500_000n]);
      assert.deepEqual(eventOf(r, 'Deposited'), { user: addr.bob, token: tok.USDT, amount: 7_500_000n });
      await expectLedger(before, {
        'bob.vault.USDT': 7_500_000n,
        'bob.wallet.USDT': -7_500_000n,
        'custody.USDT': 7_500_000n,
        'liabilities.USDT': 7_500_000n,
      });
    });

    it('credits what arrived of a fee-on-transfer token', async function () {
      const before = await ledger(['bob'], ['FEE']);
      const r = await v('bob', 'deposit(address,uint256)', [tok.FEE, 100n * E18]);
      assert.deepEqual(eventOf(r, 'Deposited'), { user: addr.bob, token: tok.FEE, amount: 99n * E18 });
      await expectLedger(before, {
        'bob.vault.FEE': 99n * E18,
        'bob.wallet.FEE': -100n * E18,
        'custody.FEE': 99n * E18,
        'liabilities.FEE': 99n * E18,
      });
    });

    it('reverts with TokenNotAllowed when the token is off the allow-list', async function () {
      const other = await deploy(tronWebFor(dn, 0), 'MockBTT');
      await tx('bob', other, 'mint(address,uint256)', [addr.bob, E18]);
      await tx('bob', other, 'approve(address,uint256)', [vault, E18]);
      const before = await ledger(['bob'], ['BTT']);
      await reverts(v('bob', 'deposit(address,uint256)', [other, E18]), 'TokenNotAllowed', [other]);
      assert.equal(await call(dn, other, 'balanceOf(address)', [addr.bob]), E18);
      await expectLedger(before, {});
    });

    it('reverts with TokenNotAllowed when TRX is passed to deposit', async function () {
      await reverts(v('bob', 'deposit(address,uint256)', [TRX_ADDRESS, 1n]), 'TokenNotAllowed', [TRX_ADDRESS]);
    });

    it('reverts with TokenNotAllowed when the token was removed, while withdrawing it still works', async function () {
      await v('bob', 'deposit(address,uint256)', [tok.BTT, 10n * E18]);
      await v('admin', 'setTokenAllowed(address,bool)', [tok.BTT, false]);
      const before = await ledger(['bob'], ['BTT']);
      await reverts(v('bob', 'deposit(address,uint256)', [tok.BTT, E18]), 'TokenNotAllowed', [tok.BTT]);
      const r = await v('bob', 'withdraw(address,uint256)', [tok.BTT, 10n * E18]);
      assert.deepEqual(eventOf(r, 'Withdrawn'), { user: addr.bob, token: tok.BTT, amount: 10n * E18 });
      await expectLedger(before, {
        'bob.vault.BTT': -10n * E18,
        'bob.wallet.BTT': 10n * E18,
        'custody.BTT': -10n * E18,
        'liabilities.BTT': -10n * E18,
      });
    });

    it('reverts with ZeroAmount when the TRX deposit is zero', async function () {
      const before = await ledger(['bob'], ['TRX']);
      const e = await reverts(v('bob', 'depositTRX()', [], 0n), 'ZeroAmount', []);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('reverts with ZeroAmount when the token deposit is zero', async function () {
      await reverts(v('bob', 'deposit(address,uint256)', [tok.BTT, 0n]), 'ZeroAmount', []);
    });

    it('reverts with the token error when the allowance is short', async function () {
      await tx('bob', tok.BTT, 'approve(address,uint256)', [vault, E18]);
      const before = await ledger(['bob'], ['BTT']);
      await reverts(v('bob', 'deposit(address,uint256)', [tok.BTT, 2n * E18]), 'TRC20InsufficientAllowance', [
        vault,
        E18,
        2n * E18,
      ]);
      await expectLedger(before, {});
    });
  });

  // ---------------------------------------------------------------- withdrawals

  describe('when a user withdraws', function () {
    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 5_000_000n);
      await v('bob', 'deposit(address,uint256)', [tok.BTT, 50n * E18]);
      await v('bob', 'deposit(address,uint256)', [tok.USDT, 40_000_000n]);
    });

    it('sends TRX with Withdrawn', async function () {
      const before = await ledger(['bob'], ['TRX']);
      const r = await v('bob', 'withdraw(address,uint256)', [TRX_ADDRESS, 2_000_000n]);
      assert.deepEqual(eventOf(r, 'Withdrawn'), { user: addr.bob, token: TRX_ADDRESS, amount: 2_000_000n });
      await expectLedger(before, {
        'bob.vault.TRX': -2_000_000n,
        'bob.wallet.TRX': 2_000_000n - feeOf(r),
        'custody.TRX': -2_000_000n,
        'liabilities.TRX': -2_000_000n,
      });
    });

    it('sends BTT with Withdrawn', async function () {
      const before = await ledger(['bob'], ['BTT']);
      const r = await v('bob', 'withdraw(address,uint256)', [tok.BTT, 50n * E18]);
      assert.deepEqual(eventOf(r, 'Withdrawn'), { user: addr.bob, token: tok.BTT, amount: 50n * E18 });
      await expectLedger(before, {
        'bob.vault.BTT': -50n * E18,
        'bob.wallet.BTT': 50n * E18,
        'custody.BTT': -50n * E18,
        'liabilities.BTT': -50n * E18,
      });
    });

    it('sends a USDT-like token whose transfer returns false', async function () {
      const before = await ledger(['bob'], ['USDT']);
      const r = await v('bob', 'withdraw(address,uint256)', [tok.USDT, 15_000_000n]);
      assert.deepEqual(eventOf(r, 'Withdrawn'), { user: addr.bob, token: tok.USDT, amount: 15_000_000n });
      await expectLedger(before, {
        'bob.vault.USDT': -15_000_000n,
        'bob.wallet.USDT': 15_000_000n,
        'custody.USDT': -15_000_000n,
        'liabilities.USDT': -15_000_000n,
      });
    });

    it('debits the full amount of a fee-on-transfer token and the user receives what the token delivers', async function () {
      await v('bob', 'deposit(address,uint256)', [tok.FEE, 100n * E18]);
      const before = await ledger(['bob'], ['FEE']);
      const r = await v('bob', 'withdraw(address,uint256)', [tok.FEE, 99n * E18]);
      assert.deepEqual(eventOf(r, 'Withdrawn'), { user: addr.bob, token: tok.FEE, amount: 99n * E18 });
      const delivered = 99n * E18 - (99n * E18) / 100n;
      await expectLedger(before, {
        'bob.vault.FEE': -99n * E18,
        'bob.wallet.FEE': delivered,
        'custody.FEE': -99n * E18,
        'liabilities.FEE': -99n * E18,
      });
    });

    it('reverts with InsufficientBalance when withdrawing more TRX than the balance', async function () {
      const before = await ledger(['bob'], ['TRX']);
      const e = await reverts(v('bob', 'withdraw(address,uint256)', [TRX_ADDRESS, 5_000_001n]), 'InsufficientBalance', [
        TRX_ADDRESS,
        5_000_000n,
        5_000_001n,
      ]);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('reverts with InsufficientBalance when withdrawing more BTT than the balance', async function () {
      const before = await ledger(['bob'], ['BTT']);
      await reverts(v('bob', 'withdraw(address,uint256)', [tok.BTT, 51n * E18]), 'InsufficientBalance', [
        tok.BTT,
        50n * E18,
        51n * E18,
      ]);
      await expectLedger(before, {});
    });

    it('reverts with InsufficientBalance when the user never deposited the token', async function () {
      await reverts(v('carol', 'withdraw(address,uint256)', [tok.USDT, 1n]), 'InsufficientBalance', [tok.USDT, 0n, 1n]);
    });

    it('reverts with ZeroAmount when the amount is zero', async function () {
      await reverts(v('bob', 'withdraw(address,uint256)', [TRX_ADDRESS, 0n]), 'ZeroAmount', []);
      await reverts(v('bob', 'withdraw(address,uint256)', [tok.BTT, 0n]), 'ZeroAmount', []);
    });
  });

  // ---------------------------------------------------------------- catalog

  describe('when the catalog changes', function () {
    it('creates a gift with GiftUpdated and giftInfo returns it', async function () {
      const r = await v('admin', 'setGift(uint256,address,uint256,bool,string)', [
        500n,
        tok.USDT,
        3_000_000n,
        true,
        'ipfs://gift/500',
      ]);
      assert.deepEqual(eventOf(r, 'GiftUpdated'), {
        giftId: 500n,
        token: tok.USDT,
        price: 3_000_000n,
        enabled: true,
        uri: 'ipfs://gift/500',
      });
      assert.deepEqual(await view('giftInfo(uint256)', [500n], ['address', 'uint256', 'bool']), [
        tok.USDT,
        3_000_000n,
        true,
      ]);
    });

    it('changes and disables an existing gift', async function () {
      const r = await v('admin', 'setGift(uint256,address,uint256,bool,string)', [
        GIFT.TRX,
        tok.BTT,
        9n * E18,
        false,
        'rose-v2',
      ]);
      assert.deepEqual(eventOf(r, 'GiftUpdated'), {
        giftId: GIFT.TRX,
        token: tok.BTT,
        price: 9n * E18,
        enabled: false,
        uri: 'rose-v2',
      });
      assert.deepEqual(await view('giftInfo(uint256)', [GIFT.TRX], ['address', 'uint256', 'bool']), [
        tok.BTT,
        9n * E18,
        false,
      ]);
    });

    it('returns the fixture gifts from giftInfo', async function () {
      assert.deepEqual(await view('giftInfo(uint256)', [GIFT.TRX], ['address', 'uint256', 'bool']), [
        TRX_ADDRESS,
        PRICE.TRX,
        true,
      ]);
      assert.deepEqual(await view('giftInfo(uint256)', [GIFT.DISABLED], ['address', 'uint256', 'bool']), [
        TRX_ADDRESS,
        PRICE.TRX,
        false,
      ]);
    });

    it('reverts with UnknownGift from giftInfo when the id was never set', async function () {
      await expectRevert(view('giftInfo(uint256)', [GIFT.UNKNOWN], ['address', 'uint256', 'bool']), 'UnknownGift', [
        GIFT.UNKNOWN,
      ]);
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the catalog role', async function () {
      await reverts(
        v('mallory', 'setGift(uint256,address,uint256,bool,string)', [500n, TRX_ADDRESS, 1n, true, 'x']),
        'AccessControlUnauthorizedAccount',
        [addr.mallory, ROLE.CATALOG],
      );
      await expectRevert(view('giftInfo(uint256)', [500n], ['address', 'uint256', 'bool']), 'UnknownGift', [500n]);
    });

    it('reverts with InvalidPrice when the price is zero', async function () {
      await reverts(
        v('admin', 'setGift(uint256,address,uint256,bool,string)', [500n, TRX_ADDRESS, 0n, true, 'free']),
        'InvalidPrice',
        [500n],
      );
    });

    it('reverts with TokenNotAllowed when the gift token is off the allow-list', async function () {
      const other = await deploy(tronWebFor(dn, 0), 'MockBTT');
      await reverts(
        v('admin', 'setGift(uint256,address,uint256,bool,string)', [500n, other, 1n, true, 'x']),
        'TokenNotAllowed',
        [other],
      );
    });
  });

  // ---------------------------------------------------------------- gifts

  describe('when a viewer sends a gift from the vault balance', function () {
    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 10_000_000n);
      await v('bob', 'deposit(address,uint256)', [tok.BTT, 100n * E18]);
    });

    it('splits a TRX gift 30/10/60 with GiftSent and escrows the broadcaster share', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const r = await gift('bob', [addr.alice, GIFT.TRX, 3n, 42n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.TRX,
        quantity: 3n,
        token: 'TRX',
        total: 3_000_000n,
        streamId: 42n,
        split: DEFAULT_SPLIT,
      });
      assert.deepEqual([g.b, g.p, g.f], [900_000n, 300_000n, 1_800_000n]);
      await expectLedger(before, {
        'bob.vault.TRX': -3_000_000n,
        'bob.wallet.TRX': -feeOf(r),
        'alice.pending.TRX': 900_000n,
        'pool.TRX': 300_000n,
        'treasury.TRX': 1_800_000n,
      });
      assert.equal(await earning(2, [addr.alice, TRX_ADDRESS]), BigInt(g.releaseAt));
    });

    it('splits a total of 7 sun 2/0/5, the platform taking the remainder', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const r = await gift('bob', [addr.alice, GIFT.SUN, 7n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.SUN,
        quantity: 7n,
        token: 'TRX',
        total: 7n,
        streamId: 0n,
        split: DEFAULT_SPLIT,
      });
      assert.deepEqual([g.b, g.p, g.f], [2n, 0n, 5n]);
      await expectLedger(before, {
        'bob.vault.TRX': -7n,
        'bob.wallet.TRX': -feeOf(r),
        'alice.pending.TRX': 2n,
        'treasury.TRX': 5n,
      });
    });

    it('splits a BTT gift', async function () {
      const before = await ledger(['bob', 'alice'], ['BTT']);
      const r = await gift('bob', [addr.alice, GIFT.BTT, 2n, 9n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.BTT,
        quantity: 2n,
        token: 'BTT',
        total: 10n * E18,
        streamId: 9n,
        split: DEFAULT_SPLIT,
      });
      await expectLedger(before, {
        'bob.vault.BTT': -10n * E18,
        'alice.pending.BTT': g.b,
        'pool.BTT': g.p,
        'treasury.BTT': g.f,
      });
    });

    it('pays a fee-on-transfer gift from what the deposit credited', async function () {
      await v('bob', 'deposit(address,uint256)', [tok.FEE, 10n * E18]);
      const before = await ledger(['bob', 'alice'], ['FEE']);
      const r = await gift('bob', [addr.alice, GIFT.FEE, 9n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.FEE,
        quantity: 9n,
        token: 'FEE',
        total: 9n * E18,
        streamId: 0n,
        split: DEFAULT_SPLIT,
      });
      await expectLedger(before, {
        'bob.vault.FEE': -9n * E18,
        'alice.pending.FEE': g.b,
        'pool.FEE': g.p,
        'treasury.FEE': g.f,
      });
    });

    it('accepts the maximum quantity', async function () {
      const r = await gift('bob', [addr.alice, GIFT.SUN, 10_000n, 0n]);
      expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.SUN,
        quantity: 10_000n,
        token: 'TRX',
        total: 10_000n,
        streamId: 0n,
        split: DEFAULT_SPLIT,
      });
    });

    it('reverts with InsufficientBalance when the vault balance is short', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const e = await reverts(gift('bob', [addr.alice, GIFT.TRX, 11n, 0n]), 'InsufficientBalance', [
        TRX_ADDRESS,
        10_000_000n,
        11_000_000n,
      ]);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('reverts with NotBroadcaster when the recipient is not registered', async function () {
      await reverts(gift('bob', [addr.mallory, GIFT.TRX, 1n, 0n]), 'NotBroadcaster', [addr.mallory]);
    });

    it('reverts with NotBroadcaster when the recipient is registered but does not broadcast', async function () {
      await reverts(gift('bob', [addr.dave, GIFT.TRX, 1n, 0n]), 'NotBroadcaster', [addr.dave]);
    });

    it('reverts with NotBroadcaster when the broadcaster turned broadcasting off', async function () {
      await gift('bob', [addr.frank, GIFT.TRX, 1n, 0n]);
      await tx('frank', sys.profiles, 'setBroadcaster(bool)', [false]);
      const before = await ledger(['bob', 'frank'], ['TRX']);
      const e = await reverts(gift('bob', [addr.frank, GIFT.TRX, 1n, 0n]), 'NotBroadcaster', [addr.frank]);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('reverts with SelfGift when a broadcaster gifts themselves', async function () {
      await v('alice', 'depositTRX()', [], 1_000_000n);
      await reverts(gift('alice', [addr.alice, GIFT.TRX, 1n, 0n]), 'SelfGift', [addr.alice]);
    });

    it('reverts with UnknownGift when the id is not in the catalog', async function () {
      await reverts(gift('bob', [addr.alice, GIFT.UNKNOWN, 1n, 0n]), 'UnknownGift', [GIFT.UNKNOWN]);
    });

    it('reverts with GiftDisabled when the gift is disabled', async function () {
      await reverts(gift('bob', [addr.alice, GIFT.DISABLED, 1n, 0n]), 'GiftDisabled', [GIFT.DISABLED]);
    });

    it('reverts with InvalidQuantity when the quantity is zero', async function () {
      await reverts(gift('bob', [addr.alice, GIFT.TRX, 0n, 0n]), 'InvalidQuantity', [0n, 10_000n]);
    });

    it('reverts with InvalidQuantity when the quantity is above the maximum', async function () {
      await reverts(gift('bob', [addr.alice, GIFT.SUN, 10_001n, 0n]), 'InvalidQuantity', [10_001n, 10_000n]);
    });

    it('reverts with TokenNotAllowed when the gift token was removed from the allow-list', async function () {
      await v('admin', 'setTokenAllowed(address,bool)', [tok.BTT, false]);
      await reverts(gift('bob', [addr.alice, GIFT.BTT, 1n, 0n]), 'TokenNotAllowed', [tok.BTT]);
    });
  });

  describe('when a viewer sends a gift straight from the wallet', function () {
    it('takes the exact TRX callValue', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const r = await giftDirect('bob', [addr.alice, GIFT.TRX, 3n, 5n], 3_000_000n);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.TRX,
        quantity: 3n,
        token: 'TRX',
        total: 3_000_000n,
        streamId: 5n,
        split: DEFAULT_SPLIT,
        direct: true,
      });
      await expectLedger(before, {
        'bob.wallet.TRX': -3_000_000n - feeOf(r),
        'custody.TRX': 3_000_000n,
        'liabilities.TRX': 3_000_000n,
        'alice.pending.TRX': g.b,
        'pool.TRX': g.p,
        'treasury.TRX': g.f,
      });
    });

    it('reverts with WrongPayment when the callValue is short', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const e = await reverts(giftDirect('bob', [addr.alice, GIFT.TRX, 3n, 0n], 2_999_999n), 'WrongPayment', [
        3_000_000n,
        2_999_999n,
      ]);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('reverts with WrongPayment when the callValue is too much', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const e = await reverts(giftDirect('bob', [addr.alice, GIFT.TRX, 3n, 0n], 3_000_001n), 'WrongPayment', [
        3_000_000n,
        3_000_001n,
      ]);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('reverts with WrongPayment when TRX comes with a token gift', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX', 'BTT']);
      const e = await reverts(giftDirect('bob', [addr.alice, GIFT.BTT, 1n, 0n], 1n), 'WrongPayment', [0n, 1n]);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('pulls BTT with transferFrom after approve', async function () {
      await tx('carol', tok.BTT, 'approve(address,uint256)', [vault, 15n * E18]);
      const before = await ledger(['carol', 'alice'], ['BTT']);
      const r = await giftDirect('carol', [addr.alice, GIFT.BTT, 3n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'carol',
        broadcaster: 'alice',
        giftId: GIFT.BTT,
        quantity: 3n,
        token: 'BTT',
        total: 15n * E18,
        streamId: 0n,
        split: DEFAULT_SPLIT,
        direct: true,
      });
      await expectLedger(before, {
        'carol.wallet.BTT': -15n * E18,
        'custody.BTT': 15n * E18,
        'liabilities.BTT': 15n * E18,
        'alice.pending.BTT': g.b,
        'pool.BTT': g.p,
        'treasury.BTT': g.f,
      });
      assert.equal(await call(dn, tok.BTT, 'allowance(address,address)', [addr.carol, vault]), 0n);
    });

    it('pulls a USDT-like token', async function () {
      const before = await ledger(['bob', 'alice'], ['USDT']);
      const r = await giftDirect('bob', [addr.alice, GIFT.USDT, 1n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.USDT,
        quantity: 1n,
        token: 'USDT',
        total: 2_000_000n,
        streamId: 0n,
        split: DEFAULT_SPLIT,
        direct: true,
      });
      await expectLedger(before, {
        'bob.wallet.USDT': -2_000_000n,
        'custody.USDT': 2_000_000n,
        'liabilities.USDT': 2_000_000n,
        'alice.pending.USDT': g.b,
        'pool.USDT': g.p,
        'treasury.USDT': g.f,
      });
    });

    it('reverts with UnexpectedAmountReceived when the token takes a fee on transfer', async function () {
      const before = await ledger(['bob', 'alice'], ['FEE']);
      await reverts(giftDirect('bob', [addr.alice, GIFT.FEE, 2n, 0n]), 'UnexpectedAmountReceived', [
        2n * E18,
        2n * E18 - (2n * E18) / 100n,
      ]);
      await expectLedger(before, {});
    });

    it('reverts with NotBroadcaster, SelfGift, UnknownGift, GiftDisabled and InvalidQuantity when sendGift would', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const errs = [
        await reverts(giftDirect('bob', [addr.mallory, GIFT.TRX, 1n, 0n], 1_000_000n), 'NotBroadcaster', [
          addr.mallory,
        ]),
        await reverts(giftDirect('bob', [addr.dave, GIFT.TRX, 1n, 0n], 1_000_000n), 'NotBroadcaster', [addr.dave]),
        await reverts(giftDirect('bob', [addr.alice, GIFT.UNKNOWN, 1n, 0n], 1_000_000n), 'UnknownGift', [GIFT.UNKNOWN]),
        await reverts(giftDirect('bob', [addr.alice, GIFT.DISABLED, 1n, 0n], 1_000_000n), 'GiftDisabled', [
          GIFT.DISABLED,
        ]),
        await reverts(giftDirect('bob', [addr.alice, GIFT.TRX, 0n, 0n]), 'InvalidQuantity', [0n, 10_000n]),
        await reverts(giftDirect('bob', [addr.alice, GIFT.SUN, 10_001n, 0n], 10_001n), 'InvalidQuantity', [
          10_001n,
          10_000n,
        ]),
      ];
      const self = await reverts(giftDirect('alice', [addr.alice, GIFT.TRX, 1n, 0n], 1_000_000n), 'SelfGift', [
        addr.alice,
      ]);
      await expectLedger(before, {
        'bob.wallet.TRX': -errs.reduce((s, e) => s + feeOf(e), 0n),
        'alice.wallet.TRX': -feeOf(self),
      });
    });
  });

  // ---------------------------------------------------------------- escrow

  describe('when earnings are held in escrow', function () {
    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 200_000_000n);
    });

    it('reports them pending until release and reverts with NothingToClaim before it', async function () {
      const r = await gift('bob', [addr.alice, GIFT.TRX, 10n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.TRX,
        quantity: 10n,
        token: 'TRX',
        total: 10_000_000n,
        streamId: 0n,
        split: DEFAULT_SPLIT,
      });
      assert.equal(await earning(1, [addr.alice, TRX_ADDRESS]), 3_000_000n);
      assert.equal(await earning(0, [addr.alice, TRX_ADDRESS]), 0n);
      assert.equal(await earning(2, [addr.alice, TRX_ADDRESS]), BigInt(g.releaseAt));
      assert.equal(await earning(2, [addr.frank, TRX_ADDRESS]), 0n);

      const before = await ledger(['alice'], ['TRX']);
      const e1 = await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'NothingToClaim', [
        addr.alice,
        TRX_ADDRESS,
      ]);
      await advanceTo(g.releaseAt - 30);
      assert.equal(await earning(0, [addr.alice, TRX_ADDRESS]), 0n);
      const e2 = await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'NothingToClaim', [
        addr.alice,
        TRX_ADDRESS,
      ]);
      assert.ok(timeOf(e2) < g.releaseAt);
      await expectLedger(before, { 'alice.wallet.TRX': -feeOf(e1) - feeOf(e2) });
    });

    it('moves them to the vault balance with EarningsClaimed after release, and withdraw pays them out', async function () {
      const r = await gift('bob', [addr.alice, GIFT.TRX, 10n, 0n]);
      const releaseAt = Number(eventOf(r, 'GiftSent').releaseAt);
      await advanceTo(releaseAt);
      assert.equal(await earning(1, [addr.alice, TRX_ADDRESS]), 0n);
      assert.equal(await earning(0, [addr.alice, TRX_ADDRESS]), 3_000_000n);
      assert.equal(await earning(2, [addr.alice, TRX_ADDRESS]), 0n);

      let before = await ledger(['alice'], ['TRX']);
      const c = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.ok(timeOf(c) >= releaseAt);
      assert.deepEqual(eventOf(c, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 3_000_000n,
      });
      await expectLedger(before, {
        'alice.claimable.TRX': -3_000_000n,
        'alice.vault.TRX': 3_000_000n,
        'alice.wallet.TRX': -feeOf(c),
      });
      await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'NothingToClaim', [addr.alice, TRX_ADDRESS]);

      before = await ledger(['alice'], ['TRX']);
      const w = await v('alice', 'withdraw(address,uint256)', [TRX_ADDRESS, 3_000_000n]);
      assert.deepEqual(eventOf(w, 'Withdrawn'), { user: addr.alice, token: TRX_ADDRESS, amount: 3_000_000n });
      await expectLedger(before, {
        'alice.vault.TRX': -3_000_000n,
        'alice.wallet.TRX': 3_000_000n - feeOf(w),
        'custody.TRX': -3_000_000n,
        'liabilities.TRX': -3_000_000n,
      });
    });

    it('claims per token and per broadcaster', async function () {
      await v('bob', 'deposit(address,uint256)', [tok.BTT, 10n * E18]);
      const r1 = await gift('bob', [addr.alice, GIFT.BTT, 1n, 0n]);
      const r2 = await gift('bob', [addr.frank, GIFT.TRX, 1n, 0n]);
      await advanceTo(Math.max(Number(eventOf(r1, 'GiftSent').releaseAt), Number(eventOf(r2, 'GiftSent').releaseAt)));
      await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'NothingToClaim', [addr.alice, TRX_ADDRESS]);
      const before = await ledger(['alice', 'frank'], ['BTT', 'TRX']);
      const a = await v('alice', 'claim(address)', [tok.BTT]);
      const f = await v('frank', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(a, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: tok.BTT,
        amount: (5n * E18 * 3n) / 10n,
      });
      assert.deepEqual(eventOf(f, 'EarningsClaimed'), {
        broadcaster: addr.frank,
        token: TRX_ADDRESS,
        amount: 300_000n,
      });
      await expectLedger(before, {
        'alice.claimable.BTT': -(5n * E18 * 3n) / 10n,
        'alice.vault.BTT': (5n * E18 * 3n) / 10n,
        'alice.wallet.TRX': -feeOf(a),
        'frank.claimable.TRX': -300_000n,
        'frank.vault.TRX': 300_000n,
        'frank.wallet.TRX': -feeOf(f),
      });
    });

    it('makes earnings claimable at once when the hold period is 0', async function () {
      const h = await v('admin', 'setHoldPeriod(uint256)', [0n]);
      assert.deepEqual(eventOf(h, 'HoldPeriodUpdated'), { holdPeriod: 0n });
      assert.equal(await view('holdPeriod()'), 0n);
      const before = await ledger(['bob', 'alice'], ['TRX']);
      const r = await gift('bob', [addr.alice, GIFT.TRX, 2n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.TRX,
        quantity: 2n,
        token: 'TRX',
        total: 2_000_000n,
        streamId: 0n,
        split: DEFAULT_SPLIT,
        hold: 0,
      });
      assert.equal(g.releaseAt, timeOf(r));
      assert.equal(await earning(2, [addr.alice, TRX_ADDRESS]), 0n);
      const c = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 600_000n,
      });
      await expectLedger(before, {
        'bob.vault.TRX': -2_000_000n,
        'bob.wallet.TRX': -feeOf(r),
        'alice.vault.TRX': 600_000n,
        'alice.wallet.TRX': -feeOf(c),
        'pool.TRX': 200_000n,
        'treasury.TRX': 1_200_000n,
      });
    });

    it('keeps earnings held under an earlier hold period when the hold becomes 0', async function () {
      const r1 = await gift('bob', [addr.alice, GIFT.TRX, 1n, 0n]);
      const release1 = Number(eventOf(r1, 'GiftSent').releaseAt);
      await v('admin', 'setHoldPeriod(uint256)', [0n]);
      await gift('bob', [addr.alice, GIFT.TRX, 2n, 0n]);
      assert.equal(await earning(0, [addr.alice, TRX_ADDRESS]), 600_000n);
      assert.equal(await earning(1, [addr.alice, TRX_ADDRESS]), 300_000n);
      const c = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 600_000n,
      });
      await advanceTo(release1);
      const c2 = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c2, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 300_000n,
      });
    });

    it('sets the hold period with HoldPeriodUpdated and uses its bucket width', async function () {
      const h = await v('admin', 'setHoldPeriod(uint256)', [BigInt(MAX_HOLD)]);
      assert.deepEqual(eventOf(h, 'HoldPeriodUpdated'), { holdPeriod: BigInt(MAX_HOLD) });
      assert.equal(await view('holdPeriod()'), BigInt(MAX_HOLD));
      const r = await gift('bob', [addr.alice, GIFT.TRX, 1n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.TRX,
        quantity: 1n,
        token: 'TRX',
        total: 1_000_000n,
        streamId: 0n,
        split: DEFAULT_SPLIT,
        hold: MAX_HOLD,
      });
      assert.equal(g.releaseAt % BUCKET, 0);
      await advanceTo(g.releaseAt - 30);
      await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'NothingToClaim', [addr.alice, TRX_ADDRESS]);
      await advanceTo(g.releaseAt);
      const c = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 300_000n,
      });
    });

    it('reverts with HoldPeriodTooLong when the period is above 7 days', async function () {
      await reverts(v('admin', 'setHoldPeriod(uint256)', [BigInt(8 * DAY)]), 'HoldPeriodTooLong', [
        BigInt(8 * DAY),
        BigInt(MAX_HOLD),
      ]);
      assert.equal(await view('holdPeriod()'), BigInt(HOLD));
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the policy role', async function () {
      await reverts(v('mallory', 'setHoldPeriod(uint256)', [0n]), 'AccessControlUnauthorizedAccount', [
        addr.mallory,
        ROLE.POLICY,
      ]);
      assert.equal(await view('holdPeriod()'), BigInt(HOLD));
    });

    it('releases gifts sent every 7 hours for 4 days in order and never early', async function () {
      const credits: { amount: bigint; releaseAt: number }[] = [];
      let claimed = 0n;
      const releasedBy = (t: number): bigint =>
        credits.filter((c) => c.releaseAt <= t).reduce((s, c) => s + c.amount, 0n);
      const total = (): bigint => credits.reduce((s, c) => s + c.amount, 0n);

      /** Checks the escrow views against the model at the head block's time. */
      const checkViews = async (t: number): Promise<void> => {
        const pending = credits.filter((c) => c.releaseAt > t);
        const next = pending.length ? Math.min(...pending.map((c) => c.releaseAt)) : 0;
        assert.equal(await earning(0, [addr.alice, TRX_ADDRESS]), releasedBy(t) - claimed, `claimable at ${t}`);
        assert.equal(await earning(1, [addr.alice, TRX_ADDRESS]), total() - releasedBy(t), `pending at ${t}`);
        assert.equal(await earning(2, [addr.alice, TRX_ADDRESS]), BigInt(next), `next release at ${t}`);
        assert.deepEqual(
          await view('earningsOf(address,address)', [addr.alice, TRX_ADDRESS], ['uint256', 'uint256', 'uint64']),
          [releasedBy(t) - claimed, total() - releasedBy(t), BigInt(next)],
          `earningsOf at ${t}`,
        );
      };

      /** Claims and checks the amount against what the model released by the claim's block time. */
      const claimAndCheck = async (): Promise<bigint> => {
        let r: TxResult | RevertError;
        try {
          r = await v('alice', 'claim(address)', [TRX_ADDRESS]);
        } catch (e) {
          if (!(e instanceof RevertError)) throw e;
          r = e;
        }
        const due = releasedBy(timeOf(r)) - claimed;
        if (due === 0n) {
          assert.ok(
            r instanceof RevertError,
            `claimed ${r instanceof RevertError ? '' : String(eventOf(r, 'EarningsClaimed').amount)} with nothing due`,
          );
          assert.equal(r.errorName, 'NothingToClaim');
          assert.deepEqual(r.args, [addr.alice, TRX_ADDRESS]);
        } else {
          assert.ok(
            !(r instanceof RevertError),
            `claim failed with ${r instanceof RevertError ? r.message : ''} while ${due} was due`,
          );
          assert.deepEqual(eventOf(r, 'EarningsClaimed'), { broadcaster: addr.alice, token: TRX_ADDRESS, amount: due });
          claimed += due;
        }
        await checkViews(timeOf(r));
        return due;
      };

      const aliceBefore = (await view('balanceOf(address,address)', [addr.alice, TRX_ADDRESS])) as bigint;
      for (let i = 0; i < 15; i++) {
        if (i > 0) await tre(dn, 'tre_increaseTime', [7 * HOUR]);
        const q = BigInt(i + 1);
        const r = await gift('bob', [addr.alice, GIFT.TRX, q, 0n]);
        const g = expectGiftSent(r, {
          sender: 'bob',
          broadcaster: 'alice',
          giftId: GIFT.TRX,
          quantity: q,
          token: 'TRX',
          total: q * PRICE.TRX,
          streamId: 0n,
          split: DEFAULT_SPLIT,
        });
        credits.push({ amount: g.b, releaseAt: g.releaseAt });
        await checkViews(timeOf(r));
        // Claims are sparse, so reused ring slots still hold released, unclaimed buckets.
        if (i === 7 || i === 12) await claimAndCheck();
      }
      assert.equal(
        new Set(credits.map((c) => c.releaseAt)).size,
        credits.length,
        'gifts 7 hours apart fall in different 6-hour buckets',
      );
      for (let i = 1; i < credits.length; i++)
        assert.ok(credits[i]!.releaseAt > credits[i - 1]!.releaseAt, 'later gifts release later');

      await claimAndCheck();
      const remaining = credits.filter((c) => c.releaseAt > chainNow());
      assert.ok(remaining.length >= 3, `only ${remaining.length} buckets left to release`);
      for (const c of remaining) {
        if (chainNow() < c.releaseAt - 30) {
          await advanceTo(c.releaseAt - 30);
          assert.equal(await claimAndCheck(), 0n, 'nothing is released before its time');
        }
        await advanceTo(c.releaseAt);
        assert.equal(await claimAndCheck(), c.amount, 'each bucket is released at its time');
      }
      assert.equal(claimed, total());
      assert.equal(await view('balanceOf(address,address)', [addr.alice, TRX_ADDRESS]), aliceBefore + total());
      assert.equal(await earning(1, [addr.alice, TRX_ADDRESS]), 0n);
      assert.equal(await earning(0, [addr.alice, TRX_ADDRESS]), 0n);
    });

    it('pays a gift at its announced releaseAt after the hold period is raised (the old ring merged it later)', async function () {
      // The reported sequence: the hold goes from 1 day to 7 days, then a gift lands in the ring
      // slot holding gift 1. Under the old buckets (max(1 h, hold / 6) wide, 8 slots) the two met in a
      // slot and merged at the later time, so gift 1 waited days past the releaseAt it announced.
      // Gift 1 is timed so that its old 4-hour bucket and gift 2's old 28-hour bucket share a slot.
      const oldSlot = (t: number, hold: number): number =>
        Math.ceil((t + hold) / Math.max(HOUR, Math.floor(hold / 6))) % 8;
      let t1 = chainNow() + 60;
      while (oldSlot(t1, DAY) !== oldSlot(t1 + 120, MAX_HOLD)) t1 += 4 * HOUR;
      await advanceTo(t1);
      const r1 = await gift('bob', [addr.alice, GIFT.TRX, 1n, 0n]);
      const release1 = Number(eventOf(r1, 'GiftSent').releaseAt);
      assert.equal(release1, releaseOf(timeOf(r1), DAY));
      await v('admin', 'setHoldPeriod(uint256)', [BigInt(MAX_HOLD)]);
      const r2 = await gift('bob', [addr.alice, GIFT.TRX, 2n, 0n]);
      const release2 = Number(eventOf(r2, 'GiftSent').releaseAt);
      assert.equal(
        release2,
        releaseOf(timeOf(r2), MAX_HOLD),
        'the second gift is held its own 7 days, rounded to 6 hours',
      );
      assert.equal(await earning(2, [addr.alice, TRX_ADDRESS]), BigInt(release1));

      await advanceTo(release1 - 30);
      await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'NothingToClaim', [addr.alice, TRX_ADDRESS]);
      await advanceTo(release1);
      const before = await ledger(['alice'], ['TRX']);
      const c1 = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c1, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 300_000n,
      });
      await expectLedger(before, {
        'alice.vault.TRX': 300_000n,
        'alice.claimable.TRX': -300_000n,
        'alice.wallet.TRX': -feeOf(c1),
      });
      assert.equal(await earning(1, [addr.alice, TRX_ADDRESS]), 600_000n);
      await advanceTo(release2);
      const c2 = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c2, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 600_000n,
      });
    });

    it('never moves a release time when the policy role keeps switching the hold period', async function () {
      // Raising and lowering the hold between gifts (what could lock earnings before) leaves every
      // gift claimable at the time its GiftSent announced.
      const credits: { amount: bigint; releaseAt: number }[] = [];
      for (let i = 0; i < 12; i++) {
        await v('admin', 'setHoldPeriod(uint256)', [BigInt(i % 2 ? MAX_HOLD : rngHold(i))]);
        const r = await gift('bob', [addr.alice, GIFT.TRX, 1n, 0n]);
        credits.push({ amount: 300_000n, releaseAt: Number(eventOf(r, 'GiftSent').releaseAt) });
        await advance(3 * HOUR + 17 * i);
      }
      let claimed = 0n;
      for (const c of [...credits].sort((x, y) => x.releaseAt - y.releaseAt)) {
        if (chainNow() < c.releaseAt) await advanceTo(c.releaseAt);
        const due = credits.filter((x) => x.releaseAt <= chainNow()).reduce((s, x) => s + x.amount, 0n) - claimed;
        if (due === 0n) continue;
        const r = await v('alice', 'claim(address)', [TRX_ADDRESS]);
        const amount = eventOf(r, 'EarningsClaimed').amount as bigint;
        const released = credits.filter((x) => x.releaseAt <= timeOf(r)).reduce((s, x) => s + x.amount, 0n);
        assert.equal(claimed + amount, released, `by ${timeOf(r)} every gift announced for then is claimable`);
        claimed += amount;
      }
      assert.equal(claimed, 12n * 300_000n);
    });
  });

  // ---------------------------------------------------------------- split policy

  describe('when the default split changes', function () {
    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 100_000_000n);
    });

    const giftTen = (): Promise<TxResult> => gift('bob', [addr.alice, GIFT.TRX, 10n, 0n]);
    const giftWith = (r: TxResult, split: SplitBps): void => {
      expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.TRX,
        quantity: 10n,
        token: 'TRX',
        total: 10_000_000n,
        streamId: 0n,
        split,
      });
    };

    it('raises the broadcaster share at once with SplitUpdated', async function () {
      const r = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      assert.deepEqual(eventOf(r, 'SplitUpdated'), {
        broadcaster: TRX_ADDRESS,
        broadcasterBps: 4000n,
        poolBps: 1000n,
        platformBps: 5000n,
      });
      assert.deepEqual(await splitOf(addr.alice), [4000n, 1000n, 5000n]);
      assert.deepEqual(await splitOf(TRX_ADDRESS), [4000n, 1000n, 5000n]);
      assert.deepEqual(await pendingSplitOf(addr.alice), [false, [0n, 0n, 0n], 0n]);
      giftWith(await giftTen(), [4000, 1000, 5000]);
    });

    it('moves pool and platform shares at once when the broadcaster share stays', async function () {
      const r = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 2000, 5000]]);
      assert.deepEqual(eventOf(r, 'SplitUpdated'), {
        broadcaster: TRX_ADDRESS,
        broadcasterBps: 3000n,
        poolBps: 2000n,
        platformBps: 5000n,
      });
      giftWith(await giftTen(), [3000, 2000, 5000]);
    });

    it('announces a lower broadcaster share with SplitChangeAnnounced and applies it only after the notice', async function () {
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      const r = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3500, 1500, 5000]]);
      const effectiveAt = timeOf(r) + NOTICE;
      assert.deepEqual(eventOf(r, 'SplitChangeAnnounced'), {
        broadcaster: TRX_ADDRESS,
        broadcasterBps: 3500n,
        poolBps: 1500n,
        platformBps: 5000n,
        effectiveAt: BigInt(effectiveAt),
      });
      assert.deepEqual(await splitOf(addr.alice), [4000n, 1000n, 5000n]);
      assert.deepEqual(await pendingSplitOf(addr.alice), [true, [3500n, 1500n, 5000n], BigInt(effectiveAt)]);
      assert.deepEqual(await pendingSplitOf(TRX_ADDRESS), [true, [3500n, 1500n, 5000n], BigInt(effectiveAt)]);
      giftWith(await giftTen(), [4000, 1000, 5000]);

      await advanceTo(effectiveAt - 60);
      const early = await giftTen();
      assert.ok(timeOf(early) < effectiveAt);
      giftWith(early, [4000, 1000, 5000]);

      await advanceTo(effectiveAt);
      assert.deepEqual(await splitOf(addr.alice), [3500n, 1500n, 5000n]);
      assert.deepEqual(await pendingSplitOf(addr.alice), [false, [0n, 0n, 0n], 0n]);
      giftWith(await giftTen(), [3500, 1500, 5000]);
    });

    it('cancels an announced change at once when the new split pays both shares at least what now and the announcement pay', async function () {
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3500, 1500, 5000]]);
      const r = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4500, 1500, 4000]]);
      assert.deepEqual(eventOf(r, 'SplitUpdated'), {
        broadcaster: TRX_ADDRESS,
        broadcasterBps: 4500n,
        poolBps: 1500n,
        platformBps: 4000n,
      });
      assert.deepEqual(await pendingSplitOf(addr.alice), [false, [0n, 0n, 0n], 0n]);
      giftWith(await giftTen(), [4500, 1500, 4000]);
      await advance(NOTICE + DAY);
      assert.deepEqual(await splitOf(addr.alice), [4500n, 1500n, 4000n]);
    });

    it('announces a lower pool share with SplitChangeAnnounced even when the broadcaster share rises', async function () {
      const r = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 0, 6000]]);
      const effectiveAt = timeOf(r) + NOTICE;
      assert.deepEqual(eventOf(r, 'SplitChangeAnnounced'), {
        broadcaster: TRX_ADDRESS,
        broadcasterBps: 4000n,
        poolBps: 0n,
        platformBps: 6000n,
        effectiveAt: BigInt(effectiveAt),
      });
      giftWith(await giftTen(), DEFAULT_SPLIT);
      await advanceTo(effectiveAt - 60);
      giftWith(await giftTen(), DEFAULT_SPLIT);
      await advanceTo(effectiveAt);
      giftWith(await giftTen(), [4000, 0, 6000]);
    });

    it("replaces an announced lowering with a later one, keeping today's split until then", async function () {
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[5000, 1000, 4000]]);
      const first = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 1000, 6000]]);
      await advance(3 * DAY);
      const second = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      const effectiveAt = timeOf(second) + NOTICE;
      assert.deepEqual(eventOf(second, 'SplitChangeAnnounced').effectiveAt, BigInt(effectiveAt));
      await advanceTo(timeOf(first) + NOTICE);
      giftWith(await giftTen(), [5000, 1000, 4000]);
      await advanceTo(effectiveAt);
      giftWith(await giftTen(), [4000, 1000, 5000]);
    });

    it('reverts with SplitChangePending when an announced change that raises a share would be replaced', async function () {
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      const mixed = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3500, 1500, 5000]]);
      const effectiveAt = BigInt(timeOf(mixed) + NOTICE);
      await reverts(v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4500, 500, 5000]]), 'SplitChangePending', [
        TRX_ADDRESS,
        effectiveAt,
      ]);
      await reverts(v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 1000, 6000]]), 'SplitChangePending', [
        TRX_ADDRESS,
        effectiveAt,
      ]);
      assert.deepEqual(await pendingSplitOf(addr.alice), [true, [3500n, 1500n, 5000n], effectiveAt]);
      await advanceTo(Number(effectiveAt));
      const r = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 1000, 6000]]);
      assert.equal(eventOf(r, 'SplitChangeAnnounced').effectiveAt, BigInt(timeOf(r) + NOTICE));
    });

    it('reverts with BroadcasterShareBelowFloor when the share is below the floor', async function () {
      await reverts(
        v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[2999, 1001, 6000]]),
        'BroadcasterShareBelowFloor',
        [2999n, 3000n],
      );
      assert.deepEqual(await splitOf(addr.alice), bps(DEFAULT_SPLIT));
    });

    it('reverts with InvalidSplit when the shares do not sum to 10000', async function () {
      await reverts(v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 4999]]), 'InvalidSplit', [
        4000n,
        1000n,
        4999n,
      ]);
      await reverts(v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5001]]), 'InvalidSplit', [
        4000n,
        1000n,
        5001n,
      ]);
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the policy role', async function () {
      await reverts(
        v('mallory', 'setDefaultSplit((uint16,uint16,uint16))', [[5000, 0, 5000]]),
        'AccessControlUnauthorizedAccount',
        [addr.mallory, ROLE.POLICY],
      );
    });
  });

  describe('when a broadcaster has a split of their own', function () {
    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 100_000_000n);
    });

    const giftTo = (b: 'alice' | 'frank'): Promise<TxResult> => gift('bob', [addr[b], GIFT.TRX, 10n, 0n]);
    const giftWith = (r: TxResult, b: 'alice' | 'frank', split: SplitBps): void => {
      expectGiftSent(r, {
        sender: 'bob',
        broadcaster: b,
        giftId: GIFT.TRX,
        quantity: 10n,
        token: 'TRX',
        total: 10_000_000n,
        streamId: 0n,
        split,
      });
    };
    const setOverride = (split: SplitBps): Promise<TxResult> =>
      v('admin', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [addr.alice, split]);

    it('sets and raises it at once with SplitUpdated, others keep the default', async function () {
      let r = await setOverride([5000, 1000, 4000]);
      assert.deepEqual(eventOf(r, 'SplitUpdated'), {
        broadcaster: addr.alice,
        broadcasterBps: 5000n,
        poolBps: 1000n,
        platformBps: 4000n,
      });
      assert.deepEqual(await splitOf(addr.alice), [5000n, 1000n, 4000n]);
      assert.deepEqual(await splitOf(addr.frank), bps(DEFAULT_SPLIT));
      giftWith(await giftTo('alice'), 'alice', [5000, 1000, 4000]);
      giftWith(await giftTo('frank'), 'frank', DEFAULT_SPLIT);
      r = await setOverride([6000, 1000, 3000]);
      assert.deepEqual(eventOf(r, 'SplitUpdated'), {
        broadcaster: addr.alice,
        broadcasterBps: 6000n,
        poolBps: 1000n,
        platformBps: 3000n,
      });
      giftWith(await giftTo('alice'), 'alice', [6000, 1000, 3000]);
    });

    it('announces a lowering with SplitChangeAnnounced and applies it after the notice', async function () {
      await setOverride([6000, 1000, 3000]);
      const r = await setOverride([4000, 1000, 5000]);
      const effectiveAt = timeOf(r) + NOTICE;
      assert.deepEqual(eventOf(r, 'SplitChangeAnnounced'), {
        broadcaster: addr.alice,
        broadcasterBps: 4000n,
        poolBps: 1000n,
        platformBps: 5000n,
        effectiveAt: BigInt(effectiveAt),
      });
      assert.deepEqual(await pendingSplitOf(addr.alice), [true, [4000n, 1000n, 5000n], BigInt(effectiveAt)]);
      assert.deepEqual(await pendingSplitOf(addr.frank), [false, [0n, 0n, 0n], 0n]);
      giftWith(await giftTo('alice'), 'alice', [6000, 1000, 3000]);
      await advanceTo(effectiveAt - 60);
      giftWith(await giftTo('alice'), 'alice', [6000, 1000, 3000]);
      await advanceTo(effectiveAt);
      assert.deepEqual(await splitOf(addr.alice), [4000n, 1000n, 5000n]);
      giftWith(await giftTo('alice'), 'alice', [4000, 1000, 5000]);
    });

    it('announces an override below the default and keeps paying the default until then', async function () {
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      const r = await setOverride([3500, 500, 6000]);
      const effectiveAt = timeOf(r) + NOTICE;
      assert.deepEqual(eventOf(r, 'SplitChangeAnnounced'), {
        broadcaster: addr.alice,
        broadcasterBps: 3500n,
        poolBps: 500n,
        platformBps: 6000n,
        effectiveAt: BigInt(effectiveAt),
      });
      assert.deepEqual(await splitOf(addr.alice), [4000n, 1000n, 5000n]);
      assert.deepEqual(await pendingSplitOf(addr.alice), [true, [3500n, 500n, 6000n], BigInt(effectiveAt)]);
      giftWith(await giftTo('alice'), 'alice', [4000, 1000, 5000]);
      await advanceTo(effectiveAt);
      giftWith(await giftTo('alice'), 'alice', [3500, 500, 6000]);
      giftWith(await giftTo('frank'), 'frank', [4000, 1000, 5000]);
    });

    it('clears it at once with SplitOverrideCleared when the default pays at least as much', async function () {
      await setOverride([3000, 0, 7000]);
      const r = await v('admin', 'clearBroadcasterSplit(address)', [addr.alice]);
      assert.deepEqual(eventOf(r, 'SplitOverrideCleared'), { broadcaster: addr.alice });
      assert.deepEqual(await splitOf(addr.alice), bps(DEFAULT_SPLIT));
      giftWith(await giftTo('alice'), 'alice', DEFAULT_SPLIT);
      await reverts(v('admin', 'clearBroadcasterSplit(address)', [addr.alice]), 'NoSplitOverride', [addr.alice]);
    });

    it('announces clearing with SplitOverrideClearAnnounced when the default pays less', async function () {
      await setOverride([5000, 1000, 4000]);
      const r = await v('admin', 'clearBroadcasterSplit(address)', [addr.alice]);
      const effectiveAt = timeOf(r) + NOTICE;
      assert.deepEqual(eventOf(r, 'SplitOverrideClearAnnounced'), {
        broadcaster: addr.alice,
        effectiveAt: BigInt(effectiveAt),
      });
      assert.deepEqual(await splitOf(addr.alice), [5000n, 1000n, 4000n]);
      assert.deepEqual(await pendingSplitOf(addr.alice), [true, bps(DEFAULT_SPLIT), BigInt(effectiveAt)]);
      giftWith(await giftTo('alice'), 'alice', [5000, 1000, 4000]);
      await advanceTo(effectiveAt - 60);
      giftWith(await giftTo('alice'), 'alice', [5000, 1000, 4000]);
      await advanceTo(effectiveAt);
      assert.deepEqual(await splitOf(addr.alice), bps(DEFAULT_SPLIT));
      assert.deepEqual(await pendingSplitOf(addr.alice), [false, [0n, 0n, 0n], 0n]);
      giftWith(await giftTo('alice'), 'alice', DEFAULT_SPLIT);
      await reverts(v('admin', 'clearBroadcasterSplit(address)', [addr.alice]), 'NoSplitOverride', [addr.alice]);
    });

    it('announces clearing when a pending default change would pay less than the override', async function () {
      // Clearing at once right before an announced default lowering would cut the share with no notice.
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      await setOverride([4000, 2000, 4000]);
      const lower = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 1000, 6000]]);
      const defaultAt = timeOf(lower) + NOTICE;
      assert.deepEqual(await pendingSplitOf(addr.alice), [false, [0n, 0n, 0n], 0n]);
      assert.deepEqual(await pendingSplitOf(addr.frank), [true, [3000n, 1000n, 6000n], BigInt(defaultAt)]);
      await advanceTo(defaultAt - 60);
      const r = await v('admin', 'clearBroadcasterSplit(address)', [addr.alice]);
      const effectiveAt = timeOf(r) + NOTICE;
      assert.deepEqual(eventOf(r, 'SplitOverrideClearAnnounced'), {
        broadcaster: addr.alice,
        effectiveAt: BigInt(effectiveAt),
      });
      assert.deepEqual(await pendingSplitOf(addr.alice), [true, [3000n, 1000n, 6000n], BigInt(effectiveAt)]);
      await advanceTo(defaultAt);
      giftWith(await giftTo('frank'), 'frank', [3000, 1000, 6000]);
      giftWith(await giftTo('alice'), 'alice', [4000, 2000, 4000]);
      await advanceTo(effectiveAt);
      giftWith(await giftTo('alice'), 'alice', [3000, 1000, 6000]);
    });

    it('clears at once with SplitOverrideCleared when the override was only announced and the default stays', async function () {
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 1000, 5000]]);
      await setOverride([3500, 500, 6000]);
      const r = await v('admin', 'clearBroadcasterSplit(address)', [addr.alice]);
      assert.deepEqual(eventOf(r, 'SplitOverrideCleared'), { broadcaster: addr.alice });
      assert.deepEqual(await splitOf(addr.alice), [4000n, 1000n, 5000n]);
      assert.deepEqual(await pendingSplitOf(addr.alice), [false, [0n, 0n, 0n], 0n]);
      await reverts(v('admin', 'clearBroadcasterSplit(address)', [addr.alice]), 'NoSplitOverride', [addr.alice]);
    });

    // The first sequence the review found: the override, announced but not in force, would shield
    // alice from a lower default announced after it; clearing it at once exposed her to that drop
    // with less than the notice left (a day here). Now the clear pins her current split and waits.
    it('announces the clear of an override not yet in force while a lower default is announced, keeping the pinned split', async function () {
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[5000, 1000, 4000]]);
      const own = await setOverride([4000, 1000, 5000]);
      const ownAt = timeOf(own) + NOTICE;
      await advance(6 * DAY);
      const lower = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 1000, 6000]]);
      const lowerAt = timeOf(lower) + NOTICE;
      await advanceTo(ownAt - 2 * HOUR);
      const r = await v('admin', 'clearBroadcasterSplit(address)', [addr.alice]);
      const effectiveAt = timeOf(r) + NOTICE;
      assert.ok(lowerAt < effectiveAt);
      assert.deepEqual(eventOf(r, 'SplitOverrideClearAnnounced'), {
        broadcaster: addr.alice,
        effectiveAt: BigInt(effectiveAt),
      });
      assert.deepEqual(await pendingSplitOf(addr.alice), [true, [3000n, 1000n, 6000n], BigInt(effectiveAt)]);
      await advanceTo(lowerAt);
      giftWith(await giftTo('frank'), 'frank', [3000, 1000, 6000]);
      giftWith(await giftTo('alice'), 'alice', [5000, 1000, 4000]);
      await advanceTo(effectiveAt);
      giftWith(await giftTo('alice'), 'alice', [3000, 1000, 6000]);
      // Announcing the lower override had pinned alice to her split of then until it applied.
      assert.deepEqual(eventOf(own, 'SplitUpdated'), {
        broadcaster: addr.alice,
        broadcasterBps: 5000n,
        poolBps: 1000n,
        platformBps: 4000n,
      });
    });

    // The second sequence: re-sending the same (or a higher) override while it was announced used to
    // push its start 7 days later and leave alice on the lower default in between.
    for (const again of [
      [4000, 1000, 5000],
      [4500, 1000, 4500],
    ] as SplitBps[]) {
      it(`keeps alice off a lower default when an announced override is sent again as ${again.join('/')}`, async function () {
        await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[6000, 1000, 3000]]);
        const lower = await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[3000, 1000, 6000]]);
        const lowerAt = timeOf(lower) + NOTICE;
        const own = await setOverride([4000, 1000, 5000]);
        assert.ok(timeOf(own) + NOTICE <= lowerAt + 5);
        await advance(6 * DAY);
        const r = await setOverride(again);
        const effectiveAt = timeOf(r) + NOTICE;
        assert.deepEqual(eventOf(r, 'SplitChangeAnnounced').effectiveAt, BigInt(effectiveAt));
        await advanceTo(lowerAt + HOUR);
        giftWith(await giftTo('frank'), 'frank', [3000, 1000, 6000]);
        const g = await giftTo('alice');
        assert.ok(
          (eventOf(g, 'GiftSent').broadcasterAmount as bigint) >= 4_000_000n,
          `alice got ${String(eventOf(g, 'GiftSent').broadcasterAmount)} of 10 TRX a day after the first announcement applied`,
        );
        giftWith(g, 'alice', [6000, 1000, 3000]);
        await advanceTo(effectiveAt);
        giftWith(await giftTo('alice'), 'alice', again);
      });
    }

    it('follows default changes again once cleared', async function () {
      await setOverride([5000, 1000, 4000]);
      await v('admin', 'clearBroadcasterSplit(address)', [addr.alice]);
      await advance(NOTICE + 1);
      await v('admin', 'setDefaultSplit((uint16,uint16,uint16))', [[4000, 2000, 4000]]);
      assert.deepEqual(await splitOf(addr.alice), [4000n, 2000n, 4000n]);
      giftWith(await giftTo('alice'), 'alice', [4000, 2000, 4000]);
    });

    it('reverts with NoSplitOverride when the broadcaster has none', async function () {
      await reverts(v('admin', 'clearBroadcasterSplit(address)', [addr.frank]), 'NoSplitOverride', [addr.frank]);
    });

    it('reverts with BroadcasterShareBelowFloor and InvalidSplit when the split is invalid', async function () {
      await reverts(setOverride([2999, 1, 7000]), 'BroadcasterShareBelowFloor', [2999n, 3000n]);
      await reverts(setOverride([5000, 5000, 1]), 'InvalidSplit', [5000n, 5000n, 1n]);
      assert.deepEqual(await splitOf(addr.alice), bps(DEFAULT_SPLIT));
    });

    it('reverts with ZeroAddress when the broadcaster is zero', async function () {
      await reverts(
        v('admin', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [TRX_ADDRESS, [5000, 0, 5000]]),
        'ZeroAddress',
        [],
      );
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the policy role', async function () {
      await reverts(
        v('mallory', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [addr.alice, [9000, 0, 1000]]),
        'AccessControlUnauthorizedAccount',
        [addr.mallory, ROLE.POLICY],
      );
      await setOverride([5000, 1000, 4000]);
      await reverts(v('mallory', 'clearBroadcasterSplit(address)', [addr.alice]), 'AccessControlUnauthorizedAccount', [
        addr.mallory,
        ROLE.POLICY,
      ]);
    });
  });

  // ---------------------------------------------------------------- dispute freeze

  describe('when a dispute freezes claims', function () {
    let releaseAt = 0;

    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 10_000_000n);
      const r = await gift('bob', [addr.alice, GIFT.TRX, 10n, 0n]);
      releaseAt = Number(eventOf(r, 'GiftSent').releaseAt);
      await advanceTo(releaseAt);
    });

    const freeze = (duration: number, reason = 'dispute #1'): Promise<TxResult> =>
      v('admin', 'freezeClaims(address,uint256,string)', [addr.alice, BigInt(duration), reason]);

    it('blocks claim with ClaimsAreFrozen and moves no funds', async function () {
      const before = await ledger(['alice', 'bob'], ['TRX']);
      const f = await freeze(3 * DAY);
      const until = timeOf(f) + 3 * DAY;
      assert.deepEqual(eventOf(f, 'ClaimsFrozen'), {
        broadcaster: addr.alice,
        until: BigInt(until),
        reason: 'dispute #1',
      });
      assert.equal(await view('frozenUntil(address)', [addr.alice], ['uint64']), BigInt(until));
      const e = await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'ClaimsAreFrozen', [
        addr.alice,
        BigInt(until),
      ]);
      await expectLedger(before, { 'alice.wallet.TRX': -feeOf(e) });
      assert.equal(await earning(0, [addr.alice, TRX_ADDRESS]), 3_000_000n);
    });

    it('leaves deposits, withdrawals and incoming gifts working', async function () {
      await freeze(3 * DAY);
      await v('alice', 'depositTRX()', [], 1_000_000n);
      const w = await v('alice', 'withdraw(address,uint256)', [TRX_ADDRESS, 1_000_000n]);
      assert.deepEqual(eventOf(w, 'Withdrawn'), { user: addr.alice, token: TRX_ADDRESS, amount: 1_000_000n });
      const g = await giftDirect('bob', [addr.alice, GIFT.TRX, 1n, 0n], 1_000_000n);
      assert.equal(eventOf(g, 'GiftSent').broadcasterAmount, 300_000n);
      assert.equal(await earning(1, [addr.alice, TRX_ADDRESS]), 300_000n);
    });

    it('unfreezes by itself when the duration ends', async function () {
      const f = await freeze(3 * DAY);
      const until = timeOf(f) + 3 * DAY;
      await advanceTo(until - 60);
      await reverts(v('alice', 'claim(address)', [TRX_ADDRESS]), 'ClaimsAreFrozen', [addr.alice, BigInt(until)]);
      await advanceTo(until);
      const before = await ledger(['alice'], ['TRX']);
      const c = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 3_000_000n,
      });
      await expectLedger(before, {
        'alice.claimable.TRX': -3_000_000n,
        'alice.vault.TRX': 3_000_000n,
        'alice.wallet.TRX': -feeOf(c),
      });
    });

    it('accepts the maximum duration of 14 days', async function () {
      const f = await freeze(MAX_FREEZE);
      assert.equal(eventOf(f, 'ClaimsFrozen').until, BigInt(timeOf(f) + MAX_FREEZE));
    });

    it('reverts with FreezeTooLong when the duration is above 14 days', async function () {
      await reverts(freeze(15 * DAY), 'FreezeTooLong', [BigInt(15 * DAY), BigInt(MAX_FREEZE)]);
      assert.equal(await view('frozenUntil(address)', [addr.alice], ['uint64']), 0n);
    });

    it('reverts with ZeroAmount when the duration is zero', async function () {
      await reverts(freeze(0), 'ZeroAmount', []);
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the dispute role', async function () {
      await reverts(
        v('mallory', 'freezeClaims(address,uint256,string)', [addr.alice, BigInt(DAY), 'x']),
        'AccessControlUnauthorizedAccount',
        [addr.mallory, ROLE.DISPUTE],
      );
      await freeze(DAY);
      await reverts(v('mallory', 'unfreezeClaims(address)', [addr.alice]), 'AccessControlUnauthorizedAccount', [
        addr.mallory,
        ROLE.DISPUTE,
      ]);
    });

    it('reverts with FreezeCooldown when frozen or within 7 days after the freeze ends', async function () {
      const f = await freeze(2 * DAY);
      const until = timeOf(f) + 2 * DAY;
      const availableAt = BigInt(until + FREEZE_COOLDOWN);
      await reverts(freeze(DAY, 'dispute #2'), 'FreezeCooldown', [addr.alice, availableAt]);
      await advanceTo(until + 1);
      await reverts(freeze(DAY, 'dispute #2'), 'FreezeCooldown', [addr.alice, availableAt]);
      await advanceTo(until + FREEZE_COOLDOWN - 60);
      await reverts(freeze(DAY, 'dispute #2'), 'FreezeCooldown', [addr.alice, availableAt]);
      await advanceTo(until + FREEZE_COOLDOWN);
      const f2 = await freeze(DAY, 'dispute #2');
      assert.deepEqual(eventOf(f2, 'ClaimsFrozen'), {
        broadcaster: addr.alice,
        until: BigInt(timeOf(f2) + DAY),
        reason: 'dispute #2',
      });
    });

    it('ends early with ClaimsUnfrozen and the cooldown runs from then', async function () {
      await freeze(5 * DAY);
      await advance(DAY);
      const u = await v('admin', 'unfreezeClaims(address)', [addr.alice]);
      assert.deepEqual(eventOf(u, 'ClaimsUnfrozen'), { broadcaster: addr.alice });
      assert.equal(await view('frozenUntil(address)', [addr.alice], ['uint64']), BigInt(timeOf(u)));
      const c = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(c, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 3_000_000n,
      });
      await reverts(v('admin', 'unfreezeClaims(address)', [addr.alice]), 'NotFrozen', [addr.alice]);
      await reverts(freeze(DAY), 'FreezeCooldown', [addr.alice, BigInt(timeOf(u) + FREEZE_COOLDOWN)]);
    });

    it('reverts with NotFrozen when never frozen or after the freeze ran out', async function () {
      await reverts(v('admin', 'unfreezeClaims(address)', [addr.frank]), 'NotFrozen', [addr.frank]);
      const f = await freeze(DAY);
      await advanceTo(timeOf(f) + DAY);
      await reverts(v('admin', 'unfreezeClaims(address)', [addr.alice]), 'NotFrozen', [addr.alice]);
    });
  });

  // ---------------------------------------------------------------- treasury and pool

  describe('when the treasury withdraws platform revenue', function () {
    beforeEach(async function () {
      await giftDirect('bob', [addr.alice, GIFT.TRX, 10n, 0n], 10_000_000n);
      await giftDirect('bob', [addr.alice, GIFT.BTT, 2n, 0n]);
      await giftDirect('bob', [addr.alice, GIFT.USDT, 5n, 0n]);
    });

    it('reports the platform shares in treasuryBalance', async function () {
      assert.equal(await view('treasuryBalance(address)', [TRX_ADDRESS]), 6_000_000n);
      assert.equal(await view('treasuryBalance(address)', [tok.BTT]), 6n * E18);
      assert.equal(await view('treasuryBalance(address)', [tok.USDT]), 6_000_000n);
    });

    it('sends TRX with TreasuryWithdrawn', async function () {
      const before = await ledger(['payee'], ['TRX']);
      const r = await v('admin', 'withdrawTreasury(address,address,uint256)', [TRX_ADDRESS, addr.payee, 2_000_000n]);
      assert.deepEqual(eventOf(r, 'TreasuryWithdrawn'), { token: TRX_ADDRESS, to: addr.payee, amount: 2_000_000n });
      await expectLedger(before, {
        'payee.wallet.TRX': 2_000_000n,
        'treasury.TRX': -2_000_000n,
        'custody.TRX': -2_000_000n,
        'liabilities.TRX': -2_000_000n,
      });
    });

    it('sends BTT and a USDT-like token', async function () {
      const before = await ledger(['payee'], ['BTT', 'USDT']);
      const r1 = await v('admin', 'withdrawTreasury(address,address,uint256)', [tok.BTT, addr.payee, 6n * E18]);
      const r2 = await v('admin', 'withdrawTreasury(address,address,uint256)', [tok.USDT, addr.payee, 1n]);
      assert.deepEqual(eventOf(r1, 'TreasuryWithdrawn'), { token: tok.BTT, to: addr.payee, amount: 6n * E18 });
      assert.deepEqual(eventOf(r2, 'TreasuryWithdrawn'), { token: tok.USDT, to: addr.payee, amount: 1n });
      await expectLedger(before, {
        'payee.wallet.BTT': 6n * E18,
        'treasury.BTT': -6n * E18,
        'custody.BTT': -6n * E18,
        'liabilities.BTT': -6n * E18,
        'payee.wallet.USDT': 1n,
        'treasury.USDT': -1n,
        'custody.USDT': -1n,
        'liabilities.USDT': -1n,
      });
    });

    it('reverts with InsufficientBalance when the amount is above the treasury, which never reaches user funds', async function () {
      await v('carol', 'depositTRX()', [], 50_000_000n);
      await reverts(
        v('admin', 'withdrawTreasury(address,address,uint256)', [TRX_ADDRESS, addr.payee, 6_000_001n]),
        'InsufficientBalance',
        [TRX_ADDRESS, 6_000_000n, 6_000_001n],
      );
    });

    it('reverts with ZeroAddress when the recipient is zero', async function () {
      await reverts(
        v('admin', 'withdrawTreasury(address,address,uint256)', [TRX_ADDRESS, TRX_ADDRESS, 1n]),
        'ZeroAddress',
        [],
      );
    });

    it('reverts with ZeroAmount when the amount is zero', async function () {
      await reverts(
        v('admin', 'withdrawTreasury(address,address,uint256)', [TRX_ADDRESS, addr.payee, 0n]),
        'ZeroAmount',
        [],
      );
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the treasury role', async function () {
      const before = await ledger(['mallory'], ['BTT']);
      await reverts(
        v('mallory', 'withdrawTreasury(address,address,uint256)', [tok.BTT, addr.mallory, 1n]),
        'AccessControlUnauthorizedAccount',
        [addr.mallory, ROLE.TREASURY],
      );
      await expectLedger(before, {});
    });
  });

  describe('when the pool share is flushed', function () {
    it('moves accrued TRX to the RewardPool with PoolFlushed and Funded', async function () {
      await giftDirect('bob', [addr.alice, GIFT.TRX, 10n, 0n], 10_000_000n);
      await giftDirect('bob', [addr.frank, GIFT.TRX, 5n, 0n], 5_000_000n);
      assert.equal(await view('poolAccrued(address)', [TRX_ADDRESS]), 1_500_000n);
      const before = await ledger(['mallory'], ['TRX']);
      const r = await v('mallory', 'flushPool(address)', [TRX_ADDRESS]);
      assert.deepEqual(eventOf(r, 'PoolFlushed'), { token: TRX_ADDRESS, amount: 1_500_000n });
      assert.deepEqual(eventOf(r, 'Funded'), { funder: vault, token: TRX_ADDRESS, amount: 1_500_000n });
      assert.equal(r.events.find((e) => e.name === 'Funded')!.address, sys.rewardPool);
      await expectLedger(before, {
        'mallory.wallet.TRX': -feeOf(r),
        'pool.TRX': -1_500_000n,
        'custody.TRX': -1_500_000n,
        'liabilities.TRX': -1_500_000n,
        'rewardPool.TRX': 1_500_000n,
        'rewardPoolWallet.TRX': 1_500_000n,
      });
      await reverts(v('mallory', 'flushPool(address)', [TRX_ADDRESS]), 'ZeroAmount', []);
    });

    it('moves accrued BTT to the RewardPool with PoolFlushed and Funded', async function () {
      await giftDirect('bob', [addr.alice, GIFT.BTT, 3n, 0n]);
      const before = await ledger([], ['BTT']);
      const r = await v('carol', 'flushPool(address)', [tok.BTT]);
      const amount = (15n * E18) / 10n;
      assert.deepEqual(eventOf(r, 'PoolFlushed'), { token: tok.BTT, amount });
      assert.deepEqual(eventOf(r, 'Funded'), { funder: vault, token: tok.BTT, amount });
      await expectLedger(before, {
        'pool.BTT': -amount,
        'custody.BTT': -amount,
        'liabilities.BTT': -amount,
        'rewardPool.BTT': amount,
        'rewardPoolWallet.BTT': amount,
      });
      assert.equal(await call(dn, tok.BTT, 'allowance(address,address)', [vault, sys.rewardPool]), 0n);
    });

    it('moves a USDT-like token, and of a fee-on-transfer token the pool is credited what arrived', async function () {
      await giftDirect('bob', [addr.alice, GIFT.USDT, 1n, 0n]);
      await v('bob', 'deposit(address,uint256)', [tok.FEE, 10n * E18]);
      await gift('bob', [addr.alice, GIFT.FEE, 5n, 0n]);
      const before = await ledger([], ['USDT', 'FEE']);
      const u = await v('carol', 'flushPool(address)', [tok.USDT]);
      const f = await v('carol', 'flushPool(address)', [tok.FEE]);
      const feePool = (5n * E18) / 10n;
      const arrived = feePool - feePool / 100n;
      assert.deepEqual(eventOf(u, 'PoolFlushed'), { token: tok.USDT, amount: 200_000n });
      assert.deepEqual(eventOf(u, 'Funded'), { funder: vault, token: tok.USDT, amount: 200_000n });
      assert.deepEqual(eventOf(f, 'PoolFlushed'), { token: tok.FEE, amount: feePool });
      assert.deepEqual(eventOf(f, 'Funded'), { funder: vault, token: tok.FEE, amount: arrived });
      await expectLedger(before, {
        'pool.USDT': -200_000n,
        'custody.USDT': -200_000n,
        'liabilities.USDT': -200_000n,
        'rewardPool.USDT': 200_000n,
        'rewardPoolWallet.USDT': 200_000n,
        'pool.FEE': -feePool,
        'custody.FEE': -feePool,
        'liabilities.FEE': -feePool,
        'rewardPool.FEE': arrived,
        'rewardPoolWallet.FEE': arrived,
      });
    });

    it('reverts with ZeroAmount when nothing accrued', async function () {
      await reverts(v('carol', 'flushPool(address)', [TRX_ADDRESS]), 'ZeroAmount', []);
      await reverts(v('carol', 'flushPool(address)', [tok.BTT]), 'ZeroAmount', []);
    });
  });

  // ---------------------------------------------------------------- pause

  describe('when paused', function () {
    let releaseAt = 0;

    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 10_000_000n);
      await v('bob', 'deposit(address,uint256)', [tok.BTT, 10n * E18]);
      const r = await gift('bob', [addr.alice, GIFT.TRX, 5n, 0n]);
      releaseAt = Number(eventOf(r, 'GiftSent').releaseAt);
      const p = await v('admin', 'pause()');
      assert.deepEqual(eventOf(p, 'Paused'), { account: addr.admin });
    });

    it('reverts with EnforcedPause when depositing or sending gifts', async function () {
      const before = await ledger(['bob', 'alice'], ['TRX', 'BTT']);
      const errs = [
        await reverts(v('bob', 'depositTRX()', [], 1_000_000n), 'EnforcedPause', []),
        await reverts(v('bob', 'deposit(address,uint256)', [tok.BTT, E18]), 'EnforcedPause', []),
        await reverts(gift('bob', [addr.alice, GIFT.TRX, 1n, 0n]), 'EnforcedPause', []),
        await reverts(giftDirect('bob', [addr.alice, GIFT.TRX, 1n, 0n], 1_000_000n), 'EnforcedPause', []),
        await reverts(giftDirect('bob', [addr.alice, GIFT.BTT, 1n, 0n]), 'EnforcedPause', []),
      ];
      await expectLedger(before, { 'bob.wallet.TRX': -errs.reduce((s, e) => s + feeOf(e), 0n) });
    });

    it('lets users withdraw, broadcasters claim and the treasury withdraw', async function () {
      await advanceTo(releaseAt);
      const before = await ledger(['bob', 'alice', 'payee'], ['TRX', 'BTT']);
      const w = await v('bob', 'withdraw(address,uint256)', [tok.BTT, 10n * E18]);
      const w2 = await v('bob', 'withdraw(address,uint256)', [TRX_ADDRESS, 1_000_000n]);
      const c = await v('alice', 'claim(address)', [TRX_ADDRESS]);
      const t = await v('admin', 'withdrawTreasury(address,address,uint256)', [TRX_ADDRESS, addr.payee, 3_000_000n]);
      assert.deepEqual(eventOf(w, 'Withdrawn'), { user: addr.bob, token: tok.BTT, amount: 10n * E18 });
      assert.deepEqual(eventOf(w2, 'Withdrawn'), { user: addr.bob, token: TRX_ADDRESS, amount: 1_000_000n });
      assert.deepEqual(eventOf(c, 'EarningsClaimed'), {
        broadcaster: addr.alice,
        token: TRX_ADDRESS,
        amount: 1_500_000n,
      });
      assert.deepEqual(eventOf(t, 'TreasuryWithdrawn'), { token: TRX_ADDRESS, to: addr.payee, amount: 3_000_000n });
      await expectLedger(before, {
        'bob.vault.BTT': -10n * E18,
        'bob.wallet.BTT': 10n * E18,
        'custody.BTT': -10n * E18,
        'liabilities.BTT': -10n * E18,
        'bob.vault.TRX': -1_000_000n,
        'bob.wallet.TRX': 1_000_000n - feeOf(w) - feeOf(w2),
        'alice.claimable.TRX': -1_500_000n,
        'alice.vault.TRX': 1_500_000n,
        'alice.wallet.TRX': -feeOf(c),
        'treasury.TRX': -3_000_000n,
        'payee.wallet.TRX': 3_000_000n,
        'custody.TRX': -4_000_000n,
        'liabilities.TRX': -4_000_000n,
      });
    });

    it('resumes with Unpaused', async function () {
      const u = await v('admin', 'unpause()');
      assert.deepEqual(eventOf(u, 'Unpaused'), { account: addr.admin });
      const r = await v('bob', 'depositTRX()', [], 1_000_000n);
      assert.deepEqual(eventOf(r, 'Deposited'), { user: addr.bob, token: TRX_ADDRESS, amount: 1_000_000n });
      await reverts(v('admin', 'unpause()'), 'ExpectedPause', []);
    });

    it('reverts with EnforcedPause when paused again', async function () {
      await reverts(v('admin', 'pause()'), 'EnforcedPause', []);
    });

    it('reverts with AccessControlUnauthorizedAccount when the caller lacks the pauser role', async function () {
      await reverts(v('mallory', 'unpause()'), 'AccessControlUnauthorizedAccount', [addr.mallory, ROLE.PAUSER]);
      await v('admin', 'unpause()');
      await reverts(v('mallory', 'pause()'), 'AccessControlUnauthorizedAccount', [addr.mallory, ROLE.PAUSER]);
    });
  });

  // ---------------------------------------------------------------- reentrancy

  describe('when a hostile token reenters the vault', function () {
    const attempts = (): [string, string][] => [
      ['withdraw', vaultAbi.encodeFunctionData('withdraw', [evm(tok.REE), 1n])],
      ['claim', vaultAbi.encodeFunctionData('claim', [evm(tok.REE)])],
      [
        'sendGiftDirect',
        vaultAbi.encodeFunctionData('sendGiftDirect', [evm(addr.alice), GIFT.REE, 1n, 0n, evm(tok.REE), PRICE.REE]),
      ],
    ];

    beforeEach(async function () {
      await v('bob', 'deposit(address,uint256)', [tok.REE, 10n * E18]);
      // The vault holds REE in balances, escrow, pool and treasury; the asserted error name shows the
      // guard stopped each reentrant call before any later check could.
      await gift('bob', [addr.alice, GIFT.REE, 1n, 0n]);
    });

    for (const i of [0, 1, 2]) {
      it(`reverts with ReentrancyGuardReentrantCall when deposit's transferFrom calls ${['withdraw', 'claim', 'sendGiftDirect'][i]}`, async function () {
        const [, payload] = attempts()[i]!;
        await tx('carol', tok.REE, 'arm(address,bytes)', [vault, payload]);
        const before = await ledger(['bob', 'alice'], ['REE']);
        await reverts(v('bob', 'deposit(address,uint256)', [tok.REE, E18]), 'ReentrancyGuardReentrantCall', []);
        await expectLedger(before, {});
      });

      it(`reverts with ReentrancyGuardReentrantCall when withdraw's transfer calls ${['withdraw', 'claim', 'sendGiftDirect'][i]}`, async function () {
        const [, payload] = attempts()[i]!;
        await tx('carol', tok.REE, 'arm(address,bytes)', [vault, payload]);
        const before = await ledger(['bob', 'alice'], ['REE']);
        await reverts(v('bob', 'withdraw(address,uint256)', [tok.REE, E18]), 'ReentrancyGuardReentrantCall', []);
        await expectLedger(before, {});
      });
    }

    it("reverts with ReentrancyGuardReentrantCall when sendGiftDirect's transferFrom calls withdraw", async function () {
      await tx('carol', tok.REE, 'arm(address,bytes)', [vault, attempts()[0]![1]]);
      const before = await ledger(['bob', 'alice'], ['REE']);
      await reverts(giftDirect('bob', [addr.alice, GIFT.REE, 1n, 0n]), 'ReentrancyGuardReentrantCall', []);
      await expectLedger(before, {});
    });

    it('works normally once disarmed', async function () {
      await tx('carol', tok.REE, 'arm(address,bytes)', [vault, attempts()[0]![1]]);
      await tx('carol', tok.REE, 'arm(address,bytes)', [vault, '0x']);
      const before = await ledger(['bob'], ['REE']);
      await v('bob', 'withdraw(address,uint256)', [tok.REE, E18]);
      await expectLedger(before, {
        'bob.vault.REE': -E18,
        'bob.wallet.REE': E18,
        'custody.REE': -E18,
        'liabilities.REE': -E18,
      });
    });
  });

  // ---------------------------------------------------------------- what the sender was shown

  describe('when the catalog changes between signing and inclusion', function () {
    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 50_000_000n);
      await v('bob', 'deposit(address,uint256)', [tok.BTT, 1_000n * E18]);
    });
    const setGift = (id: bigint, t: Tok, price: bigint): Promise<TxResult> =>
      v('admin', 'setGift(uint256,address,uint256,bool,string)', [id, tok[t], price, true, 'changed']);

    // The reported case: a gift shown as 5 BTT took 1,000 BTT, 600 of it to the treasury.
    it('reverts with GiftTermsChanged when the price rose above what the sender agreed to, from the vault', async function () {
      const agreed: [string, bigint] = [tok.BTT, PRICE.BTT];
      await setGift(GIFT.BTT, 'BTT', 1_000n * E18);
      const before = await ledger(['bob', 'alice'], ['BTT', 'TRX']);
      const e = await reverts(gift('bob', [addr.alice, GIFT.BTT, 1n, 0n], agreed), 'GiftTermsChanged', [
        GIFT.BTT,
        tok.BTT,
        1_000n * E18,
      ]);
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    it('reverts with GiftTermsChanged when the price rose, paying from the wallet', async function () {
      await setGift(GIFT.BTT, 'BTT', 6n * E18);
      const before = await ledger(['bob', 'alice'], ['BTT', 'TRX']);
      const e = await reverts(
        giftDirect('bob', [addr.alice, GIFT.BTT, 2n, 0n], undefined, [tok.BTT, 2n * PRICE.BTT]),
        'GiftTermsChanged',
        [GIFT.BTT, tok.BTT, 12n * E18],
      );
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) });
    });

    // The other reported case: switching a gift from TRX to BTT took the viewer's whole BTT balance.
    it('reverts with GiftTermsChanged when the gift is now priced in another token', async function () {
      await setGift(GIFT.TRX, 'BTT', 1_000n * E18);
      const before = await ledger(['bob', 'alice'], ['BTT', 'TRX']);
      const e = await reverts(
        gift('bob', [addr.alice, GIFT.TRX, 1n, 0n], [TRX_ADDRESS, PRICE.TRX]),
        'GiftTermsChanged',
        [GIFT.TRX, tok.BTT, 1_000n * E18],
      );
      const d = await reverts(
        giftDirect('bob', [addr.alice, GIFT.TRX, 1n, 0n], PRICE.TRX, [TRX_ADDRESS, PRICE.TRX]),
        'GiftTermsChanged',
        [GIFT.TRX, tok.BTT, 1_000n * E18],
      );
      await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) - feeOf(d) });
    });

    it('reverts with GiftTermsChanged when the token is right but the maximum is below the total', async function () {
      await reverts(gift('bob', [addr.alice, GIFT.BTT, 3n, 0n], [tok.BTT, 3n * PRICE.BTT - 1n]), 'GiftTermsChanged', [
        GIFT.BTT,
        tok.BTT,
        3n * PRICE.BTT,
      ]);
      await reverts(gift('bob', [addr.alice, GIFT.BTT, 3n, 0n], [tok.USDT, 3n * PRICE.BTT]), 'GiftTermsChanged', [
        GIFT.BTT,
        tok.BTT,
        3n * PRICE.BTT,
      ]);
    });

    it('charges the lower price when the price fell below what the sender agreed to', async function () {
      await setGift(GIFT.BTT, 'BTT', 2n * E18);
      const before = await ledger(['bob', 'alice'], ['BTT']);
      const r = await gift('bob', [addr.alice, GIFT.BTT, 2n, 0n], [tok.BTT, 2n * PRICE.BTT]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.BTT,
        quantity: 2n,
        token: 'BTT',
        total: 4n * E18,
        streamId: 0n,
        split: DEFAULT_SPLIT,
      });
      await expectLedger(before, {
        'bob.vault.BTT': -4n * E18,
        'alice.pending.BTT': g.b,
        'pool.BTT': g.p,
        'treasury.BTT': g.f,
      });
    });

    it('reverts with WrongPayment when a TRX gift from the wallet became cheaper than the TRX attached', async function () {
      await setGift(GIFT.TRX, 'TRX', PRICE.TRX / 2n);
      await reverts(
        giftDirect('bob', [addr.alice, GIFT.TRX, 2n, 0n], 2n * PRICE.TRX, [TRX_ADDRESS, 2n * PRICE.TRX]),
        'WrongPayment',
        [PRICE.TRX, 2n * PRICE.TRX],
      );
    });
  });

  describe('when a gift is too small to pay the broadcaster', function () {
    beforeEach(async function () {
      await v('bob', 'depositTRX()', [], 10_000_000n);
    });

    // At 30% a total under 4 units rounds the broadcaster's share down to 0: the platform took it all.
    for (const q of [1n, 2n, 3n]) {
      it(`reverts with GiftTooSmall for a total of ${q} sun at 30%`, async function () {
        const before = await ledger(['bob', 'alice'], ['TRX']);
        const e = await reverts(gift('bob', [addr.alice, GIFT.SUN, q, 0n]), 'GiftTooSmall', [GIFT.SUN, q, 3000n]);
        const d = await reverts(giftDirect('bob', [addr.alice, GIFT.SUN, q, 0n], q), 'GiftTooSmall', [
          GIFT.SUN,
          q,
          3000n,
        ]);
        await expectLedger(before, { 'bob.wallet.TRX': -feeOf(e) - feeOf(d) });
      });
    }

    it('accepts the smallest total that pays the broadcaster 1 sun, and follows the broadcaster share', async function () {
      const r = await gift('bob', [addr.alice, GIFT.SUN, 4n, 0n]);
      const g = expectGiftSent(r, {
        sender: 'bob',
        broadcaster: 'alice',
        giftId: GIFT.SUN,
        quantity: 4n,
        token: 'TRX',
        total: 4n,
        streamId: 0n,
        split: DEFAULT_SPLIT,
      });
      assert.deepEqual([g.b, g.p, g.f], [1n, 0n, 3n]);
      await v('admin', 'setBroadcasterSplit(address,(uint16,uint16,uint16))', [addr.alice, [5000, 1000, 4000]]);
      const two = await gift('bob', [addr.alice, GIFT.SUN, 2n, 0n]);
      assert.equal(eventOf(two, 'GiftSent').broadcasterAmount, 1n);
      await reverts(gift('bob', [addr.alice, GIFT.SUN, 1n, 0n]), 'GiftTooSmall', [GIFT.SUN, 1n, 5000n]);
    });
  });

  describe('when value would be stranded', function () {
    beforeEach(async function () {
      await giftDirect('bob', [addr.alice, GIFT.TRX, 10n, 0n], 10_000_000n);
      await giftDirect('bob', [addr.alice, GIFT.BTT, 2n, 0n]);
    });

    it('reverts with InvalidRecipient when the treasury would be sent to the vault or the reward pool', async function () {
      const before = await ledger(['admin'], ['TRX', 'BTT']);
      const a = await reverts(
        v('admin', 'withdrawTreasury(address,address,uint256)', [TRX_ADDRESS, vault, 1_000_000n]),
        'InvalidRecipient',
        [vault],
      );
      const b = await reverts(
        v('admin', 'withdrawTreasury(address,address,uint256)', [tok.BTT, sys.rewardPool, E18]),
        'InvalidRecipient',
        [sys.rewardPool],
      );
      await expectLedger(before, { 'admin.wallet.TRX': -feeOf(a) - feeOf(b) });
    });

    it('recovers tokens sent to the vault by mistake with SurplusRecovered, never what it owes', async function () {
      await tx('carol', tok.BTT, 'transfer(address,uint256)', [vault, 3n * E18]);
      donated.add('BTT');
      assert.equal(await view('surplusOf(address)', [tok.BTT]), 3n * E18);
      const before = await ledger(['payee', 'alice'], ['BTT']);
      const r = await v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, addr.payee, 2n * E18]);
      assert.deepEqual(eventOf(r, 'SurplusRecovered'), { token: tok.BTT, to: addr.payee, amount: 2n * E18 });
      await expectLedger(before, { 'payee.wallet.BTT': 2n * E18, 'custody.BTT': -2n * E18 });
      await reverts(
        v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, addr.payee, E18 + 1n]),
        'InsufficientSurplus',
        [tok.BTT, E18, E18 + 1n],
      );
      await v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, addr.payee, E18]);
      donated.delete('BTT');
      assert.equal(await view('surplusOf(address)', [tok.BTT]), 0n);
      await reverts(
        v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, addr.payee, 1n]),
        'InsufficientSurplus',
        [tok.BTT, 0n, 1n],
      );
    });

    it('recovers TRX forced into the vault, and a token that was never allowed', async function () {
      const extra = 7_000_000n;
      await tre(dn, 'tre_setAccountBalance', [vault, String((await realBalance(vault, 'TRX')) + extra)]);
      assert.equal(await view('surplusOf(address)', [TRX_ADDRESS]), extra);
      const other = await deploy(tronWebFor(dn, 0), 'MockBTT');
      await tx('admin', other, 'mint(address,uint256)', [vault, 5n]);
      assert.equal(await view('surplusOf(address)', [other]), 5n);
      const before = await ledger(['payee'], ['TRX']);
      const r = await v('admin', 'recoverSurplus(address,address,uint256)', [TRX_ADDRESS, addr.payee, extra]);
      assert.deepEqual(eventOf(r, 'SurplusRecovered'), { token: TRX_ADDRESS, to: addr.payee, amount: extra });
      await expectLedger(before, { 'payee.wallet.TRX': extra, 'custody.TRX': -extra });
      await v('admin', 'recoverSurplus(address,address,uint256)', [other, addr.payee, 5n]);
      assert.equal(await call(dn, other, 'balanceOf(address)', [addr.payee]), 5n);
      await reverts(
        v('admin', 'recoverSurplus(address,address,uint256)', [TRX_ADDRESS, addr.payee, 1n]),
        'InsufficientSurplus',
        [TRX_ADDRESS, 0n, 1n],
      );
    });

    it('reverts with InvalidRecipient, ZeroAddress, ZeroAmount and AccessControlUnauthorizedAccount when recovering', async function () {
      await tx('carol', tok.BTT, 'transfer(address,uint256)', [vault, 3n * E18]);
      donated.add('BTT');
      await reverts(v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, vault, 1n]), 'InvalidRecipient', [
        vault,
      ]);
      await reverts(
        v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, sys.rewardPool, 1n]),
        'InvalidRecipient',
        [sys.rewardPool],
      );
      await reverts(
        v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, TRX_ADDRESS, 1n]),
        'ZeroAddress',
        [],
      );
      await reverts(v('admin', 'recoverSurplus(address,address,uint256)', [tok.BTT, addr.payee, 0n]), 'ZeroAmount', []);
      await reverts(
        v('mallory', 'recoverSurplus(address,address,uint256)', [tok.BTT, addr.mallory, 1n]),
        'AccessControlUnauthorizedAccount',
        [addr.mallory, ROLE.TREASURY],
      );
      assert.equal(await view('surplusOf(address)', [tok.BTT]), 3n * E18);
    });
  });

  // ---------------------------------------------------------------- custody

  describe('when tokens reach the vault outside deposits', function () {
    it('holds more than it owes and credits no one', async function () {
      await v('bob', 'deposit(address,uint256)', [tok.BTT, 10n * E18]);
      const before = await ledger(['bob'], ['BTT']);
      await tx('bob', tok.BTT, 'transfer(address,uint256)', [vault, 3n * E18]);
      donated.add('BTT');
      await expectLedger(before, { 'bob.wallet.BTT': -3n * E18, 'custody.BTT': 3n * E18 });
      assert.equal((await realBalance(vault, 'BTT')) - (await view('totalLiabilities(address)', [tok.BTT])), 3n * E18);
    });
  });
});
